//! The XML tokenizer under [`super::Events`]: splits a body into tags,
//! text and CDATA, skipping comments, processing instructions and the XML
//! declaration. Nothing more: no attributes (skipped, quote-aware), no entity
//! declarations (a DOCTYPE is handed up so the caller can refuse it), no
//! encodings but UTF-8.
//!
//! It replaces quick-xml (~3 KB of gzip in the wasm) and deliberately reads
//! markup the way quick-xml 0.37 did, byte for byte, with the same error
//! positions: the answers a proxy or a broken server sends keep their error
//! messages, and `tests/xml_differential.rs` plus the `xml_differential` fuzz
//! target compare the two on every body the tests have and on random bytes.

/// One piece of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token<'a> {
    /// `<name ...>`, or `<name .../>` when `empty`: the qualified name (the
    /// first word), attributes skipped.
    Start { name: &'a [u8], empty: bool },
    /// `</name>`: what follows `</` with trailing whitespace trimmed.
    End(&'a [u8]),
    /// Character data between markup, as sent (entities not expanded).
    Text(&'a [u8]),
    /// The content of `<![CDATA[...]]>`.
    CData(&'a [u8]),
    /// What follows `<!DOCTYPE` and its whitespace.
    DocType(&'a [u8]),
}

/// Malformed markup: where it starts (the `<`, or the `>` of an empty
/// DOCTYPE) and what is wrong, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SyntaxError {
    pub(super) at: usize,
    pub(super) what: &'static str,
}

/// Reads tokens from a body, front to back, without allocating.
pub(super) struct Tokenizer<'a> {
    body: &'a [u8],
    /// Where the next token starts.
    pos: usize,
    /// Where the last token returned started.
    start: usize,
}

/// XML's whitespace (not Unicode's, not form feed).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Index of the first `>` outside single or double quotes (attribute values may hold `>`).
// Inlined (as `find` and the reader's small helpers): at opt-level "z" nothing
// is, and a call per tag or text cost ~10% of reading a 100-rule answer (+350 B gzip).
#[inline(always)]
fn tag_end(bytes: &[u8]) -> Option<usize> {
    // Plain index loops: at opt-level "z" iterator adapters stay calls per byte.
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'>' => return Some(i),
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Index of the first `byte` in `bytes`.
#[inline(always)]
pub(super) fn find(bytes: &[u8], byte: u8) -> Option<usize> {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == byte {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Index of the first `>` whose preceding bytes of `bytes[..i]` end with `tail`,
/// at an index greater than `min`.
fn close_after(bytes: &[u8], min: usize, tail: &[u8]) -> Option<usize> {
    (min + 1..bytes.len()).find(|&i| bytes[i] == b'>' && bytes[..i].ends_with(tail))
}

impl<'a> Tokenizer<'a> {
    /// A tokenizer at the start of `body`.
    pub(super) fn new(body: &'a [u8]) -> Self {
        Tokenizer {
            body,
            pos: 0,
            start: 0,
        }
    }

    /// The offset just past the last token: after its `>`, or at the `<` that ends a text.
    pub(super) fn position(&self) -> usize {
        self.pos
    }

    /// Where the last token returned started (its `<`).
    pub(super) fn token_start(&self) -> usize {
        self.start
    }

    /// The next token; `None` at the end of the body.
    pub(super) fn next_token(&mut self) -> Result<Option<Token<'a>>, SyntaxError> {
        loop {
            let at = self.pos;
            self.start = at;
            let rest = &self.body[at..];
            let Some(&first) = rest.first() else {
                return Ok(None);
            };
            if first != b'<' {
                let len = find(rest, b'<').unwrap_or(rest.len());
                self.pos += len;
                return Ok(Some(Token::Text(&rest[..len])));
            }
            let fail = |what| Err(SyntaxError { at, what });
            // `inner` is everything after the `<`.
            let inner = &rest[1..];
            match inner.first() {
                None => return fail("a tag is not closed"),
                Some(b'!') => {
                    let (kind_err, end) = match inner.get(1) {
                        Some(b'-') => ("a comment is not closed", close_after(inner, 4, b"--")),
                        Some(b'[') => (
                            "a CDATA section is not closed",
                            close_after(inner, 0, b"]]"),
                        ),
                        Some(b'D' | b'd') => ("a DOCTYPE is not closed", doctype_end(inner)),
                        _ => return fail("unknown markup after '<!'"),
                    };
                    let Some(end) = end else {
                        return fail(kind_err);
                    };
                    // `markup` is between `<` and `>`.
                    let markup = &inner[..end];
                    self.pos = at + 1 + end + 1;
                    if markup.starts_with(b"!--") {
                        continue;
                    }
                    if markup.starts_with(b"![CDATA[") {
                        return Ok(Some(Token::CData(&markup[8..markup.len() - 2])));
                    }
                    if markup.len() >= 8 && markup[..8].eq_ignore_ascii_case(b"!DOCTYPE") {
                        return match markup[8..].iter().position(|&b| !is_space(b)) {
                            Some(i) => Ok(Some(Token::DocType(&markup[8 + i..]))),
                            None => Err(SyntaxError {
                                at: self.pos - 1,
                                what: "ill-formed markup",
                            }),
                        };
                    }
                    return fail(kind_err);
                }
                Some(b'?') => {
                    // Ends at the first `?>`, where `<?>` counts as one (and is an error).
                    let end = (1..inner.len()).find(|&i| inner[i] == b'>' && inner[i - 1] == b'?');
                    match end {
                        Some(end) if end > 1 => self.pos = at + 1 + end + 1,
                        _ => return fail("a processing instruction is not closed"),
                    }
                }
                Some(b'/') => {
                    let Some(end) = tag_end(inner) else {
                        return fail("a tag is not closed");
                    };
                    self.pos = at + 1 + end + 1;
                    let content = &inner[1..end];
                    let mut len = content.len();
                    while len > 0 && is_space(content[len - 1]) {
                        len -= 1;
                    }
                    // All whitespace (`</ >`): the content as it is.
                    let name = if len == 0 { content } else { &content[..len] };
                    return Ok(Some(Token::End(name)));
                }
                Some(_) => {
                    let Some(end) = tag_end(inner) else {
                        return fail("a tag is not closed");
                    };
                    self.pos = at + 1 + end + 1;
                    let content = &inner[..end];
                    let (content, empty) = match content.strip_suffix(b"/") {
                        Some(c) => (c, true),
                        None => (content, false),
                    };
                    let mut name_len = 0;
                    while name_len < content.len() && !is_space(content[name_len]) {
                        name_len += 1;
                    }
                    let name = &content[..name_len];
                    return Ok(Some(Token::Start { name, empty }));
                }
            }
        }
    }
}

/// The `>` that closes a `<!D...` declaration: `<` and `>` inside it must balance.
fn doctype_end(inner: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &b) in inner.iter().enumerate() {
        match b {
            b'<' => depth += 1,
            b'>' if depth == 0 => return Some(i),
            b'>' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Expands the five predefined entities and character references (`&#10;`,
/// `&#xA;`) in `raw`; borrows when there are none. Any other entity is an error
/// (no DOCTYPE can declare one).
pub(super) fn unescape(raw: &str) -> Result<std::borrow::Cow<'_, str>, String> {
    let bytes = raw.as_bytes();
    let Some(mut amp) = find(bytes, b'&') else {
        return Ok(raw.into());
    };
    let mut out = String::with_capacity(raw.len());
    let mut done = 0;
    loop {
        let semi = bytes[amp + 1..]
            .iter()
            .position(|&b| b == b'&' || b == b';')
            .map(|p| amp + 1 + p)
            .filter(|&p| bytes[p] == b';')
            .ok_or("an entity is not terminated by ';'")?;
        out.push_str(&raw[done..amp]);
        let name = &raw[amp + 1..semi];
        match name.strip_prefix('#') {
            Some(number) => out.push(char_ref(number).ok_or("an invalid character reference")?),
            None => out.push_str(match name {
                "lt" => "<",
                "gt" => ">",
                "amp" => "&",
                "apos" => "'",
                "quot" => "\"",
                _ => return Err(format!("unknown entity &{name};")),
            }),
        }
        done = semi + 1;
        match find(&bytes[done..], b'&') {
            Some(p) => amp = done + p,
            None => break,
        }
    }
    out.push_str(&raw[done..]);
    Ok(out.into())
}

/// `65` or `x41` as a character; `None` for NUL, surrogates, signs, overflow and junk.
fn char_ref(number: &str) -> Option<char> {
    let (digits, radix) = match number.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    if digits.starts_with(['+', '-']) {
        return None;
    }
    let code = u32::from_str_radix(digits, radix).ok()?;
    char::from_u32(code).filter(|&c| c != '\0')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(body: &[u8]) -> Result<Vec<Token<'_>>, SyntaxError> {
        let mut t = Tokenizer::new(body);
        let mut out = Vec::new();
        while let Some(token) = t.next_token()? {
            out.push(token);
        }
        Ok(out)
    }

    #[test]
    fn splits_markup_and_skips_what_carries_no_data() {
        let got = tokens(
            b"<?xml version=\"1.0\"?>\n<a:R x='>' y=\"/\"><!-- <x> --><B/>t&amp;<![CDATA[<c>]]></a:R >",
        )
        .unwrap();
        use Token::*;
        assert_eq!(
            got,
            [
                Text(b"\n"),
                Start {
                    name: b"a:R",
                    empty: false
                },
                Start {
                    name: b"B",
                    empty: true
                },
                Text(b"t&amp;"),
                CData(b"<c>"),
                End(b"a:R"),
            ]
        );
        assert_eq!(
            tokens(b"<!DOCTYPE r [<!ENTITY a 'b'>]>").unwrap(),
            [DocType(b"r [<!ENTITY a 'b'>]")]
        );
    }

    #[test]
    fn unclosed_markup_is_reported_at_its_start() {
        for (body, what) in [
            (&b"ab<"[..], "a tag is not closed"),
            (b"ab<R a='>", "a tag is not closed"),
            (b"ab</R", "a tag is not closed"),
            (b"ab<!-- x ->", "a comment is not closed"),
            (b"ab<!-->", "a comment is not closed"),
            (b"ab<![CDATA[x]>", "a CDATA section is not closed"),
            (b"ab<![CDAT[x]]>", "a CDATA section is not closed"),
            (b"ab<!DOCTYPE <>", "a DOCTYPE is not closed"),
            (b"ab<!Dx>", "a DOCTYPE is not closed"),
            (b"ab<?xml", "a processing instruction is not closed"),
            (b"ab<?>?>", "a processing instruction is not closed"),
            (b"ab<!x>", "unknown markup after '<!'"),
            (b"ab<!", "unknown markup after '<!'"),
        ] {
            let mut t = Tokenizer::new(body);
            assert_eq!(t.next_token(), Ok(Some(Token::Text(b"ab"))));
            assert_eq!(t.next_token(), Err(SyntaxError { at: 2, what }), "{body:?}");
        }
        assert_eq!(
            tokens(b"<!DOCTYPE >").unwrap_err(),
            SyntaxError {
                at: 10,
                what: "ill-formed markup"
            }
        );
    }

    #[test]
    fn entities() {
        assert_eq!(
            unescape("a &lt;&gt;&amp;&quot;&apos; b").unwrap(),
            "a <>&\"' b"
        );
        assert_eq!(unescape("&#65;&#x42;&#x1F600;").unwrap(), "AB\u{1F600}");
        assert!(matches!(
            unescape("plain; text"),
            Ok(std::borrow::Cow::Borrowed(_))
        ));
        assert_eq!(unescape("&foo;").unwrap_err(), "unknown entity &foo;");
        for bad in [
            "&amp",
            "& &amp;",
            "&#0;",
            "&#xD800;",
            "&#-1;",
            "&#x;",
            "&#X41;",
            "&#4294967296;",
        ] {
            assert!(unescape(bad).is_err(), "{bad}");
        }
    }
}
