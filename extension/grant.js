// The page that explains what a live check reaches before the browser asks for it: the panel's
// "Check links", the popup's "Check availability" and the right-click copy of a short link open it
// when Linkscope has no access to Amazon yet. Its button asks the browser (a user gesture there);
// when granted, the check the user asked for in that tab starts.
import { initCore } from './core.js';
import { livePermissions } from './live.js';
import { MSG, t, localize } from './messages.js';

const $ = (id) => document.getElementById(id);
const tabId = Number(new URLSearchParams(location.search).get('tab')) || undefined;

async function allow() {
  let granted = false;
  try {
    granted = await chrome.permissions.request(livePermissions());
  } catch (e) {
    $('result').textContent = e.message;
  }
  $('result').classList.toggle('refused', !granted);
  if (!granted) {
    $('result').textContent ||= t('liveGrantRefused');
    return;
  }
  $('result').textContent = t('liveGrantGranted');
  await chrome.runtime.sendMessage({ type: MSG.liveGranted, tabId });
  setTimeout(() => window.close(), 800);
}

localize();
await initCore();
$('allow').addEventListener('click', allow);
$('cancel').addEventListener('click', () => window.close());
$('allow').focus();
document.body.dataset.ready = 'true';
