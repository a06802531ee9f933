//! The six replication operations: models, request builders, rule validation
//! and response parsers.

mod fragment;
mod model;
mod parse;
mod request;
mod rule_reader;
mod validate;

pub use model::{
    Destination, LocationTransferType, ReplicationLocation, ReplicationProgress, ReplicationRule,
    Tag, UnknownChildren, UserTaggings,
};
pub use parse::{
    parse_get_bucket_replication, parse_get_bucket_replication_location,
    parse_get_bucket_replication_progress,
};
pub use request::{
    Operation, OssRequest, content_md5, delete_bucket_replication, get_bucket_replication,
    get_bucket_replication_location, get_bucket_replication_progress, put_bucket_replication,
    put_bucket_rtc, rule_xml,
};
pub(crate) use validate::check_rule_id;
pub use validate::{
    MAX_PREFIX_BYTES, MAX_PREFIXES, MAX_TAG_KEY_CHARS, MAX_TAG_VALUE_CHARS, MAX_TAGS, validate_rule,
};
