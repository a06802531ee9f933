//! A plain object of header name -> value made in wasm: the headers of a fetch
//! call and `signRequest`'s result. The names every signed request carries have
//! their own imported setter, so their strings never cross the boundary.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `{ [name]: value }`, built by [`HeaderObject::set`].
    pub(super) type HeaderObject;
    #[wasm_bindgen(method, setter)]
    fn set_authorization(this: &HeaderObject, value: &JsValue);
    #[wasm_bindgen(method, setter = "x-oss-date")]
    fn set_x_oss_date(this: &HeaderObject, value: &JsValue);
    #[wasm_bindgen(method, setter = "x-oss-content-sha256")]
    fn set_x_oss_content_sha256(this: &HeaderObject, value: &JsValue);
    #[wasm_bindgen(method, setter = "x-oss-security-token")]
    fn set_x_oss_security_token(this: &HeaderObject, value: &JsValue);
    #[wasm_bindgen(method, indexing_setter)]
    fn set_other(this: &HeaderObject, name: &JsValue, value: &JsValue);
}

impl HeaderObject {
    /// A new, empty object.
    pub(super) fn new() -> HeaderObject {
        js_sys::Object::new().unchecked_into()
    }

    /// `this[name] = value` by assignment; `name_js` gives the JavaScript
    /// string of a name without its own setter.
    pub(super) fn set(&self, name: &str, value: &JsValue, name_js: impl FnOnce() -> JsValue) {
        match name {
            "authorization" => self.set_authorization(value),
            "x-oss-date" => self.set_x_oss_date(value),
            "x-oss-content-sha256" => self.set_x_oss_content_sha256(value),
            "x-oss-security-token" => self.set_x_oss_security_token(value),
            _ => self.set_other(&name_js(), value),
        }
    }
}
