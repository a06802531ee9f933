//! Signing a request given as a full URL (the facade's `signRequest`): the URL
//! is split into the parts a signature covers, the object key is inferred from
//! virtual-host or path style, and the request is checked before it is signed.

use std::borrow::Cow;

use super::encode::percent_decode;
use super::{RequestParts, SignatureVersion, SigningParams, header, sign};
use crate::credentials::Credentials;
use crate::endpoint::{Region, printable};
use crate::error::Error;
use crate::replication::content_md5;
use crate::time::SigningTime;

/// The parts of a URL a signature needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitUrl {
    /// Lowercase host[:port].
    pub host: String,
    /// Decoded path (`/` when the URL has none).
    pub path: String,
    /// Decoded query pairs; a bare key has an empty value.
    pub query: Vec<(String, String)>,
}

/// Splits an absolute http(s) URL; the fragment is dropped.
pub fn split_url(url: &str) -> Result<SplitUrl, Error> {
    let bad = || Error::invalid("request.url must be an absolute http(s) URL");
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(bad());
    }
    let rest = rest.split('#').next().unwrap_or_default();
    let (authority, path_query) = match rest.bytes().position(|b| b == b'/' || b == b'?') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.is_empty() {
        return Err(bad());
    }
    let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
    let path = if path.is_empty() { "/" } else { path };
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k, false), percent_decode(v, false))
        })
        .collect();
    Ok(SplitUrl {
        host: authority.to_ascii_lowercase(),
        path: percent_decode(path, false),
        query: pairs,
    })
}

/// The object key within `path`: after `/<bucket>/` in path style, else after
/// `/` (virtual-hosted: the host starts with `<bucket>.`; without a bucket, the
/// whole path).
pub fn object_key<'p>(host: &str, path: &'p str, bucket: Option<&str>) -> &'p str {
    let Some(bucket) = bucket else {
        return path.strip_prefix('/').unwrap_or(path);
    };
    let virtual_hosted = host
        .strip_prefix(bucket)
        .is_some_and(|rest| rest.starts_with('.'));
    let path_style = path
        .strip_prefix('/')
        .and_then(|p| p.strip_prefix(bucket))
        .filter(|r| r.is_empty() || r.starts_with('/'));
    match path_style {
        Some(rest) if !virtual_hosted => rest.strip_prefix('/').unwrap_or(rest),
        _ => path.strip_prefix('/').unwrap_or(path),
    }
}

/// A request given by URL, as `signRequest` takes it.
#[derive(Clone, Debug)]
pub struct UrlRequest<'a> {
    /// HTTP method, any case.
    pub method: &'a str,
    /// The bucket, when the request addresses one.
    pub bucket: Option<&'a str>,
    /// The full request URL.
    pub url: &'a str,
    /// Headers to send.
    pub headers: &'a [(String, String)],
    /// The body to send, if any: signed through `Content-MD5` (both V1 and V4
    /// sign that header; V4's payload hash is `UNSIGNED-PAYLOAD`).
    pub body: Option<&'a [u8]>,
}

/// How to sign a [`UrlRequest`].
#[derive(Clone, Copy, Debug)]
pub struct UrlSigning<'a> {
    /// Signature version.
    pub version: SignatureVersion,
    /// Region (`cn-hangzhou` or `oss-cn-hangzhou`); required for V4.
    pub region: Option<&'a str>,
    /// Signing time, epoch milliseconds.
    pub time_ms: f64,
    /// V1 sub-resources to sign (default list when `None`).
    pub subresources: Option<&'a [&'a str]>,
    /// V4 additional headers to sign.
    pub additional_headers: &'a [&'a str],
}

/// Checks and signs `req`: every header to send (the given ones, `content-md5`
/// when a body is given without one, then what signing adds).
///
/// Errors: a URL that is not absolute http(s); V4 without a region; a V4
/// `x-oss-date` that is not ISO 8601 basic (`20240417T080000Z`: the scope's
/// date comes from it); a `Content-MD5` that does not match the body.
pub fn sign_url_request(
    req: &UrlRequest<'_>,
    creds: &Credentials,
    how: &UrlSigning<'_>,
) -> Result<Vec<(String, String)>, Error> {
    let method = if req.method.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(req.method.to_ascii_uppercase())
    } else {
        Cow::Borrowed(req.method)
    };
    let SplitUrl { host, path, query } = split_url(req.url)?;
    let region = match (how.version, how.region) {
        (_, Some(r)) => Some(Region::new(r).map_err(|e| e.context("options.region"))?),
        (SignatureVersion::V4, None) => {
            return Err(Error::invalid("options.region is required for v4"));
        }
        (SignatureVersion::V1, None) => None,
    };
    if how.version == SignatureVersion::V4 {
        if let Some(date) = header(req.headers, "x-oss-date") {
            check_iso8601_basic(date)?;
        }
    }
    let mut headers = req.headers.to_vec();
    if let Some(body) = req.body {
        let md5 = content_md5(body);
        match header(req.headers, "content-md5") {
            None => headers.push(("content-md5".to_owned(), md5)),
            Some(given) if given.trim() == md5 => {}
            Some(given) => {
                return Err(Error::invalid(format!(
                    "request.headers content-md5 \"{}\" does not match request.body (its MD5 is {md5})",
                    printable(given)
                )));
            }
        }
    }
    let key = object_key(&host, &path, req.bucket);
    let parts = RequestParts {
        method: &method,
        bucket: req.bucket,
        key,
        query: &query,
        headers: &headers,
    };
    let signed = sign(
        &parts,
        creds,
        &SigningParams {
            version: how.version,
            region: region.as_ref().map_or("", Region::id),
            time: SigningTime::from_epoch_millis(how.time_ms),
            subresources: how.subresources,
            additional_headers: how.additional_headers,
        },
    );
    headers.extend(signed.headers);
    Ok(headers)
}

/// A V4 `x-oss-date` must be `YYYYMMDDTHHMMSSZ`: the scope's date is its first
/// eight characters, so any other form would sign a garbage scope.
fn check_iso8601_basic(date: &str) -> Result<(), Error> {
    let d = date.trim();
    let shaped = d.len() == 16
        && d.bytes().enumerate().all(|(i, b)| match i {
            8 => b == b'T',
            15 => b == b'Z',
            _ => b.is_ascii_digit(),
        });
    if shaped && SigningTime::parse_iso8601(d).is_some() {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "request.headers x-oss-date \"{}\" must be ISO 8601 basic format (20240417T080000Z) for v4",
        printable(d)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::new("AKID", "secret-value", None).unwrap()
    }

    const V4: UrlSigning<'static> = UrlSigning {
        version: SignatureVersion::V4,
        region: Some("cn-hangzhou"),
        time_ms: 1_713_340_800_000.0,
        subresources: None,
        additional_headers: &[],
    };

    fn get(url: &str, headers: &[(String, String)], body: Option<&[u8]>) -> UrlRequest<'static> {
        UrlRequest {
            method: "get",
            bucket: Some("b-1"),
            url: Box::leak(url.to_owned().into_boxed_str()),
            headers: Box::leak(headers.to_vec().into_boxed_slice()),
            body: body.map(|b| &*Box::leak(b.to_vec().into_boxed_slice())),
        }
    }

    #[test]
    fn splits_urls() {
        let u = split_url("HTTPS://B-1.OSS.example:8443/a%20b/c?replication&rule-id=x%2By#frag")
            .unwrap();
        assert_eq!(u.host, "b-1.oss.example:8443");
        assert_eq!(u.path, "/a b/c");
        assert_eq!(
            u.query,
            [
                ("replication".into(), String::new()),
                ("rule-id".into(), "x+y".into())
            ]
        );
        assert_eq!(split_url("http://h").unwrap().path, "/");
        assert_eq!(split_url("http://h?x").unwrap().path, "/");
        for bad in ["ftp://h/", "h/path", "http:///path", "://h", ""] {
            assert_eq!(
                split_url(bad).unwrap_err().message(),
                "request.url must be an absolute http(s) URL",
                "{bad}"
            );
        }
    }

    #[test]
    fn infers_the_key_from_the_addressing_style() {
        assert_eq!(object_key("b-1.oss.example", "/k/x", Some("b-1")), "k/x");
        assert_eq!(object_key("127.0.0.1:9", "/b-1/k/x", Some("b-1")), "k/x");
        assert_eq!(object_key("127.0.0.1:9", "/b-1", Some("b-1")), "");
        // A key that starts with the bucket name, virtual-hosted: kept whole.
        assert_eq!(
            object_key("b-1.oss.example", "/b-1/k", Some("b-1")),
            "b-1/k"
        );
        // `/b-10/...` is not bucket `b-1` in path style.
        assert_eq!(object_key("127.0.0.1", "/b-10/k", Some("b-1")), "b-10/k");
        // A host merely starting with the bucket name is not virtual-hosted.
        assert_eq!(object_key("b-1x.example", "/b-1/k", Some("b-1")), "k");
        assert_eq!(object_key("h", "/k", None), "k");
    }

    #[test]
    fn a_body_is_signed_through_content_md5() {
        let signed = sign_url_request(
            &get("http://127.0.0.1/b-1/?replication", &[], Some(b"<x/>")),
            &creds(),
            &V4,
        )
        .unwrap();
        let md5 = content_md5(b"<x/>");
        assert_eq!(header(&signed, "content-md5"), Some(md5.as_str()));
        // The same request with the header given signs the same.
        let given = vec![("Content-MD5".to_owned(), md5.clone())];
        let again = sign_url_request(
            &get("http://127.0.0.1/b-1/?replication", &given, Some(b"<x/>")),
            &creds(),
            &V4,
        )
        .unwrap();
        assert_eq!(
            header(&again, "authorization"),
            header(&signed, "authorization")
        );
        let wrong = vec![("content-md5".to_owned(), "AAAA".to_owned())];
        let e = sign_url_request(
            &get("http://127.0.0.1/b-1/", &wrong, Some(b"<x/>")),
            &creds(),
            &V4,
        )
        .unwrap_err();
        assert!(e.message().contains("does not match request.body"), "{e}");
    }

    #[test]
    fn v4_wants_an_iso_basic_date_and_a_region() {
        for bad in [
            "Wed, 17 Apr 2024 08:00:00 GMT",
            "2024-04-17T08:00:00Z",
            "20241317T080000Z",
            "20240417T080000",
        ] {
            let h = vec![("x-oss-date".to_owned(), bad.to_owned())];
            let e = sign_url_request(&get("http://127.0.0.1/b-1/", &h, None), &creds(), &V4)
                .unwrap_err();
            assert!(
                e.message().contains("must be ISO 8601 basic format"),
                "{bad}: {e}"
            );
        }
        let h = vec![("x-oss-date".to_owned(), "20240417T080000Z".to_owned())];
        assert!(sign_url_request(&get("http://127.0.0.1/b-1/", &h, None), &creds(), &V4).is_ok());
        let v1 = UrlSigning {
            version: SignatureVersion::V1,
            region: None,
            ..V4
        };
        let h = vec![(
            "x-oss-date".to_owned(),
            "Wed, 17 Apr 2024 08:00:00 GMT".to_owned(),
        )];
        assert!(sign_url_request(&get("http://127.0.0.1/b-1/", &h, None), &creds(), &v1).is_ok());
        let no_region = UrlSigning { region: None, ..V4 };
        let e = sign_url_request(
            &get("http://127.0.0.1/b-1/", &[], None),
            &creds(),
            &no_region,
        )
        .unwrap_err();
        assert_eq!(e.message(), "options.region is required for v4");
    }
}
