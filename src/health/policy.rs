//! How politely to ask, as data for the network layers: concurrency, pacing, retries, bounds
//! and caching. Pure: the caller passes the time in.

use serde::{Deserialize, Serialize};

use super::expand::{Expansion, Outcome};
use super::Check;
use crate::ids::Asin;

/// Bumped when the core's judgements change, so cached results from an older core are not
/// reused.
pub const CACHE_VERSION: u32 = 1;

/// The request policy. Both layers start from [`Policy::DEFAULT`]; the CLI's options
/// (`--concurrency`, `--interval`, `--timeout`) override fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    /// Requests in flight at once to one host.
    pub per_host_concurrency: u32,
    /// Least time between the starts of two requests to one host.
    pub min_interval_ms: u64,
    /// Per request, headers and body.
    pub timeout_ms: u64,
    /// Redirects followed by a product check; hops read by an expansion.
    pub max_redirects: u32,
    /// Retries after the first attempt (rate limits, server errors, timeouts).
    pub max_retries: u32,
    /// The first retry's delay; each further retry doubles it.
    pub backoff_base_ms: u64,
    /// The longest delay; a `Retry-After` beyond it ends the retries.
    pub backoff_max_ms: u64,
    /// The most body bytes read (product pages are 1.5-3 MB; the markers sit up to ~1.5 MB in).
    pub body_cap: usize,
    /// How long a conclusive product check is reused.
    pub check_ttl_ms: u64,
}

impl Policy {
    pub const DEFAULT: Policy = Policy {
        per_host_concurrency: 2,
        min_interval_ms: 1_000,
        timeout_ms: 15_000,
        max_redirects: 5,
        max_retries: 3,
        backoff_base_ms: 2_000,
        backoff_max_ms: 60_000,
        body_cap: 2 * 1024 * 1024,
        check_ttl_ms: 24 * 60 * 60 * 1000,
    };

    /// The delay before retry number `retry` (0 for the first) of a request whose answer
    /// [`Check::is_retryable`], given its `Retry-After` header and the time now; `None` when it
    /// is time to give up (retries used up, or Amazon asks to wait longer than `backoff_max_ms`).
    /// The delay is the exponential backoff, or `Retry-After` when that is longer.
    ///
    /// ```
    /// use linkscope::health::Policy;
    /// let p = Policy::DEFAULT;
    /// assert_eq!(p.retry_delay(0, None, 0), Some(2_000));
    /// assert_eq!(p.retry_delay(2, None, 0), Some(8_000));
    /// assert_eq!(p.retry_delay(0, Some("30"), 0), Some(30_000));
    /// assert_eq!(p.retry_delay(0, Some("3600"), 0), None);
    /// assert_eq!(p.retry_delay(3, None, 0), None);
    /// ```
    pub fn retry_delay(&self, retry: u32, retry_after: Option<&str>, now_ms: u64) -> Option<u64> {
        if retry >= self.max_retries {
            return None;
        }
        let backoff = self
            .backoff_base_ms
            .saturating_mul(1u64.checked_shl(retry).unwrap_or(u64::MAX))
            .min(self.backoff_max_ms);
        match retry_after.and_then(|v| parse_retry_after(v, now_ms)) {
            Some(wait) if wait > self.backoff_max_ms => None,
            Some(wait) => Some(wait.max(backoff)),
            None => Some(backoff),
        }
    }

    /// How long a product check is cached: a day (by default) when conclusive, not at all when
    /// blocked or errored.
    pub fn check_ttl(&self, check: &Check) -> Ttl {
        if check.health.is_conclusive() {
            Ttl::For {
                ms: self.check_ttl_ms,
            }
        } else {
            Ttl::DoNotCache
        }
    }

    /// How long an expansion is cached: for good when it reached a target or left Amazon
    /// (short links do not change), like a check for a dead or looping link, not at all when
    /// blocked or errored.
    pub fn expansion_ttl(&self, expansion: &Expansion) -> Ttl {
        match expansion.outcome {
            Outcome::Target { .. } | Outcome::NotAmazon { .. } => Ttl::Forever,
            Outcome::NotFound { .. }
            | Outcome::Loop { .. }
            | Outcome::TooManyHops { .. }
            | Outcome::NoRedirect { .. } => Ttl::For {
                ms: self.check_ttl_ms,
            },
            Outcome::Blocked { .. } | Outcome::Error { .. } => Ttl::DoNotCache,
        }
    }
}

impl Default for Policy {
    fn default() -> Policy {
        Policy::DEFAULT
    }
}

/// How long a result may be reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Ttl {
    DoNotCache,
    For { ms: u64 },
    Forever,
}

impl Ttl {
    /// Whether a result stored at `stored_at_ms` with this lifetime is still good at `now_ms`.
    pub fn is_fresh(self, stored_at_ms: u64, now_ms: u64) -> bool {
        match self {
            Ttl::DoNotCache => false,
            Ttl::For { ms } => now_ms >= stored_at_ms && now_ms - stored_at_ms < ms,
            Ttl::Forever => true,
        }
    }
}

/// The cache key of a product check: `linkscope/health/1/check/amazon.de/B08N5WRWNW`.
pub fn check_key(marketplace_domain: &str, asin: Asin) -> String {
    format!("linkscope/health/{CACHE_VERSION}/check/{marketplace_domain}/{asin}")
}

/// The cache key of a short link's expansion: `linkscope/health/1/expand/https://amzn.to/3AbCd`.
pub fn expansion_key(request_url: &str) -> String {
    format!("linkscope/health/{CACHE_VERSION}/expand/{request_url}")
}

/// Milliseconds to wait from a `Retry-After` value: delay-seconds or an HTTP date (IMF-fixdate,
/// `Sun, 06 Nov 1994 08:49:37 GMT`), relative to `now_ms`. `None` when it is neither.
///
/// ```
/// use linkscope::health::policy::parse_retry_after;
/// assert_eq!(parse_retry_after(" 120 ", 0), Some(120_000));
/// assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_767_000), Some(10_000));
/// assert_eq!(parse_retry_after("soon", 0), None);
/// ```
pub fn parse_retry_after(value: &str, now_ms: u64) -> Option<u64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(
            value
                .parse::<u64>()
                .unwrap_or(u64::MAX)
                .saturating_mul(1000),
        );
    }
    let at = http_date_ms(value)?;
    Some(at.saturating_sub(now_ms))
}

/// An IMF-fixdate as milliseconds since the epoch.
fn http_date_ms(value: &str) -> Option<u64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<&str> = value.split_ascii_whitespace().collect();
    let [_weekday, day, month, year, time, "GMT"] = parts[..] else {
        return None;
    };
    let day: u64 = day.parse().ok().filter(|d| (1..=31).contains(d))?;
    let month = MONTHS.iter().position(|m| *m == month)? as u64 + 1;
    let year: u64 = year.parse().ok().filter(|y| (1970..=9999).contains(y))?;
    let hms: Vec<u64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms[..] else {
        return None;
    };
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    // Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil, for years >= 1970).
    let (y, mo) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * mo + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + m) * 60 * 1000 + s * 1000)
}
