//! `signRequest`: the sans-IO signer for callers with their own transport.

use std::cell::RefCell;

use js_sys::{Array, ArrayBuffer, Object, Uint8Array};
use wasm_bindgen::prelude::*;

use super::convert::{IntoJs, JsonObject, Reader, reflect_set};
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

/// The signer `signRequest` keeps between calls: the credentials it was given
/// (as the JavaScript strings, compared with `Object.is`, so unchanged
/// credentials are neither copied into wasm nor validated again) and the
/// [`Credentials`] built from them, which hold the keyed HMAC states. One entry:
/// other credentials replace it, and the old keys drop with it.
struct CachedSigner {
    id: JsValue,
    secret: JsValue,
    token: JsValue,
    creds: Credentials,
}

thread_local! {
    static SIGNER: RefCell<Option<CachedSigner>> = const { RefCell::new(None) };
}

/// Whether `a` and `b` are the same JavaScript value (strings by content).
fn same(a: &JsValue, b: &JsValue) -> bool {
    Object::is(a, b)
}

/// The cached signer for these credential values, built (and validated) anew
/// when any of them changed.
fn signer_for(c: &Reader<'_>) -> Result<(), Error> {
    let id = c.raw("accessKeyId");
    let secret = c.raw("accessKeySecret");
    let token = c.raw("stsToken");
    let hit = SIGNER.with(|s| {
        s.borrow()
            .as_ref()
            .is_some_and(|k| same(&k.id, &id) && same(&k.secret, &secret) && same(&k.token, &token))
    });
    if hit {
        return Ok(());
    }
    let creds = Credentials::new(
        c.required_string_of("accessKeyId", &id)?,
        c.required_string_of("accessKeySecret", &secret)?,
        c.string_of("stsToken", &token)?,
    )?;
    SIGNER.with(|s| {
        *s.borrow_mut() = Some(CachedSigner {
            id,
            secret,
            token,
            creds,
        });
    });
    Ok(())
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
    signer_for(&c)?;
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
    SIGNER.with(|s| {
        let cached = s.borrow();
        let Some(signer) = cached.as_ref() else {
            return Err(Error::invalid("credentials are required"));
        };
        let signed = sign_url_request(
            &UrlRequest {
                method: &method,
                bucket: bucket.as_deref(),
                url: &url,
                headers: &headers,
                body: body.as_deref(),
            },
            &signer.creds,
            &UrlSigning {
                version,
                region: region.as_deref(),
                time_ms: time,
                subresources: subresource_refs.as_deref(),
                additional_headers: &additional_refs,
            },
        )?;
        // The token goes back as the JavaScript string it came as: a placeholder
        // keeps its place in the object, so it is neither copied out nor escaped.
        let token = signer.creds.security_token();
        let mut out = JsonObject::new();
        let mut token_slot = false;
        for (k, v) in &signed {
            if k == "x-oss-security-token" && Some(v.as_str()) == token && signer.token.is_string()
            {
                out.opt_bool(k, Some(false));
                token_slot = true;
            } else {
                out.str(k, v);
            }
        }
        let js = out.into_js();
        if token_slot {
            reflect_set(&js, "x-oss-security-token", &signer.token);
        }
        Ok(js)
    })
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
