//! Errors become `OssError` only here, at the boundary.

use std::cell::RefCell;

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;

use crate::error::Error;

thread_local! {
    static OSS_ERROR_CLASS: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Registers the package's `OssError` class (the entry module calls this once)
/// so thrown errors are `instanceof OssError` as well as `instanceof Error`.
#[wasm_bindgen(js_name = "__setOssErrorClass")]
pub fn set_oss_error_class(class: Function) {
    OSS_ERROR_CLASS.with(|c| *c.borrow_mut() = Some(class));
}

fn set(obj: &JsValue, key: &str, value: JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value);
}

fn opt(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::UNDEFINED, JsValue::from_str)
}

/// The JavaScript `OssError` for `err`: message, `code`, `status` (-1 when no
/// HTTP answer, as in ali-oss), `requestId`, `hostId`, `ec`, `recommendDoc`, `retryable`.
pub(crate) fn to_js(err: &Error) -> JsValue {
    let message = JsValue::from_str(err.message());
    let class = OSS_ERROR_CLASS.with(|c| c.borrow().clone());
    let obj: JsValue = match class {
        Some(class) => Reflect::construct(&class, &js_sys::Array::of1(&message))
            .unwrap_or_else(|_| js_sys::Error::new(err.message()).into()),
        None => js_sys::Error::new(err.message()).into(),
    };
    set(&obj, "name", "OssError".into());
    set(&obj, "code", err.code().into());
    set(
        &obj,
        "status",
        f64::from(err.status().map_or(-1, i32::from)).into(),
    );
    let details = err.service_details();
    set(&obj, "requestId", opt(err.request_id()));
    set(
        &obj,
        "hostId",
        opt(details.and_then(|d| d.host_id.as_deref())),
    );
    set(&obj, "ec", opt(details.and_then(|d| d.ec.as_deref())));
    set(
        &obj,
        "recommendDoc",
        opt(details.and_then(|d| d.recommend_doc.as_deref())),
    );
    if let Some(sts) = details.and_then(|d| d.string_to_sign.as_ref()) {
        set(&obj, "serverStringToSign", sts.as_str().into());
    }
    if let Some(field) = err.field() {
        set(&obj, "field", field.into());
    }
    set(&obj, "retryable", err.is_retryable().into());
    obj
}

/// A message from whatever JavaScript threw (an `Error`'s message, or the value as text).
pub(crate) fn js_message(value: &JsValue) -> String {
    if let Some(s) = value.as_string() {
        return s;
    }
    Reflect::get(value, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| String::from("unknown JavaScript error"))
}
