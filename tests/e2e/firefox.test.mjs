// The Firefox package in Firefox, with its shipped manifest (activeTab, no host permission):
// what only real user gestures reach, the gestures that grant activeTab: the keyboard shortcut,
// the real context menu, the real toolbar popup, and the event page suspended and woken by them.
// Their results are read from stable surfaces (the event page's `linkscope` interface, storage,
// the clipboard, link attributes); queries into Linkscope's own DOM live in firefox-ui.mjs.
// The overlay's, the languages' and the hostile-input scenarios run in Firefox as they are
// written for Chromium (firefox-overlay, firefox-locales, firefox-hostile.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setup, SHOTS, repoRoot } from './harness.mjs';
import { until } from './firefox-harness.mjs';
import { badgeVerdicts, drawnBadges, overlayTotal, toastText, popup, options } from './firefox-ui.mjs';

const PROFILE = JSON.parse(await readFile(path.join(repoRoot, 'tests/fixtures/profile.json'), 'utf8'));
const BLOG_VERDICTS = ['mine', 'mine', 'untagged', 'foreign', 'wrongMarketplace', 'short', 'malformed', 'untagged'];
let ff; // the Firefox session (firefox-harness.mjs)
const e2e = setup({ browser: 'firefox', asShipped: true, prepare: (browser) => (ff = browser) });

const open = async (pagePath) => (await ff.open(e2e.origin + pagePath)).page;
const hasOverlay = (page) => page.evaluate(() => document.querySelector('linkscope-overlay') !== null);

/** Every attribute of every link: what the extension must never change. */
const linkAttributes = (page) =>
  page.$$eval('a, area', (links) => links.map((a) => [...a.attributes].map((x) => `${x.name}=${x.value}`).join(' ')));

/** Presses the shortcut and waits for the overlay to count `count` Amazon links. */
async function shortcutOverlay(page, count) {
  await ff.pressShortcut(page);
  await until(async () => (await overlayTotal(page)) === count, `${count} links in the overlay`);
}

async function openToolbarPopup(page) {
  await ff.clickToolbarButton(page);
  await until(() => ff.inPopup(popup.ready), 'the toolbar popup');
}

async function closeToolbarPopup() {
  await ff.clickToolbarButton();
  await until(async () => (await ff.inPopup(popup.ready)) === undefined, 'the popup to close');
}

test('the shipped manifest: activeTab, no host access, the shortcut registered', async () => {
  const { permissions, host_permissions: hosts, content_scripts: scripts } = ff.manifest;
  assert.ok(permissions.includes('activeTab'));
  assert.equal(hosts, undefined, 'no host permission');
  assert.equal(scripts, undefined, 'no content script on any site');
  assert.ok(!permissions.some((p) => p.includes('://') || p === '<all_urls>' || p === 'tabs'));
  assert.deepEqual(await ff.shortcuts(), [['alt,shift', 'L']]);
});

test('without a gesture the extension cannot reach a page', async () => {
  const page = await open('/blog-post.html');
  await assert.rejects(ff.bg('inspect', page.tabId), /permission/i);
  assert.equal(await hasOverlay(page), false);
  await page.close();
});

test('first run: the real toolbar popup shows the way to the options', async () => {
  assert.equal(await ff.stored(), null);
  const page = await open('/blog-post.html');
  await openToolbarPopup(page);
  assert.equal(await ff.inPopup(popup.firstRunShown), true);
  assert.match(await ff.inPopup(popup.firstRunText), /Add your Amazon Associates tracking ID/);
  await closeToolbarPopup();
  await page.close();
});

test('settings import through the event page: invalid input is rejected and changes nothing', async () => {
  await assert.rejects(ff.bg('importSettings', '{"version":1,"home":"amazon.zz"}'), /Home marketplace: unknown marketplace/);
  await assert.rejects(ff.bg('importSettings', 'not json'), /not valid JSON/);
  assert.equal(await ff.stored(), null);
  const saved = await ff.bg('importSettings', JSON.stringify(PROFILE));
  assert.deepEqual(saved.trackingIds, PROFILE.trackingIds);
  assert.equal((await ff.stored()).schema, 1);
  assert.deepEqual((await ff.stored()).profile, saved);
});

test('the keyboard shortcut shows the overlay on a blog post and changes no link', async () => {
  const page = await open('/blog-post.html');
  const before = await linkAttributes(page);
  await shortcutOverlay(page, 8);
  assert.deepEqual(await badgeVerdicts(page), BLOG_VERDICTS);
  await until(async () => (await drawnBadges(page)).length > 0, 'badges drawn beside the links in view');
  await page.screenshot({ path: path.join(SHOTS, 'firefox-overlay.png') });
  // The shortcut granted activeTab: the event page may now read this tab, and only this one.
  const result = await ff.bg('inspect', page.tabId);
  assert.deepEqual(result.links.map((l) => l.verdict), BLOG_VERDICTS);
  assert.deepEqual(result.links[1], {
    href: 'https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21',
    verdict: 'mine', marketplace: 'amazon.de', asin: 'B08N5WRWNW', tag: 'mysite0b-21', coverage: 'direct',
  });
  assert.ok(result.links.every((l) => !l.href.includes('evil') && !l.href.includes('amaz0n')), 'lookalikes get no badge');
  assert.equal((await ff.bg('pageSummary', page.tabId)).total, 8, 'the collector sees the same links');
  assert.deepEqual(await badgeVerdicts(page), BLOG_VERDICTS, 'running it again draws no second set of badges');
  assert.deepEqual(await linkAttributes(page), before, 'no attribute of any link changed');
  assert.equal(await page.evaluate(() => document.cookie), '');

  const other = await open('/blog-post.html');
  await assert.rejects(ff.bg('inspect', other.tabId), /permission/i, 'activeTab covers the tab of the gesture only');
  await other.close();
  await page.close();
});

test('the real context menu copies the affiliate link, read back from the clipboard', async () => {
  const page = await open('/blog-post.html');
  const labels = await ff.contextMenu(page, '#mine-de a');
  assert.equal(labels.copy, 'Copy affiliate link');
  for (const id of ['copy-for', 'copy-for:amazon.com', 'copy-for:amazon.de', 'copy-for:amazon.fr', 'inspect']) {
    assert.ok(id in labels, `menu item ${id}`);
  }
  assert.ok(!('copy-for:amazon.in' in labels), 'uncovered marketplaces are not offered');
  assert.ok(!('copy' in (await ff.contextMenu(page, '#lookalike-1'))), 'a lookalike domain is not Amazon');

  await ff.writeClipboard('before');
  await ff.contextMenu(page, '#mine-de a', 'copy');
  assert.equal(await ff.clipboardChange('before'), 'https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21');
  await until(async () => /mysite0b-21/.test(await toastText(page)), 'the "Copied" note in the page');

  await ff.contextMenu(page, '#mine-de a', 'copy-for:amazon.co.uk');
  assert.equal(
    await ff.clipboardChange('https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21'),
    'https://www.amazon.co.uk/dp/B08N5WRWNW?tag=mysite05-21',
  );
  await page.close();
});

test('the real toolbar popup summarises the page, generates links and copies them', async () => {
  const page = await open('/blog-post.html');
  await openToolbarPopup(page);
  assert.equal(await ff.inPopup(popup.firstRunShown), false);
  assert.match(await ff.inPopup(popup.pageSummary), /^8 Amazon links$/, 'the toolbar click let the popup read the page');
  const rows = await ff.inPopup(popup.generate, 'https://www.amazon.com/Kettle/dp/B08N5WRWNW?th=1&linkCode=ll1');
  assert.equal(rows.length, 22);
  assert.deepEqual(rows.slice(0, 3), ['amazon.com', 'amazon.co.uk', 'amazon.de']);

  await ff.writeClipboard('before');
  await ff.inPopup(popup.copy, 'amazon.de');
  assert.equal(await ff.clipboardChange('before'), 'https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21&th=1');
  await ff.inPopup(popup.setFormat, 'markdown');
  await ff.inPopup(popup.copy, 'amazon.co.uk');
  assert.equal(
    await ff.clipboardChange('https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21&th=1'),
    '[Amazon.co.uk](https://www.amazon.co.uk/dp/B08N5WRWNW?tag=mysite05-21&th=1)',
  );
  await until(async () => (await ff.stored()).ui.format === 'markdown', 'the format to be saved');
  await ff.inPopup(popup.generate, 'https://amazon.com.evil.io/dp/B08N5WRWNW');
  assert.match(await ff.inPopup(popup.productInfo), /not an Amazon link/);
  await closeToolbarPopup();

  await openToolbarPopup(page);
  assert.equal(await ff.inPopup(popup.format), 'markdown', 'the format is remembered');
  await closeToolbarPopup();
  await page.close();
});

test('on a product page, the real popup shows the product and the page menu copies its link', async () => {
  const { page } = await ff.open('http://www.amazon.de/Wasserkocher/dp/B08N5WRWNW/ref=sr_1_1?th=1&linkCode=ll1');
  await openToolbarPopup(page);
  assert.equal(await ff.inPopup(popup.productInput), 'https://www.amazon.de/dp/B08N5WRWNW?th=1');
  assert.match(await ff.inPopup(popup.productInfo), /B08N5WRWNW.*amazon\.de/);
  assert.equal((await ff.inPopup(popup.generate, await ff.inPopup(popup.productInput))).length, 22);
  await closeToolbarPopup();

  await ff.writeClipboard('before');
  const labels = await ff.contextMenu(page, '#product', 'copy-page');
  assert.ok(!('copy' in labels), 'no link under the pointer: no link item');
  assert.equal(await ff.clipboardChange('before'), 'https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21&th=1');
  await page.close();
});

test('options: typing, saving, exporting, and imports valid and invalid', async () => {
  const page = await ff.openExtensionPage('options.html');
  assert.equal(await page.evaluate(options.trackingId, 'amazon.de'), 'mysite0b-21');

  const field = options.idField('amazon.it');
  await page.type(field, 'bad id');
  assert.match(await page.evaluate(options.hint, 'amazon.it'), /only letters, digits/);
  await page.click(field, { count: 3 });
  await page.type(field, 'mysite-20');
  assert.match(await page.evaluate(options.hint, 'amazon.it'), /usually end in -21/);
  await page.click(field, { count: 3 });
  await page.type(field, 'mysite09-21');
  assert.equal(await page.evaluate(options.hint, 'amazon.it'), '');
  await page.evaluate(options.save);
  await until(async () => (await ff.stored()).profile.trackingIds['amazon.it'] === 'mysite09-21', 'the save');
  assert.match(await page.evaluate(options.saveStatus), /Saved/);
  await page.evaluate(options.exportSettings);
  assert.deepEqual(JSON.parse(await ff.downloaded('linkscope-profile.json')), (await ff.stored()).profile);

  const before = await ff.stored();
  await page.evaluate(options.importText, '{"version":1,"home":"amazon.com","trackingIds":{"amazon.de":"has space"},"oneLink":["amazon.in"]}');
  await until(async () => (await page.evaluate(options.importErrors)).length > 0, 'the import errors');
  assert.deepEqual(await page.evaluate(options.importErrors), [
    "Amazon.de tracking ID: tracking ID may contain only letters, digits, '-' and '_'",
    'OneLink, entry 1: OneLink does not link amazon.com to amazon.in',
  ]);
  assert.deepEqual(await ff.stored(), before, 'an invalid import leaves the settings untouched');

  await page.evaluate(options.importText, JSON.stringify(PROFILE));
  await until(async () => /Imported/.test(await page.evaluate(options.importStatus)), 'the import');
  assert.deepEqual((await ff.stored()).profile.trackingIds, PROFILE.trackingIds);
  assert.equal(await page.evaluate(options.trackingId, 'amazon.it'), '');
  await page.close();
});

test('settings saved by a newer Linkscope are shown read-only, never overwritten', async () => {
  const current = await ff.stored();
  const newer = { schema: 2, profile: PROFILE, ui: { format: 'url' }, somethingNew: true };
  await ff.setStored(newer);
  const page = await ff.openExtensionPage('options.html');
  assert.equal(await page.evaluate(options.readOnly), true);
  await assert.rejects(ff.bg('importSettings', JSON.stringify(PROFILE)), /newer version of Linkscope/);
  assert.deepEqual(await ff.stored(), newer);
  await ff.setStored(current);
  await page.close();
});

test('a suspended event page wakes for the shortcut and the context menu, and still works', async () => {
  await ff.driver.evaluate(async () => {
    (await browser.runtime.getBackgroundPage()).beforeSuspend = true;
  });
  await ff.suspendBackground();
  assert.equal(await ff.backgroundState(), 'stopped');

  const page = await open('/blog-post.html');
  await shortcutOverlay(page, 8);
  assert.equal(await ff.backgroundState(), 'running');
  const fresh = await ff.driver.evaluate(async () => (await browser.runtime.getBackgroundPage()).beforeSuspend);
  assert.equal(fresh, undefined, 'a new event page, not the old one');
  assert.deepEqual(await badgeVerdicts(page), BLOG_VERDICTS);

  await ff.suspendBackground();
  assert.equal(await ff.backgroundState(), 'stopped');
  await ff.writeClipboard('before');
  await ff.contextMenu(page, '#untagged a', 'copy');
  assert.equal(await ff.clipboardChange('before'), 'https://www.amazon.com/dp/B0BSHF7WHW?tag=mysite-20');

  await ff.suspendBackground();
  const text = await ff.bg('copyAffiliateLink', 'B08N5WRWNW', { tabId: page.tabId });
  assert.equal(text, 'https://www.amazon.com/dp/B08N5WRWNW?tag=mysite-20');
  assert.equal(await ff.clipboardChange('https://www.amazon.com/dp/B0BSHF7WHW?tag=mysite-20'), text);
  await page.close();
});
