//! Addressing and dispatch: which bucket and key a request names (path style or
//! virtual-host style), its decoded query, and which operation it is.

use oss_replication::sign::encode::percent_decode;

use crate::errors::{OssError, method_not_allowed, not_implemented};

/// The operations the emulator serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `GET /` (service).
    ListBuckets,
    /// `GET /?location`.
    GetBucketLocation,
    /// `GET /` on a bucket (v1, or v2 with `list-type=2`).
    ListObjects,
    /// `POST /?replication&comp=add`.
    PutBucketReplication,
    /// `GET /?replication`.
    GetBucketReplication,
    /// `GET /?replicationLocation`.
    GetBucketReplicationLocation,
    /// `GET /?replicationProgress`.
    GetBucketReplicationProgress,
    /// `POST /?replication&comp=delete`.
    DeleteBucketReplication,
    /// `PUT /?rtc`.
    PutBucketRtc,
    /// `PUT /<key>`.
    PutObject,
    /// `GET /<key>`.
    GetObject,
    /// `HEAD /<key>` (also `?objectMeta`).
    HeadObject,
    /// `DELETE /<key>`.
    DeleteObject,
    /// `GET /<key>?tagging`.
    GetObjectTagging,
    /// `PUT /<key>?tagging`.
    PutObjectTagging,
    /// `DELETE /<key>?tagging`.
    DeleteObjectTagging,
    /// `PUT /?versioning`.
    PutBucketVersioning,
    /// `GET /?versioning`.
    GetBucketVersioning,
    /// `GET /?bucketInfo`.
    GetBucketInfo,
}

/// What a request addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The bucket, if any.
    pub bucket: Option<String>,
    /// The object key, decoded; empty for bucket and service requests.
    pub key: String,
}

/// Splits a raw query string into decoded pairs; an empty value means a bare key
/// (`?replication`). `+` decodes to a space, as in form encoding: oss2 sends its query
/// through `requests`, which writes spaces as `+` (and a literal plus as `%2B`).
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k, true), percent_decode(v, true)),
            None => (percent_decode(p, true), String::new()),
        })
        .collect()
}

/// The value of query key `k` (`Some("")` for a bare key).
pub fn query_value<'q>(query: &'q [(String, String)], k: &str) -> Option<&'q str> {
    query
        .iter()
        .find(|(qk, _)| qk == k)
        .map(|(_, v)| v.as_str())
}

/// The host name without a port.
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    host.rsplit_once(':').map_or(host, |(h, _)| h)
}

/// The bucket a virtual-host style `Host` names, if its first label is one `is_bucket` accepts.
pub fn virtual_host_bucket(host: Option<&str>, is_bucket: impl Fn(&str) -> bool) -> Option<String> {
    let name = host_name(host?);
    if name
        .trim_matches(['[', ']'])
        .parse::<std::net::IpAddr>()
        .is_ok()
    {
        return None;
    }
    let (first, rest) = name.split_once('.')?;
    (!rest.is_empty() && is_bucket(first)).then(|| first.to_owned())
}

/// Resolves the target of a raw path: `virtual_bucket` (from the Host) wins, else path style.
pub fn resolve(raw_path: &str, virtual_bucket: Option<String>) -> Target {
    let path = raw_path.strip_prefix('/').unwrap_or(raw_path);
    match virtual_bucket {
        Some(bucket) => Target {
            bucket: Some(bucket),
            key: percent_decode(path, false),
        },
        None => {
            let (bucket, key) = path.split_once('/').unwrap_or((path, ""));
            let bucket = percent_decode(bucket, false);
            Target {
                bucket: (!bucket.is_empty()).then_some(bucket),
                key: percent_decode(key, false),
            }
        }
    }
}

/// Query keys that select an OSS feature the emulator does not implement.
fn unsupported_subresource(query: &[(String, String)]) -> Option<&str> {
    const SERVED: &[&str] = &[
        "replication",
        "replicationLocation",
        "replicationProgress",
        "rtc",
        "comp",
        "location",
        "objectMeta",
        "tagging",
        "versioning",
        "bucketInfo",
        "continuation-token",
        "security-token",
    ];
    query.iter().map(|(k, _)| k.as_str()).find(|k| {
        oss_replication::sign::v1::DEFAULT_SUBRESOURCES.contains(k)
            && !SERVED.contains(k)
            && !k.starts_with("response-")
    })
}

/// Which operation `method` on `target` with `query` is.
pub fn classify(method: &str, target: &Target, query: &[(String, String)]) -> Result<Op, OssError> {
    let has = |k: &str| query_value(query, k).is_some();
    if let Some(sub) = unsupported_subresource(query) {
        return Err(not_implemented(&format!("The ?{sub} sub-resource")));
    }
    let Some(_) = &target.bucket else {
        return match method {
            "GET" => Ok(Op::ListBuckets),
            _ => Err(method_not_allowed(method, "Service")),
        };
    };
    if !target.key.is_empty() {
        if has("tagging") {
            return match method {
                "GET" => Ok(Op::GetObjectTagging),
                "PUT" => Ok(Op::PutObjectTagging),
                "DELETE" => Ok(Op::DeleteObjectTagging),
                _ => Err(method_not_allowed(method, "Tagging")),
            };
        }
        return match method {
            "PUT" => Ok(Op::PutObject),
            "GET" => Ok(Op::GetObject),
            "HEAD" => Ok(Op::HeadObject),
            "DELETE" => Ok(Op::DeleteObject),
            "POST" => Err(not_implemented(
                "POST on an object (AppendObject, RestoreObject, ...)",
            )),
            _ => Err(method_not_allowed(method, "Object")),
        };
    }
    if has("replication") {
        return match (method, query_value(query, "comp")) {
            ("POST", Some("add")) => Ok(Op::PutBucketReplication),
            ("POST", Some("delete")) => Ok(Op::DeleteBucketReplication),
            ("GET", None) => Ok(Op::GetBucketReplication),
            ("POST", other) => Err(OssError::new(
                400,
                "InvalidArgument",
                format!(
                    "comp must be add or delete for POST ?replication, got {}",
                    other.map_or("nothing".to_owned(), |c| format!("\"{c}\""))
                ),
            )
            .with("ArgumentName", "comp")),
            _ => Err(method_not_allowed(method, "Replication")),
        };
    }
    let only = |m: &str, op: Op, resource: &str| {
        if method == m {
            Ok(op)
        } else {
            Err(method_not_allowed(method, resource))
        }
    };
    if has("replicationLocation") {
        return only(
            "GET",
            Op::GetBucketReplicationLocation,
            "ReplicationLocation",
        );
    }
    if has("replicationProgress") {
        return only(
            "GET",
            Op::GetBucketReplicationProgress,
            "ReplicationProgress",
        );
    }
    if has("rtc") {
        return only("PUT", Op::PutBucketRtc, "RTC");
    }
    if has("location") {
        return only("GET", Op::GetBucketLocation, "Location");
    }
    if has("versioning") {
        return match method {
            "PUT" => Ok(Op::PutBucketVersioning),
            "GET" => Ok(Op::GetBucketVersioning),
            _ => Err(method_not_allowed(method, "Versioning")),
        };
    }
    if has("bucketInfo") {
        return only("GET", Op::GetBucketInfo, "BucketInfo");
    }
    if has("tagging") {
        return Err(not_implemented("Bucket tagging (?tagging on a bucket)"));
    }
    match method {
        "GET" => Ok(Op::ListObjects),
        "PUT" => Err(not_implemented(
            "PutBucket (buckets are configured with --bucket)",
        )),
        "DELETE" => Err(not_implemented("DeleteBucket")),
        "POST" => Err(not_implemented("PostObject")),
        _ => Err(method_not_allowed(method, "Bucket")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Vec<(String, String)> {
        parse_query(s)
    }

    #[test]
    fn query_decoding() {
        assert_eq!(
            q("replication&comp=add&rule-id=a%20b+c&&x=&p=%2B"),
            [
                ("replication".into(), String::new()),
                ("comp".into(), "add".into()),
                ("rule-id".into(), "a b c".into()),
                ("x".into(), String::new()),
                ("p".into(), "+".into())
            ]
        );
    }

    #[test]
    fn addressing() {
        let t = resolve("/bkt/a%2Fb/c%20d", None);
        assert_eq!(t.bucket.as_deref(), Some("bkt"));
        assert_eq!(t.key, "a/b/c d");
        assert_eq!(resolve("/bkt/", None).key, "");
        assert_eq!(resolve("/", None).bucket, None);
        let vb = virtual_host_bucket(Some("bkt.oss-cn-hangzhou.aliyuncs.com"), |b| b == "bkt");
        assert_eq!(vb.as_deref(), Some("bkt"));
        assert_eq!(virtual_host_bucket(Some("127.0.0.1:9000"), |_| true), None);
        assert_eq!(
            virtual_host_bucket(Some("bkt.localhost:9000"), |b| b == "bkt").as_deref(),
            Some("bkt")
        );
        assert_eq!(virtual_host_bucket(Some("[::1]:9000"), |_| true), None);
        assert_eq!(virtual_host_bucket(Some("[abc"), |_| true), None);
        assert_eq!(virtual_host_bucket(Some(""), |_| true), None);
        assert_eq!(virtual_host_bucket(Some("a.:1"), |_| true), None);
        let t = resolve("/k/x", vb);
        assert_eq!((t.bucket.as_deref(), t.key.as_str()), (Some("bkt"), "k/x"));
    }

    #[test]
    fn classification() {
        let b = Target {
            bucket: Some("b".into()),
            key: String::new(),
        };
        let o = Target {
            bucket: Some("b".into()),
            key: "k".into(),
        };
        let s = Target {
            bucket: None,
            key: String::new(),
        };
        assert_eq!(
            classify("POST", &b, &q("replication&comp=add")),
            Ok(Op::PutBucketReplication)
        );
        assert_eq!(
            classify("POST", &b, &q("replication=&comp=delete")),
            Ok(Op::DeleteBucketReplication)
        );
        assert_eq!(
            classify("GET", &b, &q("replication")),
            Ok(Op::GetBucketReplication)
        );
        assert_eq!(
            classify("GET", &b, &q("replicationProgress&rule-id=x")),
            Ok(Op::GetBucketReplicationProgress)
        );
        assert_eq!(classify("PUT", &b, &q("rtc")), Ok(Op::PutBucketRtc));
        assert_eq!(
            classify("GET", &b, &q("prefix=a&encoding-type=url")),
            Ok(Op::ListObjects)
        );
        assert_eq!(classify("HEAD", &o, &q("objectMeta")), Ok(Op::HeadObject));
        assert_eq!(classify("GET", &o, &q("tagging")), Ok(Op::GetObjectTagging));
        assert_eq!(classify("PUT", &o, &q("tagging")), Ok(Op::PutObjectTagging));
        assert_eq!(
            classify("DELETE", &o, &q("tagging")),
            Ok(Op::DeleteObjectTagging)
        );
        assert_eq!(
            classify("PUT", &b, &q("versioning")),
            Ok(Op::PutBucketVersioning)
        );
        assert_eq!(
            classify("GET", &b, &q("versioning")),
            Ok(Op::GetBucketVersioning)
        );
        assert_eq!(classify("GET", &b, &q("bucketInfo")), Ok(Op::GetBucketInfo));
        assert_eq!(
            classify("GET", &b, &q("tagging")).unwrap_err().code,
            "NotImplemented"
        );
        assert_eq!(classify("GET", &s, &[]), Ok(Op::ListBuckets));
        assert_eq!(
            classify("GET", &b, &q("acl")).unwrap_err().code,
            "NotImplemented"
        );
        assert_eq!(
            classify("PUT", &b, &q("replication")).unwrap_err().code,
            "MethodNotAllowed"
        );
        assert_eq!(
            classify("POST", &b, &q("replication&comp=x"))
                .unwrap_err()
                .code,
            "InvalidArgument"
        );
    }
}
