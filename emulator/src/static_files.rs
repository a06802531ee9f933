//! Static files for `--www`: the admin page from DIR, `/pkg/` from the npm package
//! directory, `/emulator-config.json` describing the OSS endpoint. GET and HEAD only,
//! correct MIME types, no directory traversal (paths are checked segment by segment and
//! the resolved file must stay under its root).

use std::path::{Path, PathBuf};

use oss_replication::sign::encode::percent_decode;

use crate::app::Reply;

/// The directories served.
#[derive(Clone, Debug)]
pub struct Roots {
    /// `--www`, canonicalized.
    pub www: PathBuf,
    /// `--pkg` (default `<www>/../pkg`), canonicalized, when it exists.
    pub pkg: Option<PathBuf>,
}

impl Roots {
    /// Canonicalizes the roots; `--www` must exist.
    pub fn new(www: &Path, pkg: Option<&Path>) -> Result<Self, String> {
        let www = www
            .canonicalize()
            .map_err(|e| format!("--www {}: {e}", www.display()))?;
        if !www.is_dir() {
            return Err(format!("--www {} is not a directory", www.display()));
        }
        let pkg = match pkg {
            Some(p) => Some(
                p.canonicalize()
                    .map_err(|e| format!("--pkg {}: {e}", p.display()))?,
            ),
            None => www
                .parent()
                .map(|p| p.join("pkg"))
                .and_then(|p| p.canonicalize().ok())
                .filter(|p| p.is_dir()),
        };
        Ok(Roots { www, pkg })
    }
}

fn text(status: u16, body: &str) -> Reply {
    Reply {
        status,
        headers: vec![("content-type".into(), "text/plain; charset=utf-8".into())],
        body: bytes::Bytes::from(body.to_owned()),
        content_length: None,
    }
}

/// Safe relative segments of a URL path, or `None` for anything suspicious.
fn segments(raw_path: &str) -> Option<Vec<String>> {
    let path = percent_decode(raw_path, false);
    let mut out = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s if s.contains('\\') || s.contains('\0') || s.contains(':') => return None,
            s => out.push(s.to_owned()),
        }
    }
    Some(out)
}

/// Maps a URL path to a file under the roots.
pub fn resolve(roots: &Roots, raw_path: &str) -> Option<PathBuf> {
    let segs = segments(raw_path)?;
    let (root, rest) = match segs.first().map(String::as_str) {
        Some("pkg") => (roots.pkg.as_ref()?, &segs[1..]),
        _ => (&roots.www, &segs[..]),
    };
    let mut path = root.clone();
    for s in rest {
        path.push(s);
    }
    let mut path = path.canonicalize().ok()?;
    if path.is_dir() {
        path = path.join("index.html").canonicalize().ok()?;
    }
    (path.starts_with(root) && path.is_file()).then_some(path)
}

/// Serves one request on the www listener.
pub async fn serve(roots: &Roots, method: &str, raw_path: &str, config_json: &str) -> Reply {
    if method != "GET" && method != "HEAD" {
        return text(405, "method not allowed\n").header("allow", "GET, HEAD");
    }
    if raw_path == "/emulator-config.json" {
        return Reply::json(200, config_json.to_owned()).header("cache-control", "no-store");
    }
    let Some(path) = resolve(roots, raw_path) else {
        return text(404, "not found\n");
    };
    match tokio::fs::read(&path).await {
        Ok(data) => {
            let name = path.to_string_lossy().into_owned();
            let len = data.len() as u64;
            let mut r = Reply {
                status: 200,
                headers: vec![
                    ("content-type".into(), crate::mime::for_path(&name).into()),
                    ("cache-control".into(), "no-cache".into()),
                    ("x-content-type-options".into(), "nosniff".into()),
                ],
                body: if method == "HEAD" {
                    bytes::Bytes::new()
                } else {
                    bytes::Bytes::from(data)
                },
                content_length: None,
            };
            if method == "HEAD" {
                r.content_length = Some(len);
            }
            r
        }
        Err(_) => text(404, "not found\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_traversal() {
        let base = std::env::temp_dir().join(format!("oss-emu-static-{}", std::process::id()));
        let www = base.join("www");
        let pkg = base.join("pkg");
        std::fs::create_dir_all(www.join("sub")).unwrap();
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(www.join("index.html"), "i").unwrap();
        std::fs::write(www.join("sub/a.js"), "a").unwrap();
        std::fs::write(pkg.join("x.wasm"), "w").unwrap();
        std::fs::write(base.join("secret"), "s").unwrap();
        let roots = Roots::new(&www, None).unwrap();
        assert!(roots.pkg.is_some());
        assert!(resolve(&roots, "/").unwrap().ends_with("index.html"));
        assert!(resolve(&roots, "/sub/a.js").is_some());
        assert!(resolve(&roots, "/pkg/x.wasm").is_some());
        for bad in [
            "/../secret",
            "/%2e%2e/secret",
            "/sub/..%2F..%2Fsecret",
            "/pkg/../secret",
            "/..\\secret",
            "/nope",
        ] {
            assert!(resolve(&roots, bad).is_none(), "{bad}");
        }
        std::fs::remove_dir_all(&base).unwrap();
    }
}
