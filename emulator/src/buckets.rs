//! Bucket-level reads and settings beyond replication: versioning
//! (PutBucketVersioning / GetBucketVersioning) and GetBucketInfo.
//!
//! Versioning is a setting only: it is stored and reported (and GetBucketInfo
//! shows it), objects keep a single version.

use rusqlite::Connection;

use crate::app::Reply;
use crate::clock::iso8601;
use crate::errors::{OssError, internal, invalid_argument, malformed_xml};
use crate::objects::OWNER_ID;
use crate::replication_ops::check_content_md5;
use crate::store::{self, Bucket};
use oss_replication::xml::parse_document;

/// PutBucketVersioning: `<VersioningConfiguration><Status>Enabled|Suspended</Status>`.
/// A bucket never returns to "never enabled": it can only be suspended.
pub fn put_versioning(
    conn: &Connection,
    bucket: &Bucket,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Reply, OssError> {
    check_content_md5(headers, body)?;
    let tree =
        parse_document(body, "VersioningConfiguration").map_err(|e| malformed_xml(e.message()))?;
    let status = tree
        .string("Status")
        .ok_or_else(|| malformed_xml("<VersioningConfiguration> has no <Status>"))?;
    if status != "Enabled" && status != "Suspended" {
        return Err(invalid_argument(
            "Status",
            &status,
            "Versioning Status must be Enabled or Suspended.",
        ));
    }
    store::set_versioning(conn, &bucket.name, &status).map_err(internal)?;
    Ok(Reply::empty(200))
}

/// GetBucketVersioning: `<VersioningConfiguration>` with `<Status>` once versioning was set.
pub fn get_versioning(conn: &Connection, bucket: &Bucket) -> Result<Reply, OssError> {
    let status = store::versioning(conn, &bucket.name).map_err(internal)?;
    let mut w = crate::xml::document();
    w.open("VersioningConfiguration")
        .opt_leaf("Status", status.as_deref())
        .close("VersioningConfiguration");
    Ok(Reply::xml(w.finish()))
}

/// GetBucketInfo: the fields OSS documents, with the emulator's fixed values
/// where it has no such feature (ACL private, Standard, LRS, no encryption).
pub fn info(conn: &Connection, bucket: &Bucket) -> Result<Reply, OssError> {
    let versioning = store::versioning(conn, &bucket.name).map_err(internal)?;
    let has_rules = !store::rules(conn, &bucket.name)
        .map_err(internal)?
        .is_empty();
    let mut w = crate::xml::document();
    w.open("BucketInfo")
        .open("Bucket")
        .leaf("AccessMonitor", "Disabled")
        .leaf("CreationDate", &iso8601(bucket.created_ms))
        .leaf(
            "ExtranetEndpoint",
            &format!("{}.aliyuncs.com", bucket.location),
        )
        .leaf(
            "IntranetEndpoint",
            &format!("{}-internal.aliyuncs.com", bucket.location),
        )
        .leaf("Location", &bucket.location)
        .leaf("StorageClass", "Standard")
        .leaf("TransferAcceleration", "Disabled")
        .leaf(
            "CrossRegionReplication",
            if has_rules { "Enabled" } else { "Disabled" },
        )
        .leaf("Name", &bucket.name)
        .leaf("ResourceGroupId", "rg-emulator")
        .open("Owner")
        .leaf("DisplayName", OWNER_ID)
        .leaf("ID", OWNER_ID)
        .close("Owner")
        .open("AccessControlList")
        .leaf("Grant", "private")
        .close("AccessControlList")
        .leaf("Comment", "")
        .leaf("DataRedundancyType", "LRS")
        .open("ServerSideEncryptionRule")
        .leaf("SSEAlgorithm", "None")
        .close("ServerSideEncryptionRule")
        .opt_leaf("Versioning", versioning.as_deref())
        .close("Bucket")
        .close("BucketInfo");
    Ok(Reply::xml(w.finish()))
}
