"""Smoke test of the benchmark: `python -m bench.run --quick` runs and prints every row.
It checks that the instrument works, never its figures (those belong to `invoke bench`)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from bench import anysize, batch, bridge, globals as m_globals, engine, lz4stream, memory, shim, streams

ROOT = Path(__file__).resolve().parent.parent
HEADER = ("job", "corpus", "item", "ours", "peer", "ratio", "MB/s", "target", "met?")
JOB_ROWS = [
    "gzip -6", "gzip -6 size", "gunzip", "inflate", "unzlib", "zstd -3 compress",
    "zstd -3 compress (no-chk peer)", "zstd decompress", "zstd decompress (no-chk peer)",
    *bridge.LZ4_BROTLI_JOBS, *bridge.XZ_JOBS, *(f"{job}{bridge.FLOOR_SUFFIX}" for job in bridge.FLOOR_JOBS),
    *lz4stream.JOBS, *lz4stream.FLOOR_JOBS,
    *streams.JOBS, *streams.FLOOR_JOBS,
    *batch.JOBS,
    *(label for label, _, _ in engine.SMALL_JOBS),
    *(f"{label}{engine.SMALL_FLOOR_SUFFIX}" for label, _, _ in engine.SMALL_JOBS),
    *(f"runtime cost alone: {kind} {job}" for _, job, _ in engine.SMALL_JOBS
      for kind in (("frame1k", "trap1k") if job.startswith("wrap.") else ("floor1k",))),
    *(f"{label}{engine.SMALL_TRAP_SUFFIX}" for label, job, _ in engine.SMALL_JOBS
      if job.startswith("wrap.")),
    *(f"{job}, " for job, _, _, _ in engine.BIG_JOBS),
    *(f"{job}{engine.FLOOR_SUFFIX}" for job, _, _, _ in engine.BIG_JOBS),
    *(f"{job}: C floor as a call-out" for job, _, _, _ in engine.BIG_JOBS),
    *(f"C floor: {name}" for name in engine.FLOOR_JOBS),
    *(f"{name}: {codec}" for name in engine.IN_RUNTIME_NAMES.values() for codec in ("zstd", "gzip")),
    *(f"shim {name}" for name in shim.JOBS.values()),
    "Python allocation, ", "peak RSS, ",
    *(f"{job}, 3 MiB" for job in anysize.JOBS),
    *(f"{codec} {job}" for codec in m_globals.CODECS for job in m_globals.JOBS),
]
SECTIONS = [bridge.BIG, bridge.SMALL, anysize.SECTION, engine.SMALL, engine.BIG,
            lz4stream.SECTION, streams.FLOOR_SECTION, streams.SECTION, batch.SECTION,
            m_globals.SECTION, shim.SECTION, memory.SECTION]
# ---- easynetwork packets ----
from bench import network  # noqa: E402

JOB_ROWS += list(network.JOBS)
SECTIONS += [network.SECTION]
# ---- end of easynetwork packets ----


def test_quick_run_prints_the_table_and_writes_json(tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "bridge" / "python"), str(ROOT), env.get("PYTHONPATH")) if p)
    proc = subprocess.run([sys.executable, "-m", "bench.run", "--quick", "--out", str(tmp_path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert any(ln.split() == list(HEADER) for ln in lines), proc.stdout[:2000]
    for section in SECTIONS:
        assert f"== {section}" in lines, section
    for job in JOB_ROWS:
        assert any(ln.startswith(job) for ln in lines), f"no row for {job!r}"
    record = json.loads((tmp_path / "latest-quick.json").read_text())
    assert record["quick"] and record["rows"]

    # --compare against that record prints a delta per row
    again = subprocess.run([sys.executable, "-m", "bench.run", "--quick", "--out", str(tmp_path),
                            "--compare", str(tmp_path / "latest-quick.json")],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "compared with " in again.stdout and " -> " in again.stdout


def test_a_miss_reads_floor_only_when_the_floor_bounds_it():
    """The verdict of bench/report.py: a missed target reads "floor" when the floor measured in
    the same run misses it too, or when ours is within FLOOR_NOISE of the floor; else "NO"."""
    from bench.report import Row, Target, summary

    def row(ours, peer, floor, kind="speed", target=Target(">=", 2.0)):
        return Row("s", "j", "c", 1, kind, "us", ours, peer, target=target, floor=floor,
                   floor_name="C floor")

    assert row(40, 100, 45).verdict == "yes"            # met: the floor does not matter
    assert row(60, 100, 55).verdict == "floor"          # the floor itself is 1.82x < 2x
    assert row(60, 100, 40).verdict == "NO"             # the floor is 2.5x: the miss is ours
    assert row(50.9, 100, 50).verdict == "floor"        # 2.5 times 1% off a floor at 2x
    assert row(60, 100, None).verdict == "NO"           # no floor measured
    assert row(1.4, 1.0, 1.1, "time", Target("<=", 1.3)).verdict == "NO"
    assert row(1.4, 1.0, 1.38, "time", Target("<=", 1.3)).verdict == "floor"
    text = summary([row(60, 100, 55), row(60, 100, 40)])
    assert "0 met, 1 at their floor, 1 missed" in text
    assert "ours 60.0 us, C floor 55.0 us (1.091x); the floor's own ratio 1.82x" in text
