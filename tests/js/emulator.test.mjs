// The Amazon emulator itself (tests/emulator/amazon.mjs): TLS verified against its CA for every
// host, and the raw answers of its scenarios. What the CLI concludes from them is in live.test.mjs.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { HOSTS, PRODUCTS, SHORT_LINKS, startAmazon } from '../emulator/amazon.mjs';

let amazon;
before(async () => { amazon = await startAmazon({ ip: '127.0.9.1', port: 0, slowMs: 300 }); });
after(() => amazon.close());

/** GET https://host/path from the emulator, verifying its certificate as `host`. */
function get(host, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: amazon.ip, port: amazon.port, servername: host, path, ca: amazon.ca,
      headers: { host, ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('serves every marketplace and short-link host with a certificate its CA signed', async () => {
  assert.ok(HOSTS.includes('www.amazon.co.jp') && HOSTS.includes('amzn.to') && HOSTS.includes('a.co'));
  for (const host of ['www.amazon.com', 'amazon.de', 'www.amazon.co.jp', 'amzn.eu', 'amzn.asia']) {
    const { status } = await get(host, '/dp/B0NOTFOUND');
    assert.ok(status === 404, `${host}: ${status}`);
  }
  await assert.rejects(() => new Promise((resolve, reject) => {
    request({ host: amazon.ip, port: amazon.port, servername: 'www.amazon.com', path: '/' }, resolve)
      .on('error', reject).end();
  }), /self-signed|unable to verify|certificate/);
});

test('products answer as their rows say, in the marketplace language', async () => {
  const de = await get('www.amazon.de', '/dp/B0UNAVAIL1');
  assert.match(de.body.toString(), /Derzeit nicht verfügbar/);
  assert.match(de.body.toString(), /ue_mid = 'A1PA6795UKMFR9'/);
  const jp = await get('www.amazon.co.jp', '/dp/B0ROBOT200');
  assert.equal(jp.status, 200);
  assert.match(jp.body.toString(), /validateCaptcha[\s\S]*/);
  assert.equal((await get('www.amazon.com', '/dp/B0ROBOT503')).status, 503);
  assert.equal((await get('www.amazon.com', '/dp/B0DOGS2000')).status, 200);
  assert.equal((await get('www.amazon.fr', '/dp/B0USDEONLY')).status, 404, 'only in US and DE');
  const saved = await get('www.amazon.com', '/dp/B0057OC5O8');
  assert.ok(saved.body.length > 3_000_000, 'the saved page, whole');
  const merged = await get('www.amazon.com', '/dp/B0MERGED01');
  assert.deepEqual([merged.status, merged.headers.location], [301, '/dp/B0AVAILABL']);
  const loop = await get('www.amazon.com', '/dp/B0LOOP0001');
  assert.equal((await get('www.amazon.com', loop.headers.location)).headers.location, '/dp/B0LOOP0001');
  assert.equal(Object.values(PRODUCTS).filter((r) => r.state === 'blocked').length, 2);
});

test('rate limit: 429 with Retry-After for the first request of a URL, then the page', async () => {
  const first = await get('www.amazon.it', '/dp/B0RATELIM1');
  assert.deepEqual([first.status, first.headers['retry-after']], [429, '1']);
  assert.equal((await get('www.amazon.it', '/dp/B0RATELIM1')).status, 200);
});

test('gzip when asked, reset, slow, huge', async () => {
  const gz = await get('www.amazon.com', '/dp/B0GZIP0001', { 'accept-encoding': 'gzip, br' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.match(gunzipSync(gz.body).toString(), /Gzipped Product/);
  assert.equal((await get('www.amazon.com', '/dp/B0GZIP0001')).headers['content-encoding'], undefined);
  await assert.rejects(() => get('www.amazon.com', '/dp/B0RESET001'), /ECONNRESET|socket hang up/);
  const started = Date.now();
  assert.equal((await get('www.amazon.com', '/dp/B0SLOW0001')).status, 200);
  assert.ok(Date.now() - started >= 290);
  assert.equal((await get('www.amazon.com', '/dp/B0HUGE0001')).body.length, 10 << 20);
});

test('short links redirect as the table says, unknown ones are 404; the log has every request', async () => {
  amazon.reset();
  for (const [path, link] of Object.entries(SHORT_LINKS)) {
    const res = await get('amzn.to', path);
    assert.deepEqual([res.status, res.headers.location], [301, link.location]);
  }
  assert.equal((await get('a.co', '/d/nothing')).status, 404);
  assert.equal(amazon.log.length, Object.keys(SHORT_LINKS).length + 1);
  assert.deepEqual(amazon.log.at(-1).path, '/d/nothing');
  assert.equal(amazon.peak('amzn.to'), 1);
});
