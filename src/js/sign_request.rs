//! `signRequest`: the sans-IO signer for callers with their own transport.

use std::cell::RefCell;

use js_sys::{Array, ArrayBuffer, Object, Uint8Array};
use wasm_bindgen::prelude::*;

use super::convert::Reader;
use super::error::to_js;
use crate::credentials::Credentials;
use crate::error::Error;
use crate::sign::SignatureVersion;
use crate::sign::url::{UrlRequest, UrlSigning, sign_url_request};
use crate::sign::v4::UNSIGNED_PAYLOAD;

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

/// The property names `signRequest` reads and writes, as JavaScript strings
/// made once: a read or write by name would send the name's text across the
/// boundary (and decode it) on every call.
struct Names {
    method: JsValue,
    bucket: JsValue,
    url: JsValue,
    headers: JsValue,
    body: JsValue,
    access_key_id: JsValue,
    access_key_secret: JsValue,
    sts_token: JsValue,
    version: JsValue,
    region: JsValue,
    time: JsValue,
    subresources: JsValue,
    additional_headers: JsValue,
    x_oss_date: JsValue,
    x_oss_content_sha256: JsValue,
    x_oss_security_token: JsValue,
    authorization: JsValue,
    unsigned_payload: JsValue,
}

impl Names {
    fn new() -> Self {
        let s = JsValue::from_str;
        Names {
            method: s("method"),
            bucket: s("bucket"),
            url: s("url"),
            headers: s("headers"),
            body: s("body"),
            access_key_id: s("accessKeyId"),
            access_key_secret: s("accessKeySecret"),
            sts_token: s("stsToken"),
            version: s("version"),
            region: s("region"),
            time: s("time"),
            subresources: s("subresources"),
            additional_headers: s("additionalHeaders"),
            x_oss_date: s("x-oss-date"),
            x_oss_content_sha256: s("x-oss-content-sha256"),
            x_oss_security_token: s("x-oss-security-token"),
            authorization: s("authorization"),
            unsigned_payload: s(UNSIGNED_PAYLOAD),
        }
    }

    /// The name of a header `signRequest` adds, when it is one of them.
    fn header(&self, name: &str) -> Option<&JsValue> {
        match name {
            "x-oss-date" => Some(&self.x_oss_date),
            "x-oss-content-sha256" => Some(&self.x_oss_content_sha256),
            "x-oss-security-token" => Some(&self.x_oss_security_token),
            "authorization" => Some(&self.authorization),
            _ => None,
        }
    }
}

thread_local! {
    static SIGNER: RefCell<Option<CachedSigner>> = const { RefCell::new(None) };
    static NAMES: Names = Names::new();
}

#[wasm_bindgen]
extern "C" {
    /// `Reflect.set` with a key made once; only on the object `signRequest` returns.
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    fn set_key(target: &JsValue, key: &JsValue, value: &JsValue) -> bool;
}

/// Whether `a` and `b` are the same JavaScript value (strings by content).
fn same(a: &JsValue, b: &JsValue) -> bool {
    Object::is(a, b)
}

/// The cached signer for these credential values, built (and validated) anew
/// when any of them changed.
fn signer_for(c: &Reader<'_>, n: &Names) -> Result<(), Error> {
    let id = c.raw_key(&n.access_key_id);
    let secret = c.raw_key(&n.access_key_secret);
    let token = c.raw_key(&n.sts_token);
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
    NAMES.with(|n| sign_with(request, credentials, options, n))
}

fn sign_with(
    request: &JsValue,
    credentials: &JsValue,
    options: &JsValue,
    n: &Names,
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
    let method = r.required_string_of("method", &r.raw_key(&n.method))?;
    let bucket = r.string_of("bucket", &r.raw_key(&n.bucket))?;
    let url = r.required_string_of("url", &r.raw_key(&n.url))?;
    let headers = headers_from_js(&r.raw_key(&n.headers))?;
    let body = body_from_js(&r.raw_key(&n.body))?;
    signer_for(&c, n)?;
    let version = SignatureVersion::from_option(
        o.string_of("version", &o.raw_key(&n.version))?.as_deref(),
        "options.version",
    )?;
    let region = o.string_of("region", &o.raw_key(&n.region))?;
    let time = o
        .number_of("time", &o.raw_key(&n.time))?
        .ok_or_else(|| Error::invalid("options.time (epoch milliseconds) is required"))?;
    let subresources = o.opt_strings_of("subresources", &o.raw_key(&n.subresources))?;
    let additional = o
        .opt_strings_of("additionalHeaders", &o.raw_key(&n.additional_headers))?
        .unwrap_or_default();
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
        Ok(headers_to_js(&signed, signer, n))
    })
}

/// The headers to send as a plain object, in order. The names `signRequest`
/// adds and the `UNSIGNED-PAYLOAD` value are strings made once; the token goes
/// back as the caller's own string (it is neither copied out nor decoded).
fn headers_to_js(signed: &[(String, String)], signer: &CachedSigner, n: &Names) -> JsValue {
    let out: JsValue = Object::new().into();
    let token = signer.creds.security_token();
    for (k, v) in signed {
        // A token given as credentials is always a (non-empty) JavaScript string.
        let made;
        let value = if k == "x-oss-security-token" && Some(v.as_str()) == token {
            &signer.token
        } else if v == UNSIGNED_PAYLOAD {
            &n.unsigned_payload
        } else {
            made = JsValue::from_str(v);
            &made
        };
        match n.header(k) {
            Some(name) => set_key(&out, name, value),
            None => set_key(&out, &JsValue::from_str(k), value),
        };
    }
    out
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
