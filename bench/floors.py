"""The C floors: the codec library's own streaming functions called from C on the same chunks
as the Python rows, with no bridge at all (bench/*_floor.c, compiled against the bundled codecs
of third_party/codecs.lock, the very archives libstdcompress.so links).  Run in the same bench
run as the rows they bound, so a stream row's ratio to its floor compares like with like."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from third_party.codecs import compile_flags

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "build" / "bench"


def compile_c(source: Path, program: Path, args: list[str], after: tuple[Path, ...] = ()) -> Path:
    """cc -O2 SOURCE ARGS -o PROGRAM, when the program is older than its source or than AFTER
    (or missing).  Compiled to a temporary name first: another run may be compiling it too."""
    newest = max(p.stat().st_mtime for p in (source, *after))
    if program.exists() and program.stat().st_mtime >= newest:
        return program
    program.parent.mkdir(parents=True, exist_ok=True)
    tmp = program.with_name(f"{program.name}.{os.getpid()}")
    subprocess.run(["cc", "-O2", "-g", "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-Wall",
                    "-Wextra", "-o", str(tmp), str(source), *args], check=True)
    os.replace(tmp, program)
    return program


def run(name: str, item: bytes, *args: str) -> str:
    """Compiles bench/<name>.c against the bundled codecs, runs it on ITEM (written to a
    temporary file) and ARGS, returns its stdout."""
    program = compile_c(ROOT / "bench" / f"{name}.c", PROGRAMS / name, compile_flags())
    with tempfile.NamedTemporaryFile(prefix="stdcfloor") as f:
        f.write(item)
        f.flush()
        return subprocess.run([str(program), f.name, *args], check=True, capture_output=True,
                              text=True, timeout=600).stdout


def load(name: str):
    """bench/<name>.c compiled against the bundled codecs as a shared object, loaded (ctypes,
    its symbols local): a floor timed in the bench's own process, interleaved with ours."""
    import ctypes

    lib = compile_c(ROOT / "bench" / f"{name}.c", PROGRAMS / f"{name}.so",
                    ["-shared", "-fPIC", *compile_flags()])
    return ctypes.CDLL(str(lib), mode=os.RTLD_LOCAL)
