//! Builders for the six requests: method, query, headers and XML body.

use base64::Engine as _;
use md5::{Digest, Md5};

use super::fragment::{self, DESTINATION_CHILDREN, RULE_CHILDREN};
use super::model::ReplicationRule;
use super::validate::{check_rule_id, validate_rule};
use crate::credentials::Credentials;
use crate::endpoint::validate_bucket_name;
use crate::error::Error;
use crate::sign::{self, RequestParts, SignatureVersion, Signed, SigningParams};
use crate::time::SigningTime;
use crate::xml::XmlWriter;

/// The six replication operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `POST /?replication&comp=add`
    PutBucketReplication,
    /// `GET /?replication`
    GetBucketReplication,
    /// `GET /?replicationLocation`
    GetBucketReplicationLocation,
    /// `GET /?replicationProgress&rule-id=<id>`
    GetBucketReplicationProgress,
    /// `POST /?replication&comp=delete`
    DeleteBucketReplication,
    /// `PUT /?rtc`
    PutBucketRtc,
    /// `GET /?versioning` (pre-flight reads, [`crate::objects`])
    GetBucketVersioning,
    /// `GET /?bucketInfo`
    GetBucketInfo,
    /// `GET /?list-type=2&...`
    ListObjectsV2,
    /// `GET /<key>?tagging`
    GetObjectTagging,
}

impl Operation {
    /// The API name, as in OSS's documentation and RAM actions.
    pub fn name(self) -> &'static str {
        match self {
            Operation::PutBucketReplication => "PutBucketReplication",
            Operation::GetBucketReplication => "GetBucketReplication",
            Operation::GetBucketReplicationLocation => "GetBucketReplicationLocation",
            Operation::GetBucketReplicationProgress => "GetBucketReplicationProgress",
            Operation::DeleteBucketReplication => "DeleteBucketReplication",
            Operation::PutBucketRtc => "PutBucketRTC",
            Operation::GetBucketVersioning => "GetBucketVersioning",
            Operation::GetBucketInfo => "GetBucketInfo",
            Operation::ListObjectsV2 => "ListObjectsV2",
            Operation::GetObjectTagging => "GetObjectTagging",
        }
    }

    /// Query keys V1 signs for this operation (`rule-id` is sent but never signed).
    pub fn signed_subresources(self) -> &'static [&'static str] {
        match self {
            Operation::PutBucketReplication | Operation::DeleteBucketReplication => {
                &["comp", "replication"]
            }
            Operation::GetBucketReplication => &["replication"],
            Operation::GetBucketReplicationLocation => &["replicationLocation"],
            Operation::GetBucketReplicationProgress => &["replicationProgress"],
            Operation::PutBucketRtc => &["rtc"],
            Operation::GetBucketVersioning => &["versioning"],
            Operation::GetBucketInfo => &["bucketInfo"],
            // prefix, list-type, max-keys are never signed; the token is (oss2's set).
            Operation::ListObjectsV2 => &["continuation-token"],
            Operation::GetObjectTagging => &["tagging"],
        }
    }
}

/// A built, unsigned request for one bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OssRequest {
    /// Which operation this is.
    pub operation: Operation,
    /// HTTP method.
    pub method: &'static str,
    /// Source bucket.
    pub bucket: String,
    /// Object key, not encoded; empty for the bucket-level operations.
    pub key: String,
    /// Query parameters, decoded; empty value = bare key.
    pub query: Vec<(String, String)>,
    /// `content-type` and `content-md5` for requests with a body; empty otherwise.
    pub headers: Vec<(String, String)>,
    /// XML body, if any.
    pub body: Option<String>,
}

impl OssRequest {
    pub(crate) fn new(
        operation: Operation,
        method: &'static str,
        bucket: &str,
        query: &[(&str, &str)],
        body: Option<String>,
    ) -> Result<Self, Error> {
        validate_bucket_name(bucket).map_err(|e| e.context("bucket"))?;
        let headers = match &body {
            Some(b) => vec![
                ("content-md5".to_owned(), content_md5(b.as_bytes())),
                ("content-type".to_owned(), "application/xml".to_owned()),
            ],
            None => Vec::new(),
        };
        Ok(OssRequest {
            operation,
            method,
            bucket: bucket.to_owned(),
            key: String::new(),
            query: query
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            headers,
            body,
        })
    }

    /// The parts a signature covers.
    pub fn parts(&self) -> RequestParts<'_> {
        RequestParts {
            method: self.method,
            bucket: Some(&self.bucket),
            key: &self.key,
            query: &self.query,
            headers: &self.headers,
        }
    }

    /// The URL of this request at `endpoint`: the bucket URL, plus the key
    /// (percent-encoded, `/` kept) for object-level requests.
    pub fn url(&self, endpoint: &crate::endpoint::Endpoint) -> Result<String, Error> {
        let url = endpoint.bucket_url(&self.bucket, &self.query)?;
        if self.key.is_empty() {
            return Ok(url);
        }
        // Every addressing style ends the bucket part of the path with `/`.
        let at = url.find('?').unwrap_or(url.len());
        let key = crate::sign::encode::uri_encode(&self.key, true);
        Ok(format!("{}{key}{}", &url[..at], &url[at..]))
    }

    /// Signs this request; `region` is the V4 signing region without `oss-`.
    pub fn sign(
        &self,
        creds: &Credentials,
        version: SignatureVersion,
        region: &str,
        time: SigningTime,
    ) -> Signed {
        sign::sign(
            &self.parts(),
            creds,
            &SigningParams {
                version,
                region,
                time,
                subresources: Some(self.operation.signed_subresources()),
                additional_headers: &[],
            },
        )
    }
}

/// `base64(md5(body))`.
pub fn content_md5(body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Md5::digest(body))
}

fn enabled(on: bool, upper: bool) -> &'static str {
    match (on, upper) {
        (true, false) => "enabled",
        (false, false) => "disabled",
        (true, true) => "Enabled",
        (false, true) => "Disabled",
    }
}

/// The `<ReplicationConfiguration>` body for `rule`, in oss2's element order
/// (so oss2 users get byte-identical bodies and Content-MD5), RTC last.
pub fn rule_xml(rule: &ReplicationRule) -> String {
    let mut w = XmlWriter::default();
    w.open("ReplicationConfiguration").open("Rule");
    if let Some(id) = &rule.id {
        w.leaf("ID", id);
    }
    let d = &rule.destination;
    w.open("Destination")
        .leaf("Bucket", &d.bucket)
        .leaf("Location", &d.location);
    if let Some(t) = &d.transfer_type {
        w.leaf("TransferType", t);
    }
    write_kept(&mut w, &rule.unknown.destination, DESTINATION_CHILDREN);
    w.close("Destination");
    if let Some(h) = rule.historical_object_replication {
        w.leaf("HistoricalObjectReplication", enabled(h, false));
    }
    if !rule.prefixes.is_empty() {
        w.open("PrefixSet");
        for p in &rule.prefixes {
            w.leaf("Prefix", p);
        }
        w.close("PrefixSet");
    }
    if !rule.actions.is_empty() {
        w.leaf("Action", &rule.actions.join(","));
    }
    if let Some(t) = &rule.user_taggings {
        w.open("UserTaggings").leaf("FilterType", &t.filter_type);
        for tag in &t.tags {
            w.open("UserTagging")
                .leaf("Key", &tag.key)
                .leaf("Value", &tag.value)
                .close("UserTagging");
        }
        w.close("UserTaggings");
    }
    if let Some(role) = &rule.sync_role {
        w.leaf("SyncRole", role);
    }
    if let Some(key) = &rule.replica_kms_key_id {
        w.open("EncryptionConfiguration")
            .leaf("ReplicaKmsKeyID", key)
            .close("EncryptionConfiguration");
    }
    if let Some(on) = rule.sse_kms_encrypted_objects {
        w.open("SourceSelectionCriteria")
            .open("SseKmsEncryptedObjects")
            .leaf("Status", enabled(on, true))
            .close("SseKmsEncryptedObjects")
            .close("SourceSelectionCriteria");
    }
    if let Some(on) = rule.rtc {
        w.open("RTC")
            .leaf("Status", enabled(on, false))
            .close("RTC");
    }
    write_kept(&mut w, &rule.unknown.rule, RULE_CHILDREN);
    w.close("Rule").close("ReplicationConfiguration");
    w.finish()
}

/// Writes kept unknown children, parsed and written again so that only elements
/// and text reach the body. [`validate_rule`] rejects a fragment that does not
/// parse; here such a fragment is left out rather than written raw.
fn write_kept(w: &mut XmlWriter, fragments: &[String], known: &[&str]) {
    for f in fragments {
        let _ = fragment::with_fragment("", f, known, |node| fragment::write_node(w, node));
    }
}

/// PutBucketReplication: `POST /?replication&comp=add` with one rule. Validates the rule first.
pub fn put_bucket_replication(bucket: &str, rule: &ReplicationRule) -> Result<OssRequest, Error> {
    validate_rule(rule)?;
    OssRequest::new(
        Operation::PutBucketReplication,
        "POST",
        bucket,
        &[("replication", ""), ("comp", "add")],
        Some(rule_xml(rule)),
    )
}

/// GetBucketReplication: `GET /?replication`.
pub fn get_bucket_replication(bucket: &str) -> Result<OssRequest, Error> {
    OssRequest::new(
        Operation::GetBucketReplication,
        "GET",
        bucket,
        &[("replication", "")],
        None,
    )
}

/// GetBucketReplicationLocation: `GET /?replicationLocation`.
pub fn get_bucket_replication_location(bucket: &str) -> Result<OssRequest, Error> {
    OssRequest::new(
        Operation::GetBucketReplicationLocation,
        "GET",
        bucket,
        &[("replicationLocation", "")],
        None,
    )
}

/// GetBucketReplicationProgress: `GET /?replicationProgress&rule-id=<id>`.
pub fn get_bucket_replication_progress(bucket: &str, rule_id: &str) -> Result<OssRequest, Error> {
    check_rule_id("ruleId", rule_id)?;
    OssRequest::new(
        Operation::GetBucketReplicationProgress,
        "GET",
        bucket,
        &[("replicationProgress", ""), ("rule-id", rule_id)],
        None,
    )
}

/// DeleteBucketReplication: `POST /?replication&comp=delete` naming the rule.
pub fn delete_bucket_replication(bucket: &str, rule_id: &str) -> Result<OssRequest, Error> {
    check_rule_id("ruleId", rule_id)?;
    let mut w = XmlWriter::default();
    w.open("ReplicationRules")
        .leaf("ID", rule_id)
        .close("ReplicationRules");
    OssRequest::new(
        Operation::DeleteBucketReplication,
        "POST",
        bucket,
        &[("replication", ""), ("comp", "delete")],
        Some(w.finish()),
    )
}

/// PutBucketRTC: `PUT /?rtc`, body root `ReplicationRule`.
pub fn put_bucket_rtc(bucket: &str, rule_id: &str, enabled_: bool) -> Result<OssRequest, Error> {
    check_rule_id("ruleId", rule_id)?;
    let mut w = XmlWriter::default();
    w.open("ReplicationRule")
        .open("RTC")
        .leaf("Status", enabled(enabled_, false))
        .close("RTC")
        .leaf("ID", rule_id)
        .close("ReplicationRule");
    OssRequest::new(
        Operation::PutBucketRtc,
        "PUT",
        bucket,
        &[("rtc", "")],
        Some(w.finish()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replication::Destination;

    #[test]
    fn oss2_doc_body_and_md5() {
        let rule = ReplicationRule {
            id: Some("test_replication_1".into()),
            destination: Destination {
                bucket: "destbucket".into(),
                location: "oss-cn-beijing".into(),
                transfer_type: Some("oss_acc".into()),
            },
            prefixes: vec!["prefix_1".into(), "prefix_2".into()],
            actions: vec!["PUT".into()],
            historical_object_replication: Some(true),
            ..Default::default()
        };
        let req = put_bucket_replication("examplebucket", &rule).unwrap();
        assert_eq!(
            req.body.as_deref().unwrap(),
            "<ReplicationConfiguration><Rule><ID>test_replication_1</ID><Destination><Bucket>destbucket</Bucket><Location>oss-cn-beijing</Location><TransferType>oss_acc</TransferType></Destination><HistoricalObjectReplication>enabled</HistoricalObjectReplication><PrefixSet><Prefix>prefix_1</Prefix><Prefix>prefix_2</Prefix></PrefixSet><Action>PUT</Action></Rule></ReplicationConfiguration>"
        );
        assert_eq!(
            req.headers[0],
            ("content-md5".into(), "Q5osz1x07HI9dPvhT1ljqw==".into())
        );
        assert_eq!(req.method, "POST");
        assert_eq!(
            req.query,
            [
                ("replication".into(), String::new()),
                ("comp".into(), "add".into())
            ]
        );
    }

    #[test]
    fn user_taggings_and_kept_children_are_written() {
        let mut rule = ReplicationRule {
            id: Some("t".into()),
            destination: Destination {
                bucket: "destbucket".into(),
                location: "oss-cn-beijing".into(),
                transfer_type: None,
            },
            actions: vec!["PUT".into()],
            user_taggings: Some(crate::replication::UserTaggings {
                filter_type: "AND".into(),
                tags: vec![
                    crate::replication::Tag {
                        key: "team".into(),
                        value: "a+b c".into(),
                    },
                    crate::replication::Tag {
                        key: "env".into(),
                        value: String::new(),
                    },
                ],
            }),
            ..Default::default()
        };
        rule.unknown.destination = vec!["<Cloud>AliCloud</Cloud>".into()];
        rule.unknown.rule = vec!["<Source><Location>oss-cn-hangzhou</Location></Source>".into()];
        let body = put_bucket_replication("examplebucket", &rule)
            .unwrap()
            .body
            .unwrap();
        assert_eq!(
            body,
            "<ReplicationConfiguration><Rule><ID>t</ID><Destination><Bucket>destbucket</Bucket><Location>oss-cn-beijing</Location><Cloud>AliCloud</Cloud></Destination><Action>PUT</Action><UserTaggings><FilterType>AND</FilterType><UserTagging><Key>team</Key><Value>a+b c</Value></UserTagging><UserTagging><Key>env</Key><Value></Value></UserTagging></UserTaggings><Source><Location>oss-cn-hangzhou</Location></Source></Rule></ReplicationConfiguration>"
        );
        // A read-back rule put again carries what it was read with.
        let back = crate::replication::parse_get_bucket_replication(body.as_bytes()).unwrap();
        assert_eq!(back[0], rule);
        // A fragment that is not XML never reaches a body, even without validation.
        rule.unknown.rule = vec!["</Rule><Injected/>".into()];
        assert!(!rule_xml(&rule).contains("Injected"));
    }

    #[test]
    fn delete_and_rtc_bodies() {
        let d = delete_bucket_replication("examplebucket", "test_replication_1").unwrap();
        assert_eq!(
            d.body.as_deref(),
            Some("<ReplicationRules><ID>test_replication_1</ID></ReplicationRules>")
        );
        assert_eq!(d.headers[0].1, "OZXnmNj8merGKsnrdTHDYA==");
        let r = put_bucket_rtc("examplebucket", "test_replication_1", true).unwrap();
        assert_eq!(
            r.body.as_deref(),
            Some(
                "<ReplicationRule><RTC><Status>enabled</Status></RTC><ID>test_replication_1</ID></ReplicationRule>"
            )
        );
        assert_eq!(r.method, "PUT");
        let g = get_bucket_replication_progress("examplebucket", "a&b").unwrap();
        assert!(g.headers.is_empty() && g.body.is_none());
        assert_eq!(g.query[1], ("rule-id".into(), "a&b".into()));
    }

    #[test]
    fn inputs_are_checked_before_building() {
        assert_eq!(
            get_bucket_replication("Bad").unwrap_err().code(),
            "InvalidBucketName"
        );
        assert_eq!(
            get_bucket_replication_progress("ok-bucket", "")
                .unwrap_err()
                .message(),
            "ruleId must not be empty"
        );
        assert!(put_bucket_replication("ok-bucket", &ReplicationRule::default()).is_err());
    }
}
