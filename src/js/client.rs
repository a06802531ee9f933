//! `ReplicationClient`: options in, promises of plain objects out.

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{IntoJs, JsonObject, Reader, rule_from_js, write_location, write_rule};
use super::error::to_js;
use super::fetch::FetchTransport;
use crate::client::Client;
use crate::error::{Error, is_browser_user_agent};
use crate::options::{ClientOptions, resolve};

const OPTIONS: &[&str] = &[
    "bucket",
    "region",
    "endpoint",
    "pathStyle",
    "cname",
    "internal",
    "accessKeyId",
    "accessKeySecret",
    "stsToken",
    "refreshSTSToken",
    "refreshSTSTokenInterval",
    "signatureVersion",
    "timeout",
    "retryMax",
    "maxResponseBytes",
    "fetch",
];

/// Manages the replication rules of one bucket.
#[wasm_bindgen]
pub struct ReplicationClient {
    pub(super) inner: Rc<Client>,
}

impl std::fmt::Debug for ReplicationClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

fn function(r: &Reader<'_>, key: &str) -> Result<Option<Function>, Error> {
    let v = r.raw(key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.dyn_into::<Function>()
        .map(Some)
        .map_err(|_| Error::invalid(format!("{}.{key} must be a function", r.path())))
}

fn build(options: &JsValue) -> Result<Client, Error> {
    let o = Reader::new(options, "options", OPTIONS)?;
    let given = ClientOptions {
        bucket: o.string("bucket")?,
        region: o.string("region")?,
        endpoint: o.string("endpoint")?,
        path_style: o.boolean("pathStyle")?,
        cname: o.boolean("cname")?,
        internal: o.boolean("internal")?,
        access_key_id: o.string("accessKeyId")?,
        access_key_secret: o.string("accessKeySecret")?,
        sts_token: o.string("stsToken")?,
        has_refresh: false,
        refresh_interval_ms: o.number("refreshSTSTokenInterval")?,
        signature_version: o.string("signatureVersion")?,
        timeout_ms: o.number("timeout")?,
        retry_max: o.number("retryMax")?,
        max_response_bytes: o.number("maxResponseBytes")?,
    };
    let refresh = function(&o, "refreshSTSToken")?;
    let fetch = function(&o, "fetch")?;
    o.finish()?;
    let resolved = resolve(ClientOptions {
        has_refresh: refresh.is_some(),
        ..given
    })?;
    let transport = FetchTransport::new(
        fetch,
        resolved.config.timeout_ms,
        resolved.max_response_bytes,
        refresh,
        is_browser_user_agent(super::fetch::user_agent().as_deref()),
    );
    Ok(Client::new(
        resolved.config,
        Rc::new(transport),
        resolved.credentials,
    ))
}

/// `{ requestId }` plus the fields `extra` sets.
fn with_request_id(request_id: Option<String>, extra: impl FnOnce(&mut JsonObject)) -> JsValue {
    let mut w = JsonObject::new();
    extra(&mut w);
    w.opt_str("requestId", request_id.as_deref());
    w.into_js()
}

/// A method's work, boxed: see [`promise`].
pub(super) type Call = crate::client::LocalFuture<'static, Result<JsValue, Error>>;

/// The one place a call becomes a Promise (here and in `super::insight`):
/// boxing keeps a single copy of `future_to_promise`'s machinery in the wasm
/// instead of one per method.
pub(super) fn promise(call: Call) -> Promise {
    future_to_promise(async move { call.await.map_err(|e| to_js(&e)) })
}

impl ReplicationClient {
    fn spawn<F>(&self, f: impl FnOnce(Rc<Client>) -> F) -> Promise
    where
        F: std::future::Future<Output = Result<JsValue, Error>> + 'static,
    {
        promise(Box::pin(f(self.inner.clone())))
    }
}

#[wasm_bindgen]
impl ReplicationClient {
    /// Validates `options` (errors name the field) and creates the client. No request is sent.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<ReplicationClient, JsValue> {
        build(&options)
            .map(|c| ReplicationClient { inner: Rc::new(c) })
            .map_err(|e| to_js(&e))
    }

    /// Adds one rule; resolves to `{ ruleId, requestId }`.
    #[wasm_bindgen(js_name = putBucketReplication)]
    pub fn put_bucket_replication(&self, rule: JsValue) -> Promise {
        let parsed = rule_from_js(&rule);
        self.spawn(|c| async move {
            let r = c.put_bucket_replication(&parsed?).await?;
            Ok(with_request_id(r.request_id, |w| {
                w.str("ruleId", &r.value);
            }))
        })
    }

    /// Resolves to `{ rules, requestId }`.
    #[wasm_bindgen(js_name = getBucketReplication)]
    pub fn get_bucket_replication(&self) -> Promise {
        self.spawn(|c| async move {
            let r = c.get_bucket_replication().await?;
            Ok(with_request_id(r.request_id, |w| {
                w.objects("rules", &r.value, write_rule);
            }))
        })
    }

    /// Resolves to `{ locations, transferTypeConstraints, rtcLocations, requestId }`.
    #[wasm_bindgen(js_name = getBucketReplicationLocation)]
    pub fn get_bucket_replication_location(&self) -> Promise {
        self.spawn(|c| async move {
            let r = c.get_bucket_replication_location().await?;
            let mut w = JsonObject::new();
            write_location(&mut w, &r.value);
            w.opt_str("requestId", r.request_id.as_deref());
            Ok(w.into_js())
        })
    }

    /// Resolves to `{ rule, progress: { historicalObject?, newObject? }, lagSeconds?, requestId }`.
    #[wasm_bindgen(js_name = getBucketReplicationProgress)]
    pub fn get_bucket_replication_progress(&self, rule_id: JsValue) -> Promise {
        let id = rule_id_arg(&rule_id);
        self.spawn(|c| super::insight::progress_with_lag(c, id))
    }

    /// Deletes a rule (OSS closes it asynchronously); resolves to `{ requestId }`.
    #[wasm_bindgen(js_name = deleteBucketReplication)]
    pub fn delete_bucket_replication(&self, rule_id: JsValue) -> Promise {
        let id = rule_id_arg(&rule_id);
        self.spawn(|c| async move {
            let r = c.delete_bucket_replication(&id?).await?;
            Ok(with_request_id(r.request_id, |_| {}))
        })
    }

    /// Turns replication time control on or off; resolves to `{ requestId }`.
    #[wasm_bindgen(js_name = putBucketRtc)]
    pub fn put_bucket_rtc(&self, rule_id: JsValue, enabled: JsValue) -> Promise {
        let id = rule_id_arg(&rule_id);
        let on = enabled
            .as_bool()
            .ok_or_else(|| Error::invalid("enabled must be true or false"));
        self.spawn(|c| async move {
            let r = c.put_bucket_rtc(&id?, on?).await?;
            Ok(with_request_id(r.request_id, |_| {}))
        })
    }

    /// The bucket this client manages.
    #[wasm_bindgen(getter)]
    pub fn bucket(&self) -> String {
        self.inner.config().bucket.clone()
    }

    /// The correction applied to the local clock after `RequestTimeTooSkewed`, in ms.
    #[wasm_bindgen(getter, js_name = clockOffset)]
    pub fn clock_offset(&self) -> f64 {
        self.inner.clock_offset_ms()
    }
}

fn rule_id_arg(value: &JsValue) -> Result<String, Error> {
    value
        .as_string()
        .ok_or_else(|| Error::invalid("ruleId must be a string"))
}
