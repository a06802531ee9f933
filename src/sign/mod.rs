//! Pure request signing: request parts + credentials + an explicit time in,
//! headers to add out. No clock, no I/O.
//!
//! Both versions expose their intermediate strings ([`Signed::string_to_sign`],
//! [`Signed::canonical_request`]) so tests can assert them and a
//! `SignatureDoesNotMatch` can be compared with what the server expected.

pub mod encode;
pub mod url;
pub mod v1;
pub mod v4;

use std::borrow::Cow;

use crate::credentials::Credentials;
use crate::time::SigningTime;

/// Which OSS signature algorithm to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SignatureVersion {
    /// `OSS <AccessKeyId>:<Signature>` (HMAC-SHA1); being retired by Alibaba Cloud.
    V1,
    /// `OSS4-HMAC-SHA256` (the default).
    #[default]
    V4,
}

impl SignatureVersion {
    /// `'v4'` (the default when absent) or `'v1'`; anything else is an error naming `field`.
    pub fn from_option(value: Option<&str>, field: &str) -> Result<Self, crate::Error> {
        match value {
            None | Some("v4") => Ok(SignatureVersion::V4),
            Some("v1") => Ok(SignatureVersion::V1),
            Some(other) => Err(crate::Error::invalid(format!(
                "{field} \"{}\" must be 'v4' or 'v1'",
                crate::endpoint::printable(other)
            ))),
        }
    }
}

/// The parts of an HTTP request that a signature covers.
#[derive(Clone, Copy, Debug)]
pub struct RequestParts<'a> {
    /// HTTP method, uppercase (`GET`, `POST`, `PUT`).
    pub method: &'a str,
    /// The bucket; `None` for service-level requests.
    pub bucket: Option<&'a str>,
    /// The object key, not encoded; empty for bucket-level requests.
    pub key: &'a str,
    /// Query parameters, decoded; an empty value means a bare key (`?replication`).
    pub query: &'a [(String, String)],
    /// Headers as they will be sent (any name case).
    pub headers: &'a [(String, String)],
}

/// How to sign.
#[derive(Clone, Copy, Debug)]
pub struct SigningParams<'a> {
    /// Signature version.
    pub version: SignatureVersion,
    /// V4 signing region without the `oss-` prefix (`cn-hangzhou`); unused by V1.
    pub region: &'a str,
    /// The signing time.
    pub time: SigningTime,
    /// V1 only: the query keys that are signed sub-resources. `None` uses
    /// [`v1::DEFAULT_SUBRESOURCES`].
    pub subresources: Option<&'a [&'a str]>,
    /// V4 only: extra header names to sign (lowercase), e.g. `host`. Never `host` from a browser.
    pub additional_headers: &'a [&'a str],
}

/// The result of signing: the headers to add and the intermediate strings.
/// `Debug` masks the credential headers and the token line of the strings.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    /// Headers to add to the request (`x-oss-date`, `x-oss-content-sha256`,
    /// `x-oss-security-token`, `authorization`), in that order where present.
    pub headers: Vec<(String, String)>,
    /// V4 canonical request; `None` for V1.
    pub canonical_request: Option<String>,
    /// The string that was signed.
    pub string_to_sign: String,
}

impl std::fmt::Debug for Signed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::redact::{Redacted, RedactedHeaders};
        f.debug_struct("Signed")
            .field("headers", &RedactedHeaders(&self.headers))
            .field(
                "canonical_request",
                &self
                    .canonical_request
                    .as_deref()
                    .map(|c| Redacted::echo(c, &[])),
            )
            .field("string_to_sign", &Redacted::echo(&self.string_to_sign, &[]))
            .finish()
    }
}

impl Signed {
    /// The `Authorization` header value.
    pub fn authorization(&self) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .map_or("", |(_, v)| v)
    }
}

/// Signs `req` with `creds` at `params.time`.
pub fn sign(req: &RequestParts<'_>, creds: &Credentials, params: &SigningParams<'_>) -> Signed {
    match params.version {
        SignatureVersion::V1 => v1::sign(req, creds, params.time, params.subresources),
        SignatureVersion::V4 => v4::sign(req, creds, params),
    }
}

/// The value of header `name` (case-insensitive) in `headers`; the first wins.
pub fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Adds `name: value()` to `added` unless the request already carries `name`.
fn add_missing(
    headers: &[(String, String)],
    added: &mut Vec<(String, String)>,
    name: &str,
    value: impl FnOnce() -> String,
) {
    if header(headers, name).is_none() {
        added.push((name.to_owned(), value()));
    }
}

/// Adds the STS token header for temporary credentials (signed as an `x-oss-` header).
fn add_security_token(
    headers: &[(String, String)],
    added: &mut Vec<(String, String)>,
    creds: &Credentials,
) {
    if let Some(token) = creds.security_token() {
        add_missing(headers, added, "x-oss-security-token", || token.to_owned());
    }
}

/// `(lowercase name, trimmed value)` of the headers, then the `added` ones, that
/// `pick` selects, sorted by name then value. Names already lowercase (every
/// added one) are borrowed, not copied: this runs on every signature, and the
/// token is one of the values.
fn picked_headers<'h>(
    headers: &'h [(String, String)],
    added: &'h [(String, String)],
    pick: impl Fn(&str) -> bool,
) -> Vec<(Cow<'h, str>, &'h str)> {
    let mut picked = Vec::with_capacity(headers.len() + added.len());
    for (k, v) in headers.iter().chain(added) {
        let k = if k.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(k.to_ascii_lowercase())
        } else {
            Cow::Borrowed(k.as_str())
        };
        if pick(&k) {
            picked.push((k, v.trim()));
        }
    }
    sort_small(&mut picked);
    picked
}

/// Insertion sort: canonical lists hold a handful of entries, and it is
/// smaller in the wasm than another `sort` instance.
pub(crate) fn sort_small<T: PartialOrd>(items: &mut [T]) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && items[j - 1] > items[j] {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}
