//! The HTTP layer (hyper, HTTP/1.1): accept loops for the OSS and www listeners, request
//! body limits, the reserved `/_emulator/` prefix, CORS, fault injection (stall, drop,
//! truncate, HTML, error), and the headers every OSS answer carries (`x-oss-request-id`,
//! `Date`, `Server`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

use crate::app::{App, Reply};
use crate::errors::{OssError, entity_too_large};
use crate::faults::FaultKind;
use crate::oss::{Call, error_reply};
use crate::routing::{parse_query, resolve, virtual_host_bucket};
use crate::static_files::Roots;

/// Largest request body accepted (objects included).
pub const MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;
/// Largest body accepted by `/_emulator/` endpoints.
const MAX_CONTROL_BODY: u64 = 1024 * 1024;

/// A response body that can be cut short (fault injection) or announce a length it does
/// not carry (HEAD answers).
#[derive(Debug)]
pub enum ReplyBody {
    /// The whole body, length known.
    Full(Option<Bytes>),
    /// No body; the `Content-Length` header is set by hand (HEAD).
    Headless,
    /// The first part of a body, a pause (so hyper flushes it), then an error that makes
    /// hyper abort the connection.
    Truncated(Option<Bytes>, Option<Pin<Box<tokio::time::Sleep>>>),
}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        match this {
            ReplyBody::Full(data) => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
            ReplyBody::Headless => Poll::Ready(None),
            ReplyBody::Truncated(data, pause) => {
                if let Some(d) = data.take() {
                    *pause = Some(Box::pin(tokio::time::sleep(Duration::from_millis(100))));
                    if !d.is_empty() {
                        return Poll::Ready(Some(Ok(Frame::data(d))));
                    }
                }
                match pause {
                    Some(p) => {
                        if p.as_mut().poll(cx).is_pending() {
                            return Poll::Pending;
                        }
                        Poll::Ready(Some(Err(std::io::Error::new(
                            std::io::ErrorKind::ConnectionAborted,
                            "truncated by fault injection",
                        ))))
                    }
                    None => Poll::Ready(None),
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            ReplyBody::Full(d) => d.as_ref().is_none_or(Bytes::is_empty),
            ReplyBody::Headless => true,
            ReplyBody::Truncated(..) => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ReplyBody::Full(d) => SizeHint::with_exact(d.as_ref().map_or(0, |d| d.len() as u64)),
            ReplyBody::Headless | ReplyBody::Truncated(..) => SizeHint::default(),
        }
    }
}

/// Returned by a handler to close the connection without an answer.
#[derive(Debug)]
pub struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped")
    }
}

impl std::error::Error for DropConnection {}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Turns a reply into a response with the common headers.
fn finish(
    app: &App,
    reply: Reply,
    request_id: &str,
    origin: Option<&str>,
    head: bool,
    truncate: bool,
) -> Result<Response<ReplyBody>, DropConnection> {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let no_body = head || status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED;
    let len = reply.content_length.unwrap_or(reply.body.len() as u64);
    let body = if truncate {
        if no_body || reply.body.is_empty() {
            return Err(DropConnection);
        }
        let half = reply.body.len() / 2;
        ReplyBody::Truncated(Some(reply.body.slice(..half)), None)
    } else if head {
        ReplyBody::Headless
    } else {
        ReplyBody::Full(Some(reply.body))
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    let mut put = |name: &str, value: &str| {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            h.append(n, v);
        }
    };
    for (k, v) in &reply.headers {
        put(k, v);
    }
    put("x-oss-request-id", request_id);
    put("date", &app.clock.now().to_rfc1123());
    put("server", "AliyunOSS");
    for (k, v) in app.cors.response_headers(origin) {
        put(k, &v);
    }
    if (head || truncate) && status != StatusCode::NO_CONTENT {
        put("content-length", &len.to_string());
    }
    Ok(resp)
}

const HTML_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx (oss-emulator fault injection)</center></body></html>\n";

async fn read_body(
    body: Incoming,
    headers: &[(String, String)],
    cap: u64,
) -> Result<Bytes, Result<OssError, DropConnection>> {
    if let Some(len) = header(headers, "content-length").and_then(|v| v.trim().parse::<u64>().ok())
        && len > cap
    {
        return Err(Ok(entity_too_large(cap)));
    }
    let cap_usize = usize::try_from(cap).unwrap_or(usize::MAX);
    match Limited::new(body, cap_usize).collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(Ok(entity_too_large(cap)))
        }
        Err(_) => Err(Err(DropConnection)),
    }
}

/// Handles one request on the OSS listener.
pub async fn handle(
    app: Arc<App>,
    req: Request<Incoming>,
) -> Result<Response<ReplyBody>, DropConnection> {
    let request_id = app.ids.request_id();
    let method = req.method().as_str().to_owned();
    let raw_path = req.uri().path().to_owned();
    let raw_query = req.uri().query().unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let host = header(&headers, "host")
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    let control = raw_path == "/_emulator" || raw_path.starts_with("/_emulator/");
    let vb = virtual_host_bucket(host.as_deref(), |b| app.bucket_names.contains(b));
    let target = resolve(&raw_path, vb);
    // CORS is a bucket setting in OSS: service-level answers (ListBuckets) carry no
    // CORS headers and service-level preflights are refused.
    let service_level = !control && target.bucket.is_none();
    let origin = header(&headers, "origin")
        .filter(|_| !service_level)
        .map(str::to_owned);
    let origin = origin.as_deref();
    let host_id = host.clone().unwrap_or_else(|| "oss-emulator".to_owned());
    let query = parse_query(&raw_query);
    let head = method == "HEAD";
    // Every early error answer has the same shape: an OSS <Error> body with this request's IDs.
    let error_response = |e: &OssError| {
        finish(
            &app,
            error_reply(e, &request_id, &host_id, head),
            &request_id,
            origin,
            head,
            false,
        )
    };

    if control {
        if method == "OPTIONS" {
            return preflight(&app, &headers, &request_id, &host_id);
        }
        let body = match read_body(req.into_body(), &headers, MAX_CONTROL_BODY).await {
            Ok(b) => b,
            // An OSS error answer, or a connection to drop.
            Err(r) => return r.and_then(|e| error_response(&e)),
        };
        let a = app.clone();
        let (m, p) = (method.clone(), raw_path.clone());
        let reply =
            tokio::task::spawn_blocking(move || crate::control::handle(&a, &m, &p, &query, &body))
                .await
                .unwrap_or_else(|_| Reply::json(500, "{\"error\":\"internal error\"}".into()));
        return finish(&app, reply, &request_id, origin, head, false);
    }

    app.requests.record(
        &method,
        &raw_path,
        &raw_query,
        target.bucket.as_deref(),
        &headers,
    );
    let mut truncate = false;
    if let Some(action) = app
        .faults
        .take(&method, &query, target.bucket.as_deref(), &target.key)
    {
        if action.stall_ms > 0 {
            tokio::time::sleep(Duration::from_millis(action.stall_ms)).await;
        }
        match action.kind {
            FaultKind::Pass => {}
            FaultKind::Drop => return Err(DropConnection),
            FaultKind::Truncate => truncate = true,
            FaultKind::Html => {
                let reply = Reply {
                    status: 502,
                    headers: vec![("content-type".into(), "text/html".into())],
                    body: Bytes::from_static(HTML_PAGE.as_bytes()),
                    content_length: None,
                };
                return finish(&app, reply, &request_id, origin, head, false);
            }
            FaultKind::Error {
                status,
                code,
                message,
            } => {
                let e = OssError::new(status, &code, message);
                return error_response(&e);
            }
        }
    }
    if method == "OPTIONS" {
        if service_level {
            return finish(
                &app,
                error_reply(
                    &cors_refused(header(&headers, "origin"), &headers),
                    &request_id,
                    &host_id,
                    false,
                ),
                &request_id,
                None,
                false,
                false,
            );
        }
        return preflight(&app, &headers, &request_id, &host_id);
    }
    let body = match read_body(req.into_body(), &headers, MAX_BODY_BYTES).await {
        Ok(b) => b,
        // An OSS error answer, or a connection to drop.
        Err(r) => return r.and_then(|e| error_response(&e)),
    };
    let call = Call {
        method,
        target,
        query,
        headers,
        body,
        request_id: request_id.clone(),
        host_id,
    };
    let a = app.clone();
    let reply = match tokio::task::spawn_blocking(move || crate::oss::handle(&a, &call)).await {
        Ok(r) => r,
        Err(e) => error_reply(
            &crate::errors::internal(e),
            &request_id,
            "oss-emulator",
            head,
        ),
    };
    finish(&app, reply, &request_id, origin, head, truncate)
}

/// OSS's 403 for a preflight no CORS rule allows.
fn cors_refused(origin: Option<&str>, headers: &[(String, String)]) -> OssError {
    OssError::new(
        403,
        "AccessForbidden",
        "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
    )
    .with("Origin", origin.unwrap_or(""))
    .with("Method", header(headers, "access-control-request-method").unwrap_or(""))
}

fn preflight(
    app: &App,
    headers: &[(String, String)],
    request_id: &str,
    host_id: &str,
) -> Result<Response<ReplyBody>, DropConnection> {
    let origin = header(headers, "origin");
    match app.cors.preflight(
        origin,
        header(headers, "access-control-request-method"),
        header(headers, "access-control-request-headers"),
    ) {
        Some(cors) => {
            let mut reply = Reply::empty(200);
            for (k, v) in cors {
                reply = reply.header(k, v);
            }
            // CORS headers are already in the reply: do not add them twice.
            finish(app, reply, request_id, None, false, false)
        }
        None => {
            let e = cors_refused(origin, headers);
            finish(
                app,
                error_reply(&e, request_id, host_id, false),
                request_id,
                None,
                false,
                false,
            )
        }
    }
}

/// Serves a listener forever, one task per connection.
pub async fn serve<F, Fut>(listener: TcpListener, handler: F)
where
    F: Fn(Request<Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<Response<ReplyBody>, DropConnection>> + Send + 'static,
{
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(e) => {
                // Out of file descriptors and the like: wait a little instead of spinning.
                eprintln!("oss-emulator: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let handler = handler.clone();
        tokio::spawn(async move {
            let service = service_fn(&handler);
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(30))
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Handles one request on the www listener.
pub async fn handle_www(
    app: Arc<App>,
    roots: Arc<Roots>,
    req: Request<Incoming>,
) -> Result<Response<ReplyBody>, DropConnection> {
    let method = req.method().as_str().to_owned();
    let config = app.www_config_json();
    let reply = crate::static_files::serve(&roots, &method, req.uri().path(), &config).await;
    let head = method == "HEAD";
    let len = reply.content_length.unwrap_or(reply.body.len() as u64);
    let mut resp = Response::new(if head {
        ReplyBody::Headless
    } else {
        ReplyBody::Full(Some(reply.body))
    });
    *resp.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in &reply.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            resp.headers_mut().append(n, v);
        }
    }
    if head && let Ok(v) = HeaderValue::from_str(&len.to_string()) {
        resp.headers_mut().insert(hyper::header::CONTENT_LENGTH, v);
    }
    Ok(resp)
}
