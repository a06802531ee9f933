//! Differential test of the library's XML tokenizer against quick-xml 0.37 (the
//! parser it replaced, kept as the reference in tests/support/xml_reference.rs):
//! for every input both must give the same element tree, or the same error
//! message (byte positions included).
//!
//! Inputs: every string in tests/vectors/*.json; every file of fuzz/corpus/; every
//! string literal holding markup in the sources and tests (src/, emulator/, tests/:
//! the fixtures the other tests parse); the Put bodies our builder writes; the
//! bench documents; then every prefix of each (truncation) and seeded random
//! documents from a grammar of well-formed and broken markup, mutated.
//! `XML_DIFF_SEED=n` picks another seed, `XML_DIFF_CASES=n` another count.

#[path = "support/xml_reference.rs"]
mod xml_reference;

#[path = "support/rule_reference.rs"]
mod rule_reference;

use std::path::{Path, PathBuf};

use oss_replication::replication::{Destination, ReplicationRule, put_bucket_replication};
use serde_json::Value;
use xml_reference::{first_element_name, ours, reference};

/// Compares the streaming rule reader with the tree-based one it replaced
/// (tests/support/rule_reference.rs) on `body`, as GetBucketReplication and as
/// GetBucketReplicationProgress answers; how many of the two read it without error.
fn compare_rules(body: &[u8], failures: &mut Vec<String>) -> usize {
    let (a, b) = (rule_reference::our_rules(body), rule_reference::rules(body));
    let (c, d) = (
        rule_reference::our_progress(body),
        rule_reference::progress(body),
    );
    if (a != b || c != d) && failures.len() < 20 {
        failures.push(format!(
            "body {:?} (rules):\n  ours:  {a:?}\n        {c:?}\n  tree:  {b:?}\n        {d:?}",
            String::from_utf8_lossy(body)
        ));
    }
    usize::from(a.is_ok()) + usize::from(c.is_ok())
}

/// Compares the two parsers on `body` with the roots worth asking for: the first
/// element's own name (so well-formed documents parse), a wrong one, and `Error`;
/// and the two rule readers.
fn compare(body: &[u8], failures: &mut Vec<String>) -> usize {
    compare_rules(body, failures);
    let mut roots = vec!["Root".to_owned(), "Error".to_owned()];
    if let Some(name) = first_element_name(body) {
        roots.push(name);
    }
    for root in &roots {
        let (a, b) = (ours(body, root), reference(body, root));
        if a != b && failures.len() < 20 {
            failures.push(format!(
                "body {:?} (root {root}):\n  ours:      {a:?}\n  quick-xml: {b:?}",
                String::from_utf8_lossy(body)
            ));
        }
    }
    roots.len()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_under(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().unwrap().to_string_lossy();
        if path.is_dir() {
            if !["target", "node_modules", "artifacts", ".venv"].contains(&&*name) {
                files_under(&path, exts, out);
            }
        } else if exts.is_empty() || exts.iter().any(|e| name.ends_with(e)) {
            out.push(path);
        }
    }
}

fn json_strings(v: &Value, out: &mut Vec<Vec<u8>>) {
    match v {
        Value::String(s) => out.push(s.as_bytes().to_vec()),
        Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| json_strings(x, out)),
        _ => {}
    }
}

/// String literals holding markup in Rust and JS sources: raw strings as they are,
/// quoted strings with the common escapes decoded. Rough on purpose: every literal
/// is only an input, and a slightly wrong decoding is one more input.
fn markup_literals(src: &str, out: &mut Vec<Vec<u8>>) {
    let b = src.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // r#"..."# and br#"..."# (Rust raw strings)
        if b[i..].starts_with(b"r#\"") {
            let start = i + 3;
            if let Some(len) = src[start..].find("\"#") {
                push_markup(b[start..start + len].to_vec(), out);
                i = start + len + 2;
                continue;
            }
        }
        if matches!(b[i], b'"' | b'\'' | b'`') {
            let quote = b[i];
            let mut lit = Vec::new();
            let mut j = i + 1;
            while j < b.len() && b[j] != quote && (b[j] != b'\n' || quote == b'`') {
                if b[j] == b'\\' && j + 1 < b.len() {
                    j += 1;
                    match b[j] {
                        b'n' => lit.push(b'\n'),
                        b't' => lit.push(b'\t'),
                        b'r' => lit.push(b'\r'),
                        b'x' if j + 2 < b.len() => {
                            if let Ok(v) = u8::from_str_radix(&src[j + 1..j + 3], 16) {
                                lit.push(v);
                                j += 2;
                            }
                        }
                        b'\n' => {}
                        c => lit.push(c),
                    }
                } else {
                    lit.push(b[j]);
                }
                j += 1;
            }
            if j < b.len() && b[j] == quote {
                push_markup(lit, out);
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
}

fn push_markup(lit: Vec<u8>, out: &mut Vec<Vec<u8>>) {
    if lit.contains(&b'<') && lit.contains(&b'>') {
        out.push(lit);
    }
}

/// A GetBucketReplication answer with `n` rules (as bench/lib/common.mjs writes it).
fn rules_xml(n: usize) -> String {
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ReplicationConfiguration>\n");
    for i in 0..n {
        xml.push_str(&format!(
            "  <Rule>\n    <ID>rule-{i:04}</ID>\n    <PrefixSet><Prefix>source{i}/</Prefix></PrefixSet>\n    <Action>PUT,DELETE</Action>\n    \
             <Destination><Bucket>destbucket-{i}</Bucket><Location>oss-cn-beijing</Location></Destination>\n    <Status>doing</Status>\n  </Rule>\n"
        ));
    }
    xml + "</ReplicationConfiguration>\n"
}

/// xorshift64*: a seeded, dependency-free generator for the random documents.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'x>(&mut self, xs: &[&'x [u8]]) -> &'x [u8] {
        xs[self.below(xs.len())]
    }
}

const NAMES: &[&[u8]] = &[
    b"Root",
    b"a:Root",
    b"Error",
    b"html",
    b"HTML",
    b"Rule",
    b"ID",
    b"x",
    b"a:b:c",
    b"R\xc3\xa9",
    b"R\xff",
    b"",
];
const TEXTS: &[&[u8]] = &[
    b"text",
    b" ",
    b"\n  ",
    b"&amp;",
    b"&lt;&gt;&quot;&apos;",
    b"&#65;",
    b"&#x41;",
    b"&#x1F600;",
    b"&#0;",
    b"&#xD800;",
    b"&#-1;",
    b"&#+1;",
    b"&#x;",
    b"&#X41;",
    b"&#99999999999;",
    b"&foo;",
    b"&",
    b";",
    b"&amp",
    b"& ;",
    b"&a&b;",
    b"\xff",
    b"\xc3\xa9",
    b"\xc3",
    b"\xc2\xa0",
    b"]]>",
    b">",
    b"'",
    b"\"",
    b"\0",
    b"\x0c",
    b"<![CDATA[x<y>&amp;]]>",
    b"<![CDATA[]]>",
    b"<![CDATA[\xff]]>",
    b"<![CDATA[",
    b"<!-- c -->",
    b"<!---->",
    b"<!-->",
    b"<!--->",
    b"<!-- - -- -->",
    b"<!-x-->",
    b"<?pi x?>",
    b"<?>",
    b"<??>",
    b"<?xml?>",
    b"<?x ?>?>",
    b"<!DOCTYPE html>",
    b"<!doctype HTML >",
    b"<!DOCTYPE html \xc2\xa0>",
    b"<!DOCTYPE r [<!ENTITY a 'b'>]>",
    b"<!DOCTYPE>",
    b"<!DOCTYPE \n>",
    b"<!Dx>",
    b"<!x>",
    b"<!",
    b"<![x]]>",
    b"<",
    b"</>",
    b"< >",
    b"</ >",
    b"<//>",
    b"<a/b>",
    b"<'>'>",
    b"<\"",
    b"\xEF\xBB\xBF",
];
const ATTRS: &[&[u8]] = &[
    b"",
    b" a='1'",
    b" a=\">\"",
    b" a='/'",
    b" xmlns=\"urn:x\"",
    b" a=\"it's\"",
    b" a='\"'",
    b"\t",
    b" /",
    b" a='",
];

/// A random element (and siblings and noise) of at most `depth` levels.
fn element(rng: &mut Rng, out: &mut Vec<u8>, depth: usize) {
    let name = rng.pick(NAMES);
    out.push(b'<');
    out.extend_from_slice(name);
    out.extend_from_slice(rng.pick(ATTRS));
    if rng.below(5) == 0 {
        out.extend_from_slice(b"/>");
        return;
    }
    out.push(b'>');
    for _ in 0..rng.below(4) {
        match rng.below(3) {
            0 if depth > 0 => element(rng, out, depth - 1),
            _ => out.extend_from_slice(rng.pick(TEXTS)),
        }
    }
    out.extend_from_slice(b"</");
    // Mostly the same name; sometimes another, trailing space, or a prefix.
    match rng.below(12) {
        0 => out.extend_from_slice(rng.pick(NAMES)),
        1 => {
            out.extend_from_slice(name);
            out.extend_from_slice(b" \n");
        }
        _ => out.extend_from_slice(name),
    }
    out.push(b'>');
}

/// The children a rule document's element may have (mostly the ones OSS sends,
/// some it does not, and repeats); `None` for a leaf.
fn rule_children(parent: &[u8]) -> Option<&'static [&'static [u8]]> {
    Some(match parent {
        b"ReplicationConfiguration" | b"ReplicationProgress" => &[b"Rule", b"Rule", b"Other"],
        b"Rule" => &[
            b"ID",
            b"Destination",
            b"PrefixSet",
            b"Action",
            b"Status",
            b"HistoricalObjectReplication",
            b"SyncRole",
            b"RTC",
            b"SourceSelectionCriteria",
            b"EncryptionConfiguration",
            b"UserTaggings",
            b"Progress",
            b"Source",
            b"Future",
            b"Rule",
        ],
        b"Destination" => &[
            b"Bucket",
            b"Location",
            b"TransferType",
            b"Cloud",
            b"CloudLocation",
        ],
        b"PrefixSet" => &[b"Prefix", b"Prefix", b"Other"],
        b"SourceSelectionCriteria" => &[b"SseKmsEncryptedObjects", b"Other"],
        b"SseKmsEncryptedObjects" | b"RTC" => &[b"Status", b"Other"],
        b"EncryptionConfiguration" => &[b"ReplicaKmsKeyID", b"Other"],
        b"UserTaggings" => &[b"FilterType", b"UserTagging", b"UserTagging"],
        b"UserTagging" => &[b"Key", b"Value", b"Other"],
        b"Progress" => &[b"HistoricalObject", b"NewObject", b"Other"],
        b"Source" | b"Future" => &[b"Location", b"X", b"Future"],
        _ => return None,
    })
}

/// Texts of a rule document: values OSS sends, odd spacing and case, entities,
/// CDATA, comments, non-ASCII (NBSP, which `str::trim` trims).
const RULE_TEXTS: &[&[u8]] = &[
    b"",
    b" ",
    b"\n    ",
    b"enabled",
    b" Enabled ",
    b"ENABLING",
    b"disabled",
    b"doing",
    b"PUT",
    b" PUT, DELETE ,",
    b",,",
    b"AND",
    b"OR",
    b"rule-1",
    b"video/",
    b" a b ",
    b"a&amp;b",
    b"&lt;x&gt;",
    b"<![CDATA[c<d]]>",
    b"<![CDATA[]]>",
    b"<!-- c -->",
    b"<?pi?>",
    b"0.85",
    b"1.5",
    b" 0 ",
    b"lots",
    b"99999999999999999999.5",
    b"2015-09-24T15:28:14.000Z",
    b"Thu, 24 Sep 2015 15:28:14 GMT",
    b"\xc3\xa9",
    b"&#x1F600;",
    b"\xc2\xa0x\xc2\xa0",
    b"&#xA0;",
];

/// A random element of a rule document named `name`, children drawn from
/// [`rule_children`]; `broken` documents get bad entities, bad attributes and
/// bytes that are not UTF-8 too.
fn rule_element(rng: &mut Rng, out: &mut Vec<u8>, name: &[u8], depth: usize, broken: bool) {
    let prefixed = rng.below(16) == 0;
    let open_name = |out: &mut Vec<u8>| {
        if prefixed {
            out.extend_from_slice(b"n:");
        }
        out.extend_from_slice(name);
    };
    out.push(b'<');
    open_name(out);
    if rng.below(8) == 0 {
        let attrs: &[&[u8]] = if broken { ATTRS } else { &ATTRS[..9] };
        out.extend_from_slice(rng.pick(attrs));
    }
    if rng.below(12) == 0 {
        out.extend_from_slice(b"/>");
        return;
    }
    out.push(b'>');
    // Leaves mostly hold values of their kind.
    let own: &[&[u8]] = match name {
        b"HistoricalObject" => &[b"0.85", b" 1.5 ", b"0", b"lots", b""],
        b"NewObject" => &[
            b"2015-09-24T15:28:14.000Z",
            b"Thu, 24 Sep 2015 15:28:14 GMT",
            b"yesterday",
        ],
        b"Status" => &[b"enabled", b" Enabled ", b"enabling", b"doing", b""],
        _ => RULE_TEXTS,
    };
    let text = |rng: &mut Rng, out: &mut Vec<u8>| {
        if broken && rng.below(8) == 0 {
            out.extend_from_slice(rng.pick(&[b"&bad;", b"&", b"\xff", b"<", b"]]>"]));
        } else if rng.below(3) > 0 {
            out.extend_from_slice(rng.pick(own));
        } else {
            out.extend_from_slice(rng.pick(RULE_TEXTS));
        }
    };
    match rule_children(name) {
        Some(children) if depth > 0 => {
            for _ in 0..1 + rng.below(8) {
                if rng.below(4) > 0 {
                    let child = rng.pick(children);
                    rule_element(rng, out, child, depth - 1, broken);
                } else {
                    text(rng, out);
                }
            }
        }
        _ => {
            for _ in 0..rng.below(3) {
                text(rng, out);
            }
            if depth > 0 && rng.below(8) == 0 {
                rule_element(rng, out, b"X", depth - 1, broken);
                text(rng, out);
            }
        }
    }
    out.extend_from_slice(b"</");
    open_name(out);
    out.push(b'>');
}

/// A random GetBucketReplication or GetBucketReplicationProgress answer; one
/// in four broken (bad pieces, then cut or a byte flipped).
fn random_rules_document(rng: &mut Rng) -> Vec<u8> {
    let mut out = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".to_vec();
    let root: &[u8] = if rng.below(2) == 0 {
        b"ReplicationConfiguration"
    } else {
        b"ReplicationProgress"
    };
    let broken = rng.below(4) == 0;
    let depth = 3 + rng.below(3);
    rule_element(rng, &mut out, root, depth, broken);
    if broken && rng.below(2) == 0 {
        let at = rng.below(out.len());
        match rng.below(2) {
            0 => out.truncate(at),
            _ => {
                out[at] = *rng
                    .pick(&[b"<", b">", b"/", b"&", b"\xff"])
                    .first()
                    .unwrap()
            }
        }
    }
    out
}

fn random_document(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..rng.below(3) {
        out.extend_from_slice(rng.pick(&[
            b"\xEF\xBB\xBF",
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            b"  ",
            b"<!-- head -->",
            b"\n",
        ]));
    }
    let depth = rng.below(6);
    element(rng, &mut out, depth);
    for _ in 0..rng.below(2) {
        out.extend_from_slice(rng.pick(TEXTS));
    }
    // Mutate: cut, insert a fragment, or flip a byte.
    for _ in 0..rng.below(3) {
        if out.is_empty() {
            break;
        }
        let at = rng.below(out.len());
        match rng.below(3) {
            0 => out.truncate(at),
            1 => {
                let frag = rng.pick(TEXTS);
                out.splice(at..at, frag.iter().copied());
            }
            _ => {
                out[at] = *rng
                    .pick(&[
                        b"<", b">", b"/", b"'", b"\"", b"&", b";", b"!", b"?", b"-", b" ", b"\xff",
                    ])
                    .first()
                    .unwrap()
            }
        }
    }
    out
}

#[test]
fn tokenizer_matches_quick_xml() {
    let dir = root();
    let mut corpus: Vec<(String, Vec<u8>)> = Vec::new();
    let mut add = |what: &str, bodies: Vec<Vec<u8>>| {
        for b in bodies {
            corpus.push((what.to_owned(), b));
        }
    };

    // 1. Every string in the committed vectors.
    let mut vector_files = Vec::new();
    files_under(&dir.join("tests/vectors"), &[".json"], &mut vector_files);
    let mut strings = Vec::new();
    for f in &vector_files {
        let v: Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
        json_strings(&v, &mut strings);
    }
    let from_vectors = strings.iter().filter(|s| s.contains(&b'<')).count();
    assert!(
        from_vectors >= 100,
        "only {from_vectors} XML strings in tests/vectors"
    );
    add("vectors", strings);

    // 2. The fuzz seeds.
    let mut seeds = Vec::new();
    files_under(&dir.join("fuzz/corpus"), &[], &mut seeds);
    add(
        "fuzz corpus",
        seeds.iter().map(|f| std::fs::read(f).unwrap()).collect(),
    );

    // 3. Markup in the sources and tests: the fixtures other tests parse.
    let mut sources = Vec::new();
    for d in ["src", "tests", "emulator/src", "emulator/tests", "www"] {
        files_under(&dir.join(d), &[".rs", ".mjs", ".js", ".py"], &mut sources);
    }
    let mut literals = Vec::new();
    for f in &sources {
        if let Ok(text) = std::fs::read_to_string(f) {
            markup_literals(&text, &mut literals);
        }
    }
    assert!(
        literals.len() >= 100,
        "only {} markup literals found",
        literals.len()
    );
    add("source literals", literals);

    // 4. What our builder writes, and the bench documents.
    let mut built = Vec::new();
    for (i, prefix) in ["", "a&b<c>", "x]]>y", " space ", "\u{e9}\u{1F600}"]
        .iter()
        .enumerate()
    {
        let rule = ReplicationRule {
            id: Some(format!("rule-{i}{prefix}")),
            destination: Destination {
                bucket: "destbucket".into(),
                location: "oss-cn-beijing".into(),
                transfer_type: Some("oss_acc".into()),
            },
            prefixes: vec![(*prefix).to_owned()],
            ..Default::default()
        };
        if let Ok(req) = put_bucket_replication("examplebucket", &rule) {
            built.extend(req.body.map(String::into_bytes));
        }
    }
    assert!(!built.is_empty(), "the builder wrote no body");
    built.extend([0, 1, 10, 100].map(|n| rules_xml(n).into_bytes()));
    add("built", built);

    // Many vector strings repeat (buckets, regions): each body once.
    let mut seen = std::collections::HashSet::new();
    corpus.retain(|(_, body)| seen.insert(body.clone()));
    let mut failures = Vec::new();
    let mut comparisons = 0;
    let fixed = corpus.len();
    for (_, body) in &corpus {
        comparisons += compare(body, &mut failures);
        if !body.contains(&b'<') {
            continue;
        }
        // Truncations (a cut answer is the common failure): every one of the small
        // bodies, about 64 spread over the larger ones.
        let step = (body.len() / 64).max(1);
        for cut in (0..body.len()).step_by(step) {
            comparisons += compare(&body[..cut], &mut failures);
        }
    }

    // 5. Random documents.
    let seed: u64 = std::env::var("XML_DIFF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    let cases: usize = std::env::var("XML_DIFF_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let mut rng = Rng(seed.max(1));
    let mut accepted = 0;
    for _ in 0..cases {
        let doc = random_document(&mut rng);
        if ours(&doc, first_element_name(&doc).as_deref().unwrap_or("Root")).is_ok() {
            accepted += 1;
        }
        comparisons += compare(&doc, &mut failures);
    }
    // 6. Random rule documents: the rule readers (and the parsers) on them.
    let rule_cases = cases / 2;
    let mut rules_read = 0;
    // What the read rules held: the generator must reach every part of the reader.
    let mut seen = [0usize; 14];
    for _ in 0..rule_cases {
        let doc = random_rules_document(&mut rng);
        rules_read += compare_rules(&doc, &mut failures);
        comparisons += compare(&doc, &mut failures);
        let progress = rule_reference::our_progress(&doc).ok();
        let rules = rule_reference::our_rules(&doc).unwrap_or_default();
        for r in rules.iter().chain(progress.as_ref().map(|p| &p.rule)) {
            let tags = r.user_taggings.as_ref();
            for (i, hit) in [
                r.id.is_some(),
                !r.destination.bucket.is_empty(),
                r.prefixes.len() > 1,
                r.actions.len() > 1,
                r.rtc == Some(true),
                r.sse_kms_encrypted_objects == Some(true),
                r.replica_kms_key_id.is_some(),
                !r.unknown.rule.is_empty(),
                !r.unknown.destination.is_empty(),
                tags.is_some_and(|t| t.tags.len() > 1 && !t.filter_type.is_empty()),
                tags.is_some_and(|t| {
                    t.tags
                        .iter()
                        .any(|t| !t.key.is_empty() && !t.value.is_empty())
                }),
            ]
            .into_iter()
            .enumerate()
            {
                seen[i] += usize::from(hit);
            }
        }
        if let Some(p) = progress {
            seen[11] += usize::from(p.historical_object.is_some());
            seen[12] += usize::from(p.new_object_epoch_secs.is_some());
            seen[13] += usize::from(p.new_object.is_some() && p.new_object_epoch_secs.is_none());
        }
    }
    println!(
        "rule readers: {rule_cases} random rule documents, {rules_read} of {} reads without error, features seen {seen:?}",
        2 * rule_cases
    );
    assert!(seen.iter().all(|&n| n >= 20), "features seen: {seen:?}");
    // Most documents have one of the two roots, so about half the reads can succeed.
    assert!(
        rules_read > rule_cases / 4 && rules_read < rule_cases * 2 - rule_cases / 4,
        "{rules_read} of {} rule reads succeeded",
        2 * rule_cases
    );
    println!(
        "xml differential: {fixed} bodies from vectors/corpus/sources/builder, {cases} random (seed {seed}, {accepted} well-formed), {comparisons} comparisons"
    );
    // The generator must reach both sides: documents that parse and documents that do not.
    assert!(
        accepted > cases / 20 && accepted < cases - cases / 20,
        "{accepted} of {cases} parsed"
    );
    assert!(
        failures.is_empty(),
        "{} differences, first ones:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
