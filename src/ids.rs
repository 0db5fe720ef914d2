//! Validated identifiers: product ASINs and Associates tracking IDs.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::marketplace::Marketplace;

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
        let bytes: [u8; 10] = s.as_bytes().try_into().ok()?;
        let up = bytes.map(|b| b.to_ascii_uppercase());
        let valid = if up[0] == b'B' {
            up.iter().all(u8::is_ascii_alphanumeric)
        } else {
            is_isbn10(&up)
        };
        valid.then_some(Asin(up))
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
        if !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
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

    #[test]
    fn asin_shapes() {
        assert!(Asin::parse("B000000000").is_some());
        assert!(Asin::parse("B0-0000000").is_none());
        assert!(Asin::parse("B00000000").is_none());
        assert!(Asin::parse("A000000000").is_none());
        assert!(Asin::parse("080442957X").is_some());
        assert!(Asin::parse("080442957x").is_some());
        assert!(Asin::parse("B0000000é").is_none());
        for spelled in ["b08n5wrwnw", "B08N5WRWNW"] {
            let mut out = String::from("/dp/");
            Asin::parse(spelled).unwrap().push_to(&mut out, spelled);
            assert_eq!(out, "/dp/B08N5WRWNW");
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
