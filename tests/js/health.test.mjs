// The live-health bindings (src/wasm.rs, extension/core.js) in Node: the plan, a short link's
// expansion step by step, the scanner fed in chunks and judged, failures, retries and freshness.
// The judgements themselves are the core's, tested in Rust (tests/health*.rs); here, that they
// cross the boundary intact.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadCore } from './core.mjs';

let core;
before(async () => {
  core = await loadCore();
});

const page = (name) => readFile(new URL(`../fixtures/health/${name}`, import.meta.url));

test('healthPlan dedups checks and expansions and adds the targets of expansions', () => {
  const links = [
    'https://www.amazon.de/dp/B08N5WRWNW?tag=me-21',
    'https://amazon.de/Echo/dp/b08n5wrwnw/ref=sr_1_1',
    'https://amzn.to/3AbCd?tag=me-20',
    'https://amzn.to/3AbCd',
    'https://example.com/',
  ];
  const plan = core.healthPlan(links, 'https://blog.example/');
  assert.deepEqual(plan.checks.map((c) => c.url), ['https://www.amazon.de/dp/B08N5WRWNW']);
  assert.deepEqual(plan.expansions.map((e) => e.url), ['https://amzn.to/3AbCd']);
  assert.match(plan.checks[0].key, /^linkscope\/health\/\d+\/check\/amazon\.de\/B08N5WRWNW$/);
  assert.deepEqual(plan.links.map((l) => [l.expansion, l.check]), [[null, 0], [null, 0], [0, null], [0, null], [null, null]]);
  const expanded = core.healthPlan(links, 'https://blog.example/', ['https://www.amazon.com/dp/B000000001?tag=me-20&linkCode=ll1']);
  assert.equal(expanded.checks[1].url, 'https://www.amazon.com/dp/B000000001');
  assert.deepEqual(expanded.links[2], { expansion: 0, check: 1 });
});

test('healthAvailability plans one check per marketplace, all 22 by default', () => {
  assert.equal(core.healthAvailability('B08N5WRWNW').checks.length, 22);
  const two = core.healthAvailability('https://www.amazon.de/dp/B08N5WRWNW?tag=x-21', ['amazon.fr', 'amazon.co.jp']);
  assert.deepEqual(two.checks.map((c) => c.url), ['https://www.amazon.fr/dp/B08N5WRWNW', 'https://www.amazon.co.jp/dp/B08N5WRWNW']);
  assert.throws(() => core.healthAvailability('not a product'), Error);
  assert.throws(() => core.healthAvailability('B08N5WRWNW', ['amazon.example']), /unknown marketplace/);
});

test('healthExpandStep follows short-link hops to the first Amazon URL, never further', () => {
  const url = 'https://amzn.to/3AbCd';
  assert.deepEqual(core.healthExpandStep(url, []), { next: url });
  assert.deepEqual(core.healthExpandStep(url, [{ status: 301, location: 'https://amzn.eu/d/x' }]), { next: 'https://amzn.eu/d/x' });
  const done = core.healthExpandStep(url, [{ status: 301, location: 'https://amzn.eu/d/x' },
    { status: 302, location: 'https://www.amazon.de/dp/B08N5WRWNW?tag=me-21' }]);
  assert.deepEqual(done.expansion.outcome, { kind: 'target', url: 'https://www.amazon.de/dp/B08N5WRWNW?tag=me-21' });
  assert.equal(done.expansion.hops, 2);
  assert.deepEqual(done.ttl, { kind: 'forever' });
  assert.equal(core.healthExpandStep(url, [{ status: 404 }]).expansion.outcome.kind, 'notFound');
  const failed = core.healthExpandStep(url, [], 'connection reset');
  assert.deepEqual(failed.expansion.outcome, { kind: 'error', message: 'connection reset' });
  assert.deepEqual(failed.ttl, { kind: 'doNotCache' });
  assert.throws(() => core.healthExpandStep(url, [{ status: 'x' }]), /not a status/);
});

test('healthScanner reads a page in chunks, says when it has enough, and judges it', async () => {
  const body = new TextEncoder().encode(`<html><script>ue_mid = 'ATVPDKIKX0DER'</script>
    <link rel="canonical" href="https://www.amazon.com/Hat/dp/B0057OC5O8"><input type="hidden" id="ASIN" value="B0057OC5O8">
    <span id="productTitle"> Wool &amp; Felt Hat </span>${'<div>filler</div>'.repeat(2000)}${(await page('buybox-add-to-cart.html'))}
    ${'<p>the rest of a long page</p>'.repeat(50000)}`);
  const requested = 'https://www.amazon.com/dp/B0057OC5O8';
  const scanner = core.healthScanner(2 << 20);
  let enough = false;
  for (let i = 0; i < body.length && !enough; i += 1000) enough = scanner.feed(body.subarray(i, i + 1000));
  assert.ok(enough, 'the buy box ends the read');
  const { check, retryable, broken, ttl } = scanner.judge({ requested, finalUrl: requested, status: 200, contentType: 'text/html' });
  assert.equal(check.health.kind, 'available');
  assert.equal(check.title, 'Wool & Felt Hat');
  assert.equal(retryable, false);
  assert.equal(broken, false);
  assert.equal(ttl.kind, 'for');
  assert.throws(() => scanner.judge({ requested, status: 200 }), Error);
  const missing = core.healthScanner(1 << 20);
  missing.feed(await page('missing-de.html'));
  const gone = missing.judge({ requested: 'https://www.amazon.de/dp/B000000000', status: 404 });
  assert.equal(gone.check.health.kind, 'notFound');
  assert.equal(gone.broken, true);
});

test('scanners read side by side keep apart, and one freed or judged touches no other', async () => {
  const hat = new TextEncoder().encode(await page('buybox-add-to-cart.html'));
  const missing = new TextEncoder().encode(await page('missing-de.html'));
  const a = core.healthScanner(1 << 20);
  const b = core.healthScanner(1 << 20);
  const freed = core.healthScanner(1 << 20);
  freed.feed(missing);
  freed.free();
  // Its number goes to the next scanner: the freed one must not reach it.
  const c = core.healthScanner(1 << 20);
  assert.equal(freed.feed(missing), true, 'a freed scanner wants no more');
  assert.throws(() => freed.judge({ requested: 'https://www.amazon.de/dp/B000000000', status: 404 }), /already judged/);
  for (let i = 0; i < Math.max(hat.length, missing.length); i += 500) {
    a.feed(hat.subarray(i, i + 500));
    b.feed(missing.subarray(i, i + 500));
    c.feed(hat.subarray(i, i + 500));
  }
  const requested = 'https://www.amazon.com/dp/B0057OC5O8';
  const judgedA = a.judge({ requested, finalUrl: requested, status: 200, contentType: 'text/html' });
  const judgedB = b.judge({ requested: 'https://www.amazon.de/dp/B000000000', status: 404 });
  const judgedC = c.judge({ requested, finalUrl: requested, status: 200, contentType: 'text/html' });
  assert.equal(judgedB.check.health.kind, 'notFound');
  assert.notEqual(judgedA.check.health.kind, 'notFound');
  assert.deepEqual(judgedC, judgedA);
});

test('failures, retries and freshness', () => {
  const timeout = core.healthJudgeFailure('https://www.amazon.de/dp/B08N5WRWNW', 'timeout', 15000, '');
  assert.deepEqual(timeout.check.health, { kind: 'error', reason: 'timeout', message: 'timed out after 15 s' });
  assert.equal(timeout.retryable, true);
  assert.deepEqual(timeout.ttl, { kind: 'doNotCache' });
  assert.equal(core.healthRetryDelay(0, '30', 0), 30000);
  assert.equal(core.healthRetryDelay(0, '3600', 0), undefined);
  assert.equal(core.healthRetryDelay(99, null, 0), undefined);
  assert.equal(core.healthIsFresh({ kind: 'for', ms: 1000 }, 5000, 5999), true);
  assert.equal(core.healthIsFresh({ kind: 'for', ms: 1000 }, 5000, 6000), false);
  assert.equal(core.healthIsFresh({ kind: 'forever' }, 0, 1e13), true);
  assert.equal(core.healthIsFresh({ kind: 'doNotCache' }, 0, 0), false);
  assert.equal(core.healthPolicy().perHostConcurrency, 2);
});
