// The service worker has no clipboard: it asks this offscreen document to write the text the
// user chose to copy.
import { MSG } from './messages.js';

chrome.runtime.onMessage.addListener((msg, _sender, respond) => {
  if (msg?.target !== 'offscreen' || msg.type !== MSG.clipboardWrite) return false;
  const area = document.querySelector('textarea');
  area.value = msg.text;
  area.select();
  respond({ ok: document.execCommand('copy') });
  return false;
});
