// The built extension in Chromium: the popup, the copy paths (popup rows, Copy all, the context
// menu) and the options page. Every refusal is checked with the clipboard read back unchanged.
// Screenshots go to target/screenshots/. axe-core on the popup and options: a11y.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setup, tabIdOf, repoRoot } from './harness.mjs';

const SHOTS = path.join(repoRoot, 'target/screenshots');
const PAGES = path.join(repoRoot, 'tests/e2e/pages');
const FIXTURE_PROFILE = JSON.parse(await readFile(path.join(repoRoot, 'tests/fixtures/profile.json'), 'utf8'));
// Sub-tracking kept: a rival's ascsubtag must still never reach the user's link.
const PROFILE = { ...FIXTURE_PROFILE, preferences: { ...FIXTURE_PROFILE.preferences, keepSubtag: true } };
// Product pages served under their real addresses (no network: the test answers them).
const PRODUCT_PAGES = {
  'https://www.amazon.de/Wasserkocher-Edelstahl/dp/B08N5WRWNW?tag=rival-21&ascsubtag=theirs': 'amazon-product-de.html',
  'https://www.amazon.co.jp/dp/B08N5WRWNW/ref=sr_1_1': 'amazon-product-jp.html',
};
const SENTINEL = 'clipboard before the test';
const e2e = setup({
  hosts: ['https://www.amazon.de/*', 'https://www.amazon.co.jp/*'],
  prepare: async (browser) => {
    for (const [url, file] of Object.entries(PRODUCT_PAGES)) {
      await browser.context.route(url, (route) => route.fulfill({ path: path.join(PAGES, file), contentType: 'text/html; charset=utf-8' }));
    }
  },
});

const sw = () => e2e.browser.worker();
const stored = async () => (await sw()).evaluate(async () => (await chrome.storage.sync.get('settings')).settings ?? null);
const importProfile = async (profile) => (await sw()).evaluate((p) => globalThis.linkscope.importSettings(p), profile);
const copyFromMenu = async (url, options) => (await sw()).evaluate(([u, o]) => globalThis.linkscope.copyAffiliateLink(u, o), [url, options]);

let opened = 0;

/** A page in a new tab; local pages get a unique query, so that their tab is found by address. */
async function open(url) {
  const page = await e2e.browser.context.newPage();
  await page.goto(url.startsWith('http') ? url : `${e2e.origin}${url}?tab=${++opened}`);
  return { page, tabId: await tabIdOf(await sw(), page) };
}

/** Reads the clipboard, or writes `text` to it first, from a page allowed to. */
async function clipboard(text) {
  const { page } = await open('/blog-post.html');
  await e2e.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.origin });
  await page.bringToFront();
  if (text !== undefined) await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  const read = await page.evaluate(() => navigator.clipboard.readText());
  await page.close();
  return read;
}

async function openPopup(tabId) {
  const popup = await e2e.browser.context.newPage();
  await popup.setViewportSize({ width: 400, height: 900 });
  await popup.goto(`chrome-extension://${e2e.browser.extensionId}/popup.html?tab=${tabId}`);
  await popup.waitForSelector('body[data-ready=true]');
  return popup;
}

async function openOptions() {
  const page = await e2e.browser.context.newPage();
  await page.goto(`chrome-extension://${e2e.browser.extensionId}/options.html`);
  await page.waitForSelector('body[data-ready=true]');
  return page;
}

/** Clicks a copy control in the popup and waits for what it says. */
async function popupCopy(popup, selector) {
  await popup.bringToFront();
  await popup.evaluate(() => (document.getElementById('status').textContent = ''));
  await popup.click(selector);
  await popup.waitForFunction(() => document.getElementById('status').textContent !== '');
  return {
    text: await popup.textContent('#status'),
    refused: await popup.$eval('#status', (s) => s.classList.contains('refused')),
    optionsOffered: await popup.isVisible('#status-options'),
  };
}

const row = (marketplace) => `#links li[data-marketplace="${marketplace}"]`;

test('first run: nothing is copied untagged, every copy path says why and where to fix it', async () => {
  assert.equal(await stored(), null);
  assert.equal(await clipboard(SENTINEL), SENTINEL);
  const { page, tabId } = await open('/blog-post.html');
  const popup = await openPopup(tabId);
  assert.equal(await popup.isVisible('#first-run'), true);
  assert.match(await popup.textContent('#first-run'), /Add your Amazon Associates tracking ID/);
  await popup.fill('#product-input', 'B08N5WRWNW');
  assert.equal(await popup.$$eval('#links li', (lis) => lis.length), 22, 'every marketplace is listed');

  const rowCopy = await popupCopy(popup, `${row('amazon.com')} button.copy`);
  assert.deepEqual(rowCopy, {
    text: 'Nothing copied: no tracking ID for amazon.com: add one in the options',
    refused: true,
    optionsOffered: true,
  });
  assert.equal(await clipboard(), SENTINEL, 'a row copy on first run leaves the clipboard alone');
  const all = await popupCopy(popup, '#copy-all');
  assert.equal(all.refused, true);
  assert.match(all.text, /^Nothing copied: no marketplace has your tracking ID yet/);
  assert.doesNotMatch(all.text, /Copied|0 links/);
  assert.equal(await clipboard(), SENTINEL, 'Copy all with nothing covered leaves the clipboard alone');
  // No QR code of an untagged link either: the box says why.
  assert.equal(await popup.isVisible('#qr'), false);
  assert.match(await popup.textContent('#qr-caption'), /^No QR code for Amazon\.com: no tracking ID/);

  await assert.rejects(copyFromMenu('https://www.amazon.com/dp/B08N5WRWNW', { tabId }), /no tracking ID for amazon\.com/);
  assert.match(await page.evaluate(() => document.querySelector('linkscope-toast')?.shadowRoot.textContent), /Nothing copied.*Open options/);
  assert.equal(await clipboard(), SENTINEL, 'the context menu refuses the same case');
  await popup.close();
  await page.close();
});

test('the popup generates, copies and remembers the format; uncovered rows refuse', async () => {
  await importProfile(JSON.stringify(PROFILE));
  const { page, tabId } = await open('/blog-post.html');
  let popup = await openPopup(tabId);
  assert.equal(await popup.isVisible('#first-run'), false);
  assert.equal(await popup.textContent('#page-summary'), '8 Amazon links');
  await popup.fill('#product-input', 'https://www.amazon.com/Kettle/dp/B08N5WRWNW?th=1&linkCode=ll1');
  const rows = await popup.$$eval('#links li', (lis) => lis.map((li) => li.dataset.marketplace));
  assert.equal(rows.length, 22);
  assert.deepEqual(rows.slice(0, 3), ['amazon.com', 'amazon.co.uk', 'amazon.de']);
  assert.ok(await popup.$eval('#qr path', (p) => p.getAttribute('d').length > 100));
  assert.deepEqual(await popupCopy(popup, `${row('amazon.de')} button.copy`), { text: 'Copied: Amazon.de', refused: false, optionsOffered: false });
  assert.equal(await clipboard(), 'https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21&th=1');

  // A marketplace without the user's ID: refused, the clipboard keeps the last good copy.
  const refusal = await popupCopy(popup, `${row('amazon.in')} button.copy`);
  assert.equal(refusal.refused, true);
  assert.match(refusal.text, /^Nothing copied: no tracking ID for amazon\.in/);
  assert.equal(refusal.optionsOffered, true);
  assert.equal(await clipboard(), 'https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21&th=1');
  await popup.click(`${row('amazon.in')} button.pick`);
  assert.equal(await popup.getAttribute(`${row('amazon.in')} button.pick`, 'aria-pressed'), 'true');
  assert.equal(await popup.isVisible('#qr'), false, 'no QR code of an untagged link');
  await popup.screenshot({ path: path.join(SHOTS, 'popup-refused.png') });

  await popup.check('input[name=format][value=markdown]');
  await popupCopy(popup, `${row('amazon.co.uk')} button.copy`);
  assert.equal(await clipboard(), '[Amazon.co.uk](https://www.amazon.co.uk/dp/B08N5WRWNW?tag=mysite05-21&th=1)');
  const all = await popupCopy(popup, '#copy-all');
  assert.equal(all.text, 'Copied: 6 links (left out 16 marketplaces without your tracking ID)');
  const copied = (await clipboard()).split('\n');
  assert.equal(copied.length, 6, 'three direct and three OneLink marketplaces');
  assert.ok(copied.every((l) => /tag=mysite/.test(l)), 'every copied link carries a tracking ID');
  await popup.close();

  popup = await openPopup(tabId);
  assert.equal(await popup.isChecked('input[name=format][value=markdown]'), true, 'the format is remembered');
  await popup.close();
  await page.close();

  // One link: "1 Amazon link", not "1 Amazon links".
  const one = await open('/dynamic.html');
  popup = await openPopup(one.tabId);
  assert.equal(await popup.textContent('#page-summary'), '1 Amazon link');
  await popup.close();
  await one.page.close();
});

test('popup and right-click agree for every marketplace; a rival ascsubtag is never carried', async () => {
  const input = 'https://www.amazon.de/Wasserkocher/dp/B08N5WRWNW/ref=sr_1_1?tag=rival-21&ascsubtag=theirs&th=1';
  const { page, tabId } = await open('/blog-post.html');
  const popup = await openPopup(tabId);
  await popup.check('input[name=format][value=url]');
  await popup.fill('#product-input', input);
  for (const marketplace of ['amazon.de', 'amazon.fr', 'amazon.in', 'amazon.com']) {
    await clipboard(SENTINEL);
    const fromPopup = await popupCopy(popup, `${row(marketplace)} button.copy`);
    const inPopup = await clipboard();
    await clipboard(SENTINEL);
    const fromMenu = await copyFromMenu(input, { tabId, marketplace }).catch((e) => ({ refused: e.message }));
    const inMenu = await clipboard();
    assert.equal(inPopup, inMenu, `${marketplace}: the same clipboard from both paths`);
    if (fromMenu.refused) {
      assert.equal(fromPopup.refused, true, marketplace);
      assert.equal(inPopup, SENTINEL, marketplace);
      assert.ok(fromMenu.refused.includes(fromPopup.text.replace("Nothing copied: ", "")), fromMenu.refused);
    } else {
      assert.equal(inPopup, fromMenu);
      assert.doesNotMatch(inPopup, /ascsubtag|rival/, `${marketplace}: no trace of the rival's tag`);
    }
  }
  assert.equal(await copyFromMenu(input, { tabId }), 'https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21&th=1');
  // The user's own sub-tag is theirs to keep (the preference is on).
  assert.equal(
    await copyFromMenu('https://www.amazon.com/dp/B08N5WRWNW?tag=mysite-20&ascsubtag=post-7', { tabId, marketplace: 'amazon.de' }),
    'https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21&ascsubtag=post-7',
  );
  await popup.close();
  await page.close();
});

test('the context menu copies, confirms, and refuses an uncovered marketplace leaving the clipboard alone', async () => {
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
  const text = await copyFromMenu('https://www.amazon.de/Wasserkocher/dp/B08N5WRWNW/ref=sr_1_1?tag=someone-21&th=1', { tabId });
  assert.equal(text, 'https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21&th=1');
  const toast = await page.evaluate(() => document.querySelector('linkscope-toast')?.shadowRoot.textContent);
  assert.match(toast, /Copied/);
  assert.match(toast, /mysite0b-21/);
  assert.equal(await clipboard(), text);

  await assert.rejects(copyFromMenu('https://www.amazon.in/dp/B08N5WRWNW', { tabId }), /no tracking ID for amazon\.in/);
  const refusal = await page.evaluate(() => document.querySelector('linkscope-toast')?.shadowRoot.textContent);
  assert.match(refusal, /Nothing copied/);
  assert.match(refusal, /Open options/);
  assert.equal(await clipboard(), text, 'the refused copy left the clipboard alone');
  // "Copy affiliate link for this page" on an uncovered store's page: refused the same way.
  await assert.rejects(copyFromMenu('https://www.amazon.com.br/dp/B08N5WRWNW', { tabId }), /no tracking ID for amazon\.com\.br/);
  assert.equal(await clipboard(), text);
  await page.close();
});

test("on a product page the popup pre-selects the page's own marketplace", async () => {
  for (const [url, marketplace, qrLink] of [
    [Object.keys(PRODUCT_PAGES)[0], 'amazon.de', 'Amazon.de'],
    [Object.keys(PRODUCT_PAGES)[1], 'amazon.co.jp', 'Amazon.co.jp'], // through OneLink
  ]) {
    const { page, tabId } = await open(url);
    const popup = await openPopup(tabId);
    assert.equal(await popup.textContent('#product-info'), `Product B08N5WRWNW on ${marketplace}`);
    const selected = await popup.$$eval('#links li.selected', (lis) => lis.map((li) => li.dataset.marketplace));
    assert.deepEqual(selected, [marketplace]);
    assert.equal(await popup.getAttribute(`${row(marketplace)} button.pick`, 'aria-pressed'), 'true');
    assert.equal(await popup.isVisible(row(marketplace)), true, 'scrolled into view');
    assert.equal(await popup.isVisible('#qr'), true);
    assert.equal(await popup.textContent('#qr-caption'), `QR code of the ${qrLink} link. Select another row for its code.`);
    assert.doesNotMatch(await popup.$eval(`${row('amazon.de')} .url`, (u) => u.textContent), /rival|ascsubtag/);
    if (marketplace === 'amazon.de') {
      await popup.screenshot({ path: path.join(SHOTS, 'popup.png'), fullPage: true });
      await popup.emulateMedia({ colorScheme: 'dark' });
      await popup.screenshot({ path: path.join(SHOTS, 'popup-dark.png'), fullPage: true });
    }
    await popup.close();
    await page.close();
  }
});

test('popup input: QR hidden after invalid or empty input; links without https:// and ISBN-13 accepted', async () => {
  const { page, tabId } = await open('/blog-post.html');
  const popup = await openPopup(tabId);
  await popup.check('input[name=format][value=url]');
  await popup.emulateMedia({ colorScheme: 'dark' });
  const qrShown = () => popup.isVisible('#qr-box');
  await popup.fill('#product-input', 'B08N5WRWNW');
  assert.equal(await qrShown(), true);
  await popup.fill('#product-input', 'https://amazon.com.evil.io/dp/B08N5WRWNW');
  assert.match(await popup.textContent('#product-info'), /not an Amazon link/);
  assert.equal(await qrShown(), false, "the previous product's QR code is gone");
  assert.equal(await popup.$$eval('#links li', (lis) => lis.length), 0);
  await popup.fill('#product-input', 'B08N5WRWNW');
  await popup.fill('#product-input', '');
  assert.equal(await qrShown(), false);
  assert.equal(await popup.evaluate(() => document.getElementById('qr-box').getBoundingClientRect().height), 0, 'no empty box');

  await popup.fill('#product-input', 'amazon.de/dp/B08N5WRWNW');
  assert.equal(await popup.textContent('#product-info'), 'Product B08N5WRWNW on amazon.de');
  assert.equal(await popup.$eval('#links li.selected', (li) => li.dataset.marketplace), 'amazon.de');
  await popup.fill('#product-input', '978-0-596-00712-6');
  assert.equal(await popup.textContent('#product-info'), 'Product 0596007124');
  await popupCopy(popup, `${row('amazon.co.uk')} button.copy`);
  assert.equal(await clipboard(), 'https://www.amazon.co.uk/dp/0596007124?tag=mysite05-21');
  await popup.fill('#product-input', '9791032305690');
  assert.match(await popup.textContent('#product-info'), /^an ISBN-13 starting with 979 has no ISBN-10/);
  assert.equal(await qrShown(), false);
  await popup.close();
  await page.close();
});

test('options: home store first, disabled OneLink boxes say why, unsaved changes are not lost silently', async () => {
  const page = await openOptions();
  assert.equal(await page.inputValue('#id-amazon\\.de'), 'mysite0b-21');
  const order = () => page.$$eval('#ids tr', (rows) => rows.map((r) => r.dataset.marketplace));
  assert.equal((await order())[0], 'amazon.com', 'the home store is listed first');
  assert.equal(await page.isDisabled('#onelink-amazon\\.com'), true);
  assert.equal(await page.textContent('#why-amazon\\.com'), 'Your home store');
  assert.equal(await page.isDisabled('#onelink-amazon\\.in'), true);
  assert.equal(await page.textContent('#why-amazon\\.in'), 'No OneLink from a US store');
  assert.equal(await page.getAttribute('#onelink-amazon\\.in', 'aria-describedby'), 'why-amazon.in');
  assert.equal(await page.isDisabled('#onelink-amazon\\.fr'), false);
  assert.equal(await page.textContent('#why-amazon\\.fr'), '');
  assert.equal(await page.isVisible('#unsaved'), false);
  // The whole page in one viewport, so that the sticky Save bar sits where it belongs.
  await page.setViewportSize({ width: 1000, height: await page.evaluate(() => document.documentElement.scrollHeight) });
  await page.screenshot({ path: path.join(SHOTS, 'options.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(SHOTS, 'options-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });

  await page.selectOption('#home', 'amazon.de');
  assert.equal((await order())[0], 'amazon.de');
  assert.equal(await page.isDisabled('#onelink-amazon\\.in'), false, 'a non-US home store may link any store');
  assert.equal(await page.isVisible('#unsaved'), true);
  await page.selectOption('#home', 'amazon.com');
  assert.equal(await page.isVisible('#unsaved'), false, 'back as saved');

  // A typed ID is not lost on leaving without a word.
  await page.click('#id-amazon\\.it');
  await page.keyboard.type('mysite09-21');
  assert.equal(await page.isVisible('#unsaved'), true);
  assert.equal(await page.textContent('#unsaved'), 'Unsaved changes');
  const dialog = new Promise((resolve) => page.once('dialog', resolve));
  await page.close({ runBeforeUnload: true });
  const asked = await dialog;
  assert.equal(asked.type(), 'beforeunload');
  await asked.dismiss();
  assert.equal(page.isClosed(), false);
  assert.equal(await page.inputValue('#id-amazon\\.it'), 'mysite09-21');

  await page.click('#save');
  await page.waitForSelector('#save-status:text("Saved")');
  assert.equal(await page.isVisible('#unsaved'), false);
  assert.equal((await stored()).profile.trackingIds['amazon.it'], 'mysite09-21');
  let asks = false;
  page.once('dialog', () => (asks = true));
  await page.close({ runBeforeUnload: true });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(asks, false, 'nothing to ask once saved');
});

test('options: typing, exporting, readable import errors and a binary file that changes nothing', async () => {
  const page = await openOptions();
  await page.fill('#id-amazon\\.it', 'bad id');
  assert.match(await page.textContent('#hint-amazon\\.it'), /only letters, digits/);
  await page.fill('#id-amazon\\.it', 'mysite-20');
  assert.match(await page.textContent('#hint-amazon\\.it'), /usually end in -21/);
  await page.fill('#id-amazon\\.it', 'mysite09-21');
  assert.equal(await page.textContent('#hint-amazon\\.it'), '');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.deepEqual(exported, (await stored()).profile);

  const before = await stored();
  await page.fill('#import-text', '{"version":1,"home":"amazon.com","trackingIds":{"amazon.de":"has space"},"oneLink":["amazon.in"],"colour":1}');
  await page.click('#import');
  const errors = () => page.$$eval('#import-errors li', (lis) => lis.map((li) => li.textContent));
  assert.deepEqual(await errors(), [
    'Field "colour": unknown field',
    "Amazon.de tracking ID: tracking ID may contain only letters, digits, '-' and '_'",
    'OneLink, entry 1: OneLink does not link amazon.com to amazon.in',
  ]);
  assert.deepEqual(await stored(), before, 'an invalid import leaves the settings untouched');

  // A PNG chosen by mistake: a clear error, no mojibake, nothing changed.
  await page.setInputFiles('#import-file', { name: 'photo.png', mimeType: 'image/png', buffer: await readFile(path.join(repoRoot, 'extension/icons/icon-48.png')) });
  await page.waitForFunction(() => document.querySelector('#import-errors li')?.textContent.startsWith('File:'));
  const [binary] = await errors();
  assert.equal(binary, 'File: photo.png is not a text file (it looks like an image or another binary file). Choose the .json file Linkscope exported.');
  assert.deepEqual(await stored(), before);
  await page.$eval('#import-errors', (e) => e.scrollIntoView());
  await page.screenshot({ path: path.join(SHOTS, 'options-invalid-import.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(SHOTS, 'options-invalid-import-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });

  await page.fill('#import-text', JSON.stringify(PROFILE));
  await page.click('#import');
  await page.waitForSelector('#import-status:text("Imported and saved")');
  assert.deepEqual((await stored()).profile.trackingIds, PROFILE.trackingIds);
  assert.equal(await page.inputValue('#id-amazon\\.it'), '');
  assert.equal(await page.isVisible('#unsaved'), false, 'the imported profile is what is saved');
  await page.close();
});

test('settings saved by a newer Linkscope are shown read-only, never overwritten', async () => {
  const worker = await sw();
  const newer = { schema: 2, profile: PROFILE, ui: { format: 'url' }, somethingNew: true };
  await worker.evaluate((s) => chrome.storage.sync.set({ settings: s }), newer);
  const page = await openOptions();
  assert.equal(await page.isVisible('#read-only'), true);
  assert.equal(await page.isDisabled('#save'), true);
  await assert.rejects(importProfile(JSON.stringify(PROFILE)), /newer version of Linkscope/);
  await page.fill('#import-text', JSON.stringify(PROFILE));
  await page.click('#import');
  assert.match(await page.textContent('#import-errors li'), /^Settings: These settings were saved by a newer version/);
  assert.deepEqual(await stored(), newer);
  await worker.evaluate((p) => chrome.storage.sync.set({ settings: { schema: 1, profile: p, ui: { format: 'url' } } }), PROFILE);
  await page.close();
});
