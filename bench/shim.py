"""C level: instructions the stdcompress entry points add over calling the codec library
directly, counted by callgrind (exact and repeatable, unlike time).  See shim_overhead.c."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from third_party.codecs import compile_flags

from . import floors
from .corpus import Corpus
from .report import Row, Target
from .timing import Plan

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path(__file__).with_name("shim_overhead.c")
LIBDIR = ROOT / "build" / "so"
PROGRAM = ROOT / "build" / "bench" / "shim_overhead"
SECTION = "C level, one call (instructions)"
JOBS = {"zstd-compress": "zstd -3 compress", "zstd-decompress": "zstd decompress",
        "gzip": "gzip -6", "gunzip": "gunzip"}


def compile_program() -> None:
    """Builds build/bench/shim_overhead against build/so/libstdcompress.so (when out of date)."""
    floors.compile_c(SOURCE, PROGRAM, ["-Werror", f"-I{ROOT / 'callouts'}", f"-L{LIBDIR}",
                                       f"-Wl,-rpath,{LIBDIR}", "-lstdcompress", *compile_flags()],
                     after=(LIBDIR / "libstdcompress.so",))


def instructions(variant: str, job: str, item: Path, tmp: Path) -> int:
    out = tmp / f"callgrind.{variant}.{job}"
    subprocess.run(["valgrind", "--tool=callgrind", "--toggle-collect=measured",
                    f"--callgrind-out-file={out}", str(PROGRAM), variant, job, str(item)],
                   check=True, capture_output=True, timeout=600)
    return int(re.search(r"^totals:\s*(\d+)", out.read_text(), re.M).group(1))


def rows(c: Corpus, plan: Plan) -> list[Row]:
    item = c.data[:plan.shim_size]
    target = Target("<=", 1.01)
    if shutil.which("valgrind") is None:
        return [Row(SECTION, f"shim {name}", c.name, len(item), "instr", "Ir", target=target,
                    skipped="valgrind is not installed") for name in JOBS.values()]
    compile_program()
    out = []
    with tempfile.TemporaryDirectory(prefix="stdcshim") as tmp:
        path = Path(tmp, "item")
        path.write_bytes(item)
        for job, name in JOBS.items():
            out.append(Row(SECTION, f"shim {name}", c.name, len(item), "instr", "Ir",
                           instructions("shim", job, path, Path(tmp)),
                           instructions("direct", job, path, Path(tmp)), peer_name="direct",
                           target=target))
    return out
