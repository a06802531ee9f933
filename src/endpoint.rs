//! Region, endpoint and bucket -> request URL; bucket-name rules.

use crate::error::Error;
use crate::sign::encode::uri_encode;

/// A region ID without the `oss-` prefix (`cn-hangzhou`): what V4 signs.
/// Replication `Location` values are the same with `oss-` in front: [`Region::location`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region(String);

impl Region {
    /// Accepts `cn-hangzhou` or `oss-cn-hangzhou`.
    pub fn new(region: &str) -> Result<Self, Error> {
        let id = region.trim();
        let id = id.strip_prefix("oss-").unwrap_or(id);
        let valid = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !id.starts_with('-')
            && !id.ends_with('-')
            // `oss-oss-cn-hangzhou` would sign as `oss-cn-hangzhou` (found by fuzzing).
            && !id.starts_with("oss-");
        if !valid {
            return Err(Error::invalid(format!(
                "region \"{}\" is not a region ID like cn-hangzhou or oss-cn-hangzhou",
                printable(region)
            )));
        }
        Ok(Region(id.to_owned()))
    }

    /// `cn-hangzhou`.
    pub fn id(&self) -> &str {
        &self.0
    }

    /// `oss-cn-hangzhou`, as replication `Location` values are written.
    pub fn location(&self) -> String {
        format!("oss-{}", self.0)
    }
}

/// Truncates and de-controls user text quoted in an error message.
pub(crate) fn printable(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(64)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if s.chars().count() > 64 {
        out.push_str("...");
    }
    out
}

/// Checks a bucket name against the OSS rules; the error names the rule broken.
pub fn validate_bucket_name(name: &str) -> Result<(), Error> {
    let fail = |rule: &str| {
        Err(Error::new(
            crate::error::ErrorKind::InvalidInput,
            "InvalidBucketName",
            format!("bucket name \"{}\" {rule}", printable(name)),
        ))
    };
    if name.len() < 3 || name.len() > 63 {
        return fail("must be 3 to 63 characters long");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return fail("may contain only lowercase letters, digits and hyphens");
    }
    if name.starts_with('-') || name.ends_with('-') {
        return fail("must start and end with a lowercase letter or digit");
    }
    Ok(())
}

/// How to reach OSS: built once from the client options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    scheme: String,
    host: String,
    style: Style,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    VirtualHosted,
    Path,
    Cname,
}

/// Options for [`Endpoint::new`].
#[derive(Clone, Debug, Default)]
pub struct EndpointOptions<'a> {
    /// `https://oss-cn-hangzhou.aliyuncs.com`, `oss-cn-hangzhou.aliyuncs.com`,
    /// `http://127.0.0.1:9000`, a CNAME host... `None`: the region's public endpoint.
    pub endpoint: Option<&'a str>,
    /// Put the bucket in the path (`/<bucket>/`) instead of the host.
    pub path_style: bool,
    /// The endpoint is a custom domain bound to the bucket: no bucket in host or path.
    pub cname: bool,
    /// Use the region's internal (VPC) endpoint when `endpoint` is not given.
    pub internal: bool,
}

impl Endpoint {
    /// Resolves the endpoint for `region` and `options`.
    pub fn new(region: &Region, options: &EndpointOptions<'_>) -> Result<Self, Error> {
        let (scheme, host) = match options.endpoint.map(str::trim).filter(|e| !e.is_empty()) {
            None if options.internal => (
                "https".to_owned(),
                format!("oss-{}-internal.aliyuncs.com", region.id()),
            ),
            None => (
                "https".to_owned(),
                format!("oss-{}.aliyuncs.com", region.id()),
            ),
            Some(e) => parse_endpoint(e)?,
        };
        let style = if options.cname {
            Style::Cname
        } else if options.path_style || is_ip_or_localhost(&host) {
            Style::Path
        } else {
            Style::VirtualHosted
        };
        Ok(Endpoint {
            scheme,
            host,
            style,
        })
    }

    /// The URL of a bucket-level request: `https://<bucket>.<host>/?<query>`
    /// (path style: `http://<host>/<bucket>/?<query>`; CNAME: `https://<host>/?<query>`).
    /// Query values are percent-encoded; an empty value is sent as a bare key. The
    /// bucket name is checked here too: it is spliced into the host or the path.
    pub fn bucket_url(&self, bucket: &str, query: &[(String, String)]) -> Result<String, Error> {
        validate_bucket_name(bucket)?;
        let mut url = match self.style {
            Style::VirtualHosted => format!("{}://{bucket}.{}/", self.scheme, self.host),
            Style::Path => format!("{}://{}/{bucket}/", self.scheme, self.host),
            Style::Cname => format!("{}://{}/", self.scheme, self.host),
        };
        for (i, (k, v)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&uri_encode(k, false));
            if !v.is_empty() {
                url.push('=');
                url.push_str(&uri_encode(v, false));
            }
        }
        Ok(url)
    }

    /// The host (and port) requests go to, without a bucket.
    pub fn host(&self) -> &str {
        &self.host
    }
}

fn parse_endpoint(endpoint: &str) -> Result<(String, String), Error> {
    let bad = |why: &str| {
        Err(Error::invalid(format!(
            "endpoint \"{}\" {why}",
            printable(endpoint)
        )))
    };
    let (scheme, rest) = match endpoint.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("https".to_owned(), endpoint),
    };
    if scheme != "http" && scheme != "https" {
        return bad("must use http or https");
    }
    let host = rest.strip_suffix('/').unwrap_or(rest);
    if host.is_empty() {
        return bad("has no host");
    }
    if host.contains(['/', '?', '#', '@', ' ']) || host.chars().any(char::is_control) {
        return bad("must be a scheme and host[:port] only, without path, query or user info");
    }
    if let Some((_, port)) = split_port(host).filter(|_| !host.ends_with(']')) {
        if !host.starts_with('[') && (port.is_empty() || port.parse::<u16>().is_err()) {
            return bad("has an invalid port");
        }
    }
    Ok((scheme, host.to_ascii_lowercase()))
}

/// `host` split around its last `:`. A byte scan: `rsplit_once(':')` brings a
/// ~700 B reverse char searcher into the wasm for these two calls alone.
fn split_port(host: &str) -> Option<(&str, &str)> {
    let colon = host.bytes().rposition(|b| b == b':')?;
    Some((&host[..colon], &host[colon + 1..]))
}

fn is_ip_or_localhost(host: &str) -> bool {
    if host.starts_with('[') {
        return true; // IPv6 literal
    }
    let name = split_port(host).map_or(host, |(h, _)| h);
    let ipv4 = name.split('.').count() == 4
        && name.split('.').all(|o| {
            !o.is_empty()
                && o.len() <= 3
                && o.bytes().all(|b| b.is_ascii_digit())
                && o.parse::<u8>().is_ok()
        });
    name == "localhost" || name.ends_with(".localhost") || ipv4
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(region: &str, opts: EndpointOptions<'_>) -> String {
        let e = Endpoint::new(&Region::new(region).unwrap(), &opts).unwrap();
        e.bucket_url(
            "examplebucket",
            &[
                ("replicationProgress".into(), String::new()),
                ("rule-id".into(), "a b/é".into()),
            ],
        )
        .unwrap()
    }

    #[test]
    fn bucket_urls_refuse_names_that_would_change_the_url() {
        // Found by the endpoint fuzz target: an unchecked name was spliced into the host.
        let e = Endpoint::new(
            &Region::new("cn-hangzhou").unwrap(),
            &EndpointOptions::default(),
        )
        .unwrap();
        for bad in ["-/hbu etto:/?1131:90/c  ", "a.evil.com#", "b?x=1", "UPPER"] {
            assert_eq!(
                e.bucket_url(bad, &[]).unwrap_err().code(),
                "InvalidBucketName",
                "{bad}"
            );
        }
    }

    #[test]
    fn urls() {
        assert_eq!(
            url("oss-cn-hangzhou", EndpointOptions::default()),
            "https://examplebucket.oss-cn-hangzhou.aliyuncs.com/?replicationProgress&rule-id=a%20b%2F%C3%A9"
        );
        assert_eq!(
            url(
                "cn-beijing",
                EndpointOptions {
                    internal: true,
                    ..Default::default()
                }
            ),
            "https://examplebucket.oss-cn-beijing-internal.aliyuncs.com/?replicationProgress&rule-id=a%20b%2F%C3%A9"
        );
        assert_eq!(
            url(
                "cn-beijing",
                EndpointOptions {
                    endpoint: Some("http://127.0.0.1:9000"),
                    ..Default::default()
                }
            ),
            "http://127.0.0.1:9000/examplebucket/?replicationProgress&rule-id=a%20b%2F%C3%A9"
        );
        assert_eq!(
            url(
                "cn-beijing",
                EndpointOptions {
                    endpoint: Some("localhost:8080/"),
                    ..Default::default()
                }
            ),
            "https://localhost:8080/examplebucket/?replicationProgress&rule-id=a%20b%2F%C3%A9"
        );
        assert_eq!(
            url(
                "cn-beijing",
                EndpointOptions {
                    endpoint: Some("HTTP://[::1]:9000"),
                    ..Default::default()
                }
            ),
            "http://[::1]:9000/examplebucket/?replicationProgress&rule-id=a%20b%2F%C3%A9"
        );
        assert_eq!(
            url(
                "cn-beijing",
                EndpointOptions {
                    endpoint: Some("oss-cn-beijing.aliyuncs.com"),
                    path_style: true,
                    ..Default::default()
                }
            ),
            "https://oss-cn-beijing.aliyuncs.com/examplebucket/?replicationProgress&rule-id=a%20b%2F%C3%A9"
        );
        assert_eq!(
            url(
                "cn-beijing",
                EndpointOptions {
                    endpoint: Some("https://static.example.com"),
                    cname: true,
                    ..Default::default()
                }
            ),
            "https://static.example.com/?replicationProgress&rule-id=a%20b%2F%C3%A9"
        );
    }

    #[test]
    fn bad_endpoints_and_regions() {
        let r = Region::new("cn-hangzhou").unwrap();
        for (e, why) in [
            ("ftp://x", "must use http or https"),
            ("https://", "has no host"),
            ("https://h/path", "without path"),
            ("https://u@h", "without path"),
            ("h:99999", "invalid port"),
            ("h:", "invalid port"),
        ] {
            let err = Endpoint::new(
                &r,
                &EndpointOptions {
                    endpoint: Some(e),
                    ..Default::default()
                },
            )
            .unwrap_err();
            assert!(err.message().contains(why), "{e}: {}", err.message());
        }
        assert_eq!(Region::new("oss-cn-hangzhou").unwrap().id(), "cn-hangzhou");
        assert_eq!(
            Region::new("cn-hangzhou").unwrap().location(),
            "oss-cn-hangzhou"
        );
        for bad in [
            "",
            "oss-",
            "CN-HANGZHOU",
            "cn hangzhou",
            "-cn",
            "oss-oss-cn-hangzhou",
        ] {
            assert!(
                Region::new(bad)
                    .unwrap_err()
                    .message()
                    .starts_with("region"),
                "{bad}"
            );
        }
    }

    #[test]
    fn bucket_names() {
        for ok in ["abc", "a-1", "examplebucket", &"a".repeat(63)] {
            validate_bucket_name(ok).unwrap();
        }
        for (bad, rule) in [
            ("ab", "3 to 63"),
            (&"a".repeat(64) as &str, "3 to 63"),
            ("Abc", "only lowercase"),
            ("a_b", "only lowercase"),
            ("a.b", "only lowercase"),
            ("-ab", "start and end"),
            ("ab-", "start and end"),
        ] {
            let e = validate_bucket_name(bad).unwrap_err();
            assert_eq!(e.code(), "InvalidBucketName");
            assert!(e.message().contains(rule), "{bad}: {}", e.message());
        }
    }
}
