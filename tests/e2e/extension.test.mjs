// The built extension in Chromium: settings import through the worker and service-worker restarts.
// The overlay's tests are in overlay.test.mjs; the popup, copy paths and options in popup.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setup, repoRoot } from './harness.mjs';

const PROFILE = JSON.parse(await readFile(path.join(repoRoot, 'tests/fixtures/profile.json'), 'utf8'));
const e2e = setup();

const sw = () => e2e.browser.worker();
const stored = () => e2e.browser.stored();
const importProfile = (profile) => e2e.browser.call('importSettings', profile);
const open = (pagePath) => e2e.browser.open(e2e.origin + pagePath);

test('settings import through the worker: invalid input is rejected and changes nothing', async () => {
  await assert.rejects(importProfile('{"version":1,"home":"amazon.zz"}'), /Home marketplace: unknown marketplace/);
  await assert.rejects(importProfile('not json'), /not valid JSON/);
  assert.equal(await stored(), null);
  const saved = await importProfile(JSON.stringify(PROFILE));
  assert.deepEqual(saved.trackingIds, PROFILE.trackingIds);
  assert.equal((await stored()).schema, 1);
  assert.deepEqual((await stored()).profile, saved);
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
  const cdp = await e2e.browser.context.newCDPSession(page);
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
  const options = await e2e.browser.context.newPage();
  await options.goto(`chrome-extension://${e2e.browser.extensionId}/options.html`);
  await options.evaluate(() => chrome.runtime.sendMessage({ type: 'wake' }));
  await until(() => statuses.includes('running'), 'the worker to start again');
  await until(() => e2e.browser.context.serviceWorkers().length > 0, 'Playwright to attach to it');
  const fresh = e2e.browser.context.serviceWorkers().at(-1);
  assert.equal(await fresh.evaluate(() => globalThis.beforeRestart), undefined, 'a cold worker, not the old one');
  const result = await fresh.evaluate((id) => globalThis.linkscope.inspect(id), tabId);
  assert.equal(result.summary.total, 8);
  const text = await fresh.evaluate((id) => globalThis.linkscope.copyAffiliateLink('B08N5WRWNW', { tabId: id }), tabId);
  assert.equal(text, 'https://www.amazon.com/dp/B08N5WRWNW?tag=mysite-20');
  await options.close();
  await page.close();
});
