//! Compact JSON text of any `Serialize` value, byte for byte as `serde_json::to_string` writes it
//! (tests/json_writer.rs checks that on the core's results), without serde_json's number
//! formatting, I/O adapters and error machinery. Floats are not written: no result has one.

use std::fmt;

use serde::ser::{self, Serialize};

/// A value that JSON cannot hold (a float, a map with keys that are not text, bytes).
/// (An uninhabited error type would leave every `?` out of the .wasm, 1.2 KB raw and 0.5 KB
/// gzipped, but serde's `Error::custom` would then have to panic: not taken, issue 11.)
#[derive(Debug)]
pub struct WriteError;

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot be written as JSON")
    }
}

impl std::error::Error for WriteError {}

impl ser::Error for WriteError {
    fn custom<T: fmt::Display>(_: T) -> Self {
        WriteError
    }
}

/// `value` as compact JSON text.
///
/// ```
/// let json = linkscope::json::to_string(&("amazon.de", [1u8, 2], Some(true), None::<u8>)).unwrap();
/// assert_eq!(json, r#"["amazon.de",[1,2],true,null]"#);
/// ```
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, WriteError> {
    let mut w = Writer(String::new());
    value.serialize(&mut w)?;
    Ok(w.0)
}

struct Writer(String);

impl Writer {
    fn uint(&mut self, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        // ASCII digits.
        self.0.extend(digits[i..].iter().map(|&d| d as char));
    }

    fn int(&mut self, n: i64) {
        if n < 0 {
            self.0.push('-');
        }
        self.uint(n.unsigned_abs());
    }

    /// A string in quotes, escaped as serde_json escapes it.
    fn text(&mut self, s: &str) {
        self.0.reserve(s.len() + 2);
        self.0.push('"');
        let mut start = 0;
        for (i, b) in s.bytes().enumerate() {
            let escape = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                0..=0x1f => "",
                _ => continue,
            };
            self.0.push_str(&s[start..i]);
            if escape.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                self.0.push_str("\\u00");
                self.0.push(HEX[usize::from(b >> 4)] as char);
                self.0.push(HEX[usize::from(b & 15)] as char);
            } else {
                self.0.push_str(escape);
            }
            start = i + 1;
        }
        self.0.push_str(&s[start..]);
        self.0.push('"');
    }

    /// Opens `open` and returns the writer of its items, which closes it with `close`.
    fn open(&mut self, open: char, close: char) -> Items<'_> {
        self.0.push(open);
        Items {
            w: self,
            first: true,
            close,
        }
    }

    /// `{"variant":` before an externally tagged variant's content.
    fn variant(&mut self, variant: &str) {
        self.0.push('{');
        self.text(variant);
        self.0.push(':');
    }
}

/// The items of an open list or object.
struct Items<'w> {
    w: &'w mut Writer,
    first: bool,
    /// The closing bracket; a variant's content also closes the `{` of [`Writer::variant`].
    close: char,
}

impl Items<'_> {
    fn comma(&mut self) {
        if !self.first {
            self.w.0.push(',');
        }
        self.first = false;
    }

    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        self.comma();
        value.serialize(&mut *self.w)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), WriteError> {
        self.key(key);
        value.serialize(&mut *self.w)
    }

    /// A field's key and colon, out of line: in the .wasm once rather than in the code of each
    /// field's type (0.5 KB raw, 0.1 KB gzipped, issue 11).
    #[inline(never)]
    fn key(&mut self, key: &str) {
        self.comma();
        self.w.text(key);
        self.w.0.push(':');
    }

    fn close(self) -> Result<(), WriteError> {
        self.w.0.push(self.close);
        Ok(())
    }

    /// Closes the content and the variant object around it.
    fn close_variant(self) -> Result<(), WriteError> {
        self.w.0.push(self.close);
        self.w.0.push('}');
        Ok(())
    }
}

impl<'w> ser::Serializer for &'w mut Writer {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = Items<'w>;
    type SerializeTuple = Items<'w>;
    type SerializeTupleStruct = Items<'w>;
    type SerializeTupleVariant = Items<'w>;
    type SerializeMap = Items<'w>;
    type SerializeStruct = Items<'w>;
    type SerializeStructVariant = Items<'w>;

    fn serialize_bool(self, v: bool) -> Result<(), WriteError> {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), WriteError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), WriteError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), WriteError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), WriteError> {
        self.int(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), WriteError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), WriteError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), WriteError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), WriteError> {
        self.uint(v);
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_f64(self, _: f64) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_char(self, v: char) -> Result<(), WriteError> {
        self.text(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), WriteError> {
        self.text(v);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_none(self) -> Result<(), WriteError> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), WriteError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), WriteError> {
        self.0.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), WriteError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), WriteError> {
        self.text(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        self.variant(variant);
        value.serialize(&mut *self)?;
        self.0.push('}');
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Items<'w>, WriteError> {
        Ok(self.open('[', ']'))
    }
    fn serialize_tuple(self, _: usize) -> Result<Items<'w>, WriteError> {
        Ok(self.open('[', ']'))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Items<'w>, WriteError> {
        Ok(self.open('[', ']'))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Items<'w>, WriteError> {
        self.variant(variant);
        Ok(self.open('[', ']'))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Items<'w>, WriteError> {
        Ok(self.open('{', '}'))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Items<'w>, WriteError> {
        Ok(self.open('{', '}'))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Items<'w>, WriteError> {
        self.variant(variant);
        Ok(self.open('{', '}'))
    }
}

impl ser::SerializeSeq for Items<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        self.item(value)
    }
    fn end(self) -> Result<(), WriteError> {
        self.close()
    }
}

impl ser::SerializeTuple for Items<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        self.item(value)
    }
    fn end(self) -> Result<(), WriteError> {
        self.close()
    }
}

impl ser::SerializeTupleStruct for Items<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        self.item(value)
    }
    fn end(self) -> Result<(), WriteError> {
        self.close()
    }
}

impl ser::SerializeTupleVariant for Items<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        self.item(value)
    }
    fn end(self) -> Result<(), WriteError> {
        self.close_variant()
    }
}

impl ser::SerializeMap for Items<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), WriteError> {
        self.comma();
        key.serialize(MapKey(&mut *self.w))?;
        self.w.0.push(':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), WriteError> {
        self.close()
    }
}

impl ser::SerializeStruct for Items<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), WriteError> {
        self.close()
    }
}

impl ser::SerializeStructVariant for Items<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), WriteError> {
        self.close_variant()
    }
}

/// A map's key: text only (the core's maps are keyed by domain).
struct MapKey<'w>(&'w mut Writer);

impl ser::Serializer for MapKey<'_> {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = ser::Impossible<(), WriteError>;
    type SerializeTuple = ser::Impossible<(), WriteError>;
    type SerializeTupleStruct = ser::Impossible<(), WriteError>;
    type SerializeTupleVariant = ser::Impossible<(), WriteError>;
    type SerializeMap = ser::Impossible<(), WriteError>;
    type SerializeStruct = ser::Impossible<(), WriteError>;
    type SerializeStructVariant = ser::Impossible<(), WriteError>;

    fn serialize_str(self, v: &str) -> Result<(), WriteError> {
        self.0.text(v);
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), WriteError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        value.serialize(self)
    }
    fn serialize_bool(self, _: bool) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_i8(self, _: i8) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_i16(self, _: i16) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_i32(self, _: i32) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_i64(self, _: i64) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_u8(self, _: u8) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_u16(self, _: u16) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_u32(self, _: u32) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_u64(self, _: u64) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_f32(self, _: f32) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_f64(self, _: f64) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_char(self, _: char) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_none(self) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_unit(self) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), WriteError> {
        Err(WriteError)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, WriteError> {
        Err(WriteError)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, WriteError> {
        Err(WriteError)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, WriteError> {
        Err(WriteError)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, WriteError> {
        Err(WriteError)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, WriteError> {
        Err(WriteError)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, WriteError> {
        Err(WriteError)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, WriteError> {
        Err(WriteError)
    }
}
