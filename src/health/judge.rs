//! Deciding what the answer to a product check means.

use super::phrases::Marker;
use super::scan::PageFacts;
use super::{BlockReason, Check, Destination, ErrorReason, Failure, Health};
use crate::classify::{classify, Kind};
use crate::clean::is_ref_segment;
use crate::http_url::{resolve_location, HttpUrl};
use crate::marketplace::MARKETPLACES;

/// What a request returned, besides the body (which a [`super::Scanner`] read).
#[derive(Debug, Clone, Copy, Default)]
pub struct Response<'a> {
    /// The URL requested (from the plan).
    pub requested: &'a str,
    /// The URL that answered after the redirects the layer followed; empty = `requested`.
    pub final_url: &'a str,
    pub status: u16,
    /// The `Location` header, for a 3xx the layer did not follow.
    pub location: Option<&'a str>,
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
}

/// Decides a check from the response and what the start of its body showed.
///
/// In order: a robot check (whatever the status) is `blocked`; then the status (404/410
/// `notFound`, 429/403 `blocked`, 5xx `error`, a 3xx not followed is judged by its `Location`);
/// then for a 2xx a redirect to another product, a search or the home page; then the page:
/// the missing-page page, a product page (a buy button: `available`; only other sellers:
/// `otherSellersOnly`; `#outOfStock` or an "unavailable" phrase in `#availability`:
/// `unavailable`), anything else `error`.
pub fn judge(response: &Response, facts: &PageFacts) -> Check {
    let final_url = match response.final_url {
        "" => response.requested,
        url => url,
    };
    let answered = classify(final_url);
    let canonical = facts.canonical.as_deref().map(classify);
    let (health, why) = decide(response, final_url, facts);
    let asin = facts
        .asin_input
        .as_deref()
        .and_then(crate::Asin::parse)
        .or_else(|| canonical.as_ref().and_then(|c| c.asin))
        .or(answered.asin);
    let marketplace = facts
        .ue_mid
        .as_deref()
        .and_then(|id| MARKETPLACES.iter().find(|m| m.ue_mid == id))
        .or_else(|| canonical.as_ref().and_then(|c| c.marketplace))
        .or(answered.marketplace);
    Check {
        health,
        requested: response.requested.to_owned(),
        url: final_url.to_owned(),
        asin: asin.map(|a| a.to_string()),
        marketplace: marketplace.map(|m| m.domain.to_owned()),
        title: facts.title.clone(),
        why,
    }
}

/// A check that got no HTTP answer.
pub fn judge_failure(requested: &str, failure: &Failure) -> Check {
    let message = failure.message();
    let reason = match failure {
        Failure::Timeout(_) => ErrorReason::Timeout,
        Failure::Network(_) => ErrorReason::Network,
        Failure::TooManyRedirects => ErrorReason::TooManyRedirects,
    };
    let link = classify(requested);
    Check {
        why: message.clone(),
        health: Health::Error { reason, message },
        requested: requested.to_owned(),
        url: requested.to_owned(),
        asin: link.asin.map(|a| a.to_string()),
        marketplace: link.marketplace.map(|m| m.domain.to_owned()),
        title: None,
    }
}

fn error(reason: ErrorReason, message: String) -> (Health, String) {
    (
        Health::Error {
            reason,
            message: message.clone(),
        },
        message,
    )
}

fn decide(response: &Response, final_url: &str, facts: &PageFacts) -> (Health, String) {
    let status = response.status;
    let blocked = |reason, why: &str| (Health::Blocked { reason }, why.to_owned());
    if facts.captcha {
        return blocked(BlockReason::RobotCheck, "robot check form");
    }
    if final_url.contains("/errors/validateCaptcha") {
        return blocked(BlockReason::RobotCheck, "redirected to the robot check");
    }
    if let Some((Marker::RobotCheck, text)) = facts.phrase {
        return blocked(BlockReason::RobotCheck, &format!("robot check: \"{text}\""));
    }
    let error_page = facts.error_page || matches!(facts.phrase, Some((Marker::ErrorPage, _)));
    match status {
        200..=299 => {}
        404 | 410 => return (Health::NotFound, format!("HTTP {status}")),
        429 => return blocked(BlockReason::RateLimited, "HTTP 429"),
        403 => return blocked(BlockReason::Forbidden, "HTTP 403"),
        300..=399 => {
            let target = response
                .location
                .and_then(|l| resolve_location(final_url, l));
            if let Some(target) = target {
                if let Some(to) = destination(response.requested, &target) {
                    return redirected(to, &target);
                }
            }
            return error(
                ErrorReason::TooManyRedirects,
                format!("HTTP {status}: redirect not followed"),
            );
        }
        500..=599 if error_page || facts.dogs => {
            return error(
                ErrorReason::AmazonErrorPage,
                format!("Amazon's error page (HTTP {status})"),
            )
        }
        500..=599 => return error(ErrorReason::ServerError, format!("HTTP {status}")),
        _ => return error(ErrorReason::Http, format!("HTTP {status}")),
    }
    if let Some(ct) = response.content_type {
        if !ct.trim().is_empty() && !ct.to_ascii_lowercase().contains("html") {
            return error(ErrorReason::NotHtml, format!("not a web page ({ct})"));
        }
    }
    if final_url != response.requested {
        if let Some(to) = destination(response.requested, final_url) {
            return redirected(to, final_url);
        }
    }
    if facts.is_product_page() {
        return product(facts);
    }
    if let Some((Marker::NotFound, text)) = facts.phrase {
        return (Health::NotFound, format!("missing-page text \"{text}\""));
    }
    if facts.dogs && !error_page {
        return (Health::NotFound, "the Dogs of Amazon page".to_owned());
    }
    if error_page {
        return error(
            ErrorReason::AmazonErrorPage,
            "Amazon's error page".to_owned(),
        );
    }
    let message = if facts.cut_at_cap {
        format!("no product markers in the first {} bytes", facts.bytes)
    } else {
        format!("a page without product markers ({} bytes)", facts.bytes)
    };
    error(ErrorReason::UnrecognizedPage, message)
}

/// A product page's state, from its buy box.
fn product(facts: &PageFacts) -> (Health, String) {
    if let Some(id) = facts.buy_button {
        return (Health::Available, format!("buy button #{id}"));
    }
    if facts.see_all_buying_choices {
        return (
            Health::OtherSellersOnly,
            "only \"see all buying choices\"".to_owned(),
        );
    }
    if facts.out_of_stock {
        return (Health::Unavailable, "#outOfStock".to_owned());
    }
    if let Some(text) = facts.unavailable_phrase() {
        return (
            Health::Unavailable,
            format!("#availability says \"{text}\""),
        );
    }
    let why = if facts.cut_at_cap {
        format!(
            "a product page; no buy box in the first {} bytes",
            facts.bytes
        )
    } else {
        "a product page with no buy button and no sign of being unavailable".to_owned()
    };
    (Health::Available, why)
}

fn redirected(to: Destination, url: &str) -> (Health, String) {
    let why = match to {
        Destination::Product => "redirected to another product",
        Destination::Search => "redirected to a search",
        Destination::Home => "redirected to the home page",
        Destination::OtherPage => "redirected to another Amazon page",
        Destination::NotAmazon => "redirected off Amazon",
    };
    (
        Health::Redirected {
            to,
            url: url.to_owned(),
        },
        why.to_owned(),
    )
}

/// Where `url` is, when it is not the product that `requested` asked for.
fn destination(requested: &str, url: &str) -> Option<Destination> {
    let asked = classify(requested);
    let target = classify(url);
    Some(match target.kind {
        Kind::NotAmazon => Destination::NotAmazon,
        Kind::Product => {
            let same = target.asin == asked.asin && target.marketplace == asked.marketplace;
            if same || asked.kind != Kind::Product {
                return None;
            }
            Destination::Product
        }
        Kind::Search => Destination::Search,
        _ if is_home(url) => Destination::Home,
        _ if url.contains("/errors/") => return None,
        _ => Destination::OtherPage,
    })
}

/// Whether `url` is a store's home page: no path but `ref=` breadcrumbs.
fn is_home(url: &str) -> bool {
    HttpUrl::parse(url).is_some_and(|u| {
        u.path()[1..]
            .split('/')
            .all(|s| s.is_empty() || is_ref_segment(s) || s == "gp" || s == "homepage.html")
    })
}
