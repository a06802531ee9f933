//! `signRequest`: the sans-IO signer for callers with their own transport.

use std::cell::RefCell;

use js_sys::{Array, ArrayBuffer, Object, Uint8Array};
use wasm_bindgen::prelude::*;

use super::convert::Reader;
use super::error::to_js;
use super::header_object::HeaderObject;
use crate::credentials::Credentials;
use crate::error::Error;
use crate::sign::SignatureVersion;
use crate::sign::url::{UrlRequest, UrlSigning, sign_url_request};
use crate::sign::v4::UNSIGNED_PAYLOAD;

fn headers_from_js(value: Option<JsValue>) -> Result<Vec<(String, String)>, Error> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let value = &value;
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
fn body_from_js(value: Option<JsValue>) -> Result<Option<Vec<u8>>, Error> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let value = &value;
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

#[wasm_bindgen]
extern "C" {
    /// The objects `signRequest` reads, accessed through one imported getter
    /// per property (`obj.method` in the glue): no property name crosses the
    /// boundary, and each access site keeps its own inline cache. (The result
    /// is a [`HeaderObject`].)
    type Props;

    #[wasm_bindgen(method, getter)]
    fn method(this: &Props) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn bucket(this: &Props) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn url(this: &Props) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn headers(this: &Props) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn body(this: &Props) -> JsValue;
    #[wasm_bindgen(method, getter = accessKeyId)]
    fn access_key_id(this: &Props) -> JsValue;
    #[wasm_bindgen(method, getter = accessKeySecret)]
    fn access_key_secret(this: &Props) -> JsValue;
    #[wasm_bindgen(method, getter = stsToken)]
    fn sts_token(this: &Props) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn version(this: &Props) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn region(this: &Props) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn time(this: &Props) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn subresources(this: &Props) -> JsValue;
    #[wasm_bindgen(method, getter = additionalHeaders)]
    fn additional_headers(this: &Props) -> JsValue;
}

/// `obj.<name>` as a plain function, for [`Reader::raw_with`].
macro_rules! getter {
    ($name:ident) => {
        |v: &JsValue| v.unchecked_ref::<Props>().$name()
    };
}

thread_local! {
    static SIGNER: RefCell<Option<CachedSigner>> = const { RefCell::new(None) };
    /// `UNSIGNED-PAYLOAD` as a JavaScript string, made once.
    static UNSIGNED: JsValue = JsValue::from_str(UNSIGNED_PAYLOAD);
}

/// Whether `a` and `b` are the same JavaScript value (strings by content).
fn same(a: &JsValue, b: &JsValue) -> bool {
    Object::is(a, b)
}

/// The cached signer for these credential values, built (and validated) anew
/// when any of them changed.
fn signer_for(c: &Reader<'_>) -> Result<(), Error> {
    let id = c.raw_with(getter!(access_key_id));
    let secret = c.raw_with(getter!(access_key_secret));
    let token = c.raw_with(getter!(sts_token));
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
    let method = r.required_string_with("method", getter!(method))?;
    let bucket = r.string_with("bucket", getter!(bucket))?;
    let url = r.required_string_with("url", getter!(url))?;
    let headers = headers_from_js(r.defined_with(getter!(headers)))?;
    let body = body_from_js(r.defined_with(getter!(body)))?;
    signer_for(&c)?;
    let version = SignatureVersion::from_option(
        o.string_with("version", getter!(version))?.as_deref(),
        "options.version",
    )?;
    let region = o.string_with("region", getter!(region))?;
    let time = o
        .number_with("time", getter!(time))?
        .ok_or_else(|| Error::invalid("options.time (epoch milliseconds) is required"))?;
    let subresources = match o.defined_with(getter!(subresources)) {
        Some(v) => o.opt_strings_of("subresources", &v)?,
        None => None,
    };
    let additional = match o.defined_with(getter!(additional_headers)) {
        Some(v) => o.opt_strings_of("additionalHeaders", &v)?,
        None => None,
    }
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
        Ok(headers_to_js(&signed, headers.len(), signer))
    })
}

/// The headers to send as a plain object, in order: `signed` starts with the
/// caller's `given` headers, then what signing added. The token goes back as
/// the caller's own string (neither copied out nor decoded) and
/// `UNSIGNED-PAYLOAD` as a string made once.
fn headers_to_js(signed: &[(String, String)], given: usize, signer: &CachedSigner) -> JsValue {
    // Only signing adds a header after the given ones, and the token it adds is
    // the credentials' one, a non-empty JavaScript string.
    let value = |i: usize, k: &str, v: &str| {
        if i >= given && k == "x-oss-security-token" {
            signer.token.clone()
        } else if v == UNSIGNED_PAYLOAD {
            UNSIGNED.with(JsValue::clone)
        } else {
            JsValue::from_str(v)
        }
    };
    if given > 0 {
        // Names chosen by the caller are defined as own properties, as a
        // literal would (`__proto__` too, which an assignment would not define).
        let entries = Array::new();
        for (i, (k, v)) in signed.iter().enumerate() {
            entries.push(&Array::of2(&JsValue::from_str(k), &value(i, k, v)));
        }
        return Object::from_entries(&entries).map_or(JsValue::UNDEFINED, Into::into);
    }
    let out = HeaderObject::new();
    for (i, (k, v)) in signed.iter().enumerate() {
        out.set(k, &value(i, k, v), || JsValue::from_str(k));
    }
    out.into()
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
