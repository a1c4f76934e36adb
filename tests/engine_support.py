"""Helpers for the engine tests (tests/test_engine.py): the M test labels, result parsing, and
one compiled object directory per character-set mode.  Finding the engine and building its
environment is conformance/engine_host.py's job; this module only adds what tests need."""

from __future__ import annotations

import re
import subprocess
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conformance.engine_host import M_SOURCES, MODES, Engine, find_engine  # noqa: F401

TEST_ROUTINE = M_SOURCES / "STDCOMPRESSTST.m"

# The seed STDCOMPRESS module's usage example, verbatim (code written for the seed must run).
SEED_EXAMPLE = textwrap.dedent('''\
    SEEDEX ; the seed module's usage example
     new buf,raw,$etrap
     set $etrap="write $zstatus,! set $ecode="""" quit"
     if '$$gzip^STDCOMPRESS("hello, world",.buf) write $ecode,! quit
     if '$$gunzip^STDCOMPRESS(buf,.raw) write $ecode,! quit
     write raw,! ; "hello, world"
     quit
    ''')


def engine_or_skip(needs: str) -> Engine:
    """The installed engine, or a skip saying how to install one and what needs it."""
    e = find_engine()
    if e is None:
        pytest.skip("GT.M is not installed (no mumps: apt-get install fis-gtm-7.0, or set "
                    f"gtm_dist); {needs}")
    return e


def m_test_labels(path: Path = TEST_ROUTINE) -> list[str]:
    """The labels marked ;@test in the M test routine, in file order."""
    labels = []
    for line in path.read_text(encoding="ascii").splitlines():
        m = re.match(r"^([%A-Za-z][A-Za-z0-9]*)(?:\([^)]*\))?\s*;@test\b", line)
        if m:
            labels.append(m.group(1))
    return labels


@dataclass
class LabelResult:
    status: str            # "PASS" or "FAIL"
    summary: str           # the rest of the result line
    details: list[str] = field(default_factory=list)  # the "#" lines before it


@dataclass
class MRun:
    results: dict[str, LabelResult]
    done: str | None       # the DONE line, None if the process ended early
    output: str
    returncode: int


def parse_m_run(output: str, returncode: int) -> MRun:
    """Reads STDCOMPRESSTST's output: "# label: detail", "PASS label (...)", "FAIL label: ..."."""
    results: dict[str, LabelResult] = {}
    pending: dict[str, list[str]] = {}
    done = None
    for line in output.splitlines():
        if line.startswith("# "):
            label = line[2:].split(":", 1)[0]
            pending.setdefault(label, []).append(line[2:])
            continue
        m = re.match(r"^(PASS|FAIL) ([%A-Za-z][A-Za-z0-9]*)[: ]?(.*)$", line)
        if m:
            status, label, rest = m.groups()
            results[label] = LabelResult(status, rest.strip(), pending.pop(label, []))
        elif line.startswith("DONE "):
            done = line
    return MRun(results, done, output, returncode)


class Modes:
    """Per character-set mode: the routines compiled once into a temporary object directory
    (objects differ between modes), and the environment to run them in."""

    def __init__(self, engine: Engine, tmp_root: Path):
        self.engine, self.tmp_root = engine, tmp_root
        self._compiled: dict[str, tuple[Path, list[str]]] = {}

    def unavailable(self, mode: str) -> str | None:
        return self.engine.utf8_unavailable() if mode == "UTF-8" else None

    def objdir(self, mode: str) -> Path:
        return self.compiled(mode)[0]

    def compiled(self, mode: str) -> tuple[Path, list[str]]:
        """(object directory, compiler problems) for mode."""
        if mode not in self._compiled:
            objdir = self.tmp_root / ("o-m" if mode == "M" else "o-utf8")
            self._compiled[mode] = (objdir, self.engine.compile(mode, M_SOURCES, objdir))
        return self._compiled[mode]

    def env(self, mode: str, extra_srcdirs=(), **kw) -> dict:
        return self.engine.env(mode, self.objdir(mode), [M_SOURCES, *extra_srcdirs], **kw)

    def run(self, mode: str, args, env: dict | None = None, timeout: float = 900):
        r = self.engine.run(mode, env if env is not None else self.env(mode), args,
                            timeout=timeout)
        return r.returncode, r.stdout.decode("utf-8", "replace"), \
            r.stderr.decode("utf-8", "replace")


def database(modes: Modes, tmp_path: Path, record_size: int = 1048576) -> dict:
    """A real database file in tmp_path (GDE, then mupip create), records up to record_size
    bytes: the environment variables that name it."""
    gld = {"gtmgbldir": str(tmp_path / "t.gld"), "ydb_gbldir": str(tmp_path / "t.gld")}
    env = {**modes.env("M"), **gld}
    gde = tmp_path / "gde.txt"
    gde.write_text(f"change -segment DEFAULT -file_name={tmp_path / 't.dat'}\n"
                   f"change -region DEFAULT -record_size={record_size} -key_size=1019\nexit\n")
    with gde.open() as commands:
        r = modes.engine.run("M", env, ["GDE"], stdin=commands, cwd=tmp_path)
    assert r.returncode == 0 and (tmp_path / "t.gld").exists(), r.stdout + r.stderr
    r = subprocess.run([str(modes.engine.mode_dist("M") / "mupip"), "create"], env=env,
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and (tmp_path / "t.dat").exists(), r.stdout + r.stderr
    return gld
