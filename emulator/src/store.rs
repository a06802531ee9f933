//! State in SQLite, always: `:memory:` without `--data-dir`, a WAL file with
//! `synchronous=FULL` with it. Every acknowledged write is committed before its response
//! is sent, so it survives `kill -9`. One code path for both.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// The file name inside `--data-dir`.
pub const DB_FILE: &str = "oss-emulator.sqlite3";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
INSERT OR IGNORE INTO meta (k, v) VALUES ('seq', '0');
CREATE TABLE IF NOT EXISTS buckets (
  name TEXT PRIMARY KEY, location TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
  bucket TEXT NOT NULL, key TEXT NOT NULL, data BLOB NOT NULL, etag TEXT NOT NULL,
  crc64 TEXT NOT NULL, content_type TEXT NOT NULL, meta TEXT NOT NULL,
  modified_ms INTEGER NOT NULL, seq INTEGER NOT NULL, replica INTEGER NOT NULL,
  PRIMARY KEY (bucket, key));
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, op TEXT NOT NULL,
  time_ms INTEGER NOT NULL, replica INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_bucket ON events (bucket, seq);
CREATE TABLE IF NOT EXISTS rules (
  bucket TEXT NOT NULL, id TEXT NOT NULL, pos INTEGER NOT NULL,
  dest_bucket TEXT NOT NULL, dest_location TEXT NOT NULL, transfer_type TEXT,
  prefixes TEXT NOT NULL, actions TEXT NOT NULL, historical INTEGER NOT NULL,
  sync_role TEXT, sse_kms TEXT, kms_key TEXT, rtc TEXT,
  status TEXT NOT NULL, status_since_ms INTEGER NOT NULL, rtc_since_ms INTEGER NOT NULL,
  event_cursor INTEGER NOT NULL, hist_snapshot INTEGER NOT NULL, hist_total INTEGER NOT NULL,
  hist_done INTEGER NOT NULL, hist_cursor TEXT, hist_finished INTEGER NOT NULL,
  checkpoint_ms INTEGER,
  PRIMARY KEY (bucket, id));
CREATE TABLE IF NOT EXISTS bucket_versioning (bucket TEXT PRIMARY KEY, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sts (
  access_key_id TEXT PRIMARY KEY, secret TEXT NOT NULL, token TEXT NOT NULL,
  expires_ms INTEGER NOT NULL);
";

/// The database, behind a mutex (SQLite connections are not `Sync`).
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens the database: in memory, or `DIR/oss-emulator.sqlite3` (created with `DIR`).
    pub fn open(data_dir: Option<&Path>) -> Result<Self, String> {
        let conn = match data_dir {
            None => Connection::open_in_memory().map_err(|e| e.to_string())?,
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create --data-dir {}: {e}", dir.display()))?;
                let path = dir.join(DB_FILE);
                let conn = Connection::open(&path)
                    .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
                let mode: String = conn
                    .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
                    .map_err(|e| format!("cannot enable WAL on {}: {e}", path.display()))?;
                if !mode.eq_ignore_ascii_case("wal") {
                    return Err(format!("{} refused WAL mode ({mode})", path.display()));
                }
                conn
            }
        };
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;")
            .map_err(|e| e.to_string())?;
        conn.execute_batch(SCHEMA)
            .map_err(|e| format!("cannot create the schema: {e}"))?;
        // Columns added after the first release: a data directory written by an
        // older emulator gains them with their defaults.
        for (table, column, decl) in [
            ("objects", "tags", "TEXT NOT NULL DEFAULT '[]'"),
            ("rules", "user_taggings", "TEXT"),
        ] {
            add_column(&conn, table, column, decl)
                .map_err(|e| format!("cannot add {table}.{column}: {e}"))?;
        }
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    /// Locks the connection (a poisoned lock is taken over: SQLite state is transactional).
    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` in one transaction, committed before returning.
    pub fn tx<T, E: From<rusqlite::Error>>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

fn add_column(c: &Connection, table: &str, column: &str, decl: &str) -> rusqlite::Result<()> {
    let exists: bool = c.query_row(
        &format!("SELECT COUNT(*) > 0 FROM pragma_table_info('{table}') WHERE name = ?1"),
        [column],
        |r| r.get(0),
    )?;
    if !exists {
        c.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {decl}"))?;
    }
    Ok(())
}

/// A bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bucket {
    /// Name.
    pub name: String,
    /// Location with `oss-`.
    pub location: String,
    /// Creation time, epoch ms.
    pub created_ms: i64,
}

/// Creates a bucket, or moves an existing one to `location`.
pub fn upsert_bucket(
    c: &Connection,
    name: &str,
    location: &str,
    now_ms: i64,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO buckets (name, location, created_ms) VALUES (?1, ?2, ?3)
         ON CONFLICT(name) DO UPDATE SET location = excluded.location",
        params![name, location, now_ms],
    )?;
    Ok(())
}

/// One bucket by name.
pub fn bucket(c: &Connection, name: &str) -> rusqlite::Result<Option<Bucket>> {
    c.query_row(
        "SELECT name, location, created_ms FROM buckets WHERE name = ?1",
        [name],
        |r| {
            Ok(Bucket {
                name: r.get(0)?,
                location: r.get(1)?,
                created_ms: r.get(2)?,
            })
        },
    )
    .optional()
}

/// Every bucket, by name.
pub fn buckets(c: &Connection) -> rusqlite::Result<Vec<Bucket>> {
    let mut st =
        c.prepare_cached("SELECT name, location, created_ms FROM buckets ORDER BY name")?;
    let rows = st.query_map([], |r| {
        Ok(Bucket {
            name: r.get(0)?,
            location: r.get(1)?,
            created_ms: r.get(2)?,
        })
    })?;
    rows.collect()
}

/// Every distinct bucket location.
pub fn locations(c: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut st = c.prepare_cached("SELECT DISTINCT location FROM buckets ORDER BY location")?;
    let rows = st.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// A bucket's versioning status (`Enabled`, `Suspended`), `None` when never enabled.
pub fn versioning(c: &Connection, bucket: &str) -> rusqlite::Result<Option<String>> {
    c.query_row(
        "SELECT status FROM bucket_versioning WHERE bucket = ?1",
        [bucket],
        |r| r.get(0),
    )
    .optional()
}

/// Sets a bucket's versioning status.
pub fn set_versioning(c: &Connection, bucket: &str, status: &str) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO bucket_versioning (bucket, status) VALUES (?1, ?2)
         ON CONFLICT(bucket) DO UPDATE SET status = excluded.status",
        params![bucket, status],
    )?;
    Ok(())
}

/// A `meta` value.
pub fn meta_get(c: &Connection, k: &str) -> rusqlite::Result<Option<String>> {
    c.query_row("SELECT v FROM meta WHERE k = ?1", [k], |r| r.get(0))
        .optional()
}

/// Sets a `meta` value.
pub fn meta_set(c: &Connection, k: &str, v: &str) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO meta (k, v) VALUES (?1, ?2) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
        params![k, v],
    )?;
    Ok(())
}

/// The next change sequence number.
pub fn next_seq(c: &Connection) -> rusqlite::Result<i64> {
    c.execute(
        "UPDATE meta SET v = CAST(v AS INTEGER) + 1 WHERE k = 'seq'",
        [],
    )?;
    current_seq(c)
}

/// The last change sequence number handed out.
pub fn current_seq(c: &Connection) -> rusqlite::Result<i64> {
    c.query_row(
        "SELECT CAST(v AS INTEGER) FROM meta WHERE k = 'seq'",
        [],
        |r| r.get(0),
    )
}

/// An object's metadata (no data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectMeta {
    /// Key.
    pub key: String,
    /// Size in bytes.
    pub size: i64,
    /// `"HEX"` with the quotes.
    pub etag: String,
    /// CRC-64/ECMA as a decimal string.
    pub crc64: String,
    /// Content-Type.
    pub content_type: String,
    /// `x-oss-meta-*` headers (lowercase names).
    pub meta: Vec<(String, String)>,
    /// Last-Modified, epoch ms.
    pub modified_ms: i64,
    /// Whether this object was written by replication.
    pub replica: bool,
    /// Object tags (`x-oss-tagging`), in the order given.
    pub tags: Vec<(String, String)>,
}

/// What a PutObject stores.
#[derive(Debug)]
pub struct NewObject<'a> {
    /// Bucket.
    pub bucket: &'a str,
    /// Key.
    pub key: &'a str,
    /// Data.
    pub data: &'a [u8],
    /// `"HEX"`.
    pub etag: &'a str,
    /// CRC-64/ECMA, decimal.
    pub crc64: &'a str,
    /// Content-Type.
    pub content_type: &'a str,
    /// `x-oss-meta-*` headers.
    pub meta: &'a [(String, String)],
    /// Object tags.
    pub tags: &'a [(String, String)],
}

/// Pairs as a JSON array of `[name, value]` (metadata and tags).
pub fn meta_json(meta: &[(String, String)]) -> String {
    serde_json::Value::Array(
        meta.iter()
            .map(|(k, v)| serde_json::json!([k, v]))
            .collect(),
    )
    .to_string()
}

/// The inverse of [`meta_json`]; malformed text reads as no pairs.
pub fn meta_parse(text: &str) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str(text) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|i| {
            Some((
                i.get(0)?.as_str()?.to_owned(),
                i.get(1)?.as_str()?.to_owned(),
            ))
        })
        .collect()
}

fn log_event(
    c: &Connection,
    seq: i64,
    bucket: &str,
    key: &str,
    op: &str,
    now_ms: i64,
    replica: bool,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO events (seq, bucket, key, op, time_ms, replica) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![seq, bucket, key, op, now_ms, replica],
    )?;
    Ok(())
}

/// Stores an object and logs a `put` event.
pub fn put_object(c: &Connection, o: &NewObject<'_>, now_ms: i64) -> rusqlite::Result<()> {
    let seq = next_seq(c)?;
    c.execute(
        "INSERT OR REPLACE INTO objects
           (bucket, key, data, etag, crc64, content_type, meta, modified_ms, seq, replica, tags)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10)",
        params![
            o.bucket,
            o.key,
            o.data,
            o.etag,
            o.crc64,
            o.content_type,
            meta_json(o.meta),
            now_ms,
            seq,
            meta_json(o.tags)
        ],
    )?;
    log_event(c, seq, o.bucket, o.key, "put", now_ms, false)
}

/// Replaces an object's tags; `false` when there is no such object. Not a logged
/// change: tag updates are not replicated.
pub fn set_tags(
    c: &Connection,
    bucket: &str,
    key: &str,
    tags: &[(String, String)],
) -> rusqlite::Result<bool> {
    let n = c.execute(
        "UPDATE objects SET tags = ?3 WHERE bucket = ?1 AND key = ?2",
        params![bucket, key, meta_json(tags)],
    )?;
    Ok(n > 0)
}

/// Copies `src_bucket/key` to `dst_bucket/key` as a replica; `false` when the source is gone.
pub fn replicate_object(
    c: &Connection,
    src_bucket: &str,
    key: &str,
    dst_bucket: &str,
    now_ms: i64,
) -> rusqlite::Result<bool> {
    let seq = next_seq(c)?;
    let n = c.execute(
        "INSERT OR REPLACE INTO objects
           (bucket, key, data, etag, crc64, content_type, meta, modified_ms, seq, replica, tags)
         SELECT ?3, key, data, etag, crc64, content_type, meta, ?4, ?5, 1, tags
           FROM objects WHERE bucket = ?1 AND key = ?2",
        params![src_bucket, key, dst_bucket, now_ms, seq],
    )?;
    if n > 0 {
        log_event(c, seq, dst_bucket, key, "put", now_ms, true)?;
    }
    Ok(n > 0)
}

/// Deletes an object; logs a `delete` event when it existed. Returns whether it existed.
pub fn delete_object(
    c: &Connection,
    bucket: &str,
    key: &str,
    now_ms: i64,
    replica: bool,
) -> rusqlite::Result<bool> {
    let n = c.execute(
        "DELETE FROM objects WHERE bucket = ?1 AND key = ?2",
        params![bucket, key],
    )?;
    if n > 0 {
        let seq = next_seq(c)?;
        log_event(c, seq, bucket, key, "delete", now_ms, replica)?;
    }
    Ok(n > 0)
}

const META_COLS: &str =
    "key, length(data), etag, crc64, content_type, meta, modified_ms, replica, tags";

fn meta_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ObjectMeta> {
    Ok(ObjectMeta {
        key: r.get(0)?,
        size: r.get(1)?,
        etag: r.get(2)?,
        crc64: r.get(3)?,
        content_type: r.get(4)?,
        meta: meta_parse(&r.get::<_, String>(5)?),
        modified_ms: r.get(6)?,
        replica: r.get(7)?,
        tags: meta_parse(&r.get::<_, String>(8)?),
    })
}

/// An object's metadata.
pub fn object_meta(
    c: &Connection,
    bucket: &str,
    key: &str,
) -> rusqlite::Result<Option<ObjectMeta>> {
    c.query_row(
        &format!("SELECT {META_COLS} FROM objects WHERE bucket = ?1 AND key = ?2"),
        params![bucket, key],
        meta_row,
    )
    .optional()
}

/// An object's metadata and data.
pub fn object(
    c: &Connection,
    bucket: &str,
    key: &str,
) -> rusqlite::Result<Option<(ObjectMeta, Vec<u8>)>> {
    c.query_row(
        &format!("SELECT {META_COLS}, data FROM objects WHERE bucket = ?1 AND key = ?2"),
        params![bucket, key],
        |r| Ok((meta_row(r)?, r.get(9)?)),
    )
    .optional()
}

/// Up to `limit` objects of `bucket` with keys after `after` and starting with `prefix`, by key.
pub fn list_objects(
    c: &Connection,
    bucket: &str,
    prefix: &str,
    after: &str,
    limit: usize,
) -> rusqlite::Result<Vec<ObjectMeta>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {META_COLS} FROM objects
          WHERE bucket = ?1 AND key > ?2 AND substr(key, 1, length(?3)) = ?3
          ORDER BY key LIMIT ?4"
    ))?;
    let rows = st.query_map(
        params![
            bucket,
            after,
            prefix,
            i64::try_from(limit).unwrap_or(i64::MAX)
        ],
        meta_row,
    )?;
    rows.collect()
}

/// Number of objects in `bucket`.
pub fn count_objects(c: &Connection, bucket: &str) -> rusqlite::Result<i64> {
    c.query_row(
        "SELECT COUNT(*) FROM objects WHERE bucket = ?1",
        [bucket],
        |r| r.get(0),
    )
}

/// A replication rule as stored, with the replicator's bookkeeping.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rule {
    /// Source bucket.
    pub bucket: String,
    /// Rule ID.
    pub id: String,
    /// Destination bucket.
    pub dest_bucket: String,
    /// Destination location with `oss-`.
    pub dest_location: String,
    /// `internal` / `oss_acc`, as given.
    pub transfer_type: Option<String>,
    /// Key prefixes; empty means all.
    pub prefixes: Vec<String>,
    /// Actions (`ALL`, `PUT`, `DELETE`, `ABORT`).
    pub actions: Vec<String>,
    /// Historical object replication.
    pub historical: bool,
    /// RAM role.
    pub sync_role: Option<String>,
    /// `Enabled` / `Disabled` SSE-KMS filter, as given.
    pub sse_kms: Option<String>,
    /// Replica KMS key.
    pub kms_key: Option<String>,
    /// RTC status: `enabling`, `enabled`, `disabled`, or none.
    pub rtc: Option<String>,
    /// `starting`, `doing`, `closing`.
    pub status: String,
    /// When `status` was entered (real epoch ms).
    pub status_since_ms: i64,
    /// When `rtc` was last set (real epoch ms).
    pub rtc_since_ms: i64,
    /// Last source event applied.
    pub event_cursor: i64,
    /// Objects with `seq` at or below this are historical.
    pub hist_snapshot: i64,
    /// Historical objects to copy.
    pub hist_total: i64,
    /// Historical objects copied.
    pub hist_done: i64,
    /// Last historical key copied.
    pub hist_cursor: Option<String>,
    /// Whether the historical pass is over.
    pub hist_finished: bool,
    /// NewObject checkpoint (shifted epoch ms).
    pub checkpoint_ms: Option<i64>,
    /// Tag filter: `AND`/`OR` and the tags.
    pub user_taggings: Option<TagFilter>,
}

/// A rule's tag filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagFilter {
    /// `AND`: the object has every tag; `OR`: any one.
    pub filter_type: String,
    /// The tags.
    pub tags: Vec<(String, String)>,
}

impl TagFilter {
    /// Whether an object with `tags` is in scope.
    pub fn matches(&self, tags: &[(String, String)]) -> bool {
        let has = |t: &(String, String)| tags.contains(t);
        if self.filter_type == "OR" {
            self.tags.iter().any(has)
        } else {
            self.tags.iter().all(has)
        }
    }
}

fn tag_filter_json(f: &Option<TagFilter>) -> Option<String> {
    f.as_ref().map(|f| {
        serde_json::json!({ "filterType": f.filter_type, "tags": meta_json(&f.tags) }).to_string()
    })
}

fn tag_filter_parse(text: Option<String>) -> Option<TagFilter> {
    let v: serde_json::Value = serde_json::from_str(&text?).ok()?;
    Some(TagFilter {
        filter_type: v.get("filterType")?.as_str()?.to_owned(),
        tags: meta_parse(v.get("tags")?.as_str()?),
    })
}

const RULE_COLS: &str = "bucket, id, dest_bucket, dest_location, transfer_type, prefixes, actions,
  historical, sync_role, sse_kms, kms_key, rtc, status, status_since_ms, rtc_since_ms,
  event_cursor, hist_snapshot, hist_total, hist_done, hist_cursor, hist_finished, checkpoint_ms,
  user_taggings";

fn rule_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Rule> {
    let prefixes: String = r.get(5)?;
    let actions: String = r.get(6)?;
    Ok(Rule {
        bucket: r.get(0)?,
        id: r.get(1)?,
        dest_bucket: r.get(2)?,
        dest_location: r.get(3)?,
        transfer_type: r.get(4)?,
        prefixes: serde_json::from_str(&prefixes).unwrap_or_default(),
        actions: actions
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        historical: r.get(7)?,
        sync_role: r.get(8)?,
        sse_kms: r.get(9)?,
        kms_key: r.get(10)?,
        rtc: r.get(11)?,
        status: r.get(12)?,
        status_since_ms: r.get(13)?,
        rtc_since_ms: r.get(14)?,
        event_cursor: r.get(15)?,
        hist_snapshot: r.get(16)?,
        hist_total: r.get(17)?,
        hist_done: r.get(18)?,
        hist_cursor: r.get(19)?,
        hist_finished: r.get(20)?,
        checkpoint_ms: r.get(21)?,
        user_taggings: tag_filter_parse(r.get(22)?),
    })
}

/// The rules of `bucket`, in creation order.
pub fn rules(c: &Connection, bucket: &str) -> rusqlite::Result<Vec<Rule>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {RULE_COLS} FROM rules WHERE bucket = ?1 ORDER BY pos"
    ))?;
    let rows = st.query_map([bucket], rule_row)?;
    rows.collect()
}

/// Every rule.
pub fn all_rules(c: &Connection) -> rusqlite::Result<Vec<Rule>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {RULE_COLS} FROM rules ORDER BY bucket, pos"
    ))?;
    let rows = st.query_map([], rule_row)?;
    rows.collect()
}

/// One rule.
pub fn rule(c: &Connection, bucket: &str, id: &str) -> rusqlite::Result<Option<Rule>> {
    c.query_row(
        &format!("SELECT {RULE_COLS} FROM rules WHERE bucket = ?1 AND id = ?2"),
        params![bucket, id],
        rule_row,
    )
    .optional()
}

/// Inserts or replaces a rule (keeps its position when it exists).
pub fn save_rule(c: &Connection, r: &Rule) -> rusqlite::Result<()> {
    let pos: i64 = c
        .query_row(
            "SELECT pos FROM rules WHERE bucket = ?1 AND id = ?2",
            params![r.bucket, r.id],
            |row| row.get(0),
        )
        .optional()?
        .map_or_else(
            || {
                c.query_row(
                    "SELECT COALESCE(MAX(pos), 0) + 1 FROM rules WHERE bucket = ?1",
                    [&r.bucket],
                    |row| row.get(0),
                )
            },
            Ok,
        )?;
    c.execute(
        &format!(
            "INSERT OR REPLACE INTO rules (pos, {RULE_COLS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)"
        ),
        params![
            pos,
            r.bucket,
            r.id,
            r.dest_bucket,
            r.dest_location,
            r.transfer_type,
            serde_json::Value::from(r.prefixes.clone()).to_string(),
            r.actions.join(","),
            r.historical,
            r.sync_role,
            r.sse_kms,
            r.kms_key,
            r.rtc,
            r.status,
            r.status_since_ms,
            r.rtc_since_ms,
            r.event_cursor,
            r.hist_snapshot,
            r.hist_total,
            r.hist_done,
            r.hist_cursor,
            r.hist_finished,
            r.checkpoint_ms,
            tag_filter_json(&r.user_taggings)
        ],
    )?;
    Ok(())
}

/// Deletes a rule.
pub fn delete_rule(c: &Connection, bucket: &str, id: &str) -> rusqlite::Result<()> {
    c.execute(
        "DELETE FROM rules WHERE bucket = ?1 AND id = ?2",
        params![bucket, id],
    )?;
    Ok(())
}

/// A logged change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Sequence number.
    pub seq: i64,
    /// Key.
    pub key: String,
    /// `put` or `delete`.
    pub op: String,
    /// When (shifted epoch ms).
    pub time_ms: i64,
    /// Whether replication made it.
    pub replica: bool,
}

/// Up to `limit` events of `bucket` after `seq`.
pub fn events_after(
    c: &Connection,
    bucket: &str,
    seq: i64,
    limit: usize,
) -> rusqlite::Result<Vec<Event>> {
    let mut st = c.prepare_cached(
        "SELECT seq, key, op, time_ms, replica FROM events
          WHERE bucket = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    let rows = st.query_map(
        params![bucket, seq, i64::try_from(limit).unwrap_or(i64::MAX)],
        |r| {
            Ok(Event {
                seq: r.get(0)?,
                key: r.get(1)?,
                op: r.get(2)?,
                time_ms: r.get(3)?,
                replica: r.get(4)?,
            })
        },
    )?;
    rows.collect()
}

/// Drops events every rule has consumed.
pub fn prune_events(c: &Connection) -> rusqlite::Result<()> {
    c.execute(
        "DELETE FROM events WHERE seq <= COALESCE(
           (SELECT MIN(event_cursor) FROM rules WHERE rules.bucket = events.bucket),
           (SELECT CAST(v AS INTEGER) FROM meta WHERE k = 'seq'))",
        [],
    )?;
    Ok(())
}

/// A replication candidate: key, whether it is a replica, its tags.
pub type Candidate = (String, bool, Vec<(String, String)>);

fn candidate(r: &rusqlite::Row<'_>) -> rusqlite::Result<Candidate> {
    Ok((r.get(0)?, r.get(1)?, meta_parse(&r.get::<_, String>(2)?)))
}

/// Historical candidates: up to `limit` objects of `bucket` with `seq <= snapshot` and key after `after`.
pub fn historical_batch(
    c: &Connection,
    bucket: &str,
    snapshot: i64,
    after: &str,
    limit: usize,
) -> rusqlite::Result<Vec<Candidate>> {
    let mut st = c.prepare_cached(
        "SELECT key, replica, tags FROM objects WHERE bucket = ?1 AND seq <= ?2 AND key > ?3
          ORDER BY key LIMIT ?4",
    )?;
    let rows = st.query_map(
        params![
            bucket,
            snapshot,
            after,
            i64::try_from(limit).unwrap_or(i64::MAX)
        ],
        candidate,
    )?;
    rows.collect()
}

/// Keys, replica flags and tags of every object of `bucket`.
pub fn object_keys(c: &Connection, bucket: &str) -> rusqlite::Result<Vec<Candidate>> {
    let mut st = c.prepare_cached("SELECT key, replica, tags FROM objects WHERE bucket = ?1")?;
    let rows = st.query_map([bucket], candidate)?;
    rows.collect()
}

/// STS credentials as issued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StsCredential {
    /// `STS.` AccessKey ID.
    pub access_key_id: String,
    /// Secret.
    pub secret: String,
    /// Security token.
    pub token: String,
    /// Expiry (shifted epoch ms).
    pub expires_ms: i64,
}

/// Records issued STS credentials (and forgets ones expired for over a day).
pub fn save_sts(c: &Connection, s: &StsCredential, now_ms: i64) -> rusqlite::Result<()> {
    c.execute(
        "DELETE FROM sts WHERE expires_ms < ?1",
        [now_ms - 86_400_000],
    )?;
    c.execute(
        "INSERT OR REPLACE INTO sts (access_key_id, secret, token, expires_ms) VALUES (?1, ?2, ?3, ?4)",
        params![s.access_key_id, s.secret, s.token, s.expires_ms],
    )?;
    Ok(())
}

/// STS credentials by AccessKey ID.
pub fn sts(c: &Connection, access_key_id: &str) -> rusqlite::Result<Option<StsCredential>> {
    c.query_row(
        "SELECT access_key_id, secret, token, expires_ms FROM sts WHERE access_key_id = ?1",
        [access_key_id],
        |r| {
            Ok(StsCredential {
                access_key_id: r.get(0)?,
                secret: r.get(1)?,
                token: r.get(2)?,
                expires_ms: r.get(3)?,
            })
        },
    )
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_events_and_rules_round_trip() {
        let s = Store::open(None).unwrap();
        let c = s.lock();
        upsert_bucket(&c, "src", "oss-cn-hangzhou", 1).unwrap();
        upsert_bucket(&c, "dst", "oss-cn-beijing", 1).unwrap();
        let meta = vec![("x-oss-meta-a".to_owned(), "b".to_owned())];
        put_object(
            &c,
            &NewObject {
                bucket: "src",
                key: "a/1",
                data: b"hello",
                etag: "\"E\"",
                crc64: "1",
                content_type: "text/plain",
                meta: &meta,
                tags: &[("team".to_owned(), "a".to_owned())],
            },
            10,
        )
        .unwrap();
        assert_eq!(object_meta(&c, "src", "a/1").unwrap().unwrap().meta, meta);
        assert!(replicate_object(&c, "src", "a/1", "dst", 11).unwrap());
        let (m, data) = object(&c, "dst", "a/1").unwrap().unwrap();
        assert!(m.replica && data == b"hello");
        assert_eq!(m.tags, [("team".to_owned(), "a".to_owned())]);
        assert_eq!(list_objects(&c, "src", "a/", "", 10).unwrap().len(), 1);
        assert_eq!(list_objects(&c, "src", "b", "", 10).unwrap().len(), 0);
        assert!(delete_object(&c, "src", "a/1", 12, false).unwrap());
        assert!(!delete_object(&c, "src", "a/1", 12, false).unwrap());
        let ev = events_after(&c, "src", 0, 10).unwrap();
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[1].op, "delete");
        let r = Rule {
            bucket: "src".into(),
            id: "r1".into(),
            prefixes: vec!["a/".into()],
            actions: vec!["PUT".into()],
            status: "starting".into(),
            user_taggings: Some(TagFilter {
                filter_type: "OR".into(),
                tags: vec![("k".into(), "v".into())],
            }),
            ..Default::default()
        };
        save_rule(&c, &r).unwrap();
        assert_eq!(rule(&c, "src", "r1").unwrap().unwrap(), r);
        prune_events(&c).unwrap();
        assert_eq!(events_after(&c, "src", 0, 10).unwrap().len(), 2);
        assert_eq!(events_after(&c, "dst", 0, 10).unwrap().len(), 0);
        assert_eq!(versioning(&c, "src").unwrap(), None);
        set_versioning(&c, "src", "Enabled").unwrap();
        set_versioning(&c, "src", "Suspended").unwrap();
        assert_eq!(versioning(&c, "src").unwrap().as_deref(), Some("Suspended"));
    }

    #[test]
    fn tag_filters() {
        let t = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let and = TagFilter {
            filter_type: "AND".into(),
            tags: vec![t("a", "1"), t("b", "2")],
        };
        let or = TagFilter {
            filter_type: "OR".into(),
            ..and.clone()
        };
        let both = [t("b", "2"), t("a", "1"), t("c", "3")];
        let one = [t("a", "1"), t("b", "x")];
        assert!(and.matches(&both) && !and.matches(&one) && !and.matches(&[]));
        assert!(or.matches(&both) && or.matches(&one) && !or.matches(&[t("a", "2")]));
    }

    #[test]
    fn old_data_directories_gain_the_new_columns() {
        let dir = std::env::temp_dir().join(format!("oss-emu-migrate-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        {
            let c = Connection::open(dir.join(DB_FILE)).unwrap();
            // SCHEMA is the first release's: the new columns come from migrations.
            c.execute_batch(SCHEMA).unwrap();
            c.execute_batch("INSERT INTO objects (bucket, key, data, etag, crc64, content_type, meta, modified_ms, seq, replica) VALUES ('b', 'k', x'00', 'e', '0', 't', '[]', 0, 1, 0);").unwrap();
        }
        let s = Store::open(Some(&dir)).unwrap();
        assert_eq!(object_meta(&s.lock(), "b", "k").unwrap().unwrap().tags, []);
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
