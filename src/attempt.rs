//! The decisions of one call's attempts, as a synchronous state machine: after
//! each attempt the driver ([`crate::client::Client`]) reports what happened and
//! gets the next action (send again, correct the clock, refresh the
//! credentials, wait, or give up). No I/O, no clock, no futures: every scenario
//! (a 503 storm, clock skew, an expired token, a lost Put answer) is walked
//! step by step in the tests below, and the driver holds no decisions.

use crate::error::{Error, ErrorKind};
use crate::retry::RetryPolicy;
use crate::time::SigningTime;

/// OSS codes that mean "these credentials are not (or no longer) accepted".
pub const AUTH_CODES: &[&str] = &[
    "InvalidAccessKeyId",
    "SecurityTokenExpired",
    "InvalidSecurityToken",
];

/// What one attempt came to, as the driver saw it.
#[derive(Debug)]
pub enum Outcome {
    /// A 2xx answer whose body could not be used (cut, mangled).
    Unusable(Error),
    /// An HTTP error answer.
    Refused {
        /// The error the answer stands for.
        error: Error,
        /// The server's clock, when the answer gave it (`ServerTime`, `Date`).
        server_time: Option<SigningTime>,
        /// `Retry-After`, in ms.
        retry_after_ms: Option<u64>,
        /// Whether the client's credentials were replaced (by another call's
        /// refresh) while this attempt was in flight.
        credentials_replaced: bool,
    },
    /// No answer: network failure, timeout, an answer too large.
    Failed(Error),
}

/// What the driver does next.
#[derive(Debug, PartialEq)]
pub enum Next {
    /// Sign and send again now.
    Send,
    /// Set the clock offset so that now is the server's `SigningTime`, then send again.
    FixClock(SigningTime),
    /// Refresh the credentials (forced), then report with [`Attempts::refreshed`].
    Refresh,
    /// Wait this many ms, then send again.
    Wait(u64),
    /// Give up with this error, after this many retries.
    Fail(Error, u32),
}

/// The attempts of one call.
#[derive(Debug)]
pub struct Attempts {
    policy: RetryPolicy,
    idempotent: bool,
    retries: u32,
    skew_fixed: bool,
    refreshed_for_auth: bool,
    /// The auth error a refresh was asked for, decided on once it is done.
    pending: Option<(Error, Option<u64>)>,
}

impl Attempts {
    /// The first attempt of a call; `idempotent` (a GET) lets a bad 2xx body be retried.
    pub fn new(policy: RetryPolicy, idempotent: bool) -> Self {
        Attempts {
            policy,
            idempotent,
            retries: 0,
            skew_fixed: false,
            refreshed_for_auth: false,
            pending: None,
        }
    }

    /// Retries made so far (waits taken).
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The next action after an attempt that did not succeed. `random` (uniform
    /// in `[0, 1)`, for backoff jitter) is called only when a wait is chosen.
    pub fn failed(&mut self, outcome: Outcome, random: &dyn Fn() -> f64) -> Next {
        let (error, after) = match outcome {
            Outcome::Unusable(e) if !self.idempotent => return Next::Fail(e, self.retries),
            Outcome::Unusable(e) | Outcome::Failed(e) => (e, None),
            Outcome::Refused {
                error,
                server_time,
                retry_after_ms,
                credentials_replaced,
            } => {
                // One correction per call: a second skew means the server's clock moves.
                if error.code() == "RequestTimeTooSkewed" && !self.skew_fixed {
                    if let Some(server) = server_time {
                        self.skew_fixed = true;
                        return Next::FixClock(server);
                    }
                }
                if AUTH_CODES.contains(&error.code()) && !self.refreshed_for_auth {
                    self.refreshed_for_auth = true;
                    // Another call refreshed meanwhile: retry with those credentials.
                    if credentials_replaced {
                        return Next::Send;
                    }
                    self.pending = Some((error, retry_after_ms));
                    return Next::Refresh;
                }
                (error, retry_after_ms)
            }
        };
        self.back_off(error, after, random)
    }

    /// The next action after the refresh [`Next::Refresh`] asked for: send again
    /// only with other credentials (the same keys get the same answer), else
    /// decide on the auth error as on any other.
    pub fn refreshed(&mut self, changed: bool, random: &dyn Fn() -> f64) -> Next {
        match self.pending.take() {
            Some((error, after)) if !changed => self.back_off(error, after, random),
            _ => Next::Send,
        }
    }

    fn back_off(&mut self, error: Error, after: Option<u64>, random: &dyn Fn() -> f64) -> Next {
        let retryable =
            error.is_retryable() || (self.idempotent && error.kind() == ErrorKind::Parse);
        if !retryable || self.retries >= self.policy.max_retries {
            return Next::Fail(error, self.retries);
        }
        let delay = self.policy.delay_ms(self.retries, random(), after);
        self.retries += 1;
        Next::Wait(delay)
    }
}

/// Whether a Put that failed with `error` after `retries` retries may have
/// succeeded already (its answer lost): `BucketReplicationAlreadyExist` on a
/// retry. The caller then reads the rules back and counts the Put as done when
/// the rule with its ID and destination is there.
pub fn put_may_have_landed(error: &Error, retries: u32) -> bool {
    retries > 0 && error.code() == "BucketReplicationAlreadyExist"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ServiceDetails;

    fn service(status: u16, code: &str) -> Error {
        Error::service(
            code,
            "from the server",
            ServiceDetails {
                status,
                ..ServiceDetails::default()
            },
        )
    }

    fn refused(status: u16, code: &str) -> Outcome {
        Outcome::Refused {
            error: service(status, code),
            server_time: None,
            retry_after_ms: None,
            credentials_replaced: false,
        }
    }

    fn policy(max_retries: u32) -> RetryPolicy {
        RetryPolicy {
            max_retries,
            base_delay_ms: 100,
            max_delay_ms: 1_000,
        }
    }

    /// A random source that must not be read.
    fn no_random() -> f64 {
        panic!("random read without a wait")
    }

    fn fail_code(next: Next) -> (String, u32) {
        match next {
            Next::Fail(e, n) => (e.code().to_owned(), n),
            other => panic!("expected Fail, got {other:?}"),
        }
    }

    #[test]
    fn a_503_storm_backs_off_exponentially_then_gives_up() {
        let mut a = Attempts::new(policy(3), true);
        let waits: Vec<Next> = (0..3)
            .map(|_| a.failed(refused(503, "ServiceUnavailable"), &|| 0.5))
            .collect();
        assert_eq!(waits, [Next::Wait(50), Next::Wait(100), Next::Wait(200)]);
        assert_eq!(a.retries(), 3);
        let last = a.failed(refused(503, "ServiceUnavailable"), &no_random);
        assert_eq!(fail_code(last), ("ServiceUnavailable".to_owned(), 3));
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let mut a = Attempts::new(policy(3), true);
        let throttled = |ms| Outcome::Refused {
            error: service(429, "TooManyRequests"),
            server_time: None,
            retry_after_ms: Some(ms),
            credentials_replaced: false,
        };
        assert_eq!(a.failed(throttled(700), &|| 0.5), Next::Wait(700));
        assert_eq!(a.failed(throttled(60_000), &|| 0.5), Next::Wait(1_000));
    }

    #[test]
    fn client_errors_fail_at_once() {
        let mut a = Attempts::new(policy(3), true);
        let next = a.failed(refused(403, "AccessDenied"), &no_random);
        assert_eq!(fail_code(next), ("AccessDenied".to_owned(), 0));
    }

    #[test]
    fn network_failures_and_timeouts_are_retried_for_every_method() {
        let mut put = Attempts::new(policy(1), false);
        let cut = Error::network("connection reset", false);
        assert_eq!(
            put.failed(Outcome::Failed(cut.clone()), &|| 1.0),
            Next::Wait(100)
        );
        assert_eq!(fail_code(put.failed(Outcome::Failed(cut), &no_random)).1, 1);
        let mut get = Attempts::new(policy(1), true);
        let timeout = Error::client_timeout(5_000.0);
        assert_eq!(get.failed(Outcome::Failed(timeout), &|| 0.0), Next::Wait(0));
    }

    #[test]
    fn a_bad_body_is_retried_for_reads_only() {
        let mut get = Attempts::new(policy(2), true);
        let bad = || Outcome::Unusable(Error::parse("cut XML"));
        assert_eq!(get.failed(bad(), &|| 0.5), Next::Wait(50));
        let mut put = Attempts::new(policy(2), false);
        assert_eq!(fail_code(put.failed(bad(), &no_random)).1, 0);
    }

    #[test]
    fn clock_skew_is_corrected_once_per_call() {
        let server = SigningTime::from_epoch_secs(1_713_340_800);
        let skewed = |t| Outcome::Refused {
            error: service(403, "RequestTimeTooSkewed"),
            server_time: t,
            retry_after_ms: None,
            credentials_replaced: false,
        };
        let mut a = Attempts::new(policy(3), true);
        assert_eq!(
            a.failed(skewed(Some(server)), &no_random),
            Next::FixClock(server)
        );
        assert_eq!(a.retries(), 0, "a correction is not a retry");
        let again = a.failed(skewed(Some(server)), &no_random);
        assert_eq!(fail_code(again).0, "RequestTimeTooSkewed");
        // Without the server's time there is nothing to correct to.
        let mut b = Attempts::new(policy(3), true);
        assert_eq!(fail_code(b.failed(skewed(None), &no_random)).1, 0);
    }

    #[test]
    fn an_expired_token_refreshes_once_and_resends_with_new_keys() {
        let mut a = Attempts::new(policy(3), true);
        assert_eq!(
            a.failed(refused(403, "SecurityTokenExpired"), &no_random),
            Next::Refresh
        );
        assert_eq!(a.refreshed(true, &no_random), Next::Send);
        // Refused again with the new keys: no second refresh in one call.
        let next = a.failed(refused(403, "SecurityTokenExpired"), &no_random);
        assert_eq!(fail_code(next), ("SecurityTokenExpired".to_owned(), 0));
    }

    #[test]
    fn a_refresh_that_brings_the_same_keys_does_not_resend() {
        let mut a = Attempts::new(policy(3), true);
        assert_eq!(
            a.failed(refused(403, "InvalidAccessKeyId"), &no_random),
            Next::Refresh
        );
        assert_eq!(
            fail_code(a.refreshed(false, &no_random)).0,
            "InvalidAccessKeyId"
        );
    }

    #[test]
    fn keys_replaced_by_a_concurrent_refresh_are_used_without_refreshing_again() {
        let mut a = Attempts::new(policy(3), true);
        let next = a.failed(
            Outcome::Refused {
                error: service(403, "InvalidSecurityToken"),
                server_time: None,
                retry_after_ms: None,
                credentials_replaced: true,
            },
            &no_random,
        );
        assert_eq!(next, Next::Send);
        assert_eq!(a.retries(), 0);
    }

    #[test]
    fn a_lost_put_answer_is_recognised_on_the_retry() {
        let mut put = Attempts::new(policy(3), false);
        // The first Put landed but its answer was lost.
        let lost = Outcome::Failed(Error::client_timeout(1_000.0));
        assert_eq!(put.failed(lost, &|| 0.5), Next::Wait(50));
        // The retry meets the rule the first attempt created.
        let (code, retries) =
            fail_code(put.failed(refused(409, "BucketReplicationAlreadyExist"), &no_random));
        let error = service(409, &code);
        assert!(put_may_have_landed(&error, retries));
        // On a first attempt the rule existed before: a real conflict.
        assert!(!put_may_have_landed(&error, 0));
        assert!(!put_may_have_landed(&service(409, "Conflict"), 2));
    }
}
