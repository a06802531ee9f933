//! The OSS request pipeline, synchronous (it runs on a blocking thread): bucket lookup,
//! authentication, operation dispatch, and `<Error>` answers.

use bytes::Bytes;
use oss_replication::sign::RequestParts;

use crate::app::{App, Reply};
use crate::auth::{AuthInput, authenticate};
use crate::clock::real_now_ms;
use crate::errors::{OssError, internal, no_such_bucket};
use crate::routing::{Op, Target, classify};
use crate::xml::error_body;
use crate::{buckets, objects, regions, replication_ops, store};

/// One OSS request, as received.
#[derive(Clone, Debug)]
pub struct Call {
    /// HTTP method.
    pub method: String,
    /// Bucket and key.
    pub target: Target,
    /// Decoded query.
    pub query: Vec<(String, String)>,
    /// Every header, names lowercase.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
    /// The request ID assigned.
    pub request_id: String,
    /// `HostId` for error bodies.
    pub host_id: String,
}

/// The `<Error>` reply for `err` (headers only for HEAD requests).
pub fn error_reply(err: &OssError, request_id: &str, host_id: &str, head: bool) -> Reply {
    let body = error_body(err, request_id, host_id);
    let mut r = Reply {
        status: err.status,
        headers: vec![
            ("content-type".into(), "application/xml".into()),
            ("x-oss-ec".into(), err.ec().into()),
        ],
        body: Bytes::from(body),
        content_length: None,
    };
    if head {
        r.body = Bytes::new();
        r.content_length = Some(0);
    }
    r
}

/// Handles an OSS request end to end.
pub fn handle(app: &App, call: &Call) -> Reply {
    match run(app, call) {
        Ok(r) => r,
        Err(e) => error_reply(&e, &call.request_id, &call.host_id, call.method == "HEAD"),
    }
}

/// Runs `f` in a transaction committed before the reply is sent.
fn in_tx(
    conn: &mut rusqlite::Connection,
    f: impl FnOnce(&rusqlite::Connection) -> Result<Reply, OssError>,
) -> Result<Reply, OssError> {
    let tx = conn.transaction().map_err(internal)?;
    let reply = f(&tx)?;
    tx.commit().map_err(internal)?;
    Ok(reply)
}

fn run(app: &App, call: &Call) -> Result<Reply, OssError> {
    let mut conn = app.store.lock();
    let bucket = match &call.target.bucket {
        Some(name) => Some(
            store::bucket(&conn, name)
                .map_err(internal)?
                .ok_or_else(|| no_such_bucket(name))?,
        ),
        None => None,
    };
    let input = AuthInput {
        parts: RequestParts {
            method: &call.method,
            bucket: call.target.bucket.as_deref(),
            key: &call.target.key,
            query: &call.query,
            headers: &call.headers,
        },
        bucket_region: bucket.as_ref().map(|b| regions::region_id(&b.location)),
        now: app.clock.now(),
    };
    authenticate(&conn, &app.account, &input)?;
    let op = classify(&call.method, &call.target, &call.query)?;
    let now_ms = app.clock.now_ms();
    let key = call.target.key.as_str();
    let (h, body) = (&call.headers[..], &call.body[..]);
    let Some(b) = bucket else {
        return objects::list_buckets(&conn, &call.query);
    };
    match op {
        Op::ListBuckets => objects::list_buckets(&conn, &call.query),
        Op::GetBucketLocation => Ok(objects::bucket_location(&b)),
        Op::ListObjects => objects::list(&conn, &b, &call.query),
        Op::PutBucketReplication => {
            replication_ops::put(&mut conn, &app.ids, &b, h, body, real_now_ms())
        }
        Op::GetBucketReplication => replication_ops::get(&conn, &b),
        Op::GetBucketReplicationLocation => replication_ops::location(&conn, &b),
        Op::GetBucketReplicationProgress => replication_ops::progress(&conn, &b, &call.query),
        Op::DeleteBucketReplication => {
            replication_ops::delete(&mut conn, &b, h, body, real_now_ms())
        }
        Op::PutBucketRtc => replication_ops::put_rtc(&mut conn, &b, h, body, real_now_ms()),
        Op::PutObject => in_tx(&mut conn, |c| objects::put(c, &b, key, h, body, now_ms)),
        Op::GetObject => objects::get(&conn, &b, key, h, false),
        Op::HeadObject => objects::get(&conn, &b, key, h, true),
        Op::DeleteObject => in_tx(&mut conn, |c| objects::delete(c, &b, key, now_ms)),
        Op::GetObjectTagging => objects::get_tagging(&conn, &b, key),
        Op::PutObjectTagging => in_tx(&mut conn, |c| {
            objects::set_tagging(c, &b, key, h, Some(body))
        }),
        Op::DeleteObjectTagging => in_tx(&mut conn, |c| objects::set_tagging(c, &b, key, h, None)),
        Op::PutBucketVersioning => in_tx(&mut conn, |c| buckets::put_versioning(c, &b, h, body)),
        Op::GetBucketVersioning => buckets::get_versioning(&conn, &b),
        Op::GetBucketInfo => buckets::info(&conn, &b),
    }
}
