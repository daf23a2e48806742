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
# npm's binaryen (pinned in package.json; never Debian's wasm-opt 108, which
# breaks wasm-bindgen's output): 7% smaller gzipped, keeping the page under
# its 500 KB budget. SKIP_WASM_OPT=1 skips it for quick local builds.
if [ "${SKIP_WASM_OPT:-0}" != 1 ]; then
  node_modules/binaryen/bin/wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals dist/pkg/pprof_lens_bg.wasm -o dist/pkg/pprof_lens_bg.wasm
fi
cp index.html dist/
cp -r www dist/www
# Graphviz for the Graph view, vendored from npm (pinned in package.json);
# the page loads it only when the Graph view first opens.
mkdir -p dist/vendor
cp node_modules/@hpcc-js/wasm-graphviz/dist/index.js dist/vendor/graphviz.js
cp node_modules/@hpcc-js/wasm-graphviz/LICENSE dist/vendor/graphviz.LICENSE
node scripts/single-file.mjs dist
echo "build: dist/ ($(du -sh dist | cut -f1)), dist/pprof-lens.html"
