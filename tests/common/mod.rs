//! The scripted transport and executor the client tests share (tests/client.rs,
//! tests/insight.rs): every request is recorded and answered from a queue or by
//! a function of what was sent, sleeps advance an injected clock, and futures
//! are polled by hand with a no-op waker.

#![allow(dead_code)] // each test file uses its own part

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use oss_replication::answer;
use oss_replication::client::{ClientConfig, HttpRequest, HttpResponse, LocalFuture, Transport};
use oss_replication::retry::RetryPolicy;
use oss_replication::{
    Credentials, Endpoint, EndpointOptions, Error, ErrorKind, Region, SignatureVersion,
};

/// The scripted clock's start: 2024-04-17T08:00:00Z.
pub const NOW_MS: f64 = 1_713_340_800_000.0;

/// What one attempt gets back.
pub type Answer = Result<HttpResponse, Error>;
/// What the refresh callback yields: a token and its expiry, or a failure message.
pub type RefreshPlan = Result<(String, Option<i64>), String>;
/// Answers a request from what was sent (and the transport's state).
pub type Route = Box<dyn Fn(&HttpRequest, &Scripted) -> HttpResponse>;

/// A transport that answers from a script and records what the client did.
#[derive(Default)]
pub struct Scripted {
    /// Answers in the order requests are sent (when there is no route).
    pub answers: RefCell<VecDeque<Answer>>,
    /// Answers every request instead of the queue.
    pub route: Option<Route>,
    pub sent: RefCell<Vec<HttpRequest>>,
    pub sleeps: RefCell<Vec<u64>>,
    pub clock_ms: Cell<f64>,
    pub refreshes: Cell<u32>,
    /// The refresh callback's answer; `None`: there is no callback.
    pub refresh_with: RefCell<Option<RefreshPlan>>,
    /// The refresh callback's promise never settles.
    pub refresh_hangs: Cell<bool>,
    /// Deadlines the client armed (ms).
    pub deadlines: RefCell<Vec<u64>>,
}

impl Scripted {
    /// Answers requests with `answers`, in order.
    pub fn new(answers: Vec<Answer>) -> Rc<Self> {
        Rc::new(Scripted {
            answers: RefCell::new(answers.into()),
            clock_ms: Cell::new(NOW_MS),
            ..Default::default()
        })
    }

    /// Answers each request with `route(request, transport)`.
    pub fn routed(
        now_ms: f64,
        route: impl Fn(&HttpRequest, &Scripted) -> HttpResponse + 'static,
    ) -> Rc<Self> {
        Rc::new(Scripted {
            route: Some(Box::new(route)),
            clock_ms: Cell::new(now_ms),
            ..Default::default()
        })
    }

    /// `METHOD url` of every request sent.
    pub fn urls(&self) -> Vec<String> {
        self.sent
            .borrow()
            .iter()
            .map(|r| format!("{} {}", r.method, r.url))
            .collect()
    }

    /// How many requests sent contain `needle` in `METHOD url`.
    pub fn count(&self, needle: &str) -> usize {
        self.urls().iter().filter(|u| u.contains(needle)).count()
    }
}

/// A future that is pending once, so concurrent callers interleave.
pub struct YieldOnce(pub bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

impl Transport for Scripted {
    fn send(&self, request: HttpRequest) -> LocalFuture<'_, Result<HttpResponse, Error>> {
        Box::pin(async move {
            let answer = match &self.route {
                Some(route) => Ok(route(&request, self)),
                // Answers are matched to requests in the order they are sent.
                None => self
                    .answers
                    .borrow_mut()
                    .pop_front()
                    .expect("the script ran out of answers"),
            };
            // Only the headers the fetch transport reads reach the client (as in
            // src/js/fetch.rs): a header an operation needs but does not ask for fails here.
            let wanted = |r: &HttpResponse| answer::headers_to_read(request.operation, r.status);
            let answer = answer.map(|mut r| {
                let names = wanted(&r);
                r.headers
                    .retain(|(k, _)| names.iter().any(|n| n.eq_ignore_ascii_case(k)));
                r
            });
            self.sent.borrow_mut().push(request);
            YieldOnce(false).await;
            answer
        })
    }
    fn sleep(&self, ms: u64) -> LocalFuture<'_, ()> {
        Box::pin(async move {
            self.sleeps.borrow_mut().push(ms);
            self.clock_ms.set(self.clock_ms.get() + ms as f64);
        })
    }
    fn now_millis(&self) -> f64 {
        self.clock_ms.get()
    }
    /// A deadline fires after a few polls: anything that settles sooner wins.
    fn deadline(&self, ms: u64) -> LocalFuture<'_, ()> {
        Box::pin(async move {
            self.deadlines.borrow_mut().push(ms);
            for _ in 0..5 {
                YieldOnce(false).await;
            }
        })
    }
    fn random(&self) -> f64 {
        0.5
    }
    fn refresh_credentials(&self) -> LocalFuture<'_, Option<Result<Credentials, Error>>> {
        Box::pin(async move {
            let plan = self.refresh_with.borrow().clone()?;
            self.refreshes.set(self.refreshes.get() + 1);
            if self.refresh_hangs.get() {
                std::future::pending::<()>().await;
            }
            // A new secret per refresh, as STS vends: refreshed credentials differ.
            let secret = format!("refreshed-secret-{}", self.refreshes.get());
            YieldOnce(false).await;
            Some(match plan {
                Ok((token, exp)) => Ok(Credentials::new("STS.refreshed", secret, Some(token))
                    .unwrap()
                    .with_expiration(exp.map(oss_replication::SigningTime::from_epoch_secs))),
                Err(msg) => Err(Error::new(ErrorKind::Credentials, "Callback", msg)),
            })
        })
    }
}

/// A client for `bucket` in cn-hangzhou, sending to an address nothing answers
/// (the transport is scripted), with `retries` retries and a 1 s timeout.
pub fn config(bucket: &str, version: SignatureVersion, retries: u32) -> ClientConfig {
    let region = Region::new("cn-hangzhou").unwrap();
    ClientConfig {
        bucket: bucket.into(),
        endpoint: Endpoint::new(
            &region,
            &EndpointOptions {
                endpoint: Some("http://127.0.0.1:9"),
                ..Default::default()
            },
        )
        .unwrap(),
        region,
        version,
        retry: RetryPolicy {
            max_retries: retries,
            ..Default::default()
        },
        refresh_interval_ms: None,
        timeout_ms: 1000.0,
    }
}

/// Polls `f` to completion with a no-op waker (every test future makes progress
/// on each poll); panics when it does not complete.
pub fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..100_000 {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("future did not complete");
}
