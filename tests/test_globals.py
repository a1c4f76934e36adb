"""Values of any size in globals (issue 18; docs/globals.md) on a real database file (GDE and
mupip create in the test's own directory), records of 256 bytes and of 1 MiB, M and UTF-8
mode: round trips for every codec (the stored chunks decoded by Python's own decoders too),
each kind of damage giving GLOBAL-CORRUPT with dst untouched, TROLLBACK, a value too big for
one transaction, a TP restart freeing a reader, and kill -9 halfway through a write."""

from __future__ import annotations

import gzip
import lzma
import os
import random
import signal
import subprocess
import time
import zlib

import brotli
import lz4.frame
import pytest
import zstandard

from engine_support import MODES, Modes, database, engine_or_skip
from stdcompress._codecs import STREAMS

pytestmark = pytest.mark.engine

CODECS = STREAMS  # the registry's stream codecs
SIZES = (0, 1, 255, 1 << 20, 3 << 20)  # 3 MiB: beyond one string and one TP transaction at 256 B
DECODE = {"gzip": gzip.decompress, "deflate": lambda b: zlib.decompress(b, -15),
          "zlib": zlib.decompress, "zstd": lambda b: zstandard.ZstdDecompressor().decompressobj()
          .decompress(b), "lz4": lz4.frame.decompress, "brotli": brotli.decompress,
          "xz": lzma.decompress}


def _value(n: int, seed: int) -> bytes:
    """n bytes of text-like data (compressible, never one repeated pattern), bytes 0..255 too."""
    rnd = random.Random(seed)
    words = [bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 9))) for _ in range(512)]
    out = bytearray()
    while len(out) < n:
        out += rnd.choice(words) + b" "
    return bytes(out[:n])


@pytest.fixture(scope="module")
def modes(tmp_path_factory):
    return Modes(engine_or_skip("values in globals need a real M engine"),
                 tmp_path_factory.mktemp("globals"))


def _need(modes, mode):
    why = modes.unavailable(mode)
    if why:
        pytest.skip(f"{mode} mode unavailable: {why}")
    assert modes.compiled(mode)[1] == []


def _run(modes, mode, tmp_path, jobs, record_size, env=None):
    """One mumps process running the STDCGLOBTST jobs (lists of fields): its result lines."""
    env = env or {**modes.env(mode), **database(modes, tmp_path, record_size)}
    (tmp_path / "jobs").write_text("".join("\t".join(map(str, j)) + "\n" for j in jobs))
    code, out, err = modes.run(mode, ["STDCGLOBTST", str(tmp_path / "jobs")], env=env)
    lines = [ln.split("\t") for ln in out.splitlines()]
    assert code == 0 and lines and lines[-1] == ["DONE"], out + err
    return lines[:-1], env


def _mupip(modes, env, tmp_path, *args):
    mupip = str(modes.engine.mode_dist("M") / "mupip")
    r = subprocess.run([mupip, *args], env=env, cwd=tmp_path, capture_output=True, text=True,
                       timeout=300)
    return r.returncode, r.stdout + r.stderr


def _mupip_integ(modes, env, tmp_path):
    code, out = _mupip(modes, env, tmp_path, "integ", "-region", "DEFAULT")
    assert code == 0 and "No errors detected" in out, out


PLANS = [  # (mode, record size, codecs, sizes): every codec at 256 B in M mode, a subset else
    ("M", 256, CODECS, SIZES),
    ("M", 1 << 20, ("gzip", "zstd"), (0, 255, 1 << 20, 3 << 20)),
    ("UTF-8", 256, ("zstd", "lz4"), (0, 255, 1 << 20, 3 << 20)),
    ("UTF-8", 1 << 20, ("deflate", "brotli"), (1, 3 << 20)),
]


@pytest.mark.parametrize("mode,record_size,codecs,sizes", PLANS,
                         ids=[f"{m}-{r}" for m, r, _, _ in PLANS])
def test_round_trips(modes, tmp_path, mode, record_size, codecs, sizes):
    """Stored and read back (decompressFromGlobal, and the reader): the same bytes; the
    stored chunks decode with Python's own decoder; every chunk fits the record size with
    its key; globalInfo tells codec, size and chunks; no handle left open."""
    _need(modes, mode)
    jobs, want = [], {}
    for i, n in enumerate(sizes):
        data = _value(n, seed=n)
        (tmp_path / f"in{i}").write_bytes(data)
        for codec in codecs:
            prefix = tmp_path / f"{codec}{i}"
            want[str(prefix)] = (codec, data)
            jobs.append(["RT", codec, tmp_path / f"in{i}", prefix, f'^STDCG("{codec}",{i})'])
    lines, env = _run(modes, mode, tmp_path, jobs, record_size)
    assert len(lines) == len(jobs)
    for job, line in zip(jobs, lines):
        codec, data = want[str(job[3])]
        prefix = job[3]
        _, lcodec, r, info, longest, recsize, keylen, handles = line
        assert r == "1,1", (job, line)
        chunks = int(info.split("chunks=")[1])
        assert info == f"codec={codec};size={len(data)};chunks={chunks}"
        assert int(recsize) == record_size
        assert 0 < int(longest) and int(longest) + int(keylen) <= record_size, line
        assert DECODE[codec]((prefix.parent / (prefix.name + ".z")).read_bytes()) == data
        assert (prefix.parent / (prefix.name + ".out")).read_bytes() == data, job
        assert (prefix.parent / (prefix.name + ".rd")).read_bytes() == data, job
        assert handles == "0"
    _mupip_integ(modes, env, tmp_path)


KINDS = ("truncate", "drop", "swap", "flip", "extra", "size", "header")


@pytest.mark.parametrize("mode", MODES)
def test_damage_is_a_clean_error(modes, tmp_path, mode):
    """Each kind of damage to a stored value: decompressFromGlobal returns 0 with
    GLOBAL-CORRUPT and dst exactly as it was; the reader fails the same way; no handle left."""
    _need(modes, mode)
    (tmp_path / "in").write_bytes(os.urandom(4000))  # chunks all differ (for the swap)
    codecs = CODECS if mode == "M" else ("zstd", "deflate")
    jobs = [["CORRUPT", c, tmp_path / "in", k] for c in codecs for k in KINDS]
    lines, _ = _run(modes, mode, tmp_path, jobs, 256)
    assert len(lines) == len(jobs)
    for job, line in zip(jobs, lines):
        _, kind, r, e1, same, rr, e2, handles, last = line
        assert (r, e1, same) == ("0", ",U-STDCOMPRESS-GLOBAL-CORRUPT,", "1"), (job, line)
        assert (rr, e2) == ("0", ",U-STDCOMPRESS-GLOBAL-CORRUPT,"), (job, line)
        assert handles == "0", (job, line)


@pytest.mark.parametrize("mode", MODES)
def test_transactions(modes, tmp_path, mode):
    """TROLLBACK after a successful call leaves nothing; a value too big for the caller's one
    transaction fails with GLOBAL-FAIL (TRANS2BIG), dst unchanged, the caller's transaction
    still open and committed with its own update; a reader opened in a transaction that
    restarts (TRESTART) is freed."""
    _need(modes, mode)
    (tmp_path / "small").write_bytes(_value(100000, 1))
    (tmp_path / "big").write_bytes(os.urandom(3 << 20))
    jobs = [["TPROLL", "zstd", tmp_path / "small"], ["TPBIG", "lz4", tmp_path / "big"],
            ["RT", "zstd", tmp_path / "small", tmp_path / "s", "^STDCR"], ["RESTART", "^STDCR"]]
    lines, env = _run(modes, mode, tmp_path, jobs, 256)
    assert lines[0] == ["TPROLL", "1", "11", "0", "0"]
    big = lines[1]
    assert big[1:7] == ["0", ",U-STDCOMPRESS-GLOBAL-FAIL,", "1", "1", "1", "0"], big
    assert "TRANS2BIG" in big[7]
    assert lines[3] == ["RESTART", "1", "1", "0"], lines[3]
    _mupip_integ(modes, env, tmp_path)


def test_kill_during_write_leaves_old_or_new(modes, tmp_path):
    """A writer storing two values in turn, killed (-9) at moments through its writes: the
    value read afterwards is one of the two, never a mix; an orphan generation a killed write
    left is gone after the next call; mupip integ is clean."""
    mode = "M"
    _need(modes, mode)
    one, two = _value(2 << 20, 5), _value(2 << 20, 6)
    (tmp_path / "one").write_bytes(one)
    (tmp_path / "two").write_bytes(two)
    env = {**modes.env(mode), **database(modes, tmp_path, 256)}
    # A kill -9 can stop GT.M inside a block update (a bitmap marked, a block not yet written):
    # what a site journals against. Before-image journaling, and the backward recovery a site
    # runs after a crash, before each read.
    code, out = _mupip(modes, env, tmp_path, "set", "-region", "DEFAULT",
                       f"-journal=enable,on,before,file={tmp_path / 't.mjl'}")
    assert code == 0, out
    (tmp_path / "wjobs").write_text(f"WRITER\tgzip\t{tmp_path / 'one'}\t{tmp_path / 'two'}"
                                    "\t^STDCK\n")
    orphans = 0
    for attempt in range(6):
        p = subprocess.Popen([str(modes.engine.mumps(mode)), "-run", "STDCGLOBTST",
                              str(tmp_path / "wjobs")], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        first = p.stdout.readline().decode()  # the first value is stored: kill in a later write
        assert first.startswith("STORED\t1\t1"), first
        time.sleep(0.05 + 0.07 * attempt)
        p.send_signal(signal.SIGKILL)
        p.wait()
        code, out = _mupip(modes, env, tmp_path, "journal", "-recover", "-backward", "*")
        assert code == 0, out
        lines, _ = _run(modes, mode, tmp_path,
                        [["READ", "^STDCK", tmp_path / f"read{attempt}"]], 256, env=env)
        _, r, gens, code = lines[0]
        assert r == "1", lines
        assert (tmp_path / f"read{attempt}").read_bytes() in (one, two)
        orphans += int(gens) > 1
    assert orphans, "no kill landed in the middle of a write (every run left one generation)"
    lines, _ = _run(modes, mode, tmp_path,
                    [["RT", "zstd", tmp_path / "one", tmp_path / "again", "^STDCK"],
                     ["READ", "^STDCK", tmp_path / "final"]], 256, env=env)
    assert lines[1][2] == "1", lines  # the orphans are gone
    assert (tmp_path / "final").read_bytes() == one
    _mupip_integ(modes, env, tmp_path)


def test_crc32_is_zlibs():
    """The crc32 call-out against Python's zlib.crc32, fresh and continued, and its bad crc."""
    from stdcompress import _runtime
    rt = _runtime.default()
    for data in (b"", b"a", os.urandom(70000), bytes(range(256)) * 4096):
        assert rt.call("crc32", data)[0] == zlib.crc32(data)
        assert rt.call("crc32", data, 123456789)[0] == zlib.crc32(data, 123456789)
    assert rt.call("crc32", b"x", -1)[0] == -1
    assert rt.call("crc32", b"x", 1 << 32)[0] == -1
