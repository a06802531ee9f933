//! JavaScript values <-> the core's types, with errors that name the field.
//! Plain `Reflect` reads and writes: no generic serde paths (they cost size).

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;
use crate::replication::{Destination, ReplicationLocation, ReplicationProgress, ReplicationRule};

/// A JavaScript object being read, with the path used in error messages (`rule.destination`).
pub(crate) struct Reader<'a> {
    value: &'a JsValue,
    path: &'a str,
}

fn type_error(path: &str, key: &str, wanted: &str) -> Error {
    Error::invalid(format!("{path}.{key} must be {wanted}"))
}

impl<'a> Reader<'a> {
    /// Reads `value` as an object named `path`; rejects keys not in `known`
    /// (a typo such as `prefix` for `prefixes` must not be silently ignored).
    pub(crate) fn new(value: &'a JsValue, path: &'a str, known: &[&str]) -> Result<Self, Error> {
        if !value.is_object() || value.is_function() || Array::is_array(value) {
            return Err(Error::invalid(format!("{path} must be an object")));
        }
        for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                return Err(Error::invalid(format!(
                    "{path}.{key} is not a known field (known: {})",
                    known.join(", ")
                )));
            }
        }
        Ok(Reader { value, path })
    }

    pub(crate) fn path(&self) -> &str {
        self.path
    }

    /// The raw value of `key` (`undefined` when absent).
    pub(crate) fn raw(&self, key: &str) -> JsValue {
        Reflect::get(self.value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    fn present(&self, key: &str) -> Option<JsValue> {
        let v = self.raw(key);
        (!v.is_undefined() && !v.is_null()).then_some(v)
    }

    pub(crate) fn string(&self, key: &str) -> Result<Option<String>, Error> {
        match self.present(key) {
            None => Ok(None),
            Some(v) => v
                .as_string()
                .map(Some)
                .ok_or_else(|| type_error(self.path, key, "a string")),
        }
    }

    pub(crate) fn required_string(&self, key: &str) -> Result<String, Error> {
        self.string(key)?
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
        match self.present(key) {
            None => Ok(None),
            Some(v) => v
                .as_f64()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .map(Some)
                .ok_or_else(|| type_error(self.path, key, "a non-negative number")),
        }
    }

    pub(crate) fn strings(&self, key: &str) -> Result<Vec<String>, Error> {
        let Some(v) = self.present(key) else {
            return Ok(Vec::new());
        };
        if !Array::is_array(&v) {
            return Err(type_error(self.path, key, "an array of strings"));
        }
        Array::from(&v)
            .iter()
            .enumerate()
            .map(|(i, item)| {
                item.as_string().ok_or_else(|| {
                    Error::invalid(format!("{}.{key}[{i}] must be a string", self.path))
                })
            })
            .collect()
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
    // Read-back fields, accepted so a rule from getBucketReplication can be put again.
    "status",
    "rtcStatus",
];

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
    Ok(ReplicationRule {
        id: r.string("id")?,
        destination: Destination {
            bucket: d.required_string("bucket")?,
            location: d.required_string("location")?,
            transfer_type: d.string("transferType")?,
        },
        prefixes: r.strings("prefixes")?,
        actions: r.strings("actions")?,
        historical_object_replication: r.boolean("historicalObjectReplication")?,
        sync_role: r.string("syncRole")?,
        sse_kms_encrypted_objects: r.boolean("sseKmsEncryptedObjects")?,
        replica_kms_key_id: r.string("replicaKmsKeyId")?,
        rtc: r.boolean("rtc")?,
        status: None,
        rtc_status: None,
    })
}

/// Builds plain objects field by field.
pub(crate) struct Writer(Object);

impl Writer {
    pub(crate) fn new() -> Self {
        Writer(Object::new())
    }

    pub(crate) fn set(&self, key: &str, value: impl Into<JsValue>) -> &Self {
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), &value.into());
        self
    }

    /// Sets `key` only when `value` is present (optional fields stay absent, not `undefined`).
    pub(crate) fn opt<V: Into<JsValue>>(&self, key: &str, value: Option<V>) -> &Self {
        if let Some(v) = value {
            self.set(key, v);
        }
        self
    }

    pub(crate) fn done(self) -> JsValue {
        self.0.into()
    }
}

pub(crate) fn string_array(items: &[String]) -> JsValue {
    items
        .iter()
        .map(|s| JsValue::from_str(s))
        .collect::<Array>()
        .into()
}

pub(crate) fn rule_to_js(rule: &ReplicationRule) -> JsValue {
    let d = &rule.destination;
    let dest = Writer::new();
    dest.set("bucket", d.bucket.as_str())
        .set("location", d.location.as_str())
        .opt("transferType", d.transfer_type.as_deref());
    let w = Writer::new();
    w.opt("id", rule.id.as_deref())
        .set("destination", dest.done())
        .set("prefixes", string_array(&rule.prefixes))
        .set("actions", string_array(&rule.actions))
        .opt(
            "historicalObjectReplication",
            rule.historical_object_replication,
        )
        .opt("syncRole", rule.sync_role.as_deref())
        .opt("sseKmsEncryptedObjects", rule.sse_kms_encrypted_objects)
        .opt("replicaKmsKeyId", rule.replica_kms_key_id.as_deref())
        .opt("rtc", rule.rtc)
        .opt("status", rule.status.as_deref())
        .opt("rtcStatus", rule.rtc_status.as_deref());
    w.done()
}

pub(crate) fn location_to_js(loc: &ReplicationLocation, request_id: Option<&str>) -> JsValue {
    let constraints: Array = loc
        .transfer_type_constraints
        .iter()
        .map(|c| {
            let w = Writer::new();
            w.set("location", c.location.as_str())
                .set("transferTypes", string_array(&c.transfer_types));
            w.done()
        })
        .collect();
    let w = Writer::new();
    w.set("locations", string_array(&loc.locations))
        .set("transferTypeConstraints", constraints)
        .set("rtcLocations", string_array(&loc.rtc_locations))
        .opt("requestId", request_id);
    w.done()
}

pub(crate) fn progress_to_js(p: &ReplicationProgress, request_id: Option<&str>) -> JsValue {
    let progress = Writer::new();
    progress
        .opt("historicalObject", p.historical_object)
        .opt("newObject", p.new_object.as_deref());
    let w = Writer::new();
    w.set("rule", rule_to_js(&p.rule))
        .set("progress", progress.done())
        .opt("requestId", request_id);
    w.done()
}
