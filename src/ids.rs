//! Validated identifiers: product ASINs and Associates tracking IDs.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::marketplace::Marketplace;
use crate::words::{all_words, bytes_in, HIGH};

/// An Amazon Standard Identification Number: `B` followed by nine letters or digits, or an
/// ISBN-10 (nine digits and a check digit that may be `X`). Always upper-case.
///
/// ```
/// use linkscope::Asin;
/// assert_eq!(Asin::parse("b08n5wrwnw").unwrap().as_str(), "B08N5WRWNW");
/// assert!(Asin::parse("0596007124").is_some()); // an ISBN-10
/// assert!(Asin::parse("0596007125").is_none()); // wrong check digit
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Asin([u8; 10]);

impl Asin {
    /// Parses an ASIN, accepting lower case. Returns `None` for anything else.
    pub fn parse(s: &str) -> Option<Asin> {
        // Native builds are built for speed, the .wasm for size: there the word tests cost
        // 0.4 KB gzipped (issue 11), and bytes are tested one by one.
        if cfg!(target_arch = "wasm32") {
            Self::parse_bytes(s)
        } else {
            Self::parse_words(s)
        }
    }

    /// [`Asin::parse`], a byte at a time.
    fn parse_bytes(s: &str) -> Option<Asin> {
        let bytes: [u8; 10] = s.as_bytes().try_into().ok()?;
        let up = bytes.map(|b| b.to_ascii_uppercase());
        let valid = if up[0] == b'B' {
            up.iter().all(u8::is_ascii_alphanumeric)
        } else {
            is_isbn10(&up)
        };
        valid.then_some(Asin(up))
    }

    /// [`Asin::parse`], eight bytes at a time.
    fn parse_words(s: &str) -> Option<Asin> {
        let [b0, b1, b2, b3, b4, b5, b6, b7, b8, b9] = *<&[u8; 10]>::try_from(s.as_bytes()).ok()?;
        // The ten bytes as two words, eight and two (the rest of the second filled with `0`,
        // which passes every test), tested and upper-cased eight at a time.
        let words = [
            u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7]),
            u64::from_le_bytes([b8, b9, b'0', b'0', b'0', b'0', b'0', b'0']),
        ];
        if (words[0] | words[1]) & HIGH != 0 {
            return None;
        }
        let up = words.map(|w| w - (bytes_in(w, b'a', b'z') >> 2));
        let mut asin = [0; 10];
        asin[..8].copy_from_slice(&up[0].to_le_bytes());
        asin[8..].copy_from_slice(&up[1].to_le_bytes()[..2]);
        let alnum = |w: u64| bytes_in(w, b'0', b'9') | bytes_in(w, b'A', b'Z');
        let valid = if asin[0] == b'B' {
            alnum(up[0]) & alnum(up[1]) == HIGH
        } else {
            is_isbn10(&asin)
        };
        valid.then_some(Asin(asin))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII bytes are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Appends the ASIN to `out`, as `out.push_str(self.as_str())` does; `spelled` is the text
    /// it was parsed from, copied as it is when it is already the ASIN (upper case) rather than
    /// checking the ASIN's bytes again.
    pub fn push_to(&self, out: &mut String, spelled: &str) {
        if spelled.as_bytes() == self.0 {
            out.push_str(spelled);
        } else {
            out.push_str(self.as_str());
        }
    }
}

/// Whether `b` may be in a tracking ID: an ASCII letter or digit, `-` or `_`.
fn is_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Whether every byte of `w` [`is_id_byte`], tested together.
fn id_word(w: u64) -> bool {
    if w & HIGH != 0 {
        return false;
    }
    let allowed = bytes_in(w, b'0', b'9')
        | bytes_in(w, b'A', b'Z')
        | bytes_in(w, b'a', b'z')
        | bytes_in(w, b'-', b'-')
        | bytes_in(w, b'_', b'_');
    allowed == HIGH
}

fn is_isbn10(d: &[u8; 10]) -> bool {
    if !d[..9].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let check = match d[9] {
        b'X' => 10,
        b @ b'0'..=b'9' => u32::from(b - b'0'),
        _ => return false,
    };
    let sum: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(i, &b)| (10 - i as u32) * u32::from(b - b'0'))
        .sum();
    (sum + check) % 11 == 0
}

impl fmt::Display for Asin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Asin {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Longest tracking ID accepted. Amazon's own are far shorter; this only bounds garbage.
const MAX_TRACKING_ID: usize = 64;

/// A syntactically valid Associates tracking ID such as `mysite-20`.
///
/// ```
/// use linkscope::TrackingId;
/// assert!(TrackingId::parse("mysite-20").is_ok());
/// assert_eq!(TrackingId::parse("").unwrap_err().to_string(), "tracking ID is empty");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct TrackingId(String);

impl TrackingId {
    /// Checks the characters and length. The suffix is not checked here: see
    /// [`TrackingId::suffix_warning`].
    pub fn parse(s: &str) -> Result<TrackingId, IdError> {
        Self::check(s).map(|()| TrackingId(s.to_owned()))
    }

    /// What [`TrackingId::parse`] says of `s`, without keeping it.
    pub fn check(s: &str) -> Result<(), IdError> {
        if s.is_empty() {
            return Err(IdError::Empty);
        }
        if s.len() > MAX_TRACKING_ID {
            return Err(IdError::TooLong);
        }
        // As in `Asin::parse`: eight bytes at a time natively, one at a time in the .wasm.
        let valid = if cfg!(target_arch = "wasm32") {
            s.bytes().all(is_id_byte)
        } else {
            all_words(s.as_bytes(), id_word)
        };
        if !valid {
            return Err(IdError::Characters);
        }
        Ok(())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A warning when the ID does not end the way IDs of `marketplace` usually do, e.g. a `-20`
    /// ID for amazon.de (usually `-21`). `None` when it fits or no suffix is known.
    pub fn suffix_warning(&self, marketplace: &Marketplace) -> Option<String> {
        let expected = marketplace.tag_suffix?;
        if self.0.ends_with(expected) {
            return None;
        }
        Some(format!(
            "{} tracking IDs usually end in {expected}; check that {} is the ID for {}",
            marketplace.domain, self.0, marketplace.name
        ))
    }
}

/// Why a text is not a tracking ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdError {
    Empty,
    TooLong,
    Characters,
}

impl IdError {
    /// A stable name for the error, which the extension's translations are keyed by.
    pub fn code(self) -> &'static str {
        match self {
            IdError::Empty => "idEmpty",
            IdError::TooLong => "idTooLong",
            IdError::Characters => "idCharacters",
        }
    }
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdError::Empty => "tracking ID is empty",
            IdError::TooLong => "tracking ID is longer than 64 characters",
            IdError::Characters => "tracking ID may contain only letters, digits, '-' and '_'",
        })
    }
}

impl fmt::Display for TrackingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word tests agree with the byte tests they stand for, for every byte in every place.
    #[test]
    fn asins_are_read_as_bytes_would_be() {
        for place in 0..10 {
            for byte in 0..=255u8 {
                let mut b = *b"B08N5WRWNW";
                b[place] = byte;
                let mut isbn = *b"080442957X";
                isbn[place] = byte;
                for input in [b, isbn] {
                    // Non-ASCII text is in `asin_shapes`.
                    let Ok(text) = std::str::from_utf8(&input) else {
                        continue;
                    };
                    assert_eq!(Asin::parse_words(text), Asin::parse_bytes(text), "{text:?}");
                }
            }
        }
        assert_eq!(
            bytes_in(u64::from_le_bytes(*b"/09:@AZ["), b'0', b'9'),
            0x8080 << 8
        );
    }

    #[test]
    fn asin_shapes() {
        assert!(Asin::parse("B000000000").is_some());
        assert!(Asin::parse("B0-0000000").is_none());
        assert!(Asin::parse("B00000000").is_none());
        assert!(Asin::parse("A000000000").is_none());
        assert!(Asin::parse("080442957X").is_some());
        assert!(Asin::parse("080442957x").is_some());
        assert!(Asin::parse("B0000000é").is_none());
        assert!(Asin::parse_words("B0000000é").is_none());
        assert!(Asin::parse_words("08044295é").is_none());
        for spelled in ["b08n5wrwnw", "B08N5WRWNW"] {
            let mut out = String::from("/dp/");
            Asin::parse(spelled).unwrap().push_to(&mut out, spelled);
            assert_eq!(out, "/dp/B08N5WRWNW");
        }
    }

    #[test]
    fn tracking_id_bytes_are_tested_as_one_by_one() {
        for len in 1..=17 {
            for place in 0..len {
                for byte in 0..=255u8 {
                    let mut b = vec![b'a'; len];
                    b[place] = byte;
                    let one_by_one = b.iter().copied().all(is_id_byte);
                    assert_eq!(all_words(&b, id_word), one_by_one, "{b:?}");
                }
            }
        }
    }

    #[test]
    fn tracking_id_rules() {
        assert!(TrackingId::parse("a").is_ok());
        assert!(TrackingId::parse("my site-20").is_err());
        assert!(TrackingId::parse(&"a".repeat(65)).is_err());
        let de = Marketplace::by_domain("amazon.de").unwrap();
        let us_id = TrackingId::parse("abc-20").unwrap();
        assert!(us_id.suffix_warning(de).unwrap().contains("-21"));
        assert!(TrackingId::parse("abc-21")
            .unwrap()
            .suffix_warning(de)
            .is_none());
        let be = Marketplace::by_domain("amazon.com.be").unwrap();
        assert!(us_id.suffix_warning(be).is_none());
    }
}
