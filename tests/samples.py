"""Plaintexts the codec test files share: every size class from empty to just under the 1 MiB
limit, text, all byte values, and incompressible bytes (a SHA-256 counter stream); and the
tests' way of running work on several threads at once."""

import hashlib
import threading

import stdcompress as sc

MAX = sc.limits()["max_string"]


def run_threads(target, args_list) -> list:
    """Runs target(*args) on a thread for each args, all at once, and joins them; returns what
    they raised (an exception or failed assert in a thread does not fail a test by itself)."""
    errors = []

    def guarded(*args):
        try:
            target(*args)
        except Exception as e:
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=args) for args in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


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
