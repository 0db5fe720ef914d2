//! A small JSON value for reading profiles. The extension hands the core plain JS objects or the
//! text of an imported file, and the CLI reads files; both deserialize into this with serde. It
//! keeps object keys in their order (repeated keys too, so the profile reader can reject them)
//! and carries no float formatting or map machinery, which keeps the wasm build small.
//!
//! Whatever the input, reading it is bounded: at most [`MAX_BYTES`] of text (or the like in a
//! JS object) and [`MAX_DEPTH`] levels of nesting, in time linear in its size. Deserializers
//! that recurse without a limit of their own (serde-wasm-bindgen) would otherwise overflow the
//! stack on a deeply nested list, which traps a WebAssembly instance.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// How deep lists and objects may nest. A profile nests two levels; serde_json stops at 128.
pub const MAX_DEPTH: usize = 100;

/// The largest profile read: 1 MB of JSON text. A real profile is well under 2 KB.
pub const MAX_BYTES: usize = 1_000_000;

#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Json>),
    /// Keys in document order, repeated keys included.
    Object(Vec<(String, Json)>),
}

/// Why JSON text could not be read, for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError(pub String);

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn too_large(bytes: usize) -> String {
    format!("too large ({bytes} bytes): a profile is at most 1 MB")
}

fn too_deep() -> String {
    format!("lists and objects nested more than {MAX_DEPTH} levels deep")
}

impl Json {
    /// Reads JSON text, skipping a leading UTF-8 byte order mark, within [`MAX_BYTES`] and
    /// [`MAX_DEPTH`].
    ///
    /// ```
    /// use linkscope::json::Json;
    /// assert_eq!(Json::parse("\u{feff}[true]").unwrap(), Json::Array(vec![Json::Bool(true)]));
    /// let deep = "[".repeat(5000) + &"]".repeat(5000);
    /// assert!(Json::parse(&deep).unwrap_err().0.contains("nested more than 100 levels"));
    /// ```
    pub fn parse(text: &str) -> Result<Json, JsonError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.len() > MAX_BYTES {
            return Err(JsonError(too_large(text.len())));
        }
        let mut d = serde_json::Deserializer::from_str(text);
        let budget = Cell::new(MAX_BYTES);
        let value = Seed::new(&budget)
            .deserialize(&mut d)
            .and_then(|v| d.end().map(|()| v))
            .map_err(|e| match e.classify() {
                // The limits above: valid JSON, but not read.
                serde_json::error::Category::Data => JsonError(e.to_string()),
                _ => JsonError(format!("not valid JSON: {e}")),
            })?;
        Ok(value)
    }

    /// How a person would call this kind of value, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "true/false",
            Json::Number(_) => "a number",
            Json::String(_) => "text",
            Json::Array(_) => "a list",
            Json::Object(_) => "an object",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value of `key` in an object (the first, if it is repeated).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A number that is a whole number, as an integer.
    pub fn as_whole(&self) -> Option<i64> {
        match self {
            Json::Number(n) if n.fract() == 0.0 && n.abs() < 9e15 => Some(*n as i64),
            _ => None,
        }
    }
}

/// Reads one value at `depth` (0 for the whole document), charging `budget`: one unit per
/// value and one per byte of text, so a JS object is bounded like JSON text of that size.
#[derive(Clone, Copy)]
struct Seed<'b> {
    depth: usize,
    budget: &'b Cell<usize>,
}

impl<'b> Seed<'b> {
    fn new(budget: &'b Cell<usize>) -> Self {
        Seed { depth: 0, budget }
    }

    fn charge<E: de::Error>(&self, units: usize) -> Result<(), E> {
        match self.budget.get().checked_sub(units.saturating_add(1)) {
            Some(left) => {
                self.budget.set(left);
                Ok(())
            }
            None => Err(E::custom("too large: a profile is at most 1 MB")),
        }
    }

    /// The seed for the items of a list or object at this seed's depth.
    fn nested<E: de::Error>(&self) -> Result<Seed<'b>, E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom(too_deep()));
        }
        Ok(Seed {
            depth: self.depth + 1,
            budget: self.budget,
        })
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Json;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
        self.charge(0)?;
        Ok(Json::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
        self.charge(0)?;
        Ok(Json::Number(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        self.charge(0)?;
        Ok(Json::Number(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        self.charge(0)?;
        Ok(Json::Number(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        self.charge(v.len())?;
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
        self.charge(v.len())?;
        Ok(Json::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        self.charge(0)?;
        Ok(Json::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Json, E> {
        self.charge(0)?;
        Ok(Json::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        self.charge(0)?;
        let item = self.nested()?;
        let mut items = Vec::new();
        while let Some(value) = seq.next_element_seed(item)? {
            items.push(value);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        self.charge(0)?;
        let item = self.nested()?;
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            self.charge(key.len())?;
            entries.push((key, map.next_value_seed(item)?));
        }
        Ok(Json::Object(entries))
    }
}

impl<'de> Deserialize<'de> for Json {
    /// Any deserializer (serde-wasm-bindgen for JS objects) within the same bounds as
    /// [`Json::parse`].
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        let budget = Cell::new(MAX_BYTES);
        Seed::new(&budget).deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_json_text_in_order_keeping_repeated_keys() {
        let v = Json::parse(r#"{"b":[1,2.5,null],"a":true,"b":"last"}"#).unwrap();
        let Json::Object(entries) = &v else { panic!() };
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[2], ("b".into(), Json::String("last".into())));
        assert_eq!(v.get("b").map(Json::kind), Some("a list"));
        assert_eq!(v.get("a"), Some(&Json::Bool(true)));
        assert_eq!(Json::Number(2.0).as_whole(), Some(2));
        assert_eq!(Json::Number(2.5).as_whole(), None);
        assert_eq!(Json::Array(vec![]).kind(), "a list");
    }

    #[test]
    fn skips_a_byte_order_mark_only_at_the_start() {
        assert_eq!(Json::parse("\u{feff}{}").unwrap(), Json::Object(vec![]));
        assert!(Json::parse("{}\u{feff}").is_err());
        assert!(Json::parse("\u{feff}\u{feff}{}").is_err());
    }

    #[test]
    fn bounds_nesting_for_every_deserializer() {
        let nest = |n: usize| "[".repeat(n) + &"]".repeat(n);
        assert!(Json::parse(&nest(MAX_DEPTH)).is_ok());
        let err = Json::parse(&nest(MAX_DEPTH + 1)).unwrap_err().0;
        assert!(
            err.starts_with("lists and objects nested more than 100 levels deep at line 1"),
            "{err}"
        );
        // Objects count like lists; deeper input stops at the same place, never recursing on.
        let objects = r#"{"a":"#.repeat(5000) + "1" + &"}".repeat(5000);
        assert!(Json::parse(&objects)
            .unwrap_err()
            .0
            .contains("nested more than"));
        // A deserializer without a depth limit of its own (as serde-wasm-bindgen) is bounded
        // too: serde_json's Value has none.
        let mut deep = serde_json::Value::Null;
        for _ in 0..5000 {
            deep = serde_json::Value::Array(vec![deep]);
        }
        let err = Json::deserialize(&deep).unwrap_err().to_string();
        assert_eq!(err, "lists and objects nested more than 100 levels deep");
    }

    #[test]
    fn bounds_size() {
        let big = format!("[\"{}\"]", "x".repeat(MAX_BYTES));
        assert_eq!(
            Json::parse(&big).unwrap_err().0,
            "too large (1000004 bytes): a profile is at most 1 MB"
        );
        let fits = format!("[\"{}\"]", "x".repeat(MAX_BYTES - 4));
        assert!(Json::parse(&fits).is_ok());
    }
}
