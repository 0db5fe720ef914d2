//! Auditing a batch of links against a profile: one verdict per Amazon link, and a summary.

use serde::Serialize;

use crate::classify::{Classifier, Kind, Link};
use crate::ids::TrackingId;
use crate::links::Coverage;
use crate::profile::Profile;

/// What a link means for the user's earnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// Carries the user's tracking ID for its marketplace.
    Mine,
    /// Carries one of the user's IDs, but one for another marketplace: it earns nothing.
    WrongMarketplace,
    /// Carries someone else's tag.
    Foreign,
    /// Carries no tag.
    Untagged,
    /// A short link: its target and tag are unknown without following it.
    Short,
    /// Broken: an invalid ASIN, an empty or invalid tag, conflicting tags.
    Malformed,
}

impl Verdict {
    pub const ALL: [Verdict; 6] = [
        Verdict::Mine,
        Verdict::WrongMarketplace,
        Verdict::Foreign,
        Verdict::Untagged,
        Verdict::Short,
        Verdict::Malformed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Mine => "mine",
            Verdict::WrongMarketplace => "wrongMarketplace",
            Verdict::Foreign => "foreign",
            Verdict::Untagged => "untagged",
            Verdict::Short => "short",
            Verdict::Malformed => "malformed",
        }
    }

    /// Parses the name used in output (`wrongMarketplace`), also accepting `wrong-marketplace`.
    pub fn parse(s: &str) -> Option<Verdict> {
        let folded: String = s
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect::<String>()
            .to_ascii_lowercase();
        Verdict::ALL
            .into_iter()
            .find(|v| v.as_str().to_ascii_lowercase() == folded)
    }
}

/// The verdict on one classified Amazon link; `None` for a link that is not Amazon's.
pub fn verdict(profile: &Profile, link: &Link) -> Option<Verdict> {
    if !link.is_amazon() {
        return None;
    }
    if link.problem.is_some() {
        return Some(Verdict::Malformed);
    }
    let Some(tag) = link.tag.as_deref() else {
        return Some(if link.kind == Kind::Short {
            Verdict::Short
        } else {
            Verdict::Untagged
        });
    };
    let is_users = |id: &TrackingId| id.as_str().eq_ignore_ascii_case(tag);
    let any_of_users = || profile.tracking_ids().any(|(_, id)| is_users(id));
    Some(match link.marketplace {
        Some(m) if profile.tracking_id(m).is_some_and(is_users) => Verdict::Mine,
        // A short link's marketplace is unknown: any of the user's IDs is theirs.
        None if any_of_users() => Verdict::Mine,
        _ if any_of_users() => Verdict::WrongMarketplace,
        _ => Verdict::Foreign,
    })
}

/// One audited Amazon link.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Position of the link in the audited batch.
    pub index: usize,
    pub verdict: Verdict,
    /// Coverage of the link's marketplace; `None` when the marketplace is unknown (short links).
    pub coverage: Option<Coverage>,
    #[serde(flatten)]
    pub link: Link,
}

/// Counts by verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// All Amazon links.
    pub total: usize,
    pub mine: usize,
    pub wrong_marketplace: usize,
    pub foreign: usize,
    pub untagged: usize,
    pub short: usize,
    pub malformed: usize,
}

impl Summary {
    pub fn add(&mut self, v: Verdict) {
        self.total += 1;
        *self.count_mut(v) += 1;
    }

    fn count_mut(&mut self, v: Verdict) -> &mut usize {
        match v {
            Verdict::Mine => &mut self.mine,
            Verdict::WrongMarketplace => &mut self.wrong_marketplace,
            Verdict::Foreign => &mut self.foreign,
            Verdict::Untagged => &mut self.untagged,
            Verdict::Short => &mut self.short,
            Verdict::Malformed => &mut self.malformed,
        }
    }

    pub fn count(&self, v: Verdict) -> usize {
        match v {
            Verdict::Mine => self.mine,
            Verdict::WrongMarketplace => self.wrong_marketplace,
            Verdict::Foreign => self.foreign,
            Verdict::Untagged => self.untagged,
            Verdict::Short => self.short,
            Verdict::Malformed => self.malformed,
        }
    }
}

/// The audit of a batch: findings for the Amazon links only, in input order.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Audit {
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

/// Audits `links` (as found on a page at `base`, when given) against `profile`.
///
/// ```
/// use linkscope::{audit, Profile, Verdict};
/// let p = Profile::from_json(r#"{"version":1,"home":"amazon.com","trackingIds":{"amazon.com":"me-20"}}"#).unwrap();
/// let a = audit(&p, None, ["https://amazon.com/dp/B08N5WRWNW?tag=me-20", "https://example.com/",
///     "https://www.amazon.de/dp/B08N5WRWNW?tag=me-20", "https://amzn.to/3abc"]);
/// let verdicts: Vec<_> = a.findings.iter().map(|f| f.verdict).collect();
/// assert_eq!(verdicts, [Verdict::Mine, Verdict::WrongMarketplace, Verdict::Short]);
/// assert_eq!(a.findings[1].index, 2);
/// assert_eq!(a.summary.total, 3);
/// ```
pub fn audit<'a>(
    profile: &Profile,
    base: Option<&str>,
    links: impl IntoIterator<Item = &'a str>,
) -> Audit {
    let classifier = Classifier::new(base);
    let mut out = Audit::default();
    for (index, input) in links.into_iter().enumerate() {
        let link = classifier.classify(input);
        if let Some(verdict) = verdict(profile, &link) {
            out.summary.add(verdict);
            out.findings.push(Finding {
                index,
                verdict,
                coverage: link.marketplace.map(|m| profile.coverage(m)),
                link,
            });
        }
    }
    out
}
