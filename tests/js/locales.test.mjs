// The UI's translations (extension/_locales): every locale says everything English says, with the
// same placeholders, in valid JSON, in a folder Chrome accepts; plural variants only where English
// has the `_other` form they belong to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

const root = new URL('../../extension/_locales/', import.meta.url);
const read = (locale) => JSON.parse(readFileSync(new URL(`${locale}/messages.json`, root), 'utf8'));

// The locale codes Chrome accepts for _locales folders (developer.chrome.com, "Locale-specific").
const CHROME_LOCALES = new Set(`ar am bg bn ca cs da de el en en_AU en_GB en_US es es_419 et fa fi fil fr gu he
  hi hr hu id it ja kn ko lt lv ml mr ms nl no pl pt_BR pt_PT ro ru sk sl sr sv sw ta te th tr uk vi zh_CN
  zh_TW`.split(/\s+/));
// The languages the issue asks for (the marketplaces' languages).
const REQUIRED = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pl', 'sv', 'pt_BR', 'tr', 'ja', 'ar'];
const PLURAL = /^(.+)_(zero|one|two|few|many|other)$/;

const locales = readdirSync(root).sort();
const en = read('en');

/** `$1`…`$9` and named `$name$` references, and the `placeholders` object, of a message. */
function placeholders(entry) {
  return {
    refs: [...new Set(entry.message.match(/\$(\d|[A-Za-z0-9_@]+\$)/g) ?? [])].sort(),
    named: entry.placeholders ?? null,
  };
}

/** The problems of one locale's messages against English, as sentences (empty when fine). */
export function problems(messages, english = en) {
  const found = [];
  for (const key of Object.keys(english)) {
    if (!(key in messages)) found.push(`lacks ${key}`);
  }
  for (const [key, entry] of Object.entries(messages)) {
    const plural = key.match(PLURAL);
    const base = key in english ? key : plural && `${plural[1]}_other` in english ? `${plural[1]}_other` : null;
    if (!base) {
      found.push(`has ${key}, which English doesn't`);
      continue;
    }
    if (typeof entry?.message !== 'string' || entry.message.trim() === '') {
      found.push(`${key} has no message`);
      continue;
    }
    const mine = placeholders(entry);
    const theirs = placeholders(english[base]);
    const extra = mine.refs.filter((r) => !theirs.refs.includes(r));
    // A plural form other than `other` may leave the number out ("رابطان", two links); the rest keep them all.
    const countless = plural && plural[2] !== 'other' && `${plural[1]}_other` in english;
    const missing = countless ? [] : theirs.refs.filter((r) => !mine.refs.includes(r));
    if (extra.length) found.push(`${key} uses ${extra.join(' ')}, which English doesn't`);
    if (missing.length) found.push(`${key} lacks ${missing.join(' ')}`);
    if (JSON.stringify(mine.named) !== JSON.stringify(theirs.named)) found.push(`${key} changes its placeholders`);
  }
  return found;
}

test('every required language has a locale, and every locale folder is one Chrome accepts', () => {
  for (const locale of REQUIRED) assert.ok(locales.includes(locale), `missing locale ${locale}`);
  for (const locale of locales) assert.ok(CHROME_LOCALES.has(locale), `${locale} is not a Chrome locale`);
});

for (const locale of locales.filter((l) => l !== 'en')) {
  test(`${locale}: valid JSON, the same keys and placeholders as English, in English's order`, () => {
    const messages = read(locale);
    assert.deepEqual(problems(messages), []);
    const order = (keys) => keys.filter((k) => k in en);
    assert.deepEqual(order(Object.keys(messages)), Object.keys(en));
  });
}

test('plural forms: each locale has a message for every category its language uses', () => {
  const samples = [0, 1, 2, 3, 5, 11, 22, 100, 101, 1000];
  const bases = Object.keys(en).filter((k) => k.endsWith('_other')).map((k) => k.slice(0, -'_other'.length));
  for (const locale of locales) {
    const messages = read(locale);
    const rules = new Intl.PluralRules(locale.replace('_', '-'));
    for (const n of samples) {
      const category = rules.select(n);
      for (const base of bases) {
        const form = `${base}_${category}`;
        // Polish "few"/"many", Arabic "zero"/"two"/"few"/"many" must be written out, not left to `other`.
        assert.ok(form in messages, `${locale} lacks ${form} (for ${n})`);
      }
    }
  }
});

test('the checks catch a lost key, an extra key and a broken placeholder', () => {
  const broken = structuredClone(en);
  delete broken.copy;
  broken.copiedWhat = { message: 'Copied: $2' };
  broken.productOn = { message: 'Product $1' };
  broken.somethingNew = { message: 'new' };
  broken.copyAllLinks_few = { message: '$1 links' };
  broken.copyFor = { message: 'Copy for $who$', placeholders: { who: { content: '$1' } } };
  assert.deepEqual(problems(broken), [
    'lacks copy',
    'copiedWhat uses $2, which English doesn\'t',
    'copiedWhat lacks $1',
    'copyFor uses $who$, which English doesn\'t',
    'copyFor lacks $1',
    'copyFor changes its placeholders',
    'productOn lacks $2',
    'has somethingNew, which English doesn\'t',
  ]);
  assert.throws(() => JSON.parse('{"copy": {"message": "Copy"},}'));
});
