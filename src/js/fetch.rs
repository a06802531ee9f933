//! The fetch transport: the only code that performs I/O. `fetch` comes from the
//! caller's option or the global object (never `window`), so the same build runs
//! in browsers, Web Workers, Cloudflare Workers, Node and Deno.
//!
//! It does per call only what the call needs, because each step into
//! JavaScript costs more than the work it does: properties are read and set
//! through imported getters and setters (no property name crosses the
//! boundary), the JavaScript strings of header names and of the values that
//! repeat from call to call (URL, method, token, `x-oss-date` within a second,
//! `UNSIGNED-PAYLOAD`) are made once, only the response headers
//! [`crate::answer`] asks for are read, and a body whose declared length is
//! within the cap is read with one `arrayBuffer()`.

use std::cell::RefCell;

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use super::error::js_message;
use super::header_object::HeaderObject;
use super::settle::{Settled, settle};
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
    /// The global `fetch`, looked up when called (a polyfill or a test may
    /// install it after the client was made) and called without a `this`, as
    /// browsers, Workers, Node, Deno and Bun accept.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(url: &JsValue, init: &Init) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = AbortController)]
    type AbortController;
    #[wasm_bindgen(constructor, js_class = "AbortController")]
    fn new() -> AbortController;
    #[wasm_bindgen(method, getter)]
    fn signal(this: &AbortController) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = abort)]
    fn abort_method(this: &AbortController) -> Function;

    /// The `init` argument of a fetch call, made here.
    type Init;
    #[wasm_bindgen(method, setter)]
    fn set_method(this: &Init, value: &JsValue);
    #[wasm_bindgen(method, setter)]
    fn set_headers(this: &Init, value: &HeaderObject);
    #[wasm_bindgen(method, setter)]
    fn set_signal(this: &Init, value: &JsValue);

    /// What a fetch resolved to: a `Response`, or a Response-like object from a
    /// custom fetch, of any realm. Its getters and methods are the caller's
    /// code and may throw: every access catches. (Only what every call reads
    /// is imported; the rare paths go through [`get`] and [`call`].)
    type Answer;
    #[wasm_bindgen(method, getter, catch)]
    fn status(this: &Answer) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn headers(this: &Answer) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = arrayBuffer)]
    fn array_buffer(this: &Answer) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn body(this: &Answer) -> Result<JsValue, JsValue>;

    /// A body without a declared length: its stream, the stream's reader, and
    /// what `read()` resolves to (a `ReadableStream` of any realm, or alike).
    type Stream;
    #[wasm_bindgen(method, catch, js_name = getReader)]
    fn get_reader(this: &Stream) -> Result<Stream, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn read(this: &Stream) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn done(this: &Stream) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn value(this: &Stream) -> Result<JsValue, JsValue>;

    /// A `Headers`, or anything with a `get(name)`.
    type Received;
    #[wasm_bindgen(method, catch)]
    fn get(this: &Received, name: &JsValue) -> Result<JsValue, JsValue>;
}

/// `obj[key]`, for the rare paths (a body without a declared length, a
/// Response-like object, no global fetch, a refresh answer, the user agent).
fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Calls method `name` of `obj` without arguments (rare paths, as [`get`]).
fn call(obj: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    let f: Function = get(obj, name)
        .dyn_into()
        .map_err(|_| JsValue::from_str(&format!("{name} is not a function")))?;
    f.call0(obj)
}

/// Awaits `value` as JavaScript's `await` does: any thenable, from any realm.
/// (`instanceof Promise` is false for a promise made in another realm: Jest's
/// environment, an iframe, a `vm` context.) See [`settle`].
async fn await_value(value: JsValue) -> Result<JsValue, JsValue> {
    settle(&value).await
}

fn is_nullish(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

thread_local! {
    /// The JavaScript strings of the response header names read, made on first use.
    static NAMES: RefCell<Vec<(&'static str, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// `name` as a JavaScript string, made once per name.
fn js_name(name: &'static str) -> JsValue {
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        if let Some((_, v)) = names.iter().find(|(n, _)| *n == name) {
            return v.clone();
        }
        let v = JsValue::from_str(name);
        names.push((name, v.clone()));
        v
    })
}

/// The response headers `names` (lower case) that are present, from a
/// `Headers` (or anything with `get`), else from a plain object of headers (a
/// Response-like object from a custom fetch), matched case-insensitively.
fn response_headers(headers: &JsValue, names: &[&'static str]) -> Vec<(String, String)> {
    if is_nullish(headers) {
        return Vec::new();
    }
    let received = headers.unchecked_ref::<Received>();
    let mut found = Vec::with_capacity(names.len());
    for &name in names {
        match received.get(&js_name(name)) {
            Ok(v) => {
                if let Some(v) = v.as_string() {
                    found.push((name.to_owned(), v));
                }
            }
            // No `get` at all (checked only once a call threw): a plain object.
            Err(_) if !get(headers, "get").is_function() => {
                return plain_headers(headers, names);
            }
            // A `get` that threw: that header is absent.
            Err(_) => {}
        }
    }
    found
}

/// [`response_headers`] of a plain object of headers.
fn plain_headers(headers: &JsValue, names: &[&'static str]) -> Vec<(String, String)> {
    let entries: Vec<(String, JsValue)> = Object::entries(headers.unchecked_ref())
        .iter()
        .filter_map(|pair| {
            let pair = js_sys::Array::from(&pair);
            Some((pair.get(0).as_string()?, pair.get(1)))
        })
        .collect();
    names
        .iter()
        .filter_map(|&name| {
            let v = entries.iter().find_map(|(key, value)| {
                key.eq_ignore_ascii_case(name)
                    .then(|| value.as_string())
                    .flatten()
            })?;
            Some((name.to_owned(), v))
        })
        .collect()
}

/// The JavaScript strings of the request parts that repeat from call to call,
/// one entry per part (a header name, `:url`, `:method`): a part whose value is
/// the one sent last time reuses its string instead of decoding it from wasm
/// memory again. Entries live as long as the client (the token with the
/// credentials it came from).
#[derive(Default)]
struct Strings(RefCell<Vec<Part>>);

struct Part {
    key: String,
    /// `key` as a JavaScript string (for a header name without its own setter).
    key_js: JsValue,
    value: String,
    value_js: JsValue,
}

impl Strings {
    /// The JavaScript strings of `key` and of `value`.
    fn get(&self, key: &str, value: &str) -> (JsValue, JsValue) {
        let mut parts = self.0.borrow_mut();
        let i = match parts.iter().position(|p| p.key == key) {
            Some(i) => i,
            None => {
                parts.push(Part {
                    key: key.to_owned(),
                    key_js: JsValue::from_str(key),
                    value: value.to_owned(),
                    value_js: JsValue::from_str(value),
                });
                parts.len() - 1
            }
        };
        let part = &mut parts[i];
        if part.value != value {
            part.value.clear();
            part.value.push_str(value);
            part.value_js = JsValue::from_str(value);
        }
        (part.key_js.clone(), part.value_js.clone())
    }
}

/// Settings and callbacks of one `ReplicationClient`.
pub(crate) struct FetchTransport {
    /// `fetch` from the options, if given; else the global one at call time.
    fetch: Option<Function>,
    /// Per-attempt timeout in ms (`timeout` option).
    timeout_ms: f64,
    /// Largest response body accepted.
    max_response_bytes: usize,
    /// ali-oss style `refreshSTSToken`.
    refresh: Option<Function>,
    /// Whether this runs in a browser (where a failed fetch may be CORS).
    in_browser: bool,
    /// The strings sent last time, see [`Strings`].
    strings: Strings,
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
    /// A transport calling `fetch` (else the global one) with these settings.
    pub(crate) fn new(
        fetch: Option<Function>,
        timeout_ms: f64,
        max_response_bytes: usize,
        refresh: Option<Function>,
        in_browser: bool,
    ) -> Self {
        FetchTransport {
            fetch,
            timeout_ms,
            max_response_bytes,
            refresh,
            in_browser,
            strings: Strings::default(),
        }
    }

    fn network_error(&self, thrown: &JsValue, timed_out: bool) -> Error {
        if timed_out {
            return Error::client_timeout(self.timeout_ms);
        }
        Error::network(&js_message(thrown), self.in_browser)
    }

    /// The `init` of `request`'s fetch: method, headers, body, signal.
    fn init(&self, request: &HttpRequest, signal: &JsValue) -> Init {
        let headers = HeaderObject::new();
        for (k, v) in &request.headers {
            let (name, value) = self.strings.get(k, v);
            headers.set(k, &value, || name);
        }
        let init = Object::new().unchecked_into::<Init>();
        init.set_method(&self.strings.get(":method", request.method).1);
        init.set_headers(&headers);
        if let Some(body) = &request.body {
            let _ = Reflect::set(&init, &"body".into(), &JsValue::from_str(body));
        }
        init.set_signal(signal);
        init
    }

    /// Calls the fetch function with `url` and `init`; its promise (or value).
    fn call_fetch(&self, url: &JsValue, init: &Init) -> Result<JsValue, FetchError> {
        if let Some(f) = &self.fetch {
            return f
                .call2(&JsValue::UNDEFINED, url, init)
                .map_err(FetchError::Js);
        }
        global_fetch(url, init).map_err(|e| {
            // The call threw: say so plainly when it is because there is no fetch.
            if get(&js_sys::global(), "fetch").is_function() {
                FetchError::Js(e)
            } else {
                FetchError::Unavailable
            }
        })
    }

    async fn attempt(
        &self,
        request: HttpRequest,
        signal: &JsValue,
        aborted: &dyn Fn() -> bool,
    ) -> Result<HttpResponse, Error> {
        let init = self.init(&request, signal);
        let url = self.strings.get(":url", &request.url).1;
        let promise = self.call_fetch(&url, &init).map_err(|e| match e {
            FetchError::Unavailable => Error::new(
                ErrorKind::Network,
                "FetchUnavailable",
                "this runtime has no global fetch: pass the fetch option",
            ),
            FetchError::Js(e) => self.network_error(&e, aborted()),
        })?;
        let resp = await_value(promise)
            .await
            .map_err(|e| self.network_error(&e, aborted()))?;
        let resp = resp.unchecked_into::<Answer>();
        let status = resp.status().ok().and_then(|s| s.as_f64()).unwrap_or(0.0) as u16;
        let headers = response_headers(
            &resp.headers().unwrap_or(JsValue::UNDEFINED),
            headers_to_read(request.operation, status),
        );
        let declared = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .map(|(_, v)| v.as_str());
        let plan = self.limit().plan(declared).inspect_err(|_| {
            let _ = call(&get(&resp, "body"), "cancel");
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
    /// the cap (the common case: one await, one copy into wasm), else through
    /// the stream reader, stopping at the cap.
    async fn read_body(&self, resp: &Answer, plan: BodyPlan) -> Result<Vec<u8>, BodyError> {
        let stream = match plan {
            BodyPlan::Whole => None,
            BodyPlan::Chunked => resp.body().ok().filter(|s| !is_nullish(s)),
        };
        let Some(stream) = stream else {
            // Also without a stream (empty body, or a minimal fetch polyfill).
            return self.read_whole(resp).await;
        };
        // A Response-like object whose `body` is the text itself.
        if let Some(text) = stream.as_string() {
            return self.capped(text.into_bytes());
        }
        let reader = stream
            .unchecked_into::<Stream>()
            .get_reader()
            .map_err(BodyError::Js)?;
        let mut body = Vec::new();
        loop {
            let chunk = await_value(reader.read().map_err(BodyError::Js)?)
                .await
                .map_err(BodyError::Js)?
                .unchecked_into::<Stream>();
            if chunk.done().ok().and_then(|d| d.as_bool()).unwrap_or(true) {
                return Ok(body);
            }
            let value = chunk.value().unwrap_or(JsValue::UNDEFINED);
            // A chunk of this realm is read in place; anything else (another
            // realm's view, an ArrayBuffer) through a Uint8Array over it.
            let bytes = match value.dyn_into::<Uint8Array>() {
                Ok(bytes) => bytes,
                Err(value) => Uint8Array::new(&value),
            };
            let len = bytes.length() as usize;
            if let Err(e) = self.limit().check(body.len() + len) {
                let _ = call(&reader, "cancel");
                return Err(e.into());
            }
            let start = body.len();
            body.resize(start + len, 0);
            bytes.copy_to(&mut body[start..]);
        }
    }

    /// The body in one step: `arrayBuffer()`, else `text()`, else empty.
    async fn read_whole(&self, resp: &Answer) -> Result<Vec<u8>, BodyError> {
        match resp.array_buffer() {
            Ok(promise) => {
                let buf = await_value(promise).await.map_err(BodyError::Js)?;
                let bytes = Uint8Array::new(&buf);
                self.limit().check(bytes.length() as usize)?;
                return Ok(bytes.to_vec());
            }
            Err(e) if get(resp, "arrayBuffer").is_function() => return Err(BodyError::Js(e)),
            // A Response-like object with only `text()`, or nothing to read.
            Err(_) => {}
        }
        if get(resp, "text").is_function() {
            let text = await_value(call(resp, "text").map_err(BodyError::Js)?)
                .await
                .map_err(BodyError::Js)?;
            return self.capped(text.as_string().unwrap_or_default().into_bytes());
        }
        Ok(Vec::new())
    }
}

/// Why calling fetch failed.
enum FetchError {
    /// There is no global fetch (and no `fetch` option).
    Unavailable,
    /// It threw this.
    Js(JsValue),
}

/// A `setTimeout` as a future; dropping it clears the timer, so a deadline that
/// lost its race leaves nothing pending (a pending timer keeps Node alive).
struct Timer {
    id: JsValue,
    done: Settled,
}

impl Timer {
    fn new(ms: f64) -> Self {
        let mut id = JsValue::UNDEFINED;
        let promise = Promise::new(&mut |resolve, _reject| {
            id = set_timeout(&resolve, ms);
        });
        Timer {
            id,
            done: settle(&promise),
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
    timer: JsValue,
    abort: Function,
    settled: bool,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        if !self.settled {
            let _ = self.abort.call0(&JsValue::UNDEFINED);
        }
    }
}

impl FetchTransport {
    async fn send_one(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let controller = AbortController::new();
        let signal = controller.signal();
        // A bound `abort`, not a Rust closure: nothing to free when the timer is cleared.
        let abort = controller.abort_method().bind0(&controller);
        let timer = set_timeout(&abort, self.timeout_ms);
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
