#!/usr/bin/env bash
# The README's run command: builds the page and serves it on localhost,
# printing the URL (PORT=8080 by default). With arguments, runs the CLI
# instead, e.g. scripts/run.sh top tests/data/go-leaky/heap.6.pb.gz
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then
  scripts/setup.sh >/dev/null
  cargo build --release --bins -q
  exec target/release/pprof-lens "$@"
fi
scripts/build.sh
exec node scripts/serve.mjs dist
