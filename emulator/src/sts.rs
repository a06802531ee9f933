//! STS vending under `/_emulator/sts`: temporary credentials the way a console's backend
//! hands them to a browser (AssumeRole), recorded so requests signed with them verify.

use crate::clock::{Clock, iso8601};
use crate::ids::Ids;
use crate::store::{self, Store, StsCredential};

/// Issues credentials valid for `lifetime_secs` from now (server clock) and records them.
pub fn issue(
    store: &Store,
    ids: &Ids,
    clock: &Clock,
    lifetime_secs: u64,
) -> Result<StsCredential, String> {
    let now = clock.now_ms();
    let lifetime_ms = i64::try_from(lifetime_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
    let cred = StsCredential {
        access_key_id: ids.sts_access_key_id(),
        secret: ids.sts_secret(),
        token: ids.sts_token(),
        // Rounded up to a whole second: valid for at least the lifetime asked for.
        expires_ms: now.saturating_add(lifetime_ms).saturating_add(999) / 1000 * 1000,
    };
    store
        .tx(|c| store::save_sts(c, &cred, now))
        .map_err(|e: rusqlite::Error| e.to_string())?;
    Ok(cred)
}

/// The JSON answer: the ali-oss / console backend shape (`securityToken`), plus `stsToken`
/// (ali-oss `refreshSTSToken`'s name) and the AssumeRole names, so any of them can be used.
pub fn to_json(c: &StsCredential) -> String {
    let exp = iso8601(c.expires_ms);
    let exp = format!("{}Z", &exp[..exp.len().saturating_sub(5)]);
    serde_json::json!({
        "accessKeyId": c.access_key_id,
        "accessKeySecret": c.secret,
        "securityToken": c.token,
        "stsToken": c.token,
        "expiration": exp,
        "AccessKeyId": c.access_key_id,
        "AccessKeySecret": c.secret,
        "SecurityToken": c.token,
        "Expiration": exp,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_and_records() {
        let s = Store::open(None).unwrap();
        let c = issue(&s, &Ids::new(), &Clock::default(), 60).unwrap();
        assert_eq!(
            store::sts(&s.lock(), &c.access_key_id).unwrap(),
            Some(c.clone())
        );
        let v: serde_json::Value = serde_json::from_str(&to_json(&c)).unwrap();
        let exp = v["expiration"].as_str().unwrap();
        assert!(exp.ends_with('Z') && exp.len() == 20, "{exp}");
        assert_eq!(v["securityToken"], v["stsToken"]);
    }
}
