//! What a transport reads of an HTTP answer and how much of it: the response
//! headers the client uses, and the body size cap (`maxResponseBytes`). The
//! fetch transport asks these questions and does the reading; the decisions
//! live here, where they are tested natively.

use crate::error::{Error, ErrorKind};
use crate::replication::Operation;

/// Read from every answer: the request ID every result carries, and the
/// declared length the body plan follows.
const BASE: &[&str] = &["content-length", "x-oss-request-id"];
/// A Put's answer: the ID the server gave the rule.
const PUT: &[&str] = &[
    "content-length",
    "x-oss-request-id",
    "x-oss-replication-rule-id",
];
/// A progress answer: the server's clock, for `lagSeconds` (when exposed; else
/// the skew-corrected local one).
const PROGRESS: &[&str] = &["content-length", "x-oss-request-id", "date"];
/// An error answer: the detail code, the backoff hint, and the server's clock
/// for a `RequestTimeTooSkewed` without `ServerTime` (the code is known only
/// once the body is parsed, so any error status reads it).
const ON_ERROR: &[&str] = &[
    "content-length",
    "x-oss-request-id",
    "x-oss-ec",
    "retry-after",
    "date",
];

/// The response headers to read for `operation`'s answer with `status`. Each
/// read costs the wasm build a call into JavaScript (and a string copy), so a
/// successful answer reads only what its operation uses.
pub fn headers_to_read(operation: Operation, status: u16) -> &'static [&'static str] {
    if !(200..300).contains(&status) {
        return ON_ERROR;
    }
    match operation {
        Operation::PutBucketReplication => PUT,
        Operation::GetBucketReplicationProgress => PROGRESS,
        _ => BASE,
    }
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
    fn each_answer_reads_only_the_headers_its_operation_uses() {
        use Operation::*;
        for op in [
            GetBucketReplication,
            GetBucketReplicationLocation,
            DeleteBucketReplication,
            PutBucketRtc,
            GetBucketVersioning,
            GetBucketInfo,
            ListObjectsV2,
            GetObjectTagging,
        ] {
            assert_eq!(
                headers_to_read(op, 200),
                ["content-length", "x-oss-request-id"],
                "{op:?}"
            );
        }
        // The rule ID the server gave (client.rs, put_bucket_replication).
        assert_eq!(
            headers_to_read(PutBucketReplication, 200),
            [
                "content-length",
                "x-oss-request-id",
                "x-oss-replication-rule-id"
            ]
        );
        // lagSeconds is measured on the server's clock (insight/client_ops.rs).
        assert!(headers_to_read(GetBucketReplicationProgress, 204).contains(&"date"));
        for status in [199, 300, 403, 503] {
            for op in [GetBucketReplication, PutBucketReplication] {
                let all = headers_to_read(op, status);
                // Skew correction falls back on Date (client.rs, server_time).
                for name in ["retry-after", "x-oss-ec", "date", "x-oss-request-id"] {
                    assert!(all.contains(&name), "{status} {op:?} {name}");
                }
            }
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
