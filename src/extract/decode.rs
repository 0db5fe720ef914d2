//! Turning a file's bytes into text as browsers do: a byte order mark first, then a declared
//! charset (`<meta charset>`, `<?xml encoding>`), then UTF-8 when the bytes are valid UTF-8,
//! else windows-1252 (browsers' default for Western pages).

use std::borrow::Cow;
use std::fmt;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use super::SourceFormat;

/// A source's text and how it was decoded.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    /// The encoding's name (`UTF-8`, `windows-1252`, `UTF-16LE`, ...).
    pub encoding: &'static str,
    /// Length of the byte order mark that was skipped.
    pub bom: usize,
    /// Whether the text's bytes are the file's bytes after the byte order mark (UTF-8 with no
    /// malformed sequence): byte ranges in the text are then byte ranges in the file.
    pub same_bytes: bool,
}

impl Decoded<'_> {
    /// How many bytes `s` (a part of the text) takes in the file's encoding: with
    /// [`Decoded::bom`], it turns byte ranges in the text into byte ranges in the file.
    pub fn encoded_len(&self, s: &str) -> usize {
        match self.encoding {
            _ if self.same_bytes => s.len(),
            "UTF-16LE" | "UTF-16BE" => s.encode_utf16().count() * 2,
            name => match Encoding::for_label(name.as_bytes()) {
                Some(e) if e.output_encoding() == e => e.encode(s).0.len(),
                _ => s.len(),
            },
        }
    }
}

/// Bytes that are not text in any encoding Linkscope can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(&'static str);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for DecodeError {}

/// How many bytes are looked at for a declared charset (the HTML standard's prescan: 1024).
const PRESCAN: usize = 1024;

/// Decodes `bytes` as a source of `format`. Fails on bytes that hold NUL characters without a
/// byte order mark: binary files, or UTF-16 whose byte order cannot be told.
pub fn decode(bytes: &[u8], format: SourceFormat) -> Result<Decoded<'_>, DecodeError> {
    decode_as(bytes, format, None)
}

/// [`decode`] with the charset a server sent (`Content-Type: text/html; charset=…`): it wins
/// over the one the page declares, a byte order mark wins over both (as in browsers).
pub fn decode_as<'a>(
    bytes: &'a [u8],
    format: SourceFormat,
    charset: Option<&str>,
) -> Result<Decoded<'a>, DecodeError> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, malformed) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return Ok(Decoded {
            same_bytes: encoding == UTF_8 && !malformed,
            text,
            encoding: encoding.name(),
            bom,
        });
    }
    if bytes.contains(&0) {
        return Err(DecodeError(
            "not text: it holds NUL bytes (a binary file, or UTF-16 without a byte order mark)",
        ));
    }
    let sent = charset.and_then(|c| Encoding::for_label(c.trim().as_bytes()));
    let declared = match format {
        _ if sent.is_some() => sent,
        SourceFormat::Html => meta_charset(&bytes[..bytes.len().min(PRESCAN)]),
        SourceFormat::Xml => xml_encoding(&bytes[..bytes.len().min(PRESCAN)]),
        _ => None,
    }
    // A page cannot declare itself UTF-16 in ASCII (the HTML standard reads it as UTF-8).
    .map(|e| {
        if e == UTF_16LE || e == UTF_16BE {
            UTF_8
        } else {
            e
        }
    });
    let utf8 = std::str::from_utf8(bytes).ok();
    let encoding = declared.unwrap_or(if utf8.is_some() { UTF_8 } else { WINDOWS_1252 });
    if let (Some(text), true) = (utf8, encoding == UTF_8) {
        // Validated once: the text is the bytes, not a copy.
        return Ok(Decoded {
            text: Cow::Borrowed(text),
            encoding: encoding.name(),
            bom: 0,
            same_bytes: true,
        });
    }
    let (text, malformed) = encoding.decode_without_bom_handling(bytes);
    Ok(Decoded {
        same_bytes: encoding == UTF_8 && !malformed,
        text,
        encoding: encoding.name(),
        bom: 0,
    })
}

/// The charset a page declares in its first bytes: `<meta charset="…">` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=…">`.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = find(&lower[from..], b"<meta") {
        let start = from + i + 5;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = find(tag, b"charset") {
            let rest = &tag[c + 7..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_start(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or(rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let label: Vec<u8> = rest
                    .iter()
                    .copied()
                    .take_while(|b| !matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                    .collect();
                if let Some(e) = Encoding::for_label(&label) {
                    return Some(e);
                }
            }
        }
        from = end;
    }
    None
}

/// The encoding an XML declaration names: `<?xml version="1.0" encoding="…"?>`.
fn xml_encoding(head: &[u8]) -> Option<&'static Encoding> {
    let decl_end = find(head, b"?>")?;
    let decl = head.get(..decl_end)?;
    let start = find(decl, b"<?xml")?;
    let at = find(&decl[start..], b"encoding")? + start + 8;
    let rest = trim_start(&decl[at..]).strip_prefix(b"=")?;
    let rest = trim_start(rest);
    let quote = *rest.first()?;
    let label: Vec<u8> = rest[1..]
        .iter()
        .copied()
        .take_while(|&b| b != quote)
        .collect();
    Encoding::for_label(&label)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_marks_win() {
        let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
        utf16.extend("<a href=x>é</a>".encode_utf16().flat_map(u16::to_le_bytes));
        let d = decode(&utf16, SourceFormat::Html).unwrap();
        assert_eq!(
            (d.text.as_ref(), d.encoding, d.bom),
            ("<a href=x>é</a>", "UTF-16LE", 2)
        );
        assert_eq!(d.encoded_len("<a href=x>é"), 22);
        let d = decode(b"\xEF\xBB\xBFhi", SourceFormat::Markdown).unwrap();
        assert_eq!((d.text.as_ref(), d.bom, d.same_bytes), ("hi", 3, true));
    }

    #[test]
    fn declared_then_utf8_then_windows_1252() {
        let page = b"<html><head><META http-equiv=Content-Type content='text/html; charset=ISO-8859-1'></head>caf\xE9";
        let d = decode(page, SourceFormat::Html).unwrap();
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(d.encoded_len("café"), 4);
        assert!(d.text.ends_with("café"));
        let d = decode("<meta charset=utf-16>é".as_bytes(), SourceFormat::Html).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        let d = decode(b"caf\xE9", SourceFormat::Markdown).unwrap();
        assert_eq!((d.text.as_ref(), d.same_bytes), ("café", false));
        let sent = decode_as(
            b"<meta charset=utf-8>caf\xE9",
            SourceFormat::Html,
            Some("latin1"),
        );
        assert!(sent.unwrap().text.ends_with("café"));
        let xml = b"<?xml version='1.0' encoding='ISO-8859-15'?><rss>\xA4</rss>";
        assert_eq!(
            decode(xml, SourceFormat::Xml).unwrap().encoding,
            "ISO-8859-15"
        );
    }

    #[test]
    fn nul_bytes_are_not_text() {
        let utf16_without_bom: Vec<u8> = "<a>".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(decode(&utf16_without_bom, SourceFormat::Html).is_err());
    }
}
