//! The six replication operations with OSS semantics (oss-wire.md §1).

use oss_replication::replication::{ReplicationRule, parse_get_bucket_replication};
use rusqlite::Connection;

use crate::app::Reply;
use crate::errors::{OssError, internal, invalid_argument, malformed_xml, missing_argument};
use crate::ids::Ids;
use crate::regions;
use crate::routing::query_value;
use crate::store::{self, Bucket, Rule, TagFilter};
use oss_replication::xml::{Node, XmlWriter, parse_document};

/// Most rules one source bucket may hold.
pub const MAX_RULES_PER_BUCKET: usize = 100;
/// Longest rule ID accepted, in bytes.
pub const MAX_RULE_ID_BYTES: usize = 255;
const ACTIONS: &[&str] = &["ALL", "PUT", "DELETE", "ABORT"];

fn db(e: rusqlite::Error) -> OssError {
    internal(e)
}

/// Whether `rule` copies writes (`PUT` or `ALL`).
pub fn replicates_puts(actions: &[String]) -> bool {
    actions.is_empty() || actions.iter().any(|a| a == "ALL" || a == "PUT")
}

/// Whether `rule` propagates deletions (`DELETE` or `ALL`).
pub fn replicates_deletes(actions: &[String]) -> bool {
    actions.is_empty() || actions.iter().any(|a| a == "ALL" || a == "DELETE")
}

/// Whether `key` is in the rule's scope.
pub fn key_matches(prefixes: &[String], key: &str) -> bool {
    prefixes.is_empty() || prefixes.iter().any(|p| key.starts_with(p.as_str()))
}

/// Whether an object (key and tags) is in `rule`'s scope: a matching prefix, and the
/// tag filter when the rule has one.
pub fn in_scope(rule: &Rule, key: &str, tags: &[(String, String)]) -> bool {
    key_matches(&rule.prefixes, key) && rule.user_taggings.as_ref().is_none_or(|f| f.matches(tags))
}

fn write_rule_body(w: &mut XmlWriter, r: &Rule) {
    w.leaf("ID", &r.id);
    if !r.prefixes.is_empty() {
        w.open("PrefixSet");
        for p in &r.prefixes {
            w.leaf("Prefix", p);
        }
        w.close("PrefixSet");
    }
    let actions = if r.actions.is_empty() {
        "ALL".to_owned()
    } else {
        r.actions.join(",")
    };
    w.leaf("Action", &actions)
        .open("Destination")
        .leaf("Bucket", &r.dest_bucket)
        .leaf("Location", &r.dest_location)
        .leaf(
            "TransferType",
            r.transfer_type.as_deref().unwrap_or("internal"),
        )
        .close("Destination");
    if let Some(f) = &r.user_taggings {
        w.open("UserTaggings").leaf("FilterType", &f.filter_type);
        for (k, v) in &f.tags {
            w.open("UserTagging")
                .leaf("Key", k)
                .leaf("Value", v)
                .close("UserTagging");
        }
        w.close("UserTaggings");
    }
    w.leaf("Status", &r.status).leaf(
        "HistoricalObjectReplication",
        if r.historical { "enabled" } else { "disabled" },
    );
}

fn write_rule_extras(w: &mut XmlWriter, r: &Rule) {
    w.opt_leaf("SyncRole", r.sync_role.as_deref());
    if let Some(s) = &r.sse_kms {
        w.open("SourceSelectionCriteria")
            .open("SseKmsEncryptedObjects")
            .leaf("Status", s)
            .close("SseKmsEncryptedObjects")
            .close("SourceSelectionCriteria");
    }
    if let Some(k) = &r.kms_key {
        w.open("EncryptionConfiguration")
            .leaf("ReplicaKmsKeyID", k)
            .close("EncryptionConfiguration");
    }
    if let Some(rtc) = &r.rtc {
        w.open("RTC").leaf("Status", rtc).close("RTC");
    }
}

/// Checks `Content-MD5` when sent.
pub fn check_content_md5(headers: &[(String, String)], body: &[u8]) -> Result<(), OssError> {
    let Some((_, given)) = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-md5"))
    else {
        return Ok(());
    };
    if oss_replication::replication::content_md5(body) != given.trim() {
        return Err(crate::errors::invalid_digest(given));
    }
    Ok(())
}

/// Rejects enumerated values the library's lenient parser would read as "disabled".
fn check_enumerations(rule: &Node) -> Result<(), OssError> {
    let check = |node: Option<&Node>, name: &str, allowed: &[&str]| -> Result<(), OssError> {
        match node {
            Some(n) if !allowed.contains(&n.text.trim()) => Err(invalid_argument(
                name,
                n.text.trim(),
                format!("{name} must be one of {}.", allowed.join(", ")),
            )),
            _ => Ok(()),
        }
    };
    check(
        rule.child("HistoricalObjectReplication"),
        "HistoricalObjectReplication",
        &["enabled", "disabled"],
    )?;
    check(
        rule.child("RTC").and_then(|r| r.child("Status")),
        "RTC.Status",
        &["enabled", "disabled"],
    )?;
    check(
        rule.child("Destination")
            .and_then(|d| d.child("TransferType")),
        "TransferType",
        &["internal", "oss_acc"],
    )?;
    check(
        rule.child("SourceSelectionCriteria")
            .and_then(|s| s.child("SseKmsEncryptedObjects"))
            .and_then(|s| s.child("Status")),
        "SseKmsEncryptedObjects.Status",
        &["Enabled", "Disabled"],
    )?;
    if let Some(t) = rule.child("UserTaggings") {
        match t.child("FilterType") {
            None => return Err(malformed_xml("<UserTaggings> has no <FilterType>")),
            f => check(f, "UserTaggings.FilterType", &["AND", "OR"])?,
        }
    }
    Ok(())
}

fn check_rule_id(id: &str) -> Result<(), OssError> {
    if id.len() > MAX_RULE_ID_BYTES || id.chars().any(char::is_control) {
        return Err(invalid_argument(
            "ID",
            id,
            format!(
                "The rule ID must be at most {MAX_RULE_ID_BYTES} bytes without control characters."
            ),
        ));
    }
    Ok(())
}

/// RTC checks for a rule from `src` (region) to `dst` (region).
fn check_rtc(src: &str, dst: &str) -> Result<(), OssError> {
    if !regions::source_supports_rtc(src) {
        return Err(OssError::new(
            400,
            "BucketReplicationNotSupportRtc",
            format!(
                "Replication time control is not supported for source buckets in oss-{src} (RTC regions: {}).",
                regions::RTC_REGIONS.join(", ")
            ),
        ));
    }
    if !regions::pair_supports_rtc(src, dst) {
        return Err(OssError::new(
            400,
            "ReplicationLocationNotSupportRtc",
            format!("Replication time control is not supported from oss-{src} to oss-{dst}."),
        ));
    }
    Ok(())
}

fn validate_put(conn: &Connection, src: &Bucket, rule: &ReplicationRule) -> Result<(), OssError> {
    if let Some(id) = &rule.id {
        check_rule_id(id)?;
    }
    let d = &rule.destination;
    if d.bucket.is_empty() {
        return Err(OssError::new(
            400,
            "InvalidTargetBucket",
            "The target bucket you specified is invalid: Destination/Bucket is missing.",
        ));
    }
    if d.location.is_empty() {
        return Err(OssError::new(
            400,
            "InvalidTargetLocation",
            "The target location you specified is invalid: Destination/Location is missing.",
        ));
    }
    if d.bucket == src.name {
        return Err(OssError::new(
            400,
            "InvalidTargetBucket",
            "The target bucket you specified is invalid: it is the source bucket.",
        )
        .with("BucketName", &d.bucket));
    }
    let Some(dest) = store::bucket(conn, &d.bucket).map_err(db)? else {
        return Err(OssError::new(
            400,
            "InvalidTargetBucket",
            "The target bucket you specified does not exist.",
        )
        .with("BucketName", &d.bucket));
    };
    if dest.location != d.location {
        return Err(OssError::new(
            400,
            "InvalidTargetLocation",
            format!(
                "The target bucket you specified does not locate in the target location: {} is in {}, not {}.",
                d.bucket, dest.location, d.location
            ),
        ));
    }
    let (src_region, dst_region) = (
        regions::region_id(&src.location),
        regions::region_id(&d.location),
    );
    // What GetBucketReplicationLocation announces is what Put accepts: a
    // location listed under LocationTransferTypeConstraint takes only the listed
    // types, and a rule without TransferType means internal.
    let transfer = d.transfer_type.as_deref().unwrap_or("internal");
    let allowed = regions::transfer_types(src_region, dst_region);
    if !allowed.contains(&transfer) {
        let why = if regions::is_cross_border(src_region, dst_region) {
            format!(
                "GetBucketReplicationLocation allows only {} there",
                allowed.join(", ")
            )
        } else {
            "oss_acc is for cross-region replication only".to_owned()
        };
        return Err(invalid_argument(
            "TransferType",
            transfer,
            format!(
                "TransferType {transfer} is not available from {} to {} ({why}).",
                src.location, d.location
            ),
        ));
    }
    if rule.prefixes.len() > oss_replication::replication::MAX_PREFIXES {
        return Err(invalid_argument(
            "PrefixSet",
            &rule.prefixes.len().to_string(),
            format!(
                "A rule can hold at most {} prefixes.",
                oss_replication::replication::MAX_PREFIXES
            ),
        ));
    }
    for p in &rule.prefixes {
        if p.is_empty() || p.len() > oss_replication::replication::MAX_PREFIX_BYTES {
            return Err(invalid_argument(
                "Prefix",
                p,
                format!(
                    "Each prefix must be 1 to {} bytes long.",
                    oss_replication::replication::MAX_PREFIX_BYTES
                ),
            ));
        }
    }
    for a in &rule.actions {
        if !ACTIONS.contains(&a.as_str()) {
            return Err(invalid_argument(
                "Action",
                a,
                "Action must be a comma-separated list of ALL, PUT, DELETE, ABORT.",
            ));
        }
    }
    match (rule.sse_kms_encrypted_objects, &rule.replica_kms_key_id) {
        (Some(true), None) => {
            return Err(invalid_argument(
                "ReplicaKmsKeyID",
                "",
                "EncryptionConfiguration/ReplicaKmsKeyID is required when SseKmsEncryptedObjects is Enabled.",
            ));
        }
        (Some(false) | None, Some(k)) => {
            return Err(invalid_argument(
                "ReplicaKmsKeyID",
                k,
                "ReplicaKmsKeyID is only allowed when SseKmsEncryptedObjects is Enabled.",
            ));
        }
        _ => {}
    }
    if let Some(t) = &rule.user_taggings {
        let n = t.tags.len();
        if n == 0 || n > oss_replication::replication::MAX_TAGS {
            return Err(invalid_argument(
                "UserTaggings",
                &n.to_string(),
                format!(
                    "UserTaggings must hold 1 to {} UserTagging elements.",
                    oss_replication::replication::MAX_TAGS
                ),
            ));
        }
        for (i, tag) in t.tags.iter().enumerate() {
            if tag.key.is_empty() || t.tags[..i].iter().any(|o| o.key == tag.key) {
                return Err(invalid_argument(
                    "UserTagging.Key",
                    &tag.key,
                    "Each UserTagging needs a Key, and a Key may appear once.",
                ));
            }
        }
    }
    if rule.rtc == Some(true) {
        check_rtc(src_region, dst_region)?;
    }
    Ok(())
}

/// PutBucketReplication: one rule per request; answers 200 with `x-oss-replication-rule-id`.
pub fn put(
    conn: &mut Connection,
    ids: &Ids,
    src: &Bucket,
    headers: &[(String, String)],
    body: &[u8],
    real_now_ms: i64,
) -> Result<Reply, OssError> {
    check_content_md5(headers, body)?;
    let tree =
        parse_document(body, "ReplicationConfiguration").map_err(|e| malformed_xml(e.message()))?;
    let rule_nodes: Vec<&Node> = tree.children("Rule").collect();
    match rule_nodes.len() {
        0 => return Err(malformed_xml("<ReplicationConfiguration> holds no <Rule>")),
        1 => {}
        n => {
            return Err(OssError::new(
                400,
                "TooManyReplicationRules",
                format!(
                    "A PutBucketReplication request carries exactly one rule; this one has {n}."
                ),
            ));
        }
    }
    check_enumerations(rule_nodes[0])?;
    if rule_nodes[0].child("Destination").is_none() {
        return Err(malformed_xml("<Rule> has no <Destination>"));
    }
    let parsed = parse_get_bucket_replication(body).map_err(|e| malformed_xml(e.message()))?;
    let Some(rule) = parsed.into_iter().next() else {
        return Err(malformed_xml("<ReplicationConfiguration> holds no <Rule>"));
    };
    let tx = conn.transaction().map_err(db)?;
    validate_put(&tx, src, &rule)?;
    let existing = store::rules(&tx, &src.name).map_err(db)?;
    if existing.len() >= MAX_RULES_PER_BUCKET {
        return Err(OssError::new(
            400,
            "TooManyOutgoingReplication",
            format!("A bucket can have at most {MAX_RULES_PER_BUCKET} replication rules."),
        ));
    }
    if let Some(id) = &rule.id
        && let Some(r) = existing.iter().find(|r| &r.id == id)
    {
        if r.status == "closing" {
            return Err(OssError::new(
                400,
                "BucketReplicationInClosingStatus",
                format!(
                    "The replication rule {id} is being deleted (closing); try again when it is gone."
                ),
            ));
        }
        return Err(OssError::new(
            400,
            "BucketReplicationAlreadyExist",
            format!("A replication rule with ID {id} already exists."),
        ));
    }
    if let Some(r) = existing
        .iter()
        .find(|r| r.dest_bucket == rule.destination.bucket)
    {
        return Err(OssError::new(
            400,
            "BucketReplicationAlreadyExist",
            format!(
                "Rule {} already replicates {} to {}.",
                r.id, src.name, r.dest_bucket
            ),
        ));
    }
    let id = rule.id.clone().unwrap_or_else(|| ids.uuid());
    let historical = rule.historical_object_replication.unwrap_or(true);
    let snapshot = store::current_seq(&tx).map_err(db)?;
    let filter = rule.user_taggings.as_ref().map(|t| TagFilter {
        filter_type: t.filter_type.clone(),
        tags: t
            .tags
            .iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect(),
    });
    let hist_total = if historical && replicates_puts(&rule.actions) {
        store::object_keys(&tx, &src.name)
            .map_err(db)?
            .iter()
            .filter(|(k, replica, tags)| {
                !replica
                    && key_matches(&rule.prefixes, k)
                    && filter.as_ref().is_none_or(|f| f.matches(tags))
            })
            .count() as i64
    } else {
        0
    };
    let stored = Rule {
        bucket: src.name.clone(),
        id: id.clone(),
        dest_bucket: rule.destination.bucket.clone(),
        dest_location: rule.destination.location.clone(),
        transfer_type: rule.destination.transfer_type.clone(),
        prefixes: rule.prefixes.clone(),
        actions: rule.actions.clone(),
        historical,
        sync_role: rule.sync_role.clone(),
        sse_kms: rule
            .sse_kms_encrypted_objects
            .map(|on| if on { "Enabled" } else { "Disabled" }.to_owned()),
        kms_key: rule.replica_kms_key_id.clone(),
        rtc: rule
            .rtc
            .map(|on| if on { "enabling" } else { "disabled" }.to_owned()),
        status: "starting".into(),
        status_since_ms: real_now_ms,
        rtc_since_ms: real_now_ms,
        event_cursor: snapshot,
        hist_snapshot: snapshot,
        hist_total,
        hist_done: 0,
        hist_cursor: None,
        hist_finished: hist_total == 0,
        checkpoint_ms: None,
        user_taggings: filter,
    };
    store::save_rule(&tx, &stored).map_err(db)?;
    tx.commit().map_err(db)?;
    Ok(Reply::empty(200).header("x-oss-replication-rule-id", id))
}

/// GetBucketReplication: every rule, or 404 `NoSuchReplicationConfiguration`.
pub fn get(conn: &Connection, src: &Bucket) -> Result<Reply, OssError> {
    let rules = store::rules(conn, &src.name).map_err(db)?;
    if rules.is_empty() {
        return Err(OssError::new(
            404,
            "NoSuchReplicationConfiguration",
            "The bucket you specified does not have replication configuration.",
        )
        .with("BucketName", &src.name));
    }
    let mut w = crate::xml::document();
    w.open("ReplicationConfiguration");
    for r in &rules {
        w.open("Rule");
        write_rule_body(&mut w, r);
        write_rule_extras(&mut w, r);
        w.close("Rule");
    }
    w.close("ReplicationConfiguration");
    Ok(Reply::xml(w.finish()))
}

/// GetBucketReplicationLocation, derived from the configured buckets' regions.
pub fn location(conn: &Connection, src: &Bucket) -> Result<Reply, OssError> {
    let all = store::locations(conn).map_err(db)?;
    let a = regions::location_answer(&src.location, &all);
    let mut w = crate::xml::document();
    w.open("ReplicationLocation");
    for l in &a.locations {
        w.leaf("Location", l);
    }
    if !a.acc_locations.is_empty() {
        w.open("LocationTransferTypeConstraint");
        for l in &a.acc_locations {
            w.open("LocationTransferType")
                .leaf("Location", l)
                .open("TransferTypes")
                .leaf("Type", "oss_acc")
                .close("TransferTypes")
                .close("LocationTransferType");
        }
        w.close("LocationTransferTypeConstraint");
    }
    if !a.rtc_locations.is_empty() {
        w.open("LocationRTCConstraint");
        for l in &a.rtc_locations {
            w.leaf("Location", l);
        }
        w.close("LocationRTCConstraint");
    }
    w.close("ReplicationLocation");
    Ok(Reply::xml(w.finish()))
}

/// The historical fraction, rounded down to two decimals so it reads 1.00 only when done.
pub fn historical_fraction(r: &Rule) -> String {
    if r.hist_finished || r.hist_total <= 0 {
        return "1.00".into();
    }
    let hundredths = (r.hist_done.clamp(0, r.hist_total) * 100) / r.hist_total;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// GetBucketReplicationProgress: `rule-id` required; progress only while `doing`.
pub fn progress(
    conn: &Connection,
    src: &Bucket,
    query: &[(String, String)],
) -> Result<Reply, OssError> {
    let id = query_value(query, "rule-id")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| missing_argument("rule-id"))?;
    let r = store::rule(conn, &src.name, id)
        .map_err(db)?
        .ok_or_else(|| no_such_rule(id))?;
    let mut w = crate::xml::document();
    w.open("ReplicationProgress").open("Rule");
    write_rule_body(&mut w, &r);
    if r.status == "doing" {
        w.open("Progress");
        if r.historical {
            w.leaf("HistoricalObject", &historical_fraction(&r));
        }
        if let Some(cp) = r.checkpoint_ms {
            w.leaf("NewObject", &crate::clock::iso8601(cp));
        }
        w.close("Progress");
    }
    w.close("Rule").close("ReplicationProgress");
    Ok(Reply::xml(w.finish()))
}

fn no_such_rule(id: &str) -> OssError {
    OssError::new(
        404,
        "NoSuchReplicationRule",
        "The BucketReplicationRule you specified does not exist.",
    )
    .with("RuleId", id)
}

/// Parses a body whose root is `root` and returns its `<ID>`.
fn body_id<'a>(body: &'a [u8], root: &str) -> Result<(Node<'a>, String), OssError> {
    let tree = parse_document(body, root).map_err(|e| malformed_xml(e.message()))?;
    let id = tree
        .string("ID")
        .ok_or_else(|| malformed_xml(format!("<{root}> has no <ID>")))?;
    Ok((tree, id))
}

/// DeleteBucketReplication: the rule goes `closing`, then away. 204 if already closing,
/// 200 if there is no such rule.
pub fn delete(
    conn: &mut Connection,
    src: &Bucket,
    headers: &[(String, String)],
    body: &[u8],
    real_now_ms: i64,
) -> Result<Reply, OssError> {
    check_content_md5(headers, body)?;
    let (_, id) = body_id(body, "ReplicationRules")?;
    let tx = conn.transaction().map_err(db)?;
    let Some(mut r) = store::rule(&tx, &src.name, &id).map_err(db)? else {
        return Ok(Reply::empty(200));
    };
    if r.status == "closing" {
        return Ok(Reply::empty(204));
    }
    r.status = "closing".into();
    r.status_since_ms = real_now_ms;
    store::save_rule(&tx, &r).map_err(db)?;
    tx.commit().map_err(db)?;
    Ok(Reply::empty(200))
}

/// PutBucketRTC: body root `ReplicationRule`; enabling goes `enabling` then `enabled`.
pub fn put_rtc(
    conn: &mut Connection,
    src: &Bucket,
    headers: &[(String, String)],
    body: &[u8],
    real_now_ms: i64,
) -> Result<Reply, OssError> {
    check_content_md5(headers, body)?;
    let (tree, id) = body_id(body, "ReplicationRule")?;
    let status = tree
        .child("RTC")
        .and_then(|r| r.child("Status"))
        .map(|s| s.text.trim().to_owned())
        .ok_or_else(|| malformed_xml("<ReplicationRule> has no <RTC><Status>"))?;
    if status != "enabled" && status != "disabled" {
        return Err(invalid_argument(
            "RTC.Status",
            &status,
            "RTC Status must be enabled or disabled.",
        ));
    }
    let tx = conn.transaction().map_err(db)?;
    let mut r = store::rule(&tx, &src.name, &id)
        .map_err(db)?
        .ok_or_else(|| no_such_rule(&id))?;
    if r.status == "closing" {
        return Err(OssError::new(
            400,
            "BucketReplicationInClosingStatus",
            format!("The replication rule {id} is being deleted (closing)."),
        ));
    }
    if status == "enabled" {
        check_rtc(
            regions::region_id(&src.location),
            regions::region_id(&r.dest_location),
        )?;
        if r.rtc.as_deref() != Some("enabled") {
            r.rtc = Some("enabling".into());
            r.rtc_since_ms = real_now_ms;
        }
    } else {
        r.rtc = Some("disabled".into());
        r.rtc_since_ms = real_now_ms;
    }
    store::save_rule(&tx, &r).map_err(db)?;
    tx.commit().map_err(db)?;
    Ok(Reply::empty(200))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_round_down() {
        let mut r = Rule {
            hist_total: 3,
            hist_done: 2,
            ..Default::default()
        };
        assert_eq!(historical_fraction(&r), "0.66");
        r.hist_done = 0;
        assert_eq!(historical_fraction(&r), "0.00");
        r.hist_finished = true;
        assert_eq!(historical_fraction(&r), "1.00");
    }

    #[test]
    fn scope_helpers() {
        assert!(key_matches(&[], "x"));
        assert!(key_matches(&["a/".into()], "a/b"));
        assert!(!key_matches(&["a/".into()], "b/a/"));
        assert!(replicates_puts(&[]) && replicates_deletes(&["ALL".into()]));
        assert!(!replicates_deletes(&["PUT".into()]));
    }
}
