"""A tiny protobuf writer for the fixture scripts (profile.proto's fields by
number; no dependency but Python's standard library)."""

def varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)

def field(num, wire, payload):
    return varint(num << 3 | wire) + payload

def msg(num, body):
    """A length-delimited field: a sub-message, bytes or a string."""
    return field(num, 2, varint(len(body)) + body)

def num(n, v):
    return field(n, 0, varint(v))

def packed(n, vals):
    return msg(n, b"".join(varint(v) for v in vals))

class Strings:
    """The string table: entry 0 is b""; strings may be bytes (not UTF-8)."""
    def __init__(self):
        self.table = [b""]
    def __call__(self, x):
        if isinstance(x, str):
            x = x.encode()
        if x not in self.table:
            self.table.append(x)
        return self.table.index(x)
    def encode(self):
        return b"".join(msg(6, x) for x in self.table)
