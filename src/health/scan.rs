//! Reading the start of a page, chunk by chunk, for the markers a check needs.
//!
//! One pass over the bytes: every `name="value"` attribute is looked at once, and the few that
//! matter (ids such as `productTitle`, `rel="canonical"`, the captcha form's action, the dogs'
//! link) either set a fact or open a short capture (the tag around it, the title's text, the
//! `#availability` block). Only a small window is kept between chunks, plus the first
//! [`HEAD_LEN`] bytes for `ue_mid` and the page-level phrases, so memory stays bounded whatever
//! the page; the scanner never takes more than its cap.

use super::phrases::{self, Marker};
use super::text::{clean_text, fold, visible_text};

/// How much of the start of a page is kept for `ue_mid` (in the first 4 KB of real pages) and
/// for the page-level phrases of the robot check, missing-page and error pages (a few KB each).
pub const HEAD_LEN: usize = 128 * 1024;
/// How far back from a marker attribute its tag's `<` is looked for.
const LOOKBEHIND: usize = 1024;
/// Longest attribute value read; a longer one is skipped.
const MAX_VALUE: usize = 4096;
/// How far a tag is read after its marker attribute, looking for its `>`.
const MAX_TAG: usize = 2048;
/// How much HTML after the `#productTitle` attribute is read for the title.
const MAX_TITLE: usize = 4096;
/// How much HTML of the `#availability` block is read.
const AVAILABILITY_LEN: usize = 4096;

/// Ids of the buttons that buy the product: new (`add-to-cart-button`, `buy-now-button`),
/// used-only (`add-to-cart-button-ubb`, seen in the saved UK book page) and Kindle one-click
/// (`buyOneClick`, seen in the saved Kindle page).
const BUY_IDS: &[&str] = &[
    "add-to-cart-button",
    "add-to-cart-button-ubb",
    "buy-now-button",
    "buyOneClick",
];

/// What the start of a page showed. Filled by a [`Scanner`]; judged by [`super::judge`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageFacts {
    /// The marketplace id of `ue_mid = '…'`.
    pub ue_mid: Option<String>,
    /// `href` of `<link rel="canonical">`.
    pub canonical: Option<String>,
    /// `value` of the hidden `<input id="ASIN">`: the product the page is about.
    pub asin_input: Option<String>,
    /// Text of `#productTitle` (or `#ebooksProductTitle`), decoded and collapsed.
    pub title: Option<String>,
    /// Visible text of the `#availability` block, decoded and collapsed.
    pub availability: Option<String>,
    /// An element `#outOfStock` (Amazon's "currently unavailable" buy box).
    pub out_of_stock: bool,
    /// The id of the first buy button seen (one of `BUY_IDS`).
    pub buy_button: Option<&'static str>,
    /// `#buybox-see-all-buying-choices`: no buy box, only other sellers' offers.
    pub see_all_buying_choices: bool,
    /// The captcha form (`action="/errors/validateCaptcha"`) or its `#captchacharacters` input.
    pub captcha: bool,
    /// A link to `/dogsofamazon` or an image with alt "Dogs of Amazon".
    pub dogs: bool,
    /// The 503 page's image (`503.png`) or link (`ref=cs_503_link`).
    pub error_page: bool,
    /// The page-level phrase seen in the start of a page that is not a product page.
    pub phrase: Option<(Marker, &'static str)>,
    /// Bytes read.
    pub bytes: usize,
    /// Whether the read stopped at the cap (the page may go on).
    pub cut_at_cap: bool,
}

impl PageFacts {
    /// Whether the page is a product detail page (of whatever product).
    pub fn is_product_page(&self) -> bool {
        self.title.is_some()
            || self.asin_input.is_some()
            || self
                .canonical
                .as_deref()
                .is_some_and(|c| c.contains("/dp/"))
    }

    /// The localized "unavailable" phrase in the `#availability` text, if any.
    pub fn unavailable_phrase(&self) -> Option<&'static str> {
        let text = fold(self.availability.as_deref()?);
        phrases::find(Marker::Unavailable, &text).map(|p| p.text)
    }

    /// Whether a full read could not change what these facts decide (see [`Scanner::feed`]).
    fn decided(&self) -> bool {
        self.captcha
            || (self.title.is_some()
                && (self.asin_input.is_some() || self.canonical.is_some())
                && (self.buy_button.is_some()
                    || self.see_all_buying_choices
                    || self.out_of_stock
                    || self.unavailable_phrase().is_some()))
    }
}

/// Whether a caller should go on reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Feed the next chunk (or call [`Scanner::finish`] at the end of the body).
    NeedMore,
    /// Stop reading (abort the request) and call [`Scanner::finish`]: the markers are seen, or
    /// the cap is reached.
    Enough,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Canonical,
    AsinInput,
    Title,
    Availability,
}

/// A capture waiting for more bytes: `from` is an absolute offset in the body.
#[derive(Debug, Clone, Copy)]
struct Capture {
    field: Field,
    from: usize,
}

/// Reads a body incrementally.
///
/// ```
/// use linkscope::health::scan::{Progress, Scanner};
/// let page = br#"<script>ue_mid = 'A1PA6795UKMFR9'</script><link rel="canonical" href="https://www.amazon.de/x/dp/B08N5WRWNW">
/// <input type="hidden" id="ASIN" value="B08N5WRWNW"><input id="add-to-cart-button">
/// <span id="productTitle"> Echo &amp; Dot </span>"#;
/// let mut scanner = Scanner::new(2 << 20);
/// let mut progress = Progress::NeedMore;
/// for chunk in page.chunks(7) {
///     progress = scanner.feed(chunk);
///     if progress == Progress::Enough { break; }
/// }
/// assert_eq!(progress, Progress::Enough);
/// let facts = scanner.finish();
/// assert_eq!(facts.title.as_deref(), Some("Echo & Dot"));
/// assert_eq!(facts.ue_mid.as_deref(), Some("A1PA6795UKMFR9"));
/// ```
#[derive(Debug, Clone)]
pub struct Scanner {
    cap: usize,
    facts: PageFacts,
    /// The window: bytes from absolute offset `buf_start` on.
    buf: Vec<u8>,
    buf_start: usize,
    /// Absolute offset where the attribute scan goes on.
    pos: usize,
    head: Vec<u8>,
    open: Vec<Capture>,
}

impl Scanner {
    /// A scanner that takes at most `cap` bytes of body.
    pub fn new(cap: usize) -> Scanner {
        Scanner {
            cap,
            facts: PageFacts::default(),
            buf: Vec::new(),
            buf_start: 0,
            pos: 0,
            head: Vec::new(),
            open: Vec::new(),
        }
    }

    /// Takes the next chunk of the body. Returns [`Progress::Enough`] once the page is decided
    /// (a captcha; or a product page's identity, title and buy box or lack of one) or the cap is
    /// reached; bytes past the cap are ignored. Chunks may split anything anywhere.
    pub fn feed(&mut self, chunk: &[u8]) -> Progress {
        let room = self.cap - self.facts.bytes;
        let chunk = &chunk[..chunk.len().min(room)];
        self.facts.bytes += chunk.len();
        if self.facts.bytes == self.cap {
            self.facts.cut_at_cap = true;
        }
        let head_room = HEAD_LEN.saturating_sub(self.head.len());
        self.head
            .extend_from_slice(&chunk[..chunk.len().min(head_room)]);
        self.buf.extend_from_slice(chunk);
        self.scan();
        self.settle(false);
        self.trim();
        if self.facts.cut_at_cap || self.facts.decided() {
            Progress::Enough
        } else {
            Progress::NeedMore
        }
    }

    /// Bytes the scanner holds (its window and the kept start of the page): at most
    /// [`HEAD_LEN`] plus a few KB plus the last chunk, however long the body.
    pub fn buffered(&self) -> usize {
        self.buf.len() + self.head.len()
    }

    /// Ends the read (at the end of the body, at the cap, or when [`Progress::Enough`] said so)
    /// and returns what was seen.
    pub fn finish(mut self) -> PageFacts {
        self.settle(true);
        self.facts.ue_mid = ue_mid(&self.head);
        if !self.facts.is_product_page() {
            let text = fold(&String::from_utf8_lossy(&self.head));
            self.facts.phrase = [Marker::RobotCheck, Marker::NotFound, Marker::ErrorPage]
                .into_iter()
                .find_map(|m| phrases::find(m, &text).map(|p| (m, p.text)));
        }
        self.facts
    }

    /// Looks at every attribute from `pos` to the end of the window.
    fn scan(&mut self) {
        loop {
            let rel = self.pos - self.buf_start;
            let Some(i) = find_byte(b'"', &self.buf[rel..]) else {
                self.pos = self.buf_start + self.buf.len();
                return;
            };
            let q = rel + i;
            if q == 0 || self.buf[q - 1] != b'=' {
                self.pos = self.buf_start + q + 1;
                continue;
            }
            let Some(len) = find_byte(b'"', &self.buf[q + 1..]) else {
                if self.buf.len() - (q + 1) > MAX_VALUE {
                    self.pos = self.buf_start + q + 1;
                    continue;
                }
                // Wait for the end of the value.
                self.pos = self.buf_start + q;
                return;
            };
            if len > MAX_VALUE {
                // Too long to matter: not read as an attribute (the same whatever the chunks).
                self.pos = self.buf_start + q + 1;
                continue;
            }
            let end = q + 1 + len;
            self.pos = self.buf_start + end + 1;
            let name_end = q - 1;
            let name_start = self.buf[..name_end]
                .iter()
                .rev()
                .take(32)
                .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':')))
                .map_or(name_end.saturating_sub(32), |n| name_end - n);
            let hit = attribute(&self.buf[name_start..name_end], &self.buf[q + 1..end]);
            match hit {
                Some(Hit::Open(field)) => {
                    let from = match field {
                        // The whole tag: back to its `<`.
                        Field::Canonical | Field::AsinInput => {
                            let back = name_start.saturating_sub(LOOKBEHIND);
                            match self.buf[back..name_start]
                                .iter()
                                .rposition(|&b| b == b'<' || b == b'>')
                            {
                                Some(i) if self.buf[back + i] == b'<' => back + i,
                                _ => continue,
                            }
                        }
                        Field::Title | Field::Availability => end + 1,
                    };
                    self.open_capture(field, self.buf_start + from);
                }
                Some(Hit::Buy(id)) => {
                    self.facts.buy_button.get_or_insert(id);
                }
                Some(Hit::SeeAll) => self.facts.see_all_buying_choices = true,
                Some(Hit::OutOfStock) => self.facts.out_of_stock = true,
                Some(Hit::Captcha) => self.facts.captcha = true,
                Some(Hit::Dogs) => self.facts.dogs = true,
                Some(Hit::ErrorPage) => self.facts.error_page = true,
                None => {}
            }
        }
    }

    /// Opens a capture for a field not yet filled or being filled: the first occurrence wins.
    fn open_capture(&mut self, field: Field, from: usize) {
        let filled = match field {
            Field::Canonical => self.facts.canonical.is_some(),
            Field::AsinInput => self.facts.asin_input.is_some(),
            Field::Title => self.facts.title.is_some(),
            Field::Availability => self.facts.availability.is_some(),
        };
        if !filled && !self.open.iter().any(|c| c.field == field) {
            self.open.push(Capture { field, from });
        }
    }

    /// Completes the captures that have their bytes (all of them at the end of the body).
    fn settle(&mut self, eof: bool) {
        let mut open = std::mem::take(&mut self.open);
        open.retain(|c| {
            let bytes = &self.buf[c.from - self.buf_start..];
            match complete(c.field, bytes, eof) {
                Completion::Wait => true,
                Completion::Nothing => false,
                Completion::Value(v) => {
                    let slot = match c.field {
                        Field::Canonical => &mut self.facts.canonical,
                        Field::AsinInput => &mut self.facts.asin_input,
                        Field::Title => &mut self.facts.title,
                        Field::Availability => &mut self.facts.availability,
                    };
                    *slot = Some(v);
                    false
                }
            }
        });
        self.open = open;
    }

    /// Drops the bytes no capture and no attribute scan needs any more.
    fn trim(&mut self) {
        let keep = self
            .open
            .iter()
            .map(|c| c.from)
            // The attribute at `pos` (its name, up to 33 bytes before its quote) and the
            // look-back to its tag's `<` must stay in the window.
            .chain([self.pos.saturating_sub(LOOKBEHIND + 64)])
            .min()
            .unwrap_or(self.pos);
        if keep > self.buf_start {
            self.buf.drain(..keep - self.buf_start);
            self.buf_start = keep;
        }
    }
}

/// What one attribute means.
enum Hit {
    Open(Field),
    Buy(&'static str),
    SeeAll,
    OutOfStock,
    Captcha,
    Dogs,
    ErrorPage,
}

fn attribute(name: &[u8], value: &[u8]) -> Option<Hit> {
    let contains = |needle: &[u8]| value.windows(needle.len()).any(|w| w == needle);
    match name {
        b"id" => match value {
            b"productTitle" | b"ebooksProductTitle" => Some(Hit::Open(Field::Title)),
            b"ASIN" => Some(Hit::Open(Field::AsinInput)),
            b"availability" => Some(Hit::Open(Field::Availability)),
            b"outOfStock" => Some(Hit::OutOfStock),
            b"buybox-see-all-buying-choices" => Some(Hit::SeeAll),
            b"captchacharacters" => Some(Hit::Captcha),
            _ => BUY_IDS
                .iter()
                .find(|id| id.as_bytes() == value)
                .map(|id| Hit::Buy(id)),
        },
        b"rel" if value.eq_ignore_ascii_case(b"canonical") => Some(Hit::Open(Field::Canonical)),
        b"action" if contains(b"/errors/validateCaptcha") => Some(Hit::Captcha),
        b"href" if contains(b"/dogsofamazon") => Some(Hit::Dogs),
        b"href" if contains(b"cs_503_link") => Some(Hit::ErrorPage),
        b"src" if contains(b"503.png") => Some(Hit::ErrorPage),
        b"alt" if contains(b"Dogs of Amazon") => Some(Hit::Dogs),
        _ => None,
    }
}

enum Completion {
    Wait,
    Nothing,
    Value(String),
}

/// The value of a capture when `bytes` (from its start) hold enough of it.
fn complete(field: Field, bytes: &[u8], eof: bool) -> Completion {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let some = |s: Option<String>| s.map_or(Completion::Nothing, Completion::Value);
    match field {
        Field::Canonical | Field::AsinInput => {
            let window = &bytes[..bytes.len().min(MAX_TAG)];
            match find_byte(b'>', window) {
                Some(gt) => {
                    let name = if field == Field::Canonical {
                        "href"
                    } else {
                        "value"
                    };
                    some(attr(&window[..gt], name).map(|v| clean_text(&text(v))))
                }
                None if eof || bytes.len() >= MAX_TAG => Completion::Nothing,
                None => Completion::Wait,
            }
        }
        Field::Title => {
            let window = &bytes[..bytes.len().min(MAX_TITLE)];
            let Some(gt) = find_byte(b'>', window) else {
                return if eof || bytes.len() >= MAX_TITLE {
                    Completion::Nothing
                } else {
                    Completion::Wait
                };
            };
            let inner = &window[gt + 1..];
            let title = match find_byte(b'<', inner) {
                Some(lt) => &inner[..lt],
                None if eof || bytes.len() >= MAX_TITLE => inner,
                None => return Completion::Wait,
            };
            some(Some(clean_text(&text(title))).filter(|t| !t.is_empty()))
        }
        Field::Availability => {
            if !eof && bytes.len() < AVAILABILITY_LEN {
                return Completion::Wait;
            }
            let window = &bytes[..bytes.len().min(AVAILABILITY_LEN)];
            let inner = find_byte(b'>', window).map_or(&[][..], |gt| &window[gt + 1..]);
            Completion::Value(visible_text(&text(inner)))
        }
    }
}

/// The value of attribute `name` (double-quoted) in a tag.
fn attr<'a>(tag: &'a [u8], name: &str) -> Option<&'a [u8]> {
    let mut at = 0;
    while let Some(i) = find_byte(b'=', &tag[at..]) {
        let eq = at + i;
        at = eq + 1;
        let before = &tag[..eq];
        let is_name = before.len() > name.len()
            && before.ends_with(name.as_bytes())
            && before[before.len() - name.len() - 1].is_ascii_whitespace();
        if is_name && tag.get(eq + 1) == Some(&b'"') {
            let value = &tag[eq + 2..];
            return find_byte(b'"', value).map(|end| &value[..end]);
        }
    }
    None
}

/// `ue_mid = 'ATVPDKIKX0DER'` (any spacing, either quote) in the start of a page.
fn ue_mid(head: &[u8]) -> Option<String> {
    let needle = b"ue_mid";
    let mut from = 0;
    while let Some(i) = head[from..].windows(needle.len()).position(|w| w == needle) {
        let rest = &head[from + i + needle.len()..];
        from += i + needle.len();
        let mut bytes = rest.iter().skip_while(|b| **b == b' ');
        if bytes.next() != Some(&b'=') {
            continue;
        }
        let mut bytes = bytes.skip_while(|b| **b == b' ');
        let Some(&quote) = bytes.next().filter(|b| matches!(b, b'\'' | b'"')) else {
            continue;
        };
        let id: Vec<u8> = bytes
            .take_while(|b| **b != quote)
            .take(33)
            .copied()
            .collect();
        if (1..=32).contains(&id.len()) && id.iter().all(u8::is_ascii_alphanumeric) {
            return Some(String::from_utf8_lossy(&id).into_owned());
        }
    }
    None
}

fn find_byte(byte: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == byte)
}
