//! QR codes for generated links, as an SVG path (one `M x y h1 v1 h-1 z` square per dark module).

use qrcodegen::{QrCode, QrCodeEcc, QrSegment};
use serde::Serialize;

/// A QR code drawn as an SVG path in a `size` × `size` box, quiet zone included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QrPath {
    pub size: i32,
    pub path: String,
}

/// Width of the quiet zone around the code, in modules (the standard asks for 4).
const QUIET: i32 = 4;

/// Encodes `text` with medium error correction, in byte mode (links have lower-case letters, so
/// the numeric and alphanumeric modes would not apply; leaving them out keeps the .wasm small).
/// `None` when it is too long for a QR code.
///
/// ```
/// let qr = linkscope::qr::qr_path("https://www.amazon.de/dp/B08N5WRWNW?tag=me-21").unwrap();
/// assert!(qr.size > 21 && qr.path.starts_with('M'));
/// ```
pub fn qr_path(text: &str) -> Option<QrPath> {
    let code =
        QrCode::encode_segments(&[QrSegment::make_bytes(text.as_bytes())], QrCodeEcc::Medium)
            .ok()?;
    let n = code.size();
    let mut path = String::new();
    for y in 0..n {
        for x in 0..n {
            if code.get_module(x, y) {
                // Written by hand: integer formatting through `format!` costs code size.
                path.push('M');
                push_number(&mut path, x + QUIET);
                path.push(' ');
                push_number(&mut path, y + QUIET);
                path.push_str("h1v1h-1z");
            }
        }
    }
    Some(QrPath {
        size: n + 2 * QUIET,
        path,
    })
}

/// Appends a small non-negative number (at most 3 digits: a QR code has at most 177 modules).
fn push_number(out: &mut String, n: i32) {
    for div in [100, 10] {
        if n >= div {
            out.push(char::from(b'0' + ((n / div) % 10) as u8));
        }
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_links_and_refuses_huge_text() {
        let short = qr_path("https://amzn.to/x").unwrap();
        // 17 bytes need version 2 (25 modules) at medium error correction.
        assert_eq!(short.size, 25 + 8);
        let squares = short.path.matches('M').count();
        assert!(squares > 150 && squares < 25 * 25);
        assert!(qr_path(&"x".repeat(5000)).is_none());
        assert!(short.path.starts_with("M4 4h1v1h-1z"));
        let mut n = String::new();
        for i in [0, 7, 10, 99, 100, 185] {
            push_number(&mut n, i);
            n.push(',');
        }
        assert_eq!(n, "0,7,10,99,100,185,");
    }
}
