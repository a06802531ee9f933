//! Request authentication: V1 (`OSS ak:sig`) and V4 (`OSS4-HMAC-SHA256 ...`) header
//! signatures, verified by recomputing them with the library's pure functions over the
//! request as received; STS tokens and their expiry; the 15-minute clock-skew limit.

use oss_replication::SigningTime;
use oss_replication::sign::{RequestParts, v1, v4};
use rusqlite::Connection;

use crate::errors::{OssError, access_denied, internal};
use crate::store;

/// Largest accepted difference between the request time and the server clock.
pub const MAX_SKEW_SECS: i64 = 15 * 60;

/// The account's long-term key.
#[derive(Clone, Debug)]
pub struct AccountKey {
    /// AccessKey ID.
    pub id: String,
    /// AccessKey secret.
    pub secret: String,
}

/// What authentication needs to see of a request.
#[derive(Clone, Copy, Debug)]
pub struct AuthInput<'a> {
    /// The signed parts: method, bucket, decoded key, decoded query, every received header.
    pub parts: RequestParts<'a>,
    /// The addressed bucket's region without `oss-` (V4 scopes must name it).
    pub bucket_region: Option<&'a str>,
    /// The server clock.
    pub now: SigningTime,
}

/// Who made a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The AccessKey ID used.
    pub access_key_id: String,
    /// Whether it was an STS key.
    pub sts: bool,
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn bad_authorization(detail: &str) -> OssError {
    OssError::new(
        400,
        "InvalidArgument",
        format!("Authorization header is invalid: {detail}"),
    )
    .with("ArgumentName", "Authorization")
}

/// The parsed `Authorization` header.
#[derive(Debug, PartialEq, Eq)]
enum Authorization<'a> {
    V1 {
        ak: &'a str,
        signature: &'a str,
    },
    V4 {
        ak: &'a str,
        date: &'a str,
        region: &'a str,
        additional: Vec<&'a str>,
        signature: &'a str,
    },
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, OssError> {
    let value = value.trim();
    if let Some(rest) = value.strip_prefix("OSS ") {
        let (ak, signature) = rest
            .trim()
            .split_once(':')
            .ok_or_else(|| bad_authorization("expected OSS AccessKeyId:Signature"))?;
        if ak.is_empty() || signature.is_empty() {
            return Err(bad_authorization("expected OSS AccessKeyId:Signature"));
        }
        return Ok(Authorization::V1 { ak, signature });
    }
    if let Some(rest) = value.strip_prefix("OSS4-HMAC-SHA256 ") {
        let (mut credential, mut additional, mut signature) = (None, Vec::new(), None);
        for field in rest.split(',') {
            let field = field.trim();
            if field.is_empty() {
                continue;
            }
            let (k, v) = field
                .split_once('=')
                .ok_or_else(|| bad_authorization(&format!("\"{field}\" is not Name=Value")))?;
            match k {
                "Credential" => credential = Some(v),
                "AdditionalHeaders" => {
                    additional = v.split(';').filter(|h| !h.is_empty()).collect();
                }
                "Signature" => signature = Some(v),
                other => {
                    return Err(bad_authorization(&format!(
                        "unknown field \"{other}\" (expected Credential, AdditionalHeaders, Signature)"
                    )));
                }
            }
        }
        let credential = credential.ok_or_else(|| bad_authorization("Credential is missing"))?;
        let signature = signature.ok_or_else(|| bad_authorization("Signature is missing"))?;
        let parts: Vec<&str> = credential.split('/').collect();
        match parts.as_slice() {
            [ak, date, region, "oss", "aliyun_v4_request"]
                if !ak.is_empty()
                    && date.len() == 8
                    && date.bytes().all(|b| b.is_ascii_digit())
                    && !region.is_empty() =>
            {
                Ok(Authorization::V4 {
                    ak,
                    date,
                    region,
                    additional,
                    signature,
                })
            }
            _ => Err(bad_authorization(&format!(
                "Credential \"{credential}\" must be <AccessKeyId>/<YYYYMMDD>/<region>/oss/aliyun_v4_request"
            ))),
        }
    } else {
        Err(bad_authorization(
            "expected \"OSS4-HMAC-SHA256 Credential=...\" or \"OSS AccessKeyId:Signature\"",
        ))
    }
}

/// Looks up a secret: the account key or issued STS credentials (checking the token).
fn secret_for(
    conn: &Connection,
    account: &AccountKey,
    ak: &str,
    headers: &[(String, String)],
    now: SigningTime,
) -> Result<(String, bool), OssError> {
    if ak == account.id {
        return Ok((account.secret.clone(), false));
    }
    let unknown = || {
        OssError::new(
            403,
            "InvalidAccessKeyId",
            "The OSS Access Key Id you provided does not exist in our records.",
        )
        .with("OSSAccessKeyId", ak)
    };
    if !ak.starts_with("STS.") {
        return Err(unknown());
    }
    let sts = store::sts(conn, ak)
        .map_err(internal)?
        .ok_or_else(unknown)?;
    if header(headers, "x-oss-security-token") != Some(sts.token.as_str()) {
        return Err(OssError::new(
            403,
            "InvalidSecurityToken",
            "The security token you provided is invalid.",
        )
        .with("OSSAccessKeyId", ak));
    }
    if now.epoch_secs() * 1000 >= sts.expires_ms {
        return Err(OssError::new(
            403,
            "SecurityTokenExpired",
            "The security token you provided has expired.",
        )
        .with("OSSAccessKeyId", ak)
        .with("Expiration", crate::clock::iso8601(sts.expires_ms)));
    }
    Ok((sts.secret, true))
}

fn check_skew(given: &str, request_time: SigningTime, now: SigningTime) -> Result<(), OssError> {
    if (now.epoch_secs() - request_time.epoch_secs()).abs() > MAX_SKEW_SECS {
        return Err(OssError::new(
            403,
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
        )
        .with("RequestTime", given)
        .with("ServerTime", now.to_iso8601())
        .with(
            "MaxAllowedSkewMilliseconds",
            (MAX_SKEW_SECS * 1000).to_string(),
        ));
    }
    Ok(())
}

fn invalid_date() -> OssError {
    access_denied("OSS authentication requires a valid Date.")
}

/// `SignatureDoesNotMatch` with what OSS puts in it: the string the server signed.
fn signature_mismatch(ak: &str, provided: &str, string_to_sign: &str) -> OssError {
    OssError::new(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    )
    .with("OSSAccessKeyId", ak)
    .with("SignatureProvided", provided)
    .with("StringToSign", string_to_sign)
    .with("StringToSignBytes", spaced_hex(string_to_sign))
}

fn spaced_hex(s: &str) -> String {
    s.bytes()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Authenticates a request. Anonymous requests get `AccessDenied`: every bucket is private.
pub fn authenticate(
    conn: &Connection,
    account: &AccountKey,
    input: &AuthInput<'_>,
) -> Result<Principal, OssError> {
    let headers = input.parts.headers;
    let Some(value) = header(headers, "authorization") else {
        return Err(access_denied(
            "You have no right to access this bucket/object: the request is anonymous (no Authorization header) and every emulated bucket is private.",
        ));
    };
    match parse_authorization(value)? {
        Authorization::V1 { ak, signature } => {
            let (secret, sts) = secret_for(conn, account, ak, headers, input.now)?;
            let date = header(headers, "x-oss-date")
                .or_else(|| header(headers, "date"))
                .ok_or_else(invalid_date)?;
            let t = SigningTime::parse_rfc1123(date).ok_or_else(invalid_date)?;
            check_skew(date, t, input.now)?;
            let sts_text = v1::string_to_sign(&input.parts, v1::DEFAULT_SUBRESOURCES);
            let expected = v1::signature(&secret, &sts_text);
            if expected != signature {
                return Err(signature_mismatch(ak, signature, &sts_text));
            }
            Ok(Principal {
                access_key_id: ak.to_owned(),
                sts,
            })
        }
        Authorization::V4 {
            ak,
            date,
            region,
            additional,
            signature,
        } => {
            let (secret, sts) = secret_for(conn, account, ak, headers, input.now)?;
            let iso = header(headers, "x-oss-date")
                .ok_or_else(invalid_date)?
                .trim();
            let t = SigningTime::parse_iso8601(iso).ok_or_else(invalid_date)?;
            check_skew(iso, t, input.now)?;
            if let Some(expected) = input.bucket_region
                && region != expected
            {
                return Err(OssError::new(
                        400,
                        "InvalidArgument",
                        format!(
                            "Invalid signing region in Authorization header: the region '{region}' is wrong; expecting '{expected}' (the bucket's region)."
                        ),
                    )
                    .with("ArgumentName", "Authorization")
                    .with("ArgumentValue", region));
            }
            let canonical = v4::canonical_request(&input.parts, &additional);
            let scope = v4::scope(date, region);
            let sts_text = v4::string_to_sign(iso, &scope, &canonical);
            let expected = v4::signature(&v4::signing_key(&secret, date, region), &sts_text);
            if !expected.eq_ignore_ascii_case(signature) {
                return Err(signature_mismatch(ak, signature, &sts_text)
                    .with("CanonicalRequest", canonical.as_str()));
            }
            Ok(Principal {
                access_key_id: ak.to_owned(),
                sts,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms() {
        assert_eq!(
            parse_authorization("OSS ak:c2ln=").unwrap(),
            Authorization::V1 {
                ak: "ak",
                signature: "c2ln="
            }
        );
        let v4 = parse_authorization(
            "OSS4-HMAC-SHA256 Credential=ak/20240417/cn-hangzhou/oss/aliyun_v4_request, AdditionalHeaders=host;x-y,Signature=abc",
        )
        .unwrap();
        assert_eq!(
            v4,
            Authorization::V4 {
                ak: "ak",
                date: "20240417",
                region: "cn-hangzhou",
                additional: vec!["host", "x-y"],
                signature: "abc"
            }
        );
        for bad in [
            "Bearer x",
            "OSS nocolon",
            "OSS :sig",
            "OSS4-HMAC-SHA256 Signature=abc",
            "OSS4-HMAC-SHA256 Credential=ak/2024/cn/oss/aliyun_v4_request,Signature=a",
            "OSS4-HMAC-SHA256 Credential=ak/20240417/cn-hangzhou/s3/aws4_request,Signature=a",
            "OSS4-HMAC-SHA256 Credential=ak/20240417/cn-hangzhou/oss/aliyun_v4_request,Bogus",
        ] {
            assert!(parse_authorization(bad).is_err(), "{bad}");
        }
    }

    fn run(headers: Vec<(String, String)>, now: i64) -> Result<Principal, OssError> {
        let s = store::Store::open(None).unwrap();
        let c = s.lock();
        let account = AccountKey {
            id: "LTAI5tExampleAccessKeyId".into(),
            secret: "ExampleAccessKeySecret0123456789".into(),
        };
        let query = vec![("replication".to_owned(), String::new())];
        let input = AuthInput {
            parts: RequestParts {
                method: "GET",
                bucket: Some("examplebucket"),
                key: "",
                query: &query,
                headers: &headers,
            },
            bucket_region: Some("cn-hangzhou"),
            now: SigningTime::from_epoch_secs(now),
        };
        authenticate(&c, &account, &input)
    }

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    const T: i64 = 1_713_340_800;

    #[test]
    fn doc_vectors_verify() {
        run(
            h(&[
                ("date", "Wed, 17 Apr 2024 08:00:00 GMT"),
                (
                    "authorization",
                    "OSS LTAI5tExampleAccessKeyId:zhsDI5doXreYRC7gh/AQemUiQ58=",
                ),
            ]),
            T,
        )
        .unwrap();
        run(
            h(&[
                ("x-oss-date", "Wed, 17 Apr 2024 08:00:00 GMT"),
                (
                    "authorization",
                    "OSS LTAI5tExampleAccessKeyId:UxqGC5qW3iS2kFL8aw3HLDQ/me0=",
                ),
            ]),
            T + 600,
        )
        .unwrap();
        let v4 = h(&[
            ("x-oss-date", "20240417T080000Z"),
            ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"),
            ("host", "whatever"),
            (
                "authorization",
                "OSS4-HMAC-SHA256 Credential=LTAI5tExampleAccessKeyId/20240417/cn-hangzhou/oss/aliyun_v4_request,Signature=df391269a32e219280627fa490a9e0c272d349b900a09af5b90e6695a433c6d9",
            ),
        ]);
        run(v4.clone(), T).unwrap();
        let e = run(v4, T + 901).unwrap_err();
        assert_eq!(e.code, "RequestTimeTooSkewed");
    }

    #[test]
    fn failures_have_codes() {
        let e = run(
            h(&[
                ("date", "Wed, 17 Apr 2024 08:00:00 GMT"),
                (
                    "authorization",
                    "OSS LTAI5tExampleAccessKeyId:AAAAI5doXreYRC7gh/AQemUiQ58=",
                ),
            ]),
            T,
        )
        .unwrap_err();
        assert_eq!(e.code, "SignatureDoesNotMatch");
        assert!(e.extra.iter().any(|(k, v)| k == "StringToSign"
            && v == "GET\n\n\nWed, 17 Apr 2024 08:00:00 GMT\n/examplebucket/?replication"));
        assert_eq!(run(h(&[]), T).unwrap_err().code, "AccessDenied");
        assert_eq!(
            run(
                h(&[
                    ("authorization", "OSS nobody:x"),
                    ("date", "Wed, 17 Apr 2024 08:00:00 GMT")
                ]),
                T
            )
            .unwrap_err()
            .code,
            "InvalidAccessKeyId"
        );
        assert_eq!(
            run(h(&[("authorization", "OSS LTAI5tExampleAccessKeyId:x")]), T)
                .unwrap_err()
                .message,
            "OSS authentication requires a valid Date."
        );
        let e = run(
            h(&[
                ("x-oss-date", "20240417T080000Z"),
                ("authorization", "OSS4-HMAC-SHA256 Credential=LTAI5tExampleAccessKeyId/20240417/cn-beijing/oss/aliyun_v4_request,Signature=00"),
            ]),
            T,
        )
        .unwrap_err();
        assert!(
            e.message.contains("expecting 'cn-hangzhou'"),
            "{}",
            e.message
        );
    }
}
