//! `ReplicationClient` options (ali-oss names), resolved into a [`ClientConfig`]
//! and credentials. Every check lives here, natively tested; the wasm facade only
//! reads the JavaScript values into [`ClientOptions`].

use crate::client::ClientConfig;
use crate::credentials::Credentials;
use crate::endpoint::{Endpoint, EndpointOptions, Region, validate_bucket_name};
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::sign::SignatureVersion;

/// Default per-attempt timeout (ali-oss uses 60 s).
pub const DEFAULT_TIMEOUT_MS: f64 = 60_000.0;
/// The largest delay `setTimeout` honours (2^31 - 1 ms): a larger one fires at
/// once (Node clamps it to 1 ms), which would abort every attempt.
pub const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;
/// Default response cap: replication answers are a few KiB; 4 MiB is generous.
pub const DEFAULT_MAX_RESPONSE_BYTES: f64 = 4.0 * 1024.0 * 1024.0;
/// ali-oss refreshes every 5 minutes by default when a callback is given.
pub const DEFAULT_REFRESH_INTERVAL_MS: f64 = 300_000.0;
/// Most retries accepted.
pub const MAX_RETRIES: f64 = 20.0;

/// The options as given (already type-checked: numbers finite and non-negative).
#[derive(Clone, Default)]
pub struct ClientOptions {
    /// `bucket`.
    pub bucket: Option<String>,
    /// `region`.
    pub region: Option<String>,
    /// `endpoint`.
    pub endpoint: Option<String>,
    /// `pathStyle`.
    pub path_style: Option<bool>,
    /// `cname`.
    pub cname: Option<bool>,
    /// `internal`.
    pub internal: Option<bool>,
    /// `accessKeyId`.
    pub access_key_id: Option<String>,
    /// `accessKeySecret`.
    pub access_key_secret: Option<String>,
    /// `stsToken`.
    pub sts_token: Option<String>,
    /// Whether a `refreshSTSToken` callback was given.
    pub has_refresh: bool,
    /// `refreshSTSTokenInterval` (ms).
    pub refresh_interval_ms: Option<f64>,
    /// `signatureVersion`.
    pub signature_version: Option<String>,
    /// `timeout` (ms).
    pub timeout_ms: Option<f64>,
    /// `retryMax`.
    pub retry_max: Option<f64>,
    /// `maxResponseBytes`.
    pub max_response_bytes: Option<f64>,
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// Options resolved: the client's configuration, its static credentials (none
/// when a refresh callback supplies them) and the response cap.
#[derive(Debug)]
pub struct Resolved {
    /// Configuration.
    pub config: ClientConfig,
    /// Static credentials.
    pub credentials: Option<Credentials>,
    /// Largest response body accepted.
    pub max_response_bytes: usize,
}

fn required(value: Option<String>, field: &str) -> Result<String, Error> {
    value
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::invalid(format!("options.{field} is required")))
}

/// Validates `o` (errors name the field) and resolves the defaults.
pub fn resolve(o: ClientOptions) -> Result<Resolved, Error> {
    let bucket = required(o.bucket, "bucket")?;
    validate_bucket_name(&bucket).map_err(|e| e.context("options.bucket"))?;
    let region =
        Region::new(&required(o.region, "region")?).map_err(|e| e.context("options.region"))?;
    let endpoint = Endpoint::new(
        &region,
        &EndpointOptions {
            endpoint: o.endpoint.as_deref(),
            path_style: o.path_style.unwrap_or(false),
            cname: o.cname.unwrap_or(false),
            internal: o.internal.unwrap_or(false),
        },
    )
    .map_err(|e| e.context("options.endpoint"))?;
    let version =
        SignatureVersion::from_option(o.signature_version.as_deref(), "options.signatureVersion")?;
    let credentials = match (o.access_key_id, o.access_key_secret) {
        (Some(id), Some(secret)) => Some(Credentials::new(id, secret, o.sts_token)?),
        (None, None) if o.has_refresh => None,
        (None, None) => {
            return Err(Error::invalid(
                "options needs accessKeyId and accessKeySecret (with stsToken for STS), or a refreshSTSToken callback",
            ));
        }
        (Some(_), None) => {
            return Err(Error::invalid(
                "options.accessKeySecret is required with accessKeyId",
            ));
        }
        (None, Some(_)) => {
            return Err(Error::invalid(
                "options.accessKeyId is required with accessKeySecret",
            ));
        }
    };
    let retry_max = o.retry_max.unwrap_or(3.0);
    if !(0.0..=MAX_RETRIES).contains(&retry_max) || retry_max.fract() != 0.0 {
        return Err(Error::invalid(
            "options.retryMax must be a whole number from 0 to 20",
        ));
    }
    let timeout_ms = o.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
    if !(1.0..=MAX_TIMEOUT_MS).contains(&timeout_ms) {
        return Err(Error::invalid(
            "options.timeout must be from 1 to 2147483647 (milliseconds, about 24.8 days)",
        ));
    }
    let max_response_bytes = o.max_response_bytes.unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
    if !(max_response_bytes >= 1.0 && max_response_bytes.is_finite()) {
        return Err(Error::invalid(
            "options.maxResponseBytes must be at least 1",
        ));
    }
    let refresh_interval_ms = o.refresh_interval_ms.unwrap_or(DEFAULT_REFRESH_INTERVAL_MS);
    if !(refresh_interval_ms >= 0.0 && refresh_interval_ms.is_finite()) {
        return Err(Error::invalid(
            "options.refreshSTSTokenInterval must be a non-negative number",
        ));
    }
    Ok(Resolved {
        config: ClientConfig {
            bucket,
            region,
            endpoint,
            version,
            retry: RetryPolicy {
                max_retries: retry_max as u32,
                ..RetryPolicy::default()
            },
            refresh_interval_ms: Some(refresh_interval_ms),
            timeout_ms,
        },
        credentials,
        max_response_bytes: max_response_bytes as usize,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> ClientOptions {
        ClientOptions {
            bucket: Some("source-bucket".into()),
            region: Some("cn-hangzhou".into()),
            access_key_id: Some("AKID".into()),
            access_key_secret: Some("secret-value".into()),
            ..Default::default()
        }
    }

    fn err(o: ClientOptions) -> String {
        resolve(o).unwrap_err().message().to_owned()
    }

    #[test]
    fn defaults() {
        let r = resolve(base()).unwrap();
        assert_eq!(r.config.timeout_ms, 60_000.0);
        assert_eq!(r.config.retry.max_retries, 3);
        assert_eq!(r.config.refresh_interval_ms, Some(300_000.0));
        assert_eq!(r.config.version, SignatureVersion::V4);
        assert_eq!(r.max_response_bytes, 4 * 1024 * 1024);
        assert_eq!(r.credentials.unwrap().access_key_id(), "AKID");
        let r = resolve(ClientOptions {
            access_key_id: None,
            access_key_secret: None,
            has_refresh: true,
            ..base()
        })
        .unwrap();
        assert!(r.credentials.is_none());
    }

    #[test]
    fn each_error_names_its_field() {
        let cases: Vec<(ClientOptions, &str)> = vec![
            (
                ClientOptions {
                    bucket: None,
                    ..base()
                },
                "options.bucket is required",
            ),
            (
                ClientOptions {
                    bucket: Some(String::new()),
                    ..base()
                },
                "options.bucket is required",
            ),
            (
                ClientOptions {
                    bucket: Some("Ab".into()),
                    ..base()
                },
                "options.bucket: ",
            ),
            (
                ClientOptions {
                    region: None,
                    ..base()
                },
                "options.region is required",
            ),
            (
                ClientOptions {
                    region: Some("CN x".into()),
                    ..base()
                },
                "options.region: ",
            ),
            (
                ClientOptions {
                    endpoint: Some("ftp://x".into()),
                    ..base()
                },
                "options.endpoint: ",
            ),
            (
                ClientOptions {
                    signature_version: Some("v3".into()),
                    ..base()
                },
                "options.signatureVersion \"v3\" must be 'v4' or 'v1'",
            ),
            (
                ClientOptions {
                    access_key_id: None,
                    access_key_secret: None,
                    ..base()
                },
                "options needs accessKeyId",
            ),
            (
                ClientOptions {
                    access_key_secret: None,
                    ..base()
                },
                "options.accessKeySecret is required with accessKeyId",
            ),
            (
                ClientOptions {
                    access_key_id: None,
                    ..base()
                },
                "options.accessKeyId is required with accessKeySecret",
            ),
            (
                ClientOptions {
                    retry_max: Some(1.5),
                    ..base()
                },
                "options.retryMax must be a whole number from 0 to 20",
            ),
            (
                ClientOptions {
                    retry_max: Some(21.0),
                    ..base()
                },
                "options.retryMax must be a whole number",
            ),
            (
                ClientOptions {
                    timeout_ms: Some(0.0),
                    ..base()
                },
                "options.timeout must be from 1 to 2147483647",
            ),
            (
                ClientOptions {
                    timeout_ms: Some(2_147_483_648.0),
                    ..base()
                },
                "options.timeout must be from 1 to 2147483647",
            ),
            (
                ClientOptions {
                    timeout_ms: Some(f64::NAN),
                    ..base()
                },
                "options.timeout must be from 1",
            ),
            (
                ClientOptions {
                    max_response_bytes: Some(0.0),
                    ..base()
                },
                "options.maxResponseBytes must be at least 1",
            ),
            (
                ClientOptions {
                    refresh_interval_ms: Some(f64::INFINITY),
                    ..base()
                },
                "options.refreshSTSTokenInterval",
            ),
        ];
        for (o, want) in cases {
            let got = err(o);
            assert!(
                got.starts_with(want),
                "{got:?} does not start with {want:?}"
            );
        }
        assert_eq!(
            resolve(ClientOptions {
                timeout_ms: Some(MAX_TIMEOUT_MS),
                ..base()
            })
            .unwrap()
            .config
            .timeout_ms,
            MAX_TIMEOUT_MS
        );
    }
}
