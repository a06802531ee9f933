//! The wasm facade in headless Chromium against oss-emulator, cross-origin
//! (CORS preflights included); see tests/wasm/suite.rs.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

include!("wasm/suite.rs");
