"""Engine faults (issue 9) under a real GT.M: the M process survives every error code it can
see (each one followed by a working call), call-outs given too few arguments, a 1 MiB input,
a NO-MEMORY forced by a lowered address-space limit; and 4 concurrent M processes x 10,000
mixed iterations (every codec at several levels, compress then decompress: 20,000 calls each),
the decompressions compared in M, every compressed result decoded here by an independent
decoder (Python's zlib, zstandard, lz4, brotli).  Routine: bridge/m/STDCHARD.m."""

from __future__ import annotations

import resource
import subprocess
import zlib
from pathlib import Path

import brotli
import lz4.block
import lz4.frame
import pytest
import zstandard

from engine_support import MODES, Modes, find_engine
from stdcompress.errors import _BY_CODE

pytestmark = pytest.mark.engine

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "conformance" / "corpus" / "mlog.txt"
PROCESSES, ITERATIONS = 4, 10_000
# Every code of errors.py M can meet in one process; CALLOUT-MISSING needs the call-out made
# unreachable (tests/test_engine.py test_callout_missing), NO-MEMORY a lowered limit (below).
SEPARATE = {"CALLOUT-MISSING", "NO-MEMORY"}


@pytest.fixture(scope="module")
def modes(tmp_path_factory):
    engine = find_engine()
    if engine is None:
        pytest.skip("GT.M is not installed (apt-get install fis-gtm-7.0)")
    m = Modes(engine, tmp_path_factory.mktemp("hard"))
    for mode in MODES:
        if not m.unavailable(mode):
            assert m.compiled(mode)[1] == [], m.compiled(mode)[1]
    return m


def _need(modes, mode):
    if modes.unavailable(mode):
        pytest.skip(modes.unavailable(mode))


@pytest.mark.parametrize("mode", MODES)
def test_the_m_process_survives_every_error_code(modes, mode):
    _need(modes, mode)
    env = modes.env(mode)
    env["STDCOMPRESS_MAX_HANDLES"] = "3"
    code, out, err = modes.run(mode, ["faults^STDCHARD"], env=env, timeout=300)
    assert code == 0 and out.rstrip().endswith("ALIVE"), out + err
    seen = set()
    for line in out.splitlines():
        f = line.split("\t")
        if f[0] == "FAULT":
            _, want, what, caught, last, alive = f
            # through the wrapper: the caller's trap saw the code; a direct call-out: -code
            assert caught in (f",U-STDCOMPRESS-{want},", ""), line
            assert last == want and alive == "1", line
            seen.add(want)
        elif f[0] == "OK":
            assert f[2] == "1" and f[3] == "", line
    codes = {c for c in _BY_CODE if c not in ("FMLLSTMISSING",)} - SEPARATE
    assert seen == codes, f"not exercised: {codes - seen}, unknown: {seen - codes}"
    assert sum(ln.startswith("FAULT\tBAD-ARGS\t") and "argument" in ln
               for ln in out.splitlines()) == 3  # call-outs given too few arguments
    assert sum(ln.startswith("OK\t1 MiB input") for ln in out.splitlines()) == 2


def test_no_memory_is_an_error_and_the_process_goes_on(modes):
    """A zstd stream frame asking for a 128 MiB window, under a 100 MB address-space limit:
    NO-MEMORY, then a gzip round trip works.  Without the limit the frame decodes."""
    mode = "M"
    env = modes.env(mode)
    mumps = str(modes.engine.mumps(mode))

    def limited():
        resource.setrlimit(resource.RLIMIT_AS, (100 << 20, 100 << 20))

    r = subprocess.run([mumps, "-run", "nomem^STDCHARD"], env=env, capture_output=True,
                       text=True, timeout=120, preexec_fn=limited)
    lines = [ln.split("\t") for ln in r.stdout.splitlines()]
    assert r.returncode == 0 and ["ALIVE"] in lines, r.stdout + r.stderr
    assert ["NOMEM", ",U-STDCOMPRESS-NO-MEMORY,", "NO-MEMORY", "0"] in lines, r.stdout
    assert ["AFTER", "1"] in lines
    r = subprocess.run([mumps, "-run", "nomem^STDCHARD"], env=env, capture_output=True,
                       text=True, timeout=120)
    assert ["NOMEM", "", "", "3"] in [ln.split("\t") for ln in r.stdout.splitlines()], r.stdout


DECODE = {
    "gzip": lambda b, n: zlib.decompress(b, 31),
    "deflate": lambda b, n: zlib.decompress(b, -15),
    "zlib": lambda b, n: zlib.decompress(b),
    "zstd": lambda b, n: zstandard.ZstdDecompressor().decompress(b, max_output_size=n or 1),
    "lz4": lambda b, n: lz4.block.decompress(b),
    "lz4frame": lambda b, n: lz4.frame.decompress(b),
    "brotli": lambda b, n: brotli.decompress(b),
}


def _records(data: bytes):
    pos = 0
    while pos < len(data):
        semi = data.index(b";", pos)
        codec, level, off, length, clen = data[pos:semi].decode().split(",")
        start = semi + 1
        yield codec, int(level), int(off), int(length), data[start:start + int(clen)]
        pos = start + int(clen)


@pytest.mark.parametrize("mode", MODES)
def test_four_m_processes_of_mixed_calls_are_all_correct(modes, mode, tmp_path):
    _need(modes, mode)
    env = modes.env(mode)
    procs = [subprocess.Popen([str(modes.engine.mumps(mode)), "-run", "mixed^STDCHARD",
                               str(i), str(ITERATIONS), str(BASE), str(tmp_path / f"out{i}")],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(1, PROCESSES + 1)]
    outs = [p.communicate(timeout=900) for p in procs]
    base = BASE.read_bytes()
    by_codec: dict = {}
    for i, (p, (out, err)) in enumerate(zip(procs, outs), 1):
        summary = [ln.split("\t") for ln in out.splitlines() if ln.startswith("MIXED")]
        assert p.returncode == 0 and summary, out[-2000:] + err[-2000:]
        _, pid, calls, fails, parts = summary[0]
        assert (pid, calls, fails) == (str(i), str(2 * ITERATIONS), "0"), out[-2000:]
        n = 0
        for part in range(1, int(parts) + 1):
            for codec, level, off, length, comp in _records((tmp_path / f"out{i}.{part}")
                                                            .read_bytes()):
                plain = base[off:off + length]
                assert DECODE[codec](comp, length) == plain, (i, n, codec, level, off, length)
                by_codec[codec] = by_codec.get(codec, 0) + 1
                n += 1
        assert n == ITERATIONS, (i, n)
    assert set(by_codec) == set(DECODE) and sum(by_codec.values()) == PROCESSES * ITERATIONS


GARBAGE_CASES = 600
M_DECODERS = {f"{c}:one-shot" for c in DECODE} | {f"{c}:stream" for c in DECODE if c != "lz4"}


@pytest.mark.parametrize("mode", MODES)
def test_hostile_inputs_through_every_m_wrapper(modes, mode):
    """Random bytes, truncations and replaced bytes of valid data through every one-shot
    wrapper and every stream decoder, in M: each ends in a STDCOMPRESS error, the exact
    plaintext, or (only for formats without a checksum) other bytes; the M size-tier logic
    (lz4Decompress reads the size prefix in M) never raises an M error."""
    _need(modes, mode)
    code, out, err = modes.run(mode, ["garbage^STDCHARD", str(GARBAGE_CASES)], timeout=600)
    assert code == 0 and out.rstrip().endswith("ALIVE"), out[-2000:] + err[-2000:]
    assert "BAD\t" not in out, [ln for ln in out.splitlines() if ln.startswith("BAD")]
    rows = {f[1]: list(map(int, f[2:])) for f in (ln.split("\t") for ln in out.splitlines())
            if f[0] == "GARBAGE"}
    assert set(rows) == M_DECODERS
    for name, (cases, errors, exact, other, bad) in rows.items():
        assert cases == GARBAGE_CASES and errors + exact + other == cases and bad == 0, name
        assert errors > cases // 2, name
        if name.split(":")[0] in ("gzip", "zlib", "zstd", "lz4frame"):
            assert other == 0, name
