//! Every XML answer parser, and the error mapping for error statuses: any bytes
//! must give a value or an error, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oss_replication::client::{HttpResponse, service_error};
use oss_replication::replication::{
    parse_get_bucket_replication, parse_get_bucket_replication_location,
    parse_get_bucket_replication_progress,
};

fuzz_target!(|data: &[u8]| {
    let _ = parse_get_bucket_replication(data);
    let _ = parse_get_bucket_replication_location(data);
    let _ = parse_get_bucket_replication_progress(data);
    let status = 400 + u16::from(data.first().copied().unwrap_or(0)) % 200;
    let e = service_error(&HttpResponse {
        status,
        headers: Vec::new(),
        body: data.to_vec(),
    });
    assert!(!e.code().is_empty());
    // A message quotes at most a short excerpt of the body.
    assert!(
        e.message().len() < 1024 || data.len() > 1024,
        "{}",
        e.message().len()
    );
});
