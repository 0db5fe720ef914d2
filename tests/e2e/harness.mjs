// End-to-end harness: the built extension (dist/) in Debian's Chromium, driven by
// playwright-core, against fixture pages served on 127.0.0.1; or the Firefox package in Firefox
// (firefox-harness.mjs). Scenario files are written once against a browser session (`setup()`)
// and run in whichever browser LINKSCOPE_BROWSER names: chromium (the default) or firefox (set by
// the firefox-*.test.mjs files, which import a scenario file and nothing else).
import { after, before } from 'node:test';
import { createServer } from 'node:http';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PAGES = [path.join(root, 'tests/e2e/pages'), path.join(root, 'tests/fixtures/site')];

/** Serves the fixture pages; `/many-links.html?n=N` is generated, `/strict-csp.html` gets a strict CSP header. */
export async function startServer() {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/many-links.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(manyLinks(Number(url.searchParams.get('n') ?? 10000)));
      return;
    }
    if (url.pathname === '/big-page.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(bigPage(Number(url.searchParams.get('n') ?? 10000), Number(url.searchParams.get('amazon') ?? 3000)));
      return;
    }
    const type = { '.js': 'text/javascript', '.css': 'text/css' }[path.extname(url.pathname)] ?? 'text/html; charset=utf-8';
    const headers = { 'content-type': type };
    if (url.pathname === '/strict-csp.html') {
      headers['content-security-policy'] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'";
    }
    for (const dir of PAGES) {
      const file = path.join(dir, path.normalize(url.pathname));
      if (!file.startsWith(dir)) break;
      try {
        const body = await readFile(file);
        res.writeHead(200, headers);
        res.end(body);
        return;
      } catch {}
    }
    res.writeHead(404);
    res.end('not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/** A page with `n` links: one in ten to Amazon, in every verdict, the rest elsewhere. */
export function manyLinks(n) {
  const shapes = [
    (i) => `https://www.amazon.com/dp/B0${String(i).padStart(8, '0')}?tag=mysite-20`,
    (i) => `https://www.amazon.de/gp/product/B0${String(i).padStart(8, '0')}`,
    (i) => `https://www.amazon.co.uk/dp/B0${String(i).padStart(8, '0')}?tag=rival-21`,
    (i) => `https://amzn.to/x${i}`,
  ];
  const items = [];
  for (let i = 0; i < n; i++) {
    const href = i % 10 === 0 ? shapes[(i / 10) % shapes.length](i) : `https://example.com/article/${i}`;
    items.push(`<li><a href="${href}">Link number ${i}</a> with some text after it</li>`);
  }
  return `<!doctype html><meta charset="utf-8"><title>${n} links</title><ol>${items.join('\n')}</ol>`;
}

/**
 * A long article with `n` links in running text, `amazon` of them Amazon's with real-length
 * addresses (title slugs, ref paths, search and tracking parameters) in every verdict.
 */
export function bigPage(n, amazon) {
  const words = ['grinder', 'kettle', 'scale', 'burr', 'espresso', 'filter', 'steel', 'quiet', 'travel', 'electric'];
  const slug = (i) => Array.from({ length: 6 }, (_, k) => words[(i * 7 + k * 3) % words.length]).join('-');
  const asin = (i) => `B0${String(i).padStart(8, '0')}`;
  const stores = [['www.amazon.com', 'mysite-20'], ['www.amazon.com', null], ['www.amazon.de', 'mysite0b-21'],
    ['www.amazon.co.uk', 'rival-21'], ['www.amazon.co.uk', 'mysite-20'], ['www.amazon.fr', null]];
  const amazonHref = (i) => {
    const [host, tag] = stores[i % stores.length];
    const q = `crid=2X8F${i}Q1Z&dib=eyJ2IjoiMSJ9.${'aZ09'.repeat(12)}.${i}&keywords=${slug(i).replace(/-/g, '+')}` +
      `&qid=17000${i}&sprefix=${words[i % 10]}%2Caps%2C${180 + (i % 90)}&sr=8-${i % 48}&th=1`;
    return `https://${host}/${slug(i)}/dp/${asin(i)}/ref=sr_1_${i % 48}?${q}${tag ? `&tag=${tag}` : ''}`;
  };
  const every = n / amazon;
  const paragraphs = [];
  let next = 0;
  for (let i = 0; i < n; i += 10) {
    const parts = [];
    for (let k = i; k < Math.min(n, i + 10); k++) {
      const isAmazon = k >= next;
      if (isAmazon) next += every;
      const href = isAmazon ? amazonHref(k) : `https://example.com/${words[k % 10]}/${slug(k)}-${k}/?utm_source=newsletter&utm_medium=email`;
      parts.push(`the <a href="${href.replace(/&/g, '&amp;')}">${slug(k).replace(/-/g, ' ')}</a> we tried`);
    }
    paragraphs.push(`<p>In test ${i / 10 + 1}, ${parts.join(', then ')}.</p>`);
  }
  return `<!doctype html><meta charset="utf-8"><title>${n} links, ${amazon} to Amazon</title>` +
    `<style>body{font:16px/1.6 Georgia,serif;max-width:760px;margin:0 auto;padding:0 16px}</style>` +
    `<h1>Everything we tested</h1>${paragraphs.join('\n')}`;
}

/**
 * Stages dist/ for the tests with one addition: host access to 127.0.0.1. The shipped extension
 * relies on activeTab, which only a real click, shortcut or menu grants, and automation cannot
 * click the toolbar or native menus.
 */
async function stageExtension(hosts, permissions = []) {
  const dir = await mkdtemp(path.join(tmpdir(), 'linkscope-ext-'));
  await cp(path.join(root, 'dist'), dir, { recursive: true });
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
  manifest.host_permissions = ['http://127.0.0.1/*', ...hosts];
  manifest.permissions.push(...permissions);
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/**
 * `hosts`: more host permissions, for pages a test serves under other addresses (`context.route`);
 * `permissions`: more API permissions (granted as optional ones would be); `args`: more Chromium
 * flags; `amazon`: the loopback Amazon emulator (tests/emulator/amazon.mjs), which Amazon's hosts
 * then resolve to, its test certificate accepted.
 */
export async function launch({
  hosts = [], permissions = [], args = [], amazon, lang, viewport = { width: 1200, height: 800 },
} = {}) {
  const extension = await stageExtension(hosts, permissions);
  const profileDir = await mkdtemp(path.join(tmpdir(), 'linkscope-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport,
    // The browser's UI language (and so the extension's): Chromium on Linux reads it from LANGUAGE.
    ...(lang && { env: { ...process.env, LANGUAGE: lang, LANG: `${lang}.UTF-8` } }),
    args: [
      ...(lang ? [`--lang=${lang}`] : []),
      `--disable-extensions-except=${extension}`,
      `--load-extension=${extension}`,
      '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic',
      ...(amazon ? [`--host-resolver-rules=${amazon.hosts.map((h) => `MAP ${h} ${amazon.ip}:${amazon.port}`).join(', ')}`,
        '--ignore-certificate-errors'] : []),
      ...args,
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  const close = async () => {
    await context.close();
    await rm(extension, { recursive: true, force: true });
    await rm(profileDir, { recursive: true, force: true });
  };
  return new Chromium({ context, extensionId, close });
}

/**
 * A browser session as every scenario uses it (the Firefox one has the same methods): pages
 * opened on an address the extension can find, calls into the worker's `linkscope` interface, the
 * overlay's own world, extension pages, downloads.
 */
class Chromium {
  name = 'chromium';
  opened = 0;

  constructor({ context, extensionId, close }) {
    Object.assign(this, { context, extensionId, close });
  }

  /** The running service worker. */
  worker() {
    return currentWorker(this.context);
  }

  /** A new tab on `url`, its address made unique so that the worker finds this very tab. */
  async open(url, { width = 1200, height = 800 } = {}) {
    const page = await this.context.newPage();
    await page.setViewportSize({ width, height });
    await page.goto(`${url}${url.includes('?') ? '&' : '?'}tab=${++this.opened}`);
    return { page, tabId: await tabIdOf(await this.worker(), page) };
  }

  /** `globalThis.linkscope[name](...args)` in the service worker. */
  async call(name, ...args) {
    return (await this.worker()).evaluate(([n, a]) => globalThis.linkscope[n](...a), [name, args]);
  }

  /** Runs `fn(...args)` in the extension's isolated world of the tab (where the overlay lives). */
  async isolated(tabId, fn, ...args) {
    return (await this.worker()).evaluate(`(async () => {
      const [r] = await chrome.scripting.executeScript({ target: { tabId: ${tabId} }, func: ${fn}, args: ${JSON.stringify(args)} });
      return r.result;
    })()`);
  }

  /** `linkscope[name](JSON.parse(json))`: an object made in the worker's own realm, as a message would bring it. */
  async callParsed(name, json) {
    return (await this.worker()).evaluate(([n, text]) => globalThis.linkscope[n](JSON.parse(text)), [name, json]);
  }

  /** The settings in chrome.storage.sync (null when none). */
  async stored() {
    return (await this.worker()).evaluate(async () => (await chrome.storage.sync.get('settings')).settings ?? null);
  }

  /** An extension page (`file` may carry a query) in a tab, once it says it is ready. */
  async openExtensionPage(file, { width = 1200, height = 800 } = {}) {
    const page = await this.context.newPage();
    await page.setViewportSize({ width, height });
    await page.goto(`chrome-extension://${this.extensionId}/${file}`);
    await page.waitForSelector('body[data-ready=true]');
    return page;
  }

  /** Runs `action` (which makes `page` download a file) and returns the downloaded text. */
  async download(page, name, action) {
    const [download] = await Promise.all([page.waitForEvent('download'), action()]);
    assert.equal(download.suggestedFilename(), name);
    return readFile(await download.path(), 'utf8');
  }
}

/** Where screenshots go: target/screenshots/, Firefox's in its own folder there. */
export const SHOTS = path.join(root, 'target/screenshots', process.env.LINKSCOPE_BROWSER === 'firefox' ? 'firefox' : '');

/**
 * `browser` (default: what LINKSCOPE_BROWSER names) with the extension staged as `launch` does;
 * in Firefox, `asShipped` leaves the package's manifest untouched (no host permission).
 */
export async function launchBrowser({ browser = process.env.LINKSCOPE_BROWSER ?? 'chromium', asShipped = false, ...options } = {}) {
  if (browser === 'chromium') return launch(options);
  if (browser !== 'firefox') throw new Error(`LINKSCOPE_BROWSER: no browser ${browser}`);
  const { launchFirefox } = await import('./firefox-harness.mjs');
  const { hosts = [], permissions = [], lang, amazon } = options;
  return launchFirefox({ hosts: asShipped ? [] : ['http://127.0.0.1/*', ...hosts], permissions, lang, amazon });
}

/**
 * What every e2e file does before and after its tests: the fixture server, the browser with the
 * staged extension (`options` as `launch` takes them), the screenshots folder, a profile
 * imported when one is given, then `prepare(browser)` when given. Returns an object whose `origin` and `browser` are set once the
 * tests run.
 */
export function setup({ profile, prepare, ...options } = {}) {
  const e2e = {};
  // One hook: a file's own top-level before() would not wait for this one (Node 20 starts them at once).
  before(async () => {
    ({ server: e2e.server, origin: e2e.origin } = await startServer());
    e2e.browser = await launchBrowser(options);
    await mkdir(SHOTS, { recursive: true });
    if (profile) await e2e.browser.call('importSettings', typeof profile === 'string' ? profile : JSON.stringify(profile));
    await prepare?.(e2e.browser);
  });
  after(async () => {
    await e2e.browser?.close();
    e2e.server?.close();
  });
  return e2e;
}

/** The running service worker (a new one after a restart). */
export async function currentWorker(context) {
  const live = context.serviceWorkers().filter((w) => w.url().endsWith('/background.js'));
  return live.at(-1) ?? context.waitForEvent('serviceworker');
}

/** The tab id of a Playwright page, from the extension's side. */
export async function tabIdOf(worker, page) {
  return worker.evaluate(async (url) => (await chrome.tabs.query({ url }))[0]?.id, page.url());
}

export const repoRoot = root;
