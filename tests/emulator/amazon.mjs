// A loopback HTTPS Amazon emulator for live-check tests (issue 9): every marketplace host and
// short-link host, over TLS with a certificate authority made for the run, answering from the
// scenario tables below. No network: it listens on one loopback address.
//
//   import { startAmazon, PRODUCTS, SHORT_LINKS } from '../emulator/amazon.mjs';
//   const amazon = await startAmazon();   // port 443 on a loopback address picked for it
//   startAmazon({ ip: '127.0.9.1', port: 0 })   // or on the address and port given (0: any)
//   amazon.caPath     the test CA's PEM file (SSL_CERT_FILE for the CLI); amazon.ca: its text
//   amazon.hosts      every host name served; amazon.hostsFile(): /etc/hosts text mapping them to ip
//   amazon.origin(host) 'https://host' (with the port when it is not 443)
//   amazon.log        every request, in arrival order: { method, host, path (path + query),
//                     headers, time (ms, start), end (ms, answer finished or connection closed),
//                     status, sent (body bytes written) }
//   amazon.peak(host) the most requests to host in flight at once
//   amazon.reset()    clears the log, the peaks and the per-URL counters (rate limits)
//   await amazon.run(command, args, { env, timeoutMs }) runs a program that resolves Amazon's
//                     host names to the emulator through the system resolver: in a private mount
//                     namespace (unshare -m, as root, also in CI) whose /etc/hosts is hostsFile(),
//                     with SSL_CERT_FILE=caPath and no proxy variables; resolves to
//                     { code, stdout, stderr }
//   await amazon.close()
//
// Options: `slowMs` (how long the slow scenario waits before answering, default 30 s), `pages`
// (the saved real pages' directory; default ../shared/data/amazon-pages found from the repo).
//
// Chromium reaches it with `--host-resolver-rules="MAP * <ip>:<port>, EXCLUDE localhost"` and
// `--ignore-certificate-errors`; the CLI through an /etc/hosts in a private mount namespace
// (`hostsFile()`) and SSL_CERT_FILE=caPath.
//
// Marketplaces and short-link hosts come from the one table, src/marketplace.rs (read here, not
// copied). A product is keyed by ASIN (PRODUCTS), a short link by path (SHORT_LINKS); anything
// else is Amazon's missing-page page with 404, as Amazon answers an unknown ASIN. To add a case,
// add a row.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Products by ASIN. `state` is what a check should conclude (the tests read it);
 * `page`: 'product' (synthetic, with `buy`: 'cart' | 'unavailable' | 'otherSellers'), 'saved'
 * (`file` from the saved real pages), 'dogs' (missing page), 'robot' (robot check), 'huge';
 * `status` (default 200); `only`: the marketplaces that carry it (elsewhere: 404 dogs page);
 * `redirect`: a Location (relative to the same host); `loop`: redirects back and forth;
 * `limited`: answers 429 with Retry-After `retryAfter` the first `times` requests of each URL;
 * `slow`: answers after `slowMs`; `reset`: drops the connection; `encoding`: 'gzip' | 'br'.
 */
export const PRODUCTS = {
  B0057OC5O8: { state: 'available', page: 'saved', file: 'us-in-stock-B0057OC5O8.html', only: ['amazon.com'] },
  B0011UCPM4: { state: 'available', page: 'saved', file: 'us-kindle-ebook-B0011UCPM4.html', only: ['amazon.com'] },
  1849757097: { state: 'available', page: 'saved', file: 'uk-book-1849757097.html', only: ['amazon.co.uk'] },
  B01MUGXRT9: { state: 'otherSellersOnly', page: 'saved', file: 'es-other-sellers-only-B01MUGXRT9.html', only: ['amazon.es'] },
  B0AVAILABL: { state: 'available', page: 'product', buy: 'cart', title: 'Linkscope Test Lamp' },
  B0USDEONLY: { state: 'available', page: 'product', buy: 'cart', title: 'Lamp & Shade, "Deluxe"', only: ['amazon.com', 'amazon.de'] },
  B0UNAVAIL1: { state: 'unavailable', page: 'product', buy: 'unavailable', title: 'Retired Kettle' },
  B0OTHERSEL: { state: 'otherSellersOnly', page: 'product', buy: 'otherSellers', title: 'Used Camera' },
  B0NOTFOUND: { state: 'notFound', page: 'dogs', status: 404 },
  B0DOGS2000: { state: 'notFound', page: 'dogs', status: 200 },
  B0ROBOT503: { state: 'blocked', page: 'robot', status: 503 },
  B0ROBOT200: { state: 'blocked', page: 'robot', status: 200 },
  B0RATELIM1: { state: 'available', page: 'product', buy: 'cart', title: 'Busy Product', limited: { times: 1, retryAfter: '1' } },
  B0RATELIM2: { state: 'available', page: 'product', buy: 'cart', title: 'Patient Product', limited: { times: 1, retryAfter: '2' } },
  B0MERGED01: { state: 'redirected', redirect: '/dp/B0AVAILABL' },
  B0TOSEARCH: { state: 'redirected', redirect: '/s?k=test+lamp' },
  B0TOHOME01: { state: 'redirected', redirect: '/' },
  B0LOOP0001: { state: 'error', loop: true },
  B0SLOW0001: { state: 'error', page: 'product', buy: 'cart', title: 'Slow Product', slow: true },
  B0RESET001: { state: 'error', reset: true },
  B0HUGE0001: { state: 'error', page: 'huge', size: 10 << 20 },
  B0GZIP0001: { state: 'available', page: 'product', buy: 'cart', title: 'Gzipped Product', encoding: 'gzip' },
  B0BROTLI01: { state: 'available', page: 'product', buy: 'cart', title: 'Brotli Product', encoding: 'br' },
};

/**
 * Short links by path, on every short-link host. `location`: the redirect (status `status`,
 * default 301); `target`: where the chain ends when not at `location`; `expect`: the target's verdict for the test profile (tests/fixtures/profile.json
 * holds no tag 'someone-20'), or null when the expansion does not reach an Amazon product.
 * Unknown paths answer 404.
 */
export const SHORT_LINKS = {
  '/tagged': { location: 'https://www.amazon.com/dp/B0AVAILABL?tag=someone-20&linkCode=ll1&linkId=0f1e2d3c4b5a', expect: 'foreign' },
  '/d/untagged': { location: 'https://www.amazon.de/dp/B0UNAVAIL1?ref=cm_sw_r_cp_api_i_ABC123&th=1', expect: 'untagged' },
  '/d/gone': { location: 'https://www.amazon.co.uk/dp/B0NOTFOUND?ref=cm_sw_r_cp_api_i_DEF456', expect: 'untagged' },
  '/offsite': { location: 'https://example.com/review', expect: null },
  '/chain': { location: 'https://amzn.to/tagged', expect: 'foreign', target: 'https://www.amazon.com/dp/B0AVAILABL?tag=someone-20&linkCode=ll1&linkId=0f1e2d3c4b5a' },
  '/d/shortloop': { location: 'https://a.co/d/shortloop', expect: null },
};

/** What Amazon writes in each language (synthetic pages). Keyed by country code. */
const WORDS = {
  en: { unavailable: 'Currently unavailable.', robot: 'Enter the characters you see below', seeAll: 'See All Buying Options' },
  DE: { unavailable: 'Derzeit nicht verfügbar.', robot: 'Geben Sie die unten angezeigten Zeichen ein', seeAll: 'Alle Angebote anzeigen' },
  FR: { unavailable: 'Actuellement indisponible.', robot: 'Entrez les caractères que vous voyez ci-dessous', seeAll: 'Voir toutes les options d’achat' },
  IT: { unavailable: 'Attualmente non disponibile.', robot: 'Inserisci i caratteri visualizzati nello spazio sottostante', seeAll: 'Vedi tutte le opzioni di acquisto' },
  ES: { unavailable: 'No disponible.', robot: 'Introduzca los caracteres que ve a continuación', seeAll: 'Ver todas las opciones de compra' },
  NL: { unavailable: 'Tijdelijk niet op voorraad.', robot: 'Voer de karakters in die u hieronder ziet', seeAll: 'Alle koopopties bekijken' },
  JP: { unavailable: '現在在庫切れです。', robot: '表示されている文字を入力してください', seeAll: 'すべての出品を見る' },
};

/** The marketplaces ({ domain, country, ueMid }) and short-link hosts of src/marketplace.rs. */
export function marketplaceTable() {
  const source = readFileSync(path.join(root, 'src/marketplace.rs'), 'utf8');
  // row!("amazon.ae", [], "AE", "United Arab Emirates", "AED", MiddleEast, None, false, "A2VIGQ35RCS4UG", "en-AE"),
  const rows = [...source.matchAll(/row!\("([^"]+)",\s*\[[^\]]*\],\s*"([A-Z]{2})",.*"([A-Z0-9]{10,14})",\s*"[a-z]{2}-[A-Z]{2}"\),/g)];
  const shortHosts = [...source.matchAll(/ShortHost \{\s*host: "([^"]+)"/g)].map((m) => m[1]);
  if (rows.length < 20 || shortHosts.length < 4) throw new Error('emulator: cannot read src/marketplace.rs');
  return { marketplaces: rows.map(([, domain, country, ueMid]) => ({ domain, country, ueMid })), shortHosts };
}

const { marketplaces: MARKETPLACES, shortHosts: SHORT_HOSTS } = marketplaceTable();

/** Every host name served: each marketplace with and without www., and the short-link hosts. */
export const HOSTS = [...MARKETPLACES.flatMap((m) => [`www.${m.domain}`, m.domain]), ...SHORT_HOSTS];

function savedPagesDir() {
  for (const dir of ['../shared', '../../shared'].map((d) => path.join(root, d, 'data/amazon-pages'))) {
    if (existsSync(dir)) return dir;
  }
  throw new Error('emulator: ../shared/data/amazon-pages not found');
}

/** A test CA and a server certificate for every host, made with the openssl CLI. */
export function makeCertificates(dir = mkdtempSync(path.join(tmpdir(), 'linkscope-ca-'))) {
  const file = (name) => path.join(dir, name);
  const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '7',
    '-subj', '/CN=Linkscope test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=www.amazon.com');
  const names = [...HOSTS, 'example.com'].map((h) => `DNS:${h}`).join(',');
  writeFileSync(file('ext.cnf'), `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n`
    + `extendedKeyUsage=serverAuth\nsubjectAltName=${names}\n`);
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
    '-CAcreateserial', '-out', file('server.pem'), '-days', '7', '-extfile', file('ext.cnf'));
  return { dir, caPath: file('ca.pem'), ca: readFileSync(file('ca.pem'), 'utf8'),
    key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')) };
}

const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function productPage(market, host, asin, row) {
  const words = WORDS[market.country] ?? WORDS.en;
  const buybox = {
    cart: `<div id="availability"><span>In Stock</span></div>
      <input type="submit" id="add-to-cart-button" name="submit.add-to-cart" value="Add to Cart">`,
    unavailable: `<div id="availability"><span class="a-color-price">${words.unavailable}</span></div>`,
    otherSellers: `<div id="buybox-see-all-buying-choices"><a href="/gp/offer-listing/${asin}">${words.seeAll}</a></div>`,
  }[row.buy];
  return `<!doctype html><html><head><script>var ue_mid = '${market.ueMid}';</script>
<title>${escapeHtml(row.title)} : Amazon</title>
<link rel="canonical" href="https://${host.replace(/^(?!www\.)/, 'www.')}/${encodeURIComponent(row.title)}/dp/${asin}">
</head><body><div id="nav"><form action="/s"><input name="k"></form></div>
<div id="dp"><h1><span id="productTitle">  ${escapeHtml(row.title)}  </span></h1>
<input type="hidden" id="ASIN" name="ASIN" value="${asin}">
${buybox}</div></body></html>`;
}

function dogsPage() {
  return `<!doctype html><html><head><title>Page Not Found</title></head><body>
<a href="/ref=cs_404_logo"><img alt="Amazon"></a><form action="/s"><input name="k"></form>
<a href="/ref=cs_404_link"><img alt="Sorry! We couldn't find that page. Try searching or go to Amazon's home page."></a>
<a href="/dogsofamazon"><img alt="Dogs of Amazon"></a></body></html>`;
}

function robotPage(market) {
  const words = WORDS[market.country] ?? WORDS.en;
  return `<!doctype html><html><head><title>Amazon.${market.domain.slice(7)}</title></head><body>
<h4>${words.robot}</h4><form method="get" action="/errors/validateCaptcha">
<input id="captchacharacters" name="field-keywords" type="text"></form>
<p>To discuss automated access to Amazon data please contact api-services-support@amazon.com.</p></body></html>`;
}

const simplePage = (title) => `<!doctype html><html><head><title>${title}</title></head><body><form action="/s"><input name="k"></form></body></html>`;

/** A loopback address picked at random (127.x.y.z, never 127.0.0.1): runs at the same time
 * (overlapping test runs) each get port 443 on an address of their own. */
function someLoopbackAddress() {
  const byte = (from) => from + Math.floor(Math.random() * (255 - from));
  return `127.${byte(1)}.${byte(0)}.${byte(1)}`;
}

/** Starts the emulator on `ip` (127.x.y.z; by default one picked at random, another if it is
 * taken) and `port`; see the top of this file. */
export async function startAmazon({ ip, port = 443, slowMs = 30_000, pages = savedPagesDir() } = {}) {
  const certs = makeCertificates();
  const log = [];
  const inFlight = new Map();
  const peaks = new Map();
  const counts = new Map();
  const timers = new Set();

  const server = createServer({ key: certs.key, cert: certs.cert }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const entry = { method: req.method, host, path: req.url, headers: req.headers, time: Date.now(), end: null, status: null, sent: 0 };
    log.push(entry);
    inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
    peaks.set(host, Math.max(peaks.get(host) ?? 0, inFlight.get(host)));
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      entry.end = Date.now();
      inFlight.set(host, inFlight.get(host) - 1);
    };
    res.on('finish', finish);
    res.on('close', finish);
    const answer = (status, headers, body = '') => {
      entry.status = status;
      const bytes = Buffer.from(body);
      entry.sent = bytes.length;
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
      res.end(bytes);
    };
    try {
      respond(req, res, host, entry, answer);
    } catch (e) {
      answer(500, {}, String(e));
    }
  });

  function respond(req, res, host, entry, answer) {
    const url = new URL(req.url, `https://${host}`);
    if (SHORT_HOSTS.includes(host)) {
      const link = SHORT_LINKS[url.pathname];
      if (!link) return answer(404, {}, simplePage('Not Found'));
      return answer(link.status ?? 301, { location: link.location }, '');
    }
    const market = MARKETPLACES.find((m) => host === m.domain || host === `www.${m.domain}`);
    if (!market) return answer(421, {}, 'unknown host');
    if (url.pathname === '/' || url.pathname.startsWith('/s')) {
      return answer(200, {}, simplePage(url.pathname === '/' ? 'Amazon home' : `Amazon search: ${url.searchParams.get('k')}`));
    }
    const match = url.pathname.match(/^\/(?:[^/]+\/)?(?:dp|gp\/product)\/([A-Z0-9]{10})(?:[/?]|$)/i);
    const asin = match?.[1].toUpperCase();
    const row = PRODUCTS[asin];
    if (!row || (row.only && !row.only.includes(market.domain))) return answer(404, {}, dogsPage());
    const count = (counts.get(`${host}${req.url}`) ?? 0) + 1;
    counts.set(`${host}${req.url}`, count);
    if (row.limited && count <= row.limited.times) {
      return answer(429, { 'retry-after': row.limited.retryAfter }, simplePage('Too Many Requests'));
    }
    if (row.redirect) return answer(301, { location: row.redirect });
    if (row.loop) {
      return answer(302, { location: url.pathname.startsWith('/dp/') ? `/gp/product/${asin}` : `/dp/${asin}` });
    }
    if (row.reset) {
      entry.status = 'reset';
      // A TCP reset (RST) under the TLS session, as a dropped connection looks to a client.
      const tcp = req.socket._parent ?? req.socket;
      return typeof tcp.resetAndDestroy === 'function' ? tcp.resetAndDestroy() : tcp.destroy();
    }
    if (row.page === 'huge') return sendHuge(res, entry, row.size);
    const status = row.status ?? 200;
    const body = {
      saved: () => readFileSync(path.join(pages, row.file)),
      product: () => productPage(market, host, asin, row),
      dogs: dogsPage,
      robot: () => robotPage(market),
    }[row.page]();
    if (row.slow) {
      const timer = setTimeout(() => { timers.delete(timer); if (!res.destroyed) answer(status, {}, body); }, slowMs);
      timers.add(timer);
      return undefined;
    }
    if (row.encoding) {
      const accepted = (req.headers['accept-encoding'] ?? '').split(',').map((e) => e.trim().split(';')[0]);
      if (accepted.includes(row.encoding)) {
        const encoded = row.encoding === 'gzip' ? gzipSync(body) : brotliCompressSync(body);
        return answer(status, { 'content-encoding': row.encoding, vary: 'Accept-Encoding' }, encoded);
      }
    }
    return answer(status, {}, body);
  }

  /** Writes `size` bytes of product-less HTML, with backpressure, until done or the client leaves. */
  function sendHuge(res, entry, size) {
    entry.status = 200;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': size });
    const chunk = Buffer.alloc(64 * 1024, '<div class="filler">Lorem ipsum dolor sit amet</div>\n');
    const write = () => {
      while (entry.sent < size && !res.destroyed) {
        const part = chunk.subarray(0, Math.min(chunk.length, size - entry.sent));
        entry.sent += part.length;
        if (!res.write(part)) return res.once('drain', write);
      }
      if (!res.destroyed) res.end();
      return undefined;
    };
    write();
  }

  const listen = (address) => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve(address);
    });
  });
  if (ip) {
    await listen(ip);
  } else {
    for (let tries = 1; !ip; tries++) {
      ip = await listen(someLoopbackAddress()).catch((e) => {
        if (e.code !== 'EADDRINUSE' || tries === 20) throw e;
      });
    }
  }
  const boundPort = server.address().port;
  return {
    ip,
    port: boundPort,
    ca: certs.ca,
    caPath: certs.caPath,
    hosts: HOSTS,
    log,
    origin: (host) => `https://${host}${boundPort === 443 ? '' : `:${boundPort}`}`,
    hostsFile: () => `127.0.0.1 localhost\n${HOSTS.map((h) => `${ip} ${h}`).join('\n')}\n`,
    peak: (host) => peaks.get(host) ?? 0,
    run(command, args = [], { env = {}, timeoutMs = 120_000 } = {}) {
      const hosts = path.join(certs.dir, 'hosts');
      writeFileSync(hosts, this.hostsFile());
      const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(https?|all|no)_proxy$/i.test(k)));
      const child = spawn('unshare', ['-m', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', hosts, command, ...args], {
        env: { ...clean, SSL_CERT_FILE: certs.caPath, ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs,
      });
      const out = { stdout: [], stderr: [] };
      child.stdout.on('data', (c) => out.stdout.push(c));
      child.stderr.on('data', (c) => out.stderr.push(c));
      return new Promise((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out.stdout).toString(), stderr: Buffer.concat(out.stderr).toString() }));
      });
    },
    reset() {
      log.length = 0;
      peaks.clear();
      counts.clear();
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(certs.dir, { recursive: true, force: true });
    },
  };
}
