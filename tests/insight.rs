//! The operator calls (checkRule, lag and watch, diffReplication, replaceRule,
//! waitForRule) against a routed transport: each request is answered by a
//! function of what was sent (method, URL, signing region), every request is
//! recorded, and sleeps advance an injected clock.

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::{Scripted, block_on};
use oss_replication::client::{Client, HttpRequest, HttpResponse, Transport};
use oss_replication::insight::lag::Watch;
use oss_replication::insight::replace::Target;
use oss_replication::insight::{DestinationAccess, DiffOptions, WaitOptions};
use oss_replication::replication::{Destination, ReplicationRule};
use oss_replication::{Credentials, ErrorKind, SignatureVersion};

const NOW_MS: f64 = 1_767_225_600_000.0; // 2026-01-01T00:00:00Z

/// The routed transport: answers are a function of what was sent.
type Routed = Rc<Scripted>;

fn routed(route: impl Fn(&HttpRequest, &Scripted) -> HttpResponse + 'static) -> Routed {
    Scripted::routed(NOW_MS, route)
}

fn xml(body: impl Into<String>) -> HttpResponse {
    HttpResponse {
        status: 200,
        headers: vec![("x-oss-request-id".into(), "RID".into())],
        body: body.into().into_bytes(),
    }
}

fn error(status: u16, code: &str, message: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![],
        body: format!("<Error><Code>{code}</Code><Message>{message}</Message></Error>")
            .into_bytes(),
    }
}

fn signing_region(r: &HttpRequest) -> String {
    let auth = r
        .headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .map(|(_, v)| v.clone())
        .unwrap();
    auth.split('/').nth(2).unwrap().to_owned()
}

fn client(t: &Routed) -> Client {
    Client::new(
        common::config("src", SignatureVersion::V4, 0),
        t.clone(),
        Some(Credentials::new("AKID", "secret-value", None).unwrap()),
    )
}

fn rule(dest_location: &str) -> ReplicationRule {
    ReplicationRule {
        id: Some("r1".into()),
        destination: Destination {
            bucket: "dst".into(),
            location: dest_location.into(),
            transfer_type: None,
        },
        ..Default::default()
    }
}

const LOCATIONS: &str = "<ReplicationLocation><Location>oss-cn-beijing</Location><Location>oss-cn-shanghai</Location><LocationRTCConstraint><Location>oss-cn-beijing</Location></LocationRTCConstraint></ReplicationLocation>";

/// Source in cn-hangzhou with versioning `src_v`; `dst` really in cn-beijing with
/// versioning `dst_v`. A request for `dst` signed for another region gets the
/// error OSS (and the emulator) give, naming the bucket's region.
fn buckets(src_v: &'static str, dst_v: &'static str) -> Routed {
    routed(move |r, _| {
        let q = r.url.split('?').nth(1).unwrap_or("");
        let on_dst = r.url.contains("/dst/");
        if on_dst && signing_region(r) != "cn-beijing" {
            return error(
                400,
                "InvalidArgument",
                &format!(
                    "Invalid signing region in Authorization header: the region '{}' is wrong; expecting 'cn-beijing' (the bucket's region).",
                    signing_region(r)
                ),
            );
        }
        let versioning = |v: &str| {
            xml(format!(
                "<VersioningConfiguration>{v}</VersioningConfiguration>"
            ))
        };
        match (on_dst, q) {
            (false, "versioning") => versioning(src_v),
            (false, "replicationLocation") => xml(LOCATIONS),
            (false, "replication") => error(404, "NoSuchReplicationConfiguration", "none"),
            (true, "bucketInfo") => {
                xml("<BucketInfo><Bucket><Location>oss-cn-beijing</Location></Bucket></BucketInfo>")
            }
            (true, "versioning") => versioning(dst_v),
            other => panic!("unexpected {other:?} {}", r.url),
        }
    })
}

fn codes(r: &oss_replication::insight::check::CheckReport) -> Vec<&str> {
    r.problems.iter().map(|p| p.code).collect()
}

#[test]
fn check_rule_reads_both_buckets_and_finds_a_versioning_mismatch() {
    let t = buckets("<Status>Enabled</Status>", "");
    let report =
        block_on(client(&t).check_rule(&rule("oss-cn-beijing"), &DestinationAccess::default()))
            .unwrap();
    assert_eq!(codes(&report), ["VersioningMismatch"]);
    assert_eq!(report.destination_exists, Some(true));
    // Destination reads go to the custom endpoint, signed for the destination's region.
    let sent = t.sent.borrow();
    let dst: Vec<_> = sent.iter().filter(|r| r.url.contains("/dst/")).collect();
    assert_eq!(dst.len(), 2);
    assert!(
        dst.iter()
            .all(|r| r.url.starts_with("http://127.0.0.1:9/dst/")
                && signing_region(r) == "cn-beijing")
    );
    assert!(
        sent.iter().all(|r| r.method == "GET"),
        "a check never writes"
    );
}

#[test]
fn check_rule_finds_the_real_region_of_a_destination_named_in_the_wrong_one() {
    let t = buckets("", "");
    let report =
        block_on(client(&t).check_rule(&rule("oss-cn-shanghai"), &DestinationAccess::default()))
            .unwrap();
    assert_eq!(codes(&report), ["LocationMismatch"]);
    assert_eq!(
        report.destination_location.as_deref(),
        Some("oss-cn-beijing")
    );
    assert_eq!(t.count("/dst/?bucketInfo"), 2, "{:?}", t.urls());
}

/// A source without versioning or rules; requests for `dst` are answered by `dst`.
fn source_and(dst: impl Fn(&HttpRequest) -> HttpResponse + 'static) -> Routed {
    routed(move |r, _| {
        if r.url.contains("/dst/") {
            return dst(r);
        }
        match r.url.split('?').nth(1).unwrap() {
            "versioning" => xml("<VersioningConfiguration/>"),
            "replicationLocation" => xml(LOCATIONS),
            _ => error(404, "NoSuchReplicationConfiguration", "none"),
        }
    })
}

/// Static keys of the destination's own account.
fn destination_keys() -> DestinationAccess {
    DestinationAccess {
        endpoint: None,
        credentials: Some(Credentials::new("DESTKEY", "dest-secret", None).unwrap()),
    }
}

#[test]
fn check_rule_reports_a_missing_destination_and_other_credentials_are_used() {
    let t = source_and(|r| {
        let auth = &r
            .headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .unwrap()
            .1;
        assert!(auth.contains("Credential=DESTKEY/"), "{auth}");
        error(404, "NoSuchBucket", "no")
    });
    let access = destination_keys();
    let report = block_on(client(&t).check_rule(&rule("oss-cn-beijing"), &access)).unwrap();
    assert_eq!(codes(&report), ["DestinationNotFound"]);
    assert_eq!(report.destination_exists, Some(false));
}

#[test]
fn a_destination_with_its_own_keys_never_gets_the_sources_refreshed_keys() {
    // The destination client shares the source's transport, not its refresh
    // callback: refused destination keys are reported, never swapped for the
    // source account's (which would send them to another account's bucket).
    let t = source_and(|_| error(403, "InvalidAccessKeyId", "destination key refused"));
    *t.refresh_with.borrow_mut() = Some(Ok(("source-token".into(), None)));
    let report =
        block_on(client(&t).check_rule(&rule("oss-cn-beijing"), &destination_keys())).unwrap();
    assert_eq!(report.destination_exists, None);
    assert_eq!(t.refreshes.get(), 0, "the source's callback was called");
    let sent = t.sent.borrow();
    let dst: Vec<_> = sent.iter().filter(|r| r.url.contains("/dst/")).collect();
    assert_eq!(dst.len(), 1, "{:?}", t.urls());
    assert!(dst.iter().all(|r| {
        r.headers
            .iter()
            .any(|(k, v)| k == "authorization" && v.contains("Credential=DESTKEY/"))
    }));
}

fn progress_xml(status: &str, fraction: Option<f64>, new_object: &str) -> String {
    let f = fraction
        .map(|f| format!("<HistoricalObject>{f}</HistoricalObject>"))
        .unwrap_or_default();
    format!(
        "<ReplicationProgress><Rule><ID>r1</ID><Destination><Bucket>dst</Bucket><Location>oss-cn-beijing</Location></Destination><Status>{status}</Status><Progress>{f}<NewObject>{new_object}</NewObject></Progress></Rule></ReplicationProgress>"
    )
}

#[test]
fn lag_is_the_answers_date_minus_new_object_and_watch_derives_rate_and_eta() {
    let polls = Cell::new(0u32);
    let t = routed(move |_, t| {
        let n = polls.get();
        polls.set(n + 1);
        let mut resp = xml(progress_xml(
            "doing",
            Some(0.1 + 0.2 * f64::from(n)),
            "2025-12-31T23:59:00.000Z",
        ));
        // The server's clock runs 30 s ahead of the local one.
        let server = oss_replication::SigningTime::from_epoch_millis(t.clock_ms.get() + 30_000.0);
        resp.headers.push(("Date".into(), server.to_rfc1123()));
        resp
    });
    let c = client(&t);
    let lagged = block_on(c.get_bucket_replication_progress_with_lag("r1")).unwrap();
    assert_eq!(lagged.value.1, Some(90.0));
    let mut watch = Watch::new();
    let first = block_on(c.watch_poll("r1", &mut watch)).unwrap();
    assert_eq!((first.historical_rate, first.eta_seconds), (None, None));
    block_on(t.sleep(watch.next_delay_ms(10_000)));
    let second = block_on(c.watch_poll("r1", &mut watch)).unwrap();
    // 0.3 -> 0.5 in 10 s: 0.02/s, 25 s to go; lag grew with the server clock.
    assert!((second.historical_rate.unwrap() - 0.02).abs() < 1e-9);
    assert!((second.eta_seconds.unwrap() - 25.0).abs() < 1e-6);
    assert_eq!(second.lag_seconds, Some(100.0));
}

fn list_xml(keys: &[(&str, u64, &str, &str)], next: Option<&str>) -> String {
    let mut s = String::from("<ListBucketResult><EncodingType>url</EncodingType>");
    s.push_str(&format!("<IsTruncated>{}</IsTruncated>", next.is_some()));
    if let Some(n) = next {
        s.push_str(&format!(
            "<NextContinuationToken>{n}</NextContinuationToken>"
        ));
    }
    for (k, size, etag, lm) in keys {
        s.push_str(&format!("<Contents><Key>{k}</Key><LastModified>{lm}</LastModified><ETag>\"{etag}\"</ETag><Size>{size}</Size></Contents>"));
    }
    s + "</ListBucketResult>"
}

const OLD: &str = "2025-12-01T00:00:00.000Z";
const NEW: &str = "2026-01-01T00:00:00.000Z";

#[test]
fn diff_lists_both_buckets_page_by_page_and_classifies() {
    let t = routed(|r, _| {
        let q = r.url.split('?').nth(1).unwrap();
        if q.starts_with("replicationProgress") {
            return xml(
                progress_xml("doing", Some(1.0), "2025-12-31T00:00:00.000Z").replace(
                    "<Destination>",
                    "<PrefixSet><Prefix>logs/</Prefix></PrefixSet><Destination>",
                ),
            );
        }
        assert!(q.contains("prefix=logs%2F"), "{q}");
        let page2 = q.contains("continuation-token=");
        let body = match (r.url.contains("/dst/"), page2) {
            (false, false) => list_xml(
                &[("logs/a", 1, "A", OLD), ("logs/b", 1, "B", OLD)],
                Some("s2"),
            ),
            (false, true) => list_xml(
                &[
                    ("logs/c", 2, "C", OLD),
                    ("logs/d%20x", 1, "D", OLD),
                    ("logs/e", 1, "E", NEW),
                ],
                None,
            ),
            (true, false) => list_xml(&[("logs/a", 1, "A", OLD)], Some("d2")),
            (true, true) => list_xml(&[("logs/c", 3, "C", OLD), ("logs/z", 1, "Z", OLD)], None),
        };
        xml(body)
    });
    let mut pages = Vec::new();
    let r = block_on(client(&t).diff_replication(
        "r1",
        &DiffOptions::default(),
        &mut |c| pages.push((c.scanned_source, c.scanned_destination)),
        &|| false,
    ))
    .unwrap();
    let keys = |v: &[oss_replication::objects::ObjectSummary]| {
        v.iter().map(|o| o.key.clone()).collect::<Vec<_>>()
    };
    assert_eq!(keys(&r.missing), ["logs/b", "logs/d x"]);
    assert_eq!(keys(&r.differing), ["logs/c"]);
    assert_eq!((r.counts.pending, r.counts.extra), (1, 1));
    assert_eq!(
        (r.counts.scanned_source, r.counts.scanned_destination),
        (5, 3)
    );
    assert_eq!(pages.len(), 4, "one progress report per page: {pages:?}");
    assert!(!r.truncated);
    // Two pages per side, destination signed for its own region.
    let sent = t.sent.borrow();
    assert_eq!(
        sent.iter()
            .filter(|r| r.url.contains("/dst/?list-type=2"))
            .count(),
        2
    );
    assert!(
        sent.iter()
            .filter(|r| r.url.contains("/dst/"))
            .all(|r| signing_region(r) == "cn-beijing")
    );
}

#[test]
fn diff_of_a_tag_filtered_rule_reads_candidate_tags_and_max_listed_truncates() {
    let t = routed(|r, _| {
        let q = r.url.split('?').nth(1).unwrap();
        if q.starts_with("replicationProgress") {
            return xml(progress_xml("doing", None, "2025-12-31T00:00:00.000Z").replace("<Status>", "<UserTaggings><FilterType>AND</FilterType><UserTagging><Key>team</Key><Value>a</Value></UserTagging></UserTaggings><Status>"));
        }
        if q == "tagging" {
            let tagged = r.url.contains("/src/x?");
            return xml(format!(
                "<Tagging><TagSet>{}</TagSet></Tagging>",
                if tagged {
                    "<Tag><Key>team</Key><Value>a</Value></Tag>"
                } else {
                    ""
                }
            ));
        }
        if r.url.contains("/dst/") {
            return xml(list_xml(&[], None));
        }
        if q.contains("continuation-token") {
            return xml(list_xml(&[("z", 1, "Z", OLD)], Some("more")));
        }
        xml(list_xml(
            &[("x", 1, "X", OLD), ("y", 1, "Y", OLD)],
            Some("more"),
        ))
    });
    let r = block_on(client(&t).diff_replication(
        "r1",
        &DiffOptions {
            max_listed: Some(3),
            ..Default::default()
        },
        &mut |_| {},
        &|| false,
    ))
    .unwrap();
    assert_eq!(
        r.missing.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(),
        ["x"]
    );
    assert!(r.truncated);
    assert_eq!(t.count("?tagging"), 3, "x, y and z are candidates");
    assert_eq!(
        t.count("/src/?list-type=2"),
        2,
        "stopped at the budget: {:?}",
        t.urls()
    );
}

/// A bucket whose rule `r1` reads `closing` for `closing_reads` reads after a delete,
/// then is gone; Put answers with `put` (None: success).
fn rules_bucket(closing_reads: u32, put: Option<(&'static str, u32)>) -> Routed {
    let deleted = Cell::new(false);
    let reads_after = Cell::new(0u32);
    let puts = Cell::new(0u32);
    routed(move |r, _| {
        let q = r.url.split('?').nth(1).unwrap();
        let rule = |status: &str| {
            xml(format!(
                "<ReplicationConfiguration><Rule><ID>r1</ID><Destination><Bucket>dst</Bucket><Location>oss-cn-beijing</Location></Destination><Status>{status}</Status><Source><Location>oss-cn-hangzhou</Location></Source></Rule></ReplicationConfiguration>"
            ))
        };
        match (r.method, q) {
            ("GET", "replication") if !deleted.get() => rule("doing"),
            ("GET", "replication") => {
                reads_after.set(reads_after.get() + 1);
                if reads_after.get() <= closing_reads {
                    rule("closing")
                } else {
                    error(404, "NoSuchReplicationConfiguration", "none")
                }
            }
            ("POST", "replication&comp=delete") => {
                deleted.set(true);
                xml("")
            }
            ("POST", "replication&comp=add") => {
                puts.set(puts.get() + 1);
                match put {
                    Some((code, fails)) if puts.get() <= fails => error(400, code, "refused"),
                    _ => xml(""),
                }
            }
            other => panic!("unexpected {other:?}"),
        }
    })
}

fn new_rule() -> ReplicationRule {
    let mut r = rule("oss-cn-shanghai");
    r.id = Some("r2".into());
    r
}

#[test]
fn replace_deletes_waits_until_gone_then_puts() {
    let t = rules_bucket(3, None);
    let opts = WaitOptions {
        timeout_ms: 10_000,
        poll_ms: 500,
    };
    let r = block_on(client(&t).replace_rule("r1", &new_rule(), opts, &|| false)).unwrap();
    assert_eq!(r.value, "r2");
    let methods: Vec<_> = t
        .urls()
        .into_iter()
        .map(|u| u.replace("http://127.0.0.1:9/src/", ""))
        .collect();
    assert_eq!(
        methods,
        [
            "GET ?replication",
            "POST ?replication&comp=delete",
            "GET ?replication",
            "GET ?replication",
            "GET ?replication",
            "GET ?replication",
            "POST ?replication&comp=add",
        ]
    );
    assert_eq!(*t.sleeps.borrow(), [500, 500, 500]);
}

#[test]
fn a_failed_put_puts_the_old_rule_back_and_says_so() {
    let t = rules_bucket(0, Some(("InvalidArgument", 1)));
    let e = block_on(client(&t).replace_rule("r1", &new_rule(), WaitOptions::default(), &|| false))
        .unwrap_err();
    assert_eq!(e.code(), "InvalidArgument");
    assert!(
        e.message().starts_with(
            "replaceRule failed at step put (the new rule was not put; the old rule was put back)"
        ),
        "{e}"
    );
    let sent = t.sent.borrow();
    let restore = sent.last().unwrap();
    let body = restore.body.as_deref().unwrap();
    assert!(
        body.contains("<ID>r1</ID>")
            && body.contains("<Source><Location>oss-cn-hangzhou</Location></Source>"),
        "{body}"
    );
}

#[test]
fn replace_validates_before_deleting_and_a_wait_times_out_on_the_injected_clock() {
    let t = rules_bucket(1_000, None);
    let mut bad = new_rule();
    bad.destination.location = "shanghai".into();
    let e = block_on(client(&t).replace_rule("r1", &bad, WaitOptions::default(), &|| false))
        .unwrap_err();
    assert!(
        e.message().starts_with(
            "replaceRule failed at step validate (nothing was changed): rule.destination.location"
        ),
        "{e}"
    );
    assert!(t.sent.borrow().is_empty());
    let e = block_on(client(&t).replace_rule(
        "r1",
        &new_rule(),
        WaitOptions {
            timeout_ms: 2_000,
            poll_ms: 500,
        },
        &|| false,
    ))
    .unwrap_err();
    assert_eq!(
        (e.code(), e.kind()),
        ("RuleWaitTimeout", ErrorKind::Timeout)
    );
    assert!(
        e.message().contains("step wait") && e.message().contains("last status: closing"),
        "{e}"
    );
    assert_eq!(t.sleeps.borrow().iter().sum::<u64>(), 2_000);
    assert_eq!(t.count("comp=add"), 0);
}

#[test]
fn waits_for_doing_and_stop_when_cancelled() {
    let reads = Cell::new(0);
    let t = routed(move |_, _| {
        reads.set(reads.get() + 1);
        let status = if reads.get() < 3 { "starting" } else { "doing" };
        xml(format!(
            "<ReplicationConfiguration><Rule><ID>r1</ID><Destination><Bucket>dst</Bucket><Location>oss-cn-beijing</Location></Destination><Status>{status}</Status></Rule></ReplicationConfiguration>"
        ))
    });
    let c = client(&t);
    let rule =
        block_on(c.wait_for_rule("r1", Target::Doing, WaitOptions::default(), &|| false)).unwrap();
    assert_eq!(rule.unwrap().status.as_deref(), Some("doing"));
    let e = block_on(c.wait_for_rule("nope", Target::Doing, WaitOptions::default(), &|| false))
        .unwrap_err();
    assert_eq!(e.code(), "NoSuchReplicationRule");
    let polls = Cell::new(0);
    let cancel = || {
        polls.set(polls.get() + 1);
        polls.get() > 1
    };
    let e =
        block_on(c.wait_for_rule("r1", Target::Gone, WaitOptions::default(), &cancel)).unwrap_err();
    assert_eq!((e.code(), e.kind()), ("AbortError", ErrorKind::Aborted));
    let t2 = rules_bucket(0, None);
    let e = block_on(client(&t2).replace_rule("r1", &new_rule(), WaitOptions::default(), &|| true))
        .unwrap_err();
    assert!(e.message().contains("nothing was changed"), "{e}");
    assert_eq!(t2.count("comp=delete"), 0);
}
