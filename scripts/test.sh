#!/usr/bin/env bash
# Runs every test of the project (the README's test command):
#   formatting and lints; native unit and integration tests (conformance with
#   go tool pprof's oracles in tests/data, hostile inputs, semantics, fuzz
#   regressions); the wasm API tests (wasm-bindgen-test); the page build; and
#   the browser tests in headless Chromium (tests/browser/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
step() { printf '\n== %s\n' "$*"; }
step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy (deny warnings)"
cargo clippy --release --all-targets -- -D warnings
step "cargo test (native: unit, conformance, hostile inputs, semantics)"
cargo test --release
step "clippy for wasm32 (the binding file)"
cargo clippy --release --lib --target wasm32-unknown-unknown -- -D warnings
step "wasm API tests (wasm-bindgen-test, in Node)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="$PWD/.tools/cargo/bin/wasm-bindgen-test-runner" \
  cargo test --release --target wasm32-unknown-unknown --test wasm_api
step "build the page (wasm core, dist/, single file)"
scripts/build.sh
step "browser tests (headless chromium)"
node --test --test-concurrency=1 tests/browser/
step "browser tests in Firefox ESR (a core subset, puppeteer-core over WebDriver BiDi)"
node --test --test-concurrency=1 tests/firefox/
if [ -x ../shared/tools/conformance.sh ] && [ -d ../shared/corpus ]; then
  step "shared conformance script (optional: ../shared present)"
  # Every case, the dot oracles included (CONFORMANCE_SKIP=REGEX skips some).
  SKIP="${CONFORMANCE_SKIP-}" ../shared/tools/conformance.sh ../shared/corpus/* | tail -3
fi
printf '\nall tests passed\n'
