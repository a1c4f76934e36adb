"""Seeds for fuzz_decoders from the conformance corpus: each compressed fixture, prefixed with
the selector byte that sends it to its decoder (low nibble) and an output tier (high nibble).

    python -m fuzz.seeds DIR
"""

import sys
from pathlib import Path

from conformance.manifest import Corpus

# The order of decoders[] in fuzz_decoders.c.
DECODER = {"gzip": 0, "deflate": 1, "zlib": 2, "zstd": 3, "lz4": 4, "lz4frame": 5, "brotli": 6}
MAX_SEED = 200_000


def write(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    corpus = Corpus()
    n = 0
    for row in corpus.read():
        data = corpus.fixture(row).read_bytes()
        if row.codec not in DECODER or len(data) > MAX_SEED:
            continue
        for tier in (0, 1):  # 1 KiB and 64 KiB outputs: the held-result path gets exercised
            (out / f"{row.id}-{tier}").write_bytes(bytes([DECODER[row.codec] | tier << 4]) + data)
            n += 1
    return n


if __name__ == "__main__":
    print(f"{write(Path(sys.argv[1]))} seeds")
