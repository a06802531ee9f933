//! The background replicator. Every tick it moves rule statuses on (`starting` ->
//! `doing`, `closing` -> gone, RTC `enabling` -> `enabled`, each after the status delay)
//! and applies each `doing` rule for real:
//! - historical objects (those present when the rule was created) are copied in key order
//!   when the rule has historical replication enabled and replicates PUTs;
//! - changes logged after the rule was created are applied in order: writes (PUT/ALL) copy
//!   the object's current state, deletions (DELETE/ALL) delete the replica; ABORT has
//!   nothing to act on (no multipart uploads);
//! - only objects in scope are copied: a matching prefix and, for a rule with
//!   `UserTaggings`, tags that match (`AND`: every tag, `OR`: any one);
//! - objects that are themselves replicas are never replicated again (no chains);
//! - the NewObject checkpoint is the time up to which source changes have been applied;
//! - with `--replication-rate N`, at most N objects per second are copied or deleted
//!   (all rules together), so progress, lag and ETA move at a speed tests can watch.

use std::time::Instant;

use rusqlite::Connection;

use crate::app::App;
use crate::clock::real_now_ms;
use crate::replication_ops::{in_scope, replicates_deletes, replicates_puts};
use crate::store::{self, Rule};

/// Objects looked at per rule per tick, to keep ticks short.
const BATCH: usize = 50;

/// How many objects may still be replicated: unlimited, or a token bucket refilled
/// at `--replication-rate` objects per second (holding at most one second's worth).
#[derive(Debug)]
pub struct Budget {
    rate: Option<f64>,
    tokens: f64,
    refilled: Instant,
}

impl Budget {
    /// A budget for `rate` objects per second; `None` is unlimited.
    pub fn new(rate: Option<f64>) -> Self {
        Budget {
            rate,
            tokens: 0.0,
            refilled: Instant::now(),
        }
    }

    fn refill(&mut self, now: Instant) {
        if let Some(rate) = self.rate {
            let secs = now.duration_since(self.refilled).as_secs_f64();
            self.tokens = (self.tokens + secs * rate).min(rate.max(1.0));
        }
        self.refilled = now;
    }

    /// Takes one object's worth; `false` when the budget is spent.
    fn take(&mut self) -> bool {
        match self.rate {
            None => true,
            Some(_) if self.tokens >= 1.0 => {
                self.tokens -= 1.0;
                true
            }
            Some(_) => false,
        }
    }

    fn spent(&self) -> bool {
        self.rate.is_some() && self.tokens < 1.0
    }
}

/// Runs one tick; returns whether work remains that the budget allows now (so the
/// caller can tick again at once).
pub fn tick(app: &App, budget: &mut Budget) -> rusqlite::Result<bool> {
    let delay = i64::try_from(app.config.status_delay_ms).unwrap_or(i64::MAX);
    budget.refill(Instant::now());
    let mut conn = app.store.lock();
    let rules = store::all_rules(&conn)?;
    let mut more = false;
    for mut rule in rules {
        let tx = conn.transaction()?;
        let real_now = real_now_ms();
        let mut changed = false;
        if rule.rtc.as_deref() == Some("enabling") && real_now - rule.rtc_since_ms >= delay {
            rule.rtc = Some("enabled".into());
            changed = true;
        }
        match rule.status.as_str() {
            "closing" if real_now - rule.status_since_ms >= delay => {
                store::delete_rule(&tx, &rule.bucket, &rule.id)?;
                tx.commit()?;
                continue;
            }
            "starting" if real_now - rule.status_since_ms >= delay => {
                rule.status = "doing".into();
                rule.status_since_ms = real_now;
                changed = true;
            }
            _ => {}
        }
        if rule.status == "doing" {
            more |= apply(&tx, &mut rule, app.clock.now_ms(), budget)?;
            changed = true;
        }
        if changed {
            store::save_rule(&tx, &rule)?;
        }
        tx.commit()?;
    }
    store::prune_events(&conn)?;
    Ok(more && !budget.spent())
}

/// Applies one batch of a `doing` rule within `budget`; returns whether work remains.
fn apply(
    c: &Connection,
    rule: &mut Rule,
    now_ms: i64,
    budget: &mut Budget,
) -> rusqlite::Result<bool> {
    let mut more = false;
    if !rule.hist_finished {
        let after = rule.hist_cursor.clone().unwrap_or_default();
        let batch = store::historical_batch(c, &rule.bucket, rule.hist_snapshot, &after, BATCH)?;
        let mut stopped = false;
        for (key, replica, tags) in &batch {
            if !replica && in_scope(rule, key, tags) {
                if !budget.take() {
                    stopped = true;
                    break;
                }
                store::replicate_object(c, &rule.bucket, key, &rule.dest_bucket, now_ms)?;
                rule.hist_done += 1;
            }
            rule.hist_cursor = Some(key.clone());
        }
        if stopped || batch.len() == BATCH {
            more = true;
        } else {
            rule.hist_finished = true;
            rule.hist_done = rule.hist_total;
        }
    }
    let events = store::events_after(c, &rule.bucket, rule.event_cursor, BATCH)?;
    let mut stopped = false;
    for ev in &events {
        if !ev.replica {
            let action = match ev.op.as_str() {
                "put" if replicates_puts(&rule.actions) => {
                    // The object as it is now (a later write or delete has its own event).
                    let tags = store::object_meta(c, &rule.bucket, &ev.key)?.map(|m| m.tags);
                    tags.is_some_and(|t| in_scope(rule, &ev.key, &t))
                }
                // A deleted object's tags are gone: deletes follow the prefixes only.
                "delete" if replicates_deletes(&rule.actions) => {
                    crate::replication_ops::key_matches(&rule.prefixes, &ev.key)
                }
                _ => false,
            };
            if action {
                if !budget.take() {
                    stopped = true;
                    break;
                }
                if ev.op == "put" {
                    store::replicate_object(c, &rule.bucket, &ev.key, &rule.dest_bucket, now_ms)?;
                } else {
                    store::delete_object(c, &rule.dest_bucket, &ev.key, now_ms, true)?;
                }
            }
        }
        rule.event_cursor = ev.seq;
        rule.checkpoint_ms = Some(ev.time_ms);
    }
    if stopped || events.len() == BATCH {
        more = true;
    } else {
        // Caught up: everything written before now has been applied.
        rule.checkpoint_ms = Some(now_ms);
    }
    Ok(more)
}

/// Ticks forever (every `status_delay / 4`, clamped to 20..=100 ms; at once while behind
/// and the budget allows).
pub async fn run(app: std::sync::Arc<App>) {
    let period = (app.config.status_delay_ms / 4).clamp(20, 100);
    let mut interval = tokio::time::interval(std::time::Duration::from_millis(period));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let budget = std::sync::Arc::new(std::sync::Mutex::new(Budget::new(
        app.config.replication_rate,
    )));
    loop {
        interval.tick().await;
        loop {
            let (a, b) = (app.clone(), budget.clone());
            let work = move || {
                let mut b = b.lock().unwrap_or_else(|e| e.into_inner());
                tick(&a, &mut b)
            };
            match tokio::task::spawn_blocking(work).await {
                Ok(Ok(true)) => tokio::task::yield_now().await,
                Ok(Ok(false)) => break,
                Ok(Err(e)) => {
                    eprintln!("oss-emulator: replicator: {e}");
                    break;
                }
                Err(e) => {
                    eprintln!("oss-emulator: replicator task failed: {e}");
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_refills_at_the_rate_and_caps_at_one_second() {
        let t0 = Instant::now();
        let mut b = Budget::new(Some(4.0));
        b.refilled = t0;
        assert!(!b.take() && b.spent());
        b.refill(t0 + std::time::Duration::from_millis(500));
        assert!(b.take() && b.take() && !b.take());
        b.refill(t0 + std::time::Duration::from_secs(60));
        let taken = std::iter::from_fn(|| b.take().then_some(())).count();
        assert_eq!(taken, 4);
        let mut free = Budget::new(None);
        assert!((0..10_000).all(|_| free.take()) && !free.spent());
    }
}
