//! The shared state of a running emulator, and the transport-neutral reply type the
//! OSS handlers produce.

use std::collections::HashSet;

use bytes::Bytes;

use crate::auth::AccountKey;
use crate::cli::{BucketSpec, Config};
use crate::clock::Clock;
use crate::cors::CorsPolicy;
use crate::faults::Faults;
use crate::ids::Ids;
use crate::request_log::RequestLog;
use crate::store::Store;

/// Everything a request handler needs.
#[derive(Debug)]
pub struct App {
    /// The command line.
    pub config: Config,
    /// The database.
    pub store: Store,
    /// The (shiftable) server clock.
    pub clock: Clock,
    /// Identifier source.
    pub ids: Ids,
    /// Armed faults.
    pub faults: Faults,
    /// Recent OSS requests, for `/_emulator/requests`.
    pub requests: RequestLog,
    /// CORS origins.
    pub cors: CorsPolicy,
    /// The account's key.
    pub account: AccountKey,
    /// The OSS endpoint URL (`http://127.0.0.1:PORT`), known once bound.
    pub endpoint: String,
    /// Every bucket (fixed at startup).
    pub buckets: Vec<BucketSpec>,
    /// Bucket names, for virtual-host addressing.
    pub bucket_names: HashSet<String>,
}

impl App {
    /// `/emulator-config.json` on the www listener: where the OSS endpoint and STS are.
    pub fn www_config_json(&self) -> String {
        serde_json::json!({
            "endpoint": self.endpoint,
            "stsUrl": format!("{}/_emulator/sts", self.endpoint),
            "pathStyle": true,
            "buckets": self.buckets.iter().map(|b| serde_json::json!({
                "name": b.name,
                "location": b.location,
                "region": crate::regions::region_id(&b.location),
            })).collect::<Vec<_>>(),
        })
        .to_string()
    }
}

/// An HTTP answer before transport concerns (common headers, CORS, faults) are added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Headers specific to this answer.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
    /// `Content-Length` to announce instead of the body's length (HEAD answers).
    pub content_length: Option<u64>,
}

impl Reply {
    /// A reply with a status and an empty body.
    pub fn empty(status: u16) -> Self {
        Reply {
            status,
            ..Reply::default()
        }
    }

    /// A 200 XML reply.
    pub fn xml(body: String) -> Self {
        Reply {
            status: 200,
            headers: vec![("content-type".into(), "application/xml".into())],
            body: Bytes::from(body),
            content_length: None,
        }
    }

    /// A JSON reply.
    pub fn json(status: u16, body: String) -> Self {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Bytes::from(body),
            content_length: None,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }
}
