#!/usr/bin/env bash
# Regenerates tests/data/cpu-runs/: CPU profiles of a small request loop
# (main.go.txt), six runs of one build (base1..6) and three of a build whose
# pricing step costs half as much again (slow1..3), each 5 s at 500 Hz. Needs Go
# (Debian's golang-go); the tests only read the profiles.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/tests/data/cpu-runs"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$out/main.go.txt" "$work/main.go"
(cd "$work" && go mod init cpuruns >/dev/null 2>&1 && go build -o cpuruns .)
for i in 1 2 3 4 5 6; do "$work/cpuruns" -seconds 5 -o "$out/base$i.pb.gz" 2>/dev/null; done
for i in 1 2 3; do "$work/cpuruns" -slow -seconds 5 -o "$out/slow$i.pb.gz" 2>/dev/null; done
