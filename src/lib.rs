//! Alibaba Cloud OSS bucket replication (cross-region CRR and same-region SRR):
//! pure V1/V4 request signing, builders for the six replication requests, and
//! parsers for their XML answers.
//!
//! The core is sans-IO and clock-free so it runs anywhere, including
//! `wasm32-unknown-unknown`; the JavaScript facade (built for wasm32) adds
//! `fetch`, retries and credential refresh on top.
//!
//! ```
//! use oss_replication::{Credentials, SignatureVersion, SigningTime};
//! use oss_replication::replication::get_bucket_replication;
//!
//! let creds = Credentials::new("LTAI5tExampleAccessKeyId", "ExampleAccessKeySecret0123456789", None).unwrap();
//! let req = get_bucket_replication("examplebucket").unwrap();
//! let signed = req.sign(&creds, SignatureVersion::V4, "cn-hangzhou", SigningTime::from_epoch_secs(1_713_340_800));
//! assert!(signed.authorization().ends_with("Signature=df391269a32e219280627fa490a9e0c272d349b900a09af5b90e6695a433c6d9"));
//! ```
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

pub mod answer;
pub mod attempt;
pub mod client;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod insight;
pub mod json;
pub mod objects;
pub mod options;
pub mod policies;
pub mod redact;
pub mod refresh;
pub mod replication;
pub mod retry;
pub mod sign;
pub mod time;
pub mod xml;

#[cfg(target_arch = "wasm32")]
pub mod js;

// A free-list allocator instead of std's dlmalloc: ~2.4 KB gzip less wasm, memory as flat
// (it coalesces freed neighbours). Single-threaded wasm only, where AssumeSingleThreaded is
// sound: no `atomics` target feature, so no threads can share this memory.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
// SAFETY: without the atomics target feature a wasm32 module has exactly one thread.
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

pub use credentials::Credentials;
pub use endpoint::{Endpoint, EndpointOptions, Region, validate_bucket_name};
pub use error::{Error, ErrorKind, ServiceDetails};
pub use sign::{RequestParts, SignatureVersion, Signed, SigningParams, sign};
pub use time::SigningTime;
