// Extension benchmark in headless Chromium (figures, no assertions), run by `./build.sh bench`:
// service-worker cold start including WebAssembly instantiation, and on a 10,000-link page the
// time from `inspect` to all badges drawn and the longest main-thread task meanwhile.
import { startServer, launch, tabIdOf } from './harness.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const { server, origin } = await startServer();
const browser = await launch();
try {
  const page = await browser.context.newPage();
  await page.goto(`${origin}/many-links.html?n=10000`);
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  const statuses = [];
  cdp.on('ServiceWorker.workerVersionUpdated', (e) => statuses.push(...e.versions.map((v) => v.runningStatus)));
  const waitFor = async (status) => {
    while (!statuses.includes(status)) await new Promise((r) => setTimeout(r, 20));
  };
  const extPage = await browser.context.newPage();
  await extPage.goto(`chrome-extension://${browser.extensionId}/offscreen.html`);

  const cold = [];
  for (let i = 0; i < 7; i++) {
    statuses.length = 0;
    await cdp.send('ServiceWorker.stopAllWorkers');
    await waitFor('stopped');
    statuses.length = 0;
    await extPage.evaluate(() => chrome.runtime.sendMessage({ type: 'wake' }));
    await waitFor('running');
    while (browser.context.serviceWorkers().length === 0) await new Promise((r) => setTimeout(r, 20));
    const worker = browser.context.serviceWorkers().at(-1);
    cold.push((await worker.evaluate(() => globalThis.linkscope.startup())).coreReadyMs);
  }
  console.log(`service worker cold start to core ready (wasm instantiated): median ${median(cold).toFixed(1)} ms over ${cold.length} starts (target < 20 ms)`);

  const worker = browser.context.serviceWorkers().at(-1);
  const tabId = await tabIdOf(worker, page);
  await worker.evaluate(() => globalThis.linkscope.importSettings({
    version: 1, home: 'amazon.com', trackingIds: { 'amazon.com': 'mysite-20', 'amazon.de': 'mysite0b-21' }, oneLink: ['amazon.fr'],
  }));
  const popupTimes = [];
  for (let i = 0; i < 7; i++) {
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html?tab=${tabId}`);
    await popup.waitForSelector('body[data-ready=true]');
    popupTimes.push(Number(await popup.getAttribute('body', 'data-useful-after-ms')));
    await popup.close();
  }
  console.log(`popup: links and coverage drawn ${median(popupTimes).toFixed(0)} ms after navigation start (median of ${popupTimes.length}; target well under 100 ms)`);
  const runs = [];
  for (let i = 0; i < 5; i++) {
    await page.reload();
    await page.evaluate(() => {
      globalThis.longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) globalThis.longest = Math.max(globalThis.longest, e.duration);
      }).observe({ type: 'longtask' });
    });
    const result = await worker.evaluate((id) => globalThis.linkscope.inspect(id), tabId);
    const longest = await page.evaluate(() => globalThis.longest);
    runs.push({ drawn: result.timing.drawnMs, longest, links: result.links.length });
    if (process.env.VERBOSE) console.log(result.timing);
  }
  console.log(`10,000-link page, ${runs[0].links} Amazon links: inspect to all badges drawn median ${median(runs.map((r) => r.drawn)).toFixed(0)} ms (target < 100 ms); ` +
    `longest main-thread task median ${median(runs.map((r) => r.longest)).toFixed(0)} ms (0 = none over 50 ms; target < 50 ms)`);
} finally {
  await browser.close();
  server.close();
}
