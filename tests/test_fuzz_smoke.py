"""A short libFuzzer run over every decoder entry (`invoke fuzz`), so a crash that a few
seconds of fuzzing finds fails CI. Long campaigns: `invoke fuzz --seconds 600`."""

import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, SANITIZED


@pytest.mark.skipif(SANITIZED, reason="the fuzzer is its own sanitizer build")
@pytest.mark.skipif(shutil.which("clang") is None, reason="clang is not installed (invoke setup)")
def test_fuzz_decoders_smoke():
    r = subprocess.run([sys.executable, "-m", "invoke", "fuzz", "--seconds", "20"], cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "Done " in r.stderr and "stat::number_of_executed_units" in r.stderr
