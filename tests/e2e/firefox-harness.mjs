// End-to-end harness for Firefox: the Firefox package as shipped (target/package/firefox/, the
// manifest untouched: activeTab, no host permission) in Debian's firefox-esr, driven by
// puppeteer-core over WebDriver BiDi. Nothing is ever downloaded.
//
// What a user does is done the way Firefox does it, from the browser's own ("chrome") scope:
// real key presses for the shortcut, the real context menu after a right click, the real toolbar
// popup. Only those grant activeTab; the tests reach nothing else. The event page's driving
// interface (`globalThis.linkscope`) is reached from an extension page, as the popup does.
//
// The scenarios shared with Chromium (harness.mjs `setup()`) launch it with host access to the
// test server, as the Chromium suite does, and get pages with the few Playwright methods they use.
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { repoRoot } from './harness.mjs';

export const PACKAGE = path.join(repoRoot, 'target/package/firefox');
const UUID = '4c1f5f0e-7d2a-4b8e-9a51-6b3c2d1e0f7a'; // fixed, so extension URLs are known in advance

/**
 * Copies the Firefox package (a build running meanwhile cannot pull files away), unchanged unless
 * `hosts` asks for host permissions or `permissions` for API permissions. Those the manifest
 * declares optional stay out of it: returned as `optional`, to be granted once the add-on runs, as
 * Firefox does when the user allows its prompt (so they can be withdrawn and granted again).
 */
async function stagePackage(hosts, permissions) {
  const dir = await mkdtemp(path.join(tmpdir(), 'linkscope-firefox-'));
  await cp(PACKAGE, dir, { recursive: true }).catch((e) => {
    throw new Error(`no Firefox package at ${PACKAGE}: run ./build.sh first (${e.message})`);
  });
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
  const optional = {
    permissions: permissions.filter((p) => manifest.optional_permissions?.includes(p)),
    origins: hosts.filter((h) => manifest.optional_host_permissions?.includes(h)),
  };
  const required = hosts.filter((h) => !optional.origins.includes(h));
  const more = permissions.filter((p) => !optional.permissions.includes(p));
  if (required.length > 0 || more.length > 0) {
    if (required.length > 0) manifest.host_permissions = required;
    manifest.permissions.push(...more);
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  }
  return { dir, optional };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it returns something truthy; returns that. */
export async function until(condition, what, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * A stand-in for Amazon: Firefox sends plain-http requests for other hosts through this proxy,
 * which answers every one with a small product page. So a test can open
 * http://www.amazon.de/dp/… with no network (127.0.0.1 is never proxied).
 *
 * Firefox's https requests come here too, as CONNECT: with `amazon` (the loopback emulator,
 * tests/emulator/amazon.mjs), a tunnel to it for the hosts it serves; any other host is refused,
 * so nothing leaves loopback and the browser's own background traffic never reaches the emulator.
 */
async function startStoreProxy(amazon) {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><meta charset="utf-8"><title>A kettle</title><h1 id="product">A kettle</h1><p>Product details.</p>');
  });
  server.on('connect', (req, client, head) => {
    const [host, port] = req.url.split(':');
    if (!amazon?.hosts.includes(host.toLowerCase()) || port !== '443') {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(amazon.port, amazon.ip, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const drop = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', drop);
    client.on('error', drop);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/**
 * `hosts`: host permissions (Firefox's match patterns ignore the port) and `permissions`: API
 * permissions, added to the manifest (Firefox grants them at install), or, where the manifest
 * declares them optional, granted once the add-on runs, as the user's Allow does. `lang`: the
 * browser's UI language (a Debian language pack, firefox-esr-l10n-*, must be installed for it).
 * `amazon`: the loopback Amazon emulator, which Amazon's https hosts then reach (through the
 * proxy's tunnel), its test CA trusted by this profile alone.
 */
export async function launchFirefox({ hosts = [], permissions = [], lang, amazon } = {}) {
  const undo = []; // what close() takes down, last first
  const close = async () => {
    while (undo.length > 0) await undo.pop()();
  };
  try {
    const { dir: extensionDir, optional } = await stagePackage(hosts, permissions);
    undo.push(() => rm(extensionDir, { recursive: true, force: true }));
    const downloads = await mkdtemp(path.join(tmpdir(), 'linkscope-downloads-'));
    undo.push(() => rm(downloads, { recursive: true, force: true }));
    const proxy = await startStoreProxy(amazon);
    undo.push(() => proxy.close());
    const manifest = JSON.parse(await readFile(path.join(extensionDir, 'manifest.json'), 'utf8'));
    const addonId = manifest.browser_specific_settings.gecko.id;
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
      headless: true,
      args: ['--remote-allow-system-access'], // chrome-scope evaluation, below
      extraPrefsFirefox: {
        ...(lang && { 'intl.locale.requested': lang }),
        // Chromium's default fonts for pages (fontconfig resolves both names), so that a fixture
        // page lays out alike in both browsers and the shared scenarios meet the same layouts.
        'font.name.serif.x-western': 'Times New Roman',
        'font.name.sans-serif.x-western': 'Arial',
        'extensions.webextensions.uuids': JSON.stringify({ [addonId]: UUID }),
        // The event page is suspended when a test says so (terminateBackground), not on a timer.
        'extensions.background.idle.timeout': 600000,
        // Plain http to other hosts goes to the stand-in store, never upgraded to https
        // (amazon.de is on the HSTS preload list).
        'network.proxy.type': 1,
        'network.proxy.http': '127.0.0.1',
        'network.proxy.http_port': proxy.address().port,
        'network.proxy.ssl': '127.0.0.1',
        'network.proxy.ssl_port': proxy.address().port,
        'dom.security.https_first': false,
        'dom.security.https_first_schemeless': false,
        'network.stricttransportsecurity.preloadlist': false,
        // Downloads land in a folder of the test's, without a dialog.
        'browser.download.dir': downloads,
        'browser.download.folderList': 2,
        'browser.download.useDownloadDir': true,
        'browser.download.always_ask_before_handling_new_types': false,
      },
    });
    undo.push(() => browser.close());
    const ff = new Firefox({ browser, addonId, manifest, downloads, close });
    if (amazon) await ff.trust(amazon.ca);
    await browser.installExtension(extensionDir);
    if (optional.permissions.length + optional.origins.length > 0) await ff.grant(optional);
    ff.driver = await ff.openExtensionPage('options.html');
    return ff;
  } catch (e) {
    await close();
    throw e;
  }
}

class Firefox {
  name = 'firefox';

  constructor({ browser, addonId, manifest, downloads, close }) {
    Object.assign(this, { browser, addonId, manifest, downloads, close, pages: 0 });
    this.base = `moz-extension://${UUID}/`;
  }

  /** Calls `globalThis.linkscope[name](...args)` in the event page (as harness.mjs sessions do). */
  call(name, ...args) {
    return this.bg(name, ...args);
  }

  /** `linkscope[name](JSON.parse(json))`, the object made in an extension page. */
  callParsed(name, json) {
    return this.driver.evaluate(async (n, text) => {
      const { linkscope } = await browser.runtime.getBackgroundPage();
      return JSON.parse(JSON.stringify((await linkscope[n](JSON.parse(text))) ?? null));
    }, name, json);
  }

  /** Runs `fn(...args)` in the extension's isolated world of the tab (where the overlay lives). */
  isolated(tabId, fn, ...args) {
    return this.driver.evaluate(`(async () => {
      const [r] = await browser.scripting.executeScript({ target: { tabId: ${tabId} }, func: ${fn}, args: ${JSON.stringify(args)} });
      return r.result;
    })()`);
  }

  /** Runs `action` (which makes a page download `name`) and returns the downloaded text. */
  async download(page, name, action) {
    await action();
    return this.downloaded(name);
  }

  /**
   * Grants optional permissions (`{ permissions, origins }`) to the running add-on, as Firefox
   * does when the user allows the prompt of `permissions.request`.
   */
  grant(permissions) {
    return this.chrome(async ({ ext }, p) => {
      const { ExtensionPermissions } = ChromeUtils.importESModule('resource://gre/modules/ExtensionPermissions.sys.mjs');
      await ExtensionPermissions.add(ext.id, p, ext);
    }, permissions);
  }

  /** Withdraws granted optional permissions, as the add-on's permission switches in about:addons do. */
  revoke(permissions) {
    return this.chrome(async ({ ext }, p) => {
      const { ExtensionPermissions } = ChromeUtils.importESModule('resource://gre/modules/ExtensionPermissions.sys.mjs');
      await ExtensionPermissions.remove(ext.id, p, ext);
    }, permissions);
  }

  /** Trusts the CA certificate `pem` (for TLS servers) in this profile's certificate store. */
  trust(pem) {
    const der = pem.replace(/-----[^-]+-----|\s/g, '');
    return this.chrome((_, base64) => {
      Cc['@mozilla.org/security/x509certdb;1'].getService(Ci.nsIX509CertDB).addCertFromBase64(base64, 'C,,');
    }, der);
  }

  /** Sets the colour scheme pages see (Firefox has no per-page emulation: a pref, for every page). */
  colorScheme(scheme) {
    const value = { dark: 0, light: 1 }[scheme] ?? 2;
    return this.chrome((_, v) => Services.prefs.setIntPref('layout.css.prefers-color-scheme.content-override', v), value);
  }

  /** Adds to a puppeteer page the few Playwright methods the shared scenarios use. */
  playwrightShaped(page) {
    const close = page.close.bind(page);
    const press = page.keyboard.press.bind(page.keyboard);
    page.keyboard.press = (key, options) => press(key === 'Space' ? ' ' : key, options); // Playwright's name for it
    return Object.assign(page, {
      waitForTimeout: sleep,
      setViewportSize: ({ width, height }) => page.setViewport({ width, height }),
      emulateMedia: ({ colorScheme }) => {
        page.schemeSet = true;
        return this.colorScheme(colorScheme);
      },
      textContent: (selector) => page.$eval(selector, (el) => el.textContent),
      fill: (selector, value) => page.$eval(selector, (el, v) => {
        el.value = v;
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, value),
      /** A chosen file, as the file picker hands it over. */
      setInputFiles: (selector, { name, mimeType, buffer }) => page.$eval(selector, (el, n, type, text) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], n, { type }));
        el.files = transfer.files;
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }, name, mimeType, buffer.toString('utf8')),
      locator: (selector) => ({ screenshot: async (options) => (await page.$(selector)).screenshot(options) }),
      close: async () => {
        if (page.schemeSet) await this.colorScheme(null);
        await close();
      },
    });
  }

  /**
   * Runs `fn({ ext, global, window }, ...args)` in the browser window's privileged scope and
   * returns its JSON result. `ext` is the add-on's Extension object, `global` the WebExtension
   * parent global (tabTracker, browserActionFor), `window` the browser window (browser.xhtml).
   */
  async chrome(fn, ...args) {
    const connection = this.browser.connection;
    const { result: { contexts } } = await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
    const win = contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml');
    const expression = `(async () => {
      const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
      const ext = ExtensionParent.GlobalManager.getExtension(${JSON.stringify(this.addonId)});
      const global = ExtensionParent.apiManager.global;
      return JSON.stringify(await (${fn})({ ext, global, window }, ...${JSON.stringify(args)}) ?? null);
    })()`;
    const { result } = await connection.send('script.evaluate', {
      expression,
      target: { context: win.context },
      awaitPromise: true,
      resultOwnership: 'none',
    });
    if (result.type === 'exception') throw new Error(`chrome scope: ${result.exceptionDetails.text}`);
    return JSON.parse(result.result.value);
  }

  /**
   * A new tab on `url`; each gets a unique address, so the extension's tab id can be found.
   * Returns `{ page, tabId }` (the page carries its `tabId` too).
   */
  async open(url, { width = 1200, height = 800 } = {}) {
    const page = this.playwrightShaped(await this.browser.newPage());
    await page.setViewport({ width, height });
    const unique = `${url}${url.includes('?') ? '&' : '?'}tab=${++this.pages}`;
    await page.goto(unique);
    page.tabId = await this.chrome(({ global, window }, u) => {
      const tab = window.gBrowser.tabs.find((t) => t.linkedBrowser.currentURI.spec === u);
      return tab ? global.tabTracker.getId(tab) : null;
    }, unique);
    return { page, tabId: page.tabId };
  }

  /**
   * An extension page in a tab. BiDi drops events from extension processes, so page.goto never
   * resolves there: navigate without waiting and poll the document.
   */
  async openExtensionPage(file, { width = 1200, height = 800 } = {}) {
    const page = this.playwrightShaped(await this.browser.newPage());
    await page.setViewport({ width, height });
    await page.mainFrame().browsingContext.navigate(this.base + file, 'none');
    await until(() => page.evaluate(() => document.readyState === 'complete' && location.protocol === 'moz-extension:' &&
      document.body.dataset.ready === 'true').catch(() => false), file);
    return page;
  }

  /** Calls `globalThis.linkscope[name](...args)` in the event page (waking it if suspended). */
  bg(name, ...args) {
    return this.driver.evaluate(async (n, a) => {
      const { linkscope } = await browser.runtime.getBackgroundPage();
      return JSON.parse(JSON.stringify((await linkscope[n](...a)) ?? null));
    }, name, args);
  }

  /** The settings in browser.storage.sync (null when none). */
  stored() {
    return this.driver.evaluate(async () => (await browser.storage.sync.get('settings')).settings ?? null);
  }

  setStored(settings) {
    return this.driver.evaluate((s) => browser.storage.sync.set({ settings: s }), settings);
  }

  /** Presses Alt+Shift+L (the manifest's shortcut) as real key events in the browser window. */
  async pressShortcut(page) {
    await page.bringToFront();
    await this.chrome(({ window }) => {
      window.gBrowser.selectedBrowser.focus();
      const tip = Cc['@mozilla.org/text-input-processor;1'].createInstance(Ci.nsITextInputProcessor);
      if (!tip.beginInputTransactionForTests(window)) throw new Error('no keyboard');
      const keys = [['Alt', 'AltLeft', 18], ['Shift', 'ShiftLeft', 16], ['L', 'KeyL', 76]];
      const event = ([key, code, keyCode]) => new window.KeyboardEvent('', { key, code, keyCode });
      for (const k of keys) tip.keydown(event(k));
      for (const k of keys.reverse()) tip.keyup(event(k));
    });
  }

  /** The shortcuts Firefox registered for the add-on: [modifiers, key] pairs. */
  shortcuts() {
    return this.chrome(({ window }) =>
      [...window.document.querySelectorAll('keyset[id^="ext-keyset-id-linkscope"] key')].map((k) => [k.getAttribute('modifiers'), k.getAttribute('key')]));
  }

  /**
   * Right-clicks `selector` in `page` and returns the labels of the add-on's items in the real
   * context menu; with `pick`, chooses the item with that menu id (opening its submenus first).
   */
  async contextMenu(page, selector, pick) {
    await page.bringToFront();
    // A menu still closing from the last pick would be read instead of the new one.
    await until(() => this.chrome(({ window }) => window.document.getElementById('contentAreaContextMenu').state === 'closed'), 'the context menu to close');
    await page.click(selector, { button: 'right' });
    const prefix = `${this.addonId.replace(/[^a-z0-9_-]/gi, '_')}-menuitem-`;
    return this.chrome(async ({ window }, itemPrefix, id) => {
      const menu = window.document.getElementById('contentAreaContextMenu');
      const deadline = Date.now() + 5000;
      while (menu.state !== 'open') {
        if (Date.now() > deadline) throw new Error('the context menu did not open');
        await new Promise((resolve) => window.setTimeout(resolve, 20));
      }
      const items = [...menu.querySelectorAll(`[id^="${itemPrefix}_"]`)];
      const labels = Object.fromEntries(items.map((m) => [m.id.slice(itemPrefix.length + 1), m.label]));
      if (id === null) {
        menu.hidePopup();
        return labels;
      }
      const item = items.find((m) => m.id === `${itemPrefix}_${id}`);
      if (!item) throw new Error(`no menu item ${id}`);
      // Open the submenus on the way, outermost first, as a user's pointer would.
      const chain = [];
      for (let p = item.closest('menupopup'); p && p !== menu; p = p.parentNode.closest('menupopup')) chain.unshift(p);
      for (const p of chain) {
        const shown = new Promise((resolve) => p.addEventListener('popupshown', resolve, { once: true }));
        p.parentNode.openMenu(true);
        await shown;
      }
      item.closest('menupopup').activateItem(item);
      return labels;
    }, prefix, pick ?? null);
  }

  /** Clicks the toolbar button: opens (or closes) the real popup for the selected tab. */
  async clickToolbarButton(page) {
    await page?.bringToFront();
    await this.chrome(({ ext, global, window }) => {
      global.browserActionFor(ext).triggerAction(window);
    });
  }

  /**
   * Runs `fn(popupWindow, ...args)` in the open toolbar popup (reached from the driver page,
   * which shares its process); undefined while no popup is open.
   */
  inPopup(fn, ...args) {
    return this.driver.evaluate(`(() => {
      const [win] = browser.extension.getViews({ type: 'popup' });
      return win ? (${fn})(win, ...${JSON.stringify(args)}) : undefined;
    })()`);
  }

  /** Text in the system clipboard, read by the browser itself. */
  readClipboard() {
    return this.chrome(({ window }) => {
      const transfer = Cc['@mozilla.org/widget/transferable;1'].createInstance(Ci.nsITransferable);
      transfer.init(null);
      transfer.addDataFlavor('text/plain');
      Services.clipboard.getData(transfer, Ci.nsIClipboard.kGlobalClipboard, window.browsingContext.currentWindowContext);
      const out = {};
      try {
        transfer.getTransferData('text/plain', out);
      } catch {
        return null;
      }
      return out.value.QueryInterface(Ci.nsISupportsString).data;
    });
  }

  /** Puts `text` in the clipboard, so a test sees whether something new was copied. */
  writeClipboard(text) {
    return this.chrome((_, t) => {
      Cc['@mozilla.org/widget/clipboardhelper;1'].getService(Ci.nsIClipboardHelper).copyString(t);
    }, text);
  }

  /** Waits for the clipboard to hold something other than `previous`. */
  clipboardChange(previous) {
    return until(async () => {
      const text = await this.readClipboard();
      return text !== previous ? { text } : null;
    }, 'the clipboard to change').then(({ text }) => text);
  }

  /** Waits for a finished download named `name` and returns its text (then removes it). */
  async downloaded(name) {
    const file = path.join(this.downloads, name);
    // Firefox creates the file empty, writes NAME.part and then moves it over the file.
    await until(async () => {
      const names = await readdir(this.downloads);
      return names.includes(name) && !names.includes(`${name}.part`) && (await stat(file)).size > 0;
    }, `the download ${name}`);
    const text = await readFile(file, 'utf8');
    await rm(file);
    return text;
  }

  /** The event page's state: starting, running, suspending or stopped. */
  backgroundState() {
    return this.chrome(({ ext }) => ext.backgroundState);
  }

  /** Suspends the event page, as Firefox does when it has been idle. */
  async suspendBackground() {
    await this.chrome(({ ext }) => ext.terminateBackground({ disableResetIdleForTest: true }));
  }
}
