// The built extension in Chromium: context-menu copying, popup, options, settings, service-worker
// restarts (the overlay's tests are in overlay.test.mjs). Screenshots go to target/screenshots/.
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

async function readClipboard() {
  const { page } = await open('/blog-post.html');
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  await page.bringToFront();
  const text = await page.evaluate(() => navigator.clipboard.readText());
  await page.close();
  return text;
}

async function openPopup(tabId) {
  const popup = await browser.context.newPage();
  await popup.setViewportSize({ width: 400, height: 900 });
  await popup.goto(`chrome-extension://${browser.extensionId}/popup.html?tab=${tabId}`);
  await popup.waitForSelector('body[data-ready=true]');
  return popup;
}

test('first run: the popup shows the way to the options', async () => {
  assert.equal(await stored(), null);
  const { page, tabId } = await open('/blog-post.html');
  const popup = await openPopup(tabId);
  assert.equal(await popup.isVisible('#first-run'), true);
  assert.match(await popup.textContent('#first-run'), /Add your Amazon Associates tracking ID/);
  await popup.close();
  await page.close();
});

test('settings import through the worker: invalid input is rejected and changes nothing', async () => {
  await assert.rejects(importProfile('{"version":1,"home":"amazon.zz"}'), /home: unknown marketplace/);
  await assert.rejects(importProfile('not json'), /not valid JSON/);
  assert.equal(await stored(), null);
  const saved = await importProfile(JSON.stringify(PROFILE));
  assert.deepEqual(saved.trackingIds, PROFILE.trackingIds);
  assert.equal((await stored()).schema, 1);
  assert.deepEqual((await stored()).profile, saved);
});

test('the context-menu handler copies the right link, with visible confirmation', async () => {
  const worker = await sw();
  const menuExists = (id) => worker.evaluate((menuId) => new Promise((resolve) => {
    chrome.contextMenus.update(menuId, {}, () => resolve(!chrome.runtime.lastError));
  }), id);
  assert.equal(await menuExists('copy'), true);
  assert.equal(await menuExists('copy-page'), true);
  assert.equal(await menuExists('inspect'), true);
  assert.equal(await menuExists('copy-for:amazon.de'), true);
  assert.equal(await menuExists('copy-for:amazon.fr'), true, 'OneLink marketplaces are covered');
  assert.equal(await menuExists('copy-for:amazon.in'), false, 'uncovered marketplaces are not offered');

  const { page, tabId } = await open('/blog-post.html');
  const copy = (url, options) => worker.evaluate(([u, o]) => globalThis.linkscope.copyAffiliateLink(u, o), [url, options]);
  const text = await copy('https://www.amazon.de/Wasserkocher/dp/B08N5WRWNW/ref=sr_1_1?tag=someone-21&th=1', { tabId });
  assert.equal(text, 'https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21&th=1');
  const toast = await page.evaluate(() => document.querySelector('linkscope-toast')?.shadowRoot.textContent);
  assert.match(toast, /Copied/);
  assert.match(toast, /mysite0b-21/);
  assert.equal(await readClipboard(), text);

  assert.equal(await copy('https://www.amazon.de/dp/B08N5WRWNW', { tabId, marketplace: 'amazon.co.uk' }), 'https://www.amazon.co.uk/dp/B08N5WRWNW?tag=mysite05-21');
  assert.equal(await readClipboard(), 'https://www.amazon.co.uk/dp/B08N5WRWNW?tag=mysite05-21');

  await assert.rejects(copy('https://www.amazon.in/dp/B08N5WRWNW', { tabId }), /no tracking ID for amazon\.in/);
  const refusal = await page.evaluate(() => document.querySelector('linkscope-toast')?.shadowRoot.textContent);
  assert.match(refusal, /Nothing copied/);
  assert.match(refusal, /Open options/);
  await page.close();
});

test('the popup generates, copies and remembers the format', async () => {
  const { page, tabId } = await open('/blog-post.html');
  let popup = await openPopup(tabId);
  assert.equal(await popup.isVisible('#first-run'), false);
  assert.match(await popup.textContent('#page-summary'), /^8 Amazon links$/);
  await popup.fill('#product-input', 'https://www.amazon.com/Kettle/dp/B08N5WRWNW?th=1&linkCode=ll1');
  const rows = await popup.$$eval('#links li', (lis) => lis.map((li) => li.dataset.marketplace));
  assert.equal(rows.length, 22);
  assert.deepEqual(rows.slice(0, 3), ['amazon.com', 'amazon.co.uk', 'amazon.de']);
  assert.ok(await popup.$eval('#qr path', (p) => p.getAttribute('d').length > 100));
  await popup.bringToFront();
  await popup.click('#links li[data-marketplace="amazon.de"] button.copy');
  assert.equal(await readClipboard(), 'https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21&th=1');

  await popup.bringToFront();
  await popup.check('input[name=format][value=markdown]');
  await popup.click('#links li[data-marketplace="amazon.co.uk"] button.copy');
  assert.equal(await readClipboard(), '[Amazon.co.uk](https://www.amazon.co.uk/dp/B08N5WRWNW?tag=mysite05-21&th=1)');
  await popup.bringToFront();
  await popup.click('#copy-all');
  const all = await readClipboard();
  assert.equal(all.split('\n').length, 6, 'three direct and three OneLink marketplaces');
  await popup.close();

  popup = await openPopup(tabId);
  assert.equal(await popup.isChecked('input[name=format][value=markdown]'), true, 'the format is remembered');
  await popup.fill('#product-input', 'B08N5WRWNW');
  await popup.screenshot({ path: path.join(SHOTS, 'popup.png'), fullPage: true });
  await popup.emulateMedia({ colorScheme: 'dark' });
  await popup.screenshot({ path: path.join(SHOTS, 'popup-dark.png'), fullPage: true });
  await popup.emulateMedia({ colorScheme: 'light' });
  await popup.fill('#product-input', 'https://amazon.com.evil.io/dp/B08N5WRWNW');
  assert.match(await popup.textContent('#product-info'), /not an Amazon link/);
  await popup.close();
  await page.close();
});

test('options: typing, saving, exporting and an invalid import that changes nothing', async () => {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await page.waitForSelector('body[data-ready=true]');
  assert.equal(await page.inputValue('#id-amazon\\.de'), 'mysite0b-21');
  await page.screenshot({ path: path.join(SHOTS, 'options.png'), fullPage: true });

  await page.fill('#id-amazon\\.it', 'bad id');
  assert.match(await page.textContent('#hint-amazon\\.it'), /only letters, digits/);
  await page.fill('#id-amazon\\.it', 'mysite-20');
  assert.match(await page.textContent('#hint-amazon\\.it'), /usually end in -21/);
  await page.fill('#id-amazon\\.it', 'mysite09-21');
  assert.equal(await page.textContent('#hint-amazon\\.it'), '');
  await page.click('#save');
  await page.waitForSelector('#save-status:text("Saved")');
  assert.equal((await stored()).profile.trackingIds['amazon.it'], 'mysite09-21');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.deepEqual(exported, (await stored()).profile);

  const before = await stored();
  await page.fill('#import-text', '{"version":1,"home":"amazon.com","trackingIds":{"amazon.de":"has space"},"oneLink":["amazon.in"]}');
  await page.click('#import');
  const errors = await page.$$eval('#import-errors li', (lis) => lis.map((li) => li.textContent));
  assert.deepEqual(errors, [
    "trackingIds.amazon.de: tracking ID may contain only letters, digits, '-' and '_'",
    'oneLink[0]: OneLink does not link amazon.com to amazon.in',
  ]);
  assert.deepEqual(await stored(), before, 'an invalid import leaves the settings untouched');
  await page.screenshot({ path: path.join(SHOTS, 'options-invalid-import.png') });

  await page.fill('#import-text', JSON.stringify(PROFILE));
  await page.click('#import');
  await page.waitForSelector('#import-status:text("Imported and saved")');
  assert.deepEqual((await stored()).profile.trackingIds, PROFILE.trackingIds);
  assert.equal(await page.inputValue('#id-amazon\\.it'), '');
  await page.close();
});

test('settings saved by a newer Linkscope are shown read-only, never overwritten', async () => {
  const worker = await sw();
  const newer = { schema: 2, profile: PROFILE, ui: { format: 'url' }, somethingNew: true };
  await worker.evaluate((s) => chrome.storage.sync.set({ settings: s }), newer);
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await page.waitForSelector('body[data-ready=true]');
  assert.equal(await page.isVisible('#read-only'), true);
  assert.equal(await page.isDisabled('#save'), true);
  await assert.rejects(importProfile(JSON.stringify(PROFILE)), /newer version of Linkscope/);
  assert.deepEqual(await stored(), newer);
  await worker.evaluate((p) => chrome.storage.sync.set({ settings: { schema: 1, profile: p, ui: { format: 'url' } } }), PROFILE);
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
