"""The M engine (GT.M): the call-outs timed inside one mumps process (bench/STDCBENCH.m).

Rows "raw": $&stdcompress.<entry> directly, the cost of the runtime's call-out machinery plus
the C library.  Rows "wrapper": $$<label>^STDCOMPRESS (bridge/m/STDCOMPRESS.m), what an M
program calls; they print "skipped: <reason>" when that routine is missing or fails.
Small items (100 B) have an absolute target; 1 MiB items are compared with the bridge's own
time on the same bytes, measured earlier in the same run.  Each M result is compared once with
the bridge's result before its figure is reported.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import stdcompress

from .corpus import SMALL_SIZES, Corpus, gtm_dist
from .report import Row, Target
from .timing import Plan

ROOT = Path(__file__).resolve().parent.parent
WRAPPER = ROOT / "bridge" / "m" / "STDCOMPRESS.m"
OBJECTS = ROOT / "build" / "bench" / "m"
SMALL = "engine (GT.M), 100 B item (per call)"
BIG = "engine (GT.M), 1 MiB items"

# job on a small item: (row label, M job, bridge function giving the expected result)
SMALL_JOBS = [
    ("zstd -3 compress, raw zstdCompress1k", "raw.zstdCompress1k", stdcompress.zstd_compress),
    ("gzip -6, raw gzip1k", "raw.gzip1k", stdcompress.gzip),
    ("zstd -3 compress, $$zstdCompress wrapper", "wrap.zstdCompress", stdcompress.zstd_compress),
    ("gzip -6, $$gzip wrapper", "wrap.gzip", stdcompress.gzip),
]


def _same(item: bytes) -> bytes:
    return item


# job on a 1 MiB item: (the bridge row's job, M entry and label, the M input made from the item,
# the expected M result made from the item)
BIG_JOBS = [
    ("gzip -6", "gzip", _same, stdcompress.gzip),
    ("gunzip", "gunzip", stdcompress.gzip, _same),
    ("zstd -3 compress", "zstdCompress", _same, stdcompress.zstd_compress),
    ("zstd decompress", "zstdDecompress", stdcompress.zstd_compress, _same),
]


def _environment(dist: Path) -> dict:
    env = dict(os.environ, gtm_dist=str(dist), gtm_chset="M", LC_ALL="C")
    sources = " ".join(str(d) for d in (ROOT / "bench", WRAPPER.parent) if d.is_dir())
    env["gtmroutines"] = f"{OBJECTS}({sources}) {dist}/libgtmutil.so {dist}"
    return env


def run_m(inputs: dict[str, bytes], calls: int, repeats: int) -> dict[str, tuple]:
    """Runs the jobs (name -> input bytes) in one mumps process.  Returns name -> (us per call,
    output bytes) or (None, reason)."""
    dist = gtm_dist()
    if dist is None:
        return {job: (None, "GT.M is not installed") for job in inputs}
    OBJECTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="stdcbench") as tmp:
        for job, data in inputs.items():
            Path(tmp, f"{job}.in").write_bytes(data)
        proc = subprocess.run([str(dist / "mumps"), "-run", "run^STDCBENCH", tmp, str(calls),
                               str(repeats), *inputs], capture_output=True, text=True,
                              env=_environment(dist), cwd=tmp, timeout=1800)
        results = {}
        for line in proc.stdout.splitlines():
            job, _, rest = line.partition(" ")
            if job not in inputs:
                continue
            if rest.startswith("skipped "):
                results[job] = (None, rest[len("skipped "):].strip())
                continue
            us, size = rest.split()
            if int(size) != len(inputs[job]):
                results[job] = (None, f"M read {size} of the {len(inputs[job])} input bytes")
            else:
                results[job] = (float(us), Path(tmp, f"{job}.out").read_bytes())
        reason = (proc.stderr.strip() or proc.stdout.strip() or f"mumps exit {proc.returncode}")
        return {job: results.get(job, (None, reason.splitlines()[0])) for job in inputs}


def _row(section, label, corpus, size, result, expected, kind, **kw) -> Row:
    """A row from run_m's result, or skipped when it failed or differs from the bridge's."""
    row = Row(section, label, corpus, size, kind, "us", **kw)
    us, out = result
    if us is None:
        row.skipped = out
    elif out != expected:
        row.skipped = f"M result ({len(out)} bytes) differs from the bridge's ({len(expected)})"
    else:
        row.ours = us
    return row


def _wrapper_missing(job: str) -> str:
    return "" if not job.startswith("wrap.") or WRAPPER.exists() else \
        "bridge/m/STDCOMPRESS.m is not there yet"


def small_rows(c: Corpus, plan: Plan) -> list[Row]:
    item = c.items(SMALL_SIZES[0])[0]
    jobs = [j for j in SMALL_JOBS if not _wrapper_missing(j[1])]
    results = run_m({job: item for _, job, _ in jobs}, plan.engine_small_calls,
                    plan.engine_repeats)
    return [_row(SMALL, label, c.name, len(item),
                 results.get(job, (None, _wrapper_missing(job))), expect(item),
                 kind="abs", target=Target("<=", 3.0))
            for label, job, expect in SMALL_JOBS]


def big_rows(c: Corpus, plan: Plan, bridge_us: dict[str, float]) -> list[Row]:
    """bridge_us: the bridge's time per call by job name, on this corpus's 1 MiB item.  The
    wrapper when it is there (what M programs call), else the raw call-out."""
    item = c.item()
    kind = "wrap" if WRAPPER.exists() else "raw"
    results = run_m({f"{kind}.{entry}": make(item) for _, entry, make, _ in BIG_JOBS},
                    plan.engine_big_calls, plan.engine_repeats)
    return [_row(BIG, f"{job}, " + (f"$${entry} wrapper" if kind == "wrap" else f"raw {entry}"),
                 c.name, len(item), results[f"{kind}.{entry}"], expect(item), kind="speed",
                 peer=bridge_us.get(job), peer_name="bridge", target=Target(">=", 0.85))
            for job, entry, _, expect in BIG_JOBS]
