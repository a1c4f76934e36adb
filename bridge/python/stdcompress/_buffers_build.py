"""Builds stdcompress._buffers (the buffer types of stdcompress.zstd, _buffers.c) in place.

pip builds the same file through setup.py's ext_modules; `invoke build` runs this script:

    python bridge/python/stdcompress/_buffers_build.py                  # in place
    python bridge/python/stdcompress/_buffers_build.py --out DIR --sanitize address,undefined

It uses CPython's own compiler and flags (sysconfig), -Wall -Wextra -Werror, and replaces the
module by rename, never in place (a running process may have the old file mapped).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sysconfig
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "_buffers.c"
WARNINGS = ["-Wall", "-Wextra", "-Werror", "-Wno-missing-field-initializers"]


def module_name() -> str:
    return "_buffers" + sysconfig.get_config_var("EXT_SUFFIX")


def build(out_dir: Path, sanitize: str = "", debug: bool = False) -> Path:
    """Compiles _buffers.c into out_dir/_buffers<EXT_SUFFIX>; returns that path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cc = shlex.split(sysconfig.get_config_var("CC") or "cc")
    cflags = shlex.split(sysconfig.get_config_var("CCSHARED") or "-fPIC")
    opt = ["-O1", "-g", "-fno-omit-frame-pointer"] if (sanitize or debug) else ["-O2"]
    san = [f"-fsanitize={sanitize}", "-fno-sanitize-recover=all"] if sanitize else []
    include = sysconfig.get_paths()["include"]
    target = out_dir / module_name()
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        staged = Path(tmp) / target.name
        subprocess.run([*cc, *cflags, *opt, *san, *WARNINGS, f"-I{include}", "-shared",
                        str(SOURCE), "-o", str(staged)], check=True)
        if target.exists() and target.read_bytes() == staged.read_bytes():
            return target
        os.replace(staged, target)
    return target


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE), help="directory of the module (default: in place)")
    ap.add_argument("--sanitize", default="", help="e.g. address,undefined")
    ap.add_argument("--debug", action="store_true", help="-O1 -g (for valgrind)")
    args = ap.parse_args()
    print(build(Path(args.out), args.sanitize, args.debug))
