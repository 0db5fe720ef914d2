// The overlay's badges as elements (injected before overlay-layer.js, which decides what shows
// where): for each link a group in the layer with an outline box per line of the link and a
// marker, placed with transforms and written only when they change; and the callout with a
// link's details.
(() => {
  if (globalThis.linkscopePaint) return;

  /** `layer`: where badges go; `callout`: the details element; `look(entry)` as for the layer. */
  function createPainter({ layer, callout, look }) {
    const drawn = new Map(); // entry -> { group, boxes: [], mark }
    const entryOfGroup = new WeakMap(); // a drawn badge -> its entry
    let calloutOf = null; // the entry whose details the callout holds

    function nodesOf(e) {
      let n = drawn.get(e);
      if (!n) {
        const l = look(e);
        const group = document.createElement('div');
        group.className = `badge ${l.className}`;
        group.dataset.verdict = e.finding.verdict;
        const mark = document.createElement('span');
        mark.className = 'mark';
        mark.textContent = l.icon;
        mark.setAttribute('aria-hidden', 'true');
        group.append(mark);
        layer.append(group);
        n = { group, boxes: [], mark };
        drawn.set(e, n);
        entryOfGroup.set(group, e);
      }
      return n;
    }

    function undraw(e) {
      drawn.get(e)?.group.remove();
      drawn.delete(e);
      if (calloutOf === e) calloutOf = null;
    }

    // What each node was last given: while scrolling only positions change, and writing a style
    // that did not change still costs a style recalculation.
    const placed = new WeakMap(); // node -> [transform, width, height]
    const put = (node, r) => {
      const now = [`translate(${r.left}px, ${r.top}px)`, `${r.right - r.left}px`, `${r.bottom - r.top}px`];
      const was = placed.get(node);
      if (was?.[0] !== now[0]) node.style.transform = now[0];
      if (was?.[1] !== now[1]) node.style.width = now[1];
      if (was?.[2] !== now[2]) node.style.height = now[2];
      placed.set(node, now);
    };

    /** Draws an entry's badge as `plan` says (`shown` boxes, `mark`), or hides it (no plan). */
    function draw(e, plan, flash = false) {
      if (!plan) {
        const n = drawn.get(e);
        if (n) n.group.hidden = true;
        return;
      }
      const n = nodesOf(e);
      n.group.hidden = false;
      n.group.classList.toggle('flash', flash);
      while (n.boxes.length < plan.shown.length) {
        const b = document.createElement('span');
        b.className = 'box';
        n.group.prepend(b);
        n.boxes.push(b);
      }
      n.boxes.forEach((b, i) => {
        b.hidden = i >= plan.shown.length;
        if (!b.hidden) put(b, plan.shown[i]);
      });
      n.mark.hidden = !plan.mark;
      if (plan.mark) put(n.mark, plan.mark);
    }

    /** Shows an entry's details beside its marker (or its first box), or nothing. */
    function showCallout(e, plan) {
      if (!e || !plan) {
        callout.hidden = true;
        return;
      }
      if (calloutOf !== e) {
        const l = look(e);
        callout.replaceChildren(...l.details());
        callout.className = `callout ${l.className}`;
        calloutOf = e;
      }
      callout.hidden = false;
      const anchorBox = plan.mark ?? plan.shown[0];
      const w = callout.offsetWidth;
      const h = callout.offsetHeight;
      const vw = document.documentElement.clientWidth;
      const vh = document.documentElement.clientHeight;
      let top = anchorBox.bottom + 4;
      if (top + h > vh) top = Math.max(0, plan.shown[0].top - h - 4);
      const left = Math.min(Math.max(0, anchorBox.left), Math.max(0, vw - w));
      callout.style.transform = `translate(${left}px, ${Math.min(top, Math.max(0, vh - h))}px)`;
    }

    return {
      draw,
      undraw,
      showCallout,
      /** The entry whose badge `node` is, if it is one. */
      entryOf: (node) => entryOfGroup.get(node),
      /** The badges drawn now, each with its link (for the tests). */
      placements: () => [...drawn].map(([e, n]) => ({ anchor: e.anchor, group: n.group })),
      clear: () => drawn.clear(),
    };
  }

  globalThis.linkscopePaint = { createPainter };
})();
