// axe-core on the extension's own pages, the popup (a product's links drawn, a "not covered" row
// selected and a refused copy on show) and the options, light and dark: no serious or critical
// violation. In Chromium and (firefox-a11y.test.mjs) Firefox. The overlay's check is in
// overlay.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setup, repoRoot } from './harness.mjs';

const AXE = path.join(repoRoot, 'tests/node_modules/axe-core/axe.min.js');
const PROFILE = await readFile(path.join(repoRoot, 'tests/fixtures/profile.json'), 'utf8');
const e2e = setup({ profile: PROFILE });

const row = (marketplace) => `#links li[data-marketplace="${marketplace}"]`;

/** Serious and critical axe-core violations, as `rule: targets` lines. */
async function axeViolations(page) {
  // Extension pages allow no inline scripts (addScriptTag): the source is evaluated instead.
  await page.evaluate(await readFile(AXE, 'utf8'));
  return page.evaluate(async () => {
    const { violations } = await globalThis.axe.run(document, { resultTypes: ['violations'] });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

test('axe-core: no serious or critical violations in the popup and options, light and dark', async () => {
  const { page, tabId } = await e2e.browser.open(`${e2e.origin}/blog-post.html`);
  const popup = await e2e.browser.openExtensionPage(`popup.html?tab=${tabId}`, { width: 400, height: 900 });
  await popup.fill('#product-input', 'https://www.amazon.de/Wasserkocher/dp/B08N5WRWNW');
  await popup.waitForSelector(row('amazon.in'));
  const options = await e2e.browser.openExtensionPage('options.html');
  for (const scheme of ['light', 'dark']) {
    await popup.emulateMedia({ colorScheme: scheme });
    await popup.click(`${row('amazon.in')} button.pick`); // a "not covered" row selected too
    await popup.evaluate(() => (document.getElementById('status').textContent = ''));
    await popup.click(`${row('amazon.in')} button.copy`); // and a refusal on show
    await popup.waitForFunction(() => document.getElementById('status').textContent !== '');
    assert.equal(await popup.$eval('#status', (s) => s.classList.contains('refused')), true);
    assert.equal(await popup.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), scheme === 'dark');
    assert.deepEqual(await axeViolations(popup), [], `popup, ${scheme}`);
    await options.emulateMedia({ colorScheme: scheme });
    assert.equal(await options.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), scheme === 'dark');
    assert.deepEqual(await axeViolations(options), [], `options, ${scheme}`);
  }
  await options.close();
  await popup.close();
  await page.close();
});
