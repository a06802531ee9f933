//! The reserved `/_emulator/` endpoints (no signature): STS vending, fault injection,
//! the clock shift, health and a bucket overview.
//!
//! - `GET|POST /_emulator/sts[?lifetime=SECS]`: temporary credentials (JSON).
//! - `GET|POST|DELETE /_emulator/faults`: inspect, arm, clear faults.
//! - `GET|POST|DELETE /_emulator/clock`: read, set (`{"offset_secs": N}`), reset the shift.
//! - `GET /_emulator/health`: `{"status":"ok"}`.
//! - `GET /_emulator/buckets`: every bucket with its location and object and rule counts.
//! - `GET|DELETE /_emulator/requests[?bucket=B]`: the last OSS requests as received (secrets redacted).

use serde_json::{Value, json};

use crate::app::{App, Reply};
use crate::cli::MAX_STS_LIFETIME;
use crate::routing::query_value;
use crate::store;

fn error(status: u16, message: &str) -> Reply {
    Reply::json(status, json!({ "error": message }).to_string())
}

fn sts(app: &App, query: &[(String, String)]) -> Reply {
    let lifetime = match query_value(query, "lifetime") {
        None | Some("") => app.config.sts_lifetime,
        Some(v) => match v.parse::<u64>() {
            Ok(n) if (1..=MAX_STS_LIFETIME).contains(&n) => n,
            _ => {
                return error(
                    400,
                    &format!(
                        "lifetime must be an integer number of seconds 1..={MAX_STS_LIFETIME}"
                    ),
                );
            }
        },
    };
    match crate::sts::issue(&app.store, &app.ids, &app.clock, lifetime) {
        Ok(c) => Reply::json(200, crate::sts::to_json(&c)).header("cache-control", "no-store"),
        Err(e) => error(500, &e),
    }
}

fn clock_state(app: &App) -> Reply {
    Reply::json(
        200,
        json!({
            "offset_secs": app.clock.offset_secs(),
            "server_time": app.clock.now().to_iso8601(),
        })
        .to_string(),
    )
}

fn set_clock(app: &App, body: &[u8]) -> Reply {
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return error(400, &format!("invalid JSON: {e}")),
    };
    match v.get("offset_secs").and_then(Value::as_i64) {
        Some(s) if s.unsigned_abs() <= 10 * 365 * 86_400 => {
            app.clock.set_offset_secs(s);
            clock_state(app)
        }
        _ => error(
            400,
            "expected {\"offset_secs\": <integer within ten years>}",
        ),
    }
}

fn buckets(app: &App) -> Reply {
    let conn = app.store.lock();
    let list = store::buckets(&conn).and_then(|bs| {
        bs.into_iter()
            .map(|b| {
                Ok(json!({
                    "name": b.name,
                    "location": b.location,
                    "region": crate::regions::region_id(&b.location),
                    "objects": store::count_objects(&conn, &b.name)?,
                    "rules": store::rules(&conn, &b.name)?.len(),
                }))
            })
            .collect::<rusqlite::Result<Vec<Value>>>()
    });
    match list {
        Ok(l) => Reply::json(200, json!({ "buckets": l }).to_string()),
        Err(e) => error(500, &e.to_string()),
    }
}

/// Handles a request under `/_emulator/`.
pub fn handle(
    app: &App,
    method: &str,
    path: &str,
    query: &[(String, String)],
    body: &[u8],
) -> Reply {
    let route = path.trim_start_matches("/_emulator").trim_end_matches('/');
    match (method, route) {
        ("GET" | "POST", "/sts") => sts(app, query),
        ("GET", "/health") => Reply::json(200, json!({"status": "ok"}).to_string()),
        ("GET", "/buckets") => buckets(app),
        ("GET", "/faults") => Reply::json(200, app.faults.to_json()),
        ("POST", "/faults") => match app.faults.add(body) {
            Ok(ids) => Reply::json(200, json!({ "ids": ids }).to_string()),
            Err(e) => error(400, &e),
        },
        ("DELETE", "/faults") => {
            app.faults.clear();
            Reply::json(200, json!({"faults": []}).to_string())
        }
        ("GET", "/requests") => {
            Reply::json(200, app.requests.to_json(query_value(query, "bucket")))
        }
        ("DELETE", "/requests") => {
            app.requests.clear();
            Reply::json(200, json!({"requests": []}).to_string())
        }
        ("GET", "/clock") => clock_state(app),
        ("POST", "/clock") => set_clock(app, body),
        ("DELETE", "/clock") => {
            app.clock.set_offset_secs(0);
            clock_state(app)
        }
        (_, "/sts" | "/health" | "/buckets" | "/faults" | "/clock" | "/requests") => error(
            405,
            &format!("{method} is not allowed on /_emulator{route}"),
        ),
        _ => error(
            404,
            "unknown emulator endpoint (known: /_emulator/sts, /faults, /clock, /requests, /health, /buckets)",
        ),
    }
}
