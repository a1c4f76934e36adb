"""Checks that a libstdcompress.so installs anywhere (tests/test_dist.py, test_packaging.py): it
needs only the C runtime's own libraries, carries its codecs, and exports only its entries."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

# What every Linux process has; the library may need nothing else.
SYSTEM_LIBRARIES = ("linux-vdso.so", "libc.so", "libm.so", "libpthread.so", "ld-linux")
CODEC_LIBRARIES = ("libz.so", "libzstd.so", "liblz4.so", "libbrotli", "libdeflate.so",
                   "liblzma.so")


def needed_libraries(lib: Path) -> list[str]:
    """The file names ldd lists for lib (run with a bare environment: no LD_LIBRARY_PATH)."""
    r = subprocess.run(["ldd", str(lib)], capture_output=True, text=True, check=True,
                       env={"PATH": "/usr/bin:/bin"})
    return [Path(line.split()[0]).name for line in r.stdout.splitlines() if line.strip()]


def assert_needs_only_system_libraries(lib: Path) -> list[str]:
    """Fails naming any codec library, or anything else, that lib needs; returns ldd's names."""
    names = needed_libraries(lib)
    assert not [n for n in names if n.startswith(CODEC_LIBRARIES)], names
    assert all(n.startswith(SYSTEM_LIBRARIES) for n in names), names
    return names


def assert_exports_only_entries(lib: Path) -> list[str]:
    """Fails unless every dynamic symbol lib defines is a stdc_* entry; returns them."""
    r = subprocess.run(["nm", "-D", "--defined-only", str(lib)], capture_output=True, text=True,
                       check=True)
    symbols = [line.split()[-1] for line in r.stdout.splitlines() if line.strip()]
    assert symbols and all(re.fullmatch(r"stdc_\w+", s) for s in symbols), \
        [s for s in symbols if not s.startswith("stdc_")]
    return symbols
