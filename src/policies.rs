//! The RAM documents a replication setup needs, derived from the rule (pure; nothing
//! is sent): the operator's policy, the replication role's trust and permission
//! policies, the destination bucket policy for a cross-account rule, and the CORS
//! rule a browser client needs. Facts from oss-wire.md ("Replication permissions",
//! "Browser use and CORS").
//!
//! Every document is JSON text in Alibaba Cloud's policy language (`"Version": "1"`).
//! Resources name the account when its ID is given and `*` otherwise.

use crate::endpoint::{printable, validate_bucket_name};
use crate::error::Error;
use crate::replication::{ReplicationRule, validate_rule};

/// The management actions: the five replication calls and RTC (the docs disagree on
/// whether `oss:PutBucketReplication` covers `PutBucketRTC`, so both are granted).
pub const OPERATOR_ACTIONS: &[&str] = &[
    "oss:PutBucketReplication",
    "oss:GetBucketReplication",
    "oss:GetBucketReplicationLocation",
    "oss:GetBucketReplicationProgress",
    "oss:DeleteBucketReplication",
    "oss:PutBucketRtc",
];

/// Read-only calls the library makes around a rule (pre-flight checks, backlog diff):
/// granted on both buckets in a second statement.
pub const OPERATOR_READ_ACTIONS: &[&str] = &[
    "oss:GetBucketInfo",
    "oss:GetBucketLocation",
    "oss:GetBucketVersioning",
    "oss:ListObjects",
    "oss:GetObjectTagging",
];

/// What the replication role may do on the source bucket.
pub const ROLE_SOURCE_ACTIONS: &[&str] = &["oss:ReplicateList", "oss:ReplicateGet"];

/// What the replication role may do on the destination bucket.
pub const ROLE_DESTINATION_ACTIONS: &[&str] = &[
    "oss:ReplicateList",
    "oss:ReplicateGet",
    "oss:ReplicatePut",
    "oss:ReplicateDelete",
];

/// The service that assumes the replication role.
pub const OSS_SERVICE: &str = "oss.aliyuncs.com";

/// Request headers a browser client sends (oss-wire.md §5).
pub const CORS_ALLOWED_HEADERS: &[&str] = &[
    "authorization",
    "content-type",
    "content-md5",
    "x-oss-date",
    "x-oss-content-sha256",
    "x-oss-security-token",
    "x-oss-user-agent",
];

/// Answer headers a browser client reads.
pub const CORS_EXPOSE_HEADERS: &[&str] =
    &["x-oss-request-id", "x-oss-ec", "x-oss-replication-rule-id"];

/// HTTP methods a browser client uses.
pub const CORS_METHODS: &[&str] = &["GET", "POST", "PUT"];

/// The inputs of [`replication_policies`].
#[derive(Clone, Copy, Debug)]
pub struct PolicyInput<'a> {
    /// Source bucket.
    pub source_bucket: &'a str,
    /// Destination bucket (must be the rule's destination bucket).
    pub destination_bucket: &'a str,
    /// The rule (validated as for PutBucketReplication).
    pub rule: &'a ReplicationRule,
    /// The source bucket owner's account ID (UID), when known.
    pub source_account_id: Option<&'a str>,
    /// The destination bucket owner's account ID, when known.
    pub destination_account_id: Option<&'a str>,
}

/// The documents, each a JSON text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicationPolicies {
    /// For whoever manages the rule (a RAM user or the STS role a browser uses).
    pub operator_policy: String,
    /// The trust policy of the role OSS assumes (`SyncRole`).
    pub role_trust_policy: String,
    /// The permission policy attached to that role (KMS access when the rule
    /// replicates SSE-KMS objects).
    pub role_permission_policy: String,
    /// For a cross-account rule (both account IDs given and different): the
    /// destination bucket's policy granting the role. `None` otherwise.
    pub destination_bucket_policy: Option<String>,
    /// The CORS rule both buckets need for a browser client, as a JSON object
    /// (`allowedOrigins`, `allowedMethods`, `allowedHeaders`, `exposeHeaders`, `maxAgeSeconds`).
    pub cors_rule: String,
    /// The role the documents are for: the rule's `SyncRole`, or `None` when the rule names
    /// none (then OSS uses its default role and `role_*` are what that role needs).
    pub role_name: Option<String>,
}

impl ReplicationPolicies {
    /// Every document in one JSON object: `operatorPolicy`, `roleTrustPolicy`,
    /// `rolePermissionPolicy`, `destinationBucketPolicy` (or `null`), `cors`, `roleName`.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"operatorPolicy\":");
        out.push_str(&self.operator_policy);
        out.push_str(",\"roleTrustPolicy\":");
        out.push_str(&self.role_trust_policy);
        out.push_str(",\"rolePermissionPolicy\":");
        out.push_str(&self.role_permission_policy);
        out.push_str(",\"destinationBucketPolicy\":");
        out.push_str(self.destination_bucket_policy.as_deref().unwrap_or("null"));
        out.push_str(",\"cors\":");
        out.push_str(&self.cors_rule);
        out.push_str(",\"roleName\":");
        match &self.role_name {
            Some(r) => json_string(&mut out, r),
            None => out.push_str("null"),
        }
        out.push('}');
        out
    }
}

/// Appends `s` as a JSON string.
fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c < ' ' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_strings<S: AsRef<str>>(out: &mut String, items: &[S]) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_string(out, item.as_ref());
    }
    out.push(']');
}

/// One `Allow` statement; `principal` is written as given (already JSON).
fn statement(actions: &[&str], resources: &[String], principal: Option<&str>) -> String {
    let mut s = String::from("{\"Effect\":\"Allow\",\"Action\":");
    json_strings(&mut s, actions);
    if let Some(p) = principal {
        s.push_str(",\"Principal\":");
        s.push_str(p);
    }
    s.push_str(",\"Resource\":");
    json_strings(&mut s, resources);
    s.push('}');
    s
}

// Strings are built with `push_str` and `format!`, not `[&str]::concat`: that is
// one more ~370 B copy of `join` in the wasm, used nowhere else.
fn policy(statements: &[String]) -> String {
    let mut s = String::from("{\"Version\":\"1\",\"Statement\":[");
    s.push_str(&statements.join(","));
    s.push_str("]}");
    s
}

/// `acs:oss:*:<account>:<bucket>` and the bucket's objects.
fn bucket_resources(account: Option<&str>, bucket: &str) -> Vec<String> {
    let arn = format!("acs:oss:*:{}:{bucket}", account.unwrap_or("*"));
    vec![arn.clone(), arn + "/*"]
}

fn check_account(field: &str, id: Option<&str>) -> Result<(), Error> {
    match id {
        Some(id) if id.is_empty() || id.len() > 32 || !id.bytes().all(|b| b.is_ascii_digit()) => {
            Err(Error::invalid(format!(
                "{field} \"{}\" must be an Alibaba Cloud account ID (digits)",
                printable(id)
            )))
        }
        _ => Ok(()),
    }
}

/// The documents for `input`. Errors name the field: bucket names, account IDs, a
/// destination bucket that is not the rule's, and anything [`validate_rule`] rejects.
pub fn replication_policies(input: &PolicyInput<'_>) -> Result<ReplicationPolicies, Error> {
    validate_bucket_name(input.source_bucket).map_err(|e| e.context("sourceBucket"))?;
    validate_bucket_name(input.destination_bucket).map_err(|e| e.context("destinationBucket"))?;
    check_account("sourceAccountId", input.source_account_id)?;
    check_account("destinationAccountId", input.destination_account_id)?;
    validate_rule(input.rule)?;
    let rule = input.rule;
    if rule.destination.bucket != input.destination_bucket {
        return Err(Error::invalid(format!(
            "destinationBucket \"{}\" is not the rule's destination bucket \"{}\"",
            input.destination_bucket, rule.destination.bucket
        )));
    }
    if input.source_bucket == input.destination_bucket {
        return Err(Error::invalid(
            "sourceBucket and destinationBucket must differ",
        ));
    }
    let (src_acct, dst_acct) = (input.source_account_id, input.destination_account_id);
    // Without a destination account ID the destination is taken to be the source's.
    let dst_acct_or_src = dst_acct.or(src_acct);
    let src = bucket_resources(src_acct, input.source_bucket);
    let dst = bucket_resources(dst_acct_or_src, input.destination_bucket);

    let operator_policy = policy(&[
        statement(OPERATOR_ACTIONS, &src[..1], None),
        statement(
            OPERATOR_READ_ACTIONS,
            &[src.clone(), dst.clone()].concat(),
            None,
        ),
    ]);

    let mut trust = String::from(
        "{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Service\":[\"",
    );
    trust.push_str(OSS_SERVICE);
    trust.push_str("\"]}}");
    let role_trust_policy = policy(&[trust]);

    let mut role = vec![
        statement(ROLE_SOURCE_ACTIONS, &src, None),
        statement(ROLE_DESTINATION_ACTIONS, &dst, None),
    ];
    if rule.sse_kms_encrypted_objects == Some(true) {
        // Read SSE-KMS objects at the source; encrypt replicas with the named key
        // in the destination region.
        role.push(statement(
            &["kms:Decrypt", "kms:DescribeKey", "kms:List*"],
            &[format!("acs:kms:*:{}:*", src_acct.unwrap_or("*"))],
            None,
        ));
        let region = rule
            .destination
            .location
            .strip_prefix("oss-")
            .unwrap_or(&rule.destination.location);
        let key = rule.replica_kms_key_id.as_deref().unwrap_or("*");
        role.push(statement(
            &["kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            &[format!(
                "acs:kms:{region}:{}:key/{key}",
                dst_acct_or_src.unwrap_or("*")
            )],
            None,
        ));
    }
    let role_permission_policy = policy(&role);

    let cross_account = matches!((src_acct, dst_acct), (Some(a), Some(b)) if a != b);
    let destination_bucket_policy = cross_account.then(|| {
        let role_name = rule.sync_role.as_deref().unwrap_or("*");
        let mut principal = String::from("[");
        json_string(
            &mut principal,
            &format!(
                "arn:sts::{}:assumed-role/{role_name}/*",
                src_acct.unwrap_or("*")
            ),
        );
        principal.push(']');
        policy(&[statement(ROLE_DESTINATION_ACTIONS, &dst, Some(&principal))])
    });

    let mut cors_rule =
        String::from("{\"allowedOrigins\":[\"https://your-console.example\"],\"allowedMethods\":");
    json_strings(&mut cors_rule, CORS_METHODS);
    cors_rule.push_str(",\"allowedHeaders\":");
    json_strings(&mut cors_rule, CORS_ALLOWED_HEADERS);
    cors_rule.push_str(",\"exposeHeaders\":");
    json_strings(&mut cors_rule, CORS_EXPOSE_HEADERS);
    cors_rule.push_str(",\"maxAgeSeconds\":600}");

    Ok(ReplicationPolicies {
        operator_policy,
        role_trust_policy,
        role_permission_policy,
        destination_bucket_policy,
        cors_rule,
        role_name: rule.sync_role.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replication::Destination;
    use serde_json::{Value, json};

    fn rule() -> ReplicationRule {
        ReplicationRule {
            destination: Destination {
                bucket: "dst-bucket".into(),
                location: "oss-cn-beijing".into(),
                transfer_type: None,
            },
            sync_role: Some("oss-replication".into()),
            ..Default::default()
        }
    }

    fn run(r: &ReplicationRule, src: Option<&str>, dst: Option<&str>) -> Value {
        let p = replication_policies(&PolicyInput {
            source_bucket: "src-bucket",
            destination_bucket: "dst-bucket",
            rule: r,
            source_account_id: src,
            destination_account_id: dst,
        })
        .unwrap();
        serde_json::from_str(&p.to_json()).expect("valid JSON")
    }

    fn statements(doc: &Value) -> &Vec<Value> {
        assert_eq!(doc["Version"], "1");
        doc["Statement"].as_array().unwrap()
    }

    #[test]
    fn same_account_documents() {
        let v = run(&rule(), Some("1111"), None);
        let op = statements(&v["operatorPolicy"]);
        assert_eq!(op[0]["Action"], json!(OPERATOR_ACTIONS));
        assert_eq!(op[0]["Resource"], json!(["acs:oss:*:1111:src-bucket"]));
        assert_eq!(op[1]["Action"], json!(OPERATOR_READ_ACTIONS));
        assert_eq!(op[1]["Resource"].as_array().unwrap().len(), 4);
        let trust = statements(&v["roleTrustPolicy"]);
        assert_eq!(trust[0]["Action"], "sts:AssumeRole");
        assert_eq!(
            trust[0]["Principal"]["Service"],
            json!(["oss.aliyuncs.com"])
        );
        let role = statements(&v["rolePermissionPolicy"]);
        assert_eq!(role.len(), 2, "no KMS statements without SSE-KMS");
        assert_eq!(
            role[0]["Action"],
            json!(["oss:ReplicateList", "oss:ReplicateGet"])
        );
        assert_eq!(
            role[0]["Resource"],
            json!(["acs:oss:*:1111:src-bucket", "acs:oss:*:1111:src-bucket/*"])
        );
        assert_eq!(role[1]["Action"], json!(ROLE_DESTINATION_ACTIONS));
        assert_eq!(
            role[1]["Resource"],
            json!(["acs:oss:*:1111:dst-bucket", "acs:oss:*:1111:dst-bucket/*"])
        );
        assert!(v["destinationBucketPolicy"].is_null());
        assert_eq!(v["roleName"], "oss-replication");
        assert_eq!(v["cors"]["allowedMethods"], json!(["GET", "POST", "PUT"]));
        assert!(
            v["cors"]["exposeHeaders"]
                .as_array()
                .unwrap()
                .contains(&json!("x-oss-replication-rule-id"))
        );
        // Unknown accounts are wildcards.
        let w = run(&rule(), None, None);
        assert_eq!(
            statements(&w["rolePermissionPolicy"])[1]["Resource"][0],
            "acs:oss:*:*:dst-bucket"
        );
    }

    #[test]
    fn cross_account_and_kms() {
        let mut r = rule();
        r.sse_kms_encrypted_objects = Some(true);
        r.replica_kms_key_id = Some("key-123".into());
        let v = run(&r, Some("1111"), Some("2222"));
        let role = statements(&v["rolePermissionPolicy"]);
        assert_eq!(role.len(), 4);
        assert_eq!(role[1]["Resource"][0], "acs:oss:*:2222:dst-bucket");
        assert_eq!(role[2]["Action"][0], "kms:Decrypt");
        assert_eq!(role[2]["Resource"], json!(["acs:kms:*:1111:*"]));
        assert_eq!(
            role[3]["Resource"],
            json!(["acs:kms:cn-beijing:2222:key/key-123"])
        );
        let bp = statements(&v["destinationBucketPolicy"]);
        assert_eq!(
            bp[0]["Principal"],
            json!(["arn:sts::1111:assumed-role/oss-replication/*"])
        );
        assert_eq!(bp[0]["Action"], json!(ROLE_DESTINATION_ACTIONS));
        // Same IDs: not cross-account.
        assert!(run(&rule(), Some("1111"), Some("1111"))["destinationBucketPolicy"].is_null());
    }

    #[test]
    fn bad_input_is_named() {
        let r = rule();
        let err = |src: &str, dst: &str, a: Option<&str>| {
            replication_policies(&PolicyInput {
                source_bucket: src,
                destination_bucket: dst,
                rule: &r,
                source_account_id: a,
                destination_account_id: None,
            })
            .unwrap_err()
            .message()
            .to_owned()
        };
        assert!(err("Bad", "dst-bucket", None).starts_with("sourceBucket: "));
        assert_eq!(
            err("src-bucket", "other-bucket", None),
            "destinationBucket \"other-bucket\" is not the rule's destination bucket \"dst-bucket\""
        );
        assert_eq!(
            err("src-bucket", "dst-bucket", Some("12ab")),
            "sourceAccountId \"12ab\" must be an Alibaba Cloud account ID (digits)"
        );
        assert_eq!(
            err("dst-bucket", "dst-bucket", None),
            "sourceBucket and destinationBucket must differ"
        );
        let mut bad = rule();
        bad.sse_kms_encrypted_objects = Some(true);
        assert!(
            replication_policies(&PolicyInput {
                source_bucket: "src-bucket",
                destination_bucket: "dst-bucket",
                rule: &bad,
                source_account_id: None,
                destination_account_id: None,
            })
            .unwrap_err()
            .message()
            .contains("requires rule.replicaKmsKeyId")
        );
    }

    #[test]
    fn strings_are_escaped() {
        let mut out = String::new();
        json_string(&mut out, "a\"b\\c\u{1}");
        assert_eq!(out, "\"a\\\"b\\\\c\\u0001\"");
    }
}
