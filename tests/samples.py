"""Plaintexts the codec test files share: every size class from empty to just under the 1 MiB
limit, text, all byte values, and incompressible bytes (a SHA-256 counter stream)."""

import hashlib

import stdcompress as sc

MAX = sc.limits()["max_string"]


def pseudo_random(n: int, seed: bytes = b"stdcompress") -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(seed + counter.to_bytes(8, "little")).digest()
        counter += 1
    return bytes(out[:n])


TEXT = b"".join(b"line %d: the quick brown fox jumps over the lazy dog\n" % i for i in range(400))
SAMPLES = {
    "empty": b"",
    "ascii": b"hello, world",
    "all_bytes": bytes(range(256)),
    "repetitive": b"abc" * 3400,
    "text": TEXT,
    "random": pseudo_random(5000),
    "near_cap": (TEXT * 60)[:MAX - 10],
}
