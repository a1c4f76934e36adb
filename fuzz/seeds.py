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
BATCH = 9  # fuzz_decoders.c: the multiDecompress selector
BATCH_CODECS = {"zstd": 0, "gzip": 2, "deflate": 3, "zlib": 4}


def batch_seed(codec: str, data: bytes) -> bytes | None:
    """A multiDecompress input: the fixture whole, then its second half (a corrupt item), in
    fuzz_decoders.c's layout: codec | (threads - 1) << 5, item count, per item (offset, length,
    size) as 16-bit little-endian numbers, the data."""
    if codec not in BATCH_CODECS or len(data) >= 1 << 16:
        return None
    half = len(data) // 2

    def u16(v):
        return v.to_bytes(2, "little")

    items = u16(0) + u16(len(data)) + u16(0) + u16(half) + u16(len(data) - half) + u16(0)
    return bytes([BATCH, BATCH_CODECS[codec] | 1 << 5, 2]) + items + data


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
        seed = batch_seed(row.codec, data)
        if seed is not None:
            (out / f"{row.id}-batch").write_bytes(seed)
            n += 1
    return n


if __name__ == "__main__":
    print(f"{write(Path(sys.argv[1]))} seeds")
