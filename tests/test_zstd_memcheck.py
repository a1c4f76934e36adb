"""stdcompress._buffers (the C types of stdcompress.zstd) under the memory checkers: the stress
script tests/zstd_buffers_stress.py (every path, every error path, hostile segments) against an
AddressSanitizer + UBSan build of the module, and under valgrind memcheck (no error and no
definite leak in a stack through _buffers; CPython's own reports, present without the module
too, are not ours to judge)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SANITIZED


def _load_builder():
    """bridge/python/stdcompress/_buffers_build.py, loaded from its path (its directory on
    sys.path would shadow top-level packages such as python-lz4's `lz4`)."""
    import importlib.util
    path = ROOT / "bridge" / "python" / "stdcompress" / "_buffers_build.py"
    spec = importlib.util.spec_from_file_location("_buffers_build", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_buffers_build = _load_builder()

STRESS = ROOT / "tests" / "zstd_buffers_stress.py"
PASSED = "zstd_buffers_stress: all checks passed"


def _lib(name: str) -> str:
    return subprocess.run(["gcc", f"-print-file-name={name}"], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_asan_ubsan_clean(tmp_path):
    module = _buffers_build.build(tmp_path, sanitize="address,undefined")
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    env["LD_PRELOAD"] = f"{_lib('libasan.so')} {_lib('libubsan.so')}"
    # CPython itself is not leak-clean under LeakSanitizer; leaks are valgrind's job below.
    env["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1:strict_string_checks=1"
    env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    r = subprocess.run([sys.executable, str(STRESS), str(module), "40"], capture_output=True,
                       text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert PASSED in r.stdout
    assert "runtime error" not in r.stderr and "AddressSanitizer" not in r.stderr


def _blocks(report: str):
    """valgrind's report split into its records (errors and loss records)."""
    lines = [re.sub(r"^==\d+== ?", "", ln) for ln in report.splitlines()]
    block: list[str] = []
    for ln in lines:
        if ln.strip():
            block.append(ln)
        elif block:
            yield "\n".join(block)
            block = []
    if block:
        yield "\n".join(block)


@pytest.mark.skipif(SANITIZED, reason="valgrind cannot run under the AddressSanitizer preload")
@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_valgrind_clean(tmp_path):
    module = _buffers_build.build(tmp_path, debug=True)
    env = dict(os.environ, PYTHONMALLOC="malloc")  # every object through malloc, seen by memcheck
    r = subprocess.run(["valgrind", "--leak-check=full", "--show-leak-kinds=definite",
                        "--num-callers=30", sys.executable, str(STRESS), str(module), "4"],
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr[-5000:]
    assert PASSED in r.stdout and "ERROR SUMMARY" in r.stderr
    ours = [b for b in _blocks(r.stderr) if "_buffers" in b and "Command:" not in b]
    assert not ours, "\n\n".join(ours)
