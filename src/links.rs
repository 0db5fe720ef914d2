//! Coverage (where the user earns) and generation of tagged, localized links.

use std::fmt;

use serde::Serialize;
use url::Url;

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
    /// No tracking ID earns in this marketplace.
    NotCovered(&'static Marketplace),
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
                "no tracking ID for {}: add one in the options, or enable OneLink for it",
                m.domain
            ),
        }
    }
}

impl std::error::Error for LinkError {}

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

/// A product to make links for: its ASIN and the parameters worth carrying along.
struct Product {
    asin: Asin,
    source: Option<&'static Marketplace>,
    extra: Vec<(String, String)>,
}

fn product(input: &str, profile: &Profile) -> Result<Product, LinkError> {
    match Asin::parse(input) {
        Some(asin) => Ok(Product {
            asin,
            source: None,
            extra: Vec::new(),
        }),
        None => product_of(&classify(input), profile),
    }
}

/// The product a classified link names.
fn product_of(link: &Link, profile: &Profile) -> Result<Product, LinkError> {
    let asin = match (link.kind, link.asin) {
        (Kind::NotAmazon, _) => return Err(LinkError::NotAmazon),
        (_, Some(asin)) => asin,
        (Kind::Short, None) => return Err(LinkError::Short),
        (Kind::Product, None) => return Err(LinkError::InvalidAsin),
        _ => return Err(LinkError::NotAProduct),
    };
    Ok(Product {
        asin,
        source: link.marketplace,
        extra: kept_params(link, profile),
    })
}

/// The parameters of a classified link that the preferences keep: `ascsubtag`, `th`, `psc`.
fn kept_params(link: &Link, profile: &Profile) -> Vec<(String, String)> {
    let Some(url) = link.clean.as_deref().and_then(|c| Url::parse(c).ok()) else {
        return Vec::new();
    };
    let prefs = &profile.preferences;
    url.query_pairs()
        .filter(|(name, _)| match &**name {
            "ascsubtag" => prefs.keep_subtag,
            "th" | "psc" => prefs.keep_variant,
            _ => false,
        })
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect()
}

fn product_link(
    profile: &Profile,
    m: &'static Marketplace,
    asin: Asin,
    extra: &[(String, String)],
) -> GeneratedLink {
    let coverage = profile.coverage(m);
    let (store, id) = match coverage {
        Coverage::Direct => (m, profile.tracking_id(m)),
        Coverage::Onelink => (profile.home, profile.tracking_id(profile.home)),
        Coverage::None => (m, None),
    };
    let mut url = format!("{}/dp/{asin}", store.origin());
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(id) = id {
        query.append_pair("tag", id.as_str());
    }
    for (name, value) in extra {
        query.append_pair(name, value);
    }
    let query = query.finish();
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
    let p = product(input.trim(), profile)?;
    let mut links: Vec<GeneratedLink> = MARKETPLACES
        .iter()
        .map(|m| product_link(profile, m, p.asin, &p.extra))
        .collect();
    let home = profile.home.domain;
    links.sort_by_key(|l| (l.marketplace != home, l.coverage, l.marketplace));
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
    let input = input.trim();
    let p = match Asin::parse(input) {
        Some(_) => product(input, profile)?,
        None => {
            let link = classify(input);
            if link.is_amazon() && !matches!(link.kind, Kind::Product | Kind::Short) {
                return page_link(profile, &link, target);
            }
            product_of(&link, profile)?
        }
    };
    let target = target.unwrap_or(match profile.preferences.copy_target {
        CopyTarget::Link => p.source.unwrap_or(profile.home),
        CopyTarget::Home => profile.home,
    });
    if profile.coverage(target) == Coverage::None {
        return Err(LinkError::NotCovered(target));
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
    let id = profile.tracking_id(own).ok_or(LinkError::NotCovered(own))?;
    let mut url = Url::parse(clean).map_err(|_| LinkError::NotAmazon)?;
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(n, _)| n != "tag")
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair("tag", id.as_str());
    Ok(GeneratedLink {
        marketplace: own.domain,
        country: own.country,
        label: own.label(),
        coverage: Coverage::Direct,
        tracking_id: Some(id.to_string()),
        url: url.into(),
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
            Format::Json => serde_json::to_string(self).unwrap_or_default(),
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
