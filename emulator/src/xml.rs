//! XML for responses (a small writer, `<Error>` bodies) and a bounded element tree for
//! the request bodies the library has no public parser for (`ReplicationRules`,
//! `ReplicationRule`).

use quick_xml::events::Event;
use quick_xml::reader::Reader;

use crate::errors::OssError;

/// The declaration OSS puts before every XML answer.
pub const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// Deepest nesting accepted in request bodies.
const MAX_DEPTH: usize = 16;
/// Most elements accepted in a request body.
const MAX_ELEMENTS: usize = 10_000;

/// Builds an XML document.
#[derive(Debug)]
pub struct Writer(String);

impl Default for Writer {
    fn default() -> Self {
        Writer(DECLARATION.to_owned())
    }
}

impl Writer {
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

    /// `<tag>escaped text</tag>`.
    pub fn leaf(&mut self, tag: &str, text: &str) -> &mut Self {
        self.open(tag);
        escape_into(text, &mut self.0);
        self.close(tag)
    }

    /// `<tag>text</tag>` when `text` is `Some`.
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

/// Escapes character data and attribute-free text.
pub fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {
                // Not representable in XML 1.0: show it escaped instead of writing a broken document.
                out.push_str(&format!("\\u{{{:04X}}}", c as u32));
            }
            c => out.push(c),
        }
    }
}

/// The `<Error>` body for `err`.
pub fn error_body(err: &OssError, request_id: &str, host_id: &str) -> String {
    let mut w = Writer::default();
    w.open("Error")
        .leaf("Code", &err.code)
        .leaf("Message", &err.message)
        .leaf("RequestId", request_id)
        .leaf("HostId", host_id);
    for (k, v) in &err.extra {
        w.leaf(k, v);
    }
    let ec = err.ec();
    w.leaf("EC", ec).leaf(
        "RecommendDoc",
        &format!("https://api.aliyun.com/troubleshoot?q={ec}"),
    );
    w.close("Error");
    w.finish()
}

/// One element of a parsed request body.
#[derive(Debug, Default)]
pub struct Node {
    /// Local name.
    pub name: String,
    /// Text content, trimmed.
    pub text: String,
    /// Child elements.
    pub children: Vec<Node>,
}

impl Node {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
}

/// Parses a request body into a tree; errors are `MalformedXML` detail strings.
pub fn parse_tree(body: &[u8]) -> Result<Node, String> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let mut reader = Reader::from_reader(body);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut count = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if root.is_some() {
                    return Err("content after the root element".into());
                }
                count += 1;
                if stack.len() >= MAX_DEPTH || count > MAX_ELEMENTS {
                    return Err("document too deep or too large".into());
                }
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let node = Node {
                    name,
                    ..Node::default()
                };
                if matches!(event, Event::Empty(_)) {
                    attach(&mut stack, &mut root, node);
                } else {
                    stack.push(node);
                }
            }
            Event::End(_) => {
                let mut node = stack.pop().ok_or("unexpected end tag")?;
                node.text = node.text.trim().to_owned();
                attach(&mut stack, &mut root, node);
            }
            Event::Text(t) => {
                let text = t.unescape().map_err(|e| e.to_string())?;
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => return Err("text outside the root element".into()),
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&c));
                }
            }
            Event::DocType(_) => return Err("DOCTYPE declarations are not accepted".into()),
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("<{}> is not closed", open.name));
    }
    root.ok_or_else(|| "the body holds no XML element".to_owned())
}

fn attach(stack: &mut [Node], root: &mut Option<Node>, node: Node) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None => *root = Some(node),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_has_every_field() {
        let e = OssError::new(404, "NoSuchBucket", "gone").with("BucketName", "a<b");
        let body = error_body(&e, "RID", "host");
        assert!(body.starts_with(DECLARATION));
        assert!(body.contains("<Code>NoSuchBucket</Code>"));
        assert!(body.contains("<BucketName>a&lt;b</BucketName>"));
        assert!(body.contains("<EC>0015-00000101</EC>"));
        assert!(body.contains(
            "<RecommendDoc>https://api.aliyun.com/troubleshoot?q=0015-00000101</RecommendDoc>"
        ));
    }

    #[test]
    fn tree_parses_and_rejects() {
        let n = parse_tree(b"<ReplicationRules xmlns=\"x\"><ID> a&amp;b </ID></ReplicationRules>")
            .unwrap();
        assert_eq!(n.name, "ReplicationRules");
        assert_eq!(n.child("ID").unwrap().text, "a&b");
        for bad in [
            &b""[..],
            b"<a>",
            b"<a></b>",
            b"<a/><b/>",
            b"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
            b"junk",
            b"<a>&nope;</a>",
        ] {
            assert!(
                parse_tree(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        let deep = "<a>".repeat(20) + &"</a>".repeat(20);
        assert!(parse_tree(deep.as_bytes()).is_err());
    }
}
