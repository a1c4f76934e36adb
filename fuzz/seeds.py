"""Seeds for every fuzz target (fuzz/targets.py), from the conformance corpus: each compressed
fixture in the input layout its target reads (a selector byte or header, then the data).

    python -m fuzz.seeds DIR [TARGET ...]     writes DIR/<target>/<seed>
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from conformance.manifest import Corpus
from stdcompress._codecs import BATCHES, STREAMS

from .targets import BY_NAME, ONE_SHOT_LEN, TARGETS

MAX_SEED = ONE_SHOT_LEN - 16
ONE_SHOT_CODEC = {"gunzip": "gzip", "inflate": "deflate", "unzlib": "zlib", "zstd": "zstd",
                  "lz4": "lz4", "lz4frame": "lz4frame", "brotli": "brotli", "xz": "xz"}
# fuzz_stream.c's codec byte: the registry's order (lz4 streams are LZ4 frames)
STREAM_CODEC = {("lz4frame" if c == "lz4" else c): i for i, c in enumerate(STREAMS)}
ROOT = Path(__file__).resolve().parent.parent


def _fixtures(corpus: Corpus, codec: str):
    for row in corpus.read():
        if row.codec == codec:
            data = corpus.fixture(row).read_bytes()
            if len(data) <= MAX_SEED:
                yield row.id, data


def one_shot(corpus: Corpus, name: str):
    for rid, data in _fixtures(corpus, ONE_SHOT_CODEC[name]):
        for tier in (0, 1):  # 1 KiB and 64 KiB outputs: the held-result path gets exercised
            yield f"{rid}-{tier}", bytes([tier]) + data


def lz4block(corpus: Corpus):
    """The size-prefixed fixtures as raw blocks: tier byte, 3-byte declared size, block."""
    for rid, data in _fixtures(corpus, "lz4"):
        if len(data) >= 4:
            size = struct.unpack("<I", data[:4])[0]
            if size < 1 << 24:
                yield rid, bytes([1]) + size.to_bytes(3, "little") + data[4:]


def lz4stream(corpus: Corpus):
    """Block streams made by the bridge's LZ4StreamCompressor from the plaintexts: each width
    and strategy, in fuzz_lz4stream.c's layout (flags, 2-byte buffer size / 16, stream)."""
    from stdcompress.lz4.stream import LZ4StreamCompressor
    plains = sorted({r.plaintext for r in corpus.read()})
    for plain in plains:
        text = (corpus.corpus_dir / plain).read_bytes()[:48000]
        for width, flag in ((4, 3), (2, 2), (1, 1)):
            for ring in (0, 4):
                bs = 4096 if width != 1 else 128
                if width == 1 and len(text) > 2000:
                    text = text[:2000]
                comp = LZ4StreamCompressor("ring_buffer" if ring else "double_buffer", bs,
                                           store_comp_size=width)
                blocks = b"".join(comp.compress(text[i:i + bs])
                                  for i in range(0, len(text), bs))
                units = (bs - 1 + 15) // 16
                yield (f"{Path(plain).stem}-w{width}-{'ring' if ring else 'double'}",
                       bytes([flag | ring | 0x10]) + units.to_bytes(2, "little") + blocks)


def stream(corpus: Corpus):
    """Every stream codec's fixtures behind fuzz_stream.c's 8-byte header, with two sets of
    chunk and output sizes."""
    for codec, index in STREAM_CODEC.items():
        for rid, data in _fixtures(corpus, codec):
            # small output 16, large 65536, chunks of 1 + b*b
            yield f"{rid}-a", bytes([index, 0 | 5 << 3, 3, 40, 255, 1, 0, 0]) + data
            # outputs 1000 and 1 MiB, a cap of 16 * 4096 bytes
            yield f"{rid}-b", bytes([index, 3 | 7 << 3 | 0x40, 100, 7, 30, 200, 0, 16]) + data


def table(corpus: Corpus):
    """The project's call-out table and a few small ones."""
    text = (ROOT / "xc" / "stdcompress.xc").read_text()
    yield "stdcompress.xc", text.encode()
    lines = text.splitlines()
    yield "head", "\n".join(lines[:6]).encode()
    yield "spaces", b"  /lib/x.so \n\n a1 : gtm_long_t f ( I : gtm_string_t * , O:gtm_string_t*[ 8 ] ) \n"
    yield "braces", b"${STDCOMPRESS_LIBDIR}/l.so\nx: void g()\ny: gtm_long_t h(IO:gtm_string_t*,I:gtm_int_t)\n"


BATCH_CODEC = {c: i for i, c in enumerate(BATCHES)}  # fuzz_batch.c's codec byte: the registry's order


def batch(corpus: Corpus):
    """fuzz_batch.c's layout.  Raw pairs: [codec, threads, tier, 1 item << 2 | sizes flag],
    one (offset, length) pair and its size, the fixture (lz4: the block after the size prefix).
    Split items: [codec, threads, tier, n << 2 | 1], n lengths / 7, a plaintext's start."""
    sizes = {r.id: (corpus.corpus_dir / r.plaintext).stat().st_size for r in corpus.read()}
    for codec, index in BATCH_CODEC.items():
        for rid, data in _fixtures(corpus, codec):
            size = sizes[rid]
            if codec == "lz4":
                data = data[4:]
            pair = struct.pack("=QQQ", 0, len(data), size)
            yield f"{rid}-raw", bytes([index, 2, 2, 1 << 2 | 2]) + pair + data
        plain = sorted({r.plaintext for r in corpus.read()})[0]
        text = (corpus.corpus_dir / plain).read_bytes()[:20000]
        yield f"{codec}-split", bytes([index, 1, 2, 8 << 2 | 1]) + bytes([9, 0, 200, 1, 40,
                                                                             255, 3, 70]) + text


SEEDS = {"lz4block": lz4block, "lz4stream": lz4stream, "stream": stream, "table": table,
         "batch": batch}


def write(out: Path, names=None) -> dict[str, int]:
    corpus = Corpus()
    counts = {}
    for target in TARGETS:
        if names and target.name not in names:
            continue
        d = out / target.name
        d.mkdir(parents=True, exist_ok=True)
        if target.name in ONE_SHOT_CODEC:
            made = one_shot(corpus, target.name)
        elif target.name in SEEDS:
            made = SEEDS[target.name](corpus)
        else:
            raise SystemExit(f"fuzz/seeds.py: no seeds for target {target.name}")
        n = 0
        for name, data in made:
            (d / name).write_bytes(data)
            n += 1
        counts[target.name] = n
    return counts


if __name__ == "__main__":
    names = sys.argv[2:]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        raise SystemExit(f"unknown targets: {unknown}")
    for name, n in write(Path(sys.argv[1]), names).items():
        print(f"{name}: {n} seeds")
