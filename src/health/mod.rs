//! Live link health: the pure core that the CLI's and the extension's network layers share.
//!
//! Nothing here does I/O, reads a clock or spawns anything: the network layers fetch, and this
//! module tells them what to fetch, how politely, when to stop reading, and what the answer
//! means. Time is passed in as milliseconds since the Unix epoch.
//!
//! # How a network layer uses it
//!
//! Only on an explicit user action (a button, a menu item, `--live`); never in the background.
//!
//! 1. **Plan.** [`Plan::new`] takes the links (as the audit gets them); it dedups to one
//!    product check per marketplace + ASIN ([`Plan::checks`]) and one expansion per short link
//!    ([`Plan::expansions`]), and maps every input link to its requests ([`Plan::links`]). For
//!    the popup's availability table, [`Plan::availability`]. Before any request, look the
//!    [`CheckRequest::key`] / [`ExpandRequest::key`] up in the cache and skip fresh entries
//!    ([`Ttl::is_fresh`]).
//! 2. **Be polite** as [`Policy`] says (defaults: [`Policy::DEFAULT`]): at most
//!    `per_host_concurrency` requests in flight per host, `min_interval_ms` between requests to
//!    the same host, `timeout_ms` per request, GET (Amazon answers HEAD with 405), no cookies or
//!    credentials.
//! 3. **Expand short links first**, without following redirects and without ever loading the
//!    (tagged) target: an [`Expander`] says which URL to request ([`Expander::url`]); give it
//!    each answer's status and `Location` ([`Expander::hop`]) until it returns an [`Expansion`]
//!    (or give it a transport failure, [`Expander::fail`]). Then [`Plan::add_target`] adds the
//!    target's product check (deduplicated against the others), and [`verdict_after_expansion`]
//!    gives the link's audit verdict, that of its target.
//! 4. **Check products** at [`CheckRequest::url`]: the bare canonical `https://www.amazon.xx/dp/ASIN`
//!    ([`check_url`]; it never carries a tag, so a check is never an affiliate click). Follow
//!    redirects up to `max_redirects`. Feed the body to a [`Scanner`] chunk by chunk (it takes at
//!    most `body_cap` bytes); when [`Scanner::feed`] says [`Progress::Enough`], abort the read.
//!    Then [`judge`] the [`Response`] with the [`PageFacts`] from [`Scanner::finish`]. A
//!    transport failure (timeout, reset, DNS, too many redirects) goes to [`judge_failure`].
//! 5. **Retry** a check whose [`Check::is_retryable`] is true (429, 5xx other than a robot check,
//!    timeouts, network errors) after [`Policy::retry_delay`], which honours `Retry-After` and
//!    returns `None` when it is time to give up.
//! 6. **Cache** by key with [`Policy::check_ttl`] / [`Policy::expansion_ttl`]: a day for
//!    conclusive checks, forever for expansions, never for blocked or errored answers. Results
//!    serialize to JSON (camelCase, a `kind` field on each state) and read back with serde.
//!
//! # States
//!
//! [`Health`]: `available` (with the title), `unavailable`, `otherSellersOnly`, `notFound`,
//! `redirected` (to another product, a search, the home page, …: [`Destination`]), `blocked`
//! (robot check, rate limit: unknown, not broken) and `error` (with the reason). Status codes alone
//! do not decide: Amazon serves its robot check with 200 as often as 503, so the page is read.
//! Language-independent markers (element ids, the captcha form, the dogs' link) come first;
//! localized texts are data in [`phrases::PHRASES`]. Only [`Health::is_broken`] states count as
//! broken, and `blocked` or `error` never do.
//!
//! ```
//! use linkscope::health::{check_url, judge, Health, Response, Scanner, Progress};
//! use linkscope::{Asin, Marketplace};
//!
//! let url = check_url(Marketplace::by_domain("amazon.de").unwrap(), Asin::parse("B08N5WRWNW").unwrap());
//! assert_eq!(url, "https://www.amazon.de/dp/B08N5WRWNW");
//! let body = "<html><title>Amazon.de</title><form action=\"/errors/validateCaptcha\">\
//!     <h4>Geben Sie die unten angezeigten Zeichen ein</h4></form></html>";
//! let mut scanner = Scanner::new(2 << 20);
//! assert_eq!(scanner.feed(body.as_bytes()), Progress::Enough);
//! let response = Response { requested: &url, final_url: &url, status: 200, ..Response::default() };
//! let check = judge(&response, &scanner.finish());
//! assert!(matches!(check.health, Health::Blocked { .. }));
//! assert!(!check.health.is_broken());
//! ```

pub mod expand;
mod judge;
pub mod phrases;
pub mod plan;
pub mod policy;
pub mod scan;
pub mod text;

use serde::{Deserialize, Serialize};

pub use expand::{expand, verdict_after_expansion, Expander, Expansion, Outcome};
pub use judge::{judge, judge_failure, Response};
pub use plan::{check_url, CheckRequest, ExpandRequest, LinkRequests, Plan};
pub use policy::{check_key, expansion_key, Policy, Ttl};
pub use scan::{PageFacts, Progress, Scanner};

/// What a product check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Health {
    /// The product page offers the product (a buy button, or a page with no sign that it does
    /// not: see [`Check::why`]).
    Available,
    /// The page exists but nothing can be bought ("Currently unavailable", "Derzeit nicht
    /// verfügbar", …).
    Unavailable,
    /// No buy box: only other sellers' offers ("See all buying choices").
    OtherSellersOnly,
    /// Amazon's missing-page page, or a 404.
    NotFound,
    /// The product URL led elsewhere.
    Redirected {
        to: Destination,
        /// Where it led.
        url: String,
    },
    /// Amazon would not answer an automated client: unknown, not broken. Try again later or
    /// check in a browser.
    Blocked { reason: BlockReason },
    /// No answer that says anything about the product.
    Error {
        reason: ErrorReason,
        /// For a person: "HTTP 500", "timed out after 15 s".
        message: String,
    },
}

impl Health {
    /// Every state's name ([`Health::as_str`]), in the order reports count them.
    pub const STATES: &'static [&'static str] = &[
        "available",
        "unavailable",
        "otherSellersOnly",
        "notFound",
        "redirected",
        "blocked",
        "error",
    ];

    /// The state's name as in output: `available`, `otherSellersOnly`, …
    pub fn as_str(&self) -> &'static str {
        match self {
            Health::Available => "available",
            Health::Unavailable => "unavailable",
            Health::OtherSellersOnly => "otherSellersOnly",
            Health::NotFound => "notFound",
            Health::Redirected { .. } => "redirected",
            Health::Blocked { .. } => "blocked",
            Health::Error { .. } => "error",
        }
    }

    /// Whether the link earns nothing for its product: not found, unavailable, or redirected to
    /// a search, the home page or off Amazon. Never for `blocked` or `error` (unknown), nor for
    /// a redirect to another product (a merged listing still sells).
    pub fn is_broken(&self) -> bool {
        match self {
            Health::NotFound | Health::Unavailable => true,
            Health::Redirected { to, .. } => *to != Destination::Product,
            _ => false,
        }
    }

    /// Whether the answer says something about the product (not `blocked` or `error`).
    pub fn is_conclusive(&self) -> bool {
        !matches!(self, Health::Blocked { .. } | Health::Error { .. })
    }
}

/// Where a redirected product URL led.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Destination {
    /// Another product (or the same one in another marketplace): see [`Check::asin`].
    Product,
    /// A search page (`/s?k=…`).
    Search,
    /// The store's home page.
    Home,
    /// Another Amazon page (a browse node, a store, a sign-in page, …).
    OtherPage,
    /// Off Amazon.
    NotAmazon,
}

/// Why Amazon did not answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BlockReason {
    /// The robot check (captcha) page, whatever the status.
    RobotCheck,
    /// HTTP 429.
    RateLimited,
    /// HTTP 403.
    Forbidden,
}

/// Why a check has no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ErrorReason {
    Timeout,
    /// DNS, connection, TLS, reset.
    Network,
    TooManyRedirects,
    /// A server error (5xx) without a page this core knows: worth a retry.
    ServerError,
    /// Another status that says nothing about the product (405, 400, …).
    Http,
    /// Amazon's "Sorry! Something went wrong" page (its dogs do not mean the product is gone).
    AmazonErrorPage,
    /// The answer is not HTML.
    NotHtml,
    /// A page with none of the markers this core knows.
    UnrecognizedPage,
}

/// What went wrong below HTTP, as the network layer saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No answer within the timeout (milliseconds).
    Timeout(u64),
    /// DNS, connection, TLS, reset: the layer's message.
    Network(String),
    /// More redirects than the policy allows, or a loop.
    TooManyRedirects,
}

impl Failure {
    /// For a person: "timed out after 15 s".
    pub fn message(&self) -> String {
        match self {
            Failure::Timeout(ms) => format!("timed out after {} s", ms.div_ceil(1000)),
            Failure::Network(message) => message.clone(),
            Failure::TooManyRedirects => "too many redirects".to_owned(),
        }
    }
}

/// The outcome of one product check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub health: Health,
    /// The URL requested (bare, untagged).
    pub requested: String,
    /// The URL that answered, after redirects.
    pub url: String,
    /// The product the answer is about: the page's hidden `ASIN` input, else its canonical link,
    /// else the answering URL. Differs from the requested one after a redirect or a variant
    /// change.
    pub asin: Option<String>,
    /// The marketplace that answered (domain): from `ue_mid`, else the canonical link, else the
    /// answering URL.
    pub marketplace: Option<String>,
    /// The product title, decoded and collapsed.
    pub title: Option<String>,
    /// What decided, for a person: "add-to-cart button", "robot check form", "HTTP 404", …
    pub why: String,
}

impl Check {
    /// Whether asking again later may give another answer: rate limits, server errors (not the
    /// robot check), timeouts and network errors.
    pub fn is_retryable(&self) -> bool {
        match &self.health {
            Health::Blocked { reason } => *reason == BlockReason::RateLimited,
            Health::Error { reason, .. } => matches!(
                reason,
                ErrorReason::Timeout
                    | ErrorReason::Network
                    | ErrorReason::ServerError
                    | ErrorReason::AmazonErrorPage
            ),
            _ => false,
        }
    }
}
