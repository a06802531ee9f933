//! The library's XML tokenizer against quick-xml 0.37, the parser it replaced:
//! for any bytes, `parse_document` must give the same tree or the same error
//! message (positions included) as the reference in tests/support/xml_reference.rs,
//! and never panic or hang; and the rule reader must read GetBucketReplication and
//! GetBucketReplicationProgress answers as the tree did (tests/support/rule_reference.rs).
#![no_main]

#[path = "../../tests/support/xml_reference.rs"]
mod xml_reference;

#[path = "../../tests/support/rule_reference.rs"]
mod rule_reference;

use libfuzzer_sys::fuzz_target;
use xml_reference::{first_element_name, ours, reference};

fuzz_target!(|data: &[u8]| {
    // The streaming rule reader against the tree-based one it replaced.
    assert_eq!(
        rule_reference::our_rules(data),
        rule_reference::rules(data),
        "rules, body {:?}",
        String::from_utf8_lossy(data)
    );
    assert_eq!(
        rule_reference::our_progress(data),
        rule_reference::progress(data),
        "progress, body {:?}",
        String::from_utf8_lossy(data)
    );
    let own = first_element_name(data);
    for root in ["Root", "Error"].into_iter().chain(own.as_deref()) {
        let (a, b) = (ours(data, root), reference(data, root));
        assert_eq!(
            a,
            b,
            "root {root}, body {:?}",
            String::from_utf8_lossy(data)
        );
    }
});
