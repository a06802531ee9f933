//! The wasm facade in Node against oss-emulator (see tests/wasm/suite.rs).
#![cfg(target_arch = "wasm32")]

include!("wasm/suite.rs");
