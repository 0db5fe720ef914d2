// The WebAssembly core (dist/, as the extension runs it) and the native core (the CLI built by
// ./build.sh) give the same answers on every fixture and fuzz-corpus input, with and without a
// base page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCore, fixtureRows, fixtureProfile } from './core.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(root, 'target/release/linkscope');
const core = await loadCore();
const profile = await fixtureProfile();
const FIELDS = ['amazon', 'kind', 'marketplace', 'country', 'asin', 'tag', 'subtag', 'clean', 'problem'];
const pick = (o) => FIELDS.map((f) => o[f]);

/** The files of a fuzz corpus, as text (the links target's first byte picks a profile). */
function corpus(target, skip = 0) {
  const dir = path.join(root, 'fuzz/corpus', target);
  return readdirSync(dir).map((f) => readFileSync(path.join(dir, f)).subarray(skip).toString('utf8'));
}

// One link a line on both sides: the CLI reads lines and skips blank ones, so inputs are lines.
const usable = (s) => s.trim() !== '' && !/[\r\n]/.test(s);

test('wasm classifyBatch and the native CLI agree on the fixtures and the fuzz corpora', async () => {
  const fixtures = (await Promise.all(['classify.tsv', 'audit.tsv', 'copy.tsv'].map(fixtureRows))).flat().map((r) => r[1]);
  const inputs = [...new Set([...fixtures, ...corpus('classify').flatMap((t) => t.split('\n')), ...corpus('links', 1)])].filter(usable);
  assert.ok(inputs.length > 120, `${inputs.length} inputs`);
  const native = execFileSync(CLI, ['parse'], { input: inputs.join('\n'), maxBuffer: 1 << 26 }).toString().trim().split('\n').map((l) => JSON.parse(l));
  const wasm = core.classifyBatch(inputs);
  assert.equal(native.length, inputs.length);
  inputs.forEach((input, i) => {
    assert.equal(native[i].input, input);
    assert.deepEqual(pick(wasm[i]), pick(native[i]), input);
  });
});

const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

test('wasm auditBatch and the native CLI audit agree on the base-page corpus', () => {
  const byBase = new Map();
  for (const text of corpus('classify_base')) {
    const [base, link] = text.split(/\n(.*)/s);
    // An HTML attribute holds any text except what the tokenizer rewrites (NUL, CR, controls).
    if (link === undefined || !usable(link) || /[\0-\x1f]/.test(link + base)) continue;
    byBase.set(base, [...(byBase.get(base) ?? []), link]);
  }
  assert.ok(byBase.size >= 3);
  const dir = mkdtempSync(path.join(tmpdir(), 'linkscope-agree-'));
  try {
    const profileFile = path.join(dir, 'profile.json');
    writeFileSync(profileFile, JSON.stringify(profile));
    for (const [base, links] of byBase) {
      const page = path.join(dir, 'page.html');
      writeFileSync(page, links.map((l) => `<a href="${escapeHtml(l)}">x</a>\n`).join(''));
      const out = JSON.parse(execFileSync(CLI, ['audit', page, '--profile', profileFile, '--base-url', base, '--format', 'json']).toString());
      const wasm = core.auditBatch(profile, links, base);
      assert.deepEqual(
        out.findings.map((f) => [f.index, f.verdict, ...pick(f)]),
        wasm.findings.map((f) => [f.index, f.verdict, ...pick(f.link ?? f)]),
        base,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
