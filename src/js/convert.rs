//! JavaScript values <-> the core's types, with errors that name the field.
//! Plain `Reflect` reads and writes: no generic serde paths (they cost size).

use std::cell::Cell;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;
use crate::replication::{
    Destination, ReplicationLocation, ReplicationProgress, ReplicationRule, Tag, UnknownChildren,
    UserTaggings,
};

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `Reflect.get` without js-sys's exception wrapper, whose `apply(arguments)`
    /// was the largest single cost of a `signRequest` call. Only called on values
    /// checked to be objects; a getter that throws propagates to the caller.
    #[wasm_bindgen(js_namespace = Reflect, js_name = get)]
    fn reflect_get(target: &JsValue, key: &str) -> JsValue;

    /// `Reflect.set` without js-sys's exception wrapper; only on objects this crate made.
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    pub(crate) fn reflect_set(target: &JsValue, key: &str, value: &JsValue) -> bool;
}

/// A JavaScript object being read, with the path used in error messages (`rule.destination`).
/// Keys not in `known` are rejected by [`Reader::finish`] (a typo such as `prefix`
/// for `prefixes` must not be silently ignored).
pub(crate) struct Reader<'a> {
    value: &'a JsValue,
    path: &'a str,
    known: &'a [&'a str],
    /// Known keys read with a defined value: when it equals the object's key
    /// count there is no unknown key, and no key needs converting to check.
    seen: Cell<u32>,
}

fn type_error(path: &str, key: &str, wanted: &str) -> Error {
    Error::invalid(format!("{path}.{key} must be {wanted}"))
}

impl<'a> Reader<'a> {
    /// Reads `value`, which must be a plain object, as `path`.
    pub(crate) fn new(
        value: &'a JsValue,
        path: &'a str,
        known: &'a [&'a str],
    ) -> Result<Self, Error> {
        // `is_object` is `typeof === 'object'`: never true of a function.
        if !value.is_object() || Array::is_array(value) {
            return Err(Error::invalid(format!("{path} must be an object")));
        }
        Ok(Reader {
            value,
            path,
            known,
            seen: Cell::new(0),
        })
    }

    /// Call after reading every field: fails on a key that is not known.
    pub(crate) fn finish(self) -> Result<(), Error> {
        let keys = Object::keys(self.value.unchecked_ref::<Object>());
        if keys.length() == self.seen.get() {
            return Ok(());
        }
        for key in keys.iter() {
            let key = key.as_string().unwrap_or_default();
            if !self.known.contains(&key.as_str()) {
                // A loop, not `[&str]::join`: that would be a second ~900 B copy of
                // `join` in the wasm (the `Vec<String>` one is needed elsewhere).
                let mut known = String::new();
                for k in self.known {
                    if !known.is_empty() {
                        known.push_str(", ");
                    }
                    known.push_str(k);
                }
                return Err(Error::invalid(format!(
                    "{}.{key} is not a known field (known: {known})",
                    self.path
                )));
            }
        }
        Ok(())
    }

    pub(crate) fn path(&self) -> &str {
        self.path
    }

    /// The raw value of `key` (`undefined` when absent). Read each key once.
    pub(crate) fn raw(&self, key: &str) -> JsValue {
        let v = reflect_get(self.value, key);
        if !v.is_undefined() {
            self.seen.set(self.seen.get() + 1);
        }
        v
    }

    /// [`Reader::raw`] through `get`, an imported getter of one property
    /// (`obj.name` in the glue): no key text crosses the boundary, and the
    /// property read has its own inline cache (hot paths read the same keys on
    /// every call).
    pub(crate) fn raw_with(&self, get: fn(&JsValue) -> JsValue) -> JsValue {
        let v = get(self.value);
        if !v.is_undefined() {
            self.seen.set(self.seen.get() + 1);
        }
        v
    }

    /// The value `get` reads, or `None` when it is undefined (one crossing).
    pub(crate) fn defined_with(&self, get: fn(&JsValue) -> JsValue) -> Option<JsValue> {
        let v = get(self.value);
        if v.is_undefined() {
            return None;
        }
        self.seen.set(self.seen.get() + 1);
        Some(v)
    }

    /// [`Reader::string_of`] of the value `get` reads: a string is taken in
    /// one crossing, without asking first whether it is undefined.
    pub(crate) fn string_with(
        &self,
        key: &str,
        get: fn(&JsValue) -> JsValue,
    ) -> Result<Option<String>, Error> {
        let v = get(self.value);
        if let Some(s) = v.as_string() {
            self.seen.set(self.seen.get() + 1);
            return Ok(Some(s));
        }
        if !v.is_undefined() {
            self.seen.set(self.seen.get() + 1);
        }
        self.string_of(key, &v)
    }

    /// [`Reader::required_string_of`] of the value `get` reads.
    pub(crate) fn required_string_with(
        &self,
        key: &str,
        get: fn(&JsValue) -> JsValue,
    ) -> Result<String, Error> {
        self.string_with(key, get)?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::invalid(format!("{}.{key} is required", self.path)))
    }

    /// [`Reader::number_of`] of the value `get` reads.
    pub(crate) fn number_with(
        &self,
        key: &str,
        get: fn(&JsValue) -> JsValue,
    ) -> Result<Option<f64>, Error> {
        self.number_of(key, &self.raw_with(get))
    }

    fn present(&self, key: &str) -> Option<JsValue> {
        let v = self.raw(key);
        (!v.is_undefined() && !v.is_null()).then_some(v)
    }

    pub(crate) fn string(&self, key: &str) -> Result<Option<String>, Error> {
        self.string_of(key, &self.raw(key))
    }

    pub(crate) fn required_string(&self, key: &str) -> Result<String, Error> {
        self.required_string_of(key, &self.raw(key))
    }

    /// [`Reader::string`] of a value already read with [`Reader::raw`].
    pub(crate) fn string_of(&self, key: &str, v: &JsValue) -> Result<Option<String>, Error> {
        // The string first: one crossing for the usual case, not three.
        if let Some(s) = v.as_string() {
            return Ok(Some(s));
        }
        if absent(v) {
            return Ok(None);
        }
        Err(type_error(self.path, key, "a string"))
    }

    /// [`Reader::required_string`] of a value already read with [`Reader::raw`].
    pub(crate) fn required_string_of(&self, key: &str, v: &JsValue) -> Result<String, Error> {
        self.string_of(key, v)?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::invalid(format!("{}.{key} is required", self.path)))
    }

    pub(crate) fn boolean(&self, key: &str) -> Result<Option<bool>, Error> {
        match self.present(key) {
            None => Ok(None),
            Some(v) => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| type_error(self.path, key, "true or false")),
        }
    }

    /// A finite, non-negative number.
    pub(crate) fn number(&self, key: &str) -> Result<Option<f64>, Error> {
        self.number_of(key, &self.raw(key))
    }

    /// [`Reader::number`] of a value already read.
    pub(crate) fn number_of(&self, key: &str, v: &JsValue) -> Result<Option<f64>, Error> {
        // The number first: one crossing for the usual case, not three.
        match v.as_f64() {
            Some(n) if n.is_finite() && n >= 0.0 => Ok(Some(n)),
            None if absent(v) => Ok(None),
            _ => Err(type_error(self.path, key, "a non-negative number")),
        }
    }

    pub(crate) fn strings(&self, key: &str) -> Result<Vec<String>, Error> {
        Ok(self.opt_strings(key)?.unwrap_or_default())
    }

    /// An array of strings, or `None` when absent.
    pub(crate) fn opt_strings(&self, key: &str) -> Result<Option<Vec<String>>, Error> {
        self.opt_strings_of(key, &self.raw(key))
    }

    /// [`Reader::opt_strings`] of a value already read.
    pub(crate) fn opt_strings_of(
        &self,
        key: &str,
        v: &JsValue,
    ) -> Result<Option<Vec<String>>, Error> {
        if absent(v) {
            return Ok(None);
        }
        if !Array::is_array(v) {
            return Err(type_error(self.path, key, "an array of strings"));
        }
        // A loop rather than `collect::<Result<Vec<_>, _>>()`: that adapter is its
        // own ~400 B of wasm for this one call.
        // Read in place (checked to be an array above), not copied with `Array.from`;
        // and no `with_capacity(length)`: a sparse `new Array(2 ** 32 - 1)` is an error
        // at its first hole, not a copy or an allocation of its length.
        let mut items = Vec::new();
        for (i, item) in v.unchecked_ref::<Array>().iter().enumerate() {
            match item.as_string() {
                Some(s) => items.push(s),
                None => {
                    return Err(Error::invalid(format!(
                        "{}.{key}[{i}] must be a string",
                        self.path
                    )));
                }
            }
        }
        Ok(Some(items))
    }
}

const RULE_FIELDS: &[&str] = &[
    "id",
    "destination",
    "prefixes",
    "actions",
    "historicalObjectReplication",
    "syncRole",
    "sseKmsEncryptedObjects",
    "replicaKmsKeyId",
    "rtc",
    "userTaggings",
    // Read-back fields, accepted so a rule from getBucketReplication can be put again.
    "status",
    "rtcStatus",
    "unknownChildren",
];

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// `rule.userTaggings`: `{ filterType, tags: [{ key, value }] }`.
fn user_taggings_from_js(value: &JsValue) -> Result<UserTaggings, Error> {
    let r = Reader::new(value, "rule.userTaggings", &["filterType", "tags"])?;
    let filter_type = r.required_string("filterType")?;
    let tags_value = r.raw("tags");
    if !Array::is_array(&tags_value) {
        return Err(Error::invalid(
            "rule.userTaggings.tags must be an array of { key, value }",
        ));
    }
    let mut tags = Vec::new();
    for (i, item) in tags_value.unchecked_ref::<Array>().iter().enumerate() {
        let path = format!("rule.userTaggings.tags[{i}]");
        let t = Reader::new(&item, &path, &["key", "value"])?;
        tags.push(Tag {
            key: t.string("key")?.unwrap_or_default(),
            value: t.string("value")?.unwrap_or_default(),
        });
        t.finish()?;
    }
    r.finish()?;
    Ok(UserTaggings { filter_type, tags })
}

/// `rule.unknownChildren` from a read-back rule: `{ rule?: string[], destination?: string[] }`.
fn unknown_children_from_js(value: &JsValue) -> Result<UnknownChildren, Error> {
    let r = Reader::new(value, "rule.unknownChildren", &["rule", "destination"])?;
    let kept = UnknownChildren {
        rule: r.strings("rule")?,
        destination: r.strings("destination")?,
    };
    r.finish()?;
    Ok(kept)
}

/// A rule given to `putBucketReplication`.
pub(crate) fn rule_from_js(value: &JsValue) -> Result<ReplicationRule, Error> {
    if value.is_undefined() || value.is_null() {
        return Err(Error::invalid("rule is required"));
    }
    let r = Reader::new(value, "rule", RULE_FIELDS)?;
    let dest_value = r.raw("destination");
    if dest_value.is_undefined() || dest_value.is_null() {
        return Err(Error::invalid("rule.destination is required"));
    }
    let d = Reader::new(
        &dest_value,
        "rule.destination",
        &["bucket", "location", "transferType"],
    )?;
    let destination = Destination {
        bucket: d.required_string("bucket")?,
        location: d.required_string("location")?,
        transfer_type: d.string("transferType")?,
    };
    d.finish()?;
    let rule = ReplicationRule {
        id: r.string("id")?,
        destination,
        prefixes: r.strings("prefixes")?,
        actions: r.strings("actions")?,
        historical_object_replication: r.boolean("historicalObjectReplication")?,
        sync_role: r.string("syncRole")?,
        sse_kms_encrypted_objects: r.boolean("sseKmsEncryptedObjects")?,
        replica_kms_key_id: r.string("replicaKmsKeyId")?,
        rtc: r.boolean("rtc")?,
        status: None,
        rtc_status: None,
        user_taggings: match r.raw("userTaggings") {
            v if absent(&v) => None,
            v => Some(user_taggings_from_js(&v)?),
        },
        unknown: match r.raw("unknownChildren") {
            v if absent(&v) => UnknownChildren::default(),
            v => unknown_children_from_js(&v)?,
        },
    };
    r.finish()?;
    Ok(rule)
}

pub(crate) use crate::json::JsonObject;

/// A written object as the JavaScript object, built by one `JSON.parse`.
pub(crate) trait IntoJs {
    /// The JavaScript object.
    fn into_js(self) -> JsValue;
}

impl IntoJs for JsonObject {
    fn into_js(self) -> JsValue {
        js_sys::JSON::parse(&self.finish()).unwrap_or(JsValue::UNDEFINED)
    }
}

pub(crate) fn write_rule(w: &mut JsonObject, rule: &ReplicationRule) {
    let d = &rule.destination;
    w.opt_str("id", rule.id.as_deref())
        .object("destination", |o| {
            o.str("bucket", &d.bucket)
                .str("location", &d.location)
                .opt_str("transferType", d.transfer_type.as_deref());
        })
        .strings("prefixes", &rule.prefixes)
        .strings("actions", &rule.actions)
        .opt_bool(
            "historicalObjectReplication",
            rule.historical_object_replication,
        )
        .opt_str("syncRole", rule.sync_role.as_deref())
        .opt_bool("sseKmsEncryptedObjects", rule.sse_kms_encrypted_objects)
        .opt_str("replicaKmsKeyId", rule.replica_kms_key_id.as_deref())
        .opt_bool("rtc", rule.rtc)
        .opt_str("status", rule.status.as_deref())
        .opt_str("rtcStatus", rule.rtc_status.as_deref());
    if let Some(t) = &rule.user_taggings {
        w.object("userTaggings", |o| {
            o.str("filterType", &t.filter_type)
                .objects("tags", &t.tags, |o, tag| {
                    o.str("key", &tag.key).str("value", &tag.value);
                });
        });
    }
    // Opaque to callers: handed back by putBucketReplication as it came.
    if !rule.unknown.is_empty() {
        w.object("unknownChildren", |o| {
            o.strings("rule", &rule.unknown.rule)
                .strings("destination", &rule.unknown.destination);
        });
    }
}

pub(crate) fn write_location(w: &mut JsonObject, loc: &ReplicationLocation) {
    w.strings("locations", &loc.locations)
        .objects(
            "transferTypeConstraints",
            &loc.transfer_type_constraints,
            |o, c| {
                o.str("location", &c.location)
                    .strings("transferTypes", &c.transfer_types);
            },
        )
        .strings("rtcLocations", &loc.rtc_locations);
}

/// The progress result. `historicalObject` is set after parsing, as a number:
/// writing it into the JSON would need Rust's float formatting (~14 KB of wasm).
pub(crate) fn progress_js(p: &ReplicationProgress, request_id: Option<&str>) -> JsValue {
    let mut w = JsonObject::new();
    w.object("rule", |o| write_rule(o, &p.rule))
        .object("progress", |o| {
            o.opt_str("newObject", p.new_object.as_deref());
        })
        .opt_str("requestId", request_id);
    let obj = w.into_js();
    if let Some(h) = p.historical_object {
        let progress =
            Reflect::get(&obj, &JsValue::from_str("progress")).unwrap_or(JsValue::UNDEFINED);
        let _ = Reflect::set(
            &progress,
            &JsValue::from_str("historicalObject"),
            &JsValue::from_f64(h),
        );
    }
    obj
}
