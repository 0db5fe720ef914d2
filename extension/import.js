// Reading a settings import: JSON text or an object, checked by the core. Shared by the options
// page and the service worker so both take exactly the same path.
import { validateProfile } from './core.js';

/**
 * `{ ok, profile, errors, warnings }`; `profile` is the normalized form when ok. Text goes to the
 * core as it is, not through JSON.parse, so the core sees repeated keys and a byte order mark
 * and bounds size and nesting, exactly as the CLI does with a profile file.
 */
export function validateImport(input) {
  return validateProfile(input);
}
