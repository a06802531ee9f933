//! The one public error type.
//!
//! Every failure, from a bad bucket name to an OSS `<Error>` body or a proxy's
//! HTML page, is an [`Error`] with a [`kind`](Error::kind), an OSS-style
//! [`code`](Error::code) and a message naming the problem. Messages never carry
//! an access key secret or a security token: the code that builds them only ever
//! sees field names, public values and server answers.

use std::fmt;

use crate::redact::{Redacted, mask_known};

/// What class of failure an [`Error`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The caller's input was rejected before any request was sent.
    InvalidInput,
    /// Credentials are missing, expired, or their refresh failed.
    Credentials,
    /// OSS (or something in front of it) answered with an error status.
    Service,
    /// A response could not be read as what the operation returns.
    Parse,
    /// The request never got a complete answer (connection refused, reset, DNS, CORS).
    Network,
    /// An attempt took longer than the configured timeout.
    Timeout,
    /// The response body was larger than the client accepts.
    ResponseTooLarge,
    /// The caller cancelled the operation (an `AbortSignal`).
    Aborted,
}

/// Details OSS gives about a failed request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceDetails {
    /// HTTP status code.
    pub status: u16,
    /// `RequestId` (or the `x-oss-request-id` header).
    pub request_id: Option<String>,
    /// `HostId`.
    pub host_id: Option<String>,
    /// `EC`, the detailed error code (or the `x-oss-ec` header).
    pub ec: Option<String>,
    /// `RecommendDoc`, a troubleshooting link.
    pub recommend_doc: Option<String>,
    /// `ServerTime` on `RequestTimeTooSkewed`.
    pub server_time: Option<String>,
    /// `StringToSign` the server expected, on `SignatureDoesNotMatch`, with
    /// credential-bearing lines (the STS token) redacted.
    pub string_to_sign: Option<Redacted>,
}

/// An error from building, signing, sending or parsing a replication request.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    code: String,
    message: String,
    service: Option<ServiceDetails>,
}

/// Code of [`Error::client_timeout`]: the client gave up waiting (no answer).
pub const CLIENT_TIMEOUT: &str = "ClientTimeout";
/// Code of [`Error::network`]: no HTTP answer at all.
pub const NETWORK_ERROR: &str = "NetworkError";

/// Whether a `navigator.userAgent` is a browser's, where CORS applies. Browsers
/// (pages and their Web Workers) all start with `Mozilla/`; Node says `Node.js/…`,
/// Deno `Deno/…`, Bun `Bun/…`, Cloudflare `Cloudflare-Workers`, and older
/// runtimes have no `navigator` at all.
pub fn is_browser_user_agent(user_agent: Option<&str>) -> bool {
    user_agent.is_some_and(|ua| ua.starts_with("Mozilla/"))
}

/// OSS error codes that mean "slow down" rather than "you are wrong".
const THROTTLING_CODES: &[&str] = &[
    "ServiceUnavailable",
    "SlowDown",
    "Throttling",
    "RequestTimeout",
    "InternalError",
    "QpsLimitExceeded",
    "DownloadTrafficRateLimitExceeded",
    "UploadTrafficRateLimitExceeded",
];

impl Error {
    /// A new error of `kind` with an OSS-style `code` and a message.
    pub fn new(kind: ErrorKind, code: impl Into<String>, message: impl Into<String>) -> Self {
        Error(Box::new(Inner {
            kind,
            code: code.into(),
            message: message.into(),
            service: None,
        }))
    }

    /// Client-side validation failure (code `InvalidArgument` unless given).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, "InvalidArgument", message)
    }

    /// An error answered by the service.
    pub fn service(
        code: impl Into<String>,
        message: impl Into<String>,
        details: ServiceDetails,
    ) -> Self {
        let mut e = Self::new(ErrorKind::Service, code, message);
        e.0.service = Some(details);
        e
    }

    /// The client's own per-attempt timeout fired (code [`CLIENT_TIMEOUT`], not
    /// OSS's `RequestTimeout`, which is a server answer and a throttling code).
    pub fn client_timeout(timeout_ms: f64) -> Self {
        Self::new(
            ErrorKind::Timeout,
            CLIENT_TIMEOUT,
            format!(
                "no complete answer within {} ms (the attempt was aborted)",
                timeout_ms as u64
            ),
        )
    }

    /// The request got no answer: `detail` is what the runtime said. A CORS
    /// refusal looks the same as a network failure, but only a browser enforces
    /// CORS, so only there is it named (`in_browser`, a fact the caller knows).
    pub fn network(detail: &str, in_browser: bool) -> Self {
        let message = if in_browser {
            format!(
                "fetch failed: {detail} (network unreachable, or a CORS refusal: the bucket's CORS rule must allow this origin, methods GET/POST/PUT, headers authorization, content-type, content-md5, x-oss-date, x-oss-content-sha256, x-oss-security-token, and expose x-oss-request-id, x-oss-ec, x-oss-replication-rule-id)"
            )
        } else {
            format!(
                "fetch failed: {detail} (endpoint unreachable, connection refused or reset, or DNS)"
            )
        };
        Self::new(ErrorKind::Network, NETWORK_ERROR, message)
    }

    /// A response that is not what the operation returns.
    pub fn parse(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Parse, "MalformedResponse", message)
    }

    /// What class of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// OSS error code (`NoSuchBucket`, `InvalidArgument`, `NetworkError`, ...).
    pub fn code(&self) -> &str {
        &self.0.code
    }

    /// Human-readable message; names the field or the problem.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The input field an [`ErrorKind::InvalidInput`] error is about, as the path its
    /// message starts with (`rule.destination.bucket`, `rule.prefixes[2]`,
    /// `options.timeout`): forms put the message next to that field without
    /// parsing prose. `None` for other kinds and for messages about no one field.
    pub fn field(&self) -> Option<&str> {
        if self.0.kind != ErrorKind::InvalidInput {
            return None;
        }
        let m = self.0.message.as_str();
        let root = ["rule", "options"].into_iter().find(|r| {
            m.starts_with(r) && !m[r.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
        })?;
        let bytes = m.as_bytes();
        let mut end = root.len();
        loop {
            match bytes.get(end) {
                Some(b'.') if bytes.get(end + 1).is_some_and(u8::is_ascii_alphabetic) => {
                    end += 1;
                    while bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                        end += 1;
                    }
                }
                Some(b'[') => {
                    let digits = bytes[end + 1..]
                        .iter()
                        .take_while(|b| b.is_ascii_digit())
                        .count();
                    if digits == 0 || bytes.get(end + 1 + digits) != Some(&b']') {
                        break;
                    }
                    end += digits + 2;
                }
                _ => break,
            }
        }
        Some(&m[..end])
    }

    /// Service details, when the server answered.
    pub fn service_details(&self) -> Option<&ServiceDetails> {
        self.0.service.as_ref()
    }

    /// HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        self.0.service.as_ref().map(|s| s.status)
    }

    /// The request ID, when the server answered with one.
    pub fn request_id(&self) -> Option<&str> {
        self.0.service.as_ref()?.request_id.as_deref()
    }

    /// Whether sending the same request again may succeed: network failures,
    /// timeouts, 5xx, 429 and OSS throttling codes. Never other 4xx.
    pub fn is_retryable(&self) -> bool {
        match self.0.kind {
            ErrorKind::Network | ErrorKind::Timeout => true,
            ErrorKind::Service => {
                let status = self.status().unwrap_or(0);
                status >= 500 || status == 429 || THROTTLING_CODES.contains(&self.code())
            }
            _ => false,
        }
    }

    /// This error with every occurrence of a value in `known` (a secret, a token)
    /// masked in its message and service details: server text and messages from
    /// the caller's callbacks can echo what they were given.
    pub fn mask_known(mut self, known: &[&str]) -> Self {
        let inner = &mut *self.0;
        inner.message = mask_known(&inner.message, known);
        if let Some(s) = &mut inner.service {
            for field in [
                &mut s.request_id,
                &mut s.host_id,
                &mut s.ec,
                &mut s.recommend_doc,
                &mut s.server_time,
            ]
            .into_iter()
            .flatten()
            {
                *field = mask_known(field, known);
            }
            s.string_to_sign = s
                .string_to_sign
                .take()
                .map(|t| Redacted::echo(t.as_str(), known));
        }
        self
    }

    /// Prefixes the message with context (`"rule.prefixes[2]: "`).
    pub(crate) fn context(mut self, prefix: &str) -> Self {
        self.0.message = format!("{prefix}: {}", self.0.message);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.code, self.0.message)?;
        if let Some(s) = &self.0.service {
            // As u32, like every status formatted: one integer formatter in the wasm.
            write!(f, " (status {}", u32::from(s.status))?;
            if let Some(id) = &s.request_id {
                write!(f, ", request id {id}")?;
            }
            if let Some(ec) = &s.ec {
                write!(f, ", ec {ec}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.0.kind)
            .field("code", &self.0.code)
            .field("message", &self.0.message);
        if let Some(s) = &self.0.service {
            d.field("service", s);
        }
        d.finish()
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(status: u16, code: &str) -> Error {
        Error::service(
            code,
            "m",
            ServiceDetails {
                status,
                ..Default::default()
            },
        )
    }

    #[test]
    fn field_is_the_path_an_input_message_starts_with() {
        let field = |m: &str| Error::invalid(m.to_owned()).field().map(str::to_owned);
        assert_eq!(
            field("rule.destination.bucket is required").as_deref(),
            Some("rule.destination.bucket")
        );
        assert_eq!(
            field("rule.prefixes[2] is longer than 1023 bytes").as_deref(),
            Some("rule.prefixes[2]")
        );
        assert_eq!(
            field("rule.userTaggings.tags[10].key: repeats").as_deref(),
            Some("rule.userTaggings.tags[10].key")
        );
        assert_eq!(
            field("options.bucket: bucket name too short").as_deref(),
            Some("options.bucket")
        );
        assert_eq!(
            field("options needs accessKeyId and accessKeySecret").as_deref(),
            Some("options")
        );
        assert_eq!(
            field("rule.prefixes[x] odd").as_deref(),
            Some("rule.prefixes")
        );
        assert_eq!(field("rules are many"), None);
        assert_eq!(field("enabled must be true or false"), None);
        assert_eq!(svc(400, "InvalidArgument").field(), None);
    }

    #[test]
    fn retryable_classes() {
        assert!(svc(500, "InternalError").is_retryable());
        assert!(svc(503, "ServiceUnavailable").is_retryable());
        assert!(svc(429, "TooManyRequests").is_retryable());
        assert!(svc(400, "SlowDown").is_retryable());
        assert!(!svc(403, "AccessDenied").is_retryable());
        assert!(!svc(404, "NoSuchBucket").is_retryable());
        assert!(!svc(400, "InvalidTargetBucket").is_retryable());
        assert!(Error::new(ErrorKind::Network, "NetworkError", "reset").is_retryable());
        assert!(Error::client_timeout(5.0).is_retryable());
        assert_eq!(Error::client_timeout(5.0).code(), "ClientTimeout");
        assert!(!Error::invalid("bucket").is_retryable());
        assert!(!Error::parse("xml").is_retryable());
    }

    #[test]
    fn cors_is_named_only_in_a_browser() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0";
        for (ua, browser) in [
            (Some(chrome), true),
            (Some("Node.js/22"), false),
            (Some("Deno/2.1.4"), false),
            (Some("Bun/1.2.0"), false),
            (Some("Cloudflare-Workers"), false),
            (None, false),
        ] {
            assert_eq!(is_browser_user_agent(ua), browser, "{ua:?}");
            let e = Error::network("fetch failed", is_browser_user_agent(ua));
            assert_eq!(e.message().contains("CORS"), browser, "{ua:?}: {e}");
            assert_eq!(e.code(), "NetworkError");
        }
    }

    #[test]
    fn display_carries_details() {
        let e = Error::service(
            "NoSuchBucket",
            "The specified bucket does not exist.",
            ServiceDetails {
                status: 404,
                request_id: Some("RID".into()),
                ec: Some("0015-00000101".into()),
                ..Default::default()
            },
        );
        assert_eq!(
            e.to_string(),
            "NoSuchBucket: The specified bucket does not exist. (status 404, request id RID, ec 0015-00000101)"
        );
        assert_eq!(e.request_id(), Some("RID"));
        assert_eq!(
            Error::invalid("x").context("rule.id").message(),
            "rule.id: x"
        );
    }
}
