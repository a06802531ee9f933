//! The reference for the XML differential test and fuzz target: `parse_document`
//! as it was over quick-xml 0.37 (commit 3e2842b), returning a plain tree or the
//! error message. The library's own tokenizer must give the same tree, or the
//! same message (positions included), for every input.
//!
//! Shared by `tests/xml_differential.rs` and `fuzz/fuzz_targets/xml_differential.rs`
//! (`#[path]`), so both compare against one reference.

#![allow(dead_code)]

use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// An element tree with owned strings, comparable across the two parsers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tree {
    pub name: String,
    pub text: String,
    pub children: Vec<Tree>,
}

/// The library's tree as a [`Tree`].
pub fn tree_of(node: &oss_replication::xml::Node<'_>) -> Tree {
    Tree {
        name: node.name.to_string(),
        text: node.text.to_string(),
        children: node.children.iter().map(tree_of).collect(),
    }
}

/// The library's parser, as a tree or the error message.
pub fn ours(body: &[u8], expected_root: &str) -> Result<Tree, String> {
    oss_replication::xml::parse_document(body, expected_root)
        .map(|n| tree_of(&n))
        .map_err(|e| e.message().to_owned())
}

/// The local name of the first start tag, when it is UTF-8.
pub fn first_element_name(body: &[u8]) -> Option<String> {
    let mut i = 0;
    while let Some(p) = body[i..].iter().position(|&b| b == b'<') {
        let start = i + p + 1;
        let rest = &body[start..];
        if rest.first().is_some_and(u8::is_ascii_alphabetic) {
            let len = rest
                .iter()
                .position(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
                .unwrap_or(rest.len());
            let name = std::str::from_utf8(&rest[..len]).ok()?;
            return Some(name.rsplit(':').next().unwrap_or(name).to_owned());
        }
        i = start;
    }
    None
}

const MAX_DEPTH: usize = 32;
const MAX_ELEMENTS: usize = 200_000;

fn describe_non_xml(body: &[u8], expected: &str) -> String {
    if body.iter().all(u8::is_ascii_whitespace) {
        return format!("empty body where <{expected}> was expected");
    }
    format!(
        "expected an XML <{expected}> document, got non-XML text: \"{}\"",
        oss_replication::xml::excerpt(body)
    )
}

fn html_error(expected: &str, body: &[u8]) -> String {
    format!(
        "expected <{expected}>, got an HTML page (a proxy or gateway answered?): \"{}\"",
        oss_replication::xml::excerpt(body)
    )
}

fn describe(e: &quick_xml::Error) -> String {
    use quick_xml::Error as E;
    use quick_xml::errors::{IllFormedError as I, SyntaxError as S};
    use quick_xml::escape::EscapeError as X;
    match e {
        E::Syntax(S::UnclosedTag) => "a tag is not closed".to_owned(),
        E::Syntax(S::UnclosedComment) => "a comment is not closed".to_owned(),
        E::Syntax(S::UnclosedCData) => "a CDATA section is not closed".to_owned(),
        E::Syntax(S::UnclosedDoctype) => "a DOCTYPE is not closed".to_owned(),
        E::Syntax(S::UnclosedPIOrXmlDecl) => "a processing instruction is not closed".to_owned(),
        E::Syntax(_) => "unknown markup after '<!'".to_owned(),
        E::IllFormed(I::MismatchedEndTag { expected, found }) => {
            format!("</{found}> closes <{expected}>")
        }
        E::IllFormed(I::UnmatchedEndTag(name)) => format!("</{name}> closes nothing"),
        E::IllFormed(I::MissingEndTag(name)) => format!("<{name}> is not closed"),
        E::IllFormed(_) => "ill-formed markup".to_owned(),
        E::Escape(X::UnrecognizedEntity(_, name)) => format!("unknown entity &{name};"),
        E::Escape(X::UnterminatedEntity(_)) => "an entity is not terminated by ';'".to_owned(),
        E::Escape(_) => "an invalid character reference".to_owned(),
        E::Encoding(_) => "text is not valid UTF-8".to_owned(),
        _ => "unreadable XML".to_owned(),
    }
}

fn attach(stack: &mut [Tree], root: &mut Option<Tree>, node: Tree) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None => *root = Some(node),
    }
}

/// `parse_document` over quick-xml, as the library had it.
pub fn reference(body: &[u8], expected_root: &str) -> Result<Tree, String> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'<') => {}
        _ => return Err(describe_non_xml(body, expected_root)),
    }
    let malformed = |pos: u64, what: &dyn std::fmt::Display| {
        format!("malformed XML in <{expected_root}> response at byte {pos}: {what}")
    };
    let mut reader = Reader::from_reader(body);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Tree> = Vec::new();
    let mut root: Option<Tree> = None;
    let mut elements = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| malformed(reader.error_position(), &describe(&e)))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let local = e.local_name();
                let name = std::str::from_utf8(local.as_ref())
                    .map_err(|_| malformed(reader.buffer_position(), &"element name is not UTF-8"))?
                    .to_owned();
                if root.is_some() {
                    return Err(malformed(
                        reader.buffer_position(),
                        &"content after the root element",
                    ));
                }
                if stack.is_empty() && name != expected_root {
                    if name.eq_ignore_ascii_case("html") {
                        return Err(html_error(expected_root, body));
                    }
                    return Err(format!(
                        "expected root element <{expected_root}>, got <{name}>"
                    ));
                }
                elements += 1;
                if elements > MAX_ELEMENTS {
                    return Err(malformed(
                        reader.buffer_position(),
                        &"more than 200,000 elements",
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed(
                        reader.buffer_position(),
                        &"elements nested too deeply",
                    ));
                }
                let node = Tree {
                    name,
                    ..Tree::default()
                };
                if matches!(event, Event::Empty(_)) {
                    attach(&mut stack, &mut root, node);
                } else {
                    stack.push(node);
                }
            }
            Event::End(_) => {
                let node = stack
                    .pop()
                    .ok_or_else(|| malformed(reader.buffer_position(), &"unexpected end tag"))?;
                attach(&mut stack, &mut root, node);
            }
            Event::Text(t) => {
                let text = t
                    .unescape()
                    .map_err(|e| malformed(reader.buffer_position(), &describe(&e)))?;
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => {
                        return Err(malformed(
                            reader.buffer_position(),
                            &"text outside the root element",
                        ));
                    }
                }
            }
            Event::CData(c) => {
                let text = std::str::from_utf8(&c)
                    .map_err(|_| malformed(reader.buffer_position(), &"CDATA is not UTF-8"))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(text);
                }
            }
            Event::DocType(d) => {
                if String::from_utf8_lossy(&d)
                    .trim()
                    .eq_ignore_ascii_case("html")
                {
                    return Err(html_error(expected_root, body));
                }
                return Err(malformed(
                    reader.buffer_position(),
                    &"DOCTYPE declarations are not accepted",
                ));
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "truncated XML: <{}> is not closed (expected a complete <{expected_root}> document)",
            open.name
        ));
    }
    root.ok_or_else(|| describe_non_xml(body, expected_root))
}
