// The store packages: one version (Cargo.toml's), Firefox's manifest form, and zips that come out
// byte for byte the same from the same dist/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { cargoVersion, zip } from '../tools/package.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.join(root, 'tests/tools/package.mjs');

/** A copy of the repository's inputs to packaging (manifest, Cargo.toml, dist/) in a temporary root. */
async function scratchRoot() {
  const dir = await mkdtemp(path.join(tmpdir(), 'linkscope-package-'));
  for (const f of ['manifest.json', 'Cargo.toml']) await cp(path.join(root, f), path.join(dir, f));
  await cp(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
  return dir;
}

const sha256 = async (file) => createHash('sha256').update(await readFile(file)).digest('hex');

/** The entries of a zip written by `zip`: name → contents, read from the central directory. */
function unzip(bytes) {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const files = new Map();
  for (let i = 0; i < count; i++) {
    const packedSize = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + bytes.readUInt16LE(local + 26);
    files.set(name, inflateRawSync(bytes.subarray(start, start + packedSize)));
    at += 46 + nameLength;
  }
  return files;
}

test('the version comes from Cargo.toml, and only from there', async () => {
  const cargo = await readFile(path.join(root, 'Cargo.toml'), 'utf8');
  const source = JSON.parse(await readFile(path.join(root, 'manifest.json'), 'utf8'));
  assert.equal(source.version, undefined, 'manifest.json must not carry a second version number');
  const built = JSON.parse(await readFile(path.join(root, 'dist/manifest.json'), 'utf8'));
  assert.equal(built.version, cargoVersion(cargo));
  assert.equal(cargoVersion('[package]\nname = "x"\nversion = "1.2.3"\n[dependencies]\nversion = "9"\n'), '1.2.3');
  assert.throws(() => cargoVersion('[dependencies]\nversion = "9"\n'), /no \[package\] version/);
});

test('packaging twice gives the same bytes; the zips hold dist/ and the Firefox variant', async () => {
  const dir = await scratchRoot();
  try {
    const sums = [];
    for (let run = 0; run < 2; run++) {
      execFileSync('node', [script, dir], { stdio: 'pipe' });
      sums.push(await Promise.all(['linkscope-chrome.zip', 'linkscope-firefox.zip']
        .map((z) => sha256(path.join(dir, 'target/package', z)))));
    }
    assert.deepEqual(sums[0], sums[1]);

    const chrome = unzip(await readFile(path.join(dir, 'target/package/linkscope-chrome.zip')));
    assert.deepEqual((await readFile(path.join(dir, 'dist/popup.js'))).compare(chrome.get('popup.js')), 0);
    assert.ok(chrome.has('wasm/linkscope_bg.wasm') && chrome.has('offscreen.html'));
    const names = [...chrome.keys()];
    assert.deepEqual(names, [...names].sort());

    const firefox = unzip(await readFile(path.join(dir, 'target/package/linkscope-firefox.zip')));
    assert.ok(!firefox.has('offscreen.html') && !firefox.has('offscreen.js'));
    const manifest = JSON.parse(firefox.get('manifest.json'));
    assert.deepEqual(manifest.background, { scripts: ['background.js'], type: 'module' });
    assert.ok(!manifest.permissions.includes('offscreen'));
    assert.equal(manifest.browser_specific_settings.gecko.id, 'linkscope@linkscope.dev');
    assert.equal(manifest.minimum_chrome_version, undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('zip entries round-trip, with fixed dates and names in the order given', () => {
  const files = [['a.txt', Buffer.from('hello')], ['dir/é.json', Buffer.from('{}\n'.repeat(100))]];
  const bytes = zip(files);
  assert.deepEqual([...unzip(bytes)], files);
  assert.equal(bytes.readUInt16LE(12), (1 << 5) | 1, 'local header date is 1980-01-01');
  assert.deepEqual(zip(files), bytes);
});
