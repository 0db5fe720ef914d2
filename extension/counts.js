// Counts in words, in the UI language: one definition for the extension's pages (through
// messages.js, which imports this file) and for the overlay's panel (a classic script injected
// after it). It only defines `globalThis.linkscopeCounts`, so it runs as either.
globalThis.linkscopeCounts ??= (() => {
  /** A number written the UI language's way (Arabic digits, thousands separators). */
  const count = (n) => new Intl.NumberFormat(chrome.i18n.getUILanguage()).format(n);

  /**
   * A count in words, plural-safe: the message `<key>_<category>` for the UI language's plural
   * category of `n` (`one`, `few`, `other`, …), falling back to `<key>_other`; `$1` is the number.
   */
  function plural(key, n) {
    const category = new Intl.PluralRules(chrome.i18n.getUILanguage()).select(n);
    return chrome.i18n.getMessage(`${key}_${category}`, [count(n)]) || chrome.i18n.getMessage(`${key}_other`, [count(n)]) || `${key}_other`;
  }

  return { count, plural };
})();
