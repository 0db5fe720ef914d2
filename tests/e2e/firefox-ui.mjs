// Every query the Firefox tests make into Linkscope's own DOM (overlay badges, popup rows,
// options fields), in one place: when the UI changes, adapt these and nothing else.
// Page functions run in a web page (`page.evaluate`); popup functions get the toolbar popup's
// window (`firefox.inPopup(fn, ...)`); options functions run in the options tab.

// ---- The overlay, in a web page -----------------------------------------------------------------

/** The verdicts of the links the overlay lists in its panel, in document order. */
export const badgeVerdicts = (page) =>
  page.evaluate(() => {
    const root = document.querySelector('linkscope-overlay')?.shadowRoot;
    const icons = root ? [...root.querySelectorAll('.row .icon')] : [];
    return icons.map((i) => [...i.classList].find((c) => c.startsWith('v-')).slice(2));
  });

/** How many Amazon links the overlay's panel counts (its title), or 0 before it shows. */
export const overlayTotal = (page) =>
  page.evaluate(() => {
    const title = document.querySelector('linkscope-overlay')?.shadowRoot.getElementById('ls-title');
    return Number(title?.textContent.replace(/\D/g, '') || 0);
  });

/** Badges drawn beside links in view (outlines and markers), by verdict. */
export const drawnBadges = (page) =>
  page.evaluate(() => {
    const root = document.querySelector('linkscope-overlay')?.shadowRoot;
    return root ? [...root.querySelectorAll('.badge:not([hidden])')].map((b) => b.dataset.verdict) : [];
  });

/** The text of the in-page note shown after a context-menu copy. */
export const toastText = (page) => page.evaluate(() => document.querySelector('linkscope-toast')?.shadowRoot.textContent ?? null);

// ---- The toolbar popup (functions of its window) -----------------------------------------------

export const popup = {
  ready: (win) => win.document.body.dataset.ready === 'true',
  firstRunShown: (win) => !win.document.getElementById('first-run').hidden,
  firstRunText: (win) => win.document.getElementById('first-run').textContent,
  pageSummary: (win) => win.document.getElementById('page-summary').textContent,
  /** Types a product link or ASIN; returns the marketplaces of the rows drawn. */
  generate: (win, text) => {
    const input = win.document.getElementById('product-input');
    input.value = text;
    input.dispatchEvent(new win.Event('input'));
    return [...win.document.querySelectorAll('#links li')].map((li) => li.dataset.marketplace);
  },
  productInput: (win) => win.document.getElementById('product-input').value,
  productInfo: (win) => win.document.getElementById('product-info').textContent,
  copy: (win, marketplace) => win.document.querySelector(`#links li[data-marketplace="${marketplace}"] button.copy`).click(),
  setFormat: (win, format) => win.document.querySelector(`input[name=format][value="${format}"]`).click(),
  format: (win) => win.document.querySelector('input[name=format]:checked').value,
};

// ---- The options page (functions run in its tab) ------------------------------------------------

export const options = {
  trackingId: (marketplace) => document.getElementById(`id-${marketplace}`).value,
  /** The selector of a marketplace's tracking-ID field, for real typing. */
  idField: (marketplace) => `#id-${marketplace.replaceAll('.', '\\.')}`,
  hint: (marketplace) => document.getElementById(`hint-${marketplace}`).textContent,
  save: () => document.getElementById('save').click(),
  saveStatus: () => document.getElementById('save-status').textContent,
  importText: (text) => {
    document.getElementById('import-text').value = text;
    document.getElementById('import').click();
  },
  importErrors: () => [...document.querySelectorAll('#import-errors li')].map((li) => li.textContent),
  importStatus: () => document.getElementById('import-status').textContent,
  exportSettings: () => document.getElementById('export').click(),
  readOnly: () => !document.getElementById('read-only').hidden && document.getElementById('save').disabled,
};
