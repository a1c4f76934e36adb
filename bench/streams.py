"""Streams of any length: stdcompress.Compressor / Decompressor (the stream call-outs) against
the one-shot entries on the same data, 16 MiB (--quick: 4 MiB) in 1 MiB chunks.

Target rows ("vs C floor", >= 0.9x): streaming zstd -3 against libzstd's own streaming
functions called from C on the same chunks (bench/zstdstream_floor.c, the bundled libzstd, same
run).  Context rows: the stream against one-shot zstd -3 over the same 1 MiB items.  Context rows: the same streams through
python-zstandard's compressobj/decompressobj (libzstd's streaming API too: how much of the gap
to one-shot is libzstd's own: buffering the input into its window, decoding through it); gzip -6 (zlib's z_stream against
libdeflate's one-shot, a different library, hence no target) and the stream's size against the
one-shot frames'.  The data are the corpus's first MiB, each copy with its byte values shifted
(b -> b + i mod 256): as compressible as the original, but with nothing a stream could reuse
from the previous MiB, so the stream wins no matches the one-shot frames cannot find.
"""

from __future__ import annotations

import stdcompress

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
FLOOR_JOBS = ("stream zstd -3 compress vs C floor", "stream zstd decompress vs C floor")


def rows(c: Corpus, plan: Plan) -> list[Row]:
    count = 16 if plan.min_time >= 0.05 else 4
    item = c.item()
    chunks = [item.translate(bytes((b + i) % 256 for b in range(256))) for i in range(count)]
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
        floor = floors.zstd_stream(item)  # 16 chunks; scaled to ours (--quick: 4)
        for job, t, us in zip(FLOOR_JOBS, (tc, td), (floor["compress"], floor["decompress"])):
            out.append(Row(SECTION, job, c.name, size, "speed", "us", t["ours"] * 1e6,
                           us * count / 16, peer_name="C floor", target=Target(">=", 0.9)))
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
