//! A small XML layer: a validating event reader ([`Events`]) and a bounded
//! element tree built on it for reading responses, a writer for request bodies,
//! and OSS `<Error>` bodies. Public so a
//! server (the emulator) reads and writes OSS XML the same way the client does.
//!
//! Reading is lenient where OSS is (namespaces, unknown elements, whitespace
//! around values) and strict where it must be: a wrong root, a DOCTYPE (no
//! entity tricks), malformed or truncated markup and non-XML bodies are errors
//! that say what was found instead.

use std::borrow::Cow;

use crate::error::Error;

mod tokens;

use tokens::{Token, Tokenizer, unescape};

/// Deepest nesting accepted; OSS answers are 5 levels deep.
const MAX_DEPTH: usize = 32;
/// Most elements accepted in one document (a 100-rule answer has about 2,000).
const MAX_ELEMENTS: usize = 200_000;

/// One element: its local name, its text exactly as sent, and its child elements.
/// Names and texts borrow from the body where they can (no entities to expand):
/// parsing then allocates little more than the child lists.
#[derive(Debug, Default)]
pub struct Node<'a> {
    /// Local name (any namespace prefix dropped).
    pub name: Cow<'a, str>,
    /// Text content, entities expanded, whitespace kept.
    pub text: Cow<'a, str>,
    /// Child elements, in document order.
    pub children: Vec<Node<'a>>,
}

impl<'a> Node<'a> {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Node<'a>> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn children<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Node<'a>> + 's {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child named `name`: for codes, statuses,
    /// numbers and times, where stray whitespace means nothing.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }

    /// The trimmed text of the first child named `name`, owned; `None` when absent or empty.
    pub fn string(&self, name: &str) -> Option<String> {
        self.text_of(name)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    }

    /// The exact text of the first child named `name`, owned; `None` when absent or
    /// empty. For user data (prefixes, IDs), where a space is part of the value.
    pub fn exact(&self, name: &str) -> Option<String> {
        self.child(name)
            .filter(|c| !c.text.is_empty())
            .map(|c| c.text.to_string())
    }
}

/// A short, printable excerpt of a body for error messages.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(120)]);
    // Runs of whitespace and control characters become one space (a loop, not
    // `Vec<&str>::join`: that is a second ~900 B copy of `join` in the wasm).
    let mut flat = String::new();
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()) {
        if !word.is_empty() {
            if !flat.is_empty() {
                flat.push(' ');
            }
            flat.push_str(word);
        }
    }
    let mut cut: String = flat.chars().take(80).collect();
    // `cut` is a prefix of `flat`: shorter means more than 80 characters.
    if cut.len() < flat.len() || body.len() > 120 {
        cut.push_str("...");
    }
    cut
}

fn describe_non_xml(body: &[u8], expected: &str) -> Error {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Error::parse(format!("empty body where <{expected}> was expected"));
    }
    Error::parse(format!(
        "expected an XML <{expected}> document, got non-XML text: \"{}\"",
        excerpt(body)
    ))
}

fn html_error(expected: &str, body: &[u8]) -> Error {
    Error::parse(format!(
        "expected <{expected}>, got an HTML page (a proxy or gateway answered?): \"{}\"",
        excerpt(body)
    ))
}

/// One step through a document, as [`Events`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event<'a> {
    /// An element opens: its local name (any namespace prefix dropped). An empty
    /// element (`<X/>`) is a `Start` followed at once by its `End`.
    Start(&'a str),
    /// Character data of the innermost open element, entities expanded, or the
    /// content of a CDATA section; an element's text is every such piece in order.
    Text(Cow<'a, str>),
    /// The innermost open element closes.
    End,
}

/// A validating pull reader over a document whose root must be named
/// `expected_root`: every check [`parse_document`] makes (markup, nesting, end
/// tags, the root, DOCTYPEs, HTML and non-XML bodies, limits) is made here, in
/// document order, so a reader that maps events straight into its own types
/// fails on exactly the bodies, and with exactly the messages, the tree does.
pub struct Events<'a, 'r> {
    body: &'a [u8],
    /// The body as text when it is UTF-8 throughout (almost always): names and
    /// texts are then sliced from it without being validated again.
    text: Option<&'a str>,
    tokens: Tokenizer<'a>,
    expected_root: &'r str,
    /// The open elements: qualified name (an end tag must repeat it) and local name.
    open: Vec<(&'a [u8], &'a str)>,
    /// An empty element was started: its `End` comes next.
    pending_end: bool,
    /// The root element has closed.
    root_done: bool,
    elements: usize,
}

impl std::fmt::Debug for Events<'_, '_> {
    // Where the reader is, not the body it reads.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("expected_root", &self.expected_root)
            .field("at", &self.tokens.position())
            .field("open", &self.open.len())
            .finish_non_exhaustive()
    }
}

impl<'a, 'r> Events<'a, 'r> {
    /// A reader at the start of `body`; fails at once on a body that cannot be XML
    /// (empty, or not starting with `<` after a BOM and whitespace).
    pub fn new(body: &'a [u8], expected_root: &'r str) -> Result<Self, Error> {
        let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'<') => {}
            _ => return Err(describe_non_xml(body, expected_root)),
        }
        Ok(Events {
            body,
            text: std::str::from_utf8(body).ok(),
            tokens: Tokenizer::new(body),
            expected_root,
            open: Vec::with_capacity(8),
            pending_end: false,
            root_done: false,
            elements: 0,
        })
    }

    fn malformed(&self, pos: usize, what: &dyn std::fmt::Display) -> Error {
        Error::parse(format!(
            "malformed XML in <{}> response at byte {pos}: {what}",
            self.expected_root
        ))
    }

    /// `bytes` (a slice of the body) as text, when it is UTF-8.
    #[inline(always)]
    fn as_str(&self, bytes: &'a [u8]) -> Option<&'a str> {
        // Token bounds are ASCII bytes, hence character boundaries of a UTF-8 body.
        let at = bytes.as_ptr() as usize - self.body.as_ptr() as usize;
        match self.text {
            Some(text) => text.get(at..at + bytes.len()),
            None => std::str::from_utf8(bytes).ok(),
        }
    }

    /// The next event; `None` once the root has closed and only comments,
    /// processing instructions and whitespace followed it.
    #[allow(clippy::should_implement_trait)] // fallible: not an Iterator
    pub fn next(&mut self) -> Result<Option<Event<'a>>, Error> {
        if self.pending_end {
            self.pending_end = false;
            self.root_done |= self.open.is_empty();
            return Ok(Some(Event::End));
        }
        loop {
            let token = self
                .tokens
                .next_token()
                .map_err(|e| self.malformed(e.at, &e.what))?;
            // Past the token: after its `>`, or at the `<` ending a text.
            let pos = self.tokens.position();
            match token {
                None => {
                    if let Some((_, name)) = self.open.last() {
                        return Err(Error::parse(format!(
                            "truncated XML: <{name}> is not closed (expected a complete <{}> document)",
                            self.expected_root
                        )));
                    }
                    if !self.root_done {
                        return Err(describe_non_xml(self.body, self.expected_root));
                    }
                    return Ok(None);
                }
                Some(Token::Start { name: qname, empty }) => {
                    // The local name: any namespace prefix dropped.
                    let local = match tokens::find(qname, b':') {
                        Some(colon) => &qname[colon + 1..],
                        None => qname,
                    };
                    let name = self
                        .as_str(local)
                        .ok_or_else(|| self.malformed(pos, &"element name is not UTF-8"))?;
                    if self.root_done {
                        return Err(self.malformed(pos, &"content after the root element"));
                    }
                    if self.open.is_empty() && name != self.expected_root {
                        if name.eq_ignore_ascii_case("html") {
                            return Err(html_error(self.expected_root, self.body));
                        }
                        return Err(Error::parse(format!(
                            "expected root element <{}>, got <{name}>",
                            self.expected_root
                        )));
                    }
                    self.elements += 1;
                    if self.elements > MAX_ELEMENTS {
                        return Err(self.malformed(pos, &"more than 200,000 elements"));
                    }
                    if self.open.len() >= MAX_DEPTH {
                        return Err(self.malformed(pos, &"elements nested too deeply"));
                    }
                    if empty {
                        self.pending_end = true;
                    } else {
                        self.open.push((qname, name));
                    }
                    return Ok(Some(Event::Start(name)));
                }
                Some(Token::End(name)) => {
                    // Names in messages as text, or empty when they are not UTF-8.
                    let text = |b: &[u8]| std::str::from_utf8(b).unwrap_or_default().to_owned();
                    let at = self.tokens.token_start();
                    match self.open.pop() {
                        None => {
                            let what = format!("</{}> closes nothing", text(name));
                            return Err(self.malformed(at, &what));
                        }
                        Some((expected, _)) if expected != name => {
                            let what = format!("</{}> closes <{}>", text(name), text(expected));
                            return Err(self.malformed(at, &what));
                        }
                        Some(_) => {}
                    }
                    self.root_done = self.open.is_empty();
                    return Ok(Some(Event::End));
                }
                Some(Token::Text(raw)) => {
                    let raw = self
                        .as_str(raw)
                        .ok_or_else(|| self.malformed(pos, &"text is not valid UTF-8"))?;
                    let text = unescape(raw).map_err(|what| self.malformed(pos, &what))?;
                    if !self.open.is_empty() {
                        return Ok(Some(Event::Text(text)));
                    }
                    if !text.trim().is_empty() {
                        return Err(self.malformed(pos, &"text outside the root element"));
                    }
                }
                Some(Token::CData(c)) => {
                    let text = self
                        .as_str(c)
                        .ok_or_else(|| self.malformed(pos, &"CDATA is not UTF-8"))?;
                    // Outside the root a CDATA section carries nothing (as quick-xml read it).
                    if !self.open.is_empty() {
                        return Ok(Some(Event::Text(Cow::Borrowed(text))));
                    }
                }
                Some(Token::DocType(d)) => {
                    if String::from_utf8_lossy(d)
                        .trim()
                        .eq_ignore_ascii_case("html")
                    {
                        return Err(html_error(self.expected_root, self.body));
                    }
                    // A DOCTYPE can declare entities (billion laughs, external files): OSS never sends one.
                    return Err(self.malformed(pos, &"DOCTYPE declarations are not accepted"));
                }
            }
        }
    }
}

/// Parses `body` into an element tree whose root must be named `expected_root`.
/// Rejects DOCTYPEs, malformed or truncated markup, non-XML and HTML bodies, and
/// documents deeper than 32 levels or larger than 200,000 elements.
pub fn parse_document<'a>(body: &'a [u8], expected_root: &str) -> Result<Node<'a>, Error> {
    let mut events = Events::new(body, expected_root)?;
    let mut stack: Vec<Node<'a>> = Vec::with_capacity(8);
    let mut root = None;
    while let Some(event) = events.next()? {
        match event {
            Event::Start(name) => stack.push(Node {
                name: Cow::Borrowed(name),
                ..Node::default()
            }),
            Event::Text(text) => {
                if let Some(top) = stack.last_mut() {
                    if top.text.is_empty() {
                        top.text = text;
                    } else {
                        top.text.to_mut().push_str(&text);
                    }
                }
            }
            Event::End => {
                if let Some(node) = stack.pop() {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(node),
                        None => root = Some(node),
                    }
                }
            }
        }
    }
    root.ok_or_else(|| describe_non_xml(body, expected_root))
}

/// Builds an XML body without a declaration, as every OSS SDK sends it.
#[derive(Debug, Default)]
pub struct XmlWriter(String);

impl XmlWriter {
    /// `<?xml version="1.0" encoding="UTF-8"?>` and a newline, as OSS starts its answers.
    pub fn declaration(&mut self) -> &mut Self {
        self.0
            .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        self
    }

    /// `<tag>`.
    pub fn open(&mut self, tag: &str) -> &mut Self {
        self.0.push('<');
        self.0.push_str(tag);
        self.0.push('>');
        self
    }

    /// `</tag>`.
    pub fn close(&mut self, tag: &str) -> &mut Self {
        self.0.push_str("</");
        self.0.push_str(tag);
        self.0.push('>');
        self
    }

    /// Escaped character data.
    pub fn text(&mut self, text: &str) -> &mut Self {
        escape_text_into(text, &mut self.0);
        self
    }

    /// `<tag>escaped text</tag>`.
    pub fn leaf(&mut self, tag: &str, text: &str) -> &mut Self {
        self.open(tag).text(text).close(tag)
    }

    /// A leaf only when `text` is present.
    pub fn opt_leaf(&mut self, tag: &str, text: Option<&str>) -> &mut Self {
        if let Some(t) = text {
            self.leaf(tag, t);
        }
        self
    }

    /// The document.
    pub fn finish(self) -> String {
        self.0
    }
}

/// Escapes character data as ElementTree does (`&`, `<`, `>`), plus `\r`, which
/// a parser would otherwise read back as `\n`. Other control characters cannot be
/// carried by XML 1.0 at all: the client rejects them before building a body, and
/// a server echoing one writes it visibly as `\u{0001}` rather than break the document.
fn escape_text_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if c < ' ' && c != '\n' && c != '\t' => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push_str("\\u{00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
                out.push('}');
            }
            c => out.push(c),
        }
    }
}

/// The fields of an OSS `<Error>` body.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ErrorBody {
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) request_id: Option<String>,
    pub(crate) host_id: Option<String>,
    pub(crate) ec: Option<String>,
    pub(crate) recommend_doc: Option<String>,
    pub(crate) server_time: Option<String>,
    pub(crate) string_to_sign: Option<String>,
}

/// Reads an OSS `<Error>` body; `None` when the body is not one (HTML, empty, other XML).
pub(crate) fn parse_error_body(body: &[u8]) -> Option<ErrorBody> {
    let root = parse_document(body, "Error").ok()?;
    Some(ErrorBody {
        code: root.string("Code"),
        message: root.string("Message"),
        request_id: root.string("RequestId"),
        host_id: root.string("HostId"),
        ec: root.string("EC"),
        recommend_doc: root.string("RecommendDoc"),
        server_time: root.string("ServerTime"),
        string_to_sign: root.string("StringToSign"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_is_lenient_about_namespaces_whitespace_and_unknowns() {
        let doc = br#"<?xml version="1.0" encoding="UTF-8"?>
            <a:Root xmlns:a="urn:x" xmlns="http://doc.oss-cn-hangzhou.aliyuncs.com"><!-- c -->
              <Item>  one &amp; two </Item><Item/><Future><X>1</X></Future><C><![CDATA[<raw>]]></C>
            </a:Root>"#;
        let root = parse_document(doc, "Root").unwrap();
        let items: Vec<&str> = root.children("Item").map(|n| &*n.text).collect();
        assert_eq!(items, ["  one & two ", ""]);
        assert_eq!(root.text_of("Item"), Some("one & two"));
        assert_eq!(root.exact("Item").as_deref(), Some("  one & two "));
        assert_eq!(root.text_of("C"), Some("<raw>"));
        assert_eq!(root.string("Item").as_deref(), Some("one & two"));
        assert!(root.child("Future").unwrap().child("X").is_some());
    }

    fn err(body: &[u8]) -> String {
        parse_document(body, "Root")
            .unwrap_err()
            .message()
            .to_owned()
    }

    #[test]
    fn strict_about_structure() {
        assert_eq!(
            err(b"<Other/>"),
            "expected root element <Root>, got <Other>"
        );
        assert!(err(b"<Root><A>x</A>").starts_with("truncated XML: <Root> is not closed"));
        assert!(
            err(b"<Root><A>x</B></Root>").starts_with("malformed XML"),
            "{}",
            err(b"<Root><A>x</B></Root>")
        );
        assert!(err(b"<Root>&foo;</Root>").starts_with("malformed XML"));
        assert!(err(b"<!DOCTYPE r [<!ENTITY a \"b\">]><Root>&a;</Root>").contains("DOCTYPE"));
        assert!(err(b"<Root/><Root/>").contains("after the root"));
        assert_eq!(err(b""), "empty body where <Root> was expected");
        assert_eq!(err(b"  \n"), "empty body where <Root> was expected");
        assert!(err(b"Bad Gateway").contains("non-XML text: \"Bad Gateway\""));
        assert!(err(b"<!DOCTYPE html><html><body>502</body></html>").contains("HTML page"));
        assert!(err(b"<html><head><title>x</title></head></html>").contains("HTML page"));
        assert!(err(b"<Root>\xff\xfe</Root>").starts_with("malformed XML"));
        let deep = "<Root>".to_owned() + &"<a>".repeat(40) + &"</a>".repeat(40) + "</Root>";
        assert!(err(deep.as_bytes()).contains("nested too deeply"));
    }

    #[test]
    fn events_come_in_document_order() {
        let body = b"\xEF\xBB\xBF <?xml?><!-- c --><n:Root a='>'><A/>t&amp;<![CDATA[<c>]]><B>\n</B></n:Root>\n<!-- end -->";
        let mut events = Events::new(body, "Root").unwrap();
        let mut got = Vec::new();
        while let Some(event) = events.next().unwrap() {
            got.push(event);
        }
        use Event::*;
        assert_eq!(
            got,
            [
                Start("Root"),
                Start("A"),
                End,
                Text("t&".into()),
                Text("<c>".into()),
                Start("B"),
                Text("\n".into()),
                End,
                End
            ]
        );
        // Errors surface where the tree's do: after the events before them.
        let mut events = Events::new(b"<Root><A>x</B></Root>", "Root").unwrap();
        assert_eq!(events.next().unwrap(), Some(Start("Root")));
        assert_eq!(events.next().unwrap(), Some(Start("A")));
        assert_eq!(events.next().unwrap(), Some(Text("x".into())));
        assert_eq!(
            events.next().unwrap_err().message(),
            "malformed XML in <Root> response at byte 10: </B> closes <A>"
        );
        assert!(Events::new(b" \n", "Root").is_err());
    }

    #[test]
    fn writer_escapes() {
        let mut w = XmlWriter::default();
        w.open("R").leaf("ID", "a<b>&c\"'\r\u{1}\t").close("R");
        assert_eq!(
            w.finish(),
            "<R><ID>a&lt;b&gt;&amp;c\"'&#13;\\u{0001}\t</ID></R>"
        );
    }

    #[test]
    fn excerpt_flattens_and_cuts() {
        // Whitespace (Unicode too) and control characters collapse to one space.
        assert_eq!(
            excerpt(b"  Bad\r\n\tGateway\x01\x7f ok  "),
            "Bad Gateway ok"
        );
        assert_eq!(excerpt("a\u{3000}b\u{85}\u{1}c".as_bytes()), "a b c");
        // The cut counts characters, not bytes: 60 two-byte characters are kept whole.
        assert_eq!(excerpt("é".repeat(60).as_bytes()), "é".repeat(60));
        assert_eq!(excerpt(&[b'x'; 80]), "x".repeat(80));
        assert_eq!(excerpt(&[b'x'; 81]), "x".repeat(80) + "...");
        // Past 120 bytes of body the excerpt is marked cut even when short.
        let mut body = vec![b' '; 121];
        body[0] = b'a';
        assert_eq!(excerpt(&body), "a...");
    }

    #[test]
    fn error_body() {
        let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>MissingArgument</Code><Message>Missing Some Required Arguments.</Message>
  <RequestId>57ABD896CCB80C366955****</RequestId><HostId>oss-example.oss-cn-hangzhou.aliyuncs.com</HostId>
  <EC>0016-00000502</EC><RecommendDoc>https://api.aliyun.com/troubleshoot?q=0016-00000502</RecommendDoc>
  <ArgumentName>x</ArgumentName>
</Error>"#;
        let e = parse_error_body(body).unwrap();
        assert_eq!(e.code.as_deref(), Some("MissingArgument"));
        assert_eq!(e.ec.as_deref(), Some("0016-00000502"));
        assert_eq!(e.request_id.as_deref(), Some("57ABD896CCB80C366955****"));
        assert!(parse_error_body(b"<html></html>").is_none());
        assert!(parse_error_body(b"").is_none());
    }
}
