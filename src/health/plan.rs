//! What to request for a set of links: one product check per marketplace + ASIN, one expansion
//! per short link, and for every input link the requests that answer it.

use std::hash::BuildHasher;

use serde::Serialize;

use super::expand::Expansion;
use super::policy::{check_key, expansion_key};
use crate::classify::{Classifier, Kind, Link};
use crate::ids::Asin;
use crate::marketplace::Marketplace;

/// The URL a product check requests: the bare canonical product page, with no `tag`,
/// `linkCode`, `linkId`, `ref` or `ascsubtag`, so a check is never an affiliate click.
///
/// ```
/// use linkscope::health::check_url;
/// use linkscope::{Asin, Marketplace};
/// let m = Marketplace::by_domain("amazon.co.uk").unwrap();
/// assert_eq!(check_url(m, Asin::parse("B08N5WRWNW").unwrap()), "https://www.amazon.co.uk/dp/B08N5WRWNW");
/// ```
pub fn check_url(marketplace: &Marketplace, asin: Asin) -> String {
    format!("{}/dp/{asin}", marketplace.origin())
}

/// The URL an expansion requests for a short link: `https://` + host + path, without any
/// query (a short link's code is its path; a `tag` there must not be sent either). `None` for a
/// link that is not a short link.
///
/// ```
/// use linkscope::{classify, health::plan::expansion_url};
/// assert_eq!(expansion_url(&classify("http://amzn.to/3AbCd?tag=me-20")).as_deref(), Some("https://amzn.to/3AbCd"));
/// ```
pub fn expansion_url(link: &Link) -> Option<String> {
    if link.kind != Kind::Short {
        return None;
    }
    // A short link's clean form is `https://` + its host + its path (as the URL parser writes
    // them) + its query: everything before the `?`.
    let clean = link.clean.as_deref()?;
    Some(
        clean
            .split_once('?')
            .map_or(clean, |(page, _)| page)
            .to_owned(),
    )
}

/// One product check to make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckRequest {
    /// The marketplace's domain.
    pub marketplace: &'static str,
    pub asin: Asin,
    /// What to GET ([`check_url`]).
    pub url: String,
    /// The cache key ([`check_key`]).
    pub key: String,
}

/// One short link to expand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpandRequest {
    /// What to GET without following redirects ([`expansion_url`]).
    pub url: String,
    /// The cache key ([`expansion_key`]).
    pub key: String,
}

/// The requests that answer one input link: indexes into [`Plan::expansions`] and
/// [`Plan::checks`]. A short link gets its check once its expansion is known
/// ([`Plan::add_target`]). Both are `None` for links with nothing to check (not Amazon, not a
/// product, an invalid ASIN).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkRequests {
    pub expansion: Option<usize>,
    pub check: Option<usize>,
}

/// The requests for a set of links, deduplicated, shared by both network layers.
///
/// ```
/// use linkscope::health::Plan;
/// let plan = Plan::new(None, [
///     "https://www.amazon.de/dp/B08N5WRWNW?tag=me-21",
///     "https://amazon.de/Echo/dp/b08n5wrwnw/ref=sr_1_1",
///     "https://amzn.to/3AbCd",
///     "https://amzn.to/3AbCd",
///     "https://example.com/",
/// ]);
/// assert_eq!(plan.checks.len(), 1);
/// assert_eq!(plan.checks[0].url, "https://www.amazon.de/dp/B08N5WRWNW");
/// assert_eq!(plan.expansions.len(), 1);
/// assert_eq!(plan.links[1].check, Some(0));
/// assert_eq!(plan.links[3].expansion, Some(0));
/// assert_eq!(plan.links[4].check, None);
/// ```
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub checks: Vec<CheckRequest>,
    pub expansions: Vec<ExpandRequest>,
    /// One entry per input link, in input order.
    pub links: Vec<LinkRequests>,
    /// Where each request is in `checks` or `expansions`, by its cache key (the two kinds of
    /// key never meet: `…/check/…` and `…/expand/…`).
    #[serde(skip)]
    index: Index,
}

/// The index of a [`Plan`]'s requests by key: open addressing with linear probing, at most half
/// full, over slots that are 0 (empty) or 1 + twice the index of a check, or of an expansion
/// plus one. The keys stay in the requests. In the .wasm 2.0 KB smaller (1.2 KB gzipped) than
/// std's `HashMap` (issue 11).
#[derive(Debug, Clone, Default)]
struct Index {
    slots: Vec<usize>,
    hasher: IndexHasher,
}

/// The hasher of [`Plan`]'s index. In the .wasm std has no random source, so its SipHash keys
/// are predictable there anyway: plain FNV-1a does as well with 1 KB less code. Natively std's
/// randomly keyed SipHash stays.
#[cfg(target_arch = "wasm32")]
type IndexHasher = std::hash::BuildHasherDefault<fnv::Fnv>;
#[cfg(not(target_arch = "wasm32"))]
type IndexHasher = std::collections::hash_map::RandomState;

#[cfg(target_arch = "wasm32")]
mod fnv {
    /// FNV-1a, 64 bits.
    pub struct Fnv(u64);

    impl Default for Fnv {
        fn default() -> Fnv {
            Fnv(0xcbf2_9ce4_8422_2325)
        }
    }

    impl std::hash::Hasher for Fnv {
        fn write(&mut self, bytes: &[u8]) {
            for &b in bytes {
                self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }

        fn finish(&self) -> u64 {
            self.0
        }
    }
}

impl Plan {
    /// The plan for `links` as found on the page at `base` (when given), classified as the
    /// audit classifies them.
    pub fn new<'a>(base: Option<&str>, links: impl IntoIterator<Item = &'a str>) -> Plan {
        let classifier = Classifier::new(base);
        let mut plan = Plan::default();
        for input in links {
            plan.add_link(&classifier.classify(input));
        }
        plan
    }

    /// The checks of one product in each of `marketplaces` (the popup's availability table).
    pub fn availability(
        asin: Asin,
        marketplaces: impl IntoIterator<Item = &'static Marketplace>,
    ) -> Plan {
        let mut plan = Plan::default();
        for m in marketplaces {
            plan.add_check(m, asin);
        }
        plan
    }

    /// Adds one link already classified (as the audit has it) after those planned so far, and
    /// returns its requests, also at the end of [`Plan::links`].
    pub fn add_link(&mut self, link: &Link) -> &LinkRequests {
        let requests = match (link.kind, link.marketplace, link.asin) {
            (Kind::Product, Some(m), Some(asin)) => LinkRequests {
                expansion: None,
                check: Some(self.add_check(m, asin)),
            },
            (Kind::Short, ..) => LinkRequests {
                expansion: expansion_url(link).map(|url| self.add_expansion(url)),
                check: None,
            },
            _ => LinkRequests::default(),
        };
        self.links.push(requests);
        &self.links[self.links.len() - 1]
    }

    /// The index of the check of `asin` in `marketplace`, added when new.
    pub fn add_check(&mut self, marketplace: &'static Marketplace, asin: Asin) -> usize {
        let key = check_key(marketplace.domain, asin);
        let slot = self.slot(&key);
        match self.index.slots[slot] {
            0 => {
                self.checks.push(CheckRequest {
                    marketplace: marketplace.domain,
                    asin,
                    url: check_url(marketplace, asin),
                    key,
                });
                self.index.slots[slot] = 2 * self.checks.len() - 1;
                self.checks.len() - 1
            }
            s => (s - 1) / 2,
        }
    }

    fn add_expansion(&mut self, url: String) -> usize {
        let key = expansion_key(&url);
        let slot = self.slot(&key);
        match self.index.slots[slot] {
            0 => {
                self.expansions.push(ExpandRequest { key, url });
                self.index.slots[slot] = 2 * self.expansions.len();
                self.expansions.len() - 1
            }
            s => (s - 1) / 2,
        }
    }

    /// The key of the request in a slot of the index (`None` for one not in the plan).
    fn key(&self, slot: usize) -> Option<&str> {
        let i = (slot - 1) / 2;
        if slot % 2 == 1 {
            self.checks.get(i).map(|c| c.key.as_str())
        } else {
            self.expansions.get(i).map(|e| e.key.as_str())
        }
    }

    /// The slot of the index that holds `key`, or the empty one where it goes, with room made
    /// for one more request.
    fn slot(&mut self, key: &str) -> usize {
        let len = self.checks.len() + self.expansions.len();
        if 2 * (len + 1) > self.index.slots.len() {
            self.index.slots = vec![0; (4 * (len + 1)).next_power_of_two()];
            let requests = (1..=self.checks.len())
                .map(|i| 2 * i - 1)
                .chain((1..=self.expansions.len()).map(|i| 2 * i));
            for request in requests {
                let slot = self.find(self.key(request).unwrap_or_default());
                self.index.slots[slot] = request;
            }
        }
        self.find(key)
    }

    /// Where `key` is in the index, or the first empty slot after it (there is always one).
    fn find(&self, key: &str) -> usize {
        let slots = &self.index.slots;
        let mask = slots.len() - 1;
        let mut i = self.index.hasher.hash_one(key) as usize & mask;
        while slots[i] != 0 && self.key(slots[i]) != Some(key) {
            i = (i + 1) & mask;
        }
        i
    }

    /// Records the result of expansion `index`: when its target is a product, adds that
    /// product's check (deduplicated against all others) to every link that used the
    /// expansion, and returns the check's index.
    pub fn add_target(&mut self, index: usize, expansion: &Expansion) -> Option<usize> {
        let target = expansion.target()?;
        let (Kind::Product, Some(m), Some(asin)) = (target.kind, target.marketplace, target.asin)
        else {
            return None;
        };
        let check = self.add_check(m, asin);
        for link in &mut self.links {
            if link.expansion == Some(index) {
                link.check = Some(check);
            }
        }
        Some(check)
    }
}
