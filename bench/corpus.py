"""The benchmark corpus: real files read at run time, never random bytes, never committed.

    python-stdlib   the running interpreter's standard-library .py files, concatenated in sorted
                    path order (site-packages left out)
    shared-lib      a binary: the interpreter's shared libpython, else the interpreter itself
    gtm-routines    GT.M's own M routines (*.m in gtm_dist, sorted by name), when installed

Each corpus is its first MiB.  Items are consecutive slices of it from offset 0: one 1 MiB item,
and ITEM_COUNTS[size] items of each small size.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

MIB = 1 << 20
SMALL_SIZES = (100, 1024, 10240)
ITEM_COUNTS = {100: 1000, 1024: 256, 10240: 64}  # all within the first MiB


@dataclass(frozen=True)
class Corpus:
    name: str
    source: str   # what it was read from, for the report
    data: bytes   # the first MiB ("" when missing)
    missing: str = ""  # why it could not be read

    def item(self) -> bytes:
        return self.data[:MIB]

    def items(self, size: int) -> list[bytes]:
        return [self.data[i * size:(i + 1) * size] for i in range(ITEM_COUNTS[size])]


def _concat(paths, limit=MIB) -> bytes:
    out = bytearray()
    for p in paths:
        out += Path(p).read_bytes()
        if len(out) >= limit:
            break
    return bytes(out[:limit])


def gtm_dist() -> Path | None:
    """The GT.M installation directory (gtm_dist), or None when GT.M is not installed."""
    try:
        listing = subprocess.run(["dpkg", "-L", "fis-gtm-7.0"], capture_output=True, text=True,
                                 check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return None
    mumps = [ln for ln in listing if ln.endswith("/mumps") and "/utf8/" not in ln]
    return Path(mumps[0]).parent if mumps else None


def python_stdlib() -> Corpus:
    lib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in lib.rglob("*.py")
                   if "site-packages" not in p.parts and "dist-packages" not in p.parts)
    return Corpus("python-stdlib", f"{len(files)} .py files of Python {sys.version.split()[0]}",
                  _concat(files))


def shared_lib() -> Corpus:
    candidates = []
    libdir, ldlib = sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("LDLIBRARY")
    if libdir and ldlib and ldlib.endswith(".so"):
        candidates.append(Path(libdir) / ldlib)
    candidates.append(Path(sys.executable).resolve())  # a static build holds libpython itself
    for path in candidates:
        if path.is_file() and path.stat().st_size >= MIB:
            return Corpus("shared-lib", path.name, _concat([path.resolve()]))
    return Corpus("shared-lib", "", b"", "no libpython or interpreter binary of 1 MiB or more")


def gtm_routines() -> Corpus:
    dist = gtm_dist()
    if dist is None:
        return Corpus("gtm-routines", "", b"", "GT.M is not installed")
    files = sorted(dist.glob("*.m"))
    data = _concat(files)
    if len(data) < MIB:
        return Corpus("gtm-routines", "", b"", f"GT.M routines hold only {len(data)} bytes")
    return Corpus("gtm-routines", f"{len(files)} routines of GT.M", data)


def load() -> list[Corpus]:
    return [python_stdlib(), shared_lib(), gtm_routines()]
