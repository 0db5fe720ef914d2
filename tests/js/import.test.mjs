// The words of a settings import and of counts: field errors a person reads, binary files
// refused, plural-safe messages. chrome.i18n is stood in for by the English messages file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

const messages = JSON.parse(await readFile(new URL('../../extension/_locales/en/messages.json', import.meta.url), 'utf8'));
globalThis.chrome = {
  i18n: {
    getUILanguage: () => 'en',
    getMessage: (key, subs = []) => messages[key]?.message.replace(/\$(\d)/g, (_, n) => subs[n - 1] ?? '') ?? '',
  },
};
const { describeField, describeErrors, fileText } = await import(new URL('../../dist/import.js', import.meta.url));
const { plural } = await import(new URL('../../dist/messages.js', import.meta.url));

test('profile fields read as a person names them', () => {
  assert.equal(describeField('trackingIds.amazon.in'), 'Amazon.in tracking ID');
  assert.equal(describeField('trackingIds.amazon.co.uk'), 'Amazon.co.uk tracking ID');
  assert.equal(describeField('trackingIds.amazon.zz'), 'Amazon.zz tracking ID');
  assert.equal(describeField('trackingIds'), 'Tracking IDs');
  assert.equal(describeField('oneLink[0]'), 'OneLink, entry 1');
  assert.equal(describeField('oneLink'), 'OneLink');
  assert.equal(describeField('home'), 'Home marketplace');
  assert.equal(describeField('version'), 'Profile version');
  assert.equal(describeField('preferences.copyTarget'), 'Link preference "copyTarget"');
  assert.equal(describeField('(file)'), 'File');
  assert.equal(describeField('colour'), 'Field "colour"');
  assert.equal(describeField('odd key.x'), 'Field "odd key.x"');
  assert.deepEqual(describeErrors([{ field: 'trackingIds.amazon.de', message: 'too long' }]), ['Amazon.de tracking ID: too long']);
});

test('a binary file is no text; UTF-8 text is read as it is', async () => {
  const png = await readFile(new URL('../../extension/icons/icon-16.png', import.meta.url));
  assert.equal(fileText(png), null);
  assert.equal(fileText(new Uint8Array([0x7b, 0xff, 0x7d])), null, 'invalid UTF-8');
  const json = '{"home":"amazon.co.jp","note":"電気ケトル"}';
  assert.equal(fileText(new TextEncoder().encode(json)), json);
});

test('counts are plural-safe', () => {
  assert.equal(plural('popupPageTotal', 1), '1 Amazon link');
  assert.equal(plural('popupPageTotal', 0), '0 Amazon links');
  assert.equal(plural('popupPageTotal', 10000), '10,000 Amazon links');
  assert.equal(plural('copyAllLinks', 1), '1 link');
});
