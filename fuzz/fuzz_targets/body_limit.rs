//! The answer-size decisions (`oss_replication::answer`): any cap, any
//! `Content-Length` text and any length read so far give a plan or the
//! `ResponseTooLarge` error, never a panic, and agree with each other: a body
//! read whole is never over the cap, and the cap itself is always accepted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oss_replication::answer::{BodyLimit, BodyPlan, headers_to_read};
use oss_replication::replication::Operation;

fuzz_target!(|input: (usize, Option<String>, usize, u16)| {
    let (max, declared, len, status) = input;
    let limit = BodyLimit::new(max);
    match limit.plan(declared.as_deref()) {
        Ok(BodyPlan::Whole) => {
            let n: u64 = declared.as_deref().unwrap().trim().parse().unwrap();
            assert!(n <= max as u64, "{n} planned whole over a cap of {max}");
        }
        Ok(BodyPlan::Chunked) => {
            assert!(
                declared
                    .as_deref()
                    .is_none_or(|d| d.trim().parse::<u64>().is_err())
            );
        }
        Err(e) => assert_eq!(e.code(), "ResponseTooLarge"),
    }
    assert!(limit.check(max).is_ok());
    assert_eq!(limit.check(len).is_ok(), len <= max);
    // Every answer reads the length its plan follows and the request ID.
    let names = headers_to_read(Operation::GetBucketReplication, status);
    assert!(names.contains(&"content-length") && names.contains(&"x-oss-request-id"));
});
