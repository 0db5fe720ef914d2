// The wasm bindings exercised from JavaScript, on the same fixtures as the Rust tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore, fixtureRows, fixtureProfile } from './core.mjs';

const core = await loadCore();
const profile = await fixtureProfile();
const orNull = (s) => (s === '-' ? null : s);

test('classifyBatch matches every classification fixture in one call', async () => {
  const rows = await fixtureRows('classify.tsv');
  const links = core.classifyBatch(rows.map((r) => r[1]));
  assert.equal(links.length, rows.length);
  rows.forEach(([name, , kind, marketplace, asin, tag, clean, problem], i) => {
    const got = links[i];
    assert.deepEqual(
      [got.kind, got.marketplace, got.asin, got.tag, got.clean, got.problem],
      [kind, orNull(marketplace), orNull(asin), orNull(tag), orNull(clean), orNull(problem)],
      name,
    );
    assert.equal(got.amazon, kind !== 'notAmazon', name);
  });
});

test('classifyBatch resolves relative links against the page', () => {
  const [link] = core.classifyBatch(['/dp/B08N5WRWNW'], 'https://www.amazon.co.jp/gp/x');
  assert.equal(link.marketplace, 'amazon.co.jp');
  assert.equal(link.country, 'JP');
});

test('auditBatch gives verdicts, indexes and a summary', async () => {
  const rows = await fixtureRows('audit.tsv');
  const { findings, summary } = core.auditBatch(profile, rows.map((r) => r[1]));
  const expected = rows.map((r, index) => ({ index, verdict: r[2] })).filter((r) => r.verdict !== '-');
  assert.deepEqual(findings.map((f) => ({ index: f.index, verdict: f.verdict })), expected);
  assert.equal(summary.total, expected.length);
  assert.equal(summary.wrongMarketplace, 2);
  assert.equal(findings[0].coverage, 'direct');
});

test('generateLinks gives every marketplace with its formats', () => {
  const links = core.generateLinks(profile, 'https://www.amazon.com/dp/B08N5WRWNW?th=1&pd_rd_w=x');
  assert.equal(links.length, 22);
  assert.deepEqual(links.slice(0, 3).map((l) => l.url), [
    'https://www.amazon.com/dp/B08N5WRWNW?tag=mysite-20&th=1',
    'https://www.amazon.co.uk/dp/B08N5WRWNW?tag=mysite05-21&th=1',
    'https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21&th=1',
  ]);
  const fr = links.find((l) => l.marketplace === 'amazon.fr');
  assert.equal(fr.coverage, 'onelink');
  assert.equal(fr.redirected, true);
  assert.equal(fr.markdown, '[Amazon.fr](https://www.amazon.com/dp/B08N5WRWNW?tag=mysite-20&th=1)');
  assert.match(fr.html, /^<a href="https:\/\/www\.amazon\.com\/dp\/B08N5WRWNW\?tag=mysite-20&amp;th=1" rel="sponsored nofollow">Amazon\.fr<\/a>$/);
});

test('affiliateLink copies, or throws an Error a person understands', () => {
  assert.equal(core.affiliateLink(profile, 'B08N5WRWNW', 'DE').url, 'https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21');
  assert.throws(() => core.affiliateLink(profile, 'https://www.amazon.in/dp/B08N5WRWNW'), /no tracking ID for amazon\.in/);
  assert.throws(() => core.affiliateLink(profile, 'https://amzn.to/x'), /short links hide their product/);
  assert.throws(() => core.affiliateLink(profile, 'B08N5WRWNW', 'narnia'), /unknown marketplace narnia/);
});

test('coverage and the marketplace table', () => {
  const rows = core.coverage(profile);
  assert.equal(rows.length, 22);
  assert.deepEqual(rows.filter((r) => r.coverage === 'direct').map((r) => r.marketplace), ['amazon.co.uk', 'amazon.com', 'amazon.de']);
  const { marketplaces, shortHosts } = core.marketplaces();
  assert.equal(marketplaces.length, 22);
  assert.deepEqual(Object.keys(marketplaces[0]).sort(), ['altDomains', 'country', 'currency', 'domain', 'name', 'onelinkFromUs', 'region', 'tagSuffix']);
  assert.ok(shortHosts.some((s) => s.host === 'amzn.to'));
});

test('validateProfile lists field errors and normalizes valid profiles', () => {
  const bad = core.validateProfile({ version: 1, home: 'amazon.zz', trackingIds: { DE: 'no spaces allowed' } });
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.errors.map((e) => e.field), ['home', 'trackingIds.DE']);
  const good = core.validateProfile({ version: 1, home: 'US', trackingIds: { uk: 'x-20' } });
  assert.equal(good.ok, true);
  assert.deepEqual(good.profile.trackingIds, { 'amazon.co.uk': 'x-20' });
  assert.equal(good.warnings[0].field, 'trackingIds.amazon.co.uk');
  assert.equal(core.validateProfile('not an object').ok, false);
  assert.equal(core.validateProfile(undefined).ok, false);
  assert.throws(() => core.coverage({ version: 9 }), /version 9 comes from a newer Linkscope/);
});

test('checkTrackingId validates as the user types', () => {
  assert.deepEqual(core.checkTrackingId('me-21', 'amazon.de'), { error: null, warning: null });
  const { warning } = core.checkTrackingId('me-20', 'amazon.de');
  assert.deepEqual({ ...warning, message: undefined }, { code: 'idSuffix', marketplace: 'amazon.de', expected: '-21', message: undefined });
  assert.match(warning.message, /usually end in -21/);
  assert.deepEqual(core.checkTrackingId('me 21', 'amazon.de').error,
    { code: 'idCharacters', message: "tracking ID may contain only letters, digits, '-' and '_'" });
});

test('every refusal the core gives has a code that each language translates, and English says what the core says', async () => {
  const { readFile } = await import('node:fs/promises');
  const en = JSON.parse(await readFile(new URL('../../extension/_locales/en/messages.json', import.meta.url), 'utf8'));
  const refused = (fn) => {
    try {
      fn();
    } catch (e) {
      return e;
    }
    return assert.fail('not refused');
  };
  const said = [
    refused(() => core.productOf('hello')),
    refused(() => core.generateLinks(profile, 'https://www.amazon.com/s?k=kettle')),
    refused(() => core.affiliateLink(profile, 'https://amzn.to/x')),
    refused(() => core.productOf('https://www.amazon.com/dp/')),
    refused(() => core.affiliateLink(profile, 'https://www.amazon.es/dp/B08N5WRWNW')),
    refused(() => core.affiliateLink(profile, 'https://www.amazon.in/dp/B08N5WRWNW')),
    refused(() => core.productOf('9780306406158')),
    refused(() => core.productOf('9791032305690')),
    core.checkTrackingId('x'.repeat(65), 'amazon.de').error,
    core.checkTrackingId('my site', 'amazon.de').error,
    core.checkTrackingId('mysite-20', 'amazon.de').warning,
  ];
  assert.deepEqual(said.map((s) => s.code), ['notAmazon', 'notAProduct', 'short', 'invalidAsin', 'notCovered', 'needsTrackingId',
    'invalidIsbn', 'noIsbn10', 'idTooLong', 'idCharacters', 'idSuffix']);
  for (const s of said) {
    const message = en[`core_${s.code}`]?.message;
    assert.ok(message, `no translation key core_${s.code}`);
    // The one difference: the extension's settings are its options; the CLI's, the profile.
    if (s.code !== 'idSuffix') assert.equal(message.replace('$1', s.marketplace).replace('in the options', 'to the profile'), s.message);
  }
  assert.deepEqual([said[4].marketplace, said[5].marketplace], ['amazon.es', 'amazon.in']);
  // A store page (not a product) earns only with the store's own ID: OneLink is no way there.
  assert.equal(refused(() => core.affiliateLink(profile, 'https://www.amazon.fr/s?k=kettle')).code, 'needsTrackingId');
  // Errors that are not refusals stay plain Errors with the core's message.
  const plain = refused(() => core.affiliateLink(profile, 'B08N5WRWNW', 'narnia'));
  assert.equal(plain.code, undefined);
  assert.match(plain.message, /unknown marketplace narnia/);
});

test('batches keep their order and odd inputs survive the packing', () => {
  const links = ['', 'https://www.amazon.com/dp/B08N5WRWNW?tag=a%09b%5Cc%0A', 'https://amzn.to/x\n', 'plain'];
  const got = core.classifyBatch(links);
  assert.equal(got.length, 4);
  assert.equal(got[0].kind, 'notAmazon');
  assert.equal(got[1].tag, 'a\tb\\c\n');
  assert.equal(got[1].problem, 'invalidTag');
  assert.equal(got[2].kind, 'short');
  assert.equal(got[3].amazon, false);
  assert.deepEqual(core.classifyBatch([]), []);
  const { findings } = core.auditBatch(profile, links);
  assert.deepEqual(findings.map((f) => f.index), [1, 2]);
});

test('classifyBatch keeps fields apart around non-ASCII text', () => {
  const links = [
    'https://www.amazon.de/dp/B08N5WRWNW?tag=caf%C3%A9-21&ascsubtag=%F0%9F%A6%80x',
    'https://www.amazon.fr/-/fr/s?k=th%C3%A9i%C3%A8re&tag=moi-21',
    'https://exemple.fr/théière',
    'https://www.amazon.de/dp/B08N5WRWNW?tag=me-21',
  ];
  const [first, second, third, fourth] = core.classifyBatch(links, 'https://blog.example.org/é/');
  assert.deepEqual([first.tag, first.subtag, first.problem, first.asin], ['café-21', '🦀x', 'invalidTag', 'B08N5WRWNW']);
  assert.equal(first.clean, 'https://www.amazon.de/dp/B08N5WRWNW?ascsubtag=%F0%9F%A6%80x');
  assert.deepEqual([second.kind, second.marketplace, second.country, second.tag], ['search', 'amazon.fr', 'FR', 'moi-21']);
  assert.equal(second.clean, 'https://www.amazon.fr/-/fr/s?k=th%C3%A9i%C3%A8re&tag=moi-21');
  assert.equal(third.amazon, false);
  assert.deepEqual([fourth.tag, fourth.clean, fourth.subtag], ['me-21', 'https://www.amazon.de/dp/B08N5WRWNW?tag=me-21', null]);
});
