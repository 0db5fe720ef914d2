// The options page: home store, a tracking ID per marketplace (checked as typed), OneLink,
// link preferences, and import/export of the profile JSON. The core validates everything;
// an invalid import leaves the saved settings untouched.
import { initCore, marketplaces, checkTrackingId, validateProfile } from './core.js';
import { loadSettings, saveProfile } from './settings.js';
import { validateImport, fileText, describeErrors } from './import.js';
import { t, said, countryName, localize, el } from './messages.js';

const $ = (id) => document.getElementById(id);

let table = [];
/** The form as last saved or loaded (JSON), to tell unsaved changes. */
let savedForm = '';

/** Draws the form for `profile`. */
function render(profile) {
  const home = $('home');
  home.replaceChildren(...table.map((m) => el('option', { value: m.domain, textContent: `${countryName(m)} (${m.domain})` })));
  home.value = profile.home;
  $('ids').replaceChildren(...table.map((m) => idRow(m, profile)));
  updateHome();
  $('keep-variant').checked = profile.preferences?.keepVariant ?? true;
  $('keep-subtag').checked = profile.preferences?.keepSubtag ?? true;
  const target = profile.preferences?.copyTarget ?? 'link';
  document.querySelector(`input[name=copy-target][value="${target}"]`).checked = true;
  markSaved();
}

function idRow(m, profile) {
  const input = el('input', { type: 'text', dir: 'ltr', id: `id-${m.domain}`, value: profile.trackingIds?.[m.domain] ?? '', spellcheck: false, autocomplete: 'off' });
  input.placeholder = m.tagSuffix ? t('idPlaceholder', m.tagSuffix) : '';
  input.dataset.marketplace = m.domain;
  const hint = el('span', { className: 'hint', id: `hint-${m.domain}` });
  input.setAttribute('aria-describedby', hint.id);
  input.addEventListener('input', () => checkId(input, hint));
  checkId(input, hint);
  const onelink = el('input', { type: 'checkbox', id: `onelink-${m.domain}`, checked: (profile.oneLink ?? []).includes(m.domain) });
  onelink.dataset.marketplace = m.domain;
  onelink.dataset.eligible = String(m.onelinkFromUs);
  const name = el('label', { htmlFor: input.id }, el('div', { className: 'name', textContent: countryName(m) }), el('div', { className: 'domain', dir: 'ltr', textContent: m.domain }));
  const onelinkLabel = el('label', { className: 'check' }, onelink, el('span', { className: 'visually-hidden', textContent: t('onelinkFor', countryName(m)) }));
  const why = el('span', { className: 'why', id: `why-${m.domain}` });
  onelink.setAttribute('aria-describedby', why.id);
  const row = el('tr', {}, el('td', {}, name), el('td', {}, input, hint), el('td', {}, onelinkLabel, why));
  row.dataset.marketplace = m.domain;
  return row;
}

/** The core's verdict on a tracking ID as it is typed: an error, a suffix warning, or nothing. */
function checkId(input, hint) {
  const value = input.value.trim();
  const { error, warning } = value ? checkTrackingId(value, input.dataset.marketplace) : { error: null, warning: null };
  hint.textContent = error ? said(error) : warning ? said(warning) : '';
  hint.className = `hint ${error ? 'error' : warning ? 'warning' : ''}`;
  input.setAttribute('aria-invalid', String(Boolean(error)));
}

/**
 * The home store's row first, the others by name; OneLink boxes only where OneLink can link a
 * store to the home one (not the home itself; for a US home, only the marketplaces Amazon
 * lists), and a disabled box says why.
 */
function updateHome() {
  const home = $('home').value;
  const rows = [...$('ids').children];
  $('ids').append(...rows.filter((r) => r.dataset.marketplace === home), ...rows.filter((r) => r.dataset.marketplace !== home));
  for (const box of document.querySelectorAll('input[id^="onelink-"]')) {
    const m = box.dataset.marketplace;
    const why = m === home ? t('optionsOnelinkHome') : home === 'amazon.com' && box.dataset.eligible !== 'true' ? t('optionsOnelinkNotFromUs') : '';
    box.disabled = Boolean(why);
    if (why) box.checked = false;
    $(`why-${m}`).textContent = why;
    box.closest('tr').classList.toggle('home-row', m === home);
  }
}

/** Shows whether the form differs from what is saved; leaving then asks first. */
function markSaved() {
  savedForm = JSON.stringify(formProfile());
  updateUnsaved();
}

const unsaved = () => savedForm !== '' && JSON.stringify(formProfile()) !== savedForm;

function updateUnsaved() {
  $('unsaved').hidden = !unsaved();
}

/** The profile the form describes (the core's JSON form, not yet validated). */
function formProfile() {
  const trackingIds = {};
  for (const input of document.querySelectorAll('#ids input[type=text]')) {
    if (input.value.trim()) trackingIds[input.dataset.marketplace] = input.value.trim();
  }
  const oneLink = [...document.querySelectorAll('input[id^="onelink-"]:checked')].map((b) => b.dataset.marketplace);
  return {
    version: 1,
    home: $('home').value,
    trackingIds,
    oneLink,
    preferences: {
      keepVariant: $('keep-variant').checked,
      keepSubtag: $('keep-subtag').checked,
      copyTarget: document.querySelector('input[name=copy-target]:checked').value,
    },
  };
}

/** Lists profile field errors (`{ field, message }`, said in words) or plain lines. */
function showErrors(list, errors) {
  const lines = errors.map((e) => (typeof e === 'string' ? e : describeErrors([e])[0]));
  $(list).replaceChildren(...lines.map((text) => el('li', { textContent: text })));
}

function flash(id, text) {
  $(id).textContent = text;
  setTimeout(() => ($(id).textContent = ''), 4000);
}

async function save(event) {
  event.preventDefault();
  const checked = validateProfile(formProfile());
  showErrors('save-errors', checked.errors);
  if (!checked.ok) return;
  try {
    await saveProfile(checked.profile);
    markSaved();
    flash('save-status', t('saved'));
  } catch (e) {
    showErrors('save-errors', [`${t('settings')}: ${e.message}`]);
  }
}

async function importText(text) {
  const checked = validateImport(text);
  showErrors('import-errors', checked.errors);
  if (!checked.ok) {
    flash('import-status', '');
    return;
  }
  try {
    await saveProfile(checked.profile);
  } catch (e) {
    showErrors('import-errors', [`${t('settings')}: ${e.message}`]);
    return;
  }
  render(checked.profile);
  $('import-text').value = '';
  flash('import-status', t('imported'));
}

async function exportSettings() {
  const { settings } = await loadSettings();
  const text = `${JSON.stringify(settings.profile, null, 2)}\n`;
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  el('a', { href: url, download: 'linkscope-profile.json' }).click();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

async function main() {
  localize();
  await initCore();
  const collator = new Intl.Collator(chrome.i18n.getUILanguage());
  table = marketplaces().marketplaces.toSorted((a, b) => collator.compare(countryName(a), countryName(b))); // home first: updateHome
  const { settings, writable } = await loadSettings();
  render(settings.profile);
  $('read-only').hidden = writable;
  $('save').disabled = !writable;
  $('home').addEventListener('change', updateHome);
  $('profile-form').addEventListener('input', updateUnsaved);
  $('profile-form').addEventListener('change', updateUnsaved);
  addEventListener('beforeunload', (e) => {
    if (unsaved()) e.preventDefault();
  });
  $('profile-form').addEventListener('submit', save);
  $('export').addEventListener('click', exportSettings);
  $('import').addEventListener('click', () => importText($('import-text').value));
  $('import-file').addEventListener('change', async (e) => {
    const [file] = e.target.files;
    e.target.value = '';
    if (!file) return;
    const text = fileText(await file.arrayBuffer());
    if (text === null) showErrors('import-errors', [{ field: '(file)', message: t('optionsBinaryFile', file.name) }]);
    else await importText(text);
  });
  document.body.dataset.ready = 'true';
}

main().catch((e) => showErrors('save-errors', [`${t('settings')}: ${e.message}`]));
