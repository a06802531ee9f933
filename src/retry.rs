//! Pure retry policy: how long to wait before attempt `n`. Sleeping is the
//! transport's job, so tests can run a whole backoff schedule instantly.

/// Exponential backoff with full jitter, honouring `Retry-After`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so `max_retries + 1` attempts in all).
    pub max_retries: u32,
    /// Backoff base: attempt `n` waits up to `base * 2^n`.
    pub base_delay_ms: u64,
    /// Ceiling for one wait, including `Retry-After`.
    pub max_delay_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay_ms: 200,
            max_delay_ms: 20_000,
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0 for the first retry). `random` is
    /// uniform in `[0, 1)`; a server's `Retry-After` wins when it asks for longer.
    pub fn delay_ms(&self, retry: u32, random: f64, retry_after_ms: Option<u64>) -> u64 {
        let ceiling = self
            .base_delay_ms
            .saturating_mul(1u64 << retry.min(20))
            .min(self.max_delay_ms);
        let jittered = (ceiling as f64 * random.clamp(0.0, 1.0)) as u64;
        match retry_after_ms {
            Some(after) => after.min(self.max_delay_ms).max(jittered),
            None => jittered,
        }
    }
}

/// `Retry-After` as milliseconds, when it is a number of seconds (HTTP's
/// `delay-seconds`; the HTTP-date form is not used by OSS).
pub fn retry_after_ms(value: Option<&str>) -> Option<u64> {
    let secs: u64 = value?.trim().parse().ok()?;
    Some(secs.saturating_mul(1000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_jitter_grows_and_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay_ms(0, 0.0, None), 0);
        assert_eq!(p.delay_ms(0, 0.5, None), 100);
        assert_eq!(p.delay_ms(3, 0.5, None), 800);
        assert_eq!(p.delay_ms(30, 0.999_999, None), 19_999);
        assert_eq!(p.delay_ms(1, 2.0, None), 400);
    }

    #[test]
    fn retry_after_wins_when_longer() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay_ms(0, 0.5, Some(3_000)), 3_000);
        assert_eq!(p.delay_ms(0, 0.5, Some(600_000)), 20_000);
        assert_eq!(p.delay_ms(5, 1.0, Some(10)), 6_400);
        assert_eq!(retry_after_ms(Some(" 2 ")), Some(2_000));
        assert_eq!(retry_after_ms(Some("Wed, 21 Oct 2015 07:28:00 GMT")), None);
        assert_eq!(retry_after_ms(Some("-1")), None);
        assert_eq!(retry_after_ms(None), None);
    }
}
