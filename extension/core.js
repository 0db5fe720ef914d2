// The Rust core, compiled to WebAssembly, with batch helpers. Every surface of the extension
// and the Node tests use the core through this module. Structured values cross the boundary as
// JSON text; link batches as one UTF-8 buffer written straight into the core's memory, with
// compact numeric records back.
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

// Running out of stack is a RangeError in V8 and an InternalError ("too much recursion") in Firefox.
const isFault = (e) => e instanceof WebAssembly.RuntimeError || e instanceof RangeError || e?.name === 'InternalError';

/**
 * What the core refuses with a reason for the user (a link that cannot be made) comes as an Error
 * whose message is JSON, `{ code, message, ...values }`: thrown on as an Error with the English
 * `message` and the `code` and values, which messages.js `said()` puts in the UI's language.
 */
function refusal(e) {
  if (!(e instanceof Error) || !e.message.startsWith('{"code":')) return e;
  try {
    const { message, ...said } = JSON.parse(e.message);
    return Object.assign(new Error(message), said);
  } catch {
    return e;
  }
}

/** `fn` (one public call into the core) with fault recovery around it. */
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
      throw refusal(e);
    }
  };
}

/** How many times a faulted core was replaced by a fresh instance (for tests and diagnostics). */
export const coreRestarts = () => restarts;

const NOT_AMAZON = Object.freeze({
  amazon: false, kind: 'notAmazon', marketplace: null, country: null,
  asin: null, tag: null, subtag: null, clean: null, problem: null,
});

const encoder = new TextEncoder();
/** What the numbers in the core's batch records stand for, asked once. */
let codes;
/** Words per Amazon link in the core's batch records (see `classify_batch` in src/wasm.rs). */
const RECORD = 6;

/**
 * Links one a line, the form the core reads. Line breaks inside a link are dropped: URL parsing
 * drops them anyway, so the classification is the same.
 */
const asLines = (links) => links.map((l) => (l.includes('\n') || l.includes('\r') ? l.replace(/[\r\n]/g, '') : l)).join('\n');

/**
 * Writes links into the core's batch input, one a line, and returns their length in bytes;
 * `clean`: with line breaks inside links dropped (`asLines`), else as they are.
 */
function writeLinks(links, clean) {
  const text = clean ? asLines(links) : links.join('\n');
  // ASCII takes a byte per UTF-16 unit, anything else at most 3.
  for (const room of [text.length, text.length * 3]) {
    const ptr = wasm.batchInput(room); // may grow the memory: take its buffer after
    const into = new Uint8Array(wasm.coreMemory().buffer, ptr, room);
    const { read, written } = encoder.encodeInto(text, into);
    if (read === text.length) return written;
  }
}

/** Classifies many links in one call: an object per link, in order. */
export const classifyBatch = guarded((links, base) => {
  if (links.length === 0) return [];
  codes ??= JSON.parse(wasm.batchCodes());
  let records = wasm.classifyBatch(writeLinks(links, false), links.length, base);
  // A link held a line break: write them again without.
  if (records[0] === 0xffffffff) records = wasm.classifyBatch(writeLinks(links, true), links.length, base);
  const text = wasm.batchText();
  const out = new Array(links.length).fill(NOT_AMAZON);
  let start = 0;
  const take = (present, bit, end) => {
    const value = present & bit ? text.slice(start, end) : null;
    start = end;
    return value;
  };
  for (let r = 0; r < records.length; r += RECORD) {
    const code = records[r + 1];
    const present = code >>> 16;
    const [marketplace, country] = codes.marketplaces[((code >>> 8) & 0xff) - 1] ?? [null, null];
    out[records[r]] = {
      amazon: true,
      kind: codes.kinds[code & 0xf],
      marketplace,
      country,
      asin: take(present, 1, records[r + 2]),
      tag: take(present, 2, records[r + 3]),
      subtag: take(present, 4, records[r + 4]),
      clean: take(present, 8, records[r + 5]),
      problem: codes.problems[((code >>> 4) & 0xf) - 1] ?? null,
    };
  }
  return out;
});

/** Nesting past which a value is cut to `[]` on its way to the core: deeper than the core reads
 * (src/json.rs), so the core still reports it in its own words, and shallow enough that
 * JSON.stringify never runs out of stack. */
const CUT_DEPTH = 200;

/**
 * The JSON text of a profile for the core. What JSON text cannot carry is an error in words, not
 * dropped silently as JSON.stringify would drop it.
 */
function json(value) {
  const depth = new Map();
  const text = JSON.stringify(value, function (key, v) {
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') {
      throw new TypeError('holds something JSON cannot (a function, a symbol or a BigInt)');
    }
    if (v === null || typeof v !== 'object') return v;
    const d = (depth.get(this) ?? 0) + 1;
    if (d > CUT_DEPTH) return [];
    depth.set(v, d);
    return v;
  });
  return text ?? 'null';
}

/** Audits many links against a profile: `{ findings, summary }`, findings for Amazon links only. */
export const auditBatch = guarded((profile, links, base) => {
  return JSON.parse(wasm.auditJson(json(profile), asLines(links), base));
});

/** `{ marketplaces, shortHosts }`: the one marketplace table. */
export const marketplaces = guarded(() => JSON.parse(wasm.marketplaces()));
/** The tagged link for every marketplace for one product (ASIN or URL). */
export const generateLinks = guarded((profile, input) => JSON.parse(wasm.generateLinks(json(profile), input)));
/** The one link to copy for `input`, for `target` or where the preferences say. */
export const affiliateLink = guarded((profile, input, target) => JSON.parse(wasm.affiliateLink(json(profile), input, target)));
/** Coverage of every marketplace. */
export const coverage = guarded((profile) => JSON.parse(wasm.coverage(json(profile))));
/**
 * Validates a profile without throwing: `{ ok, profile, errors, warnings }`. Text (an imported
 * file) goes to the core as it is, so the core sees a byte order mark and repeated keys.
 */
export const validateProfile = guarded((value) => {
  let text = value;
  if (typeof value !== 'string') {
    try {
      text = json(value);
    } catch (e) {
      return { ok: false, profile: null, errors: [{ field: '(profile)', message: e.message }], warnings: [] };
    }
  }
  return JSON.parse(wasm.validateProfile(text));
});
/** Checks one tracking ID for a marketplace as the user types: `{ error, warning }`. */
export const checkTrackingId = guarded((id, marketplace) => JSON.parse(wasm.checkTrackingId(id, marketplace)));
/** A QR code of `text` as `{ size, path }` (an SVG path), or `null` when the text is too long. */
export const qrPath = guarded((text) => JSON.parse(wasm.qrPath(text)));
/** `{ asin, marketplace }` of what a user typed (ASIN, ISBN-13, link without https://), or throws. */
export const productOf = guarded((input) => JSON.parse(wasm.productOf(input)));

// ---- Live link health (issue 9): the core of src/health; extension/live.js does the fetching.

/** The request policy: `{ perHostConcurrency, minIntervalMs, timeoutMs, maxRedirects, maxRetries, bodyCap, ... }`. */
export const healthPolicy = guarded(() => JSON.parse(wasm.healthPolicy()));
/**
 * What to request for links found on the page at `base`: `{ checks, expansions, links }`, one
 * check per marketplace + ASIN, one expansion per short link; `targets` (the Amazon URL each
 * expansion reached, or null) adds their products' checks.
 */
export const healthPlan = guarded((links, base, targets) =>
  JSON.parse(wasm.healthPlan(asLines(links), base, targets ? targets.map((t) => t ?? '').join('\n') : undefined)));
/** The checks of one product (ASIN or link) in `marketplaces` (domains; every one when empty). */
export const healthAvailability = guarded((input, marketplaces = []) => JSON.parse(wasm.healthAvailability(input, marketplaces.join('\n'))));
/**
 * One step of a short link's expansion, given the answers so far (`[{ status, location }]`) to
 * the URLs it named: `{ next }` (request it without following redirects) or `{ expansion, ttl }`.
 * `failure` (a message) ends it.
 */
export const healthExpandStep = guarded((url, answers, failure) =>
  JSON.parse(wasm.healthExpandStep(url, answers.map((a) => (a.location ? `${a.status} ${a.location.replace(/[\r\n]/g, '')}` : `${a.status}`)).join('\n'), failure)));
/**
 * A scanner of a product page's body: `feed(bytes)` is true once enough is read; `judge(response)`
 * once, or `free()` when the read failed.
 */
export function healthScanner(cap) {
  // The core's number for the scanner, valid in the instance that gave it (not after a restart).
  let id = null;
  let instance;
  guarded(() => {
    id = wasm.healthScanStart(cap);
    instance = restarts;
  })();
  const live = () => id !== null && instance === restarts;
  const free = () => {
    if (live()) wasm.healthScanFree(id);
    id = null;
  };
  return {
    feed: guarded((bytes) => !live() || wasm.healthScanFeed(id, bytes)),
    /** `{ check, retryable, broken, ttl }` for `{ requested, finalUrl, status, location, contentType }`. */
    judge: guarded((r) => {
      try {
        if (!live()) throw new Error(id === null ? 'already judged' : 'the core was restarted');
        return JSON.parse(wasm.healthScanJudge(id, r.requested, r.finalUrl ?? '', r.status, r.location ?? undefined, r.contentType ?? undefined));
      } finally {
        free();
      }
    }),
    free,
  };
}
/** `{ check, retryable, broken, ttl }` for a request with no HTTP answer: `kind` timeout (after `ms`), tooManyRedirects or network. */
export const healthJudgeFailure = guarded((requested, kind, ms, message) => JSON.parse(wasm.healthJudgeFailure(requested, kind, ms, message)));
/** Whether a result stored at `storedAt` with `ttl` (`{ kind, ms }`) is still good at `now` (ms). */
export const healthIsFresh = guarded((ttl, storedAt, now) => wasm.healthIsFresh(ttl.kind, ttl.ms ?? 0, storedAt, now));
/** Milliseconds to wait before retry number `retry` (0 first), honouring `Retry-After`; undefined: give up. */
export const healthRetryDelay = guarded((retry, retryAfter, now) => wasm.healthRetryDelay(retry, retryAfter ?? undefined, now));
