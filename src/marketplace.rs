//! The marketplace table: every Amazon store with an Associates program, and the short-link hosts.
//!
//! This is the one place where marketplaces are described; the extension asks the core for it.
//!
//! Sources: the Product Advertising API locale reference (domains, marketplaces), Amazon's OneLink
//! resource page (which programs a US store ID can link), Associates help pages and public configs
//! (tag suffixes: published tables disagree, so a suffix is only a hint for a warning). Ireland
//! (amazon.ie) opened in 2025. Rows are sorted by domain; `tests/table.rs` guards that.

use serde::Serialize;

/// Where a marketplace belongs in Amazon's unified seller account regions (used for display).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Region {
    NorthAmerica,
    Europe,
    MiddleEast,
    FarEast,
    India,
}

/// One Amazon store with an Associates program.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Marketplace {
    /// Canonical domain without `www.`, e.g. `amazon.co.uk`.
    pub domain: &'static str,
    /// Other registrable domains that serve the same store, e.g. `amazon.jp`.
    pub alt_domains: &'static [&'static str],
    /// ISO 3166-1 alpha-2 code (`GB` for the United Kingdom).
    pub country: &'static str,
    /// Display name of the country.
    pub name: &'static str,
    /// ISO 4217 currency code.
    pub currency: &'static str,
    pub region: Region,
    /// The usual tracking ID suffix (`-20`, `-21`, `-22`), when one is known. A hint, never a rule.
    pub tag_suffix: Option<&'static str>,
    /// Whether a US store ID can earn here through OneLink.
    pub onelink_from_us: bool,
    /// Amazon's marketplace ID, which product pages name as `ue_mid = '…'` (live checks read it
    /// to tell which store answered). Source: the SP-API marketplace ID list; seen as `ue_mid` in
    /// saved pages for US, GB and ES only, the others unverified. Not serialized: only the core
    /// reads it.
    #[serde(skip)]
    pub ue_mid: &'static str,
    /// The store's default language (BCP 47), which a live check asks for in `Accept-Language`
    /// so the page comes in the language the core reads it in. Not serialized.
    #[serde(skip)]
    pub language: &'static str,
}

/// A host that serves shortened links.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShortHost {
    pub host: &'static str,
    /// The marketplace the link lands on when the host fixes it (`amzn.com` is amazon.com only).
    pub marketplace: Option<&'static str>,
}

macro_rules! row {
    ($domain:literal, [$($alt:literal),*], $country:literal, $name:literal, $currency:literal,
     $region:ident, $suffix:expr, $onelink:literal, $ue_mid:literal, $language:literal) => {
        Marketplace {
            domain: $domain,
            alt_domains: &[$($alt),*],
            country: $country,
            name: $name,
            currency: $currency,
            region: Region::$region,
            tag_suffix: $suffix,
            onelink_from_us: $onelink,
            ue_mid: $ue_mid,
            language: $language,
        }
    };
}

/// Every marketplace, sorted by domain.
#[rustfmt::skip]
pub static MARKETPLACES: &[Marketplace] = &[
    row!("amazon.ae",     [],            "AE", "United Arab Emirates", "AED", MiddleEast,   None,        false, "A2VIGQ35RCS4UG", "en-AE"),
    row!("amazon.ca",     [],            "CA", "Canada",               "CAD", NorthAmerica, Some("-20"), true,  "A2EUQ1WTGCTBG2", "en-CA"),
    row!("amazon.co.jp",  ["amazon.jp"], "JP", "Japan",                "JPY", FarEast,      Some("-22"), true,  "A1VC38T7YXB528", "ja-JP"),
    row!("amazon.co.uk",  [],            "GB", "United Kingdom",       "GBP", Europe,       Some("-21"), true,  "A1F83G8C2ARO7P", "en-GB"),
    row!("amazon.com",    [],            "US", "United States",        "USD", NorthAmerica, Some("-20"), false, "ATVPDKIKX0DER", "en-US"),
    row!("amazon.com.au", [],            "AU", "Australia",            "AUD", FarEast,      Some("-22"), true,  "A39IBJ37TRP1C6", "en-AU"),
    row!("amazon.com.be", [],            "BE", "Belgium",              "EUR", Europe,       None,        false, "AMEN7PMS3EDWL", "fr-BE"),
    row!("amazon.com.br", [],            "BR", "Brazil",               "BRL", NorthAmerica, None,        false, "A2Q3Y263D00KWC", "pt-BR"),
    row!("amazon.com.mx", [],            "MX", "Mexico",               "MXN", NorthAmerica, Some("-20"), false, "A1AM78C64UM0Y8", "es-MX"),
    row!("amazon.com.tr", [],            "TR", "Turkey",               "TRY", Europe,       None,        false, "A33AVAJ2PDY3EV", "tr-TR"),
    row!("amazon.de",     [],            "DE", "Germany",              "EUR", Europe,       Some("-21"), true,  "A1PA6795UKMFR9", "de-DE"),
    row!("amazon.eg",     [],            "EG", "Egypt",                "EGP", MiddleEast,   None,        false, "ARBP9OOSHTCHU", "ar-EG"),
    row!("amazon.es",     [],            "ES", "Spain",                "EUR", Europe,       Some("-21"), true,  "A1RKKUPIHCS9HS", "es-ES"),
    row!("amazon.fr",     [],            "FR", "France",               "EUR", Europe,       Some("-21"), true,  "A13V1IB3VIYZZH", "fr-FR"),
    row!("amazon.ie",     [],            "IE", "Ireland",              "EUR", Europe,       None,        false, "A28R8C7NBKEWEA", "en-IE"),
    row!("amazon.in",     [],            "IN", "India",                "INR", India,        Some("-21"), false, "A21TJRUUN4KGV", "en-IN"),
    row!("amazon.it",     [],            "IT", "Italy",                "EUR", Europe,       Some("-21"), true,  "APJ6JRA9NG5V4", "it-IT"),
    row!("amazon.nl",     [],            "NL", "Netherlands",          "EUR", Europe,       Some("-21"), true,  "A1805IZSGTT6HS", "nl-NL"),
    row!("amazon.pl",     [],            "PL", "Poland",               "PLN", Europe,       Some("-21"), true,  "A1C3SOZRARQ6R3", "pl-PL"),
    row!("amazon.sa",     [],            "SA", "Saudi Arabia",         "SAR", MiddleEast,   None,        false, "A17E79C6D8DWNP", "ar-SA"),
    row!("amazon.se",     [],            "SE", "Sweden",               "SEK", Europe,       Some("-21"), true,  "A2NODRKZP88ZB9", "sv-SE"),
    row!("amazon.sg",     [],            "SG", "Singapore",            "SGD", FarEast,      Some("-22"), true,  "A19VAU5U5O7RUS", "en-SG"),
];

/// Hosts of Amazon's link shorteners, sorted.
pub static SHORT_HOSTS: &[ShortHost] = &[
    ShortHost {
        host: "a.co",
        marketplace: None,
    },
    ShortHost {
        host: "amzn.asia",
        marketplace: None,
    },
    ShortHost {
        host: "amzn.com",
        marketplace: Some("amazon.com"),
    },
    ShortHost {
        host: "amzn.eu",
        marketplace: None,
    },
    ShortHost {
        host: "amzn.to",
        marketplace: None,
    },
];

// Rows are unique by domain (and host), so that is their identity.
impl PartialEq for Marketplace {
    fn eq(&self, other: &Self) -> bool {
        self.domain == other.domain
    }
}
impl Eq for Marketplace {}

impl PartialEq for ShortHost {
    fn eq(&self, other: &Self) -> bool {
        self.host == other.host
    }
}
impl Eq for ShortHost {}

/// Subdomains under which a marketplace domain serves its store.
const STORE_SUBDOMAINS: &[&str] = &["www.", "smile.", "m."];

/// How every store domain and alternate domain starts (a test below checks it).
const STORE_DOMAIN_START: &str = "amazon.";

/// The length of the longest short-link host.
const LONGEST_SHORT_HOST: usize = {
    let mut longest = 0;
    let mut i = 0;
    while i < SHORT_HOSTS.len() {
        if SHORT_HOSTS[i].host.len() > longest {
            longest = SHORT_HOSTS[i].host.len();
        }
        i += 1;
    }
    longest
};

/// What an exact host (already lower-case, as the `url` crate gives it) belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostMatch {
    Store(&'static Marketplace),
    Short(&'static ShortHost),
}

impl Marketplace {
    /// The marketplace whose canonical domain is `domain`.
    pub fn by_domain(domain: &str) -> Option<&'static Marketplace> {
        MARKETPLACES
            .binary_search_by(|m| m.domain.cmp(domain))
            .ok()
            .map(|i| &MARKETPLACES[i])
    }

    /// A marketplace named the way a person might name it: `amazon.de`, `www.amazon.de`, `DE`,
    /// `UK` (an alias of `GB`), or an alternate domain such as `amazon.jp`. Case-insensitive.
    pub fn lookup(name: &str) -> Option<&'static Marketplace> {
        let name = name.trim().to_ascii_lowercase();
        let name = name.strip_prefix("www.").unwrap_or(&name);
        if name == "uk" {
            return Marketplace::by_domain("amazon.co.uk");
        }
        MARKETPLACES.iter().find(|m| {
            m.domain == name
                || m.alt_domains.contains(&name)
                || m.country.eq_ignore_ascii_case(name)
        })
    }

    /// The index of this marketplace in [`MARKETPLACES`].
    pub fn index(&'static self) -> usize {
        // Rows are borrowed from the table: found by address first, without comparing strings.
        MARKETPLACES
            .iter()
            .position(|m| std::ptr::eq(m, self))
            .or_else(|| {
                MARKETPLACES
                    .binary_search_by(|m| m.domain.cmp(self.domain))
                    .ok()
            })
            .expect("marketplaces come from the table")
    }

    /// The store's address for `path`, e.g. `https://www.amazon.de/dp/B08N5WRWNW`.
    pub fn origin(&self) -> String {
        format!("https://www.{}", self.domain)
    }

    /// How the marketplace is named in link text: `Amazon.de`, `Amazon.co.uk`.
    pub fn label(&self) -> String {
        format!("A{}", &self.domain[1..])
    }
}

/// Matches a host exactly against the table. `amazon.com.evil.io`, `myamazon.com` and
/// `amazon.com.` lookalikes other than a single trailing root dot do not match.
pub fn match_host(host: &str) -> Option<HostMatch> {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.len() <= LONGEST_SHORT_HOST {
        if let Some(short) = SHORT_HOSTS.iter().find(|s| s.host == host) {
            return Some(HostMatch::Short(short));
        }
    }
    let domain = STORE_SUBDOMAINS
        .iter()
        .find_map(|sub| host.strip_prefix(sub))
        .unwrap_or(host);
    // Every store domain starts so: most hosts are told apart here, before any search.
    let suffix = domain.strip_prefix(STORE_DOMAIN_START)?;
    let key = domain_key(suffix.as_bytes())?;
    store_key(key).map(|&(_, i)| HostMatch::Store(&MARKETPLACES[usize::from(i)]))
}

/// How a store domain's key is found in [`STORE_KEYS`]. WebAssembly is built for size and
/// native code for speed, so each build has its own way: the wasm32 build searches the keys in
/// order ([`linear`]), native builds go through a perfect hash ([`perfect_hash`]), faster and
/// bigger (with the fast path's eight-bytes-at-once scan, 7.7 to 8.7 M links/s natively,
/// 2026-11-23, and about 0.5 KB more gzipped wasm, whose size budget has no room for it). The
/// native tests check both against each other.
#[cfg(target_arch = "wasm32")]
use linear::store_key;
#[cfg(not(target_arch = "wasm32"))]
use perfect_hash::store_key;

/// Store keys searched in order: the wasm32 build's way.
#[cfg(any(test, target_arch = "wasm32"))]
mod linear {
    use super::STORE_KEYS;

    /// The entry of [`STORE_KEYS`] with `key`.
    pub(super) fn store_key(key: u64) -> Option<&'static (u64, u8)> {
        STORE_KEYS.iter().find(|(k, _)| *k == key)
    }
}

/// Store keys found through a perfect hash built when compiling: native builds' way.
#[cfg(any(test, not(target_arch = "wasm32")))]
mod perfect_hash {
    use super::STORE_KEYS;

    /// The entry of [`STORE_KEYS`] with `key`: one multiplication and one comparison.
    pub(super) fn store_key(key: u64) -> Option<&'static (u64, u8)> {
        STORE_KEYS
            .get(usize::from(STORE_SLOTS[slot(key, STORE_HASH)]))
            .filter(|(k, _)| *k == key)
    }

    /// Where `key` goes in [`STORE_SLOTS`] for the multiplier `hash`: the top bits of their
    /// product.
    const fn slot(key: u64, hash: u64) -> usize {
        (key.wrapping_mul(hash) >> (64 - SLOT_BITS)) as usize
    }

    const SLOT_BITS: u32 = 6;
    /// An empty slot of [`STORE_SLOTS`].
    const EMPTY: u8 = u8::MAX;

    /// A multiplier that sends every key of [`STORE_KEYS`] to a slot of its own (a perfect
    /// hash), found when compiling.
    const STORE_HASH: u64 = {
        let mut hash = 0x9E37_79B9_7F4A_7C15u64;
        let mut tries = 0;
        loop {
            let mut used = [false; 1 << SLOT_BITS];
            let mut i = 0;
            while i < STORE_KEYS.len() && !used[slot(STORE_KEYS[i].0, hash)] {
                used[slot(STORE_KEYS[i].0, hash)] = true;
                i += 1;
            }
            if i == STORE_KEYS.len() {
                break hash;
            }
            tries += 1;
            assert!(tries < 10_000, "no perfect hash of the store domains");
            hash = hash.wrapping_add(0x6A09_E667_F3BC_C908) | 1;
        }
    };

    /// Where [`STORE_HASH`] places each of [`STORE_KEYS`]: its index there, or [`EMPTY`].
    static STORE_SLOTS: [u8; 1 << SLOT_BITS] = {
        assert!(STORE_KEYS.len() < EMPTY as usize);
        let mut slots = [EMPTY; 1 << SLOT_BITS];
        let mut i = 0;
        while i < STORE_KEYS.len() {
            slots[slot(STORE_KEYS[i].0, STORE_HASH)] = i as u8;
            i += 1;
        }
        slots
    };
}

/// What follows `amazon.` in a store domain as a number, for a search without string
/// comparisons: its bytes in order; `None` when longer than 8 (no store's is) or when it holds
/// a zero byte (which would read as the end of a shorter one).
const fn domain_key(suffix: &[u8]) -> Option<u64> {
    if suffix.len() > 8 {
        return None;
    }
    let mut key = 0u64;
    let mut i = 0;
    while i < suffix.len() {
        if suffix[i] == 0 {
            return None;
        }
        key |= (suffix[i] as u64) << (8 * i);
        i += 1;
    }
    Some(key)
}

/// The key of a store domain or alternate domain of the table (each starts with `amazon.`:
/// `every_store_and_alternate_domain_matches_itself` checks).
const fn table_key(domain: &str) -> u64 {
    let Some((_, suffix)) = domain.as_bytes().split_at_checked(STORE_DOMAIN_START.len()) else {
        panic!("a store domain is longer than `amazon.`");
    };
    match domain_key(suffix) {
        Some(key) => key,
        None => panic!("a store domain has at most 8 bytes after `amazon.`"),
    }
}

/// Every store domain and alternate domain as ([`domain_key`], row of [`MARKETPLACES`]), built
/// from the table when compiling.
static STORE_KEYS: [(u64, u8); STORE_DOMAINS] = {
    let mut keys = [(0, 0); STORE_DOMAINS];
    let (mut n, mut i) = (0, 0);
    while i < MARKETPLACES.len() {
        let m = &MARKETPLACES[i];
        keys[n] = (table_key(m.domain), i as u8);
        n += 1;
        let mut j = 0;
        while j < m.alt_domains.len() {
            keys[n] = (table_key(m.alt_domains[j]), i as u8);
            n += 1;
            j += 1;
        }
        i += 1;
    }
    keys
};

/// How many store domains and alternate domains the table has.
const STORE_DOMAINS: usize = {
    let (mut n, mut i) = (0, 0);
    while i < MARKETPLACES.len() {
        n += 1 + MARKETPLACES[i].alt_domains.len();
        i += 1;
    }
    n
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_match_exactly() {
        let store = |h| match match_host(h) {
            Some(HostMatch::Store(m)) => Some(m.domain),
            _ => None,
        };
        assert_eq!(store("www.amazon.co.uk"), Some("amazon.co.uk"));
        assert_eq!(store("smile.amazon.com"), Some("amazon.com"));
        assert_eq!(store("amazon.jp"), Some("amazon.co.jp"));
        assert_eq!(store("amazon.com."), Some("amazon.com"));
        assert_eq!(store("amazon.com.evil.io"), None);
        assert_eq!(store("myamazon.com"), None);
        assert_eq!(store("evil.www.amazon.com"), None);
        assert_eq!(store("aws.amazon.com"), None);
        assert_eq!(store("amazon.co"), None);
        assert_eq!(store("amazon.comm"), None);
        assert_eq!(store("amazon.com\0"), None);
        assert_eq!(store("amazon.com.auxxxx"), None);
        assert!(matches!(match_host("amzn.to"), Some(HostMatch::Short(_))));
        assert!(match_host("www.amzn.to").is_none());
    }

    #[test]
    fn every_store_and_alternate_domain_matches_itself() {
        for m in MARKETPLACES {
            for d in std::iter::once(&m.domain).chain(m.alt_domains) {
                assert!(d.starts_with(STORE_DOMAIN_START), "{d}");
                assert_eq!(match_host(d), Some(HostMatch::Store(m)));
                assert_eq!(match_host(&format!("m.{d}.")), Some(HostMatch::Store(m)));
            }
        }
        for s in SHORT_HOSTS {
            assert_eq!(match_host(s.host), Some(HostMatch::Short(s)));
        }
    }

    /// Both ways of finding a store key agree, on every key of the table and on every key
    /// one byte away from one (each byte of it set to each value: longer, shorter and
    /// different suffixes).
    #[test]
    fn perfect_hash_finds_what_the_search_in_order_finds() {
        for &(key, row) in &STORE_KEYS {
            let found = perfect_hash::store_key(key);
            assert_eq!(found, Some(&(key, row)), "{key:#x}");
            assert_eq!(linear::store_key(key), found);
            for place in 0..8 {
                for byte in 0..=255u64 {
                    let near = key & !(0xff << (8 * place)) | byte << (8 * place);
                    let found = linear::store_key(near);
                    assert_eq!(perfect_hash::store_key(near), found, "{near:#x}");
                    assert!(found.is_none_or(|&(k, _)| k == near), "{near:#x}");
                }
            }
        }
        for key in [0, 1, u64::MAX, table_key("amazon.com") << 8] {
            assert_eq!(perfect_hash::store_key(key), linear::store_key(key));
        }
    }

    #[test]
    fn lookup_accepts_common_names() {
        for name in [
            "amazon.co.uk",
            "www.amazon.co.uk",
            "GB",
            "uk",
            "Amazon.CO.UK",
        ] {
            assert_eq!(
                Marketplace::lookup(name).map(|m| m.domain),
                Some("amazon.co.uk")
            );
        }
        assert_eq!(
            Marketplace::lookup("amazon.jp").map(|m| m.domain),
            Some("amazon.co.jp")
        );
        assert!(Marketplace::lookup("amazon.zz").is_none());
        assert_eq!(
            Marketplace::by_domain("amazon.sg").unwrap().label(),
            "Amazon.sg"
        );
    }
}
