#!/usr/bin/env python3
"""Writes tests/data/rust/rust.cpu.pb.gz: a small CPU profile with the long,
generic names Rust programs have (crates, `<T as Trait>::f`, closures), for
the page's colour-by-crate and menu/tooltip placement tests. Deterministic;
no dependency but Python's standard library."""
import gzip, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pbwrite import msg, num, packed, Strings

s = Strings()

funcs = {}
def func(name, file):
    if name not in funcs:
        funcs[name] = (len(funcs) + 1, file)
    return funcs[name][0]

LONG = ("<alloc::collections::btree::map::BTreeMap<alloc::string::String, alloc::vec::Vec<my_service::storage::Record>>"
        " as core::ops::drop::Drop>::drop::DropGuard<alloc::string::String, alloc::vec::Vec<my_service::storage::Record>,"
        " alloc::alloc::Global>::drop")
stacks = [
    (["std::rt::lang_start", "my_service::main", "my_service::server::handle", "my_service::storage::put"], 300),
    (["std::rt::lang_start", "my_service::main", "my_service::server::handle", "serde_json::de::from_str"], 200),
    (["std::rt::lang_start", "my_service::main", "my_service::storage::compact", LONG], 150),
    (["std::rt::lang_start", "my_service::main", "my_service::storage::compact", "core::ptr::drop_in_place<my_service::storage::Record>"], 100),
]
body = msg(1, num(1, s("samples")) + num(2, s("count")))
body += msg(1, num(1, s("cpu")) + num(2, s("nanoseconds")))
locs = {}
for frames, v in stacks:
    ids = []
    for f in reversed(frames):  # leaf first
        fid = func(f, "src/" + f.split("::")[0].lstrip("<") + ".rs")
        if fid not in locs:
            locs[fid] = len(locs) + 1
        ids.append(locs[fid])
    body += msg(2, packed(1, ids) + packed(2, [v, v * 10_000_000]))
for fid, lid in locs.items():
    body += msg(4, num(1, lid) + msg(4, num(1, fid) + num(2, 10 + fid)))
# The long name keeps its demangled form as it is: its system name is the
# mangled symbol (pprof simplifies a name only when it is its system name).
MANGLED = {LONG: "_ZN5alloc11collections5btree3map25BTreeMap$LT$K$C$V$C$A$GT$4drop17h0123456789abcdefE"}
for name, (fid, file) in funcs.items():
    body += msg(5, num(1, fid) + num(2, s(name)) + num(3, s(MANGLED.get(name, name))) + num(4, s(file)))
tail = msg(11, num(1, s("cpu")) + num(2, s("nanoseconds"))) + num(12, 10_000_000)
body += s.encode()
body += tail
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "data", "rust", "rust.cpu.pb.gz")
with open(out, "wb") as f:
    f.write(gzip.compress(body, mtime=0))
