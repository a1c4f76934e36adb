"""Runs the fuzz targets (`invoke fuzz`): builds them, writes their seeds from the conformance
corpus, replays fuzz/regressions/<target>/, then fuzzes each for N seconds and prints one line
of figures per target (executions, executions per second, corpus size, crashes).

    python -m fuzz.run [--seconds N] [--target NAME ...] [--replay-only]

Layout under build/fuzz/: bin/<target> (libFuzzer binaries), seeds/<target>, corpus/<target>
(what the fuzzer found, kept between runs), crashes/<target>/ (crash-*, leak-*, timeout-*,
oom-*: the inputs; fix, then copy them into fuzz/regressions/<target>/).  Exit status 1 when
any replay or run crashed.  Needs the environment of tasks.dev_env (the bridge on PYTHONPATH).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

from third_party import codecs

from .seeds import write as write_seeds
from .targets import BY_NAME, TARGETS

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = ROOT / "build" / "fuzz"
REGRESSIONS = HERE / "regressions"
ARTIFACTS = ("crash-", "leak-", "timeout-", "oom-")


def command(target) -> list[str]:
    if target.kind == "c":
        return [str(OUT / "bin" / target.name)]
    return [sys.executable, str(HERE / target.script)]


def build(targets) -> None:
    c = [t for t in targets if t.kind == "c"]
    if c:
        subprocess.run(["make", "-s", "-C", str(HERE), f"OUT={OUT}", "-j2",
                        f"CODECS={codecs.build(quiet=True)}",
                        *(str(OUT / "bin" / t.name) for t in c)], check=True)


def replay(target) -> tuple[int, bool, str]:
    """Runs every file of fuzz/regressions/<target>/ once: (count, clean, output tail)."""
    files = sorted(p for p in (REGRESSIONS / target.name).glob("*") if p.is_file()
                   and p.name != "README")
    if not files:
        return 0, True, ""
    r = subprocess.run([*command(target), "-runs=1", f"-max_len={1 << 22}", *map(str, files)],
                       capture_output=True, text=True, errors="replace")
    return len(files), r.returncode == 0, r.stderr[-3000:]


def stat(text: str, name: str) -> int | None:
    m = re.findall(rf"stat::{name}:\s+(\d+)", text)
    return int(m[-1]) if m else None


def fuzz(target, seconds: int) -> dict:
    corpus, crashes, seeds = (OUT / d / target.name for d in ("corpus", "crashes", "seeds"))
    for d in (corpus, crashes):
        d.mkdir(parents=True, exist_ok=True)
    before = {p.name for p in crashes.iterdir()}
    r = subprocess.run([*command(target), f"-max_total_time={seconds}",
                        f"-max_len={target.max_len}", "-rss_limit_mb=2048", "-timeout=25",
                        "-print_final_stats=1", f"-artifact_prefix={crashes}/",
                        str(corpus), str(seeds)],
                       capture_output=True, text=True, errors="replace")
    err = r.stderr
    units = re.findall(r"corp: (\d+)/", err)
    new = [p.name for p in crashes.iterdir() if p.name not in before and
           p.name.startswith(ARTIFACTS)]
    return {"target": target.name, "executions": stat(err, "number_of_executed_units"),
            "per_second": stat(err, "average_exec_per_sec"),
            "corpus": int(units[-1]) if units else None,
            "saved": sum(1 for _ in corpus.iterdir()),
            "crashes": len(new) + (1 if r.returncode != 0 and not new else 0),
            "artifacts": new, "returncode": r.returncode, "tail": err[-3000:]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=60, help="seconds per target")
    ap.add_argument("--target", action="append", default=[], help="one target (repeatable)")
    ap.add_argument("--replay-only", action="store_true", help="replay the regressions only")
    args = ap.parse_args(argv)
    unknown = [n for n in args.target if n not in BY_NAME]
    if unknown:
        ap.error(f"unknown target(s) {unknown}; targets: {', '.join(BY_NAME)}")
    targets = [BY_NAME[n] for n in args.target] if args.target else TARGETS
    build(targets)
    bad = False
    for t in targets:
        n, clean, tail = replay(t)
        print(f"replay {t.name}: {n} regression input(s) {'clean' if clean else 'CRASHED'}",
              flush=True)
        if not clean:
            print(tail, file=sys.stderr)
            bad = True
    if args.replay_only:
        return 1 if bad else 0
    counts = write_seeds(OUT / "seeds", [t.name for t in targets])
    print(f"{'target':<10} {'seeds':>6} {'executions':>11} {'exec/s':>7} {'corpus':>7} "
          f"{'crashes':>7}", flush=True)
    for t in targets:
        f = fuzz(t, args.seconds)
        print(f"{t.name:<10} {counts[t.name]:>6} {f['executions'] or 0:>11} "
              f"{f['per_second'] or 0:>7} {f['corpus'] or 0:>7} {f['crashes']:>7}", flush=True)
        if f["crashes"]:
            bad = True
            print(f"  {t.name}: crash kept in {OUT / 'crashes' / t.name}: {f['artifacts']}\n"
                  f"{f['tail']}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
