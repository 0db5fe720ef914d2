// What the extension's parts say to each other, and small helpers for extension pages' UI.
import './counts.js';

/** Message types, one `switch` in each receiver. */
export const MSG = Object.freeze({
  audit: 'audit', // overlay -> worker: { links, page } -> { findings, summary }
  pageSummary: 'pageSummary', // popup -> worker: { tabId } -> { summary } or { error }
  inspect: 'inspect', // popup -> worker: { tabId } -> { links, summary } or { error }
  openOptions: 'openOptions', // toast -> worker
  openGrant: 'openGrant', // toast, popup -> worker: { tabId? } opens the page that asks for live-check access
  liveGranted: 'liveGranted', // grant page -> worker: { tabId } access granted, run that tab's check
  clipboardWrite: 'clipboardWrite', // worker -> offscreen document: { text } -> { ok }
});

/** A UI string from _locales, with `$1`-style substitutions. */
export function t(key, ...subs) {
  return chrome.i18n.getMessage(key, subs.map(String)) || key;
}

/**
 * What the core said (a refused link, a tracking ID's problem: `{ code, message, marketplace?,
 * expected? }`, or an Error with those) in the UI's language; its English message when no
 * translation is known for it.
 */
export function said(what) {
  const { code, message, marketplace, expected } = what;
  return (code && chrome.i18n.getMessage(`core_${code}`, [marketplace ?? '', expected ?? ''])) || message;
}

/** `plural(key, n)`: a count in words; `count(n)`: a number, both in the UI language (counts.js). */
export const { plural, count } = globalThis.linkscopeCounts;

/** A marketplace's country in the UI language (Intl.DisplayNames), else the table's English name. */
export function countryName(marketplace) {
  try {
    return new Intl.DisplayNames([chrome.i18n.getUILanguage()], { type: 'region', fallback: 'none' }).of(marketplace.country)
      ?? marketplace.name;
  } catch {
    return marketplace.name;
  }
}

/** A new element with properties and children. */
export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/**
 * Fills `data-i18n` (text) and `data-i18n-<attr>` (attributes) under `root`; for the whole
 * document also its language and direction (Arabic lays out right to left).
 */
export function localize(root = document) {
  if (root === document) {
    document.documentElement.lang = chrome.i18n.getUILanguage();
    document.documentElement.dir = chrome.i18n.getMessage('@@bidi_dir') || 'ltr';
  }
  for (const el of root.querySelectorAll('*')) {
    for (const { name, value } of [...el.attributes]) {
      if (name === 'data-i18n') el.textContent = t(value);
      else if (name.startsWith('data-i18n-')) el.setAttribute(name.slice('data-i18n-'.length), t(value));
    }
  }
}
