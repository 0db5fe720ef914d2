// The overlay's badge layer (injected before overlay.js). Each inspected link gets an outline of
// its own boxes in its verdict's colour and line style and, where there is free room beside it,
// a small marker with the verdict's icon; the label shows on hover and focus. Everything sits in
// one position:fixed layer, so the page never gets wider, and only links near the viewport are
// positioned (IntersectionObserver), once per animation frame after any scroll, resize or layout
// change. A badge shows only where its link can be seen: not for links that are not rendered,
// transparent, hidden, clipped away by a scrolling box or covered by another element. The badges
// themselves are drawn by overlay-paint.js.
(() => {
  if (globalThis.linkscopeLayer) return;

  const SETTLE_FRAMES = 30; // frames still checked after the last event (transitions, smooth scroll)
  const POLL_MS = 600; // one check now and then for changes no event reports (web fonts, CSS)
  const CHECK_BUDGET_MS = 1.5; // hit tests and marker placement per frame; the rest waits for the next frames
  const FIRST_BUDGET_MS = 12; // the same while the badges in view are first drawn
  const QUIET_MS = 500; // after a layout change, links' boxes are read afresh every frame for this long
  const { MARK, LINKS, parentOf, intersect, box, shift, inside, linkRects, visibleThing, contentOrigin, hitTest: hitAt, within, markerSpot } =
    globalThis.linkscopeGeometry;

  /**
   * The layer. `host` is the overlay's host element (ignored by hit tests), `layer` the element
   * badges go into, `look(entry)` gives `{ className, icon, details() }` for an entry.
   */
  function createLayer({ host, layer, callout, look }) {
    const entries = new Map(); // anchor -> entry ({ anchor, ... } from overlay.js)
    const near = new Set(); // entries whose link is near the viewport
    const { draw, undraw, showCallout, entryOf: entryOfBadge, placements, clear } = globalThis.linkscopePaint.createPainter({ layer, callout, look });
    let filter = null; // entry -> boolean
    let epoch = 0; // bumps on every layout change: cached placements are recomputed
    let changedAt = 0; // when the layout last changed
    let polls = 0; // bumps on every poll: links' boxes are read afresh
    let settle = 0;
    let rafId = 0;
    let pinned = null; // { entry, until } the entry whose details are shown
    let hovered = null;
    const frameCosts = [];
    let drawnWaiters = [];
    const failed = new WeakSet(); // entries whose geometry threw (warned about once)

    const io = new IntersectionObserver((records) => {
      for (const r of records) {
        for (const e of targets.get(r.target) ?? []) {
          if (r.isIntersecting) near.add(e);
          else {
            near.delete(e);
            undraw(e);
          }
        }
      }
      wake();
    }, { rootMargin: '50% 50%' });

    const targets = new Map(); // observed element (a link, or the image of an area) -> its entries

    function observe(e) {
      e.target = visibleThing(e.anchor);
      if (!e.target) return;
      if (!targets.has(e.target)) targets.set(e.target, new Set());
      targets.get(e.target).add(e);
      io.observe(e.target);
    }

    function unobserve(e) {
      const set = targets.get(e.target);
      set?.delete(e);
      if (set?.size === 0) {
        targets.delete(e.target);
        io.unobserve(e.target);
      }
    }

    // ---- Scheduling ----

    function wake(layoutChanged = false, frames = SETTLE_FRAMES) {
      if (layoutChanged) {
        epoch += 1;
        changedAt = performance.now();
      }
      settle = Math.max(settle, frames);
      if (!rafId) rafId = requestAnimationFrame(frame);
    }
    let scrolls = 0; // bumps on every scroll: what covers a link may have changed
    const onScroll = () => {
      scrolls += 1;
      wake(false);
    };
    const onLayout = () => wake(true);
    const poll = setInterval(() => {
      scrolls += 1;
      polls += 1;
      wake(false, 1);
    }, POLL_MS);
    const ro = new ResizeObserver(onLayout);
    // Our own panel hides what is under it: links are looked at again when it opens, closes,
    // collapses or moves.
    const own = new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n !== layer) own.observe(n, { attributes: true, attributeFilter: ['class', 'data-corner'] });
      onLayout();
    });
    own.observe(host.shadowRoot, { childList: true });
    const watchedWindows = new Set();

    /** Follows scrolling, resizes and loads of a document (the page or a same-origin frame). */
    function watchDocument(doc) {
      const win = doc.defaultView;
      if (!win || watchedWindows.has(win)) return;
      watchedWindows.add(win);
      win.addEventListener('scroll', onScroll, { capture: true, passive: true });
      win.addEventListener('resize', onLayout, { passive: true });
      doc.addEventListener('load', onLayout, { capture: true, passive: true }); // images, frames
      doc.addEventListener('toggle', onLayout, { capture: true, passive: true }); // <details>
      doc.addEventListener('transitionend', onLayout, { capture: true, passive: true });
      doc.addEventListener('pointerover', onPointer, { capture: true, passive: true });
      doc.addEventListener('pointerout', onPointer, { capture: true, passive: true });
      doc.addEventListener('focusin', onFocus, { capture: true, passive: true });
      doc.addEventListener('focusout', onFocus, { capture: true, passive: true });
      doc.fonts?.addEventListener('loadingdone', onLayout);
      ro.observe(doc.documentElement);
      if (doc.body) ro.observe(doc.body);
    }

    function unwatchAll() {
      for (const win of watchedWindows) {
        try {
          const doc = win.document;
          win.removeEventListener('scroll', onScroll, { capture: true });
          win.removeEventListener('resize', onLayout);
          for (const type of ['load', 'toggle', 'transitionend']) doc.removeEventListener(type, onLayout, { capture: true });
          for (const type of ['pointerover', 'pointerout']) doc.removeEventListener(type, onPointer, { capture: true });
          for (const type of ['focusin', 'focusout']) doc.removeEventListener(type, onFocus, { capture: true });
          doc.fonts?.removeEventListener('loadingdone', onLayout);
        } catch {} // a frame that navigated away
      }
      watchedWindows.clear();
    }

    // ---- Hover and focus: the label of the link under the pointer or focused ----

    /** The entry of the link (or of our badge) an event happened on; 'overlay' for the panel. */
    function entryOf(event) {
      for (const node of event.composedPath()) {
        const badge = entryOfBadge(node);
        if (badge) return badge;
        if (node === host) return 'overlay';
        const e = entries.get(node);
        if (e) return e;
      }
      return null;
    }
    function onPointer(event) {
      const e = event.type === 'pointerover' ? entryOf(event) : null;
      if (e === 'overlay') return;
      hovered = e;
      wake();
    }
    function onFocus(event) {
      const e = event.type === 'focusin' ? entryOf(event) : null;
      if (e === 'overlay') return;
      hovered = e;
      wake();
    }

    // ---- Geometry ----

    /** Where a frame's viewport sits in the top window, and its visible part; null if not shown. */
    function frameView(doc, tick) {
      const win = doc.defaultView;
      if (win === window) return { x: 0, y: 0, clip: tick.viewport };
      if (tick.frames.has(win)) return tick.frames.get(win);
      let view = null;
      const el = win?.frameElement;
      if (el) {
        const outer = frameView(el.ownerDocument, tick);
        const { x: fx, y: fy, cs } = contentOrigin(el);
        const x = fx + (outer?.x ?? 0);
        const y = fy + (outer?.y ?? 0);
        const content = box(x, y, el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight),
          el.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom));
        const clip = outer && intersect(content, outer.clip);
        view = clip ? { x, y, clip } : null;
      }
      tick.frames.set(win, view);
      return view;
    }

    const hitTest = (x, y) => hitAt(x, y, host);
    const styleCache = new Map(); // element -> computed style, per frame
    const styleOf = (el) => {
      let cs = styleCache.get(el);
      if (!cs) styleCache.set(el, (cs = getComputedStyle(el)));
      return cs;
    };

    /** The scrolling and clipping boxes a link is drawn inside (cached per epoch). */
    function clippersOf(e) {
      if (e.clipEpoch === epoch) return e.clippers;
      const out = [];
      let still = true; // nothing sticky or fixed: scrolling alone moves it by the scrolled distance
      const doc = e.anchor.ownerDocument;
      const bodyScrolls = styleOf(doc.documentElement).overflowX !== 'visible' || styleOf(doc.documentElement).overflowY !== 'visible';
      for (let el = parentOf(e.anchor); el && el !== doc.documentElement; el = parentOf(el)) {
        const cs = styleOf(el);
        const x = cs.overflowX !== 'visible';
        const y = cs.overflowY !== 'visible';
        if ((x || y) && (el !== doc.body || bodyScrolls)) out.push({ el, x: x || cs.overflowY !== 'clip', y: y || cs.overflowX !== 'clip' });
        if (cs.position === 'sticky') still = false;
        if (cs.position === 'fixed') {
          still = false;
          break; // not clipped by its ancestors, only the viewport
        }
      }
      e.clippers = out;
      e.still = still && styleOf(e.anchor).position !== 'sticky' && styleOf(e.anchor).position !== 'fixed';
      e.clipEpoch = epoch;
      return out;
    }

    function clipOf(e, view, tick) {
      let clip = view.clip;
      for (const c of clippersOf(e)) {
        let r = tick.clips.get(c.el);
        if (!r) {
          const b = c.el.getBoundingClientRect();
          const pad = box(b.left + c.el.clientLeft + view.x, b.top + c.el.clientTop + view.y, c.el.clientWidth, c.el.clientHeight);
          r = { left: c.x ? pad.left : -Infinity, right: c.x ? pad.right : Infinity, top: c.y ? pad.top : -Infinity, bottom: c.y ? pad.bottom : Infinity };
          tick.clips.set(c.el, r);
        }
        clip = clip && intersect(clip, r);
        if (!clip) return null;
      }
      return clip;
    }

    /** A scrolling box's offsets, read once a frame. */
    function offsetsOf(el, tick) {
      let o = tick.offsets.get(el);
      if (!o) tick.offsets.set(el, (o = el.window === el ? [el.scrollX, el.scrollY] : [el.scrollLeft, el.scrollTop]));
      return o;
    }

    /**
     * A link's boxes in its document's viewport. While only its window scrolls, and the layout
     * has been quiet for a while, they are the boxes last read moved by the scrolled distance:
     * nothing of the link is read. Boxes are read afresh after a layout change, on every poll,
     * when a box it is inside scrolls, and always for links in sticky or fixed elements.
     */
    function boxesOf(e, tick) {
      const win = e.anchor.ownerDocument.defaultView;
      const [sx, sy] = offsetsOf(win, tick);
      const inner = clippersOf(e).flatMap((c) => offsetsOf(c.el, tick)).join();
      const c = e.boxCache;
      if (c && e.still && c.epoch === epoch && c.polls === polls && c.inner === inner && tick.start - changedAt > QUIET_MS) {
        if (c.sx === sx && c.sy === sy) return c.rects;
        return c.rects.map((r) => box(r.left + c.sx - sx, r.top + c.sy - sy, r.right - r.left, r.bottom - r.top));
      }
      const rects = linkRects(e.anchor, styleOf);
      e.boxCache = { rects, sx, sy, inner, epoch, polls };
      return rects;
    }

    /**
     * Where an entry's outline and marker go this frame, or null if it is not seen. Cheap: the
     * link's boxes and its clip. Whether it is visible and uncovered (hit tests) and where its
     * marker goes are worked out by `check` when stale, within a budget per frame.
     */
    function measure(e, tick) {
      const a = e.anchor;
      if (!a.isConnected || (filter && !filter(e))) return null;
      const view = frameView(a.ownerDocument, tick);
      if (!view) return null;
      const rects = boxesOf(e, tick).map((r) => shift(r, view));
      if (!rects.some((r) => intersect(r, view.clip))) return null; // off screen: nothing more to read
      const clip = clipOf(e, view, tick);
      const shown = clip ? rects.map((r) => intersect(r, clip)).filter(Boolean) : [];
      if (shown.length === 0) return null;
      const plan = { shown, rects, view, clip, mark: null };
      if (e.checkedEpoch !== epoch || e.checkedScroll !== scrolls) tick.stale.push([e, plan]);
      return plan;
    }

    /** Is the link visible and not covered, and is its marker's spot free and uncovered? */
    function check(e, plan) {
      const { shown, rects, view, clip } = plan;
      const a = e.anchor;
      e.seen = false; // until shown otherwise (also when something below throws)
      e.mark = null;
      e.checkedEpoch = epoch;
      e.checkedScroll = scrolls;
      e.checkedAt = performance.now();
      const thing = visibleThing(a);
      if (!thing?.checkVisibility({ opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true })) return;
      // The element at the middle of its largest visible box, near the start of its first box and
      // near the end of its last must be the link (or inside it): nothing covers it, even partly.
      const big = shown.reduce((p, r) => ((r.right - r.left) * (r.bottom - r.top) > (p.right - p.left) * (p.bottom - p.top) ? r : p));
      const first = shown[0];
      const last = shown.at(-1);
      const dx = (r) => Math.min(4, (r.right - r.left) / 4); // inside rounded corners and sub-pixel edges
      const dy = (r) => (r.bottom - r.top) / 4;
      const points = [[(big.left + big.right) / 2, (big.top + big.bottom) / 2], [first.left + dx(first), first.top + dy(first)],
        [last.right - dx(last), last.bottom - dy(last)]];
      // Where our panel is over the link, the panel hides that part of the badge (it is drawn
      // above the layer): the rest of the link must be visible, and some of it is.
      const hits = points.map(([x, y]) => hitTest(x, y));
      const mine = (hit) => hit && hit !== host && (within(hit, thing) || within(hit, a));
      if (!hits.some(mine) || !hits.every((hit) => hit === host || mine(hit))) return;
      e.seen = true;
      if (e.spotEpoch !== epoch) {
        e.spot = markerSpot(a, rects, view, clip, styleOf, hitTest);
        e.spotEpoch = epoch;
      }
      const m = markerBox(e, rects);
      // The marker shows only over its link's own surroundings (its paragraph, its cell), not over
      // a neighbouring cell, a sticky header or our own panel.
      const around = (hit) => hit && hit !== host && within(a, hit);
      e.mark = Boolean(m && inside(m, clip) && [[m.left + MARK / 2, m.top + MARK / 2], [m.left + 1, m.top + 1],
        [m.right - 1, m.bottom - 1]].every(([x, y]) => around(hitTest(x, y))));
    }

    function markerBox(e, rects) {
      const r = e.spot && (e.spot.which === 'first' ? rects[0] : rects.at(-1));
      return r ? box(r.left + e.spot.dx, r.top + e.spot.dy, MARK, MARK) : null;
    }

    /**
     * One animation frame: aligns the badges near the viewport. A link whose geometry cannot be
     * read (a throwing element, a frame going away) loses its badge this frame and no other link
     * does; whatever happens, whoever waits for the badges in view is answered.
     */
    function frame() {
      rafId = 0;
      let pending = false;
      try {
        pending = alignBadges();
      } catch (err) {
        console.warn('Linkscope: a frame of the overlay failed:', err);
      }
      if (!pending) for (const resolve of drawnWaiters.splice(0)) resolve(performance.now());
      if (pending || pinned || --settle > 0) rafId = requestAnimationFrame(frame);
    }

    /** `fn()` for entry `e`, or null if it throws: one bad link must not stop the others' badges. */
    function guarded(e, fn) {
      try {
        return fn();
      } catch (err) {
        if (!failed.has(e)) console.warn('Linkscope: a link could not be measured:', err);
        failed.add(e);
        return null;
      }
    }

    /** Measures, checks and draws the badges near the viewport; true when checks are left for the next frame. */
    function alignBadges() {
      const start = performance.now();
      styleCache.clear();
      const tick = {
        viewport: box(0, 0, document.documentElement.clientWidth, document.documentElement.clientHeight),
        frames: new Map(),
        clips: new Map(),
        offsets: new Map(),
        stale: [],
        start,
      };
      const plans = new Map();
      for (const e of near) plans.set(e, guarded(e, () => measure(e, tick)));
      const p = pinned?.entry;
      if (p && !plans.has(p) && p.anchor.isConnected) plans.set(p, guarded(p, () => measure(p, tick)));
      // Stale checks, the longest-waiting first, as many as the budget allows (a larger one while
      // the badges in view are first drawn, so that they show at once).
      tick.stale.sort(([a], [b]) => (a.checkedAt ?? 0) - (b.checkedAt ?? 0));
      const budgetEnd = start + (drawnWaiters.length > 0 ? FIRST_BUDGET_MS : CHECK_BUDGET_MS);
      let pending = false;
      for (const [e, plan] of tick.stale) {
        if (performance.now() > budgetEnd) {
          pending = true;
          break;
        }
        guarded(e, () => check(e, plan));
      }
      for (const [e, plan] of plans) {
        const m = plan && e.seen && e.mark ? guarded(e, () => markerBox(e, plan.rects)) : null;
        if (plan) plan.mark = m && inside(m, plan.clip) ? m : null;
        draw(e, plan && e.seen ? plan : null, pinned?.entry === e);
      }
      if (pinned && performance.now() > pinned.until) pinned = null;
      const focus = pinned?.entry ?? (hovered && entries.has(hovered.anchor) ? hovered : null);
      showCallout(focus, focus?.seen ? plans.get(focus) : null);
      frameCosts.push(performance.now() - start);
      if (frameCosts.length > 5000) frameCosts.splice(0, 2500);
      return pending;
    }

    return {
      /** Badges a link; `inView`: it is known to be near the viewport (drawn before the observer says so). */
      add(e, inView = false) {
        entries.set(e.anchor, e);
        watchDocument(e.anchor.ownerDocument);
        observe(e);
        if (inView) {
          near.add(e);
          wake();
        }
      },
      remove(e) {
        if (entries.get(e.anchor) !== e) return;
        entries.delete(e.anchor);
        unobserve(e);
        near.delete(e);
        undraw(e);
        if (pinned?.entry === e) pinned = null;
      },
      /** A link's verdict changed: its badge is drawn anew. */
      redraw(e) {
        undraw(e);
        wake();
      },
      watchDocument,
      setFilter(fn) {
        filter = fn;
        wake();
      },
      /** Shows an entry's details beside its link for a few seconds (a panel row was activated). */
      pin(e, ms = 4000) {
        pinned = e ? { entry: e, until: performance.now() + ms } : null;
        wake();
      },
      layoutChanged: onLayout,
      /** Resolves (to the time) once every link near the viewport has been checked and drawn. */
      drawn: () => {
        wake();
        return new Promise((resolve) => drawnWaiters.push(resolve));
      },
      /** The badges drawn now, each with its link (for the tests). */
      placements,
      /** Costs of the last frames (ms), for the benchmark. */
      frameCosts: () => [...frameCosts],
      destroy() {
        cancelAnimationFrame(rafId);
        for (const resolve of drawnWaiters.splice(0)) resolve(performance.now()); // hidden before the first draw
        clearInterval(poll);
        io.disconnect();
        ro.disconnect();
        own.disconnect();
        unwatchAll();
        entries.clear();
        near.clear();
        clear();
      },
    };
  }

  globalThis.linkscopeLayer = { createLayer, LINKS };
})();
