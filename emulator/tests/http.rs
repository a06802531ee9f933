//! The HTTP layer against the real binary: CORS, fault injection, request limits,
//! malformed input, static files, and the command line.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Emulator, TempDir, account, send, try_send};
use oss_replication::SignatureVersion::{V1, V4};
use oss_replication::replication::{
    get_bucket_replication_location, get_bucket_replication_progress,
};
use oss_replication::{RequestParts, SigningParams};

fn start(extra: &[&str]) -> Emulator {
    let mut args = vec![
        "--bucket",
        "src:oss-cn-hangzhou",
        "--bucket",
        "dst:oss-cn-beijing",
    ];
    args.extend_from_slice(extra);
    Emulator::start(&args)
}

fn preflight(em: &Emulator, origin: &str, method: &str) -> common::Resp {
    em.send(
        "OPTIONS",
        "/src/?replication&comp=add",
        &[
            ("origin", origin),
            ("access-control-request-method", method),
            ("access-control-request-headers", "authorization,content-type,content-md5,x-oss-date,x-oss-content-sha256,x-oss-security-token"),
        ],
        b"",
    )
}

#[test]
fn cors_default_loopback_origins() {
    let em = start(&[]);
    for origin in [
        "http://127.0.0.1:5173",
        "http://localhost:8080",
        "http://[::1]:3000",
    ] {
        let r = preflight(&em, origin, "POST");
        assert_eq!(r.status, 200, "{origin}");
        assert_eq!(r.header("access-control-allow-origin"), Some(origin));
        assert_eq!(
            r.header("access-control-allow-methods"),
            Some("GET, POST, PUT, DELETE, HEAD")
        );
        assert_eq!(
            r.header("access-control-allow-headers"),
            Some(
                "authorization,content-type,content-md5,x-oss-date,x-oss-content-sha256,x-oss-security-token"
            )
        );
        let expose = r.header("access-control-expose-headers").unwrap();
        for h in [
            "x-oss-request-id",
            "x-oss-ec",
            "x-oss-replication-rule-id",
            "ETag",
        ] {
            assert!(expose.contains(h), "{h}");
        }
        assert!(r.header("access-control-max-age").is_some());
    }
    preflight(&em, "http://evil.example", "POST").assert_error(403, "AccessForbidden");
    preflight(&em, "http://localhost:1", "PATCH").assert_error(403, "AccessForbidden");
    // Normal answers, errors included, carry Allow-Origin and Expose-Headers.
    let r = em.send(
        "GET",
        "/src/?replication",
        &[("origin", "http://localhost:8080")],
        b"",
    );
    r.assert_error(403, "AccessDenied");
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://localhost:8080")
    );
    assert!(
        r.header("access-control-expose-headers")
            .unwrap()
            .contains("x-oss-ec")
    );
    let req = get_bucket_replication_location("src").unwrap();
    let signed = req.sign(&account(), V4, "cn-hangzhou", common::now());
    let mut h: Vec<(&str, &str)> = signed
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    h.push(("origin", "http://127.0.0.1:9"));
    let r = em.send("GET", "/src/?replicationLocation", &h, b"");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://127.0.0.1:9")
    );
    let r = em.send(
        "GET",
        "/src/?replication",
        &[("origin", "http://evil.example")],
        b"",
    );
    assert_eq!(r.header("access-control-allow-origin"), None);
    // The STS endpoint is reachable cross-origin too.
    let r = em.send(
        "GET",
        "/_emulator/sts",
        &[("origin", "http://localhost:8080")],
        b"",
    );
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://localhost:8080")
    );
}

#[test]
fn cors_configured_origins() {
    let em = start(&["--allow-origin", "https://console.example"]);
    assert_eq!(preflight(&em, "https://console.example", "PUT").status, 200);
    preflight(&em, "http://localhost:8080", "PUT").assert_error(403, "AccessForbidden");
}

fn progress(em: &Emulator) -> common::Resp {
    em.signed(
        &get_bucket_replication_progress("src", "r").unwrap(),
        &account(),
        V4,
        "cn-hangzhou",
    )
}

fn location(em: &Emulator) -> common::Resp {
    em.signed(
        &get_bucket_replication_location("src").unwrap(),
        &account(),
        V4,
        "cn-hangzhou",
    )
}

#[test]
fn fault_injection() {
    let em = start(&[]);
    // Error status and code, for the next 2 matching requests only.
    let r = em.control(
        "POST",
        "/_emulator/faults",
        r#"{"match": {"method": "GET", "query": "replicationLocation", "bucket": "src"}, "count": 2, "action": {"status": 503, "code": "ServiceUnavailable"}}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    progress(&em).assert_error(404, "NoSuchReplicationRule");
    let f = em.send("GET", "/_emulator/faults", &[], b"");
    assert!(f.text().contains("\"remaining\":2"), "{}", f.text());
    location(&em).assert_error(503, "ServiceUnavailable");
    location(&em).assert_error(503, "ServiceUnavailable");
    assert_eq!(location(&em).status, 200);
    assert!(
        em.send("GET", "/_emulator/faults", &[], b"")
            .text()
            .contains("\"faults\":[]")
    );

    // Stall.
    em.control(
        "POST",
        "/_emulator/faults",
        r#"{"match": {"query": "replicationLocation"}, "action": {"stall_ms": 700}}"#,
    );
    let t = Instant::now();
    assert_eq!(location(&em).status, 200);
    assert!(t.elapsed() >= Duration::from_millis(700));

    // Drop: the connection closes without an answer.
    em.control(
        "POST",
        "/_emulator/faults",
        r#"{"match": {"query": "replicationLocation"}, "action": {"drop": true}}"#,
    );
    let req = get_bucket_replication_location("src").unwrap();
    let signed = req.sign(&account(), V4, "cn-hangzhou", common::now());
    let h: Vec<(&str, &str)> = signed
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let err = try_send(em.port, "GET", "/src/?replicationLocation", &h, b"").unwrap_err();
    assert!(err.contains("no complete response head"), "{err}");
    assert_eq!(location(&em).status, 200);

    // Truncate: headers announce the full length, half the body arrives.
    em.control(
        "POST",
        "/_emulator/faults",
        r#"{"match": {"query": "replicationLocation"}, "action": {"truncate": true}}"#,
    );
    let r = location(&em);
    assert_eq!(r.status, 200);
    assert!(r.short, "the body should be cut short");
    let full: usize = r.header("content-length").unwrap().parse().unwrap();
    assert_eq!(r.body.len(), full / 2);

    // HTML from a "proxy".
    em.control("POST", "/_emulator/faults", r#"{"action": {"html": true}}"#);
    let r = location(&em);
    assert_eq!(r.status, 502);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.text().contains("<html>"));
    assert!(r.header("x-oss-request-id").is_some());

    // Clear; bad specs are refused with a reason.
    em.control(
        "POST",
        "/_emulator/faults",
        r#"[{"action": {"status": 500}}, {"action": {"status": 500}}]"#,
    );
    assert_eq!(em.send("DELETE", "/_emulator/faults", &[], b"").status, 200);
    assert_eq!(location(&em).status, 200);
    let r = em.control(
        "POST",
        "/_emulator/faults",
        r#"{"action": {"explode": true}}"#,
    );
    assert_eq!(r.status, 400);
    assert!(r.text().contains("explode"));
    // Preflights are not hit by a fault without a method.
    em.control(
        "POST",
        "/_emulator/faults",
        r#"{"action": {"status": 500}}"#,
    );
    assert_eq!(preflight(&em, "http://localhost:1", "GET").status, 200);
    location(&em).assert_error(500, "InternalError");
}

#[test]
fn limits_and_malformed_input() {
    let em = start(&[]);
    // A huge declared body is refused before it is read.
    let r = em.send("PUT", "/src/big", &[("content-length", "70000000")], b"");
    r.assert_error(400, "EntityTooLarge");
    // Garbage on the wire: hyper answers 400 or closes; the server keeps running.
    for junk in [
        &b"\x00\x01\x02 garbage\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nbad header line\r\n\r\n",
        b"GET /%%%zz?&&==&=& HTTP/1.1\r\nHost: x\r\n\r\n",
    ] {
        let mut s = TcpStream::connect(("127.0.0.1", em.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(junk).unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
    }
    // A chunked body over the cap is refused too.
    let mut s = TcpStream::connect(("127.0.0.1", em.port)).unwrap();
    s.write_all(b"PUT /src/chunked HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n").unwrap();
    let chunk = vec![b'a'; 1 << 20];
    let mut sent = 0usize;
    while sent <= 65 << 20 {
        if s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .is_err()
            || s.write_all(&chunk).is_err()
            || s.write_all(b"\r\n").is_err()
        {
            break;
        }
        sent += chunk.len();
    }
    let _ = s.write_all(b"0\r\n\r\n");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let r = common::parse_response(&out, false).unwrap();
    r.assert_error(400, "EntityTooLarge");
    // Odd paths and queries get OSS errors, not crashes.
    send(em.port, "GET", "/", &[], b"").assert_error(403, "AccessDenied");
    send(em.port, "GET", "/nobucket/key?x=%ZZ", &[], b"").assert_error(404, "NoSuchBucket");
    send(
        em.port,
        "DELETE",
        "/src/?replication",
        &[("authorization", "OSS4-HMAC-SHA256 Credential=")],
        b"",
    )
    .assert_error(400, "InvalidArgument");
    assert_eq!(
        send(em.port, "GET", "/_emulator/health", &[], b"").status,
        200
    );
    assert_eq!(
        send(em.port, "GET", "/_emulator/nope", &[], b"").status,
        404
    );
    assert_eq!(send(em.port, "PUT", "/_emulator/sts", &[], b"").status, 405);
    assert_eq!(location(&em).status, 200);
}

#[test]
fn static_files_for_the_admin_page() {
    let tmp = TempDir::new("www");
    let www = tmp.path().join("www");
    let pkg = tmp.path().join("pkg");
    std::fs::create_dir_all(www.join("js")).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(
        www.join("index.html"),
        "<!doctype html><title>admin</title>",
    )
    .unwrap();
    std::fs::write(www.join("js/app.mjs"), "export {}").unwrap();
    std::fs::write(pkg.join("oss_replication_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(pkg.join("oss_replication.js"), "export default 1").unwrap();
    std::fs::write(tmp.path().join("secret.txt"), "s").unwrap();
    let www_s = www.to_string_lossy().into_owned();
    let em = start(&["--www", &www_s, "--www-listen", "127.0.0.1:0"]);
    let line = em
        .lines
        .iter()
        .find(|l| l.starts_with("oss-emulator serving www on http://127.0.0.1:"))
        .expect("www line");
    let port: u16 = line
        .trim_start_matches("oss-emulator serving www on http://127.0.0.1:")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let get = |p: &str| send(port, "GET", p, &[], b"");
    let r = get("/");
    assert_eq!(
        (r.status, r.header("content-type")),
        (200, Some("text/html; charset=utf-8"))
    );
    assert_eq!(
        get("/js/app.mjs").header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    let r = get("/pkg/oss_replication_bg.wasm");
    assert_eq!(
        (r.status, r.header("content-type")),
        (200, Some("application/wasm"))
    );
    assert_eq!(r.body, b"\0asm\x01\0\0\0");
    assert_eq!(
        get("/pkg/oss_replication.js").header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    for bad in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/pkg/..%2f..%2fsecret.txt",
        "/js/../../secret.txt",
        "/missing",
    ] {
        assert_eq!(get(bad).status, 404, "{bad}");
    }
    let r = get("/emulator-config.json");
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["endpoint"].as_str(), Some(em.endpoint().as_str()));
    assert_eq!(
        v["stsUrl"].as_str().unwrap(),
        format!("{}/_emulator/sts", em.endpoint())
    );
    assert_eq!(v["buckets"].as_array().unwrap().len(), 2);
    let r = send(port, "HEAD", "/pkg/oss_replication_bg.wasm", &[], b"");
    assert_eq!((r.status, r.header("content-length")), (200, Some("8")));
    assert_eq!(send(port, "POST", "/", &[], b"").status, 405);
}

#[test]
fn command_line() {
    let bin = env!("CARGO_BIN_EXE_oss-emulator");
    let out = std::process::Command::new(bin)
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--bucket NAME:REGION"));
    for bad in [
        &["--listen", "0.0.0.0:0"][..],
        &["--bucket", "Bad_Name:oss-cn-hangzhou"],
        &["--nope"],
        &["--seed", "everything"],
    ] {
        let out = std::process::Command::new(bin).args(bad).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("oss-emulator:") && err.contains("USAGE"),
            "{err}"
        );
    }
    // --seed demo prints endpoint, credentials and the STS URL; --seed-buckets adds buckets.
    let em = Emulator::start(&["--seed", "demo", "--seed-buckets", "200"]);
    let all = em.lines.join("\n");
    assert!(
        all.contains("demo credentials:") && all.contains("/_emulator/sts"),
        "{all}"
    );
    let r = send(em.port, "GET", "/_emulator/buckets", &[], b"");
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["buckets"].as_array().unwrap().len(), 206);
    // ListBuckets (service level: V1 resource "/", V4 URI "/") pages through them.
    let mut marker = String::new();
    let mut names = Vec::new();
    loop {
        let mut q = vec![("max-keys".to_owned(), "100".to_owned())];
        if !marker.is_empty() {
            q.push(("marker".to_owned(), marker.clone()));
        }
        let parts = RequestParts {
            method: "GET",
            bucket: None,
            key: "",
            query: &q,
            headers: &[],
        };
        for version in [V1, V4] {
            let signed = oss_replication::sign(
                &parts,
                &account(),
                &SigningParams {
                    version,
                    region: "cn-hangzhou",
                    time: common::now(),
                    subresources: None,
                    additional_headers: &[],
                },
            );
            let h: Vec<(&str, &str)> = signed
                .headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let r = send(
                em.port,
                "GET",
                &format!("/{}", common::query_string(&q)),
                &h,
                b"",
            );
            assert_eq!(r.status, 200, "{}", r.text());
            if version == V4 {
                let t = r.text();
                names.extend(
                    t.split("<Name>")
                        .skip(1)
                        .map(|s| s.split('<').next().unwrap().to_owned()),
                );
                marker = r.elem("NextMarker").unwrap_or_default();
            }
        }
        if marker.is_empty() {
            break;
        }
    }
    assert_eq!(names.len(), 206);
    assert!(
        names.contains(&"bucket-0200".to_owned()) && names.contains(&"demo-hangzhou".to_owned())
    );
}
