// Hostile input in the built extension (issue 8): a profile nested 5,000 deep, imported through
// the worker and through the options page, is rejected with a clear error and leaves the core
// working; a core that runs out of stack mid-call in an extension page is replaced, and the
// page keeps validating, classifying and auditing. In Chromium and (firefox-hostile.test.mjs) Firefox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setup, SHOTS, repoRoot } from './harness.mjs';
import { overflowRounds } from '../js/overflow.mjs';

const PROFILE = JSON.parse(await readFile(path.join(repoRoot, 'tests/fixtures/profile.json'), 'utf8'));
const DEEP = `{"version":1,"home":"amazon.com","x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
const e2e = setup();

const settings = () => e2e.browser.stored();
const importSettings = (profile) => e2e.browser.call('importSettings', profile);

/** Verdicts of the blog post's Amazon links, classified and audited by the worker's core. */
async function blogVerdicts() {
  const { page, tabId } = await e2e.browser.open(`${e2e.origin}/blog-post.html`);
  const result = await e2e.browser.call('inspect', tabId);
  await page.close();
  return result.links.map((l) => l.verdict);
}

const BLOG_VERDICTS = ['mine', 'mine', 'untagged', 'foreign', 'wrongMarketplace', 'short', 'malformed', 'untagged'];

test('worker: a 5,000-deep profile imported twice is rejected, and the core keeps working', async () => {
  await importSettings(JSON.stringify(PROFILE));
  const before = await settings();
  for (let i = 0; i < 2; i++) {
    await assert.rejects(importSettings(DEEP), /nested more than 100 levels deep/);
    const asObject = e2e.browser.callParsed('importSettings', DEEP);
    await assert.rejects(asObject, /nested more than 100 levels deep/);
  }
  assert.deepEqual(await settings(), before, 'nothing saved');
  assert.deepEqual(await blogVerdicts(), BLOG_VERDICTS);
  assert.deepEqual(await importSettings(`\uFEFF${JSON.stringify(PROFILE)}`), { ...PROFILE, oneLink: ['amazon.ca', 'amazon.co.jp', 'amazon.fr'] });
  await assert.rejects(importSettings('{"version":1,"home":"amazon.com","home":"amazon.de"}'), /Home marketplace: listed twice/);
});

const optionsPage = () => e2e.browser.openExtensionPage('options.html');

/** Imports `text` as a chosen file; the listed errors. */
async function importFile(page, text) {
  await page.setInputFiles('#import-file', { name: 'profile.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await page.waitForFunction(() => document.querySelector('#import-errors').children.length > 0 || document.querySelector('#import-status').textContent !== '');
  return page.$$eval('#import-errors li', (lis) => lis.map((li) => li.textContent));
}

/** The options page validates what is typed and imports a good profile. */
async function assertOptionsWork(page) {
  await page.fill('#id-amazon\\.it', 'bad id');
  assert.match(await page.textContent('#hint-amazon\\.it'), /only letters, digits/);
  await page.fill('#id-amazon\\.it', '');
  await page.fill('#import-text', JSON.stringify(PROFILE));
  await page.click('#import');
  await page.waitForFunction(() => document.querySelector('#import-status').textContent === 'Imported and saved');
  await page.evaluate(() => { document.querySelector('#import-status').textContent = ''; });
}

test('options: a 5,000-deep profile file imported twice is listed as an error; the page keeps working', async () => {
  const page = await optionsPage();
  const before = await settings();
  for (let i = 0; i < 2; i++) {
    const errors = await importFile(page, DEEP);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^File: lists and objects nested more than 100 levels deep at line 1 column \d+$/);
  }
  assert.deepEqual(await settings(), before);
  await page.locator('#import-errors').screenshot({ path: path.join(SHOTS, 'options-deep-import.png') });
  assert.deepEqual(await importFile(page, '{"version":1,"home":"amazon.com","trackingIds":{"amazon.de":"a-21","amazon.de":"b-21"}}'),
    ['Amazon.de tracking ID: amazon.de is listed twice']);
  await assertOptionsWork(page);
  assert.deepEqual(await blogVerdicts(), BLOG_VERDICTS);
  await page.close();
});

test('options: a core that runs out of stack mid-call is replaced; validate, classify and audit still work', async () => {
  const page = await optionsPage();
  // The page's own instance of the core module, as the options page uses it.
  const outcome = await page.evaluate(overflowRounds, { coreUrl: './core.js', profile: PROFILE, rounds: 100 });
  assert.equal(outcome.broken, null);
  assert.ok(outcome.overflows > 100, `only ${outcome.overflows} overflows`);
  assert.ok(outcome.restarts > 0);
  await assertOptionsWork(page);
  await page.close();
});
