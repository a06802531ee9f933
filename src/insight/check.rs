//! The pre-flight check: the problems a rule would meet, decided from the
//! answers the client read (it never writes). Every problem has a stable code;
//! the list below is the documentation of those codes.
//!
//! | code | field | meaning |
//! |---|---|---|
//! | `InvalidRule` | the field named | the rule fails client-side validation (as `putBucketReplication` would) |
//! | `SameBucket` | `destination.bucket` | the destination is the source bucket |
//! | `DestinationNotFound` | `destination.bucket` | the destination bucket does not exist |
//! | `DestinationUnreadable` | `destination.bucket` | the destination could not be read (no permission, cross-account without credentials...): its region and versioning are unchecked |
//! | `LocationMismatch` | `destination.location` | the destination bucket is in another region than `destination.location` says |
//! | `VersioningMismatch` | — | one bucket has versioning enabled, the other not: both must be unversioned or both enabled |
//! | `VersioningSuspended` | — | a bucket's versioning is suspended: replication needs it enabled or never set |
//! | `LocationNotAllowed` | `destination.location` | `GetBucketReplicationLocation` does not list the region |
//! | `TransferTypeRequired` | `destination.transferType` | the region is only reachable with `oss_acc` |
//! | `TransferTypeNotAllowed` | `destination.transferType` | `oss_acc` on a same-region rule, or a type the region does not accept |
//! | `RtcNotSupported` | `rtc` | RTC is not available for that destination region |
//! | `RuleIdExists` | `id` | the source already has a rule with this ID |
//! | `DestinationInUse` | `destination.bucket` | the source already replicates to this bucket (one rule per destination) |
//! | `TooManyRules` | — | the source already has 100 rules |
//! | `PrefixOverlap` | `prefixes` | one prefix starts with another (OSS EC 0031-00000019) |
//! | `TagFiltersUnavailable` | `userTaggings` | the source region does not offer tag filters |
//! | `SourceUnreadable` | — | a read of the source failed (the message says which): that part is unchecked |

use crate::objects::Versioning;
use crate::replication::{ReplicationLocation, ReplicationRule, validate_rule};

/// Most rules a source bucket may hold.
pub const MAX_RULES: usize = 100;

/// Regions the API reference lists as not offering tag filters (China (Zhangjiakou),
/// China (Zhongwei), Mexico). Data, not a law: [`CheckInput::tag_filter_unsupported`]
/// may replace it.
pub const TAG_FILTER_UNSUPPORTED: &[&str] =
    &["oss-cn-zhangjiakou", "oss-cn-zhongwei", "oss-mx-central-1"];

/// What a read of the destination bucket found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DestinationFacts {
    /// `NoSuchBucket`.
    Missing,
    /// The bucket's real region and, when readable, its versioning.
    Found {
        /// Region with `oss-` (`oss-cn-beijing`).
        location: String,
        /// Versioning, when it could be read.
        versioning: Option<Versioning>,
    },
    /// Another error: the OSS code and message.
    Unreadable {
        /// Error code (`AccessDenied`...).
        code: String,
        /// Its message.
        message: String,
    },
}

/// Everything the check decides from.
#[derive(Clone, Debug)]
pub struct CheckInput<'a> {
    /// The rule to check.
    pub rule: &'a ReplicationRule,
    /// Source bucket name.
    pub source_bucket: &'a str,
    /// Source region with `oss-`.
    pub source_location: &'a str,
    /// Source versioning, or the error reading it.
    pub source_versioning: Result<Versioning, String>,
    /// What the destination read found.
    pub destination: DestinationFacts,
    /// `GetBucketReplicationLocation` of the source, or the error reading it.
    pub locations: Result<ReplicationLocation, String>,
    /// The source's rules, or the error reading them.
    pub existing_rules: Result<Vec<ReplicationRule>, String>,
    /// Regions without tag filters (default [`TAG_FILTER_UNSUPPORTED`]).
    pub tag_filter_unsupported: &'a [&'a str],
}

/// One problem: a stable code (see the module docs), the rule field it concerns, a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Stable code.
    pub code: &'static str,
    /// Rule field in the JS spelling (`destination.location`), when one is at fault.
    pub field: Option<&'static str>,
    /// What is wrong and what to do.
    pub message: String,
}

/// The check's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckReport {
    /// No problems.
    pub ok: bool,
    /// Problems found, in the order checked.
    pub problems: Vec<Problem>,
    /// Source versioning, when read.
    pub source_versioning: Option<Versioning>,
    /// Whether the destination exists (`None`: could not tell).
    pub destination_exists: Option<bool>,
    /// The destination's real region, when read.
    pub destination_location: Option<String>,
    /// The destination's versioning, when read.
    pub destination_versioning: Option<Versioning>,
}

fn problem(code: &'static str, field: Option<&'static str>, message: String) -> Problem {
    Problem {
        code,
        field,
        message,
    }
}

/// The field a validation message names (`rule.destination.bucket ...` -> `destination.bucket`).
fn field_of(message: &str) -> Option<&'static str> {
    const FIELDS: &[&str] = &[
        "destination.transferType",
        "destination.location",
        "destination.bucket",
        "historicalObjectReplication",
        "sseKmsEncryptedObjects",
        "replicaKmsKeyId",
        "userTaggings",
        "syncRole",
        "prefixes",
        "actions",
        "rtc",
        "id",
    ];
    let rest = message.split_whitespace().next()?.strip_prefix("rule.")?;
    FIELDS.iter().copied().find(|f| rest.starts_with(f))
}

/// Decides every problem `input` shows. Pure: the same answers give the same report.
pub fn check(input: &CheckInput<'_>) -> CheckReport {
    let rule = input.rule;
    let dest = &rule.destination;
    let mut problems = Vec::new();
    if let Err(e) = validate_rule(rule) {
        problems.push(problem(
            "InvalidRule",
            field_of(e.message()),
            e.message().to_owned(),
        ));
    }
    if dest.bucket == input.source_bucket {
        problems.push(problem(
            "SameBucket",
            Some("destination.bucket"),
            format!(
                "destination.bucket is the source bucket \"{}\"",
                dest.bucket
            ),
        ));
    }
    let mut report = CheckReport {
        ok: false,
        problems: Vec::new(),
        source_versioning: input.source_versioning.as_ref().ok().copied(),
        destination_exists: None,
        destination_location: None,
        destination_versioning: None,
    };
    match &input.destination {
        DestinationFacts::Missing => {
            report.destination_exists = Some(false);
            problems.push(problem(
                "DestinationNotFound",
                Some("destination.bucket"),
                format!("destination bucket \"{}\" does not exist", dest.bucket),
            ));
        }
        DestinationFacts::Unreadable { code, message } => problems.push(problem(
            "DestinationUnreadable",
            Some("destination.bucket"),
            format!(
                "destination bucket \"{}\" could not be read ({code}: {message}); its region and versioning are unchecked (cross-account: give the destination's credentials)",
                dest.bucket
            ),
        )),
        DestinationFacts::Found {
            location,
            versioning,
        } => {
            report.destination_exists = Some(true);
            report.destination_location = Some(location.clone());
            report.destination_versioning = *versioning;
            if *location != dest.location {
                problems.push(problem(
                    "LocationMismatch",
                    Some("destination.location"),
                    format!(
                        "destination bucket \"{}\" is in {location}, not {}",
                        dest.bucket, dest.location
                    ),
                ));
            }
        }
    }
    versioning_problems(input, &report, &mut problems);
    location_problems(input, &mut problems);
    rule_set_problems(input, &mut problems);
    for (i, a) in rule.prefixes.iter().enumerate() {
        for b in &rule.prefixes[i + 1..] {
            if a.starts_with(b.as_str()) || b.starts_with(a.as_str()) {
                problems.push(problem(
                    "PrefixOverlap",
                    Some("prefixes"),
                    format!("prefixes \"{a}\" and \"{b}\" overlap: one starts with the other"),
                ));
            }
        }
    }
    if rule.user_taggings.is_some()
        && input
            .tag_filter_unsupported
            .contains(&input.source_location)
    {
        problems.push(problem(
            "TagFiltersUnavailable",
            Some("userTaggings"),
            format!("tag filters are not available in {}", input.source_location),
        ));
    }
    report.ok = problems.is_empty();
    report.problems = problems;
    report
}

fn versioning_problems(input: &CheckInput<'_>, report: &CheckReport, problems: &mut Vec<Problem>) {
    if let Err(e) = &input.source_versioning {
        problems.push(problem(
            "SourceUnreadable",
            None,
            format!("the source's versioning could not be read: {e}"),
        ));
    }
    let named = [
        ("source", report.source_versioning),
        ("destination", report.destination_versioning),
    ];
    for (which, v) in named {
        if v == Some(Versioning::Suspended) {
            problems.push(problem(
                "VersioningSuspended",
                None,
                format!("the {which} bucket's versioning is suspended; enable it on both buckets or use two buckets that never had it"),
            ));
        }
    }
    if let (Some(s), Some(d)) = (report.source_versioning, report.destination_versioning) {
        let enabled = |v| v == Versioning::Enabled;
        if enabled(s) != enabled(d) {
            problems.push(problem(
                "VersioningMismatch",
                None,
                format!(
                    "versioning is {} on the source and {} on the destination; both must be enabled or both unversioned",
                    s.as_str(),
                    d.as_str()
                ),
            ));
        }
    }
}

fn location_problems(input: &CheckInput<'_>, problems: &mut Vec<Problem>) {
    let rule = input.rule;
    let dest = &rule.destination;
    let same_region = dest.location == input.source_location;
    let transfer = dest.transfer_type.as_deref().unwrap_or("internal");
    if same_region && transfer == "oss_acc" {
        problems.push(problem(
            "TransferTypeNotAllowed",
            Some("destination.transferType"),
            "oss_acc is for cross-region rules only; this rule stays in one region".to_owned(),
        ));
    }
    if same_region && rule.rtc == Some(true) {
        problems.push(problem(
            "RtcNotSupported",
            Some("rtc"),
            "RTC is for cross-region rules only".to_owned(),
        ));
    }
    let locations = match &input.locations {
        Ok(l) => l,
        Err(e) => {
            problems.push(problem(
                "SourceUnreadable",
                None,
                format!("GetBucketReplicationLocation failed: {e}; regions, transfer types and RTC are unchecked"),
            ));
            return;
        }
    };
    if same_region {
        return;
    }
    if !locations.locations.contains(&dest.location) {
        problems.push(problem(
            "LocationNotAllowed",
            Some("destination.location"),
            format!(
                "{} is not a region this bucket can replicate to",
                dest.location
            ),
        ));
        return;
    }
    if let Some(c) = locations
        .transfer_type_constraints
        .iter()
        .find(|c| c.location == dest.location)
    {
        if !c.transfer_types.iter().any(|t| t == transfer) {
            let code = if c.transfer_types.iter().any(|t| t == "oss_acc") {
                "TransferTypeRequired"
            } else {
                "TransferTypeNotAllowed"
            };
            problems.push(problem(
                code,
                Some("destination.transferType"),
                format!(
                    "{} accepts transferType {} only, not {transfer}",
                    dest.location,
                    c.transfer_types.join(" or ")
                ),
            ));
        }
    }
    if rule.rtc == Some(true) && !locations.rtc_locations.contains(&dest.location) {
        problems.push(problem(
            "RtcNotSupported",
            Some("rtc"),
            format!("RTC is not available for {}", dest.location),
        ));
    }
}

fn rule_set_problems(input: &CheckInput<'_>, problems: &mut Vec<Problem>) {
    let rules = match &input.existing_rules {
        Ok(r) => r,
        Err(e) => {
            problems.push(problem(
                "SourceUnreadable",
                None,
                format!("GetBucketReplication failed: {e}; existing rules are unchecked"),
            ));
            return;
        }
    };
    let rule = input.rule;
    if let Some(id) = &rule.id {
        if rules.iter().any(|r| r.id.as_ref() == Some(id)) {
            problems.push(problem(
                "RuleIdExists",
                Some("id"),
                format!("the source already has a rule \"{id}\"; rules cannot be edited: use replaceRule"),
            ));
        }
    }
    if let Some(other) = rules
        .iter()
        .find(|r| r.destination.bucket == rule.destination.bucket && r.id != rule.id)
    {
        problems.push(problem(
            "DestinationInUse",
            Some("destination.bucket"),
            format!(
                "rule \"{}\" already replicates to \"{}\": one rule per destination bucket",
                other.id.as_deref().unwrap_or(""),
                rule.destination.bucket
            ),
        ));
    }
    if rules.len() >= MAX_RULES {
        problems.push(problem(
            "TooManyRules",
            None,
            format!(
                "the source already has {} rules (at most {MAX_RULES})",
                rules.len()
            ),
        ));
    }
}

/// The bucket's real region from an error OSS gives when a request was signed
/// for, or sent to, another region: `... expecting 'cn-beijing'` (a V4 scope for
/// the wrong region) or `... oss-cn-beijing.aliyuncs.com` (an endpoint hint). With `oss-`.
pub fn region_hint(message: &str) -> Option<String> {
    let valid = |r: &str| {
        !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if let Some(rest) = message.split("expecting '").nth(1) {
        let region = rest.split('\'').next().unwrap_or("");
        let region = region.strip_prefix("oss-").unwrap_or(region);
        if valid(region) {
            return Some(format!("oss-{region}"));
        }
    }
    let at = message.find("oss-")?;
    let host = &message[at..];
    let region = host
        .split(".aliyuncs.com")
        .next()
        .filter(|_| host.contains(".aliyuncs.com"))?;
    let region = region.strip_suffix("-internal").unwrap_or(region);
    valid(&region[4..]).then(|| region.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replication::{Destination, LocationTransferType, Tag, UserTaggings};

    fn rule() -> ReplicationRule {
        ReplicationRule {
            id: Some("r1".into()),
            destination: Destination {
                bucket: "dst".into(),
                location: "oss-cn-beijing".into(),
                transfer_type: None,
            },
            ..Default::default()
        }
    }

    fn locations() -> ReplicationLocation {
        ReplicationLocation {
            locations: vec!["oss-cn-beijing".into(), "oss-cn-hongkong".into()],
            transfer_type_constraints: vec![LocationTransferType {
                location: "oss-cn-hongkong".into(),
                transfer_types: vec!["oss_acc".into()],
            }],
            rtc_locations: vec!["oss-cn-beijing".into()],
        }
    }

    fn input(rule: &ReplicationRule) -> CheckInput<'_> {
        CheckInput {
            rule,
            source_bucket: "src",
            source_location: "oss-cn-hangzhou",
            source_versioning: Ok(Versioning::Unversioned),
            destination: DestinationFacts::Found {
                location: "oss-cn-beijing".into(),
                versioning: Some(Versioning::Unversioned),
            },
            locations: Ok(locations()),
            existing_rules: Ok(Vec::new()),
            tag_filter_unsupported: TAG_FILTER_UNSUPPORTED,
        }
    }

    fn codes(r: &CheckReport) -> Vec<&'static str> {
        r.problems.iter().map(|p| p.code).collect()
    }

    #[test]
    fn a_good_rule_is_ok_and_reports_what_it_read() {
        let r = rule();
        let rep = check(&input(&r));
        assert!(rep.ok, "{:?}", rep.problems);
        assert_eq!(rep.destination_exists, Some(true));
        assert_eq!(rep.destination_location.as_deref(), Some("oss-cn-beijing"));
        assert_eq!(rep.source_versioning, Some(Versioning::Unversioned));
    }

    #[test]
    fn versioning_must_match_and_not_be_suspended() {
        let r = rule();
        let mut i = input(&r);
        i.source_versioning = Ok(Versioning::Enabled);
        assert_eq!(codes(&check(&i)), ["VersioningMismatch"]);
        i.destination = DestinationFacts::Found {
            location: "oss-cn-beijing".into(),
            versioning: Some(Versioning::Suspended),
        };
        assert_eq!(
            codes(&check(&i)),
            ["VersioningSuspended", "VersioningMismatch"]
        );
        i.destination = DestinationFacts::Found {
            location: "oss-cn-beijing".into(),
            versioning: Some(Versioning::Enabled),
        };
        assert!(check(&i).ok);
    }

    #[test]
    fn destination_existence_and_region() {
        let r = rule();
        let mut i = input(&r);
        i.destination = DestinationFacts::Found {
            location: "oss-cn-shanghai".into(),
            versioning: Some(Versioning::Unversioned),
        };
        let rep = check(&i);
        assert_eq!(codes(&rep), ["LocationMismatch"]);
        assert_eq!(rep.problems[0].field, Some("destination.location"));
        assert!(rep.problems[0].message.contains("oss-cn-shanghai"));
        i.destination = DestinationFacts::Missing;
        let rep = check(&i);
        assert_eq!(codes(&rep), ["DestinationNotFound"]);
        assert_eq!(rep.destination_exists, Some(false));
        i.destination = DestinationFacts::Unreadable {
            code: "AccessDenied".into(),
            message: "no".into(),
        };
        let rep = check(&i);
        assert_eq!(codes(&rep), ["DestinationUnreadable"]);
        assert_eq!(rep.destination_exists, None);
    }

    #[test]
    fn location_answer_decides_regions_transfer_types_and_rtc() {
        let mut r = rule();
        r.destination.location = "oss-us-west-1".into();
        let mut i = input(&r);
        i.destination = DestinationFacts::Found {
            location: "oss-us-west-1".into(),
            versioning: None,
        };
        assert_eq!(codes(&check(&i)), ["LocationNotAllowed"]);

        let mut r = rule();
        r.destination.location = "oss-cn-hongkong".into();
        let mut i = input(&r);
        i.destination = DestinationFacts::Found {
            location: "oss-cn-hongkong".into(),
            versioning: None,
        };
        assert_eq!(codes(&check(&i)), ["TransferTypeRequired"]);
        r.destination.transfer_type = Some("oss_acc".into());
        r.rtc = Some(true);
        let mut i = input(&r);
        i.destination = DestinationFacts::Found {
            location: "oss-cn-hongkong".into(),
            versioning: None,
        };
        assert_eq!(codes(&check(&i)), ["RtcNotSupported"]);

        let mut r = rule();
        r.destination.location = "oss-cn-hangzhou".into();
        r.destination.transfer_type = Some("oss_acc".into());
        let mut i = input(&r);
        i.destination = DestinationFacts::Found {
            location: "oss-cn-hangzhou".into(),
            versioning: None,
        };
        assert_eq!(codes(&check(&i)), ["TransferTypeNotAllowed"]);
    }

    #[test]
    fn existing_rules_prefixes_tags_and_validation() {
        let mut r = rule();
        r.prefixes = vec!["logs/".into(), "logs/2026/".into()];
        r.user_taggings = Some(UserTaggings {
            filter_type: "AND".into(),
            tags: vec![Tag {
                key: "team".into(),
                value: "a".into(),
            }],
        });
        let mut i = input(&r);
        let mut other = rule();
        other.id = Some("r0".into());
        let mut rules = vec![rule(), other];
        rules.extend((0..98).map(|n| ReplicationRule {
            id: Some(format!("x{n}")),
            destination: Destination {
                bucket: format!("d{n}"),
                ..Default::default()
            },
            ..Default::default()
        }));
        i.existing_rules = Ok(rules);
        i.source_location = "oss-cn-zhangjiakou";
        assert_eq!(
            codes(&check(&i)),
            [
                "RuleIdExists",
                "DestinationInUse",
                "TooManyRules",
                "PrefixOverlap",
                "TagFiltersUnavailable"
            ]
        );
        let mut bad = rule();
        bad.destination.location = "cn-beijing".into();
        let rep = check(&input(&bad));
        assert_eq!(rep.problems[0].code, "InvalidRule");
        assert_eq!(rep.problems[0].field, Some("destination.location"));
    }

    #[test]
    fn region_hints_from_wrong_region_errors() {
        assert_eq!(
            region_hint("Invalid signing region in Authorization header: the region 'cn-shanghai' is wrong; expecting 'cn-beijing' (the bucket's region).").as_deref(),
            Some("oss-cn-beijing")
        );
        assert_eq!(
            region_hint("The bucket you are attempting to access must be addressed using the specified endpoint: dst.oss-cn-beijing.aliyuncs.com").as_deref(),
            Some("oss-cn-beijing")
        );
        assert_eq!(region_hint("Access denied"), None);
        assert_eq!(region_hint("expecting 'CN BEIJING'"), None);
    }

    #[test]
    fn failed_reads_are_problems_not_silence() {
        let r = rule();
        let mut i = input(&r);
        i.source_versioning = Err("AccessDenied".into());
        i.locations = Err("AccessDenied".into());
        i.existing_rules = Err("AccessDenied".into());
        let rep = check(&i);
        assert_eq!(
            codes(&rep),
            ["SourceUnreadable", "SourceUnreadable", "SourceUnreadable"]
        );
        assert!(!rep.ok);
    }
}
