//! Regions, endpoints, bucket names and URL building from arbitrary strings.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oss_replication::{Endpoint, EndpointOptions, Region, validate_bucket_name};

fuzz_target!(|input: (String, String, String, String, u8)| {
    let (region, endpoint, bucket, value, flags) = input;
    let _ = validate_bucket_name(&bucket);
    let Ok(region) = Region::new(&region) else {
        return;
    };
    assert!(!region.id().starts_with("oss-") && region.location().starts_with("oss-"));
    let options = EndpointOptions {
        endpoint: (flags & 1 == 1).then_some(endpoint.as_str()),
        path_style: flags & 2 == 2,
        cname: flags & 4 == 4,
        internal: flags & 8 == 8,
    };
    let Ok(e) = Endpoint::new(&region, &options) else {
        return;
    };
    let url = e.bucket_url(
        &bucket,
        &[
            ("replicationProgress".into(), String::new()),
            ("rule-id".into(), value),
        ],
    );
    assert_eq!(url.is_ok(), validate_bucket_name(&bucket).is_ok());
    if let Ok(url) = url {
        // Query values are always percent-encoded: no raw separators or spaces leak into the URL.
        let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
        assert!(
            !query.contains(' ') && !query.contains('#') && query.matches('&').count() == 1,
            "{url}"
        );
    }
});
