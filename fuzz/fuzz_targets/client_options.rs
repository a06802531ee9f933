//! ReplicationClient option validation: arbitrary options either resolve to a
//! configuration within the documented bounds or fail with an error naming an
//! option, never a panic, and never showing the secret.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oss_replication::options::{ClientOptions, MAX_TIMEOUT_MS, resolve};

/// Bucket, region, endpoint, (pathStyle, cname, internal), id, secret, token,
/// has refresh, version, (interval, timeout, retryMax, maxResponseBytes).
type Input = (
    Option<String>,
    Option<String>,
    Option<String>,
    (Option<bool>, Option<bool>, Option<bool>),
    Option<String>,
    Option<String>,
    Option<String>,
    bool,
    Option<String>,
    (Option<f64>, Option<f64>, Option<f64>, Option<f64>),
);

fuzz_target!(|input: Input| {
    let (
        bucket,
        region,
        endpoint,
        (path_style, cname, internal),
        id,
        secret,
        token,
        has_refresh,
        version,
        (interval, timeout, retry, max),
    ) = input;
    // The facade only passes finite, non-negative numbers.
    let num = |n: Option<f64>| n.map(|v| if v.is_finite() { v.abs() } else { 0.0 });
    let o = ClientOptions {
        bucket,
        region,
        endpoint,
        path_style,
        cname,
        internal,
        access_key_id: id,
        access_key_secret: secret.clone(),
        sts_token: token,
        has_refresh,
        refresh_interval_ms: num(interval),
        signature_version: version,
        timeout_ms: num(timeout),
        retry_max: num(retry),
        max_response_bytes: num(max),
    };
    // Differential: the same options with the secret replaced by '#'s.
    let masked = ClientOptions {
        access_key_secret: secret.as_ref().map(|s| "#".repeat(s.len())),
        ..o.clone()
    };
    match resolve(o) {
        Ok(r) => {
            assert!((1.0..=MAX_TIMEOUT_MS).contains(&r.config.timeout_ms));
            assert!(r.config.retry.max_retries <= 20);
            assert!(r.max_response_bytes >= 1);
            assert!(r.credentials.is_some() || has_refresh);
        }
        Err(e) => {
            assert!(
                e.message().contains("options")
                    || e.message().contains("is required")
                    || e.message().contains("control character"),
                "{e}"
            );
            if let Some(s) = secret.filter(|s| s.len() >= 8 && !s.contains('#')) {
                let baseline = resolve(masked)
                    .err()
                    .map(|e| format!("{e:?} {e}"))
                    .unwrap_or_default();
                let count = |t: &str| t.matches(s.as_str()).count();
                assert!(
                    count(&format!("{e:?} {e}")) <= count(&baseline),
                    "secret shown: {e}"
                );
            }
        }
    }
});
