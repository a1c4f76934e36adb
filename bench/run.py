"""Runs the benchmark, prints one table, writes build/bench/<timestamp>.json and latest.json.

    python -m bench.run [--quick] [--compare FILE] [--out DIR] [--only SECTIONS]

--quick is a smoke run (seconds, tiny repeat counts, the same table; its figures mean nothing)
and writes latest-quick.json instead of latest.json (--only: latest-partial.json).  --compare FILE prints, after the table,
the change of every row against an earlier JSON record.  Exit status 0 whether or not targets
are met: this measures, it does not judge.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
import zlib
from pathlib import Path

import zstandard

import stdcompress

from . import anysize, batch, bridge, globals as m_globals, corpus, engine, lz4stream, memory, report, shim, streams
from .report import Row
from .timing import FULL, QUICK
from . import network  # ---- easynetwork packets ----

ROOT = Path(__file__).resolve().parent.parent
NOTES = [
    "bridge peers: zlib.compress(data, 6, 31) (= gzip.compress(data, 6, mtime=0)), "
    "zlib.decompress(data, 31 | -15 | 15), reused zstandard ZstdCompressor/ZstdDecompressor.",
    "zstd target rows use ZstdCompressor(level=3, write_checksum=True): our frames carry a "
    "checksum, so that is the same frames and the same work; the 'no-chk peer' rows are against "
    "zstandard's default (no checksum), for context.",
    "bridge small items: one 'call' is the mean over consecutive items of the corpus; only 100 B "
    "has targets, 1 KiB and 10 KiB are context.",
    "engine 100 B: absolute target on our own per-call time (empty loop subtracted); engine 1 MiB: "
    "peer = the bridge's time on the same bytes in this run.",
    "C level: peer = the codec library called directly with the same parameters; ratio = extra "
    "instructions of the shim.",
    "MB/s = uncompressed 10^6 bytes per second (compression and decompression alike).",
    "lz4 and brotli peers: python-lz4's lz4.block.compress/decompress (the size-prefixed block "
    "format of our lz4_compress, default fast mode), the brotli package at quality 5; each "
    "bundles its own copy of the codec library (versions in the environment line); their speed "
    "rows have a target (>= 1x) only when that copy is the version we link.",
    "lz4 stream: 10 MiB (the corpus's first MiB ten times) in 8 KiB pages; target rows against "
    "python-lz4's one-shot lz4.block on the same pages (a stream compresses each page against "
    "the previous ones: smaller, and more work for LZ4 itself); lz4.stream peer rows: "
    "python-lz4's experimental stream module, the same LZ4 work.",
    "one-shot past 1 MiB: the stream entries (lz4 blocks: the Python-only entry without the cap) "
    "against the peers on 3 and 64 MiB; lz4.frame's default writes no content checksum, ours "
    "writes one as lz4(1) does (docs/any-size.md).",
    "batches: one call = the whole batch (bench/batch.py); zstd -3 frames with content size and "
    "checksum; threads inside the C call; identical output checked before timing.",
    "xz peer: Python's lzma at preset 6 (CRC64), which links the system's liblzma (another "
    "version than ours on most machines; our dictionary is cut to the item's size): context "
    "rows, no target.",
]
# ---- easynetwork packets ----
NOTES.append(network.NOTE + (f" easynetwork {network.easynetwork.__version__}."
                             if network.easynetwork else ""))
# ---- end of easynetwork packets ----


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _peer_version(module: str) -> str:
    try:
        m = __import__(module)
    except ImportError:
        return "not installed"
    if module == "lz4":
        return f"{m.__version__} (liblz4 {m.library_version_string()})"
    return getattr(m, "__version__", "?")


def _stream_peer_version() -> str:
    peer, why = lz4stream._peer_stream()
    return f"{peer.VERSION} (built with PYLZ4_EXPERIMENTAL)" if peer is not None else why


def environment(corpora) -> dict:
    return {"versions": stdcompress.versions(), "zstandard": zstandard.__version__,
            "zstandard_libzstd": ".".join(map(str, zstandard.ZSTD_VERSION)),
            "python-lz4": _peer_version("lz4"), "brotli": _peer_version("brotli"),
            "python-lz4 lz4.stream": _stream_peer_version(),
            "zlib": zlib.ZLIB_RUNTIME_VERSION, "python": sys.version.split()[0],
            "machine": f"{platform.machine()}, {_cpu()}",
            "corpus": {c.name: c.source or f"missing: {c.missing}" for c in corpora}}


def measure(plan, corpora, progress=lambda s: None, sections=()) -> list[Row]:
    """Every section, in table order; with `sections`, only those whose name contains one of
    them (the engine 1 MiB rows then compare with the bridge rows only if those ran too)."""
    present = [c for c in corpora if not c.missing]
    absent = [c for c in corpora if c.missing]
    rows: list[Row] = []

    def section(name, per_corpus, only=None):
        if sections and not any(s in name for s in sections):
            return
        for c in only or present:
            progress(f"{name}: {c.name}")
            rows.extend(per_corpus(c))
        rows.extend(Row(name, "(every job)", c.name, corpus.MIB, "abs", "us", skipped=c.missing)
                    for c in absent if only is None)

    section(bridge.BIG, lambda c: bridge.big_rows(c, plan))
    section(bridge.SMALL, lambda c: bridge.small_rows(c, plan))
    section(anysize.SECTION, lambda c: anysize.rows(c, plan), only=present[:1])
    section(engine.SMALL, lambda c: engine.small_rows(c, plan))
    bridge_us = {(r.corpus, r.job): r.ours for r in rows if r.section == bridge.BIG}
    section(engine.BIG, lambda c: engine.big_rows(
        c, plan, {job: us for (name, job), us in bridge_us.items() if name == c.name}))
    section(lz4stream.SECTION, lambda c: lz4stream.rows(c, plan))
    section(streams.FLOOR_SECTION, lambda c: streams.floor_rows(c, plan))
    section(streams.SECTION, lambda c: streams.rows(c, plan))
    if not sections or any(s in batch.SECTION for s in sections):
        progress(batch.SECTION)
        rows.extend(batch.rows(plan))
    if not sections or any(s in m_globals.SECTION for s in sections):
        progress(m_globals.SECTION)
        rows.extend(m_globals.rows(plan))
    section(shim.SECTION, lambda c: shim.rows(c, plan), only=present[:1])
    section(memory.SECTION, lambda c: memory.rows(c, plan), only=present[:1])
    section(network.SECTION, lambda c: network.rows(c, plan), only=present[:1])  # easynetwork
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: seconds, figures meaningless")
    ap.add_argument("--compare", default="", help="an earlier JSON record to print deltas against")
    ap.add_argument("--out", default=str(ROOT / "build" / "bench"), help="directory for the JSON")
    ap.add_argument("--only", default="", help="comma-separated parts of section names: measure "
                    "only those sections (e.g. 'lz4 stream,small items')")
    args = ap.parse_args(argv)
    old = json.loads(Path(args.compare).read_text()) if args.compare else None

    plan = QUICK if args.quick else FULL
    stamp = time.strftime("%Y%m%dT%H%M%S")
    corpora = corpus.load()
    env = environment(corpora)
    quick_note = " (quick: a smoke run, its figures are not measurements)" if args.quick else ""
    print(f"stdcompress bench {stamp}{quick_note}")
    print(f"timing: {plan.describe()}")
    for k, v in env.items():
        print(f"{k}: {v}")
    print(flush=True)

    started = time.monotonic()
    rows = measure(plan, corpora, lambda s: print(f"  measuring {s}", file=sys.stderr, flush=True),
                   tuple(filter(None, args.only.split(","))))
    print(report.table(rows))
    print()
    print("notes:")
    print("".join(f"  - {n}\n" for n in NOTES + batch.NOTES_EXTRA), end="")
    print("  ratio: " + "; ".join(f"{k} = {v}" for k, v in report.RATIO_KINDS.items()))
    print(report.summary(rows))

    record = {"timestamp": stamp, "quick": args.quick, "only": args.only, "method": plan.describe(),
              "environment": env, "notes": NOTES + batch.NOTES_EXTRA, "seconds": round(time.monotonic() - started, 1),
              "rows": [r.as_json() for r in rows]}
    kind = "-quick" if args.quick else "-partial" if args.only else ""
    path = report.write(record, Path(args.out), stamp + kind, f"latest{kind}.json")
    print(f"written: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    if old is not None:
        print()
        print(report.compare(old, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
