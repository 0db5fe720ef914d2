// The toolbar popup: tagged links for a product in every marketplace, the current page's
// Amazon links by verdict, and coverage at a glance.
import { initCore, classifyBatch, generateLinks, affiliateLink, productOf, coverage, qrPath } from './core.js';
import { loadSettings, saveUi, hasTrackingId } from './settings.js';
import { MSG, t, said, plural, count, countryName, localize, el } from './messages.js';
import { setupAvailability } from './popup-live.js';
import { permitted, livePermissions } from './live.js';

const $ = (id) => document.getElementById(id);
const VERDICT_ICONS = { mine: '✓', untagged: '!', foreign: '✕', wrongMarketplace: '⇄', short: '?', malformed: '⚠' };
const COVERAGE_ICONS = { direct: '✓', onelink: '↪', none: '–' };

const view = { profile: null, input: '', links: [], format: 'url', tabId: undefined };

/** Says what a copy did: "Copied …", or why nothing was copied and the way to the options. */
function status(text, { refused = false } = {}) {
  $('status').textContent = text;
  $('status').classList.toggle('refused', refused);
  $('status-options').hidden = !refused;
  clearTimeout(status.timer);
  if (!refused) status.timer = setTimeout(() => ($('status').textContent = ''), 3000);
}

/** The tab the popup is about: the active one, or `?tab=ID` (tests open the popup as a tab). */
async function targetTab() {
  const id = Number(new URLSearchParams(location.search).get('tab'));
  if (id) return chrome.tabs.get(id);
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab;
}

const textOf = (link) => (view.format === 'url' ? link.url : link[view.format]);

/**
 * The link to copy for a marketplace, decided by the core exactly as for the right-click menu:
 * `{ link }`, or `{ refusal }` when no tracking ID of the user's earns there.
 */
function copyable(marketplace) {
  try {
    return { link: affiliateLink(view.profile, view.input, marketplace) };
  } catch (e) {
    return { refusal: said(e) };
  }
}

async function copy(text, what) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    status(t('copyFailed'), { refused: true });
    return;
  }
  status(t('copiedWhat', what));
}

// ---- Links for a product ---------------------------------------------------------------------

function showLinks(input) {
  const list = $('links');
  list.replaceChildren();
  view.input = input.trim();
  view.links = [];
  $('copy-all').disabled = true;
  $('qr-box').hidden = true;
  status('');
  const info = $('product-info');
  info.classList.remove('error');
  if (!view.input) {
    info.textContent = t('pasteHint');
    return;
  }
  let product;
  try {
    product = productOf(view.input);
    view.links = generateLinks(view.profile, view.input);
  } catch (e) {
    info.textContent = said(e);
    info.classList.add('error');
    return;
  }
  info.textContent = product.marketplace ? t('productOn', product.asin, product.marketplace) : t('productAsin', product.asin);
  view.links.forEach((l, i) => list.append(linkRow(l, i)));
  $('copy-all').disabled = false;
  // The link's own store (the page's, on a product page), else the first row: the home store.
  select(Math.max(0, view.links.findIndex((l) => l.marketplace === product.marketplace)), { scroll: true });
}

function linkRow(link, index) {
  const coverageText = link.redirected ? t('viaOnelink') : t(`coverage_${link.coverage}`);
  const pick = el('button', { type: 'button', className: 'pick' },
    el('span', { className: 'country', textContent: link.country }),
    el('span', { className: 'where' },
      el('span', { className: 'label', textContent: link.label }),
      el('span', { className: `pill ${link.coverage}`, textContent: `${COVERAGE_ICONS[link.coverage]} ${coverageText}` }),
      el('span', { className: 'url', dir: 'ltr', textContent: link.url })));
  pick.setAttribute('aria-pressed', 'false');
  pick.addEventListener('click', () => select(index));
  const button = el('button', { type: 'button', className: 'copy', textContent: t('copy') });
  button.setAttribute('aria-label', t('copyFor', link.label));
  button.addEventListener('click', () => copyRow(link));
  const row = el('li', { className: `link ${link.coverage}` }, pick, button);
  row.dataset.marketplace = link.marketplace;
  return row;
}

function copyRow(row) {
  const { link, refusal } = copyable(row.marketplace);
  if (refusal) status(t('copyRefused', refusal), { refused: true });
  else copy(textOf(link), link.label);
}

/** Marks a row as selected and draws the QR code of the link that would be copied for it. */
function select(index, { scroll = false } = {}) {
  const rows = [...$('links').children];
  rows.forEach((li, i) => {
    li.classList.toggle('selected', i === index);
    li.querySelector('.pick').setAttribute('aria-pressed', String(i === index));
  });
  if (scroll) rows[index]?.scrollIntoView({ block: 'nearest' });
  const row = view.links[index];
  const { link, refusal } = copyable(row.marketplace);
  const qr = link && qrPath(link.url);
  $('qr-box').hidden = false;
  $('qr').toggleAttribute('hidden', !qr); // an SVG element has no `hidden` property
  if (!qr) {
    $('qr-caption').textContent = t('popupNoQr', row.label, refusal ?? t('popupQrTooLong'));
    return;
  }
  const svg = $('qr');
  svg.setAttribute('viewBox', `0 0 ${qr.size} ${qr.size}`);
  svg.setAttribute('aria-label', t('qrFor', link.label));
  svg.querySelector('path').setAttribute('d', qr.path);
  $('qr-caption').textContent = t('qrCaption', link.label);
}

/** Every link the core lets the user copy; refuses, leaving the clipboard alone, when none. */
function copyAll() {
  const made = view.links.map((l) => copyable(l.marketplace).link).filter(Boolean);
  if (made.length === 0) {
    status(t('copyNothingCovered'), { refused: true });
    return;
  }
  const lines = made.map((l) => (view.format === 'url' ? `${l.label}: ${l.url}` : textOf(l)));
  const left = view.links.length - made.length;
  const what = plural('copyAllLinks', made.length) + (left > 0 ? ` ${plural('copyLeftOut', left)}` : '');
  copy(lines.join('\n'), what);
}

// ---- The current page ------------------------------------------------------------------------

async function showPageSummary() {
  if (view.tabId === undefined) return;
  const answer = await chrome.runtime.sendMessage({ type: MSG.pageSummary, tabId: view.tabId }).catch((e) => ({ error: e.message }));
  const counts = $('page-counts');
  counts.replaceChildren();
  if (!answer || answer.error) {
    $('page-summary').textContent = t('pageUnavailable');
    $('show-overlay').disabled = true;
    return;
  }
  const { summary } = answer;
  $('page-summary').textContent = plural('popupPageTotal', summary.total);
  for (const verdict of Object.keys(VERDICT_ICONS)) {
    if (summary[verdict] === 0) continue;
    counts.append(el('li', { className: `count ${verdict}` },
      el('span', { className: 'icon', textContent: VERDICT_ICONS[verdict], ariaHidden: 'true' }),
      `${t(`verdict_${verdict}`)}: ${count(summary[verdict])}`));
  }
}

async function showOverlay() {
  const answer = await chrome.runtime.sendMessage({ type: MSG.inspect, tabId: view.tabId });
  if (answer?.error) status(answer.error);
  else window.close();
}

// ---- Coverage ----------------------------------------------------------------------------------

function showCoverage() {
  const list = $('coverage');
  list.replaceChildren();
  for (const row of coverage(view.profile)) {
    const item = el('li', { className: `cov ${row.coverage}`, title: `${countryName(row)} (${row.marketplace}): ${t(`coverage_${row.coverage}`)}${row.trackingId ? `, ${row.trackingId}` : ''}` },
      `${COVERAGE_ICONS[row.coverage]} ${row.country}`);
    if (row.home) item.classList.add('home');
    list.append(item);
  }
}

// ---- Start -------------------------------------------------------------------------------------

async function main() {
  localize();
  const [{ settings }, tab] = await Promise.all([loadSettings(), targetTab(), initCore()]);
  view.profile = settings.profile;
  view.format = settings.ui.format;
  view.tabId = tab?.id;
  document.querySelector(`input[name=format][value="${view.format}"]`).checked = true;
  $('first-run').hidden = hasTrackingId(view.profile);
  showCoverage();

  const input = $('product-input');
  const [pageLink] = tab?.url ? classifyBatch([tab.url]) : [];
  if (pageLink?.asin) input.value = pageLink.clean;
  const availability = setupAvailability({
    getInput: () => (view.links.length > 0 ? view.input : ''), copy, live: { permitted, permissions: livePermissions },
  });
  const refresh = () => {
    showLinks(input.value);
    availability.reset(view.links.length > 0);
  };
  refresh();
  input.addEventListener('input', refresh);

  for (const radio of document.querySelectorAll('input[name=format]')) {
    radio.addEventListener('change', () => {
      view.format = radio.value;
      saveUi({ format: view.format });
    });
  }
  $('copy-all').addEventListener('click', copyAll);
  $('show-overlay').addEventListener('click', showOverlay);
  $('first-run-options').addEventListener('click', () => chrome.runtime.openOptionsPage());
  $('status-options').addEventListener('click', () => chrome.runtime.openOptionsPage());
  $('options-link').addEventListener('click', (e) => {
    e.preventDefault();
    chrome.runtime.openOptionsPage();
  });
  document.body.dataset.usefulAfterMs = performance.now().toFixed(1); // links and coverage drawn
  await showPageSummary();
  document.body.dataset.ready = 'true';
}

main().catch((e) => status(e.message, { refused: true }));
