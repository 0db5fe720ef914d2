// Live-check figures (`./build.sh bench`, not a test): the built CLI against the loopback Amazon
// emulator, Amazon's host names resolved to it in a private mount namespace (needs root).
// Prints requests per product check, the time to check a page of 40 links, the peak memory on
// the 10 MB body, and how each saved real page of ../shared/data/amazon-pages is judged.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRODUCTS, startAmazon } from '../emulator/amazon.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(root, 'target/release/linkscope');
const PROFILE = path.join(root, 'tests/fixtures/profile.json');
const dir = mkdtempSync(path.join(tmpdir(), 'linkscope-live-bench-'));
const amazon = await startAmazon({ slowMs: 20_000 });

function page(name, hrefs) {
  const file = path.join(dir, name);
  writeFileSync(file, hrefs.map((h) => `<p><a href="${h}">link</a></p>`).join('\n'));
  return file;
}

async function audit(file, extra = []) {
  amazon.reset();
  const started = performance.now();
  const run = await amazon.run('/usr/bin/time', ['-f', 'peak=%M', BIN, 'audit', file, '--profile', PROFILE,
    '--format', 'json', '--live', '--no-cache', ...extra], { env: { HOME: dir } });
  const ms = performance.now() - started;
  if (run.code !== 0) throw new Error(run.stderr);
  return { ms, report: JSON.parse(run.stdout), peakKb: Number(run.stderr.match(/peak=(\d+)/)[1]), requests: amazon.log.length };
}

try {
  // A page of 40 links as a review site has them: 28 product links (some to the same product,
  // several marketplaces and states) and 12 short links.
  const markets = ['amazon.com', 'amazon.de', 'amazon.co.uk', 'amazon.fr'];
  const asins = ['B0AVAILABL', 'B0UNAVAIL1', 'B0OTHERSEL', 'B0NOTFOUND', 'B0DOGS2000', 'B0MERGED01', 'B0TOSEARCH', 'B0GZIP0001'];
  const links = [];
  for (let i = 0; i < 28; i++) links.push(`https://www.${markets[i % 4]}/dp/${asins[i % asins.length]}?tag=mysite-20`);
  const shorts = ['amzn.to/tagged', 'a.co/d/untagged', 'amzn.eu/d/gone', 'amzn.to/chain', 'amzn.asia/offsite', 'amzn.to/none'];
  for (let i = 0; i < 12; i++) links.push(`https://${shorts[i % shorts.length]}${i >= shorts.length ? `?x=${i}` : ''}`);
  const forty = page('forty.html', links);

  console.log('live checks against the loopback emulator (TLS, Amazon host names through /etc/hosts)');
  for (const [label, extra] of [['default policy (2 per host, 1 s apart)', []], ['--interval 0', ['--interval', '0']]]) {
    const r = await audit(forty, extra);
    const checks = r.report.findings.filter((f) => f.health).length;
    console.log(`  page of 40 links, ${label}: ${(r.ms / 1000).toFixed(2)} s wall, ${r.requests} requests, `
      + `${checks} links with a health state, peak ${r.peakKb} KB`);
  }

  // Requests per product check: one plain product each (no redirect, no retry), and overall.
  const plain = await audit(page('plain.html', markets.map((m) => `https://www.${m}/dp/B0AVAILABL`)), ['--interval', '0']);
  console.log(`  requests per product check: ${(plain.requests / markets.length).toFixed(2)} (plain product page); `
    + 'a redirect adds one per hop, a 429 one per retry');

  const small = await audit(page('small.html', ['https://www.amazon.com/dp/B0AVAILABL']));
  const huge = await audit(page('huge.html', ['https://www.amazon.com/dp/B0HUGE0001']), ['--retries', '0']);
  const sent = amazon.log.find((e) => e.path === '/dp/B0HUGE0001').sent;
  console.log(`  10 MB body: peak ${huge.peakKb} KB (one small page: ${small.peakKb} KB); `
    + `the emulator wrote ${(sent / 1048576).toFixed(1)} MB before the CLI hung up; judged ${huge.report.findings[0].health}: `
    + huge.report.findings[0].healthDetail);

  console.log('  saved real pages (../shared/data/amazon-pages), as the CLI judges them over HTTPS:');
  const saved = Object.entries(PRODUCTS).filter(([, row]) => row.page === 'saved');
  const r = await audit(page('saved.html', saved.map(([asin, row]) => `https://www.${row.only[0]}/dp/${asin}`)), ['--interval', '0']);
  saved.forEach(([asin, row], i) => {
    const f = r.report.findings[i];
    console.log(`    ${row.file}: ${f.health} (${f.healthDetail}), "${f.title}"`);
  });
} finally {
  await amazon.close();
  rmSync(dir, { recursive: true, force: true });
}
