#!/usr/bin/env bash
# Installs what the build and tests need, idempotently. Cached tools live
# under .tools/ (ignored by git):
#   - the wasm32-unknown-unknown rust target
#   - wasm-bindgen-cli at exactly the version of the wasm-bindgen crate (.tools/cargo/bin)
#   - npm packages (playwright-core, puppeteer-core; @hpcc-js/wasm-graphviz, vendored into
#     dist/ for the Graph view; binaryen's wasm-opt) from package-lock.json
#   - Debian's chromium and firefox-esr, for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tools
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
# The CLI must match the crate exactly; read the version from Cargo.toml.
want=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml | head -1)
have=$(.tools/cargo/bin/wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ -n "$want" ] && [ "$have" != "$want" ]; then
  echo "setup: installing wasm-bindgen-cli $want (takes a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$want" --root .tools/cargo --force
fi
# The build needs the npm packages too (Graphviz, wasm-opt).
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/puppeteer-core ] \
   || [ ! -f node_modules/@hpcc-js/wasm-graphviz/dist/index.js ] || [ ! -x node_modules/binaryen/bin/wasm-opt ]; then
  echo "setup: npm ci (@hpcc-js/wasm-graphviz, binaryen, playwright-core, puppeteer-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ "${SETUP_BROWSER:-1}" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian's chromium"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi
fi
if [ "${SETUP_BROWSER:-1}" = 1 ] && [ ! -x /usr/bin/firefox-esr ]; then
  echo "setup: installing Debian's firefox-esr (the Firefox subset of the browser tests)"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq firefox-esr >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq firefox-esr >/dev/null; fi
fi
echo "setup: ok"
