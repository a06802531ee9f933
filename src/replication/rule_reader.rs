//! `<Rule>` elements read straight from the validated event stream
//! ([`crate::xml::Events`]) into [`ReplicationRule`]s, with no element tree in
//! between: a 100-rule answer is ~2,000 elements, and building, searching and
//! dropping a tree of them cost more than the rules themselves.
//!
//! The reading is the tree's, kept exactly (`tests/support/rule_reference.rs` is
//! the tree-based reader it replaced, and the differential test and fuzz target
//! compare the two): the first child of a name counts and later ones are ignored;
//! an element's text is its own character data and CDATA, in order, not its
//! children's; codes are trimmed and user data (IDs, prefixes, tags) kept exactly;
//! children the library does not model are kept as canonical XML (see
//! [`super::fragment`]).

use std::borrow::Cow;

use super::model::{ReplicationRule, Tag, UserTaggings};
use crate::error::Error;
use crate::xml::{Event, Events, XmlWriter};

/// A rule and the texts of its `<Progress>` (GetBucketReplicationProgress).
#[derive(Debug, Default)]
pub(super) struct RuleRead {
    pub(super) rule: ReplicationRule,
    /// `Progress/HistoricalObject`, trimmed; `None` when absent or empty.
    pub(super) historical_object: Option<String>,
    /// `Progress/NewObject`, trimmed; `None` when absent or empty.
    pub(super) new_object: Option<String>,
}

/// A field read from a leaf's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Id,
    Bucket,
    Location,
    TransferType,
    Prefix,
    Action,
    Historical,
    SyncRole,
    SseKmsStatus,
    KmsKeyId,
    RtcStatus,
    Status,
    FilterType,
    TagKey,
    TagValue,
    HistoricalObject,
    NewObject,
}

/// Where a kept child goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeptIn {
    Rule,
    Destination,
}

/// What an open element is to the reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    /// Read past: its text and children carry nothing read here.
    Skip,
    /// The document root, whose `<Rule>` children are read.
    Root,
    Rule,
    Destination,
    PrefixSet,
    /// `<SourceSelectionCriteria>`.
    Selection,
    /// `<SseKmsEncryptedObjects>`.
    SseKms,
    /// `<EncryptionConfiguration>`.
    Encryption,
    Rtc,
    /// `<UserTaggings>`.
    Taggings,
    /// One `<UserTagging>`.
    Tagging,
    Progress,
    /// A leaf whose text is a field.
    Text(Field),
    /// Inside a child kept as canonical XML; `Some` for the kept child itself.
    Kept(Option<KeptIn>),
}

/// The slot of a child named `name` of a `parent` element, and its bit among
/// the parent's children: only the first child with a given bit is read (0:
/// every one is). `first_rule_only` reads only the root's first `<Rule>`.
#[inline(always)]
fn child_of(parent: Slot, name: &str, first_rule_only: bool) -> (Slot, u32) {
    use Field::*;
    match parent {
        Slot::Root => match name {
            "Rule" => (Slot::Rule, u32::from(first_rule_only)),
            _ => (Slot::Skip, 0),
        },
        // Exactly the names of fragment::RULE_CHILDREN are known (a unit test checks).
        Slot::Rule => match name {
            "ID" => (Slot::Text(Id), 1),
            "Destination" => (Slot::Destination, 1 << 1),
            "PrefixSet" => (Slot::PrefixSet, 1 << 2),
            "Action" => (Slot::Text(Action), 1 << 3),
            "Status" => (Slot::Text(Status), 1 << 4),
            "HistoricalObjectReplication" => (Slot::Text(Historical), 1 << 5),
            "SyncRole" => (Slot::Text(SyncRole), 1 << 6),
            "RTC" => (Slot::Rtc, 1 << 7),
            "SourceSelectionCriteria" => (Slot::Selection, 1 << 8),
            "EncryptionConfiguration" => (Slot::Encryption, 1 << 9),
            "UserTaggings" => (Slot::Taggings, 1 << 10),
            "Progress" => (Slot::Progress, 1 << 11),
            _ => (Slot::Kept(Some(KeptIn::Rule)), 0),
        },
        // Exactly fragment::DESTINATION_CHILDREN.
        Slot::Destination => match name {
            "Bucket" => (Slot::Text(Bucket), 1),
            "Location" => (Slot::Text(Location), 1 << 1),
            "TransferType" => (Slot::Text(TransferType), 1 << 2),
            _ => (Slot::Kept(Some(KeptIn::Destination)), 0),
        },
        Slot::PrefixSet if name == "Prefix" => (Slot::Text(Prefix), 0),
        Slot::Selection if name == "SseKmsEncryptedObjects" => (Slot::SseKms, 1),
        Slot::SseKms if name == "Status" => (Slot::Text(SseKmsStatus), 1),
        Slot::Encryption if name == "ReplicaKmsKeyID" => (Slot::Text(KmsKeyId), 1),
        Slot::Rtc if name == "Status" => (Slot::Text(RtcStatus), 1),
        Slot::Taggings => match name {
            "FilterType" => (Slot::Text(FilterType), 1),
            "UserTagging" => (Slot::Tagging, 0),
            _ => (Slot::Skip, 0),
        },
        Slot::Tagging => match name {
            "Key" => (Slot::Text(TagKey), 1),
            "Value" => (Slot::Text(TagValue), 1 << 1),
            _ => (Slot::Skip, 0),
        },
        Slot::Progress => match name {
            "HistoricalObject" => (Slot::Text(HistoricalObject), 1),
            "NewObject" => (Slot::Text(NewObject), 1 << 1),
            _ => (Slot::Skip, 0),
        },
        Slot::Kept(_) => (Slot::Kept(None), 0),
        _ => (Slot::Skip, 0),
    }
}

/// Appends a piece of text: the first piece is kept as it came (usually
/// borrowed from the body), later ones make it owned.
#[inline(always)]
fn append<'a>(text: &mut Cow<'a, str>, piece: Cow<'a, str>) {
    if text.is_empty() {
        *text = piece;
    } else {
        text.to_mut().push_str(&piece);
    }
}

/// `text` without leading and trailing (Unicode) whitespace. Values rarely have
/// any: when both ends are printable ASCII, `text` is returned without the
/// character-by-character scan of `str::trim`.
#[inline(always)]
fn trim(text: &str) -> &str {
    let printable = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x7f);
    let bytes = text.as_bytes();
    if printable(bytes.first()) && printable(bytes.last()) {
        text
    } else {
        text.trim()
    }
}

/// Trimmed, or `None` when that leaves nothing: codes, statuses, names.
fn trimmed(text: &str) -> Option<String> {
    let t = trim(text);
    (!t.is_empty()).then(|| t.to_owned())
}

/// `Some(true)` when the trimmed `text` is one of `on` (any case), `None` when empty.
fn flag(text: &str, on: &[&str]) -> Option<bool> {
    let t = trim(text);
    (!t.is_empty()).then(|| on.iter().any(|o| t.eq_ignore_ascii_case(o)))
}

impl RuleRead {
    fn set(&mut self, field: Field, text: Cow<'_, str>) {
        let r = &mut self.rule;
        // User data, kept exactly; `None` when empty.
        let exact = |t: Cow<'_, str>| (!t.is_empty()).then(|| t.into_owned());
        match field {
            Field::Id => r.id = exact(text),
            Field::Bucket => r.destination.bucket = trimmed(&text).unwrap_or_default(),
            Field::Location => r.destination.location = trimmed(&text).unwrap_or_default(),
            Field::TransferType => r.destination.transfer_type = trimmed(&text),
            Field::Prefix => r.prefixes.push(text.into_owned()),
            Field::Action => {
                r.actions = text
                    .split(',')
                    .map(trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
            }
            Field::Historical => r.historical_object_replication = flag(&text, &["enabled"]),
            Field::SyncRole => r.sync_role = exact(text),
            Field::SseKmsStatus => r.sse_kms_encrypted_objects = flag(&text, &["Enabled"]),
            Field::KmsKeyId => r.replica_kms_key_id = exact(text),
            Field::RtcStatus => {
                r.rtc = flag(&text, &["enabled", "enabling"]);
                r.rtc_status = trimmed(&text);
            }
            Field::Status => r.status = trimmed(&text),
            Field::FilterType => {
                if let Some(t) = r.user_taggings.as_mut() {
                    t.filter_type = trimmed(&text).unwrap_or_default();
                }
            }
            Field::TagKey | Field::TagValue => {
                if let Some(t) = r.user_taggings.as_mut().and_then(|t| t.tags.last_mut()) {
                    let value = text.into_owned();
                    if field == Field::TagKey {
                        t.key = value;
                    } else {
                        t.value = value;
                    }
                }
            }
            Field::HistoricalObject => self.historical_object = trimmed(&text),
            Field::NewObject => self.new_object = trimmed(&text),
        }
    }
}

/// A kept child being written in canonical form as its events come: the start
/// tag at once; a leaf's text when it closes; a container's text dropped.
#[derive(Default)]
struct Kept<'a> {
    out: XmlWriter,
    /// Open elements: name, whether a child element has started, text so far.
    open: Vec<(&'a str, bool, Cow<'a, str>)>,
}

impl<'a> Kept<'a> {
    fn start(&mut self, name: &'a str) {
        if let Some(parent) = self.open.last_mut() {
            parent.1 = true;
        }
        self.out.open(name);
        self.open.push((name, false, Cow::Borrowed("")));
    }

    fn text(&mut self, piece: Cow<'a, str>) {
        if let Some((_, false, text)) = self.open.last_mut() {
            append(text, piece);
        }
    }

    /// Closes the innermost element; the canonical text once the kept child closes.
    fn end(&mut self) -> Option<String> {
        let (name, container, text) = self.open.pop()?;
        if !container {
            self.out.text(&text);
        }
        self.out.close(name);
        self.open
            .is_empty()
            .then(|| std::mem::take(&mut self.out).finish())
    }
}

/// Reads every `<Rule>` child of the root `root` of `body` (only the first when
/// `first_rule_only`), handing each to `each` as it closes. Fails, with the tree's
/// messages, on any body [`crate::xml::parse_document`] refuses.
pub(super) fn read_rules(
    body: &[u8],
    root: &str,
    first_rule_only: bool,
    // `dyn`: one copy of this loop in the wasm for its two callers.
    each: &mut dyn FnMut(RuleRead),
) -> Result<(), Error> {
    let mut events = Events::new(body, root)?;
    // Open elements: their slot and the bits of the children seen so far.
    let mut frames: Vec<(Slot, u32)> = Vec::with_capacity(8);
    let mut text = Cow::Borrowed("");
    let mut kept = Kept::default();
    let mut read = RuleRead::default();
    while let Some(event) = events.next()? {
        match event {
            Event::Start(name) => {
                let slot = match frames.last_mut() {
                    None => Slot::Root,
                    Some((parent, seen)) => match child_of(*parent, name, first_rule_only) {
                        (_, bit) if *seen & bit != 0 => Slot::Skip,
                        (slot, bit) => {
                            *seen |= bit;
                            slot
                        }
                    },
                };
                match slot {
                    Slot::Text(_) => text = Cow::Borrowed(""),
                    Slot::Kept(_) => kept.start(name),
                    Slot::Taggings => read.rule.user_taggings = Some(UserTaggings::default()),
                    Slot::Tagging => {
                        if let Some(t) = read.rule.user_taggings.as_mut() {
                            t.tags.push(Tag::default());
                        }
                    }
                    _ => {}
                }
                frames.push((slot, 0));
            }
            Event::Text(piece) => match frames.last() {
                Some((Slot::Text(_), _)) => append(&mut text, piece),
                Some((Slot::Kept(_), _)) => kept.text(piece),
                _ => {}
            },
            Event::End => match frames.pop() {
                Some((Slot::Text(field), _)) => read.set(field, std::mem::take(&mut text)),
                Some((Slot::Kept(into), _)) => {
                    if let Some(xml) = kept.end() {
                        let unknown = &mut read.rule.unknown;
                        match into {
                            Some(KeptIn::Rule) => unknown.rule.push(xml),
                            Some(KeptIn::Destination) => unknown.destination.push(xml),
                            None => {}
                        }
                    }
                }
                Some((Slot::Rule, _)) => each(std::mem::take(&mut read)),
                _ => {}
            },
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fragment::{DESTINATION_CHILDREN, RULE_CHILDREN};
    use super::*;

    #[test]
    fn known_children_are_the_fragment_lists() {
        for (parent, known) in [
            (Slot::Rule, RULE_CHILDREN),
            (Slot::Destination, DESTINATION_CHILDREN),
        ] {
            for name in known {
                let (slot, bit) = child_of(parent, name, false);
                assert!(!matches!(slot, Slot::Kept(_)) && bit != 0, "{name}");
            }
            for name in ["Source", "Cloud", "id", "Rule", "Prefix"] {
                assert!(matches!(
                    child_of(parent, name, false).0,
                    Slot::Kept(Some(_))
                ));
            }
        }
    }

    #[test]
    fn trim_is_str_trim() {
        for t in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\n",
            "\u{a0}x",
            "x\u{a0}",
            "\u{85}x\u{3000}",
            "é",
            "a b",
            "\u{7f}",
            "\u{b}x\u{c}",
            "!~",
        ] {
            assert_eq!(trim(t), t.trim(), "{t:?}");
        }
    }

    #[test]
    fn kept_children_are_written_as_they_come() {
        let body = "<ReplicationConfiguration><Rule>\
            <X a='1'> keep &amp; <!-- c --><![CDATA[<raw>]]></X>\
            <Y>drop<Z/>drop<W>w</W>drop</Y><n:V xmlns:n='u'/></Rule></ReplicationConfiguration>";
        let mut rules = Vec::new();
        read_rules(
            body.as_bytes(),
            "ReplicationConfiguration",
            false,
            &mut |r| rules.push(r.rule),
        )
        .unwrap();
        assert_eq!(
            rules[0].unknown.rule,
            [
                "<X> keep &amp; &lt;raw&gt;</X>",
                "<Y><Z></Z><W>w</W></Y>",
                "<V></V>"
            ]
        );
    }
}
