//! Rule replacement and waiting, decided here; the client drives the requests.
//!
//! OSS cannot edit a rule (only RTC changes in place): a change is delete, wait
//! until the old rule is no longer listed (it reads `closing` meanwhile), then put.
//! The steps, in order, and what a failure at each leaves behind:
//!
//! | step | on failure |
//! |---|---|
//! | `validate` | nothing sent: the new rule fails client-side validation |
//! | `read` | nothing changed: the old rule could not be read (or does not exist) |
//! | `delete` | nothing changed (OSS refused the delete) |
//! | `wait` | the old rule is being deleted and cannot be kept; the new rule was not put |
//! | `put` | the old rule is put back (the error says whether that worked) |

use crate::error::{Error, ErrorKind};
use crate::replication::ReplicationRule;

/// A step of [`crate::client::Client::replace_rule`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Client-side validation of the new rule.
    Validate,
    /// Reading the old rule (kept to put back if the new one fails).
    Read,
    /// DeleteBucketReplication of the old rule.
    Delete,
    /// Waiting until the old rule is gone.
    Wait,
    /// PutBucketReplication of the new rule.
    Put,
}

impl Step {
    /// The step's name in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Step::Validate => "validate",
            Step::Read => "read",
            Step::Delete => "delete",
            Step::Wait => "wait",
            Step::Put => "put",
        }
    }

    fn consequence(self) -> &'static str {
        match self {
            Step::Validate | Step::Read | Step::Delete => "nothing was changed",
            Step::Wait => {
                "the old rule is being deleted (it cannot be kept) and the new rule was not put"
            }
            Step::Put => "the new rule was not put",
        }
    }
}

/// How a put-back of the old rule went, after the new rule's Put failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Restore {
    /// Not attempted (the failure was before the delete).
    NotNeeded,
    /// The old rule was put back.
    Restored,
    /// Putting the old rule back failed too, with this error.
    Failed(String),
}

/// The error for a replacement that failed at `step`: the cause's kind, code and
/// service details, the message saying which step failed and what was left.
pub fn step_error(step: Step, cause: Error, restore: &Restore) -> Error {
    let left = match restore {
        Restore::NotNeeded => step.consequence().to_owned(),
        Restore::Restored => format!("{}; the old rule was put back", step.consequence()),
        Restore::Failed(e) => format!(
            "{}; putting the old rule back failed too ({e}): the bucket now has neither rule",
            step.consequence()
        ),
    };
    cause.context(&format!(
        "replaceRule failed at step {} ({left})",
        step.name()
    ))
}

/// The old rule as it must be put back: its read-back fields (unknown children
/// included) without the read-only status fields.
pub fn restorable(old: &ReplicationRule) -> ReplicationRule {
    let mut rule = old.clone();
    rule.status = None;
    rule.rtc = rule
        .rtc
        .or_else(|| old.rtc_status.as_deref().map(|s| s != "disabled"));
    rule.rtc_status = None;
    rule
}

/// What [`crate::client::Client::wait_for_rule`] waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The rule reads `doing` (replicating).
    Doing,
    /// The rule is no longer listed.
    Gone,
}

impl Target {
    /// `doing` or `gone`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        match text {
            "doing" => Ok(Target::Doing),
            "gone" => Ok(Target::Gone),
            other => Err(Error::invalid(format!(
                "state \"{}\" must be 'doing' or 'gone'",
                crate::endpoint::printable(other)
            ))),
        }
    }
}

/// After one read of the rules: `Ok(true)` reached, `Ok(false)` keep waiting,
/// `Err` never will (waiting for `doing` on a rule that is not there).
pub fn reached(target: Target, rule_id: &str, rules: &[ReplicationRule]) -> Result<bool, Error> {
    let found = rules.iter().find(|r| r.id.as_deref() == Some(rule_id));
    match (target, found) {
        (Target::Gone, None) => Ok(true),
        (Target::Gone, Some(_)) => Ok(false),
        (Target::Doing, Some(r)) => Ok(r.status.as_deref() == Some("doing")),
        (Target::Doing, None) => Err(Error::new(
            ErrorKind::Service,
            "NoSuchReplicationRule",
            format!("rule \"{rule_id}\" does not exist, so it will never be doing"),
        )),
    }
}

/// The error when a wait ran out of time.
pub fn wait_timeout(target: Target, rule_id: &str, timeout_ms: u64, last: Option<&str>) -> Error {
    let want = match target {
        Target::Doing => "doing",
        Target::Gone => "gone",
    };
    Error::new(
        ErrorKind::Timeout,
        "RuleWaitTimeout",
        format!(
            "rule \"{rule_id}\" was not {want} within {timeout_ms} ms (last status: {})",
            last.unwrap_or("not listed")
        ),
    )
}

/// The error when the caller's signal aborted a wait or a replacement.
pub fn aborted(what: &str) -> Error {
    Error::new(
        ErrorKind::Aborted,
        "AbortError",
        format!("{what} was aborted"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, status: &str) -> ReplicationRule {
        ReplicationRule {
            id: Some(id.into()),
            status: Some(status.into()),
            ..Default::default()
        }
    }

    #[test]
    fn waits_end_on_the_target_and_fail_for_a_rule_that_is_not_there() {
        let rules = [
            rule("a", "closing"),
            rule("b", "starting"),
            rule("c", "doing"),
        ];
        assert!(!reached(Target::Gone, "a", &rules).unwrap());
        assert!(reached(Target::Gone, "z", &rules).unwrap());
        assert!(!reached(Target::Doing, "b", &rules).unwrap());
        assert!(reached(Target::Doing, "c", &rules).unwrap());
        assert_eq!(
            reached(Target::Doing, "z", &rules).unwrap_err().code(),
            "NoSuchReplicationRule"
        );
        assert_eq!(Target::parse("gone").unwrap(), Target::Gone);
        assert!(
            Target::parse("closing")
                .unwrap_err()
                .message()
                .contains("'doing' or 'gone'")
        );
    }

    #[test]
    fn step_errors_say_the_step_and_what_was_left_and_keep_the_cause() {
        let cause = Error::new(ErrorKind::Service, "InvalidArgument", "bad prefix");
        let e = step_error(Step::Put, cause.clone(), &Restore::Restored);
        assert_eq!(e.code(), "InvalidArgument");
        assert!(e.message().starts_with("replaceRule failed at step put (the new rule was not put; the old rule was put back): bad prefix"), "{e}");
        let e = step_error(
            Step::Put,
            cause.clone(),
            &Restore::Failed("AccessDenied: no".into()),
        );
        assert!(e.message().contains("neither rule"), "{e}");
        let e = step_error(Step::Wait, cause, &Restore::NotNeeded);
        assert!(
            e.message()
                .contains("step wait (the old rule is being deleted"),
            "{e}"
        );
        let t = wait_timeout(Target::Gone, "r", 5000, Some("closing"));
        assert_eq!(
            (t.code(), t.kind()),
            ("RuleWaitTimeout", ErrorKind::Timeout)
        );
        assert!(t.message().contains("last status: closing"));
    }

    #[test]
    fn the_restored_rule_drops_read_only_fields_and_keeps_rtc() {
        let mut old = rule("a", "doing");
        old.rtc_status = Some("enabled".into());
        old.unknown
            .rule
            .push("<Source><Location>oss-cn-hangzhou</Location></Source>".into());
        let r = restorable(&old);
        assert_eq!((r.status, r.rtc_status, r.rtc), (None, None, Some(true)));
        assert_eq!(r.unknown, old.unknown);
    }
}
