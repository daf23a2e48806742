#!/usr/bin/env bash
# Benchmark of `pprof-lens top` on generated big profiles (release build).
# usage: scripts/bench.sh [RUNS] [SIZES...]   (default: 5 runs; medium large)
# Profiles are generated once, deterministically, into bench-data/ (ignored).
# Prints the median wall time, the median of each stage (decode, model,
# aggregate, report, from --timings) and the median peak RSS, each time also
# as a ratio to `gzip -dc` of the same file measured in the same run (the
# physical floor for reading it; machines differ, ratios travel).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}; shift || true
sizes=${*:-medium large}
cargo build --release --bins -q
mkdir -p bench-data
for size in $sizes; do
  f=bench-data/$size.pb.gz
  [ -f "$f" ] || target/release/pprof-lens-gen "$size" "$f"
  python3 - "$f" "$runs" <<'PY'
import os, re, resource, statistics, subprocess, sys, time
f, runs = sys.argv[1], int(sys.argv[2])
walls, rss, stages, floor = [], [], {}, []
for _ in range(runs):
    # The physical floor for reading the file: gzip -dc, in the same run.
    t0 = time.perf_counter()
    subprocess.run(["sh", "-c", f"gzip -dc '{f}' > /dev/null"], check=True)
    floor.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    p = subprocess.Popen(["target/release/pprof-lens", "top", "--timings", f], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, err = p.communicate()
    status = p.returncode
    walls.append(time.perf_counter() - t0)
    for k, v in re.findall(r"(\w+) ([0-9.]+)s", err):
        stages.setdefault(k, []).append(float(v))
    rss.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    if status != 0:
        sys.exit(f"bench: pprof-lens failed on {f}: {err}")
size = os.path.getsize(f) / 1e6
gz = statistics.median(floor)
st = "  ".join(f"{k} {statistics.median(v):.3f}s ({statistics.median(v) / gz:.2f}x)" for k, v in stages.items())
print(f"{os.path.basename(f)} ({size:.1f} MB gz): top median {statistics.median(walls):.3f}s = {statistics.median(walls) / gz:.2f}x gzip -dc "
      f"({gz:.3f}s) over {runs} runs (min {min(walls):.3f}s, max {max(walls):.3f}s); {st}; peak RSS {max(rss):.0f} MB")
PY
done
