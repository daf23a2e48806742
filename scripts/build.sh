#!/usr/bin/env bash
# Builds the page into dist/: the static site (index.html, www/, pkg/ with the
# wasm core) for GitHub Pages, and dist/pprof-lens.html, one self-contained
# file that works from file:// (JS, CSS and wasm inlined).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
cargo build --profile web --lib --target wasm32-unknown-unknown -q
rm -rf dist && mkdir -p dist/pkg
.tools/cargo/bin/wasm-bindgen --target web --no-typescript --out-dir dist/pkg \
  target/wasm32-unknown-unknown/web/pprof_lens.wasm
cp index.html dist/
cp -r www dist/www
node scripts/single-file.mjs dist
echo "build: dist/ ($(du -sh dist | cut -f1)), dist/pprof-lens.html"
