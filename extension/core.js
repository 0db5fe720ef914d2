// The Rust core, compiled to WebAssembly, with batch helpers. Every surface of the extension
// and the Node tests use the core through this module.
import init, * as wasm from './wasm/linkscope.js';

let ready;

/** Instantiates the core once; `source` (bytes or a URL) defaults to the bundled .wasm. */
export function initCore(source) {
  ready ??= init(source === undefined ? undefined : { module_or_path: source });
  return ready;
}

// A WebAssembly instance that traps, or whose call runs out of stack, is left as it was at that
// moment: its stack pointer and heap are not unwound, and later calls may fault on every input.
// The faulting call throws as usual; the next call first starts a fresh instance of the already
// compiled module (synchronously: the core keeps no state between calls), so one bad input
// never leaves the core broken until a reload.
let poisoned = false;
let restarts = 0;

const isFault = (e) => e instanceof WebAssembly.RuntimeError || e instanceof RangeError;

/** `fn` (a core call) with fault recovery around it. */
function guarded(fn) {
  return (...args) => {
    if (poisoned) {
      wasm.__wbg_reset_state();
      poisoned = false;
      restarts += 1;
    }
    try {
      return fn(...args);
    } catch (e) {
      if (isFault(e)) poisoned = true;
      throw e;
    }
  };
}

/** How many times a faulted core was replaced by a fresh instance (for tests and diagnostics). */
export const coreRestarts = () => restarts;

const core = Object.fromEntries(
  ['classifyPacked', 'auditJson', 'marketplaces', 'generateLinks', 'affiliateLink', 'coverage',
    'validateProfile', 'checkTrackingId', 'qrPath'].map((name) => [name, guarded(wasm[name])]),
);

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
  return core.classifyPacked(joinLinks(links), base).split('\n').map((line) => {
    if (line === '') return NOT_AMAZON;
    const [kind, marketplace, country, asin, tag, subtag, clean, problem] = line.split('\t').map(field);
    return { amazon: true, kind, marketplace, country, asin, tag, subtag, clean, problem };
  });
}

/** Audits many links against a profile: `{ findings, summary }`, findings for Amazon links only. */
export function auditBatch(profile, links, base) {
  return JSON.parse(core.auditJson(profile, joinLinks(links), base));
}

export const {
  marketplaces, generateLinks, affiliateLink, coverage, validateProfile, checkTrackingId, qrPath,
} = core;
