// The service worker: context menus, the keyboard command, classification for the page overlay,
// and copying. It may be stopped at any time, so every listener is registered at the top level,
// waits for the one `ready` promise, and reads state from chrome.storage, never from globals.
import { initCore, auditBatch, affiliateLink, marketplaces, coverage } from './core.js';
import { loadSettings, saveProfile, STORAGE_KEY } from './settings.js';
import { MSG, t } from './messages.js';
import { validateImport, describeErrors } from './import.js';

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
    await toast(tabId, { title: t('copyNotPossible'), text: e.message, optionsButton: true });
    throw e;
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
        args: [{ ...message, optionsLabel: t('openOptions'), closeLabel: t('close') }],
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
  if (id === 'copy') return copyAffiliateLink(info.linkUrl, { tabId });
  if (id.startsWith('copy-for:')) return copyAffiliateLink(info.linkUrl, { tabId, marketplace: id.slice('copy-for:'.length) });
  if (id === 'copy-page') return copyAffiliateLink(info.pageUrl, { tabId });
  if (id === 'inspect') return inspect(tabId);
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
  startup: () => ready.then((timing) => ({ ...timing })),
};
