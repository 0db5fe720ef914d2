// The user's settings in chrome.storage.sync, under one key with a schema version:
//   { schema: 1, profile: <the core's profile JSON, version 1>, ui: { format } }
// migrate() brings anything ever stored up to the current schema, so no update loses settings,
// and never writes over settings saved by a newer Linkscope.

export const SCHEMA = 1;
export const STORAGE_KEY = 'settings';

export const DEFAULT_PROFILE = Object.freeze({
  version: 1,
  home: 'amazon.com',
  trackingIds: {},
  oneLink: [],
  preferences: { keepVariant: true, keepSubtag: true, copyTarget: 'link' },
});

const DEFAULT_UI = Object.freeze({ format: 'url' });

/**
 * `{ settings, writable }` for whatever storage holds. Schema 0 (early builds) kept the bare
 * profile under the key; a schema newer than this build's is read but not writable.
 */
export function migrate(stored) {
  if (stored === undefined || stored === null || typeof stored !== 'object') {
    return { settings: { schema: SCHEMA, profile: structuredClone(DEFAULT_PROFILE), ui: { ...DEFAULT_UI } }, writable: true };
  }
  let s = stored;
  if (s.schema === undefined) s = { schema: 1, profile: s, ui: {} };
  if (s.schema > SCHEMA) return { settings: { ...s, ui: { ...DEFAULT_UI, ...s.ui } }, writable: false };
  // Later schemas add their steps here: if (s.schema === 1) s = toSchema2(s); ...
  return { settings: { schema: SCHEMA, profile: s.profile ?? structuredClone(DEFAULT_PROFILE), ui: { ...DEFAULT_UI, ...s.ui } }, writable: true };
}

export async function loadSettings() {
  const { [STORAGE_KEY]: stored } = await chrome.storage.sync.get(STORAGE_KEY);
  return migrate(stored);
}

/** Saves a profile the core has validated (and normalized); keeps the UI preferences. */
export async function saveProfile(profile) {
  const { settings, writable } = await loadSettings();
  if (!writable) throw new Error('These settings were saved by a newer version of Linkscope. Update Linkscope to change them.');
  await chrome.storage.sync.set({ [STORAGE_KEY]: { ...settings, profile } });
}

export async function saveUi(ui) {
  const { settings, writable } = await loadSettings();
  if (writable) await chrome.storage.sync.set({ [STORAGE_KEY]: { ...settings, ui: { ...settings.ui, ...ui } } });
}

/** Whether the profile has any tracking ID yet (first run shows the way to the options). */
export const hasTrackingId = (profile) => Object.keys(profile.trackingIds ?? {}).length > 0;
