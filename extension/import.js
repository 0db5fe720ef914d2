// Reading a settings import: JSON text or an object, checked by the core. Shared by the options
// page and the service worker so both take exactly the same path.
import { validateProfile } from './core.js';

/** `{ ok, profile, errors, warnings }`; `profile` is the normalized form when ok. */
export function validateImport(input) {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (e) {
      return { ok: false, profile: null, errors: [{ field: '(file)', message: `not valid JSON: ${e.message}` }], warnings: [] };
    }
  }
  return validateProfile(value);
}
