#!/usr/bin/env python3
"""Writes tests/data/names/names.cpu.pb.gz: a CPU profile whose names take
every branch of pprof's symbolizer name rule (C++-looking names lose their
parameters and template arguments; Java constructors and Go generic methods
are kept; an empty name takes the system name; a name other than its system
name is kept) and strings that are not UTF-8 (a Latin-1 name and path, a
name cut inside a character). Deterministic; Python's standard library only."""
import gzip, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pbwrite import msg, num, packed, Strings

s = Strings()
# (name, system name, file, value)
leaves = [
    (b"main.caf\xe9", b"main.caf\xe9", b"/src/caf\xe9.go", 500),
    (b"main.trunc\xe2\x82", b"main.trunc\xe2\x82", b"/src/trunc.go", 400),
    ("ns::Foo::bar(int, char const*)", "ns::Foo::bar(int, char const*)", "/src/foo.cc", 300),
    ("std::vector<int, std::allocator<int> >::push_back(int const&)",
     "std::vector<int, std::allocator<int> >::push_back(int const&)", "/usr/include/vector", 250),
    ("loser.New[go.shape.uint64,go.shape.interface { At() storage.SeriesRef; Err() error; Next() bool }]",
     "loser.New[go.shape.uint64,go.shape.interface { At() storage.SeriesRef; Err() error; Next() bool }]",
     "/src/loser/loser.go", 200),
    ("main.(*Cache[...]).Put", "main.(*Cache[...]).Put", "/src/cache.go", 150),
    ("java.lang.Thread.<init>(java.lang.Runnable)", "java.lang.Thread.<init>(java.lang.Runnable)", "Thread.java", 120),
    ("", "cpp::from::system(int)", "/src/sys.cc", 100),
    ("already::demangled(int)", "_ZN7already9demangledEi", "/src/d.cc", 80),
    ("a::b)c(d", "a::b)c(d", "/src/odd.cc", 60),
    ("Foo::operator()(int) const", "Foo::operator()(int) const", "/src/op.cc", 40),
]
body = msg(1, num(1, s("samples")) + num(2, s("count")))
body += msg(1, num(1, s("cpu")) + num(2, s("nanoseconds")))
funcs = [("main.main", "main.main", "/src/main.go")] + [(n, sn, f) for n, sn, f, _ in leaves]
# Location i+1 holds function i+1 (one line each); sample = leaf, main.main.
for i, (n, sn, f, v) in enumerate(leaves):
    body += msg(2, packed(1, [i + 2, 1]) + packed(2, [v, v * 10_000_000]))
for i in range(len(funcs)):
    body += msg(4, num(1, i + 1) + num(3, 0x1000 + 16 * i) + msg(4, num(1, i + 1) + num(2, 10 + i)))
for i, (n, sn, f) in enumerate(funcs):
    body += msg(5, num(1, i + 1) + num(2, s(n)) + num(3, s(sn)) + num(4, s(f)))
body += s.encode()
body += msg(11, num(1, s("cpu")) + num(2, s("nanoseconds"))) + num(12, 10_000_000)
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "data", "names", "names.cpu.pb.gz")
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "wb") as f:
    f.write(gzip.compress(body, mtime=0))

# A label value with a double quote: pprof writes label boxes unescaped, so
# the DOT of this profile is not valid and Graphviz refuses it (the page
# must say so and keep its other views).
s = Strings()
body = msg(1, num(1, s("samples")) + num(2, s("count")))
body += msg(1, num(1, s("cpu")) + num(2, s("nanoseconds")))
label = msg(3, num(1, s("handler")) + num(2, s('/api/"quoted"')))
body += msg(2, packed(1, [2, 1]) + packed(2, [5, 50_000_000]) + label)
for i in range(2):
    body += msg(4, num(1, i + 1) + msg(4, num(1, i + 1) + num(2, 3 + i)))
for i, n in enumerate(["main.main", "main.handle"]):
    body += msg(5, num(1, i + 1) + num(2, s(n)) + num(3, s(n)) + num(4, s("/src/main.go")))
body += s.encode()
with open(os.path.join(os.path.dirname(out), "quoted-label.cpu.pb.gz"), "wb") as f:
    f.write(gzip.compress(body, mtime=0))
