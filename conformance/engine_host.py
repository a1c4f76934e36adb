"""The M engine hosts: conformance cases run through STDCOMPRESS.m under a real `mumps`.

`engine` runs them with gtm_chset=M, `engine-utf8` in UTF-8 mode.  Each run() starts one M
process (the runner routine bridge/m/STDCOMPRESSCONF.m), which reads every case's input file as
bytes, calls the extrinsic and writes the result file; this module compares nothing, it only
turns result files into Outcomes.

This module is also the one place that knows how to find an engine and give it an environment
(tests/engine_support.py and tasks.py use it):

    engine = find_engine()               # None when no GT.M / YottaDB is installed
    env = engine.env("UTF-8", objdir, [srcdir, ...])
    engine.compile("M", srcdir, objdir)  # -> list of problems, [] when clean
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .hosts import Case, Host, Outcome

ROOT = Path(__file__).resolve().parent.parent
M_SOURCES = ROOT / "bridge" / "m"
TABLE = ROOT / "xc" / "stdcompress.xc"
LIBDIR = ROOT / "build" / "so"  # where invoke build puts the library
MODES = ("M", "UTF-8")
GTM_PACKAGE = "fis-gtm-7.0"

# Variables of the caller's environment that would change how M runs under us.
_SCRUB = ("gtm_etrap", "ydb_etrap", "gtm_ztrap_form", "ydb_ztrap_form", "gtm_zstep", "ydb_zstep",
          "gtmroutines", "ydb_routines", "gtm_chset", "ydb_chset", "gtm_icu_version",
          "ydb_icu_version", "gtm_dist", "ydb_dist", "ydb_xc_stdcompress", "GTMXC_stdcompress")


def _has_mumps(d: Path | None) -> bool:
    return d is not None and (d / "mumps").is_file() and os.access(d / "mumps", os.X_OK)


def find_dist() -> Path | None:
    """The engine's directory (M mode): $gtm_dist / $ydb_dist, the Debian GT.M package, or a
    usual install location."""
    for var in ("gtm_dist", "ydb_dist"):
        d = os.environ.get(var)
        if d:
            p = Path(d)
            if p.name == "utf8":  # someone's UTF-8 environment: the M-mode engine is one up
                p = p.parent
            if _has_mumps(p):
                return p
    if shutil.which("dpkg"):
        r = subprocess.run(["dpkg", "-L", GTM_PACKAGE], capture_output=True, text=True)
        for line in r.stdout.splitlines():
            if line.endswith("/mumps") and "/utf8/" not in line and _has_mumps(Path(line).parent):
                return Path(line).parent
    for pattern in ("/usr/lib/x86_64-linux-gnu/fis-gtm/*/mumps", "/usr/lib/fis-gtm/*/mumps",
                    "/usr/local/lib/yottadb/*/mumps", "/opt/yottadb/*/mumps"):
        for m in sorted(glob.glob(pattern), reverse=True):
            if _has_mumps(Path(m).parent):
                return Path(m).parent
    return None


def icu_version() -> str | None:
    """major.minor of the installed ICU, read off libicuuc.so.N.M (what gtm_icu_version wants)."""
    best = None
    for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib",
              "/usr/lib/aarch64-linux-gnu"):
        for f in glob.glob(f"{d}/libicuuc.so.*"):
            m = re.search(r"libicuuc\.so\.(\d+)\.(\d+)$", f)
            if m:
                v = (int(m.group(1)), int(m.group(2)))
                best = max(best or v, v)
    return f"{best[0]}.{best[1]}" if best else None


@dataclass(frozen=True)
class Engine:
    dist: Path  # the M-mode directory; UTF-8 mode is dist/utf8

    @property
    def yottadb(self) -> bool:
        return (self.dist / "libyottadb.so").exists()

    def mode_dist(self, mode: str) -> Path:
        return self.dist if mode == "M" else self.dist / "utf8"

    def mumps(self, mode: str) -> Path:
        return self.mode_dist(mode) / "mumps"

    def utf8_unavailable(self) -> str | None:
        if not _has_mumps(self.mode_dist("UTF-8")):
            return f"no UTF-8 engine in {self.mode_dist('UTF-8')}"
        if icu_version() is None:
            return "no libicuuc.so.N.M found for gtm_icu_version"
        return None

    def routines(self, mode: str, objdir: Path, srcdirs) -> str:
        d = self.mode_dist(mode)
        util = d / "libgtmutil.so"
        if not util.exists() and (d / "libyottadbutil.so").exists():
            util = d / "libyottadbutil.so"
        srcs = " ".join(str(s) for s in srcdirs)
        return f"{objdir}({srcs}) {util if util.exists() else ''} {d}".replace("  ", " ")

    def env(self, mode: str, objdir: Path, srcdirs=(M_SOURCES,), base: dict | None = None,
            table: Path | None = TABLE, libdir: Path | None = None) -> dict:
        """An environment running `mumps` in mode with routines from srcdirs (objects in objdir)
        and the call-out table `table` (None: leave the table variables unset)."""
        env = {k: v for k, v in (os.environ if base is None else base).items() if k not in _SCRUB}
        d = self.mode_dist(mode)
        routines = self.routines(mode, objdir, srcdirs)
        chset = "M" if mode == "M" else "UTF-8"
        env.update(gtm_dist=str(d), ydb_dist=str(d), gtmroutines=routines, ydb_routines=routines,
                   gtm_chset=chset, ydb_chset=chset)
        if mode == "UTF-8":
            icu = icu_version() or ""
            env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8", gtm_icu_version=icu, ydb_icu_version=icu)
        if table is not None:
            env["GTMXC_stdcompress"] = env["ydb_xc_stdcompress"] = str(table)
        env.setdefault("STDCOMPRESS_LIBDIR", str(libdir or LIBDIR))
        if libdir is not None:
            env["STDCOMPRESS_LIBDIR"] = str(libdir)
        return env

    def compile(self, mode: str, srcdir: Path, objdir: Path, names=None) -> list[str]:
        """Compiles srcdir/*.m (or the routines named) into objdir; returns the problems the
        compiler reported (errors and warnings), [] when clean."""
        objdir.mkdir(parents=True, exist_ok=True)
        env = self.env(mode, objdir, [srcdir])
        problems = []
        files = [srcdir / f"{n}.m" for n in names] if names else sorted(srcdir.glob("*.m"))
        for f in files:
            r = subprocess.run([str(self.mumps(mode)), str(f)], cwd=objdir, env=env,
                               capture_output=True, text=True, timeout=120)
            out = (r.stdout + r.stderr).strip()
            if r.returncode != 0 or out:
                problems.append(f"{f.name}: {out or f'exit status {r.returncode}'}")
        return problems

    def run(self, mode: str, env: dict, args, timeout: float = 600, cwd=None,
            stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
        """mumps -run args... in mode.  Bytes out (UTF-8 mode may print any bytes)."""
        return subprocess.run([str(self.mumps(mode)), "-run", *args], env=env, cwd=cwd,
                              stdin=stdin, capture_output=True, timeout=timeout)


def find_engine() -> Engine | None:
    d = find_dist()
    return Engine(d) if d else None


class EngineHost(Host):
    """STDCOMPRESS.m under a real mumps, in one character-set mode."""

    def __init__(self, mode: str):
        self.mode = mode
        self.name = "engine" if mode == "M" else "engine-utf8"
        self._versions = None

    def _engine(self) -> Engine | None:
        return find_engine()

    def unavailable(self) -> str | None:
        engine = self._engine()
        if engine is None:
            return f"no GT.M or YottaDB mumps found (install {GTM_PACKAGE} or set gtm_dist)"
        if self.mode == "UTF-8" and engine.utf8_unavailable():
            return engine.utf8_unavailable()
        lib = Path(os.environ.get("STDCOMPRESS_LIBDIR", LIBDIR)) / "libstdcompress.so"
        if not lib.exists():
            return f"{lib} is not built (invoke build)"
        return None

    def versions(self) -> dict[str, str]:
        if self._versions is None:
            with tempfile.TemporaryDirectory(prefix="stdc-engine-") as tmp:
                engine, obj = self._engine(), Path(tmp) / "o"
                self._compiled(engine, obj)
                r = engine.run(self.mode, engine.env(self.mode, obj),
                               ["versions^STDCOMPRESSCONF"], timeout=120)
                text = r.stdout.decode("ascii", "replace").strip()
                if r.returncode != 0 or "=" not in text:
                    raise RuntimeError(f"{self.name}: versions failed: {text} "
                                       f"{r.stderr.decode('ascii', 'replace')}")
                self._versions = dict(p.split("=", 1) for p in text.split(","))
        return self._versions

    def _compiled(self, engine: Engine, obj: Path) -> None:
        problems = engine.compile(self.mode, M_SOURCES, obj, ["STDCOMPRESS", "STDCOMPRESSCONF"])
        if problems:
            raise RuntimeError(f"{self.name}: M compile problems: {'; '.join(problems)}")

    def run(self, cases: list[Case]) -> dict[str, Outcome]:
        engine = self._engine()
        with tempfile.TemporaryDirectory(prefix="stdc-engine-") as tmp:
            tmp = Path(tmp)
            obj = tmp / "o"
            self._compiled(engine, obj)
            jobs, names = [], {}
            for i, case in enumerate(cases):
                if case.source is not None and case.source.is_file():
                    src = case.source
                else:
                    src = tmp / f"in{i}"
                    src.write_bytes(case.data)
                names[case.key] = tmp / f"out{i}"
                level = "" if case.level is None else str(case.level)
                if any(c in f"{case.key}{src}{names[case.key]}" for c in "\t\n"):
                    raise ValueError(f"tab or newline in a case key or path: {case.key!r}")
                jobs.append("\t".join([case.key, case.op, case.codec, level, str(src),
                                       str(names[case.key])]))
            (tmp / "jobs").write_text("\n".join(jobs) + "\n", encoding="utf-8")
            r = engine.run(self.mode, engine.env(self.mode, obj),
                           ["STDCOMPRESSCONF", str(tmp / "jobs"), str(tmp / "results")],
                           timeout=1800)
            results = tmp / "results"
            lines = results.read_bytes().decode("utf-8", "replace").splitlines() \
                if results.exists() else []
            outcomes: dict[str, Outcome] = {}
            for line in lines:
                f = line.split("\t")
                if len(f) >= 2 and f[1] == "OK" and f[0] in names:
                    outcomes[f[0]] = Outcome.ok(names[f[0]].read_bytes())
                elif len(f) >= 4 and f[1] == "FAIL":
                    outcomes[f[0]] = Outcome.failed(f[2], f[3])
            if not lines or lines[-1] != f"END\t{len(cases)}":
                why = (r.stdout + r.stderr).decode("utf-8", "replace").strip()[-500:]
                for case in cases:
                    outcomes.setdefault(case.key, Outcome.failed(
                        "ENGINE", f"the M process ended early (status {r.returncode}): {why}"))
            return outcomes


HOSTS = [EngineHost("M"), EngineHost("UTF-8")]
