//! `signRequest`: the sans-IO signer for callers with their own transport.

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use super::convert::{JsonObject, Reader};
use super::error::to_js;
use crate::credentials::Credentials;
use crate::endpoint::Region;
use crate::error::Error;
use crate::sign::encode::percent_decode;
use crate::sign::{self, RequestParts, SignatureVersion, SigningParams};
use crate::time::SigningTime;

/// The parts of a URL a signature needs.
struct SplitUrl {
    /// Lowercase host[:port].
    host: String,
    /// Decoded path.
    path: String,
    /// Decoded query pairs.
    query: Vec<(String, String)>,
}

/// Splits an absolute http(s) URL.
fn split_url(url: &str) -> Result<SplitUrl, Error> {
    let bad = || Error::invalid("request.url must be an absolute http(s) URL");
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(bad());
    }
    let rest = rest.split('#').next().unwrap_or_default();
    let (authority, path_query) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.is_empty() {
        return Err(bad());
    }
    let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
    let path = if path.is_empty() { "/" } else { path };
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k, false), percent_decode(v, false))
        })
        .collect();
    Ok(SplitUrl {
        host: authority.to_ascii_lowercase(),
        path: percent_decode(path, false),
        query: pairs,
    })
}

/// The object key within `path`: after `/<bucket>/` in path style, else after `/`.
fn object_key<'p>(host: &str, path: &'p str, bucket: &str) -> &'p str {
    let virtual_hosted = host.starts_with(&format!("{bucket}."));
    let path_style = path
        .strip_prefix('/')
        .and_then(|p| p.strip_prefix(bucket))
        .filter(|r| r.is_empty() || r.starts_with('/'));
    match path_style {
        Some(rest) if !virtual_hosted => rest.strip_prefix('/').unwrap_or(rest),
        _ => path.strip_prefix('/').unwrap_or(path),
    }
}

fn headers_from_js(value: &JsValue) -> Result<Vec<(String, String)>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    if !value.is_object() {
        return Err(Error::invalid(
            "request.headers must be an object of strings",
        ));
    }
    Object::entries(value.unchecked_ref::<Object>())
        .iter()
        .map(|pair| {
            let pair = Array::from(&pair);
            let k = pair.get(0).as_string().unwrap_or_default();
            let v = pair.get(1).as_string().ok_or_else(|| {
                Error::invalid(format!("request.headers[\"{k}\"] must be a string"))
            })?;
            Ok((k, v))
        })
        .collect()
}

fn sign_impl(
    request: &JsValue,
    credentials: &JsValue,
    options: &JsValue,
) -> Result<JsValue, Error> {
    let r = Reader::new(
        request,
        "request",
        &["method", "bucket", "url", "headers", "body"],
    )?;
    let c = Reader::new(
        credentials,
        "credentials",
        &["accessKeyId", "accessKeySecret", "stsToken"],
    )?;
    let o = Reader::new(
        options,
        "options",
        &[
            "version",
            "region",
            "time",
            "subresources",
            "additionalHeaders",
        ],
    )?;
    let method = r.required_string("method")?.to_ascii_uppercase();
    let bucket = r.string("bucket")?;
    let SplitUrl { host, path, query } = split_url(&r.required_string("url")?)?;
    let headers = headers_from_js(&r.raw("headers"))?;
    let creds = Credentials::new(
        c.required_string("accessKeyId")?,
        c.required_string("accessKeySecret")?,
        c.string("stsToken")?,
    )?;
    let version = match o.string("version")?.as_deref() {
        None | Some("v4") => SignatureVersion::V4,
        Some("v1") => SignatureVersion::V1,
        Some(_) => return Err(Error::invalid("options.version must be 'v4' or 'v1'")),
    };
    let region = match (version, o.string("region")?) {
        (_, Some(r)) => Some(Region::new(&r).map_err(|e| e.context("options.region"))?),
        (SignatureVersion::V4, None) => {
            return Err(Error::invalid("options.region is required for v4"));
        }
        (SignatureVersion::V1, None) => None,
    };
    let time = o
        .number("time")?
        .ok_or_else(|| Error::invalid("options.time (epoch milliseconds) is required"))?;
    let subresources = o.opt_strings("subresources")?;
    let subresource_refs: Option<Vec<&str>> = subresources
        .as_ref()
        .map(|s| s.iter().map(String::as_str).collect());
    let additional = o.strings("additionalHeaders")?;
    r.finish()?;
    c.finish()?;
    o.finish()?;
    let additional_refs: Vec<&str> = additional.iter().map(String::as_str).collect();
    let key = match &bucket {
        Some(b) => object_key(&host, &path, b).to_owned(),
        None => path.strip_prefix('/').unwrap_or(&path).to_owned(),
    };
    let parts = RequestParts {
        method: &method,
        bucket: bucket.as_deref(),
        key: &key,
        query: &query,
        headers: &headers,
    };
    let signed = sign::sign(
        &parts,
        &creds,
        &SigningParams {
            version,
            region: region.as_ref().map_or("", Region::id),
            time: SigningTime::from_epoch_millis(time),
            subresources: subresource_refs.as_deref(),
            additional_headers: &additional_refs,
        },
    );
    let mut out = JsonObject::new();
    for (k, v) in headers.iter().chain(signed.headers.iter()) {
        out.str(k, v);
    }
    Ok(out.into_js())
}

/// Signs a request without sending it: returns every header to send (the given
/// ones plus `x-oss-date`, `x-oss-content-sha256` for v4, `x-oss-security-token`
/// for STS, and `authorization`).
#[wasm_bindgen(js_name = signRequest)]
pub fn sign_request(
    request: JsValue,
    credentials: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    sign_impl(&request, &credentials, &options).map_err(|e| to_js(&e))
}
