"""The Python bridge against the usual Python peers: zlib (the deflate family) and zstandard.

The peers, reused where they can be: zlib.compress(data, 6, 31) (what gzip.compress(data, 6,
mtime=0) runs), zlib.decompress with the matching wbits, and a reused ZstdCompressor(level=3) /
ZstdDecompressor.  Our zstd frames carry a checksum (as zstd(1) writes them), so the target rows
use ZstdCompressor(level=3, write_checksum=True): the same frames, the same work.  The
"no-chk peer" rows give the ratio against zstandard's default (no checksum) for context.
Decompression peers decode the very bytes ours decodes, except in the no-chk rows, where
zstandard decodes its own checksum-less frame of the same item.
"""

from __future__ import annotations

import zlib
from collections import deque
from itertools import repeat

import zstandard

import stdcompress

from .corpus import SMALL_SIZES, Corpus
from .report import Row, Target
from .timing import Plan, best_of

BIG = "bridge, 1 MiB items"
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

    def timed(job, ours, peers, targets):
        """peers: {label: fn}; targets: {label: Target or None}; one row per peer."""
        t = best_of({"ours": ours, **peers}, plan)
        for label, fn in peers.items():
            rows.append(Row(BIG, job + (f" ({label})" if label else ""), c.name, len(item),
                            "speed", "us", t["ours"] * 1e6, t[label] * 1e6,
                            target=targets.get(label)))

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

