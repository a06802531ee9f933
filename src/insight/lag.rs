//! Lag, historical rate, ETA and the watch's poll interval: pure arithmetic on
//! what successive progress answers said, with times passed in.

use crate::replication::ReplicationProgress;

/// Seconds between the server's clock (the answer's `Date`) and the `NewObject`
/// watermark: how far behind new writes are. Never negative (a watermark a
/// little ahead of a rounded `Date` is no lag).
pub fn lag_seconds(server_secs: Option<i64>, new_object_secs: Option<i64>) -> Option<f64> {
    Some((server_secs? - new_object_secs?).max(0) as f64)
}

/// How many samples the rate is averaged over.
const WINDOW: usize = 5;

/// One observation for the watch: the progress read, the local time it was read
/// at and the server time the answer carried.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// The rule and its progress.
    pub progress: ReplicationProgress,
    /// Lag from the answer's `Date` (see [`lag_seconds`]).
    pub lag_seconds: Option<f64>,
    /// Fraction of historical objects per second over the recent samples.
    pub historical_rate: Option<f64>,
    /// Seconds until the historical copy completes at that rate (0 when complete).
    pub eta_seconds: Option<f64>,
}

/// The watch's memory between polls: recent `(local ms, historical fraction)`
/// samples and the last status seen.
#[derive(Clone, Debug, Default)]
pub struct Watch {
    samples: Vec<(f64, f64)>,
    last_status: Option<String>,
    changed: bool,
}

impl Watch {
    /// A watch with no samples.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one answer read at local `now_ms` whose `Date` said `server_secs`.
    pub fn observe(
        &mut self,
        now_ms: f64,
        server_secs: Option<i64>,
        progress: ReplicationProgress,
    ) -> Observation {
        let status = progress.rule.status.clone();
        self.changed = self.last_status.is_some() && self.last_status != status;
        self.last_status = status;
        let lag = lag_seconds(server_secs, progress.new_object_epoch_secs);
        let fraction = progress.historical_object;
        if let Some(f) = fraction {
            // A fraction that went down means the rule restarted: start over.
            if self.samples.last().is_some_and(|&(_, prev)| f < prev) {
                self.samples.clear();
            }
            self.samples.push((now_ms, f));
            if self.samples.len() > WINDOW {
                self.samples.remove(0);
            }
        }
        let rate = self.rate();
        let eta = match (fraction, rate) {
            (Some(f), _) if f >= 1.0 => Some(0.0),
            (Some(f), Some(r)) if r > 0.0 => Some((1.0 - f) / r),
            _ => None,
        };
        Observation {
            progress,
            lag_seconds: lag,
            historical_rate: rate,
            eta_seconds: eta,
        }
    }

    /// Fraction per second between the oldest and newest sample in the window;
    /// `None` until two samples at least 1 ms apart.
    fn rate(&self) -> Option<f64> {
        let (&(t0, f0), &(t1, f1)) = (self.samples.first()?, self.samples.last()?);
        let secs = (t1 - t0) / 1000.0;
        (secs > 0.001).then(|| ((f1 - f0) / secs).max(0.0))
    }

    /// Milliseconds to wait before the next poll: a fifth of `interval_ms` (at
    /// least 200 ms) while the rule is `starting` or `closing` or has just
    /// changed state, else `interval_ms`.
    pub fn next_delay_ms(&self, interval_ms: u64) -> u64 {
        let moving =
            self.changed || matches!(self.last_status.as_deref(), Some("starting" | "closing"));
        if moving {
            (interval_ms / 5).max(200).min(interval_ms)
        } else {
            interval_ms
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replication::ReplicationRule;

    fn progress(
        status: &str,
        fraction: Option<f64>,
        new_object: Option<i64>,
    ) -> ReplicationProgress {
        ReplicationProgress {
            rule: ReplicationRule {
                status: Some(status.into()),
                ..Default::default()
            },
            historical_object: fraction,
            new_object: None,
            new_object_epoch_secs: new_object,
        }
    }

    #[test]
    fn lag_is_server_time_minus_watermark() {
        assert_eq!(lag_seconds(Some(1_000), Some(940)), Some(60.0));
        assert_eq!(lag_seconds(Some(1_000), Some(1_001)), Some(0.0));
        assert_eq!(lag_seconds(None, Some(1)), None);
        assert_eq!(lag_seconds(Some(1), None), None);
    }

    #[test]
    fn rate_and_eta_come_from_successive_fractions() {
        let mut w = Watch::new();
        let o = w.observe(0.0, Some(100), progress("doing", Some(0.2), Some(90)));
        assert_eq!((o.historical_rate, o.eta_seconds), (None, None));
        assert_eq!(o.lag_seconds, Some(10.0));
        let o = w.observe(10_000.0, Some(110), progress("doing", Some(0.4), Some(105)));
        let rate = o.historical_rate.unwrap();
        assert!((rate - 0.02).abs() < 1e-12, "{rate}");
        assert!((o.eta_seconds.unwrap() - 30.0).abs() < 1e-9);
        assert_eq!(o.lag_seconds, Some(5.0));
        // No movement: rate 0, no ETA rather than infinity.
        let mut still = Watch::new();
        still.observe(0.0, None, progress("doing", Some(0.5), None));
        let o = still.observe(5_000.0, None, progress("doing", Some(0.5), None));
        assert_eq!((o.historical_rate, o.eta_seconds), (Some(0.0), None));
        // Complete: ETA 0 whatever the rate.
        let o = still.observe(6_000.0, None, progress("doing", Some(1.0), None));
        assert_eq!(o.eta_seconds, Some(0.0));
    }

    #[test]
    fn a_falling_fraction_restarts_the_window_and_the_window_slides() {
        let mut w = Watch::new();
        w.observe(0.0, None, progress("doing", Some(0.9), None));
        let o = w.observe(1_000.0, None, progress("doing", Some(0.1), None));
        assert_eq!(o.historical_rate, None);
        for i in 2..10 {
            w.observe(
                i as f64 * 1000.0,
                None,
                progress("doing", Some(0.1 * i as f64), None),
            );
        }
        assert_eq!(w.samples.len(), WINDOW);
    }

    #[test]
    fn polls_fast_only_while_the_rule_changes_state() {
        let mut w = Watch::new();
        w.observe(0.0, None, progress("starting", None, None));
        assert_eq!(w.next_delay_ms(5_000), 1_000);
        w.observe(1.0, None, progress("doing", None, None));
        assert_eq!(w.next_delay_ms(5_000), 1_000, "just changed state");
        w.observe(2.0, None, progress("doing", None, None));
        assert_eq!(w.next_delay_ms(5_000), 5_000);
        assert_eq!(w.next_delay_ms(100), 100, "never slower than asked");
        w.observe(3.0, None, progress("closing", None, None));
        assert_eq!(w.next_delay_ms(600), 200);
    }
}
