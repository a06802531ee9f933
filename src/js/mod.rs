//! The wasm-bindgen facade: `ReplicationClient`, `signRequest` and the
//! `OssError` mapping. No logic of its own: options and results are converted
//! here, everything else is the native core. Built for wasm32 only.

mod client;
mod convert;
mod error;
mod fetch;
mod header_object;
mod insight;
mod policies;
mod settle;
mod sign_request;

pub use client::ReplicationClient;
pub use error::set_oss_error_class;
pub use insight::ReplicationWatch;
pub use policies::replication_policies;
pub use sign_request::sign_request;

/// Pages (64 KiB) of wasm linear memory in use: a diagnostic for leak checks
/// (the load tests assert it stays flat over thousands of calls).
#[wasm_bindgen::prelude::wasm_bindgen(js_name = "__wasmMemoryPages")]
pub fn wasm_memory_pages() -> f64 {
    core::arch::wasm32::memory_size(0) as f64
}

/// Checks a rule as `putBucketReplication` would, without sending anything:
/// throws an `OssError` whose message names the field (for forms that validate as
/// the user types).
#[wasm_bindgen::prelude::wasm_bindgen(js_name = "validateRule")]
pub fn validate_rule(rule: wasm_bindgen::JsValue) -> Result<(), wasm_bindgen::JsValue> {
    convert::rule_from_js(&rule)
        .and_then(|r| crate::replication::validate_rule(&r))
        .map_err(|e| error::to_js(&e))
}
