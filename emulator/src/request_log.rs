//! The last OSS requests as received, for tests that check what a client put on
//! the wire (a browser must send no `Date`, for one). Secrets are redacted.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde_json::{Value, json};

/// How many requests are kept.
const CAPACITY: usize = 1000;

/// A ring of recent request heads.
#[derive(Debug, Default)]
pub struct RequestLog(Mutex<VecDeque<Value>>);

impl RequestLog {
    /// Records one request (method, path, raw query, bucket, headers).
    pub fn record(
        &self,
        method: &str,
        path: &str,
        query: &str,
        bucket: Option<&str>,
        headers: &[(String, String)],
    ) {
        let headers: serde_json::Map<String, Value> = headers
            .iter()
            .map(|(k, v)| {
                let k = k.to_ascii_lowercase();
                // The signature and token are credentials; their presence is what tests need.
                let v = if k == "authorization" || k == "x-oss-security-token" {
                    format!("<{} bytes>", v.len())
                } else {
                    v.clone()
                };
                (k, Value::String(v))
            })
            .collect();
        let entry = json!({ "method": method, "path": path, "query": query, "bucket": bucket, "headers": headers });
        let mut log = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if log.len() == CAPACITY {
            log.pop_front();
        }
        log.push_back(entry);
    }

    /// The recorded requests, oldest first, optionally only those for `bucket`.
    pub fn to_json(&self, bucket: Option<&str>) -> String {
        let log = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let list: Vec<&Value> = log
            .iter()
            .filter(|e| bucket.is_none_or(|b| e["bucket"].as_str() == Some(b)))
            .collect();
        json!({ "requests": list }).to_string()
    }

    /// Forgets everything.
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_credentials_and_filters_by_bucket() {
        let log = RequestLog::default();
        let h = vec![
            (
                "Authorization".to_owned(),
                "OSS4-HMAC-SHA256 Credential=x,Signature=y".to_owned(),
            ),
            ("x-oss-security-token".to_owned(), "secret-token".to_owned()),
            ("x-oss-date".to_owned(), "20240417T080000Z".to_owned()),
        ];
        log.record("GET", "/a/", "replication", Some("a"), &h);
        log.record("GET", "/b/", "replication", Some("b"), &[]);
        let all = log.to_json(None);
        assert!(!all.contains("secret-token") && !all.contains("Signature=y"));
        assert!(all.contains("\"authorization\":\"<41 bytes>\""));
        let only_a: Value = serde_json::from_str(&log.to_json(Some("a"))).unwrap();
        assert_eq!(only_a["requests"].as_array().unwrap().len(), 1);
        assert_eq!(
            only_a["requests"][0]["headers"]["x-oss-date"],
            "20240417T080000Z"
        );
        log.clear();
        assert_eq!(log.to_json(None), "{\"requests\":[]}");
    }
}
