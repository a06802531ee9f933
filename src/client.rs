//! build -> sign -> send -> parse, with retries, clock-skew correction and
//! credential refresh, over a [`Transport`] trait object so all of it is tested
//! natively against a scripted transport. The wasm facade supplies a `fetch`
//! transport; nothing here touches JavaScript. Not generic on purpose: the wasm
//! holds one copy of this driver whatever transport it runs over.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::attempt::{Attempts, Next, Outcome, put_may_have_landed};
use crate::credentials::Credentials;
use crate::endpoint::{Endpoint, Region};
use crate::error::{Error, ErrorKind, ServiceDetails};
use crate::refresh::{self, Answer};
use crate::replication::{
    self, Operation, OssRequest, ReplicationLocation, ReplicationProgress, ReplicationRule,
};
use crate::retry::{RetryPolicy, retry_after_ms};
use crate::sign::{SignatureVersion, header};
use crate::time::SigningTime;
use crate::xml::{excerpt, parse_error_body};

/// An HTTP request ready to send. `Debug` masks the credential headers.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The operation it performs: what the transport reads of its answer
    /// follows from it ([`crate::answer::headers_to_read`]).
    pub operation: Operation,
    /// Method.
    pub method: &'static str,
    /// Full URL.
    pub url: String,
    /// Every header to send.
    pub headers: Vec<(String, String)>,
    /// Body, if any.
    pub body: Option<String>,
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &crate::redact::RedactedHeaders(&self.headers))
            .field("body", &self.body)
            .finish()
    }
}

/// An HTTP response, body fully read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers (any name case).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The value of header `name`, case-insensitive.
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

/// A boxed future for the one thread the client runs on (no `Send`: wasm is
/// single-threaded by design). [`Transport`] returns these so that it is
/// object-safe and the client holds an `Rc<dyn Transport>`.
pub type LocalFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// The one seam between the client and the outside world.
pub trait Transport {
    /// Sends one attempt. Failures without a response are `Network`, `Timeout`
    /// or `ResponseTooLarge` errors; an HTTP error status is a normal response.
    fn send(&self, request: HttpRequest) -> LocalFuture<'_, Result<HttpResponse, Error>>;
    /// Waits `ms` milliseconds.
    fn sleep(&self, ms: u64) -> LocalFuture<'_, ()>;
    /// The local clock, in milliseconds since the Unix epoch.
    fn now_millis(&self) -> f64;
    /// A uniform random number in `[0, 1)` (backoff jitter, rule IDs).
    fn random(&self) -> f64;
    /// Resolves after `ms` milliseconds; the client races a credential refresh
    /// against it. Dropping the future must cancel the timer (the default is
    /// [`Transport::sleep`]).
    fn deadline(&self, ms: u64) -> LocalFuture<'_, ()> {
        self.sleep(ms)
    }
    /// Fresh credentials from the caller's refresh callback; `None` when there is none.
    fn refresh_credentials(&self) -> LocalFuture<'_, Option<Result<Credentials, Error>>>;
}

/// Client settings, resolved and validated.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Source bucket.
    pub bucket: String,
    /// Signing region.
    pub region: Region,
    /// Where requests go.
    pub endpoint: Endpoint,
    /// Signature version.
    pub version: SignatureVersion,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// Refresh credentials this long after they were fetched (ali-oss `refreshSTSTokenInterval`).
    pub refresh_interval_ms: Option<f64>,
    /// Per-attempt timeout in ms; also bounds a credential refresh.
    pub timeout_ms: f64,
}

/// A successful answer and the request ID OSS gave it.
#[derive(Clone, Debug, PartialEq)]
pub struct Response<T> {
    /// The parsed answer.
    pub value: T,
    /// `x-oss-request-id`.
    pub request_id: Option<String>,
}

/// A replication client for one bucket.
pub struct Client {
    config: ClientConfig,
    transport: Rc<dyn Transport>,
    /// Whether a refresh may ask the transport's callback (not for a client
    /// given another account's static keys, see [`Client::sibling`]).
    use_refresh: bool,
    credentials: RefCell<Option<(Credentials, f64)>>,
    flight: RefCell<Option<Rc<Flight>>>,
    clock_offset_ms: Cell<f64>,
}

impl Client {
    /// A client with optional static credentials (else the transport's refresh is used).
    pub fn new(
        config: ClientConfig,
        transport: Rc<dyn Transport>,
        credentials: Option<Credentials>,
    ) -> Self {
        let now = transport.now_millis();
        Client {
            config,
            credentials: RefCell::new(credentials.map(|c| (c, now))),
            transport,
            use_refresh: true,
            flight: RefCell::new(None),
            clock_offset_ms: Cell::new(0.0),
        }
    }

    /// A client for another bucket (`config`) over this client's transport, with
    /// its own `credentials`, clock correction and refresh. With `refresh: false`
    /// (another account's static keys) the transport's refresh callback is not used.
    pub(crate) fn sibling(
        &self,
        config: ClientConfig,
        credentials: Credentials,
        refresh: bool,
    ) -> Client {
        Client {
            use_refresh: refresh,
            ..Client::new(config, self.transport.clone(), Some(credentials))
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The transport.
    pub fn transport(&self) -> &dyn Transport {
        &*self.transport
    }

    /// The correction applied to the local clock after a `RequestTimeTooSkewed`, in ms.
    pub fn clock_offset_ms(&self) -> f64 {
        self.clock_offset_ms.get()
    }

    fn now(&self) -> SigningTime {
        self.corrected(self.transport.now_millis())
    }

    /// The local clock reading `local_ms` on the server's clock (after a skew correction).
    fn corrected(&self, local_ms: f64) -> SigningTime {
        SigningTime::from_epoch_millis(local_ms + self.clock_offset_ms.get())
    }

    fn needs_refresh(&self) -> bool {
        let local = self.transport.now_millis();
        refresh::due(
            &self.credentials.borrow(),
            self.corrected(local),
            local,
            self.config.refresh_interval_ms,
        )
    }

    /// Current credentials, refreshing first when missing, expiring or due (or when `force`).
    /// Concurrent callers share one refresh.
    pub(crate) async fn credentials(&self, force: bool) -> Result<Credentials, Error> {
        if !force && !self.needs_refresh() {
            if let Some((c, _)) = self.credentials.borrow().as_ref() {
                return Ok(c.clone());
            }
        }
        let existing = self.flight.borrow().clone();
        if let Some(flight) = existing {
            return WaitFlight(flight).await;
        }
        let flight = Rc::new(Flight::default());
        *self.flight.borrow_mut() = Some(flight.clone());
        // Should this future be dropped mid-refresh, the guard releases the waiters
        // and clears the flight, so the next call starts a fresh refresh.
        let guard = FlightGuard {
            slot: &self.flight,
            flight: &flight,
        };
        // A callback whose promise never settles must not wedge the client: the
        // refresh races the client's timeout (as object_store's TokenCache and
        // smithy-rs's identity cache bound theirs).
        let refresh = if self.use_refresh {
            let mut call = self.transport.refresh_credentials();
            let mut deadline = self.transport.deadline(self.config.timeout_ms as u64);
            std::future::poll_fn(|cx| {
                if let Poll::Ready(r) = call.as_mut().poll(cx) {
                    return Poll::Ready(Some(r));
                }
                deadline.as_mut().poll(cx).map(|()| None)
            })
            .await
        } else {
            Some(None)
        };
        let answer = match refresh {
            None => Answer::TimedOut,
            Some(None) => Answer::NoCallback,
            Some(Some(Err(e))) => Answer::Failed(e),
            Some(Some(Ok(c))) => Answer::Got(c),
        };
        let result = refresh::settle(
            answer,
            &self.credentials.borrow(),
            self.now(),
            self.config.timeout_ms,
        );
        if let Ok(c) = &result {
            *self.credentials.borrow_mut() = Some((c.clone(), self.transport.now_millis()));
        }
        std::mem::forget(guard);
        *self.flight.borrow_mut() = None;
        flight.finish(result.clone());
        result
    }

    /// One operation's request, sent with retries: `accept` parses a 2xx answer
    /// into the operation's own variable (or refuses it as unusable) and the
    /// answer's request ID comes back. Not generic, as the driver: each
    /// operation's typed part stays in its closure (see [`answered`]).
    pub(crate) async fn call(
        &self,
        req: Result<OssRequest, Error>,
        accept: &mut dyn FnMut(&HttpResponse) -> Result<(), Error>,
    ) -> Result<Option<String>, Error> {
        self.send_with_retries(&req?, accept)
            .await
            .map_err(|(e, _)| e)
    }

    /// The driver of one call's attempts, deliberately not generic (one copy in
    /// the wasm, as the client itself): it signs, sends and reports each outcome
    /// to [`Attempts`], which decides what happens next. `accept` parses a 2xx
    /// answer and keeps the value.
    async fn send_with_retries(
        &self,
        req: &OssRequest,
        accept: &mut dyn FnMut(&HttpResponse) -> Result<(), Error>,
    ) -> Result<Option<String>, (Error, u32)> {
        let url = req.url(&self.config.endpoint).map_err(|e| (e, 0))?;
        let mut attempts = Attempts::new(self.config.retry, req.method == "GET");
        loop {
            let creds = self
                .credentials(false)
                .await
                .map_err(|e| (e, attempts.retries()))?;
            let signed = req.sign(
                &creds,
                self.config.version,
                self.config.region.id(),
                self.now(),
            );
            let mut headers = req.headers.clone();
            headers.extend(signed.headers);
            let request = HttpRequest {
                operation: req.operation,
                method: req.method,
                url: url.clone(),
                headers,
                body: req.body.clone(),
            };
            let outcome = match self.transport.send(request).await {
                Ok(resp) if (200..300).contains(&resp.status) => match accept(&resp) {
                    Ok(()) => return Ok(resp.header("x-oss-request-id").map(str::to_owned)),
                    Err(e) => Outcome::Unusable(e),
                },
                Ok(resp) => {
                    let error = service_error(&resp).mask_known(&creds.secrets());
                    Outcome::Refused {
                        server_time: server_time(&error, &resp),
                        retry_after_ms: retry_after_ms(resp.header("retry-after")),
                        credentials_replaced: self
                            .credentials
                            .borrow()
                            .as_ref()
                            .is_some_and(|(c, _)| *c != creds),
                        error,
                    }
                }
                Err(e) => Outcome::Failed(e),
            };
            let mut next = attempts.failed(outcome, &|| self.transport.random());
            loop {
                match next {
                    Next::Send => break,
                    Next::FixClock(server) => {
                        let local = self.transport.now_millis();
                        self.clock_offset_ms
                            .set(server.epoch_secs() as f64 * 1000.0 - local);
                        break;
                    }
                    Next::Refresh => {
                        let changed = self.credentials(true).await.is_ok_and(|c| c != creds);
                        next = attempts.refreshed(changed, &|| self.transport.random());
                    }
                    Next::Wait(ms) => {
                        self.transport.sleep(ms).await;
                        break;
                    }
                    Next::Fail(e, retries) => return Err((e, retries)),
                }
            }
        }
    }

    /// A new rule ID in UUID form, for Puts without one (see [`Client::put_bucket_replication`]).
    fn new_rule_id(&self) -> String {
        let hex: String = (0..4)
            .map(|_| format!("{:08x}", (self.transport.random() * 4_294_967_296.0) as u32))
            .collect();
        let variant = 8 + hex.as_bytes()[16] % 4;
        format!(
            "{}-{}-4{}-{variant:x}{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[13..16],
            &hex[17..20],
            &hex[20..32]
        )
    }

    /// PutBucketReplication. When `rule.id` is absent an ID is generated, so a
    /// retried Put can never create a second rule: a retry that meets
    /// `BucketReplicationAlreadyExist` is checked against the bucket's rules and
    /// counts as success when the rule with this ID and destination is there.
    /// Returns the rule ID.
    pub async fn put_bucket_replication(
        &self,
        rule: &ReplicationRule,
    ) -> Result<Response<String>, Error> {
        let mut rule = rule.clone();
        let id = rule.id.get_or_insert_with(|| self.new_rule_id()).clone();
        let req = replication::put_bucket_replication(&self.config.bucket, &rule)?;
        let mut server_id = None;
        let mut accept = |resp: &HttpResponse| {
            server_id = resp
                .header("x-oss-replication-rule-id")
                .filter(|h| !h.is_empty())
                .map(str::to_owned);
            Ok(())
        };
        match self.send_with_retries(&req, &mut accept).await {
            Ok(request_id) => Ok(Response {
                value: server_id.unwrap_or(id),
                request_id,
            }),
            Err((e, retries)) if put_may_have_landed(&e, retries) => {
                let rules = self.get_bucket_replication().await?;
                // Ours only if it has our ID and goes where ours goes: a same-ID rule
                // that existed before this call is still a conflict.
                let ours = |r: &ReplicationRule| {
                    r.id.as_deref() == Some(id.as_str())
                        && r.destination.bucket == rule.destination.bucket
                        && r.destination.location == rule.destination.location
                };
                if rules.value.iter().any(ours) {
                    Ok(Response {
                        value: id,
                        request_id: rules.request_id,
                    })
                } else {
                    Err(e)
                }
            }
            Err((e, _)) => Err(e),
        }
    }

    /// GetBucketReplication: every rule of the bucket. No configuration is an empty list.
    pub async fn get_bucket_replication(&self) -> Result<Response<Vec<ReplicationRule>>, Error> {
        let mut rules = None;
        let sent = self
            .call(
                replication::get_bucket_replication(&self.config.bucket),
                &mut |resp| {
                    replication::parse_get_bucket_replication(&resp.body).map(|v| rules = Some(v))
                },
            )
            .await;
        match sent {
            Err(e) if e.code() == "NoSuchReplicationConfiguration" => Ok(Response {
                value: Vec::new(),
                request_id: e.request_id().map(str::to_owned),
            }),
            sent => answered(rules, sent?),
        }
    }

    /// GetBucketReplicationLocation.
    pub async fn get_bucket_replication_location(
        &self,
    ) -> Result<Response<ReplicationLocation>, Error> {
        let mut location = None;
        let request_id = self
            .call(
                replication::get_bucket_replication_location(&self.config.bucket),
                &mut |resp| {
                    replication::parse_get_bucket_replication_location(&resp.body)
                        .map(|v| location = Some(v))
                },
            )
            .await?;
        answered(location, request_id)
    }

    /// GetBucketReplicationProgress for `rule_id`.
    pub async fn get_bucket_replication_progress(
        &self,
        rule_id: &str,
    ) -> Result<Response<ReplicationProgress>, Error> {
        let mut progress = None;
        let request_id = self
            .call(
                replication::get_bucket_replication_progress(&self.config.bucket, rule_id),
                &mut |resp| {
                    replication::parse_get_bucket_replication_progress(&resp.body)
                        .map(|v| progress = Some(v))
                },
            )
            .await?;
        answered(progress, request_id)
    }

    /// DeleteBucketReplication for `rule_id` (asynchronous on the OSS side: the rule reads back as `closing`).
    pub async fn delete_bucket_replication(&self, rule_id: &str) -> Result<Response<()>, Error> {
        let req = replication::delete_bucket_replication(&self.config.bucket, rule_id);
        let request_id = self.call(req, &mut |_| Ok(())).await?;
        Ok(Response {
            value: (),
            request_id,
        })
    }

    /// PutBucketRTC: turn replication time control on or off for `rule_id`.
    pub async fn put_bucket_rtc(
        &self,
        rule_id: &str,
        enabled: bool,
    ) -> Result<Response<()>, Error> {
        let req = replication::put_bucket_rtc(&self.config.bucket, rule_id, enabled);
        let request_id = self.call(req, &mut |_| Ok(())).await?;
        Ok(Response {
            value: (),
            request_id,
        })
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .field(
                "credentials",
                &self.credentials.borrow().as_ref().map(|(c, _)| c),
            )
            .field("clock_offset_ms", &self.clock_offset_ms.get())
            .finish_non_exhaustive()
    }
}

/// The value an operation's `accept` kept from the answer [`Client::call`]
/// accepted, with that answer's request ID.
pub(crate) fn answered<R>(
    value: Option<R>,
    request_id: Option<String>,
) -> Result<Response<R>, Error> {
    match value {
        Some(value) => Ok(Response { value, request_id }),
        None => Err(Error::parse("no answer was parsed")),
    }
}

/// The error an HTTP error response stands for: the OSS `<Error>` body when
/// there is one, else a code from the status and an excerpt of what came back.
pub fn service_error(resp: &HttpResponse) -> Error {
    let parsed = parse_error_body(&resp.body).unwrap_or_default();
    let header_owned = |name: &str| {
        resp.header(name)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let details = ServiceDetails {
        status: resp.status,
        request_id: parsed
            .request_id
            .or_else(|| header_owned("x-oss-request-id")),
        host_id: parsed.host_id,
        ec: parsed.ec.or_else(|| header_owned("x-oss-ec")),
        recommend_doc: parsed.recommend_doc,
        server_time: parsed.server_time,
        string_to_sign: parsed
            .string_to_sign
            .map(|t| crate::redact::Redacted::echo(&t, &[])),
    };
    let (code, message) = match parsed.code {
        Some(code) => {
            let message = parsed
                .message
                .unwrap_or_else(|| format!("HTTP {}", u32::from(resp.status)));
            (code, message)
        }
        None => {
            let message = if resp.body.iter().all(u8::is_ascii_whitespace) {
                format!("HTTP {} with an empty body", u32::from(resp.status))
            } else {
                format!(
                    "HTTP {} with a body that is not an OSS error (a proxy or gateway answered?): \"{}\"",
                    u32::from(resp.status),
                    excerpt(&resp.body)
                )
            };
            (status_code_name(resp.status).to_owned(), message)
        }
    };
    Error::service(code, message, details)
}

fn status_code_name(status: u16) -> &'static str {
    match status {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "AccessDenied",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        408 => "RequestTimeout",
        409 => "Conflict",
        411 => "MissingContentLength",
        413 => "EntityTooLarge",
        429 => "TooManyRequests",
        500 => "InternalError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        s if s >= 500 => "ServerError",
        _ => "HttpError",
    }
}

/// The server's clock from a `RequestTimeTooSkewed`: `ServerTime`, else the `Date` header.
fn server_time(error: &Error, resp: &HttpResponse) -> Option<SigningTime> {
    error
        .service_details()
        .and_then(|d| d.server_time.as_deref())
        .and_then(SigningTime::parse_iso8601)
        .or_else(|| resp.header("date").and_then(SigningTime::parse_rfc1123))
}

/// One credential refresh that concurrent callers wait on together.
#[derive(Debug, Default)]
struct Flight {
    result: RefCell<Option<Result<Credentials, Error>>>,
    wakers: RefCell<Vec<Waker>>,
}

impl Flight {
    fn finish(&self, result: Result<Credentials, Error>) {
        *self.result.borrow_mut() = Some(result);
        for w in self.wakers.borrow_mut().drain(..) {
            w.wake();
        }
    }
}

/// Releases a flight whose refreshing call was dropped before it finished.
struct FlightGuard<'a> {
    slot: &'a RefCell<Option<Rc<Flight>>>,
    flight: &'a Rc<Flight>,
}

impl Drop for FlightGuard<'_> {
    fn drop(&mut self) {
        let mine = self
            .slot
            .borrow()
            .as_ref()
            .is_some_and(|f| Rc::ptr_eq(f, self.flight));
        if mine {
            *self.slot.borrow_mut() = None;
        }
        self.flight.finish(Err(Error::new(
            ErrorKind::Credentials,
            "CredentialsRefreshAbandoned",
            "the call that was refreshing credentials was cancelled; the next call refreshes again",
        )));
    }
}

struct WaitFlight(Rc<Flight>);

impl Future for WaitFlight {
    type Output = Result<Credentials, Error>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(r) = self.0.result.borrow().as_ref() {
            return Poll::Ready(r.clone());
        }
        self.0.wakers.borrow_mut().push(cx.waker().clone());
        Poll::Pending
    }
}
