//! Bucket versioning, object tags, GetBucketInfo, tag-filtered replication,
//! `--replication-rate`, ListObjectsV2 paging and service-level CORS, against the
//! real binary.

mod common;

use std::time::{Duration, Instant};

use common::{Emulator, Resp, account, now};
use oss_replication::SignatureVersion::V4;
use oss_replication::replication::{
    Destination, ReplicationRule, Tag, UserTaggings, get_bucket_replication_progress,
    parse_get_bucket_replication, parse_get_bucket_replication_progress, put_bucket_replication,
};
use oss_replication::xml::parse_document;
use oss_replication::{RequestParts, SigningParams, SigningTime, sign};

const HZ: &str = "cn-hangzhou";

fn start(extra: &[&str]) -> Emulator {
    let mut args = vec![
        "--bucket",
        "src:oss-cn-hangzhou",
        "--bucket",
        "dst-and:oss-cn-beijing",
        "--bucket",
        "dst-or:oss-cn-shanghai",
        "--status-delay-ms",
        "100",
    ];
    args.extend_from_slice(extra);
    Emulator::start(&args)
}

fn bucket_call(em: &Emulator, method: &str, bucket: &str, query: &str, body: &[u8]) -> Resp {
    em.object(
        method,
        bucket,
        "",
        &[(query, "")],
        &[("content-type", "application/xml")],
        body,
        &account(),
        V4,
        HZ,
    )
}

fn put_tagged(em: &Emulator, key: &str, tagging: &str) -> Resp {
    em.object(
        "PUT",
        "src",
        key,
        &[],
        &[("x-oss-tagging", tagging)],
        key.as_bytes(),
        &account(),
        V4,
        HZ,
    )
}

fn region_of(bucket: &str) -> &'static str {
    match bucket {
        "dst-and" => "cn-beijing",
        "dst-or" => "cn-shanghai",
        _ => HZ,
    }
}

fn keys(em: &Emulator, bucket: &str) -> Vec<String> {
    let r = em.object(
        "GET",
        bucket,
        "",
        &[("list-type", "2"), ("max-keys", "1000")],
        &[],
        b"",
        &account(),
        V4,
        region_of(bucket),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let root = parse_document(&r.body, "ListBucketResult").unwrap();
    root.children("Contents")
        .map(|c| c.text_of("Key").unwrap().to_owned())
        .collect()
}

fn tag_rule(dest: &str, location: &str, filter: &str, tags: &[(&str, &str)]) -> ReplicationRule {
    ReplicationRule {
        id: Some(format!("to-{dest}")),
        destination: Destination {
            bucket: dest.into(),
            location: location.into(),
            transfer_type: None,
        },
        user_taggings: Some(UserTaggings {
            filter_type: filter.into(),
            tags: tags
                .iter()
                .map(|(k, v)| Tag {
                    key: (*k).into(),
                    value: (*v).into(),
                })
                .collect(),
        }),
        ..Default::default()
    }
}

fn put_rule(em: &Emulator, r: &ReplicationRule) -> Resp {
    em.signed(
        &put_bucket_replication("src", r).unwrap(),
        &account(),
        V4,
        HZ,
    )
}

#[test]
fn bucket_versioning_and_info() {
    let em = start(&[]);
    let r = bucket_call(&em, "GET", "src", "versioning", b"");
    assert_eq!(r.status, 200, "{}", r.text());
    let v = parse_document(&r.body, "VersioningConfiguration").unwrap();
    assert_eq!(v.child("Status").map(|s| s.text.to_string()), None);
    let info = |em: &Emulator| {
        let r = bucket_call(em, "GET", "src", "bucketInfo", b"");
        assert_eq!(r.status, 200, "{}", r.text());
        r
    };
    let i = info(&em);
    let root = parse_document(&i.body, "BucketInfo").unwrap();
    let b = root.child("Bucket").unwrap();
    assert_eq!(b.text_of("Name"), Some("src"));
    assert_eq!(b.text_of("Location"), Some("oss-cn-hangzhou"));
    assert_eq!(b.text_of("CrossRegionReplication"), Some("Disabled"));
    assert!(b.child("Versioning").is_none());
    for status in ["Enabled", "Suspended"] {
        let body =
            format!("<VersioningConfiguration><Status>{status}</Status></VersioningConfiguration>");
        assert_eq!(
            bucket_call(&em, "PUT", "src", "versioning", body.as_bytes()).status,
            200
        );
        let r = bucket_call(&em, "GET", "src", "versioning", b"");
        let v = parse_document(&r.body, "VersioningConfiguration").unwrap();
        assert_eq!(v.text_of("Status"), Some(status));
    }
    bucket_call(
        &em,
        "PUT",
        "src",
        "versioning",
        b"<VersioningConfiguration><Status>Off</Status></VersioningConfiguration>",
    )
    .assert_error(400, "InvalidArgument");
    bucket_call(&em, "PUT", "src", "versioning", b"<Nope/>").assert_error(400, "MalformedXML");
    assert_eq!(
        put_rule(
            &em,
            &tag_rule("dst-and", "oss-cn-beijing", "AND", &[("a", "1")])
        )
        .status,
        200
    );
    let i = info(&em);
    let root = parse_document(&i.body, "BucketInfo").unwrap();
    let b = root.child("Bucket").unwrap();
    assert_eq!(b.text_of("Versioning"), Some("Suspended"));
    assert_eq!(b.text_of("CrossRegionReplication"), Some("Enabled"));
    bucket_call(&em, "GET", "nobucket", "bucketInfo", b"").assert_error(404, "NoSuchBucket");
}

#[test]
fn object_tags() {
    let em = start(&[]);
    assert_eq!(put_tagged(&em, "k", "team=a%20b&env=").status, 200);
    let r = em.object(
        "GET",
        "src",
        "k",
        &[("tagging", "")],
        &[],
        b"",
        &account(),
        V4,
        HZ,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let root = parse_document(&r.body, "Tagging").unwrap();
    let tags: Vec<(String, String)> = root
        .child("TagSet")
        .unwrap()
        .children("Tag")
        .map(|t| {
            (
                t.text_of("Key").unwrap().into(),
                t.text_of("Value").unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        tags,
        [("team".into(), "a b".into()), ("env".into(), String::new())]
    );
    let head = em.object("HEAD", "src", "k", &[], &[], b"", &account(), V4, HZ);
    assert_eq!(head.header("x-oss-tagging-count"), Some("2"));
    put_tagged(&em, "bad", "a=1&a=2").assert_error(400, "InvalidArgument");
    // PutObjectTagging replaces the set; DeleteObjectTagging clears it.
    let body = b"<Tagging><TagSet><Tag><Key>k&amp;1</Key><Value>v</Value></Tag></TagSet></Tagging>";
    let r = em.object(
        "PUT",
        "src",
        "k",
        &[("tagging", "")],
        &[],
        body,
        &account(),
        V4,
        HZ,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = em.object(
        "GET",
        "src",
        "k",
        &[("tagging", "")],
        &[],
        b"",
        &account(),
        V4,
        HZ,
    );
    assert!(
        r.text()
            .contains("<TagSet><Tag><Key>k&amp;1</Key><Value>v</Value></Tag></TagSet>"),
        "{}",
        r.text()
    );
    let r = em.object(
        "DELETE",
        "src",
        "k",
        &[("tagging", "")],
        &[],
        b"",
        &account(),
        V4,
        HZ,
    );
    assert_eq!(r.status, 204);
    let r = em.object(
        "GET",
        "src",
        "k",
        &[("tagging", "")],
        &[],
        b"",
        &account(),
        V4,
        HZ,
    );
    assert!(r.text().contains("<TagSet></TagSet>"), "{}", r.text());
    em.object(
        "PUT",
        "src",
        "missing",
        &[("tagging", "")],
        &[],
        body,
        &account(),
        V4,
        HZ,
    )
    .assert_error(404, "NoSuchKey");
    em.object(
        "PUT",
        "src",
        "k",
        &[("tagging", "")],
        &[],
        b"<Nope/>",
        &account(),
        V4,
        HZ,
    )
    .assert_error(400, "MalformedXML");
    em.object(
        "GET",
        "src",
        "missing",
        &[("tagging", "")],
        &[],
        b"",
        &account(),
        V4,
        HZ,
    )
    .assert_error(404, "NoSuchKey");
}

#[test]
fn user_taggings_filter_what_is_replicated() {
    let em = start(&[]);
    // Historical objects, present before the rules.
    put_tagged(&em, "both", "team=a&env=prod");
    put_tagged(&em, "team-only", "team=a");
    put_tagged(&em, "env-only", "env=prod&x=1");
    put_tagged(&em, "other-value", "team=b");
    assert_eq!(em.put("src", "untagged", b"x", HZ).status, 200);
    let tags = [("team", "a"), ("env", "prod")];
    assert_eq!(
        put_rule(&em, &tag_rule("dst-and", "oss-cn-beijing", "AND", &tags)).status,
        200
    );
    assert_eq!(
        put_rule(&em, &tag_rule("dst-or", "oss-cn-shanghai", "OR", &tags)).status,
        200
    );
    // The filter reads back as it was put.
    let g = em.signed(
        &oss_replication::replication::get_bucket_replication("src").unwrap(),
        &account(),
        V4,
        HZ,
    );
    let rules = parse_get_bucket_replication(&g.body).unwrap();
    let or = rules
        .iter()
        .find(|r| r.id.as_deref() == Some("to-dst-or"))
        .unwrap();
    assert_eq!(
        or.user_taggings,
        tag_rule("dst-or", "", "OR", &tags).user_taggings
    );
    em.wait_for("both rules doing", || {
        let g = em.signed(
            &oss_replication::replication::get_bucket_replication("src").unwrap(),
            &account(),
            V4,
            HZ,
        );
        parse_get_bucket_replication(&g.body)
            .unwrap()
            .iter()
            .all(|r| r.status.as_deref() == Some("doing"))
    });
    // New writes after the rules.
    put_tagged(&em, "new-both", "env=prod&team=a");
    put_tagged(&em, "new-env", "env=prod");
    assert_eq!(em.put("src", "new-untagged", b"x", HZ).status, 200);
    let want_and = ["both", "new-both"];
    let want_or = ["both", "env-only", "new-both", "new-env", "team-only"];
    em.wait_for("tag-filtered replication", || {
        keys(&em, "dst-and") == want_and && keys(&em, "dst-or") == want_or
    });
    // Nothing else arrives later.
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(keys(&em, "dst-and"), want_and);
    assert_eq!(keys(&em, "dst-or"), want_or);
    // Replicas keep their tags.
    let r = em.object(
        "GET",
        "dst-or",
        "env-only",
        &[("tagging", "")],
        &[],
        b"",
        &account(),
        V4,
        "cn-shanghai",
    );
    assert!(
        r.text().contains("<Key>x</Key><Value>1</Value>"),
        "{}",
        r.text()
    );
    // Bad filters are refused by the server too (the library would refuse them first).
    let bad = "<ReplicationConfiguration><Rule><Destination><Bucket>dst-and</Bucket><Location>oss-cn-beijing</Location></Destination><UserTaggings><FilterType>XOR</FilterType><UserTagging><Key>a</Key><Value>b</Value></UserTagging></UserTaggings></Rule></ReplicationConfiguration>";
    let mut req =
        put_bucket_replication("src", &tag_rule("dst-and", "oss-cn-beijing", "AND", &tags))
            .unwrap();
    req.body = Some(bad.into());
    req.headers.retain(|(k, _)| k != "content-md5");
    em.signed(&req, &account(), V4, HZ)
        .assert_error(400, "InvalidArgument");
}

/// `--replication-rate 10`: 30 historical objects take about 3 s, so the
/// historical fraction is seen between 0 and 1, rising, and never ahead of the rate.
#[test]
fn replication_rate_makes_progress_observable() {
    let em = start(&["--replication-rate", "10"]);
    for i in 0..30 {
        assert_eq!(em.put("src", &format!("h/{i:02}"), b"x", HZ).status, 200);
    }
    let mut rule = tag_rule("dst-and", "oss-cn-beijing", "AND", &[]);
    rule.user_taggings = None;
    assert_eq!(put_rule(&em, &rule).status, 200);
    let id = rule.id.clone().unwrap();
    let started = Instant::now();
    let mut seen = Vec::new();
    loop {
        let p = em.signed(
            &get_bucket_replication_progress("src", &id).unwrap(),
            &account(),
            V4,
            HZ,
        );
        let p = parse_get_bucket_replication_progress(&p.body).unwrap();
        let copied = keys(&em, "dst-and").len() as f64;
        // At most one second's burst plus the rate times the time since the rule was made.
        assert!(
            copied <= 10.0 * started.elapsed().as_secs_f64() + 11.0,
            "{copied} objects after {:?}",
            started.elapsed()
        );
        if let Some(h) = p.historical_object {
            seen.push(h);
            if h >= 1.0 {
                break;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no progress: {seen:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let between: Vec<f64> = seen
        .iter()
        .copied()
        .filter(|h| *h > 0.0 && *h < 1.0)
        .collect();
    assert!(between.len() >= 3, "intermediate fractions: {seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "fractions went back: {seen:?}"
    );
    assert_eq!(keys(&em, "dst-and").len(), 30);
}

/// Every page of a ListObjectsV2 walk, following NextContinuationToken.
#[test]
fn list_objects_v2_pages_with_etag_size_and_time() {
    let em = start(&[]);
    let before = now().epoch_secs();
    let mut expected = Vec::new();
    for i in 0..25 {
        let key = format!("p/{i:03}");
        let body = "x".repeat(i);
        assert_eq!(em.put("src", &key, body.as_bytes(), HZ).status, 200);
        let etag = format!(
            "\"{}\"",
            oss_replication::sign::encode::hex(&md5_digest(body.as_bytes())).to_ascii_uppercase()
        );
        expected.push((key, etag, i.to_string()));
    }
    assert_eq!(em.put("src", "q/other", b"x", HZ).status, 200);
    let mut got = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut q = vec![("list-type", "2"), ("prefix", "p/"), ("max-keys", "10")];
        if let Some(t) = &token {
            q.push(("continuation-token", t));
        }
        let r = em.object("GET", "src", "", &q, &[], b"", &account(), V4, HZ);
        assert_eq!(r.status, 200, "{}", r.text());
        let root = parse_document(&r.body, "ListBucketResult").unwrap();
        pages += 1;
        for c in root.children("Contents") {
            let t = SigningTime::parse_iso8601(c.text_of("LastModified").unwrap()).unwrap();
            assert!(t.epoch_secs() >= before - 1 && t.epoch_secs() <= now().epoch_secs() + 1);
            got.push((
                c.text_of("Key").unwrap().to_owned(),
                c.text_of("ETag").unwrap().to_owned(),
                c.text_of("Size").unwrap().to_owned(),
            ));
        }
        let truncated = root.text_of("IsTruncated") == Some("true");
        token = root.string("NextContinuationToken");
        assert_eq!(truncated, token.is_some());
        if !truncated {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(got, expected);
}

fn md5_digest(data: &[u8]) -> Vec<u8> {
    use md5::Digest as _;
    md5::Md5::digest(data).to_vec()
}

/// ListBuckets is a service-level call: OSS applies no bucket CORS rule to it.
#[test]
fn list_buckets_has_no_cors() {
    let em = start(&[]);
    let origin = "http://127.0.0.1:5173";
    let headers: Vec<(String, String)> = Vec::new();
    let parts = RequestParts {
        method: "GET",
        bucket: None,
        key: "",
        query: &[],
        headers: &headers,
    };
    let signed = sign(
        &parts,
        &account(),
        &SigningParams {
            version: V4,
            region: HZ,
            time: now(),
            subresources: None,
            additional_headers: &[],
        },
    );
    let mut h: Vec<(&str, &str)> = signed
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    h.push(("origin", origin));
    let r = em.send("GET", "/", &h, b"");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("<Name>src</Name>"));
    assert_eq!(r.header("access-control-allow-origin"), None);
    let pre = em.send(
        "OPTIONS",
        "/",
        &[("origin", origin), ("access-control-request-method", "GET")],
        b"",
    );
    pre.assert_error(403, "AccessForbidden");
    assert_eq!(pre.header("access-control-allow-origin"), None);
    // A bucket-level call from the same origin does get CORS headers.
    let b = em.object(
        "GET",
        "src",
        "",
        &[],
        &[("origin", origin)],
        b"",
        &account(),
        V4,
        HZ,
    );
    assert_eq!(b.header("access-control-allow-origin"), Some(origin));
}

/// `--replication-rate 5`: 15 writes after the rule take about 3 s to apply, so the
/// lag (answer `Date` minus `NewObject`) grows while they are pending and falls back
/// to at most a second once they are applied.
#[test]
fn replication_rate_makes_lag_observable() {
    let em = start(&["--replication-rate", "5"]);
    let mut rule = tag_rule("dst-and", "oss-cn-beijing", "AND", &[]);
    rule.user_taggings = None;
    rule.historical_object_replication = Some(false);
    assert_eq!(put_rule(&em, &rule).status, 200);
    let id = rule.id.clone().unwrap();
    let lag = || {
        let r = em.signed(
            &get_bucket_replication_progress("src", &id).unwrap(),
            &account(),
            V4,
            HZ,
        );
        let p = parse_get_bucket_replication_progress(&r.body).unwrap();
        let date = SigningTime::parse_rfc1123(r.header("date").unwrap()).unwrap();
        p.new_object_epoch_secs.map(|n| date.epoch_secs() - n)
    };
    em.wait_for("rule doing with a NewObject", || lag().is_some());
    for i in 0..15 {
        assert_eq!(em.put("src", &format!("n/{i:02}"), b"x", HZ).status, 200);
    }
    let started = Instant::now();
    let mut lags = Vec::new();
    while keys(&em, "dst-and").len() < 15 {
        lags.extend(lag());
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "lags: {lags:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(300));
    let last = lag().unwrap();
    let max = lags.iter().copied().max().unwrap_or(0);
    assert!(max >= 2, "the lag never grew: {lags:?}");
    assert!(
        last <= 1,
        "the lag did not fall back: {last} after {lags:?}"
    );
}
