// The page inspection overlay on realistic pages, in Chromium and (firefox-overlay.test.mjs) Firefox: badges stay on their own links
// through layout changes and scrolling, cover no other text, show only for visible links and
// never widen the page; shadow roots and frames are inspected or counted; links that change are
// re-classified; the panel works from the keyboard and passes axe-core. Screenshots go to
// target/screenshots/ (Firefox's to target/screenshots/firefox/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setup, SHOTS, repoRoot } from './harness.mjs';

const PROFILE = JSON.parse(await readFile(path.join(repoRoot, 'tests/fixtures/profile.json'), 'utf8'));
const AXE = path.join(repoRoot, 'tests/node_modules/axe-core/axe.min.js');
const e2e = setup({ profile: PROFILE });

/** A new tab with the page (its address made unique, so that the worker finds this very tab). */
const open = (pagePath, viewport) => e2e.browser.open(`${e2e.origin}${pagePath}`, viewport);

const inspect = (tabId) => e2e.browser.call('inspect', tabId);

/** Runs `fn(...args)` in the overlay's own (isolated) world of the tab, where linkscopeOverlay lives. */
const isolated = (tabId, fn, ...args) => e2e.browser.isolated(tabId, fn, ...args);

/** Waits until the layer has settled (two frames after the last change it reacts to). */
const settle = (page, ms = 250) => page.waitForTimeout(ms).then(() => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))));

/**
 * Checks every drawn badge against the page: each outline box lies on its own link's boxes, each
 * marker within a few pixels of them, neither covers any visible text but its own link's, and no
 * badge shows for a link that cannot be seen. Runs in the overlay's world.
 */
function geometry() {
  const host = document.querySelector('linkscope-overlay');
  const R = (r, o = { x: 0, y: 0 }) => ({ left: r.left + o.x, top: r.top + o.y, right: r.right + o.x, bottom: r.bottom + o.y });
  const offsetOf = (doc) => {
    const o = { x: 0, y: 0 };
    for (let w = doc.defaultView; w !== window; w = w.parent) {
      const f = w.frameElement;
      const r = f.getBoundingClientRect();
      const cs = getComputedStyle(f);
      o.x += r.left + f.clientLeft + parseFloat(cs.paddingLeft);
      o.y += r.top + f.clientTop + parseFloat(cs.paddingTop);
    }
    return o;
  };
  const linkRects = (a) => {
    if (a.localName === 'area') {
      const img = a.getRootNode().querySelector(`img[usemap="#${a.closest('map').name}"]`);
      return [R(img.getBoundingClientRect())];
    }
    const o = offsetOf(a.ownerDocument);
    // Its own boxes and those of all it holds: for a link around an image or a card, its own
    // boxes are only its lines of text.
    const held = [...a.querySelectorAll('*')].map((el) => el.getBoundingClientRect());
    return [...a.getClientRects(), ...held].map((r) => R(r, o));
  };
  const overlap = (a, b, tol) => a.left < b.right - tol && b.left < a.right - tol && a.top < b.bottom - tol && b.top < a.bottom - tol;
  const inside = (a, b, tol) => a.left >= b.left - tol && a.right <= b.right + tol && a.top >= b.top - tol && a.bottom <= b.bottom + tol;
  const distance = (a, b) => Math.hypot(Math.max(0, b.left - a.right, a.left - b.right), Math.max(0, b.top - a.bottom, a.top - b.bottom));
  const parent = (n) => n.assignedSlot ?? n.parentElement ?? n.getRootNode().host ?? null;
  // Is the text really visible at the middle of `r` (not clipped away or covered)?
  const seenAt = (text, r) => {
    if (text.ownerDocument !== document) return true;
    const top = document.elementsFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2).find((el) => el !== host);
    if (!top) return false;
    for (let n = text.parentElement; n; n = parent(n)) if (n === top) return true;
    return text.parentElement.contains(top);
  };
  const texts = [];
  const visit = (root) => {
    const doc = root.ownerDocument ?? root;
    const o = offsetOf(doc);
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    const range = doc.createRange();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n === host) continue;
      if (n.nodeType === Node.TEXT_NODE) {
        if (!n.data.trim() || !n.parentElement?.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
        range.selectNodeContents(n);
        for (const r of range.getClientRects()) texts.push({ node: n, r: R(r, o) });
      } else {
        if (n.shadowRoot) visit(n.shadowRoot);
        if (n.localName === 'iframe') {
          try {
            if (n.contentDocument) visit(n.contentDocument);
          } catch {}
        }
      }
    }
  };
  visit(document);
  const problems = [];
  const shown = [];
  for (const { anchor, group } of globalThis.linkscopeOverlay.placements()) {
    if (group.hidden) continue;
    const parts = [...group.querySelectorAll('.box, .mark')].filter((n) => !n.hidden).map((n) => ({ kind: n.className, r: n.getBoundingClientRect() }));
    if (parts.length === 0) continue;
    const name = anchor.id || anchor.getAttribute('href');
    shown.push(name);
    const own = linkRects(anchor);
    const thing = anchor.localName === 'area' ? anchor.getRootNode().querySelector('img[usemap]') : anchor;
    if (!thing.checkVisibility({ opacityProperty: true, visibilityProperty: true }) || own.length === 0) problems.push(`${name}: badge for an invisible link`);
    for (const p of parts) {
      if (p.kind === 'box' && !own.some((o) => inside(p.r, o, 1))) problems.push(`${name}: outline not on its link`);
      if (p.kind === 'mark' && Math.min(...own.map((o) => distance(p.r, o))) > 4) problems.push(`${name}: marker ${Math.min(...own.map((o) => distance(p.r, o))).toFixed(0)} px from its link`);
      for (const t of texts) {
        if (anchor.contains(t.node) || (anchor.shadowRoot?.contains(t.node))) continue;
        if (overlap(p.r, t.r, 0.5) && seenAt(t.node, { left: Math.max(p.r.left, t.r.left), right: Math.min(p.r.right, t.r.right), top: Math.max(p.r.top, t.r.top), bottom: Math.min(p.r.bottom, t.r.bottom) })) {
          problems.push(`${name}: ${p.kind} covers the text "${t.node.data.trim().slice(0, 24)}"`);
        }
      }
    }
  }
  return { shown, problems, marks: [...host.shadowRoot.querySelectorAll('.mark')].filter((m) => !m.hidden && !m.parentElement.hidden).length };
}

async function checkGeometry(page, tabId, when) {
  await settle(page);
  const g = await isolated(tabId, geometry);
  assert.deepEqual(g.problems, [], `${when}: ${g.problems.join('; ')}`);
  return g;
}

/** Every attribute of every link (shadow roots included): what the extension must never change. */
const linkAttributes = (page) => page.evaluate(() => {
  const out = [];
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.matches('a, area')) out.push([...el.attributes].map((x) => `${x.name}=${x.value}`).join(' '));
      if (el.shadowRoot) visit(el.shadowRoot);
    }
  };
  visit(document);
  return out;
});

/**
 * Whether the panel is drawn over the badge of link `id` wherever the two meet: `{ panelOnTop }`,
 * or `{ panelOnTop, under, beside }` with the badge's outline area under and beside the panel.
 */
async function panelOverBadge(page, tabId, id) {
  return isolated(tabId, (linkId) => {
    const root = document.querySelector('linkscope-overlay').shadowRoot;
    const panel = root.querySelector('.panel').getBoundingClientRect();
    const group = globalThis.linkscopeOverlay.placements().find((p) => p.anchor.id === linkId)?.group;
    if (!group || group.hidden) return { panelOnTop: null };
    let under = 0;
    let beside = 0;
    let panelOnTop = true;
    for (const b of [...group.querySelectorAll('.box, .mark')].filter((n) => !n.hidden).map((n) => n.getBoundingClientRect())) {
      const w = Math.max(0, Math.min(b.right, panel.right) - Math.max(b.left, panel.left));
      const h = Math.max(0, Math.min(b.bottom, panel.bottom) - Math.max(b.top, panel.top));
      under += w * h;
      beside += b.width * b.height - w * h;
      if (w > 1 && h > 1) {
        const x = Math.max(b.left, panel.left) + w / 2;
        const y = Math.max(b.top, panel.top) + h / 2;
        panelOnTop &&= Boolean(root.elementFromPoint(x, y)?.closest('.panel'));
      }
    }
    return linkId === 'rtl-btn' ? { panelOnTop } : { panelOnTop, under: Math.round(under), beside: Math.round(beside) };
  }, id);
}

/** Runs `fn(shadowRoot, arg)` on the overlay's shadow root in the page (as an expression: strict CSPs allow it). */
const inRoot = (page, fn, arg) => page.evaluate(`(${fn})(document.querySelector('linkscope-overlay')?.shadowRoot, ${JSON.stringify(arg ?? null)})`);

test('the overlay badges every Amazon link of a blog post and changes no link', async () => {
  const { page, tabId } = await open('/blog-post.html');
  const before = await linkAttributes(page);
  const result = await inspect(tabId);
  const expected = ['mine', 'mine', 'untagged', 'foreign', 'wrongMarketplace', 'short', 'malformed', 'untagged'];
  assert.deepEqual(result.links.map((l) => l.verdict), expected);
  assert.deepEqual(result.links[1], {
    href: 'https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21',
    verdict: 'mine', marketplace: 'amazon.de', asin: 'B08N5WRWNW', tag: 'mysite0b-21', coverage: 'direct',
  });
  assert.equal(result.summary.total, 8);
  assert.ok(result.links.every((l) => !l.href.includes('evil') && !l.href.includes('amaz0n')), 'lookalikes get no badge');
  const g = await checkGeometry(page, tabId, 'blog post');
  assert.equal(g.shown.length, 8, g.shown.join());
  // Details of a link are in the panel's rows, for screen readers too.
  const row = await inRoot(page, (root) => [...root.querySelectorAll('.row')][4].textContent);
  assert.match(row, /Wrong store · amazon\.co\.uk/);
  assert.match(row, /mysite-20/);
  assert.match(row, /another store/);

  // Filtering by a verdict hides the other badges.
  await inRoot(page, (root) => root.querySelector('.chip[data-verdict=untagged]').click());
  await settle(page);
  assert.deepEqual(await inRoot(page, (root) => [...root.querySelectorAll('.badge:not([hidden])')].map((b) => b.dataset.verdict)), ['untagged', 'untagged']);

  // Running it again draws no second set of badges.
  await inspect(tabId);
  assert.equal(await page.evaluate(() => document.querySelectorAll('linkscope-overlay').length), 1);
  assert.deepEqual(await linkAttributes(page), before, 'no attribute of any link changed');
  assert.equal(await page.evaluate(() => document.cookie), '');
  await page.close();
});

test('on a real review page badges stay on their own links through layout changes and scrolling', async () => {
  const { page, tabId } = await open('/review.html?hold');
  const before = await linkAttributes(page);
  const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
  const result = await inspect(tabId);
  const hrefs = result.links.map((l) => l.href);
  assert.ok(hrefs.includes('https://amazon.com/dp/B0FULLWIDE?tag=mysite-20'), 'a fullwidth host the browser maps to amazon.com is seen');
  assert.ok(hrefs.includes('https://www.amazon.com/dp/B0IDEOGRAF'), 'so is U+3002 as a dot');
  assert.ok(hrefs.includes('https://www.amazon.com/dp/B0SVGLINK1'), 'SVG links are seen');
  assert.ok(hrefs.includes('https://www.amazon.com/dp/B0AREALINK?tag=mysite-20'), 'image-map areas are seen');
  assert.ok(!hrefs.some((h) => h.includes('evil')), 'a lookalike is never Amazon');
  assert.equal(result.links.find((l) => l.href.includes('B0FULLWIDE')).verdict, 'mine');
  // Open shadow roots (nested too) and the same-origin frame are inspected; the rest is counted and said.
  assert.ok(hrefs.includes('https://www.amazon.com/dp/B0CARD0001?tag=mysite-20'));
  assert.ok(hrefs.includes('https://www.amazon.com/dp/B0NESTED01'));
  assert.ok(hrefs.includes('https://www.amazon.com/dp/B0FRAME001?tag=mysite-20'));
  assert.equal(hrefs.filter((h) => h.includes('B0CARD0001')).length, 1, 'the closed card is not read');
  assert.deepEqual(result.notInspected, { closedShadowRoots: 1, crossOriginFrames: 1 });
  const scope = await inRoot(page, (root) => root.querySelector('.scope').textContent);
  assert.match(scope, /2 of them inside page components/);
  assert.match(scope, /1 of them in embedded frames/);
  assert.match(scope, /Not inspectable: closed page components \(1\)/);
  assert.match(scope, /Not inspectable: frames from other sites \(1\)/);

  let g = await checkGeometry(page, tabId, 'after inspecting');
  for (const hidden of ['menu-amazon', 'slide2', 'slide3', 'old', 'hidden-display', 'hidden-visibility', 'hidden-opacity', 'hidden-empty']) {
    assert.ok(!g.shown.includes(hidden), `no badge for the invisible link ${hidden}`);
  }
  assert.ok(g.shown.includes('pick') && g.shown.includes('b1'), g.shown.join());
  assert.ok(!g.shown.includes('t2'), 'a button scrolled out of the wide table has no badge');
  assert.ok(g.marks > 0, 'some markers found room');

  await page.evaluate(() => window.loadHero());
  await checkGeometry(page, tabId, 'after the hero image loaded');
  await page.evaluate(() => {
    document.getElementById('ad-slot').innerHTML = '<div style="height:250px;background:#eee">Advertisement</div>';
  });
  await checkGeometry(page, tabId, 'after an ad was inserted');
  await page.evaluate(() => {
    document.getElementById('details').open = true;
    document.getElementById('details').scrollIntoView({ block: 'center' });
  });
  g = await checkGeometry(page, tabId, 'after opening <details>');
  assert.ok(g.shown.includes('old'), 'the opened <details> shows its link badge');
  await page.evaluate(() => document.documentElement.classList.add('big'));
  await checkGeometry(page, tabId, 'after a font size change');
  await page.setViewportSize({ width: 900, height: 700 });
  await checkGeometry(page, tabId, 'after a resize');
  await page.setViewportSize({ width: 1200, height: 800 });

  // Scrolling: the window (links pass under the sticky header and the fixed bar), the deals box,
  // the wide table. The panel is closed first (the badges stay): links under it have no badge.
  await inRoot(page, (root) => root.querySelector('.close').click());
  for (const y of [400, 900, 1300]) {
    await page.evaluate((top) => scrollTo(0, top), y);
    await checkGeometry(page, tabId, `window scrolled to ${y}`);
  }
  await page.evaluate(() => document.getElementById('deals').scrollIntoView({ block: 'center' }));
  await page.evaluate(() => {
    document.getElementById('deals').scrollTop = 90;
  });
  g = await checkGeometry(page, tabId, 'deals box scrolled');
  assert.ok(!g.shown.includes('deal1'), 'a link scrolled out of its box has no badge');
  // A link half scrolled out of its box keeps its badge, cut at the box's edge.
  const edge = await page.evaluate(() => {
    const deals = document.getElementById('deals');
    const inner = deals.getBoundingClientRect().top + deals.clientTop;
    deals.scrollTop += document.getElementById('deal2').getBoundingClientRect().top - inner + 8;
    return inner;
  });
  g = await checkGeometry(page, tabId, 'a link half out of the deals box');
  assert.ok(g.shown.includes('deal2'), g.shown.join());
  const cut = await isolated(tabId, () => globalThis.linkscopeOverlay.placements().find((p) => p.anchor.id === 'deal2').group.querySelector('.box').getBoundingClientRect().top);
  assert.ok(Math.abs(cut - edge) < 1, `the outline starts at the box's edge (${cut} vs ${edge})`);
  await page.evaluate(() => document.getElementById('table-wrap').scrollIntoView({ block: 'center' }));
  await page.evaluate(() => {
    document.getElementById('table-wrap').scrollLeft = 1000;
  });
  g = await checkGeometry(page, tabId, 'table scrolled sideways');
  await page.screenshot({ path: path.join(SHOTS, 'overlay-table-scrolled.png') });
  assert.ok(g.shown.includes('t1'), g.shown.join());
  const t1 = await page.evaluate(() => document.getElementById('t1').getBoundingClientRect().left);
  assert.ok(t1 < 1200, 'the buy button is in view after the sideways scroll');
  // A link under the sticky header: its badge is hidden, not drawn over the header.
  await page.evaluate(() => {
    const r = document.getElementById('pick').getBoundingClientRect();
    scrollBy(0, r.top - 20);
  });
  g = await checkGeometry(page, tabId, 'a link under the sticky header');
  assert.ok(!g.shown.includes('pick'), 'no badge over the sticky header');

  assert.equal(await page.evaluate(() => document.scrollingElement.scrollWidth), width, 'the page is no wider');
  assert.deepEqual(await linkAttributes(page), before, 'no attribute of any link changed');
  await page.close();
});

test('a link around an image, a card or a button is outlined around what is seen of it', async () => {
  const { page, tabId } = await open('/image-links.html');
  const result = await inspect(tabId);
  assert.equal(result.summary.total, 6);
  const g = await checkGeometry(page, tabId, 'image links');
  assert.deepEqual(g.shown.sort(), ['block-image', 'button', 'card', 'formatted', 'icon', 'inline-image']);
  // Each outline surrounds the image, card or button its link holds, and no more than it: not
  // the strip of text line under an image, nor the width of the column beside a card.
  // A text link with an icon in its line keeps its own box, around both.
  const fits = await isolated(tabId, () => globalThis.linkscopeOverlay.placements().map(({ anchor, group }) => {
    const seen = (anchor.id === 'icon' ? anchor : anchor.querySelector('[data-seen]')).getBoundingClientRect();
    const boxes = [...group.querySelectorAll('.box')].filter((b) => !b.hidden).map((b) => b.getBoundingClientRect());
    const around = (b) => b.left <= seen.left + 1 && b.top <= seen.top + 1 && b.right >= seen.right - 1 && b.bottom >= seen.bottom - 1;
    const snug = (b) => b.right - b.left <= seen.width + 8 && b.bottom - b.top <= seen.height + 8;
    return `${anchor.id}: ${boxes.length === 1 && around(boxes[0]) && snug(boxes[0]) ? 'fits' : JSON.stringify({ seen, boxes })}`;
  }));
  assert.deepEqual(fits.sort(), ['block-image: fits', 'button: fits', 'card: fits', 'formatted: fits', 'icon: fits', 'inline-image: fits']);
  assert.ok(g.marks >= 3, `markers found room beside them (${g.marks})`);
  await page.close();
});

test('links in a drop-down menu over page text get their markers over the menu', async () => {
  const { page, tabId } = await open('/menu-over-text.html');
  await inspect(tabId);
  const g = await checkGeometry(page, tabId, 'menu over text');
  assert.deepEqual(g.shown.sort(), ['deal-1', 'deal-2']);
  assert.equal(g.marks, 2, 'text hidden under the menu leaves room for both markers');
  await page.close();
});

test('a changed href is classified again and a removed link loses its badge', async () => {
  const { page, tabId } = await open('/review.html?hold');
  await inspect(tabId);
  await page.evaluate(() => document.getElementById('budget').setAttribute('href', 'https://www.amazon.com/dp/B0BSHF7WHW?tag=mysite-20'));
  await page.waitForFunction(() => true);
  const verdictOf = (id) => isolated(tabId, (linkId) => {
    const p = globalThis.linkscopeOverlay.placements().find((x) => x.anchor.id === linkId);
    return p ? p.group.dataset.verdict : null;
  }, id);
  const until = async (fn, what) => {
    for (let i = 0; i < 100; i++) {
      if (await fn()) return;
      await page.waitForTimeout(100);
    }
    assert.fail(`timed out: ${what}`);
  };
  await until(async () => (await verdictOf('budget')) === 'mine', 'the changed link to be Mine');
  const report = await isolated(tabId, () => globalThis.linkscopeOverlay.report());
  assert.equal(report.links.find((l) => l.href.includes('B0BSHF7WHW')).verdict, 'mine');
  await page.evaluate(() => document.getElementById('budget').setAttribute('href', 'https://example.com/not-amazon'));
  await until(async () => (await verdictOf('budget')) === null, 'a link that is no longer Amazon to lose its badge');
  await page.evaluate(() => document.getElementById('rival').remove());
  const reported = async () => (await isolated(tabId, () => globalThis.linkscopeOverlay.report())).links.map((l) => l.href);
  await until(async () => !(await reported()).some((h) => h.includes('B01GJOMVRO')), 'the removed link to leave the report');
  assert.equal(await verdictOf('rival'), null, 'the removed link has no badge');
  const after = await isolated(tabId, () => globalThis.linkscopeOverlay.report());
  assert.equal(await inRoot(page, (root) => root.querySelector('h2').textContent), `Linkscope: ${after.summary.total} Amazon links`);
  await checkGeometry(page, tabId, 'after the changes');
  await page.close();
});

test('a link whose geometry throws loses only its own badge, and the inspection still answers', async (t) => {
  const { page, tabId } = await open('/blog-post.html');
  // In the overlay's world, reading the boxes of one link (the amazon.de one) throws, as a hostile
  // or broken element might.
  const patched = await isolated(tabId, () => {
    const real = Element.prototype.getClientRects;
    Element.prototype.getClientRects = function () {
      if (this.localName === 'a' && this.getAttribute('href')?.includes('amazon.de/')) throw new Error('no geometry here');
      return real.call(this);
    };
    try {
      document.querySelector('a[href*="amazon.de/"]').getClientRects();
      return false;
    } catch {
      return true;
    }
  });
  if (!patched) return t.skip('this browser keeps the content script from replacing Element.prototype.getClientRects');
  const result = await inspect(tabId);
  assert.equal(result.summary.total, 8, 'every link is still classified and reported');
  assert.ok(result.timing.inViewDrawnMs >= 0, 'the badges in view were drawn');
  await settle(page);
  const badged = await isolated(tabId, () => globalThis.linkscopeOverlay.placements().map((p) => p.anchor.getAttribute('href')));
  assert.equal(badged.length, 7, badged.join());
  assert.ok(!badged.some((h) => h.includes('amazon.de/')), 'the link that cannot be measured has no badge');
  // The overlay keeps working: hiding and showing again answers too.
  await isolated(tabId, () => globalThis.linkscopeOverlay.hide());
  assert.equal((await inspect(tabId)).summary.total, 8);
  await page.close();
});

test('links added after load are badged too, once', async () => {
  const { page, tabId } = await open('/dynamic.html');
  const first = await inspect(tabId);
  assert.deepEqual(first.links.map((l) => l.verdict), ['mine']);
  const count = () => isolated(tabId, () => globalThis.linkscopeOverlay.report().links.length);
  await page.click('#more');
  await page.waitForTimeout(400);
  assert.equal(await count(), 3);
  await page.click('#more');
  await page.waitForTimeout(400);
  const again = await inspect(tabId);
  assert.deepEqual(again.links.map((l) => l.verdict), ['mine', 'mine', 'untagged', 'mine', 'untagged']);
  await checkGeometry(page, tabId, 'dynamic page');
  await page.close();
});

test('body-scroller themes, right-to-left and vertical pages keep badges on their links', async () => {
  {
    const { page, tabId } = await open('/body-scroller.html');
    await inspect(tabId);
    await page.evaluate(() => {
      document.body.scrollTop = 500;
    });
    const g = await checkGeometry(page, tabId, 'body scrolled');
    assert.ok(g.shown.includes('bs-link'), g.shown.join());
    await page.close();
  }
  {
    const { page, tabId } = await open('/rtl.html');
    const result = await inspect(tabId);
    assert.equal(result.links.length, 4, result.links.map((l) => l.href).join());
    const g = await checkGeometry(page, tabId, 'RTL page');
    for (const id of ['rtl-pick', 'rtl-untagged', 'rtl-uk']) assert.ok(g.shown.includes(id), `${id}: ${g.shown}`);
    // The button is partly under the panel: its badge shows where the button does, under the panel.
    assert.deepEqual(await panelOverBadge(page, tabId, 'rtl-btn'), { panelOnTop: true });
    // The panel follows the browser's language (English here), not the page.
    const dir = await inRoot(page, (root) => getComputedStyle(root.querySelector('.panel')).direction);
    assert.equal(dir, 'ltr');
    await settle(page);
    await page.screenshot({ path: path.join(SHOTS, 'overlay-rtl.png') });
    await page.close();
  }
  {
    const { page, tabId } = await open('/ja.html');
    await inspect(tabId);
    const g = await checkGeometry(page, tabId, 'Japanese page');
    assert.ok(g.shown.includes('ja-vertical') && g.shown.includes('ja-pick'), g.shown.join());
    await page.screenshot({ path: path.join(SHOTS, 'overlay-ja.png') });
    await page.close();
  }
});

test('a link partly under the panel keeps its badge where it can be seen, under the panel; one wholly under it has none', async () => {
  const { page, tabId } = await open('/blog-post.html');
  await page.evaluate(() => {
    const add = (id, right, text) => {
      const a = Object.assign(document.createElement('a'), { id, href: `https://www.amazon.com/dp/${id === 'edge' ? 'B0EDGE0001' : 'B0UNDER001'}?tag=mysite-20`, textContent: text });
      a.style.cssText = `position:absolute; top:${scrollY + 70}px; right:${right}px; z-index:5; background:#fff; font:16px/1.4 serif; white-space:nowrap`;
      document.body.append(a);
    };
    add('edge', 280, 'A grinder whose link runs on under the panel');
    add('under', 60, 'Wholly under');
  });
  await inspect(tabId);
  const g = await checkGeometry(page, tabId, 'links under the panel');
  assert.ok(g.shown.includes('edge'), `the link partly under the panel keeps its badge: ${g.shown}`);
  assert.ok(!g.shown.includes('under'), 'the link wholly under the panel has none');
  const edge = await panelOverBadge(page, tabId, 'edge');
  assert.ok(edge.panelOnTop && edge.under > 100 && edge.beside > 1000, `the outline runs on under the panel, which hides it: ${JSON.stringify(edge)}`);
  // Collapsed to a bar, the panel uncovers both links: both have their badges, nothing under the bar.
  await inRoot(page, (root) => root.querySelector('.collapse').click());
  const g2 = await checkGeometry(page, tabId, 'the panel collapsed');
  assert.ok(g2.shown.includes('edge') && g2.shown.includes('under'), g2.shown.join());
  assert.equal((await panelOverBadge(page, tabId, 'edge')).under, 0);
  await inRoot(page, (root) => root.querySelector('.collapse').click()); // remembered: expand again for the other tests
  await page.close();
});

test('the label of a link shows when it is focused from the keyboard', async () => {
  const { page, tabId } = await open('/review.html?hold');
  // An untagged link on a store where none of the user's IDs earns (OneLink does not reach amazon.in).
  await page.evaluate(() => document.getElementById('budget').insertAdjacentHTML('afterend', ' (<a id="india" href="https://www.amazon.in/dp/B08N5WRWNW">in India</a>)'));
  await inspect(tabId);
  const callout = () => inRoot(page, (root) => (root.querySelector('.callout').hidden ? '' : root.querySelector('.callout').textContent));
  await page.focus('#pick');
  await settle(page, 100);
  assert.match(await callout(), /^Mine — amazon\.com.*ASIN B07Q2Z1M5V.*mysite-20/);
  await page.keyboard.press('Tab'); // to the next link
  assert.equal(await page.evaluate(() => document.activeElement.id), 'budget');
  await settle(page, 100);
  assert.match(await callout(), /^Untagged — amazon\.com.*Earns nothing/);
  // The label is beside the focused link.
  const near = await isolated(tabId, () => {
    const c = document.querySelector('linkscope-overlay').shadowRoot.querySelector('.callout').getBoundingClientRect();
    const a = document.getElementById('budget').getBoundingClientRect();
    return Math.max(0, c.top - a.bottom, a.top - c.bottom);
  });
  assert.ok(near < 20, `the label is ${near} px from the link`);
  // A short link's tag is unknown, not absent; where no ID earns, there is nothing to copy.
  await page.focus('#b3');
  await settle(page, 100);
  assert.match(await callout(), /^Short link — .*Tag: unknown until the link is opened.*"Check links" in this panel finds them/);
  await page.focus('#india');
  await settle(page, 100);
  assert.match(await callout(), /^Untagged — amazon\.in.*None of your tracking IDs earns on this marketplace yet, so there is no link to copy/);
  assert.doesNotMatch(await callout(), /Copy affiliate link/);
  await page.evaluate(() => document.activeElement.blur());
  await settle(page, 100);
  assert.equal(await callout(), '', 'the label goes when the link loses focus');
  await page.close();
});

test('the panel works from the keyboard; collapsed and moved, it stays so', async () => {
  const { page, tabId } = await open('/review.html?hold');
  await inspect(tabId);
  const focused = () => inRoot(page, (root) => {
    const el = root.activeElement;
    return el ? el.className || el.localName : null;
  });
  assert.equal(await focused(), 'h2', 'focus moves to the panel on open');
  // A link's label shows when the pointer is on it.
  await page.hover('#pick');
  await settle(page, 100);
  assert.match(await inRoot(page, (root) => (root.querySelector('.callout').hidden ? '' : root.querySelector('.callout').textContent)), /^Mine — amazon\.com/);
  await page.mouse.move(5, 400);
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'collapse');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'chip v-mine');
  await page.keyboard.press('Enter');
  assert.equal(await focused(), 'chip v-mine', 'a pressed chip keeps focus');
  assert.equal(await inRoot(page, (root) => root.querySelector('.chip.v-mine').getAttribute('aria-pressed')), 'true');
  await page.keyboard.press('Space');
  assert.equal(await inRoot(page, (root) => root.querySelector('.chip.v-mine').getAttribute('aria-pressed')), 'false');
  // Tab on to the rows: Enter and Space show the link and say what it is (the first is in a closed menu).
  const status = () => inRoot(page, (root) => root.querySelector('[role=status]').textContent);
  for (let i = 0; i < 6; i++) await page.keyboard.press('Tab');
  if (e2e.browser.name === 'firefox') {
    // Firefox gives every scroll container a tab stop of its own, the scrolling list too.
    assert.equal(await focused(), 'list');
    await page.keyboard.press('Tab');
  }
  assert.equal(await focused(), 'row');
  await page.keyboard.press('Enter');
  assert.match(await status(), /not visible now/);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  assert.match(await status(), /Shown on the page: Mine — amazon\.com\. ASIN B07Q2Z1M5V\. Tag: mysite-20/);
  assert.equal(await focused(), 'row', 'the row keeps focus');
  await settle(page);
  assert.equal(await inRoot(page, (root) => root.querySelector('.callout').hidden), false, 'the details show beside the link');
  assert.match(await inRoot(page, (root) => root.querySelector('.callout').textContent), /Earns for you/);
  // Escape closes the panel; the badges stay; clearing is a separate button.
  await page.keyboard.press('Escape');
  assert.equal(await inRoot(page, (root) => root.querySelector('.panel')), null);
  assert.ok((await isolated(tabId, () => globalThis.linkscopeOverlay.placements().length)) > 0, 'closing the panel keeps the badges');
  await inspect(tabId);
  assert.equal(await focused(), 'h2');
  // Collapse and move (to the bottom corner), then a new page: remembered.
  await inRoot(page, (root) => root.querySelector('.collapse').click());
  await inRoot(page, (root) => root.querySelector('.move').click());
  const where = () => inRoot(page, (root) => {
    const p = root.querySelector('.panel');
    const r = p.getBoundingClientRect();
    return { corner: p.dataset.corner, collapsed: p.classList.contains('collapsed'), height: r.height, bottom: innerHeight - r.bottom };
  });
  const moved = await where();
  assert.equal(moved.corner, 'bottom-end');
  assert.ok(moved.collapsed && moved.height < 60 && moved.bottom < 20, JSON.stringify(moved));
  await page.reload();
  await inspect(tabId);
  assert.deepEqual(await where(), moved, 'collapse and corner are remembered');
  await inRoot(page, (root) => root.querySelector('.collapse').click());
  await inRoot(page, (root) => {
    for (let i = 0; i < 3; i++) root.querySelector('.move').click();
  });
  await inRoot(page, (root) => root.querySelector('.clear').click());
  assert.equal(await page.evaluate(() => document.querySelector('linkscope-overlay')), null, 'Clear badges removes everything');
  await page.close();
});

test('axe-core finds no serious or critical problem in the overlay, light or dark; screenshots', async () => {
  for (const scheme of ['light', 'dark']) {
    const { page, tabId } = await open(`/review.html${scheme === 'dark' ? '?theme=dark' : ''}`);
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForFunction(() => document.getElementById('hero').complete && document.getElementById('hero').naturalWidth > 0);
    await inspect(tabId);
    await settle(page);
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const r = await globalThis.axe.run({ include: [{ fromShadowDom: ['linkscope-overlay', '.panel'] }] }, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.length} (${v.nodes[0].target})`);
    });
    assert.deepEqual(violations, [], `${scheme}: ${violations.join('; ')}`);
    // What a row reads aloud takes no room on screen: no blank line under each row.
    const heights = await inRoot(page, (root) => [...root.querySelectorAll('.row')].slice(0, 3).map((row) => {
      const sr = row.querySelector('.sr');
      const withText = row.getBoundingClientRect().height;
      sr.style.display = 'none';
      const without = row.getBoundingClientRect().height;
      sr.style.display = '';
      return [withText, without];
    }));
    for (const [withText, without] of heights) assert.equal(withText, without, `a row is ${withText} px high, ${without} px without its spoken text`);
    await page.evaluate(() => scrollTo(0, 470));
    await settle(page);
    await page.screenshot({ path: path.join(SHOTS, `overlay-review-${scheme}.png`) });
    await page.close();
  }
  const { page, tabId } = await open('/review.html?hold', { width: 390, height: 800 });
  await inspect(tabId);
  const cover = await inRoot(page, (root) => {
    const r = root.querySelector('.panel').getBoundingClientRect();
    return (r.width * r.height) / (innerWidth * innerHeight);
  });
  assert.ok(cover < 0.5, `on a 390 px window the panel covers ${(cover * 100).toFixed(0)}% of it`);
  await checkGeometry(page, tabId, 'narrow window');
  await page.screenshot({ path: path.join(SHOTS, 'overlay-narrow.png') });
  await page.close();
  const blog = await open('/blog-post.html');
  await inspect(blog.tabId);
  await settle(blog.page);
  await blog.page.screenshot({ path: path.join(SHOTS, 'overlay.png') });
  await blog.page.close();
});

test('the overlay exports its audit as CSV and JSON', async () => {
  const { page, tabId } = await open('/blog-post.html');
  await inspect(tabId);
  const click = (label) => inRoot(page, (root, text) => [...root.querySelectorAll('.foot button')].find((b) => b.textContent === text).click(), label);
  const lines = (await e2e.browser.download(page, 'linkscope-audit.csv', () => click('Export CSV'))).trim().split('\n');
  assert.equal(lines[0], 'href,verdict,marketplace,asin,tag,coverage');
  assert.equal(lines.length, 9);
  assert.equal(lines[6], 'https://amzn.to/3Kettle,short,,,,');
  const report = JSON.parse(await e2e.browser.download(page, 'linkscope-audit.json', () => click('Export JSON')));
  assert.equal(report.links.length, 8);
  assert.equal(report.summary.mine, 2);
  await page.close();
});

test('a strict Content-Security-Policy and hostile page CSS do not break the overlay', async () => {
  const { page, tabId } = await open('/strict-csp.html');
  assert.equal(await page.title(), 'Strict CSP and hostile CSS', "the page's inline script was blocked by its CSP");
  const result = await inspect(tabId);
  assert.deepEqual(result.links.map((l) => l.verdict), ['mine', 'foreign']);
  await settle(page);
  const look = await inRoot(page, (root) => ({
    host: getComputedStyle(root.host).display,
    mark: getComputedStyle(root.querySelector('.box')).position,
    panel: getComputedStyle(root.querySelector('.panel')).position,
    box: root.querySelector('.panel').getBoundingClientRect().width,
  }));
  assert.deepEqual(look, { host: 'block', mark: 'fixed', panel: 'fixed', box: 340 });
  await checkGeometry(page, tabId, 'strict CSP page');
  await page.screenshot({ path: path.join(SHOTS, 'overlay-strict-csp.png') });
  await page.close();
});

test('a page with 10,000 links is fully classified; only badges near the viewport are drawn', async () => {
  const { page, tabId } = await open('/many-links.html?n=10000');
  const result = await inspect(tabId);
  assert.equal(result.links.length, 1000);
  assert.deepEqual(
    { mine: result.summary.mine, untagged: result.summary.untagged, foreign: result.summary.foreign, short: result.summary.short },
    { mine: 250, untagged: 250, foreign: 250, short: 250 },
  );
  const drawn = await isolated(tabId, () => globalThis.linkscopeOverlay.placements().length);
  assert.ok(drawn > 0 && drawn < 100, `${drawn} badges drawn`);
  await page.evaluate(() => scrollTo(0, 200000));
  await checkGeometry(page, tabId, 'far down the long page');
  await page.close();
});
