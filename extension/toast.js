// A short message shown in a page after a context-menu action ("Copied" and the link, or why
// nothing was copied). Injected on demand; lives in its own shadow root; removes itself. Its
// direction follows the browser's UI language; the link in it keeps its own.
(() => {
  if (globalThis.linkscopeToast) return;

  const CSS = `
    :host { all: initial; }
    .toast { position: fixed; inset-inline-end: 16px; bottom: 16px; z-index: 2147483647; max-width: 420px;
      font: 13px/1.4 system-ui, sans-serif; color: #1b1b1f; background: #fff; border-radius: 10px;
      border-inline-start: 4px solid #e47911; box-shadow: 0 6px 24px rgb(0 0 0 / .25); padding: 10px 12px; }
    .title { font-weight: 600; margin-bottom: 2px; }
    .text { word-break: break-all; color: #44464f; }
    .actions { margin-top: 8px; display: flex; gap: 8px; justify-content: flex-end; }
    button { font: inherit; border: 1px solid #c4c6d0; background: #f3f3f6; border-radius: 6px; padding: 3px 10px; cursor: pointer; }
    @media (prefers-color-scheme: dark) {
      .toast { background: #2b2c31; color: #e4e2e6; } .text { color: #c4c6d0; }
      button { background: #3a3b41; color: #e4e2e6; border-color: #5d5e66; }
    }`;

  globalThis.linkscopeToast = ({ title, text, optionsButton, optionsLabel, grantButton, grantLabel, closeLabel }) => {
    document.querySelector('linkscope-toast')?.remove();
    const host = document.createElement('linkscope-toast');
    host.style.setProperty('all', 'initial', 'important');
    const root = host.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
    const box = document.createElement('div');
    box.className = 'toast';
    box.dir = chrome.i18n.getMessage('@@bidi_dir') || 'ltr'; // the browser's language, not the page's
    box.setAttribute('role', 'status');
    const heading = Object.assign(document.createElement('div'), { className: 'title', textContent: title });
    const body = Object.assign(document.createElement('div'), { className: 'text', dir: 'auto', textContent: text });
    const actions = Object.assign(document.createElement('div'), { className: 'actions' });
    if (optionsButton) {
      const open = Object.assign(document.createElement('button'), { textContent: optionsLabel });
      open.addEventListener('click', () => chrome.runtime.sendMessage({ type: 'openOptions' }));
      actions.append(open);
    }
    if (grantButton) {
      const grant = Object.assign(document.createElement('button'), { textContent: grantLabel });
      grant.addEventListener('click', () => chrome.runtime.sendMessage({ type: 'openGrant' }));
      actions.append(grant);
    }
    const close = Object.assign(document.createElement('button'), { textContent: closeLabel });
    close.addEventListener('click', () => host.remove());
    actions.append(close);
    box.append(heading, body, actions);
    root.append(box);
    document.documentElement.append(host);
    setTimeout(() => host.remove(), optionsButton || grantButton ? 10000 : 4000);
  };
})();
