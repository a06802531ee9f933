//! Signature V4: `OSS4-HMAC-SHA256` over a canonical request.

use std::borrow::Cow;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::encode::{hex, hex_into, uri_encode_into, uri_encoded};
use super::{
    RequestParts, Signed, SigningParams, add_missing, add_security_token, header, picked_headers,
    sort_small,
};
use crate::credentials::Credentials;

/// The algorithm name that starts the string to sign and the Authorization header.
pub const ALGORITHM: &str = "OSS4-HMAC-SHA256";
/// The payload hash OSS accepts without hashing the body.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// `/<bucket>/<key>` URI-encoded with `/` kept (`/` alone without a bucket).
pub fn canonical_uri(req: &RequestParts<'_>) -> String {
    let mut out = String::new();
    write_canonical_uri(&mut out, req);
    out
}

fn write_canonical_uri(out: &mut String, req: &RequestParts<'_>) {
    out.push('/');
    if let Some(b) = req.bucket {
        uri_encode_into(out, b, true);
        out.push('/');
    }
    uri_encode_into(out, req.key, true);
}

/// Every query parameter, key and value encoded, sorted, `k=v` or bare `k`.
pub fn canonical_query(query: &[(String, String)]) -> String {
    let mut out = String::new();
    write_canonical_query(&mut out, query);
    out
}

fn write_canonical_query(out: &mut String, query: &[(String, String)]) {
    let mut encoded: Vec<(Cow<'_, str>, Cow<'_, str>)> = query
        .iter()
        .map(|(k, v)| (uri_encoded(k, false), uri_encoded(v, false)))
        .collect();
    sort_small(&mut encoded);
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
    sort_small(&mut names);
    names.dedup();
    names.into_iter().map(|(n, _)| n).collect()
}

/// The canonical request for `req` as it will be sent (its headers must already
/// hold `x-oss-date` and `x-oss-content-sha256`).
pub fn canonical_request(req: &RequestParts<'_>, additional: &[&str]) -> String {
    let extra = effective_additional_headers(req.headers, additional);
    let mut out = String::new();
    write_canonical_request(&mut out, req, &[], &extra);
    out
}

/// Appends the canonical request for `req` with `added` headers after its own
/// (so the token is not copied into a merged list), `extra` the effective
/// additional header names. Plain loops: this runs on every signature.
fn write_canonical_request(
    out: &mut String,
    req: &RequestParts<'_>,
    added: &[(String, String)],
    extra: &[String],
) {
    out.push_str(req.method);
    out.push('\n');
    write_canonical_uri(out, req);
    out.push('\n');
    write_canonical_query(out, req.query);
    out.push('\n');
    let picked = picked_headers(req.headers, added, |k| {
        is_default_signed(k) || extra.iter().any(|e| e == k)
    });
    for (k, v) in &picked {
        out.push_str(k);
        out.push(':');
        out.push_str(v);
        out.push('\n');
    }
    out.push('\n');
    push_joined(out, extra);
    out.push('\n');
    let payload = header(req.headers, "x-oss-content-sha256")
        .or_else(|| header(added, "x-oss-content-sha256"));
    out.push_str(payload.unwrap_or(UNSIGNED_PAYLOAD));
}

fn push_joined(out: &mut String, names: &[String]) {
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(n);
    }
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
    let given_date = header(req.headers, "x-oss-date");
    let iso = match given_date {
        Some(d) => d.trim().to_owned(),
        None => params.time.to_iso8601_basic(),
    };
    let mut added = Vec::with_capacity(4);
    if given_date.is_none() {
        added.push(("x-oss-date".to_owned(), iso.clone()));
    }
    add_missing(req.headers, &mut added, "x-oss-content-sha256", || {
        UNSIGNED_PAYLOAD.to_owned()
    });
    add_security_token(req.headers, &mut added, creds);
    // Added headers are all `x-oss-*`, never additional ones: the given headers decide.
    let extra = effective_additional_headers(req.headers, params.additional_headers);
    let token_len = creds.security_token().map_or(0, str::len);
    let mut canonical = String::with_capacity(320 + token_len);
    write_canonical_request(&mut canonical, req, &added, &extra);
    let date = iso.get(..8).unwrap_or_default();
    let mut scope = String::with_capacity(48);
    scope.push_str(date);
    scope.push('/');
    scope.push_str(params.region);
    scope.push_str("/oss/aliyun_v4_request");
    let mut sts = String::with_capacity(128);
    sts.push_str(ALGORITHM);
    sts.push('\n');
    sts.push_str(&iso);
    sts.push('\n');
    sts.push_str(&scope);
    sts.push('\n');
    hex_into(&mut sts, &Sha256::digest(canonical.as_bytes()));
    let mut mac = creds.v4_mac(date, params.region);
    mac.update(sts.as_bytes());
    let mut authorization = String::with_capacity(192);
    authorization.push_str(ALGORITHM);
    authorization.push_str(" Credential=");
    authorization.push_str(creds.access_key_id());
    authorization.push('/');
    authorization.push_str(&scope);
    if !extra.is_empty() {
        authorization.push_str(",AdditionalHeaders=");
        push_joined(&mut authorization, &extra);
    }
    authorization.push_str(",Signature=");
    hex_into(&mut authorization, &mac.finalize().into_bytes());
    added.push(("authorization".to_owned(), authorization));
    Signed {
        headers: added,
        canonical_request: Some(canonical),
        string_to_sign: sts,
    }
}
