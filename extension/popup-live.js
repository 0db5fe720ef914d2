// The popup's "Check availability" (issue 9): for the product in the popup, whether each covered
// marketplace (all 22 when asked) carries it, with its title; where one doesn't, a tagged search
// for the title there, marked as a search. Only when the user presses the button; the service
// worker does the requests (they go on if the popup closes) and the copy rules are the core's:
// no row offers an untagged link.
import { t, count, el } from './messages.js';

const $ = (id) => document.getElementById(id);
const ICONS = { available: '●', otherSellersOnly: '◑', unavailable: '○', notFound: '✕', redirected: '↪', blocked: '◌', error: '‽', pending: '…' };

/** `getInput()`: the product (ASIN or link) now in the popup, or '' for none; `copy(text, what)` copies. */
export function setupAvailability({ getInput, copy, live }) {
  const section = $('availability');
  const button = $('check-availability');
  let port = null;
  const render = (rows) => $('availability-list').replaceChildren(...rows.map(row));

  function row(r) {
    const state = r.health?.kind ?? 'pending';
    const item = el('li', { className: `h-${state}` },
      el('span', { className: 'country', textContent: r.marketplace.replace(/^amazon\./, '') }),
      el('span', {},
        el('span', { className: 'state', textContent: `${ICONS[state]} ${t(`health_${state}`)}` }),
        r.search && r.url ? el('span', { className: 'search', textContent: `⌕ ${t('availabilitySearch')}` }) : '',
        r.title ? el('span', { className: 'title', dir: 'auto', textContent: r.title }) : '',
        r.url ? el('span', { className: 'url', dir: 'ltr', textContent: r.url }) : ''));
    item.dataset.marketplace = r.marketplace;
    item.dataset.state = state;
    if (r.search) item.dataset.search = 'true';
    if (r.health && r.url) {
      const b = el('button', { type: 'button', className: 'copy', textContent: t('copy') });
      b.setAttribute('aria-label', t(r.search ? 'availabilityCopySearch' : 'copyFor', r.marketplace));
      b.addEventListener('click', () => copy(r.url, r.search ? `${t('availabilitySearch')} (${r.marketplace})` : r.marketplace));
      item.append(b);
    } else if (r.health && !r.url && state !== 'blocked' && state !== 'error') {
      item.append(el('span', { className: 'refusal', textContent: t('availabilityNotCovered') }));
    } else {
      item.append(el('span'));
    }
    return item;
  }

  async function check() {
    const input = getInput();
    if (!input) return;
    if (!(await live.permitted())) {
      // From this click: the browser's prompt, after the note above the button said what it is for.
      const granted = await chrome.permissions.request(live.permissions()).catch(() => false);
      if (!granted) {
        $('availability-status').textContent = t('liveGrantRefused');
        return;
      }
    }
    port?.disconnect();
    port = chrome.runtime.connect({ name: 'availability' });
    const rows = new Map();
    button.disabled = true;
    $('availability-status').textContent = t('liveStarting');
    port.onMessage.addListener((msg) => {
      if (msg.type === 'row') {
        rows.set(msg.row.marketplace, msg.row);
        render([...rows.values()]);
        $('availability-status').textContent = t('availabilityProgress', count(rows.size));
      } else if (msg.type === 'done') {
        button.disabled = false;
        port.disconnect();
        port = null;
        if (msg.error) {
          $('availability-status').textContent = msg.error;
          return;
        }
        render(msg.rows);
        const here = msg.rows.filter((r) => r.health.kind === 'available' || r.health.kind === 'otherSellersOnly').length;
        $('availability-status').textContent = t('availabilityDone', count(here), count(msg.rows.length));
        section.dataset.done = 'true';
      }
    });
    delete section.dataset.done;
    port.postMessage({ type: 'availability', input, all: $('availability-all').checked });
  }

  button.addEventListener('click', check);
  return {
    /** The product changed: a new list is made on request. */
    reset(hasProduct) {
      section.hidden = !hasProduct;
      port?.disconnect();
      port = null;
      button.disabled = false;
      render([]);
      $('availability-status').textContent = '';
      delete section.dataset.done;
    },
  };
}
