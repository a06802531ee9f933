//! Native signing and parsing: the physical-limit anchor for the wasm build.
//! `cargo bench --bench native`.

// Native only: the crate's wasm32 test build compiles every target, benches included.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;

    use criterion::{Criterion, criterion_group};
    use oss_replication::replication::{get_bucket_replication, parse_get_bucket_replication};
    use oss_replication::{Credentials, SignatureVersion, SigningTime};

    /// A 640-character STS token, as in the issue's sign benchmark.
    fn token() -> String {
        "CAIS"
            .chars()
            .chain("abcdefghijklmnopqrstuvwxyz0123456789+/".chars().cycle())
            .take(638)
            .chain("==".chars())
            .collect()
    }

    /// A GetBucketReplication answer with `n` rules.
    pub fn rules_xml(n: usize) -> String {
        let mut xml =
            String::from(r#"<?xml version="1.0" encoding="UTF-8"?><ReplicationConfiguration>"#);
        for i in 0..n {
            xml.push_str(&format!(
                "<Rule><ID>rule-{i:04}-8a2f4c1e</ID><PrefixSet><Prefix>source{i}/</Prefix><Prefix>video/</Prefix></PrefixSet><Action>PUT,DELETE</Action>\
                 <Destination><Bucket>destbucket-{i}</Bucket><Location>oss-cn-beijing</Location><TransferType>oss_acc</TransferType></Destination>\
                 <Status>doing</Status><HistoricalObjectReplication>enabled</HistoricalObjectReplication><SyncRole>aliyunramrole</SyncRole>\
                 <RTC><Status>enabled</Status></RTC></Rule>"
            ));
        }
        xml.push_str("</ReplicationConfiguration>");
        xml
    }

    fn sign(c: &mut Criterion) {
        let creds = Credentials::new(
            "STS.NUgYrLnoC37mZZCNnAbez2nN",
            "8ZNdXqJ5u1yxvwHrDpJ9NHKwbnTPVk7ZZUpmBzBtX7Hk",
            Some(token()),
        )
        .unwrap();
        let req = get_bucket_replication("examplebucket").unwrap();
        let time = SigningTime::from_epoch_secs(1_713_340_800);
        for (name, version) in [
            ("sign_v1", SignatureVersion::V1),
            ("sign_v4", SignatureVersion::V4),
        ] {
            c.bench_function(name, |b| {
                b.iter(|| black_box(req.sign(&creds, version, "cn-hangzhou", time)))
            });
        }
    }

    fn parse(c: &mut Criterion) {
        for n in [1, 10, 100] {
            let xml = rules_xml(n);
            c.bench_function(&format!("parse_{n}_rules"), |b| {
                b.iter(|| {
                    black_box(parse_get_bucket_replication(black_box(xml.as_bytes())).unwrap())
                })
            });
        }
    }

    /// A ListObjectsV2 page of `n` keys, as OSS answers `list-type=2`.
    pub fn list_objects_xml(n: u32) -> String {
        let mut xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><Name>examplebucket</Name><MaxKeys>{n}</MaxKeys><IsTruncated>true</IsTruncated><KeyCount>{n}</KeyCount>"
        );
        for i in 0..n {
            xml.push_str(&format!(
                "<Contents><Key>logs/2024/04/17/app-{i:06}.log.gz</Key><LastModified>2024-04-17T08:00:00.000Z</LastModified>\
                 <ETag>\"5B3C1A2E053D763E1B002CC6{:08X}\"</ETag><Type>Normal</Type><Size>{}</Size><StorageClass>Standard</StorageClass></Contents>",
                i.wrapping_mul(2_654_435_761),
                1000 + i * 37
            ));
        }
        xml + "<NextContinuationToken>CgJiYw--</NextContinuationToken></ListBucketResult>"
    }

    /// The library's generic XML tree over a 1,000-key ListObjectsV2 page (issue 13).
    fn list(c: &mut Criterion) {
        let xml = list_objects_xml(1000);
        let mut group = c.benchmark_group("parse_list_objects");
        group.throughput(criterion::Throughput::Bytes(xml.len() as u64));
        group.bench_function("1000_keys", |b| {
            b.iter(|| {
                let root = oss_replication::xml::parse_document(
                    black_box(xml.as_bytes()),
                    "ListBucketResult",
                )
                .unwrap();
                black_box(root.children("Contents").count())
            })
        });
        group.finish();
    }

    criterion_group!(benches, sign, parse, list);

    pub fn run() {
        benches();
        Criterion::default().configure_from_args().final_summary();
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    native::run();
}
