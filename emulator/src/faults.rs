//! Fault injection for tests: `POST /_emulator/faults` arms faults that hit the next N
//! matching OSS requests (an error status and code, a stall, a dropped connection, a
//! truncated body, an HTML proxy page).

use std::sync::Mutex;

use serde_json::{Value, json};

/// Which requests a fault applies to; absent fields match anything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultMatch {
    /// HTTP method (case-insensitive). Without it, preflights (`OPTIONS`) never match.
    pub method: Option<String>,
    /// `&`-separated query items that must all be present: `k` (key present) or `k=v`.
    pub query: Option<String>,
    /// Bucket name.
    pub bucket: Option<String>,
    /// Object key.
    pub key: Option<String>,
}

/// What happens to a matching request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// Only the stall (if any); then the request is served normally.
    Pass,
    /// An OSS error answer.
    Error {
        /// HTTP status.
        status: u16,
        /// OSS code.
        code: String,
        /// Message.
        message: String,
    },
    /// Close the connection without answering.
    Drop,
    /// Serve the request, but cut the body in half and close the connection.
    Truncate,
    /// A 502 HTML page, as a misbehaving proxy would answer.
    Html,
}

/// A fault's action: an optional stall, then the kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultAction {
    /// Milliseconds to wait before acting.
    pub stall_ms: u64,
    /// What to do then.
    pub kind: FaultKind,
}

/// An armed fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// ID, for inspection.
    pub id: u64,
    /// Which requests it hits.
    pub matcher: FaultMatch,
    /// How many more requests it hits.
    pub remaining: u64,
    /// What it does.
    pub action: FaultAction,
}

/// The armed faults.
#[derive(Debug, Default)]
pub struct Faults {
    inner: Mutex<(u64, Vec<Fault>)>,
}

/// Longest stall accepted.
pub const MAX_STALL_MS: u64 = 600_000;

fn opt_str(v: &Value, field: &str) -> Result<Option<String>, String> {
    match v.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("match.{field} must be a string")),
    }
}

fn parse_one(v: &Value) -> Result<(FaultMatch, u64, FaultAction), String> {
    let obj = v.as_object().ok_or("a fault must be a JSON object")?;
    for k in obj.keys() {
        if !["match", "count", "action"].contains(&k.as_str()) {
            return Err(format!(
                "unknown field \"{k}\" (expected match, count, action)"
            ));
        }
    }
    let m = v.get("match").cloned().unwrap_or(json!({}));
    if !m.is_object() {
        return Err("match must be an object".into());
    }
    for k in m.as_object().into_iter().flat_map(|o| o.keys()) {
        if !["method", "query", "bucket", "key"].contains(&k.as_str()) {
            return Err(format!(
                "unknown match field \"{k}\" (expected method, query, bucket, key)"
            ));
        }
    }
    let matcher = FaultMatch {
        method: opt_str(&m, "method")?,
        query: opt_str(&m, "query")?,
        bucket: opt_str(&m, "bucket")?,
        key: opt_str(&m, "key")?,
    };
    let count = match v.get("count") {
        None => 1,
        Some(c) => c
            .as_u64()
            .filter(|&c| c >= 1)
            .ok_or("count must be a positive integer")?,
    };
    let a = v.get("action").ok_or("action is required")?;
    let a_obj = a.as_object().ok_or("action must be an object")?;
    for k in a_obj.keys() {
        if ![
            "status", "code", "message", "stall_ms", "drop", "truncate", "html",
        ]
        .contains(&k.as_str())
        {
            return Err(format!(
                "unknown action field \"{k}\" (expected status, code, message, stall_ms, drop, truncate, html)"
            ));
        }
    }
    let stall_ms = match a.get("stall_ms") {
        None => 0,
        Some(s) => s
            .as_u64()
            .filter(|&s| s <= MAX_STALL_MS)
            .ok_or(format!("stall_ms must be an integer 0..={MAX_STALL_MS}"))?,
    };
    let flag = |k: &str| a.get(k).and_then(Value::as_bool).unwrap_or(false);
    let mut kinds = Vec::new();
    if let Some(s) = a.get("status") {
        let status = s
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .filter(|s| (200..=599).contains(s))
            .ok_or("status must be an HTTP status 200..=599")?;
        let code = match a.get("code") {
            Some(c) => c.as_str().ok_or("code must be a string")?.to_owned(),
            None => match status {
                503 => "ServiceUnavailable".to_owned(),
                500 => "InternalError".to_owned(),
                _ => "InjectedFault".to_owned(),
            },
        };
        let message = match a.get("message") {
            Some(m) => m.as_str().ok_or("message must be a string")?.to_owned(),
            None => "Injected by the oss-emulator fault injection endpoint.".to_owned(),
        };
        kinds.push(FaultKind::Error {
            status,
            code,
            message,
        });
    } else if a.get("code").is_some() || a.get("message").is_some() {
        return Err("code and message need a status".into());
    }
    if flag("drop") {
        kinds.push(FaultKind::Drop);
    }
    if flag("truncate") {
        kinds.push(FaultKind::Truncate);
    }
    if flag("html") {
        kinds.push(FaultKind::Html);
    }
    if kinds.len() > 1 {
        return Err(
            "choose one of status, drop, truncate, html (stall_ms combines with any)".into(),
        );
    }
    let kind = kinds.pop().unwrap_or(FaultKind::Pass);
    if kind == FaultKind::Pass && stall_ms == 0 {
        return Err(
            "the action does nothing: give status, stall_ms, drop, truncate or html".into(),
        );
    }
    Ok((matcher, count, FaultAction { stall_ms, kind }))
}

fn query_matches(spec: &str, query: &[(String, String)]) -> bool {
    spec.split('&')
        .filter(|i| !i.is_empty())
        .all(|item| match item.split_once('=') {
            Some((k, v)) => query.iter().any(|(qk, qv)| qk == k && qv == v),
            None => query.iter().any(|(qk, _)| qk == item),
        })
}

impl FaultMatch {
    fn matches(
        &self,
        method: &str,
        query: &[(String, String)],
        bucket: Option<&str>,
        key: &str,
    ) -> bool {
        let method_ok = match &self.method {
            Some(m) => m.eq_ignore_ascii_case(method),
            None => method != "OPTIONS",
        };
        method_ok
            && self
                .query
                .as_deref()
                .is_none_or(|q| query_matches(q, query))
            && self.bucket.as_deref().is_none_or(|b| Some(b) == bucket)
            && self.key.as_deref().is_none_or(|k| k == key)
    }
}

impl Faults {
    /// Arms the fault(s) in `body` (one object or an array); returns their IDs.
    pub fn add(&self, body: &[u8]) -> Result<Vec<u64>, String> {
        let v: Value = serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))?;
        let items = match v {
            Value::Array(items) => items,
            other => vec![other],
        };
        let parsed = items.iter().map(parse_one).collect::<Result<Vec<_>, _>>()?;
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut ids = Vec::new();
        for (matcher, remaining, action) in parsed {
            g.0 += 1;
            let id = g.0;
            ids.push(id);
            g.1.push(Fault {
                id,
                matcher,
                remaining,
                action,
            });
        }
        Ok(ids)
    }

    /// Disarms every fault.
    pub fn clear(&self) {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .clear();
    }

    /// The armed faults as JSON.
    pub fn to_json(&self) -> String {
        let g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let list: Vec<Value> =
            g.1.iter()
                .map(|f| {
                    let kind = match &f.action.kind {
                        FaultKind::Pass => json!({}),
                        FaultKind::Error {
                            status,
                            code,
                            message,
                        } => {
                            json!({"status": status, "code": code, "message": message})
                        }
                        FaultKind::Drop => json!({"drop": true}),
                        FaultKind::Truncate => json!({"truncate": true}),
                        FaultKind::Html => json!({"html": true}),
                    };
                    let mut action = kind;
                    if f.action.stall_ms > 0 {
                        action["stall_ms"] = json!(f.action.stall_ms);
                    }
                    json!({
                        "id": f.id,
                        "match": {
                            "method": f.matcher.method, "query": f.matcher.query,
                            "bucket": f.matcher.bucket, "key": f.matcher.key,
                        },
                        "remaining": f.remaining,
                        "action": action,
                    })
                })
                .collect();
        json!({ "faults": list }).to_string()
    }

    /// The action for a request, consuming one use of the first matching fault.
    pub fn take(
        &self,
        method: &str,
        query: &[(String, String)],
        bucket: Option<&str>,
        key: &str,
    ) -> Option<FaultAction> {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let i =
            g.1.iter()
                .position(|f| f.matcher.matches(method, query, bucket, key))?;
        let f = &mut g.1[i];
        f.remaining -= 1;
        let action = f.action.clone();
        if f.remaining == 0 {
            g.1.remove(i);
        }
        Some(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Vec<(String, String)> {
        crate::routing::parse_query(s)
    }

    #[test]
    fn arms_matches_and_counts_down() {
        let f = Faults::default();
        f.add(br#"{"match": {"method": "get", "query": "replication", "bucket": "b"}, "count": 2, "action": {"status": 503}}"#)
            .unwrap();
        assert!(
            f.take("GET", &q("replicationLocation"), Some("b"), "")
                .is_none()
        );
        assert!(f.take("GET", &q("replication"), Some("c"), "").is_none());
        let a = f.take("GET", &q("replication"), Some("b"), "").unwrap();
        assert_eq!(
            a.kind,
            FaultKind::Error {
                status: 503,
                code: "ServiceUnavailable".into(),
                message: "Injected by the oss-emulator fault injection endpoint.".into()
            }
        );
        assert!(f.take("GET", &q("replication"), Some("b"), "").is_some());
        assert!(f.take("GET", &q("replication"), Some("b"), "").is_none());
        f.add(br#"[{"action": {"stall_ms": 5}}, {"action": {"drop": true}}]"#)
            .unwrap();
        assert!(f.take("OPTIONS", &[], None, "").is_none());
        assert_eq!(f.take("PUT", &[], None, "k").unwrap().stall_ms, 5);
        assert!(f.to_json().contains("\"drop\":true"));
        f.clear();
        assert!(f.take("PUT", &[], None, "k").is_none());
    }

    #[test]
    fn rejects_bad_specs() {
        let f = Faults::default();
        for bad in [
            &b"nope"[..],
            br#"{"action": {}}"#,
            br#"{"action": {"status": 99}}"#,
            br#"{"action": {"drop": true, "html": true}}"#,
            br#"{"count": 0, "action": {"drop": true}}"#,
            br#"{"match": {"verb": "GET"}, "action": {"drop": true}}"#,
            br#"{"action": {"stall_ms": 99999999}}"#,
            br#"{"action": {"code": "X"}}"#,
        ] {
            assert!(f.add(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
