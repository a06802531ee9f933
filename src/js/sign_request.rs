//! `signRequest`: the sans-IO signer for callers with their own transport.

use js_sys::{Array, ArrayBuffer, Object, Uint8Array};
use wasm_bindgen::prelude::*;

use super::convert::{IntoJs, JsonObject, Reader};
use super::error::to_js;
use crate::credentials::Credentials;
use crate::error::Error;
use crate::sign::SignatureVersion;
use crate::sign::url::{UrlRequest, UrlSigning, sign_url_request};

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

/// `request.body`: a string (UTF-8) or bytes (`Uint8Array`, `ArrayBuffer`).
fn body_from_js(value: &JsValue) -> Result<Option<Vec<u8>>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if let Some(s) = value.as_string() {
        return Ok(Some(s.into_bytes()));
    }
    // `isView` reads an internal slot, so views from another realm count too.
    if ArrayBuffer::is_view(value) {
        let get = |k: &str| js_sys::Reflect::get(value, &k.into()).unwrap_or_default();
        let bytes = Uint8Array::new_with_byte_offset_and_length(
            &get("buffer"),
            get("byteOffset").as_f64().unwrap_or(0.0) as u32,
            get("byteLength").as_f64().unwrap_or(0.0) as u32,
        );
        return Ok(Some(bytes.to_vec()));
    }
    if value.is_instance_of::<ArrayBuffer>() {
        return Ok(Some(Uint8Array::new(value).to_vec()));
    }
    Err(Error::invalid(
        "request.body must be a string, a Uint8Array or an ArrayBuffer",
    ))
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
    let method = r.required_string("method")?;
    let bucket = r.string("bucket")?;
    let url = r.required_string("url")?;
    let headers = headers_from_js(&r.raw("headers"))?;
    let body = body_from_js(&r.raw("body"))?;
    let creds = Credentials::new(
        c.required_string("accessKeyId")?,
        c.required_string("accessKeySecret")?,
        c.string("stsToken")?,
    )?;
    let version =
        SignatureVersion::from_option(o.string("version")?.as_deref(), "options.version")?;
    let region = o.string("region")?;
    let time = o
        .number("time")?
        .ok_or_else(|| Error::invalid("options.time (epoch milliseconds) is required"))?;
    let subresources = o.opt_strings("subresources")?;
    let additional = o.strings("additionalHeaders")?;
    r.finish()?;
    c.finish()?;
    o.finish()?;
    let subresource_refs: Option<Vec<&str>> = subresources
        .as_ref()
        .map(|s| s.iter().map(String::as_str).collect());
    let additional_refs: Vec<&str> = additional.iter().map(String::as_str).collect();
    let signed = sign_url_request(
        &UrlRequest {
            method: &method,
            bucket: bucket.as_deref(),
            url: &url,
            headers: &headers,
            body: body.as_deref(),
        },
        &creds,
        &UrlSigning {
            version,
            region: region.as_deref(),
            time_ms: time,
            subresources: subresource_refs.as_deref(),
            additional_headers: &additional_refs,
        },
    )?;
    let mut out = JsonObject::new();
    for (k, v) in &signed {
        out.str(k, v);
    }
    Ok(out.into_js())
}

/// Signs a request without sending it: returns every header to send (the given
/// ones plus `content-md5` for a body given without one, `x-oss-date`,
/// `x-oss-content-sha256` for v4, `x-oss-security-token` for STS, and
/// `authorization`).
#[wasm_bindgen(js_name = signRequest)]
pub fn sign_request(
    request: JsValue,
    credentials: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    sign_impl(&request, &credentials, &options).map_err(|e| to_js(&e))
}
