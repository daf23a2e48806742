#!/usr/bin/env bash
# Regenerates the project's own extra oracles (tests/data/*/expected-extra/)
# with `go tool pprof` (Debian's golang-go, Go 1.19's pprof, as the shared
# corpus used). Only needed when adding cases; tests never run Go.
# usage: scripts/make-oracles.sh
set -euo pipefail
cd "$(dirname "$0")/../tests/data"
command -v go >/dev/null || { echo "make-oracles: needs go (apt-get install golang-go)"; exit 2; }
export TZ=UTC
gen() { # DIR OUTPUT FLAGS INPUTS
  local dir=$1 out=$2 flags=$3 inputs=$4
  mkdir -p "$dir/expected-extra"
  (cd "$dir" && go tool pprof $flags $inputs > "expected-extra/$out" 2>/dev/null) || { echo "failed: $dir $out"; exit 1; }
  printf '%s\t%s\t%s\n' "$out" "$flags" "$inputs" >> "$dir/expected-extra/MANIFEST.tsv"
}
# Go 1.19's pprof keeps only the last -diff_base; upstream pprof merges
# them, as pprof-lens does. The oracle merges the bases with pprof first.
gen_bases() { # DIR OUTPUT FLAGS BASES INPUTS
  local dir=$1 out=$2 flags=$3 bases=$4 inputs=$5 tmp
  tmp=$(mktemp --suffix=.pb.gz)
  (cd "$dir" && go tool pprof -proto $bases > "$tmp" 2>/dev/null \
    && go tool pprof $flags -diff_base="$tmp" $inputs > "expected-extra/$out" 2>/dev/null) || { echo "failed: $dir $out"; exit 1; }
  rm -f "$tmp"
  printf '%s\t%s\t%s\n' "$out" "$flags $(printf -- '-diff_base=%s ' $bases)" "$inputs" >> "$dir/expected-extra/MANIFEST.tsv"
}
for d in go-leaky node synth names legacy; do rm -rf "$d/expected-extra"; done

L=go-leaky
gen $L cpu.lines.default.txt "-top -lines" cpu.pb.gz
gen $L cpu.files.default.txt "-top -files" cpu.pb.gz
gen $L cpu.filefunctions.txt "-top -nodecount=0 -nodefraction=0 -filefunctions" cpu.pb.gz
gen $L cpu.addresses.txt "-top -nodecount=0 -nodefraction=0 -addresses" cpu.pb.gz
gen $L cpu.addresses.noinlines.txt "-top -nodecount=0 -nodefraction=0 -addresses -noinlines" cpu.pb.gz
gen $L cpu.lines.noinlines.txt "-top -nodecount=0 -nodefraction=0 -lines -noinlines" cpu.pb.gz
gen $L cpu.hide-sort.txt "-top -hide=sort" cpu.pb.gz
gen $L cpu.show-main.txt "-top -nodecount=0 -nodefraction=0 -show=main" cpu.pb.gz
gen $L cpu.show_from.txt "-top -nodecount=0 -nodefraction=0 -show_from=sortRecords" cpu.pb.gz
gen $L cpu.show_from.lines.txt "-top -nodecount=0 -nodefraction=0 -lines -show_from=sort" cpu.pb.gz
gen $L cpu.focus-ignore.txt "-top -focus=encodeOrders -ignore=json" cpu.pb.gz
gen $L cpu.tagignore.txt "-top -tagignore=handler=/api/users" cpu.pb.gz
gen $L cpu.tagfocus-nokey.txt "-top -tagfocus=/api/report" cpu.pb.gz
gen $L cpu.tagfocus-two.txt "-top -tagfocus=handler=/api/report,/api/details" cpu.pb.gz
gen $L cpu.cum20.ms.txt "-top -cum -nodecount=20 -unit=ms" cpu.pb.gz
gen $L cpu.auto.txt "-top -unit=auto" cpu.pb.gz
gen $L cpu.nf05.txt "-top -nodefraction=0.05" cpu.pb.gz
gen $L cpu.samples.nodecount5.txt "-top -sample_index=0 -nodecount=5" cpu.pb.gz
gen $L cpu.traces.txt "-traces" cpu.pb.gz
gen $L cpu.traces.lines.txt "-traces -lines" cpu.pb.gz
gen $L heap.6.traces.txt "-traces" heap.6.pb.gz
gen $L heap.6.tagfocus-64kb.txt "-top -tagfocus=bytes=64kb" heap.6.pb.gz
gen $L heap.6.tagfocus-range.txt "-top -tagfocus=1kb:64kb -nodecount=0 -nodefraction=0" heap.6.pb.gz
gen $L heap.6.tagignore-range.txt "-top -tagignore=:8kb" heap.6.pb.gz
gen $L heap.6.tagfocus-nokey.txt "-top -tagfocus=256kb -sample_index=alloc_space" heap.6.pb.gz
gen $L heap.6.index1.cum.txt "-top -sample_index=1 -cum" heap.6.pb.gz
gen $L heap.6.lines.objects.txt "-top -lines -sample_index=inuse_objects" heap.6.pb.gz
gen $L heap.6.files.txt "-top -files" heap.6.pb.gz
gen $L heap.6.mb.txt "-top -unit=mb -nodecount=12" heap.6.pb.gz
gen $L allocs.space.n10.txt "-top -sample_index=alloc_space -nodecount=10" allocs.pb.gz
gen $L base.normalize.txt "-top -normalize -base=heap.1.pb.gz" heap.6.pb.gz
gen $L diff_base.default.txt "-top -diff_base=heap.1.pb.gz" heap.6.pb.gz
gen $L diff_base.cum.txt "-top -cum -diff_base=heap.3.pb.gz -sample_index=alloc_space" heap.6.pb.gz
gen $L diff_base.goroutine.txt "-top -diff_base=goroutine.start.pb.gz" goroutine.end.pb.gz
gen $L base.self.txt "-top -base=heap.6.pb.gz" heap.6.pb.gz
gen $L merged.cpu.twice.txt "-top" "cpu.pb.gz cpu.pb.gz"
gen $L goroutine.end.traces.txt "-traces" goroutine.end.pb.gz
gen $L block.default.txt "-top" block.pb.gz
gen $L mutex.default.txt "-top" mutex.pb.gz
gen $L threadcreate.default.txt "-top" threadcreate.pb.gz
gen $L goroutine.end.default.txt "-top" goroutine.end.pb.gz
gen $L peek.sortRecords.txt "-peek=main.sortRecords" cpu.pb.gz
gen $L peek.main.txt "-peek=main" cpu.pb.gz
gen $L peek.lines.partition.txt "-peek=sort.partition -lines" cpu.pb.gz
gen $L peek.heap.loadUser.txt "-peek=loadUser|Put" heap.6.pb.gz
gen $L peek.diff.txt "-peek=main -diff_base=heap.1.pb.gz" heap.6.pb.gz
# What the page's table shows: every node, default sample type and unit.
gen $L cpu.all.txt "-top -nodecount=0 -nodefraction=0" cpu.pb.gz
# What the page's refinements show: every node.
gen $L cpu.refine.all.txt "-top -nodecount=0 -nodefraction=0 -focus=sortRecords|encodeOrders -ignore=insertionSort -hide=runtime" cpu.pb.gz
gen $L cpu.files.all.txt "-top -nodecount=0 -nodefraction=0 -files" cpu.pb.gz
gen $L cpu.tagfocus.all.txt "-top -nodecount=0 -nodefraction=0 -tagfocus=handler=^/api/users$" cpu.pb.gz
gen $L cpu.tagignore.all.txt "-top -nodecount=0 -nodefraction=0 -tagignore=handler=^/api/report$" cpu.pb.gz
# What the page's comparison table shows: every node, default unit.
gen $L diff_base.all.txt "-top -nodecount=0 -nodefraction=0 -diff_base=heap.1.pb.gz" heap.6.pb.gz
gen $L base.all.txt "-top -nodecount=0 -nodefraction=0 -base=heap.1.pb.gz" heap.6.pb.gz
gen $L diff_base.focus.all.txt "-top -nodecount=0 -nodefraction=0 -diff_base=heap.1.pb.gz -focus=handleDetails -hide=runtime" heap.6.pb.gz
gen $L diff_base.normalize.all.txt "-top -nodecount=0 -nodefraction=0 -normalize -diff_base=heap.1.pb.gz" heap.6.pb.gz
gen_bases $L diff_base.merged.all.txt "-top -nodecount=0 -nodefraction=0" "heap.1.pb.gz heap.2.pb.gz" "heap.5.pb.gz heap.6.pb.gz"
gen $L heap.6.all.txt "-top -nodecount=0 -nodefraction=0" heap.6.pb.gz
gen $L mutex.all.txt "-top -nodecount=0 -nodefraction=0" mutex.pb.gz
# The call graph beyond the corpus's: granularities, inlining, fractions,
# residual edges (hidden, focused and unselected nodes), merged profiles,
# -base, goroutines compared.
gen $L dot.cpu.lines.txt "-dot -lines" cpu.pb.gz
gen $L dot.cpu.noinlines.txt "-dot -noinlines" cpu.pb.gz
gen $L dot.cpu.files.txt "-dot -files" cpu.pb.gz
gen $L dot.cpu.addresses.txt "-dot -addresses -nodecount=40" cpu.pb.gz
gen $L dot.cpu.edgefraction.txt "-dot -edgefraction=0.02 -nodefraction=0.001" cpu.pb.gz
gen $L dot.cpu.hide.txt "-dot -hide=sort\\.(insertionSort|choosePivot)" cpu.pb.gz
gen $L dot.cpu.nodecount10.txt "-dot -nodecount=10" cpu.pb.gz
gen $L dot.cpu.all.txt "-dot -nodecount=0 -nodefraction=0 -edgefraction=0" cpu.pb.gz
gen $L dot.cpu.tagfocus.txt "-dot -tagfocus=handler=/api/users" cpu.pb.gz
gen $L dot.cpu.merged.txt "-dot" "cpu.pb.gz cpu.pb.gz"
gen $L dot.heap.6.alloc.txt "-dot -sample_index=alloc_space" heap.6.pb.gz
gen $L dot.heap.6.objects.cum.txt "-dot -sample_index=inuse_objects -cum" heap.6.pb.gz
gen $L dot.heap.6.base.txt "-dot -base=heap.1.pb.gz" heap.6.pb.gz
gen $L dot.allocs.txt "-dot -sample_index=alloc_space" allocs.pb.gz
gen $L dot.goroutine.diff.txt "-dot -diff_base=goroutine.start.pb.gz" goroutine.end.pb.gz
gen $L dot.mutex.txt "-dot" mutex.pb.gz

N=node
gen $N node.cpu.lines.txt "-top -lines" node.cpu.pb.gz
gen $N node.cpu.files.txt "-top -files" node.cpu.pb.gz
gen $N node.cpu.traces.txt "-traces" node.cpu.pb.gz
gen $N node.heap.default.txt "-top" node.heap.pb.gz
gen $N node.heap.traces.txt "-traces" node.heap.pb.gz
gen $N node.cpu.hide.txt "-top -hide=anonymous" node.cpu.pb.gz
gen $N node.cpu.peek.txt "-peek=." node.cpu.pb.gz
gen $N node.cpu.all.txt "-top -nodecount=0 -nodefraction=0" node.cpu.pb.gz
gen $N dot.node.cpu.lines.txt "-dot -lines -nodecount=30" node.cpu.pb.gz
gen $N node.heap.all.txt "-top -nodecount=0 -nodefraction=0" node.heap.pb.gz

S=synth
gen $S small.cpu.default.txt "-top" small.cpu.pb.gz
gen $S small.cpu.lines.txt "-top -lines" small.cpu.pb.gz
gen $S small.cpu.cum50.txt "-top -cum -nodecount=50" small.cpu.pb.gz
gen $S small.cpu.noinlines.txt "-top -noinlines" small.cpu.pb.gz
gen $S small.cpu.tagfocus.txt "-top -tagfocus=bytes=1kb:2kb" small.cpu.pb.gz
gen $S small.cpu.tagfocus-handler.txt "-top -tagfocus=handler=/api/search -tagignore=bytes=64" small.cpu.pb.gz
gen $S small.heap.default.txt "-top" small.heap.pb.gz
gen $S small.heap.files.txt "-top -files" small.heap.pb.gz
gen $S dot.small.cpu.txt "-dot" small.cpu.pb.gz
gen $S dot.small.cpu.nodecount8.txt "-dot -nodecount=8" small.cpu.pb.gz
gen $S dot.small.heap.txt "-dot" small.heap.pb.gz
gen $S dot.small.heap.objects.txt "-dot -sample_index=alloc_objects -nodefraction=0" small.heap.pb.gz
gen $S small.heap.diff.txt "-top -diff_base=small.heap.pb.gz -sample_index=alloc_space" small.heap.pb.gz
# Source listings beyond the corpus's: several roots, -trim_path, the
# -source_path heuristic, a function in two files, inlined callees
# (scripts/make-listing-fixture.py writes the profile and its sources).
LI=listing
rm -rf $LI/expected-extra
T=/build/ci
gen $LI list.all.roots.txt "-list=. -source_path=repo:lib -trim_path=$T" listing.cpu.pb.gz
gen $LI list.helper.twofiles.txt "-list=main.helper -source_path=repo:lib -trim_path=$T" listing.cpu.pb.gz
gen $LI list.sum.inlined.txt "-list=util.Sum -source_path=repo:lib -trim_path=$T" listing.cpu.pb.gz
gen $LI list.heuristic.txt "-list=main -source_path=repo/app" listing.cpu.pb.gz
gen $LI list.notrim.txt "-list=main.work -source_path=repo:lib" listing.cpu.pb.gz
gen $LI list.noinlines.txt "-list=main.work -noinlines -source_path=repo:lib -trim_path=$T" listing.cpu.pb.gz
gen $LI list.focus.samples.txt "-list=main -focus=helper -sample_index=samples -source_path=repo:lib -trim_path=$T" listing.cpu.pb.gz
gen $LI list.unit.txt "-list=work -unit=s -source_path=repo:lib -trim_path=$T" listing.cpu.pb.gz
gen $LI list.missing.txt "-list=main.work -source_path=nowhere:elsewhere -trim_path=$T" listing.cpu.pb.gz
gen $L list.cpu.lines.tagfocus.txt "-list=main.handle -tagfocus=handler=/api/users -source_path=src" cpu.pb.gz
gen $L list.alloc_objects.base.txt "-list=^main\\. -sample_index=alloc_objects -base=heap.1.pb.gz -source_path=src" heap.6.pb.gz
# pprof's name rule and strings that are not UTF-8
# (scripts/make-names-fixture.py writes the profile).
NA=names
gen $NA names.top.txt "-top -nodecount=0 -nodefraction=0" names.cpu.pb.gz
gen $NA names.lines.txt "-top -lines -nodecount=0 -nodefraction=0" names.cpu.pb.gz
gen $NA names.traces.txt "-traces" names.cpu.pb.gz
gen $NA names.dot.txt "-dot" names.cpu.pb.gz
gen $NA names.peek.txt "-peek=caf" names.cpu.pb.gz
# Legacy formats: gperftools' CPU and heap profiles (program.c.txt with
# Debian's google-perftools), and growthz, C++ contentionz and a 32-bit
# big-endian CPU profile (scripts/make-legacy-fixtures.py). No binary is
# read: addresses and [binary] names, as pprof shows them without symbols.
LG=legacy
for f in cpu.prof heap.prof growth.prof contentionz.prof cpu32be.prof; do
  gen $LG legacy.$f.top.txt "-top -symbolize=none" $f
  gen $LG legacy.$f.addresses.txt "-top -addresses -symbolize=none -nodecount=0 -nodefraction=0" $f
  gen $LG legacy.$f.traces.txt "-traces -symbolize=none" $f
done
gen $LG legacy.heap.objects.txt "-top -sample_index=objects -symbolize=none" heap.prof
gen $LG legacy.contentionz.contentions.txt "-top -sample_index=contentions -symbolize=none" contentionz.prof
gen $LG legacy.cpu.dot.txt "-dot -symbolize=none" cpu.prof
for f in java.heapz.prof java.contentionz.prof java.cpu.prof; do
  gen $LG legacy.$f.top.txt "-top -symbolize=none" $f
  gen $LG legacy.$f.lines.txt "-top -lines -symbolize=none -nodecount=0 -nodefraction=0" $f
  gen $LG legacy.$f.traces.txt "-traces -symbolize=none" $f
done
for c in "-top" "-traces" "-top -addresses -nodecount=0 -nodefraction=0"; do
  gen $LG "legacy.threadz$(echo $c | tr -d ' =' ).txt" "$c -symbolize=none" threadz.prof
done
gen $LG legacy.java.heapz.objects.txt "-top -sample_index=inuse_objects -symbolize=none" java.heapz.prof
# Go's ?debug=1 text profiles (tests/data/text/, written by program.go.txt):
# pprof names their frames <unknown>, pprof-lens takes the text's names, so
# tests/text_profiles.rs compares the values, labels, types and totals only.
rm -rf text/expected-text && mkdir -p text/expected-text
gen_text() { # OUTPUT FLAGS INPUT
  (cd text && go tool pprof $2 $3 > "expected-text/$1" 2>/dev/null) || { echo "failed: text $1"; exit 1; }
  printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> text/expected-text/MANIFEST.tsv
}
for f in heap allocs leaky.heap; do
  for t in alloc_objects alloc_space inuse_objects inuse_space; do
    u=B; case $t in *objects) u=count;; esac
    gen_text "$f.$t.traces.txt" "-traces -unit=$u -sample_index=$t" $f.debug1.txt
    gen_text "$f.$t.top.txt" "-top -nodecount=1 -unit=$u -sample_index=$t" $f.debug1.txt
  done
done
for f in mutex block; do
  gen_text "$f.delay.traces.txt" "-traces -unit=ns -sample_index=delay" $f.debug1.txt
  gen_text "$f.contentions.traces.txt" "-traces -sample_index=contentions" $f.debug1.txt
  gen_text "$f.delay.top.txt" "-top -nodecount=1 -unit=ns -sample_index=delay" $f.debug1.txt
  gen_text "$f.contentions.top.txt" "-top -nodecount=1 -sample_index=contentions" $f.debug1.txt
done
# pprof refuses threadcreate.debug1.txt (a stack of no address); the same
# profile without that sample is compared.
gen_text threadcreate.traces.txt "-traces" threadcreate.readable.debug1.txt
gen_text threadcreate.top.txt "-top -nodecount=1" threadcreate.readable.debug1.txt
# A heap profile with no samples (an empty base for the comparison tests).
(cd $L && go tool pprof -proto -focus=no-such-function heap.1.pb.gz > heap.empty.pb.gz 2>/dev/null)
echo "make-oracles: $(cat */expected-extra/MANIFEST.tsv | wc -l) cases written"
