// Settings migration: no update may lose a user's settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrate, SCHEMA, DEFAULT_PROFILE, hasTrackingId } from '../../extension/settings.js';

const profile = { version: 1, home: 'amazon.de', trackingIds: { 'amazon.de': 'me-21' }, oneLink: [] };

test('nothing stored: defaults, writable', () => {
  const { settings, writable } = migrate(undefined);
  assert.equal(writable, true);
  assert.equal(settings.schema, SCHEMA);
  assert.deepEqual(settings.profile, DEFAULT_PROFILE);
  assert.equal(settings.ui.format, 'url');
  assert.equal(hasTrackingId(settings.profile), false);
});

test('schema 0 (a bare profile) is carried over whole', () => {
  const { settings, writable } = migrate(structuredClone(profile));
  assert.equal(writable, true);
  assert.deepEqual(settings, { schema: 1, profile, ui: { format: 'url' } });
  assert.equal(hasTrackingId(settings.profile), true);
});

test('the current schema is kept, missing UI preferences get defaults', () => {
  const { settings } = migrate({ schema: 1, profile, ui: { format: 'html' } });
  assert.deepEqual(settings, { schema: 1, profile, ui: { format: 'html' } });
  assert.equal(migrate({ schema: 1, profile }).settings.ui.format, 'url');
});

test('a newer schema is read but never written back', () => {
  const newer = { schema: 7, profile, ui: { format: 'markdown' }, futureField: [1, 2] };
  const { settings, writable } = migrate(newer);
  assert.equal(writable, false);
  assert.deepEqual(settings.futureField, [1, 2]);
  assert.deepEqual(settings.profile, profile);
});
