"""The C library without Python in the way: tests/c/abi_driver.c calls every entry as the M
runtime does. Normally it runs under valgrind memcheck (0 errors, 0 bytes definitely lost);
in the sanitizer run it is built with AddressSanitizer, UBSan and LeakSanitizer instead."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, SANITIZED

pytestmark = pytest.mark.c_facing


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    libdir = os.environ["STDCOMPRESS_LIBDIR"]
    exe = tmp_path_factory.mktemp("driver") / "abi_driver"
    flags = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"] if SANITIZED else []
    subprocess.run(["cc", "-O1", "-g", *flags, f"-I{ROOT / 'callouts'}", "-o", str(exe),
                    str(ROOT / "tests" / "c" / "abi_driver.c"), f"-L{libdir}", "-lstdcompress",
                    "-lpthread", f"-Wl,-rpath,{libdir}"], check=True)
    return exe


def _run(cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "abi_driver: all checks passed" in r.stdout
    return r


@pytest.mark.skipif(SANITIZED, reason="valgrind cannot run an AddressSanitizer build")
@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_memcheck_clean(driver):
    r = _run(["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite",
              "--error-exitcode=99", str(driver)])
    assert "ERROR SUMMARY: 0 errors" in r.stderr


@pytest.mark.skipif(not SANITIZED, reason="only in the sanitizer run (invoke sanitize)")
def test_sanitizers_and_leaksanitizer_clean(driver):
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=1"
    _run([str(driver)], env)
