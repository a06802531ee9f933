//! What a transport reads of an HTTP answer and how much of it: the response
//! headers the client uses, and the body size cap (`maxResponseBytes`). The
//! fetch transport asks these questions and does the reading; the decisions
//! live here, where they are tested natively.

use crate::error::{Error, ErrorKind};

/// Response headers read from every answer. Each read is a boundary crossing
/// in the wasm build, so the error-only ones are separate.
const ALWAYS: &[&str] = &[
    "x-oss-request-id",
    "x-oss-replication-rule-id",
    "content-length",
    // lagSeconds: the server's clock (when exposed; else the skew-corrected local one)
    "date",
];
/// Read on error statuses only: detail code, backoff hint.
const ON_ERROR: &[&str] = &["x-oss-ec", "retry-after"];

/// The response headers to read for an answer with `status`.
pub fn headers_to_read(status: u16) -> impl Iterator<Item = &'static str> {
    let on_error: &[&str] = if (200..300).contains(&status) {
        &[]
    } else {
        ON_ERROR
    };
    ALWAYS.iter().chain(on_error).copied()
}

/// How to read a body, decided from its declared length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyPlan {
    /// The declared length is within the cap: read it whole, in one step.
    Whole,
    /// No usable length: read chunk by chunk, stopping at the cap.
    Chunked,
}

/// The body size cap of one client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyLimit {
    max: usize,
}

impl BodyLimit {
    /// A cap of `max` bytes.
    pub fn new(max: usize) -> Self {
        BodyLimit { max }
    }

    /// The plan for a body whose `Content-Length` header is `declared`; an
    /// error when it already says the body is too large.
    pub fn plan(&self, declared: Option<&str>) -> Result<BodyPlan, Error> {
        match declared.and_then(|v| v.trim().parse::<u64>().ok()) {
            Some(n) if n > self.max as u64 => Err(self.too_large()),
            Some(_) => Ok(BodyPlan::Whole),
            None => Ok(BodyPlan::Chunked),
        }
    }

    /// Whether `len` bytes (a whole body, or what is read so far plus the next
    /// chunk) are within the cap; the error to report otherwise.
    pub fn check(&self, len: usize) -> Result<(), Error> {
        if len > self.max {
            Err(self.too_large())
        } else {
            Ok(())
        }
    }

    fn too_large(&self) -> Error {
        Error::new(
            ErrorKind::ResponseTooLarge,
            "ResponseTooLarge",
            format!(
                "the response body is larger than {} bytes (maxResponseBytes)",
                self.max
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_headers_only_on_errors() {
        let ok: Vec<_> = headers_to_read(200).collect();
        assert_eq!(
            ok,
            [
                "x-oss-request-id",
                "x-oss-replication-rule-id",
                "content-length",
                "date"
            ]
        );
        for status in [199, 300, 403, 503] {
            let all: Vec<_> = headers_to_read(status).collect();
            assert_eq!(all.len(), 6, "{status}");
            assert!(all.contains(&"retry-after") && all.contains(&"x-oss-ec"));
        }
    }

    #[test]
    fn plan_follows_the_declared_length() {
        let l = BodyLimit::new(100);
        assert_eq!(l.plan(Some("100")).unwrap(), BodyPlan::Whole);
        assert_eq!(l.plan(Some(" 0 ")).unwrap(), BodyPlan::Whole);
        assert_eq!(l.plan(None).unwrap(), BodyPlan::Chunked);
        // A header that is not a length is no promise: read in chunks, capped.
        assert_eq!(l.plan(Some("-1")).unwrap(), BodyPlan::Chunked);
        assert_eq!(l.plan(Some("abc")).unwrap(), BodyPlan::Chunked);
        let e = l.plan(Some("101")).unwrap_err();
        assert_eq!(e.code(), "ResponseTooLarge");
        assert_eq!(
            e.message(),
            "the response body is larger than 100 bytes (maxResponseBytes)"
        );
        // Larger than usize on a 32-bit target still refuses, not wraps.
        assert!(l.plan(Some("18446744073709551615")).is_err());
    }

    #[test]
    fn check_is_inclusive_of_the_cap() {
        let l = BodyLimit::new(4);
        assert!(l.check(4).is_ok());
        assert_eq!(l.check(5).unwrap_err().kind(), ErrorKind::ResponseTooLarge);
    }
}
