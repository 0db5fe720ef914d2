// Live link health (issue 9), the service worker's network layer. Only on an explicit user action
// (a button, a menu item), never in the background: nothing here runs unless a caller asks. The
// core (src/health, through core.js) says what to request, when to stop reading and what the
// answer means; this module fetches: with no cookies or credentials, at most a few requests per
// host at a time and spaced out, retrying rate limits and server errors after the core's delay,
// reading a body only until the core has seen enough, caching answers in chrome.storage.local for
// as long as the core says, and stopping everything on Cancel.
//
// Short links are expanded without ever loading their (tagged) target: each hop is fetched with
// `redirect: 'manual'`, which stops at the redirect, and its status and `Location` are read from
// `webRequest.onHeadersReceived` (observing only, for the short-link hosts, while an expansion
// runs): a manual redirect's response hides them from fetch itself. A product check follows
// redirects (a merged listing moves to its new ASIN); the hops it takes are counted through
// `webRequest.onBeforeRedirect` (observing only, while the check runs), because fetch gives up on a
// redirect loop with the same error as on a dropped connection, and a loop is not worth retrying.
import {
  marketplaces, healthPolicy, healthPlan, healthAvailability, healthExpandStep, healthScanner,
  healthJudgeFailure, healthIsFresh, healthRetryDelay,
} from './core.js';

// ---- Permissions -------------------------------------------------------------------------------

/**
 * What a check may reach, from the core's table: each store's domain (checks ask its `www.` host;
 * Amazon may redirect to the bare one) and each short-link host, over https. Not the stores'
 * alternative domains (amazon.jp): a check never asks them.
 */
export function hostPatterns() {
  const { marketplaces: stores, shortHosts } = marketplaces();
  return [...stores.map((m) => `https://*.${m.domain}/*`), ...shortHosts.map((s) => `https://${s.host}/*`)];
}

const shortPatterns = () => marketplaces().shortHosts.map((s) => `https://${s.host}/*`);

/** What a live check needs: the optional host permissions and observing short links' redirects. */
export const livePermissions = () => ({ permissions: ['webRequest'], origins: hostPatterns() });

/** Whether the user has granted what a live check needs. */
export const permitted = () => chrome.permissions.contains(livePermissions());

// ---- Policy, tunable by tests ------------------------------------------------------------------

let overrides = {};
const policy = () => ({ ...healthPolicy(), ...overrides });

/** Changes the request policy for this worker's life (tests: a shorter interval). */
export function setPolicy(changes) {
  overrides = { ...changes };
  return policy();
}

// ---- Cache ---------------------------------------------------------------------------------------

async function fromCache(key) {
  const entry = (await chrome.storage.local.get(key))[key];
  return entry && healthIsFresh(entry.ttl, entry.at, Date.now()) ? entry.value : undefined;
}

async function toCache(key, value, ttl) {
  if (ttl.kind !== 'doNotCache') await chrome.storage.local.set({ [key]: { value, ttl, at: Date.now() } });
}

/** Forgets every cached result (keys start as the core makes them: `linkscope/health/…`). */
export async function clearCache() {
  const keys = Object.keys(await chrome.storage.local.get(null)).filter((k) => k.startsWith('linkscope/health/'));
  await chrome.storage.local.remove(keys);
  return keys.length;
}

// ---- Politeness: per-host concurrency and spacing ----------------------------------------------

const hosts = new Map(); // host -> { active, last, queue, timer }

/** Waits for a turn at `host`; resolves to the function that ends it. */
function turn(host, signal) {
  if (!hosts.has(host)) hosts.set(host, { active: 0, last: -Infinity, queue: [], timer: 0 });
  const h = hosts.get(host);
  return new Promise((resolve, reject) => {
    const waiter = { resolve, reject };
    h.queue.push(waiter);
    signal.addEventListener('abort', () => {
      const i = h.queue.indexOf(waiter);
      if (i >= 0) h.queue.splice(i, 1);
      reject(signal.reason);
    }, { once: true });
    next(h);
  });
}

function next(h) {
  const p = policy();
  if (h.timer || h.queue.length === 0 || h.active >= p.perHostConcurrency) return;
  const wait = h.last + p.minIntervalMs - Date.now();
  if (wait > 0) {
    h.timer = setTimeout(() => {
      h.timer = 0;
      next(h);
    }, wait);
    return;
  }
  h.active += 1;
  h.last = Date.now();
  let ended = false;
  h.queue.shift().resolve(() => {
    if (ended) return;
    ended = true;
    h.active -= 1;
    next(h);
  });
  next(h);
}

/** Resolves after `ms`, or rejects when `signal` aborts first. */
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/**
 * Fetches `url` in a turn at its host, with the policy's timeout and the run's Cancel; `use(res)`
 * reads the response within the same turn and timeout. Throws `{ failure }` on a transport error.
 */
async function fetchPolitely(url, init, run, use, beforeFetch = () => {}) {
  const release = await turn(new URL(url).host, run.signal);
  beforeFetch();
  const ctrl = new AbortController();
  const cancel = () => ctrl.abort();
  run.signal.addEventListener('abort', cancel);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctrl.abort();
  }, policy().timeoutMs);
  run.requests += 1;
  try {
    const res = await fetch(url, { ...init, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer', signal: ctrl.signal });
    return await use(res, ctrl);
  } catch (e) {
    if (run.signal.aborted) throw run.signal.reason;
    throw { failure: timedOut ? 'timeout' : 'network', message: e?.message ?? String(e) };
  } finally {
    clearTimeout(timer);
    run.signal.removeEventListener('abort', cancel);
    release();
  }
}

// ---- Awake while checks run ---------------------------------------------------------------------

// Firefox suspends its event page after 30 s without an extension event or a call into the
// browser's extension APIs (`extensions.background.idle.timeout`), requests in flight or not, and
// the check is lost with it; Chrome's service worker has the same rule. A check can be silent for
// longer: a `Retry-After` of up to a minute, or a host timing out and retried. While any check
// runs, a cheap API call every few seconds resets that timer (tests: `keepAwakeMs` in the policy).
const KEEP_AWAKE_MS = 10_000;
let awakeRuns = 0;
let awakeTimer = 0;

/** Resolves as `work` (a promise) does, keeping the event page or worker awake until then. */
async function awake(work) {
  if (awakeRuns++ === 0) awakeTimer = setInterval(() => chrome.runtime.getPlatformInfo(), policy().keepAwakeMs ?? KEEP_AWAKE_MS);
  try {
    return await work;
  } finally {
    if (--awakeRuns === 0) clearInterval(awakeTimer);
  }
}

// ---- Observing the extension's own requests ------------------------------------------------------

const observers = new Map(); // listener -> { users, ready }

/**
 * Runs `work()` with `listener` on the webRequest `event` (observing the extension's own requests,
 * `tabId: -1`, to `urls`), added for the first caller, once the browser has taken it, and removed
 * after the last.
 */
async function observing(event, listener, urls, extra, work) {
  if (!observers.has(listener)) {
    event.addListener(listener, { urls, tabId: -1 }, ...extra);
    // A round trip to the browser, which takes the listener in order before it answers: the
    // requests made after it are seen.
    observers.set(listener, { users: 0, ready: chrome.runtime.getPlatformInfo() });
  }
  const o = observers.get(listener);
  o.users += 1;
  try {
    await o.ready;
    return await work();
  } finally {
    if (--o.users === 0) {
      observers.delete(listener);
      event.removeListener(listener);
    }
  }
}

// ---- Redirects followed by a product check -------------------------------------------------------

// The Fetch standard's limit: after 20 redirects, fetch fails as on a network error.
const FETCH_REDIRECT_LIMIT = 20;
const chains = new Map(); // URL on a check's redirect chain -> the chains ({ hops, seen, looped }) through it

function onRedirect({ url, redirectUrl }) {
  for (const chain of chains.get(url) ?? []) {
    chain.hops += 1;
    if (chain.seen.has(redirectUrl)) chain.looped = true;
    chain.seen.add(redirectUrl);
    if (!chains.has(redirectUrl)) chains.set(redirectUrl, new Set());
    chains.get(redirectUrl).add(chain);
  }
}

/**
 * Runs `work(chain)` while following the redirects that a request of `url` takes: `chain.hops`
 * counts them, `chain.looped` says one came back to a URL of the chain (where webRequest is not
 * available, neither is known).
 */
async function followingRedirects(url, work) {
  const chain = { hops: 0, seen: new Set([url]), looped: false };
  if (!chrome.webRequest) return work(chain);
  if (!chains.has(url)) chains.set(url, new Set());
  chains.get(url).add(chain);
  try {
    return await observing(chrome.webRequest.onBeforeRedirect, onRedirect, hostPatterns(), [], () => work(chain));
  } finally {
    for (const u of chain.seen) {
      chains.get(u)?.delete(chain);
      if (chains.get(u)?.size === 0) chains.delete(u);
    }
  }
}

// ---- Product checks ------------------------------------------------------------------------------

/** One GET of a bare product URL, read until the core has seen enough: `{ check, retryable, ttl, retryAfter }`. */
const checkOnce = (url, run) => followingRedirects(url, (chain) => checkFollowing(url, run, chain));

async function checkFollowing(url, run, chain) {
  const p = policy();
  try {
    return await fetchPolitely(url, { redirect: 'follow' }, run, async (res, ctrl) => {
      const scanner = healthScanner(p.bodyCap);
      const reader = res.body?.getReader();
      try {
        while (reader) {
          const { done, value } = await reader.read();
          if (done || scanner.feed(value)) break;
        }
      } catch (e) {
        scanner.free();
        throw e;
      }
      ctrl.abort(); // enough read: the rest of the page is never downloaded
      const judged = scanner.judge({ requested: url, finalUrl: res.url, status: res.status, contentType: res.headers.get('content-type') });
      return { ...judged, retryAfter: res.headers.get('retry-after') };
    });
  } catch (e) {
    if (!e?.failure) throw e;
    const loop = chain.looped || chain.hops >= FETCH_REDIRECT_LIMIT;
    const failure = e.failure === 'network' && loop ? 'tooManyRedirects' : e.failure;
    return healthJudgeFailure(url, failure, p.timeoutMs, e.message);
  }
}

/** The check of a planned request (`{ url, key }`), from the cache or from Amazon, retried as the core says. */
async function check(req, run) {
  const hit = await fromCache(req.key);
  if (hit) {
    run.cached += 1;
    return hit;
  }
  for (let retry = 0; ; retry++) {
    const judged = await checkOnce(req.url, run);
    const delay = judged.retryable ? healthRetryDelay(retry, judged.retryAfter, Date.now()) : undefined;
    if (delay === undefined) {
      await toCache(req.key, judged.check, judged.ttl);
      return judged.check;
    }
    run.retries += 1;
    await sleep(delay, run.signal);
  }
}

// ---- Short links -----------------------------------------------------------------------------------

const hops = new Map(); // URL being requested -> the resolvers of those waiting for its answer

function onHeaders(details) {
  const waiting = hops.get(details.url);
  if (!waiting) return;
  hops.delete(details.url);
  const location = details.responseHeaders?.find((h) => h.name.toLowerCase() === 'location')?.value ?? null;
  for (const resolve of waiting) resolve({ status: details.statusCode, location });
}

/** Observes short-link hosts' answers while `work` runs (nothing is blocked or changed). */
async function observingRedirects(work) {
  if (!chrome.webRequest) throw new Error('webRequest is not granted');
  return observing(chrome.webRequest.onHeadersReceived, onHeaders, shortPatterns(), [['responseHeaders']], work);
}

/** One hop of a short link, without following it: `{ status, location }`. */
async function hop(url, run) {
  let resolve;
  const seen = new Promise((r) => (resolve = r));
  const forget = () => {
    const waiting = hops.get(url)?.filter((r) => r !== resolve);
    if (waiting?.length) hops.set(url, waiting);
    else hops.delete(url);
  };
  try {
    return await fetchPolitely(url, { redirect: 'manual' }, run, async (res, ctrl) => {
      ctrl.abort(); // nothing of a short link's body is needed
      if (res.type !== 'opaqueredirect') return { status: res.status, location: null };
      const timeout = sleep(policy().timeoutMs, run.signal).then(() => ({ status: 0, location: null }));
      return Promise.race([seen, timeout]);
    }, () => {
      // Waiting from before the request: the event may come before fetch resolves.
      if (!hops.has(url)) hops.set(url, []);
      hops.get(url).push(resolve);
    });
  } finally {
    forget();
  }
}

/** The expansion of a planned short link (`{ url, key }`): from the cache, or hop by hop. */
async function expand(req, run) {
  const hit = await fromCache(req.key);
  if (hit) {
    run.cached += 1;
    return hit;
  }
  const answers = [];
  let failure;
  for (;;) {
    const step = healthExpandStep(req.url, answers, failure);
    if (step.expansion) {
      // `health`: the core's state for a chain that did not reach a product (null when it did).
      const expansion = { ...step.expansion, health: step.health ?? null };
      await toCache(req.key, expansion, step.ttl);
      return expansion;
    }
    try {
      const answer = await hop(step.next, run);
      if (answer.status === 0) failure = 'no answer from the short-link host';
      else answers.push(answer);
    } catch (e) {
      if (!e?.failure) throw e;
      failure = e.message;
    }
  }
}

// ---- Runs ----------------------------------------------------------------------------------------------

/** A run of requests that Cancel stops: `{ signal, cancel(), requests, cached, retries }`. */
export function newRun() {
  const ctrl = new AbortController();
  return {
    signal: ctrl.signal,
    cancel: () => ctrl.abort(new DOMException('Cancelled', 'AbortError')),
    requests: 0,
    cached: 0,
    retries: 0,
  };
}

/**
 * Checks links found on the page at `base`: expands the short links and checks each distinct
 * product once (the core's plan; a short link's target shares the check of the same product).
 * `onStart(total)` gets the number of links with something to check; `onResult(index, result)`
 * is called once per checkable link as soon as it is known, `result` being
 * `{ health, title, target, why }` (`health` as the core gives it, or null for a short link to an
 * Amazon page that is not a product). Resolves to `{ total, results }` by link index.
 */
export async function checkLinks(links, base, run, { onStart = () => {}, onResult = () => {} } = {}) {
  const plan = healthPlan(links, base);
  const results = new Array(links.length);
  const total = plan.links.filter((l) => l.check !== null || l.expansion !== null).length;
  onStart(total);
  const memo = new Map(); // cache key -> the check's promise
  const checkOf = (req) => {
    if (!memo.has(req.key)) memo.set(req.key, check(req, run));
    return memo.get(req.key);
  };
  const done = (i, result) => {
    results[i] = result;
    onResult(i, result);
  };
  const result = (found, target) => ({ health: found.health, title: found.title ?? null, target, why: found.why });
  const direct = plan.links.map(async (l, i) => {
    if (l.check !== null) done(i, result(await checkOf(plan.checks[l.check]), null));
  });
  const short = plan.expansions.length === 0 ? [] : [observingRedirects(() => Promise.all(plan.expansions.map(async (req, e) => {
    const expansion = await expand(req, run);
    const target = expansion.outcome.url ?? null;
    const { health } = expansion;
    const [targetCheck] = health ? [] : healthPlan([target]).checks;
    const found = targetCheck ? result(await checkOf(targetCheck), target) : { health, title: null, target, why: expansion.outcome.kind };
    plan.links.forEach((l, i) => l.expansion === e && done(i, found));
  })))];
  await awake(Promise.all([...direct, ...short]));
  return { total, results };
}

/** Expands one short link (any URL the core reads as one): the expansion, or null for other links. */
export async function expandLink(url, run) {
  const plan = healthPlan([url]);
  if (plan.expansions.length === 0) return null;
  return awake(observingRedirects(() => expand(plan.expansions[0], run)));
}

/**
 * Checks one product (ASIN or link) in `domains` (every marketplace when empty): resolves to
 * `[{ marketplace, check }]` in the order given; `onResult` as each arrives.
 */
export async function checkAvailability(input, domains, run, onResult = () => {}) {
  const plan = healthAvailability(input, domains);
  return awake(Promise.all(plan.checks.map(async (req) => {
    const found = { marketplace: req.marketplace, check: await check(req, run) };
    onResult(found);
    return found;
  })));
}
