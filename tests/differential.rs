//! Differential test against the reference SDKs (oss2 2.19.1 and
//! alibabacloud-oss-v2 1.4.1): tests/refgen/gen_cases.py runs the SDKs
//! themselves on random inputs and records what they put on the wire; here the
//! library must produce the same strings and bytes.
//!
//! Three checks per case:
//! 1. signer: the SDK's request (method, query, headers) signed by us gives the
//!    SDK's canonical request, string to sign and Authorization;
//! 2. builder: our request for the same input has the SDK's method, query and
//!    body (oss2: byte for byte, so the same Content-MD5; oss-v2: the same XML
//!    once element order is normalised);
//! 3. end to end where the SDK sends what we send (oss2 GETs with x-oss-date or
//!    V4): our own builder + signer give the SDK's Authorization.
//!
//! Deliberate differences (tests/refgen/README.md has examples):
//! - oss-v2 sends and signs Content-Type/Content-MD5 on GETs; we send neither (as oss2).
//! - oss2 sends no Content-Type on POST bodies; we send application/xml (as oss-v2, Go).
//! - oss-v2 V1 sends an STS token as an unsigned `security-token` header; we
//!   send and sign `x-oss-security-token` (as oss2, ali-oss and the OSS docs).
//!
//! `DIFFERENTIAL_CASES=path` checks a freshly generated file (`make test` does);
//! without it, the committed snapshot tests/vectors/differential.json.
//! `OUR_BODIES_OUT=path` writes our Put bodies for tests/refgen/check_bodies.py.
//!
//! `UserTaggings` (tag filters) is modelled by neither reference SDK, so it has no
//! SDK vector: every Put case is also built with a tag filter derived from the case,
//! and that body must be the SDK-checked body plus exactly the `<UserTaggings>`
//! element written as in oss-wire.md (a direct child of `<Rule>`). Those bodies go to
//! check_bodies.py too, where oss2 reads the other fields and Python's ElementTree
//! reads the tags back.

use std::collections::BTreeMap;

use oss_replication::replication::{
    Destination, OssRequest, ReplicationRule, Tag, UserTaggings, delete_bucket_replication,
    get_bucket_replication, get_bucket_replication_location, get_bucket_replication_progress,
    put_bucket_replication, put_bucket_rtc,
};
use oss_replication::{
    Credentials, RequestParts, SignatureVersion, SigningParams, SigningTime, sign,
};
use quick_xml::events::Event;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct File {
    cases: Vec<Case>,
    #[serde(default)]
    fixed: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    sdk: String,
    mode: String,
    op: String,
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
    bucket: String,
    region: String,
    time: i64,
    input: Value,
    request: Request,
    canonical_request: Option<String>,
    string_to_sign: String,
    authorization: String,
}

#[derive(Deserialize)]
struct Request {
    method: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

fn s(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn rule_from_input(v: &Value) -> ReplicationRule {
    let d = &v["destination"];
    let strings = |key: &str| -> Vec<String> {
        v.get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|x| x.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    ReplicationRule {
        id: s(v, "id"),
        destination: Destination {
            bucket: s(d, "bucket").unwrap(),
            location: s(d, "location").unwrap(),
            transfer_type: s(d, "transferType"),
        },
        prefixes: strings("prefixes"),
        actions: strings("actions"),
        historical_object_replication: v
            .get("historicalObjectReplication")
            .and_then(Value::as_bool),
        sync_role: s(v, "syncRole"),
        sse_kms_encrypted_objects: v.get("sseKmsEncryptedObjects").and_then(Value::as_bool),
        replica_kms_key_id: s(v, "replicaKmsKeyId"),
        rtc: v.get("rtc").and_then(Value::as_bool),
        ..Default::default()
    }
}

fn build(c: &Case) -> OssRequest {
    let rule_id = || s(&c.input, "ruleId").unwrap();
    match c.op.as_str() {
        "put_replication" => put_bucket_replication(&c.bucket, &rule_from_input(&c.input["rule"])),
        "get_replication" => get_bucket_replication(&c.bucket),
        "get_location" => get_bucket_replication_location(&c.bucket),
        "get_progress" => get_bucket_replication_progress(&c.bucket, &rule_id()),
        "delete_replication" => delete_bucket_replication(&c.bucket, &rule_id()),
        "put_rtc" => put_bucket_rtc(&c.bucket, &rule_id(), c.input["enabled"].as_bool().unwrap()),
        other => panic!("unknown op {other}"),
    }
    .unwrap_or_else(|e| panic!("case {}: our builder rejected the SDK's input: {e}", c.id))
}

/// An element tree with children sorted, for comparing XML regardless of element order.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Tree {
    name: String,
    text: String,
    children: Vec<Tree>,
}

fn normalized_xml(body: &str) -> Tree {
    let mut reader = quick_xml::Reader::from_str(body);
    let mut stack = vec![Tree {
        name: String::new(),
        text: String::new(),
        children: vec![],
    }];
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => stack.push(Tree {
                name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
                text: String::new(),
                children: vec![],
            }),
            Event::Empty(e) => stack.last_mut().unwrap().children.push(Tree {
                name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
                text: String::new(),
                children: vec![],
            }),
            Event::Text(t) => stack
                .last_mut()
                .unwrap()
                .text
                .push_str(&t.unescape().unwrap()),
            Event::End(_) => {
                let mut done = stack.pop().unwrap();
                done.children.sort();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    stack.pop().unwrap()
}

/// Headers our signer adds itself: removed from the SDK's request before we sign it.
fn signer_added(name: &str, version: SignatureVersion) -> bool {
    let n = name.to_ascii_lowercase();
    n == "authorization"
        || n == "x-oss-security-token"
        || (version == SignatureVersion::V4 && (n == "x-oss-date" || n == "x-oss-content-sha256"))
}

/// The V4 Authorization with oss2's `, Signature=` separator written as `,Signature=` (both are accepted).
fn canonical_auth(auth: &str) -> String {
    auth.replace(", Signature=", ",Signature=")
        .replace(", AdditionalHeaders=", ",AdditionalHeaders=")
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn check_signer(c: &Case, ours: &OssRequest, version: SignatureVersion) -> Result<(), String> {
    // oss-v2 V1 sends the token unsigned (`security-token`); we sign it as oss2 does.
    let v2_v1_token =
        c.sdk == "oss-v2" && version == SignatureVersion::V1 && c.security_token.is_some();
    let token = if v2_v1_token {
        None
    } else {
        c.security_token.clone()
    };
    let creds = Credentials::new(&c.access_key_id, &c.access_key_secret, token).unwrap();
    let headers: Vec<(String, String)> = c
        .request
        .headers
        .iter()
        .filter(|(k, _)| !signer_added(k, version) && !k.eq_ignore_ascii_case("security-token"))
        .cloned()
        .collect();
    let parts = RequestParts {
        method: &c.request.method,
        bucket: Some(&c.bucket),
        key: "",
        query: &c.request.query,
        headers: &headers,
    };
    let params = SigningParams {
        version,
        region: &c.region,
        time: SigningTime::from_epoch_secs(c.time),
        subresources: Some(ours.operation.signed_subresources()),
        additional_headers: &[],
    };
    let signed = sign(&parts, &creds, &params);
    if signed.canonical_request != c.canonical_request {
        return Err(format!(
            "canonical request\n ours: {:?}\n sdk:  {:?}",
            signed.canonical_request, c.canonical_request
        ));
    }
    if signed.string_to_sign != c.string_to_sign {
        return Err(format!(
            "string to sign\n ours: {:?}\n sdk:  {:?}",
            signed.string_to_sign, c.string_to_sign
        ));
    }
    if signed.authorization() != canonical_auth(&c.authorization) {
        return Err(format!(
            "authorization\n ours: {}\n sdk:  {}",
            signed.authorization(),
            c.authorization
        ));
    }
    for (name, value) in &signed.headers {
        if name == "authorization" {
            continue;
        }
        if header(&c.request.headers, name) != Some(value.as_str()) {
            return Err(format!(
                "added header {name}: ours {value:?}, sdk {:?}",
                header(&c.request.headers, name)
            ));
        }
    }
    if v2_v1_token {
        // Same request with the token signed the oss2 way: it must appear as an x-oss header line.
        let creds = Credentials::new(
            &c.access_key_id,
            &c.access_key_secret,
            c.security_token.clone(),
        )
        .unwrap();
        let with = sign(&parts, &creds, &params);
        let line = format!(
            "x-oss-security-token:{}\n",
            c.security_token.as_deref().unwrap()
        );
        if !with.string_to_sign.contains(&line) {
            return Err("our V1 STS signature does not sign x-oss-security-token".into());
        }
    }
    Ok(())
}

fn sorted(q: &[(String, String)]) -> Vec<(String, String)> {
    let mut q = q.to_vec();
    q.sort();
    q
}

fn check_builder(c: &Case, ours: &OssRequest) -> Result<(), String> {
    if ours.method != c.request.method {
        return Err(format!(
            "method: ours {}, sdk {}",
            ours.method, c.request.method
        ));
    }
    if sorted(&ours.query) != sorted(&c.request.query) {
        return Err(format!(
            "query: ours {:?}, sdk {:?}",
            ours.query, c.request.query
        ));
    }
    match (&ours.body, &c.request.body) {
        (None, None) => {}
        (Some(a), Some(b)) if c.sdk == "oss2" => {
            if a != b {
                return Err(format!("body bytes\n ours: {a}\n sdk:  {b}"));
            }
            if header(&ours.headers, "content-md5") != header(&c.request.headers, "content-md5") {
                return Err("content-md5 differs".into());
            }
        }
        (Some(a), Some(b)) => {
            if normalized_xml(a) != normalized_xml(b) {
                return Err(format!(
                    "body XML (order-normalised)\n ours: {a}\n sdk:  {b}"
                ));
            }
        }
        (a, b) => return Err(format!("body presence: ours {a:?}, sdk {b:?}")),
    }
    Ok(())
}

/// A tag filter derived from the case ID (FNV-1a seeded xorshift): 1..=10 tags with
/// unique keys over the characters OSS allows in tags, AND or OR.
fn tag_filter_for(id: &str) -> UserTaggings {
    let mut x = id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    }) | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    const CHARS: &[char] = &[
        'a', 'z', 'A', 'Z', '0', '9', ' ', '+', '-', '=', '.', '_', ':', '/', 'é', '中', '文', 'Ω',
    ];
    let mut text = |min: u64, max: u64| -> String {
        let n = min + next() % (max - min + 1);
        (0..n)
            .map(|_| CHARS[(next() % CHARS.len() as u64) as usize])
            .collect()
    };
    let count = 1 + (id.len() as u64 * 7 + 3) % 10;
    let mut tags: Vec<Tag> = Vec::new();
    while (tags.len() as u64) < count {
        let key = text(1, 24);
        if tags.iter().all(|t| t.key != key) {
            let value = text(0, 24);
            tags.push(Tag { key, value });
        }
    }
    UserTaggings {
        filter_type: if count % 2 == 0 { "AND" } else { "OR" }.into(),
        tags,
    }
}

/// The `<UserTaggings>` element as oss-wire.md writes it (tag characters need no escaping).
fn wire_user_taggings(t: &UserTaggings) -> String {
    let mut out = format!("<UserTaggings><FilterType>{}</FilterType>", t.filter_type);
    for tag in &t.tags {
        out.push_str(&format!(
            "<UserTagging><Key>{}</Key><Value>{}</Value></UserTagging>",
            tag.key, tag.value
        ));
    }
    out + "</UserTaggings>"
}

/// Our body with a tag filter is the SDK-checked body plus exactly the wire-format element,
/// a direct child of `<Rule>`.
fn check_user_taggings(c: &Case, plain: &OssRequest) -> Result<(Value, String), String> {
    let mut rule = rule_from_input(&c.input["rule"]);
    let filter = tag_filter_for(&c.id);
    rule.user_taggings = Some(filter.clone());
    let tagged = put_bucket_replication(&c.bucket, &rule)
        .map_err(|e| format!("a valid tag filter was rejected: {e}"))?
        .body
        .unwrap_or_default();
    let element = wire_user_taggings(&filter);
    if tagged.matches(&element).count() != 1 {
        return Err(format!(
            "body lacks the wire-format element {element}\n ours: {tagged}"
        ));
    }
    let without = tagged.replacen(&element, "", 1);
    if Some(&without) != plain.body.as_ref() {
        return Err(format!(
            "body with UserTaggings, element removed, differs from the body without\n with:    {tagged}\n without: {:?}",
            plain.body
        ));
    }
    let tree = normalized_xml(&tagged);
    let rule_node = tree.children.first().and_then(|root| root.children.first());
    if !rule_node
        .is_some_and(|r| r.name == "Rule" && r.children.iter().any(|ch| ch.name == "UserTaggings"))
    {
        return Err("<UserTaggings> is not a child of <Rule>".into());
    }
    let mut input = c.input["rule"].clone();
    input["userTaggings"] = serde_json::json!({
        "filterType": filter.filter_type,
        "tags": filter.tags.iter().map(|t| serde_json::json!({"key": t.key, "value": t.value})).collect::<Vec<_>>(),
    });
    Ok((input, tagged))
}

/// oss2 GETs carry exactly our headers in V4 and in V1 with x-oss-date: our whole
/// pipeline (builder + signer + clock) must give oss2's Authorization.
fn check_end_to_end(
    c: &Case,
    ours: &OssRequest,
    version: SignatureVersion,
) -> Result<bool, String> {
    if c.sdk != "oss2" || ours.body.is_some() || c.mode == "v1_date" {
        return Ok(false);
    }
    let creds = Credentials::new(
        &c.access_key_id,
        &c.access_key_secret,
        c.security_token.clone(),
    )
    .unwrap();
    let signed = ours.sign(
        &creds,
        version,
        &c.region,
        SigningTime::from_epoch_secs(c.time),
    );
    if signed.authorization() != canonical_auth(&c.authorization) {
        return Err(format!(
            "end to end authorization\n ours: {}\n sdk:  {}",
            signed.authorization(),
            c.authorization
        ));
    }
    Ok(true)
}

#[test]
fn matches_the_reference_sdks() {
    let path = std::env::var("DIFFERENTIAL_CASES").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/vectors/differential.json"
        )
        .into()
    });
    let file: File = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert!(
        file.cases.len() >= 1000,
        "{path}: only {} cases",
        file.cases.len()
    );
    let mut failures = Vec::new();
    let mut counts: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    let mut end_to_end = 0;
    let mut bodies = Vec::new();
    let mut tagged = 0;
    for c in file.cases.iter().chain(&file.fixed) {
        let version = if c.mode == "v4" {
            SignatureVersion::V4
        } else {
            SignatureVersion::V1
        };
        let ours = build(c);
        let result = check_signer(c, &ours, version)
            .map_err(|e| format!("signer: {e}"))
            .and_then(|()| check_builder(c, &ours).map_err(|e| format!("builder: {e}")))
            .and_then(|()| check_end_to_end(c, &ours, version));
        match result {
            Ok(e2e) => end_to_end += usize::from(e2e),
            Err(e) => failures.push(format!(
                "case {} ({} {} {}): {e}",
                c.id, c.sdk, c.mode, c.op
            )),
        }
        *counts
            .entry((c.sdk.clone(), c.mode.clone(), c.op.clone()))
            .or_default() += 1;
        if c.op == "put_replication" {
            bodies
                .push(serde_json::json!({"id": c.id, "input": c.input["rule"], "body": ours.body}));
            match check_user_taggings(c, &ours) {
                Ok((input, body)) => {
                    tagged += 1;
                    bodies.push(serde_json::json!({"id": format!("{}+tags", c.id), "input": input, "body": body}));
                }
                Err(e) => failures.push(format!("case {} UserTaggings: {e}", c.id)),
            }
        }
    }
    if let Ok(out) = std::env::var("OUR_BODIES_OUT") {
        std::fs::write(out, serde_json::to_string(&bodies).unwrap()).unwrap();
    }
    println!(
        "{} cases from {path}; {end_to_end} also end to end; {tagged} Put bodies also with UserTaggings",
        file.cases.len() + file.fixed.len()
    );
    assert!(tagged > 0, "no Put case was checked with UserTaggings");
    for ((sdk, mode, op), n) in &counts {
        println!("  {sdk:7} {mode:12} {op:20} {n}");
    }
    // Every operation in every signing mode is covered.
    for mode in ["v1_date", "v1_xossdate", "v4"] {
        for op in [
            "put_replication",
            "get_replication",
            "get_location",
            "get_progress",
            "delete_replication",
            "put_rtc",
        ] {
            let n: usize = counts
                .iter()
                .filter(|((_, m, o), _)| m == mode && o == op)
                .map(|(_, n)| n)
                .sum();
            assert!(n > 0, "no {op} case in mode {mode}");
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
