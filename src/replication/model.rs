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
    /// Objects written before this ISO 8601 time have been replicated.
    pub new_object: Option<String>,
}
