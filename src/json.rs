//! A small JSON value for reading profiles, and the JSON writer of the core's results. The
//! extension hands the core the text of an imported file or a settings object as JSON text, and
//! the CLI reads files; both come here. Object keys keep their order (repeated keys too, so the
//! profile reader can reject them). The reader and the writer ([`to_string`]) are hand-written
//! so that the wasm build carries no serde_json: errors read exactly as serde_json's did ("not
//! valid JSON: expected value at line 1 column 2"), which the tests check against serde_json.
//!
//! Whatever the input, reading it is bounded: at most [`MAX_BYTES`] of text and [`MAX_DEPTH`]
//! levels of nesting, in time linear in its size, never recursing deeper than that.

use std::fmt;

mod write;

pub use write::{to_string, WriteError};

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

const TOO_DEEP: &str = "lists and objects nested more than 100 levels deep";

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
        let mut p = Parser {
            text: text.as_bytes(),
            at: 0,
        };
        let value = p.value(0).and_then(|v| match p.peek() {
            Some(_) => Err(p.fail_peek(TRAILING_CHARACTERS)),
            None => Ok(v),
        });
        value.map_err(|e| {
            let (line, column) = p.position(e.at);
            let prefix = if e.syntax { "not valid JSON: " } else { "" };
            JsonError(format!("{prefix}{} at line {line} column {column}", e.what))
        })
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

const EOF_LIST: &str = "EOF while parsing a list";
const EOF_OBJECT: &str = "EOF while parsing an object";
const EOF_STRING: &str = "EOF while parsing a string";
const EOF_VALUE: &str = "EOF while parsing a value";
const INVALID_ESCAPE: &str = "invalid escape";
const INVALID_NUMBER: &str = "invalid number";
const LONE_SURROGATE: &str = "lone leading surrogate in hex escape";
const OUT_OF_RANGE: &str = "number out of range";
const TRAILING_COMMA: &str = "trailing comma";
const TRAILING_CHARACTERS: &str = "trailing characters";
const END_OF_HEX_ESCAPE: &str = "unexpected end of hex escape";

/// The value of a number's text (already checked: `-`, digits, maybe `.` digits and an exponent),
/// without the large tables of core's exactly rounded parser: exact for integers below 2^53,
/// within a few units in the last place otherwise (so the last few below `f64::MAX` read as
/// out of range; serde_json's default is not exactly rounded either;
/// a profile's only number is its version). Infinite when out of range, as serde_json says.
fn number_value(text: &[u8]) -> f64 {
    let (mut digits, mut scale, mut exponent, mut negative_exponent) = (0u64, 0i64, 0i64, false);
    let (mut fraction, mut in_exponent) = (false, false);
    for &b in text {
        match b {
            b'0'..=b'9' if in_exponent => {
                exponent = (exponent * 10 + i64::from(b - b'0')).min(100_000)
            }
            b'0'..=b'9' if digits < 1_000_000_000_000_000_000 => {
                digits = digits * 10 + u64::from(b - b'0');
                scale -= i64::from(fraction);
            }
            b'0'..=b'9' => scale += i64::from(!fraction),
            b'.' => fraction = true,
            b'e' | b'E' => in_exponent = true,
            b'-' if in_exponent => negative_exponent = true,
            _ => {}
        }
    }
    let mut power = scale
        + if negative_exponent {
            -exponent
        } else {
            exponent
        };
    let mut n = digits as f64;
    // In steps that stay finite, so that only a result out of range is infinite.
    while n != 0.0 && power > 0 {
        let step = power.min(300);
        n *= 10f64.powi(step as i32);
        power -= step;
    }
    while n != 0.0 && power < 0 {
        let step = (-power).min(300);
        n /= 10f64.powi(step as i32);
        power += step;
    }
    if text.first() == Some(&b'-') {
        -n
    } else {
        n
    }
}

/// Why reading stopped: what, and at which byte offset (serde_json's positions: after the last
/// byte read, or after the byte looked at).
struct Fail {
    what: &'static str,
    at: usize,
    /// Bad JSON, rather than JSON beyond the limits.
    syntax: bool,
}

/// A recursive-descent reader of JSON text that finds the errors serde_json finds, where it
/// finds them.
struct Parser<'t> {
    text: &'t [u8],
    at: usize,
}

impl Parser<'_> {
    /// The 1-based line and the column (bytes since the line's start) of byte offset `at`.
    fn position(&self, at: usize) -> (usize, usize) {
        let before = &self.text[..at.min(self.text.len())];
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + before[..start].iter().filter(|&&b| b == b'\n').count();
        (line, before.len() - start)
    }

    fn fail(&self, what: &'static str) -> Fail {
        Fail {
            what,
            at: self.at,
            syntax: true,
        }
    }

    /// An error about the byte looked at (not read yet).
    fn fail_peek(&self, what: &'static str) -> Fail {
        Fail {
            what,
            at: (self.at + 1).min(self.text.len()),
            syntax: true,
        }
    }

    /// The next byte that is not white space, not read.
    fn peek(&mut self) -> Option<u8> {
        while let Some(&b) = self.text.get(self.at) {
            if !matches!(b, b' ' | b'\n' | b'\t' | b'\r') {
                return Some(b);
            }
            self.at += 1;
        }
        None
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.text.get(self.at).copied();
        self.at += usize::from(b.is_some());
        b
    }

    /// One value, nested `depth` lists and objects deep.
    fn value(&mut self, depth: usize) -> Result<Json, Fail> {
        let Some(b) = self.peek() else {
            return Err(self.fail_peek(EOF_VALUE));
        };
        match b {
            b'n' => self.word(b"null", Json::Null),
            b't' => self.word(b"true", Json::Bool(true)),
            b'f' => self.word(b"false", Json::Bool(false)),
            b'-' | b'0'..=b'9' => self.number(),
            b'"' => {
                self.at += 1;
                self.string().map(Json::String)
            }
            b'[' | b'{' => {
                self.at += 1;
                let list = b == b'[';
                if depth >= MAX_DEPTH {
                    // Where serde_json said it: after the closing bracket, if that comes next.
                    match (self.peek(), list) {
                        (Some(b']'), true) | (Some(b'}'), false) => self.at += 1,
                        (Some(b','), true) => {
                            self.at += 1;
                            self.peek();
                        }
                        _ => {}
                    }
                    return Err(Fail {
                        what: TOO_DEEP,
                        at: self.at,
                        syntax: false,
                    });
                }
                if list {
                    self.list(depth + 1)
                } else {
                    self.object(depth + 1)
                }
            }
            _ => Err(self.fail_peek("expected value")),
        }
    }

    fn word(&mut self, word: &[u8], value: Json) -> Result<Json, Fail> {
        self.at += 1;
        for &expected in &word[1..] {
            match self.next() {
                None => return Err(self.fail(EOF_VALUE)),
                Some(b) if b != expected => return Err(self.fail("expected ident")),
                Some(_) => {}
            }
        }
        Ok(value)
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while self.text.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Json, Fail> {
        let start = self.at;
        if self.text[self.at] == b'-' {
            self.at += 1;
        }
        match self.next() {
            None => return Err(self.fail(EOF_VALUE)),
            Some(b'0') => {
                if self.text.get(self.at).is_some_and(u8::is_ascii_digit) {
                    return Err(self.fail_peek(INVALID_NUMBER));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            Some(_) => return Err(self.fail(INVALID_NUMBER)),
        }
        if self.text.get(self.at) == Some(&b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(match self.text.get(self.at) {
                    Some(_) => self.fail_peek(INVALID_NUMBER),
                    None => self.fail_peek(EOF_VALUE),
                });
            }
        }
        if matches!(self.text.get(self.at), Some(b'e' | b'E')) {
            let nonzero = self.text[start..self.at]
                .iter()
                .any(|b| matches!(b, b'1'..=b'9'));
            self.at += 1;
            let sign = self.text.get(self.at).copied();
            if matches!(sign, Some(b'+' | b'-')) {
                self.at += 1;
            }
            let mut exponent = match self.next() {
                None => return Err(self.fail(EOF_VALUE)),
                Some(d @ b'0'..=b'9') => i32::from(d - b'0'),
                Some(_) => return Err(self.fail(INVALID_NUMBER)),
            };
            // As serde_json: an exponent past i32 is out of range at its first digit too many
            // (unless the number is 0 or tiny: then it is 0).
            while let Some(&d @ b'0'..=b'9') = self.text.get(self.at) {
                self.at += 1;
                match exponent
                    .checked_mul(10)
                    .and_then(|e| e.checked_add(i32::from(d - b'0')))
                {
                    Some(e) => exponent = e,
                    None if nonzero && sign != Some(b'-') => return Err(self.fail(OUT_OF_RANGE)),
                    None => {
                        self.digits();
                        break;
                    }
                }
            }
        }
        match number_value(&self.text[start..self.at]) {
            n if n.is_finite() => Ok(Json::Number(n)),
            _ => Err(self.fail(OUT_OF_RANGE)),
        }
    }

    /// The rest of a string whose opening quote was read.
    fn string(&mut self) -> Result<String, Fail> {
        let mut out = Vec::new();
        loop {
            let start = self.at;
            while self
                .text
                .get(self.at)
                .is_some_and(|&b| b != b'"' && b != b'\\' && b >= 0x20)
            {
                self.at += 1;
            }
            out.extend_from_slice(&self.text[start..self.at]);
            match self.next() {
                None => return Err(self.fail(EOF_STRING)),
                Some(b'"') => break,
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => {
                    return Err(self
                        .fail("control character (\\u0000-\\u001F) found while parsing a string"))
                }
            }
        }
        // Whole UTF-8 sequences of valid text and whole escaped characters.
        Ok(String::from_utf8(out).unwrap_or_default())
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), Fail> {
        let b = match self.next() {
            None => return Err(self.fail(EOF_STRING)),
            Some(b) => b,
        };
        let plain = match b {
            b'"' | b'\\' | b'/' => b,
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let c = self.unicode_escape()?;
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                return Ok(());
            }
            _ => return Err(self.fail(INVALID_ESCAPE)),
        };
        out.push(plain);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, Fail> {
        let Some(digits) = self.text.get(self.at..self.at + 4) else {
            self.at = self.text.len();
            return Err(self.fail(EOF_STRING));
        };
        self.at += 4;
        digits
            .iter()
            .try_fold(0, |n, &d| Some(n << 4 | (d as char).to_digit(16)?))
            .ok_or_else(|| self.fail(INVALID_ESCAPE))
    }

    /// The character of a `\u` escape whose `\u` was read (a surrogate pair's two escapes).
    fn unicode_escape(&mut self) -> Result<char, Fail> {
        let n = self.hex4()?;
        if (0xdc00..=0xdfff).contains(&n) {
            return Err(self.fail(LONE_SURROGATE));
        }
        if !(0xd800..=0xdbff).contains(&n) {
            return char::from_u32(n).ok_or_else(|| self.fail(LONE_SURROGATE));
        }
        for expected in [b'\\', b'u'] {
            match self.text.get(self.at) {
                None => return Err(self.fail(EOF_STRING)),
                Some(&b) => {
                    self.at += 1;
                    if b != expected {
                        return Err(self.fail(END_OF_HEX_ESCAPE));
                    }
                }
            }
        }
        let low = self.hex4()?;
        if !(0xdc00..=0xdfff).contains(&low) {
            return Err(self.fail(LONE_SURROGATE));
        }
        char::from_u32(0x10000 + ((n - 0xd800) << 10 | (low - 0xdc00)))
            .ok_or_else(|| self.fail(LONE_SURROGATE))
    }

    /// The items of a list whose `[` was read, and its `]`.
    fn list(&mut self, depth: usize) -> Result<Json, Fail> {
        let mut items = Vec::new();
        loop {
            match self.peek() {
                None => return Err(self.fail_peek(EOF_LIST)),
                Some(b']') => {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                Some(b',') if !items.is_empty() => {
                    self.at += 1;
                    match self.peek() {
                        Some(b']') => return Err(self.fail_peek(TRAILING_COMMA)),
                        None => return Err(self.fail_peek(EOF_VALUE)),
                        Some(_) => {}
                    }
                }
                Some(_) if !items.is_empty() => return Err(self.fail_peek("expected `,` or `]`")),
                Some(_) => {}
            }
            items.push(self.value(depth)?);
        }
    }

    /// The entries of an object whose `{` was read, and its `}`.
    fn object(&mut self, depth: usize) -> Result<Json, Fail> {
        let mut entries = Vec::new();
        loop {
            let b = match self.peek() {
                None => return Err(self.fail_peek(EOF_OBJECT)),
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Json::Object(entries));
                }
                Some(b',') if !entries.is_empty() => {
                    self.at += 1;
                    self.peek()
                }
                Some(_) if !entries.is_empty() => return Err(self.fail_peek("expected `,` or `}`")),
                b => b,
            };
            match b {
                Some(b'"') => self.at += 1,
                Some(b'}') => return Err(self.fail_peek(TRAILING_COMMA)),
                Some(_) => return Err(self.fail_peek("key must be a string")),
                None => return Err(self.fail_peek(EOF_VALUE)),
            }
            let key = self.string()?;
            match self.peek() {
                Some(b':') => self.at += 1,
                Some(_) => return Err(self.fail_peek("expected `:`")),
                None => return Err(self.fail_peek(EOF_OBJECT)),
            }
            entries.push((key, self.value(depth)?));
        }
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
    fn reads_numbers() {
        let n = |text: &str| match Json::parse(text).unwrap() {
            Json::Number(n) => n,
            other => panic!("{other:?}"),
        };
        assert_eq!(n("1"), 1.0);
        assert_eq!(n("-0"), 0.0);
        assert_eq!(n("9007199254740991"), 9007199254740991.0);
        assert_eq!(n("-2.5E+2"), -250.0);
        assert_eq!(n("0.001e3"), 1.0);
        assert_eq!(n("1e-400"), 0.0);
        for (text, value) in [("-0.5e-3", -0.0005), ("1.79769e308", 1.79769e308)] {
            assert!((n(text) - value).abs() <= value.abs() * 1e-14, "{text}");
        }
        let long = format!("{}e-100", "1".repeat(120));
        assert!((n(&long) / 1.111_111_111_111_111e19 - 1.0).abs() < 1e-14);
    }

    #[test]
    fn skips_a_byte_order_mark_only_at_the_start() {
        assert_eq!(Json::parse("\u{feff}{}").unwrap(), Json::Object(vec![]));
        assert!(Json::parse("{}\u{feff}").is_err());
        assert!(Json::parse("\u{feff}\u{feff}{}").is_err());
    }

    #[test]
    fn bounds_nesting_saying_where() {
        let nest = |n: usize| "[".repeat(n) + &"]".repeat(n);
        assert!(Json::parse(&nest(MAX_DEPTH)).is_ok());
        // The positions serde_json gave (its reader is the reference: see `errors_as_serde_json`).
        let deep = |text: &str| Json::parse(text).unwrap_err().0;
        let at =
            |place: &str| format!("lists and objects nested more than 100 levels deep at {place}");
        assert_eq!(deep(&nest(MAX_DEPTH + 1)), at("line 1 column 102"));
        assert_eq!(deep(&nest(5000)), at("line 1 column 101"));
        // Objects count like lists; deeper input stops at the same place, never recursing on.
        let objects = r#"{"a":"#.repeat(5000) + "1" + &"}".repeat(5000);
        assert_eq!(deep(&objects), at("line 1 column 501"));
        assert_eq!(deep(&"[\n".repeat(120)), at("line 102 column 0"));
        assert_eq!(deep(&r#"{"a":["#.repeat(60)), at("line 1 column 301"));
    }

    /// Every error of the reader is serde_json's, at serde_json's place.
    #[test]
    fn errors_as_serde_json() {
        let cases = [
            "",
            "  ",
            "\n\n [",
            "é",
            r#"["é", x]"#,
            "tru",
            "nul",
            "[tx]",
            "fals",
            "[1e400]",
            "[-1e400]",
            "[1.]",
            "[1.",
            "[01]",
            "[-]",
            "-",
            "[1e]",
            "[1e+]",
            "1E-400",
            "[1,]",
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            r#"{"a""#,
            r#"{"a":"#,
            "{1:2}",
            "{,}",
            "[,1]",
            "[1 2]",
            r#"{"a":1 "b":2}"#,
            "[] x",
            "[1]]",
            "\"a\u{1}\"",
            r#""\x""#,
            r#""\ud800""#,
            r#""\ud800\u0041""#,
            r#""\udc00""#,
            r#""\ud800x""#,
            r#""\ud800\x""#,
            r#""\u12"#,
            r#""\u12g4""#,
            r#""\ud83d\ude00""#,
            r#""abc"#,
            "\"\\",
            "[\"a\",\r\n\t 1e5, -0.5e-3]",
            "{}",
            "[]",
            "{\"a\":{\"b\":[null,true,false]}}",
            "\"\\b\\f\\n\\r\\t\\/\"",
            "18446744073709551616",
            "[1,\n2,\n]",
            "{\n}\n,",
        ];
        for text in cases {
            let ours = Json::parse(text).map_err(|e| e.0);
            let theirs = serde_json::from_str::<serde_json::Value>(text)
                .map_err(|e| format!("not valid JSON: {e}"));
            assert_eq!(
                ours.is_ok(),
                theirs.is_ok(),
                "{text:?}: {ours:?} / {theirs:?}"
            );
            if let (Err(ours), Err(theirs)) = (ours, theirs) {
                assert_eq!(ours, theirs, "{text:?}");
            }
        }
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
