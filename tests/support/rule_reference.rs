//! The reference for the rule reader: GetBucketReplication and
//! GetBucketReplicationProgress read as they were before the streaming reader
//! (commit c05840c, src/replication/parse.rs and fragment.rs): the whole document
//! parsed into the library's element tree (`xml::parse_document`), then searched
//! by name. The library must give the same rules, or the same error message, for
//! every input.
//!
//! Shared by `tests/xml_differential.rs` and `fuzz/fuzz_targets/xml_differential.rs`
//! (`#[path]`), so both compare against one reference.

#![allow(dead_code)]

use oss_replication::SigningTime;
use oss_replication::replication::{
    Destination, ReplicationProgress, ReplicationRule, Tag, UnknownChildren, UserTaggings,
};
use oss_replication::xml::{Node, XmlWriter, parse_document};

const RULE_CHILDREN: &[&str] = &[
    "ID",
    "Destination",
    "PrefixSet",
    "Action",
    "Status",
    "HistoricalObjectReplication",
    "SyncRole",
    "RTC",
    "SourceSelectionCriteria",
    "EncryptionConfiguration",
    "UserTaggings",
    "Progress",
];
const DESTINATION_CHILDREN: &[&str] = &["Bucket", "Location", "TransferType"];

fn write_node(w: &mut XmlWriter, node: &Node<'_>) {
    if node.children.is_empty() {
        w.leaf(&node.name, &node.text);
    } else {
        w.open(&node.name);
        for c in &node.children {
            write_node(w, c);
        }
        w.close(&node.name);
    }
}

fn canonical(node: &Node<'_>) -> String {
    let mut w = XmlWriter::default();
    write_node(&mut w, node);
    w.finish()
}

fn unknown_children(parent: Option<&Node<'_>>, known: &[&str]) -> Vec<String> {
    parent
        .map(|p| {
            p.children
                .iter()
                .filter(|c| !known.contains(&&*c.name))
                .map(canonical)
                .collect()
        })
        .unwrap_or_default()
}

fn flag(text: Option<&str>, on: &[&str]) -> Option<bool> {
    text.filter(|t| !t.is_empty())
        .map(|t| on.iter().any(|o| t.eq_ignore_ascii_case(o)))
}

fn texts(node: Option<&Node>, name: &str, exact: bool) -> Vec<String> {
    node.map(|n| {
        n.children(name)
            .map(|c| {
                if exact {
                    c.text.to_string()
                } else {
                    c.text.trim().to_owned()
                }
            })
            .collect()
    })
    .unwrap_or_default()
}

fn rule_from(node: &Node) -> ReplicationRule {
    let dest = node.child("Destination");
    let rtc_status = node.child("RTC").and_then(|r| r.string("Status"));
    ReplicationRule {
        id: node.exact("ID"),
        destination: Destination {
            bucket: dest.and_then(|d| d.string("Bucket")).unwrap_or_default(),
            location: dest.and_then(|d| d.string("Location")).unwrap_or_default(),
            transfer_type: dest.and_then(|d| d.string("TransferType")),
        },
        prefixes: texts(node.child("PrefixSet"), "Prefix", true),
        actions: node
            .text_of("Action")
            .map(|a| {
                a.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        historical_object_replication: flag(
            node.text_of("HistoricalObjectReplication"),
            &["enabled"],
        ),
        sync_role: node.exact("SyncRole"),
        sse_kms_encrypted_objects: flag(
            node.child("SourceSelectionCriteria")
                .and_then(|c| c.child("SseKmsEncryptedObjects"))
                .and_then(|s| s.text_of("Status")),
            &["Enabled"],
        ),
        replica_kms_key_id: node
            .child("EncryptionConfiguration")
            .and_then(|e| e.exact("ReplicaKmsKeyID")),
        rtc: flag(rtc_status.as_deref(), &["enabled", "enabling"]),
        status: node.string("Status"),
        rtc_status,
        user_taggings: node.child("UserTaggings").map(user_taggings_from),
        unknown: UnknownChildren {
            rule: unknown_children(Some(node), RULE_CHILDREN),
            destination: unknown_children(dest, DESTINATION_CHILDREN),
        },
    }
}

fn user_taggings_from(node: &Node) -> UserTaggings {
    UserTaggings {
        filter_type: node.string("FilterType").unwrap_or_default(),
        tags: node
            .children("UserTagging")
            .map(|t| Tag {
                key: t.exact("Key").unwrap_or_default(),
                value: t.exact("Value").unwrap_or_default(),
            })
            .collect(),
    }
}

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

fn printable(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(64)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if s.chars().count() > 64 {
        out.push_str("...");
    }
    out
}

/// GetBucketReplication through the tree, or the error message.
pub fn rules(body: &[u8]) -> Result<Vec<ReplicationRule>, String> {
    let root =
        parse_document(body, "ReplicationConfiguration").map_err(|e| e.message().to_owned())?;
    Ok(root.children("Rule").map(rule_from).collect())
}

/// GetBucketReplicationProgress through the tree, or the error message.
pub fn progress(body: &[u8]) -> Result<ReplicationProgress, String> {
    let root = parse_document(body, "ReplicationProgress").map_err(|e| e.message().to_owned())?;
    let rule = root
        .child("Rule")
        .ok_or_else(|| "<ReplicationProgress> has no <Rule>".to_owned())?;
    let progress = rule.child("Progress");
    let historical_object = match progress
        .and_then(|p| p.text_of("HistoricalObject"))
        .filter(|t| !t.is_empty())
    {
        None => None,
        Some(t) => Some(
            parse_decimal(t)
                .ok_or_else(|| format!("<HistoricalObject> \"{}\" is not a number", printable(t)))?
                .clamp(0.0, 1.0),
        ),
    };
    let (new_object, new_object_epoch_secs) =
        new_object_time(progress.and_then(|p| p.string("NewObject")));
    Ok(ReplicationProgress {
        rule: rule_from(rule),
        historical_object,
        new_object,
        new_object_epoch_secs,
    })
}

/// The library's GetBucketReplication reader, or the error message.
pub fn our_rules(body: &[u8]) -> Result<Vec<ReplicationRule>, String> {
    oss_replication::replication::parse_get_bucket_replication(body)
        .map_err(|e| e.message().to_owned())
}

/// The library's GetBucketReplicationProgress reader, or the error message.
pub fn our_progress(body: &[u8]) -> Result<ReplicationProgress, String> {
    oss_replication::replication::parse_get_bucket_replication_progress(body)
        .map_err(|e| e.message().to_owned())
}
