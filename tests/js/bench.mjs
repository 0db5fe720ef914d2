// Benchmark: WASM batch classification in Node (boundary included) against a plain-JavaScript
// classifier, on the corpus written by `linkscope-bench`; and the size of the .wasm.
// Run through `./build.sh bench`. Prints figures; asserts nothing.
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { loadCore } from './core.mjs';
import { classifyPlain } from './plain-classifier.mjs';

const corpus = (await readFile(new URL('../../target/bench-corpus.txt', import.meta.url), 'utf8')).split('\n');
const core = await loadCore();
const base = 'https://blog.example.org/2026/kettles/';

function best(fn, runs = 7) {
  let min = Infinity;
  let result;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = fn();
    min = Math.min(min, performance.now() - t);
  }
  return { ms: min, result };
}

const wasm = best(() => core.classifyBatch(corpus, base));
const plain = best(() => corpus.map((href) => classifyPlain(href, base)));
const amazon = (links) => links.filter((l) => l.amazon).length;
const rate = (ms) => ((corpus.length / ms) * 1000 / 1e6).toFixed(2);

console.log(`corpus: ${corpus.length} links`);
console.log(`wasm classifyBatch: ${rate(wasm.ms)} M links/s (${wasm.ms.toFixed(1)} ms, ${amazon(wasm.result)} Amazon)`);
console.log(`plain JS (new URL + RegExp): ${rate(plain.ms)} M links/s (${plain.ms.toFixed(1)} ms, ${amazon(plain.result)} Amazon)`);
console.log(`wasm / plain JS: ${(plain.ms / wasm.ms).toFixed(2)}x (target >= 2x)`);

const bytes = await readFile(new URL('../../dist/wasm/linkscope_bg.wasm', import.meta.url));
const kb = (n) => (n / 1024).toFixed(1);
console.log(`linkscope_bg.wasm: ${kb(bytes.length)} KiB raw, ${kb(gzipSync(bytes, { level: 9 }).length)} KiB gzipped (target <= 150 KB raw, <= 60 KB gzipped)`);
