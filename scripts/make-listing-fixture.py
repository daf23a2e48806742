#!/usr/bin/env python3
"""Writes tests/data/listing/: a small CPU profile recorded with absolute
paths of a build machine (/build/ci/app/...), and its sources split over two
roots (repo/ and lib/), for the source listing's cases the corpus does not
cover: several -source_path roots, -trim_path, a function whose lines are in
two files, and inlined callees. Deterministic; Python's standard library only."""
import gzip, os

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "listing")

SOURCES = {
    "repo/app/main.go": [
        "package main", "", "import \"example.com/app/util\"", "",
        "func work(n int) int {", "\ttotal := 0", "\tfor i := 0; i < n; i++ {",
        "\t\ttotal += util.Sum(i)", "\t}", "\treturn total + helper(n)", "}", "",
        "func helper(n int) int {", "\treturn n * 2", "}", "",
        "func main() {", "\tfor {", "\t\twork(1000)", "\t}", "}",
    ],
    "repo/app/gen.go": [
        "package main", "", "// Code generated for the listing fixture.", "",
        "func helper2(n int) int {", "\tx := n", "\tx += 1", "\treturn x", "}",
    ],
    "lib/util/util.go": [
        "package util", "", "// Sum adds up to n.", "func Sum(n int) int {", "\ts := 0",
        "\tfor i := 0; i < n; i++ {", "\t\ts += i", "\t}", "\treturn s", "}",
    ],
}

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | 0x80 if n else b)
        if not n:
            return bytes(out)

def msg(f, body): return varint(f << 3 | 2) + varint(len(body)) + body
def num(f, v): return varint(f << 3) + varint(v)
def packed(f, vals): return msg(f, b"".join(varint(v) for v in vals))

strings = [""]
def s(x):
    if x not in strings:
        strings.append(x)
    return strings.index(x)

B = "/build/ci/"
funcs = [  # id, name, file
    (1, "main.main", B + "app/main.go"),
    (2, "main.work", B + "app/main.go"),
    (3, "example.com/app/util.Sum", B + "util/util.go"),
    (4, "main.helper", B + "app/main.go"),
    (5, "main.helper", B + "app/gen.go"),  # the same name in a second file (generated code)
]
locs = [  # id, [(function id, line)] innermost first
    (1, [(1, 19)]),
    (2, [(3, 7), (2, 8)]),  # util.Sum inlined into main.work at main.go:8
    (3, [(3, 6), (2, 8)]),
    (4, [(2, 7)]),
    (5, [(4, 14), (2, 10)]),  # main.helper inlined at main.go:10
    (6, [(5, 7)]),            # main.helper's lines in gen.go
    (7, [(2, 10)]),
]
samples = [  # leaf-first location ids, (samples, cpu ns)
    ([2, 1], 40), ([3, 1], 10), ([4, 1], 5), ([5, 1], 20), ([6, 7, 1], 15),
]
body = msg(1, num(1, s("samples")) + num(2, s("count")))
body += msg(1, num(1, s("cpu")) + num(2, s("nanoseconds")))
for ids, v in samples:
    body += msg(2, packed(1, ids) + packed(2, [v, v * 10_000_000]))
body += msg(3, num(1, 1) + num(2, 0x400000) + num(3, 0x800000) + num(5, s("/build/ci/app/app")) + num(7, 1) + num(8, 1) + num(9, 1))
for lid, lines in locs:
    body += msg(4, num(1, lid) + num(2, 1) + num(3, 0x401000 + lid * 16) + b"".join(msg(4, num(1, f) + num(2, l)) for f, l in lines))
for fid, name, file in funcs:
    body += msg(5, num(1, fid) + num(2, s(name)) + num(3, s(name)) + num(4, s(file)))
tail = num(9, 1_700_000_000_000_000_000) + num(10, 10_000_000_000) + msg(11, num(1, s("cpu")) + num(2, s("nanoseconds"))) + num(12, 10_000_000)
for x in strings:
    body += msg(6, x.encode())
body += tail
os.makedirs(here, exist_ok=True)
with open(os.path.join(here, "listing.cpu.pb.gz"), "wb") as f:
    f.write(gzip.compress(body, mtime=0))
for path, lines in SOURCES.items():
    full = os.path.join(here, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write("\n".join(lines) + "\n")
