#!/usr/bin/env bash
# The scale benchmark (not part of the tests: it needs ~2 GB of disk, ~8 GB
# of memory and several minutes): a 1.3 GB profile (10M stacks,
# `pprof-lens-gen huge`) through the CLI and the page, which opens profiles
# up to 1.4 GB uncompressed (and a 775 MB one, 6M stacks). Every time also as
# a ratio to `gzip -dc` of the same file.
# usage: scripts/bench-huge.sh   (after scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bins -q
mkdir -p bench-data
[ -f bench-data/huge.pb.gz ] || target/release/pprof-lens-gen huge bench-data/huge.pb.gz
[ -f bench-data/xl.pb.gz ] || target/release/pprof-lens-gen 6000000:100000:5 bench-data/xl.pb.gz
for f in bench-data/huge.pb.gz bench-data/xl.pb.gz; do
  gz=$( { /usr/bin/time -f %e sh -c "gzip -dc '$f' > /dev/null"; } 2>&1 )
  out=$( { /usr/bin/time -f "%e %M" target/release/pprof-lens top --timings "$f" > /dev/null; } 2>&1 )
  wall=$(echo "$out" | tail -1 | cut -d' ' -f1); rss=$(echo "$out" | tail -1 | cut -d' ' -f2)
  stages=$(echo "$out" | grep timings || true)
  python3 -c "import sys; w, g, r = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]); print(f'{sys.argv[4]}: CLI top {w:.1f}s = {w / g:.2f}x gzip -dc ({g:.1f}s), peak RSS {r / 1e6:.2f} GB; {sys.argv[5]}')" \
    "$wall" "$gz" "$rss" "$(basename "$f") ($(stat -c %s "$f") bytes)" "$stages"
done
node scripts/bench-page.mjs 1 xl huge
