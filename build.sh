#!/usr/bin/env bash
# Linkscope's one build script.
#   ./build.sh          install what is missing, then build the extension into dist/, the store
#                       packages into target/package/ and the CLI
#   ./build.sh test     run every test: lints, Rust tests, binding tests in Node, Chromium end to
#                       end, each fuzz target for 15 s
#   ./build.sh bench    print benchmark figures
set -euo pipefail
cd "$(dirname "$0")"

WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml)
DEBIAN_RUST_PACKAGES="rustc-web cargo-web rust-web-src rust-web-llvm lld-22"
TEST_PACKAGES="chromium"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# apt-get install, as root or through sudo, only for packages not installed yet.
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "Missing packages: ${missing[*]}. Install them with your package manager." >&2
    return 1
  fi
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "apt-get install ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Which way to compile Rust to wasm32: 'rustup' where its wasm32 target is (or can be)
# installed, else 'debian': Debian's Rust with its own std source, built on the fly.
# LINKSCOPE_WASM_ROUTE=debian|rustup forces one.
wasm_route() {
  if [ -n "${LINKSCOPE_WASM_ROUTE:-}" ]; then echo "$LINKSCOPE_WASM_ROUTE"; return; fi
  if command -v rustup >/dev/null; then
    if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
      || timeout 120 rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
      echo rustup; return
    fi
  fi
  echo debian
}

setup() {
  ROUTE=$(wasm_route)
  log "wasm32 route: $ROUTE"
  if [ "$ROUTE" = debian ]; then apt_install $DEBIAN_RUST_PACKAGES; fi
  apt_install $TEST_PACKAGES
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
    cargo install -q wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
  fi
  if [ ! -d tests/node_modules ] || [ tests/package.json -nt tests/node_modules ]; then
    log "npm install (tests/)"
    npm install --prefix tests --no-audit --no-fund --loglevel=error
    touch tests/node_modules
  fi
}

build_wasm() {
  local out
  if [ "$ROUTE" = rustup ]; then
    cargo build -q --lib --profile wasm --target wasm32-unknown-unknown
    out=target/wasm32-unknown-unknown/wasm/linkscope.wasm
  else
    # rustup's shims come first on PATH: name Debian's tools explicitly.
    PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=target/debian \
      /usr/bin/cargo build -q --lib --profile wasm --target wasm32-unknown-unknown \
      -Zbuild-std=std,panic_abort
    out=target/debian/wasm32-unknown-unknown/wasm/linkscope.wasm
  fi
  mkdir -p dist/wasm
  # --experimental-reset-state-function: extension/core.js replaces an instance that faulted.
  wasm-bindgen "$out" --target web --out-dir dist/wasm --out-name linkscope \
    --remove-name-section --remove-producers-section --no-typescript \
    --experimental-reset-state-function
  # npm's binaryen: Debian's older wasm-opt corrupts reference-types output.
  tests/node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
    --enable-bulk-memory --enable-reference-types --enable-multivalue --enable-sign-ext \
    --enable-nontrapping-float-to-int --enable-mutable-globals \
    dist/wasm/linkscope_bg.wasm -o dist/wasm/linkscope_bg.wasm
}

stage_extension() {
  cp manifest.json dist/
  cp -r extension/. dist/
}

# Zips dist/ for the Chrome Web Store, and stages and zips a Firefox variant: the manifest
# gets Firefox's background form and add-on id, without Chrome-only keys.
package() {
  rm -rf target/package && mkdir -p target/package
  zip_dir dist target/package/linkscope-chrome.zip
  cp -r dist target/package/firefox
  node -e '
    const fs = require("fs");
    const file = "target/package/firefox/manifest.json";
    const m = JSON.parse(fs.readFileSync(file, "utf8"));
    m.background = { scripts: [m.background.service_worker], type: "module" };
    m.permissions = m.permissions.filter((p) => p !== "offscreen");
    delete m.minimum_chrome_version;
    m.browser_specific_settings = { gecko: {
      id: "linkscope@linkscope.dev", strict_min_version: "140.0",
      data_collection_permissions: { required: ["none"] } } };
    fs.writeFileSync(file, JSON.stringify(m, null, 2) + "\n");'
  rm target/package/firefox/offscreen.html target/package/firefox/offscreen.js
  zip_dir target/package/firefox target/package/linkscope-firefox.zip
}

zip_dir() {
  python3 - "$1" "$2" <<'PY'
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for d, _, files in sorted(os.walk(src)):
        for f in sorted(files):
            z.write(os.path.join(d, f), os.path.relpath(os.path.join(d, f), src))
PY
}

build() {
  setup
  log "build dist/"
  rm -rf dist
  build_wasm
  stage_extension
  package
  cargo build -q --release --bin linkscope
  log "dist/ is ready: load it unpacked at chrome://extensions (Developer mode)"
  log "store packages: target/package/linkscope-chrome.zip, target/package/linkscope-firefox.zip"
}

run_tests() {
  [ -f dist/wasm/linkscope_bg.wasm ] || { echo "Run ./build.sh first." >&2; exit 1; }
  log "cargo fmt --check"; cargo fmt --check
  log "cargo clippy"; cargo clippy -q --all-targets -- -D warnings
  log "cargo test"; cargo test -q 2>&1
  log "web-ext lint (Firefox variant)"
  tests/node_modules/.bin/web-ext lint --source-dir target/package/firefox --output text --no-input
  log "binding tests in Node, end-to-end tests in Chromium (node --test)"
  node --test --test-reporter=spec tests/js/ tests/e2e/
  log "fuzz targets, briefly (fuzz/run.sh)"; fuzz/run.sh 15
}

case "${1:-build}" in
  build) build ;;
  test) run_tests ;;
  bench)
    cargo run -q --release --bin linkscope-bench
    node tests/js/bench.mjs
    node tests/e2e/bench.mjs ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac
