//! Classifying any string as an Amazon link (or not), with its marketplace, ASIN, tag and a clean
//! canonical URL. Classification never fails: whatever the input, it returns a [`Link`].

use std::borrow::Cow;
use std::ops::Range;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::clean::{is_noise, is_ref_segment};
use crate::http_url::{hex_byte, percent_decode, push_escape, HttpUrl};
use crate::ids::{Asin, TrackingId};
use crate::marketplace::{match_host, HostMatch, Marketplace, ShortHost};
use crate::words::{all_words, bytes_equal, word_at};

mod fast;

/// What kind of Amazon page a link points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Product,
    Search,
    Browse,
    Store,
    List,
    Short,
    Other,
    NotAmazon,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Product => "product",
            Kind::Search => "search",
            Kind::Browse => "browse",
            Kind::Store => "store",
            Kind::List => "list",
            Kind::Short => "short",
            Kind::Other => "other",
            Kind::NotAmazon => "notAmazon",
        }
    }
}

/// Why an Amazon link is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A product path whose ASIN is missing or not a valid ASIN.
    InvalidAsin,
    /// `tag=` with no value.
    EmptyTag,
    /// A tag with characters no tracking ID has.
    InvalidTag,
    /// Two different `tag` parameters: which one earns is up to Amazon.
    ConflictingTags,
}

impl Problem {
    pub fn as_str(self) -> &'static str {
        match self {
            Problem::InvalidAsin => "invalidAsin",
            Problem::EmptyTag => "emptyTag",
            Problem::InvalidTag => "invalidTag",
            Problem::ConflictingTags => "conflictingTags",
        }
    }

    /// What is wrong, for a person.
    pub fn message(self) -> &'static str {
        match self {
            Problem::InvalidAsin => "the product ID (ASIN) is missing or invalid",
            Problem::EmptyTag => "the tag parameter is empty",
            Problem::InvalidTag => "the tag is not a valid tracking ID",
            Problem::ConflictingTags => "the link carries two different tags",
        }
    }
}

/// Kinds and problems serialize as their names, written once (in `as_str`) rather than again by
/// a derive, which costs the .wasm a second match (issue 11: 48 B gzipped).
macro_rules! serialize_as_str {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    )*};
}

serialize_as_str!(Kind, Problem);

/// A classified link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub kind: Kind,
    /// The store the link lands on; `None` for other hosts and for short links whose target
    /// is unknown.
    pub marketplace: Option<&'static Marketplace>,
    pub asin: Option<Asin>,
    /// The tracking ID as found in the link (`tag` parameter or legacy path form).
    pub tag: Option<String>,
    /// The `ascsubtag` sub-tracking value.
    pub subtag: Option<String>,
    /// The link without tracking noise, on the canonical host, over https.
    pub clean: Option<String>,
    pub problem: Option<Problem>,
}

impl Link {
    pub fn is_amazon(&self) -> bool {
        self.kind != Kind::NotAmazon
    }
}

/// A classified link with its clean link written to a buffer of the caller's: what a [`Link`]
/// holds, given by [`Classifier::classify_into`] so that a batch of links is classified without
/// allocating a clean link each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: Kind,
    pub marketplace: Option<&'static Marketplace>,
    pub asin: Option<Asin>,
    pub tag: Option<String>,
    pub subtag: Option<String>,
    /// Where the clean link is in the buffer it was written to.
    pub clean: Option<Range<usize>>,
    pub problem: Option<Problem>,
}

impl Found {
    const NOT_AMAZON: Found = Found {
        kind: Kind::NotAmazon,
        marketplace: None,
        asin: None,
        tag: None,
        subtag: None,
        clean: None,
        problem: None,
    };

    pub fn is_amazon(&self) -> bool {
        self.kind != Kind::NotAmazon
    }

    /// The link, owning its text: the clean link taken out of `written`, the buffer it was
    /// written to, alone.
    fn into_link(self, mut written: String) -> Link {
        Link {
            kind: self.kind,
            marketplace: self.marketplace,
            asin: self.asin,
            tag: self.tag,
            subtag: self.subtag,
            clean: self.clean.map(|at| {
                debug_assert_eq!(at.start, 0);
                written.truncate(at.end);
                written
            }),
            problem: self.problem,
        }
    }
}

impl Serialize for Link {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Link", 9)?;
        st.serialize_field("amazon", &self.is_amazon())?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("marketplace", &self.marketplace.map(|m| m.domain))?;
        st.serialize_field("country", &self.marketplace.map(|m| m.country))?;
        st.serialize_field("asin", &self.asin)?;
        st.serialize_field("tag", &self.tag)?;
        st.serialize_field("subtag", &self.subtag)?;
        st.serialize_field("clean", &self.clean)?;
        st.serialize_field("problem", &self.problem)?;
        st.end()
    }
}

/// Classifies strings, optionally resolving relative links against a page address.
///
/// ```
/// use linkscope::{Classifier, Kind};
/// let c = Classifier::new(None);
/// let link = c.classify("https://www.amazon.de/Some-Title/dp/B08N5WRWNW/ref=sr_1_1?tag=me-21&qid=1");
/// assert_eq!(link.kind, Kind::Product);
/// assert_eq!(link.marketplace.unwrap().country, "DE");
/// assert_eq!(link.tag.as_deref(), Some("me-21"));
/// assert_eq!(link.clean.as_deref(), Some("https://www.amazon.de/dp/B08N5WRWNW?tag=me-21"));
/// assert_eq!(c.classify("https://amazon.com.evil.io/dp/B08N5WRWNW").kind, Kind::NotAmazon);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Classifier {
    /// The page, when it is an http(s) URL: no other base resolves a link to one.
    base: Option<HttpUrl>,
    base_is_amazon: bool,
    /// The base's host when the base itself is an Amazon store or short-link page (http or
    /// https, no port): paths relative to it are read without the full parser.
    amazon_base_host: Option<String>,
}

impl Classifier {
    /// A classifier for links found on the page at `base` (ignored when it does not parse).
    pub fn new(base: Option<&str>) -> Classifier {
        let base = base.and_then(HttpUrl::parse);
        let base_is_amazon = base
            .as_ref()
            .is_some_and(|b| match_host(b.host()).is_some());
        let amazon_base_host = base
            .as_ref()
            .and_then(Parts::of)
            .filter(|p| match_host(p.host).is_some())
            .map(|p| p.host.to_owned());
        Classifier {
            base,
            base_is_amazon,
            amazon_base_host,
        }
    }

    /// Classifies one string. Never panics; anything that is not an Amazon link is
    /// [`Kind::NotAmazon`].
    ///
    /// Common shapes (a plain absolute http(s) link, a path on an Amazon page) are read
    /// directly; anything else goes through the WHATWG URL parser, with the same result.
    pub fn classify(&self, input: &str) -> Link {
        let mut clean = String::new();
        self.classify_into(input, &mut clean).into_link(clean)
    }

    /// Classifies one string as [`Classifier::classify`] does, appending the clean link to
    /// `out` rather than allocating it: a batch of links is classified with one buffer for all
    /// their clean links (`Found::clean` says where each is).
    pub fn classify_into(&self, input: &str, out: &mut String) -> Found {
        match fast::read(input, self.amazon_base_host.as_deref()) {
            fast::Fast::NotAmazon => return Found::NOT_AMAZON,
            fast::Fast::Amazon(parts, host) => return classify_host(&parts, host, out),
            fast::Fast::Unsure => {}
        }
        if !self.base_is_amazon && !may_be_amazon(input) {
            return Found::NOT_AMAZON;
        }
        self.reference_into(input, out)
    }

    /// Classifies one string through the full WHATWG URL parser alone, without the shortcuts
    /// [`Classifier::classify`] takes: the reference those shortcuts are tested against.
    pub fn classify_reference(&self, input: &str) -> Link {
        let mut clean = String::new();
        self.reference_into(input, &mut clean).into_link(clean)
    }

    /// [`Classifier::classify_reference`], the clean link appended to `out`.
    fn reference_into(&self, input: &str, out: &mut String) -> Found {
        let parse = |input: &str| match &self.base {
            Some(base) => base.join(input),
            None => HttpUrl::parse(input),
        };
        let parsed = parse(input).or_else(|| ascii_host_form(input).and_then(|m| parse(&m)));
        let found = parsed
            .as_ref()
            .and_then(Parts::of)
            .and_then(|url| match_host(url.host).map(|host| classify_host(&url, host, out)));
        found.unwrap_or(Found::NOT_AMAZON)
    }
}

/// Classifies one string with no base page: `Classifier::new(None).classify(input)`.
pub fn classify(input: &str) -> Link {
    Classifier::default().classify(input)
}

/// A cheap, conservative test: `false` only when `input` cannot be an absolute Amazon link.
/// Every Amazon host contains `amazon`, `amzn` or `a.co`, so the scan stops only at the rare
/// `z` and at dots; inputs with bytes the URL parser rewrites (percent escapes, tabs and
/// newlines, backslashes, non-ASCII) go to the parser.
fn may_be_amazon(input: &str) -> bool {
    let b = input.as_bytes();
    let ends = |at: usize, p: &[u8]| at >= p.len() && b[at - p.len()..at].eq_ignore_ascii_case(p);
    let starts = |at: usize, p: &[u8]| {
        b.len() >= at + p.len() && b[at..at + p.len()].eq_ignore_ascii_case(p)
    };
    for (i, &c) in b.iter().enumerate() {
        if !INTERESTING[usize::from(c)] {
            continue;
        }
        let hit = match c {
            b'z' | b'Z' => {
                (ends(i, b"ama") && starts(i + 1, b"on")) || (ends(i, b"am") && starts(i + 1, b"n"))
            }
            b'.' => ends(i, b"a") && starts(i + 1, b"co"),
            _ => true,
        };
        if hit {
            return true;
        }
    }
    false
}

/// The bytes [`may_be_amazon`] looks at.
static INTERESTING: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0x80;
    while i < 256 {
        t[i] = true;
        i += 1;
    }
    let special = *b"zZ.%\\\t\n\r";
    let mut j = 0;
    while j < special.len() {
        t[special[j] as usize] = true;
        j += 1;
    }
    t
};

/// What classification reads of an http(s) URL without a port, in the parser's serialization:
/// the host (lower case), the path (starting with `/`) and the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parts<'a> {
    host: &'a str,
    path: &'a str,
    query: Option<&'a str>,
}

impl<'a> Parts<'a> {
    /// The parts of a parsed URL, or `None` when it cannot be an Amazon link (an explicit port).
    fn of(url: &'a HttpUrl) -> Option<Parts<'a>> {
        if url.port().is_some() {
            return None;
        }
        Some(Parts {
            host: url.host(),
            path: url.path(),
            query: url.query(),
        })
    }

    /// The path's segments, as `Url::path_segments` gives them.
    fn segments(&self) -> Split<'a> {
        Split::new(self.path.strip_prefix('/').unwrap_or(self.path), b'/')
    }

    /// The query's name/value pairs as written, split as `Url::query_pairs` splits them
    /// (decode each with [`form_decode`]).
    fn raw_pairs(&self) -> impl Iterator<Item = (&'a str, &'a str)> {
        Split::new(self.query.unwrap_or(""), b'&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| match find_byte(pair.as_bytes(), b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, ""),
            })
    }
}

/// `str::split` on an ASCII byte, as `s.split(char::from(at))` splits: a plain byte loop,
/// quicker than the general searcher on the short pieces of a URL.
#[derive(Clone)]
struct Split<'a> {
    rest: Option<&'a str>,
    at: u8,
}

impl<'a> Split<'a> {
    fn new(s: &'a str, at: u8) -> Split<'a> {
        debug_assert!(at.is_ascii());
        Split { rest: Some(s), at }
    }
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match find_byte(rest.as_bytes(), self.at) {
            Some(i) => {
                self.rest = Some(&rest[i + 1..]);
                Some(&rest[..i])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// Where the first `byte` of `b` is: eight bytes to a test, natively the last eight (overlapping
/// those before, which hold no `byte`) too.
fn find_byte(b: &[u8], byte: u8) -> Option<usize> {
    let mut at = 0;
    while let Some(word) = word_at(b, at) {
        let found = bytes_equal(word, byte);
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    // Natively; the .wasm, built for size, keeps the byte loop alone.
    if !cfg!(target_arch = "wasm32") {
        if at == b.len() {
            return None;
        }
        if let Some(last) = b.len().checked_sub(8) {
            // The bytes before `at` match nothing, so no flag falls among them.
            let found = bytes_equal(word_at(b, last)?, byte);
            return (found != 0).then(|| last + found.trailing_zeros() as usize / 8);
        }
    }
    b[at..].iter().position(|&c| c == byte).map(|i| at + i)
}

/// Whether `b` holds a `+` or a `%`: eight bytes to a test.
fn has_plus_or_percent(b: &[u8]) -> bool {
    !all_words(b, |w| bytes_equal(w, b'+') | bytes_equal(w, b'%') == 0)
}

/// A query's name or value decoded as `Url::query_pairs` decodes it (`+` is a space, percent
/// escapes, invalid UTF-8 replaced); borrowed when there is nothing to decode, which natively is
/// told inline, eight bytes at a time (in the .wasm, built for size, a byte at a time).
#[cfg_attr(not(target_arch = "wasm32"), inline)]
fn form_decode(s: &str) -> Cow<'_, str> {
    let plain = if cfg!(target_arch = "wasm32") {
        !s.bytes().any(|b| b == b'+' || b == b'%')
    } else {
        !has_plus_or_percent(s.as_bytes())
    };
    if plain {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(form_decode_escaped(s))
    }
}

/// [`form_decode`] of a text with something to decode.
#[cold]
fn form_decode_escaped(s: &str) -> String {
    let spaced: Vec<u8> = s
        .bytes()
        .map(|b| if b == b'+' { b' ' } else { b })
        .collect();
    String::from_utf8_lossy(&percent_decode(&spaced)).into_owned()
}

/// Appends `s` to `out` as `form_urlencoded::Serializer` writes it: ASCII letters, digits and
/// `*-._` as they are, a space as `+`, every other byte percent-escaped.
fn form_encode(out: &mut String, s: &str) {
    if s.bytes().all(form_plain) {
        out.push_str(s);
        return;
    }
    for &b in s.as_bytes() {
        form_encode_byte(out, b);
    }
}

/// The bytes [`form_encode`] writes as they are.
fn form_plain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_')
}

fn form_encode_byte(out: &mut String, b: u8) {
    match b {
        _ if form_plain(b) => out.push(char::from(b)),
        b' ' => out.push('+'),
        _ => push_escape(out, b),
    }
}

/// Appends what `form_encode(out, &form_decode(s))` appends, in one pass and without a copy
/// when `s` spells only ASCII (as kept parameters do); through both otherwise, where invalid
/// UTF-8 must be replaced first.
fn form_reencode(out: &mut String, s: &str) {
    let b = s.as_bytes();
    // A `+` is a space, which is written as `+` again.
    if b.iter().all(|&c| c == b'+' || form_plain(c)) {
        out.push_str(s);
        return;
    }
    let start = out.len();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        i += 1;
        let decoded = match c {
            b'+' => b' ',
            b'%' => match b.get(i..i + 2).and_then(hex_byte) {
                Some(d) => {
                    i += 2;
                    d
                }
                None => c,
            },
            _ => c,
        };
        if !decoded.is_ascii() {
            out.truncate(start);
            form_encode(out, &form_decode(s));
            return;
        }
        form_encode_byte(out, decoded);
    }
}

fn classify_host(url: &Parts, host: HostMatch, out: &mut String) -> Found {
    match host {
        HostMatch::Store(m) => classify_store(url, m, out),
        HostMatch::Short(s) => classify_short(url, s, out),
    }
}

/// Which query parameters a clean link keeps.
#[derive(Clone, Copy)]
enum Keep {
    /// Product links: the tag first, then `th`, `psc` and `ascsubtag`.
    Product,
    /// Other pages: every parameter that is not tracking noise, in order.
    AllButNoise,
}

/// The affiliate parameters of a query and what is wrong with them.
struct Query {
    tag: Option<String>,
    subtag: Option<String>,
    problem: Option<Problem>,
}

/// Reads the query of `url` once: the affiliate parameters, and the kept parameters appended
/// to `clean` as a query string.
///
/// `path_tag` is the tag of a legacy path (`/exec/obidos/ASIN/<asin>/<tag>`), used when the
/// query has none; a different query tag beside it conflicts, as two query tags do.
fn read_query(url: &Parts, keep: Keep, path_tag: Option<&str>, clean: &mut String) -> Query {
    let mut q = Query {
        tag: None,
        subtag: None,
        problem: None,
    };
    if url.query.is_none() && path_tag.is_none() {
        return q;
    }
    // One pass: the affiliate parameters are read and the kept ones appended as they come.
    // Values are decoded only where they are read or kept.
    let start = clean.len();
    for (name, value) in url.raw_pairs() {
        // A product link reads and keeps only `tag`, `ascsubtag`, `th` and `psc`: a name that
        // starts with another byte (and not with an escape) is none of them, decoded or not.
        // Natively: the .wasm, built for size, decodes every name.
        let read = match (keep, name.as_bytes().first()) {
            (Keep::AllButNoise, _) | (Keep::Product, Some(b't' | b'a' | b'p' | b'%')) => true,
            (Keep::Product, _) => cfg!(target_arch = "wasm32"),
        };
        if !read {
            continue;
        }
        let name = form_decode(name);
        let keeps = match &*name {
            "tag" => {
                let value = form_decode(value);
                match &q.tag {
                    None => q.tag = Some(value.into_owned()),
                    Some(first) if *first != value => q.problem = Some(Problem::ConflictingTags),
                    Some(_) => {}
                }
                matches!(keep, Keep::AllButNoise)
            }
            "ascsubtag" => {
                if q.subtag.is_none() {
                    q.subtag = Some(form_decode(value).into_owned());
                }
                true
            }
            _ => match keep {
                Keep::Product => matches!(&*name, "th" | "psc"),
                Keep::AllButNoise => !is_noise(&name),
            },
        };
        if keeps {
            clean.push(if clean.len() == start { '?' } else { '&' });
            form_encode(clean, &name);
            clean.push('=');
            form_reencode(clean, value);
        }
    }
    match (&q.tag, path_tag) {
        // No tag in the query, so no problem yet; a path tag is a valid tracking ID
        // (`find_product` checked it) and is not checked again.
        (None, _) => q.tag = path_tag.map(str::to_owned),
        (Some(tag), Some(path_tag)) if tag != path_tag => {
            q.problem = Some(Problem::ConflictingTags)
        }
        _ if q.problem.is_none() => q.problem = tag_problem(q.tag.as_deref()),
        _ => {}
    }
    // A product link's tag comes first. Written as it is: a valid tracking ID (no problem) has
    // only bytes that `form_encode` keeps.
    if let (Keep::Product, Some(tag), None) = (keep, &q.tag, q.problem) {
        if clean.len() == start {
            clean.push_str("?tag=");
            clean.push_str(tag);
        } else {
            clean.replace_range(start..=start, "&");
            clean.insert_str(start, tag);
            clean.insert_str(start, "?tag=");
        }
    }
    q
}

fn tag_problem(tag: Option<&str>) -> Option<Problem> {
    match tag {
        Some("") => Some(Problem::EmptyTag),
        Some(t) if TrackingId::check(t).is_err() => Some(Problem::InvalidTag),
        _ => None,
    }
}

/// Room for most clean links at once.
const CLEAN_CAPACITY: usize = 80;

fn classify_short(url: &Parts, short: &'static ShortHost, out: &mut String) -> Found {
    let marketplace = short.marketplace.and_then(Marketplace::by_domain);
    // amzn.com/<ASIN> names its product; the other shorteners hide theirs.
    let asin = marketplace.and_then(|_| url.segments().next().and_then(Asin::parse));
    let start = out.len();
    out.reserve(CLEAN_CAPACITY);
    out.push_str("https://");
    out.push_str(short.host);
    out.push_str(url.path);
    let q = read_query(url, Keep::AllButNoise, None, out);
    Found {
        kind: Kind::Short,
        marketplace,
        asin,
        tag: q.tag,
        subtag: q.subtag,
        clean: Some(start..out.len()),
        problem: q.problem,
    }
}

fn classify_store(url: &Parts, m: &'static Marketplace, clean: &mut String) -> Found {
    // The path without empty segments, up to Amazon's `ref=` breadcrumb.
    let path = || {
        url.segments()
            .filter(|s| !s.is_empty())
            .take_while(|s| !is_ref_segment(s))
    };
    // Every product and page shape is told by its first segments.
    let mut head = [""; 8];
    let mut n = 0;
    for s in path().take(head.len()) {
        head[n] = s;
        n += 1;
    }
    let segments = &head[..n];
    let start = clean.len();
    clean.reserve(CLEAN_CAPACITY);
    clean.push_str("https://www.");
    clean.push_str(m.domain);
    let product = find_product(segments);
    let keep = match &product {
        Some(p) => {
            clean.push_str("/dp/");
            if let Some(asin) = &p.asin {
                asin.push_to(clean, p.asin_text);
            }
            Keep::Product
        }
        None => {
            // The head is the whole path unless it is full.
            let rest = if n < head.len() {
                None
            } else {
                Some(path().skip(n))
            };
            // Natively the path is copied at once when it is written so already.
            let span = if cfg!(target_arch = "wasm32") || rest.is_some() {
                None
            } else {
                contiguous(url.path, segments)
            };
            match span {
                Some(span) => clean.push_str(span),
                None => {
                    for s in segments.iter().copied().chain(rest.into_iter().flatten()) {
                        clean.push('/');
                        clean.push_str(s);
                    }
                }
            }
            if segments.is_empty() {
                clean.push('/');
            }
            Keep::AllButNoise
        }
    };
    let q = read_query(url, keep, product.as_ref().and_then(|p| p.path_tag), clean);
    let Some(product) = product else {
        return Found {
            kind: page_kind(segments),
            marketplace: Some(m),
            asin: None,
            tag: q.tag,
            subtag: q.subtag,
            clean: Some(start..clean.len()),
            problem: q.problem,
        };
    };
    let problem = q
        .problem
        .or(product.asin.is_none().then_some(Problem::InvalidAsin));
    if product.asin.is_none() {
        clean.truncate(start);
    }
    Found {
        kind: Kind::Product,
        marketplace: Some(m),
        asin: product.asin,
        tag: q.tag,
        subtag: q.subtag,
        clean: product.asin.is_some().then_some(start..clean.len()),
        problem,
    }
}

/// The part of `path` from the `/` before the first of `segments` (slices of it) to the end of
/// the last, when it holds nothing but them, one `/` before each: what writing each segment
/// after a `/` writes. `None` when an empty segment lies between them, or there is none.
fn contiguous<'a>(path: &'a str, segments: &[&str]) -> Option<&'a str> {
    let (first, last) = (segments.first()?, segments.last()?);
    let at = |s: &str| (s.as_ptr() as usize).wrapping_sub(path.as_ptr() as usize);
    let (start, end) = (at(first).checked_sub(1)?, at(last) + last.len());
    let written: usize = segments.iter().map(|s| s.len() + 1).sum();
    path.get(start..end).filter(|span| span.len() == written)
}

struct ProductPath<'a> {
    asin: Option<Asin>,
    /// The path segment the ASIN was read from.
    asin_text: &'a str,
    path_tag: Option<&'a str>,
}

/// Finds a product in path segments: `dp/ASIN`, `gp/product/ASIN`, `gp/product/glance/ASIN`,
/// `gp/aw/d/ASIN`, `gp/offer-listing/ASIN`, `product-reviews/ASIN`,
/// `exec/obidos/ASIN/ASIN[/tag]`, `exec/obidos/tg/detail/-/ASIN`, `o/ASIN/ASIN[/tag]`, after an
/// optional slug title and language prefix (`/-/en/`).
fn find_product<'a>(segments: &[&'a str]) -> Option<ProductPath<'a>> {
    let segs = without_language(segments);
    let at = |i: usize| segs.get(i).copied().unwrap_or("");
    let is = |i: usize, word: &str| at(i).eq_ignore_ascii_case(word);
    // The product marker may follow one slug segment (`/Some-Title/dp/ASIN`).
    for start in 0..segs.len().min(2) {
        let i = start;
        // Every marker starts so: most slugs are passed over at once.
        let first = at(i).as_bytes().first().map(u8::to_ascii_lowercase);
        if !matches!(first, Some(b'd' | b'p' | b'g' | b'e' | b'o')) {
            continue;
        }
        let (asin_at, tag_at) = if is(i, "dp") || is(i, "product-reviews") {
            (i + 1, None)
        } else if is(i, "gp") && is(i + 1, "product") && is(i + 2, "glance") {
            (i + 3, None)
        } else if is(i, "gp") && (is(i + 1, "product") || is(i + 1, "offer-listing")) {
            (i + 2, None)
        } else if is(i, "gp") && is(i + 1, "aw") && is(i + 2, "d") {
            (i + 3, None)
        } else if is(i, "exec") && is(i + 1, "obidos") && is(i + 2, "asin") {
            (i + 3, Some(i + 4))
        } else if is(i, "exec") && is(i + 1, "obidos") && is(i + 2, "tg") && is(i + 3, "detail") {
            (i + 5, None)
        } else if is(i, "o") && is(i + 1, "asin") {
            (i + 2, Some(i + 3))
        } else {
            continue;
        };
        let path_tag = tag_at
            .map(at)
            .filter(|t| !t.contains('=') && TrackingId::check(t).is_ok());
        return Some(ProductPath {
            asin: Asin::parse(at(asin_at)),
            asin_text: at(asin_at),
            path_tag,
        });
    }
    None
}

/// Path segments after a language prefix (`/-/en/`), if there is one.
fn without_language<'s, 'a>(segments: &'s [&'a str]) -> &'s [&'a str] {
    match segments {
        ["-", _lang, rest @ ..] => rest,
        _ => segments,
    }
}

/// The kind of a store page that is not a product page, from its first path segments (after a
/// language prefix).
fn page_kind(segs: &[&str]) -> Kind {
    let segs = without_language(segs);
    let seg = |i: usize| segs.get(i).copied().unwrap_or("");
    let is = |i: usize, words: &[&str]| words.iter().any(|w| seg(i).eq_ignore_ascii_case(w));
    if is(0, &["s"])
        || (is(0, &["gp"]) && is(1, &["search"]))
        || (is(0, &["exec"]) && is(1, &["obidos"]) && is(2, &["search-handle-url"]))
    {
        Kind::Search
    } else if is(0, &["b", "zgbs"])
        || is(1, &["zgbs"])
        || (is(0, &["gp"])
            && is(
                1,
                &[
                    "browse.html",
                    "bestsellers",
                    "new-releases",
                    "movers-and-shakers",
                ],
            ))
    {
        Kind::Browse
    } else if is(0, &["stores", "shop", "e"]) || is(1, &["e"]) {
        Kind::Store
    } else if is(0, &["registry", "wishlist", "baby-reg", "wedding"])
        || (is(0, &["hz"]) && is(1, &["wishlist"]))
        || (is(0, &["gp"]) && is(1, &["registry"]))
        || (is(0, &["gp"]) && is(1, &["aw"]) && is(2, &["ls"]))
    {
        Kind::List
    } else {
        Kind::Other
    }
}

/// `input` with its host written in ASCII the way browsers write it, for the few Unicode forms
/// of ASCII that hosts use: `https://ａｍａｚｏｎ。ｃｏｍ/` goes to `https://amazon.com/` in a
/// browser (UTS #46 mapping), while the core's URL parser, built without Unicode tables (see
/// Cargo.toml), rejects every non-ASCII host. Used only when parsing failed; `None` when the
/// host holds anything else that is not ASCII, so a host is never mapped to one a browser
/// would not reach.
///
/// Mapped, also when percent-encoded: fullwidth digits and letters (U+FF10-FF19, U+FF21-FF3A,
/// U+FF41-FF5A), the fullwidth hyphen-minus (U+FF0D) and the ideographic, fullwidth and
/// halfwidth full stops (U+3002, U+FF0E, U+FF61). Not mapped: the other forms browsers fold
/// (mathematical, circled and other compatibility letters, ligatures, ignored code points such
/// as the soft hyphen); such hosts stay `notAmazon` here.
fn ascii_host_form(input: &str) -> Option<String> {
    let rest = input.trim_start_matches(|c: char| c <= ' ');
    let scheme = ["https:", "http:"].into_iter().find(|s| {
        rest.get(..s.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(s))
    });
    let slashes = |s: &str| s.len() - s.trim_start_matches(['/', '\\']).len();
    let after = &rest[scheme.map_or(0, str::len)..];
    if scheme.is_none() && slashes(after) < 2 {
        return None;
    }
    let authority_start = input.len() - after.len() + slashes(after);
    let authority_len = input[authority_start..]
        .find(['/', '\\', '?', '#'])
        .unwrap_or(input.len() - authority_start);
    let authority = &input[authority_start..authority_start + authority_len];
    let host_at = authority.rfind('@').map_or(0, |at| at + 1);
    let host = authority[host_at..].split(':').next().unwrap_or("");
    if host.is_ascii() && !host.contains('%') {
        return None;
    }
    let decoded = percent_decode(host.as_bytes());
    let decoded = std::str::from_utf8(&decoded).ok()?;
    let mut mapped = String::with_capacity(host.len());
    for c in decoded.chars() {
        mapped.push(match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '.' => c,
            '\u{FF10}'..='\u{FF19}'
            | '\u{FF21}'..='\u{FF3A}'
            | '\u{FF41}'..='\u{FF5A}'
            | '\u{FF0D}' => char::from_u32(c as u32 - 0xFEE0)?,
            '\u{3002}' | '\u{FF0E}' | '\u{FF61}' => '.',
            _ => return None,
        });
    }
    let host_start = authority_start + host_at;
    Some(
        [
            &input[..host_start],
            &mapped,
            &input[host_start + host.len()..],
        ]
        .concat(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use url::form_urlencoded;

    /// The word tests find what the byte loops find, for every byte in every place of texts of
    /// every length up to 20, after a match or not.
    #[test]
    fn word_tests_find_what_byte_loops_find() {
        for len in 1..=20 {
            for place in 0..len {
                for byte in 0..=255u8 {
                    for before in [b'a', b'/', b'/' ^ 1] {
                        let mut b = vec![before; len];
                        b[place] = byte;
                        for sought in [b'/', b'&', b'='] {
                            let first = b.iter().position(|&c| c == sought);
                            assert_eq!(find_byte(&b, sought), first, "{b:?} {sought}");
                        }
                        let any = b.iter().any(|&c| c == b'+' || c == b'%');
                        assert_eq!(has_plus_or_percent(&b), any, "{b:?}");
                    }
                }
            }
        }
    }

    proptest! {
        /// A path's segments are written at once exactly when writing them one by one writes
        /// the same.
        #[test]
        fn contiguous_segments_are_the_path_as_written(path in "/[a/]{0,12}", skip in 0..3usize) {
            let parts = Parts { host: "www.amazon.com", path: &path, query: None };
            let segments: Vec<&str> = parts.segments().skip(skip).filter(|s| !s.is_empty()).collect();
            let mut one_by_one = String::new();
            for s in &segments {
                one_by_one.push('/');
                one_by_one.push_str(s);
            }
            match contiguous(&path, &segments) {
                Some(span) => prop_assert_eq!(span, one_by_one),
                // Without empty segments, the segments are always contiguous.
                None => prop_assert!(segments.is_empty() || path.contains("//")),
            }
        }

        /// `find_byte` finds what `position` finds.
        #[test]
        fn find_byte_finds_the_first(b in proptest::collection::vec(any::<u8>(), 0..40), byte in any::<u8>()) {
            prop_assert_eq!(find_byte(&b, byte), b.iter().position(|&c| c == byte));
        }

        /// `has_plus_or_percent` finds what `any` finds.
        #[test]
        fn plus_or_percent_is_found(b in proptest::collection::vec(prop_oneof![Just(b'+'), Just(b'%'), any::<u8>()], 0..40)) {
            prop_assert_eq!(has_plus_or_percent(&b), b.iter().any(|&c| c == b'+' || c == b'%'));
        }

        /// The path and the query are split as `str::split` splits them.
        #[test]
        fn split_splits_as_str_split(s in "[a/&=é]{0,30}", at in prop_oneof![Just(b'/'), Just(b'&')]) {
            let ours: Vec<&str> = Split::new(&s, at).collect();
            let theirs: Vec<&str> = s.split(char::from(at)).collect();
            prop_assert_eq!(ours, theirs);
        }

        /// The query is read as the URL crate reads it: the same pairs, decoded the same way.
        #[test]
        fn query_pairs_decode_as_the_url_crate_does(query in "([a-zA-Z=&+%2CE9é _.-]|%[0-9A-Fa-f]{2}|%[fF][fF])*") {
            let parts = Parts { host: "www.amazon.com", path: "/", query: Some(&query) };
            let ours: Vec<(String, String)> = parts
                .raw_pairs()
                .map(|(n, v)| (form_decode(n).into_owned(), form_decode(v).into_owned()))
                .collect();
            let theirs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect();
            prop_assert_eq!(ours, theirs);
        }

        /// Re-encoding in one pass writes what decoding, then encoding writes.
        #[test]
        fn reencoding_is_decoding_then_encoding(s in "([a-zA-Z0-9*._~ +%é\u{80}-]|%[0-9A-Fa-f]{2}|%[89a-fA-F][0-9a-fA-F]|%[0-9A-F])*") {
            let mut once = String::from("x");
            form_reencode(&mut once, &s);
            let mut twice = String::from("x");
            form_encode(&mut twice, &form_decode(&s));
            prop_assert_eq!(once, twice);
        }

        /// Kept parameters are written as the URL crate writes them.
        #[test]
        fn pairs_encode_as_the_url_crate_does(name in any::<String>(), value in any::<String>()) {
            let mut ours = String::new();
            form_encode(&mut ours, &name);
            ours.push('=');
            form_encode(&mut ours, &value);
            let theirs = form_urlencoded::Serializer::new(String::new())
                .append_pair(&name, &value)
                .finish();
            prop_assert_eq!(ours, theirs);
        }
    }
}
