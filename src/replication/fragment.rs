//! Rule children this library does not model, kept as canonical XML text so a
//! rule that is read back and put again loses nothing (`Destination/Cloud`,
//! `Source/Location`, whatever OSS adds next).
//!
//! Canonical form: the element as the core's XML parser sees it (local names, no
//! attributes, no comments) written back by [`XmlWriter`]: leaves keep their text
//! exactly, containers keep only their child elements. A fragment given by a
//! caller is parsed and written again the same way before it reaches a body, so
//! it can never carry markup other than elements and text.

use crate::error::Error;
use crate::xml::{Node, XmlWriter, parse_document};

/// `<Rule>` children the library models (or, for `Status` and `Progress`, reads and never sends).
pub(crate) const RULE_CHILDREN: &[&str] = &[
    "ID",
    "Destination",
    "PrefixSet",
    "Action",
    "Status",
    "HistoricalObjectReplication",
    "SyncRole",
    "RTC",
    "SourceSelectionCriteria",
    "EncryptionConfiguration",
    "UserTaggings",
    "Progress",
];

/// `<Destination>` children the library models.
pub(crate) const DESTINATION_CHILDREN: &[&str] = &["Bucket", "Location", "TransferType"];

/// Wraps fragments for parsing; not an OSS element name.
const WRAPPER: &str = "KeptFragment";

/// Writes `node` into `w` in canonical form.
pub(crate) fn write_node(w: &mut XmlWriter, node: &Node<'_>) {
    if node.children.is_empty() {
        w.leaf(&node.name, &node.text);
    } else {
        w.open(&node.name);
        for c in &node.children {
            write_node(w, c);
        }
        w.close(&node.name);
    }
}

/// Whether every element name under `node` is a plain XML name. The parser is
/// lenient about names (as quick-xml was), so `<a<b>` reads as an element named
/// `a<b`; written back, such a name would make a body that does not parse.
fn names_are_xml_names(node: &Node<'_>) -> bool {
    let mut chars = node.name.chars();
    let start_ok = chars.next().is_some_and(|c| {
        c == '_' || c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphabetic())
    });
    start_ok
        && chars.all(|c| {
            matches!(c, '-' | '_' | '.')
                || c.is_ascii_alphanumeric()
                || (!c.is_ascii() && c.is_alphanumeric())
        })
        && node.children.iter().all(names_are_xml_names)
}

fn has_mixed_content(node: &Node<'_>) -> bool {
    (!node.children.is_empty() && !node.text.trim().is_empty())
        || node.children.iter().any(has_mixed_content)
}

/// Parses `fragment` (one element) and hands its tree to `f`; the error names `field`.
/// Rejects anything but exactly one element, names in `known` (they have their own
/// fields) and mixed content (text beside child elements, which would not survive).
pub(crate) fn with_fragment<T>(
    field: &str,
    fragment: &str,
    known: &[&str],
    f: impl FnOnce(&Node<'_>) -> T,
) -> Result<T, Error> {
    let wrapped = format!("<{WRAPPER}>{fragment}</{WRAPPER}>");
    let tree = parse_document(wrapped.as_bytes(), WRAPPER).map_err(|e| {
        let detail = e.message().replace(
            &format!("malformed XML in <{WRAPPER}> response"),
            "malformed XML",
        );
        Error::invalid(format!("{field} is not an XML element: {detail}"))
    })?;
    let [node] = tree.children.as_slice() else {
        return Err(Error::invalid(format!(
            "{field} must hold exactly one XML element, found {}",
            tree.children.len()
        )));
    };
    if !tree.text.trim().is_empty() {
        return Err(Error::invalid(format!(
            "{field} holds text outside its element"
        )));
    }
    if known.contains(&&*node.name) {
        return Err(Error::invalid(format!(
            "{field} is a <{}> element, which has its own field",
            node.name
        )));
    }
    if !names_are_xml_names(node) {
        return Err(Error::invalid(format!(
            "{field} has an element name that is not an XML name (letters, digits, '-', '_', '.')"
        )));
    }
    if has_mixed_content(node) {
        return Err(Error::invalid(format!(
            "{field} mixes text and child elements, which cannot be kept"
        )));
    }
    Ok(f(node))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(node: &Node<'_>) -> String {
        let mut w = XmlWriter::default();
        write_node(&mut w, node);
        w.finish()
    }

    fn check(fragment: &str) -> Result<String, String> {
        with_fragment("f", fragment, RULE_CHILDREN, canonical).map_err(|e| e.message().to_owned())
    }

    #[test]
    fn canonical_form_is_stable() {
        let c = check(" <a:Source xmlns:a=\"urn:x\" k=\"v\">\n <Location> oss-cn-hangzhou </Location><!-- c --><E/></a:Source>\n").unwrap();
        assert_eq!(
            c,
            "<Source><Location> oss-cn-hangzhou </Location><E></E></Source>"
        );
        assert_eq!(check(&c).unwrap(), c);
        assert_eq!(
            check("<X>a &amp; &lt;b&gt;</X>").unwrap(),
            "<X>a &amp; &lt;b&gt;</X>"
        );
    }

    #[test]
    fn bad_fragments_are_named() {
        assert_eq!(
            check("").unwrap_err(),
            "f must hold exactly one XML element, found 0"
        );
        assert_eq!(
            check("<A/><B/>").unwrap_err(),
            "f must hold exactly one XML element, found 2"
        );
        assert_eq!(
            check("x<A/>").unwrap_err(),
            "f holds text outside its element"
        );
        assert!(
            check("<A>")
                .unwrap_err()
                .starts_with("f is not an XML element: malformed XML")
        );
        assert!(check("</KeptFragment><ID>x</ID><KeptFragment>").is_err());
        assert_eq!(
            check("<ID>x</ID>").unwrap_err(),
            "f is a <ID> element, which has its own field"
        );
        // Found by fuzz/rule_validation: a lenient name that would not parse again.
        for bad in ["<o<<aa>x</o<<aa>", "<A><b\u{17}c/></A>", "<1a/>"] {
            assert_eq!(
                check(bad).unwrap_err(),
                "f has an element name that is not an XML name (letters, digits, '-', '_', '.')",
                "{bad:?}"
            );
        }
        assert_eq!(
            check("<A>t<B/></A>").unwrap_err(),
            "f mixes text and child elements, which cannot be kept"
        );
    }
}
