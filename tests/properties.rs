//! Properties over arbitrary input (proptest): rule -> XML -> rule round trips,
//! V4 canonical query invariants, signatures independent of header case and order.
#![cfg(not(target_arch = "wasm32"))]

use oss_replication::replication::{
    Destination, ReplicationRule, Tag, UnknownChildren, UserTaggings, parse_get_bucket_replication,
    put_bucket_replication, validate_rule,
};
use oss_replication::sign::encode::percent_decode;
use oss_replication::sign::v4::canonical_query;
use oss_replication::{
    Credentials, RequestParts, SignatureVersion, SigningParams, SigningTime, sign,
};
use proptest::prelude::*;

/// Text XML can carry, biased towards the characters that break naive code.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::char::range('a', 'z'),
            2 => prop::sample::select(vec!['<', '>', '&', '"', '\'', ' ', '\t', '\n', '\r', '/', '%', '+', '=', '?', ';', ']']),
            2 => prop::sample::select(vec!['é', '中', '文', 'ж', 'Ω', '😀', '\u{a0}', '\u{2028}', '\u{feff}']),
            1 => any::<char>().prop_filter("XML 1.0 chars", |c| (matches!(c, '\t' | '\n' | '\r') || *c >= ' ') && *c != '\u{ffff}' && *c != '\u{fffe}'),
        ],
        1..40,
    )
    .prop_map(|v| v.into_iter().collect())
}

fn bucket() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9-]{1,30}[a-z0-9]"
}

/// Tag keys and values OSS allows: letters (any script), digits, spaces, `+ - = . _ : /`.
fn tag_text(min: usize, max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::char::range('a', 'z'),
            2 => prop::sample::select(vec![' ', '+', '-', '=', '.', '_', ':', '/', 'é', '中', 'Ω', '7']),
        ],
        min..=max,
    )
    .prop_map(|v| v.into_iter().collect())
}

/// A tag filter with unique keys (duplicates are dropped; the filter keeps at least one).
fn user_taggings() -> impl Strategy<Value = UserTaggings> {
    (
        prop::sample::select(vec!["AND", "OR"]),
        prop::collection::vec((tag_text(1, 20), tag_text(0, 20)), 1..=10),
    )
        .prop_map(|(filter, pairs)| {
            let mut tags: Vec<Tag> = Vec::new();
            for (key, value) in pairs {
                if tags.iter().all(|t| t.key != key) {
                    tags.push(Tag { key, value });
                }
            }
            UserTaggings {
                filter_type: filter.to_owned(),
                tags,
            }
        })
}

/// Unknown children as a read-back would keep them (canonical XML), with text that needs escaping.
fn kept(names: &'static [&'static str]) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        (prop::sample::select(names), text(), any::<bool>()).prop_map(|(name, t, nested)| {
            let escaped = t
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('\r', "&#13;");
            if nested {
                format!("<{name}><Location>{escaped}</Location></{name}>")
            } else {
                format!("<{name}>{escaped}</{name}>")
            }
        }),
        0..3,
    )
}

fn rule() -> impl Strategy<Value = ReplicationRule> {
    (
        (
            prop::option::of(text()),
            bucket(),
            "[a-z]{2}-[a-z]{3,10}",
            prop::option::of(prop::sample::select(vec!["internal", "oss_acc"])),
        ),
        (
            prop::collection::vec(text(), 0..=10),
            prop::sample::subsequence(vec!["ALL", "PUT", "DELETE", "ABORT"], 0..=4),
        ),
        (
            prop::option::of(any::<bool>()),
            prop::option::of(text()),
            prop::option::of(text()),
            prop::option::of(any::<bool>()),
        ),
        (
            prop::option::of(user_taggings()),
            kept(&["Source", "Future", "X-1"]),
            kept(&["Cloud", "CloudLocation"]),
        ),
    )
        .prop_map(
            |(
                (id, bucket, region, transfer),
                (prefixes, actions),
                (history, role, kms, rtc),
                (tags, kept_rule, kept_dest),
            )| {
                ReplicationRule {
                    id,
                    destination: Destination {
                        bucket,
                        location: format!("oss-{region}"),
                        transfer_type: transfer.map(str::to_owned),
                    },
                    prefixes,
                    actions: actions.into_iter().map(str::to_owned).collect(),
                    historical_object_replication: history,
                    sync_role: role,
                    sse_kms_encrypted_objects: kms.as_ref().map(|_| true),
                    replica_kms_key_id: kms,
                    rtc,
                    status: None,
                    rtc_status: None,
                    user_taggings: tags,
                    unknown: UnknownChildren {
                        rule: kept_rule,
                        destination: kept_dest,
                    },
                }
            },
        )
        .prop_filter("valid rules", |r| validate_rule(r).is_ok())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn rule_xml_rule_round_trip(r in rule()) {
        let req = put_bucket_replication("source-bucket", &r).unwrap();
        let back = parse_get_bucket_replication(req.body.as_ref().unwrap().as_bytes()).unwrap();
        prop_assert_eq!(back.len(), 1);
        let mut expected = r.clone();
        expected.rtc_status = r.rtc.map(|on| if on { "enabled" } else { "disabled" }.to_owned());
        prop_assert_eq!(&back[0], &expected);
    }

    #[test]
    fn v4_canonical_query_is_sorted_encoded_and_lossless(pairs in prop::collection::vec((text(), prop::option::of(text())), 0..12)) {
        let pairs: Vec<(String, String)> = pairs.into_iter().map(|(k, v)| (k, v.unwrap_or_default())).collect();
        let canonical = canonical_query(&pairs);
        prop_assert!(canonical.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%=&".contains(&b)), "{}", canonical);
        let items: Vec<&str> = if canonical.is_empty() { vec![] } else { canonical.split('&').collect() };
        let keys: Vec<&str> = items.iter().map(|i| i.split('=').next().unwrap()).collect();
        prop_assert!(keys.windows(2).all(|w| w[0] <= w[1]), "not sorted: {}", canonical);
        let mut decoded: Vec<(String, String)> = items
            .iter()
            .map(|i| {
                let (k, v) = i.split_once('=').unwrap_or((i, ""));
                (percent_decode(k, false), percent_decode(v, false))
            })
            .collect();
        let mut original = pairs.clone();
        decoded.sort();
        original.sort();
        prop_assert_eq!(decoded, original);
        let mut reversed = pairs.clone();
        reversed.reverse();
        prop_assert_eq!(canonical_query(&reversed), canonical);
    }

    #[test]
    fn signatures_ignore_header_case_and_order(
        extra in prop::collection::vec(("x-oss-meta-[a-z]{1,8}", "[ -~]{0,20}"), 0..6),
        flips in prop::collection::vec(any::<bool>(), 16),
        rotate in 0usize..8,
        v4 in any::<bool>(),
    ) {
        let mut headers: Vec<(String, String)> = vec![
            ("Content-Type".into(), "application/xml".into()),
            ("Content-MD5".into(), "OZXnmNj8merGKsnrdTHDYA==".into()),
        ];
        for (k, v) in extra {
            if headers.iter().all(|(h, _)| !h.eq_ignore_ascii_case(&k)) {
                headers.push((k, v));
            }
        }
        let creds = Credentials::new("AKID", "secret", Some("token".into())).unwrap();
        let query = vec![("replication".to_owned(), String::new()), ("comp".to_owned(), "delete".to_owned())];
        let params = SigningParams {
            version: if v4 { SignatureVersion::V4 } else { SignatureVersion::V1 },
            region: "cn-hangzhou",
            time: SigningTime::from_epoch_secs(1_713_340_800),
            subresources: None,
            additional_headers: &[],
        };
        let signed = |h: &[(String, String)]| {
            sign(&RequestParts { method: "POST", bucket: Some("b-1"), key: "", query: &query, headers: h }, &creds, &params).authorization().to_owned()
        };
        let reference = signed(&headers);
        let mut shuffled: Vec<(String, String)> = headers
            .iter()
            .zip(flips.iter().cycle())
            .map(|((k, v), up)| (if *up { k.to_ascii_uppercase() } else { k.to_ascii_lowercase() }, v.clone()))
            .collect();
        let n = shuffled.len();
        shuffled.rotate_left(rotate % n);
        prop_assert_eq!(signed(&shuffled), reference);
    }
}
