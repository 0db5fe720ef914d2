// The page link-inspection overlay, injected on demand (popup button, context menu, shortcut).
// It badges every Amazon link and shows a summary panel, all inside one shadow root that page
// CSS cannot reach. It reads the page's links and never changes them. Classification runs in
// the service worker's WebAssembly core, one batch per scan: pages with a strict CSP may forbid
// WebAssembly here. Work is done in slices of a few milliseconds so large pages stay responsive.
// Injecting it twice is harmless: the second run reuses the first.
(() => {
  if (globalThis.linkscopeOverlay) return;

  const t = (key, ...subs) => chrome.i18n.getMessage(key, subs.map(String)) || key;

  // Verdict -> how it looks. Colour is never the only cue: each has an icon and a label.
  const VERDICTS = {
    mine: { icon: '✓', color: '#1a7f37' },
    untagged: { icon: '!', color: '#b35900' },
    foreign: { icon: '✕', color: '#c62828' },
    wrongMarketplace: { icon: '⇄', color: '#6f42c1' },
    short: { icon: '?', color: '#55606e' },
    malformed: { icon: '⚠', color: '#8b1a1a' },
  };
  const ORDER = Object.keys(VERDICTS);
  const label = (verdict) => t(`verdict_${verdict}`);
  const advice = (verdict) => t(`advice_${verdict}`);

  const SLICE_MS = 8; // longest stretch of work before yielding to the page
  const LIST_LIMIT = 300; // rows drawn in the panel's list at once

  const CSS = `
    :host { all: initial; }
    .layer { position: absolute; top: 0; left: 0; width: 0; height: 0; }
    .badge { position: absolute; top: 0; left: 0; display: inline-flex; align-items: center; gap: 2px;
      font: 600 10px/14px system-ui, sans-serif; color: #fff; padding: 0 5px; border-radius: 7px;
      white-space: nowrap; pointer-events: auto; cursor: help; box-shadow: 0 0 0 1px rgb(255 255 255 / .8);
      z-index: 2147483646; }
    .badge.hidden { display: none; }
    .badge.flash { outline: 3px solid #e47911; outline-offset: 2px; }
    .panel { position: fixed; top: 12px; right: 12px; width: 340px; max-height: 70vh; display: flex;
      flex-direction: column; z-index: 2147483647; font: 13px/1.4 system-ui, sans-serif; color: #1b1b1f;
      background: #fff; border-radius: 12px; box-shadow: 0 8px 32px rgb(0 0 0 / .28); overflow: hidden; }
    header { display: flex; align-items: center; gap: 8px; padding: 10px 12px; background: #232f3e; color: #fff; }
    header h2 { font: 600 14px/1.2 system-ui, sans-serif; margin: 0; flex: 1; }
    header button { all: unset; cursor: pointer; font-size: 18px; line-height: 1; padding: 2px 6px; border-radius: 6px; }
    header button:focus-visible, .chip:focus-visible, .row:focus-visible, footer button:focus-visible { outline: 2px solid #e47911; }
    .chips { display: flex; flex-wrap: wrap; gap: 6px; padding: 10px 12px; border-bottom: 1px solid #e3e3e8; }
    .chip { all: unset; cursor: pointer; display: inline-flex; gap: 4px; align-items: center; padding: 2px 8px;
      border-radius: 12px; border: 2px solid var(--c); color: var(--c); font-weight: 600; font-size: 12px; }
    .chip[aria-pressed="true"] { background: var(--c); color: #fff; }
    .chip.empty { opacity: .45; }
    .list { overflow: auto; flex: 1; padding: 4px 0; }
    .row { all: unset; box-sizing: border-box; width: 100%; display: grid; grid-template-columns: 22px 1fr; gap: 6px;
      padding: 5px 12px; cursor: pointer; }
    .row:hover { background: #f3f3f6; }
    .row > span:last-child { min-width: 0; }
    .icon { display: inline-flex; width: 18px; height: 18px; border-radius: 9px; color: #fff; font-size: 11px;
      font-weight: 700; align-items: center; justify-content: center; }
    .what { font-weight: 600; }
    .href { color: #55606e; font-size: 12px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .more, .none { padding: 6px 12px; color: #55606e; font-size: 12px; }
    footer { display: flex; gap: 8px; padding: 8px 12px; border-top: 1px solid #e3e3e8; }
    footer button { font: inherit; font-size: 12px; border: 1px solid #c4c6d0; background: #f3f3f6; color: inherit;
      border-radius: 6px; padding: 3px 10px; cursor: pointer; }
    .note { flex: 1; font-size: 11px; color: #55606e; align-self: center; }
    @media (prefers-color-scheme: dark) {
      .panel { background: #1e1f24; color: #e4e2e6; } .chips, footer { border-color: #3a3b41; }
      .row:hover { background: #2b2c31; } .href, .more, .none, .note { color: #a9abb4; }
      footer button { background: #2b2c31; border-color: #5d5e66; }
    }`;

  // Yields to the page without setTimeout's 4 ms clamp on nested calls.
  const nextSlice = () => globalThis.scheduler?.yield?.() ?? new Promise((resolve) => setTimeout(resolve, 0));

  /** Runs `fn(item)` over `items` in slices of SLICE_MS, yielding to the page between them. */
  async function inSlices(items, fn) {
    let i = 0;
    while (i < items.length) {
      const end = performance.now() + SLICE_MS;
      do fn(items[i++]);
      while (i < items.length && performance.now() < end);
      if (i < items.length) await nextSlice();
    }
  }

  const state = {
    host: null,
    root: null,
    layer: null,
    entries: [], // { anchor, finding, badge } in document order
    seen: new WeakSet(), // anchors already sent for classification
    filter: null,
    observer: null,
    rescanTimer: 0,
    timing: null,
  };

  function el(tag, props = {}, ...children) {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  }

  function mount() {
    const host = document.createElement('linkscope-overlay');
    // Inline !important declarations win over any page rule that matches the host.
    for (const [prop, value] of [['all', 'initial'], ['position', 'absolute'], ['top', '0'], ['left', '0'],
      ['width', '0'], ['height', '0'], ['display', 'block'], ['overflow', 'visible'], ['z-index', '2147483647']]) {
      host.style.setProperty(prop, value, 'important');
    }
    const root = host.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet(); // constructed sheets are not inline styles: strict CSPs allow them
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
    state.layer = el('div', { className: 'layer' });
    root.append(state.layer);
    document.documentElement.append(host);
    state.host = host;
    state.root = root;
  }

  function tooltip(f) {
    const parts = [
      `${label(f.verdict)} — ${f.marketplace ?? t('unknownMarketplace')}`,
      f.asin ? `ASIN ${f.asin}` : null,
      `${t('tag')}: ${f.tag ?? t('none')}`,
      f.coverage ? `${t('coverage')}: ${t(`coverage_${f.coverage}`)}` : null,
      advice(f.verdict),
    ];
    return parts.filter(Boolean).join('\n');
  }

  function makeBadge(f) {
    const v = VERDICTS[f.verdict];
    const badge = el('span', { className: 'badge', title: tooltip(f) }, `${v.icon} ${label(f.verdict)}`);
    badge.style.background = v.color;
    badge.dataset.verdict = f.verdict;
    badge.setAttribute('role', 'note');
    return badge;
  }

  /** Document coordinates for a badge at the end of a link; null for links not rendered. */
  function position(anchor) {
    const rect = anchor.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) return null;
    return { x: rect.right + window.scrollX + 3, y: rect.top + window.scrollY + Math.max(0, (rect.height - 14) / 2) };
  }

  /** Moves a badge to `spot` (null: its link is not rendered). */
  function place(entry, spot) {
    entry.badge.style.transform = spot ? `translate(${spot.x}px, ${spot.y}px)` : '';
    showIfWanted(entry);
  }

  /** A badge shows when its link is rendered and the filter, if any, is its verdict. */
  function showIfWanted(entry) {
    const filtered = Boolean(state.filter && entry.finding.verdict !== state.filter);
    entry.badge.classList.toggle('hidden', filtered || !entry.badge.style.transform);
  }

  /** Classifies `anchors` in the service worker and badges the Amazon ones. */
  async function scan(anchors, timing = {}) {
    let mark = performance.now();
    const lap = (name) => {
      timing[name] = performance.now() - mark;
      mark = performance.now();
    };
    for (const a of anchors) state.seen.add(a);
    const { links, page } = addresses(anchors);
    lap('collectMs');
    const audit = await chrome.runtime.sendMessage({ type: 'audit', links, page });
    lap('classifyMs');
    if (!audit || audit.error) throw new Error(audit?.error ?? 'no answer from Linkscope');
    const fresh = audit.findings.map((finding) => ({ anchor: anchors[finding.index], finding, badge: null }));
    // Read every position first, then write: one layout for the whole batch.
    const spots = [];
    await inSlices(fresh, (entry) => spots.push(position(entry.anchor)));
    lap('layoutMs');
    await inSlices(fresh.map((entry, i) => ({ entry, spot: spots[i] })), ({ entry, spot }) => {
      entry.badge = makeBadge(entry.finding);
      place(entry, spot);
      state.layer.append(entry.badge);
    });
    lap('badgesMs');
    const incremental = state.entries.length > 0;
    state.entries.push(...fresh);
    if (incremental && fresh.length > 0) sortEntries(); // links added later may sit anywhere
    return fresh.length;
  }

  function sortEntries() {
    state.entries.sort((a, b) =>
      a.anchor === b.anchor ? 0 : a.anchor.compareDocumentPosition(b.anchor) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1,
    );
  }

  function summary() {
    const counts = Object.fromEntries(ORDER.map((v) => [v, 0]));
    for (const e of state.entries) counts[e.finding.verdict] += 1;
    return { total: state.entries.length, ...counts };
  }

  /** The resolved address of a link (SVG links keep theirs in `href.baseVal`). */
  const hrefOf = (a) => (typeof a.href === 'string' ? a.href : a.href?.baseVal ?? '');

  function anchorsIn(root) {
    return [...root.querySelectorAll('a[href], area[href]')];
  }

  /** The links as written (cheap to read) and the base URL the core resolves them against. */
  function addresses(anchors) {
    return { links: anchors.map((a) => a.getAttribute('href') ?? ''), page: document.baseURI };
  }

  // ---- The summary panel --------------------------------------------------------------------

  function renderPanel() {
    state.root.querySelector('.panel')?.remove();
    const s = summary();
    const close = el('button', { title: t('close'), ariaLabel: t('close') }, '×');
    close.addEventListener('click', () => hide());
    const chips = el('div', { className: 'chips', role: 'toolbar', ariaLabel: t('filterByVerdict') });
    for (const verdict of ORDER) {
      const chip = el('button', { className: `chip${s[verdict] ? '' : ' empty'}` }, `${VERDICTS[verdict].icon} ${label(verdict)} ${s[verdict]}`);
      chip.style.setProperty('--c', VERDICTS[verdict].color);
      chip.setAttribute('aria-pressed', String(state.filter === verdict));
      chip.dataset.verdict = verdict;
      chip.addEventListener('click', () => setFilter(state.filter === verdict ? null : verdict));
      chips.append(chip);
    }
    const list = el('div', { className: 'list', role: 'list' });
    const shown = state.entries.filter((e) => !state.filter || e.finding.verdict === state.filter);
    for (const entry of shown.slice(0, LIST_LIMIT)) list.append(listRow(entry));
    if (shown.length > LIST_LIMIT) list.append(el('div', { className: 'more' }, t('moreLinks', shown.length - LIST_LIMIT)));
    if (shown.length === 0) list.append(el('div', { className: 'none' }, t('noAmazonLinks')));
    const csv = el('button', {}, t('exportCsv'));
    csv.addEventListener('click', () => download('linkscope-audit.csv', 'text/csv', toCsv()));
    const json = el('button', {}, t('exportJson'));
    json.addEventListener('click', () => download('linkscope-audit.json', 'application/json', JSON.stringify(report(), null, 2)));
    const panel = el('section', { className: 'panel', role: 'dialog', ariaLabel: 'Linkscope' },
      el('header', {}, el('h2', {}, t('overlayTitle', s.total)), close),
      chips,
      list,
      el('footer', {}, el('span', { className: 'note' }, t('readOnlyNote')), csv, json));
    state.root.append(panel);
  }

  function listRow(entry) {
    const f = entry.finding;
    const icon = el('span', { className: 'icon', ariaHidden: 'true' }, VERDICTS[f.verdict].icon);
    icon.style.background = VERDICTS[f.verdict].color;
    const row = el('button', { className: 'row', role: 'listitem', title: tooltip(f) }, icon,
      el('span', {},
        el('div', { className: 'what' }, [label(f.verdict), f.marketplace, f.asin].filter(Boolean).join(' · ')),
        el('div', { className: 'href' }, hrefOf(entry.anchor))));
    row.addEventListener('click', () => {
      entry.anchor.scrollIntoView({ block: 'center', behavior: 'smooth' });
      entry.badge?.classList.add('flash');
      setTimeout(() => entry.badge?.classList.remove('flash'), 1600);
    });
    return row;
  }

  function setFilter(verdict) {
    state.filter = verdict;
    for (const e of state.entries) if (e.badge) showIfWanted(e);
    renderPanel();
  }

  // ---- Export -------------------------------------------------------------------------------

  function report() {
    return {
      page: location.href,
      links: state.entries.map((e) => ({ href: hrefOf(e.anchor), ...publicFields(e.finding) })),
      summary: summary(),
    };
  }

  const publicFields = (f) => ({ verdict: f.verdict, marketplace: f.marketplace, asin: f.asin, tag: f.tag, coverage: f.coverage });

  function toCsv() {
    const quote = (v) => {
      const s = v === null || v === undefined ? '' : String(v);
      const safe = /^[=+\-@]/.test(s) ? `'${s}` : s; // no formulas in spreadsheets
      return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    };
    const cols = ['href', 'verdict', 'marketplace', 'asin', 'tag', 'coverage'];
    return [cols.join(','), ...report().links.map((l) => cols.map((c) => quote(l[c])).join(','))].join('\n') + '\n';
  }

  function download(name, type, text) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = el('a', { href: url, download: name });
    state.root.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // ---- Life cycle -----------------------------------------------------------------------------

  async function relayout() {
    const spots = [];
    await inSlices(state.entries, (e) => spots.push(position(e.anchor)));
    state.entries.forEach((e, i) => e.badge && place(e, spots[i]));
  }

  function watch() {
    state.observer = new MutationObserver(() => {
      clearTimeout(state.rescanTimer);
      state.rescanTimer = setTimeout(async () => {
        const fresh = anchorsIn(document).filter((a) => !state.seen.has(a));
        if (fresh.length > 0 && (await scan(fresh)) > 0) {
          await relayout();
          renderPanel();
        }
      }, 150);
    });
    state.observer.observe(document.documentElement, { childList: true, subtree: true });
    window.addEventListener('resize', onResize);
  }

  let resizeTimer = 0;
  function onResize() {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(relayout, 150);
  }

  /** Shows the overlay (again): `{ links, summary, timing }`. */
  async function show() {
    const start = performance.now();
    if (state.host) hide();
    mount();
    const timing = {};
    await scan(anchorsIn(document), timing);
    renderPanel();
    watch();
    state.timing = { ...timing, drawnMs: performance.now() - start };
    return { ...report(), timing: state.timing };
  }

  function hide() {
    state.observer?.disconnect();
    window.removeEventListener('resize', onResize);
    clearTimeout(state.rescanTimer);
    state.host?.remove();
    Object.assign(state, { host: null, root: null, layer: null, entries: [], seen: new WeakSet(), filter: null, observer: null });
  }

  /** Every link of the page, for counting without showing anything. */
  const collect = () => addresses(anchorsIn(document));

  globalThis.linkscopeOverlay = { show, hide, report, collect };
})();
