"""The fuzz targets: one per entry family, so each has its own figures.  `invoke fuzz` (fuzz/run.py)
runs every target here in order; fuzz/seeds.py makes each one's seeds from the conformance
corpus; fuzz/regressions/<name>/ holds inputs every run replays first (crashes found, kept
after the fix, and hand-made hostile inputs).

    kind "c"       a libFuzzer binary built by fuzz/Makefile into build/fuzz/bin/<name>
    kind "python"  an atheris script, fuzz/<script>, run with the bridge on PYTHONPATH
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    name: str
    kind: str        # "c" or "python"
    entries: str     # what it calls, for the report and docs/hardening.md
    max_len: int     # libFuzzer -max_len
    script: str = ""  # python targets: the atheris script under fuzz/


ONE_SHOT_LEN = 65536 + 16

TARGETS = [
    Target("gunzip", "c", "gunzip (libdeflate, gzip members)", ONE_SHOT_LEN),
    Target("inflate", "c", "inflate (raw deflate)", ONE_SHOT_LEN),
    Target("unzlib", "c", "unzlib (zlib)", ONE_SHOT_LEN),
    Target("zstd", "c", "zstdDecompress", ONE_SHOT_LEN),
    Target("lz4", "c", "lz4Decompress (size-prefixed block)", ONE_SHOT_LEN),
    Target("lz4block", "c", "lz4BlockDecompress (raw block, declared size)", ONE_SHOT_LEN),
    Target("lz4frame", "c", "lz4FrameDecompress", ONE_SHOT_LEN),
    Target("brotli", "c", "brotliDecompress", ONE_SHOT_LEN),
    Target("xz", "c", "xzDecompress (concatenated .xz streams, padding)", ONE_SHOT_LEN),
    Target("lz4stream", "c", "lz4StreamDecompressOpen, lz4StreamGetBlock, lz4StreamDecompress",
           ONE_SHOT_LEN),
    Target("stream", "c", "streamOpen d / streamWrite / streamRead / streamUnused / streamClose, "
           "every codec", ONE_SHOT_LEN),
    Target("batch", "c", "multiDecompress (hostile pairs and sizes, every codec, threads), "
           "multiCompress round trips", ONE_SHOT_LEN),
    Target("table", "python", "_runtime.parse_table (the call-out table parser)", 8192,
           "fuzz_table.py"),
]

BY_NAME = {t.name: t for t in TARGETS}
