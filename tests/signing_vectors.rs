//! The signing vectors in tests/vectors/signing.json: canonical request, then
//! string to sign, then Authorization, each asserted separately.

use oss_replication::{
    Credentials, RequestParts, SignatureVersion, SigningParams, SigningTime, sign,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    version: String,
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
    bucket: String,
    key: String,
    region: String,
    time: i64,
    method: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    #[serde(default)]
    additional_headers: Vec<String>,
    expect: Expect,
}

#[derive(Deserialize)]
struct Expect {
    #[serde(default)]
    added_headers: Option<Vec<(String, String)>>,
    #[serde(default)]
    canonical_request: Option<String>,
    string_to_sign: Option<String>,
    authorization: String,
}

#[test]
fn signing_vectors() {
    let file: File = serde_json::from_str(include_str!("vectors/signing.json")).unwrap();
    assert!(file.cases.len() >= 10);
    for c in &file.cases {
        let creds = Credentials::new(
            &c.access_key_id,
            &c.access_key_secret,
            c.security_token.clone(),
        )
        .unwrap();
        let additional: Vec<&str> = c.additional_headers.iter().map(String::as_str).collect();
        let parts = RequestParts {
            method: &c.method,
            bucket: Some(&c.bucket),
            key: &c.key,
            query: &c.query,
            headers: &c.headers,
        };
        let params = SigningParams {
            version: if c.version == "v1" {
                SignatureVersion::V1
            } else {
                SignatureVersion::V4
            },
            region: &c.region,
            time: SigningTime::from_epoch_secs(c.time),
            subresources: None,
            additional_headers: &additional,
        };
        let signed = sign(&parts, &creds, &params);
        if std::env::var_os("PRINT_VECTORS").is_some() {
            println!(
                "{}\n{:?}\n{:?}\n",
                c.name, signed.canonical_request, signed.string_to_sign
            );
        }
        if let Some(cr) = &c.expect.canonical_request {
            assert_eq!(
                signed.canonical_request.as_ref(),
                Some(cr),
                "{}: canonical request",
                c.name
            );
        }
        if let Some(sts) = &c.expect.string_to_sign {
            assert_eq!(&signed.string_to_sign, sts, "{}: string to sign", c.name);
        }
        assert_eq!(
            signed.authorization(),
            c.expect.authorization,
            "{}: authorization",
            c.name
        );
        if let Some(added) = &c.expect.added_headers {
            let without_auth: Vec<_> = signed
                .headers
                .iter()
                .filter(|(k, _)| k != "authorization")
                .cloned()
                .collect();
            assert_eq!(&without_auth, added, "{}: added headers", c.name);
        }
    }
}
