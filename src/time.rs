//! The signing time: an instant with the three text forms OSS uses.
//!
//! There is deliberately no `now()`: `SystemTime::now()` panics on
//! `wasm32-unknown-unknown`, and a signer that reads a clock cannot be tested
//! against fixed vectors. Callers inject the time (the wasm facade reads
//! `Date.now()`, tests pass constants).

use std::fmt;

/// An instant, in whole seconds since the Unix epoch (UTC), used to sign a request.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SigningTime(i64);

const DAY_NAMES: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// 0000-01-01T00:00:00Z: the earliest instant (years have four digits).
const MIN_SECS: i64 = -62_167_219_200;
/// 9999-12-31T23:59:59Z: the latest instant.
const MAX_SECS: i64 = 253_402_300_799;

impl SigningTime {
    /// From whole seconds since the Unix epoch, saturating at years 0000 and
    /// 9999 so absurd inputs (a server's `ServerTime`, an `expiration`) can
    /// never overflow date arithmetic.
    pub const fn from_epoch_secs(secs: i64) -> Self {
        SigningTime(if secs < MIN_SECS {
            MIN_SECS
        } else if secs > MAX_SECS {
            MAX_SECS
        } else {
            secs
        })
    }

    /// From milliseconds since the Unix epoch (JavaScript's `Date.now()`); rounds
    /// down and saturates like [`SigningTime::from_epoch_secs`] (NaN is the epoch).
    pub fn from_epoch_millis(millis: f64) -> Self {
        // `as` saturates (and maps NaN to 0); the clamp does the rest.
        Self::from_epoch_secs((millis / 1000.0).floor() as i64)
    }

    /// Seconds since the Unix epoch.
    pub const fn epoch_secs(self) -> i64 {
        self.0
    }

    /// This time shifted by `secs` seconds (negative moves back).
    pub const fn add_secs(self, secs: i64) -> Self {
        Self::from_epoch_secs(self.0.saturating_add(secs))
    }

    fn parts(self) -> Parts {
        let days = self.0.div_euclid(86_400);
        let rem = self.0.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        Parts {
            year,
            month,
            day,
            weekday: days.rem_euclid(7) as usize,
            hour: (rem / 3600) as u32,
            minute: (rem / 60 % 60) as u32,
            second: (rem % 60) as u32,
        }
    }

    /// RFC 1123 form, as in `Date` and V1's `x-oss-date`: `Wed, 17 Apr 2024 08:00:00 GMT`.
    pub fn to_rfc1123(self) -> String {
        let p = self.parts();
        let mut out = String::with_capacity(29);
        out.push_str(DAY_NAMES[p.weekday]);
        out.push_str(", ");
        push_digits(&mut out, p.day, 2);
        out.push(' ');
        out.push_str(MONTH_NAMES[(p.month - 1) as usize]);
        out.push(' ');
        push_digits(&mut out, p.year as u32, 4);
        out.push(' ');
        push_hms(&mut out, &p, ":");
        out.push_str(" GMT");
        out
    }

    /// ISO 8601 basic form, as in V4's `x-oss-date`: `20240417T080000Z`.
    pub fn to_iso8601_basic(self) -> String {
        let p = self.parts();
        let mut out = String::with_capacity(16);
        push_date(&mut out, &p);
        out.push('T');
        push_hms(&mut out, &p, "");
        out.push('Z');
        out
    }

    /// The date alone, as in a V4 scope: `20240417`.
    pub fn to_date_stamp(self) -> String {
        let mut out = String::with_capacity(8);
        push_date(&mut out, &self.parts());
        out
    }

    /// ISO 8601 extended form with milliseconds, as OSS writes times in XML:
    /// `2024-04-17T08:00:00.000Z`.
    pub fn to_iso8601(self) -> String {
        let p = self.parts();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000Z",
            p.year, p.month, p.day, p.hour, p.minute, p.second
        )
    }

    /// Parses an RFC 1123 date (`Wed, 17 Apr 2024 08:00:00 GMT`), as in a `Date` header.
    /// The weekday is not checked. Returns `None` when the text is not of that form.
    pub fn parse_rfc1123(text: &str) -> Option<Self> {
        let rest = text.trim().split_once(", ")?.1;
        let mut it = rest.split(' ');
        let day: u32 = it.next()?.parse().ok()?;
        let month_name = it.next()?;
        let month = MONTH_NAMES.iter().position(|m| *m == month_name)? as u32 + 1;
        let year: u32 = it.next()?.parse().ok()?;
        let (h, m, s) = parse_hms(it.next()?)?;
        if it.next()? != "GMT" || it.next().is_some() {
            return None;
        }
        Self::from_civil(year, month, day, h, m, s)
    }

    /// Parses an ISO 8601 UTC time, extended (`2024-04-17T08:00:00.000Z`, fraction
    /// optional) or basic (`20240417T080000Z`), as in `ServerTime` or V4's `x-oss-date`.
    pub fn parse_iso8601(text: &str) -> Option<Self> {
        let text = text.trim();
        let body = text.strip_suffix('Z')?;
        let (date, time) = body.split_once('T')?;
        let (year, month, day) = if date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit()) {
            (
                date[0..4].parse().ok()?,
                date[4..6].parse().ok()?,
                date[6..8].parse().ok()?,
            )
        } else {
            let mut d = date.split('-');
            let parsed = (
                d.next()?.parse().ok()?,
                d.next()?.parse().ok()?,
                d.next()?.parse().ok()?,
            );
            if d.next().is_some() {
                return None;
            }
            parsed
        };
        let time = time.split('.').next()?;
        let (h, m, s) = if time.len() == 6 && time.bytes().all(|b| b.is_ascii_digit()) {
            (
                time[0..2].parse().ok()?,
                time[2..4].parse().ok()?,
                time[4..6].parse().ok()?,
            )
        } else {
            parse_hms(time)?
        };
        Self::from_civil(year, month, day, h, m, s)
    }

    // Years are parsed as `u32`, like the other fields: one integer parser in the
    // wasm instead of a second ~600 B one for `i64` (and no sign to accept).
    fn from_civil(year: u32, month: u32, day: u32, h: u32, m: u32, s: u32) -> Option<Self> {
        if year > 9999
            || !(1..=12).contains(&month)
            || !(1..=31).contains(&day)
            || h > 23
            || m > 59
            || s > 60
        {
            return None;
        }
        let days = days_from_civil(i64::from(year), month, day);
        Some(SigningTime(
            days * 86_400 + i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s),
        ))
    }
}

impl fmt::Debug for SigningTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningTime({})", self.to_iso8601_basic())
    }
}

/// `n` in decimal, zero-padded to `width` digits (the text forms are built
/// without `format!`: they run on every signature).
fn push_digits(out: &mut String, n: u32, width: u32) {
    let mut div = 10u32.pow(width - 1);
    while div > 0 {
        out.push(char::from(b'0' + (n / div % 10) as u8));
        div /= 10;
    }
}

/// `YYYYMMDD` (years are clamped to 0000..=9999).
fn push_date(out: &mut String, p: &Parts) {
    push_digits(out, p.year as u32, 4);
    push_digits(out, p.month, 2);
    push_digits(out, p.day, 2);
}

/// `HH<sep>MM<sep>SS`.
fn push_hms(out: &mut String, p: &Parts, sep: &str) {
    push_digits(out, p.hour, 2);
    out.push_str(sep);
    push_digits(out, p.minute, 2);
    out.push_str(sep);
    push_digits(out, p.second, 2);
}

struct Parts {
    year: i64,
    month: u32,
    day: u32,
    weekday: usize,
    hour: u32,
    minute: u32,
    second: u32,
}

fn parse_hms(text: &str) -> Option<(u32, u32, u32)> {
    let mut it = text.split(':');
    let parsed = (
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
    );
    if it.next().is_some() {
        return None;
    }
    Some(parsed)
}

// Howard Hinnant's civil calendar algorithms (proleptic Gregorian, UTC).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: SigningTime = SigningTime::from_epoch_secs(1_713_340_800); // 2024-04-17 08:00:00 UTC

    #[test]
    fn formats() {
        assert_eq!(T.to_rfc1123(), "Wed, 17 Apr 2024 08:00:00 GMT");
        assert_eq!(T.to_iso8601_basic(), "20240417T080000Z");
        assert_eq!(T.to_date_stamp(), "20240417");
        assert_eq!(T.to_iso8601(), "2024-04-17T08:00:00.000Z");
        assert_eq!(
            SigningTime::from_epoch_secs(0).to_rfc1123(),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
        assert_eq!(
            SigningTime::from_epoch_secs(951_825_599).to_rfc1123(),
            "Tue, 29 Feb 2000 11:59:59 GMT"
        );
    }

    #[test]
    fn parses_what_it_formats() {
        for secs in [0, 951_825_599, 1_713_340_800, 4_102_444_799, 1_702_743_657] {
            let t = SigningTime::from_epoch_secs(secs);
            assert_eq!(SigningTime::parse_rfc1123(&t.to_rfc1123()), Some(t));
            assert_eq!(SigningTime::parse_iso8601(&t.to_iso8601()), Some(t));
            assert_eq!(SigningTime::parse_iso8601(&t.to_iso8601_basic()), Some(t));
        }
        assert_eq!(SigningTime::parse_iso8601("2024-04-17T08:00:00Z"), Some(T));
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "Wed, 17 Apr 2024 08:00:00",
            "Wed, 17 Foo 2024 08:00:00 GMT",
            "Wed, 32 Apr 2024 08:00:00 GMT",
            "Wed, 17 Apr -0 08:00:00 GMT",
            "2024-13-01T00:00:00Z",
            "2024-04-17 08:00:00",
            "yesterday",
        ] {
            assert_eq!(SigningTime::parse_rfc1123(bad), None, "{bad}");
            assert_eq!(SigningTime::parse_iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn millis_round_down() {
        assert_eq!(SigningTime::from_epoch_millis(1_713_340_800_999.0), T);
        assert_eq!(T.add_secs(-1).epoch_secs(), 1_713_340_799);
    }

    #[test]
    fn absurd_times_saturate_instead_of_overflowing() {
        // Years beyond 0000..=9999 are not times OSS sends: not parsed.
        for text in [
            "99999999999999999-01-01T00:00:00Z",
            "-99999999999999999-01-01T00:00:00Z",
            "10000-01-01T00:00:00Z",
        ] {
            assert_eq!(SigningTime::parse_iso8601(text), None, "{text}");
        }
        assert_eq!(
            SigningTime::parse_rfc1123("Wed, 17 Apr 99999999999999999 08:00:00 GMT"),
            None
        );
        // Instants saturate at the ends of that range; arithmetic cannot overflow.
        let last = "99991231T235959Z";
        let first = "00000101T000000Z";
        for (millis, want) in [
            (f64::MAX, last),
            (f64::INFINITY, last),
            (1e300, last),
            (-1e300, first),
            (f64::NEG_INFINITY, first),
        ] {
            assert_eq!(
                SigningTime::from_epoch_millis(millis).to_iso8601_basic(),
                want
            );
        }
        assert_eq!(SigningTime::from_epoch_millis(f64::NAN).epoch_secs(), 0);
        assert_eq!(
            SigningTime::from_epoch_secs(i64::MAX).to_iso8601_basic(),
            last
        );
        assert_eq!(
            SigningTime::from_epoch_secs(i64::MIN).to_iso8601_basic(),
            first
        );
        assert_eq!(
            SigningTime::from_epoch_secs(i64::MAX)
                .add_secs(i64::MAX)
                .to_iso8601_basic(),
            last
        );
        let far = crate::Credentials::new("a", "s", None)
            .unwrap()
            .with_expiration(Some(SigningTime::from_epoch_secs(i64::MIN)));
        assert!(far.expires_within(SigningTime::from_epoch_secs(i64::MAX), i64::MAX));
    }
}
