//! The reads the operator features need besides the six replication calls:
//! bucket versioning, bucket info (region), ListObjectsV2 pages and object tags.
//! Builders return [`OssRequest`]s the client sends like any other; parsers read
//! the answers with the crate's own XML layer.

use crate::error::Error;
use crate::replication::{Operation, OssRequest, Tag};
use crate::sign::encode::percent_decode;
use crate::time::SigningTime;
use crate::xml::parse_document;

/// A bucket's versioning state (`GetBucketVersioning`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Versioning {
    /// Never enabled (no `<Status>`).
    Unversioned,
    /// `Enabled`.
    Enabled,
    /// `Suspended` (once enabled, then paused).
    Suspended,
}

impl Versioning {
    /// `unversioned`, `enabled` or `suspended`, as the JS API reports it.
    pub fn as_str(self) -> &'static str {
        match self {
            Versioning::Unversioned => "unversioned",
            Versioning::Enabled => "enabled",
            Versioning::Suspended => "suspended",
        }
    }
}

/// What `GetBucketInfo` says about a bucket that matters here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketInfo {
    /// Region with the `oss-` prefix (`oss-cn-beijing`).
    pub location: String,
    /// Versioning, when the answer carries it (`None`: not reported).
    pub versioning: Option<Versioning>,
}

/// One object of a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectSummary {
    /// Object key, decoded.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// ETag as sent (quotes included).
    pub etag: String,
    /// `LastModified` as sent (ISO 8601).
    pub last_modified: String,
    /// `LastModified` in seconds since the epoch, when it parses.
    pub last_modified_secs: Option<i64>,
}

/// One ListObjectsV2 page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListPage {
    /// Objects in key order.
    pub objects: Vec<ObjectSummary>,
    /// Token for the next page; `None` on the last page.
    pub next_token: Option<String>,
}

/// Most keys ListObjectsV2 returns per page.
pub const MAX_KEYS_PER_PAGE: u32 = 1000;

fn read(op: Operation, bucket: &str, query: &[(&str, &str)]) -> Result<OssRequest, Error> {
    OssRequest::new(op, "GET", bucket, query, None)
}

/// GetBucketVersioning: `GET /?versioning`.
pub fn get_bucket_versioning(bucket: &str) -> Result<OssRequest, Error> {
    read(
        Operation::GetBucketVersioning,
        bucket,
        &[("versioning", "")],
    )
}

/// GetBucketInfo: `GET /?bucketInfo`.
pub fn get_bucket_info(bucket: &str) -> Result<OssRequest, Error> {
    read(Operation::GetBucketInfo, bucket, &[("bucketInfo", "")])
}

/// ListObjectsV2: `GET /?list-type=2&prefix=..&max-keys=..&encoding-type=url[&continuation-token=..]`.
/// Keys come URL-encoded so that any key survives XML.
pub fn list_objects_v2(
    bucket: &str,
    prefix: &str,
    continuation_token: Option<&str>,
    max_keys: u32,
) -> Result<OssRequest, Error> {
    if !(1..=MAX_KEYS_PER_PAGE).contains(&max_keys) {
        return Err(Error::invalid(format!(
            "max-keys must be 1..{MAX_KEYS_PER_PAGE}, got {max_keys}"
        )));
    }
    let max = max_keys.to_string();
    let mut query = vec![
        ("list-type", "2"),
        ("prefix", prefix),
        ("max-keys", max.as_str()),
        ("encoding-type", "url"),
    ];
    if let Some(t) = continuation_token {
        query.push(("continuation-token", t));
    }
    read(Operation::ListObjectsV2, bucket, &query)
}

/// GetObjectTagging: `GET /<key>?tagging`.
pub fn get_object_tagging(bucket: &str, key: &str) -> Result<OssRequest, Error> {
    if key.is_empty() {
        return Err(Error::invalid("object key must not be empty"));
    }
    let mut req = read(Operation::GetObjectTagging, bucket, &[("tagging", "")])?;
    req.key = key.to_owned();
    Ok(req)
}

fn versioning_from(text: Option<&str>) -> Result<Versioning, Error> {
    match text {
        None | Some("") => Ok(Versioning::Unversioned),
        Some("Enabled") => Ok(Versioning::Enabled),
        Some("Suspended") => Ok(Versioning::Suspended),
        Some(other) => Err(Error::parse(format!(
            "unknown versioning status \"{}\" (expected Enabled or Suspended)",
            crate::xml::excerpt(other.as_bytes())
        ))),
    }
}

/// Parses `<VersioningConfiguration>`.
pub fn parse_get_bucket_versioning(body: &[u8]) -> Result<Versioning, Error> {
    let root = parse_document(body, "VersioningConfiguration")?;
    versioning_from(root.text_of("Status"))
}

/// Parses `<BucketInfo><Bucket>`: `Location` is required.
pub fn parse_get_bucket_info(body: &[u8]) -> Result<BucketInfo, Error> {
    let root = parse_document(body, "BucketInfo")?;
    let bucket = root
        .child("Bucket")
        .ok_or_else(|| Error::parse("<BucketInfo> has no <Bucket>"))?;
    let location = bucket
        .string("Location")
        .ok_or_else(|| Error::parse("<BucketInfo><Bucket> has no <Location>"))?;
    let versioning = match bucket.text_of("Versioning") {
        None => None,
        t => Some(versioning_from(t)?),
    };
    Ok(BucketInfo {
        location,
        versioning,
    })
}

/// Parses a ListObjectsV2 `<ListBucketResult>` page (keys URL-decoded when the
/// answer says `EncodingType` `url`).
pub fn parse_list_objects_v2(body: &[u8]) -> Result<ListPage, Error> {
    let root = parse_document(body, "ListBucketResult")?;
    let url = root.text_of("EncodingType") == Some("url");
    let mut objects = Vec::new();
    for c in root.children("Contents") {
        let raw = c
            .exact("Key")
            .ok_or_else(|| Error::parse("<Contents> without <Key>"))?;
        let key = if url {
            percent_decode(&raw, false)
        } else {
            raw
        };
        let size_text = c.text_of("Size").unwrap_or("");
        let size = size_text.parse().map_err(|_| {
            Error::parse(format!(
                "<Size> of \"{key}\" is not a number: \"{size_text}\""
            ))
        })?;
        let last_modified = c.string("LastModified").unwrap_or_default();
        objects.push(ObjectSummary {
            last_modified_secs: SigningTime::parse_iso8601(&last_modified)
                .map(SigningTime::epoch_secs),
            etag: c.string("ETag").unwrap_or_default(),
            last_modified,
            size,
            key,
        });
    }
    let truncated = root.text_of("IsTruncated") == Some("true");
    let next_token = root.exact("NextContinuationToken").filter(|_| truncated);
    if truncated && next_token.is_none() {
        return Err(Error::parse(
            "ListObjectsV2 page is truncated but has no <NextContinuationToken>",
        ));
    }
    Ok(ListPage {
        objects,
        next_token,
    })
}

/// Parses `<Tagging><TagSet><Tag><Key/><Value/></Tag>...`.
pub fn parse_get_object_tagging(body: &[u8]) -> Result<Vec<Tag>, Error> {
    let root = parse_document(body, "Tagging")?;
    let Some(set) = root.child("TagSet") else {
        return Ok(Vec::new());
    };
    // A loop like `parse_list_objects`: `collect::<Result<Vec<_>, _>>()` is its own
    // ~430 B adapter in the wasm.
    let mut tags = Vec::new();
    for t in set.children("Tag") {
        let key = t
            .exact("Key")
            .ok_or_else(|| Error::parse("<Tag> without <Key>"))?;
        tags.push(Tag {
            key,
            value: t.exact("Value").unwrap_or_default(),
        });
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::{Endpoint, EndpointOptions, Region};

    fn local() -> Endpoint {
        let r = Region::new("cn-hangzhou").unwrap();
        Endpoint::new(
            &r,
            &EndpointOptions {
                endpoint: Some("http://127.0.0.1:9000"),
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn requests_have_the_documented_query_and_url() {
        let l = list_objects_v2("src", "logs/a b", Some("tok/1"), 1000).unwrap();
        assert_eq!(
            l.url(&local()).unwrap(),
            "http://127.0.0.1:9000/src/?list-type=2&prefix=logs%2Fa%20b&max-keys=1000&encoding-type=url&continuation-token=tok%2F1"
        );
        assert_eq!(l.operation.signed_subresources(), &["continuation-token"]);
        let t = get_object_tagging("src", "dir/a b+c.txt").unwrap();
        assert_eq!(
            t.url(&local()).unwrap(),
            "http://127.0.0.1:9000/src/dir/a%20b%2Bc.txt?tagging"
        );
        assert_eq!(t.parts().key, "dir/a b+c.txt");
        let v = get_bucket_versioning("src").unwrap();
        assert_eq!(
            v.url(&local()).unwrap(),
            "http://127.0.0.1:9000/src/?versioning"
        );
        assert!(list_objects_v2("src", "", None, 0).is_err());
        assert!(list_objects_v2("src", "", None, 1001).is_err());
        assert!(get_object_tagging("src", "").is_err());
        assert!(get_bucket_info("Bad_Name").is_err());
    }

    #[test]
    fn versioning_states() {
        let p = |b: &str| parse_get_bucket_versioning(b.as_bytes());
        assert_eq!(
            p("<VersioningConfiguration/>").unwrap(),
            Versioning::Unversioned
        );
        assert_eq!(
            p("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")
                .unwrap(),
            Versioning::Enabled
        );
        assert_eq!(
            p("<VersioningConfiguration><Status> Suspended </Status></VersioningConfiguration>")
                .unwrap(),
            Versioning::Suspended
        );
        let e = p("<VersioningConfiguration><Status>On</Status></VersioningConfiguration>")
            .unwrap_err();
        assert!(e.message().contains("\"On\""), "{e}");
    }

    #[test]
    fn bucket_info_location_and_versioning() {
        let i = parse_get_bucket_info(
            b"<BucketInfo><Bucket><Name>d</Name><Location>oss-cn-beijing</Location><Versioning>Enabled</Versioning></Bucket></BucketInfo>",
        )
        .unwrap();
        assert_eq!(i.location, "oss-cn-beijing");
        assert_eq!(i.versioning, Some(Versioning::Enabled));
        let e = parse_get_bucket_info(b"<BucketInfo><Bucket/></BucketInfo>").unwrap_err();
        assert!(e.message().contains("<Location>"), "{e}");
    }

    #[test]
    fn list_pages_decode_keys_and_require_a_token_when_truncated() {
        let page = parse_list_objects_v2(
            b"<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>\
              <NextContinuationToken>t2</NextContinuationToken>\
              <Contents><Key>a%20b%2Bc</Key><LastModified>2026-01-02T03:04:05.000Z</LastModified>\
              <ETag>\"AB\"</ETag><Size>12</Size></Contents></ListBucketResult>",
        )
        .unwrap();
        assert_eq!(page.next_token.as_deref(), Some("t2"));
        let o = &page.objects[0];
        assert_eq!(
            (o.key.as_str(), o.size, o.etag.as_str()),
            ("a b+c", 12, "\"AB\"")
        );
        assert_eq!(o.last_modified_secs, Some(1_767_323_045));
        let last = parse_list_objects_v2(
            b"<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>",
        )
        .unwrap();
        assert_eq!(last, ListPage::default());
        let cut = parse_list_objects_v2(
            b"<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
        )
        .unwrap_err();
        assert!(cut.message().contains("NextContinuationToken"), "{cut}");
        let bad = parse_list_objects_v2(
            b"<ListBucketResult><Contents><Key>k</Key><Size>x</Size></Contents></ListBucketResult>",
        )
        .unwrap_err();
        assert!(bad.message().contains("<Size> of \"k\""), "{bad}");
    }

    #[test]
    fn tags() {
        let t = parse_get_object_tagging(
            b"<Tagging><TagSet><Tag><Key>team</Key><Value>a</Value></Tag><Tag><Key>x</Key><Value></Value></Tag></TagSet></Tagging>",
        )
        .unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!((t[0].key.as_str(), t[0].value.as_str()), ("team", "a"));
        assert_eq!(t[1].value, "");
        assert!(parse_get_object_tagging(b"<Tagging/>").unwrap().is_empty());
        let e = parse_get_object_tagging(
            b"<Tagging><TagSet><Tag><Key>a</Key></Tag><Tag><Value>v</Value></Tag></TagSet></Tagging>",
        )
        .unwrap_err();
        assert!(e.message().contains("<Tag> without <Key>"), "{e}");
    }
}
