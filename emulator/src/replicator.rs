//! The background replicator. Every tick it moves rule statuses on (`starting` ->
//! `doing`, `closing` -> gone, RTC `enabling` -> `enabled`, each after the status delay)
//! and applies each `doing` rule for real:
//! - historical objects (those present when the rule was created) are copied in key order
//!   when the rule has historical replication enabled and replicates PUTs;
//! - changes logged after the rule was created are applied in order: writes (PUT/ALL) copy
//!   the object's current state, deletions (DELETE/ALL) delete the replica; ABORT has
//!   nothing to act on (no multipart uploads);
//! - objects that are themselves replicas are never replicated again (no chains);
//! - the NewObject checkpoint is the time up to which source changes have been applied.

use rusqlite::Connection;

use crate::app::App;
use crate::clock::real_now_ms;
use crate::replication_ops::{key_matches, replicates_deletes, replicates_puts};
use crate::store::{self, Rule};

/// Objects copied per rule per tick, to keep ticks short.
const BATCH: usize = 50;

/// Runs one tick; returns whether work remains (so the caller can tick again at once).
pub fn tick(app: &App) -> rusqlite::Result<bool> {
    let delay = i64::try_from(app.config.status_delay_ms).unwrap_or(i64::MAX);
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
            more |= apply(&tx, &mut rule, app.clock.now_ms())?;
            changed = true;
        }
        if changed {
            store::save_rule(&tx, &rule)?;
        }
        tx.commit()?;
    }
    store::prune_events(&conn)?;
    Ok(more)
}

/// Applies one batch of a `doing` rule; returns whether work remains.
fn apply(c: &Connection, rule: &mut Rule, now_ms: i64) -> rusqlite::Result<bool> {
    let mut more = false;
    if !rule.hist_finished {
        let after = rule.hist_cursor.clone().unwrap_or_default();
        let batch = store::historical_batch(c, &rule.bucket, rule.hist_snapshot, &after, BATCH)?;
        for (key, replica) in &batch {
            if !replica && key_matches(&rule.prefixes, key) {
                store::replicate_object(c, &rule.bucket, key, &rule.dest_bucket, now_ms)?;
                rule.hist_done += 1;
            }
            rule.hist_cursor = Some(key.clone());
        }
        if batch.len() < BATCH {
            rule.hist_finished = true;
            rule.hist_done = rule.hist_total;
        } else {
            more = true;
        }
    }
    let events = store::events_after(c, &rule.bucket, rule.event_cursor, BATCH)?;
    for ev in &events {
        rule.event_cursor = ev.seq;
        rule.checkpoint_ms = Some(ev.time_ms);
        if ev.replica || !key_matches(&rule.prefixes, &ev.key) {
            continue;
        }
        match ev.op.as_str() {
            "put" if replicates_puts(&rule.actions) => {
                store::replicate_object(c, &rule.bucket, &ev.key, &rule.dest_bucket, now_ms)?;
            }
            "delete" if replicates_deletes(&rule.actions) => {
                store::delete_object(c, &rule.dest_bucket, &ev.key, now_ms, true)?;
            }
            _ => {}
        }
    }
    if events.len() < BATCH {
        // Caught up: everything written before now has been applied.
        rule.checkpoint_ms = Some(now_ms);
    } else {
        more = true;
    }
    Ok(more)
}

/// Ticks forever (every `status_delay / 4`, clamped to 20..=100 ms; at once while behind).
pub async fn run(app: std::sync::Arc<App>) {
    let period = (app.config.status_delay_ms / 4).clamp(20, 100);
    let mut interval = tokio::time::interval(std::time::Duration::from_millis(period));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        loop {
            let a = app.clone();
            match tokio::task::spawn_blocking(move || tick(&a)).await {
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
