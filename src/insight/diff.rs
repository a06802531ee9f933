//! The backlog diff: two sorted ListObjectsV2 streams (source, destination)
//! merged page by page. Memory holds at most the unconsumed part of one page per
//! side, the tag candidates of those pages and what is reported; never a listing.
//!
//! Classification of each key:
//! - only at the source, written before the `NewObject` watermark: `missing`
//!   (for a tag-filtered rule it is first a *candidate*: the driver reads its
//!   tags and [`Diff::resolve_candidate`] counts it missing only if the filter matches);
//! - at both, size or ETag differ: `differing`;
//! - only at the source or differing, but written at or after the watermark:
//!   `pending` (a count): replication has not reached it yet;
//! - only at the destination: `extra` (a count; expected under `Action: PUT`).

use std::collections::VecDeque;

use crate::objects::ObjectSummary;
use crate::replication::{Tag, UserTaggings};

/// Which side the merge needs a page from next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// The next source page.
    Source,
    /// The next destination page.
    Destination,
    /// Both streams are consumed.
    Done,
}

/// Counts so far, for progress callbacks and the result.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DiffCounts {
    /// Source objects listed.
    pub scanned_source: u64,
    /// Destination objects listed.
    pub scanned_destination: u64,
    /// Objects reported missing.
    pub missing: u64,
    /// Objects reported differing.
    pub differing: u64,
    /// Objects newer than the watermark.
    pub pending: u64,
    /// Objects only at the destination.
    pub extra: u64,
}

/// The merge state.
#[derive(Debug)]
pub struct Diff {
    watermark_secs: Option<i64>,
    filter: Option<UserTaggings>,
    source: VecDeque<ObjectSummary>,
    destination: VecDeque<ObjectSummary>,
    source_done: bool,
    destination_done: bool,
    candidates: VecDeque<ObjectSummary>,
    /// Objects at the source only, replicable, older than the watermark.
    pub missing: Vec<ObjectSummary>,
    /// Objects at both sides whose size or ETag differ.
    pub differing: Vec<ObjectSummary>,
    /// The counts.
    pub counts: DiffCounts,
}

impl Diff {
    /// A diff for one prefix stream. `watermark_secs`: the rule's `NewObject`
    /// (objects written at or after it are `pending`; `None`: nothing is);
    /// `filter`: the rule's tag filter, if any.
    pub fn new(watermark_secs: Option<i64>, filter: Option<UserTaggings>) -> Self {
        Diff {
            watermark_secs,
            filter,
            source: VecDeque::new(),
            destination: VecDeque::new(),
            source_done: false,
            destination_done: false,
            candidates: VecDeque::new(),
            missing: Vec::new(),
            differing: Vec::new(),
            counts: DiffCounts::default(),
        }
    }

    /// Starts the next prefix: both streams restart, results and counts carry on.
    pub fn next_stream(&mut self) {
        debug_assert!(self.source.is_empty() && self.destination.is_empty());
        self.source_done = false;
        self.destination_done = false;
    }

    /// Adds a source page; `last` when it had no continuation token.
    pub fn push_source(&mut self, objects: Vec<ObjectSummary>, last: bool) {
        self.counts.scanned_source += objects.len() as u64;
        self.source.extend(objects);
        self.source_done = last;
        self.merge();
    }

    /// Adds a destination page; `last` when it had no continuation token.
    pub fn push_destination(&mut self, objects: Vec<ObjectSummary>, last: bool) {
        self.counts.scanned_destination += objects.len() as u64;
        self.destination.extend(objects);
        self.destination_done = last;
        self.merge();
    }

    /// Stops both streams (the `maxListed` budget ran out): what is listed but
    /// not yet compared, and everything not listed, is neither compared nor reported.
    pub fn stop(&mut self) {
        self.source_done = true;
        self.destination_done = true;
        self.source.clear();
        self.destination.clear();
    }

    /// Which page the merge needs next. Tag candidates must be resolved first.
    pub fn need(&self) -> Need {
        if self.source.is_empty() && !self.source_done {
            Need::Source
        } else if self.destination.is_empty() && !self.destination_done {
            Need::Destination
        } else {
            Need::Done
        }
    }

    /// The next object whose tags decide whether it is missing.
    pub fn next_candidate(&mut self) -> Option<ObjectSummary> {
        self.candidates.pop_front()
    }

    /// Counts `object` missing when `tags` match the rule's filter.
    pub fn resolve_candidate(&mut self, object: ObjectSummary, tags: &[Tag]) {
        if self.filter.as_ref().is_none_or(|f| filter_matches(f, tags)) {
            self.report_missing(object);
        }
    }

    fn pending(&self, o: &ObjectSummary) -> bool {
        match (self.watermark_secs, o.last_modified_secs) {
            (Some(w), Some(t)) => t >= w,
            _ => false,
        }
    }

    fn report_missing(&mut self, o: ObjectSummary) {
        self.counts.missing += 1;
        self.missing.push(o);
    }

    fn source_only(&mut self, o: ObjectSummary) {
        if self.pending(&o) {
            self.counts.pending += 1;
        } else if self.filter.is_some() {
            self.candidates.push_back(o);
        } else {
            self.report_missing(o);
        }
    }

    /// Consumes keys while both heads are known (or one side is finished).
    fn merge(&mut self) {
        loop {
            let ordering = match (self.source.front(), self.destination.front()) {
                (Some(s), Some(d)) => s.key.cmp(&d.key),
                (Some(_), None) if self.destination_done => std::cmp::Ordering::Less,
                (None, Some(_)) if self.source_done => std::cmp::Ordering::Greater,
                _ => return,
            };
            match ordering {
                std::cmp::Ordering::Less => {
                    let s = self.source.pop_front().expect("head checked");
                    self.source_only(s);
                }
                std::cmp::Ordering::Greater => {
                    self.destination.pop_front();
                    self.counts.extra += 1;
                }
                std::cmp::Ordering::Equal => {
                    let s = self.source.pop_front().expect("head checked");
                    let d = self.destination.pop_front().expect("head checked");
                    if s.size != d.size || !same_etag(&s.etag, &d.etag) {
                        if self.pending(&s) {
                            self.counts.pending += 1;
                        } else {
                            self.counts.differing += 1;
                            self.differing.push(s);
                        }
                    }
                }
            }
        }
    }
}

/// ETags compared without quotes and case (OSS writes them quoted, uppercase).
fn same_etag(a: &str, b: &str) -> bool {
    a.trim_matches('"')
        .eq_ignore_ascii_case(b.trim_matches('"'))
}

/// Whether `tags` pass `filter`: `AND` needs every filter tag, `OR` any one.
pub fn filter_matches(filter: &UserTaggings, tags: &[Tag]) -> bool {
    let has = |t: &Tag| tags.iter().any(|o| o.key == t.key && o.value == t.value);
    if filter.filter_type.eq_ignore_ascii_case("OR") {
        filter.tags.iter().any(has)
    } else {
        filter.tags.iter().all(has)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(key: &str, size: u64, etag: &str, t: i64) -> ObjectSummary {
        ObjectSummary {
            key: key.into(),
            size,
            etag: etag.into(),
            last_modified: String::new(),
            last_modified_secs: Some(t),
        }
    }

    fn keys(v: &[ObjectSummary]) -> Vec<&str> {
        v.iter().map(|o| o.key.as_str()).collect()
    }

    #[test]
    fn merges_pages_of_unequal_lengths_and_classifies() {
        let mut d = Diff::new(Some(100), None);
        assert_eq!(d.need(), Need::Source);
        d.push_source(
            vec![o("a", 1, "\"E1\"", 10), o("b", 1, "\"E2\"", 10)],
            false,
        );
        assert_eq!(d.need(), Need::Destination);
        d.push_destination(vec![o("a", 1, "\"e1\"", 10)], false);
        // "a" matched (ETag case ignored); "b" waits for the destination's next page.
        assert_eq!(d.need(), Need::Destination);
        d.push_destination(vec![o("c", 1, "E", 10), o("d", 5, "E", 10)], true);
        // "b" < "c": missing; "c" waits on the source.
        assert_eq!(keys(&d.missing), ["b"]);
        assert_eq!(d.need(), Need::Source);
        d.push_source(
            vec![
                o("c", 1, "X", 10),
                o("d", 5, "E", 150),
                o("e", 1, "E", 99),
                o("f", 1, "E", 100),
            ],
            true,
        );
        assert_eq!(d.need(), Need::Done);
        assert_eq!(keys(&d.missing), ["b", "e"]);
        assert_eq!(keys(&d.differing), ["c"]);
        assert_eq!(
            d.counts,
            DiffCounts {
                scanned_source: 6,
                scanned_destination: 3,
                missing: 2,
                differing: 1,
                pending: 1, // "f" at the watermark; "d" equal despite being newer
                extra: 0,
            }
        );
    }

    #[test]
    fn destination_only_keys_are_extra_and_size_differences_count() {
        let mut d = Diff::new(None, None);
        d.push_source(vec![o("b", 2, "E", 1)], true);
        d.push_destination(
            vec![o("a", 1, "E", 1), o("b", 3, "E", 1), o("z", 1, "E", 1)],
            true,
        );
        assert_eq!(d.need(), Need::Done);
        assert_eq!(keys(&d.differing), ["b"]);
        assert_eq!((d.counts.extra, d.counts.missing), (2, 0));
    }

    #[test]
    fn the_buffers_never_hold_more_than_the_pages_not_yet_compared() {
        let mut d = Diff::new(None, None);
        for page in 0..50 {
            let src: Vec<_> = (0..100)
                .map(|i| o(&format!("k{:05}", page * 100 + i), 1, "E", 1))
                .collect();
            let dst = src.clone();
            d.push_source(src, page == 49);
            assert!(d.source.len() <= 100);
            d.push_destination(dst, page == 49);
            assert!(d.source.is_empty() && d.destination.is_empty());
        }
        assert_eq!(d.need(), Need::Done);
        assert_eq!(d.counts.scanned_source, 5000);
        assert!(d.missing.is_empty() && d.differing.is_empty());
    }

    #[test]
    fn tag_filtered_rules_ask_for_candidate_tags() {
        let filter = UserTaggings {
            filter_type: "AND".into(),
            tags: vec![
                Tag {
                    key: "team".into(),
                    value: "a".into(),
                },
                Tag {
                    key: "env".into(),
                    value: "prod".into(),
                },
            ],
        };
        let mut d = Diff::new(Some(100), Some(filter.clone()));
        d.push_source(
            vec![o("x", 1, "E", 1), o("y", 1, "E", 1), o("z", 1, "E", 500)],
            true,
        );
        d.push_destination(vec![], true);
        assert_eq!(d.counts.pending, 1);
        let x = d.next_candidate().unwrap();
        let y = d.next_candidate().unwrap();
        assert!(d.next_candidate().is_none());
        let both = [
            Tag {
                key: "team".into(),
                value: "a".into(),
            },
            Tag {
                key: "env".into(),
                value: "prod".into(),
            },
        ];
        d.resolve_candidate(x, &both);
        d.resolve_candidate(y, &both[..1]);
        assert_eq!(keys(&d.missing), ["x"]);
        let or = UserTaggings {
            filter_type: "OR".into(),
            ..filter
        };
        assert!(filter_matches(&or, &both[1..]));
        assert!(!filter_matches(&or, &[]));
    }

    #[test]
    fn a_stop_reports_nothing_it_has_not_compared() {
        let mut d = Diff::new(None, None);
        d.push_source(vec![o("a", 1, "E", 1), o("b", 1, "E", 1)], false);
        d.push_destination(vec![o("a", 1, "E", 1)], false);
        d.stop();
        assert_eq!(d.need(), Need::Done);
        assert!(d.missing.is_empty());
        assert_eq!(
            (d.counts.scanned_source, d.counts.scanned_destination),
            (2, 1)
        );
    }
}
