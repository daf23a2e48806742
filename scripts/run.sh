#!/usr/bin/env bash
# The README's run command. Until the page lands, "the app" is the CLI:
# builds it (release) and prints its usage; pass arguments to run it, e.g.
#   scripts/run.sh top tests/data/go-leaky/heap.6.pb.gz
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
cargo build --release --bins -q
if [ $# -eq 0 ]; then
  target/release/pprof-lens --help
  echo "Try: scripts/run.sh top tests/data/go-leaky/heap.6.pb.gz"
else
  exec target/release/pprof-lens "$@"
fi
