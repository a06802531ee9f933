//! A small JSON object writer. The wasm facade writes results as JSON text and
//! turns them into objects with one `JSON.parse`: one boundary crossing per call
//! instead of one per field, and V8's parser builds the objects faster than
//! `Reflect.set` can. Pure and native, so it is unit-tested and fuzzed here.

/// A JSON object under construction; [`JsonObject::finish`] gives the text.
pub struct JsonObject {
    out: String,
    empty: bool,
}

/// Appends `s` with JSON's escapes, without quotes. Runs of plain characters are
/// copied at once; only `"`, `\` and controls are escaped. A plain index loop:
/// at opt-level "z" a byte iterator stays a call per byte.
fn escape_body(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' || b == b'\\' || b < 0x20 {
            out.push_str(&s[start..i]);
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                _ => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.push_str("\\u00");
                    out.push(HEX[usize::from(b >> 4)] as char);
                    out.push(HEX[usize::from(b & 15)] as char);
                }
            }
            start = i + 1;
        }
        i += 1;
    }
    out.push_str(&s[start..]);
}

impl JsonObject {
    /// An empty object.
    pub fn new() -> Self {
        JsonObject {
            out: String::from("{"),
            empty: true,
        }
    }

    /// Starts a member: `"key"` (after a comma unless it is the first) and
    /// `after`, which holds the colon and the opening of the value: one copy
    /// each instead of a push per punctuation mark.
    fn member(&mut self, key: &str, after: &str) -> &mut String {
        self.out.push_str(if self.empty { "\"" } else { ",\"" });
        self.empty = false;
        escape_body(&mut self.out, key);
        self.out.push_str(after);
        &mut self.out
    }

    /// `key: "value"`.
    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        let out = self.member(key, "\":\"");
        escape_body(out, value);
        out.push('"');
        self
    }

    /// Sets `key` only when `value` is present (optional fields stay absent).
    pub fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.str(key, v);
        }
        self
    }

    /// `key: true|false` when `value` is present.
    pub fn opt_bool(&mut self, key: &str, value: Option<bool>) -> &mut Self {
        if let Some(v) = value {
            self.member(key, if v { "\":true" } else { "\":false" });
        }
        self
    }

    /// `key: ["...", ...]`.
    pub fn strings(&mut self, key: &str, items: &[String]) -> &mut Self {
        let out = self.member(key, "\":[");
        for (i, item) in items.iter().enumerate() {
            out.push_str(if i == 0 { "\"" } else { ",\"" });
            escape_body(out, item);
            out.push('"');
        }
        out.push(']');
        self
    }

    /// `key: {...}`, written by `write` straight into this buffer.
    pub fn object(&mut self, key: &str, write: impl FnOnce(&mut JsonObject)) -> &mut Self {
        self.member(key, "\":{");
        self.nested(write);
        self
    }

    /// `key: [{...}, ...]`, each written by `write` straight into this buffer.
    pub fn objects<T>(
        &mut self,
        key: &str,
        items: &[T],
        write: impl Fn(&mut JsonObject, &T),
    ) -> &mut Self {
        self.member(key, "\":[");
        for (i, item) in items.iter().enumerate() {
            self.out.push_str(if i == 0 { "{" } else { ",{" });
            self.nested(|o| write(o, item));
        }
        self.out.push(']');
        self
    }

    /// Writes the members and the closing `}` of an object whose `{` is written,
    /// into this buffer: no per-object strings to allocate and copy.
    fn nested(&mut self, write: impl FnOnce(&mut JsonObject)) {
        let mut child = JsonObject {
            out: std::mem::take(&mut self.out),
            empty: true,
        };
        write(&mut child);
        child.out.push('}');
        self.out = child.out;
    }

    /// The JSON text.
    pub fn finish(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

impl Default for JsonObject {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for JsonObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonObject").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_nested_objects_arrays_and_escapes() {
        let mut w = JsonObject::new();
        w.str("a\"b", "q\"\\\n\u{1}é😀</x>")
            .opt_str("absent", None)
            .opt_bool("t", Some(true))
            .opt_bool("f", Some(false))
            .strings("list", &["x".to_owned(), "y\"".to_owned()])
            .strings("empty", &[])
            .object("o", |o| {
                o.str("k", "v");
            })
            .objects("arr", &[1, 2], |o, n| {
                o.str("n", &n.to_string());
            })
            .object("e", |_| {});
        assert_eq!(
            w.finish(),
            r#"{"a\"b":"q\"\\\u000a\u0001é😀</x>","t":true,"f":false,"list":["x","y\""],"empty":[],"o":{"k":"v"},"arr":[{"n":"1"},{"n":"2"}],"e":{}}"#
        );
        assert_eq!(JsonObject::new().finish(), "{}");
    }

    #[test]
    fn escaped_text_parses_back_exactly() {
        let all: String = (0u32..0x300).filter_map(char::from_u32).collect();
        let mut w = JsonObject::new();
        w.str("s", &all);
        let v: serde_json::Value = serde_json::from_str(&w.finish()).unwrap();
        assert_eq!(v["s"].as_str(), Some(all.as_str()));
    }
}
