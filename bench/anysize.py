"""Python one-shot calls past the M string limit (docs/any-size.md) against the Python peers.

Inputs of 3 MiB and 64 MiB: the corpus's 1 MiB item repeated, each copy's byte values shifted
(streams.shifted), so no copy repeats another.  Past 1 MiB our one-shots run the stream entries
(or, for LZ4 blocks, the Python-only entry without the cap): these rows are that path's cost
against zlib.compress/decompress, zstandard (checksummed frames, as ours), lz4.frame and
lz4.block.  Every result is decoded by the peer (and the peer's by us) before it is timed.
Context rows: no target of their own (issue 16 asks for the figures).
"""

from __future__ import annotations

import dataclasses
import zlib

import zstandard

import stdcompress

from .corpus import MIB, Corpus
from .report import Row
from .streams import shifted
from .timing import Plan, best_of

SECTION = "bridge, one-shot past 1 MiB"
SIZES = {"3 MiB": 3, "64 MiB": 64}
JOBS = ("gzip -6", "gunzip", "zstd -3 compress", "zstd decompress", "lz4 frame compress",
        "lz4 frame decompress", "lz4 block compress", "lz4 block decompress")

try:
    import lz4.block as LZ4_BLOCK
    import lz4.frame as LZ4_FRAME
except ImportError:  # pragma: no cover - the rows say why they were skipped
    LZ4_BLOCK = LZ4_FRAME = None


def _jobs(data: bytes):
    """(job, ours, peer, check) per job; check() raises when the two do not interoperate."""
    zc, zd = zstandard.ZstdCompressor(level=3, write_checksum=True), zstandard.ZstdDecompressor()
    gz, frame = stdcompress.gzip(data), stdcompress.zstd_compress(data)

    def same(label, got):
        if got != data:
            raise AssertionError(f"bench: {label} does not give the input back")

    jobs = [
        ("gzip -6", lambda: stdcompress.gzip(data), lambda: zlib.compress(data, 6, 31),
         lambda: same("zlib.decompress of our gzip", zlib.decompress(gz, 31))),
        ("gunzip", lambda: stdcompress.gunzip(gz), lambda: zlib.decompress(gz, 31),
         lambda: same("our gunzip", stdcompress.gunzip(gz))),
        ("zstd -3 compress", lambda: stdcompress.zstd_compress(data), lambda: zc.compress(data),
         lambda: same("zstandard of our frame", zd.decompress(frame))),
        ("zstd decompress", lambda: stdcompress.zstd_decompress(frame),
         lambda: zd.decompress(frame), lambda: same("our zstd", stdcompress.zstd_decompress(frame))),
    ]
    if LZ4_FRAME is not None:
        lf, lb = stdcompress.lz4_frame_compress(data), stdcompress.lz4_compress(data)
        jobs += [
            ("lz4 frame compress", lambda: stdcompress.lz4_frame_compress(data),
             lambda: LZ4_FRAME.compress(data),
             lambda: same("lz4.frame of our frame", LZ4_FRAME.decompress(lf))),
            ("lz4 frame decompress", lambda: stdcompress.lz4_frame_decompress(lf),
             lambda: LZ4_FRAME.decompress(lf),
             lambda: same("our lz4 frame", stdcompress.lz4_frame_decompress(lf))),
            ("lz4 block compress", lambda: stdcompress.lz4_compress(data),
             lambda: LZ4_BLOCK.compress(data),
             lambda: same("lz4.block of our block", LZ4_BLOCK.decompress(lb))),
            ("lz4 block decompress", lambda: stdcompress.lz4_decompress(lb),
             lambda: LZ4_BLOCK.decompress(lb),
             lambda: same("our lz4 block", stdcompress.lz4_decompress(lb))),
        ]
    return jobs


def rows(c: Corpus, plan: Plan) -> list[Row]:
    out = []
    quick = plan.min_time < 0.05  # --quick: the 3 MiB rows only (the smoke test runs it twice)
    for label, mib in SIZES.items() if not quick else list(SIZES.items())[:1]:
        data = b"".join(shifted(c.item(), mib))
        assert len(data) == mib * MIB
        # a 64 MiB call lasts long enough to time alone: a few single calls, the best kept
        one = dataclasses.replace(plan, min_time=0.0, repeats=min(plan.repeats, 3)) \
            if mib > 8 else plan
        for job, ours, peer, check in _jobs(data):
            check()
            t = best_of({"ours": ours, "peer": peer}, one)
            out.append(Row(SECTION, f"{job}, {label}", c.name, len(data), "speed", "us",
                           t["ours"] * 1e6, t["peer"] * 1e6, peer_name="peer"))
        if LZ4_FRAME is None:
            out.append(Row(SECTION, f"lz4, {label}", c.name, len(data), "speed", "us",
                           skipped="python-lz4 is not installed (pip install lz4)"))
    return out
