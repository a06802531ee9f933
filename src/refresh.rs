//! Credential refresh decisions, synchronous: whether the credentials held are
//! due for a refresh, and what a refresh came to (new keys, the static keys
//! kept, or an error naming why). The client's driver only runs the callback
//! against its timer and shares one refresh between concurrent calls.

use crate::credentials::Credentials;
use crate::error::{Error, ErrorKind};
use crate::time::SigningTime;

/// Refresh this long before credentials expire.
pub const EXPIRY_MARGIN_SECS: i64 = 60;

/// The credentials a client holds and when (local clock, ms) it got them.
pub type Held = Option<(Credentials, f64)>;

/// Whether `held` must be refreshed before signing: none yet, expiring within
/// [`EXPIRY_MARGIN_SECS`] of `now` (the corrected clock), or older than
/// `interval_ms` by the local clock `local_ms`.
pub fn due(held: &Held, now: SigningTime, local_ms: f64, interval_ms: Option<f64>) -> bool {
    let Some((creds, fetched_at)) = held else {
        return true;
    };
    creds.expires_within(now, EXPIRY_MARGIN_SECS)
        || interval_ms.is_some_and(|i| local_ms - fetched_at >= i)
}

/// How a refresh ended, as the driver saw it.
#[derive(Debug)]
pub enum Answer {
    /// The callback did not settle within the timeout.
    TimedOut,
    /// There is no callback.
    NoCallback,
    /// The callback failed (threw, rejected, or answered something unusable).
    Failed(Error),
    /// New credentials.
    Got(Credentials),
}

/// The credentials to use after a refresh that ended with `answer`, or the error
/// to fail the call with. `held` is what the client has (its keys are masked in
/// a callback's message); `now` the corrected clock; `timeout_ms` the bound.
pub fn settle(
    answer: Answer,
    held: &Held,
    now: SigningTime,
    timeout_ms: f64,
) -> Result<Credentials, Error> {
    match answer {
        Answer::Got(c) => Ok(c),
        Answer::TimedOut => Err(Error::new(
            ErrorKind::Credentials,
            "CredentialsRefreshTimeout",
            format!(
                "refreshSTSToken did not settle within {} ms (the timeout option); the next call refreshes again",
                timeout_ms as u64
            ),
        )),
        Answer::Failed(e) => {
            // The callback's message may quote what it holds: mask the keys we know.
            let known = held.as_ref().map(|(c, _)| c.secrets()).unwrap_or_default();
            Err(Error::new(
                ErrorKind::Credentials,
                "CredentialsRefreshFailed",
                format!("refreshSTSToken failed: {}", e.message()),
            )
            .mask_known(&known))
        }
        // Without a refresh callback: the static credentials while they last.
        Answer::NoCallback => match held {
            Some((c, _)) if !c.expires_within(now, 0) => Ok(c.clone()),
            Some(_) => Err(Error::new(
                ErrorKind::Credentials,
                "SecurityTokenExpired",
                "the STS credentials have expired and no refreshSTSToken callback is configured",
            )),
            None => Err(Error::new(
                ErrorKind::Credentials,
                "MissingCredentials",
                "no credentials: give accessKeyId and accessKeySecret, or a refreshSTSToken callback",
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_713_340_800;

    fn creds(secret: &str, expires_in_secs: Option<i64>) -> Credentials {
        Credentials::new("STS.id", secret, Some("token".into()))
            .unwrap()
            .with_expiration(expires_in_secs.map(|s| SigningTime::from_epoch_secs(NOW + s)))
    }

    fn now() -> SigningTime {
        SigningTime::from_epoch_secs(NOW)
    }

    #[test]
    fn due_when_missing_expiring_or_old() {
        assert!(due(&None, now(), 0.0, None));
        assert!(!due(&Some((creds("s", None), 0.0)), now(), 1e12, None));
        assert!(!due(&Some((creds("s", Some(61)), 0.0)), now(), 0.0, None));
        assert!(due(&Some((creds("s", Some(60)), 0.0)), now(), 0.0, None));
        assert!(due(&Some((creds("s", Some(-5)), 0.0)), now(), 0.0, None));
        let held = Some((creds("s", None), 1_000.0));
        assert!(!due(&held, now(), 300_999.0, Some(300_000.0)));
        assert!(due(&held, now(), 301_000.0, Some(300_000.0)));
    }

    #[test]
    fn a_stuck_refresh_times_out_with_a_named_error() {
        let e = settle(Answer::TimedOut, &None, now(), 2_500.0).unwrap_err();
        assert_eq!(e.code(), "CredentialsRefreshTimeout");
        assert!(e.message().contains("2500 ms"), "{}", e.message());
        assert_eq!(e.kind(), ErrorKind::Credentials);
    }

    #[test]
    fn a_failed_callback_is_named_and_its_message_masked() {
        let held = Some((creds("old-secret-value", None), 0.0));
        let cause = Error::invalid("could not renew old-secret-value");
        let e = settle(Answer::Failed(cause), &held, now(), 1_000.0).unwrap_err();
        assert_eq!(e.code(), "CredentialsRefreshFailed");
        assert!(e.message().starts_with("refreshSTSToken failed: "));
        assert!(!e.message().contains("old-secret-value"), "{}", e.message());
    }

    #[test]
    fn without_a_callback_static_keys_last_until_they_expire() {
        let fresh = Some((creds("s", Some(30)), 0.0));
        assert_eq!(
            settle(Answer::NoCallback, &fresh, now(), 1.0).unwrap(),
            fresh.as_ref().unwrap().0
        );
        let expired = Some((creds("s", Some(0)), 0.0));
        let e = settle(Answer::NoCallback, &expired, now(), 1.0).unwrap_err();
        assert_eq!(e.code(), "SecurityTokenExpired");
        let e = settle(Answer::NoCallback, &None, now(), 1.0).unwrap_err();
        assert_eq!(e.code(), "MissingCredentials");
    }

    #[test]
    fn new_keys_are_taken_as_given() {
        let new = creds("new", Some(3_600));
        let held = Some((creds("old", Some(10)), 0.0));
        assert_eq!(
            settle(Answer::Got(new.clone()), &held, now(), 1.0).unwrap(),
            new
        );
    }
}
