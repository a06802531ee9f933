//! V1 and V4 canonicalisation and signing of arbitrary methods, keys, queries and headers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oss_replication::sign::v4::canonical_query;
use oss_replication::{
    Credentials, RequestParts, SignatureVersion, SigningParams, SigningTime, sign,
};

type Pairs = Vec<(String, String)>;
/// Method, key, query, headers, additional header names, time, V4 or not.
type Input = (String, String, Pairs, Pairs, Vec<String>, i64, bool);

fuzz_target!(|input: Input| {
    let (method, key, query, headers, additional, time, v4) = input;
    let canonical = canonical_query(&query);
    assert!(canonical.is_ascii());
    let Ok(creds) = Credentials::new("AKID", "secret", Some("token".into())) else {
        return;
    };
    let additional: Vec<&str> = additional.iter().map(String::as_str).collect();
    let params = SigningParams {
        version: if v4 {
            SignatureVersion::V4
        } else {
            SignatureVersion::V1
        },
        region: "cn-hangzhou",
        time: SigningTime::from_epoch_secs(time),
        subresources: None,
        additional_headers: &additional,
    };
    let parts = RequestParts {
        method: &method,
        bucket: Some("bucket"),
        key: &key,
        query: &query,
        headers: &headers,
    };
    let signed = sign(&parts, &creds, &params);
    assert!(!signed.authorization().is_empty());
    assert!(!signed.authorization().contains("secret"));
});
