// End-to-end harness: the built extension (dist/) in Debian's Chromium, driven by
// playwright-core, against fixture pages served on 127.0.0.1.
import { createServer } from 'node:http';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
 * Stages dist/ for the tests with one addition: host access to 127.0.0.1. The shipped extension
 * relies on activeTab, which only a real click, shortcut or menu grants, and automation cannot
 * click the toolbar or native menus.
 */
async function stageExtension(hosts) {
  const dir = await mkdtemp(path.join(tmpdir(), 'linkscope-ext-'));
  await cp(path.join(root, 'dist'), dir, { recursive: true });
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
  manifest.host_permissions = ['http://127.0.0.1/*', ...hosts];
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/** `hosts`: more host permissions, for pages a test serves under other addresses (`context.route`). */
export async function launch({ hosts = [] } = {}) {
  const extension = await stageExtension(hosts);
  const profileDir = await mkdtemp(path.join(tmpdir(), 'linkscope-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1200, height: 800 },
    args: [
      `--disable-extensions-except=${extension}`,
      `--load-extension=${extension}`,
      '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic',
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  const close = async () => {
    await context.close();
    await rm(extension, { recursive: true, force: true });
    await rm(profileDir, { recursive: true, force: true });
  };
  return { context, extensionId, close, worker: () => currentWorker(context) };
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
