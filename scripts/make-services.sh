#!/usr/bin/env bash
# Regenerates the profiles of the realistic services of the findings suite
# (tests/data/services/*/): each service's main.go.txt, with the shared
# snap.go.txt, is built as its own module and run, writing five heap and
# five goroutine snapshots and a debug=2 goroutine dump beside its source.
# Needs Go (Debian's golang-go, Go 1.19 here); the tests read the committed
# profiles and need no Go. Usage: scripts/make-services.sh [SERVICE...]
set -euo pipefail
cd "$(dirname "$0")/.."
root=tests/data/services
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(cd "$root" && ls -d */ | tr -d /))
for s in "${names[@]}"; do
  tmp=$(mktemp -d)
  cp "$root/$s/main.go.txt" "$tmp/main.go"
  cp "$root/snap.go.txt" "$tmp/snap.go"
  (cd "$tmp" && go mod init "example.com/$s" >/dev/null 2>&1 && go build -trimpath -o svc .)
  rm -f "$root/$s"/*.pb.gz "$root/$s"/goroutine.debug2.txt
  "$tmp/svc" "$PWD/$root/$s"
  rm -rf "$tmp"
  echo "make-services: $s: $(ls "$root/$s" | tr '\n' ' ')"
done
