// Loads the built core (dist/core.js and its .wasm) in Node for the binding tests and the benchmark.
import { readFile } from 'node:fs/promises';

const dist = new URL('../../dist/', import.meta.url);

export async function loadCore() {
  const core = await import(new URL('core.js', dist));
  await core.initCore(await readFile(new URL('wasm/linkscope_bg.wasm', dist)));
  return core;
}

/** Rows of a tab-separated fixture file, without comments and blank lines. */
export async function fixtureRows(name) {
  const text = await readFile(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
}

export async function fixtureProfile() {
  return JSON.parse(await readFile(new URL('../fixtures/profile.json', import.meta.url), 'utf8'));
}
