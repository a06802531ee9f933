// Shared by tests/wasm_node.rs and tests/wasm_browser.rs: the wasm facade
// (`ReplicationClient`) against a real loopback server, oss-emulator, which
// verifies every signature, speaks CORS and injects faults. The endpoint and
// credentials arrive at compile time (make test-wasm sets them).

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use oss_replication::js::ReplicationClient;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};
use wasm_bindgen_test::*;

/// Set by `make test-wasm` (scripts/with-emulator.sh); without it every test fails
/// with a network error naming this host, so a missing server cannot pass silently.
const ENDPOINT: &str = match option_env!("OSS_TEST_ENDPOINT") {
    Some(e) => e,
    None => "http://oss-test-endpoint-unset.invalid",
};
const AK: &str = match option_env!("OSS_TEST_AK") {
    Some(v) => v,
    None => "unset",
};
const SK: &str = match option_env!("OSS_TEST_SK") {
    Some(v) => v,
    None => "unset",
};
/// The source bucket this suite owns (each suite has its own: they share one emulator).
const SOURCE: &str = match option_env!("OSS_TEST_SOURCE") {
    Some(v) => v,
    None => "unset-source",
};

fn obj(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

/// `get(v, "a.b.0")`: a path of keys and array indexes.
fn get(v: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(v.clone(), |cur, key| Reflect::get(&cur, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED))
}

fn text(v: &JsValue, path: &str) -> String {
    get(v, path).as_string().unwrap_or_else(|| panic!("{path} is not a string in {v:?}"))
}

fn strings(items: &[&str]) -> JsValue {
    items.iter().map(|s| JsValue::from_str(s)).collect::<Array>().into()
}

fn options(extra: &[(&str, JsValue)]) -> JsValue {
    let o = obj(&[
        ("bucket", SOURCE.into()),
        ("region", "oss-cn-hangzhou".into()),
        ("endpoint", ENDPOINT.into()),
        ("accessKeyId", AK.into()),
        ("accessKeySecret", SK.into()),
    ]);
    for (k, v) in extra {
        if v.is_undefined() {
            Reflect::delete_property(o.unchecked_ref::<Object>(), &JsValue::from_str(k)).unwrap();
        } else {
            Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
        }
    }
    o
}

fn client(extra: &[(&str, JsValue)]) -> ReplicationClient {
    ReplicationClient::new(options(extra)).unwrap_or_else(|e| panic!("client options rejected: {e:?}"))
}

async fn ok(p: Promise) -> JsValue {
    JsFuture::from(p).await.unwrap_or_else(|e| panic!("call failed: {} {}", text(&e, "code"), text(&e, "message")))
}

async fn fails(p: Promise) -> JsValue {
    match JsFuture::from(p).await {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

/// A global fetch of the emulator's control endpoints.
async fn control(method: &str, path: &str, body: Option<&str>) -> JsValue {
    let fetch: Function = Reflect::get(&js_sys::global(), &"fetch".into()).unwrap().dyn_into().unwrap();
    let init = obj(&[("method", method.into()), ("body", body.map_or(JsValue::UNDEFINED, JsValue::from_str))]);
    let resp = JsFuture::from(fetch.call2(&JsValue::UNDEFINED, &format!("{ENDPOINT}{path}").into(), &init).unwrap().unchecked_into::<Promise>())
        .await
        .unwrap();
    let json: Function = Reflect::get(&resp, &"json".into()).unwrap().dyn_into().unwrap();
    JsFuture::from(json.call0(&resp).unwrap().unchecked_into::<Promise>()).await.unwrap()
}

async fn arm(fault: &str) {
    control("POST", "/_emulator/faults", Some(fault)).await;
}

async fn clear_faults() {
    control("DELETE", "/_emulator/faults", None).await;
}

fn rule(dest: &str, prefixes: &[&str]) -> JsValue {
    obj(&[
        ("destination", obj(&[("bucket", dest.into()), ("location", "oss-cn-beijing".into())])),
        ("prefixes", strings(prefixes)),
        ("actions", strings(&["PUT", "DELETE"])),
        ("historicalObjectReplication", true.into()),
    ])
}

#[wasm_bindgen_test]
async fn lifecycle_v4() {
    let c = client(&[]);
    let put = ok(c.put_bucket_replication(rule("dst-beijing", &["logs/", "<img src=x onerror=alert(1)>"]))).await;
    let id = text(&put, "ruleId");
    assert!(get(&put, "requestId").is_string());

    let rules = ok(c.get_bucket_replication()).await;
    let list = Array::from(&get(&rules, "rules"));
    let mine = list.iter().find(|r| get(r, "id").as_string().as_deref() == Some(id.as_str())).expect("the new rule is listed");
    assert_eq!(text(&mine, "destination.bucket"), "dst-beijing");
    assert_eq!(text(&mine, "destination.location"), "oss-cn-beijing");
    assert_eq!(text(&mine, "prefixes.1"), "<img src=x onerror=alert(1)>");
    assert_eq!(text(&mine, "actions.0"), "PUT");
    assert!(["starting", "doing"].contains(&text(&mine, "status").as_str()));

    let loc = ok(c.get_bucket_replication_location()).await;
    let locations: Vec<String> = Array::from(&get(&loc, "locations")).iter().filter_map(|l| l.as_string()).collect();
    assert!(locations.iter().any(|l| l == "oss-cn-beijing"), "{locations:?}");
    assert!(Array::is_array(&get(&loc, "transferTypeConstraints")) && Array::is_array(&get(&loc, "rtcLocations")));

    let progress = ok(c.get_bucket_replication_progress(id.clone().into())).await;
    assert_eq!(text(&progress, "rule.id"), id);
    assert!(get(&progress, "progress").is_object());

    ok(c.delete_bucket_replication(id.clone().into())).await;
    let after = ok(c.get_bucket_replication()).await;
    let still: Vec<JsValue> = Array::from(&get(&after, "rules")).iter().filter(|r| get(r, "id").as_string().as_deref() == Some(id.as_str())).collect();
    assert!(still.is_empty() || text(&still[0], "status") == "closing");
}

#[wasm_bindgen_test]
async fn requests_carry_x_oss_date_and_never_date() {
    // Browsers drop a `Date` set on fetch, so the library never sets one: the
    // emulator's request log shows what actually arrived.
    ok(client(&[("signatureVersion", "v1".into())]).get_bucket_replication_location()).await;
    ok(client(&[]).get_bucket_replication_location()).await;
    let log = control("GET", &format!("/_emulator/requests?bucket={SOURCE}"), None).await;
    let requests: Vec<JsValue> = Array::from(&get(&log, "requests")).iter().filter(|r| text(r, "method") != "OPTIONS").collect();
    assert!(requests.len() >= 2);
    for r in &requests {
        assert!(get(r, "headers.date").is_undefined(), "a Date header was sent: {r:?}");
        assert!(get(r, "headers.x-oss-date").is_string(), "no x-oss-date: {r:?}");
        assert!(get(r, "headers.authorization").is_string());
    }
}

#[wasm_bindgen_test]
async fn v1_signatures_are_accepted() {
    let c = client(&[("signatureVersion", "v1".into())]);
    let loc = ok(c.get_bucket_replication_location()).await;
    assert!(Array::from(&get(&loc, "locations")).length() > 0);
}

#[wasm_bindgen_test]
async fn service_errors_map_to_oss_error_fields() {
    let c = client(&[("bucket", "no-such-bucket".into())]);
    let e = fails(c.get_bucket_replication()).await;
    assert_eq!(text(&e, "name"), "OssError");
    assert_eq!(text(&e, "code"), "NoSuchBucket");
    assert_eq!(get(&e, "status").as_f64(), Some(404.0));
    assert!(get(&e, "requestId").is_string());
    assert_eq!(get(&e, "retryable").as_bool(), Some(false));

    let c = client(&[("accessKeySecret", "wrong-secret".into())]);
    let e = fails(c.get_bucket_replication()).await;
    assert_eq!(text(&e, "code"), "SignatureDoesNotMatch");
    assert!(text(&e, "serverStringToSign").starts_with("OSS4-HMAC-SHA256\n"));
    assert!(!text(&e, "message").contains("wrong-secret") && !format!("{e:?}").contains("wrong-secret"));
    // The same client keeps working for other calls after an error.
    let e = fails(c.get_bucket_replication_progress("".into())).await;
    assert_eq!(text(&e, "code"), "InvalidArgument");
}

#[wasm_bindgen_test]
async fn sts_refresh_is_shared_by_concurrent_calls() {
    let calls = Rc::new(Cell::new(0u32));
    let counter = calls.clone();
    let refresh = Closure::<dyn FnMut() -> Promise>::new(move || {
        counter.set(counter.get() + 1);
        future_to_promise(async move {
            let creds = control("POST", "/_emulator/sts?lifetime=900", None).await;
            Ok(obj(&[
                ("accessKeyId", get(&creds, "accessKeyId")),
                ("accessKeySecret", get(&creds, "accessKeySecret")),
                ("stsToken", get(&creds, "securityToken")),
                ("expiration", get(&creds, "expiration")),
            ]))
        })
    });
    let c = client(&[
        ("accessKeyId", JsValue::UNDEFINED),
        ("accessKeySecret", JsValue::UNDEFINED),
        ("refreshSTSToken", refresh.as_ref().clone()),
    ]);
    let promises: Array = (0..5).map(|_| JsValue::from(c.get_bucket_replication_location())).collect();
    let all = JsFuture::from(Promise::all(&promises)).await.unwrap();
    assert_eq!(Array::from(&all).length(), 5);
    assert_eq!(calls.get(), 1, "five concurrent calls, one refresh");
    ok(c.get_bucket_replication()).await;
    assert_eq!(calls.get(), 1, "fresh credentials are reused");
}

#[wasm_bindgen_test]
async fn a_throwing_refresh_rejects_with_its_message() {
    let refresh = Closure::<dyn FnMut() -> Promise>::new(|| Promise::reject(&js_sys::Error::new("STS backend is down").into()));
    let c = client(&[("accessKeyId", JsValue::UNDEFINED), ("accessKeySecret", JsValue::UNDEFINED), ("refreshSTSToken", refresh.as_ref().clone())]);
    let e = fails(c.get_bucket_replication()).await;
    assert_eq!(text(&e, "code"), "CredentialsRefreshFailed");
    assert!(text(&e, "message").contains("STS backend is down"));
}

#[wasm_bindgen_test]
async fn server_errors_are_retried() {
    clear_faults().await;
    arm(r#"{"match":{"query":"replicationLocation","bucket":"BUCKET"},"count":2,"action":{"status":503,"code":"ServiceUnavailable"}}"#.replace("BUCKET", SOURCE).as_str()).await;
    let c = client(&[]);
    ok(c.get_bucket_replication_location()).await;
    let left = control("GET", "/_emulator/faults", None).await;
    assert_eq!(Array::from(&get(&left, "faults")).length(), 0, "both 503s were consumed: {left:?}");

    arm(&r#"{"match":{"query":"replicationLocation","bucket":"BUCKET"},"count":1,"action":{"drop":true}}"#.replace("BUCKET", SOURCE)).await;
    ok(c.get_bucket_replication_location()).await;

    arm(&r#"{"match":{"query":"replicationLocation","bucket":"BUCKET"},"count":1,"action":{"html":true}}"#.replace("BUCKET", SOURCE)).await;
    let once = client(&[("retryMax", 0.into())]);
    let e = fails(once.get_bucket_replication_location()).await;
    assert_eq!(text(&e, "code"), "BadGateway");
    assert_eq!(get(&e, "retryable").as_bool(), Some(true));
    assert!(text(&e, "message").contains("not an OSS error"));
    clear_faults().await;
}

#[wasm_bindgen_test]
async fn a_stalled_attempt_times_out() {
    clear_faults().await;
    arm(&r#"{"match":{"query":"replication","bucket":"BUCKET"},"count":1,"action":{"stall_ms":3000}}"#.replace("BUCKET", SOURCE)).await;
    let c = client(&[("timeout", 300.into()), ("retryMax", 0.into())]);
    let e = fails(c.get_bucket_replication()).await;
    assert_eq!(text(&e, "code"), "ClientTimeout");
    assert_eq!(get(&e, "status").as_f64(), Some(-1.0));
    clear_faults().await;
    ok(c.get_bucket_replication()).await;
}

#[wasm_bindgen_test]
async fn clock_skew_is_corrected_from_the_server() {
    control("POST", "/_emulator/clock", Some(r#"{"offset_secs":1200}"#)).await;
    let c = client(&[]);
    let result = JsFuture::from(c.get_bucket_replication_location()).await;
    control("DELETE", "/_emulator/clock", None).await;
    result.unwrap_or_else(|e| panic!("skew not corrected: {}", text(&e, "message")));
    let offset = c.clock_offset();
    assert!((offset - 1_200_000.0).abs() < 5_000.0, "offset {offset}");
}

#[wasm_bindgen_test]
async fn oversized_answers_fail_cleanly() {
    let c = client(&[("maxResponseBytes", 40.into()), ("retryMax", 0.into())]);
    let e = fails(c.get_bucket_replication_location()).await;
    assert_eq!(text(&e, "code"), "ResponseTooLarge");
    ok(client(&[]).get_bucket_replication_location()).await;
}

#[wasm_bindgen_test]
fn replication_policies_are_plain_objects() {
    let input = obj(&[
        ("sourceBucket", SOURCE.into()),
        ("destinationBucket", "dst-beijing".into()),
        ("rule", obj(&[
            ("destination", obj(&[("bucket", "dst-beijing".into()), ("location", "oss-cn-beijing".into())])),
            ("syncRole", "oss-replication".into()),
            ("sseKmsEncryptedObjects", true.into()),
            ("replicaKmsKeyId", "key-1".into()),
        ])),
        ("sourceAccountId", "1111".into()),
        ("destinationAccountId", "2222".into()),
    ]);
    let p = oss_replication::js::replication_policies(input).unwrap_or_else(|e| panic!("{}", text(&e, "message")));
    assert_eq!(text(&p, "operatorPolicy.Version"), "1");
    assert_eq!(text(&p, "operatorPolicy.Statement.0.Action.0"), "oss:PutBucketReplication");
    assert_eq!(text(&p, "roleTrustPolicy.Statement.0.Principal.Service.0"), "oss.aliyuncs.com");
    assert_eq!(text(&p, "rolePermissionPolicy.Statement.1.Resource.0"), "acs:oss:*:2222:dst-beijing");
    assert_eq!(text(&p, "rolePermissionPolicy.Statement.3.Resource.0"), "acs:kms:cn-beijing:2222:key/key-1");
    assert_eq!(text(&p, "destinationBucketPolicy.Statement.0.Principal.0"), "arn:sts::1111:assumed-role/oss-replication/*");
    assert_eq!(text(&p, "cors.exposeHeaders.2"), "x-oss-replication-rule-id");
    assert_eq!(text(&p, "roleName"), "oss-replication");
    let bad = oss_replication::js::replication_policies(obj(&[("sourceBucket", SOURCE.into()), ("destinationBucket", "dst-beijing".into()), ("rule", JsValue::NULL)])).unwrap_err();
    assert_eq!(text(&bad, "message"), "rule is required");
    let typo = oss_replication::js::replication_policies(obj(&[("sourceBucket", SOURCE.into()), ("destinationBuckets", "x".into())])).unwrap_err();
    assert!(text(&typo, "message").starts_with("input.destinationBucket is required"), "{}", text(&typo, "message"));
}
