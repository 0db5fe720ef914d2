// The usual extension approach, for comparison in the benchmark only: `new URL` plus regular
// expressions, producing the same fields as the core's classifier.
const DOMAINS = ['amazon.ae', 'amazon.ca', 'amazon.co.jp', 'amazon.co.uk', 'amazon.com', 'amazon.com.au',
  'amazon.com.be', 'amazon.com.br', 'amazon.com.mx', 'amazon.com.tr', 'amazon.de', 'amazon.eg', 'amazon.es',
  'amazon.fr', 'amazon.ie', 'amazon.in', 'amazon.it', 'amazon.nl', 'amazon.pl', 'amazon.sa', 'amazon.se', 'amazon.sg'];
const STORE = new Map();
for (const d of DOMAINS) for (const sub of ['', 'www.', 'smile.', 'm.']) STORE.set(sub + d, d);
const SHORT = new Set(['amzn.to', 'a.co', 'amzn.eu', 'amzn.asia', 'amzn.com']);
const PRODUCT = /^\/(?:-\/[a-z]{2}\/)?(?:[^/]+\/)?(?:dp|gp\/product(?:\/glance)?|gp\/aw\/d|gp\/offer-listing|product-reviews|exec\/obidos\/ASIN|o\/ASIN)\/([A-Za-z0-9]{10})(?:[/?]|$)/i;
const NOISE = /^(?:ref_?|qid|sr|srs|sprefix|crid|keywords|linkCode|linkId|creativeASIN|camp|creative|dchild|smid|pd_rd_.*|pf_rd_.*|_encoding|content-id)$/;

export function classifyPlain(href, base) {
  let url;
  try {
    url = new URL(href, base);
  } catch {
    return { amazon: false, kind: 'notAmazon' };
  }
  const host = url.hostname;
  if (SHORT.has(host)) {
    return { amazon: true, kind: 'short', marketplace: null, asin: null, tag: url.searchParams.get('tag'), clean: url.origin + url.pathname };
  }
  const domain = STORE.get(host);
  if (!domain || !/^https?:$/.test(url.protocol)) return { amazon: false, kind: 'notAmazon' };
  const tag = url.searchParams.get('tag');
  const m = PRODUCT.exec(url.pathname);
  if (m) {
    const asin = m[1].toUpperCase();
    return { amazon: true, kind: 'product', marketplace: domain, asin, tag, clean: `https://www.${domain}/dp/${asin}${tag ? `?tag=${tag}` : ''}` };
  }
  for (const name of [...url.searchParams.keys()]) if (NOISE.test(name)) url.searchParams.delete(name);
  const path = url.pathname.replace(/\/ref=.*$/, '');
  return { amazon: true, kind: 'other', marketplace: domain, asin: null, tag, clean: `https://www.${domain}${path}${url.search}` };
}
