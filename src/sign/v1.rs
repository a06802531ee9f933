//! Signature V1: `Authorization: OSS <AccessKeyId>:<base64(HMAC-SHA1)>`.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::{
    RequestParts, Signed, add_missing, add_security_token, header, picked_headers, sort_small,
};
use crate::credentials::Credentials;
use crate::time::SigningTime;

/// Query keys V1 signs when no per-operation list is given: oss2's sub-resource
/// set plus what it lacks for replication (`rtc`). Keys not listed are sent but
/// not signed, as OSS expects (`rule-id` is deliberately absent).
pub const DEFAULT_SUBRESOURCES: &[&str] = &[
    "accessPoint",
    "accessPointPolicy",
    "acl",
    "append",
    "asyncFetch",
    "bucketArchiveDirectRead",
    "bucketInfo",
    "callback",
    "callback-var",
    "cname",
    "comp",
    "continuation-token",
    "cors",
    "delete",
    "encryption",
    "endTime",
    "group",
    "httpsConfig",
    "inventory",
    "inventoryId",
    "lifecycle",
    "link",
    "live",
    "location",
    "logging",
    "metaQuery",
    "objectInfo",
    "objectMeta",
    "partNumber",
    "policy",
    "position",
    "publicAccessBlock",
    "qos",
    "qosInfo",
    "qosRequester",
    "redundancyTransition",
    "referer",
    "regionList",
    "replication",
    "replicationLocation",
    "replicationProgress",
    "requestPayment",
    "requesterQosInfo",
    "resourceGroup",
    "resourcePool",
    "resourcePoolBuckets",
    "resourcePoolInfo",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "restore",
    "rtc",
    "security-token",
    "sequential",
    "startTime",
    "stat",
    "status",
    "style",
    "styleName",
    "symlink",
    "tagging",
    "transferAcceleration",
    "uploadId",
    "uploads",
    "versionId",
    "versioning",
    "versions",
    "vod",
    "website",
    "worm",
    "wormExtend",
    "wormId",
    "x-oss-ac-forward-allow",
    "x-oss-ac-source-ip",
    "x-oss-ac-subnet-mask",
    "x-oss-ac-vpc-id",
    "x-oss-access-point-name",
    "x-oss-async-process",
    "x-oss-process",
    "x-oss-redundancy-transition-taskid",
    "x-oss-request-payer",
    "x-oss-target-redundancy-type",
    "x-oss-traffic-limit",
    "x-oss-write-get-object-response",
];

/// The canonicalized resource: `/<bucket>/<key>` then `?` and the signed
/// sub-resources present in `query`, sorted, values not encoded.
pub fn canonical_resource(req: &RequestParts<'_>, subresources: &[&str]) -> String {
    let mut out = String::new();
    write_canonical_resource(&mut out, req, subresources);
    out
}

fn write_canonical_resource(out: &mut String, req: &RequestParts<'_>, subresources: &[&str]) {
    out.push('/');
    if let Some(b) = req.bucket {
        out.push_str(b);
        out.push('/');
        out.push_str(req.key);
    }
    let mut signed: Vec<(&str, &str)> = req
        .query
        .iter()
        .filter(|(k, _)| subresources.contains(&k.as_str()))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    sort_small(&mut signed);
    for (i, (k, v)) in signed.into_iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(k);
        if !v.is_empty() {
            out.push('=');
            out.push_str(v);
        }
    }
}

/// The V1 string to sign for `req` as it will be sent (its headers must already
/// hold the date line: `x-oss-date` or `Date`).
pub fn string_to_sign(req: &RequestParts<'_>, subresources: &[&str]) -> String {
    let mut out = String::new();
    write_string_to_sign(&mut out, req, &[], subresources);
    out
}

/// Appends the string to sign for `req` with `added` headers after its own (so
/// the token is not copied into a merged list). Plain pushes: this runs on every
/// signature.
fn write_string_to_sign(
    out: &mut String,
    req: &RequestParts<'_>,
    added: &[(String, String)],
    subresources: &[&str],
) {
    let h = req.headers;
    let find = |name: &str| header(h, name).or_else(|| header(added, name));
    let date = find("x-oss-date").or_else(|| find("date")).unwrap_or("");
    out.push_str(req.method);
    out.push('\n');
    out.push_str(find("content-md5").unwrap_or(""));
    out.push('\n');
    out.push_str(find("content-type").unwrap_or(""));
    out.push('\n');
    out.push_str(date);
    out.push('\n');
    for (k, v) in &picked_headers(h, added, |k| k.starts_with("x-oss-")) {
        out.push_str(k);
        out.push(':');
        out.push_str(v);
        out.push('\n');
    }
    write_canonical_resource(out, req, subresources);
}

/// `base64(HMAC-SHA1(secret, string_to_sign))`.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    let mut mac =
        Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Signs with V1. Adds `x-oss-date` (RFC 1123) unless the request already has
/// `x-oss-date` or `Date`, and `x-oss-security-token` for STS credentials.
pub fn sign(
    req: &RequestParts<'_>,
    creds: &Credentials,
    time: SigningTime,
    subresources: Option<&[&str]>,
) -> Signed {
    let mut added = Vec::with_capacity(3);
    // A given `Date` is the date line (oss2); otherwise `x-oss-date`, which browsers may send.
    if header(req.headers, "date").is_none() {
        add_missing(req.headers, &mut added, "x-oss-date", || time.to_rfc1123());
    }
    add_security_token(req.headers, &mut added, creds);
    let token_len = creds.security_token().map_or(0, str::len);
    let mut sts = String::with_capacity(256 + token_len);
    write_string_to_sign(
        &mut sts,
        req,
        &added,
        subresources.unwrap_or(DEFAULT_SUBRESOURCES),
    );
    let mut mac = creds.v1_mac();
    mac.update(sts.as_bytes());
    let mut authorization = String::with_capacity(64);
    authorization.push_str("OSS ");
    authorization.push_str(creds.access_key_id());
    authorization.push(':');
    base64::engine::general_purpose::STANDARD
        .encode_string(mac.finalize().into_bytes(), &mut authorization);
    added.push(("authorization".to_owned(), authorization));
    Signed {
        headers: added,
        canonical_request: None,
        string_to_sign: sts,
    }
}
