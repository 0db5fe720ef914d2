// The service worker: context menus, the keyboard command, classification for the page overlay,
// and copying. It may be stopped at any time, so every listener is registered at the top level,
// waits for the one `ready` promise, and reads state from chrome.storage, never from globals.
import { initCore, auditBatch, affiliateLink, marketplaces, coverage, classifyBatch } from './core.js';
import { targetFinding, availabilityDomains, availabilityRow, searchWords } from './live-results.js';
import { loadSettings, saveProfile, STORAGE_KEY } from './settings.js';
import { MSG, t, said } from './messages.js';
import { validateImport, describeErrors } from './import.js';
import { permitted, newRun, checkLinks, expandLink, checkAvailability, setPolicy, clearCache } from './live.js';

const workerStart = performance.now();
const ready = initCore().then(() => ({ coreReadyMs: performance.now() - workerStart }));

// ---- Copying -----------------------------------------------------------------------------

async function writeClipboard(text) {
  // Firefox runs this file as an event page, which has a clipboard of its own.
  if (!chrome.offscreen) return navigator.clipboard.writeText(text);
  if (!(await chrome.offscreen.hasDocument())) {
    await chrome.offscreen
      .createDocument({
        url: 'offscreen.html',
        reasons: ['CLIPBOARD'],
        justification: 'Copy the affiliate link the user asked for.',
      })
      .catch((e) => {
        if (!String(e.message).includes('single offscreen')) throw e;
      });
  }
  const reply = await chrome.runtime.sendMessage({ target: 'offscreen', type: MSG.clipboardWrite, text });
  if (!reply?.ok) throw new Error(t('copyFailed'));
}

/** Copies the affiliate link for `url` (for `marketplace`, or where the preferences say). */
async function copyAffiliateLink(url, { tabId, marketplace } = {}) {
  await ready;
  const { settings } = await loadSettings();
  let link;
  try {
    link = affiliateLink(settings.profile, url, marketplace ?? undefined);
  } catch (e) {
    // Most refusals are fixed in the options (a missing tracking ID, OneLink): offer the way there.
    const why = said(e);
    await toast(tabId, { title: t('copyNotPossible'), text: why, optionsButton: true });
    throw new Error(why, { cause: e });
  }
  await writeClipboard(link.url);
  await toast(tabId, { title: t('copied'), text: link.url });
  return link.url;
}

// ---- Page inspection ---------------------------------------------------------------------

const OVERLAY_FILES = ['counts.js', 'overlay-geometry.js', 'overlay-paint.js', 'overlay-layer.js', 'overlay-panel.js', 'overlay.js']; // in this order

/** Shows the overlay in a tab; resolves to `{ links, summary }` in document order. */
async function inspect(tabId) {
  await chrome.scripting.executeScript({ target: { tabId }, files: OVERLAY_FILES });
  const [{ result }] = await chrome.scripting.executeScript({
    target: { tabId },
    func: () => globalThis.linkscopeOverlay.show(),
  });
  return result;
}

/** Counts the Amazon links of a tab by verdict, without showing anything on the page. */
async function pageSummary(tabId) {
  await chrome.scripting.executeScript({ target: { tabId }, files: OVERLAY_FILES });
  const [{ result }] = await chrome.scripting.executeScript({
    target: { tabId },
    func: () => globalThis.linkscopeOverlay.collect(),
  });
  await ready;
  const { settings } = await loadSettings();
  return auditBatch(settings.profile, result.links, result.page).summary;
}

/** A short message in the page (its own shadow root), e.g. "Copied" with the link. */
async function toast(tabId, message) {
  if (tabId === undefined || tabId < 0) return;
  await chrome.scripting
    .executeScript({ target: { tabId }, files: ['toast.js'] })
    .then(() =>
      chrome.scripting.executeScript({
        target: { tabId },
        func: (m) => globalThis.linkscopeToast(m),
        args: [{ ...message, optionsLabel: t('openOptions'), grantLabel: t('liveGrantButton'), closeLabel: t('close') }],
      }),
    )
    .catch(() => {}); // Pages the extension may not touch (chrome://, the store) get no toast.
}

// ---- Settings ----------------------------------------------------------------------------

/** The options page's import, callable by tests: rejects invalid input, saves valid input. */
async function importSettings(json) {
  await ready;
  const checked = validateImport(json);
  if (!checked.ok) throw new Error(describeErrors(checked.errors).join('\n'));
  await saveProfile(checked.profile);
  return checked.profile;
}

// ---- Context menus -----------------------------------------------------------------------

/** Match patterns for every store and short-link host, from the core's table. */
function linkPatterns() {
  const { marketplaces: stores, shortHosts } = marketplaces();
  const domains = stores.flatMap((m) => [m.domain, ...m.altDomains]);
  return [...domains.map((d) => `*://*.${d}/*`), ...shortHosts.map((s) => `*://${s.host}/*`)];
}

function productPagePatterns() {
  const { marketplaces: stores } = marketplaces();
  const paths = ['/dp/*', '/*/dp/*', '/gp/product/*', '/gp/aw/d/*'];
  return stores.flatMap((m) => [m.domain, ...m.altDomains]).flatMap((d) => paths.map((p) => `*://*.${d}${p}`));
}

async function buildMenus() {
  await ready;
  const { settings } = await loadSettings();
  const covered = coverage(settings.profile).filter((c) => c.coverage !== 'none');
  await chrome.contextMenus.removeAll();
  const targetUrlPatterns = linkPatterns();
  chrome.contextMenus.create({ id: 'copy', title: t('menuCopy'), contexts: ['link'], targetUrlPatterns });
  if (covered.length > 0) {
    chrome.contextMenus.create({ id: 'copy-for', title: t('menuCopyFor'), contexts: ['link'], targetUrlPatterns });
    for (const c of covered) {
      const how = c.coverage === 'direct' ? t('coverageDirect') : t('coverageOnelink');
      chrome.contextMenus.create({
        id: `copy-for:${c.marketplace}`,
        parentId: 'copy-for',
        title: `${c.name} (${c.marketplace}), ${how}`,
        contexts: ['link'],
        targetUrlPatterns,
      });
    }
  }
  chrome.contextMenus.create({
    id: 'copy-page',
    title: t('menuCopyPage'),
    contexts: ['page'],
    documentUrlPatterns: productPagePatterns(),
  });
  chrome.contextMenus.create({ id: 'inspect', title: t('menuInspect'), contexts: ['page', 'link'] });
}

async function onMenuClick(info, tab) {
  const tabId = tab?.id;
  const id = String(info.menuItemId);
  if (id === 'copy') return (await isShort(info.linkUrl)) ? copyShortLink(info.linkUrl, { tabId }) : copyAffiliateLink(info.linkUrl, { tabId });
  if (id.startsWith('copy-for:')) return copyAffiliateLink(info.linkUrl, { tabId, marketplace: id.slice('copy-for:'.length) });
  if (id === 'copy-page') return copyAffiliateLink(info.pageUrl, { tabId });
  if (id === 'inspect') return inspect(tabId);
}

// ---- Live checks (issue 9): only on the user's action, only to Amazon, never with the tag ----

/** Opens the page that explains what a live check reaches, then asks the browser (from its button). */
async function openGrant(then = {}) {
  const query = new URLSearchParams(Object.entries(then).filter(([, v]) => v !== undefined)).toString();
  await chrome.windows.create({ url: `grant.html${query ? `?${query}` : ''}`, type: 'popup', width: 480, height: 520 });
}

const isShort = (url) => ready.then(() => classifyBatch([url])[0].kind === 'short');

/**
 * Checks links (found on the page `page`) for the overlay: `post` gets `{ type: 'start', total }`,
 * then `{ type: 'result', index, state, health, title, target, finding, why }` per link as it
 * comes. Resolves to `{ needsPermission }` or `{ requests, cached, retries, total }`.
 */
async function liveCheck(links, page, run, post) {
  await ready;
  if (!(await permitted())) return { needsPermission: true };
  const { settings } = await loadSettings();
  const { total } = await checkLinks(links, page, run, {
    onStart: (n) => post({ type: 'start', total: n }),
    onResult: (index, r) => post({
      type: 'result', index, state: r.health?.kind ?? null, ...r, finding: targetFinding(settings.profile, r.target),
    }),
  });
  return { total, requests: run.requests, cached: run.cached, retries: run.retries };
}

/** The overlay's live-check port: `{ type: 'check', links, page }`, `{ type: 'cancel' }`; closing it cancels. */
function serveLivePort(port) {
  const run = newRun();
  port.onDisconnect.addListener(() => run.cancel());
  port.onMessage.addListener((msg) => {
    if (msg?.type === 'cancel') run.cancel();
    if (msg?.type === 'grant') openGrant({ tab: port.sender?.tab?.id }).catch(() => {});
    if (msg?.type !== 'check') return;
    const post = (m) => {
      try {
        port.postMessage(m);
      } catch {} // the page went away
    };
    liveCheck(msg.links, msg.page, run, post).then(
      (summary) => post({ type: 'done', ...summary }),
      (e) => post({ type: 'done', cancelled: run.signal.aborted, error: run.signal.aborted ? null : e.message }),
    );
  });
}

/** Runs the panel's check on a tab (after showing the overlay): `{ links: [{ href, verdict, health, target, title }] }`. */
async function checkPage(tabId) {
  await inspect(tabId);
  const [{ result }] = await chrome.scripting.executeScript({
    target: { tabId },
    func: () => globalThis.linkscopeOverlay.checkLinks(),
  });
  if (result?.error) throw new Error(result.error);
  return result;
}

/** A short link's target and its verdict: `{ target, verdict, expansion }`; null target when it reached no Amazon page. */
async function expand(url) {
  await ready;
  if (!(await permitted())) throw new Error(t('liveNeedsPermission'));
  const expansion = await expandLink(url, newRun());
  if (!expansion) throw new Error(t('liveNotShort'));
  const { settings } = await loadSettings();
  const target = expansion.outcome.kind === 'target' ? expansion.outcome.url : null;
  return { target, verdict: targetFinding(settings.profile, target)?.verdict ?? 'short', expansion };
}

/** Right-click "Copy affiliate link" on a short link: expands it, then copies the user's link for the target. */
async function copyShortLink(url, { tabId } = {}) {
  await ready;
  if (!(await permitted())) {
    await toast(tabId, { title: t('copyNotPossible'), text: t('liveGrantHowTo'), grantButton: true });
    throw new Error(t('liveNeedsPermission'));
  }
  const { target } = await expand(url);
  if (!target) {
    await toast(tabId, { title: t('copyNotPossible'), text: t('liveShortNoTarget') });
    throw new Error(t('liveShortNoTarget'));
  }
  return copyAffiliateLink(target, { tabId });
}

/**
 * Availability of a product (ASIN or link) in every covered marketplace (`all`: all 22):
 * `[{ marketplace, health, title, url, search, why }]` (see live-results.js). `onEach` gets each
 * row as it comes.
 */
async function availability(input, { all = false, run = newRun(), onEach = () => {} } = {}) {
  await ready;
  if (!(await permitted())) throw new Error(t('liveNeedsPermission'));
  const { settings } = await loadSettings();
  const profile = settings.profile;
  const seen = [];
  const found = await checkAvailability(input, availabilityDomains(profile, all), run, (r) => {
    seen.push(r);
    onEach(availabilityRow(profile, input, r, searchWords(seen, input)));
  });
  const words = searchWords(found, input);
  return found.map((r) => availabilityRow(profile, input, r, words));
}

/** The popup's availability port: `{ type: 'availability', input, all }`; closing it cancels. */
function serveAvailabilityPort(port) {
  const run = newRun();
  port.onDisconnect.addListener(() => run.cancel());
  port.onMessage.addListener((msg) => {
    if (msg?.type !== 'availability') return;
    const post = (m) => {
      try {
        port.postMessage(m);
      } catch {}
    };
    availability(msg.input, { all: msg.all, run, onEach: (r) => post({ type: 'row', row: r }) }).then(
      (rows) => post({ type: 'done', rows, requests: run.requests, cached: run.cached }),
      (e) => post({ type: 'done', error: e.message }),
    );
  });
}

// ---- Listeners, all registered synchronously -----------------------------------------------

// Rebuilds run one after another: overlapping ones would create the same menu ids twice.
let menusBuilt = Promise.resolve();
const rebuildMenus = () => {
  menusBuilt = menusBuilt.then(buildMenus).catch((e) => console.warn('Linkscope menus:', e.message));
};

chrome.runtime.onInstalled.addListener(rebuildMenus);
chrome.runtime.onStartup.addListener(rebuildMenus);
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'sync' && STORAGE_KEY in changes) rebuildMenus();
});
chrome.contextMenus.onClicked.addListener((info, tab) => {
  onMenuClick(info, tab).catch((e) => console.warn('Linkscope:', e.message));
});
chrome.commands.onCommand.addListener((command, tab) => {
  if (command === 'inspect-links' && tab?.id !== undefined) inspect(tab.id).catch((e) => console.warn('Linkscope:', e.message));
});

chrome.runtime.onConnect.addListener((port) => {
  if (port.name === 'live-check') serveLivePort(port);
  if (port.name === 'availability') serveAvailabilityPort(port);
});

chrome.runtime.onMessage.addListener((msg, sender, respond) => {
  const reply = (work) => {
    work.then(respond, (e) => respond({ error: e.message }));
    return true; // the answer comes later
  };
  switch (msg?.type) {
    case MSG.audit:
      return reply(
        ready.then(async () => {
          const { settings } = await loadSettings();
          return auditBatch(settings.profile, msg.links, msg.page);
        }),
      );
    case MSG.pageSummary:
      return reply(pageSummary(msg.tabId).then((summary) => ({ summary })));
    case MSG.inspect:
      return reply(inspect(msg.tabId));
    case MSG.openOptions:
      chrome.runtime.openOptionsPage();
      return false;
    case MSG.openGrant:
      openGrant({ tab: msg.tabId ?? sender.tab?.id }).catch(() => {});
      return false;
    case MSG.liveGranted:
      // The grant page's button was pressed: run the check the user asked for in that tab.
      if (msg.tabId) checkPage(msg.tabId).catch((e) => console.warn('Linkscope:', e.message));
      return false;
    default:
      return false; // not for the worker (e.g. the offscreen document's messages)
  }
});

// What toolbar, menu and shortcut clicks do, callable from end-to-end tests (sw.evaluate).
globalThis.linkscope = {
  inspect,
  copyAffiliateLink,
  importSettings,
  pageSummary,
  checkPage,
  menuClick: onMenuClick,
  availability: (input, options) => availability(input, options),
  expand,
  livePermitted: permitted,
  livePolicy: setPolicy,
  clearLiveCache: clearCache,
  startup: () => ready.then((timing) => ({ ...timing })),
};
