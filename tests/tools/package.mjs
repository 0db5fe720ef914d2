// Stages the manifest into dist/ and writes the store packages from it, reproducibly.
//
//   node tests/tools/package.mjs [repo root]
//
// - dist/manifest.json: manifest.json with the version from Cargo.toml (the one version number).
// - target/package/linkscope-chrome.zip: dist/ as it is.
// - target/package/firefox/ and linkscope-firefox.zip: dist/ with the manifest patched for
//   Firefox (an event page instead of a service worker, the add-on id, no offscreen document).
// The zips hold their files in byte order of their paths with fixed timestamps and attributes, so
// building twice gives the same bytes; their SHA-256 sums are printed.
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

const root = path.resolve(process.argv[2] ?? '.');
const dist = path.join(root, 'dist');
const out = path.join(root, 'target/package');

const FIREFOX_DROPS = ['offscreen.html', 'offscreen.js'];

export function cargoVersion(cargoToml) {
  const pkg = cargoToml.split(/^\[/m).find((section) => section.startsWith('package]'));
  const version = pkg?.match(/^version\s*=\s*"([^"]+)"/m)?.[1];
  if (!version) throw new Error('Cargo.toml: no [package] version');
  return version;
}

export function chromeManifest(source, version) {
  return { ...source, version };
}

export function firefoxManifest(chrome) {
  const m = structuredClone(chrome);
  m.background = { scripts: [m.background.service_worker], type: 'module' };
  m.permissions = m.permissions.filter((p) => p !== 'offscreen');
  delete m.minimum_chrome_version;
  m.browser_specific_settings = {
    gecko: {
      id: 'linkscope@linkscope.dev',
      strict_min_version: '140.0',
      data_collection_permissions: { required: ['none'] },
    },
    // Firefox for Android reads data_collection_permissions from 142 on (desktop: 140).
    gecko_android: { strict_min_version: '142.0' },
  };
  return m;
}

/** Every file under `dir`, as forward-slash relative paths in byte order. */
async function listFiles(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/**
 * A zip of `files` ([name, bytes] pairs, in the order given): deflated, dated 1980-01-01 00:00,
 * no extra fields, regular-file permissions. Everything that could vary between builds is fixed.
 */
export function zip(files) {
  const DOS_TIME = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1;
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of files) {
    const nameBytes = Buffer.from(name, 'utf8');
    const packed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, packed);

    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(DOS_TIME, 12);
    entry.writeUInt16LE(DOS_DATE, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: rw-r--r--
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...central, end]);
}

async function zipDir(dir, file) {
  const names = await listFiles(dir);
  const files = await Promise.all(names.map(async (n) => [n, await readFile(path.join(dir, n))]));
  const bytes = zip(files);
  await writeFile(file, bytes);
  return createHash('sha256').update(bytes).digest('hex');
}

const json = (value) => JSON.stringify(value, null, 2) + '\n';

async function main() {
  const version = cargoVersion(await readFile(path.join(root, 'Cargo.toml'), 'utf8'));
  const chrome = chromeManifest(JSON.parse(await readFile(path.join(root, 'manifest.json'), 'utf8')), version);
  await writeFile(path.join(dist, 'manifest.json'), json(chrome));

  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const firefox = path.join(out, 'firefox');
  await cp(dist, firefox, { recursive: true });
  await writeFile(path.join(firefox, 'manifest.json'), json(firefoxManifest(chrome)));
  for (const f of FIREFOX_DROPS) await rm(path.join(firefox, f));

  for (const [name, dir] of [['linkscope-chrome.zip', dist], ['linkscope-firefox.zip', firefox]]) {
    const sum = await zipDir(dir, path.join(out, name));
    console.log(`${sum}  target/package/${name} (version ${version})`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
