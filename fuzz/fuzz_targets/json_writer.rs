//! The facade's JSON writer: whatever the keys and values, the text parses
//! (serde_json) back to exactly what was written.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oss_replication::json::JsonObject;
use serde_json::Value;

/// Pairs at the top level, a nested object's pairs, and an array of strings.
type Input = (
    Vec<(String, String)>,
    Vec<(String, Option<bool>)>,
    Vec<String>,
);

fuzz_target!(|input: Input| {
    let (pairs, flags, list) = input;
    let mut w = JsonObject::new();
    for (k, v) in &pairs {
        w.str(&format!("s{k}"), v);
    }
    w.object("nested", |o| {
        for (k, v) in &flags {
            o.opt_bool(k, *v);
        }
    })
    .strings("list", &list)
    .objects("objs", &list, |o, s| {
        o.str("v", s);
    });
    let text = w.finish();
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    // Later duplicate keys win, as in JSON.parse.
    for (k, _) in &pairs {
        let last = pairs
            .iter()
            .rev()
            .find(|(k2, _)| k2 == k)
            .map(|(_, v)| v.as_str());
        assert_eq!(v[format!("s{k}")].as_str(), last);
    }
    for (k, flag) in &flags {
        let last = flags
            .iter()
            .rev()
            .find(|(k2, f)| k2 == k && f.is_some())
            .and_then(|(_, f)| *f);
        if flag.is_some() {
            assert_eq!(v["nested"][k].as_bool(), last);
        }
    }
    let got: Vec<&str> = v["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(got, list.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(v["objs"].as_array().unwrap().len(), list.len());
});
