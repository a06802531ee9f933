//! Signature V4: `OSS4-HMAC-SHA256` over a canonical request.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::encode::{hex, uri_encode};
use super::{
    RequestParts, Signed, SigningParams, add_missing, add_security_token, canonical_headers,
    header, sort_pairs, with_added,
};
use crate::credentials::Credentials;

/// The algorithm name that starts the string to sign and the Authorization header.
pub const ALGORITHM: &str = "OSS4-HMAC-SHA256";
/// The payload hash OSS accepts without hashing the body.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// `/<bucket>/<key>` URI-encoded with `/` kept (`/` alone without a bucket).
pub fn canonical_uri(req: &RequestParts<'_>) -> String {
    match req.bucket {
        Some(b) => uri_encode(&format!("/{b}/{}", req.key), true),
        None => uri_encode(&format!("/{}", req.key), true),
    }
}

/// Every query parameter, key and value encoded, sorted, `k=v` or bare `k`.
pub fn canonical_query(query: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (uri_encode(k, false), uri_encode(v, false)))
        .collect();
    sort_pairs(&mut encoded);
    let mut out = String::new();
    for (i, (k, v)) in encoded.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        if !v.is_empty() {
            out.push('=');
            out.push_str(v);
        }
    }
    out
}

fn is_default_signed(name: &str) -> bool {
    name == "content-type" || name == "content-md5" || name.starts_with("x-oss-")
}

/// The additional header names that take effect, as the Go SDK v2 computes them:
/// lowercased, sorted, de-duplicated, without names signed anyway (`x-oss-*`,
/// `content-type`, `content-md5`) and without names the request does not carry.
pub fn effective_additional_headers(
    headers: &[(String, String)],
    additional: &[&str],
) -> Vec<String> {
    let mut names: Vec<(String, String)> = additional
        .iter()
        .map(|n| (n.trim().to_ascii_lowercase(), String::new()))
        .filter(|(n, _)| !is_default_signed(n) && header(headers, n).is_some())
        .collect();
    sort_pairs(&mut names);
    names.dedup();
    names.into_iter().map(|(n, _)| n).collect()
}

/// The canonical request for `req` as it will be sent (its headers must already
/// hold `x-oss-date` and `x-oss-content-sha256`).
pub fn canonical_request(req: &RequestParts<'_>, additional: &[&str]) -> String {
    let extra = effective_additional_headers(req.headers, additional);
    let mut out = format!(
        "{}\n{}\n{}\n",
        req.method,
        canonical_uri(req),
        canonical_query(req.query)
    );
    for (k, v) in canonical_headers(req.headers, |k| {
        is_default_signed(k) || extra.iter().any(|e| e == k)
    }) {
        out.push_str(&k);
        out.push(':');
        out.push_str(&v);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&extra.join(";"));
    out.push('\n');
    out.push_str(header(req.headers, "x-oss-content-sha256").unwrap_or(UNSIGNED_PAYLOAD));
    out
}

/// `<date>/<region>/oss/aliyun_v4_request`.
pub fn scope(date_stamp: &str, region: &str) -> String {
    format!("{date_stamp}/{region}/oss/aliyun_v4_request")
}

/// `OSS4-HMAC-SHA256\n<x-oss-date>\n<scope>\n<hex sha256(canonical request)>`.
pub fn string_to_sign(iso_time: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{iso_time}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    )
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The derived key: HMAC chain over `aliyun_v4<secret>`, date, region, `oss`, `aliyun_v4_request`.
pub fn signing_key(secret: &str, date_stamp: &str, region: &str) -> [u8; 32] {
    let k = hmac(
        format!("aliyun_v4{secret}").as_bytes(),
        date_stamp.as_bytes(),
    );
    let k = hmac(&k, region.as_bytes());
    let k = hmac(&k, b"oss");
    hmac(&k, b"aliyun_v4_request")
}

/// `hex(HMAC-SHA256(key, string_to_sign))`.
pub fn signature(key: &[u8; 32], string_to_sign: &str) -> String {
    hex(&hmac(key, string_to_sign.as_bytes()))
}

/// Signs with V4. Adds `x-oss-date` (ISO 8601 basic) and `x-oss-content-sha256`
/// unless present, and `x-oss-security-token` for STS credentials.
pub fn sign(req: &RequestParts<'_>, creds: &Credentials, params: &SigningParams<'_>) -> Signed {
    let iso = match header(req.headers, "x-oss-date") {
        Some(d) => d.trim().to_owned(),
        None => params.time.to_iso8601_basic(),
    };
    let mut added = Vec::with_capacity(4);
    add_missing(req.headers, &mut added, "x-oss-date", || iso.clone());
    add_missing(req.headers, &mut added, "x-oss-content-sha256", || {
        UNSIGNED_PAYLOAD.to_owned()
    });
    add_security_token(req.headers, &mut added, creds);
    let all = with_added(req.headers, &added);
    let parts = RequestParts {
        headers: &all,
        ..*req
    };
    let canonical = canonical_request(&parts, params.additional_headers);
    let date = iso.get(..8).unwrap_or_default();
    let scope = scope(date, params.region);
    let sts = string_to_sign(&iso, &scope, &canonical);
    let sig = signature(&creds.v4_signing_key(date, params.region), &sts);
    let additional = effective_additional_headers(&all, params.additional_headers).join(";");
    let authorization = if additional.is_empty() {
        format!(
            "{ALGORITHM} Credential={}/{scope},Signature={sig}",
            creds.access_key_id()
        )
    } else {
        format!(
            "{ALGORITHM} Credential={}/{scope},AdditionalHeaders={additional},Signature={sig}",
            creds.access_key_id()
        )
    };
    added.push(("authorization".to_owned(), authorization));
    Signed {
        headers: added,
        canonical_request: Some(canonical),
        string_to_sign: sts,
    }
}
