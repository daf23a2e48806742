#!/usr/bin/env bash
# Installs what the build and tests need, idempotently. Cached tools live
# under .tools/ (ignored by git).
#   - the wasm32-unknown-unknown target (the core is built for the browser in CI)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tools
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
echo "setup: ok"
