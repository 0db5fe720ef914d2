//! Coverage (where the user earns) and generation of tagged, localized links.

use std::fmt;

use serde::Serialize;

use crate::classify::{classify, Kind, Link};
use crate::ids::Asin;
use crate::marketplace::{Marketplace, MARKETPLACES};
use crate::profile::{CopyTarget, Profile};

/// How the user earns in a marketplace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Coverage {
    /// The user has a tracking ID there.
    Direct,
    /// Linked to the home store through OneLink: home-store links are redirected and credited.
    Onelink,
    /// No earnings there.
    None,
}

impl Coverage {
    pub fn as_str(self) -> &'static str {
        match self {
            Coverage::Direct => "direct",
            Coverage::Onelink => "onelink",
            Coverage::None => "none",
        }
    }
}

impl Profile {
    /// Whether enabling OneLink for `m` would let the home tracking ID earn there: not on the
    /// home store itself, and from amazon.com only where the table says OneLink links it.
    pub fn onelink_could_cover(&self, m: &'static Marketplace) -> bool {
        m != self.home && (self.home.domain != "amazon.com" || m.onelink_from_us)
    }

    /// The coverage of one marketplace.
    pub fn coverage(&self, m: &'static Marketplace) -> Coverage {
        if self.tracking_id(m).is_some() {
            Coverage::Direct
        } else if self.one_link.contains(&m) && self.tracking_id(self.home).is_some() {
            Coverage::Onelink
        } else {
            Coverage::None
        }
    }
}

/// One row of the coverage view.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CoverageRow {
    pub marketplace: &'static str,
    pub country: &'static str,
    pub name: &'static str,
    pub coverage: Coverage,
    /// The ID that earns there: the marketplace's own, or the home one through OneLink.
    pub tracking_id: Option<String>,
    pub home: bool,
}

/// Coverage of every marketplace, in table order.
pub fn coverage(profile: &Profile) -> Vec<CoverageRow> {
    MARKETPLACES
        .iter()
        .map(|m| {
            let coverage = profile.coverage(m);
            let earning = match coverage {
                Coverage::Direct => profile.tracking_id(m),
                Coverage::Onelink => profile.tracking_id(profile.home),
                Coverage::None => None,
            };
            CoverageRow {
                marketplace: m.domain,
                country: m.country,
                name: m.name,
                coverage,
                tracking_id: earning.map(|id| id.to_string()),
                home: m == profile.home,
            }
        })
        .collect()
}

/// A link that cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkError {
    /// Neither an ASIN nor an Amazon link.
    NotAmazon,
    /// An Amazon link with no product to localize.
    NotAProduct,
    /// A short link: its target is unknown without following it.
    Short,
    /// A product link whose ASIN is missing or invalid.
    InvalidAsin,
    /// No tracking ID earns in this marketplace; OneLink could, if the user enabled it there.
    NotCovered(&'static Marketplace),
    /// No tracking ID earns in this marketplace, and OneLink cannot: only an ID of its own will
    /// do (OneLink does not link the home store there, or the page is not a product).
    NeedsTrackingId(&'static Marketplace),
    /// An ISBN-13 whose check digit does not fit.
    InvalidIsbn,
    /// An ISBN-13 starting with 979: it has no ISBN-10, so it is no ASIN.
    NoIsbn10,
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::NotAmazon => f.write_str("not an Amazon link or ASIN"),
            LinkError::NotAProduct => {
                f.write_str("only product links can be made for other marketplaces")
            }
            LinkError::Short => f.write_str(
                "short links hide their product: open the link and copy from the product page",
            ),
            LinkError::InvalidAsin => f.write_str("the product ID (ASIN) is missing or invalid"),
            LinkError::NotCovered(m) => write!(
                f,
                "no tracking ID for {}: add one to the profile, or enable OneLink for it",
                m.domain
            ),
            LinkError::NeedsTrackingId(m) => {
                write!(f, "no tracking ID for {}: add one to the profile", m.domain)
            }
            LinkError::InvalidIsbn => {
                f.write_str("not a valid ISBN-13: the check digit does not fit")
            }
            LinkError::NoIsbn10 => f.write_str(
                "an ISBN-13 starting with 979 has no ISBN-10, so Amazon has no ASIN for it: \
                 search for the book on Amazon and paste the product link",
            ),
        }
    }
}

impl std::error::Error for LinkError {}

impl LinkError {
    /// A stable name for the error, which the extension's translations are keyed by (its
    /// English text is the [`fmt::Display`] form).
    pub fn code(&self) -> &'static str {
        match self {
            LinkError::NotAmazon => "notAmazon",
            LinkError::NotAProduct => "notAProduct",
            LinkError::Short => "short",
            LinkError::InvalidAsin => "invalidAsin",
            LinkError::NotCovered(_) => "notCovered",
            LinkError::NeedsTrackingId(_) => "needsTrackingId",
            LinkError::InvalidIsbn => "invalidIsbn",
            LinkError::NoIsbn10 => "noIsbn10",
        }
    }

    /// The marketplace the error is about, if any.
    pub fn marketplace(&self) -> Option<&'static Marketplace> {
        match self {
            LinkError::NotCovered(m) | LinkError::NeedsTrackingId(m) => Some(m),
            _ => None,
        }
    }
}

/// A generated link for one marketplace. Serialized with its Markdown and HTML forms too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedLink {
    pub marketplace: &'static str,
    pub country: &'static str,
    /// `Amazon.de`: the text of Markdown and HTML links.
    pub label: String,
    pub coverage: Coverage,
    pub tracking_id: Option<String>,
    pub url: String,
    /// True for a OneLink marketplace: the link goes to the home store, which redirects.
    pub redirected: bool,
}

impl Serialize for GeneratedLink {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("GeneratedLink", 9)?;
        st.serialize_field("marketplace", self.marketplace)?;
        st.serialize_field("country", self.country)?;
        st.serialize_field("label", &self.label)?;
        st.serialize_field("coverage", &self.coverage)?;
        st.serialize_field("trackingId", &self.tracking_id)?;
        st.serialize_field("url", &self.url)?;
        st.serialize_field("redirected", &self.redirected)?;
        st.serialize_field("markdown", &self.format(Format::Markdown))?;
        st.serialize_field("html", &self.format(Format::Html))?;
        st.end()
    }
}

/// A product to make links for: its ASIN and the parameters worth carrying along (a query
/// string without its `?`, empty when none).
struct Product {
    asin: Asin,
    source: Option<&'static Marketplace>,
    extra: String,
}

/// What a user typed or pasted, read the forgiving way: an ASIN, an ISBN-13 (978…, the book's
/// ISBN-10 is its ASIN), or a link, with or without `https://` (`amazon.de/dp/…`).
enum Input {
    Asin(Asin),
    Link(Link),
}

fn read_input(input: &str) -> Result<Input, LinkError> {
    let input = input.trim();
    if let Some(asin) = Asin::parse(input) {
        return Ok(Input::Asin(asin));
    }
    if let Some(asin) = isbn13_asin(input) {
        return asin.map(Input::Asin);
    }
    let link = classify(input);
    if !link.is_amazon() && !input.contains("://") {
        // A protocol-relative link (`//www.amazon.de/dp/…`, as pages write them) is https,
        // as the audit reads it; a bare host (`amazon.de/dp/…`) too.
        let host_on = input.strip_prefix("//").unwrap_or(input);
        let with_scheme = classify(&format!("https://{host_on}"));
        if with_scheme.is_amazon() {
            return Ok(Input::Link(with_scheme));
        }
    }
    Ok(Input::Link(link))
}

/// `None` when `input` is not an ISBN-13 (13 digits starting 978 or 979, hyphens and spaces
/// allowed); else the ASIN of its ISBN-10, or why there is none.
fn isbn13_asin(input: &str) -> Option<Result<Asin, LinkError>> {
    if !input
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'-' || b == b' ')
    {
        return None;
    }
    let digits: Vec<u8> = input
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    if digits.len() != 13 || !(digits.starts_with(&[9, 7, 8]) || digits.starts_with(&[9, 7, 9])) {
        return None;
    }
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, &d)| u32::from(d) * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    if sum % 10 != 0 {
        return Some(Err(LinkError::InvalidIsbn));
    }
    if digits[2] == 9 {
        return Some(Err(LinkError::NoIsbn10));
    }
    let body = &digits[3..12];
    let weighted: u32 = body
        .iter()
        .zip((2..=10).rev())
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    let check = match (11 - weighted % 11) % 11 {
        10 => 'X',
        d => char::from(b'0' + d as u8),
    };
    let isbn10: String = body
        .iter()
        .map(|&d| char::from(b'0' + d))
        .chain([check])
        .collect();
    Some(Asin::parse(&isbn10).ok_or(LinkError::InvalidAsin))
}

fn product(input: Input, profile: &Profile) -> Result<Product, LinkError> {
    match input {
        Input::Asin(asin) => Ok(Product {
            asin,
            source: None,
            extra: String::new(),
        }),
        Input::Link(link) => product_of(&link, profile),
    }
}

/// The product a classified link names.
fn product_of(link: &Link, profile: &Profile) -> Result<Product, LinkError> {
    Ok(Product {
        asin: asin_of(link)?,
        source: link.marketplace,
        extra: kept_params(link, profile),
    })
}

fn asin_of(link: &Link) -> Result<Asin, LinkError> {
    match (link.kind, link.asin) {
        (Kind::NotAmazon, _) => Err(LinkError::NotAmazon),
        (_, Some(asin)) => Ok(asin),
        (Kind::Short, None) => Err(LinkError::Short),
        (Kind::Product, None) => Err(LinkError::InvalidAsin),
        _ => Err(LinkError::NotAProduct),
    }
}

/// The product that `input` (an ASIN, ISBN-13 or product link, as [`generate`] reads it)
/// names, and the marketplace of its link, if any.
///
/// ```
/// use linkscope::links::product_id;
/// let p = product_id("amazon.de/dp/B08N5WRWNW").unwrap();
/// assert_eq!((p.asin.as_str(), p.marketplace.unwrap().domain), ("B08N5WRWNW", "amazon.de"));
/// assert_eq!(product_id("978-0-596-00712-6").unwrap().asin.as_str(), "0596007124");
/// // Protocol-relative, as pages write links:
/// let p = product_id("//www.amazon.co.jp/gp/product/1856177076/ref=x").unwrap();
/// assert_eq!((p.asin.as_str(), p.marketplace.unwrap().domain), ("1856177076", "amazon.co.jp"));
/// ```
pub fn product_id(input: &str) -> Result<ProductId, LinkError> {
    Ok(match read_input(input)? {
        Input::Asin(asin) => ProductId {
            asin,
            marketplace: None,
        },
        Input::Link(link) => ProductId {
            asin: asin_of(&link)?,
            marketplace: link.marketplace,
        },
    })
}

/// A product's ASIN and the marketplace its link was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProductId {
    pub asin: Asin,
    pub marketplace: Option<&'static Marketplace>,
}

/// Whether a link's `ascsubtag` is carried into the user's link: only when the preference says
/// so and the link carries one of the user's own tracking IDs. A sub-tag beside someone else's
/// tag (or beside no tag) is theirs, never the user's.
fn keeps_subtag(link: &Link, profile: &Profile) -> bool {
    profile.preferences.keep_subtag
        && link
            .tag
            .as_deref()
            .is_some_and(|tag| profile.tracking_ids().any(|(_, id)| id.as_str() == tag))
}

/// A classified link's `clean` URL split before its query: the page, and the query without its
/// `?` (empty when none).
fn split_query(clean: &str) -> (&str, &str) {
    clean.split_once('?').unwrap_or((clean, ""))
}

/// The pairs of a query as written. The classifier writes a clean link's query form-encoded,
/// as `form_urlencoded` would (tests/never_panics.rs checks it), so names are compared and
/// pairs carried over as they are, without decoding them and encoding them again.
fn pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
}

/// Appends the pairs to a query string, each after a `&` unless it is the first.
fn push_pairs<'a>(query: &mut String, pairs: impl Iterator<Item = (&'a str, &'a str)>) {
    for (name, value) in pairs {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(name);
        query.push('=');
        query.push_str(value);
    }
}

/// The parameters of a classified link that the preferences keep: `ascsubtag`, `th`, `psc`.
fn kept_params(link: &Link, profile: &Profile) -> String {
    let prefs = &profile.preferences;
    let subtag = keeps_subtag(link, profile);
    let query = split_query(link.clean.as_deref().unwrap_or("")).1;
    let kept = pairs(query).filter(|(name, _)| match *name {
        "ascsubtag" => subtag,
        "th" | "psc" => prefs.keep_variant,
        _ => false,
    });
    let mut query = String::new();
    push_pairs(&mut query, kept);
    query
}

fn product_link(
    profile: &Profile,
    m: &'static Marketplace,
    asin: Asin,
    extra: &str,
) -> GeneratedLink {
    let coverage = profile.coverage(m);
    let (store, id) = match coverage {
        Coverage::Direct => (m, profile.tracking_id(m)),
        Coverage::Onelink => (profile.home, profile.tracking_id(profile.home)),
        Coverage::None => (m, None),
    };
    let mut url = store.origin();
    url.push_str("/dp/");
    url.push_str(asin.as_str());
    // A tracking ID has only letters, digits, `-` and `_`: form-encoded as it is.
    let mut query = String::new();
    push_pairs(&mut query, id.map(|id| ("tag", id.as_str())).into_iter());
    push_pairs(&mut query, pairs(extra));
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query);
    }
    GeneratedLink {
        marketplace: m.domain,
        country: m.country,
        label: m.label(),
        coverage,
        tracking_id: id.map(|id| id.to_string()),
        url,
        redirected: coverage == Coverage::Onelink,
    }
}

/// Tagged links for one product (an ASIN or any Amazon product URL) in every marketplace: the
/// home store first, then direct, OneLink and uncovered marketplaces, each by domain.
///
/// ```
/// use linkscope::{generate, Coverage, Profile};
/// let p = Profile::from_json(r#"{"version":1,"home":"amazon.com",
///     "trackingIds":{"amazon.com":"abc-20","amazon.de":"abc0b-21"},"oneLink":["amazon.co.uk"]}"#).unwrap();
/// let links = generate(&p, "https://www.amazon.com/dp/B08N5WRWNW?th=1&linkCode=xx").unwrap();
/// assert_eq!(links[0].url, "https://www.amazon.com/dp/B08N5WRWNW?tag=abc-20&th=1");
/// assert_eq!(links[1].url, "https://www.amazon.de/dp/B08N5WRWNW?tag=abc0b-21&th=1");
/// assert_eq!(links[2].marketplace, "amazon.co.uk");
/// assert!(links[2].redirected);
/// assert_eq!(links[3].coverage, Coverage::None);
/// ```
pub fn generate(profile: &Profile, input: &str) -> Result<Vec<GeneratedLink>, LinkError> {
    let p = product(read_input(input)?, profile)?;
    let home = profile.home.domain;
    let order = |l: &GeneratedLink| (l.marketplace != home, l.coverage, l.marketplace);
    // Placed in order as they are made (a handful of rows): no sort routine in the .wasm.
    let mut links: Vec<GeneratedLink> = Vec::with_capacity(MARKETPLACES.len());
    for m in MARKETPLACES {
        let link = product_link(profile, m, p.asin, &p.extra);
        let at = links.partition_point(|l| order(l) <= order(&link));
        links.insert(at, link);
    }
    Ok(links)
}

/// The one link to copy for `input` (any Amazon link, or an ASIN): for `target`, or where the
/// preferences say (the link's own marketplace or the home one). Product links are localized;
/// other store pages (search, stores, lists) keep their page and get the tag.
///
/// ```
/// use linkscope::{affiliate_link, Profile};
/// let p = Profile::from_json(r#"{"version":1,"home":"amazon.com","trackingIds":{"amazon.com":"abc-20"}}"#).unwrap();
/// let l = affiliate_link(&p, "https://www.amazon.com/s?k=usb+c&tag=other-20&qid=5", None).unwrap();
/// assert_eq!(l.url, "https://www.amazon.com/s?k=usb+c&tag=abc-20");
/// ```
pub fn affiliate_link(
    profile: &Profile,
    input: &str,
    target: Option<&'static Marketplace>,
) -> Result<GeneratedLink, LinkError> {
    let p = match read_input(input)? {
        Input::Link(link)
            if link.is_amazon() && !matches!(link.kind, Kind::Product | Kind::Short) =>
        {
            return page_link(profile, &link, target);
        }
        input => product(input, profile)?,
    };
    let target = target.unwrap_or(match profile.preferences.copy_target {
        CopyTarget::Link => p.source.unwrap_or(profile.home),
        CopyTarget::Home => profile.home,
    });
    if profile.coverage(target) == Coverage::None {
        return Err(if profile.onelink_could_cover(target) {
            LinkError::NotCovered(target)
        } else {
            LinkError::NeedsTrackingId(target)
        });
    }
    Ok(product_link(profile, target, p.asin, &p.extra))
}

/// A store page that is not a product (search, store, list) with the user's tag for its own
/// marketplace in place of any other. Such pages cannot be localized, and OneLink does not
/// credit a home ID on another store's page, so only a direct tracking ID will do.
fn page_link(
    profile: &Profile,
    link: &Link,
    target: Option<&'static Marketplace>,
) -> Result<GeneratedLink, LinkError> {
    let (Some(own), Some(clean)) = (link.marketplace, link.clean.as_deref()) else {
        return Err(LinkError::NotAmazon);
    };
    if target.is_some_and(|t| t != own) {
        return Err(LinkError::NotAProduct);
    }
    let id = profile
        .tracking_id(own)
        .ok_or(LinkError::NeedsTrackingId(own))?;
    let subtag = keeps_subtag(link, profile);
    let (page, query) = split_query(clean);
    let kept = pairs(query).filter(|(n, _)| *n != "tag" && (*n != "ascsubtag" || subtag));
    let mut url = page.to_owned();
    url.push('?');
    let mut query = String::new();
    push_pairs(&mut query, kept.chain([("tag", id.as_str())]));
    url.push_str(&query);
    Ok(GeneratedLink {
        marketplace: own.domain,
        country: own.country,
        label: own.label(),
        coverage: Coverage::Direct,
        tracking_id: Some(id.to_string()),
        url,
        redirected: false,
    })
}

/// How generated links are written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Url,
    Markdown,
    Html,
    Json,
}

/// Text for HTML content and double- or single-quoted attribute values.
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A URL as a Markdown link destination: the characters that could end it or start a title,
/// an image or another link (brackets, parentheses, angle brackets, quotes, backslashes,
/// spaces and controls) percent-encoded, which leaves the address the same for a browser, and
/// an `&` that would read as a character reference (`&amp;`) written as `&amp;`.
fn markdown_destination(url: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(url.len());
    for (i, c) in url.char_indices() {
        match c {
            '&' if starts_reference(&url[i + 1..]) => out.push_str("&amp;"),
            c if "()[]<>\"'\\`".contains(c) || c.is_whitespace() || c.is_control() => {
                for b in c.encode_utf8(&mut [0; 4]).bytes() {
                    let _ = write!(out, "%{b:02X}");
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether the text after an `&` makes it a character reference (`amp;`, `#38;`, `#x26;`).
fn starts_reference(after: &str) -> bool {
    let name = after.len()
        - after
            .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '#')
            .len();
    name > 0 && after[name..].starts_with(';')
}

/// Text as Markdown link text: every ASCII punctuation character that Markdown (or HTML
/// inside it) could read as markup is backslash-escaped.
fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\[]()<>`*_!&#|~".contains(c) {
            out.push('\\');
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

impl GeneratedLink {
    /// The link written in `format`.
    ///
    /// ```
    /// use linkscope::{affiliate_link, Format, Profile};
    /// let p = Profile::from_json(r#"{"version":1,"home":"amazon.de","trackingIds":{"amazon.de":"me-21"}}"#).unwrap();
    /// let l = affiliate_link(&p, "B08N5WRWNW", None).unwrap();
    /// assert_eq!(l.format(Format::Markdown), "[Amazon.de](https://www.amazon.de/dp/B08N5WRWNW?tag=me-21)");
    /// assert_eq!(l.format(Format::Html),
    ///     r#"<a href="https://www.amazon.de/dp/B08N5WRWNW?tag=me-21" rel="sponsored nofollow">Amazon.de</a>"#);
    /// ```
    pub fn format(&self, format: Format) -> String {
        match format {
            Format::Url => self.url.clone(),
            Format::Markdown => format!(
                "[{}]({})",
                markdown_text(&self.label),
                markdown_destination(&self.url)
            ),
            Format::Html => format!(
                "<a href=\"{}\" rel=\"sponsored nofollow\">{}</a>",
                html_escape(&self.url),
                html_escape(&self.label)
            ),
            Format::Json => crate::json::to_string(self).unwrap_or_default(),
        }
    }
}

/// Several links written in `format`: one per line, or one JSON array.
pub fn format_links(links: &[GeneratedLink], format: Format) -> String {
    if format == Format::Json {
        return serde_json::to_string_pretty(links).unwrap_or_default();
    }
    links
        .iter()
        .map(|l| l.format(format))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(keep_subtag: bool) -> Profile {
        let mut p = Profile::from_json(
            r#"{"version":1,"home":"amazon.com",
                "trackingIds":{"amazon.com":"mine-20","amazon.de":"mine0b-21"}}"#,
        )
        .unwrap();
        p.preferences.keep_subtag = keep_subtag;
        p
    }

    #[test]
    fn a_rivals_subtag_is_never_carried_over() {
        let p = profile(true);
        let rival = "https://www.amazon.de/dp/B08N5WRWNW?tag=rival-21&ascsubtag=theirs";
        let link = affiliate_link(&p, rival, None).unwrap();
        assert_eq!(
            link.url,
            "https://www.amazon.de/dp/B08N5WRWNW?tag=mine0b-21"
        );
        let untagged = "https://www.amazon.de/dp/B08N5WRWNW?ascsubtag=unknown";
        assert!(!affiliate_link(&p, untagged, None)
            .unwrap()
            .url
            .contains("ascsubtag"));
        let search = "https://www.amazon.de/s?k=tee&tag=rival-21&ascsubtag=theirs";
        assert_eq!(
            affiliate_link(&p, search, None).unwrap().url,
            "https://www.amazon.de/s?k=tee&tag=mine0b-21"
        );
        for l in generate(&p, rival).unwrap() {
            assert!(!l.url.contains("ascsubtag"), "{}", l.url);
        }
    }

    #[test]
    fn the_users_own_subtag_is_kept_when_the_preference_says_so() {
        // One of the user's IDs, even another marketplace's: localizing keeps the sub-tag.
        let own = "https://www.amazon.com/dp/B08N5WRWNW?tag=mine-20&ascsubtag=post-7";
        let de = Marketplace::lookup("amazon.de");
        assert_eq!(
            affiliate_link(&profile(true), own, de).unwrap().url,
            "https://www.amazon.de/dp/B08N5WRWNW?tag=mine0b-21&ascsubtag=post-7"
        );
        let search = "https://www.amazon.de/s?k=tee&tag=mine0b-21&ascsubtag=post-7";
        assert_eq!(
            affiliate_link(&profile(true), search, None).unwrap().url,
            "https://www.amazon.de/s?k=tee&ascsubtag=post-7&tag=mine0b-21"
        );
        assert_eq!(
            affiliate_link(&profile(false), own, de).unwrap().url,
            "https://www.amazon.de/dp/B08N5WRWNW?tag=mine0b-21"
        );
    }

    #[test]
    fn links_without_a_scheme_are_read() {
        let p = profile(false);
        for input in [
            "amazon.de/dp/B08N5WRWNW",
            "www.amazon.de/Kettle/dp/B08N5WRWNW?th=1",
            "  amazon.de/gp/product/B08N5WRWNW ",
        ] {
            let id = product_id(input).unwrap();
            assert_eq!(id.asin.as_str(), "B08N5WRWNW", "{input}");
            assert_eq!(
                id.marketplace.map(|m| m.domain),
                Some("amazon.de"),
                "{input}"
            );
            assert!(affiliate_link(&p, input, None)
                .unwrap()
                .url
                .starts_with("https://www.amazon.de/dp/B08N5WRWNW?tag=mine0b-21"));
            assert_eq!(generate(&p, input).unwrap().len(), MARKETPLACES.len());
        }
        assert_eq!(
            product_id("amazon.com.evil.io/dp/B08N5WRWNW"),
            Err(LinkError::NotAmazon)
        );
        assert_eq!(
            product_id("example.com/dp/B08N5WRWNW"),
            Err(LinkError::NotAmazon)
        );
    }

    #[test]
    fn isbn_13_becomes_the_books_isbn_10() {
        for input in ["9780596007126", "978-0-596-00712-6", "978 0 596 00712 6"] {
            assert_eq!(
                product_id(input).unwrap().asin.as_str(),
                "0596007124",
                "{input}"
            );
        }
        // A check digit X in the ISBN-10.
        assert_eq!(
            product_id("9780306406157").unwrap().asin.as_str(),
            "0306406152"
        );
        assert_eq!(
            product_id("9780804429573").unwrap().asin.as_str(),
            "080442957X"
        );
        assert_eq!(product_id("9780596007127"), Err(LinkError::InvalidIsbn));
        assert_eq!(product_id("9791032305690"), Err(LinkError::NoIsbn10));
        assert!(LinkError::NoIsbn10.to_string().contains("979"));
        let p = profile(false);
        assert_eq!(
            affiliate_link(&p, "978-0-596-00712-6", None).unwrap().url,
            "https://www.amazon.com/dp/0596007124?tag=mine-20"
        );
        // Thirteen digits that are no ISBN stay what they were: not Amazon.
        assert_eq!(product_id("1234567890123"), Err(LinkError::NotAmazon));
    }
}
