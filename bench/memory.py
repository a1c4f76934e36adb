"""Memory of the bridge on a 1 MiB item.

Copies: the peak of Python allocations (tracemalloc) during one call, after a warm-up call,
against the size of the result: the one copy the host makes is the bytes object it returns.
Retention: a fresh Python process runs zstd_compress + zstd_decompress on the item; its peak RSS
(VmHWM) is read after the first checkpoint and again after the last call.  Growth between the
two is what calls retain.

    python -m bench.memory ITEM_FILE FIRST TOTAL    (the retention child; prints JSON)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

import stdcompress

from .corpus import Corpus
from .report import Row, Target
from .timing import Plan

SECTION = "memory, bridge, 1 MiB item"


def _status() -> dict[str, float]:
    """VmHWM and VmRSS of this process, in MiB."""
    fields = dict(ln.split(":", 1) for ln in Path("/proc/self/status").read_text().splitlines())
    return {k: int(fields[k].split()[0]) / 1024 for k in ("VmHWM", "VmRSS")}


def _child(item_file: str, first: int, total: int) -> None:
    item = Path(item_file).read_bytes()
    readings = {}
    for i in range(1, total + 1):
        if stdcompress.zstd_decompress(stdcompress.zstd_compress(item)) != item:
            sys.exit("round trip failed")
        if i in (first, total):
            readings[i] = _status()
    print(json.dumps(readings))


def allocation_rows(c: Corpus) -> list[Row]:
    item = c.item()
    jobs = {"zstd -3 compress": (stdcompress.zstd_compress, item),
            "zstd decompress": (stdcompress.zstd_decompress, stdcompress.zstd_compress(item)),
            "gzip -6": (stdcompress.gzip, item),
            "gunzip": (stdcompress.gunzip, stdcompress.gzip(item))}
    out = []
    for job, (f, data) in jobs.items():
        f(data)  # warm-up: the per-thread output buffer is made once
        tracemalloc.start()
        try:
            result = f(data)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        out.append(Row(SECTION, f"Python allocation, {job}", c.name, len(item), "alloc", "B",
                       peak, len(result), peer_name="result size", target=Target("<=", 1.01)))
    return out


def rss_rows(c: Corpus, plan: Plan) -> list[Row]:
    first, total = plan.memory_calls
    job = f"peak RSS, {total:,} vs {first:,} zstd round trips"
    with tempfile.TemporaryDirectory(prefix="stdcmem") as tmp:
        item = Path(tmp, "item")
        item.write_bytes(c.item())
        proc = subprocess.run([sys.executable, "-m", "bench.memory", str(item), str(first),
                               str(total)], capture_output=True, text=True, env=os.environ,
                              cwd=Path(__file__).resolve().parent.parent)
    if proc.returncode != 0:
        return [Row(SECTION, job, c.name, len(c.item()), "rss", "MiB", target=Target("<", 1.0),
                    skipped=(proc.stderr.strip().splitlines() or ["failed"])[-1])]
    readings = json.loads(proc.stdout)
    return [Row(SECTION, job, c.name, len(c.item()), "rss", "MiB", readings[str(total)]["VmHWM"],
                readings[str(first)]["VmHWM"], peer_name=f"after {first} calls",
                target=Target("<", 1.0))]


def rows(c: Corpus, plan: Plan) -> list[Row]:
    return allocation_rows(c) + rss_rows(c, plan)


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
