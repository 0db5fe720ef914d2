// Where things are on the screen, for the overlay's badge layer (injected before it): the boxes
// of a link (an image-map area's too), the element at a point looking into open shadow roots and
// same-origin frames, and a free spot for a link's marker that covers no text.
(() => {
  if (globalThis.linkscopeGeometry) return;

  const MARK = 14; // marker size, px
  const GAP = 2; // between a link and its marker
  const NEIGHBOURS = 8; // text nodes and links looked at on each side when placing a marker
  const LINKS = 'a[href], area[href], a[*|href]';

  const parentOf = (node) => node.assignedSlot ?? node.parentElement ?? node.getRootNode().host ?? null;
  const intersect = (a, b) => {
    const left = Math.max(a.left, b.left);
    const top = Math.max(a.top, b.top);
    const right = Math.min(a.right, b.right);
    const bottom = Math.min(a.bottom, b.bottom);
    return right - left > 0.5 && bottom - top > 0.5 ? { left, top, right, bottom } : null;
  };
  const box = (left, top, width, height) => ({ left, top, right: left + width, bottom: top + height });
  const shift = (r, o) => box(r.left + o.x, r.top + o.y, r.right - r.left, r.bottom - r.top);
  const overlaps = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;

  /** The boxes of an `<area>`: its shape's bounding box over the image that uses its map. */
  function areaRects(area) {
    const map = area.closest('map');
    const img = map?.name && area.getRootNode().querySelector(`img[usemap="#${CSS.escape(map.name)}"]`);
    if (!img) return [];
    const r = img.getBoundingClientRect();
    const n = (area.getAttribute('coords') ?? '').split(/[\s,]+/).filter(Boolean).map(Number);
    const shape = (area.getAttribute('shape') ?? 'rect').toLowerCase();
    if (shape === 'default' || n.length < 3) return [r];
    if (shape.startsWith('circ')) return [box(r.left + n[0] - n[2], r.top + n[1] - n[2], 2 * n[2], 2 * n[2])];
    const xs = n.filter((_, i) => i % 2 === 0);
    const ys = n.filter((_, i) => i % 2 === 1);
    const x = Math.min(...xs);
    const y = Math.min(...ys);
    return [box(r.left + x, r.top + y, Math.max(...xs) - x, Math.max(...ys) - y)];
  }

  /** Elements a line of text holds as wholes, whatever their display: images and the like. */
  const REPLACED = 'img, svg, video, canvas, iframe, embed, object, input, button, select, textarea';

  /**
   * The boxes of a link as it is seen: an area's over its image; for a link laid out inline
   * around a block (a card), or around an image or inline-block that stands out of its line of
   * text (a product image, a button), the boxes of those and of its text, since its own boxes are
   * then only its line of text (a strip under the image, the column's width beside a card); else
   * its own boxes (a text link, also one with an icon in its line). `styleOf`: an element's
   * computed style.
   */
  function linkRects(a, styleOf) {
    const seen = (r) => r.right - r.left > 0.5 && r.bottom - r.top > 0.5;
    if (a.localName === 'area') return areaRects(a).filter(seen);
    const own = [...a.getClientRects()].filter(seen);
    const parts = a.firstElementChild && styleOf(a).display === 'inline' ? wholeParts(a, own, styleOf) : null;
    return parts?.filter(seen) ?? own;
  }

  /**
   * For a link that holds a block, or an element laid out as a whole (see `REPLACED`, or an
   * inline-block) that does not fit in its own boxes `own`: those elements' boxes and its text's,
   * in document order. null when it holds none, or too many nodes to look at all.
   */
  function wholeParts(a, own, styleOf) {
    const doc = a.ownerDocument;
    const walker = doc.createTreeWalker(a, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    const range = doc.createRange();
    // The node after `walker`'s current one and all it holds.
    const skip = () => {
      for (;;) {
        const next = walker.nextSibling();
        if (next || !walker.parentNode()) return next;
      }
    };
    // Within a few pixels of a line of text, as an icon sits in its line.
    const fits = (r) => own.some((o) => inside(r, { left: o.left - 3, top: o.top - 3, right: o.right + 3, bottom: o.bottom + 3 }));
    const out = [];
    let standsOut = false;
    let n = walker.nextNode();
    for (let count = 0; n && count < 200; count++) {
      if (n.nodeType === Node.TEXT_NODE) {
        if (n.data.trim()) {
          range.selectNodeContents(n);
          out.push(...range.getClientRects());
        }
        n = walker.nextNode();
        continue;
      }
      const display = styleOf(n).display;
      if (display === 'none') {
        n = skip();
      } else if (n.matches(REPLACED) || (display !== 'inline' && display !== 'contents')) {
        const r = n.getBoundingClientRect();
        out.push(r);
        standsOut ||= !display.startsWith('inline') || !fits(r);
        n = skip();
      } else {
        n = walker.nextNode();
      }
    }
    return standsOut && !n ? out : null;
  }

  /** What must be visible for a link to count as visible: the link, or for an area its image. */
  const visibleThing = (a) => (a.localName === 'area' ? a.closest('map') && a.getRootNode().querySelector(`img[usemap="#${CSS.escape(a.closest('map').name)}"]`) : a);

  /** Where the content of a frame element starts, relative to its document's viewport. */
  function contentOrigin(frame) {
    const r = frame.getBoundingClientRect();
    const cs = getComputedStyle(frame);
    return { x: r.left + frame.clientLeft + parseFloat(cs.paddingLeft), y: r.top + frame.clientTop + parseFloat(cs.paddingTop), cs };
  }

  /**
   * The topmost element at a point of the top window, looking into open shadow roots and
   * same-origin frames. The overlay's own markers are looked through; its panel is not: where the
   * panel is, the answer is `host`.
   */
  function hitTest(x, y, host) {
    let doc = document;
    let ox = 0;
    let oy = 0;
    let hit = doc.elementFromPoint(x, y);
    for (let depth = 0; hit && depth < 32; depth++) {
      if (hit === host) {
        if (host.shadowRoot.elementFromPoint(x, y)?.closest('.mark') === null) return hit; // the panel
        hit = document.elementsFromPoint(x, y).find((el) => el !== host) ?? null; // under a marker
        continue;
      }
      if (hit.shadowRoot) {
        const inner = hit.shadowRoot.elementFromPoint(x - ox, y - oy);
        if (inner && inner !== hit) {
          hit = inner;
          continue;
        }
      }
      if ((hit.localName === 'iframe' || hit.localName === 'frame') && hit.contentDocument) {
        const o = contentOrigin(hit);
        ox += o.x;
        oy += o.y;
        doc = hit.contentDocument;
        hit = doc.elementFromPoint(x - ox, y - oy);
        continue;
      }
      return hit;
    }
    return hit;
  }

  const within = (node, ancestor) => {
    for (let n = node; n; n = parentOf(n)) if (n === ancestor) return true;
    return false;
  };

  /** The nearest ancestor laid out as a block (a cell, a paragraph, a list item…). */
  function containerOf(a, styleOf) {
    for (let el = parentOf(a); el; el = parentOf(el)) {
      const d = styleOf(el).display;
      if (d !== 'inline' && d !== 'contents') return el;
    }
    return a.ownerDocument.documentElement;
  }

  /**
   * Boxes near a link a marker must not cover: neighbouring text and links, each with its node
   * (in the link's own coordinates).
   */
  function obstacles(a) {
    const out = [];
    const root = a.getRootNode();
    const walker = (root.ownerDocument ?? root).createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    const range = (root.ownerDocument ?? root).createRange();
    const add = (node) => {
      if (node.nodeType === Node.TEXT_NODE) {
        if (!node.data.trim() || a.contains(node)) return false;
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) out.push({ r, node: node.parentElement });
        return true;
      }
      if (node !== a && !a.contains(node) && !node.contains(a) && (node.matches(LINKS) || node.matches('img, button, input, select, textarea, svg, video'))) {
        for (const r of node.getClientRects()) out.push({ r, node });
        return true;
      }
      return false;
    };
    for (const step of ['previousNode', 'nextNode']) {
      walker.currentNode = a;
      if (step === 'nextNode') {
        // skip the link's own content
        let last = a;
        while (last.lastChild) last = last.lastChild;
        walker.currentNode = last;
      }
      for (let found = 0, seen = 0; found < NEIGHBOURS && seen < 200; seen++) {
        const node = walker[step]();
        if (!node) break;
        if (add(node)) found++;
      }
    }
    // The link's own text, for the marker that sits on its corner.
    const own = [];
    const texts = (root.ownerDocument ?? root).createTreeWalker(a, NodeFilter.SHOW_TEXT);
    for (let n = texts.nextNode(), i = 0; n && i < 20; n = texts.nextNode(), i++) {
      range.selectNodeContents(n);
      own.push(...range.getClientRects());
    }
    return { others: out, own };
  }

  /**
   * Where the marker of link `a` goes, relative to one of its boxes `rects` (top-window
   * coordinates; `view`: its frame's offset; `clip`: what of it can be seen): after its end,
   * before its start, on its top corner, above or below; the first spot inside the link's own
   * block and clip that covers no text or other link that can be seen there (`hitTest(x, y)`:
   * the element on top at a point; text under a drop-down menu does not count). null when there
   * is no such spot.
   */
  function markerSpot(a, rects, view, clip, styleOf, hitTest) {
    const cs = styleOf(a.localName === 'area' ? parentOf(a) : a);
    const vertical = cs.writingMode.startsWith('vertical') || cs.writingMode.startsWith('sideways');
    const rtl = cs.direction === 'rtl';
    const first = rects[0];
    const last = rects.at(-1);
    const mid = (r) => (vertical ? (r.left + r.right) / 2 - MARK / 2 : (r.top + r.bottom) / 2 - MARK / 2);
    const candidates = vertical
      ? [
          ['last', (r) => [mid(r), rtl ? r.top - GAP - MARK : r.bottom + GAP]],
          ['first', (r) => [mid(r), rtl ? r.bottom + GAP : r.top - GAP - MARK]],
        ]
      : [
          ['last', (r) => [rtl ? r.left - GAP - MARK : r.right + GAP, mid(r)]],
          ['first', (r) => [rtl ? r.right + GAP : r.left - GAP - MARK, mid(r)]],
          ['first', (r) => [rtl ? r.left - MARK / 2 : r.right - MARK / 2, r.top - MARK / 2]],
          ['first', (r) => [rtl ? r.right - MARK : r.left, r.top - GAP - MARK]],
          ['last', (r) => [rtl ? r.left : r.right - MARK, r.bottom + GAP]],
        ];
    const container = containerOf(a, styleOf).getBoundingClientRect();
    const room = intersect(shift(container, view), clip);
    if (!room) return null;
    const { others, own } = obstacles(a);
    const blocked = [...others, ...own.map((r) => ({ r, node: a }))].map(({ r, node }) => ({ r: shift(r, view), node }));
    // Whether `node`'s box `b` under the spot `m` is seen there, not covered by something else.
    const seenUnder = (m, { r: b, node }) => {
      const over = intersect(m, b);
      const hit = over && hitTest((over.left + over.right) / 2, (over.top + over.bottom) / 2);
      return !hit || within(hit, node) || within(node, hit);
    };
    for (const [which, at] of candidates) {
      const r = which === 'first' ? first : last;
      const [x, y] = at(r);
      const m = box(x, y, MARK, MARK);
      if (!inside(m, room) || blocked.some((b) => overlaps(m, b.r) && seenUnder(m, b))) continue;
      return { which, dx: x - r.left, dy: y - r.top };
    }
    return null;
  }

  globalThis.linkscopeGeometry = {
    MARK, LINKS, parentOf, intersect, box, shift, inside, linkRects, visibleThing, contentOrigin, hitTest, within, markerSpot,
  };
})();
