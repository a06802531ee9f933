//! Text that can carry a credential, redacted when it is made.
//!
//! OSS echoes what it signed on `SignatureDoesNotMatch` (`StringToSign`, and for
//! V4 `CanonicalRequest`). With STS credentials those strings hold the
//! `x-oss-security-token` line, and a presigned resource can hold a
//! `security-token=` query value. [`Redacted`] removes such values as it is
//! built, so nothing that holds one (a `Debug` or `Display` string, a JS error
//! property) can show the original: the original is not kept.

use std::fmt;

/// What replaces a credential-bearing value.
pub const MASK: &str = "<redacted>";

/// Header names whose values are (or contain) credentials.
const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "x-oss-security-token",
    "security-token",
    "cookie",
];

/// Whether a header named `name` (any case) can carry a credential.
pub fn is_credential_header(name: &str) -> bool {
    CREDENTIAL_HEADERS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name.trim()))
}

/// Text with every credential-bearing value replaced by [`MASK`].
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Redacted(String);

impl Redacted {
    /// Redacts a server echo of signed text (`StringToSign`, `CanonicalRequest`):
    /// every `name:value` line whose name is a credential header keeps its name
    /// and loses its value; `security-token=` query values are masked; and so is
    /// every occurrence of a value in `known` (the caller's secret and token,
    /// when it knows them).
    pub fn echo(text: &str, known: &[&str]) -> Self {
        let mut out = String::with_capacity(text.len());
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            match line.split_once(':') {
                Some((name, _)) if is_credential_header(name) => {
                    out.push_str(name);
                    out.push(':');
                    out.push_str(MASK);
                }
                _ => out.push_str(&mask_query_token(line)),
            }
        }
        Redacted(mask_known(&out, known))
    }

    /// The redacted text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Masks the value of every `security-token=` query parameter in `line`.
fn mask_query_token(line: &str) -> String {
    const KEY: &str = "security-token=";
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.to_ascii_lowercase().find(KEY) {
        let start = at + KEY.len();
        out.push_str(&rest[..start]);
        out.push_str(MASK);
        let end = rest[start..]
            .find(['&', ' ', '\n'])
            .map_or(rest.len(), |e| start + e);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The shortest value [`mask_known`] masks: shorter strings (test keys like `s`)
/// would mask ordinary letters; real secrets are 30 characters and tokens ~1 KB.
pub const MIN_KNOWN_LEN: usize = 6;

/// `text` with every occurrence of a value in `known` replaced by [`MASK`].
pub fn mask_known(text: &str, known: &[&str]) -> String {
    let mut out = text.to_owned();
    for k in known.iter().filter(|k| k.len() >= MIN_KNOWN_LEN) {
        if out.contains(k) {
            out = out.replace(k, MASK);
        }
    }
    out
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Headers for a `Debug` string: credential-bearing values masked.
pub struct RedactedHeaders<'a>(pub &'a [(String, String)]);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, v)| {
                let shown = if is_credential_header(k) {
                    MASK
                } else {
                    v.as_str()
                };
                (k.as_str(), shown)
            }))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "CAISabc+def/ghi=";

    #[test]
    fn v1_string_to_sign_loses_the_token_line_value() {
        let echo = format!(
            "GET\n\n\nWed, 17 Apr 2024 08:00:00 GMT\nX-OSS-Security-Token:{TOKEN}\nx-oss-date:x\n/b/?replication&security-token={TOKEN}&x=1"
        );
        let r = Redacted::echo(&echo, &[]);
        for shown in [r.as_str().to_owned(), format!("{r:?}"), r.to_string()] {
            assert!(!shown.contains(TOKEN), "{shown}");
        }
        assert_eq!(
            r.as_str(),
            "GET\n\n\nWed, 17 Apr 2024 08:00:00 GMT\nX-OSS-Security-Token:<redacted>\nx-oss-date:x\n/b/?replication&security-token=<redacted>&x=1"
        );
    }

    #[test]
    fn known_values_are_masked_anywhere_and_short_ones_are_not() {
        let r = Redacted::echo("a s3cr3t-value b", &["s3cr3t-value", "s"]);
        assert_eq!(r.as_str(), "a <redacted> b");
    }

    #[test]
    fn header_debug_masks_credential_headers() {
        let h = vec![
            ("Authorization".to_owned(), "OSS AK:sig".to_owned()),
            ("x-oss-security-token".to_owned(), TOKEN.to_owned()),
            ("x-oss-date".to_owned(), "20240417T080000Z".to_owned()),
        ];
        let d = format!("{:?}", RedactedHeaders(&h));
        assert!(!d.contains(TOKEN) && !d.contains("sig"), "{d}");
        assert!(d.contains("20240417T080000Z"));
    }
}
