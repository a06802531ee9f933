//! `replicationPolicies({ sourceBucket, destinationBucket, rule, sourceAccountId?,
//! destinationAccountId? })`: converts the input, calls the pure core
//! ([`crate::policies`]), returns the documents as plain objects.

use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::convert::{Reader, rule_from_js};
use super::error::to_js;
use crate::error::Error;
use crate::policies::{PolicyInput, replication_policies as policies};

fn convert(input: &JsValue) -> Result<JsValue, Error> {
    let r = Reader::new(
        input,
        "input",
        &[
            "sourceBucket",
            "destinationBucket",
            "rule",
            "sourceAccountId",
            "destinationAccountId",
        ],
    )?;
    let source = r.required_string("sourceBucket")?;
    let destination = r.required_string("destinationBucket")?;
    let rule = rule_from_js(&r.raw("rule"))?;
    let (src_acct, dst_acct) = (
        r.string("sourceAccountId")?,
        r.string("destinationAccountId")?,
    );
    r.finish()?;
    let docs = policies(&PolicyInput {
        source_bucket: &source,
        destination_bucket: &destination,
        rule: &rule,
        source_account_id: src_acct.as_deref(),
        destination_account_id: dst_acct.as_deref(),
    })?;
    js_sys::JSON::parse(&docs.to_json())
        .map_err(|_| Error::invalid("policy documents are not JSON"))
}

/// The RAM documents a replication setup needs, as plain objects:
/// `{ operatorPolicy, roleTrustPolicy, rolePermissionPolicy, destinationBucketPolicy, cors, roleName }`.
/// Pure: nothing is sent. Throws an `OssError` naming the field on bad input.
#[wasm_bindgen(js_name = "replicationPolicies")]
pub fn replication_policies(input: JsValue) -> Result<JsValue, JsValue> {
    convert(&input).map_err(|e| to_js(&e))
}
