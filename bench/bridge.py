"""The Python bridge against the usual Python peers: zlib (the deflate family) and zstandard.

The peers, reused where they can be: zlib.compress(data, 6, 31) (what gzip.compress(data, 6,
mtime=0) runs), zlib.decompress with the matching wbits, and a reused ZstdCompressor(level=3) /
ZstdDecompressor.  Our zstd frames carry a checksum (as zstd(1) writes them), so the target rows
use ZstdCompressor(level=3, write_checksum=True): the same frames, the same work.  The
"no-chk peer" rows give the ratio against zstandard's default (no checksum) for context.
Decompression peers decode the very bytes ours decodes, except in the no-chk rows, where
zstandard decodes its own checksum-less frame of the same item.

LZ4 and brotli: python-lz4's lz4.block.compress/decompress (the same size-prefixed block format
as our lz4_compress, default fast mode) and the brotli package at quality 5 (window 22 both).
Each row is skipped, with the reason, when its peer is not installed.  Both peers bundle their
own copy of the codec library: the speed rows have a target (>= 1x) only when that copy is the
version we link, since otherwise the comparison is between library versions, not bindings.

xz: Python's lzma at preset 6 (CRC64, its defaults) against our xz_compress level 6, both
decoders on our stream.  Python's lzma links the system's liblzma, another version than ours
on most machines (and our dictionary is cut to the item's size): the rows are context, no target.
"""

from __future__ import annotations

import lzma
import zlib
from collections import deque
from itertools import repeat

import zstandard

import stdcompress

from . import floors
from .corpus import SMALL_SIZES, Corpus
from .report import Row, Target
from .timing import Plan, best_of

try:
    import lz4.block as LZ4_BLOCK
except ImportError:  # pragma: no cover - the rows say why they were skipped
    LZ4_BLOCK = None
try:
    import brotli as BROTLI
except ImportError:  # pragma: no cover
    BROTLI = None

BIG = "bridge, 1 MiB items"
# jobs whose C floor (bench/bridge_floor.c: the library's own call on the same bytes) the bench
# times with them: job -> bridge_floor's format
FLOOR_JOBS = {"gunzip": "gzip", "inflate": "raw", "unzlib": "zlib", "zstd decompress": "zstd",
              "zstd -3 compress": "zstd-3"}
FLOOR_SUFFIX = " vs C floor"
SMALL = "bridge, small items (per call)"
ZSTD_CHK = zstandard.ZstdCompressor(level=3, write_checksum=True)
ZSTD_DEFAULT = zstandard.ZstdCompressor(level=3)
ZSTD_D = zstandard.ZstdDecompressor()


def _check(label: str, got: bytes, want: bytes) -> None:
    if got != want:
        raise AssertionError(f"bench: {label} does not reproduce the input ({len(got)} bytes vs "
                             f"{len(want)})")


def big_rows(c: Corpus, plan: Plan) -> list[Row]:
    item = c.item()
    gz, raw, zl = stdcompress.gzip(item), stdcompress.deflate(item), stdcompress.zlib(item)
    frame, frame_plain = stdcompress.zstd_compress(item), ZSTD_DEFAULT.compress(item)
    _check("zlib.decompress of our gzip", zlib.decompress(gz, 31), item)
    _check("zstandard decompress of our frame", ZSTD_D.decompress(frame), item)
    _check("our zstd_decompress", stdcompress.zstd_decompress(frame), item)
    rows = []
    # each floor job's input and our result's size, which the floor's result must have
    inputs = {"gunzip": (gz, len(item)), "inflate": (raw, len(item)), "unzlib": (zl, len(item)),
              "zstd decompress": (frame, len(item)), "zstd -3 compress": (item, len(frame))}
    floor_us = {}

    def timed(job, ours, peers, targets):
        """peers: {label: fn}; targets: {label: Target or None}; one row per peer.  A job with
        a C floor times it too, interleaved with the others."""
        floor = {"C floor": c_floor(job, *inputs[job])} if job in FLOOR_JOBS else {}
        t = best_of({"ours": ours, **peers, **floor}, plan)
        if floor:
            floor_us[job] = t["C floor"] * 1e6
        for label, fn in peers.items():
            rows.append(Row(BIG, job + (f" ({label})" if label else ""), c.name, len(item),
                            "speed", "us", t["ours"] * 1e6, t[label] * 1e6,
                            target=targets.get(label), floor=floor_us.get(job) if not label
                            else None, floor_name="C floor"))

    timed("gzip -6", lambda: stdcompress.gzip(item), {"": lambda: zlib.compress(item, 6, 31)},
          {"": Target(">=", 2.0)})
    rows.append(Row(BIG, "gzip -6 size", c.name, len(item), "size", "B", len(gz),
                    len(zlib.compress(item, 6, 31)), target=Target("<=", 1.01)))
    timed("gunzip", lambda: stdcompress.gunzip(gz), {"": lambda: zlib.decompress(gz, 31)},
          {"": Target(">=", 2.5)})
    timed("inflate", lambda: stdcompress.inflate(raw), {"": lambda: zlib.decompress(raw, -15)},
          {"": Target(">=", 2.5)})
    timed("unzlib", lambda: stdcompress.unzlib(zl), {"": lambda: zlib.decompress(zl, 15)},
          {"": Target(">=", 2.5)})
    timed("zstd -3 compress", lambda: stdcompress.zstd_compress(item),
          {"": lambda: ZSTD_CHK.compress(item), "no-chk peer": lambda: ZSTD_DEFAULT.compress(item)},
          {"": Target(">=", 1.0)})
    timed("zstd decompress", lambda: stdcompress.zstd_decompress(frame),
          {"": lambda: ZSTD_D.decompress(frame),
           "no-chk peer": lambda: ZSTD_D.decompress(frame_plain)},
          {"": Target(">=", 1.0)})
    rows.extend(Row(BIG, f"{job}{FLOOR_SUFFIX}", c.name, len(item), "speed", "us",
                    next(r.ours for r in rows if r.job == job), floor_us[job],
                    peer_name="C floor") for job in FLOOR_JOBS)
    rows.extend(lz4_brotli_rows(c, plan, item))
    rows.extend(xz_rows(c, plan, item))
    return rows


XZ_JOBS = ("xz -6 compress", "xz -6 compress size", "xz decompress")


def xz_rows(c: Corpus, plan: Plan, item: bytes) -> list[Row]:
    """Our xz level 6 against Python's lzma preset 6: compress speed and size, decompress."""
    packed, theirs = stdcompress.xz_compress(item), lzma.compress(item)
    _check("lzma.decompress of our stream", lzma.decompress(packed), item)
    _check("our xz_decompress of lzma's stream", stdcompress.xz_decompress(theirs), item)
    rows = []

    def timed(job, ours, peer):
        t = best_of({"ours": ours, "": peer}, plan)
        rows.append(Row(BIG, job, c.name, len(item), "speed", "us", t["ours"] * 1e6,
                        t[""] * 1e6, peer_name="python lzma"))

    timed("xz -6 compress", lambda: stdcompress.xz_compress(item), lambda: lzma.compress(item))
    rows.append(Row(BIG, "xz -6 compress size", c.name, len(item), "size", "B", len(packed),
                    len(theirs), peer_name="python lzma"))
    timed("xz decompress", lambda: stdcompress.xz_decompress(packed),
          lambda: lzma.decompress(packed))
    return rows


def c_floor(job: str, data: bytes, want: int):
    """bench/bridge_floor.c's call for JOB on DATA, checked to give WANT bytes (our result's
    size) first."""
    import ctypes

    fn = floors.load("bridge_floor").bridge_floor_run
    fn.restype, fn.argtypes = ctypes.c_size_t, (ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t)
    fmt = FLOOR_JOBS[job].encode()
    if fn(fmt, data, len(data)) != want:
        raise AssertionError(f"bench: bridge_floor {FLOOR_JOBS[job]} made another size")
    return lambda: fn(fmt, data, len(data))


LZ4_BROTLI_JOBS = ("lz4 block compress", "lz4 block compress size", "lz4 block decompress",
                   "brotli -5 compress", "brotli -5 compress size", "brotli decompress")


def lz4_brotli_rows(c: Corpus, plan: Plan, item: bytes) -> list[Row]:
    """Our LZ4 blocks against python-lz4's lz4.block, brotli quality 5 against the brotli package."""
    rows = []
    linked = stdcompress.versions()

    def skipped(jobs, why):
        rows.extend(Row(BIG, job, c.name, len(item), "speed", "us", skipped=why) for job in jobs)

    def timed(job, ours, peer, target):
        t = best_of({"ours": ours, "": peer}, plan)
        rows.append(Row(BIG, job, c.name, len(item), "speed", "us", t["ours"] * 1e6,
                        t[""] * 1e6, target=target))

    if LZ4_BLOCK is None:
        skipped(LZ4_BROTLI_JOBS[:3], "python-lz4 is not installed (pip install lz4)")
    else:
        import lz4
        same = Target(">=", 1.0) if lz4.library_version_string() == linked["liblz4"] else None
        packed = stdcompress.lz4_compress(item)
        _check("lz4.block.decompress of our block", LZ4_BLOCK.decompress(packed), item)
        _check("our lz4_decompress of python-lz4's block",
               stdcompress.lz4_decompress(LZ4_BLOCK.compress(item)), item)
        timed("lz4 block compress", lambda: stdcompress.lz4_compress(item),
              lambda: LZ4_BLOCK.compress(item), same)
        rows.append(Row(BIG, "lz4 block compress size", c.name, len(item), "size", "B",
                        len(packed), len(LZ4_BLOCK.compress(item))))
        timed("lz4 block decompress", lambda: stdcompress.lz4_decompress(packed),
              lambda: LZ4_BLOCK.decompress(packed), same)
    if BROTLI is None:
        skipped(LZ4_BROTLI_JOBS[3:], "the brotli package is not installed (pip install brotli)")
    else:
        same = Target(">=", 1.0) if getattr(BROTLI, "__version__", "") == linked["libbrotli"] else None
        packed = stdcompress.brotli_compress(item, 5)
        _check("brotli.decompress of our stream", BROTLI.decompress(packed), item)
        timed("brotli -5 compress", lambda: stdcompress.brotli_compress(item, 5),
              lambda: BROTLI.compress(item, quality=5), same)
        rows.append(Row(BIG, "brotli -5 compress size", c.name, len(item), "size", "B",
                        len(packed), len(BROTLI.compress(item, quality=5))))
        timed("brotli decompress", lambda: stdcompress.brotli_decompress(packed),
              lambda: BROTLI.decompress(packed), same)
    return rows


def small_rows(c: Corpus, plan: Plan) -> list[Row]:
    """Per-call time on many consecutive items of one size; each loop is one pass over them
    through map() (C iteration, the same few tens of ns for ours and the peer, not subtracted)."""
    rows = []
    for size in SMALL_SIZES:
        items = c.items(size)

        def per_pass(f, *args):
            return lambda: deque(map(f, items, *map(repeat, args)), 0)

        zstd = best_of({"ours": per_pass(stdcompress.zstd_compress),
                        "": per_pass(ZSTD_CHK.compress),
                        "no-chk peer": per_pass(ZSTD_DEFAULT.compress)}, plan)
        gzip = best_of({"ours": per_pass(stdcompress.gzip),
                        "": per_pass(zlib.compress, 6, 31)}, plan)
        n = len(items)
        for job, t, label, target in (
                ("zstd -3 compress", zstd, "", Target("<=", 1.3)),
                ("zstd -3 compress", zstd, "no-chk peer", None),
                ("gzip -6", gzip, "", Target("<=", 1.0))):
            rows.append(Row(SMALL, job + (f" ({label})" if label else ""), c.name, size, "time",
                            "us", t["ours"] / n * 1e6, t[label] / n * 1e6,
                            target=target if size == SMALL_SIZES[0] else None))
    return rows

