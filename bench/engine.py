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

from . import floors
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


FLOOR_SUFFIX = " vs bridge + runtime cost"
# the C floor's rows (bench/engine_floor.c), context under the targets
FLOOR_JOBS = ("gzip-libdeflate", "gzip-zlib-small", "zstd")
# small items: the rows against the C floor plus the runtime's own cost of the same call
SMALL_FLOOR_SUFFIX = " vs C floor + runtime cost"
# wrapper rows: ... plus the runtime's cost of a frame that sets its own $ETRAP
SMALL_TRAP_SUFFIX = " vs C floor + runtime cost of a trapped frame"
# the C floor's work made as a call-out (bench/runtime_floor.c): the floor of the small rows
IN_RUNTIME_NAMES = {"cfloor": "C floor as a call-out", "cftrap": "C floor as a trapped call-out"}

# job on a 1 MiB item: (the bridge row's job, M entry and label, the M input made from the item,
# the expected M result made from the item)
BIG_JOBS = [
    ("gzip -6", "gzip", _same, stdcompress.gzip),
    ("gunzip", "gunzip", stdcompress.gzip, _same),
    ("zstd -3 compress", "zstdCompress", _same, stdcompress.zstd_compress),
    ("zstd decompress", "zstdDecompress", stdcompress.zstd_compress, _same),
]
# each 1 MiB job's C floor as a call-out (bench/runtime_floor.c): entry -> its function
BIG_FLOORS = {"gzip": "gzip1m", "gunzip": "gunzip1m", "zstdCompress": "zstd",
              "zstdDecompress": "unzstd1m"}


def _runtime_floor_table() -> Path:
    """bench/runtime_floor.c as its own call-out package (stdcbench) with its own table."""
    lib = floors.compile_c(ROOT / "bench" / "runtime_floor.c", OBJECTS.parent / "libstdcbench.so",
                           ["-shared", "-fPIC", f"-I{ROOT / 'callouts'}", *floors.compile_flags(),
                            "-Wl,--exclude-libs,ALL"])
    table = OBJECTS.parent / "stdcbench.xc"
    # the runtime finds the last lines first (docs/callouts.md): the small calls go last
    big = "".join(f"{entry}1m: gtm_long_t stdcbench_{fn}(I:gtm_string_t*,"
                  "O:gtm_string_t*[1048576])\n" for entry, fn in BIG_FLOORS.items())
    table.write_text(f"{lib}\n{big}declare: gtm_long_t stdcbench_declare(I:gtm_string_t*,"
                     "O:gtm_string_t*[1048576],I:gtm_long_t)\n"
                     "gzip1k: gtm_long_t stdcbench_gzip(I:gtm_string_t*,O:gtm_string_t*[1024])\n"
                     "zstd1k: gtm_long_t stdcbench_zstd(I:gtm_string_t*,O:gtm_string_t*[1024])\n"
                     "declare1k: gtm_long_t stdcbench_declare(I:gtm_string_t*,"
                     "O:gtm_string_t*[1024],I:gtm_long_t)\n")
    return table


def _environment(dist: Path) -> dict:
    env = dict(os.environ, gtm_dist=str(dist), gtm_chset="M", LC_ALL="C",
               GTMXC_stdcbench=str(_runtime_floor_table()))
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
    """Each job against the C floor (target <= 1.3x), and against the C floor plus the runtime's
    own cost of the same call (a no-work call-out with the item in and a result of the job's
    size out through a 1 KiB output, the raw rows' tier; for the wrapper rows that call inside
    one extrinsic M frame, the least a wrapper is), which bounds the first target when the
    runtime alone costs more than 30% of the C work.  The wrapper rows have a third: that frame
    also setting its own $ETRAP, the least a wrapper is that reports the runtime's errors in
    its own codes (CALLOUT-MISSING); the runtime's SET $ETRAP is most of a wrapper's cost."""
    item = c.items(SMALL_SIZES[0])[0]
    jobs = [j for j in SMALL_JOBS if not _wrapper_missing(j[1])]
    # each job's runtime floors: a wrapper's include the M function frame every wrapper is
    floors_of = {job: [f"{'frame1k' if job.startswith('wrap.') else 'floor1k'}."
                       f"{len(expect(item))}.{job}"] +
                 ([f"trap1k.{len(expect(item))}.{job}"] if job.startswith("wrap.") else [])
                 for _, job, expect in SMALL_JOBS}
    # each job's floor as a call-out: the C floor's work called by the runtime, for a wrapper
    # inside a trapped frame (the least a wrapper is)
    in_runtime = {job: f"{'cftrap' if job.startswith('wrap.') else 'cfloor'}."
                       f"{label.split()[0]}" for label, job, _ in SMALL_JOBS}
    inputs = {job: item for _, job, _ in jobs}
    inputs.update({f: item for _, job, _ in jobs for f in [*floors_of[job], in_runtime[job]]})
    results = run_m(inputs, plan.engine_small_calls, plan.engine_repeats)
    runtime = {f: results.get(f, (None, ""))[0] for _, job, _ in SMALL_JOBS for f in floors_of[job]}
    floor = c_floor(item, plan.engine_small_calls)
    floor["gzip"] = min(floor["gzip-libdeflate"], floor["gzip-zlib-small"])
    rows = []
    for label, job, expect in SMALL_JOBS:
        c_us = floor[label.split()[0]]
        called = results.get(in_runtime[job], (None, ""))[0]
        called_name = IN_RUNTIME_NAMES[in_runtime[job].split(".")[0]]
        rows.append(_row(SMALL, label, c.name, len(item),
                         results.get(job, (None, _wrapper_missing(job))), expect(item),
                         kind="time", peer=c_us, peer_name="C floor", target=Target("<=", 1.3),
                         floor=called, floor_name=called_name))
        ours, skipped = rows[-1].ours, rows[-1].skipped
        for f, suffix in zip(floors_of[job], (SMALL_FLOOR_SUFFIX, SMALL_TRAP_SUFFIX)):
            runtime_us = runtime[f]
            rows.append(Row(SMALL, f"{label}{suffix}", c.name, len(item), "time", "us", ours,
                            None if runtime_us is None else c_us + runtime_us,
                            peer_name="C floor + runtime", target=Target("<=", 1.3),
                            skipped=skipped or ("" if runtime_us is not None
                                                else "no runtime floor"),
                            floor=called, floor_name=called_name))
    rows += [Row(SMALL, f"C floor: {name}", c.name, len(item), "abs", "us", floor[name])
             for name in FLOOR_JOBS]
    for f in dict.fromkeys(in_runtime.values()):
        kind, codec = f.split(".")
        us, why = results.get(f, (None, "not run"))
        rows.append(Row(SMALL, f"{IN_RUNTIME_NAMES[kind]}: {codec}", c.name, len(item), "abs",
                        "us", us, skipped="" if us is not None else why))
    return rows + [Row(SMALL, f"runtime cost alone: {f.split('.')[0]} {job}", c.name, len(item),
                       "abs", "us", runtime[f], skipped="" if runtime[f] is not None
                       else "no runtime floor")
                   for _, job, _ in SMALL_JOBS for f in floors_of[job]]


def c_floor(item: bytes, calls: int) -> dict[str, float]:
    """bench/engine_floor.c on ITEM: microseconds per call by job (gzip-libdeflate,
    gzip-zlib-small, zstd)."""
    out = floors.run("engine_floor", item, str(calls))
    return {job: float(us) for job, us in (line.split() for line in out.splitlines())}


def big_rows(c: Corpus, plan: Plan, bridge_us: dict[str, float]) -> list[Row]:
    """bridge_us: the bridge's time per call by job name, on this corpus's 1 MiB item.  The
    wrapper when it is there (what M programs call), else the raw call-out."""
    item = c.item()
    kind = "wrap" if WRAPPER.exists() else "raw"
    inputs = {f"{kind}.{entry}": make(item) for _, entry, make, _ in BIG_JOBS}
    # the runtime's own cost of each job's call: its input in, its result's size out, no work
    inputs.update({f"floor.{len(expect(item))}.{entry}": make(item)
                   for _, entry, make, expect in BIG_JOBS})
    inputs.update({f"cfloor1m.{entry}": make(item) for _, entry, make, _ in BIG_JOBS})
    results = run_m(inputs, plan.engine_big_calls, plan.engine_big_repeats)
    rows = []
    for job, entry, _, expect in BIG_JOBS:
        label = f"{job}, " + (f"$${entry} wrapper" if kind == "wrap" else f"raw {entry}")
        rows.append(_row(BIG, label, c.name, len(item), results[f"{kind}.{entry}"],
                         expect(item), kind="speed", peer=bridge_us.get(job), peer_name="bridge"))
        runtime_us = results[f"floor.{len(expect(item))}.{entry}"][0]
        floor = None if runtime_us is None or job not in bridge_us else \
            bridge_us[job] + runtime_us
        called_us, called_out = results[f"cfloor1m.{entry}"]
        if called_us is not None and len(called_out) != len(expect(item)):
            called_us = None  # not the same job's result: no floor
        rows.append(Row(BIG, f"{job}{FLOOR_SUFFIX}", c.name, len(item), "speed", "us",
                        rows[-1].ours, floor, peer_name="bridge + runtime",
                        target=Target(">=", 1.0),
                        skipped=rows[-1].skipped or ("" if floor else "no runtime floor"),
                        floor=called_us, floor_name="C floor as a call-out"))
        rows.append(Row(BIG, f"{job}: runtime cost alone", c.name, len(item), "abs", "us",
                        runtime_us, skipped="" if runtime_us is not None else "no runtime floor"))
        rows.append(Row(BIG, f"{job}: C floor as a call-out", c.name, len(item), "abs", "us",
                        called_us, skipped="" if called_us is not None else
                        f"C floor call-out failed: {called_out}"))
    return rows
