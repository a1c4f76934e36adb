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

    def same(label, got):
        if got != data:
            raise AssertionError(f"bench: {label} does not give the input back")

    def pair(names, ours_c, ours_d, peer_c, peer_d):
        """The compress and the decompress job of one format, on the same compressed bytes."""
        z = ours_c(data)
        return [(names[0], lambda: ours_c(data), lambda: peer_c(data),
                 lambda: same(f"the peer's {names[1]} of ours", peer_d(z))),
                (names[1], lambda: ours_d(z), lambda: peer_d(z),
                 lambda: same(f"our {names[1]}", ours_d(z)))]

    jobs = pair(JOBS[0:2], stdcompress.gzip, stdcompress.gunzip,
                lambda d: zlib.compress(d, 6, 31), lambda z: zlib.decompress(z, 31))
    jobs += pair(JOBS[2:4], stdcompress.zstd_compress, stdcompress.zstd_decompress,
                 zc.compress, zd.decompress)
    if LZ4_FRAME is not None:
        jobs += pair(JOBS[4:6], stdcompress.lz4_frame_compress, stdcompress.lz4_frame_decompress,
                     LZ4_FRAME.compress, LZ4_FRAME.decompress)
        jobs += pair(JOBS[6:8], stdcompress.lz4_compress, stdcompress.lz4_decompress,
                     LZ4_BLOCK.compress, LZ4_BLOCK.decompress)
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
