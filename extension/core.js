// The Rust core, compiled to WebAssembly, with batch helpers. Every surface of the extension
// and the Node tests use the core through this module.
import init, * as wasm from './wasm/linkscope.js';

let ready;

/** Instantiates the core once; `source` (bytes or a URL) defaults to the bundled .wasm. */
export function initCore(source) {
  ready ??= init(source === undefined ? undefined : { module_or_path: source });
  return ready;
}

const NOT_AMAZON = Object.freeze({
  amazon: false, kind: 'notAmazon', marketplace: null, country: null,
  asin: null, tag: null, subtag: null, clean: null, problem: null,
});

const unescape = (s) => s.replace(/\\(.)/g, (_, c) => ({ t: '\t', n: '\n', r: '\r', e: '' })[c] ?? c);
const field = (s) => (s === '' ? null : s.includes('\\') ? unescape(s) : s);

/**
 * Joins links into the one-link-a-line form the core takes. Line breaks inside a link are
 * dropped: URL parsing drops them anyway, so the classification is the same.
 */
function joinLinks(links) {
  return links.map((l) => (l.includes('\n') || l.includes('\r') ? l.replace(/[\r\n]/g, '') : l)).join('\n');
}

/** Classifies many links in one call: an object per link, in order. */
export function classifyBatch(links, base) {
  if (links.length === 0) return [];
  return wasm.classifyPacked(joinLinks(links), base).split('\n').map((line) => {
    if (line === '') return NOT_AMAZON;
    const [kind, marketplace, country, asin, tag, subtag, clean, problem] = line.split('\t').map(field);
    return { amazon: true, kind, marketplace, country, asin, tag, subtag, clean, problem };
  });
}

/** Audits many links against a profile: `{ findings, summary }`, findings for Amazon links only. */
export function auditBatch(profile, links, base) {
  return JSON.parse(wasm.auditJson(profile, joinLinks(links), base));
}

export const {
  marketplaces, generateLinks, affiliateLink, coverage, validateProfile, checkTrackingId, qrPath,
} = wasm;

/** `{ asin, marketplace }` of what a user typed (ASIN, ISBN-13, link without https://), or throws. */
export const { productOf } = wasm;
