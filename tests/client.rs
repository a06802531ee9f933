//! The client's logic (retries, backoff, skew, refresh, idempotent Put, error
//! mapping) against a scripted transport: every request it sends is recorded
//! and every answer is scripted, so each behaviour is asserted exactly.

mod common;

use std::future::Future;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use common::{Answer, NOW_MS, Scripted as Script, block_on};
use oss_replication::client::{Client, ClientConfig, HttpRequest, HttpResponse};
use oss_replication::replication::{Destination, ReplicationRule};
use oss_replication::{Credentials, Error, ErrorKind, SignatureVersion};

fn ok(body: &str) -> Answer {
    Ok(HttpResponse {
        status: 200,
        headers: vec![("x-oss-request-id".into(), "RID-OK".into())],
        body: body.into(),
    })
}

fn oss_error(status: u16, code: &str, extra: &str) -> Answer {
    Ok(HttpResponse {
        status,
        headers: vec![("x-oss-request-id".into(), "RID-ERR".into()), ("x-oss-ec".into(), "0016-1".into())],
        body: format!("<Error><Code>{code}</Code><Message>m {code}</Message><RequestId>RID-BODY</RequestId><HostId>h</HostId>{extra}</Error>").into(),
    })
}

fn network() -> Answer {
    Err(Error::new(
        ErrorKind::Network,
        "NetworkError",
        "connection reset",
    ))
}

fn config(version: SignatureVersion, retries: u32) -> ClientConfig {
    common::config("source-bucket", version, retries)
}

fn client(script: &Rc<Script>) -> Client {
    Client::new(
        config(SignatureVersion::V4, 3),
        script.clone(),
        Some(Credentials::new("AKID", "secret-value", None).unwrap()),
    )
}

fn rule() -> ReplicationRule {
    ReplicationRule {
        destination: Destination {
            bucket: "dest-bucket".into(),
            location: "oss-cn-beijing".into(),
            transfer_type: None,
        },
        prefixes: vec!["logs/".into()],
        ..Default::default()
    }
}

fn header<'a>(r: &'a HttpRequest, name: &str) -> Option<&'a str> {
    r.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[test]
fn get_sends_a_signed_v4_request_and_parses() {
    let s = Script::new(vec![ok(
        "<ReplicationConfiguration><Rule><ID>r1</ID><Destination><Bucket>d</Bucket><Location>oss-cn-beijing</Location></Destination><Status>doing</Status></Rule></ReplicationConfiguration>",
    )]);
    let r = block_on(client(&s).get_bucket_replication()).unwrap();
    assert_eq!(r.value[0].id.as_deref(), Some("r1"));
    assert_eq!(r.request_id.as_deref(), Some("RID-OK"));
    let sent = s.sent.borrow();
    assert_eq!(sent[0].url, "http://127.0.0.1:9/source-bucket/?replication");
    assert_eq!(header(&sent[0], "x-oss-date"), Some("20240417T080000Z"));
    assert!(header(&sent[0], "authorization").unwrap().starts_with(
        "OSS4-HMAC-SHA256 Credential=AKID/20240417/cn-hangzhou/oss/aliyun_v4_request,Signature="
    ));
    assert!(
        header(&sent[0], "date").is_none(),
        "no Date header: browsers drop it"
    );
    assert!(s.sleeps.borrow().is_empty());
}

#[test]
fn v1_uses_x_oss_date_and_signs_per_operation_subresources() {
    let s = Script::new(vec![ok(
        "<ReplicationProgress><Rule><ID>a b</ID><Progress><HistoricalObject>0.5</HistoricalObject></Progress></Rule></ReplicationProgress>",
    )]);
    let c = Client::new(
        config(SignatureVersion::V1, 0),
        s.clone(),
        Some(Credentials::new("AKID", "secret-value", Some("tok".into())).unwrap()),
    );
    let p = block_on(c.get_bucket_replication_progress("a b")).unwrap();
    assert_eq!(p.value.historical_object, Some(0.5));
    let sent = s.sent.borrow();
    assert_eq!(
        sent[0].url,
        "http://127.0.0.1:9/source-bucket/?replicationProgress&rule-id=a%20b"
    );
    assert_eq!(
        header(&sent[0], "x-oss-date"),
        Some("Wed, 17 Apr 2024 08:00:00 GMT")
    );
    assert_eq!(header(&sent[0], "x-oss-security-token"), Some("tok"));
    let expected = oss_replication::sign::v1::signature(
        "secret-value",
        "GET\n\n\nWed, 17 Apr 2024 08:00:00 GMT\nx-oss-date:Wed, 17 Apr 2024 08:00:00 GMT\nx-oss-security-token:tok\n/source-bucket/?replicationProgress",
    );
    assert_eq!(
        header(&sent[0], "authorization"),
        Some(format!("OSS AKID:{expected}").as_str())
    );
}

#[test]
fn retries_5xx_and_network_with_full_jitter_then_succeeds() {
    let s = Script::new(vec![
        oss_error(503, "ServiceUnavailable", ""),
        network(),
        oss_error(500, "InternalError", ""),
        ok("<ReplicationLocation/>"),
    ]);
    block_on(client(&s).get_bucket_replication_location()).unwrap();
    assert_eq!(s.sent.borrow().len(), 4);
    assert_eq!(*s.sleeps.borrow(), [100, 200, 400]);
}

#[test]
fn gives_up_after_retry_max_with_the_last_error() {
    let s = Script::new(vec![oss_error(503, "ServiceUnavailable", ""); 4]);
    let e = block_on(client(&s).get_bucket_replication_location()).unwrap_err();
    assert_eq!(
        (e.code(), e.status(), e.is_retryable()),
        ("ServiceUnavailable", Some(503), true)
    );
    assert_eq!(s.sent.borrow().len(), 4);
}

#[test]
fn honours_retry_after() {
    let mut throttled = oss_error(429, "TooManyRequests", "").unwrap();
    throttled.headers.push(("Retry-After".into(), "3".into()));
    let s = Script::new(vec![Ok(throttled), ok("<ReplicationLocation/>")]);
    block_on(client(&s).get_bucket_replication_location()).unwrap();
    assert_eq!(*s.sleeps.borrow(), [3000]);
}

#[test]
fn never_retries_other_4xx() {
    for code in [
        "AccessDenied",
        "NoSuchBucket",
        "InvalidTargetBucket",
        "SignatureDoesNotMatch",
    ] {
        let s = Script::new(vec![oss_error(403, code, "")]);
        let e = block_on(client(&s).get_bucket_replication_location()).unwrap_err();
        assert_eq!(e.code(), code);
        assert_eq!(s.sent.borrow().len(), 1, "{code} must not be retried");
        let d = e.service_details().unwrap();
        assert_eq!(
            (
                d.request_id.as_deref(),
                d.ec.as_deref(),
                d.host_id.as_deref()
            ),
            (Some("RID-BODY"), Some("0016-1"), Some("h"))
        );
    }
}

#[test]
fn html_and_empty_error_bodies_get_a_code_from_the_status() {
    let s = Script::new(vec![
        Ok(HttpResponse {
            status: 502,
            headers: vec![],
            body: b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
        }),
        Ok(HttpResponse {
            status: 403,
            headers: vec![("x-oss-request-id".into(), "R403".into())],
            body: vec![],
        }),
    ]);
    let c = Client::new(
        config(SignatureVersion::V4, 0),
        s.clone(),
        Some(Credentials::new("AKID", "secret-value", None).unwrap()),
    );
    let e = block_on(c.get_bucket_replication()).unwrap_err();
    assert_eq!(e.code(), "BadGateway");
    assert!(
        e.message().contains("not an OSS error") && e.message().contains("502 Bad Gateway"),
        "{}",
        e.message()
    );
    let e = block_on(c.get_bucket_replication()).unwrap_err();
    assert_eq!(
        (e.code(), e.message(), e.request_id()),
        ("AccessDenied", "HTTP 403 with an empty body", Some("R403"))
    );
}

#[test]
fn no_configuration_is_an_empty_list() {
    let s = Script::new(vec![oss_error(404, "NoSuchReplicationConfiguration", "")]);
    let r = block_on(client(&s).get_bucket_replication()).unwrap();
    assert!(r.value.is_empty());
}

#[test]
fn clock_skew_is_corrected_once_and_kept() {
    let s = Script::new(vec![
        oss_error(
            403,
            "RequestTimeTooSkewed",
            "<ServerTime>2024-04-17T08:20:00.000Z</ServerTime>",
        ),
        ok("<ReplicationLocation/>"),
        ok("<ReplicationLocation/>"),
    ]);
    let c = client(&s);
    block_on(c.get_bucket_replication_location()).unwrap();
    assert_eq!(c.clock_offset_ms(), 1_200_000.0);
    block_on(c.get_bucket_replication_location()).unwrap();
    let sent = s.sent.borrow();
    assert_eq!(header(&sent[0], "x-oss-date"), Some("20240417T080000Z"));
    assert_eq!(header(&sent[1], "x-oss-date"), Some("20240417T082000Z"));
    assert_eq!(header(&sent[2], "x-oss-date"), Some("20240417T082000Z"));
    assert!(s.sleeps.borrow().is_empty());
}

#[test]
fn skew_from_the_date_header_and_only_once() {
    let mut skewed = oss_error(403, "RequestTimeTooSkewed", "").unwrap();
    skewed
        .headers
        .push(("Date".into(), "Wed, 17 Apr 2024 07:40:00 GMT".into()));
    let s = Script::new(vec![Ok(skewed.clone()), Ok(skewed)]);
    let c = client(&s);
    let e = block_on(c.get_bucket_replication_location()).unwrap_err();
    assert_eq!(e.code(), "RequestTimeTooSkewed");
    assert_eq!(c.clock_offset_ms(), -1_200_000.0);
    assert_eq!(s.sent.borrow().len(), 2);
}

#[test]
fn put_generates_an_id_and_a_retry_meeting_already_exist_is_success() {
    let s = Script::new(vec![
        network(),
        oss_error(400, "BucketReplicationAlreadyExist", ""),
        ok(""), // placeholder replaced below
    ]);
    let c = client(&s);
    // The Get after the conflict must list the generated ID: answer it once we know it.
    let r = rule();
    let fut = c.put_bucket_replication(&r);
    let mut fut = std::pin::pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    let mut result = None;
    for _ in 0..1000 {
        let sent = s.sent.borrow().len();
        if sent == 2 {
            let body = s.sent.borrow()[0].body.clone().unwrap();
            let id = body
                .split("<ID>")
                .nth(1)
                .unwrap()
                .split("</ID>")
                .next()
                .unwrap()
                .to_owned();
            s.answers.borrow_mut()[0] = ok(&format!(
                "<ReplicationConfiguration><Rule><ID>{id}</ID><Destination><Bucket>dest-bucket</Bucket><Location>oss-cn-beijing</Location></Destination></Rule></ReplicationConfiguration>"
            ));
        }
        if let Poll::Ready(r) = fut.as_mut().poll(&mut cx) {
            result = Some(r);
            break;
        }
    }
    let r = result.unwrap().unwrap();
    let sent = s.sent.borrow();
    assert_eq!(sent.len(), 3);
    assert_eq!(
        sent[0].body, sent[1].body,
        "the retry sends the same rule ID"
    );
    assert!(sent[2].url.ends_with("?replication"));
    assert_eq!(r.value.len(), 36);
    assert!(
        sent[0]
            .body
            .as_ref()
            .unwrap()
            .contains(&format!("<ID>{}</ID>", r.value))
    );
}

#[test]
fn a_same_id_rule_elsewhere_is_still_a_conflict_after_a_retry() {
    let s = Script::new(vec![
        network(),
        oss_error(400, "BucketReplicationAlreadyExist", ""),
        ok(
            "<ReplicationConfiguration><Rule><ID>mine</ID><Destination><Bucket>other-bucket</Bucket><Location>oss-cn-beijing</Location></Destination></Rule></ReplicationConfiguration>",
        ),
    ]);
    let mut r = rule();
    r.id = Some("mine".into());
    let e = block_on(client(&s).put_bucket_replication(&r)).unwrap_err();
    assert_eq!(e.code(), "BucketReplicationAlreadyExist");
    assert_eq!(s.sent.borrow().len(), 3);
}

#[test]
fn put_already_exist_without_a_retry_is_an_error() {
    let s = Script::new(vec![oss_error(400, "BucketReplicationAlreadyExist", "")]);
    let mut r = rule();
    r.id = Some("mine".into());
    let e = block_on(client(&s).put_bucket_replication(&r)).unwrap_err();
    assert_eq!(e.code(), "BucketReplicationAlreadyExist");
}

#[test]
fn put_returns_the_server_rule_id_header_and_sends_md5() {
    let mut resp = ok("").unwrap();
    resp.headers
        .push(("x-oss-replication-rule-id".into(), "server-id".into()));
    let s = Script::new(vec![Ok(resp)]);
    let r = block_on(client(&s).put_bucket_replication(&rule())).unwrap();
    assert_eq!(r.value, "server-id");
    let sent = s.sent.borrow();
    assert_eq!(sent[0].method, "POST");
    assert!(
        sent[0]
            .url
            .ends_with("/source-bucket/?replication&comp=add")
    );
    assert_eq!(header(&sent[0], "content-type"), Some("application/xml"));
    assert!(header(&sent[0], "content-md5").is_some());
}

#[test]
fn invalid_rule_fails_before_any_request() {
    let s = Script::new(vec![]);
    let mut r = rule();
    r.prefixes = vec!["p".into(); 11];
    let e = block_on(client(&s).put_bucket_replication(&r)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.message().starts_with("rule.prefixes"));
    assert!(s.sent.borrow().is_empty());
}

fn refreshing(script: &Rc<Script>, exp: Option<i64>) -> Client {
    *script.refresh_with.borrow_mut() = Some(Ok(("token-2".into(), exp)));
    Client::new(config(SignatureVersion::V4, 3), script.clone(), None)
}

#[test]
fn concurrent_calls_share_one_refresh() {
    let s = Script::new((0..5).map(|_| ok("<ReplicationLocation/>")).collect());
    let c = refreshing(&s, Some(1_713_344_400));
    let mut futs: Vec<_> = (0..5)
        .map(|_| Box::pin(c.get_bucket_replication_location()))
        .collect();
    let mut cx = Context::from_waker(Waker::noop());
    let mut done = [false; 5];
    for _ in 0..100 {
        for (i, f) in futs.iter_mut().enumerate() {
            if !done[i] {
                if let Poll::Ready(r) = f.as_mut().poll(&mut cx) {
                    r.unwrap();
                    done[i] = true;
                }
            }
        }
    }
    assert!(done.iter().all(|d| *d));
    assert_eq!(s.refreshes.get(), 1);
    assert!(
        s.sent
            .borrow()
            .iter()
            .all(|r| header(r, "x-oss-security-token") == Some("token-2"))
    );
}

#[test]
fn refreshes_ahead_of_expiry_and_after_the_interval() {
    let s = Script::new((0..4).map(|_| ok("<ReplicationLocation/>")).collect());
    let c = refreshing(&s, Some(1_713_341_100)); // 5 minutes after NOW
    block_on(c.get_bucket_replication_location()).unwrap();
    block_on(c.get_bucket_replication_location()).unwrap();
    assert_eq!(s.refreshes.get(), 1);
    s.clock_ms.set(NOW_MS + 250_000.0); // 50 s before expiry: inside the margin
    block_on(c.get_bucket_replication_location()).unwrap();
    assert_eq!(s.refreshes.get(), 2);

    let s = Script::new((0..3).map(|_| ok("<ReplicationLocation/>")).collect());
    *s.refresh_with.borrow_mut() = Some(Ok(("t".into(), None)));
    let mut cfg = config(SignatureVersion::V4, 0);
    cfg.refresh_interval_ms = Some(60_000.0);
    let c = Client::new(cfg, s.clone(), None);
    block_on(c.get_bucket_replication_location()).unwrap();
    s.clock_ms.set(NOW_MS + 59_000.0);
    block_on(c.get_bucket_replication_location()).unwrap();
    assert_eq!(s.refreshes.get(), 1);
    s.clock_ms.set(NOW_MS + 61_000.0);
    block_on(c.get_bucket_replication_location()).unwrap();
    assert_eq!(s.refreshes.get(), 2);
}

#[test]
fn auth_errors_refresh_once_then_fail() {
    let s = Script::new(vec![
        oss_error(403, "SecurityTokenExpired", ""),
        ok("<ReplicationLocation/>"),
    ]);
    let c = refreshing(&s, None);
    block_on(c.get_bucket_replication_location()).unwrap();
    assert_eq!(s.refreshes.get(), 2, "initial fetch + one forced refresh");

    let s = Script::new(vec![
        oss_error(403, "InvalidAccessKeyId", ""),
        oss_error(403, "InvalidAccessKeyId", ""),
    ]);
    let c = refreshing(&s, None);
    let e = block_on(c.get_bucket_replication_location()).unwrap_err();
    assert_eq!(e.code(), "InvalidAccessKeyId");
    assert_eq!(s.sent.borrow().len(), 2);
}

#[test]
fn calls_failing_after_a_refresh_reuse_it_instead_of_refreshing_again() {
    // Three calls in flight with expired credentials; their 403s arrive one after
    // another: the first refreshes, the later ones retry with the new credentials.
    let mut answers = vec![ok("<ReplicationLocation/>")];
    answers.extend((0..3).map(|_| oss_error(403, "SecurityTokenExpired", "")));
    answers.extend((0..3).map(|_| ok("<ReplicationLocation/>")));
    let s = Script::new(answers);
    let c = refreshing(&s, None);
    block_on(c.get_bucket_replication_location()).unwrap();
    assert_eq!(s.refreshes.get(), 1);
    *s.refresh_with.borrow_mut() = Some(Ok(("token-3".into(), None)));
    let mut futs: Vec<_> = (0..3)
        .map(|_| Box::pin(c.get_bucket_replication_location()))
        .collect();
    let mut cx = Context::from_waker(Waker::noop());
    // All three send with the old token first...
    for f in &mut futs {
        assert!(f.as_mut().poll(&mut cx).is_pending());
    }
    assert_eq!(s.sent.borrow().len(), 4);
    // ...then each runs to completion in turn, so the later 403s arrive after the refresh.
    for f in &mut futs {
        let mut result = None;
        for _ in 0..100 {
            if let Poll::Ready(r) = f.as_mut().poll(&mut cx) {
                result = Some(r);
                break;
            }
        }
        result.expect("call completes").unwrap();
    }
    assert_eq!(
        s.refreshes.get(),
        2,
        "one refresh for the three expired calls"
    );
    let sent = s.sent.borrow();
    assert!(
        sent[4..]
            .iter()
            .all(|r| header(r, "x-oss-security-token") == Some("token-3"))
    );
}

#[test]
fn a_failing_refresh_rejects_with_its_message_and_the_client_recovers() {
    let s = Script::new(vec![ok("<ReplicationLocation/>")]);
    *s.refresh_with.borrow_mut() = Some(Err("STS endpoint said 500".into()));
    let c = Client::new(config(SignatureVersion::V4, 3), s.clone(), None);
    let e = block_on(c.get_bucket_replication_location()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Credentials);
    assert_eq!(e.message(), "refreshSTSToken failed: STS endpoint said 500");
    assert!(s.sent.borrow().is_empty());
    *s.refresh_with.borrow_mut() = Some(Ok(("t".into(), None)));
    block_on(c.get_bucket_replication_location()).unwrap();
}

#[test]
fn no_credentials_at_all_is_a_clear_error() {
    let s = Script::new(vec![]);
    let c = Client::new(config(SignatureVersion::V4, 3), s.clone(), None);
    let e = block_on(c.get_bucket_replication()).unwrap_err();
    assert_eq!(e.code(), "MissingCredentials");
}

#[test]
fn truncated_get_bodies_are_retried_but_put_parse_is_not_needed() {
    let s = Script::new(vec![
        ok("<ReplicationConfiguration><Rule><ID>x"),
        ok("<ReplicationConfiguration/>"),
    ]);
    block_on(client(&s).get_bucket_replication()).unwrap();
    assert_eq!(s.sent.borrow().len(), 2);
    let s = Script::new(vec![ok("<ReplicationConfiguration><Rule>"); 4]);
    let e = block_on(client(&s).get_bucket_replication()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Parse);
    assert!(e.message().starts_with("truncated XML"));
}

#[test]
fn the_client_keeps_working_after_every_kind_of_error() {
    let s = Script::new(vec![
        network(),
        Err(Error::client_timeout(10.0)),
        Err(Error::new(
            ErrorKind::ResponseTooLarge,
            "ResponseTooLarge",
            "over 4 MiB",
        )),
        oss_error(404, "NoSuchBucket", ""),
        ok("not xml"),
        ok("<ReplicationLocation><Location>oss-cn-beijing</Location></ReplicationLocation>"),
    ]);
    let c = Client::new(
        config(SignatureVersion::V4, 0),
        s.clone(),
        Some(Credentials::new("AKID", "secret-value", None).unwrap()),
    );
    let codes: Vec<String> = (0..5)
        .map(|_| {
            block_on(c.get_bucket_replication_location())
                .unwrap_err()
                .code()
                .to_owned()
        })
        .collect();
    assert_eq!(
        codes,
        [
            "NetworkError",
            "ClientTimeout",
            "ResponseTooLarge",
            "NoSuchBucket",
            "MalformedResponse"
        ]
    );
    let l = block_on(c.get_bucket_replication_location()).unwrap();
    assert_eq!(l.value.locations, ["oss-cn-beijing"]);
}

#[test]
fn secrets_never_appear_in_errors() {
    let s = Script::new(vec![oss_error(
        403,
        "SignatureDoesNotMatch",
        // What the server echoes can hold the token (V1 + STS) and, from a proxy, anything.
        "<StringToSign>GET\nx-oss-security-token:token-xyz\n</StringToSign><HostId>echo secret-value</HostId>",
    )]);
    let c = Client::new(
        config(SignatureVersion::V4, 0),
        s.clone(),
        Some(Credentials::new("AKID", "secret-value", Some("token-xyz".into())).unwrap()),
    );
    let e = block_on(c.get_bucket_replication()).unwrap_err();
    for text in [e.to_string(), format!("{e:?}"), format!("{c:?}")] {
        assert!(
            !text.contains("secret-value") && !text.contains("token-xyz"),
            "{text}"
        );
    }
}

#[test]
fn sts_token_echoed_by_a_v1_signature_mismatch_is_redacted_everywhere() {
    const SECRET: &str = "sts-secret-value-0123";
    const TOKEN: &str = "CAIS-token+xyz/0123=";
    // What OSS answers to a V1 + STS request with a wrong signature: the string it
    // signed, with the token line, and (as some proxies do) the secret quoted back.
    let echo = format!(
        "<StringToSign>GET\n\n\nWed, 17 Apr 2024 08:00:00 GMT\nx-oss-security-token:{TOKEN}\n/source-bucket/?replication&amp;security-token={TOKEN}</StringToSign><CanonicalRequest>x-oss-security-token:{TOKEN}</CanonicalRequest><SignatureProvided>{SECRET}</SignatureProvided>"
    );
    let s = Script::new(vec![oss_error(403, "SignatureDoesNotMatch", &echo)]);
    let c = Client::new(
        config(SignatureVersion::V1, 0),
        s.clone(),
        Some(Credentials::new("STS.AKID", SECRET, Some(TOKEN.into())).unwrap()),
    );
    let e = block_on(c.get_bucket_replication()).unwrap_err();
    let sts = e.service_details().unwrap().string_to_sign.clone().unwrap();
    assert!(
        sts.as_str().contains("x-oss-security-token:<redacted>"),
        "{sts}"
    );
    let signed = oss_replication::replication::get_bucket_replication("source-bucket")
        .unwrap()
        .sign(
            &Credentials::new("STS.AKID", SECRET, Some(TOKEN.into())).unwrap(),
            SignatureVersion::V4,
            "cn-hangzhou",
            oss_replication::SigningTime::from_epoch_secs(1_713_340_800),
        );
    for text in [
        e.to_string(),
        format!("{e:?}"),
        format!("{e:#?}"),
        sts.to_string(),
        format!("{sts:?}"),
        format!("{c:?}"),
        format!("{:?}", s.sent.borrow()),
        format!("{signed:?}"),
    ] {
        assert!(!text.contains(SECRET) && !text.contains(TOKEN), "{text}");
    }
}

#[test]
fn static_keys_rejected_as_invalid_are_not_sent_twice() {
    for code in ["InvalidAccessKeyId", "InvalidSecurityToken"] {
        let s = Script::new(vec![oss_error(403, code, ""), ok("<ReplicationLocation/>")]);
        let c = client(&s);
        let e = block_on(c.get_bucket_replication_location()).unwrap_err();
        assert_eq!(e.code(), code);
        assert_eq!(
            s.sent.borrow().len(),
            1,
            "{code}: the identical request was resent"
        );
        assert_eq!(s.refreshes.get(), 0);
    }
}

#[test]
fn a_refresh_that_never_settles_fails_within_the_timeout_and_the_next_call_refreshes_again() {
    let s = Script::new(vec![ok("<ReplicationLocation/>")]);
    *s.refresh_with.borrow_mut() = Some(Ok(("t".into(), None)));
    s.refresh_hangs.set(true);
    let c = Client::new(config(SignatureVersion::V4, 3), s.clone(), None);
    // Two calls waiting on the same stuck refresh both fail, with a clear code.
    let mut a = Box::pin(c.get_bucket_replication_location());
    let mut b = Box::pin(c.get_bucket_replication());
    let (mut ra, mut rb) = (None, None);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..100 {
        if ra.is_none() {
            if let Poll::Ready(r) = a.as_mut().poll(&mut cx) {
                ra = Some(r);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(r) = b.as_mut().poll(&mut cx) {
                rb = Some(r.map(|_| ()));
            }
        }
    }
    let (a, b) = (
        ra.expect("first call hangs").map(|_| ()),
        rb.expect("second call hangs"),
    );
    for e in [a.unwrap_err(), b.unwrap_err()] {
        assert_eq!(e.code(), "CredentialsRefreshTimeout", "{e}");
        assert_eq!(e.kind(), ErrorKind::Credentials);
        assert!(e.message().contains("1000 ms"), "{e}");
    }
    assert_eq!(s.refreshes.get(), 1, "one shared refresh");
    assert_eq!(*s.deadlines.borrow(), [1000]);
    assert!(s.sent.borrow().is_empty());
    // The callback works again: the next call starts a fresh refresh and succeeds.
    s.refresh_hangs.set(false);
    block_on(c.get_bucket_replication_location()).unwrap();
    assert_eq!(s.refreshes.get(), 2);
}

#[test]
fn a_dropped_refresh_fails_its_waiters_and_does_not_wedge_later_calls() {
    let s = Script::new(vec![ok("<ReplicationLocation/>")]);
    *s.refresh_with.borrow_mut() = Some(Ok(("t".into(), None)));
    let c = Client::new(config(SignatureVersion::V4, 3), s.clone(), None);
    let mut cx = Context::from_waker(Waker::noop());
    let mut leader = Box::pin(c.get_bucket_replication_location());
    let mut waiter = Box::pin(c.get_bucket_replication());
    assert!(leader.as_mut().poll(&mut cx).is_pending(), "refreshing");
    assert!(waiter.as_mut().poll(&mut cx).is_pending(), "waiting on it");
    drop(leader);
    match waiter.as_mut().poll(&mut cx) {
        Poll::Ready(Err(e)) => assert_eq!(e.code(), "CredentialsRefreshAbandoned", "{e}"),
        other => panic!("the waiter was not released: {:?}", other.is_ready()),
    }
    block_on(c.get_bucket_replication_location()).unwrap();
    assert_eq!(
        s.refreshes.get(),
        2,
        "a fresh refresh after the dropped one"
    );
}

#[test]
fn absurd_server_times_and_expirations_neither_panic_nor_wrap() {
    // A ServerTime far outside any calendar: not a time, so the skew error stands.
    let s = Script::new(vec![oss_error(
        403,
        "RequestTimeTooSkewed",
        "<ServerTime>99999999999999999-01-01T00:00:00.000Z</ServerTime>",
    )]);
    let e = block_on(client(&s).get_bucket_replication_location()).unwrap_err();
    assert_eq!(e.code(), "RequestTimeTooSkewed");
    // The latest representable ServerTime: the offset is applied, dates saturate.
    let s = Script::new(vec![
        oss_error(
            403,
            "RequestTimeTooSkewed",
            "<ServerTime>9999-12-31T23:59:59.000Z</ServerTime>",
        ),
        ok("<ReplicationLocation/>"),
    ]);
    block_on(client(&s).get_bucket_replication_location()).unwrap();
    assert_eq!(
        header(&s.sent.borrow()[1], "x-oss-date"),
        Some("99991231T235959Z")
    );
    // Expirations at the ends of time: never refreshed early, or always.
    for (exp, refreshes) in [(i64::MAX, 1), (i64::MIN, 2)] {
        let s = Script::new(vec![
            ok("<ReplicationLocation/>"),
            ok("<ReplicationLocation/>"),
        ]);
        let c = refreshing(&s, Some(exp));
        block_on(c.get_bucket_replication_location()).unwrap();
        block_on(c.get_bucket_replication_location()).unwrap();
        assert_eq!(s.refreshes.get(), refreshes, "expiration {exp}");
    }
}
