//! The operator calls on [`Client`]: each reads through the client's one request
//! path (`call`: signing, retries, refresh) and leaves every decision to the
//! pure modules beside this one. Requests to the destination bucket go through a
//! second client signed for the destination's own region.

use crate::client::{Client, ClientConfig, HttpResponse, Response, answered};
use crate::credentials::Credentials;
use crate::endpoint::{Endpoint, EndpointOptions, Region};
use crate::error::Error;
use crate::objects::{self, ObjectSummary};
use crate::replication::{self, ReplicationProgress, ReplicationRule};
use crate::time::SigningTime;

use super::check::{self, CheckInput, CheckReport, DestinationFacts, TAG_FILTER_UNSUPPORTED};
use super::diff::{Diff, DiffCounts, Need};
use super::lag::{Observation, Watch, lag_seconds};
use super::replace::{self, Restore, Step, Target};

/// How to reach the destination bucket: by default the source's credentials and
/// its custom endpoint when one is set (else the destination region's public or
/// internal endpoint). Cross-account: give the destination account's credentials.
#[derive(Clone, Debug, Default)]
pub struct DestinationAccess {
    /// Another endpoint for the destination.
    pub endpoint: Option<String>,
    /// Other credentials for the destination (static; the source's refresh callback is not used).
    pub credentials: Option<Credentials>,
}

/// Options of [`Client::diff_replication`].
#[derive(Clone, Debug, Default)]
pub struct DiffOptions {
    /// Stop after listing this many objects (both sides together); `None`: no limit.
    pub max_listed: Option<u64>,
    /// Keys per ListObjectsV2 page (1..=1000; `None`: 1000).
    pub page_size: Option<u32>,
    /// How to reach the destination.
    pub destination: DestinationAccess,
}

/// What [`Client::diff_replication`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffResult {
    /// Counts (scanned, pending, extra, and the lengths of the lists).
    pub counts: DiffCounts,
    /// Source objects not at the destination (older than the watermark).
    pub missing: Vec<ObjectSummary>,
    /// Source objects whose copy differs in size or ETag.
    pub differing: Vec<ObjectSummary>,
    /// Whether `max_listed` cut the listing short.
    pub truncated: bool,
}

/// Options of the waits ([`Client::wait_for_rule`], [`Client::replace_rule`]).
#[derive(Clone, Copy, Debug)]
pub struct WaitOptions {
    /// Give up after this long (ms of the transport's clock).
    pub timeout_ms: u64,
    /// Time between reads of the rules.
    pub poll_ms: u64,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            timeout_ms: 120_000,
            poll_ms: 500,
        }
    }
}

/// The server's time from an answer's `Date` header.
fn date_secs(resp: &HttpResponse) -> Option<i64> {
    resp.header("date")
        .and_then(SigningTime::parse_rfc1123)
        .map(SigningTime::epoch_secs)
}

/// The destination's endpoint: the given one, else the source's custom endpoint,
/// else the destination region's own (internal when the source's is internal).
fn destination_endpoint(
    config: &ClientConfig,
    region: &Region,
    given: Option<&str>,
) -> Result<Endpoint, Error> {
    if given.is_some() {
        return Endpoint::new(
            region,
            &EndpointOptions {
                endpoint: given,
                ..Default::default()
            },
        );
    }
    let default = |internal| {
        Endpoint::new(
            &config.region,
            &EndpointOptions {
                internal,
                ..Default::default()
            },
        )
    };
    for internal in [false, true] {
        if default(internal)? == config.endpoint {
            return Endpoint::new(
                region,
                &EndpointOptions {
                    internal,
                    ..Default::default()
                },
            );
        }
    }
    Ok(config.endpoint.clone())
}

impl Client {
    /// GetBucketVersioning of this client's bucket.
    async fn versioning(&self) -> Result<objects::Versioning, Error> {
        let mut versioning = None;
        let request_id = self
            .call(
                objects::get_bucket_versioning(&self.config().bucket),
                &mut |r| {
                    objects::parse_get_bucket_versioning(&r.body).map(|v| versioning = Some(v))
                },
            )
            .await?;
        Ok(answered(versioning, request_id)?.value)
    }

    /// A client for `bucket` in `location` (`oss-cn-beijing`), see [`DestinationAccess`].
    async fn destination_client(
        &self,
        bucket: &str,
        location: &str,
        access: &DestinationAccess,
    ) -> Result<Client, Error> {
        let region = Region::new(location).map_err(|e| e.context("rule.destination.location"))?;
        let mut config = self.config().clone();
        config.endpoint = destination_endpoint(&config, &region, access.endpoint.as_deref())?;
        config.region = region;
        config.bucket = bucket.to_owned();
        let (credentials, refresh) = match &access.credentials {
            Some(c) => (c.clone(), false),
            None => (self.credentials(false).await?, true),
        };
        Ok(self.sibling(config, credentials, refresh))
    }

    /// GetBucketReplicationProgress plus the lag: the answer's `Date` (else the
    /// client's skew-corrected clock, for browsers where `Date` is not exposed)
    /// minus the `NewObject` watermark, in seconds.
    pub async fn get_bucket_replication_progress_with_lag(
        &self,
        rule_id: &str,
    ) -> Result<Response<(ReplicationProgress, Option<f64>)>, Error> {
        let local = || {
            let ms = self.transport().now_millis() + self.clock_offset_ms();
            SigningTime::from_epoch_millis(ms).epoch_secs()
        };
        let mut value = None;
        let request_id = self
            .call(
                replication::get_bucket_replication_progress(&self.config().bucket, rule_id),
                &mut |resp| {
                    let p = replication::parse_get_bucket_replication_progress(&resp.body)?;
                    let server = date_secs(resp).unwrap_or_else(local);
                    let lag = lag_seconds(Some(server), p.new_object_epoch_secs);
                    value = Some((p, lag));
                    Ok(())
                },
            )
            .await?;
        answered(value, request_id)
    }

    /// One poll of a watch: progress read now, folded into `watch` (rate, ETA).
    /// Wait [`Watch::next_delay_ms`] between polls.
    pub async fn watch_poll(&self, rule_id: &str, watch: &mut Watch) -> Result<Observation, Error> {
        let r = self
            .get_bucket_replication_progress_with_lag(rule_id)
            .await?;
        let (progress, lag) = r.value;
        let now = self.transport().now_millis();
        let mut o = watch.observe(now, None, progress);
        o.lag_seconds = lag;
        Ok(o)
    }

    /// The pre-flight check of `rule` (reads only; see [`check`] for the problem codes).
    /// Fails only for a client-side problem (bad destination region text); every
    /// failed read becomes a problem in the report.
    pub async fn check_rule(
        &self,
        rule: &ReplicationRule,
        access: &DestinationAccess,
    ) -> Result<CheckReport, Error> {
        let bucket = &self.config().bucket;
        let text = |e: Error| format!("{}: {}", e.code(), e.message());
        let source_versioning = self.versioning().await.map_err(text);
        let locations = self
            .get_bucket_replication_location()
            .await
            .map(|r| r.value)
            .map_err(text);
        let existing_rules = self
            .get_bucket_replication()
            .await
            .map(|r| r.value)
            .map_err(text);
        let destination = self.destination_facts(rule, access).await;
        let source_location = self.config().region.location();
        Ok(check::check(&CheckInput {
            rule,
            source_bucket: bucket,
            source_location: &source_location,
            source_versioning,
            destination,
            locations,
            existing_rules,
            tag_filter_unsupported: TAG_FILTER_UNSUPPORTED,
        }))
    }

    async fn destination_facts(
        &self,
        rule: &ReplicationRule,
        access: &DestinationAccess,
    ) -> DestinationFacts {
        let dest = &rule.destination;
        let unreadable = |e: Error| DestinationFacts::Unreadable {
            code: e.code().to_owned(),
            message: e.message().to_owned(),
        };
        if crate::endpoint::validate_bucket_name(&dest.bucket).is_err() {
            // The rule's own validation names it; nothing can be read.
            return DestinationFacts::Unreadable {
                code: "InvalidBucketName".into(),
                message: "the destination bucket name is not valid".into(),
            };
        }
        let mut location = dest.location.clone();
        // At most two tries: the rule's region, then the one a wrong-region error names.
        for _ in 0..2 {
            let client = match self
                .destination_client(&dest.bucket, &location, access)
                .await
            {
                Ok(c) => c,
                Err(e) => return unreadable(e),
            };
            let mut info = None;
            let sent = client
                .call(objects::get_bucket_info(&dest.bucket), &mut |r| {
                    objects::parse_get_bucket_info(&r.body).map(|v| info = Some(v))
                })
                .await;
            match sent.and_then(|id| answered(info, id)) {
                Ok(info) => {
                    let versioning = client.versioning().await.ok().or(info.value.versioning);
                    return DestinationFacts::Found {
                        location: info.value.location,
                        versioning,
                    };
                }
                Err(e) if e.code() == "NoSuchBucket" => return DestinationFacts::Missing,
                Err(e) => match check::region_hint(e.message()) {
                    Some(real) if real != location => location = real,
                    _ => return unreadable(e),
                },
            }
        }
        DestinationFacts::Unreadable {
            code: "LocationUnknown".into(),
            message: "the destination's region could not be determined".into(),
        }
    }

    /// Lists one page of `bucket` through `client`.
    async fn list_page(
        client: &Client,
        prefix: &str,
        token: Option<&str>,
        page_size: u32,
    ) -> Result<objects::ListPage, Error> {
        let bucket = &client.config().bucket;
        let mut page = None;
        let request_id = client
            .call(
                objects::list_objects_v2(bucket, prefix, token, page_size),
                &mut |r| objects::parse_list_objects_v2(&r.body).map(|v| page = Some(v)),
            )
            .await?;
        Ok(answered(page, request_id)?.value)
    }

    /// The backlog diff of rule `rule_id` (see [`super::diff`]): both buckets listed
    /// under the rule's prefixes, merged page by page. `on_page` sees the counts
    /// after every page; `cancelled` is asked before every request.
    pub async fn diff_replication(
        &self,
        rule_id: &str,
        options: &DiffOptions,
        on_page: &mut dyn FnMut(&DiffCounts),
        cancelled: &dyn Fn() -> bool,
    ) -> Result<DiffResult, Error> {
        let page_size = options.page_size.unwrap_or(objects::MAX_KEYS_PER_PAGE);
        let progress = self.get_bucket_replication_progress(rule_id).await?.value;
        let rule = progress.rule;
        let dest = self
            .destination_client(
                &rule.destination.bucket,
                &rule.destination.location,
                &options.destination,
            )
            .await?;
        let mut diff = Diff::new(progress.new_object_epoch_secs, rule.user_taggings.clone());
        let prefixes = if rule.prefixes.is_empty() {
            vec![String::new()]
        } else {
            rule.prefixes.clone()
        };
        let mut truncated = false;
        'prefixes: for prefix in &prefixes {
            diff.next_stream();
            let (mut src_token, mut dst_token) = (None::<String>, None::<String>);
            loop {
                if cancelled() {
                    return Err(replace::aborted("diffReplication"));
                }
                let listed = diff.counts.scanned_source + diff.counts.scanned_destination;
                if options.max_listed.is_some_and(|m| listed >= m) && diff.need() != Need::Done {
                    diff.stop();
                    truncated = true;
                    break 'prefixes;
                }
                match diff.need() {
                    Need::Source => {
                        let page =
                            Self::list_page(self, prefix, src_token.as_deref(), page_size).await?;
                        src_token = page.next_token;
                        diff.push_source(page.objects, src_token.is_none());
                    }
                    Need::Destination => {
                        let page =
                            Self::list_page(&dest, prefix, dst_token.as_deref(), page_size).await?;
                        dst_token = page.next_token;
                        diff.push_destination(page.objects, dst_token.is_none());
                    }
                    Need::Done => break,
                }
                while let Some(candidate) = diff.next_candidate() {
                    let mut tags = None;
                    let request_id = self
                        .call(
                            objects::get_object_tagging(&self.config().bucket, &candidate.key),
                            &mut |r| {
                                objects::parse_get_object_tagging(&r.body).map(|v| tags = Some(v))
                            },
                        )
                        .await?;
                    diff.resolve_candidate(candidate, &answered(tags, request_id)?.value);
                }
                on_page(&diff.counts);
            }
        }
        Ok(DiffResult {
            counts: diff.counts,
            missing: diff.missing,
            differing: diff.differing,
            truncated,
        })
    }

    /// Waits until rule `rule_id` is `doing` or gone, reading the rules every
    /// `poll_ms` (the transport's sleep) until `timeout_ms` has passed. Returns
    /// the rule as last read (`None` when gone).
    pub async fn wait_for_rule(
        &self,
        rule_id: &str,
        target: Target,
        options: WaitOptions,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Option<ReplicationRule>, Error> {
        crate::replication::check_rule_id("ruleId", rule_id)?;
        let start = self.transport().now_millis();
        loop {
            if cancelled() {
                return Err(replace::aborted("waitForRule"));
            }
            let rules = self.get_bucket_replication().await?.value;
            let rule = rules
                .iter()
                .find(|r| r.id.as_deref() == Some(rule_id))
                .cloned();
            if replace::reached(target, rule_id, &rules)? {
                return Ok(rule);
            }
            let elapsed = self.transport().now_millis() - start;
            if elapsed >= options.timeout_ms as f64 {
                let last = rule.as_ref().and_then(|r| r.status.as_deref());
                return Err(replace::wait_timeout(
                    target,
                    rule_id,
                    options.timeout_ms,
                    last,
                ));
            }
            let left = options.timeout_ms as f64 - elapsed;
            self.transport()
                .sleep(options.poll_ms.min(left.ceil() as u64).max(1))
                .await;
        }
    }

    /// Replaces rule `rule_id` by `new_rule`: delete, wait until gone, put (see
    /// [`super::replace`] for what each failing step leaves). Returns the new rule's ID.
    pub async fn replace_rule(
        &self,
        rule_id: &str,
        new_rule: &ReplicationRule,
        options: WaitOptions,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Response<String>, Error> {
        let fail = |step, e, restore: &Restore| replace::step_error(step, e, restore);
        let none = Restore::NotNeeded;
        crate::replication::check_rule_id("ruleId", rule_id)
            .map_err(|e| fail(Step::Validate, e, &none))?;
        replication::validate_rule(new_rule).map_err(|e| fail(Step::Validate, e, &none))?;
        let rules = self
            .get_bucket_replication()
            .await
            .map_err(|e| fail(Step::Read, e, &none))?
            .value;
        let old = rules
            .into_iter()
            .find(|r| r.id.as_deref() == Some(rule_id))
            .ok_or_else(|| {
                let e = Error::new(
                    crate::error::ErrorKind::Service,
                    "NoSuchReplicationRule",
                    format!("the bucket has no rule \"{rule_id}\""),
                );
                fail(Step::Read, e, &none)
            })?;
        if cancelled() {
            return Err(fail(Step::Delete, replace::aborted("replaceRule"), &none));
        }
        self.delete_bucket_replication(rule_id)
            .await
            .map_err(|e| fail(Step::Delete, e, &none))?;
        self.wait_for_rule(rule_id, Target::Gone, options, cancelled)
            .await
            .map_err(|e| fail(Step::Wait, e, &none))?;
        match self.put_bucket_replication(new_rule).await {
            Ok(r) => Ok(r),
            Err(e) => {
                let restore = match self
                    .put_bucket_replication(&replace::restorable(&old))
                    .await
                {
                    Ok(_) => Restore::Restored,
                    Err(r) => Restore::Failed(r.to_string()),
                };
                Err(fail(Step::Put, e, &restore))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destination_endpoints_follow_the_source_kind() {
        let hz = Region::new("cn-hangzhou").unwrap();
        let bj = Region::new("oss-cn-beijing").unwrap();
        let config = |endpoint: Option<&str>, internal| ClientConfig {
            bucket: "src".into(),
            endpoint: Endpoint::new(
                &hz,
                &EndpointOptions {
                    endpoint,
                    internal,
                    ..Default::default()
                },
            )
            .unwrap(),
            region: hz.clone(),
            version: crate::sign::SignatureVersion::V4,
            retry: crate::retry::RetryPolicy::default(),
            refresh_interval_ms: None,
            timeout_ms: 1000.0,
        };
        let host = |c: &ClientConfig, given| {
            destination_endpoint(c, &bj, given)
                .unwrap()
                .host()
                .to_owned()
        };
        assert_eq!(
            host(&config(None, false), None),
            "oss-cn-beijing.aliyuncs.com"
        );
        assert_eq!(
            host(&config(None, true), None),
            "oss-cn-beijing-internal.aliyuncs.com"
        );
        assert_eq!(
            host(&config(Some("http://127.0.0.1:9"), false), None),
            "127.0.0.1:9"
        );
        assert_eq!(
            host(&config(None, false), Some("https://other.example")),
            "other.example"
        );
    }
}
