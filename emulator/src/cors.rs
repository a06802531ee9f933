//! CORS as an OSS bucket rule allowing the replication console would answer: preflights
//! for allowed origins, and `Access-Control-Allow-Origin` / `-Expose-Headers` on every
//! response to them (errors included), so browser code can read codes and request IDs.

/// Methods a preflight may ask for.
pub const ALLOW_METHODS: &str = "GET, POST, PUT, DELETE, HEAD";
/// Response headers browser code may read.
pub const EXPOSE_HEADERS: &str = "x-oss-request-id, x-oss-ec, x-oss-replication-rule-id, ETag, x-oss-hash-crc64ecma, Content-MD5, Content-Length, Date, Last-Modified";
/// How long a browser may cache a preflight, in seconds.
pub const MAX_AGE: &str = "600";

/// Which origins are allowed.
#[derive(Clone, Debug, Default)]
pub struct CorsPolicy {
    /// `--allow-origin` values; empty means every loopback origin; `*` allows all.
    pub origins: Vec<String>,
}

/// Whether `origin` is `http(s)://` a loopback host with an optional port.
pub fn is_loopback_origin(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    let host = if let Some(v6) = rest.strip_prefix('[') {
        match v6.split_once(']') {
            Some((h, port))
                if port.is_empty() || port.strip_prefix(':').is_some_and(valid_port) =>
            {
                return h == "::1";
            }
            _ => return false,
        }
    } else {
        match rest.split_once(':') {
            Some((h, port)) if valid_port(port) => h,
            Some(_) => return false,
            None => rest,
        }
    };
    host == "localhost" || host == "127.0.0.1"
}

fn valid_port(p: &str) -> bool {
    !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
}

impl CorsPolicy {
    /// Whether `origin` may call the emulator.
    pub fn allows(&self, origin: &str) -> bool {
        if self.origins.is_empty() {
            return is_loopback_origin(origin);
        }
        self.origins
            .iter()
            .any(|o| o == "*" || o.eq_ignore_ascii_case(origin))
    }

    /// Headers for a normal response to a request carrying `origin`.
    pub fn response_headers(&self, origin: Option<&str>) -> Vec<(&'static str, String)> {
        match origin {
            Some(o) if self.allows(o) => vec![
                ("access-control-allow-origin", o.to_owned()),
                ("access-control-expose-headers", EXPOSE_HEADERS.to_owned()),
                ("vary", "Origin".to_owned()),
            ],
            _ => Vec::new(),
        }
    }

    /// Headers answering a preflight, or `None` when it is not allowed.
    pub fn preflight(
        &self,
        origin: Option<&str>,
        method: Option<&str>,
        request_headers: Option<&str>,
    ) -> Option<Vec<(&'static str, String)>> {
        let origin = origin?;
        let method = method?.trim();
        if !self.allows(origin) || !ALLOW_METHODS.split(", ").any(|m| m == method) {
            return None;
        }
        let mut out = vec![
            ("access-control-allow-origin", origin.to_owned()),
            ("access-control-allow-methods", ALLOW_METHODS.to_owned()),
            ("access-control-expose-headers", EXPOSE_HEADERS.to_owned()),
            ("access-control-max-age", MAX_AGE.to_owned()),
            (
                "vary",
                "Origin, Access-Control-Request-Method, Access-Control-Request-Headers".to_owned(),
            ),
        ];
        if let Some(h) = request_headers.map(str::trim).filter(|h| !h.is_empty()) {
            out.push(("access-control-allow-headers", h.to_owned()));
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_default() {
        let p = CorsPolicy::default();
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost",
            "https://localhost:1",
            "http://[::1]:9",
            "http://[::1]",
        ] {
            assert!(p.allows(ok), "{ok}");
        }
        for bad in [
            "http://example.com",
            "http://127.0.0.1.evil.com",
            "http://localhost:80x",
            "null",
            "http://[::2]:1",
            "ftp://localhost",
        ] {
            assert!(!p.allows(bad), "{bad}");
        }
    }

    #[test]
    fn preflight_and_configured_origins() {
        let p = CorsPolicy {
            origins: vec!["https://console.example".into()],
        };
        assert!(
            p.preflight(Some("http://127.0.0.1:1"), Some("GET"), None)
                .is_none()
        );
        let h = p
            .preflight(
                Some("https://console.example"),
                Some("PUT"),
                Some("authorization, x-oss-date"),
            )
            .unwrap();
        assert!(h.contains(&(
            "access-control-allow-headers",
            "authorization, x-oss-date".into()
        )));
        assert!(
            p.preflight(Some("https://console.example"), Some("PATCH"), None)
                .is_none()
        );
        assert!(p.response_headers(Some("https://other")).is_empty());
        let star = CorsPolicy {
            origins: vec!["*".into()],
        };
        assert!(star.allows("https://anything"));
    }
}
