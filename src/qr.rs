//! QR codes for generated links, as an SVG path (one `M x y h1 v1 h-1 z` square per dark module).

use qrcodegen::{QrCode, QrCodeEcc};
use serde::Serialize;

/// A QR code drawn as an SVG path in a `size` × `size` box, quiet zone included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QrPath {
    pub size: i32,
    pub path: String,
}

/// Width of the quiet zone around the code, in modules (the standard asks for 4).
const QUIET: i32 = 4;

/// Encodes `text` with medium error correction. `None` when it is too long for a QR code.
///
/// ```
/// let qr = linkscope::qr::qr_path("https://www.amazon.de/dp/B08N5WRWNW?tag=me-21").unwrap();
/// assert!(qr.size > 21 && qr.path.starts_with('M'));
/// ```
pub fn qr_path(text: &str) -> Option<QrPath> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let n = code.size();
    let mut path = String::new();
    for y in 0..n {
        for x in 0..n {
            if code.get_module(x, y) {
                path.push_str(&format!("M{} {}h1v1h-1z", x + QUIET, y + QUIET));
            }
        }
    }
    Some(QrPath {
        size: n + 2 * QUIET,
        path,
    })
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
    }
}
