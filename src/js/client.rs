//! `ReplicationClient`: options in, promises of plain objects out.

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{JsonObject, Reader, progress_js, rule_from_js, write_location, write_rule};
use super::error::to_js;
use super::fetch::FetchTransport;
use crate::client::{Client, ClientConfig};
use crate::credentials::Credentials;
use crate::endpoint::{Endpoint, EndpointOptions, Region, validate_bucket_name};
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::sign::SignatureVersion;

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

/// Default per-attempt timeout (ali-oss uses 60 s).
const DEFAULT_TIMEOUT_MS: f64 = 60_000.0;
/// The largest delay `setTimeout` honours (2^31 - 1 ms).
const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;
/// Default response cap: replication answers are a few KiB; 4 MiB is generous.
const DEFAULT_MAX_RESPONSE_BYTES: f64 = 4.0 * 1024.0 * 1024.0;

/// Manages the replication rules of one bucket.
#[wasm_bindgen]
pub struct ReplicationClient {
    inner: Rc<Client<FetchTransport>>,
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

fn build(options: &JsValue) -> Result<Client<FetchTransport>, Error> {
    let o = Reader::new(options, "options", OPTIONS)?;
    let bucket = o.required_string("bucket")?;
    validate_bucket_name(&bucket).map_err(|e| e.context("options.bucket"))?;
    let region =
        Region::new(&o.required_string("region")?).map_err(|e| e.context("options.region"))?;
    let endpoint_text = o.string("endpoint")?;
    let endpoint = Endpoint::new(
        &region,
        &EndpointOptions {
            endpoint: endpoint_text.as_deref(),
            path_style: o.boolean("pathStyle")?.unwrap_or(false),
            cname: o.boolean("cname")?.unwrap_or(false),
            internal: o.boolean("internal")?.unwrap_or(false),
        },
    )
    .map_err(|e| e.context("options.endpoint"))?;
    let version = SignatureVersion::from_option(
        o.string("signatureVersion")?.as_deref(),
        "options.signatureVersion",
    )?;
    let refresh = function(&o, "refreshSTSToken")?;
    let id = o.string("accessKeyId")?;
    let secret = o.string("accessKeySecret")?;
    let credentials = match (id, secret) {
        (Some(id), Some(secret)) => Some(Credentials::new(id, secret, o.string("stsToken")?)?),
        (None, None) if refresh.is_some() => None,
        (None, None) => {
            return Err(Error::invalid(
                "options needs accessKeyId and accessKeySecret (with stsToken for STS), or a refreshSTSToken callback",
            ));
        }
        (Some(_), None) => {
            return Err(Error::invalid(
                "options.accessKeySecret is required with accessKeyId",
            ));
        }
        (None, Some(_)) => {
            return Err(Error::invalid(
                "options.accessKeyId is required with accessKeySecret",
            ));
        }
    };
    let retry_max = o.number("retryMax")?.unwrap_or(3.0);
    if retry_max.fract() != 0.0 || retry_max > 20.0 {
        return Err(Error::invalid(
            "options.retryMax must be a whole number from 0 to 20",
        ));
    }
    let timeout_ms = o.number("timeout")?.unwrap_or(DEFAULT_TIMEOUT_MS);
    // setTimeout takes a signed 32-bit delay: a larger one fires at once (Node
    // clamps it to 1 ms), which would abort every attempt.
    if !(1.0..=MAX_TIMEOUT_MS).contains(&timeout_ms) {
        return Err(Error::invalid(
            "options.timeout must be from 1 to 2147483647 (milliseconds, about 24.8 days)",
        ));
    }
    let transport = FetchTransport {
        fetch: function(&o, "fetch")?,
        timeout_ms,
        max_response_bytes: o
            .number("maxResponseBytes")?
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES) as usize,
        refresh,
        in_browser: crate::error::is_browser_user_agent(super::fetch::user_agent().as_deref()),
    };
    let refresh_interval_ms = Some(o.number("refreshSTSTokenInterval")?.unwrap_or(300_000.0));
    o.finish()?;
    let config = ClientConfig {
        bucket,
        region,
        endpoint,
        version,
        retry: RetryPolicy {
            max_retries: retry_max as u32,
            ..RetryPolicy::default()
        },
        // ali-oss refreshes every 5 minutes by default when a callback is given.
        refresh_interval_ms,
        timeout_ms,
    };
    Ok(Client::new(config, transport, credentials))
}

/// `{ requestId }` plus the fields `extra` sets.
fn with_request_id(request_id: Option<String>, extra: impl FnOnce(&mut JsonObject)) -> JsValue {
    let mut w = JsonObject::new();
    extra(&mut w);
    w.opt_str("requestId", request_id.as_deref());
    w.into_js()
}

type Call = std::pin::Pin<Box<dyn std::future::Future<Output = Result<JsValue, Error>>>>;

/// The one place a call becomes a Promise: boxing keeps a single copy of
/// `future_to_promise`'s machinery in the wasm instead of one per method.
fn promise(call: Call) -> Promise {
    future_to_promise(async move { call.await.map_err(|e| to_js(&e)) })
}

impl ReplicationClient {
    fn spawn<F>(&self, f: impl FnOnce(Rc<Client<FetchTransport>>) -> F) -> Promise
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

    /// Resolves to `{ rule, progress: { historicalObject?, newObject? }, requestId }`.
    #[wasm_bindgen(js_name = getBucketReplicationProgress)]
    pub fn get_bucket_replication_progress(&self, rule_id: JsValue) -> Promise {
        let id = rule_id_arg(&rule_id);
        self.spawn(|c| async move {
            let r = c.get_bucket_replication_progress(&id?).await?;
            Ok(progress_js(&r.value, r.request_id.as_deref()))
        })
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
