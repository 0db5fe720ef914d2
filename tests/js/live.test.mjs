// The CLI's live checks (`--live`, issue 9) against the loopback Amazon emulator: the built
// binary (target/release/linkscope) resolves the real Amazon host names to the emulator through
// the system resolver (its own /etc/hosts in a private mount namespace) and trusts the test CA
// through SSL_CERT_FILE. No network.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PRODUCTS, SHORT_LINKS, startAmazon } from '../emulator/amazon.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(root, 'target/release/linkscope');
const PROFILE = path.join(root, 'tests/fixtures/profile.json');
/** Query parameters and path segments that would make a request an affiliate click. */
const FORBIDDEN = ['tag', 'linkCode', 'linkId', 'ref', 'ascsubtag'];

let amazon;
let dir;
before(async () => {
  amazon = await startAmazon({ slowMs: 4000 });
  dir = mkdtempSync(path.join(tmpdir(), 'linkscope-live-'));
});
after(async () => {
  await amazon.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A page linking to `hrefs`, written to the test folder; returns its path. */
function page(name, hrefs) {
  const file = path.join(dir, name);
  writeFileSync(file, hrefs.map((h) => `<p><a href="${h.replace(/&/g, '&amp;')}">link</a></p>`).join('\n'));
  return file;
}

/** A small site on 127.0.0.1 (plain http) serving `pages` by path, logging the paths asked. */
async function startSite(pages) {
  const asked = [];
  const server = http.createServer((req, res) => {
    asked.push(req.url);
    const body = pages[req.url];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body ?? 'not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    asked,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** linkscope with `args`, Amazon's hosts pointing at the emulator, a cache of its own. */
function linkscope(args, { cache = path.join(dir, 'cache') } = {}) {
  return amazon.run(BIN, args, { env: { XDG_CACHE_HOME: cache, HOME: dir } });
}

/** Where each product row lives: its only marketplace, else amazon.com. */
const productUrl = (asin, row) => `https://www.${row.only?.[0] ?? 'amazon.com'}/dp/${asin}?tag=mysite-20&linkCode=ll1&ref=sr_1_1`;

function assertNoAffiliateRequest() {
  for (const entry of amazon.log) {
    const url = new URL(entry.path, `https://${entry.host}`);
    for (const name of FORBIDDEN) {
      assert.ok(!url.searchParams.has(name), `${entry.host}${entry.path} carries ${name}`);
      assert.ok(!url.pathname.includes(`/${name}=`), `${entry.host}${entry.path} carries ${name}`);
    }
    assert.equal(entry.method, 'GET');
    assert.equal(entry.headers.cookie, undefined);
    assert.match(entry.headers['user-agent'], /^Linkscope\/\d+\.\d+\.\d+ /);
  }
}

test('audit --live: every product state and short link, with no request carrying a tag', async () => {
  amazon.reset();
  const products = Object.entries(PRODUCTS);
  const shorts = [...Object.entries(SHORT_LINKS), ['/nothing-here', { expect: null, missing: true }]];
  const file = page('states.html', [
    ...products.map(([asin, row]) => productUrl(asin, row)),
    ...shorts.map(([p], i) => `https://${['amzn.to', 'a.co', 'amzn.eu', 'amzn.asia'][i % 4]}${p}`),
  ]);
  const run = await linkscope(['audit', file, '--profile', PROFILE, '--format', 'json', '--live',
    '--interval', '0.05', '--timeout', '1', '--retries', '1', '--no-cache']);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  const findings = report.findings;
  assert.equal(findings.length, products.length + shorts.length);
  products.forEach(([asin, row], i) => {
    assert.equal(findings[i].health, row.state, `${asin}: ${findings[i].healthDetail}`);
    assert.ok(findings[i].healthDetail, asin);
  });
  const byAsin = Object.fromEntries(products.map(([asin], i) => [asin, findings[i]]));
  assert.equal(byAsin.B0AVAILABL.title, 'Linkscope Test Lamp');
  assert.equal(byAsin.B0USDEONLY.title, 'Lamp & Shade, "Deluxe"');
  assert.equal(byAsin.B0057OC5O8.title, 'SainSmart 4-Channel Relay Module');
  assert.equal(byAsin.B0MERGED01.target, 'https://www.amazon.com/dp/B0AVAILABL');
  assert.equal(byAsin.B0TOSEARCH.target, 'https://www.amazon.com/s?k=test+lamp');
  assert.match(byAsin.B0SLOW0001.healthDetail, /timed out/);
  assert.match(byAsin.B0LOOP0001.healthDetail, /redirect/);
  for (const asin of ['B0SLOW0001', 'B0RESET001', 'B0LOOP0001', 'B0HUGE0001']) {
    assert.equal(byAsin[asin].health, 'error', `${asin} is unknown, never broken`);
  }
  shorts.forEach(([p, link], i) => {
    const f = findings[products.length + i];
    if (link.expect) {
      assert.equal(f.verdict, link.expect, p);
      assert.equal(f.target, link.target ?? link.location, p);
    } else {
      assert.equal(f.verdict, 'short', p);
    }
  });
  const short = (p) => findings[products.length + shorts.findIndex(([q]) => q === p)];
  assert.equal(short('/tagged').health, 'available');
  assert.equal(short('/d/untagged').health, 'unavailable');
  assert.equal(short('/d/gone').health, 'notFound');
  assert.equal(short('/offsite').health, 'redirected');
  assert.equal(short('/nothing-here').health, 'notFound');
  assert.equal(short('/d/shortloop').health, 'error');
  assert.equal(report.summary.health.blocked, 2);
  assert.match(run.stderr, /blocked: Amazon would not answer 2 of the checks[\s\S]*extension/);

  assertNoAffiliateRequest();
  // Short links: only their own hosts were asked, never the tagged target page.
  assert.ok(!amazon.log.some((e) => e.host === 'www.amazon.com' && e.path.startsWith('/dp/B0AVAILABL?')));
  assert.ok(!amazon.log.some((e) => e.host === 'example.com'));
  // Each product checked once (plus the retries of the rate-limited, reset and slow ones).
  const asked = (asin) => amazon.log.filter((e) => e.path.startsWith(`/dp/${asin}`)).length;
  assert.equal(asked('B0AVAILABL'), 2, 'once for itself, once as the merged listing\'s redirect');
  assert.equal(asked('B0RATELIM1'), 2);
  assert.equal(asked('B0RESET001'), 2);
  for (const host of new Set(amazon.log.map((e) => e.host))) assert.ok(amazon.peak(host) <= 2, host);
  // The 10 MB body was not read whole.
  const huge = amazon.log.find((e) => e.path === '/dp/B0HUGE0001');
  assert.ok(huge.sent < 10 << 20, `sent ${huge.sent}`);
  // Accept-Language follows the marketplace.
  const es = amazon.log.find((e) => e.host === 'www.amazon.es');
  assert.match(es.headers['accept-language'], /^es-ES,es;/);
});

test('nothing is requested without --live, and the live options alone are refused', async () => {
  amazon.reset();
  const file = page('quiet.html', ['https://www.amazon.com/dp/B0AVAILABL', 'https://amzn.to/tagged']);
  const run = await linkscope(['audit', file, '--profile', PROFILE, '--format', 'json']);
  assert.equal(run.code, 0, run.stderr);
  const findings = JSON.parse(run.stdout).findings;
  assert.equal(findings[1].verdict, 'short');
  assert.equal(findings[0].health, undefined);
  assert.equal((await linkscope(['links', 'B0AVAILABL', '--profile', PROFILE])).code, 0);
  const refused = await linkscope(['audit', file, '--profile', PROFILE, '--no-cache']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /need --live/);
  const health = await linkscope(['audit', file, '--profile', PROFILE, '--fail-on', 'notFound']);
  assert.equal(health.code, 2);
  assert.equal(amazon.log.length, 0);
});

test('a second run is served from the cache; --no-cache asks again', async () => {
  const cache = path.join(dir, 'cache-run');
  const file = page('cached.html', ['https://www.amazon.de/dp/B0AVAILABL', 'https://www.amazon.com/dp/B0NOTFOUND',
    'https://amzn.to/tagged', 'https://a.co/d/gone']);
  const args = ['audit', file, '--profile', PROFILE, '--format', 'csv', '--live', '--interval', '0'];
  amazon.reset();
  const first = await linkscope(args, { cache });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(amazon.log.length, 6, 'four checks and two expansions');
  assert.match(first.stdout, /^file,line,column,start,end,href,verdict,marketplace,asin,tag,coverage,post,health,target,title\n/);
  amazon.reset();
  const second = await linkscope(args, { cache });
  assert.equal(amazon.log.length, 0);
  assert.equal(second.stdout, first.stdout);
  assert.match(second.stderr, /6 answers from the cache\), 0 requests/);
  await linkscope([...args, '--no-cache'], { cache });
  assert.equal(amazon.log.length, 6);
});

test('per-host concurrency and interval are kept; a 429 holds the host back for Retry-After', async () => {
  const many = Array.from({ length: 10 }, (_, i) => `https://www.amazon.it/dp/B0MISSING${i}`);
  amazon.reset();
  let run = await linkscope(['audit', page('many.html', many), '--profile', PROFILE, '--live', '--no-cache',
    '--interval', '0', '--concurrency', '3']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(amazon.log.length, 10);
  assert.ok(amazon.peak('www.amazon.it') <= 3 && amazon.peak('www.amazon.it') >= 2, `peak ${amazon.peak('www.amazon.it')}`);

  amazon.reset();
  run = await linkscope(['audit', page('spaced.html', many.slice(0, 4)), '--profile', PROFILE, '--live', '--no-cache',
    '--interval', '0.3']);
  // Measured where the requests arrive: a connection may take longer to open than the next one
  // under load, so one gap may look shorter; none near zero, and three gaps of 0.3 s at least 0.85 s.
  const starts = amazon.log.map((e) => e.time);
  assert.equal(starts.length, 4);
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i] - starts[i - 1] >= 200, `gap ${starts[i] - starts[i - 1]} ms`);
  assert.ok(starts[3] - starts[0] >= 850, `${starts[3] - starts[0]} ms for three gaps`);

  amazon.reset();
  run = await linkscope(['audit', page('limited.html', ['https://www.amazon.fr/dp/B0RATELIM1', 'https://www.amazon.fr/dp/B0NOTFOUND']),
    '--profile', PROFILE, '--format', 'json', '--live', '--no-cache', '--interval', '0', '--concurrency', '1']);
  assert.deepEqual(JSON.parse(run.stdout).findings.map((f) => f.health), ['available', 'notFound']);
  const limited = amazon.log.filter((e) => e.path === '/dp/B0RATELIM1');
  assert.deepEqual(limited.map((e) => e.status), [429, 200]);
  assert.ok(limited[1].time - limited[0].end >= 1000, 'waited for Retry-After: 1');
  const after429 = amazon.log.filter((e) => e.time > limited[0].end);
  assert.ok(after429.every((e) => e.time - limited[0].end >= 950), 'the whole host waited');
});

test('--fail-on takes health states', async () => {
  const file = page('fail.html', ['https://www.amazon.com/dp/B0AVAILABL', 'https://www.amazon.com/dp/B0UNAVAIL1']);
  const base = ['audit', file, '--profile', PROFILE, '--live', '--interval', '0'];
  const failing = await linkscope([...base, '--fail-on', 'notFound,unavailable']);
  assert.equal(failing.code, 1, failing.stderr);
  assert.match(failing.stdout, /HEALTH/);
  assert.match(failing.stdout, /health: 1 available, 1 unavailable, 0 otherSellersOnly/);
  assert.equal((await linkscope([...base, '--fail-on', 'notFound'])).code, 0);
});

test('links --live: availability per covered marketplace, a tagged search where the product is missing', async () => {
  amazon.reset();
  const run = await linkscope(['links', 'B0USDEONLY', '--profile', PROFILE, '--live', '--format', 'json',
    '--interval', '0', '--no-cache']);
  assert.equal(run.code, 0, run.stderr);
  const rows = Object.fromEntries(JSON.parse(run.stdout).map((r) => [r.marketplace, r]));
  assert.deepEqual(Object.keys(rows).sort(), ['amazon.ca', 'amazon.co.jp', 'amazon.co.uk', 'amazon.com', 'amazon.de', 'amazon.fr']);
  assert.equal(rows['amazon.com'].health, 'available');
  assert.equal(rows['amazon.com'].url, 'https://www.amazon.com/dp/B0USDEONLY?tag=mysite-20');
  assert.equal(rows['amazon.de'].search, false);
  assert.equal(rows['amazon.co.uk'].health, 'notFound');
  assert.equal(rows['amazon.co.uk'].search, true);
  const search = new URL(rows['amazon.co.uk'].url);
  assert.equal(search.origin + search.pathname, 'https://www.amazon.co.uk/s');
  assert.equal(search.searchParams.get('k'), 'Lamp & Shade, "Deluxe"');
  assert.equal(search.searchParams.get('tag'), 'mysite05-21');
  assertNoAffiliateRequest();
  const table = await linkscope(['links', 'B0USDEONLY', '--profile', PROFILE, '--live', '--interval', '0']);
  assert.match(table.stdout, /amazon\.co\.uk\s+direct\s+notFound\s+search: https:\/\/www\.amazon\.co\.uk\/s\?k=/);
});

/** Peak resident memory (KB) of linkscope checking `href`, measured by GNU time. */
async function peakKb(href) {
  const file = page(`peak-${href.slice(-10)}.html`, [href]);
  const run = await amazon.run('/usr/bin/time', ['-f', 'peak=%M', BIN, 'audit', file, '--profile', PROFILE,
    '--live', '--no-cache', '--retries', '0'], { env: { HOME: dir } });
  assert.equal(run.code, 0, run.stderr);
  return Number(run.stderr.match(/peak=(\d+)/)[1]);
}

test('memory stays bounded on a 10 MB body: it is read up to the cap, never whole', async () => {
  amazon.reset();
  const small = await peakKb('https://www.amazon.com/dp/B0AVAILABL');
  const huge = await peakKb('https://www.amazon.com/dp/B0HUGE0001');
  assert.ok(huge - small < 6 * 1024, `peak ${huge} KB on the 10 MB body, ${small} KB on a small page`);
  const sent = amazon.log.find((e) => e.path === '/dp/B0HUGE0001').sent;
  assert.ok(sent < 10 << 20, `the emulator wrote ${sent} bytes`);
});

test('fix --expand: short links become your tagged link for their target; the rest are left with the reason', async () => {
  amazon.reset();
  const file = page('fix.md', []);
  writeFileSync(file, '- [lamp](https://a.co/d/untagged)\n- [theirs](https://amzn.to/tagged)\n- [gone](https://amzn.to/missing)\n- [away](https://amzn.asia/offsite)\n');
  const run = await linkscope(['fix', file, '--profile', PROFILE, '--expand', '--write', '--interval', '0']);
  assert.equal(run.code, 1, run.stderr);
  assert.equal(readFileSync(file, 'utf8'), '- [lamp](https://www.amazon.de/dp/B0UNAVAIL1?tag=mysite0b-21&th=1)\n'
    + '- [theirs](https://amzn.to/tagged)\n- [gone](https://amzn.to/missing)\n- [away](https://amzn.asia/offsite)\n');
  assert.match(run.stderr, /someone else's tag/);
  assert.match(run.stderr, /could not be expanded \(notFound/);
  assert.match(run.stderr, /leaves Amazon \(https:\/\/example\.com\/review\)/);
  assert.deepEqual(amazon.log.map((e) => e.host).sort(), ['a.co', 'amzn.asia', 'amzn.to', 'amzn.to']);
  assertNoAffiliateRequest();
  amazon.reset();
  const plain = await linkscope(['fix', file, '--profile', PROFILE]);
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /--expand follows it/);
  assert.equal(amazon.log.length, 0, 'no request without --expand');
});

test('audit --live of a crawled site: its links get their health; the crawl asks only the site, the checks only Amazon', async () => {
  const a = (href) => `<a href="${href.replace(/&/g, '&amp;')}">link</a>`;
  const site = await startSite({
    '/': `<title>Home</title>\n${a('/posts/lamp.html')} ${a('https://www.amazon.com/dp/B0AVAILABL?tag=mysite-20')}\n`,
    '/posts/lamp.html': [a('https://www.amazon.com/dp/B0AVAILABL'), a('https://www.amazon.com/dp/B0NOTFOUND?tag=mysite-20'),
      a('https://a.co/d/untagged'), a('/')].join('\n'),
  });
  amazon.reset();
  try {
    const run = await linkscope(['audit', `${site.origin}/`, '--profile', PROFILE, '--format', 'json', '--live',
      '--interval', '0', '--no-cache', '--fail-on', 'notFound']);
    assert.equal(run.code, 1, run.stderr);
    const findings = JSON.parse(run.stdout).findings.map((f) => [f.file.slice(site.origin.length), f.href, f.verdict, f.health]);
    assert.deepEqual(findings, [
      ['/', 'https://www.amazon.com/dp/B0AVAILABL?tag=mysite-20', 'mine', 'available'],
      ['/posts/lamp.html', 'https://www.amazon.com/dp/B0AVAILABL', 'untagged', 'available'],
      ['/posts/lamp.html', 'https://www.amazon.com/dp/B0NOTFOUND?tag=mysite-20', 'mine', 'notFound'],
      ['/posts/lamp.html', 'https://a.co/d/untagged', 'untagged', 'unavailable'],
    ]);
    assert.match(run.stderr, /read 2 pages/);
    assert.match(run.stderr, /live: 3 products checked, 1 short links expanded/);
    // The crawl asked the site alone, each page once.
    assert.deepEqual([...site.asked].sort(), ['/', '/posts/lamp.html', '/robots.txt', '/sitemap.xml', '/sitemap.xml.gz']);
    // The checks asked Amazon alone: each product once, at its bare URL, and the short link's host.
    assert.deepEqual(amazon.log.map((e) => `${e.host}${e.path}`).sort(), ['a.co/d/untagged', 'www.amazon.com/dp/B0AVAILABL',
      'www.amazon.com/dp/B0NOTFOUND', 'www.amazon.de/dp/B0UNAVAIL1']);
    assertNoAffiliateRequest();
  } finally {
    await site.close();
  }
});
