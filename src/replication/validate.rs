//! Client-side rule checks, run before any request is sent. Each error names the field.

use super::fragment::{DESTINATION_CHILDREN, RULE_CHILDREN, with_fragment};
use super::model::{ReplicationRule, UserTaggings};
use crate::endpoint::{printable, validate_bucket_name};
use crate::error::Error;

/// Most prefixes one rule may carry.
pub const MAX_PREFIXES: usize = 10;
/// Longest prefix, in UTF-8 bytes.
pub const MAX_PREFIX_BYTES: usize = 1023;
/// Most tags one rule's `UserTaggings` may carry.
pub const MAX_TAGS: usize = 10;
/// Longest tag key, in characters (OSS object tagging rules).
pub const MAX_TAG_KEY_CHARS: usize = 128;
/// Longest tag value, in characters (OSS object tagging rules).
pub const MAX_TAG_VALUE_CHARS: usize = 256;
/// Actions OSS accepts in `<Action>`.
const ACTIONS: &[&str] = &["ALL", "PUT", "DELETE", "ABORT"];
/// Transfer types OSS accepts in `<TransferType>`.
const TRANSFER_TYPES: &[&str] = &["internal", "oss_acc"];

/// Rejects text XML 1.0 cannot carry (control characters other than tab, LF, CR).
pub(crate) fn check_xml_text(field: &str, value: &str) -> Result<(), Error> {
    if let Some(c) = value.chars().find(|&c| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
    }) {
        return Err(Error::invalid(format!(
            "{field} contains the control character U+{:04X}, which XML cannot carry",
            c as u32
        )));
    }
    Ok(())
}

/// Checks a rule ID given to Progress, Delete or RTC calls.
pub(crate) fn check_rule_id(field: &str, id: &str) -> Result<(), Error> {
    if id.trim().is_empty() {
        return Err(Error::invalid(format!("{field} must not be empty")));
    }
    check_xml_text(field, id)
}

/// Characters OSS allows in object tag keys and values: letters, digits, spaces
/// and `+ - = . _ : /` (OSS object tagging rules).
fn tag_char_ok(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, ' ' | '+' | '-' | '=' | '.' | '_' | ':' | '/')
}

fn check_tag_text(field: &str, text: &str, max: usize) -> Result<(), Error> {
    let chars = text.chars().count();
    if chars > max {
        return Err(Error::invalid(format!(
            "{field} is {chars} characters long; at most {max} are allowed"
        )));
    }
    if let Some(c) = text.chars().find(|&c| !tag_char_ok(c)) {
        return Err(Error::invalid(format!(
            "{field} \"{}\" contains '{}'; tags may hold letters, digits, spaces and + - = . _ : /",
            printable(text),
            printable(&c.to_string())
        )));
    }
    Ok(())
}

/// Checks a tag filter: `AND` or `OR`, 1..=10 tags, keys 1..=128 and values
/// 0..=256 characters of the allowed set, no key twice.
fn check_user_taggings(t: &UserTaggings) -> Result<(), Error> {
    if t.filter_type != "AND" && t.filter_type != "OR" {
        return Err(Error::invalid(format!(
            "rule.userTaggings.filterType \"{}\" must be AND or OR",
            printable(&t.filter_type)
        )));
    }
    if t.tags.is_empty() {
        return Err(Error::invalid(
            "rule.userTaggings.tags must hold at least one tag",
        ));
    }
    if t.tags.len() > MAX_TAGS {
        return Err(Error::invalid(format!(
            "rule.userTaggings.tags has {} entries; at most {MAX_TAGS} are allowed",
            t.tags.len()
        )));
    }
    for (i, tag) in t.tags.iter().enumerate() {
        let field = format!("rule.userTaggings.tags[{i}].key");
        if tag.key.is_empty() {
            return Err(Error::invalid(format!("{field} must not be empty")));
        }
        check_tag_text(&field, &tag.key, MAX_TAG_KEY_CHARS)?;
        check_tag_text(
            &format!("rule.userTaggings.tags[{i}].value"),
            &tag.value,
            MAX_TAG_VALUE_CHARS,
        )?;
        if let Some(j) = t.tags[..i].iter().position(|o| o.key == tag.key) {
            return Err(Error::invalid(format!(
                "{field} \"{}\" repeats rule.userTaggings.tags[{j}].key; each key may appear once",
                printable(&tag.key)
            )));
        }
    }
    Ok(())
}

/// Validates `rule` for PutBucketReplication.
pub fn validate_rule(rule: &ReplicationRule) -> Result<(), Error> {
    if let Some(id) = &rule.id {
        check_rule_id("rule.id", id)?;
    }
    let dest = &rule.destination;
    if dest.bucket.is_empty() {
        return Err(Error::invalid("rule.destination.bucket is required"));
    }
    validate_bucket_name(&dest.bucket).map_err(|e| e.context("rule.destination.bucket"))?;
    let region = dest.location.strip_prefix("oss-");
    if !region.is_some_and(|r| {
        !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }) {
        return Err(Error::invalid(format!(
            "rule.destination.location \"{}\" must be a region with the oss- prefix, like oss-cn-beijing",
            printable(&dest.location)
        )));
    }
    if let Some(t) = &dest.transfer_type {
        if !TRANSFER_TYPES.contains(&t.as_str()) {
            return Err(Error::invalid(format!(
                "rule.destination.transferType \"{}\" must be internal or oss_acc",
                printable(t)
            )));
        }
    }
    if rule.prefixes.len() > MAX_PREFIXES {
        return Err(Error::invalid(format!(
            "rule.prefixes has {} entries; at most {MAX_PREFIXES} are allowed",
            rule.prefixes.len()
        )));
    }
    for (i, p) in rule.prefixes.iter().enumerate() {
        let field = format!("rule.prefixes[{i}]");
        if p.is_empty() {
            return Err(Error::invalid(format!("{field} must not be empty")));
        }
        if p.len() > MAX_PREFIX_BYTES {
            return Err(Error::invalid(format!(
                "{field} is {} bytes long; at most {MAX_PREFIX_BYTES} are allowed",
                p.len()
            )));
        }
        check_xml_text(&field, p)?;
    }
    for (i, a) in rule.actions.iter().enumerate() {
        if !ACTIONS.contains(&a.as_str()) {
            return Err(Error::invalid(format!(
                "rule.actions[{i}] \"{}\" must be one of ALL, PUT, DELETE, ABORT",
                printable(a)
            )));
        }
    }
    if let Some(role) = &rule.sync_role {
        if role.trim().is_empty() {
            return Err(Error::invalid("rule.syncRole must not be empty when given"));
        }
        check_xml_text("rule.syncRole", role)?;
    }
    let kms_filter = rule.sse_kms_encrypted_objects == Some(true);
    match &rule.replica_kms_key_id {
        Some(_) if !kms_filter => {
            return Err(Error::invalid(
                "rule.replicaKmsKeyId is only allowed together with sseKmsEncryptedObjects: true",
            ));
        }
        None if kms_filter => {
            return Err(Error::invalid(
                "rule.sseKmsEncryptedObjects: true requires rule.replicaKmsKeyId",
            ));
        }
        Some(key) => {
            if key.trim().is_empty() {
                return Err(Error::invalid("rule.replicaKmsKeyId must not be empty"));
            }
            check_xml_text("rule.replicaKmsKeyId", key)?;
        }
        None => {}
    }
    if let Some(t) = &rule.user_taggings {
        check_user_taggings(t)?;
    }
    for (i, f) in rule.unknown.rule.iter().enumerate() {
        with_fragment(
            &format!("rule.unknownChildren.rule[{i}]"),
            f,
            RULE_CHILDREN,
            |_| (),
        )?;
    }
    for (i, f) in rule.unknown.destination.iter().enumerate() {
        with_fragment(
            &format!("rule.unknownChildren.destination[{i}]"),
            f,
            DESTINATION_CHILDREN,
            |_| (),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replication::Destination;

    fn rule() -> ReplicationRule {
        ReplicationRule {
            destination: Destination {
                bucket: "destbucket".into(),
                location: "oss-cn-beijing".into(),
                transfer_type: None,
            },
            ..Default::default()
        }
    }

    fn msg(f: impl FnOnce(&mut ReplicationRule)) -> String {
        let mut r = rule();
        f(&mut r);
        let e = validate_rule(&r).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        e.message().to_owned()
    }

    #[test]
    fn accepts_a_full_rule() {
        let mut r = rule();
        r.id = Some("a<b>&c".into());
        r.prefixes = vec!["x/".into(); 10];
        r.prefixes[0] = "é".repeat(511);
        r.actions = vec!["PUT".into(), "DELETE".into()];
        r.destination.transfer_type = Some("oss_acc".into());
        r.sse_kms_encrypted_objects = Some(true);
        r.replica_kms_key_id = Some("key".into());
        validate_rule(&r).unwrap();
    }

    #[test]
    fn each_error_names_its_field() {
        assert!(
            msg(|r| r.destination.bucket = "Bad_Bucket".into())
                .starts_with("rule.destination.bucket: bucket name \"Bad_Bucket\"")
        );
        assert_eq!(
            msg(|r| r.destination.bucket.clear()),
            "rule.destination.bucket is required"
        );
        assert!(
            msg(|r| r.destination.location = "cn-beijing".into())
                .starts_with("rule.destination.location \"cn-beijing\"")
        );
        assert!(
            msg(|r| r.destination.transfer_type = Some("fast".into()))
                .starts_with("rule.destination.transferType")
        );
        assert_eq!(
            msg(|r| r.prefixes = vec!["p".into(); 11]),
            "rule.prefixes has 11 entries; at most 10 are allowed"
        );
        assert_eq!(
            msg(|r| r.prefixes = vec!["a".repeat(1024)]),
            "rule.prefixes[0] is 1024 bytes long; at most 1023 are allowed"
        );
        assert_eq!(
            msg(|r| r.prefixes = vec!["ok".into(), String::new()]),
            "rule.prefixes[1] must not be empty"
        );
        assert!(
            msg(|r| r.prefixes = vec!["a\u{1}".into()])
                .starts_with("rule.prefixes[0] contains the control character U+0001")
        );
        assert!(
            msg(|r| r.actions = vec!["PUT".into(), "put".into()])
                .starts_with("rule.actions[1] \"put\"")
        );
        assert!(
            msg(|r| r.replica_kms_key_id = Some("k".into()))
                .starts_with("rule.replicaKmsKeyId is only allowed")
        );
        assert!(
            msg(|r| r.sse_kms_encrypted_objects = Some(true))
                .contains("requires rule.replicaKmsKeyId")
        );
        assert_eq!(
            msg(|r| r.id = Some(" ".into())),
            "rule.id must not be empty"
        );
        assert_eq!(
            msg(|r| r.sync_role = Some(String::new())),
            "rule.syncRole must not be empty when given"
        );
    }

    fn tags(filter: &str, pairs: &[(&str, &str)]) -> Option<UserTaggings> {
        Some(UserTaggings {
            filter_type: filter.into(),
            tags: pairs
                .iter()
                .map(|(k, v)| crate::replication::Tag {
                    key: (*k).into(),
                    value: (*v).into(),
                })
                .collect(),
        })
    }

    #[test]
    fn user_taggings_rules() {
        let mut r = rule();
        r.user_taggings = tags(
            "OR",
            &[
                ("team", "a"),
                ("env", ""),
                ("k 1+-=._:/", "v 1+-=._:/"),
                ("项目", "中文"),
            ],
        );
        validate_rule(&r).unwrap();
        let ten: Vec<(String, String)> = (0..10)
            .map(|i| (format!("k{i}"), "v".repeat(256)))
            .collect();
        let ten: Vec<(&str, &str)> = ten.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        r.user_taggings = tags("AND", &ten);
        validate_rule(&r).unwrap();
        assert_eq!(
            msg(|r| r.user_taggings = tags("and", &[("a", "b")])),
            "rule.userTaggings.filterType \"and\" must be AND or OR"
        );
        assert_eq!(
            msg(|r| r.user_taggings = tags("AND", &[])),
            "rule.userTaggings.tags must hold at least one tag"
        );
        assert_eq!(
            msg(|r| r.user_taggings = tags("AND", &[("a", ""); 11])),
            "rule.userTaggings.tags has 11 entries; at most 10 are allowed"
        );
        assert_eq!(
            msg(|r| r.user_taggings = tags("OR", &[("a", "1"), ("b", "2"), ("a", "3")])),
            "rule.userTaggings.tags[2].key \"a\" repeats rule.userTaggings.tags[0].key; each key may appear once"
        );
        assert_eq!(
            msg(|r| r.user_taggings = tags("OR", &[("", "1")])),
            "rule.userTaggings.tags[0].key must not be empty"
        );
        let long = "k".repeat(129);
        assert_eq!(
            msg(|r| r.user_taggings = tags("OR", &[(&long, "1")])),
            "rule.userTaggings.tags[0].key is 129 characters long; at most 128 are allowed"
        );
        let long = "v".repeat(257);
        assert_eq!(
            msg(|r| r.user_taggings = tags("OR", &[("k", &long)])),
            "rule.userTaggings.tags[0].value is 257 characters long; at most 256 are allowed"
        );
        assert_eq!(
            msg(|r| r.user_taggings = tags("OR", &[("k", "a&b")])),
            "rule.userTaggings.tags[0].value \"a&b\" contains '&'; tags may hold letters, digits, spaces and + - = . _ : /"
        );
    }

    #[test]
    fn unknown_children_must_be_single_unmodelled_elements() {
        let mut r = rule();
        r.unknown.rule = vec!["<Source><Location>oss-cn-hangzhou</Location></Source>".into()];
        r.unknown.destination = vec!["<Cloud>x</Cloud>".into()];
        validate_rule(&r).unwrap();
        assert_eq!(
            msg(|r| r.unknown.rule = vec!["<ID>x</ID>".into()]),
            "rule.unknownChildren.rule[0] is a <ID> element, which has its own field"
        );
        assert_eq!(
            msg(|r| r.unknown.destination = vec!["<Cloud/>".into(), "<Bucket>b</Bucket>".into()]),
            "rule.unknownChildren.destination[1] is a <Bucket> element, which has its own field"
        );
        assert!(
            msg(|r| r.unknown.rule = vec!["</Rule><Rule>".into()])
                .starts_with("rule.unknownChildren.rule[0] is not an XML element")
        );
    }
}
