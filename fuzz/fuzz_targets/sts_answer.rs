//! A refresh callback's answer (any spelling, any values): credentials or a
//! clear error, never a panic, never the secret in an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oss_replication::credentials::AnswerValue;
use oss_replication::{Credentials, SigningTime};

/// Field name and value (text or number) pairs.
type Input = Vec<(u8, Option<String>, f64)>;

const NAMES: &[&str] = &[
    "accessKeyId",
    "AccessKeyId",
    "accessKeySecret",
    "AccessKeySecret",
    "stsToken",
    "securityToken",
    "SecurityToken",
    "expiration",
    "Expiration",
    "other",
];

fuzz_target!(|input: Input| {
    let fields: Vec<(&str, AnswerValue)> = input
        .into_iter()
        .map(|(n, text, num)| {
            let name = NAMES[usize::from(n) % NAMES.len()];
            (
                name,
                text.map_or(AnswerValue::Number(num), AnswerValue::Text),
            )
        })
        .collect();
    let lookup = |k: &str| fields.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
    match Credentials::from_sts_answer(lookup) {
        Ok(c) => {
            assert!(!c.access_key_id().trim().is_empty());
            assert!(!c.access_key_secret().is_empty());
            if let Some(exp) = c.expiration() {
                // Saturated into the calendar: formatting never panics.
                let _ = exp.to_iso8601_basic();
                assert!(exp >= SigningTime::from_epoch_secs(i64::MIN));
            }
        }
        Err(e) => {
            // Differential: the same answer with every secret replaced by '#'s. A
            // secret may appear in the error only as often as it does there (the
            // fixed texts and quoted public fields can contain it by chance).
            let masked: Vec<(&str, AnswerValue)> = fields
                .iter()
                .map(|(n, v)| match v {
                    AnswerValue::Text(t) if n.ends_with("ecret") => {
                        (*n, AnswerValue::Text("#".repeat(t.len())))
                    }
                    other => (*n, other.clone()),
                })
                .collect();
            let lookup2 = |k: &str| masked.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
            let shown = format!("{e:?} {e}");
            let baseline = match Credentials::from_sts_answer(lookup2) {
                Ok(_) => String::new(),
                Err(e2) => format!("{e2:?} {e2}"),
            };
            for (n, v) in &fields {
                if let (true, AnswerValue::Text(secret)) = (n.ends_with("ecret"), v)
                    && secret.len() >= 8
                    && !secret.contains('#')
                {
                    let count = |t: &str| t.matches(secret.as_str()).count();
                    assert!(count(&shown) <= count(&baseline), "secret shown: {e}");
                }
            }
        }
    }
});
