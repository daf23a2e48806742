#!/usr/bin/env python3
"""Writes tests/data/patterns/goroutineleak.pb.gz and goroutineleak.debug1.txt:
Go 1.26's goroutine leak profile (/debug/pprof/goroutineleak, experiment
goroutineleakprofile), as runtime/pprof writes it: the count profile
layout (sample and period type goroutineleak/count, period 1, one sample
per distinct stack, return-address locations) holding only the goroutines
the collector proved blocked forever. Two leaks: workers sending results on
a channel their caller stopped reading (the release notes' example), and
one waiting on a nil channel in a select. Deterministic; Python's standard
library only (Go 1.26 is not on this machine; the layout follows
runtime/pprof's printCountProfile)."""
import gzip, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pbwrite import msg, num, packed, Strings

# (count, stack innermost first: (function, file, line), created by)
groups = [
    (6, [("runtime.gopark", "runtime/proc.go", 464),
         ("runtime.chansend", "runtime/chan.go", 283),
         ("runtime.chansend1", "runtime/chan.go", 161),
         ("app.(*Server[go.shape.int,go.shape.int]).AggregateResults.func1", "app/server.go", 37)]),
    (2, [("runtime.gopark", "runtime/proc.go", 464),
         ("runtime.selectgo", "runtime/select.go", 351),
         ("app.(*Watcher).loop", "app/watch.go", 58)]),
]
s = Strings()
body = msg(1, num(1, s("goroutineleak")) + num(2, s("count")))
funcs, locs = {}, []
def loc(frame):
    name, file, line = frame
    if name not in funcs:
        funcs[name] = (len(funcs) + 1, file)
    locs.append((funcs[name][0], line))
    return len(locs)
for count, stack in groups:
    ids = [loc(f) for f in stack]
    body += msg(2, packed(1, ids) + packed(2, [count]))
body += msg(3, num(1, 1) + num(2, 0x400000) + num(3, 0x800000) + num(5, s("/srv/app")) + num(7, 1) + num(8, 1) + num(9, 1))
for i, (fid, line) in enumerate(locs):
    body += msg(4, num(1, i + 1) + num(2, 1) + num(3, 0x401000 + 0x40 * i) + msg(4, num(1, fid) + num(2, line)))
for name, (fid, file) in funcs.items():
    body += msg(5, num(1, fid) + num(2, s(name)) + num(3, s(name)) + num(4, s("/src/" + file)))
body += msg(11, num(1, s("goroutineleak")) + num(2, s("count"))) + num(12, 1)
body += num(9, 1_795_000_000_000_000_000)
# Strings last but before they are all known would miss some: encode now.
body += s.encode()
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "patterns")
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "goroutineleak.pb.gz"), "wb") as f:
    f.write(gzip.compress(body, mtime=0))
# The debug=1 text of the same profile.
lines = [f"goroutineleak profile: total {sum(c for c, _ in groups)}"]
addr = 0x401000
for count, stack in groups:
    pcs = []
    for _ in stack:
        pcs.append(addr)
        addr += 0x40
    lines.append(f"{count} @ " + " ".join(f"{a:#x}" for a in pcs))
    for a, (name, file, line) in zip(pcs, stack):
        lines.append(f"#\t{a:#x}\t{name}+0x1f\t/src/{file}:{line}")
    lines.append("")
with open(os.path.join(out, "goroutineleak.debug1.txt"), "w") as f:
    f.write("\n".join(lines) + "\n")
