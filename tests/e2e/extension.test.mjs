// The built extension in Chromium: overlay, settings import through the worker, service-worker
// restarts (the popup, copy paths and options: popup.test.mjs). Screenshots go to target/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { startServer, launch, tabIdOf, repoRoot } from './harness.mjs';

const SHOTS = path.join(repoRoot, 'target/screenshots');
const PROFILE = JSON.parse(await readFile(path.join(repoRoot, 'tests/fixtures/profile.json'), 'utf8'));
let server, origin, browser;

before(async () => {
  ({ server, origin } = await startServer());
  browser = await launch();
  await mkdir(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});

const sw = () => browser.worker();
const stored = async () => (await sw()).evaluate(async () => (await chrome.storage.sync.get('settings')).settings ?? null);
const importProfile = async (profile) => (await sw()).evaluate((p) => globalThis.linkscope.importSettings(p), profile);

async function open(pagePath) {
  const page = await browser.context.newPage();
  await page.goto(origin + pagePath);
  return { page, tabId: await tabIdOf(await sw(), page) };
}

async function inspect(tabId) {
  return (await sw()).evaluate((id) => globalThis.linkscope.inspect(id), tabId);
}

/** Badges drawn in the overlay's shadow root: their verdicts, in drawing order. */
function badges(page) {
  return page.evaluate(() => {
    const root = document.querySelector('linkscope-overlay')?.shadowRoot;
    return root ? [...root.querySelectorAll('.badge')].map((b) => b.dataset.verdict) : [];
  });
}

/** Every attribute of every link: what the extension must never change. */
function linkAttributes(page) {
  return page.$$eval('a, area', (links) => links.map((a) => [...a.attributes].map((x) => `${x.name}=${x.value}`).join(' ')));
}

test('settings import through the worker: invalid input is rejected and changes nothing', async () => {
  await assert.rejects(importProfile('{"version":1,"home":"amazon.zz"}'), /Home marketplace: unknown marketplace/);
  await assert.rejects(importProfile('not json'), /this is not a profile/);
  assert.equal(await stored(), null);
  const saved = await importProfile(JSON.stringify(PROFILE));
  assert.deepEqual(saved.trackingIds, PROFILE.trackingIds);
  assert.equal((await stored()).schema, 1);
  assert.deepEqual((await stored()).profile, saved);
});

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
  assert.equal(result.summary.untagged, 2);
  assert.ok(result.links.every((l) => !l.href.includes('evil') && !l.href.includes('amaz0n')), 'lookalikes get no badge');
  assert.deepEqual(await badges(page), expected);
  const tooltip = await page.evaluate(() => document.querySelector('linkscope-overlay').shadowRoot.querySelector('.badge[data-verdict=wrongMarketplace]').title);
  assert.match(tooltip, /amazon\.co\.uk/);
  assert.match(tooltip, /mysite-20/);
  assert.match(tooltip, /another store/);
  await page.screenshot({ path: path.join(SHOTS, 'overlay.png') });

  // Filtering by a verdict hides the other badges.
  await page.evaluate(() => document.querySelector('linkscope-overlay').shadowRoot.querySelector('.chip[data-verdict=untagged]').click());
  const visible = await page.evaluate(() => [...document.querySelector('linkscope-overlay').shadowRoot.querySelectorAll('.badge:not(.hidden)')].map((b) => b.dataset.verdict));
  assert.deepEqual(visible, ['untagged', 'untagged']);

  // Running it again draws no second set of badges.
  await inspect(tabId);
  assert.deepEqual(await badges(page), expected);
  assert.deepEqual(await linkAttributes(page), before, 'no attribute of any link changed');
  assert.equal(await page.evaluate(() => document.cookie), '');
  await page.close();
});

test('the overlay exports its audit as CSV and JSON', async () => {
  const { page, tabId } = await open('/blog-post.html');
  await inspect(tabId);
  const click = (label) => page.evaluate((text) => [...document.querySelector('linkscope-overlay').shadowRoot.querySelectorAll('footer button')].find((b) => b.textContent === text).click(), label);
  const [csv] = await Promise.all([page.waitForEvent('download'), click('Export CSV')]);
  const lines = (await readFile(await csv.path(), 'utf8')).trim().split('\n');
  assert.equal(lines[0], 'href,verdict,marketplace,asin,tag,coverage');
  assert.equal(lines.length, 9);
  assert.equal(lines[6], 'https://amzn.to/3Kettle,short,,,,');
  const [json] = await Promise.all([page.waitForEvent('download'), click('Export JSON')]);
  const report = JSON.parse(await readFile(await json.path(), 'utf8'));
  assert.equal(report.links.length, 8);
  assert.equal(report.summary.mine, 2);
  await page.close();
});

test('links added after load are badged too, once', async () => {
  const { page, tabId } = await open('/dynamic.html');
  const first = await inspect(tabId);
  assert.deepEqual(first.links.map((l) => l.verdict), ['mine']);
  await page.click('#more');
  await page.waitForFunction(() => document.querySelector('linkscope-overlay').shadowRoot.querySelectorAll('.badge').length === 3);
  assert.deepEqual(await badges(page), ['mine', 'mine', 'untagged']);
  await page.click('#more');
  await page.waitForFunction(() => document.querySelector('linkscope-overlay').shadowRoot.querySelectorAll('.badge').length === 5);
  const again = await inspect(tabId);
  assert.deepEqual(again.links.map((l) => l.verdict), ['mine', 'mine', 'untagged', 'mine', 'untagged']);
  assert.equal((await badges(page)).length, 5);
  await page.close();
});

test('a strict Content-Security-Policy and hostile page CSS do not break the overlay', async () => {
  const { page, tabId } = await open('/strict-csp.html');
  assert.equal(await page.title(), 'Strict CSP and hostile CSS', "the page's inline script was blocked by its CSP");
  const result = await inspect(tabId);
  assert.deepEqual(result.links.map((l) => l.verdict), ['mine', 'foreign']);
  const look = await page.evaluate(() => {
    const host = document.querySelector('linkscope-overlay');
    const badge = host.shadowRoot.querySelector('.badge');
    const panel = host.shadowRoot.querySelector('.panel');
    return {
      host: getComputedStyle(host).display,
      badge: getComputedStyle(badge).fontSize,
      panel: getComputedStyle(panel).position,
      box: panel.getBoundingClientRect().width,
    };
  });
  assert.deepEqual(look, { host: 'block', badge: '10px', panel: 'fixed', box: 340 });
  await page.screenshot({ path: path.join(SHOTS, 'overlay-strict-csp.png') });
  await page.close();
});

test('a page with 10,000 links is fully badged', async () => {
  const { page, tabId } = await open('/many-links.html?n=10000');
  const result = await inspect(tabId);
  assert.equal(result.links.length, 1000);
  assert.deepEqual(
    { mine: result.summary.mine, untagged: result.summary.untagged, foreign: result.summary.foreign, short: result.summary.short },
    { mine: 250, untagged: 250, foreign: 250, short: 250 },
  );
  assert.equal((await badges(page)).length, 1000);
  await page.close();
});

async function until(condition, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('the service worker restarted cold still inspects and copies', async () => {
  const { page, tabId } = await open('/blog-post.html');
  const cdp = await browser.context.newCDPSession(page);
  const statuses = [];
  cdp.on('ServiceWorker.workerVersionUpdated', (e) => statuses.push(...e.versions.map((v) => v.runningStatus)));
  await cdp.send('ServiceWorker.enable');
  const old = await sw();
  await old.evaluate(() => {
    globalThis.beforeRestart = true;
  });
  await cdp.send('ServiceWorker.stopAllWorkers');
  await until(() => statuses.includes('stopped'), 'the worker to stop');
  statuses.length = 0;
  // (A stopped worker must not be evaluated in: Playwright then closes the whole context.)
  // Waking it the way real use does: a message from an extension page.
  const options = await browser.context.newPage();
  await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await options.evaluate(() => chrome.runtime.sendMessage({ type: 'wake' }));
  await until(() => statuses.includes('running'), 'the worker to start again');
  await until(() => browser.context.serviceWorkers().length > 0, 'Playwright to attach to it');
  const fresh = browser.context.serviceWorkers().at(-1);
  assert.equal(await fresh.evaluate(() => globalThis.beforeRestart), undefined, 'a cold worker, not the old one');
  const result = await fresh.evaluate((id) => globalThis.linkscope.inspect(id), tabId);
  assert.equal(result.summary.total, 8);
  const text = await fresh.evaluate((id) => globalThis.linkscope.copyAffiliateLink('B08N5WRWNW', { tabId: id }), tabId);
  assert.equal(text, 'https://www.amazon.com/dp/B08N5WRWNW?tag=mysite-20');
  await options.close();
  await page.close();
});
