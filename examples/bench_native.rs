//! Native anchor for `make bench` (bench/run.sh): signing a GetBucketReplication
//! request (STS, 640-character token) with V1 and V4, and parsing GetBucketReplication
//! answers with 1, 10 and 100 rules, and a ListObjectsV2 page of 1,000 keys into the
//! library's generic XML tree (`list_1000`). No criterion: `std::time::Instant` + `black_box`,
//! interleaved rounds (the order rotates each round), and one JSON object on stdout:
//!
//! `{"profile": ..., "sign_v1": {"median_ns": .., "samples_ns": [..]}, ..., "parse_100": {.., "bytes": n}}`
//!
//! `cargo run --release --example bench_native [-- ROUNDS]` (default 15 rounds of ~40 ms each).
//! The inputs match bench/lib/common.mjs byte for byte (the JS side checks `bytes`).

use std::hint::black_box;
use std::time::{Duration, Instant};

use oss_replication::replication::{get_bucket_replication, parse_get_bucket_replication};
use oss_replication::{Credentials, SignatureVersion, SigningTime};

/// The 640-character STS token of every sign benchmark.
fn token() -> String {
    let mut t = String::from("CAIS");
    t.extend(
        "abcdefghijklmnopqrstuvwxyz0123456789+/"
            .chars()
            .cycle()
            .take(634),
    );
    t.push_str("==");
    assert_eq!(t.len(), 640);
    t
}

/// A GetBucketReplication answer with `n` rules (same text as `rulesXml` in bench/lib/common.mjs).
fn rules_xml(n: usize) -> String {
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ReplicationConfiguration>\n");
    for i in 0..n {
        xml.push_str(&format!(
            "  <Rule>\n    <ID>rule-{i:04}-8a2f4c1e</ID>\n\
             \x20   <PrefixSet><Prefix>source{i}/</Prefix><Prefix>video/</Prefix></PrefixSet>\n\
             \x20   <Action>PUT,DELETE</Action>\n\
             \x20   <Destination><Bucket>destbucket-{i}</Bucket><Location>oss-cn-beijing</Location><TransferType>oss_acc</TransferType></Destination>\n\
             \x20   <Status>doing</Status>\n\
             \x20   <HistoricalObjectReplication>enabled</HistoricalObjectReplication>\n\
             \x20   <SyncRole>aliyunramrole</SyncRole>\n\
             \x20   <RTC><Status>enabled</Status></RTC>\n\
             \x20 </Rule>\n"
        ));
    }
    xml.push_str("</ReplicationConfiguration>\n");
    xml
}

/// A ListObjectsV2 page of `n` keys (same text as `listObjectsXml` in bench/lib/common.mjs).
fn list_objects_xml(n: u32) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult>\n  <Name>examplebucket</Name>\n  <Prefix></Prefix>\n  \
         <MaxKeys>{n}</MaxKeys>\n  <Delimiter></Delimiter>\n  <IsTruncated>true</IsTruncated>\n  <KeyCount>{n}</KeyCount>\n"
    );
    for i in 0..n {
        let hex = i.wrapping_mul(2_654_435_761);
        xml.push_str(&format!(
            "  <Contents>\n    <Key>logs/2024/04/17/app-{i:06}.log.gz</Key>\n    \
             <LastModified>2024-04-17T08:{:02}:00.000Z</LastModified>\n    \
             <ETag>\"5B3C1A2E053D763E1B002CC6{hex:08X}\"</ETag>\n    <Type>Normal</Type>\n    <Size>{}</Size>\n    \
             <StorageClass>Standard</StorageClass>\n  </Contents>\n",
            i % 60,
            1000 + i * 37
        ));
    }
    xml + "  <NextContinuationToken>CgJiYw--</NextContinuationToken>\n</ListBucketResult>\n"
}

/// The keys of a ListObjectsV2 page, counted in the library's generic XML tree.
fn list_keys(xml: &str) -> usize {
    oss_replication::xml::parse_document(xml.as_bytes(), "ListBucketResult")
        .expect("list page")
        .children("Contents")
        .count()
}

type Bench<'a> = (&'static str, Box<dyn FnMut() + 'a>, Option<usize>);

/// Calls `f` `n` times; nanoseconds per call.
fn time_n(f: &mut dyn FnMut(), n: u64) -> f64 {
    let t0 = Instant::now();
    for _ in 0..n {
        f();
    }
    t0.elapsed().as_nanos() as f64 / n as f64
}

/// The iteration count that fills about `target`.
fn calibrate(f: &mut dyn FnMut(), target: Duration) -> u64 {
    let mut n = 1u64;
    loop {
        let t0 = Instant::now();
        for _ in 0..n {
            f();
        }
        let dt = t0.elapsed();
        if dt >= target / 4 {
            return ((n as f64 * target.as_secs_f64() / dt.as_secs_f64()).round() as u64).max(1);
        }
        n *= 4;
    }
}

fn median(xs: &[f64]) -> f64 {
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
    let m = s.len() / 2;
    if s.len() % 2 == 1 {
        s[m]
    } else {
        (s[m - 1] + s[m]) / 2.0
    }
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("ROUNDS must be a number"))
        .unwrap_or(15);
    let creds = Credentials::new(
        "STS.NUgYrLnoC37mZZCNnAbez2nN",
        "8ZNdXqJ5u1yxvwHrDpJ9NHKwbnTPVk7ZZUpmBzBtX7Hk",
        Some(token()),
    )
    .expect("credentials");
    let req = get_bucket_replication("examplebucket").expect("request");
    let time = SigningTime::from_epoch_secs(1_713_340_800);
    let xmls: Vec<(usize, String)> = [1, 10, 100].iter().map(|&n| (n, rules_xml(n))).collect();
    for (n, xml) in &xmls {
        let rules = parse_get_bucket_replication(xml.as_bytes()).expect("parse");
        assert_eq!(rules.len(), *n);
    }
    let authorization = |v| {
        req.sign(&creds, v, "cn-hangzhou", time)
            .authorization()
            .to_owned()
    };
    let auth_v1 = authorization(SignatureVersion::V1);
    let auth_v4 = authorization(SignatureVersion::V4);

    // A ListObjectsV2 page of 1,000 keys through the library's generic XML tree (issue 13).
    let list = list_objects_xml(1000);
    assert_eq!(list_keys(&list), 1000);
    let page = oss_replication::objects::parse_list_objects_v2(list.as_bytes()).expect("list page");
    assert_eq!(page.objects.len(), 1000);

    let mut benches: Vec<Bench<'_>> = vec![
        (
            "sign_v1",
            Box::new(|| {
                black_box(req.sign(black_box(&creds), SignatureVersion::V1, "cn-hangzhou", time));
            }),
            None,
        ),
        (
            "sign_v4",
            Box::new(|| {
                black_box(req.sign(black_box(&creds), SignatureVersion::V4, "cn-hangzhou", time));
            }),
            None,
        ),
    ];
    for (n, xml) in &xmls {
        let name = match n {
            1 => "parse_1",
            10 => "parse_10",
            _ => "parse_100",
        };
        benches.push((
            name,
            Box::new(move || {
                black_box(parse_get_bucket_replication(black_box(xml.as_bytes())).unwrap());
            }),
            Some(xml.len()),
        ));
    }

    benches.push((
        "list_1000_typed",
        Box::new(|| {
            black_box(
                oss_replication::objects::parse_list_objects_v2(black_box(list.as_bytes()))
                    .unwrap(),
            );
        }),
        Some(list.len()),
    ));
    benches.push((
        "list_1000",
        Box::new(|| {
            black_box(list_keys(black_box(&list)));
        }),
        Some(list.len()),
    ));

    let slice = Duration::from_millis(40);
    let iters: Vec<u64> = benches
        .iter_mut()
        .map(|(_, f, _)| {
            calibrate(f.as_mut(), slice / 4); // warm-up
            calibrate(f.as_mut(), slice)
        })
        .collect();
    let mut samples = vec![Vec::with_capacity(rounds); benches.len()];
    for r in 0..rounds {
        for k in 0..benches.len() {
            let i = (r + k) % benches.len();
            samples[i].push(time_n(benches[i].1.as_mut(), iters[i]));
        }
    }

    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let mut out = format!(
        "{{\"profile\":\"{profile}\",\"authorization\":{{\"v1\":\"{auth_v1}\",\"v4\":\"{auth_v4}\"}}"
    );
    for ((name, _, bytes), s) in benches.iter().zip(&samples) {
        let list: Vec<String> = s.iter().map(|x| format!("{x:.1}")).collect();
        out.push_str(&format!(
            ",\"{name}\":{{\"median_ns\":{:.1},\"samples_ns\":[{}]",
            median(s),
            list.join(",")
        ));
        if let Some(b) = bytes {
            out.push_str(&format!(",\"bytes\":{b}"));
        }
        out.push('}');
    }
    out.push('}');
    println!("{out}");
}
