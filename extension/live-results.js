// What a live check's answers mean for the user's links (issue 9), asked of the core: a short
// link's verdict is its target's; an availability row offers the user's tagged product link, or
// where the marketplace doesn't carry the product a tagged search for its title, and never an
// untagged link (the core refuses where no tracking ID of the user's earns: then no link at all).
import { auditBatch, affiliateLink, coverage } from './core.js';

/** The audit finding of a short link's target (its verdict is the short link's now), or null. */
export function targetFinding(profile, target) {
  return target ? auditBatch(profile, [target]).findings[0] ?? null : null;
}

/** The marketplaces an availability check asks: those the profile earns in, or all (`[]`). */
export const availabilityDomains = (profile, all) =>
  (all ? [] : coverage(profile).filter((c) => c.coverage !== 'none').map((c) => c.marketplace));

/** A search on a marketplace for `words`, tagged as the core tags any store page; null when no ID of the user's earns there. */
function taggedSearch(profile, domain, words) {
  try {
    return affiliateLink(profile, `https://www.${domain}/s?k=${encodeURIComponent(words)}`, domain).url;
  } catch {
    return null;
  }
}

/** Whether a check says the marketplace doesn't carry the product (a merged listing still does). */
const missing = (health) => health.kind === 'notFound' || (health.kind === 'redirected' && health.to !== 'product');

/**
 * One availability row, `{ marketplace, health, title, url, search, why }`, for the check of
 * `input` in `marketplace`; `words`: what to search for where the product is missing.
 */
export function availabilityRow(profile, input, { marketplace, check }, words) {
  const search = missing(check.health);
  let url = null;
  if (search) url = taggedSearch(profile, marketplace, words);
  else {
    try {
      url = affiliateLink(profile, input, marketplace).url;
    } catch {} // not covered: no link
  }
  return { marketplace, health: check.health, title: check.title ?? null, url, search, why: check.why };
}

/** The product's title from any marketplace that showed it, else its ASIN: what a search looks for. */
export const searchWords = (found, input) => found.map((r) => r.check.title).find(Boolean) ?? found[0]?.check.asin ?? String(input);
