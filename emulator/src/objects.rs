//! Objects and listings: PutObject, GetObject (with a single Range), HeadObject,
//! DeleteObject, ListObjects (v1 and v2), ListBuckets and GetBucketLocation; enough for
//! oss2's `put_object`, `get_object`, `head_object`, `object_exists`, `delete_object`,
//! `list_objects(_v2)`, `ObjectIterator` and `BucketIterator`.

use base64::Engine as _;
use md5::{Digest, Md5};
use oss_replication::SigningTime;
use oss_replication::sign::encode::{hex, uri_encode};
use oss_replication::xml::XmlWriter;
use rusqlite::Connection;

use crate::app::Reply;
use crate::clock::iso8601;
use crate::crc64::crc64;
use crate::errors::{OssError, internal, invalid_argument, no_such_key};
use crate::replication_ops::check_content_md5;
use crate::routing::query_value;
use crate::store::{self, Bucket, NewObject, ObjectMeta};

/// The emulated account's owner ID.
pub const OWNER_ID: &str = "1234567890123456";

fn db(e: rusqlite::Error) -> OssError {
    internal(e)
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn check_key(key: &str) -> Result<(), OssError> {
    if key.len() > 1023 {
        return Err(OssError::new(
            400,
            "InvalidObjectName",
            "The Length of Object name must be less than 1024.",
        ));
    }
    if key.starts_with('/') || key.starts_with('\\') {
        return Err(OssError::new(
            400,
            "InvalidObjectName",
            "The specified object is not valid: it starts with / or \\.",
        ));
    }
    Ok(())
}

/// Most tags one object may carry (OSS object tagging rules).
pub const MAX_OBJECT_TAGS: usize = 10;

/// Parses `x-oss-tagging` (`k1=v1&k2=v2`, URL-encoded as in a query string):
/// at most 10 tags, keys 1..=128 and values 0..=256 characters, no key twice.
pub fn parse_tagging(header_value: &str) -> Result<Vec<(String, String)>, OssError> {
    let bad = |msg: String| invalid_argument("x-oss-tagging", header_value, msg);
    let tags = crate::routing::parse_query(header_value);
    if tags.len() > MAX_OBJECT_TAGS {
        return Err(bad(format!(
            "An object can have at most {MAX_OBJECT_TAGS} tags; x-oss-tagging has {}.",
            tags.len()
        )));
    }
    for (i, (k, v)) in tags.iter().enumerate() {
        if k.is_empty() || k.chars().count() > 128 || v.chars().count() > 256 {
            return Err(bad(
                "Tag keys must be 1 to 128 characters and values at most 256.".into(),
            ));
        }
        if tags[..i].iter().any(|(o, _)| o == k) {
            return Err(bad(format!("The tag key {k} appears twice.")));
        }
    }
    Ok(tags)
}

/// PutObject.
pub fn put(
    conn: &Connection,
    bucket: &Bucket,
    key: &str,
    headers: &[(String, String)],
    body: &[u8],
    now_ms: i64,
) -> Result<Reply, OssError> {
    check_key(key)?;
    if header(headers, "x-oss-copy-source").is_some() {
        return Err(crate::errors::not_implemented("CopyObject"));
    }
    check_content_md5(headers, body)?;
    let md5 = Md5::digest(body);
    let etag = format!("\"{}\"", hex(&md5).to_ascii_uppercase());
    let crc = crc64(body).to_string();
    let content_type = header(headers, "content-type")
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| crate::mime::for_path(key));
    let meta: Vec<(String, String)> = headers
        .iter()
        .filter(|(k, _)| k.to_ascii_lowercase().starts_with("x-oss-meta-"))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect();
    let tags = match header(headers, "x-oss-tagging") {
        Some(t) => parse_tagging(t)?,
        None => Vec::new(),
    };
    store::put_object(
        conn,
        &NewObject {
            bucket: &bucket.name,
            key,
            data: body,
            etag: &etag,
            crc64: &crc,
            content_type,
            meta: &meta,
            tags: &tags,
        },
        now_ms,
    )
    .map_err(db)?;
    Ok(Reply::empty(200)
        .header("etag", etag)
        .header("x-oss-hash-crc64ecma", crc)
        .header(
            "content-md5",
            base64::engine::general_purpose::STANDARD.encode(md5),
        ))
}

fn object_headers(mut r: Reply, m: &ObjectMeta) -> Reply {
    r = r
        .header("content-type", m.content_type.clone())
        .header("etag", m.etag.clone())
        .header(
            "last-modified",
            SigningTime::from_epoch_secs(m.modified_ms.div_euclid(1000)).to_rfc1123(),
        )
        .header("x-oss-object-type", "Normal")
        .header("x-oss-storage-class", "Standard")
        .header("x-oss-hash-crc64ecma", m.crc64.clone())
        .header("accept-ranges", "bytes");
    if !m.tags.is_empty() {
        r = r.header("x-oss-tagging-count", m.tags.len().to_string());
    }
    for (k, v) in &m.meta {
        r = r.header(k, v.clone());
    }
    r
}

/// Parses `bytes=a-b`, `bytes=a-`, `bytes=-n` against `len`. `None`: serve the whole object
/// (no or unsupported Range, as OSS does for malformed ones); `Err`: 416.
fn parse_range(value: Option<&str>, len: u64) -> Result<Option<(u64, u64)>, OssError> {
    let Some(spec) = value.and_then(|v| v.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.split_once('-') else {
        return Ok(None);
    };
    let (a, b) = (a.trim(), b.trim());
    let range = match (a.parse::<u64>().ok(), b.parse::<u64>().ok()) {
        (Some(start), Some(end)) if start <= end => (start, end.min(len.saturating_sub(1))),
        (Some(start), None) if b.is_empty() => (start, len.saturating_sub(1)),
        (None, Some(n)) if a.is_empty() && n > 0 => (len.saturating_sub(n), len.saturating_sub(1)),
        _ => return Ok(None),
    };
    if range.0 >= len {
        return Err(OssError::new(
            416,
            "InvalidRange",
            "The requested range is not satisfiable.",
        )
        .with("RangeRequested", spec)
        .with("ActualObjectSize", len.to_string()));
    }
    Ok(Some(range))
}

/// GetObject / HeadObject (`head` leaves the body out but announces its length).
pub fn get(
    conn: &Connection,
    bucket: &Bucket,
    key: &str,
    headers: &[(String, String)],
    head: bool,
) -> Result<Reply, OssError> {
    if head {
        let m = store::object_meta(conn, &bucket.name, key)
            .map_err(db)?
            .ok_or_else(|| no_such_key(key))?;
        let mut r = object_headers(Reply::empty(200), &m);
        r.content_length = Some(u64::try_from(m.size).unwrap_or(0));
        return Ok(r);
    }
    let (m, data) = store::object(conn, &bucket.name, key)
        .map_err(db)?
        .ok_or_else(|| no_such_key(key))?;
    let len = data.len() as u64;
    match parse_range(header(headers, "range"), len)? {
        None => {
            let mut r = object_headers(Reply::empty(200), &m);
            r.body = data.into();
            Ok(r)
        }
        Some((start, end)) => {
            let mut r = object_headers(Reply::empty(206), &m)
                .header("content-range", format!("bytes {start}-{end}/{len}"));
            let (s, e) = (start as usize, end as usize + 1);
            r.body = bytes::Bytes::from(data).slice(s..e);
            Ok(r)
        }
    }
}

/// GetObjectTagging (`GET /<key>?tagging`): `<Tagging><TagSet><Tag>...`.
pub fn get_tagging(conn: &Connection, bucket: &Bucket, key: &str) -> Result<Reply, OssError> {
    let m = store::object_meta(conn, &bucket.name, key)
        .map_err(db)?
        .ok_or_else(|| no_such_key(key))?;
    let mut w = crate::xml::document();
    w.open("Tagging").open("TagSet");
    for (k, v) in &m.tags {
        w.open("Tag").leaf("Key", k).leaf("Value", v).close("Tag");
    }
    w.close("TagSet").close("Tagging");
    Ok(Reply::xml(w.finish()))
}

/// PutObjectTagging (`PUT /<key>?tagging`, `<Tagging><TagSet><Tag>...`) and
/// DeleteObjectTagging (`DELETE /<key>?tagging`, `body` = `None`): replace or clear the
/// tags, under the same limits as `x-oss-tagging`.
pub fn set_tagging(
    conn: &Connection,
    bucket: &Bucket,
    key: &str,
    headers: &[(String, String)],
    body: Option<&[u8]>,
) -> Result<Reply, OssError> {
    let tags = match body {
        None => Vec::new(),
        Some(body) => {
            check_content_md5(headers, body)?;
            let tree = oss_replication::xml::parse_document(body, "Tagging")
                .map_err(|e| crate::errors::malformed_xml(e.message()))?;
            // Through the header's form so both paths share one set of limits.
            let pairs: Vec<String> = tree
                .child("TagSet")
                .map(|s| {
                    s.children("Tag")
                        .map(|t| {
                            format!(
                                "{}={}",
                                uri_encode(t.text_of("Key").unwrap_or(""), false),
                                uri_encode(t.text_of("Value").unwrap_or(""), false)
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            parse_tagging(&pairs.join("&"))?
        }
    };
    if !store::set_tags(conn, &bucket.name, key, &tags).map_err(db)? {
        return Err(no_such_key(key));
    }
    Ok(Reply::empty(if body.is_some() { 200 } else { 204 }))
}

/// DeleteObject: 204 whether or not the object existed.
pub fn delete(
    conn: &Connection,
    bucket: &Bucket,
    key: &str,
    now_ms: i64,
) -> Result<Reply, OssError> {
    check_key(key)?;
    store::delete_object(conn, &bucket.name, key, now_ms, false).map_err(db)?;
    Ok(Reply::empty(204))
}

fn max_keys(query: &[(String, String)]) -> Result<usize, OssError> {
    match query_value(query, "max-keys") {
        None | Some("") => Ok(100),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| {
                invalid_argument("max-keys", v, "max-keys must be an integer 1..=1000.")
            }),
    }
}

/// One page of a listing.
#[derive(Debug, Default)]
struct Page {
    contents: Vec<ObjectMeta>,
    prefixes: Vec<String>,
    truncated: bool,
    next: Option<String>,
}

fn list_page(
    conn: &Connection,
    bucket: &str,
    prefix: &str,
    delimiter: &str,
    start_after: &str,
    max: usize,
) -> Result<Page, OssError> {
    let mut page = Page::default();
    let mut after = start_after.to_owned();
    'outer: loop {
        let batch = store::list_objects(conn, bucket, prefix, &after, 1000).map_err(db)?;
        if batch.is_empty() {
            break;
        }
        for o in batch {
            if page.contents.len() + page.prefixes.len() == max {
                page.truncated = true;
                break 'outer;
            }
            if !delimiter.is_empty()
                && let Some(i) = o.key[prefix.len()..].find(delimiter)
            {
                let cp = o.key[..prefix.len() + i + delimiter.len()].to_owned();
                after = format!("{cp}{}", char::MAX);
                page.next = Some(cp.clone());
                page.prefixes.push(cp);
                continue 'outer;
            }
            after = o.key.clone();
            page.next = Some(o.key.clone());
            page.contents.push(o);
        }
    }
    if !page.truncated {
        page.next = None;
    }
    Ok(page)
}

fn encoder(query: &[(String, String)]) -> Result<(bool, impl Fn(&str) -> String), OssError> {
    let url = match query_value(query, "encoding-type") {
        None | Some("") => false,
        Some("url") => true,
        Some(other) => {
            return Err(invalid_argument(
                "encoding-type",
                other,
                "encoding-type must be url.",
            ));
        }
    };
    Ok((url, move |s: &str| {
        if url {
            uri_encode(s, false)
        } else {
            s.to_owned()
        }
    }))
}

fn write_contents(w: &mut XmlWriter, page: &Page, enc: &dyn Fn(&str) -> String, owner: bool) {
    for o in &page.contents {
        w.open("Contents")
            .leaf("Key", &enc(&o.key))
            .leaf("LastModified", &iso8601(o.modified_ms))
            .leaf("ETag", &o.etag)
            .leaf("Type", "Normal")
            .leaf("Size", &o.size.to_string())
            .leaf("StorageClass", "Standard");
        if owner {
            w.open("Owner")
                .leaf("ID", OWNER_ID)
                .leaf("DisplayName", OWNER_ID)
                .close("Owner");
        }
        w.close("Contents");
    }
    for p in &page.prefixes {
        w.open("CommonPrefixes")
            .leaf("Prefix", &enc(p))
            .close("CommonPrefixes");
    }
}

/// ListObjects (v1) and ListObjectsV2 (`list-type=2`).
pub fn list(
    conn: &Connection,
    bucket: &Bucket,
    query: &[(String, String)],
) -> Result<Reply, OssError> {
    let prefix = query_value(query, "prefix").unwrap_or("");
    let delimiter = query_value(query, "delimiter").unwrap_or("");
    let max = max_keys(query)?;
    let (url, enc) = encoder(query)?;
    let v2 = match query_value(query, "list-type") {
        None => false,
        Some("2") => true,
        Some(other) => {
            return Err(invalid_argument("list-type", other, "list-type must be 2."));
        }
    };
    let mut w = crate::xml::document();
    w.open("ListBucketResult").leaf("Name", &bucket.name);
    if v2 {
        let token = query_value(query, "continuation-token").filter(|t| !t.is_empty());
        let start_after = query_value(query, "start-after").unwrap_or("");
        let from_token = match token {
            Some(t) => Some(decode_token(t).ok_or_else(|| {
                invalid_argument(
                    "continuation-token",
                    t,
                    "The continuation token is invalid.",
                )
            })?),
            None => None,
        };
        let after = from_token
            .as_deref()
            .unwrap_or(start_after)
            .max(start_after);
        let page = list_page(conn, &bucket.name, prefix, delimiter, after, max)?;
        let owner = query_value(query, "fetch-owner") == Some("true");
        w.leaf("Prefix", &enc(prefix));
        if !start_after.is_empty() {
            w.leaf("StartAfter", &enc(start_after));
        }
        if let Some(t) = token {
            w.leaf("ContinuationToken", t);
        }
        w.leaf("MaxKeys", &max.to_string())
            .leaf("Delimiter", &enc(delimiter));
        if url {
            w.leaf("EncodingType", "url");
        }
        w.leaf("IsTruncated", if page.truncated { "true" } else { "false" })
            .leaf(
                "KeyCount",
                &(page.contents.len() + page.prefixes.len()).to_string(),
            );
        if let Some(n) = &page.next {
            w.leaf("NextContinuationToken", &encode_token(n));
        }
        write_contents(&mut w, &page, &enc, owner);
    } else {
        let marker = query_value(query, "marker").unwrap_or("");
        let page = list_page(conn, &bucket.name, prefix, delimiter, marker, max)?;
        w.leaf("Prefix", &enc(prefix))
            .leaf("Marker", &enc(marker))
            .leaf("MaxKeys", &max.to_string())
            .leaf("Delimiter", &enc(delimiter));
        if url {
            w.leaf("EncodingType", "url");
        }
        w.leaf("IsTruncated", if page.truncated { "true" } else { "false" });
        if let Some(n) = &page.next {
            w.leaf("NextMarker", &enc(n));
        }
        write_contents(&mut w, &page, &enc, true);
    }
    w.close("ListBucketResult");
    Ok(Reply::xml(w.finish()))
}

/// Continuation tokens are the last key returned, base64url-encoded (opaque to clients).
fn encode_token(key: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.as_bytes())
}

fn decode_token(token: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// ListBuckets (`GET /`): prefix, marker, max-keys as in OSS.
pub fn list_buckets(conn: &Connection, query: &[(String, String)]) -> Result<Reply, OssError> {
    let prefix = query_value(query, "prefix").unwrap_or("");
    let marker = query_value(query, "marker").unwrap_or("");
    let max = max_keys(query)?;
    let all = store::buckets(conn).map_err(db)?;
    let matching: Vec<&Bucket> = all
        .iter()
        .filter(|b| b.name.starts_with(prefix) && b.name.as_str() > marker)
        .collect();
    let truncated = matching.len() > max;
    let shown = &matching[..matching.len().min(max)];
    let mut w = crate::xml::document();
    w.open("ListAllMyBucketsResult");
    if !prefix.is_empty() {
        w.leaf("Prefix", prefix);
    }
    if !marker.is_empty() {
        w.leaf("Marker", marker);
    }
    if query_value(query, "max-keys").is_some() {
        w.leaf("MaxKeys", &max.to_string());
    }
    w.leaf("IsTruncated", if truncated { "true" } else { "false" });
    if truncated && let Some(last) = shown.last() {
        w.leaf("NextMarker", &last.name);
    }
    w.open("Owner")
        .leaf("ID", OWNER_ID)
        .leaf("DisplayName", OWNER_ID)
        .close("Owner")
        .open("Buckets");
    for b in shown {
        let region = crate::regions::region_id(&b.location);
        w.open("Bucket")
            .leaf("CreationDate", &iso8601(b.created_ms))
            .leaf("ExtranetEndpoint", &format!("{}.aliyuncs.com", b.location))
            .leaf(
                "IntranetEndpoint",
                &format!("{}-internal.aliyuncs.com", b.location),
            )
            .leaf("Location", &b.location)
            .leaf("Name", &b.name)
            .leaf("Region", region)
            .leaf("StorageClass", "Standard")
            .close("Bucket");
    }
    w.close("Buckets").close("ListAllMyBucketsResult");
    Ok(Reply::xml(w.finish()))
}

/// GetBucketLocation (`GET /?location`).
pub fn bucket_location(bucket: &Bucket) -> Reply {
    let mut w = crate::xml::document();
    w.leaf("LocationConstraint", &bucket.location);
    Reply::xml(w.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range(Some("bytes=0-1"), 10).unwrap(), Some((0, 1)));
        assert_eq!(parse_range(Some("bytes=5-"), 10).unwrap(), Some((5, 9)));
        assert_eq!(parse_range(Some("bytes=-3"), 10).unwrap(), Some((7, 9)));
        assert_eq!(parse_range(Some("bytes=2-100"), 10).unwrap(), Some((2, 9)));
        assert_eq!(parse_range(Some("bytes=5-2"), 10).unwrap(), None);
        assert_eq!(parse_range(Some("junk"), 10).unwrap(), None);
        assert_eq!(parse_range(None, 10).unwrap(), None);
        assert_eq!(parse_range(Some("bytes=10-"), 10).unwrap_err().status, 416);
        assert_eq!(parse_range(Some("bytes=-5"), 0).unwrap_err().status, 416);
    }

    #[test]
    fn tagging_header() {
        let t = parse_tagging("team=a%20b&env=&k%2B=v%3D1").unwrap();
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect()
        };
        assert_eq!(t, pairs(&[("team", "a b"), ("env", ""), ("k+", "v=1")]));
        assert_eq!(parse_tagging("").unwrap(), []);
        let many: Vec<String> = (0..11).map(|i| format!("k{i}=v")).collect();
        assert_eq!(
            parse_tagging(&many.join("&")).unwrap_err().code,
            "InvalidArgument"
        );
        assert!(
            parse_tagging("a=1&a=2")
                .unwrap_err()
                .message
                .contains("twice")
        );
        assert!(parse_tagging(&format!("{}=1", "k".repeat(129))).is_err());
        assert!(parse_tagging("=1").is_err());
    }

    #[test]
    fn listing_with_delimiter_and_pages() {
        let s = store::Store::open(None).unwrap();
        let c = s.lock();
        for k in ["a/1", "a/2", "b", "c/x/y", "c/z", "d"] {
            store::put_object(
                &c,
                &NewObject {
                    bucket: "bk",
                    key: k,
                    data: b"x",
                    etag: "\"E\"",
                    crc64: "0",
                    content_type: "x",
                    meta: &[],
                    tags: &[],
                },
                0,
            )
            .unwrap();
        }
        let p = list_page(&c, "bk", "", "/", "", 100).unwrap();
        let keys: Vec<&str> = p.contents.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(keys, ["b", "d"]);
        assert_eq!(p.prefixes, ["a/", "c/"]);
        assert!(!p.truncated);
        let p = list_page(&c, "bk", "", "/", "", 2).unwrap();
        assert_eq!((p.truncated, p.next.as_deref()), (true, Some("b")));
        let p = list_page(&c, "bk", "", "/", "b", 2).unwrap();
        assert_eq!(p.prefixes, ["c/"]);
        assert_eq!(p.contents[0].key, "d");
        assert!(!p.truncated);
        let p = list_page(&c, "bk", "c/", "/", "", 10).unwrap();
        assert_eq!((p.prefixes.len(), p.contents.len()), (1, 1));
        assert_eq!(decode_token(&encode_token("a/é")).as_deref(), Some("a/é"));
    }
}
