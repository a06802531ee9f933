//! The six replication operations against the real binary, signed with the library's
//! builders: the happy paths (V4 and V1, path and virtual-host style) and every
//! replication error case.

mod common;

use common::{Emulator, Resp, account};
use oss_replication::SignatureVersion::{V1, V4};
use oss_replication::replication::{
    Destination, ReplicationRule, content_md5, delete_bucket_replication, get_bucket_replication,
    get_bucket_replication_location, get_bucket_replication_progress, parse_get_bucket_replication,
    parse_get_bucket_replication_location, parse_get_bucket_replication_progress,
    put_bucket_replication, put_bucket_rtc,
};

const HZ: &str = "cn-hangzhou";

fn start() -> Emulator {
    Emulator::start(&[
        "--bucket",
        "src:oss-cn-hangzhou",
        "--bucket",
        "dst-bj:oss-cn-beijing",
        "--bucket",
        "dst-sh:oss-cn-shanghai",
        "--bucket",
        "dst-us:oss-us-west-1",
        "--bucket",
        "src-us:oss-us-west-1",
        "--bucket",
        "same-hz:oss-cn-hangzhou",
        "--status-delay-ms",
        "300",
    ])
}

fn rule(id: Option<&str>, bucket: &str, location: &str) -> ReplicationRule {
    ReplicationRule {
        id: id.map(str::to_owned),
        destination: Destination {
            bucket: bucket.into(),
            location: location.into(),
            transfer_type: None,
        },
        ..Default::default()
    }
}

fn put(em: &Emulator, src: &str, region: &str, r: &ReplicationRule) -> Resp {
    em.signed(
        &put_bucket_replication(src, r).unwrap(),
        &account(),
        V4,
        region,
    )
}

/// A PutBucketReplication request with a hand-made body (and a matching Content-MD5).
fn put_raw(em: &Emulator, body: &str) -> Resp {
    let mut req = put_bucket_replication("src", &rule(None, "dst-bj", "oss-cn-beijing")).unwrap();
    req.body = Some(body.to_owned());
    for h in &mut req.headers {
        if h.0 == "content-md5" {
            h.1 = content_md5(body.as_bytes());
        }
    }
    em.signed(&req, &account(), V4, HZ)
}

fn rules(em: &Emulator, bucket: &str, region: &str) -> Vec<ReplicationRule> {
    let r = em.signed(
        &get_bucket_replication(bucket).unwrap(),
        &account(),
        V4,
        region,
    );
    if r.status == 404 {
        return Vec::new();
    }
    assert_eq!(r.status, 200, "{}", r.text());
    parse_get_bucket_replication(&r.body).unwrap()
}

#[test]
fn six_operations_and_the_rule_lifecycle() {
    let em = start();
    // No rules yet: 404 NoSuchReplicationConfiguration (what the Java SDK's tests expect).
    em.signed(&get_bucket_replication("src").unwrap(), &account(), V4, HZ)
        .assert_error(404, "NoSuchReplicationConfiguration");

    let mut r = rule(Some("r1"), "dst-bj", "oss-cn-beijing");
    r.prefixes = vec!["logs/".into(), "a&b<c>".into()];
    r.actions = vec!["PUT".into(), "DELETE".into()];
    r.historical_object_replication = Some(false);
    r.sync_role = Some("aliyunramrole".into());
    r.rtc = Some(true);
    let resp = put(&em, "src", HZ, &r);
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(resp.header("x-oss-replication-rule-id"), Some("r1"));
    assert!(
        resp.header("x-oss-request-id")
            .is_some_and(|id| id.len() == 24)
    );
    assert!(resp.body.is_empty());

    let got = rules(&em, "src", HZ);
    assert_eq!(got.len(), 1);
    let g = &got[0];
    assert_eq!(g.id.as_deref(), Some("r1"));
    assert_eq!(g.prefixes, ["logs/", "a&b<c>"]);
    assert_eq!(g.actions, ["PUT", "DELETE"]);
    assert_eq!(g.historical_object_replication, Some(false));
    assert_eq!(g.sync_role.as_deref(), Some("aliyunramrole"));
    assert_eq!(g.status.as_deref(), Some("starting"));
    assert_eq!(g.rtc_status.as_deref(), Some("enabling"));
    assert_eq!(g.destination.location, "oss-cn-beijing");

    // A rule without an ID gets a UUID-shaped one; V1 works too.
    let resp = em.signed(
        &put_bucket_replication("src", &rule(None, "dst-sh", "oss-cn-shanghai")).unwrap(),
        &account(),
        V1,
        HZ,
    );
    assert_eq!(resp.status, 200, "{}", resp.text());
    let generated = resp.header("x-oss-replication-rule-id").unwrap().to_owned();
    assert_eq!(generated.len(), 36);
    assert_eq!(generated.matches('-').count(), 4);

    // starting -> doing after the delay; RTC enabling -> enabled.
    em.wait_for("doing", || {
        rules(&em, "src", HZ)
            .iter()
            .all(|r| r.status.as_deref() == Some("doing"))
    });
    let got = rules(&em, "src", HZ);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].rtc_status.as_deref(), Some("enabled"));
    assert_eq!(got[1].id.as_deref(), Some(generated.as_str()));
    assert_eq!(got[1].historical_object_replication, Some(true));
    assert_eq!(got[1].actions, ["ALL"]);

    // Location: every other configured region, constraints derived from them.
    let resp = em.signed(
        &get_bucket_replication_location("src").unwrap(),
        &account(),
        V1,
        HZ,
    );
    assert_eq!(resp.status, 200);
    let loc = parse_get_bucket_replication_location(&resp.body).unwrap();
    assert_eq!(
        loc.locations,
        ["oss-cn-beijing", "oss-cn-shanghai", "oss-us-west-1"]
    );
    assert_eq!(loc.transfer_type_constraints.len(), 1);
    assert_eq!(loc.transfer_type_constraints[0].location, "oss-us-west-1");
    assert_eq!(loc.transfer_type_constraints[0].transfer_types, ["oss_acc"]);
    assert_eq!(loc.rtc_locations, ["oss-cn-beijing", "oss-cn-shanghai"]);
    let resp = em.signed(
        &get_bucket_replication_location("src-us").unwrap(),
        &account(),
        V4,
        "us-west-1",
    );
    let loc = parse_get_bucket_replication_location(&resp.body).unwrap();
    assert!(loc.rtc_locations.is_empty());
    assert_eq!(loc.locations.len(), 3);

    // Progress (rule-id is sent but not signed in V1).
    for v in [V1, V4] {
        let resp = em.signed(
            &get_bucket_replication_progress("src", &generated).unwrap(),
            &account(),
            v,
            HZ,
        );
        assert_eq!(resp.status, 200, "{}", resp.text());
        let p = parse_get_bucket_replication_progress(&resp.body).unwrap();
        assert_eq!(p.rule.status.as_deref(), Some("doing"));
        assert_eq!(p.historical_object, Some(1.0));
        assert!(
            p.new_object
                .as_deref()
                .is_some_and(|t| t.ends_with(".000Z"))
        );
    }
    let resp = em.signed(
        &get_bucket_replication_progress("src", "r1").unwrap(),
        &account(),
        V4,
        HZ,
    );
    let p = parse_get_bucket_replication_progress(&resp.body).unwrap();
    assert_eq!(
        p.historical_object, None,
        "historical replication is disabled for r1"
    );

    // PutBucketRTC: disable, then enable again (enabling -> enabled).
    let resp = em.signed(
        &put_bucket_rtc("src", "r1", false).unwrap(),
        &account(),
        V4,
        HZ,
    );
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(
        rules(&em, "src", HZ)[0].rtc_status.as_deref(),
        Some("disabled")
    );
    let resp = em.signed(
        &put_bucket_rtc("src", "r1", true).unwrap(),
        &account(),
        V1,
        HZ,
    );
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(
        rules(&em, "src", HZ)[0].rtc_status.as_deref(),
        Some("enabling")
    );
    em.wait_for("rtc enabled", || {
        rules(&em, "src", HZ)[0].rtc_status.as_deref() == Some("enabled")
    });

    // Delete: closing (200), again (204), then gone; a missing rule is 200.
    let del = delete_bucket_replication("src", "r1").unwrap();
    assert_eq!(em.signed(&del, &account(), V4, HZ).status, 200);
    assert_eq!(rules(&em, "src", HZ)[0].status.as_deref(), Some("closing"));
    assert_eq!(em.signed(&del, &account(), V1, HZ).status, 204);
    em.signed(
        &put_bucket_rtc("src", "r1", true).unwrap(),
        &account(),
        V4,
        HZ,
    )
    .assert_error(400, "BucketReplicationInClosingStatus");
    put(
        &em,
        "src",
        HZ,
        &rule(Some("r1"), "dst-bj", "oss-cn-beijing"),
    )
    .assert_error(400, "BucketReplicationInClosingStatus");
    em.wait_for("gone", || rules(&em, "src", HZ).len() == 1);
    assert_eq!(em.signed(&del, &account(), V4, HZ).status, 200);
    let del2 = delete_bucket_replication("src", &generated).unwrap();
    assert_eq!(em.signed(&del2, &account(), V4, HZ).status, 200);
    em.wait_for("all gone", || rules(&em, "src", HZ).is_empty());
    em.signed(&get_bucket_replication("src").unwrap(), &account(), V4, HZ)
        .assert_error(404, "NoSuchReplicationConfiguration");
}

#[test]
fn virtual_host_addressing() {
    let em = start();
    let req = get_bucket_replication_location("src").unwrap();
    for v in [V1, V4] {
        let signed = req.sign(&account(), v, HZ, common::now());
        let mut h: Vec<(String, String)> = signed.headers.clone();
        h.push(("host".into(), format!("src.localhost:{}", em.port)));
        let hv: Vec<(&str, &str)> = h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let resp = em.send("GET", "/?replicationLocation", &hv, b"");
        assert_eq!(resp.status, 200, "{}", resp.text());
        assert!(resp.text().contains("<ReplicationLocation>"));
    }
    // An unknown first label falls back to path style.
    let signed = req.sign(&account(), V4, HZ, common::now());
    let mut h: Vec<(String, String)> = signed.headers.clone();
    h.push(("host".into(), format!("nobucket.localhost:{}", em.port)));
    let hv: Vec<(&str, &str)> = h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        em.send("GET", "/src/?replicationLocation", &hv, b"").status,
        200
    );
}

#[test]
fn put_errors() {
    let em = start();
    let ok = "<ReplicationConfiguration><Rule><ID>x</ID><Destination><Bucket>dst-bj</Bucket><Location>oss-cn-beijing</Location></Destination></Rule></ReplicationConfiguration>";
    // Body shape.
    put_raw(&em, &ok.replace("</Rule>", "</Rule><Rule><Destination><Bucket>dst-sh</Bucket><Location>oss-cn-shanghai</Location></Destination></Rule>"))
        .assert_error(400, "TooManyReplicationRules");
    put_raw(&em, "<ReplicationConfiguration><Rule>").assert_error(400, "MalformedXML");
    put_raw(&em, "not xml").assert_error(400, "MalformedXML");
    put_raw(&em, "<ReplicationConfiguration/>").assert_error(400, "MalformedXML");
    put_raw(&em, "<Other><Rule/></Other>").assert_error(400, "MalformedXML");
    put_raw(
        &em,
        &ok.replace(
            "<ID>x</ID>",
            "<ID>x</ID><HistoricalObjectReplication>maybe</HistoricalObjectReplication>",
        ),
    )
    .assert_error(400, "InvalidArgument");
    put_raw(&em, &ok.replace("<ID>x</ID>", "<Action>PUT,COPY</Action>"))
        .assert_error(400, "InvalidArgument");
    // Content-MD5 mismatch.
    let mut req = put_bucket_replication("src", &rule(None, "dst-bj", "oss-cn-beijing")).unwrap();
    req.headers[0].1 = content_md5(b"something else");
    em.signed(&req, &account(), V4, HZ)
        .assert_error(400, "InvalidDigest");
    // Targets.
    put_raw(&em, &ok.replace("<Bucket>dst-bj</Bucket>", ""))
        .assert_error(400, "InvalidTargetBucket");
    put_raw(
        &em,
        &ok.replace("dst-bj", "src")
            .replace("oss-cn-beijing", "oss-cn-hangzhou"),
    )
    .assert_error(400, "InvalidTargetBucket");
    put(
        &em,
        "src",
        HZ,
        &rule(None, "no-such-bucket", "oss-cn-beijing"),
    )
    .assert_error(400, "InvalidTargetBucket");
    let resp = put(&em, "src", HZ, &rule(None, "dst-bj", "oss-cn-qingdao"));
    resp.assert_error(400, "InvalidTargetLocation");
    assert!(
        resp.elem("Message")
            .unwrap()
            .starts_with("The target bucket you specified does not locate in the target location")
    );
    // oss_acc only for cross-region replication.
    let mut r = rule(None, "same-hz", "oss-cn-hangzhou");
    r.destination.transfer_type = Some("oss_acc".into());
    put(&em, "src", HZ, &r).assert_error(400, "InvalidArgument");
    r.destination = Destination {
        bucket: "dst-us".into(),
        location: "oss-us-west-1".into(),
        transfer_type: Some("oss_acc".into()),
    };
    assert_eq!(put(&em, "src", HZ, &r).status, 200);
    // RTC where the regions allow it only.
    let mut r = rule(None, "dst-us", "oss-us-west-1");
    r.rtc = Some(true);
    put(&em, "src-us", "us-west-1", &r).assert_error(400, "BucketReplicationNotSupportRtc");
    let mut r = rule(None, "dst-us", "oss-us-west-1");
    r.destination.transfer_type = Some("oss_acc".into());
    r.rtc = Some(true);
    put(&em, "src", HZ, &r).assert_error(400, "ReplicationLocationNotSupportRtc");
    let mut r = rule(None, "same-hz", "oss-cn-hangzhou");
    r.rtc = Some(true);
    put(&em, "src", HZ, &r).assert_error(400, "ReplicationLocationNotSupportRtc");
    // Same-region replication is accepted.
    assert_eq!(
        put(
            &em,
            "src",
            HZ,
            &rule(Some("srr"), "same-hz", "oss-cn-hangzhou")
        )
        .status,
        200
    );
    // Duplicates: same ID, or the same destination bucket.
    put(
        &em,
        "src",
        HZ,
        &rule(Some("srr"), "dst-sh", "oss-cn-shanghai"),
    )
    .assert_error(400, "BucketReplicationAlreadyExist");
    put(
        &em,
        "src",
        HZ,
        &rule(Some("other"), "same-hz", "oss-cn-hangzhou"),
    )
    .assert_error(400, "BucketReplicationAlreadyExist");
    // PutBucketRTC on an unknown rule, or for a pair without RTC.
    em.signed(
        &put_bucket_rtc("src", "nope", true).unwrap(),
        &account(),
        V4,
        HZ,
    )
    .assert_error(404, "NoSuchReplicationRule");
    em.signed(
        &put_bucket_rtc("src", "srr", true).unwrap(),
        &account(),
        V4,
        HZ,
    )
    .assert_error(400, "ReplicationLocationNotSupportRtc");
    // Bad delete and RTC bodies.
    let mut del = delete_bucket_replication("src", "srr").unwrap();
    del.body = Some("<ReplicationRules/>".into());
    del.headers[0].1 = content_md5(b"<ReplicationRules/>");
    em.signed(&del, &account(), V4, HZ)
        .assert_error(400, "MalformedXML");
    let mut rtc = put_bucket_rtc("src", "srr", true).unwrap();
    let body =
        "<RtcConfiguration><RTC><Status>enabled</Status></RTC><ID>srr</ID></RtcConfiguration>";
    rtc.body = Some(body.into());
    rtc.headers[0].1 = content_md5(body.as_bytes());
    em.signed(&rtc, &account(), V4, HZ)
        .assert_error(400, "MalformedXML");
}

#[test]
fn read_errors_and_unknown_buckets() {
    let em = start();
    // rule-id is required.
    let mut req = get_bucket_replication_progress("src", "x").unwrap();
    req.query.truncate(1);
    let resp = em.signed(&req, &account(), V4, HZ);
    resp.assert_error(400, "MissingArgument");
    assert_eq!(resp.elem("ArgumentName").as_deref(), Some("rule-id"));
    em.signed(
        &get_bucket_replication_progress("src", "nope").unwrap(),
        &account(),
        V4,
        HZ,
    )
    .assert_error(404, "NoSuchReplicationRule");
    // Unknown buckets, for each operation (signed V1: no region to get wrong).
    for req in [
        get_bucket_replication("ghost").unwrap(),
        get_bucket_replication_location("ghost").unwrap(),
        get_bucket_replication_progress("ghost", "x").unwrap(),
        put_bucket_replication("ghost", &rule(None, "dst-bj", "oss-cn-beijing")).unwrap(),
        delete_bucket_replication("ghost", "x").unwrap(),
        put_bucket_rtc("ghost", "x", true).unwrap(),
    ] {
        let resp = em.signed(&req, &account(), V1, HZ);
        resp.assert_error(404, "NoSuchBucket");
        assert_eq!(resp.elem("BucketName").as_deref(), Some("ghost"));
    }
    // Methods that do not fit a sub-resource, unsupported features.
    let resp = em.object(
        "PUT",
        "src",
        "",
        &[("replication", "")],
        &[],
        b"",
        &account(),
        V4,
        HZ,
    );
    resp.assert_error(405, "MethodNotAllowed");
    let resp = em.object(
        "GET",
        "src",
        "",
        &[("acl", "")],
        &[],
        b"",
        &account(),
        V4,
        HZ,
    );
    resp.assert_error(501, "NotImplemented");
}

/// Put accepts exactly what GetBucketReplicationLocation announces: a location listed
/// under LocationTransferTypeConstraint takes only its listed types, and a rule with
/// no TransferType means `internal`.
#[test]
fn put_refuses_what_the_location_answer_forbids() {
    let em = start();
    let loc = em.signed(
        &get_bucket_replication_location("src").unwrap(),
        &account(),
        V4,
        HZ,
    );
    let loc = parse_get_bucket_replication_location(&loc.body).unwrap();
    let us = loc
        .transfer_type_constraints
        .iter()
        .find(|c| c.location == "oss-us-west-1")
        .expect("cross-border location is constrained");
    assert_eq!(us.transfer_types, ["oss_acc"]);
    for transfer in [None, Some("internal")] {
        let mut r = rule(None, "dst-us", "oss-us-west-1");
        r.destination.transfer_type = transfer.map(str::to_owned);
        let resp = put(&em, "src", HZ, &r);
        resp.assert_error(400, "InvalidArgument");
        assert_eq!(resp.elem("ArgumentName").as_deref(), Some("TransferType"));
        assert_eq!(resp.elem("ArgumentValue").as_deref(), Some("internal"));
        assert!(
            resp.elem("Message")
                .unwrap()
                .contains("GetBucketReplicationLocation allows only oss_acc"),
            "{}",
            resp.text()
        );
    }
    // Unconstrained cross-region locations take either type.
    assert!(
        loc.transfer_type_constraints
            .iter()
            .all(|c| c.location != "oss-cn-beijing")
    );
    let mut r = rule(None, "dst-bj", "oss-cn-beijing");
    r.destination.transfer_type = Some("internal".into());
    assert_eq!(put(&em, "src", HZ, &r).status, 200);
    let mut r = rule(None, "dst-us", "oss-us-west-1");
    r.destination.transfer_type = Some("oss_acc".into());
    assert_eq!(put(&em, "src", HZ, &r).status, 200);
}
