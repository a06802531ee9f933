//! Rule validation and the Put body: a rejected rule gets an error naming its
//! field; a rule that validates must build, and its body must parse back to the
//! same rule, field by field.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oss_replication::replication::{
    Destination, ReplicationRule, Tag, UnknownChildren, UserTaggings, parse_get_bucket_replication,
    put_bucket_replication, validate_rule,
};

type Extras = (
    Option<(String, Vec<(String, String)>)>,
    Vec<String>,
    Vec<String>,
);

/// History, sync role, SSE-KMS filter, KMS key, RTC.
type Flags = (
    Option<bool>,
    Option<String>,
    Option<bool>,
    Option<String>,
    Option<bool>,
);
/// ID, destination bucket, location, transfer type, prefixes, actions, flags, extras.
type Input = (
    Option<String>,
    String,
    String,
    Option<String>,
    Vec<String>,
    Vec<String>,
    Flags,
    Extras,
);

fuzz_target!(|input: Input| {
    let (
        id,
        bucket,
        location,
        transfer_type,
        prefixes,
        actions,
        (history, role, sse, kms, rtc),
        (tags, kept_rule, kept_dest),
    ) = input;
    let rule = ReplicationRule {
        id,
        destination: Destination {
            bucket,
            location,
            transfer_type,
        },
        prefixes,
        actions,
        historical_object_replication: history,
        sync_role: role,
        sse_kms_encrypted_objects: sse,
        replica_kms_key_id: kms,
        rtc,
        status: None,
        rtc_status: None,
        user_taggings: tags.map(|(filter_type, pairs)| UserTaggings {
            filter_type,
            tags: pairs
                .into_iter()
                .map(|(key, value)| Tag { key, value })
                .collect(),
        }),
        unknown: UnknownChildren {
            rule: kept_rule,
            destination: kept_dest,
        },
    };
    if let Err(e) = validate_rule(&rule) {
        // (`put_bucket_replication` validates first, so "a rejected rule does not
        // build" could never fail.) A rejection is a client-side error naming the field.
        assert!(
            matches!(e.code(), "InvalidArgument" | "InvalidBucketName"),
            "{e}"
        );
        assert!(e.message().contains("rule."), "no field named: {e}");
        return;
    }
    let req = put_bucket_replication("source-bucket", &rule).expect("a valid rule builds");
    let back = parse_get_bucket_replication(req.body.as_deref().unwrap_or_default().as_bytes())
        .expect("our body parses");
    assert_eq!(back.len(), 1);
    let got = &back[0];
    assert_eq!(got.id, rule.id);
    assert_eq!(got.prefixes, rule.prefixes);
    assert_eq!(got.destination, rule.destination);
    assert_eq!(got.sync_role, rule.sync_role);
    assert_eq!(got.replica_kms_key_id, rule.replica_kms_key_id);
    assert_eq!(got.user_taggings, rule.user_taggings);
    assert_eq!(got.actions, rule.actions);
    assert_eq!(
        got.historical_object_replication,
        rule.historical_object_replication
    );
    assert_eq!(
        got.sse_kms_encrypted_objects,
        rule.sse_kms_encrypted_objects
    );
    assert_eq!(got.rtc, rule.rtc);
    // Kept children come back in canonical form: putting that again changes nothing.
    let again = put_bucket_replication("source-bucket", got).expect("a read-back rule builds");
    assert_eq!(
        again.body,
        put_bucket_replication(
            "source-bucket",
            &parse_get_bucket_replication(again.body.as_deref().unwrap_or_default().as_bytes())
                .expect("parses")[0]
        )
        .expect("builds")
        .body
    );
});
