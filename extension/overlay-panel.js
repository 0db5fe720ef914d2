// The overlay's summary panel (injected before overlay.js): counts, a filter by verdict, the list
// of links (each row shows its link on the page and its details), export, and what could not be
// inspected. Made for the keyboard and screen readers: it takes focus when it opens, Escape closes
// it, controls keep focus when pressed, rows are buttons in a list. It can be collapsed to a bar
// and moved to another corner (both remembered); closing it keeps the badges, clearing removes
// both. Its direction follows the browser's UI language, not the page.
(() => {
  if (globalThis.linkscopePanel) return;

  const LIST_LIMIT = 300; // rows drawn in the list at once
  const CORNERS = ['top-end', 'bottom-end', 'bottom-start', 'top-start'];
  const STORE_KEY = 'overlayPanel';

  const CSS = `
    :host { all: initial; }
    .panel { position: fixed; width: min(340px, calc(100vw - 24px)); max-height: min(70vh, 560px); display: flex;
      flex-direction: column; z-index: 2; font: 13px/1.4 system-ui, sans-serif; color: #1b1b1f; background: #fff;
      border-radius: 12px; box-shadow: 0 8px 32px rgb(0 0 0 / .28); overflow: hidden; }
    .panel[data-corner^=top] { top: 12px; } .panel[data-corner^=bottom] { bottom: 12px; }
    .panel[data-corner$=end] { inset-inline-end: 12px; } .panel[data-corner$=start] { inset-inline-start: 12px; }
    .panel.collapsed { width: auto; max-width: calc(100vw - 24px); }
    .panel.collapsed .body { display: none; }
    .head { display: flex; align-items: center; gap: 4px; padding: 8px; padding-inline-start: 12px; background: #232f3e; color: #fff; }
    .head h2 { font: 600 14px/1.2 system-ui, sans-serif; margin: 0; flex: 1; outline: none; white-space: nowrap;
      overflow: hidden; text-overflow: ellipsis; }
    .head button { all: unset; cursor: pointer; font-size: 16px; line-height: 1; min-width: 24px; height: 24px;
      text-align: center; border-radius: 6px; }
    .head button:hover { background: rgb(255 255 255 / .15); }
    button:focus-visible { outline: 2px solid #e47911; outline-offset: 1px; }
    .body { display: flex; flex-direction: column; min-height: 0; flex: 1; }
    .scope { margin: 0; padding: 6px 12px; font-size: 12px; color: #4a4f57; border-bottom: 1px solid #e3e3e8; }
    .scope:empty { display: none; }
    .chips { display: flex; flex-wrap: wrap; gap: 6px; padding: 10px 12px; border-bottom: 1px solid #e3e3e8; }
    .chip { all: unset; cursor: pointer; display: inline-flex; gap: 4px; align-items: center; padding: 2px 8px;
      border-radius: 12px; border: 2px solid var(--c); color: var(--c); font-weight: 600; font-size: 12px; }
    .chip[aria-pressed="true"] { background: var(--c); color: #fff; }
    .list { overflow: auto; flex: 1; margin: 0; padding: 4px 0; list-style: none; }
    .row { all: unset; box-sizing: border-box; width: 100%; display: grid; grid-template-columns: 22px 1fr; gap: 6px;
      padding: 5px 12px; cursor: pointer; }
    .row:hover { background: #f3f3f6; }
    .row > span:last-child { min-width: 0; }
    .icon { display: inline-flex; width: 18px; height: 18px; border-radius: 9px; color: #fff; background: var(--c);
      font-size: 11px; font-weight: 700; align-items: center; justify-content: center; }
    .what { font-weight: 600; display: block; }
    .href { display: block; color: #4a4f57; font-size: 12px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    /* Read aloud, not shown. Not positioned nor clipped by a path: the rows' hundreds of such layers made
       every hit test on the page (the badge layer makes several a frame) ten times slower. */
    .sr { display: block; width: 1px; height: 1px; margin-bottom: -1px; overflow: hidden; white-space: nowrap; }
    .more, .none { padding: 6px 12px; color: #4a4f57; font-size: 12px; }
    .foot { display: flex; flex-wrap: wrap; gap: 8px; padding: 8px 12px; border-top: 1px solid #e3e3e8; align-items: center; }
    .foot button { font: inherit; font-size: 12px; border: 1px solid #8a8d96; background: #f3f3f6; color: inherit;
      border-radius: 6px; padding: 3px 10px; cursor: pointer; }
    .note { flex: 1 1 100%; font-size: 11px; color: #4a4f57; }
    .live { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 8px 12px; border-top: 1px solid #e3e3e8; }
    .live button { font: inherit; font-size: 12px; border: 1px solid #8a8d96; background: #f3f3f6; color: inherit;
      border-radius: 6px; padding: 3px 10px; cursor: pointer; }
    .live button.check { background: #e47911; border-color: #e47911; color: #1b1b1f; font-weight: 600; }
    .live button:disabled { opacity: .55; cursor: default; }
    .live .progress { flex: 1; font-size: 12px; color: #4a4f57; }
    .live .ask { flex: 1 1 100%; font-size: 12px; }
    .live progress { flex: 1 1 100%; height: 6px; accent-color: #e47911; }
    .chips.states:empty { display: none; }
    .state { font-weight: 600; color: var(--c); }
    @media (max-width: 520px) { .panel { max-height: 42vh; } }
    @media (prefers-color-scheme: dark) {
      .panel { background: #1e1f24; color: #e4e2e6; } .scope, .chips, .foot { border-color: #3a3b41; }
      .row:hover { background: #2b2c31; } .href, .more, .none, .note, .scope { color: #b4b6be; }
      .chip[aria-pressed="true"] { color: #111; } .icon { color: #111; }
      .foot button, .live button { background: #2b2c31; border-color: #8a8d96; }
      .live button.check { background: #f0a04b; border-color: #f0a04b; color: #111; }
      .live, .chips.states { border-color: #3a3b41; } .live .progress { color: #b4b6be; }
    }`;

  const { plural, count } = globalThis.linkscopeCounts; // counts.js, injected before

  function el(tag, props = {}, ...children) {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  }

  function createPanel(o) {
    const { t } = o;
    const dir = chrome.i18n.getMessage('@@bidi_dir') || 'ltr';
    const prefs = { corner: 'top-end', collapsed: false, ...o.prefs };
    if (!CORNERS.includes(prefs.corner)) prefs.corner = 'top-end';
    let returnFocus = document.activeElement;

    const title = el('h2', { id: 'ls-title', tabIndex: -1 });
    const collapse = el('button', { className: 'collapse' });
    const move = el('button', { className: 'move', ariaLabel: t('overlayMove'), title: t('overlayMove') }, '⇲');
    const close = el('button', { className: 'close', ariaLabel: t('overlayClose'), title: t('overlayClose') }, '×');
    const scope = el('p', { className: 'scope' });
    /** A filter chip: pressing it filters by `value` (a verdict, or `h:` and a live state), again clears. */
    const chip = (className, data, value) => {
      const b = el('button', { className: `chip ${className}` });
      Object.assign(b.dataset, data);
      b.setAttribute('aria-pressed', 'false');
      b.addEventListener('click', () => setFilter(filter === value ? null : value));
      return b;
    };
    const chips = el('div', { className: 'chips', role: 'group', ariaLabel: t('filterByVerdict') });
    const chipOf = new Map(o.ORDER.map((verdict) => [verdict, chip(`v-${verdict}`, { verdict }, verdict)]));
    chips.append(...chipOf.values());
    // Live states, shown once a check has found them.
    const states = el('div', { className: 'chips states', role: 'group', ariaLabel: t('filterByState') });
    const stateChips = new Map(o.STATES.map((state) => [state, chip(`h-${state}`, { state }, `h:${state}`)]));
    const list = el('ul', { className: 'list', ariaLabel: t('overlayList') });
    const live = el('div', { className: 'sr', role: 'status' });
    const button = (text, onClick) => {
      const b = el('button', {}, text);
      b.addEventListener('click', onClick);
      return b;
    };
    const checkButton = button(t('liveCheckLinks'), () => o.checkLinks());
    checkButton.className = 'check';
    const cancelButton = button(t('liveCancel'), () => o.cancelCheck());
    cancelButton.className = 'cancel';
    const progressText = el('span', { className: 'progress' });
    progressText.setAttribute('aria-live', 'polite');
    const progressBar = el('progress', { max: 1, value: 0 });
    progressBar.setAttribute('aria-hidden', 'true');
    const ask = el('p', { className: 'ask' }, t('liveGrantInPanel'));
    const grantButton = button(t('liveGrantButton'), () => o.grant());
    grantButton.className = 'grant';
    const liveBar = el('div', { className: 'live' }, checkButton, progressText, cancelButton, progressBar, ask, grantButton);
    const clear = button(t('overlayClear'), () => o.clear());
    clear.className = 'clear';
    const foot = el('div', { className: 'foot' }, el('span', { className: 'note' }, t('readOnlyNote')), clear,
      button(t('exportCsv'), o.exportCsv), button(t('exportJson'), o.exportJson));
    const panel = el('section', { className: 'panel', dir },
      el('div', { className: 'head' }, title, collapse, move, close),
      el('div', { className: 'body' }, scope, chips, states, list, liveBar, foot, live));
    panel.setAttribute('role', 'region');
    panel.setAttribute('aria-labelledby', 'ls-title');
    let filter = null;

    collapse.addEventListener('click', () => {
      prefs.collapsed = !prefs.collapsed;
      arrange();
      save();
    });
    move.addEventListener('click', () => {
      prefs.corner = CORNERS[(CORNERS.indexOf(prefs.corner) + 1) % CORNERS.length];
      arrange();
      save();
    });
    close.addEventListener('click', () => closePanel());
    panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        closePanel();
      }
    });

    function arrange() {
      panel.dataset.corner = prefs.corner;
      panel.classList.toggle('collapsed', prefs.collapsed);
      collapse.textContent = prefs.collapsed ? '▴' : '▾';
      collapse.setAttribute('aria-expanded', String(!prefs.collapsed));
      collapse.ariaLabel = collapse.title = t(prefs.collapsed ? 'overlayExpand' : 'overlayCollapse');
    }

    const save = () => chrome.storage?.local.set({ [STORE_KEY]: { ...prefs } }).catch(() => {});

    function setFilter(verdict) {
      filter = verdict;
      o.setFilter(verdict);
      update();
    }

    function row(e) {
      const f = e.finding;
      const [what, ...rest] = o.details(f, e.live);
      const s = e.live?.state;
      const b = el('button', { className: 'row' },
        el('span', { className: `icon v-${f.verdict}`, ariaHidden: 'true' }, o.VERDICTS[f.verdict].icon),
        el('span', {},
          // Each part isolated (<bdi>), so that a store and an ASIN keep their places in Arabic.
          el('span', { className: 'what' }, ...[o.label(f.verdict), f.marketplace, f.asin].filter(Boolean)
            .flatMap((part, i) => [i ? ' · ' : '', el('bdi', {}, part)]),
          ...(s ? [' · ', el('bdi', { className: `state h-${s}` }, `${o.HEALTH[s].icon} ${o.stateLabel(s)}`)] : [])),
          ...(e.live?.title ? [el('span', { className: 'href', dir: 'auto' }, e.live.title)] : []),
          el('span', { className: 'href', dir: 'ltr' }, e.href),
          el('span', { className: 'sr' }, `. ${rest.join('. ')}`)));
      b.addEventListener('click', () => {
        e.anchor.scrollIntoView({ block: 'center', inline: 'nearest' });
        o.showEntry(e);
        const seen = e.anchor.localName === 'area' || e.anchor.checkVisibility?.({ opacityProperty: true, visibilityProperty: true });
        live.textContent = seen ? `${t('overlayShown')}: ${[what, ...rest].join('. ')}` : t('overlayNotVisible');
      });
      rows.set(b, e);
      return el('li', {}, b);
    }
    const rows = new WeakMap(); // row button -> entry

    /** Redraws counts and list in place: whatever has focus keeps it. */
    function update() {
      const s = o.summary();
      title.textContent = plural('overlayTitle', s.total);
      for (const [verdict, b] of chipOf) {
        b.textContent = `${o.VERDICTS[verdict].icon} ${o.label(verdict)} ${count(s[verdict])}`;
        b.setAttribute('aria-pressed', String(filter === verdict));
      }
      const where = o.where();
      const unreachable = o.unreachable();
      scope.textContent = [
        where.shadow ? t('overlayInShadow', count(where.shadow)) : '',
        where.frame ? t('overlayInFrames', count(where.frame)) : '',
        unreachable.closedShadowRoots ? t('overlayClosedRoots', count(unreachable.closedShadowRoots)) : '',
        unreachable.crossOriginFrames ? t('overlayCrossOrigin', count(unreachable.crossOriginFrames)) : '',
      ].filter(Boolean).join(' ');
      const focused = rows.get(o.root.activeElement);
      for (const [st, b] of stateChips) {
        b.textContent = `${o.HEALTH[st].icon} ${o.stateLabel(st)} ${count(s.health[st])}`;
        b.setAttribute('aria-pressed', String(filter === `h:${st}`));
      }
      states.replaceChildren(...[...stateChips].filter(([st]) => s.health[st] > 0 || filter === `h:${st}`).map(([, b]) => b));
      updateLive();
      const shown = o.entries().filter((e) => o.matches(e, filter));
      list.replaceChildren(...shown.slice(0, LIST_LIMIT).map(row));
      if (shown.length > LIST_LIMIT) list.append(el('li', { className: 'more' }, t('moreLinks', count(shown.length - LIST_LIMIT))));
      if (shown.length === 0) list.append(el('li', { className: 'none' }, t('noAmazonLinks')));
      if (focused) [...list.querySelectorAll('.row')].find((b) => rows.get(b) === focused)?.focus();
    }

    /** The live check's bar: the button, progress ("Checked 12 of 40"), Cancel, or the way to grant access. */
    function updateLive() {
      const st = o.liveStatus() ?? { phase: 'idle' };
      const running = st.phase === 'running';
      checkButton.disabled = running;
      checkButton.textContent = t(st.phase === 'done' || st.phase === 'cancelled' ? 'liveCheckAgain' : 'liveCheckLinks');
      cancelButton.hidden = !running;
      progressBar.hidden = !running;
      progressBar.max = Math.max(1, st.total ?? 0);
      progressBar.value = st.done ?? 0;
      ask.hidden = grantButton.hidden = st.phase !== 'permission';
      progressText.textContent = {
        running: st.total ? t('liveProgress', count(st.done), count(st.total)) : t('liveStarting'),
        done: t('liveDone', count(st.done), count(st.total)),
        cancelled: t('liveCancelled', count(st.done), count(st.total)),
        error: st.message ?? '',
        permission: '',
        idle: t('liveHint'),
      }[st.phase] ?? '';
    }

    function open() {
      if (!panel.isConnected) {
        returnFocus = document.activeElement;
        o.root.append(panel);
      }
      update();
      title.focus();
    }

    function closePanel() {
      panel.remove();
      returnFocus?.focus?.({ preventScroll: true });
    }

    arrange();
    open();

    return {
      update, open, close: closePanel, destroy: () => panel.remove(), element: panel,
      askPermission: () => grantButton.focus(),
    };
  }

  /** The remembered corner and collapsed state. */
  const loadPrefs = () => chrome.storage.local.get(STORE_KEY).then((got) => got?.[STORE_KEY] ?? {}, () => ({}));

  globalThis.linkscopePanel = { createPanel, loadPrefs, CSS };
})();
