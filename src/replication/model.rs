//! Replication rules, locations and progress as plain data.

/// Where a rule replicates to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Destination {
    /// Destination bucket name.
    pub bucket: String,
    /// Destination region with the `oss-` prefix (`oss-cn-beijing`).
    pub location: String,
    /// `internal` (default) or `oss_acc` (transfer acceleration, CRR only).
    pub transfer_type: Option<String>,
}

/// A replication rule: what a caller asks for, or what GetBucketReplication returns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplicationRule {
    /// Rule ID; OSS generates one when a Put carries none.
    pub id: Option<String>,
    /// Where objects go.
    pub destination: Destination,
    /// Only objects whose keys start with one of these (at most 10); empty: all objects.
    pub prefixes: Vec<String>,
    /// Operations replicated: `ALL`, `PUT`, `DELETE`, `ABORT`; empty: OSS's default (`ALL`).
    pub actions: Vec<String>,
    /// Whether objects that existed before the rule are copied too (OSS default: enabled).
    pub historical_object_replication: Option<bool>,
    /// RAM role OSS assumes to replicate.
    pub sync_role: Option<String>,
    /// Whether SSE-KMS encrypted objects are replicated (needs `replica_kms_key_id`).
    pub sse_kms_encrypted_objects: Option<bool>,
    /// KMS key used to encrypt replicas.
    pub replica_kms_key_id: Option<String>,
    /// Replication time control (CRR in supported regions).
    pub rtc: Option<bool>,
    /// Read back only: `starting`, `doing` or `closing`.
    pub status: Option<String>,
    /// Read back only: the RTC status as OSS reports it (`enabled`, `disabled`, `enabling`).
    pub rtc_status: Option<String>,
    /// Tag filter (`<UserTaggings>`): only objects whose tags match are replicated.
    pub user_taggings: Option<UserTaggings>,
    /// Children of a read-back rule this library does not model, kept so a rule
    /// that is read and put again does not lose them.
    pub unknown: UnknownChildren,
}

/// A rule's tag filter: `<UserTaggings><FilterType/><UserTagging>...`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserTaggings {
    /// `AND` (the object has every tag) or `OR` (any one of them).
    pub filter_type: String,
    /// 1 to 10 tags, keys unique.
    pub tags: Vec<Tag>,
}

/// An object tag.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tag {
    /// Tag key (1 to 128 characters).
    pub key: String,
    /// Tag value (0 to 256 characters).
    pub value: String,
}

/// Elements of a read-back rule the library does not model (`Destination/Cloud`,
/// `Destination/CloudLocation`, `Source`, future ones), each one element as XML
/// text (`<Source><Location>oss-cn-hangzhou</Location></Source>`), in canonical
/// form: no attributes, namespace prefixes or indentation. Written back unchanged
/// by the Put body; opaque to callers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnknownChildren {
    /// Unknown children of `<Rule>`.
    pub rule: Vec<String>,
    /// Unknown children of `<Destination>`.
    pub destination: Vec<String>,
}

impl UnknownChildren {
    /// Whether there is nothing to keep.
    pub fn is_empty(&self) -> bool {
        self.rule.is_empty() && self.destination.is_empty()
    }
}

/// The transfer types a destination region accepts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocationTransferType {
    /// Destination region (`oss-cn-hongkong`).
    pub location: String,
    /// Accepted transfer types (`oss_acc`, ...).
    pub transfer_types: Vec<String>,
}

/// GetBucketReplicationLocation: where this bucket can replicate to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplicationLocation {
    /// Every region a rule may target.
    pub locations: Vec<String>,
    /// Regions that need a particular transfer type.
    pub transfer_type_constraints: Vec<LocationTransferType>,
    /// Regions where RTC can be enabled.
    pub rtc_locations: Vec<String>,
}

/// GetBucketReplicationProgress: a rule and how far it has got.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplicationProgress {
    /// The rule.
    pub rule: ReplicationRule,
    /// Fraction (0..=1) of historical objects replicated, when reported.
    pub historical_object: Option<f64>,
    /// Objects written before this time have been replicated: ISO 8601
    /// (`2015-09-24T15:28:14.000Z`) as OSS documents it; an RFC 1123 (GMT) answer
    /// is converted to that form; text that is neither is kept as sent.
    pub new_object: Option<String>,
    /// `new_object` in seconds since the Unix epoch, when it is a time of either form.
    pub new_object_epoch_secs: Option<i64>,
}
