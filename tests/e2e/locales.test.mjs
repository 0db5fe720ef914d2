// The extension in the browser's language: the popup, the options page and the overlay panel in
// German, Japanese and Arabic (the browser started with that UI language: Chromium here, Firefox
// through firefox-locales.test.mjs, with Debian's language packs). Every localized element
// shows its locale's message (none falls back to English where a translation exists), as do the
// core's refusals (a link that cannot be made, a mistyped tracking ID), counts take
// the language's plural form, and Arabic lays out right to left with URLs and tracking IDs kept
// left to right. Screenshots of the popup and panel in each, and the Arabic options (target/screenshots/).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setup, SHOTS, repoRoot } from './harness.mjs';

const PROFILE = await readFile(path.join(repoRoot, 'tests/fixtures/profile.json'), 'utf8');
const messagesOf = async (locale) => JSON.parse(await readFile(path.join(repoRoot, `extension/_locales/${locale}/messages.json`), 'utf8'));
const EN = await messagesOf('en');

// What the blog post's 8 Amazon links read as in each language (Arabic 3-10 is the "few" form),
// and Germany's name in the options' marketplace list (Intl.DisplayNames).
const LANGUAGES = {
  de: { dir: 'ltr', germany: 'Deutschland', total: /^8 Amazon-Links$/, title: /^Linkscope: 8 Amazon-Links$/ },
  ja: { dir: 'ltr', germany: 'ドイツ', total: /^Amazonリンク8件$/, title: /^Linkscope：Amazonリンク8件$/ },
  ar: { dir: 'rtl', germany: 'ألمانيا', total: /^[8٨] روابط إلى أمازون$/, title: /^Linkscope: [8٨] روابط إلى أمازون$/ },
};

/** Every `data-i18n` text and attribute on the page that differs from the locale's message. */
function untranslated(page, messages) {
  return page.evaluate((m) => {
    const wrong = [];
    for (const el of document.querySelectorAll('*')) {
      for (const { name, value } of [...el.attributes]) {
        if (name === 'data-i18n' && el.textContent !== m[value]?.message) wrong.push(`${value}: ${el.textContent}`);
        const attr = name.startsWith('data-i18n-') && name.slice('data-i18n-'.length);
        if (attr && el.getAttribute(attr) !== m[value]?.message) wrong.push(`${value} (${attr}): ${el.getAttribute(attr)}`);
      }
    }
    return wrong;
  }, messages);
}

for (const [lang, expect] of Object.entries(LANGUAGES)) describe(lang, () => {
  const e2e = setup({ lang, profile: PROFILE });

  test(`${lang}: the popup, the options page and the overlay panel speak ${lang}`, async () => {
    const messages = await messagesOf(lang);
    const { page, tabId } = await e2e.browser.open(`${e2e.origin}/blog-post.html?lang=${lang}`);

    const popup = await e2e.browser.openExtensionPage(`popup.html?tab=${tabId}`, { width: 400, height: 900 });
    assert.match(await popup.evaluate(() => document.documentElement.lang), new RegExp(`^${lang}`));
    assert.equal(await popup.evaluate(() => document.documentElement.dir), expect.dir);
    assert.equal(await popup.evaluate(() => getComputedStyle(document.body).direction), expect.dir);
    assert.deepEqual(await untranslated(popup, messages), []);
    assert.notEqual(messages.linksHeading.message, EN.linksHeading.message);
    assert.equal(await popup.textContent('#links-heading'), messages.linksHeading.message);
    assert.match(await popup.textContent('#page-summary'), expect.total);
    // What the core refuses is said in the UI's language, not in the core's English.
    await popup.fill('#product-input', 'hello');
    assert.equal(await popup.textContent('#product-info'), messages.core_notAmazon.message);
    await popup.fill('#product-input', 'https://amzn.to/3xYz');
    assert.equal(await popup.textContent('#product-info'), messages.core_short.message);
    await popup.fill('#product-input', 'B08N5WRWNW');
    await popup.waitForSelector('#links li');
    // The URLs stay left to right inside the mirrored popup.
    assert.deepEqual(new Set(await popup.$$eval('#links .url', (us) => us.map((u) => getComputedStyle(u).direction))), new Set(['ltr']));
    await popup.screenshot({ path: path.join(SHOTS, `popup-${lang}.png`), fullPage: true });
    await popup.close();

    const options = await e2e.browser.openExtensionPage('options.html');
    assert.equal(await options.evaluate(() => document.documentElement.dir), expect.dir);
    assert.deepEqual(await untranslated(options, messages), []);
    const countries = await options.$$eval('#ids .name', (ns) => ns.map((n) => n.textContent));
    assert.ok(countries.includes(expect.germany), countries.join());
    // Tracking IDs are typed left to right whatever the page's direction; an empty field's hint
    // is a sentence of the UI language, in its direction.
    assert.equal(await options.$eval('#ids input[type=text]', (i) => getComputedStyle(i).direction), 'ltr');
    assert.equal(await options.$eval('#ids input[type=text]:placeholder-shown', (i) => getComputedStyle(i).direction), expect.dir);
    // The core's checks of a typed ID, in the UI's language.
    const hint = async (value) => {
      await options.fill('#ids input[data-marketplace="amazon.it"]', value);
      return options.textContent('#hint-amazon\\.it');
    };
    assert.equal(await hint('my site'), messages.core_idCharacters.message);
    assert.equal(await hint('mysite-20'), messages.core_idSuffix.message.replaceAll('$1', 'amazon.it').replaceAll('$2', '-21'));
    await hint('');
    if (lang === 'ar') await options.screenshot({ path: path.join(SHOTS, 'options-ar.png'), fullPage: true });
    await options.close();

    await e2e.browser.call('inspect', tabId);
    const panel = (fn) => page.evaluate(`(${fn})(document.querySelector('linkscope-overlay').shadowRoot)`);
    await page.waitForFunction(() => document.querySelector('linkscope-overlay')?.shadowRoot?.querySelector('h2')?.textContent);
    assert.match(await panel((root) => root.querySelector('h2').textContent), expect.title);
    assert.equal(await panel((root) => getComputedStyle(root.querySelector('.panel')).direction), expect.dir);
    const buttons = await panel((root) => [...root.querySelectorAll('.foot button')].map((b) => b.textContent));
    assert.ok(buttons.includes(messages.exportCsv.message), buttons.join());
    assert.ok(!buttons.includes(EN.exportCsv.message), buttons.join());
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, `overlay-panel-${lang}.png`) });
    await page.close();
  });
});
