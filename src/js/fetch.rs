//! The fetch transport: the only code that performs I/O. `fetch` comes from the
//! caller's option or the global object (never `window`), so the same build runs
//! in browsers, Web Workers, Cloudflare Workers, Node and Deno.

use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::error::js_message;
use crate::answer::{BodyLimit, BodyPlan, headers_to_read};
use crate::client::{HttpRequest, HttpResponse, LocalFuture, Transport};
use crate::credentials::{AnswerValue, Credentials};
use crate::error::{Error, ErrorKind};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
    #[wasm_bindgen(js_name = AbortController)]
    type AbortController;
    #[wasm_bindgen(constructor, js_class = "AbortController")]
    fn new() -> AbortController;
    #[wasm_bindgen(method, getter)]
    fn signal(this: &AbortController) -> JsValue;
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Calls method `name` of `obj` with `args`.
fn call(obj: &JsValue, name: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = get(obj, name)
        .dyn_into()
        .map_err(|_| JsValue::from_str(&format!("{name} is not a function")))?;
    match args {
        [] => f.call0(obj),
        [a] => f.call1(obj, a),
        [a, b] => f.call2(obj, a, b),
        _ => Err(JsValue::from_str("too many arguments")),
    }
}

/// Awaits `value` as JavaScript's `await` does: any thenable, from any realm.
/// (`instanceof Promise` is false for a promise made in another realm: Jest's
/// environment, an iframe, a `vm` context.) `Promise.resolve` of this realm
/// adopts it; a plain value resolves to itself.
async fn await_value(value: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(Promise::resolve(&value)).await
}

/// Response header `name` from a `Headers` (or anything with `get`), else from a
/// plain object of headers (a Response-like object from a custom fetch).
fn response_header(headers: &JsValue, name: &str) -> Option<String> {
    if headers.is_undefined() || headers.is_null() {
        return None;
    }
    if get(headers, "get").is_function() {
        return call(headers, "get", &[&JsValue::from_str(name)])
            .ok()?
            .as_string();
    }
    let entries = js_sys::Object::entries(headers.unchecked_ref());
    entries.iter().find_map(|pair| {
        let pair = js_sys::Array::from(&pair);
        let key = pair.get(0).as_string()?;
        key.eq_ignore_ascii_case(name)
            .then(|| pair.get(1).as_string())
            .flatten()
    })
}

/// Settings and callbacks of one `ReplicationClient`.
pub(crate) struct FetchTransport {
    /// `fetch` from the options, if given; else the global one at call time.
    pub(crate) fetch: Option<Function>,
    /// Per-attempt timeout in ms (`timeout` option).
    pub(crate) timeout_ms: f64,
    /// Largest response body accepted.
    pub(crate) max_response_bytes: usize,
    /// ali-oss style `refreshSTSToken`.
    pub(crate) refresh: Option<Function>,
    /// Whether this runs in a browser (where a failed fetch may be CORS).
    pub(crate) in_browser: bool,
}

/// `navigator.userAgent`, if the runtime has one: the fact the core decides
/// "is this a browser" from.
pub(crate) fn user_agent() -> Option<String> {
    let navigator = get(&js_sys::global(), "navigator");
    if navigator.is_undefined() || navigator.is_null() {
        return None;
    }
    get(&navigator, "userAgent").as_string()
}

impl FetchTransport {
    fn fetch_fn(&self) -> Result<(Function, JsValue), Error> {
        if let Some(f) = &self.fetch {
            return Ok((f.clone(), JsValue::UNDEFINED));
        }
        let global = js_sys::global();
        let f = get(&global, "fetch").dyn_into::<Function>().map_err(|_| {
            Error::new(
                ErrorKind::Network,
                "FetchUnavailable",
                "this runtime has no global fetch: pass the fetch option",
            )
        })?;
        Ok((f, global.into()))
    }

    fn network_error(&self, thrown: &JsValue, timed_out: bool) -> Error {
        if timed_out {
            return Error::client_timeout(self.timeout_ms);
        }
        Error::network(&js_message(thrown), self.in_browser)
    }

    async fn attempt(
        &self,
        request: HttpRequest,
        signal: &JsValue,
        aborted: &dyn Fn() -> bool,
    ) -> Result<HttpResponse, Error> {
        let (fetch, this) = self.fetch_fn()?;
        let headers = js_sys::Object::new();
        for (k, v) in &request.headers {
            let _ = Reflect::set(&headers, &JsValue::from_str(k), &JsValue::from_str(v));
        }
        let init = js_sys::Object::new();
        let _ = Reflect::set(&init, &"method".into(), &request.method.into());
        let _ = Reflect::set(&init, &"headers".into(), &headers);
        if let Some(body) = &request.body {
            let _ = Reflect::set(&init, &"body".into(), &JsValue::from_str(body));
        }
        let _ = Reflect::set(&init, &"signal".into(), signal);
        let promise = fetch
            .call2(&this, &JsValue::from_str(&request.url), &init)
            .map_err(|e| self.network_error(&e, aborted()))?;
        let resp = await_value(promise)
            .await
            .map_err(|e| self.network_error(&e, aborted()))?;
        let status = get(&resp, "status").as_f64().unwrap_or(0.0) as u16;
        let js_headers = get(&resp, "headers");
        let mut headers = Vec::new();
        for name in headers_to_read(status) {
            if let Some(v) = response_header(&js_headers, name) {
                headers.push((name.to_owned(), v));
            }
        }
        let declared = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .map(|(_, v)| v.as_str());
        let plan = self.limit().plan(declared).inspect_err(|_| {
            let _ = call(&get(&resp, "body"), "cancel", &[]);
        })?;
        let body = self.read_body(&resp, plan).await.map_err(|e| match e {
            BodyError::Limit(e) => e,
            BodyError::Js(e) => self.network_error(&e, aborted()),
        })?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }

    fn limit(&self) -> BodyLimit {
        BodyLimit::new(self.max_response_bytes)
    }

    /// Reads the body: in one `arrayBuffer()` when its declared length is within
    /// the cap (the common case: one await), else through the stream reader,
    /// stopping at the cap.
    async fn read_body(&self, resp: &JsValue, plan: BodyPlan) -> Result<Vec<u8>, BodyError> {
        let stream = get(resp, "body");
        if plan == BodyPlan::Whole || stream.is_null() || stream.is_undefined() {
            // Also without a stream (empty body, or a minimal fetch polyfill).
            if get(resp, "arrayBuffer").is_function() {
                let buf = await_value(call(resp, "arrayBuffer", &[]).map_err(BodyError::Js)?)
                    .await
                    .map_err(BodyError::Js)?;
                let bytes = Uint8Array::new(&buf);
                self.limit().check(bytes.length() as usize)?;
                return Ok(bytes.to_vec());
            }
            // A Response-like object with only `text()`.
            if get(resp, "text").is_function() {
                let text = await_value(call(resp, "text", &[]).map_err(BodyError::Js)?)
                    .await
                    .map_err(BodyError::Js)?;
                return self.capped(text.as_string().unwrap_or_default().into_bytes());
            }
            return Ok(Vec::new());
        }
        // A Response-like object whose `body` is the text itself.
        if let Some(text) = stream.as_string() {
            return self.capped(text.into_bytes());
        }
        let reader = call(&stream, "getReader", &[]).map_err(BodyError::Js)?;
        let mut body = Vec::new();
        loop {
            let chunk = await_value(call(&reader, "read", &[]).map_err(BodyError::Js)?)
                .await
                .map_err(BodyError::Js)?;
            if get(&chunk, "done").as_bool().unwrap_or(true) {
                return Ok(body);
            }
            let bytes = Uint8Array::new(&get(&chunk, "value"));
            if let Err(e) = self.limit().check(body.len() + bytes.length() as usize) {
                let _ = call(&reader, "cancel", &[]);
                return Err(e.into());
            }
            let start = body.len();
            body.resize(start + bytes.length() as usize, 0);
            bytes.copy_to(&mut body[start..]);
        }
    }
}

/// A `setTimeout` as a future; dropping it clears the timer, so a deadline that
/// lost its race leaves nothing pending (a pending timer keeps Node alive).
struct Timer {
    id: JsValue,
    done: JsFuture,
}

impl Timer {
    fn new(ms: f64) -> Self {
        let mut id = JsValue::UNDEFINED;
        let promise = Promise::new(&mut |resolve, _reject| {
            id = set_timeout(&resolve, ms);
        });
        Timer {
            id,
            done: JsFuture::from(promise),
        }
    }
}

impl std::future::Future for Timer {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        std::pin::Pin::new(&mut self.done).poll(cx).map(|_| ())
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}

impl FetchTransport {
    fn capped(&self, body: Vec<u8>) -> Result<Vec<u8>, BodyError> {
        self.limit().check(body.len())?;
        Ok(body)
    }
}

enum BodyError {
    /// Over the size cap (the error says so).
    Limit(Error),
    Js(JsValue),
}

impl From<Error> for BodyError {
    fn from(e: Error) -> Self {
        BodyError::Limit(e)
    }
}

/// Clears an attempt's timeout when it ends, and aborts its fetch when the call
/// is dropped before it settled (a caller's AbortSignal won a race): no timer
/// keeps the process alive and no request runs on unobserved.
struct InFlight {
    timer: Option<JsValue>,
    abort: Option<Function>,
    settled: bool,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(t) = &self.timer {
            clear_timeout(t);
        }
        if let (false, Some(abort)) = (self.settled, &self.abort) {
            let _ = abort.call0(&JsValue::UNDEFINED);
        }
    }
}

impl FetchTransport {
    async fn send_one(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let controller = AbortController::new();
        let signal = controller.signal();
        // A bound `abort`, not a Rust closure: nothing to free when the timer is cleared.
        let abort = get(&controller, "abort")
            .dyn_into::<Function>()
            .map(|f| f.bind0(&controller))
            .ok();
        let timer = abort.as_ref().map(|f| set_timeout(f, self.timeout_ms));
        let mut in_flight = InFlight {
            timer,
            abort,
            settled: false,
        };
        let aborted = || get(&signal, "aborted").as_bool().unwrap_or(false);
        let result = self.attempt(request, &signal, &aborted).await;
        in_flight.settled = true;
        result
    }

    async fn refresh(&self) -> Option<Result<Credentials, Error>> {
        let refresh = self.refresh.as_ref()?;
        let result = match refresh.call0(&JsValue::UNDEFINED) {
            Ok(v) => await_value(v).await,
            Err(e) => Err(e),
        };
        Some(match result {
            Ok(v) => credentials_from_js(&v),
            Err(e) => Err(Error::new(
                ErrorKind::Credentials,
                "CredentialsRefreshFailed",
                js_message(&e),
            )),
        })
    }
}

impl Transport for FetchTransport {
    fn send(&self, request: HttpRequest) -> LocalFuture<'_, Result<HttpResponse, Error>> {
        Box::pin(self.send_one(request))
    }

    fn sleep(&self, ms: u64) -> LocalFuture<'_, ()> {
        Box::pin(async move { Timer::new(ms as f64).await })
    }

    fn now_millis(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }

    fn refresh_credentials(&self) -> LocalFuture<'_, Option<Result<Credentials, Error>>> {
        Box::pin(self.refresh())
    }
}

/// A refresh callback's answer; the core reads its fields (`Credentials::from_sts_answer`).
fn credentials_from_js(v: &JsValue) -> Result<Credentials, Error> {
    if !v.is_object() {
        return Err(Error::new(
            ErrorKind::Credentials,
            "InvalidCredentials",
            "refreshSTSToken must return an object with accessKeyId, accessKeySecret and stsToken",
        ));
    }
    Credentials::from_sts_answer(|key| {
        let x = get(v, key);
        if let Some(s) = x.as_string() {
            Some(AnswerValue::Text(s))
        } else if let Some(n) = x.as_f64() {
            Some(AnswerValue::Number(n))
        } else if x.is_instance_of::<js_sys::Date>() {
            Some(AnswerValue::Number(
                x.unchecked_into::<js_sys::Date>().get_time(),
            ))
        } else {
            None
        }
    })
}
