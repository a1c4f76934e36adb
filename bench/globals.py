"""Values in M globals (docs/globals.md): compressToGlobal and decompressFromGlobal of 64 MiB
(--quick: 2 MiB) at 256-byte records on a real database, against compressFile/decompressFile
(streamWrite/streamRead to a file) on the same bytes in the same M process
(bench/globals_campaign.py; every value read back and compared before its figure is kept).
brotli is left out: at its default quality 11 one 64 MiB value takes minutes either way."""

from __future__ import annotations

from . import globals_campaign
from .report import Row
from .timing import Plan

SECTION = "M globals (GT.M), 256-byte records"
CODECS = ("gzip", "zstd", "lz4")
JOBS = ("compressToGlobal vs compressFile", "decompressFromGlobal vs decompressFile")


def rows(plan: Plan) -> list[Row]:
    mib = 64 if plan.min_time >= 0.05 else 2
    size = mib << 20
    got = globals_campaign.measure(mib, CODECS)
    if isinstance(got, str):
        return [Row(SECTION, f"{codec} {job}", "document", size, "speed", "us", skipped=got)
                for codec in CODECS for job in JOBS]
    out = []
    for r in got:
        us = r.get("us", (None,) * 4)  # toGlobal, fromGlobal, toFile, fromFile
        for job, ours, peer in zip(JOBS, us[:2], us[2:]):
            skipped = "" if r["ok"] else f"not read back equal: {r.get('why') or r.get('checks')}"
            out.append(Row(SECTION, f"{r['codec']} {job}", "document", size, "speed", "us",
                           None if skipped else ours, None if skipped else peer,
                           peer_name="file stream", skipped=skipped))
    return out
