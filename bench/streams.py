"""Streams of any length: stdcompress.Compressor / Decompressor (the stream call-outs).

Section FLOOR_SECTION, the targets (>= 0.9x): every stream codec, in 1 MiB and 8 KiB chunks,
against the same library's own streaming functions called from C on the same chunks
(bench/stream_floor.c, loaded into this process and timed interleaved with ours, repeat by
repeat: zlib's deflate/inflate, ZSTD_compressStream2/ZSTD_decompressStream,
LZ4F_compressUpdate/LZ4F_decompress, BrotliEncoderCompressStream/BrotliDecoderDecompressStream;
the stream call-outs' parameters, the bundled codecs, same run).  4 MiB (--quick: 2 MiB) each;
ours keeps the compressed pieces and drops the decoded ones, as the floor, which decodes into
one reused buffer.

Section SECTION, context: 16 MiB (--quick: 4 MiB) in 1 MiB chunks, zstd -3 and gzip -6 streams
against the one-shot entries on the same data; the same zstd stream through python-zstandard's
compressobj/decompressobj (libzstd's streaming API too: how much of the gap to one-shot is
libzstd's own: buffering the input into its window, decoding through it); gzip -6 is zlib's
z_stream against libdeflate's one-shot, a different library; the stream's size against the
one-shot frames'; libzstd's worker threads.  The data are the corpus's first MiB, each copy
with its byte values shifted (b -> b + i mod 256): as compressible as the original, but with
nothing a stream could reuse from the previous MiB, so the stream wins no matches the one-shot
frames cannot find.
"""

from __future__ import annotations

import ctypes
import dataclasses

import stdcompress
from stdcompress._codecs import STREAMS

try:
    import zstandard
except ImportError:  # the rows say so
    zstandard = None

from . import floors
from .corpus import MIB, Corpus
from .report import Row, Target
from .timing import Plan, best_of

SECTION = "streams, 1 MiB chunks"
JOBS = ("stream zstd -3 compress", "stream zstd decompress", "stream zstd -3 size",
        "stream zstd -3 compress (zstandard stream peer)",
        "stream zstd decompress (zstandard stream peer)",
        "stream gzip -6 compress", "stream gunzip",
        "stream zstd -3 compress, 1 worker", "stream zstd -3 compress, 2 workers")
FLOOR_SECTION = "streams vs C floor"
# The registry's stream codecs, each at the level its stream compressor defaults to, but brotli
# at quality 5 and xz at level 1 (their defaults, 11 and 6, run at a few MB/s at most).
FLOOR_LEVEL = {"brotli": 5, "xz": 1}


def _default_level(codec: str) -> int:
    s = stdcompress.Compressor(codec)
    try:
        return int(s.info()["level"])
    finally:
        s.abandon()


FLOOR_LEVELS = {codec: FLOOR_LEVEL[codec] if codec in FLOOR_LEVEL else _default_level(codec)
                for codec in STREAMS}
FLOOR_CHUNKS = {"1 MiB": MIB, "8 KiB": 8192}
FLOOR_JOBS = tuple(f"stream {codec} {what}, {label} chunks vs C floor"
                   for codec, level in FLOOR_LEVELS.items() for label in FLOOR_CHUNKS
                   for what in (f"-{level} compress", "decompress"))


def shifted(item: bytes, count: int) -> list[bytes]:
    """COUNT copies of ITEM, copy i with its byte values shifted by i (bench/stream_floor.c's)."""
    return [item.translate(bytes((b + i) % 256 for b in range(256))) for i in range(count)]


def floor_rows(c: Corpus, plan: Plan) -> list[Row]:
    copies = 4 if plan.min_time >= 0.05 else 2
    data = b"".join(shifted(c.item(), copies))
    out: list[Row] = []
    # each repeat one run of each (4 MiB is milliseconds at least), the best of 21 kept:
    # the minimum of single runs, which this machine's bursts of noise spare more often
    single_runs = dataclasses.replace(plan, repeats=21 if plan.min_time >= 0.05 else plan.repeats,
                                      min_time=0)
    floor = floors.load("stream_floor")
    floor.stream_floor_setup.argtypes = (ctypes.c_char_p, ctypes.c_int, ctypes.c_size_t,
                                         ctypes.c_char_p, ctypes.c_size_t)
    floor.stream_floor_compress.restype = floor.stream_floor_decompress.restype = ctypes.c_size_t
    for codec, level in FLOOR_LEVELS.items():
        for label, chunk in FLOOR_CHUNKS.items():
            pieces = [data[i:i + chunk] for i in range(0, len(data), chunk)]

            def compress():
                s = stdcompress.Compressor(codec, level)
                return [s.compress(x) for x in pieces] + [s.flush()]

            blob = b"".join(compress())
            packed = [blob[i:i + chunk] for i in range(0, len(blob), chunk)]

            def decompress():  # at most 1 MiB out per call, dropped as the floor drops it
                d, n = stdcompress.Decompressor(codec), 0
                for p in packed:
                    n += len(d.decompress(p, MIB))
                    while not d.needs_input and not d.eof:
                        n += len(d.decompress(b"", MIB))
                return n

            if decompress() != len(data):
                raise AssertionError(f"bench: the {codec} stream does not reproduce the input")
            if floor.stream_floor_setup(codec.encode(), level, chunk, data, len(data)) != 0:
                raise AssertionError(f"bench: stream_floor refused {codec}")
            if floor.stream_floor_compress() != len(blob):
                raise AssertionError(f"bench: stream_floor's {codec} stream differs from ours")
            t = best_of({"compress": compress, "floor compress": floor.stream_floor_compress,
                         "decompress": decompress,
                         "floor decompress": floor.stream_floor_decompress}, single_runs)
            for what, job in (("compress", f"-{level} compress"), ("decompress", "decompress")):
                out.append(Row(FLOOR_SECTION, f"stream {codec} {job}, {label} chunks vs C floor",
                               c.name, len(data), "speed", "us", t[what] * 1e6,
                               t[f"floor {what}"] * 1e6,
                               peer_name="C floor", target=Target(">=", 0.9)))
    return out


def rows(c: Corpus, plan: Plan) -> list[Row]:
    count = 16 if plan.min_time >= 0.05 else 4
    item = c.item()
    chunks = shifted(item, count)
    size = sum(map(len, chunks))
    out: list[Row] = []

    def row(job, kind, unit, mine, theirs, target=None):
        out.append(Row(SECTION, job, c.name, size, kind, unit, mine, theirs, target=target))

    for codec, level, one_c, one_d, label in (
            ("zstd", 3, stdcompress.zstd_compress, stdcompress.zstd_decompress, "zstd"),
            ("gzip", 6, stdcompress.gzip, stdcompress.gunzip, "gzip")):
        def stream_compress():  # pieces as a writer would write them, as the one-shot's
            s = stdcompress.Compressor(codec, level)
            return [s.compress(x) for x in chunks] + [s.flush()]

        def oneshot_compress():
            return [one_c(x, level) for x in chunks]

        blob = b"".join(stream_compress())
        frames = oneshot_compress()
        pieces = [blob[i:i + MIB] for i in range(0, len(blob), MIB)]

        def stream_decompress():  # 1 MiB of input at a time, at most 1 MiB out per call
            d = stdcompress.Decompressor(codec)
            out = []
            for p in pieces:
                out.append(d.decompress(p, MIB))
                while not d.needs_input and not d.eof:
                    out.append(d.decompress(b"", MIB))
            return out

        def oneshot_decompress():
            return [one_d(f) for f in frames]

        if b"".join(stream_decompress()) != b"".join(chunks):
            raise AssertionError(f"bench: the {codec} stream does not reproduce the input")
        tc = best_of({"ours": stream_compress, "": oneshot_compress}, plan)
        row(f"stream {label} -{level} compress", "speed", "us", tc["ours"] * 1e6, tc[""] * 1e6)
        td = best_of({"ours": stream_decompress, "": oneshot_decompress}, plan)
        row("stream zstd decompress" if codec == "zstd" else "stream gunzip", "speed", "us",
            td["ours"] * 1e6, td[""] * 1e6)
        if codec != "zstd":
            continue
        row("stream zstd -3 size", "size", "B", len(blob), sum(map(len, frames)))
        for workers in (1, 2):  # libzstd's threads beside the caller's: context, no target
            def threaded():
                s = stdcompress.Compressor(codec, level, workers)
                return [s.compress(x) for x in chunks] + [s.flush()]

            t = best_of({"ours": threaded, "": oneshot_compress}, plan)
            row(f"stream zstd -3 compress, {workers} worker" + "s" * (workers > 1), "speed", "us",
                t["ours"] * 1e6, t[""] * 1e6)
        if zstandard is None:
            out.extend(Row(SECTION, job, c.name, size, "speed", "us",
                           skipped="zstandard is not installed") for job in JOBS[3:5])
            continue
        zc = zstandard.ZstdCompressor(level=3, write_checksum=True)
        zd = zstandard.ZstdDecompressor()

        def peer_compress():
            o = zc.compressobj()
            return [o.compress(x) for x in chunks] + [o.flush()]

        def peer_decompress():
            o = zd.decompressobj()
            return [o.decompress(p) for p in pieces]

        if b"".join(peer_decompress()) != b"".join(chunks):
            raise AssertionError("bench: zstandard does not read our stream")
        t = best_of({"ours": stream_compress, "": peer_compress}, plan)
        row(JOBS[3], "speed", "us", t["ours"] * 1e6, t[""] * 1e6)
        t = best_of({"ours": stream_decompress, "": peer_decompress}, plan)
        row(JOBS[4], "speed", "us", t["ours"] * 1e6, t[""] * 1e6)
    return out
