//! The wasm-bindgen facade: `ReplicationClient`, `signRequest` and the
//! `OssError` mapping. No logic of its own: options and results are converted
//! here, everything else is the native core. Built for wasm32 only.

mod client;
mod convert;
mod error;
mod fetch;
mod sign_request;

pub use client::ReplicationClient;
pub use error::set_oss_error_class;
pub use sign_request::sign_request;
