// The toolbar popup: tagged links for a product in every marketplace, the current page's
// Amazon links by verdict, and coverage at a glance.
import { initCore, classifyBatch, generateLinks, coverage, qrPath } from './core.js';
import { loadSettings, saveUi, hasTrackingId } from './settings.js';
import { MSG, t, localize, el } from './messages.js';

const $ = (id) => document.getElementById(id);
const VERDICT_ICONS = { mine: '✓', untagged: '!', foreign: '✕', wrongMarketplace: '⇄', short: '?', malformed: '⚠' };
const COVERAGE_ICONS = { direct: '✓', onelink: '↪', none: '–' };

const view = { profile: null, links: [], selected: 0, format: 'url', tabId: undefined };

function status(text) {
  $('status').textContent = text;
  clearTimeout(status.timer);
  status.timer = setTimeout(() => ($('status').textContent = ''), 3000);
}

/** The tab the popup is about: the active one, or `?tab=ID` (tests open the popup as a tab). */
async function targetTab() {
  const id = Number(new URLSearchParams(location.search).get('tab'));
  if (id) return chrome.tabs.get(id);
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab;
}

const textOf = (link) => (view.format === 'url' ? link.url : link[view.format]);

async function copy(text, what) {
  await navigator.clipboard.writeText(text);
  status(t('copiedWhat', what));
}

// ---- Links for a product ---------------------------------------------------------------------

function showLinks(input) {
  const list = $('links');
  list.replaceChildren();
  view.links = [];
  $('copy-all').disabled = true;
  $('qr-box').hidden = true;
  const info = $('product-info');
  if (!input.trim()) {
    info.textContent = t('pasteHint');
    return;
  }
  try {
    view.links = generateLinks(view.profile, input);
  } catch (e) {
    info.textContent = e.message;
    return;
  }
  const [link] = classifyBatch([input.trim()]);
  const asin = link.asin ?? input.trim().toUpperCase();
  info.textContent = link.marketplace ? t('productOn', asin, link.marketplace) : t('productAsin', asin);
  view.links.forEach((l, i) => list.append(linkRow(l, i)));
  $('copy-all').disabled = false;
  select(view.links.findIndex((l) => l.coverage !== 'none'));
}

function linkRow(link, index) {
  const coverageText = link.redirected ? t('viaOnelink') : t(`coverage_${link.coverage}`);
  const button = el('button', { className: 'copy', textContent: t('copy') });
  button.setAttribute('aria-label', t('copyFor', link.label));
  button.addEventListener('click', (e) => {
    e.stopPropagation();
    copy(textOf(link), link.label);
  });
  const row = el('li', { className: `link ${link.coverage}`, tabIndex: 0 },
    el('span', { className: 'country', textContent: link.country }),
    el('span', { className: 'where' },
      el('span', { className: 'label', textContent: link.label }),
      el('span', { className: `pill ${link.coverage}`, textContent: `${COVERAGE_ICONS[link.coverage]} ${coverageText}` }),
      el('span', { className: 'url', textContent: link.url })),
    button);
  row.dataset.marketplace = link.marketplace;
  row.addEventListener('click', () => select(index));
  row.addEventListener('keydown', (e) => e.key === 'Enter' && select(index));
  return row;
}

/** Marks a link as selected and draws its QR code. */
function select(index) {
  if (index < 0) return;
  view.selected = index;
  [...$('links').children].forEach((li, i) => li.setAttribute('aria-selected', String(i === index)));
  const link = view.links[index];
  const qr = qrPath(link.url);
  $('qr-box').hidden = !qr;
  if (!qr) return;
  const svg = $('qr');
  svg.setAttribute('viewBox', `0 0 ${qr.size} ${qr.size}`);
  svg.setAttribute('aria-label', t('qrFor', link.label));
  svg.querySelector('path').setAttribute('d', qr.path);
  $('qr-caption').textContent = t('qrCaption', link.label);
}

function copyAll() {
  const covered = view.links.filter((l) => l.coverage !== 'none');
  const lines = covered.map((l) => (view.format === 'url' ? `${l.label}: ${l.url}` : textOf(l)));
  copy(lines.join('\n'), t('allLinks', covered.length));
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
  $('page-summary').textContent = t('pageTotal', summary.total);
  for (const verdict of Object.keys(VERDICT_ICONS)) {
    if (summary[verdict] === 0) continue;
    counts.append(el('li', { className: `count ${verdict}` },
      el('span', { className: 'icon', textContent: VERDICT_ICONS[verdict], ariaHidden: 'true' }),
      `${t(`verdict_${verdict}`)}: ${summary[verdict]}`));
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
    const item = el('li', { className: `cov ${row.coverage}`, title: `${row.name} (${row.marketplace}): ${t(`coverage_${row.coverage}`)}${row.trackingId ? `, ${row.trackingId}` : ''}` },
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
  showLinks(input.value);
  input.addEventListener('input', () => showLinks(input.value));

  for (const radio of document.querySelectorAll('input[name=format]')) {
    radio.addEventListener('change', () => {
      view.format = radio.value;
      saveUi({ format: view.format });
    });
  }
  $('copy-all').addEventListener('click', copyAll);
  $('show-overlay').addEventListener('click', showOverlay);
  $('first-run-options').addEventListener('click', () => chrome.runtime.openOptionsPage());
  $('options-link').addEventListener('click', (e) => {
    e.preventDefault();
    chrome.runtime.openOptionsPage();
  });
  document.body.dataset.usefulAfterMs = performance.now().toFixed(1); // links and coverage drawn
  await showPageSummary();
  document.body.dataset.ready = 'true';
}

main().catch((e) => status(e.message));
