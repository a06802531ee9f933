//! Parsers for the three XML answers.

use super::model::{
    LocationTransferType, ReplicationLocation, ReplicationProgress, ReplicationRule,
};
use super::rule_reader::read_rules;
use crate::error::Error;
use crate::time::SigningTime;
use crate::xml::{Node, parse_document};

/// The texts of every child named `name`, trimmed.
fn texts(node: Option<&Node>, name: &str) -> Vec<String> {
    node.map(|n| n.children(name).map(|c| c.text.trim().to_owned()).collect())
        .unwrap_or_default()
}

/// `NewObject` as ISO 8601 (its documented form) and as epoch seconds. OSS has
/// also been seen answering in RFC 1123 (`Thu, 24 Sep 2015 15:28:14 GMT`): that
/// is converted; text that is neither is kept as sent, without a time.
fn new_object_time(text: Option<String>) -> (Option<String>, Option<i64>) {
    let Some(text) = text else {
        return (None, None);
    };
    if let Some(t) = SigningTime::parse_iso8601(&text) {
        return (Some(text), Some(t.epoch_secs()));
    }
    match SigningTime::parse_rfc1123(&text) {
        Some(t) => (Some(t.to_iso8601()), Some(t.epoch_secs())),
        None => (Some(text), None),
    }
}

/// A non-negative decimal (`0.85`, `1`, `.5`, `100.000`). Hand-written rather
/// than `str::parse::<f64>`, whose tables cost ~15 KB of wasm; exact for up to
/// 15 significant digits (further digits are dropped).
fn parse_decimal(text: &str) -> Option<f64> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut digits = 0;
    let mut scale = 0i32;
    for (i, b) in int.bytes().chain(frac.bytes()).enumerate() {
        let in_frac = i >= int.len();
        if digits < 15 {
            mantissa = mantissa * 10 + u64::from(b - b'0');
            if mantissa > 0 {
                digits += 1;
            }
            scale -= i32::from(in_frac);
        } else if !in_frac {
            scale += 1;
        }
    }
    Some(mantissa as f64 * 10f64.powi(scale.max(0)) / 10f64.powi((-scale).max(0)))
}

/// Parses a GetBucketReplication answer (`<ReplicationConfiguration>`, any number of `<Rule>`s).
pub fn parse_get_bucket_replication(body: &[u8]) -> Result<Vec<ReplicationRule>, Error> {
    let mut rules = Vec::new();
    read_rules(body, "ReplicationConfiguration", false, &mut |r| {
        rules.push(r.rule)
    })?;
    Ok(rules)
}

/// Parses a GetBucketReplicationLocation answer (`<ReplicationLocation>`).
pub fn parse_get_bucket_replication_location(body: &[u8]) -> Result<ReplicationLocation, Error> {
    let root = parse_document(body, "ReplicationLocation")?;
    Ok(ReplicationLocation {
        locations: texts(Some(&root), "Location"),
        transfer_type_constraints: root
            .child("LocationTransferTypeConstraint")
            .map(|c| {
                c.children("LocationTransferType")
                    .map(|t| LocationTransferType {
                        location: t.string("Location").unwrap_or_default(),
                        transfer_types: texts(t.child("TransferTypes"), "Type"),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        rtc_locations: texts(root.child("LocationRTCConstraint"), "Location"),
    })
}

/// Parses a GetBucketReplicationProgress answer (`<ReplicationProgress>` with one `<Rule>`).
pub fn parse_get_bucket_replication_progress(body: &[u8]) -> Result<ReplicationProgress, Error> {
    let mut first = None;
    read_rules(body, "ReplicationProgress", true, &mut |r| first = Some(r))?;
    let read = first.ok_or_else(|| Error::parse("<ReplicationProgress> has no <Rule>"))?;
    let historical_object = match read.historical_object {
        None => None,
        // A fraction of the history copied: an absurd server value (1.5, 400
        // digits = infinity) is clamped to 0..=1 rather than shown as is.
        Some(t) => Some(
            parse_decimal(&t)
                .ok_or_else(|| {
                    Error::parse(format!(
                        "<HistoricalObject> \"{}\" is not a number",
                        crate::endpoint::printable(&t)
                    ))
                })?
                .clamp(0.0, 1.0),
        ),
    };
    let (new_object, new_object_epoch_secs) = new_object_time(read.new_object);
    Ok(ReplicationProgress {
        rule: read.rule,
        historical_object,
        new_object,
        new_object_epoch_secs,
    })
}

#[cfg(test)]
mod tests {
    use super::super::model::Tag;
    use super::*;

    const GET: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ReplicationConfiguration>
  <Rule>
    <ID>test_replication_1</ID>
    <PrefixSet><Prefix>source1</Prefix><Prefix>video</Prefix></PrefixSet>
    <Action>PUT</Action>
    <Destination><Bucket>destbucket</Bucket><Location>oss-cn-beijing</Location><TransferType>oss_acc</TransferType></Destination>
    <Status>doing</Status>
    <HistoricalObjectReplication>enabled</HistoricalObjectReplication>
    <SyncRole>aliyunramrole</SyncRole>
    <RTC><Status>enabled</Status></RTC>
  </Rule>
  <Rule><ID>b</ID><Destination><Bucket>d2</Bucket><Location>oss-cn-qingdao</Location><Cloud>x</Cloud></Destination>
    <Status>closing</Status><Action>PUT,DELETE</Action>
    <SourceSelectionCriteria><SseKmsEncryptedObjects><Status>Enabled</Status></SseKmsEncryptedObjects></SourceSelectionCriteria>
    <EncryptionConfiguration><ReplicaKmsKeyID>kms-1</ReplicaKmsKeyID></EncryptionConfiguration><Future/></Rule>
</ReplicationConfiguration>"#;

    #[test]
    fn get_doc_sample_and_a_second_rule() {
        let rules = parse_get_bucket_replication(GET.as_bytes()).unwrap();
        assert_eq!(rules.len(), 2);
        let r = &rules[0];
        assert_eq!(r.id.as_deref(), Some("test_replication_1"));
        assert_eq!(r.prefixes, ["source1", "video"]);
        assert_eq!(r.actions, ["PUT"]);
        assert_eq!(r.destination.transfer_type.as_deref(), Some("oss_acc"));
        assert_eq!(r.status.as_deref(), Some("doing"));
        assert_eq!(r.historical_object_replication, Some(true));
        assert_eq!(r.sync_role.as_deref(), Some("aliyunramrole"));
        assert_eq!(
            (r.rtc, r.rtc_status.as_deref()),
            (Some(true), Some("enabled"))
        );
        let b = &rules[1];
        assert_eq!(b.actions, ["PUT", "DELETE"]);
        assert_eq!(b.sse_kms_encrypted_objects, Some(true));
        assert_eq!(b.replica_kms_key_id.as_deref(), Some("kms-1"));
        assert_eq!(
            (b.rtc, b.historical_object_replication, b.prefixes.len()),
            (None, None, 0)
        );
        assert_eq!(
            parse_get_bucket_replication(b"<ReplicationConfiguration/>").unwrap(),
            []
        );
        assert!(r.unknown.is_empty() && r.user_taggings.is_none());
        assert_eq!(b.unknown.rule, ["<Future></Future>"]);
        assert_eq!(b.unknown.destination, ["<Cloud>x</Cloud>"]);
    }

    #[test]
    fn user_taggings_and_unknown_children_are_read() {
        let body = r#"<ReplicationConfiguration><Rule><ID>t</ID>
  <Destination><Bucket>d</Bucket><Location>oss-cn-beijing</Location><Cloud>AliCloud</Cloud><CloudLocation>cn-beijing</CloudLocation></Destination>
  <Source><Location>oss-cn-hangzhou</Location></Source>
  <UserTaggings> <FilterType> OR </FilterType>
    <UserTagging><Key>team</Key><Value> a b </Value></UserTagging>
    <UserTagging><Key>env</Key><Value/></UserTagging>
  </UserTaggings>
  <Progress><HistoricalObject>1</HistoricalObject></Progress>
</Rule></ReplicationConfiguration>"#;
        let r = &parse_get_bucket_replication(body.as_bytes()).unwrap()[0];
        let t = r.user_taggings.as_ref().unwrap();
        assert_eq!(t.filter_type, "OR");
        assert_eq!(
            t.tags,
            [
                Tag {
                    key: "team".into(),
                    value: " a b ".into()
                },
                Tag {
                    key: "env".into(),
                    value: String::new()
                }
            ]
        );
        assert_eq!(
            r.unknown.destination,
            [
                "<Cloud>AliCloud</Cloud>",
                "<CloudLocation>cn-beijing</CloudLocation>"
            ]
        );
        assert_eq!(
            r.unknown.rule,
            ["<Source><Location>oss-cn-hangzhou</Location></Source>"]
        );
    }

    #[test]
    fn new_object_in_iso_8601_and_gmt() {
        let doc = |t: &str| {
            format!(
                "<ReplicationProgress><Rule><Progress><NewObject>{t}</NewObject></Progress></Rule></ReplicationProgress>"
            )
        };
        let p = |t: &str| parse_get_bucket_replication_progress(doc(t).as_bytes()).unwrap();
        let iso = p("2015-09-24T15:28:14.000Z");
        let gmt = p("Thu, 24 Sep 2015 15:28:14 GMT");
        assert_eq!(iso.new_object_epoch_secs, Some(1_443_108_494));
        assert_eq!(gmt.new_object_epoch_secs, Some(1_443_108_494));
        assert_eq!(gmt.new_object.as_deref(), Some("2015-09-24T15:28:14.000Z"));
        assert_eq!(iso.new_object.as_deref(), Some("2015-09-24T15:28:14.000Z"));
        let odd = p("yesterday");
        assert_eq!(
            (odd.new_object.as_deref(), odd.new_object_epoch_secs),
            (Some("yesterday"), None)
        );
    }

    #[test]
    fn location_doc_sample() {
        let body = r#"<ReplicationLocation xmlns="x">
  <Location>oss-cn-beijing</Location><Location>oss-cn-qingdao</Location><Location>oss-cn-hongkong</Location><Location>oss-us-west-1</Location>
  <LocationTransferTypeConstraint>
    <LocationTransferType><Location>oss-cn-hongkong</Location><TransferTypes><Type>oss_acc</Type></TransferTypes></LocationTransferType>
    <LocationTransferType><Location>oss-us-west-1</Location><TransferTypes><Type>oss_acc</Type><Type>internal</Type></TransferTypes></LocationTransferType>
  </LocationTransferTypeConstraint>
  <LocationRTCConstraint><Location>oss-cn-beijing</Location><Location>oss-cn-qingdao</Location></LocationRTCConstraint>
</ReplicationLocation>"#;
        let l = parse_get_bucket_replication_location(body.as_bytes()).unwrap();
        assert_eq!(
            l.locations,
            [
                "oss-cn-beijing",
                "oss-cn-qingdao",
                "oss-cn-hongkong",
                "oss-us-west-1"
            ]
        );
        assert_eq!(l.transfer_type_constraints.len(), 2);
        assert_eq!(l.transfer_type_constraints[1].location, "oss-us-west-1");
        assert_eq!(
            l.transfer_type_constraints[1].transfer_types,
            ["oss_acc", "internal"]
        );
        assert_eq!(l.rtc_locations, ["oss-cn-beijing", "oss-cn-qingdao"]);
    }

    #[test]
    fn progress_doc_sample_with_stray_whitespace() {
        let body = "<ReplicationProgress>\n <Rule>\n   <ID>test_replication_1</ID>\n   <Destination><Bucket>target-bucket</Bucket><Location>oss-cn-beijing</Location></Destination>\n   <Status>doing</Status>\n   <Progress><HistoricalObject> 0.85 </HistoricalObject><NewObject>2015-09-24T15:28:14.000Z\n</NewObject></Progress>\n </Rule>\n</ReplicationProgress>";
        let p = parse_get_bucket_replication_progress(body.as_bytes()).unwrap();
        assert_eq!(p.historical_object, Some(0.85));
        assert_eq!(p.new_object.as_deref(), Some("2015-09-24T15:28:14.000Z"));
        assert_eq!(p.rule.destination.bucket, "target-bucket");
        let e = parse_get_bucket_replication_progress(b"<ReplicationProgress><Rule><Progress><HistoricalObject>lots</HistoricalObject></Progress></Rule></ReplicationProgress>").unwrap_err();
        assert_eq!(e.message(), "<HistoricalObject> \"lots\" is not a number");
        assert_eq!(
            parse_get_bucket_replication_progress(b"<ReplicationProgress/>")
                .unwrap_err()
                .message(),
            "<ReplicationProgress> has no <Rule>"
        );
    }

    #[test]
    fn decimals_match_the_standard_parser() {
        for t in [
            "0",
            "1",
            "0.85",
            ".5",
            "5.",
            "0.000001",
            "1.000",
            "0.3333333333333333",
            "123456789.123",
            "0.1234567890123",
        ] {
            let std: f64 = t.parse().unwrap();
            let ours = parse_decimal(t).unwrap();
            assert!((ours - std).abs() <= std * 1e-14, "{t}: {ours} vs {std}");
        }
        assert_eq!(parse_decimal("0.85"), Some(0.85));
        for bad in ["", ".", "-1", "1e3", "0,5", "NaN", "inf", "1.2.3"] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn wrong_roots_are_named() {
        let e = parse_get_bucket_replication(b"<ReplicationLocation/>").unwrap_err();
        assert_eq!(
            e.message(),
            "expected root element <ReplicationConfiguration>, got <ReplicationLocation>"
        );
        assert_eq!(e.code(), "MalformedResponse");
    }

    #[test]
    fn historical_object_is_a_fraction_even_when_the_server_says_otherwise() {
        let body = |v: &str| {
            format!(
                "<ReplicationProgress><Rule><ID>r</ID><Progress><HistoricalObject>{v}</HistoricalObject></Progress></Rule></ReplicationProgress>"
            )
        };
        for (text, want) in [
            ("0.85", 0.85),
            ("1.5", 1.0),
            (&"9".repeat(400)[..], 1.0),
            ("0", 0.0),
        ] {
            let p = parse_get_bucket_replication_progress(body(text).as_bytes()).unwrap();
            assert_eq!(p.historical_object, Some(want), "{text}");
        }
    }
}
