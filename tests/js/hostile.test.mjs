// Hostile input through the wasm bindings (issue 8): a core that faults is replaced, never left
// broken; profiles are bounded in size and depth and read in linear time; hosts that a WHATWG
// URL parser (Node's, like Chromium's) maps to Amazon are Amazon, and no others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore, fixtureProfile } from './core.mjs';
import { overflowRounds } from './overflow.mjs';

const core = await loadCore();
const profile = await fixtureProfile();
const PRODUCT = 'https://www.amazon.com/dp/B08N5WRWNW?tag=mysite-20';

/** The core still answers every kind of call. */
function assertWorks() {
  assert.equal(core.classifyBatch([PRODUCT])[0].kind, 'product');
  assert.equal(core.auditBatch(profile, [PRODUCT]).summary.mine, 1);
  assert.equal(core.validateProfile(profile).ok, true);
}

test('a core that runs out of stack mid-call is replaced, never left broken', async () => {
  // Without recovery, the core's leaked stack ran into its heap within about 50 such rounds and
  // every later call trapped ("unreachable", "memory access out of bounds") until a reload.
  const coreUrl = new URL('../../dist/core.js', import.meta.url).href;
  const outcome = await overflowRounds({ coreUrl, profile, rounds: 100 });
  assert.equal(outcome.broken, null);
  assert.ok(outcome.overflows > 100, `only ${outcome.overflows} overflows: the test no longer reaches the core`);
  assert.ok(outcome.restarts > 0);
  assertWorks();
});

test('a profile nested 5,000 deep is rejected with a clear error, twice, as text or object', () => {
  const deep = `{"version":1,"home":"amazon.com","x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
  for (const input of [deep, deep, JSON.parse(deep), JSON.parse(deep)]) {
    const checked = core.validateProfile(input);
    assert.equal(checked.ok, false);
    assert.match(checked.errors[0].message, /nested more than 100 levels deep/);
    assertWorks();
  }
  assert.throws(() => core.coverage(JSON.parse(deep)), /nested more than 100 levels deep/);
  assertWorks();
});

test('profile text: byte order mark read, repeated keys and oversized files rejected', () => {
  const text = JSON.stringify(profile);
  assert.equal(core.validateProfile(`\uFEFF${text}`).ok, true);
  const repeated = core.validateProfile('{"version":1,"home":"amazon.com","trackingIds":{"amazon.de":"a-21","amazon.de":"b-21"}}');
  assert.deepEqual(repeated.errors, [{ field: 'trackingIds.amazon.de', message: 'amazon.de is listed twice' }]);
  const big = core.validateProfile(`{"version":1,"home":"amazon.com","x":"${' '.repeat(1_000_000)}"}`);
  assert.match(big.errors[0].message, /a profile is at most 1 MB/);
  // An object is bounded like the text it would be.
  const bigObject = core.validateProfile({ version: 1, home: 'amazon.com', x: 'y'.repeat(1_000_001) });
  assert.match(bigObject.errors[0].message, /a profile is at most 1 MB/);
});

test('100,000 keys are read in linear time (figure printed, not timed)', () => {
  const keys = {};
  for (let i = 0; i < 100_000; i++) keys[i.toString(36)] = 0;
  const text = JSON.stringify({ version: 1, home: 'amazon.com', trackingIds: keys });
  for (const [name, input] of [['text', text], ['object', JSON.parse(text)]]) {
    const start = performance.now();
    const checked = core.validateProfile(input);
    console.log(`# validateProfile, 100,000 keys as ${name}: ${(performance.now() - start).toFixed(0)} ms`);
    assert.equal(checked.errors.length, 101);
    assert.equal(checked.errors[100].message, 'and 99900 more problems');
  }
});

// ---- Hosts browsers map to Amazon ----------------------------------------------------------

const { marketplaces, shortHosts } = core.marketplaces();
const AMAZON_HOSTS = new Set([
  ...marketplaces.flatMap((m) => [m.domain, ...m.altDomains].flatMap((d) => [d, `www.${d}`, `smile.${d}`])),
  ...shortHosts.map((s) => s.host),
]);

/** Where a browser goes for `url`: its host, or null when the URL is invalid. */
function browserHost(url) {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

test('hosts with fullwidth letters and ideographic dots are Amazon exactly as Node resolves them', () => {
  const cases = [
    'https://ａｍａｚｏｎ。com/dp/B08N5WRWNW', 'https://ＡＭＡＺＯＮ．ＤＥ/dp/B08N5WRWNW',
    'https://www｡amazon｡co｡uk/dp/B08N5WRWNW', 'https://%EF%BD%81mazon.com/dp/B08N5WRWNW',
    'https:ａｍａｚｏｎ.com/dp/B08N5WRWNW', 'https://ａｍｚｎ。ｔｏ/x',
    'https://ａｍａｚｏｎ.com.evil.io/dp/B08N5WRWNW', 'https://ａｍａｚｏｎ％2ecom/dp/B08N5WRWNW',
    'https://ａ＠amazon.com/dp/B08N5WRWNW', 'https://amazon\u3002com@evil.io/dp/B08N5WRWNW',
  ];
  const links = core.classifyBatch(cases);
  cases.forEach((url, i) => {
    assert.equal(links[i].amazon, AMAZON_HOSTS.has(browserHost(url)), url);
  });
});

test('random Unicode hosts: the core calls Amazon only what Node resolves to Amazon', () => {
  // A small seeded generator of hosts shaped like Amazon's, in ASCII and Unicode forms, with
  // separators browsers accept as dots and characters that must not be mapped.
  let seed = 0x5eed;
  const pick = (list) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return list[(seed >> 8) % list.length];
  };
  const dots = ['.', '.', '。', '．', '｡', '%2e', '％2e', '-', '', '／', '＠', '@'];
  const names = ['amazon', 'ａｍａｚｏｎ', 'ＡＭＡＺＯＮ', 'amzn', 'ａｍｚｎ', 'am\u00ADazon', '𝐚mazon', 'ⓐmazon',
    'a%EF%BD%8Dazon', 'amaz0n', 'a'];
  const tlds = ['com', 'ｃｏｍ', 'de', 'ｄｅ', 'co', 'to', 'uk', 'jp', 'evil', 'com:443', 'com:80'];
  const urls = [];
  for (let i = 0; i < 20_000; i++) {
    const parts = [pick(['', '', 'www', 'ｗｗｗ', 'evil', 'x@']), pick(names), pick(tlds), pick(['', '', 'uk', 'ｊｐ', 'evil', 'io'])];
    let host = '';
    for (const part of parts) if (part) host += (host ? pick(dots) : '') + part;
    urls.push(`https://${host}/dp/B08N5WRWNW`);
  }
  const links = core.classifyBatch(urls);
  let amazon = 0;
  urls.forEach((url, i) => {
    if (!links[i].amazon) return;
    amazon += 1;
    assert.ok(AMAZON_HOSTS.has(browserHost(url)), `${url} is not Amazon for Node (${browserHost(url)})`);
  });
  assert.ok(amazon > 50, `only ${amazon} Amazon hosts generated`);
});

test('a profile object holding what JSON cannot is rejected in words', () => {
  const checked = core.validateProfile({ version: 1, home: 'amazon.com', f: () => 1 });
  assert.deepEqual(checked.errors, [{ field: '(profile)', message: 'holds something JSON cannot (a function, a symbol or a BigInt)' }]);
  assert.match(core.validateProfile(JSON.parse(`[${'['.repeat(200)}${']'.repeat(200)}]`)).errors[0].message, /^lists and objects nested/);
});
