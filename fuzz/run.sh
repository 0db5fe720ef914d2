#!/usr/bin/env bash
# Runs every fuzz target for a bounded time against its checked-in corpus (fuzz/corpus/<target>).
#   fuzz/run.sh              each target for 15 s (what ./build.sh test runs)
#   fuzz/run.sh 600          each target for 10 minutes
#   fuzz/run.sh 600 links    one target
# New inputs go to a temporary directory, not to the corpus; a failure leaves its input in
# fuzz/artifacts/<target>/ and fails the run. cargo-fuzz needs nightly flags: on a stable
# toolchain RUSTC_BOOTSTRAP=1 allows them. -O: release without debug assertions, as shipped
# (idna_adapter's stub asserts on inputs it then rejects; see Cargo.toml).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=${1:-15}
shift || true
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "==> cargo install cargo-fuzz" >&2
  cargo install -q cargo-fuzz
fi

targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)
cargo fuzz build -O -s none >/dev/null
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t"
  echo "==> fuzz $t for ${SECONDS_EACH}s" >&2
  # The extraction target's seeds are the source fixtures themselves, read in place.
  case $t in
    extract) seeds=(tests/fixtures/sources tests/fixtures/site) ;;
    *) seeds=("fuzz/corpus/$t") ;;
  esac
  cargo fuzz run -O -s none "$t" "$scratch/$t" "${seeds[@]}" -- \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 2>&1 \
    | grep -E '^(Done |stat::number_of_executed_units)|panicked|ERROR|SUMMARY|Test unit' >&2
done
