"""Shared test setup. The harness (invoke test) sets the environment an M user would set; running
pytest directly falls back to the same repository paths."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("STDCOMPRESS_LIBDIR", str(ROOT / "build" / "so"))
os.environ.setdefault("GTMXC_stdcompress", str(ROOT / "xc" / "stdcompress.xc"))
for p in (str(ROOT), str(ROOT / "bridge" / "python")):
    if p not in sys.path:
        sys.path.insert(0, p)

SANITIZED = os.environ.get("STDCOMPRESS_SANITIZED") == "1"


def pytest_configure(config):
    config.addinivalue_line("markers", "c_facing: exercises the C library; rerun under sanitizers")
    config.addinivalue_line("markers", "engine: needs a real GT.M engine")
