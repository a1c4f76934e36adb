"""Builds the C call-outs into the package, so `pip install .` gives a self-contained bridge:
stdcompress/_data/ holds libstdcompress.so (the bundled codecs linked in
statically), its header and the call-out table; the compiled
trampoline (stdcompress._trampoline) is built by cffi."""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
from third_party import codecs  # noqa: E402  the bundled codecs (third_party/codecs.lock)


class BuildPyWithCallouts(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            # pip install -e: the package stays in the tree and finds xc/stdcompress.xc and
            # build/so/ there (_runtime.work_tree), where `invoke build` puts the library too
            subprocess.check_call(["make", "-s", "-C", str(ROOT / "callouts"),
                                   f"OUT={ROOT / 'build' / 'so'}",
                                   f"CODECS={codecs.build(quiet=True)}"])
            return
        data = Path(self.build_lib) / "stdcompress" / "_data"
        data.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as out:
            subprocess.check_call(["make", "-s", "-C", str(ROOT / "callouts"), f"OUT={out}",
                                   f"CODECS={codecs.build(quiet=True)}"])
            for name in ("libstdcompress.so", "stdcompress.h"):
                shutil.copy2(Path(out) / name, data / name)
        shutil.copy2(ROOT / "xc" / "stdcompress.xc", data / "stdcompress.xc")


setup(
    cmdclass={"build_py": BuildPyWithCallouts},
    cffi_modules=["bridge/python/stdcompress/_trampoline_build.py:ffibuilder"],
    # stdcompress._buffers: the buffer types of stdcompress.zstd (a CPython extension: they
    # export read-only buffers, which Python classes cannot before 3.12)
    ext_modules=[Extension("stdcompress._buffers", ["bridge/python/stdcompress/_buffers.c"],
                           extra_compile_args=["-Wall", "-Wextra",
                                               "-Wno-missing-field-initializers"])],
)
