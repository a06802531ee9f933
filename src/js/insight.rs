//! The operator calls on `ReplicationClient`: `checkRule`, `watchReplication`,
//! `diffReplication`, `replaceRule`, `waitForRule`. Conversion only: options in,
//! plain objects out, `AbortSignal`s turned into a cancel check and a race; every
//! decision is in `crate::insight`.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::task::Poll;

use js_sys::{Array, Function, Object, Promise, Reflect, Symbol};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::client::{ReplicationClient, promise};
use super::convert::{IntoJs, JsonObject, Reader, rule_from_js, write_rule};
use super::error::to_js;
use crate::client::{Client, LocalFuture};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::insight::check::CheckReport;
use crate::insight::lag::{Observation, Watch};
use crate::insight::replace::{Target, aborted};
use crate::insight::{DestinationAccess, DiffOptions, DiffResult, WaitOptions};
use crate::objects::ObjectSummary;

type Shared = Rc<Client>;

fn set(obj: &JsValue, key: &str, value: JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value);
}

fn set_num(obj: &JsValue, key: &str, value: Option<f64>) {
    if let Some(v) = value {
        set(obj, key, JsValue::from_f64(v));
    }
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn rule_id_arg(value: &JsValue) -> Result<String, Error> {
    value
        .as_string()
        .ok_or_else(|| Error::invalid("ruleId must be a string"))
}

/// An optional options object (`undefined`/`null`: none).
fn options<'a>(
    value: &'a JsValue,
    path: &'a str,
    known: &'a [&'a str],
) -> Result<Option<Reader<'a>>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    Reader::new(value, path, known).map(Some)
}

/// A caller's `AbortSignal` (anything with `aborted` and `addEventListener`).
#[derive(Clone)]
struct Signal(JsValue);

impl Signal {
    fn read(r: &Reader<'_>) -> Result<Option<Signal>, Error> {
        let v = r.raw("signal");
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        if !v.is_object() || !get(&v, "addEventListener").is_function() {
            return Err(Error::invalid(format!(
                "{}.signal must be an AbortSignal",
                r.path()
            )));
        }
        Ok(Some(Signal(v)))
    }

    fn aborted(&self) -> bool {
        get(&self.0, "aborted").as_bool().unwrap_or(false)
    }

    /// Resolves when the signal aborts (at once if it already has).
    fn on_abort(&self) -> JsFuture {
        let target = self.0.clone();
        let already = self.aborted();
        JsFuture::from(Promise::new(&mut |resolve, _| {
            if already {
                let _ = resolve.call0(&JsValue::UNDEFINED);
                return;
            }
            let opts = Object::new();
            set(&opts, "once", JsValue::TRUE);
            if let Ok(add) = get(&target, "addEventListener").dyn_into::<Function>() {
                let _ = add.call3(&target, &"abort".into(), &resolve, &opts);
            }
        }))
    }
}

fn is_aborted(signal: &Option<Signal>) -> bool {
    signal.as_ref().is_some_and(Signal::aborted)
}

/// Runs `work` unless `signal` aborts first: then `work` is dropped (its timers
/// and requests with it) and the result is an `AbortError`. Boxed, as
/// [`promise`]: one copy in the wasm for every raced call.
async fn race(
    mut work: LocalFuture<'_, Result<JsValue, Error>>,
    signal: Option<Signal>,
    what: &str,
) -> Result<JsValue, Error> {
    let Some(signal) = signal else {
        return work.await;
    };
    if signal.aborted() {
        return Err(aborted(what));
    }
    let mut abort = signal.on_abort();
    std::future::poll_fn(|cx| {
        if let Poll::Ready(()) = std::pin::Pin::new(&mut abort).poll(cx).map(|_| ()) {
            return Poll::Ready(Err(aborted(what)));
        }
        work.as_mut().poll(cx)
    })
    .await
}

const ACCESS: &[&str] = &["destinationEndpoint", "destinationCredentials"];
const CREDENTIALS: &[&str] = &["accessKeyId", "accessKeySecret", "stsToken"];

fn destination_access(r: Option<&Reader<'_>>) -> Result<DestinationAccess, Error> {
    let Some(r) = r else {
        return Ok(DestinationAccess::default());
    };
    let raw = r.raw("destinationCredentials");
    let credentials = if raw.is_undefined() || raw.is_null() {
        None
    } else {
        let path = format!("{}.destinationCredentials", r.path());
        let c = Reader::new(&raw, &path, CREDENTIALS)?;
        let creds = Credentials::new(
            c.required_string("accessKeyId")?,
            c.required_string("accessKeySecret")?,
            c.string("stsToken")?,
        )?;
        c.finish()?;
        Some(creds)
    };
    Ok(DestinationAccess {
        endpoint: r.string("destinationEndpoint")?,
        credentials,
    })
}

fn versioning_js(w: &mut JsonObject, v: Option<crate::objects::Versioning>) {
    w.opt_str("versioning", v.map(|v| v.as_str()));
}

fn check_js(r: &CheckReport) -> JsValue {
    let mut w = JsonObject::new();
    w.opt_bool("ok", Some(r.ok))
        .objects("problems", &r.problems, |o, p| {
            o.str("code", p.code)
                .opt_str("field", p.field)
                .str("message", &p.message);
        })
        .object("source", |o| versioning_js(o, r.source_versioning))
        .object("destination", |o| {
            o.opt_bool("exists", r.destination_exists)
                .opt_str("location", r.destination_location.as_deref());
            versioning_js(o, r.destination_versioning);
        });
    w.into_js()
}

fn observation_js(o: &Observation) -> JsValue {
    let value = super::convert::progress_js(&o.progress, None);
    set_num(&value, "lagSeconds", o.lag_seconds);
    set_num(&value, "historicalRate", o.historical_rate);
    set_num(&value, "etaSeconds", o.eta_seconds);
    value
}

fn objects_js(list: &[ObjectSummary]) -> Array {
    let out = Array::new_with_length(list.len() as u32);
    for (i, o) in list.iter().enumerate() {
        let mut w = JsonObject::new();
        w.str("key", &o.key)
            .str("etag", &o.etag)
            .str("lastModified", &o.last_modified);
        let obj = w.into_js();
        set(&obj, "size", JsValue::from_f64(o.size as f64));
        out.set(i as u32, obj);
    }
    out
}

fn counts_js(c: &crate::insight::diff::DiffCounts) -> JsValue {
    let obj: JsValue = Object::new().into();
    let scanned: JsValue = Object::new().into();
    set_num(&scanned, "source", Some(c.scanned_source as f64));
    set_num(&scanned, "destination", Some(c.scanned_destination as f64));
    set(&obj, "scanned", scanned);
    set_num(&obj, "missing", Some(c.missing as f64));
    set_num(&obj, "differing", Some(c.differing as f64));
    set_num(&obj, "pending", Some(c.pending as f64));
    set_num(&obj, "extra", Some(c.extra as f64));
    obj
}

fn diff_js(r: &DiffResult) -> JsValue {
    let obj = counts_js(&r.counts);
    set(&obj, "missing", objects_js(&r.missing).into());
    set(&obj, "differing", objects_js(&r.differing).into());
    set(&obj, "truncated", JsValue::from_bool(r.truncated));
    obj
}

fn wait_options(r: Option<&Reader<'_>>) -> Result<WaitOptions, Error> {
    let mut o = WaitOptions::default();
    if let Some(r) = r {
        let ms = |key: &str, max: f64| -> Result<Option<u64>, Error> {
            match r.number(key)? {
                None => Ok(None),
                Some(n) if n.is_finite() && n >= 0.0 && n <= max => Ok(Some(n as u64)),
                Some(_) => Err(Error::invalid(format!(
                    "{}.{key} must be a number of milliseconds, 0 to {}",
                    r.path(),
                    max as u64
                ))),
            }
        };
        if let Some(t) = ms("timeoutMs", 2_147_483_647.0)? {
            o.timeout_ms = t;
        }
        if let Some(p) = ms("pollMs", 3_600_000.0)? {
            o.poll_ms = p.max(1);
        }
    }
    Ok(o)
}

/// `{ timeoutMs, pollMs, signal }` of `replaceRule` and `waitForRule`.
fn wait_and_signal(value: &JsValue) -> Result<(WaitOptions, Option<Signal>), Error> {
    let r = options(value, "options", &["timeoutMs", "pollMs", "signal"])?;
    let wait = wait_options(r.as_ref())?;
    let signal = match &r {
        Some(r) => Signal::read(r)?,
        None => None,
    };
    if let Some(r) = r {
        r.finish()?;
    }
    Ok((wait, signal))
}

/// `for await (const s of client.watchReplication(ruleId, { intervalMs, signal }))`:
/// each value is `{ rule, progress, lagSeconds, historicalRate, etaSeconds }`.
#[wasm_bindgen]
pub struct ReplicationWatch {
    client: Shared,
    rule_id: String,
    interval_ms: u64,
    signal: Option<Signal>,
    watch: Rc<RefCell<Watch>>,
    started: Rc<Cell<bool>>,
    finished: Rc<Cell<bool>>,
}

impl std::fmt::Debug for ReplicationWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplicationWatch")
            .field("rule_id", &self.rule_id)
            .finish_non_exhaustive()
    }
}

fn iter_result(value: JsValue, done: bool) -> JsValue {
    let obj: JsValue = Object::new().into();
    set(&obj, "value", value);
    set(&obj, "done", JsValue::from_bool(done));
    obj
}

#[wasm_bindgen]
impl ReplicationWatch {
    /// The next state: polls at once the first time, then after the interval
    /// (shorter while the rule changes state). An aborted signal rejects with an
    /// `AbortError` and ends the watch.
    pub fn next(&self) -> Promise {
        let (client, id, signal) = (
            self.client.clone(),
            self.rule_id.clone(),
            self.signal.clone(),
        );
        let (watch, started, finished) = (
            self.watch.clone(),
            self.started.clone(),
            self.finished.clone(),
        );
        let interval = self.interval_ms;
        promise(Box::pin(async move {
            if finished.get() {
                return Ok(iter_result(JsValue::UNDEFINED, true));
            }
            let first = !started.replace(true);
            let mut state = watch.borrow().clone();
            let step = Box::pin(async {
                if !first {
                    client
                        .transport()
                        .sleep(state.next_delay_ms(interval))
                        .await;
                }
                let o = client.watch_poll(&id, &mut state).await?;
                Ok(iter_result(observation_js(&o), false))
            });
            match race(step, signal, "watchReplication").await {
                Ok(next) => {
                    *watch.borrow_mut() = state;
                    Ok(next)
                }
                Err(e) => {
                    finished.set(true);
                    Err(e)
                }
            }
        }))
    }

    /// Ends the watch (`break` in a `for await` calls this).
    #[wasm_bindgen(js_name = "return")]
    pub fn return_(&self) -> Promise {
        self.finished.set(true);
        Promise::resolve(&iter_result(JsValue::UNDEFINED, true))
    }
}

/// Makes `ReplicationWatch` async-iterable: its prototype's `[Symbol.asyncIterator]`
/// is the built-in `%IteratorPrototype%[Symbol.iterator]`, which returns `this`
/// (no code evaluated, nothing leaked).
fn make_async_iterable(watch: &JsValue) {
    let proto = Object::get_prototype_of(watch);
    let key: JsValue = Symbol::async_iterator().into();
    if Reflect::has(&proto, &key).unwrap_or(true) {
        return;
    }
    let array_iter = Reflect::get(&Array::new(), &Symbol::iterator().into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|f| f.call0(&Array::new()).ok());
    let Some(array_iter) = array_iter else { return };
    let iterator_proto = Object::get_prototype_of(&Object::get_prototype_of(&array_iter));
    if let Ok(returns_this) = Reflect::get(&iterator_proto, &Symbol::iterator().into()) {
        let _ = Reflect::set(&proto, &key, &returns_this);
    }
}

#[wasm_bindgen]
impl ReplicationClient {
    /// Pre-flight check of `rule`, read-only. Resolves to
    /// `{ ok, problems: { code, field?, message }[], source: { versioning }, destination: { exists, location?, versioning? } }`.
    /// Options: `destinationEndpoint`, `destinationCredentials` (cross-account).
    #[wasm_bindgen(js_name = checkRule)]
    pub fn check_rule(&self, rule: JsValue, options_: JsValue) -> Promise {
        let client = self.inner.clone();
        let args = rule_from_js(&rule).and_then(|rule| {
            let r = options(&options_, "options", ACCESS)?;
            let access = destination_access(r.as_ref())?;
            if let Some(r) = r {
                r.finish()?;
            }
            Ok((rule, access))
        });
        promise(Box::pin(async move {
            let (rule, access) = args?;
            Ok(check_js(&client.check_rule(&rule, &access).await?))
        }))
    }

    /// An async iterable of `{ rule, progress, lagSeconds, historicalRate, etaSeconds }`,
    /// polling every `intervalMs` (default 5000; faster while the rule changes
    /// state) until `signal` aborts or the loop breaks.
    #[wasm_bindgen(js_name = watchReplication)]
    pub fn watch_replication(
        &self,
        rule_id: JsValue,
        options_: JsValue,
    ) -> Result<JsValue, JsValue> {
        let build = || -> Result<ReplicationWatch, Error> {
            let id = rule_id_arg(&rule_id)?;
            crate::replication::get_bucket_replication_progress(&self.inner.config().bucket, &id)?;
            let r = options(&options_, "options", &["intervalMs", "signal"])?;
            let mut interval_ms = 5_000;
            let mut signal = None;
            if let Some(r) = r {
                if let Some(i) = r.number("intervalMs")? {
                    if !(i.is_finite() && (1.0..=2_147_483_647.0).contains(&i)) {
                        return Err(Error::invalid("options.intervalMs must be 1 to 2147483647"));
                    }
                    interval_ms = i as u64;
                }
                signal = Signal::read(&r)?;
                r.finish()?;
            }
            Ok(ReplicationWatch {
                client: self.inner.clone(),
                rule_id: id,
                interval_ms,
                signal,
                watch: Rc::default(),
                started: Rc::default(),
                finished: Rc::default(),
            })
        };
        let watch: JsValue = build().map_err(|e| to_js(&e))?.into();
        make_async_iterable(&watch);
        Ok(watch)
    }

    /// Which objects of rule `ruleId` are not (yet) at the destination. Resolves to
    /// `{ scanned: { source, destination }, missing, differing, pending, extra, truncated }`.
    /// Options: `signal`, `onProgress(counts)` (after every page), `maxListed`,
    /// `pageSize` (1..1000), `destinationEndpoint`, `destinationCredentials`.
    #[wasm_bindgen(js_name = diffReplication)]
    pub fn diff_replication(&self, rule_id: JsValue, options_: JsValue) -> Promise {
        let client = self.inner.clone();
        let args = (|| {
            let id = rule_id_arg(&rule_id)?;
            let known = [ACCESS, &["signal", "onProgress", "maxListed", "pageSize"]].concat();
            let r = options(&options_, "options", &known)?;
            let mut opts = DiffOptions {
                destination: destination_access(r.as_ref())?,
                ..Default::default()
            };
            let (mut signal, mut on_progress) = (None, None);
            if let Some(r) = r {
                let count = |key: &str, max: f64| -> Result<Option<f64>, Error> {
                    match r.number(key)? {
                        Some(n) if !(n.is_finite() && n >= 1.0 && n <= max && n.fract() == 0.0) => {
                            Err(Error::invalid(format!(
                                "options.{key} must be an integer from 1 to {}",
                                max as u64
                            )))
                        }
                        n => Ok(n),
                    }
                };
                opts.max_listed = count("maxListed", 9_007_199_254_740_991.0)?.map(|n| n as u64);
                opts.page_size = count("pageSize", 1000.0)?.map(|n| n as u32);
                signal = Signal::read(&r)?;
                let f = r.raw("onProgress");
                if !(f.is_undefined() || f.is_null()) {
                    on_progress =
                        Some(f.dyn_into::<Function>().map_err(|_| {
                            Error::invalid("options.onProgress must be a function")
                        })?);
                }
                r.finish()?;
            }
            Ok((id, opts, signal, on_progress))
        })();
        promise(Box::pin(async move {
            let (id, opts, signal, on_progress) = args?;
            let cancel_signal = signal.clone();
            let cancelled = move || is_aborted(&cancel_signal);
            let mut on_page = |c: &crate::insight::diff::DiffCounts| {
                if let Some(f) = &on_progress {
                    let _ = f.call1(&JsValue::UNDEFINED, &counts_js(c));
                }
            };
            let work = Box::pin(async {
                let r = client
                    .diff_replication(&id, &opts, &mut on_page, &cancelled)
                    .await?;
                Ok(diff_js(&r))
            });
            race(work, signal, "diffReplication").await
        }))
    }

    /// Replaces rule `ruleId` by `newRule` (delete, wait until gone, put; a failed
    /// put puts the old rule back). Resolves to `{ ruleId, requestId }`; errors
    /// say which step failed. Options: `timeoutMs` (wait, default 120000), `pollMs`, `signal`.
    #[wasm_bindgen(js_name = replaceRule)]
    pub fn replace_rule(&self, rule_id: JsValue, new_rule: JsValue, options_: JsValue) -> Promise {
        let client = self.inner.clone();
        let args = (|| {
            let id = rule_id_arg(&rule_id)?;
            let rule = rule_from_js(&new_rule)?;
            let (wait, signal) = wait_and_signal(&options_)?;
            Ok((id, rule, wait, signal))
        })();
        promise(Box::pin(async move {
            let (id, rule, wait, signal) = args?;
            // Not raced: the sequence sees the abort between steps and can put back.
            let cancelled = move || is_aborted(&signal);
            let r = client.replace_rule(&id, &rule, wait, &cancelled).await?;
            let mut w = JsonObject::new();
            w.str("ruleId", &r.value)
                .opt_str("requestId", r.request_id.as_deref());
            Ok(w.into_js())
        }))
    }

    /// Waits until rule `ruleId` is `'doing'` or `'gone'`; resolves to `{ rule }`
    /// (the rule as last read; absent when gone). Options: `timeoutMs`, `pollMs`, `signal`.
    #[wasm_bindgen(js_name = waitForRule)]
    pub fn wait_for_rule(&self, rule_id: JsValue, state: JsValue, options_: JsValue) -> Promise {
        let client = self.inner.clone();
        let args = (|| {
            let id = rule_id_arg(&rule_id)?;
            let target = Target::parse(&state.as_string().unwrap_or_default())?;
            let (wait, signal) = wait_and_signal(&options_)?;
            Ok((id, target, wait, signal))
        })();
        promise(Box::pin(async move {
            let (id, target, wait, signal) = args?;
            let cancel_signal = signal.clone();
            let cancelled = move || is_aborted(&cancel_signal);
            let work = Box::pin(async {
                let rule = client.wait_for_rule(&id, target, wait, &cancelled).await?;
                let mut w = JsonObject::new();
                if let Some(rule) = &rule {
                    w.object("rule", |o| write_rule(o, rule));
                }
                Ok(w.into_js())
            });
            race(work, signal, "waitForRule").await
        }))
    }
}

/// `getBucketReplicationProgress` with `lagSeconds` (the answer's `Date` minus `NewObject`).
pub(crate) async fn progress_with_lag(
    client: Shared,
    rule_id: Result<String, Error>,
) -> Result<JsValue, Error> {
    let r = client
        .get_bucket_replication_progress_with_lag(&rule_id?)
        .await?;
    let (progress, lag) = r.value;
    let value = super::convert::progress_js(&progress, r.request_id.as_deref());
    set_num(&value, "lagSeconds", lag);
    Ok(value)
}
