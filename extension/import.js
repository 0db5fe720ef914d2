// Reading a settings import: JSON text or an object, checked by the core, and the words for its
// errors. Shared by the options page and the service worker so both take exactly the same path.
import { validateProfile } from './core.js';
import { t } from './messages.js';

/**
 * `{ ok, profile, errors, warnings }`; `profile` is the normalized form when ok. Text goes to the
 * core as it is, not through JSON.parse, so the core sees repeated keys and a byte order mark
 * and bounds size and nesting, exactly as the CLI does with a profile file.
 */
export function validateImport(input) {
  return validateProfile(input);
}

/** The text of an imported file, or `null` when it is not UTF-8 text (an image chosen by mistake). */
export function fileText(bytes) {
  const data = new Uint8Array(bytes);
  if (data.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return null;
  }
}

/** `Amazon.in` for `amazon.in`: how link text and the popup name a marketplace. */
const label = (domain) => (domain.startsWith('amazon') ? `A${domain.slice(1)}` : domain);

/** A profile field path as a user reads it: `trackingIds.amazon.in` → "Amazon.in tracking ID". */
export function describeField(field) {
  const [, head, rest] = /^([A-Za-z()]+)(.*)$/.exec(field) ?? [, field, ''];
  const entry = /^\[(\d+)\]$/.exec(rest);
  const key = rest.startsWith('.') ? rest.slice(1) : '';
  switch (head) {
    case '(file)': return t('optionsFieldFile');
    case 'version': return t('optionsFieldVersion');
    case 'home': return t('optionsFieldHome');
    case 'trackingIds': return key ? t('optionsFieldTrackingId', label(key)) : t('optionsFieldTrackingIds');
    case 'oneLink': return entry ? t('optionsFieldOneLinkEntry', Number(entry[1]) + 1) : t('optionsFieldOneLink');
    case 'preferences': return key ? t('optionsFieldPreference', key) : t('optionsFieldPreferences');
    default: return t('optionsFieldOther', field);
  }
}

/** Field errors as lines a user reads: "Amazon.in tracking ID: …". */
export const describeErrors = (errors) => errors.map((e) => `${describeField(e.field)}: ${e.message}`);
