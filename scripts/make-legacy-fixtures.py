#!/usr/bin/env python3
"""Writes the legacy profiles of tests/data/legacy/ that no producer on this
machine writes, from the gperftools ones there (cpu.prof, heap.prof: from
program.c.txt with Debian's google-perftools, see tests/data/CORPUS.md):
  growth.prof       heap.prof's samples under a growthz header
  contentionz.prof  a C++ contentionz text (cycles/second, sampling period,
                    ms since reset) over heap.prof's stacks and memory map
  cpu32be.prof      a 32-bit big-endian CPU profile (Go's before 1.9 on
                    such machines) with two mappings
Deterministic; Python's standard library only."""
import os, re, struct

d = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "legacy")
heap = open(os.path.join(d, "heap.prof")).read()
head, _, maps = heap.partition("MAPPED_LIBRARIES:")
lines = [l for l in head.splitlines()[1:] if l.strip()]
growth = "heap profile: %s @ growthz\n" % re.match(r"heap profile:\s*(.*?)\s*@", heap).group(1)
growth += "\n".join(lines) + "\n\nMAPPED_LIBRARIES:" + maps
open(os.path.join(d, "growth.prof"), "w").write(growth)

cz = "--- contentionz \ncycles/second = 2000000000\nsampling period = 100\nms since reset = 60000\n"
for i, l in enumerate(lines):
    stack = l.split("@", 1)[1].strip()
    cz += "%d %d @ %s\n" % (1000000 * (i + 1), 3 * (i + 1), stack)
cz += "--- Memory map: ---\n" + maps.lstrip("\n")
open(os.path.join(d, "contentionz.prof"), "w").write(cz)

w = lambda *xs: b"".join(struct.pack(">I", x) for x in xs)
cpu = w(0, 3, 0, 10000, 0)
for count, stack in [(7, [0x10001010, 0x10002020, 0x10003030]), (3, [0x10001050, 0x10002020, 0x10003030]),
                     (2, [0x20001000, 0x10002060, 0x10003030]), (1, [0x10003031])]:
    cpu += w(count, len(stack), *stack)
cpu += w(0, 1, 0)
cpu += b"10000000-10010000 r-xp 00000000 08:01 1 /usr/bin/server\n20000000-20010000 r-xp 00000000 08:01 2 /lib/libc.so.6\n"
open(os.path.join(d, "cpu32be.prof"), "wb").write(cpu)

# The older Java agents' profiles: heapz and contentionz texts, and the
# binary CPU profile whose header says Java (third word 1), each ending with
# the frames of its addresses.
frames = """0x00000001 com.example.Cache.put (Cache.java:42)
0x00000002 com.example.Server.handle (Server.java:17)
0x00000003 com.example.Main.main (Main.java:9)
0x00000004 java.util.HashMap.resize (HashMap.java:704)
0x00000005 com.example.Json.parse (/src/com/example/Json.java)
0x00000006 generated stub/JIT
0x00000007 java.lang.Object.wait
"""
heapz = """--- heapz 1 ---
format = java
resolution = bytes
 7340032 112 @ 0x00000004 0x00000001 0x00000002 0x00000003
 1048576 16 @ 0x00000005 0x00000002 0x00000003
 65536 1 @ 0x00000006 0x00000003
""" + frames
open(os.path.join(d, "java.heapz.prof"), "w").write(heapz)
contentionz = """--- contentionz 1 ---
format = java
resolution = microseconds
sampling period = 100
ms since reset = 6000
 2000 10 @ 0x00000007 0x00000001 0x00000002 0x00000003
 500 4 @ 0x00000007 0x00000005 0x00000002 0x00000003
""" + frames
open(os.path.join(d, "java.contentionz.prof"), "w").write(contentionz)
w64 = lambda *xs: b"".join(struct.pack("<Q", x) for x in xs)
jcpu = w64(0, 3, 1, 10000, 0)
for count, stack in [(40, [1, 2, 3]), (25, [4, 1, 2, 3]), (10, [5, 2, 3]), (3, [6, 3])]:
    jcpu += w64(count, len(stack), *stack)
jcpu += w64(0, 1, 0) + frames.encode()
open(os.path.join(d, "java.cpu.prof"), "wb").write(jcpu)

# A thread profile (threadz): stacks per thread, "same as previous thread"
# counting into the one before, and a memory map.
threadz = """--- threadz 3 ---
# 3 threads

--- Thread 7f00a1 (name: main/100) stack: ---
  PC: 0x10001010 0x10002020 0x10003030
--- Thread 7f00a2 (name: worker/101) stack: ---
  PC: 0x10001050 0x10001050 0x10003031 0x10003030
--- Thread 7f00a3 (name: worker/102) stack: ---
  same as previous thread
--- Thread 7f00a4 (name: io/103) stack: ---
  PC: 0x20001000 0x10002060
  0x10003030
--- Memory map: ---
10000000-10010000 r-xp 00000000 08:01 1 /usr/bin/server
20000000-20010000 r-xp 00000000 08:01 2 /lib/libc.so.6
"""
open(os.path.join(d, "threadz.prof"), "w").write(threadz)
