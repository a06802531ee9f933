//! Shared test helpers: start the real `oss-emulator` binary on a free port, a tiny
//! blocking HTTP/1.1 client, and request signing with the `oss-replication` library.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use oss_replication::replication::OssRequest;
use oss_replication::sign::encode::uri_encode;
use oss_replication::{Credentials, RequestParts, SignatureVersion, SigningParams, SigningTime};

pub const AK: &str = "LTAI5tTestAccessKeyId";
pub const SK: &str = "TestAccessKeySecret0123456789";

/// A running emulator, killed on drop.
pub struct Emulator {
    pub child: Child,
    pub port: u16,
    pub lines: Vec<String>,
}

impl Emulator {
    /// Starts the binary with `--listen 127.0.0.1:0`, the test credentials, and `args`.
    pub fn start(args: &[&str]) -> Emulator {
        let mut all = vec![
            "--listen",
            "127.0.0.1:0",
            "--access-key-id",
            AK,
            "--access-key-secret",
            SK,
        ];
        all.extend_from_slice(args);
        Self::start_raw(&all)
    }

    /// Starts the binary with exactly `args`.
    pub fn start_raw(args: &[&str]) -> Emulator {
        let mut child = Command::new(env!("CARGO_BIN_EXE_oss-emulator"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn oss-emulator");
        let stdout = child.stdout.take().expect("stdout");
        let mut reader = BufReader::new(stdout);
        let mut first = String::new();
        reader.read_line(&mut first).expect("read the first line");
        let port = first
            .trim()
            .strip_prefix("oss-emulator listening on http://127.0.0.1:")
            .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
            .parse()
            .expect("port");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in reader.lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Collect what is printed right after the first line (www URL, demo details).
        let mut lines = vec![first.trim().to_owned()];
        while let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
            lines.push(l);
        }
        std::thread::spawn(move || while rx.recv().is_ok() {});
        Emulator { child, port, lines }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Sends a raw request.
    pub fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
        send(self.port, method, path, headers, body)
    }

    /// Sends an OSS request signed with `creds` at the current time (plus `skew_secs`).
    pub fn signed(
        &self,
        req: &OssRequest,
        creds: &Credentials,
        version: SignatureVersion,
        region: &str,
    ) -> Resp {
        self.signed_at(req, creds, version, region, now())
    }

    pub fn signed_at(
        &self,
        req: &OssRequest,
        creds: &Credentials,
        version: SignatureVersion,
        region: &str,
        time: SigningTime,
    ) -> Resp {
        let signed = req.sign(creds, version, region, time);
        let mut headers: Vec<(String, String)> = req.headers.clone();
        headers.extend(signed.headers.clone());
        let path = format!("/{}/{}", req.bucket, query_string(&req.query));
        let h: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.send(
            req.method,
            &path,
            &h,
            req.body.as_deref().unwrap_or("").as_bytes(),
        )
    }

    /// Sends an object (or any) request signed with the library's generic signer.
    #[allow(clippy::too_many_arguments)]
    pub fn object(
        &self,
        method: &str,
        bucket: &str,
        key: &str,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
        body: &[u8],
        creds: &Credentials,
        version: SignatureVersion,
        region: &str,
    ) -> Resp {
        let query: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        let mut hs: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        let parts = RequestParts {
            method,
            bucket: Some(bucket),
            key,
            query: &query,
            headers: &hs,
        };
        let signed = oss_replication::sign(
            &parts,
            creds,
            &SigningParams {
                version,
                region,
                time: now(),
                subresources: None,
                additional_headers: &[],
            },
        );
        hs.extend(signed.headers);
        let path = format!(
            "/{bucket}/{}{}",
            uri_encode(key, true),
            query_string(&query)
        );
        let h: Vec<(&str, &str)> = hs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.send(method, &path, &h, body)
    }

    /// PUT an object with the account key (V4).
    pub fn put(&self, bucket: &str, key: &str, body: &[u8], region: &str) -> Resp {
        self.object(
            "PUT",
            bucket,
            key,
            &[],
            &[],
            body,
            &account(),
            SignatureVersion::V4,
            region,
        )
    }

    /// GET an object with the account key (V4).
    pub fn get(&self, bucket: &str, key: &str, region: &str) -> Resp {
        self.object(
            "GET",
            bucket,
            key,
            &[],
            &[],
            b"",
            &account(),
            SignatureVersion::V4,
            region,
        )
    }

    /// JSON POST to a control endpoint.
    pub fn control(&self, method: &str, path: &str, json: &str) -> Resp {
        self.send(
            method,
            path,
            &[("content-type", "application/json")],
            json.as_bytes(),
        )
    }

    /// Vends STS credentials.
    pub fn sts(&self, lifetime: Option<u64>) -> Credentials {
        let path = match lifetime {
            Some(l) => format!("/_emulator/sts?lifetime={l}"),
            None => "/_emulator/sts".to_owned(),
        };
        let r = self.send("GET", &path, &[], b"");
        assert_eq!(r.status, 200, "{}", r.text());
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        Credentials::new(
            v["accessKeyId"].as_str().unwrap(),
            v["accessKeySecret"].as_str().unwrap(),
            Some(v["securityToken"].as_str().unwrap().to_owned()),
        )
        .unwrap()
    }

    /// Polls `f` until it returns true (10 s limit).
    pub fn wait_for(&self, what: &str, mut f: impl FnMut() -> bool) {
        let start = Instant::now();
        while !f() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `kill -9`.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn account() -> Credentials {
    Credentials::new(AK, SK, None).unwrap()
}

pub fn now() -> SigningTime {
    SigningTime::from_epoch_secs(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64,
    )
}

pub fn query_string(query: &[(String, String)]) -> String {
    if query.is_empty() {
        return String::new();
    }
    let items: Vec<String> = query
        .iter()
        .map(|(k, v)| {
            if v.is_empty() {
                uri_encode(k, false)
            } else {
                format!("{}={}", uri_encode(k, false), uri_encode(v, false))
            }
        })
        .collect();
    format!("?{}", items.join("&"))
}

/// A received response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Whether the body ended early (connection closed before Content-Length bytes).
    pub short: bool,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The text of the first `<name>` element.
    pub fn elem(&self, name: &str) -> Option<String> {
        let t = self.text();
        let open = format!("<{name}>");
        let start = t.find(&open)? + open.len();
        let end = t[start..].find(&format!("</{name}>"))? + start;
        Some(
            t[start..end]
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&"),
        )
    }

    pub fn code(&self) -> String {
        self.elem("Code").unwrap_or_default()
    }

    /// Asserts an OSS error: status, code, and the common error shape.
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.code().as_str()),
            (status, code),
            "body: {}",
            self.text()
        );
        assert_eq!(self.header("content-type"), Some("application/xml"));
        let rid = self.header("x-oss-request-id").expect("x-oss-request-id");
        assert_eq!(self.elem("RequestId").as_deref(), Some(rid));
        assert!(self.elem("HostId").is_some());
        let ec = self.elem("EC").expect("EC");
        assert_eq!(self.header("x-oss-ec"), Some(ec.as_str()));
        assert!(self.elem("RecommendDoc").is_some_and(|d| d.ends_with(&ec)));
        assert!(self.header("date").is_some());
    }
}

/// One request on a fresh connection (`Connection: close`); reads to EOF.
pub fn send(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    try_send(port, method, path, headers, body).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

pub fn try_send(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<Resp, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("host: 127.0.0.1:{port}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-length"))
    {
        req.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    req.push_str("connection: close\r\n\r\n");
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    s.write_all(body).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    // A reset after a partial answer is what a truncation looks like: keep what arrived.
    let _ = s.read_to_end(&mut raw);
    parse_response(&raw, method == "HEAD")
}

pub fn parse_response(raw: &[u8], head: bool) -> Result<Resp, String> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("no complete response head ({} bytes received)", raw.len()))?;
    let head_text = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head_text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &raw[end + 4..];
    let get = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    let (body, short) = if head || status == 204 || status == 304 {
        (Vec::new(), false)
    } else if get("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        let mut out = Vec::new();
        let mut r = rest;
        loop {
            let Some(nl) = r.windows(2).position(|w| w == b"\r\n") else {
                break (out, true);
            };
            let size = usize::from_str_radix(String::from_utf8_lossy(&r[..nl]).trim(), 16)
                .map_err(|e| e.to_string())?;
            if size == 0 {
                break (out, false);
            }
            let start = nl + 2;
            if r.len() < start + size {
                out.extend_from_slice(&r[start..]);
                break (out, true);
            }
            out.extend_from_slice(&r[start..start + size]);
            r = &r[(start + size + 2).min(r.len())..];
        }
    } else if let Some(len) = get("content-length").and_then(|l| l.parse::<usize>().ok()) {
        let n = len.min(rest.len());
        (rest[..n].to_vec(), rest.len() < len)
    } else {
        (rest.to_vec(), false)
    };
    Ok(Resp {
        status,
        headers,
        body,
        short,
    })
}

/// A scratch directory removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!(
            "oss-emulator-test-{tag}-{}-{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
