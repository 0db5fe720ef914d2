// The page link-inspection overlay, injected on demand (popup button, context menu, shortcut)
// after overlay-geometry.js, overlay-paint.js and overlay-layer.js (the badges) and overlay-panel.js (the summary
// panel). It finds every
// link of the page, in open shadow roots and same-origin frames too, has the service worker's
// WebAssembly core classify them in one batch (pages with a strict CSP may forbid WebAssembly
// here), and keeps badges and panel in step as links are added, changed or removed. It reads the
// page's links and never changes them. Injecting it twice is harmless: the second run reuses the first.
(() => {
  if (globalThis.linkscopeOverlay) return;

  const t = (key, ...subs) => chrome.i18n.getMessage(key, subs.map(String)) || key;

  // Verdict -> icon and colours (light: on white, dark: on the dark panel; both >= 4.5:1).
  // Colour is never the only cue: each has an icon, a label and an outline style.
  const VERDICTS = {
    mine: { icon: '✓', light: '#1a7f37', dark: '#56d364', line: 'solid' },
    untagged: { icon: '!', light: '#a34f00', dark: '#f0a04b', line: 'dashed' },
    foreign: { icon: '✕', light: '#c62828', dark: '#ff8a80', line: 'dotted' },
    wrongMarketplace: { icon: '⇄', light: '#6f42c1', dark: '#c3a6ff', line: 'double' },
    short: { icon: '?', light: '#55606e', dark: '#b1bac4', line: 'dashed' },
    malformed: { icon: '⚠', light: '#8b1a1a', dark: '#ff9e9e', line: 'dotted' },
  };
  const ORDER = Object.keys(VERDICTS);
  const label = (verdict) => t(`verdict_${verdict}`);
  // Live states (after "Check links"): the badge's marker shows the state's icon in its colour.
  const HEALTH = {
    available: { icon: '●', light: '#1a7f37', dark: '#56d364' },
    otherSellersOnly: { icon: '◑', light: '#8a5a00', dark: '#e3b341' },
    unavailable: { icon: '○', light: '#a34f00', dark: '#f0a04b' },
    notFound: { icon: '✕', light: '#c62828', dark: '#ff8a80' },
    redirected: { icon: '↪', light: '#6f42c1', dark: '#c3a6ff' },
    blocked: { icon: '◌', light: '#55606e', dark: '#b1bac4' },
    error: { icon: '‽', light: '#8b1a1a', dark: '#ff9e9e' },
  };
  const STATES = Object.keys(HEALTH);
  const stateLabel = (state) => t(`health_${state}`);
  const RESCAN_MS = 150; // wait for a burst of page changes to end before looking again
  const SLICE_MS = 8; // longest stretch of work before yielding to the page
  const BATCH = 2000; // links classified per message
  const IN_VIEW_MAX = 400; // links classified first, those in view

  // Yields to the page without setTimeout's 4 ms clamp on nested calls.
  const nextSlice = () => globalThis.scheduler?.yield?.() ?? new Promise((resolve) => setTimeout(resolve, 0));

  const { createLayer, LINKS } = globalThis.linkscopeLayer;

  const state = {
    host: null,
    root: null,
    layer: null,
    panel: null,
    entries: [], // { anchor, href, where, finding } for Amazon links, in document order
    byAnchor: new Map(),
    known: new WeakMap(), // link -> the address last classified
    unreachable: { closedShadowRoots: 0, crossOriginFrames: 0 },
    filter: null,
    observers: new Map(), // document or shadow root -> MutationObserver
    rescanTimer: 0,
    scanning: Promise.resolve(),
    timing: null,
    live: null, // the check running: { port, total, done, promise }
    liveStatus: null, // what the panel says about it: { phase, done, total, message }
  };

  // ---- Finding links ------------------------------------------------------------------------

  // Addresses the core may read as written: an http(s) URL whose host is plain lower-case ASCII,
  // or, in the page itself, a path or query relative to its base. Anything else (Unicode or
  // upper-case hosts, backslashes, spaces, other documents' relative links) is resolved by the
  // browser first, so that a host the browser maps to Amazon (fullwidth letters, U+3002 as a
  // dot) is seen as Amazon. Reading `href` resolves every link and is about 20 times slower.
  const PLAIN_ABSOLUTE = /^https?:\/\/[a-z0-9.-]+(?::\d+)?(?:[/?#][!-[\]-~]*)?$/;
  const PLAIN_RELATIVE = /^(?:\/(?!\/)|[?#])[!-[\]-~]*$/;

  /** The address a browser would follow (for the core: a form that classifies the same). */
  function hrefOf(a, top) {
    const raw = a.getAttribute('href');
    if (raw !== null && (PLAIN_ABSOLUTE.test(raw) || (top && PLAIN_RELATIVE.test(raw)))) return raw;
    if (typeof a.href === 'string') return a.href;
    const svg = a.href?.baseVal || raw || a.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '';
    try {
      return new URL(svg, a.baseURI).href; // SVG links keep theirs in an SVGAnimatedString
    } catch {
      return svg;
    }
  }

  /** What a report shows: the resolved address. */
  const resolved = (a, href) => (PLAIN_RELATIVE.test(href) && typeof a.href === 'string' ? a.href : href);

  /** A frame's document when it may be read (same origin), else null. */
  function frameDocument(frame) {
    try {
      return frame.contentDocument;
    } catch {
      return null;
    }
  }

  /**
   * Walks the page for its links in document order, looking into open shadow roots (nested too)
   * and same-origin frames, and counts closed shadow roots and cross-origin frames. A generator:
   * it yields now and then, so that a caller may give the page a turn.
   */
  function* walk(found) {
    // Closed roots are only counted; Chrome and Firefox let extensions detect them differently
    // (Firefox: a property of content scripts' elements, not a method).
    const closedRoot = chrome.dom?.openOrClosedShadowRoot ?? ((el) => el.openOrClosedShadowRoot);
    let count = 0;
    function* visit(root, where) {
      found.roots.push(root);
      const walker = (root.ownerDocument ?? root).createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
      for (let el = walker.nextNode(); el; el = walker.nextNode()) {
        if (++count % 512 === 0) yield;
        if (el === state.host) continue;
        const name = el.localName;
        if ((name === 'a' || name === 'area') && el.matches(LINKS)) found.items.push({ anchor: el, href: hrefOf(el, root === document), where });
        else if (name === 'iframe' || name === 'frame') {
          const inner = frameDocument(el);
          if (inner?.documentElement) yield* visit(inner, 'frame');
          else if (el.src && !/^(about|javascript):/.test(el.src)) found.crossOriginFrames += 1;
        }
        if (el.shadowRoot) yield* visit(el.shadowRoot, where === 'frame' ? 'frame' : 'shadow');
        else if (name.includes('-') && closedRoot(el)) found.closedShadowRoots += 1;
      }
    }
    yield* visit(document, 'page');
  }

  const newFound = () => ({ items: [], roots: [], closedShadowRoots: 0, crossOriginFrames: 0 });

  /** Every link of the page, at once. */
  function findLinks() {
    const found = newFound();
    for (const _ of walk(found));
    return found;
  }

  /** Every link of the page, in slices. */
  async function findLinksInSlices() {
    const found = newFound();
    let end = performance.now() + SLICE_MS;
    for (const _ of walk(found)) {
      if (performance.now() > end) {
        await nextSlice();
        end = performance.now() + SLICE_MS;
      }
    }
    return found;
  }

  /**
   * The page's own links in or near the viewport, found quickly (a few hundred rectangles read,
   * not all): links are mostly laid out in document order, so a binary search finds the first
   * one in view. Only an order of work: every link is classified afterwards anyway.
   */
  function linksInView() {
    const all = document.querySelectorAll(LINKS); // a NodeList reads its items only when asked
    const h = innerHeight;
    const top = (i) => all[i].getBoundingClientRect().bottom;
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (top(mid) < -h) lo = mid + 1;
      else hi = mid;
    }
    const items = [];
    const take = (i) => {
      const r = all[i].getBoundingClientRect();
      if (r.bottom > -h && r.top < 2 * h) items.push({ anchor: all[i], href: hrefOf(all[i], true), where: 'page' });
    };
    for (let i = 0; i < Math.min(all.length, 100); i++) take(i); // headers and menus, often fixed
    for (let i = Math.max(lo, 100); i < all.length && items.length < IN_VIEW_MAX; i++) {
      if (all[i].getBoundingClientRect().top > 2 * h) break;
      take(i);
    }
    return items;
  }

  // ---- Classifying and keeping up with the page ----------------------------------------------

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

  /** Finds the links again; classifies the new and changed ones; forgets the removed ones. */
  async function rescan(timing = {}) {
    const start = performance.now();
    const found = await findLinksInSlices();
    state.unreachable = { closedShadowRoots: found.closedShadowRoots, crossOriginFrames: found.crossOriginFrames };
    for (const root of found.roots) watchRoot(root);
    const present = new Set(found.items.map((i) => i.anchor));
    for (const e of state.entries) if (!present.has(e.anchor)) drop(e);
    const todo = found.items.filter((i) => state.known.get(i.anchor) !== i.href);
    timing.collectMs = performance.now() - start;
    for (let i = 0; i < todo.length; i += BATCH) await classify(todo.slice(i, i + BATCH));
    state.entries = found.items.map((i) => state.byAnchor.get(i.anchor)).filter(Boolean);
    timing.classifiedMs = performance.now() - start;
    state.panel?.update();
  }

  /** Classifies links while the page is free, then records their verdicts in slices. */
  async function classify(todo, inView = false) {
    const audit = await chrome.runtime.sendMessage({ type: 'audit', links: todo.map((i) => i.href), page: document.baseURI });
    if (!audit || audit.error) throw new Error(audit?.error ?? 'no answer from Linkscope');
    if (!state.host) return; // hidden meanwhile
    const amazon = new Map(audit.findings.map((f) => [todo[f.index].anchor, f]));
    await inSlices(todo, (item) => apply(item, amazon.get(item.anchor), inView));
  }

  /** Records the verdict of one link: a new badge, a changed one, or none any more. */
  function apply(item, finding, inView) {
    state.known.set(item.anchor, item.href);
    const old = state.byAnchor.get(item.anchor);
    if (old && !finding) drop(old);
    else if (old) {
      Object.assign(old, { href: resolved(item.anchor, item.href), finding });
      state.layer.redraw(old);
    } else if (finding) {
      const e = { anchor: item.anchor, href: resolved(item.anchor, item.href), where: item.where, finding };
      state.byAnchor.set(e.anchor, e);
      state.layer.add(e, inView);
    }
  }

  function drop(e) {
    state.layer.remove(e);
    state.byAnchor.delete(e.anchor);
  }

  function scheduleRescan() {
    clearTimeout(state.rescanTimer);
    state.rescanTimer = setTimeout(() => {
      state.scanning = state.scanning.then(() => state.host && rescan()).catch((e) => console.warn('Linkscope:', e.message));
    }, RESCAN_MS);
  }

  /** Watches a document or shadow root for added, removed and changed links and for layout changes. */
  function watchRoot(root) {
    if (state.observers.has(root)) return;
    const observer = new MutationObserver((records) => {
      state.layer?.layoutChanged();
      if (records.some((r) => r.type === 'childList' || r.attributeName === 'href' || r.attributeName === 'xlink:href')) scheduleRescan();
    });
    observer.observe(root, { childList: true, subtree: true, attributes: true, characterData: true });
    state.observers.set(root, observer);
    if (root.nodeType === Node.DOCUMENT_NODE) state.layer?.watchDocument(root);
  }

  function summary() {
    const counts = Object.fromEntries(ORDER.map((v) => [v, 0]));
    for (const e of state.entries) counts[e.finding.verdict] += 1;
    const states = Object.fromEntries(STATES.map((s) => [s, 0]));
    for (const e of state.entries) if (e.live?.state) states[e.live.state] += 1;
    return { total: state.entries.length, ...counts, health: states };
  }

  // ---- What an entry looks like -------------------------------------------------------------

  /**
   * The details of a finding, one line each: verdict and store, ASIN, tag, coverage, what to do;
   * after a live check (`live`), its state, the product's title and a short link's target.
   */
  function details(f, live) {
    return [
      `${label(f.verdict)} — ${f.marketplace ?? t('unknownMarketplace')}`,
      f.asin ? `ASIN ${f.asin}` : null,
      `${t('tag')}: ${f.tag ?? t(f.verdict === 'short' ? 'tagUnknown' : 'none')}`,
      f.coverage ? `${t('coverage')}: ${t(`coverage_${f.coverage}`)}` : null,
      advice(f),
      ...liveDetails(live),
    ].filter(Boolean);
  }

  /** What to do about a finding; no link to copy where none of the user's IDs earns. */
  function advice(f) {
    const copyable = f.coverage !== 'none' || !['untagged', 'foreign', 'wrongMarketplace'].includes(f.verdict);
    return t(copyable ? `advice_${f.verdict}` : 'adviceNotCovered');
  }

  function liveDetails(live) {
    if (!live) return [];
    const where = live.health?.kind === 'redirected' ? ` (${t(`redirect_${live.health.to}`)})` : '';
    return [
      live.state ? `${t('healthLabel')}: ${stateLabel(live.state)}${where}` : t('healthNotProduct'),
      live.title ? `${t('healthTitle')}: ${live.title}` : null,
      live.target ? `${t('healthTarget')}: ${live.target}` : null,
      live.state === 'blocked' || live.state === 'error' ? t(`healthAdvice_${live.state}`) : null,
    ];
  }

  function look(e) {
    const s = e.live?.state;
    return {
      className: `v-${e.finding.verdict}${s ? ` h-${s}` : ''}`,
      icon: s ? HEALTH[s].icon : VERDICTS[e.finding.verdict].icon,
      details: () => details(e.finding, e.live).map((line, i) => Object.assign(document.createElement('div'), { className: i ? '' : 'what', textContent: line })),
    };
  }

  // ---- Live check ---------------------------------------------------------------------------

  /** Whether an entry passes the panel's filter: a verdict, or a live state (`h:notFound`). */
  const matches = (e, filter) => !filter || (filter.startsWith('h:') ? e.live?.state === filter.slice(2) : e.finding.verdict === filter);

  function setLiveStatus(status) {
    state.liveStatus = status;
    state.panel?.update();
  }

  /**
   * Checks the page's Amazon links live (the panel's "Check links"): the service worker expands
   * short links and checks each product, and results arrive one by one into badges and panel.
   * Resolves to `{ links: [{ href, verdict, health, target, title }] }` in document order, or
   * `{ needsPermission }` / `{ cancelled }` / `{ error }`.
   */
  function checkLinks() {
    if (!state.host) return Promise.resolve({ error: 'the overlay is not shown' });
    if (state.live) return state.live.promise;
    const entries = [...state.entries];
    const port = chrome.runtime.connect({ name: 'live-check' });
    const live = { port, total: 0, done: 0 };
    state.live = live;
    setLiveStatus({ phase: 'running', done: 0, total: 0 });
    live.promise = new Promise((resolve) => {
      const finish = (answer, status) => {
        if (state.live === live) state.live = null;
        setLiveStatus(status);
        try {
          port.disconnect();
        } catch {}
        resolve(answer);
      };
      port.onMessage.addListener((msg) => {
        if (msg.type === 'start') {
          live.total = msg.total;
          setLiveStatus({ phase: 'running', done: 0, total: msg.total });
        } else if (msg.type === 'result') {
          const e = entries[msg.index];
          if (!e) return;
          // A short link's verdict becomes its target's (the finding of the target).
          if (msg.finding) e.finding = { ...msg.finding, index: e.finding.index };
          e.live = { state: msg.state, health: msg.health, title: msg.title, target: msg.target, why: msg.why };
          if (state.byAnchor.get(e.anchor) === e) state.layer.redraw(e);
          live.done += 1;
          setLiveStatus({ phase: 'running', done: live.done, total: live.total });
        } else if (msg.type === 'done') {
          if (msg.needsPermission) {
            finish({ needsPermission: true }, { phase: 'permission' });
          } else if (msg.cancelled) {
            finish({ cancelled: true }, { phase: 'cancelled', done: live.done, total: live.total });
          } else if (msg.error) {
            finish({ error: msg.error }, { phase: 'error', message: msg.error });
          } else {
            finish({ links: entries.map(liveReport), requests: msg.requests, cached: msg.cached },
              { phase: 'done', done: live.done, total: live.total });
          }
        }
      });
      port.onDisconnect.addListener(() => {
        if (state.live === live) finish({ cancelled: true }, { phase: 'cancelled', done: live.done, total: live.total });
      });
    });
    port.postMessage({ type: 'check', links: entries.map((e) => e.href), page: document.baseURI });
    return live.promise;
  }

  function cancelCheck() {
    state.live?.port.postMessage({ type: 'cancel' });
  }

  const liveReport = (e) => ({
    href: e.href, verdict: e.finding.verdict, health: e.live?.state ?? null, target: e.live?.target ?? null, title: e.live?.title ?? null,
  });

  // ---- Export -------------------------------------------------------------------------------

  function report() {
    return {
      page: location.href,
      links: state.entries.map((e) => ({ href: e.href, ...publicFields(e.finding), ...liveFields(e.live) })),
      summary: summary(),
      notInspected: { ...state.unreachable },
    };
  }

  const publicFields = (f) => ({ verdict: f.verdict, marketplace: f.marketplace, asin: f.asin, tag: f.tag, coverage: f.coverage });
  /** A live check's result in the exports (nothing before a check). */
  const liveFields = (live) => (live ? { health: live.state, title: live.title, target: live.target } : {});

  function toCsv() {
    const quote = (v) => {
      const s = v === null || v === undefined ? '' : String(v);
      const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s; // no formulas in spreadsheets
      return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    };
    const checked = state.entries.some((e) => e.live);
    const cols = ['href', 'verdict', 'marketplace', 'asin', 'tag', 'coverage', ...(checked ? ['health', 'title', 'target'] : [])];
    return [cols.join(','), ...report().links.map((l) => cols.map((c) => quote(l[c])).join(','))].join('\n') + '\n';
  }

  function download(name, type, text) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = Object.assign(document.createElement('a'), { href: url, download: name });
    state.root.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // ---- Life cycle ---------------------------------------------------------------------------

  function css() {
    const colours = (scheme) => [
      ...ORDER.map((v) => `.v-${v} { --c: ${VERDICTS[v][scheme]}; --line: ${VERDICTS[v].line}; }`),
      ...STATES.map((s) => `.h-${s} { --hc: ${HEALTH[s][scheme]}; } .chip.h-${s}, .icon.h-${s} { --c: var(--hc); }`),
    ].join('\n');
    return `${globalThis.linkscopePanel.CSS}
      .layer { position: fixed; inset: 0; overflow: hidden; pointer-events: none; contain: strict; }
      .badge[hidden], .box[hidden], .mark[hidden] { display: none; }
      .box, .mark { position: fixed; top: 0; left: 0; box-sizing: border-box; }
      .box { border: 2px var(--line) var(--c); border-radius: 3px; background: color-mix(in srgb, var(--c) 10%, transparent);
        box-shadow: 0 0 0 1px rgb(255 255 255 / .7); }
      .mark { display: flex; align-items: center; justify-content: center; border-radius: 50%; background: var(--c);
        color: #fff; font: 700 9px/1 system-ui, sans-serif; box-shadow: 0 0 0 1px #fff; pointer-events: auto; }
      .badge[class*=" h-"] .mark { background: var(--hc); }
      .badge[class*=" h-"] .box { border-color: var(--hc); background: color-mix(in srgb, var(--hc) 10%, transparent); }
      .badge.flash .box { border-width: 3px; border-style: solid; box-shadow: 0 0 0 3px rgb(228 121 17 / .75); }
      .callout { position: fixed; top: 0; left: 0; max-width: min(320px, 90vw); padding: 6px 10px; border-radius: 8px;
        border-inline-start: 4px solid var(--c); background: #1b1b1f; color: #fff; font: 12px/1.4 system-ui, sans-serif;
        box-shadow: 0 4px 16px rgb(0 0 0 / .3); pointer-events: none; z-index: 1; }
      .callout[hidden] { display: none; }
      .callout .what { font-weight: 600; }
      ${colours('light')}
      @media (prefers-color-scheme: dark) { ${colours('dark').replaceAll('.v-', '.panel .v-')} }`;
  }

  function mount() {
    const host = document.createElement('linkscope-overlay');
    // Inline !important declarations win over any page rule that matches the host.
    for (const [prop, value] of [['all', 'initial'], ['position', 'fixed'], ['top', '0'], ['left', '0'],
      ['width', '0'], ['height', '0'], ['display', 'block'], ['overflow', 'visible'], ['z-index', '2147483647'],
      ['transform', 'none'], ['contain', 'style']]) {
      host.style.setProperty(prop, value, 'important');
    }
    const root = host.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet(); // constructed sheets are not inline styles: strict CSPs allow them
    sheet.replaceSync(css());
    root.adoptedStyleSheets = [sheet];
    const layer = Object.assign(document.createElement('div'), { className: 'layer' });
    const callout = Object.assign(document.createElement('div'), { className: 'callout', hidden: true });
    callout.setAttribute('aria-hidden', 'true'); // the same details are in the panel's rows
    layer.append(callout);
    root.append(layer);
    document.documentElement.append(host);
    Object.assign(state, { host, root });
    state.layer = createLayer({ host, layer, callout, look });
  }

  /** Shows the overlay (again): `{ links, summary, notInspected, timing }`. */
  async function show() {
    const start = performance.now();
    if (state.host) {
      state.panel?.open();
      await (state.scanning = state.scanning.then(() => rescan()));
      return { ...report(), timing: state.timing };
    }
    mount();
    const timing = {};
    const prefs = globalThis.linkscopePanel.loadPrefs();
    // The links in view first, so that their badges are drawn at once; then all of them.
    const inView = linksInView();
    timing.inViewLinks = inView.length;
    timing.inViewFoundMs = performance.now() - start;
    await classify(inView, true);
    timing.inViewClassifiedMs = performance.now() - start;
    timing.inViewDrawnMs = (await state.layer.drawn()) - start;
    timing.inViewDrawnAt = performance.timeOrigin + start + timing.inViewDrawnMs; // epoch ms, for the benchmark
    state.entries = inView.map((i) => state.byAnchor.get(i.anchor)).filter(Boolean);
    state.panel = globalThis.linkscopePanel.createPanel({
      root: state.root, prefs: await prefs, t, ORDER, VERDICTS, label, details, summary, entries: () => state.entries,
      STATES, HEALTH, stateLabel, matches, liveStatus: () => state.liveStatus,
      checkLinks: () => checkLinks().then((r) => r.needsPermission && state.panel?.askPermission()),
      cancelCheck,
      grant: () => chrome.runtime.sendMessage({ type: 'openGrant' }),
      unreachable: () => state.unreachable,
      where: () => ({ shadow: state.entries.filter((e) => e.where === 'shadow').length, frame: state.entries.filter((e) => e.where === 'frame').length }),
      setFilter: (filter) => {
        state.filter = filter;
        state.layer.setFilter(filter ? (e) => matches(e, filter) : null);
      },
      showEntry: (e) => state.layer.pin(e),
      clear: () => hide(),
      exportCsv: () => download('linkscope-audit.csv', 'text/csv', toCsv()),
      exportJson: () => download('linkscope-audit.json', 'application/json', JSON.stringify(report(), null, 2)),
    });
    await (state.scanning = rescan(timing));
    timing.readyMs = performance.now() - start;
    state.timing = { ...timing, drawnMs: timing.inViewDrawnMs };
    return { ...report(), timing: state.timing };
  }

  /** Removes badges and panel. */
  function hide() {
    cancelCheck();
    for (const o of state.observers.values()) o.disconnect();
    clearTimeout(state.rescanTimer);
    state.layer?.destroy();
    state.panel?.destroy();
    state.host?.remove();
    Object.assign(state, {
      host: null, root: null, layer: null, panel: null, entries: [], byAnchor: new Map(), known: new WeakMap(),
      filter: null, observers: new Map(), live: null, liveStatus: null,
    });
  }

  /** Every link of the page (open shadow roots and same-origin frames too), for counting without showing anything. */
  const collect = () => ({ links: findLinks().items.map((i) => i.href), page: document.baseURI });

  /** Per-frame costs of keeping badges aligned (ms), for the benchmark. */
  const frameCosts = () => state.layer?.frameCosts() ?? [];

  /** The badges drawn now, each with its link (for the tests). */
  const placements = () => state.layer?.placements() ?? [];

  globalThis.linkscopeOverlay = { show, hide, report, toCsv, collect, frameCosts, placements, checkLinks, cancelCheck };
})();
