//! Short-link expansion: from the redirects of `amzn.to/…`, `a.co/d/…`, `amzn.eu/d/…` to the
//! first Amazon URL, read from `Location` headers. The target is never loaded: it carries the
//! link's tag, and loading it could count as a click.

use serde::{Deserialize, Serialize};

use super::{BlockReason, ErrorReason, Failure, Health};
use crate::audit::{verdict, Verdict};
use crate::classify::{classify, Kind, Link};
use crate::http_url::resolve_location;
use crate::profile::Profile;

/// How a short link's expansion ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Outcome {
    /// The first Amazon store URL of the chain (product, search, store, …), as `Location` gave it.
    Target { url: String },
    /// The chain left Amazon.
    NotAmazon { url: String },
    /// The short-link host answered 404 or 410: no such short link.
    NotFound { status: u16 },
    /// A short-link URL came back.
    Loop { url: String },
    /// More redirects than the policy allows, all between short-link hosts.
    TooManyHops { hops: u32 },
    /// The short-link host answered without a redirect.
    NoRedirect { status: u16 },
    /// The short-link host refused (403, 429): unknown, not broken.
    Blocked { status: u16 },
    /// Another status, a bad `Location`, or a transport failure.
    Error { message: String },
}

/// A short link and where it leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Expansion {
    /// The URL requested (see [`super::plan::expansion_url`]).
    pub short: String,
    pub outcome: Outcome,
    /// Redirects read.
    pub hops: u32,
}

impl Expansion {
    /// The short link's health when its expansion already says it (the link is dead, leads
    /// off Amazon, was refused or failed); `None` when it reached Amazon, whose page (a product
    /// check) decides.
    ///
    /// ```
    /// use linkscope::health::{expand, Health};
    /// assert_eq!(expand("https://amzn.to/x", &[(404, None)], 5).health(), Some(Health::NotFound));
    /// assert_eq!(expand("https://amzn.to/x", &[(301, Some("https://www.amazon.de/dp/B08N5WRWNW"))], 5).health(), None);
    /// ```
    pub fn health(&self) -> Option<Health> {
        let error = |reason, message: String| Health::Error { reason, message };
        Some(match &self.outcome {
            Outcome::Target { .. } => return None,
            Outcome::NotAmazon { url } => Health::Redirected {
                to: super::Destination::NotAmazon,
                url: url.clone(),
            },
            Outcome::NotFound { .. } => Health::NotFound,
            Outcome::Blocked { status } => Health::Blocked {
                reason: if *status == 429 {
                    BlockReason::RateLimited
                } else {
                    BlockReason::Forbidden
                },
            },
            Outcome::Loop { url } => error(
                ErrorReason::TooManyRedirects,
                format!("redirect loop back to {url}"),
            ),
            Outcome::TooManyHops { hops } => error(
                ErrorReason::TooManyRedirects,
                format!("{hops} redirects between short links"),
            ),
            Outcome::NoRedirect { status } => error(
                ErrorReason::Http,
                format!("HTTP {status} without a redirect"),
            ),
            Outcome::Error { message } => error(ErrorReason::Network, message.clone()),
        })
    }

    /// The target classified as usual (kind, marketplace, ASIN, tag), when the chain reached
    /// Amazon.
    pub fn target(&self) -> Option<Link> {
        match &self.outcome {
            Outcome::Target { url } => Some(classify(url)),
            _ => None,
        }
    }
}

/// The audit verdict of a short link once expanded: that of its target (`mine`, `untagged`,
/// `foreign`, …); still `short` when the expansion did not reach Amazon.
///
/// ```
/// use linkscope::health::{expand, verdict_after_expansion};
/// use linkscope::{classify, Profile, Verdict};
/// let p = Profile::from_json(r#"{"version":1,"home":"amazon.com","trackingIds":{"amazon.com":"me-20"}}"#).unwrap();
/// let e = expand("https://amzn.to/3xYz", &[(301, Some("https://www.amazon.com/dp/B08N5WRWNW?tag=me-20&linkCode=ll1"))], 5);
/// let short = classify("https://amzn.to/3xYz");
/// assert_eq!(verdict_after_expansion(&p, &short, &e), Some(Verdict::Mine));
/// ```
pub fn verdict_after_expansion(
    profile: &Profile,
    short: &Link,
    expansion: &Expansion,
) -> Option<Verdict> {
    match expansion.target() {
        Some(target) => verdict(profile, &target),
        None => verdict(profile, short),
    }
}

/// Follows one short link, one answer at a time. The layer requests [`Expander::url`] without
/// following redirects, and passes the status and `Location` to [`Expander::hop`] until it
/// returns the expansion.
#[derive(Debug, Clone)]
pub struct Expander {
    short: String,
    current: String,
    seen: Vec<String>,
    hops: u32,
    max_hops: u32,
}

impl Expander {
    /// Starts at `request_url` (a short link), giving up after `max_hops` redirects.
    pub fn new(request_url: &str, max_hops: u32) -> Expander {
        Expander {
            short: request_url.to_owned(),
            current: request_url.to_owned(),
            seen: vec![request_url.to_owned()],
            hops: 0,
            max_hops,
        }
    }

    /// The URL to request now.
    pub fn url(&self) -> &str {
        &self.current
    }

    /// Takes the answer to [`Expander::url`]: `None` means request the new [`Expander::url`].
    pub fn hop(&mut self, status: u16, location: Option<&str>) -> Option<Expansion> {
        let outcome = match status {
            300..=399 => match location.and_then(|l| resolve_location(&self.current, l)) {
                None => Outcome::Error {
                    message: format!("HTTP {status} without a usable Location"),
                },
                Some(next) => {
                    self.hops += 1;
                    match classify(&next).kind {
                        Kind::NotAmazon => Outcome::NotAmazon { url: next },
                        Kind::Short if self.seen.contains(&next) => Outcome::Loop { url: next },
                        Kind::Short if self.hops >= self.max_hops => {
                            Outcome::TooManyHops { hops: self.hops }
                        }
                        Kind::Short => {
                            self.seen.push(next.clone());
                            self.current = next;
                            return None;
                        }
                        _ => Outcome::Target { url: next },
                    }
                }
            },
            404 | 410 => Outcome::NotFound { status },
            403 | 429 => Outcome::Blocked { status },
            200..=299 => Outcome::NoRedirect { status },
            _ => Outcome::Error {
                message: format!("HTTP {status}"),
            },
        };
        Some(self.done(outcome))
    }

    /// Ends the expansion with a transport failure.
    pub fn fail(&self, failure: &Failure) -> Expansion {
        let message = failure.message();
        self.done(Outcome::Error { message })
    }

    fn done(&self, outcome: Outcome) -> Expansion {
        Expansion {
            short: self.short.clone(),
            outcome,
            hops: self.hops,
        }
    }
}

/// Expands from a recorded chain of answers `(status, Location)`, e.g. from a cache or a test.
/// A chain that ends before an outcome is an error.
pub fn expand(request_url: &str, answers: &[(u16, Option<&str>)], max_hops: u32) -> Expansion {
    let mut expander = Expander::new(request_url, max_hops);
    for &(status, location) in answers {
        if let Some(expansion) = expander.hop(status, location) {
            return expansion;
        }
    }
    expander.done(Outcome::Error {
        message: "the redirects ended before reaching Amazon".to_owned(),
    })
}
