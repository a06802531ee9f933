//! Objects, real replication and persistence against the real binary.

mod common;

use common::{Emulator, TempDir, account};
use oss_replication::SignatureVersion::{V1, V4};
use oss_replication::replication::{
    Destination, ReplicationRule, content_md5, delete_bucket_replication, get_bucket_replication,
    get_bucket_replication_progress, parse_get_bucket_replication,
    parse_get_bucket_replication_progress, put_bucket_replication,
};

const HZ: &str = "cn-hangzhou";
const BJ: &str = "cn-beijing";

fn start(extra: &[&str]) -> Emulator {
    let mut args = vec![
        "--bucket",
        "src:oss-cn-hangzhou",
        "--bucket",
        "dst:oss-cn-beijing",
        "--bucket",
        "dst2:oss-cn-shanghai",
        "--status-delay-ms",
        "200",
    ];
    args.extend_from_slice(extra);
    Emulator::start(&args)
}

fn keys(em: &Emulator, bucket: &str, region: &str) -> Vec<String> {
    let r = em.object(
        "GET",
        bucket,
        "",
        &[("max-keys", "1000")],
        &[],
        b"",
        &account(),
        V4,
        region,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    r.text()
        .split("<Key>")
        .skip(1)
        .map(|s| s.split("</Key>").next().unwrap().to_owned())
        .collect()
}

#[test]
fn object_operations() {
    let em = start(&[]);
    let creds = account();
    // Put with metadata and Content-MD5; both signature versions.
    let body = b"hello, replication";
    let md5 = content_md5(body);
    let r = em.object(
        "PUT",
        "src",
        "dir/a b+c.txt",
        &[],
        &[
            ("content-type", "text/plain"),
            ("content-md5", &md5),
            ("x-oss-meta-owner", "tests"),
        ],
        body,
        &creds,
        V1,
        HZ,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let etag = r.header("etag").unwrap().to_owned();
    assert_eq!(etag.len(), 34);
    assert!(r.header("x-oss-hash-crc64ecma").is_some());
    let r = em.object(
        "PUT",
        "src",
        "x",
        &[],
        &[("content-md5", "AAAAAAAAAAAAAAAAAAAAAA==")],
        body,
        &creds,
        V4,
        HZ,
    );
    r.assert_error(400, "InvalidDigest");
    // Get, Range, Head.
    let r = em.object("GET", "src", "dir/a b+c.txt", &[], &[], b"", &creds, V4, HZ);
    assert_eq!(r.status, 200);
    assert_eq!(r.body, body);
    assert_eq!(r.header("content-type"), Some("text/plain"));
    assert_eq!(r.header("x-oss-meta-owner"), Some("tests"));
    assert_eq!(r.header("etag"), Some(etag.as_str()));
    assert!(r.header("last-modified").unwrap().ends_with("GMT"));
    let r = em.object(
        "GET",
        "src",
        "dir/a b+c.txt",
        &[],
        &[("range", "bytes=0-4")],
        b"",
        &creds,
        V4,
        HZ,
    );
    assert_eq!((r.status, r.body.as_slice()), (206, &b"hello"[..]));
    assert_eq!(r.header("content-range"), Some("bytes 0-4/18"));
    em.object(
        "GET",
        "src",
        "dir/a b+c.txt",
        &[],
        &[("range", "bytes=100-")],
        b"",
        &creds,
        V4,
        HZ,
    )
    .assert_error(416, "InvalidRange");
    let r = em.object(
        "HEAD",
        "src",
        "dir/a b+c.txt",
        &[],
        &[],
        b"",
        &creds,
        V4,
        HZ,
    );
    assert_eq!((r.status, r.header("content-length")), (200, Some("18")));
    assert!(r.body.is_empty());
    let r = em.object(
        "HEAD",
        "src",
        "dir/a b+c.txt",
        &[("objectMeta", "")],
        &[],
        b"",
        &creds,
        V1,
        HZ,
    );
    assert_eq!(r.status, 200);
    let r = em.object("HEAD", "src", "missing", &[], &[], b"", &creds, V4, HZ);
    assert_eq!(r.status, 404);
    assert_eq!(r.header("x-oss-ec"), Some("0026-00000001"));
    em.object("GET", "src", "missing", &[], &[], b"", &creds, V4, HZ)
        .assert_error(404, "NoSuchKey");
    // Listing: prefix, delimiter, url encoding, markers, v2.
    for k in ["dir/b", "dir/sub/c", "top"] {
        assert_eq!(em.put("src", k, b"x", HZ).status, 200);
    }
    assert_eq!(
        keys(&em, "src", HZ),
        ["dir/a b+c.txt", "dir/b", "dir/sub/c", "top"]
    );
    let r = em.object(
        "GET",
        "src",
        "",
        &[
            ("prefix", "dir/"),
            ("delimiter", "/"),
            ("encoding-type", "url"),
        ],
        &[],
        b"",
        &creds,
        V4,
        HZ,
    );
    let t = r.text();
    assert!(t.contains("<Key>dir%2Fa%20b%2Bc.txt</Key>"), "{t}");
    assert!(
        t.contains("<CommonPrefixes><Prefix>dir%2Fsub%2F</Prefix></CommonPrefixes>"),
        "{t}"
    );
    assert!(t.contains("<EncodingType>url</EncodingType>"));
    let r = em.object(
        "GET",
        "src",
        "",
        &[("max-keys", "2")],
        &[],
        b"",
        &creds,
        V4,
        HZ,
    );
    assert_eq!(r.elem("IsTruncated").as_deref(), Some("true"));
    assert_eq!(r.elem("NextMarker").as_deref(), Some("dir/b"));
    let r = em.object(
        "GET",
        "src",
        "",
        &[("marker", "dir/b")],
        &[],
        b"",
        &creds,
        V4,
        HZ,
    );
    assert_eq!(r.text().matches("<Contents>").count(), 2);
    let r = em.object(
        "GET",
        "src",
        "",
        &[("list-type", "2"), ("max-keys", "3")],
        &[],
        b"",
        &creds,
        V4,
        HZ,
    );
    assert_eq!(r.elem("KeyCount").as_deref(), Some("3"));
    let token = r.elem("NextContinuationToken").unwrap();
    let r = em.object(
        "GET",
        "src",
        "",
        &[("list-type", "2"), ("continuation-token", &token)],
        &[],
        b"",
        &creds,
        V1,
        HZ,
    );
    assert_eq!(r.elem("KeyCount").as_deref(), Some("1"));
    assert!(r.text().contains("<Key>top</Key>"));
    em.object(
        "GET",
        "src",
        "",
        &[("max-keys", "0")],
        &[],
        b"",
        &creds,
        V4,
        HZ,
    )
    .assert_error(400, "InvalidArgument");
    // Delete (idempotent).
    for _ in 0..2 {
        assert_eq!(
            em.object("DELETE", "src", "top", &[], &[], b"", &creds, V4, HZ)
                .status,
            204
        );
    }
    assert_eq!(keys(&em, "src", HZ).len(), 3);
    // Objects in an unknown bucket.
    em.object("PUT", "nobucket", "k", &[], &[], b"x", &creds, V1, HZ)
        .assert_error(404, "NoSuchBucket");
}

fn rule(
    id: &str,
    dest: &str,
    location: &str,
    prefixes: &[&str],
    actions: &[&str],
    historical: bool,
) -> ReplicationRule {
    ReplicationRule {
        id: Some(id.into()),
        destination: Destination {
            bucket: dest.into(),
            location: location.into(),
            transfer_type: None,
        },
        prefixes: prefixes.iter().map(|p| (*p).to_owned()).collect(),
        actions: actions.iter().map(|a| (*a).to_owned()).collect(),
        historical_object_replication: Some(historical),
        ..Default::default()
    }
}

fn progress(em: &Emulator, id: &str) -> oss_replication::replication::ReplicationProgress {
    let r = em.signed(
        &get_bucket_replication_progress("src", id).unwrap(),
        &account(),
        V4,
        HZ,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    parse_get_bucket_replication_progress(&r.body).unwrap()
}

#[test]
fn real_replication_with_prefix_actions_and_progress() {
    let em = start(&[]);
    // 120 historical objects (more than one replicator batch), 60 of them under logs/.
    for i in 0..60 {
        assert_eq!(
            em.put(
                "src",
                &format!("logs/{i:03}.log"),
                format!("log {i}").as_bytes(),
                HZ
            )
            .status,
            200
        );
        assert_eq!(
            em.put("src", &format!("other/{i:03}"), b"o", HZ).status,
            200
        );
    }
    let r = em.signed(
        &put_bucket_replication(
            "src",
            &rule("logs", "dst", "oss-cn-beijing", &["logs/"], &["ALL"], true),
        )
        .unwrap(),
        &account(),
        V4,
        HZ,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = em.signed(
        &put_bucket_replication(
            "src",
            &rule(
                "puts",
                "dst2",
                "oss-cn-shanghai",
                &["other/"],
                &["PUT"],
                false,
            ),
        )
        .unwrap(),
        &account(),
        V4,
        HZ,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // Starting: no progress yet.
    let p = progress(&em, "logs");
    assert_eq!(p.rule.status.as_deref(), Some("starting"));
    assert_eq!((p.historical_object, p.new_object), (None, None));
    // Historical objects arrive; progress reaches 1.0 with a NewObject checkpoint.
    em.wait_for("historical copy", || {
        progress(&em, "logs").historical_object == Some(1.0)
    });
    let p = progress(&em, "logs");
    let checkpoint = p.new_object.clone().unwrap();
    assert!(checkpoint.ends_with(".000Z"), "{checkpoint}");
    let copied = keys(&em, "dst", BJ);
    assert_eq!(copied.len(), 60);
    assert!(copied.iter().all(|k| k.starts_with("logs/")));
    assert_eq!(em.get("dst", "logs/007.log", BJ).body, b"log 7");
    // Historical replication disabled: nothing old is copied.
    em.wait_for("puts doing", || {
        progress(&em, "puts").rule.status.as_deref() == Some("doing")
    });
    assert!(keys(&em, "dst2", "cn-shanghai").is_empty());

    // New writes: filtered by prefix, PUT and DELETE per the actions.
    assert_eq!(em.put("src", "logs/new.log", b"fresh", HZ).status, 200);
    assert_eq!(em.put("src", "other/new", b"n", HZ).status, 200);
    assert_eq!(em.put("src", "elsewhere/x", b"x", HZ).status, 200);
    em.wait_for("new objects", || {
        em.get("dst", "logs/new.log", BJ).status == 200
            && em.get("dst2", "other/new", "cn-shanghai").status == 200
    });
    assert_eq!(em.get("dst", "logs/new.log", BJ).body, b"fresh");
    assert_eq!(em.get("dst", "elsewhere/x", BJ).status, 404);
    assert_eq!(em.get("dst2", "elsewhere/x", "cn-shanghai").status, 404);
    // Overwrite and delete.
    assert_eq!(em.put("src", "logs/new.log", b"fresher", HZ).status, 200);
    em.wait_for("overwrite", || {
        em.get("dst", "logs/new.log", BJ).body == b"fresher"
    });
    for k in ["logs/000.log", "other/new"] {
        assert_eq!(
            em.object("DELETE", "src", k, &[], &[], b"", &account(), V4, HZ)
                .status,
            204
        );
    }
    em.wait_for("delete replicated", || {
        em.get("dst", "logs/000.log", BJ).status == 404
    });
    // PUT-only rule keeps the replica.
    std::thread::sleep(std::time::Duration::from_millis(400));
    assert_eq!(em.get("dst2", "other/new", "cn-shanghai").status, 200);
    let p = progress(&em, "logs");
    assert!(p.new_object.unwrap() >= checkpoint);
    // Replicas are not replicated again: a rule from dst back to src copies nothing back.
    let r = em.signed(
        &put_bucket_replication(
            "dst",
            &rule("back", "src", "oss-cn-hangzhou", &[], &["ALL"], true),
        )
        .unwrap(),
        &account(),
        V4,
        BJ,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    em.wait_for("back doing", || {
        let r = em.signed(
            &get_bucket_replication_progress("dst", "back").unwrap(),
            &account(),
            V4,
            BJ,
        );
        parse_get_bucket_replication_progress(&r.body)
            .unwrap()
            .historical_object
            == Some(1.0)
    });
    assert_eq!(keys(&em, "src", HZ).len(), 121);
}

#[test]
fn persistence_across_kill_9() {
    let dir = TempDir::new("data");
    let d = dir.path().to_string_lossy().into_owned();
    let args = ["--data-dir", d.as_str(), "--status-delay-ms", "60000"];
    let mut em = start(&args);
    let r = em.signed(
        &put_bucket_replication(
            "src",
            &rule("kept", "dst", "oss-cn-beijing", &[], &[], true),
        )
        .unwrap(),
        &account(),
        V4,
        HZ,
    );
    assert_eq!(r.status, 200);
    assert_eq!(em.put("src", "k", b"durable", HZ).status, 200);
    let sts = em.sts(Some(600));
    // A rule acknowledged just before the kill, and a deletion (closing) too.
    let r = em.signed(
        &put_bucket_replication(
            "src",
            &rule("last", "dst2", "oss-cn-shanghai", &[], &[], true),
        )
        .unwrap(),
        &account(),
        V1,
        HZ,
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        em.signed(
            &delete_bucket_replication("src", "kept").unwrap(),
            &account(),
            V4,
            HZ
        )
        .status,
        200
    );
    em.kill();
    assert!(dir.path().join("oss-emulator.sqlite3").exists());

    let em = start(&args);
    let r = em.signed(&get_bucket_replication("src").unwrap(), &account(), V4, HZ);
    assert_eq!(r.status, 200, "{}", r.text());
    let rules = parse_get_bucket_replication(&r.body).unwrap();
    let ids: Vec<(&str, &str)> = rules
        .iter()
        .map(|r| (r.id.as_deref().unwrap(), r.status.as_deref().unwrap()))
        .collect();
    assert_eq!(ids, [("kept", "closing"), ("last", "starting")]);
    assert_eq!(em.get("src", "k", HZ).body, b"durable");
    // STS credentials issued before the restart still verify.
    let r = em.signed(&get_bucket_replication("src").unwrap(), &sts, V4, HZ);
    assert_eq!(r.status, 200, "{}", r.text());
}
