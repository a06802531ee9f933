//! Authentication against the real binary: the documented V1/V4 vectors (with the server
//! clock shifted to the vectors' time), every auth error, STS vending and expiry, and
//! the clock shift.

mod common;

use common::{AK, Emulator, account, now};
use oss_replication::SignatureVersion::{V1, V4};
use oss_replication::replication::{
    Destination, ReplicationRule, get_bucket_replication_location, put_bucket_replication,
};
use oss_replication::{Credentials, SigningTime};

/// 2024-04-17 08:00:00 UTC, the oss-wire.md vectors' time.
const T: i64 = 1_713_340_800;

fn shift_clock_to(em: &Emulator, t: i64) {
    let offset = t - now().epoch_secs();
    let r = em.control(
        "POST",
        "/_emulator/clock",
        &format!("{{\"offset_secs\": {offset}}}"),
    );
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn documented_vectors_verify() {
    let em = Emulator::start_raw(&[
        "--listen",
        "127.0.0.1:0",
        "--access-key-id",
        "LTAI5tExampleAccessKeyId",
        "--access-key-secret",
        "ExampleAccessKeySecret0123456789",
        "--bucket",
        "examplebucket:oss-cn-hangzhou",
        "--bucket",
        "destbucket:oss-cn-beijing",
    ]);
    shift_clock_to(&em, T);
    let date = "Wed, 17 Apr 2024 08:00:00 GMT";
    // V1 with Date (oss2).
    let r = em.send(
        "GET",
        "/examplebucket/?replication",
        &[
            ("date", date),
            (
                "authorization",
                "OSS LTAI5tExampleAccessKeyId:zhsDI5doXreYRC7gh/AQemUiQ58=",
            ),
        ],
        b"",
    );
    r.assert_error(404, "NoSuchReplicationConfiguration");
    // V1 browser style: x-oss-date, no Date.
    let r = em.send(
        "GET",
        "/examplebucket/?replication",
        &[
            ("x-oss-date", date),
            (
                "authorization",
                "OSS LTAI5tExampleAccessKeyId:UxqGC5qW3iS2kFL8aw3HLDQ/me0=",
            ),
        ],
        b"",
    );
    r.assert_error(404, "NoSuchReplicationConfiguration");
    // V1 POST with the oss2 body and Content-MD5, no Content-Type.
    let body = "<ReplicationConfiguration><Rule><ID>test_replication_1</ID><Destination><Bucket>destbucket</Bucket><Location>oss-cn-beijing</Location><TransferType>oss_acc</TransferType></Destination><HistoricalObjectReplication>enabled</HistoricalObjectReplication><PrefixSet><Prefix>prefix_1</Prefix><Prefix>prefix_2</Prefix></PrefixSet><Action>PUT</Action></Rule></ReplicationConfiguration>";
    let r = em.send(
        "POST",
        "/examplebucket/?replication&comp=add",
        &[
            ("date", date),
            ("content-md5", "Q5osz1x07HI9dPvhT1ljqw=="),
            (
                "authorization",
                "OSS LTAI5tExampleAccessKeyId:gutuUffqU6e2mkQNH1StvufOQrE=",
            ),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("x-oss-replication-rule-id"),
        Some("test_replication_1")
    );
    // V4 (the `separators` `,` and `, ` are both accepted).
    for auth in [
        "OSS4-HMAC-SHA256 Credential=LTAI5tExampleAccessKeyId/20240417/cn-hangzhou/oss/aliyun_v4_request,Signature=df391269a32e219280627fa490a9e0c272d349b900a09af5b90e6695a433c6d9",
        "OSS4-HMAC-SHA256 Credential=LTAI5tExampleAccessKeyId/20240417/cn-hangzhou/oss/aliyun_v4_request, Signature=df391269a32e219280627fa490a9e0c272d349b900a09af5b90e6695a433c6d9",
    ] {
        let r = em.send(
            "GET",
            "/examplebucket/?replication",
            &[
                ("x-oss-date", "20240417T080000Z"),
                ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"),
                ("authorization", auth),
            ],
            b"",
        );
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.elem("ID").as_deref(), Some("test_replication_1"));
    }
    // The same V4 request is too skewed once the clock moves 16 minutes on.
    shift_clock_to(&em, T + 16 * 60);
    let r = em.send(
        "GET",
        "/examplebucket/?replication",
        &[("x-oss-date", "20240417T080000Z"), ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"), ("authorization", "OSS4-HMAC-SHA256 Credential=LTAI5tExampleAccessKeyId/20240417/cn-hangzhou/oss/aliyun_v4_request,Signature=df391269a32e219280627fa490a9e0c272d349b900a09af5b90e6695a433c6d9")],
        b"",
    );
    r.assert_error(403, "RequestTimeTooSkewed");
    assert_eq!(
        r.elem("ServerTime").as_deref(),
        Some("2024-04-17T08:16:00.000Z")
    );
    assert_eq!(
        r.elem("MaxAllowedSkewMilliseconds").as_deref(),
        Some("900000")
    );
}

fn start() -> Emulator {
    Emulator::start(&[
        "--bucket",
        "src:oss-cn-hangzhou",
        "--bucket",
        "dst:oss-cn-beijing",
    ])
}

#[test]
fn auth_errors() {
    let em = start();
    let req = get_bucket_replication_location("src").unwrap();
    // Anonymous.
    em.send("GET", "/src/?replicationLocation", &[], b"")
        .assert_error(403, "AccessDenied");
    // Unknown key.
    for v in [V1, V4] {
        let r = em.signed(
            &req,
            &Credentials::new("LTAInobody", "x", None).unwrap(),
            v,
            "cn-hangzhou",
        );
        r.assert_error(403, "InvalidAccessKeyId");
        assert_eq!(r.elem("OSSAccessKeyId").as_deref(), Some("LTAInobody"));
    }
    // Wrong secret: SignatureDoesNotMatch with what the server expected.
    let wrong = Credentials::new(AK, "wrong-secret", None).unwrap();
    let t = now();
    let r = em.signed_at(&req, &wrong, V1, "cn-hangzhou", t);
    r.assert_error(403, "SignatureDoesNotMatch");
    let good = req.sign(&account(), V1, "cn-hangzhou", t);
    let bad = req.sign(&wrong, V1, "cn-hangzhou", t);
    assert_eq!(
        r.elem("StringToSign").as_deref(),
        Some(good.string_to_sign.as_str())
    );
    assert_eq!(
        r.elem("SignatureProvided").as_deref(),
        bad.authorization().rsplit(':').next()
    );
    let r = em.signed_at(&req, &wrong, V4, "cn-hangzhou", t);
    r.assert_error(403, "SignatureDoesNotMatch");
    let good = req.sign(&account(), V4, "cn-hangzhou", t);
    assert_eq!(
        r.elem("StringToSign").as_deref(),
        Some(good.string_to_sign.as_str())
    );
    assert_eq!(r.elem("CanonicalRequest"), good.canonical_request);
    // Skew beyond 15 minutes either way (from x-oss-date; V1 with a Date header too).
    for v in [V1, V4] {
        for delta in [-16 * 60, 16 * 60] {
            let r = em.signed_at(&req, &account(), v, "cn-hangzhou", t.add_secs(delta));
            r.assert_error(403, "RequestTimeTooSkewed");
            let server = SigningTime::parse_iso8601(&r.elem("ServerTime").unwrap()).unwrap();
            assert!((server.epoch_secs() - t.epoch_secs()).abs() < 60);
        }
        assert_eq!(
            em.signed_at(&req, &account(), v, "cn-hangzhou", t.add_secs(14 * 60))
                .status,
            200
        );
    }
    let date = t.add_secs(-3600).to_rfc1123();
    let mut req_date = req.clone();
    req_date.headers.push(("date".into(), date));
    em.signed_at(&req_date, &account(), V1, "cn-hangzhou", t)
        .assert_error(403, "RequestTimeTooSkewed");
    // V4 scope region must be the bucket's.
    let r = em.signed(&req, &account(), V4, "cn-beijing");
    r.assert_error(400, "InvalidArgument");
    assert!(
        r.elem("Message")
            .unwrap()
            .contains("expecting 'cn-hangzhou'")
    );
    // Malformed Authorization headers.
    for a in [
        "Bearer token",
        "OSS missing-colon",
        "OSS4-HMAC-SHA256 Signature=00",
        "OSS4-HMAC-SHA256 Credential=a/b/c,Signature=00",
    ] {
        em.send(
            "GET",
            "/src/?replicationLocation",
            &[("authorization", a), ("x-oss-date", &t.to_iso8601_basic())],
            b"",
        )
        .assert_error(400, "InvalidArgument");
    }
    // No date at all.
    em.send(
        "GET",
        "/src/?replicationLocation",
        &[("authorization", &format!("OSS {AK}:abc"))],
        b"",
    )
    .assert_error(403, "AccessDenied");
    // Tampering after signing (a header that is signed).
    let mut put = put_bucket_replication(
        "src",
        &ReplicationRule {
            destination: Destination {
                bucket: "dst".into(),
                location: "oss-cn-beijing".into(),
                transfer_type: None,
            },
            ..Default::default()
        },
    )
    .unwrap();
    let signed = put.sign(&account(), V4, "cn-hangzhou", now());
    put.headers[1].1 = "text/xml".into();
    let mut h = put.headers.clone();
    h.extend(signed.headers);
    let hv: Vec<(&str, &str)> = h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    em.send(
        "POST",
        "/src/?replication&comp=add",
        &hv,
        put.body.as_deref().unwrap().as_bytes(),
    )
    .assert_error(403, "SignatureDoesNotMatch");
}

#[test]
fn sts_vending_tokens_and_expiry() {
    let em = Emulator::start(&["--bucket", "src:oss-cn-hangzhou", "--sts-lifetime", "120"]);
    let r = em.send("POST", "/_emulator/sts", &[], b"");
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let ak = v["accessKeyId"].as_str().unwrap();
    let token = v["securityToken"].as_str().unwrap();
    assert!(ak.starts_with("STS."));
    assert!(v["accessKeySecret"].as_str().unwrap().len() >= 30);
    assert!(token.len() > 500 && token.contains('+') && token.contains('/') && token.contains('='));
    let exp = SigningTime::parse_iso8601(v["expiration"].as_str().unwrap()).unwrap();
    assert!((exp.epoch_secs() - now().epoch_secs() - 120).abs() <= 2);
    assert_eq!(
        em.send("GET", "/_emulator/sts?lifetime=0", &[], b"").status,
        400
    );
    assert_eq!(
        em.send("GET", "/_emulator/sts?lifetime=abc", &[], b"")
            .status,
        400
    );

    let req = get_bucket_replication_location("src").unwrap();
    let sts = em.sts(Some(60));
    for v in [V1, V4] {
        let r = em.signed(&req, &sts, v, "cn-hangzhou");
        assert_eq!(r.status, 200, "{}", r.text());
    }
    // The token must be the one issued with that key.
    let other = em.sts(None);
    let mixed = Credentials::new(
        sts.access_key_id(),
        sts.access_key_secret(),
        other.security_token().map(str::to_owned),
    )
    .unwrap();
    em.signed(&req, &mixed, V4, "cn-hangzhou")
        .assert_error(403, "InvalidSecurityToken");
    let no_token = Credentials::new(sts.access_key_id(), sts.access_key_secret(), None).unwrap();
    em.signed(&req, &no_token, V1, "cn-hangzhou")
        .assert_error(403, "InvalidSecurityToken");
    // Wrong secret with a valid token.
    let wrong = Credentials::new(
        sts.access_key_id(),
        "nope",
        sts.security_token().map(str::to_owned),
    )
    .unwrap();
    em.signed(&req, &wrong, V4, "cn-hangzhou")
        .assert_error(403, "SignatureDoesNotMatch");
    // Expiry in real time: a 1-second token.
    let short = em.sts(Some(1));
    assert_eq!(em.signed(&req, &short, V4, "cn-hangzhou").status, 200);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let r = em.signed(&req, &short, V4, "cn-hangzhou");
    r.assert_error(403, "SecurityTokenExpired");
    // Expiry by clock shift: an hour on, a 60 s token signed at the shifted time is expired.
    let r = em.control("POST", "/_emulator/clock", "{\"offset_secs\": 3600}");
    assert_eq!(r.status, 200);
    em.signed_at(&req, &sts, V1, "cn-hangzhou", now().add_secs(3600))
        .assert_error(403, "SecurityTokenExpired");
    // The account key still works at the shifted time, and is skewed at the real time.
    assert_eq!(
        em.signed_at(&req, &account(), V4, "cn-hangzhou", now().add_secs(3600))
            .status,
        200
    );
    em.signed(&req, &account(), V4, "cn-hangzhou")
        .assert_error(403, "RequestTimeTooSkewed");
    let r = em.send("GET", "/_emulator/clock", &[], b"");
    assert!(r.text().contains("\"offset_secs\":3600"));
    let r = em.send("DELETE", "/_emulator/clock", &[], b"");
    assert!(r.text().contains("\"offset_secs\":0"));
    assert_eq!(em.signed(&req, &account(), V4, "cn-hangzhou").status, 200);
    assert_eq!(
        em.control("POST", "/_emulator/clock", "{\"offset\": 1}")
            .status,
        400
    );
}
