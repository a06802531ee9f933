//! The library's XML tokenizer on its own terms (no quick-xml): any bytes give a
//! tree or an error, never a panic; an accepted tree is at most 32 levels deep;
//! and a tree written back out (names as they are, `&` and `<` escaped, each
//! element's text before its children) parses to the same tree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oss_replication::xml::{Node, parse_document};

fn depth(n: &Node<'_>) -> usize {
    1 + n.children.iter().map(depth).max().unwrap_or(0)
}

/// Names that read back the same: no prefix, quote, slash or space to reinterpret.
fn plain(n: &Node<'_>) -> bool {
    !n.name.is_empty()
        && n.name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && n.children.iter().all(plain)
}

fn write(n: &Node<'_>, out: &mut String) {
    out.push('<');
    out.push_str(&n.name);
    out.push('>');
    for c in n.text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            c => out.push(c),
        }
    }
    for child in &n.children {
        write(child, out);
    }
    out.push_str("</");
    out.push_str(&n.name);
    out.push('>');
}

/// Text, name and children, compared as owned values.
fn same(a: &Node<'_>, b: &Node<'_>) -> bool {
    a.name == b.name
        && a.text == b.text
        && a.children.len() == b.children.len()
        && a.children.iter().zip(&b.children).all(|(x, y)| same(x, y))
}

fuzz_target!(|data: &[u8]| {
    for root in ["Root", "R"] {
        let Ok(tree) = parse_document(data, root) else {
            continue;
        };
        assert!(depth(&tree) <= 32);
        if plain(&tree) {
            let mut text = String::new();
            write(&tree, &mut text);
            let again = parse_document(text.as_bytes(), root)
                .unwrap_or_else(|e| panic!("written tree does not parse: {e:?}\n{text}"));
            assert!(same(&tree, &again), "round trip changed the tree:\n{text}");
        }
    }
});
