//! The server clock: wall time plus a shift settable through `/_emulator/clock`, so tests
//! can provoke `RequestTimeTooSkewed` and STS expiry without waiting.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use oss_replication::SigningTime;

/// Milliseconds since the Unix epoch, unshifted (used for internal delays).
pub fn real_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The clock every externally visible time comes from.
#[derive(Debug, Default)]
pub struct Clock {
    offset_secs: AtomicI64,
}

impl Clock {
    /// Milliseconds since the Unix epoch, shifted.
    pub fn now_ms(&self) -> i64 {
        real_now_ms().saturating_add(self.offset_secs().saturating_mul(1000))
    }

    /// The shifted time in whole seconds.
    pub fn now(&self) -> SigningTime {
        SigningTime::from_epoch_secs(self.now_ms().div_euclid(1000))
    }

    /// The current shift.
    pub fn offset_secs(&self) -> i64 {
        self.offset_secs.load(Ordering::Relaxed)
    }

    /// Sets the shift.
    pub fn set_offset_secs(&self, secs: i64) {
        self.offset_secs.store(secs, Ordering::Relaxed);
    }
}

/// Formats epoch milliseconds as OSS writes times in XML, in whole seconds
/// (`2024-04-17T08:00:00.000Z`; oss2 parses exactly that shape).
pub fn iso8601(ms: i64) -> String {
    SigningTime::from_epoch_secs(ms.div_euclid(1000)).to_iso8601()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_and_format() {
        let c = Clock::default();
        let before = c.now_ms();
        c.set_offset_secs(1200);
        assert!(c.now_ms() - before >= 1_199_000);
        assert_eq!(iso8601(1_713_340_800_999), "2024-04-17T08:00:00.000Z");
    }
}
