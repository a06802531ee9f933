//! signRequest's core: URL splitting, virtual-host / path-style key inference
//! and the checks before signing, on arbitrary URLs, headers and bodies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oss_replication::sign::url::{UrlRequest, UrlSigning, object_key, sign_url_request, split_url};
use oss_replication::{Credentials, SignatureVersion};

/// Method, bucket, URL, headers, body, V4 or not, region, time (ms).
type Input = (
    String,
    Option<String>,
    String,
    Vec<(String, String)>,
    Option<Vec<u8>>,
    bool,
    Option<String>,
    f64,
);

fuzz_target!(|input: Input| {
    let (method, bucket, url, headers, body, v4, region, time_ms) = input;
    if let Ok(split) = split_url(&url) {
        assert!(split.path.starts_with('/'), "{url:?}");
        assert_eq!(split.host, split.host.to_ascii_lowercase());
        let key = object_key(&split.host, &split.path, bucket.as_deref());
        // The key is a suffix of the path: nothing invented.
        assert!(split.path.ends_with(key), "{key:?} not in {:?}", split.path);
    }
    let creds =
        Credentials::new("AKID", "fuzz-secret-value", Some("fuzz-token-value".into())).unwrap();
    let how = UrlSigning {
        version: if v4 {
            SignatureVersion::V4
        } else {
            SignatureVersion::V1
        },
        region: region.as_deref(),
        time_ms,
        subresources: None,
        additional_headers: &[],
    };
    let req = UrlRequest {
        method: &method,
        bucket: bucket.as_deref(),
        url: &url,
        headers: &headers,
        body: body.as_deref(),
    };
    match sign_url_request(&req, &creds, &how) {
        Ok(out) => {
            assert!(out.iter().any(|(k, _)| k == "authorization"));
            if body.is_some() {
                assert!(
                    out.iter()
                        .any(|(k, _)| k.eq_ignore_ascii_case("content-md5"))
                );
            }
        }
        Err(e) => {
            let text = format!("{e:?} {e}");
            assert!(
                !text.contains("fuzz-secret-value") && !text.contains("fuzz-token-value"),
                "{text}"
            );
        }
    }
});
