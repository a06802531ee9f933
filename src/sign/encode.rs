//! Percent-encoding as V4 canonicalisation wants it.

use std::borrow::Cow;

/// Percent-encodes `input` as RFC 3986 unreserved-only: `A-Z a-z 0-9 - . _ ~` stay,
/// every other byte of the UTF-8 form becomes `%XX` (uppercase). When `keep_slash`
/// is set, `/` also stays (canonical URI paths).
pub fn uri_encode(input: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    uri_encode_into(&mut out, input, keep_slash);
    out
}

/// Whether [`uri_encode`] keeps byte `b` as it is.
fn is_unreserved(b: u8, keep_slash: bool) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') || (keep_slash && b == b'/')
}

/// [`uri_encode`], borrowing `input` when it has nothing to encode (the usual
/// query key or value).
pub fn uri_encoded(input: &str, keep_slash: bool) -> Cow<'_, str> {
    if input.bytes().all(|b| is_unreserved(b, keep_slash)) {
        Cow::Borrowed(input)
    } else {
        Cow::Owned(uri_encode(input, keep_slash))
    }
}

/// [`uri_encode`] appending to `out` (the signing hot path builds one string).
/// Runs of unreserved bytes are copied at once.
pub fn uri_encode_into(out: &mut String, input: &str, keep_slash: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut start = 0;
    for (i, &b) in input.as_bytes().iter().enumerate() {
        if is_unreserved(b, keep_slash) {
            continue;
        }
        // `start..i`, when not empty, is unreserved ASCII: both ends are char boundaries.
        if start < i {
            out.push_str(&input[start..i]);
        }
        let escaped = [b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]];
        out.push_str(std::str::from_utf8(&escaped).unwrap_or_default());
        start = i + 1;
    }
    out.push_str(input.get(start..).unwrap_or_default());
}

/// Decodes `%XX` escapes (and, when `plus_is_space`, `+` as a space, as in
/// `application/x-www-form-urlencoded`). Invalid escapes are kept as written;
/// invalid UTF-8 is replaced, since a query we cannot decode cannot be signed as sent.
pub fn percent_decode(input: &str, plus_is_space: bool) -> String {
    let bytes = input.as_bytes();
    // Most URL parts have nothing to decode: one copy, no byte-by-byte rebuild.
    if !bytes
        .iter()
        .any(|&b| b == b'%' || (plus_is_space && b == b'+'))
    {
        return input.to_owned();
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex_val(bytes[i + 1]), hex_val(bytes[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(if plus_is_space && b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    hex_into(&mut out, bytes);
    out
}

/// [`hex`] appending to `out`: the digits of a digest (at most 64 bytes) are
/// written into a buffer and appended at once, not pushed char by char.
pub fn hex_into(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for chunk in bytes.chunks(64) {
        let mut buf = [0u8; 128];
        for (i, &b) in chunk.iter().enumerate() {
            buf[2 * i] = HEX[usize::from(b >> 4)];
            buf[2 * i + 1] = HEX[usize::from(b & 15)];
        }
        out.push_str(std::str::from_utf8(&buf[..2 * chunk.len()]).unwrap_or_default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_unicode() {
        assert_eq!(uri_encode("a b/c+d=é~", false), "a%20b%2Fc%2Bd%3D%C3%A9~");
        assert_eq!(
            uri_encode("/bucket/1234+-/123/1.txt", true),
            "/bucket/1234%2B-/123/1.txt"
        );
        assert_eq!(uri_encode("", false), "");
        assert_eq!(uri_encode("ab€c d", false), "ab%E2%82%ACc%20d");
        assert_eq!(uri_encode("€", true), "%E2%82%AC");
    }

    #[test]
    fn hex_digits() {
        assert_eq!(hex(&[]), "");
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        let long: Vec<u8> = (0..=255).collect();
        let expected: String = long.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex(&long), expected);
    }

    #[test]
    fn decodes() {
        assert_eq!(percent_decode("a%20b%2Fc+d", false), "a b/c+d");
        assert_eq!(percent_decode("a%20b%2Fc+d", true), "a b/c d");
        assert_eq!(percent_decode("%zz%4", false), "%zz%4");
        assert_eq!(percent_decode("%", false), "%");
        assert_eq!(percent_decode("%C3%A9", false), "é");
        assert_eq!(percent_decode("%FF", false), "\u{FFFD}");
    }
}
