//! Buckets from the command line and the seeds: `--seed demo` and `--seed-buckets N`.
//!
//! The demo seed (documented in the README) creates six buckets in six regions:
//! `demo-hangzhou` (oss-cn-hangzhou), `demo-beijing` (oss-cn-beijing), `demo-shanghai`
//! (oss-cn-shanghai), `demo-hongkong` (oss-cn-hongkong), `demo-us-west` (oss-us-west-1) and
//! `demo-singapore` (oss-ap-southeast-1); objects under `logs/`, `images/` and `docs/` in
//! `demo-hangzhou` and under `backups/` in `demo-shanghai`; and one rule,
//! `demo-logs-to-beijing`, replicating `logs/` from `demo-hangzhou` to `demo-beijing`.
//! Objects and the rule are created once per data directory (a later restart keeps
//! whatever the user changed).

use rusqlite::Connection;

use crate::cli::{BucketSpec, Config};
use crate::errors::OssError;
use crate::ids::Ids;
use crate::regions::ROTATION;
use crate::store;

/// The demo buckets.
pub const DEMO_BUCKETS: &[(&str, &str)] = &[
    ("demo-hangzhou", "oss-cn-hangzhou"),
    ("demo-beijing", "oss-cn-beijing"),
    ("demo-shanghai", "oss-cn-shanghai"),
    ("demo-hongkong", "oss-cn-hongkong"),
    ("demo-us-west", "oss-us-west-1"),
    ("demo-singapore", "oss-ap-southeast-1"),
];

const DEMO_OBJECTS: &[(&str, &str, &str)] = &[
    (
        "demo-hangzhou",
        "logs/2024/04/17/app.log",
        "2024-04-17T08:00:00Z INFO started\n2024-04-17T08:00:01Z INFO ready\n",
    ),
    (
        "demo-hangzhou",
        "logs/2024/04/18/app.log",
        "2024-04-18T08:00:00Z INFO started\n2024-04-18T09:30:12Z WARN slow request\n",
    ),
    (
        "demo-hangzhou",
        "logs/2024/04/18/access.log",
        "127.0.0.1 - - [18/Apr/2024:08:00:00 +0000] \"GET / HTTP/1.1\" 200 12\n",
    ),
    (
        "demo-hangzhou",
        "images/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"16\" height=\"16\"><circle cx=\"8\" cy=\"8\" r=\"7\" fill=\"#ff6a00\"/></svg>\n",
    ),
    (
        "demo-hangzhou",
        "images/banner.txt",
        "a banner placeholder\n",
    ),
    (
        "demo-hangzhou",
        "docs/readme.txt",
        "Objects under logs/ replicate to demo-beijing (rule demo-logs-to-beijing).\n",
    ),
    (
        "demo-hangzhou",
        "docs/guide/intro.md",
        "# Replication demo\n\nAdd a rule, put objects, watch them appear.\n",
    ),
    (
        "demo-hangzhou",
        "index.html",
        "<!doctype html><title>demo</title><p>hello from demo-hangzhou</p>\n",
    ),
    (
        "demo-shanghai",
        "backups/db-2024-04-17.sql",
        "-- demo backup\nCREATE TABLE t (id INT);\n",
    ),
    (
        "demo-shanghai",
        "backups/db-2024-04-18.sql",
        "-- demo backup\nCREATE TABLE t (id INT, name TEXT);\n",
    ),
];

fn db(e: rusqlite::Error) -> String {
    e.to_string()
}

/// Every bucket to create: `--bucket`s, the demo buckets, `bucket-0001`...
pub fn bucket_specs(cfg: &Config) -> Vec<BucketSpec> {
    let mut out = cfg.buckets.clone();
    if cfg.seed_demo {
        for (name, loc) in DEMO_BUCKETS {
            if !out.iter().any(|b| b.name == *name) {
                out.push(BucketSpec {
                    name: (*name).to_owned(),
                    location: (*loc).to_owned(),
                });
            }
        }
    }
    for i in 1..=cfg.seed_buckets {
        let name = format!("bucket-{i:04}");
        if !out.iter().any(|b| b.name == name) {
            let region = ROTATION[(i as usize - 1) % ROTATION.len()];
            out.push(BucketSpec {
                name,
                location: format!("oss-{region}"),
            });
        }
    }
    out
}

/// Creates the buckets and, once per database, the demo objects and rule.
pub fn apply(conn: &mut Connection, cfg: &Config, ids: &Ids, now_ms: i64) -> Result<(), String> {
    let tx = conn.transaction().map_err(db)?;
    for b in bucket_specs(cfg) {
        store::upsert_bucket(&tx, &b.name, &b.location, now_ms).map_err(db)?;
    }
    if cfg.seed_demo && store::meta_get(&tx, "seeded-demo").map_err(db)?.is_none() {
        for (bucket, key, text) in DEMO_OBJECTS {
            let headers = Vec::new();
            let b = store::bucket(&tx, bucket)
                .map_err(db)?
                .ok_or_else(|| format!("demo bucket {bucket} is missing"))?;
            crate::objects::put(&tx, &b, key, &headers, text.as_bytes(), now_ms)
                .map_err(|e: OssError| e.message)?;
        }
        store::meta_set(&tx, "seeded-demo", "1").map_err(db)?;
        tx.commit().map_err(db)?;
        let body = "<ReplicationConfiguration><Rule><ID>demo-logs-to-beijing</ID><Destination><Bucket>demo-beijing</Bucket><Location>oss-cn-beijing</Location></Destination><HistoricalObjectReplication>enabled</HistoricalObjectReplication><PrefixSet><Prefix>logs/</Prefix></PrefixSet><Action>ALL</Action></Rule></ReplicationConfiguration>";
        let src = store::bucket(conn, "demo-hangzhou")
            .map_err(db)?
            .ok_or("demo-hangzhou is missing")?;
        crate::replication_ops::put(
            conn,
            ids,
            &src,
            &[],
            body.as_bytes(),
            crate::clock::real_now_ms(),
        )
        .map_err(|e| format!("demo rule: {}", e.message))?;
        return Ok(());
    }
    tx.commit().map_err(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_and_numbered_buckets() {
        let crate::cli::Command::Run(mut cfg) =
            crate::cli::parse(&["--seed".into(), "demo".into()]).unwrap()
        else {
            panic!()
        };
        cfg.seed_buckets = 200;
        let specs = bucket_specs(&cfg);
        assert_eq!(specs.len(), 206);
        assert_eq!(specs[6].name, "bucket-0001");
        assert_eq!(specs[7].location, "oss-cn-beijing");
        let s = store::Store::open(None).unwrap();
        let mut c = s.lock();
        apply(&mut c, &cfg, &Ids::new(), 1000).unwrap();
        apply(&mut c, &cfg, &Ids::new(), 1000).unwrap();
        assert_eq!(store::rules(&c, "demo-hangzhou").unwrap().len(), 1);
        assert_eq!(store::count_objects(&c, "demo-hangzhou").unwrap(), 8);
        assert_eq!(store::buckets(&c).unwrap().len(), 206);
    }
}
