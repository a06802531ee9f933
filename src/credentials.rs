//! Access keys and STS temporary credentials.

use std::fmt;
use std::sync::{Arc, Mutex};

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

use crate::error::{Error, ErrorKind};
use crate::time::SigningTime;

/// An access key pair, optionally with an STS security token and its expiry.
///
/// `Debug` shows the access key ID but never the secret or the token.
///
/// The V4 derived key is cached here, shared by clones: it lives exactly as long
/// as the credentials that made it (a client's `free()`, or credentials
/// replaced by a refresh, drop it), never in a global.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
    expiration: Option<SigningTime>,
    keys: Arc<Mutex<KeyedState>>,
}

/// The keyed HMAC states signing reuses: computed from the secret once (V1) or
/// once per day and region (V4), then cloned per signature so the key is never
/// re-hashed. No `Debug`: it is key material.
#[derive(Default)]
struct KeyedState {
    /// HMAC-SHA1 keyed with the secret (V1).
    v1: Option<Hmac<Sha1>>,
    /// The V4 derived key, HMAC-SHA256 keyed with it, and the date stamp and region it is for.
    v4: Option<DerivedKey>,
}

/// A V4 signing key and the date stamp and region it was derived for.
struct DerivedKey {
    date: String,
    region: String,
    mac: Hmac<Sha256>,
}

impl PartialEq for Credentials {
    fn eq(&self, other: &Self) -> bool {
        self.access_key_id == other.access_key_id
            && self.access_key_secret == other.access_key_secret
            && self.security_token == other.security_token
            && self.expiration == other.expiration
    }
}

impl Eq for Credentials {}

impl Credentials {
    /// Long-term or temporary keys. Empty fields are rejected with an error naming the field.
    pub fn new(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
        security_token: Option<String>,
    ) -> Result<Self, Error> {
        let creds = Credentials {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: security_token.filter(|t| !t.is_empty()),
            expiration: None,
            keys: Arc::default(),
        };
        if creds.access_key_id.trim().is_empty() {
            return Err(missing("accessKeyId"));
        }
        if creds.access_key_secret.is_empty() {
            return Err(missing("accessKeySecret"));
        }
        // A header value cannot carry control characters; say which field, not its value.
        for (name, value) in [
            ("accessKeyId", creds.access_key_id.as_str()),
            ("stsToken", creds.security_token.as_deref().unwrap_or("")),
        ] {
            if has_control_char(value) {
                return Err(Error::new(
                    ErrorKind::Credentials,
                    "InvalidCredentials",
                    format!("{name} contains a control character"),
                ));
            }
        }
        Ok(creds)
    }

    /// The same credentials, expiring at `expiration`.
    pub fn with_expiration(mut self, expiration: Option<SigningTime>) -> Self {
        self.expiration = expiration;
        self
    }

    /// The access key ID (public).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The access key secret.
    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }

    /// The STS security token, if these are temporary credentials.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    /// HMAC-SHA256 keyed with the V4 derived key for `date_stamp` and `region`,
    /// ready for the string to sign: derived once a day per region (four HMACs)
    /// and reused by every signature in between.
    pub(crate) fn v4_mac(&self, date_stamp: &str, region: &str) -> Hmac<Sha256> {
        let mut cached = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(k) = cached.v4.as_ref() {
            if k.date == date_stamp && k.region == region {
                return k.mac.clone();
            }
        }
        let key = crate::sign::v4::signing_key(&self.access_key_secret, date_stamp, region);
        let k = cached.v4.insert(DerivedKey {
            date: date_stamp.to_owned(),
            region: region.to_owned(),
            mac: Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key length"),
        });
        k.mac.clone()
    }

    /// HMAC-SHA1 keyed with the secret (V1), keyed once and cloned per signature.
    pub(crate) fn v1_mac(&self) -> Hmac<Sha1> {
        let mut cached = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        cached
            .v1
            .get_or_insert_with(|| {
                Hmac::<Sha1>::new_from_slice(self.access_key_secret.as_bytes())
                    .expect("HMAC takes any key length")
            })
            .clone()
    }

    /// The secret and the token: the values to mask wherever text could echo them.
    pub fn secrets(&self) -> Vec<&str> {
        let mut v = vec![self.access_key_secret.as_str()];
        v.extend(self.security_token.as_deref());
        v
    }

    /// When these credentials stop working, if known.
    pub fn expiration(&self) -> Option<SigningTime> {
        self.expiration
    }

    /// Whether these credentials expire within `margin_secs` of `now`.
    pub fn expires_within(&self, now: SigningTime, margin_secs: i64) -> bool {
        self.expiration
            .is_some_and(|exp| exp.epoch_secs().saturating_sub(now.epoch_secs()) <= margin_secs)
    }
}

/// One property of a refresh callback's answer, as the facade read it.
#[derive(Clone, Debug, PartialEq)]
pub enum AnswerValue {
    /// A string.
    Text(String),
    /// A number (a JavaScript `Date` is given as its epoch milliseconds).
    Number(f64),
}

impl Credentials {
    /// Credentials from a refresh callback's answer: ali-oss's names
    /// (`accessKeyId`, `accessKeySecret`, `stsToken`, `expiration`), the SDKs'
    /// `securityToken`, or STS AssumeRole's capitalised ones. `field` reads one
    /// property (`None` when absent or of another type). `expiration` is an ISO
    /// 8601 UTC time or epoch milliseconds.
    pub fn from_sts_answer(field: impl Fn(&str) -> Option<AnswerValue>) -> Result<Self, Error> {
        let text = |names: &[&str]| {
            names.iter().find_map(|n| match field(n) {
                Some(AnswerValue::Text(s)) => Some(s),
                _ => None,
            })
        };
        let token = text(&["stsToken", "securityToken", "SecurityToken"]);
        let id = text(&["accessKeyId", "AccessKeyId"]).unwrap_or_default();
        let secret = text(&["accessKeySecret", "AccessKeySecret"]).unwrap_or_default();
        let expiration = match field("expiration").or_else(|| field("Expiration")) {
            Some(AnswerValue::Text(s)) => {
                Some(SigningTime::parse_iso8601(&s).ok_or_else(|| {
                    Error::new(
                        ErrorKind::Credentials,
                        "InvalidCredentials",
                        format!(
                            "expiration \"{}\" is not an ISO 8601 UTC time",
                            crate::endpoint::printable(&s)
                        ),
                    )
                })?)
            }
            Some(AnswerValue::Number(ms)) => Some(SigningTime::from_epoch_millis(ms)),
            None => None,
        };
        Ok(Credentials::new(id, secret, token)?.with_expiration(expiration))
    }
}

/// Whether `value` holds a C0 or C1 control character, checked on bytes: this
/// runs on every call over a ~1 KB STS token, where `chars()` was a hot spot.
fn has_control_char(value: &str) -> bool {
    let b = value.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        c < 0x20
            || c == 0x7f
            || (c == 0xc2 && b.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)))
    })
}

fn missing(field: &str) -> Error {
    Error::new(
        ErrorKind::Credentials,
        "MissingCredentials",
        format!("{field} is required"),
    )
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expiration", &self.expiration)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secret_and_token() {
        let c = Credentials::new("STS.AKID", "s3cr3t-value", Some("tok+en/=".into())).unwrap();
        let d = format!("{c:?}");
        assert!(d.contains("STS.AKID"));
        assert!(!d.contains("s3cr3t-value"));
        assert!(!d.contains("tok+en/="));
        assert!(d.contains("<redacted>"));
    }

    #[test]
    fn missing_fields_are_named() {
        assert_eq!(
            Credentials::new("", "s", None).unwrap_err().message(),
            "accessKeyId is required"
        );
        assert_eq!(
            Credentials::new("a", "", None).unwrap_err().message(),
            "accessKeySecret is required"
        );
        let e = Credentials::new("a", "s", Some("bad\ntoken".into())).unwrap_err();
        assert_eq!(e.message(), "stsToken contains a control character");
        assert!(
            Credentials::new("a", "s", Some(String::new()))
                .unwrap()
                .security_token()
                .is_none()
        );
    }

    #[test]
    fn control_characters_match_char_is_control() {
        for c in [
            '\0', '\n', '\u{1f}', '\u{7f}', '\u{80}', '\u{9f}', 'a', ' ', '\u{a0}', 'é', '中',
            '\u{2028}', '😀',
        ] {
            let text = format!("x{c}y");
            assert_eq!(has_control_char(&text), c.is_control(), "{c:?}");
        }
    }

    /// What a keyed state signs, to compare cached states with freshly keyed ones.
    fn mac_of<M: Mac>(m: M) -> Vec<u8> {
        m.chain_update(b"to sign").finalize().into_bytes().to_vec()
    }

    fn v4_fresh(secret: &str, date: &str, region: &str) -> Vec<u8> {
        let key = crate::sign::v4::signing_key(secret, date, region);
        mac_of(Hmac::<Sha256>::new_from_slice(&key).unwrap())
    }

    #[test]
    fn the_keyed_states_live_and_die_with_the_credentials() {
        let c = Credentials::new("AKID", "secret-for-cache", None).unwrap();
        let v4 = |c: &Credentials, d: &str| mac_of(c.v4_mac(d, "cn-hangzhou"));
        assert_eq!(
            v4(&c, "20240417"),
            v4_fresh("secret-for-cache", "20240417", "cn-hangzhou")
        );
        // Cached: the same state again, then a new day derives a new key.
        assert_eq!(
            v4(&c, "20240417"),
            v4_fresh("secret-for-cache", "20240417", "cn-hangzhou")
        );
        assert_eq!(
            v4(&c, "20240418"),
            v4_fresh("secret-for-cache", "20240418", "cn-hangzhou")
        );
        assert_eq!(
            mac_of(c.v4_mac("20240418", "us-east-1")),
            v4_fresh("secret-for-cache", "20240418", "us-east-1")
        );
        let v1_fresh = mac_of(Hmac::<Sha1>::new_from_slice(b"secret-for-cache").unwrap());
        assert_eq!(mac_of(c.v1_mac()), v1_fresh);
        assert_eq!(mac_of(c.v1_mac()), v1_fresh, "a used state is a clone");
        let cache = Arc::downgrade(&c.keys);
        let clone = c.clone();
        drop(c);
        assert!(cache.upgrade().is_some(), "a clone still uses it");
        drop(clone);
        assert!(
            cache.upgrade().is_none(),
            "the keyed states outlived their credentials"
        );
        // Other credentials never see them.
        let d = Credentials::new("AKID", "another-secret", None).unwrap();
        assert_eq!(
            mac_of(d.v4_mac("20240418", "cn-hangzhou")),
            v4_fresh("another-secret", "20240418", "cn-hangzhou")
        );
        assert_eq!(
            mac_of(d.v1_mac()),
            mac_of(Hmac::<Sha1>::new_from_slice(b"another-secret").unwrap())
        );
    }

    #[test]
    fn sts_answers_in_every_spelling() {
        let answer = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| AnswerValue::Text((*v).to_owned()))
            }
        };
        let c = Credentials::from_sts_answer(answer(&[
            ("accessKeyId", "STS.a"),
            ("accessKeySecret", "s3cr3t-value"),
            ("stsToken", "tok"),
            ("expiration", "2024-04-17T08:00:00Z"),
        ]))
        .unwrap();
        assert_eq!(c.security_token(), Some("tok"));
        assert_eq!(
            c.expiration(),
            SigningTime::parse_iso8601("20240417T080000Z")
        );
        let c = Credentials::from_sts_answer(answer(&[
            ("AccessKeyId", "STS.a"),
            ("AccessKeySecret", "s3cr3t-value"),
            ("SecurityToken", "tok2"),
            ("Expiration", "2024-04-17T08:00:00Z"),
        ]))
        .unwrap();
        assert_eq!(
            (c.access_key_id(), c.security_token()),
            ("STS.a", Some("tok2"))
        );
        let ms = |k: &str| match k {
            "accessKeyId" => Some(AnswerValue::Text("a".into())),
            "accessKeySecret" => Some(AnswerValue::Text("b".into())),
            "securityToken" => Some(AnswerValue::Text("t".into())),
            "expiration" => Some(AnswerValue::Number(1_713_340_800_000.0)),
            _ => None,
        };
        let c = Credentials::from_sts_answer(ms).unwrap();
        assert_eq!(
            c.expiration(),
            Some(SigningTime::from_epoch_secs(1_713_340_800))
        );
        let e = Credentials::from_sts_answer(answer(&[
            ("accessKeyId", "a"),
            ("accessKeySecret", "s3cr3t-value"),
            ("expiration", "tomorrow"),
        ]))
        .unwrap_err();
        assert_eq!(
            e.message(),
            "expiration \"tomorrow\" is not an ISO 8601 UTC time"
        );
        let e = Credentials::from_sts_answer(answer(&[("accessKeySecret", "s3cr3t-value")]))
            .unwrap_err();
        assert_eq!(e.message(), "accessKeyId is required");
        assert!(!format!("{e:?}").contains("s3cr3t-value"));
    }

    #[test]
    fn expiry_margin() {
        let now = SigningTime::from_epoch_secs(1000);
        let c = Credentials::new("a", "s", None).unwrap();
        assert!(!c.expires_within(now, 300));
        let c = c.with_expiration(Some(SigningTime::from_epoch_secs(1200)));
        assert!(c.expires_within(now, 300));
        assert!(!c.expires_within(now, 100));
    }
}
