"""Streams of any length (callouts/stream.c, stdcompress.stream): round trips in many chunk
sizes and every output tier, the pending / end-of-stream protocol, interop with gzip(1),
zstd(1) and Python's zlib, the per-handle output cap against decompression bombs, handle
misuse, bounded memory, and the C entries under valgrind and the sanitizers
(tests/c/stream_driver.c, run by tests/test_c_drivers.py)."""

from __future__ import annotations

import gzip as pygzip
import hashlib
import io
import os
import random
import shutil
import subprocess
import sys
import textwrap
import time
import zlib as pyzlib

import pytest

import stdcompress
from conftest import ROOT, SANITIZED
from stdcompress import _runtime
from stdcompress.errors import (BadArgumentsError, BadLevelError, DataError, InvalidHandleError,
                                LibzError, OutputTooLargeError)
from stdcompress.lz4.stream import LZ4StreamCompressor
from stdcompress.stream import CODECS, Compressor, Decompressor

pytestmark = pytest.mark.c_facing

MORE, END = 1, 2
TIERS = {"": 1048576, "64k": 65536, "1k": 1024}
FAST = {"brotli": 5}  # brotli's default quality 11 is ~1 MB/s: too slow for many megabytes
CODE = {"gzip": -4, "deflate": -4, "zlib": -4, "zstd": -5, "lz4": -8, "brotli": -9, "xz": -12}


def _data(n: int, seed: int = 1) -> bytes:
    """Compressible but not trivial: words from a small vocabulary, some random bytes."""
    rnd = random.Random(seed)
    words = [bytes(rnd.randrange(97, 123) for _ in range(rnd.randrange(2, 9)))
             for _ in range(300)]
    out = bytearray()
    while len(out) < n:
        out += rnd.choice(words) + (b" " if rnd.random() < 0.9 else os.urandom(3))
    return bytes(out[:n])


DATA = _data(3_000_000)


def rt():
    return _runtime.default()


def _last_error() -> str:
    return rt().call("lastError", None)[1][0].decode()


def _drain(name_read: str, h: int, ret: int, parts: list) -> int:
    while ret == MORE:
        ret, (out,) = rt().call(name_read, None, h)
        assert len(out) <= TIERS[name_read.replace("streamRead", "")]
        parts.append(out)
    return ret


def _c_compress(codec: str, data: bytes, chunk: int, tier: str, level: int = 0,
                workers: int = 0) -> bytes:
    h, _ = rt().call("streamOpen", codec.encode(), b"c", level or FAST.get(codec, 0), 0, b"",
                     workers)
    assert h > 0, _last_error()
    parts: list = []
    for i in range(0, len(data), chunk):
        ret, (out,) = rt().call("streamWrite" + tier, data[i:i + chunk], None, h)
        assert len(out) <= TIERS[tier]
        parts.append(out)
        assert _drain("streamRead" + tier, h, ret, parts) == 0
    ret, (out,) = rt().call("streamClose" + tier, None, h)
    parts.append(out)
    assert _drain("streamRead" + tier, h, ret, parts) == 0
    return b"".join(parts)


def _c_decompress(codec: str, comp: bytes, chunk: int, tier: str, cap: int = 0):
    h, _ = rt().call("streamOpen", codec.encode(), b"d", 0, cap)
    assert h > 0, _last_error()
    parts: list = []
    last = 0
    for i in range(0, len(comp), chunk):
        ret, (out,) = rt().call("streamWrite" + tier, comp[i:i + chunk], None, h)
        parts.append(out)
        last = _drain("streamRead" + tier, h, ret, parts)
        assert last in (0, END), _last_error()
    ret, (unused,) = rt().call("streamUnused", None, h)
    assert ret == 0
    ret, (out,) = rt().call("streamClose" + tier, None, h)
    assert ret == 0, _last_error()
    return b"".join(parts), last, unused


# ---- round trips ----

@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize("tier", list(TIERS))
@pytest.mark.parametrize("chunk", [1000, 65536, 1048576])
def test_c_round_trip_every_tier_and_chunk(codec, tier, chunk):
    comp = _c_compress(codec, DATA, chunk, tier)
    back, last, unused = _c_decompress(codec, comp, max(1, chunk // 3), tier)
    assert back == DATA and last == END and unused == b""


@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize("chunk", [1, 7, 4096, 100_000, 3_000_000])
def test_python_round_trip_chunk_sizes(codec, chunk):
    data = DATA[:200_000] if chunk < 100 else DATA
    c = Compressor(codec, FAST.get(codec))
    comp = b"".join(c.compress(data[i:i + chunk]) for i in range(0, len(data), chunk))
    comp += c.flush()
    d = Decompressor(codec)
    back = b"".join(d.decompress(comp[i:i + chunk]) for i in range(0, len(comp), chunk))
    assert back == data and d.eof and d.unused_data == b""


@pytest.mark.parametrize("codec", CODECS)
def test_empty_stream_and_levels(codec):
    levels, bad = {"zstd": ((-5, 1, 19), 99), "lz4": ((-3, 1, 9), 13),
                   "brotli": ((1, 5, 11), 12), "xz": ((0, 1, 6, 11), 20)}.get(codec, ((1, 9), 10))
    for level in levels:
        c = Compressor(codec, level)
        comp = c.flush()
        d = Decompressor(codec)
        assert d.decompress(comp) == b"" and d.eof
        c = Compressor(codec, level)
        comp = c.compress(DATA[:100_000]) + c.flush()
        assert Decompressor(codec).decompress(comp) == DATA[:100_000]
    with pytest.raises(BadLevelError):
        Compressor(codec, bad)


@pytest.mark.parametrize("codec", ["gzip", "deflate", "zlib"])
def test_deflate_family_stream_levels_are_the_seeds(codec):
    """1..9 as the one-shots; an explicit 0 is BAD-LEVEL there too (C reads 0 as "default",
    so the bridge refuses it first); None is the default, 6."""
    for bad in (0, 10, 12, 13, "x"):
        with pytest.raises(BadLevelError):
            Compressor(codec, bad)
    made = {}
    for level in (None, 6, 1):
        c = Compressor(codec, level)
        made[level] = c.compress(DATA[:100_000]) + c.flush()
    assert made[None] == made[6] != made[1]


@pytest.mark.parametrize("codec", CODECS)
def test_sync_flush_makes_everything_decodable(codec):
    c = Compressor(codec)
    d = Decompressor(codec)
    got = b""
    for i in range(5):
        piece = DATA[i * 1000:(i + 1) * 1000]
        got += d.decompress(c.compress(piece) + c.flush(finish=False))
        assert got == DATA[:(i + 1) * 1000]
    got += d.decompress(c.flush())
    assert got == DATA[:5000] and d.eof


@pytest.mark.parametrize("codec", CODECS)
def test_max_length_and_readinto(codec):
    comp = Compressor(codec, FAST.get(codec))
    blob = comp.compress(DATA) + comp.flush()
    d = Decompressor(codec)
    parts = [d.decompress(blob, 12345)]
    assert len(parts[0]) <= 12345 and not d.needs_input
    while not d.eof:
        parts.append(d.decompress(b"", 12345))
        assert len(parts[-1]) <= 12345
    assert b"".join(parts) == DATA
    d = Decompressor(codec)
    buf = bytearray(70_000)
    n = d.readinto(blob, buf)
    out = bytearray(buf[:n])
    while not d.eof:
        n = d.readinto(b"", memoryview(buf))
        out += buf[:n]
    assert out == DATA


# ---- end of stream, multi-member, trailing bytes ----

@pytest.mark.parametrize("codec", CODECS)
def test_trailing_bytes_are_kept_and_reported(codec):
    c = Compressor(codec)
    blob = c.compress(b"payload") + c.flush()
    d = Decompressor(codec)
    assert d.decompress(blob + b"TRAILER") == b"payload"
    assert d.eof and d.unused_data == b"TRAILER"
    assert d.decompress(b"MORE") == b"" and d.unused_data == b"TRAILERMORE"
    _, last, unused = _c_decompress(codec, blob + b"after", 3, "1k")
    assert last == END and unused == b"after"


@pytest.mark.parametrize("codec", ["gzip", "zstd", "lz4"])
def test_members_and_frames_follow_one_another(codec):
    def one(x):
        c = Compressor(codec)
        return c.compress(x) + c.flush()

    blob = one(b"first ") + one(b"second ") + one(b"third")
    for chunk in (1, 2, 5, len(blob)):
        d = Decompressor(codec)
        out = b"".join(d.decompress(blob[i:i + chunk]) for i in range(0, len(blob), chunk))
        assert out == b"first second third" and d.eof and d.unused_data == b""


def test_zstd_skippable_frame_between_frames():
    c = Compressor("zstd")
    frame = c.compress(b"abc") + c.flush()
    skippable = b"\x50\x2a\x4d\x18" + (5).to_bytes(4, "little") + b"12345"
    d = Decompressor("zstd")
    assert d.decompress(frame + skippable + frame) == b"abcabc" and d.eof


@pytest.mark.parametrize("codec", CODECS)
def test_truncated_stream_close_is_an_error_and_frees(codec):
    c = Compressor(codec)
    blob = c.compress(DATA[:50_000]) + c.flush()
    h, _ = rt().call("streamOpen", codec.encode(), b"d")
    ret, _ = rt().call("streamWrite", blob[:-5], None, h)
    assert ret == 0
    before = rt().call("handleStats", None)[1][0]
    ret, _ = rt().call("streamClose", None, h)
    assert ret == CODE[codec]
    assert "truncated" in _last_error()
    assert rt().call("handleStats", None)[1][0] != before
    assert rt().call("streamRead", None, h)[0] == -10  # freed


@pytest.mark.parametrize("codec", CODECS)
def test_corrupt_input_ends_the_stream(codec):
    c = Compressor(codec)
    blob = bytearray(c.compress(DATA[:100_000]) + c.flush())
    blob[len(blob) // 2:len(blob) // 2 + 40] = b"\xff" * 40  # caught by the checksum
    if codec == "deflate":  # no checksum: an invalid block type instead
        blob[0] = 0x07
    if codec == "brotli":  # no checksum either: bytes brotli refuses (PADDING_2)
        blob = bytearray(b"\xff" * 100)
    d = Decompressor(codec)
    with pytest.raises(DataError):
        d.decompress(bytes(blob))
    with pytest.raises(DataError, match="earlier call failed"):
        d.decompress(b"x")
    d.close()


# ---- interop with the CLIs and Python's zlib ----

def _cli(args, data: bytes) -> bytes:
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout


@pytest.mark.skipif(shutil.which("gzip") is None, reason="gzip(1) is not installed")
def test_gzip_cli_both_ways(tmp_path):
    path = tmp_path / "x.gz"
    with stdcompress.open(path, "wb", codec="gzip") as f:
        for i in range(0, len(DATA), 70_000):
            f.write(DATA[i:i + 70_000])
    assert _cli(["gzip", "-dc", str(path)], b"") == DATA
    made = _cli(["gzip", "-c", "-6"], DATA)
    assert Decompressor("gzip").decompress(made) == DATA
    two = made + _cli(["gzip", "-c", "-1"], b"tail")
    with stdcompress.open(io.BytesIO(two), "rb", codec="gzip") as f:
        assert f.read() == DATA + b"tail"


@pytest.mark.skipif(shutil.which("zstd") is None, reason="zstd(1) is not installed")
def test_zstd_cli_both_ways(tmp_path):
    path = tmp_path / "x.zst"
    with stdcompress.open(str(path), "wb", codec="zstd", level=5) as f:
        f.write(DATA)
    assert _cli(["zstd", "-dc", "--check", str(path)], b"") == DATA
    made = _cli(["zstd", "-c", "-3"], DATA)
    assert Decompressor("zstd").decompress(made) == DATA
    with stdcompress.open(io.BytesIO(made), "rb", codec="zstd") as f:
        assert f.read(10) == DATA[:10]
        assert f.read() == DATA[10:]


@pytest.mark.parametrize("codec,tool", [("lz4", "lz4"), ("brotli", "brotli")])
def test_lz4_and_brotli_clis_both_ways(codec, tool):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool}(1) is not installed")
    bio = io.BytesIO()
    with stdcompress.open(bio, "wb", codec=codec, level=FAST.get(codec)) as f:
        f.write(DATA)
    blob = bio.getvalue()
    assert _cli([tool, "-dc"], blob) == DATA
    made = _cli([tool, "-c", "-5"], DATA)
    assert Decompressor(codec).decompress(made) == DATA
    with stdcompress.open(io.BytesIO(made), "rb", codec=codec) as f:
        assert f.read() == DATA


@pytest.mark.parametrize("codec,wbits", [("deflate", -15), ("zlib", 15), ("gzip", 31)])
def test_python_zlib_both_ways(codec, wbits):
    c = Compressor(codec)
    blob = c.compress(DATA) + c.flush()
    assert pyzlib.decompressobj(wbits).decompress(blob) == DATA
    co = pyzlib.compressobj(6, pyzlib.DEFLATED, wbits)
    theirs = co.compress(DATA) + co.flush()
    assert Decompressor(codec).decompress(theirs) == DATA


def test_open_file_object_modes(tmp_path):
    path = tmp_path / "t.gz"
    with stdcompress.open(path, "wt", codec="gzip", encoding="utf-8") as f:
        f.write("line one\nline two\n")
    assert pygzip.decompress(path.read_bytes()) == b"line one\nline two\n"
    with stdcompress.open(path, "rt", codec="gzip", encoding="utf-8") as f:
        assert f.readlines() == ["line one\n", "line two\n"]
    with stdcompress.open(path, "rb") as f:
        assert isinstance(f, io.BufferedIOBase) and f.readable() and not f.writable()
        with pytest.raises(io.UnsupportedOperation):
            f.write(b"x")
    with pytest.raises(ValueError):
        stdcompress.open(path, "rw")
    with pytest.raises(ValueError):
        stdcompress.open(path, "rb", codec="bzip2")
    path.write_bytes(pygzip.compress(b"abc")[:-3])
    with stdcompress.open(path, "rb") as f, pytest.raises(EOFError):
        f.read()
    path.write_bytes(pygzip.compress(b"abc") + b"junk")
    with stdcompress.open(path, "rb") as f, pytest.raises(LibzError, match="trailing"):
        f.read()


# ---- the output cap: decompression bombs ----

def _zeros_compressed(codec: str, total: int) -> bytes:
    c = Compressor(codec, {"zstd": 19, "brotli": 5}.get(codec, 9))
    zeros = bytes(1 << 20)
    return b"".join(c.compress(zeros) for _ in range(total >> 20)) + c.flush()


@pytest.mark.parametrize("codec,total,size", [("brotli", 1 << 30, 2048),
                                              ("zstd", 1 << 30, 40 << 10),
                                              ("gzip", 256 << 20, 300 << 10)])
def test_bomb_stops_at_the_cap(codec, total, size):
    """brotli: ~1.6 KiB that would expand to 1 GiB; zstd: ~32 KiB to 1 GiB (the densest a zstd
    frame gets: RLE blocks of 128 KiB); gzip: ~250 KiB to 256 MiB.  All stop at a 16 MiB cap,
    in well under a second."""
    bomb = _zeros_compressed(codec, total)
    assert len(bomb) < size
    cap = 16 << 20
    start = time.monotonic()
    d = Decompressor(codec, max_output=cap)
    got = 0
    with pytest.raises(OutputTooLargeError, match="cap of 16777216 bytes"):
        for i in range(0, len(bomb), 1024):
            got += len(d.decompress(bomb[i:i + 1024], 1 << 20))
            while not d.needs_input and not d.eof:
                got += len(d.decompress(b"", 1 << 20))
    assert got <= cap
    assert time.monotonic() - start < 5
    d.close()


def test_one_kib_that_would_be_one_gib_stops_at_the_cap():
    """Issue 6's bomb exactly: under 1 KiB of input (written by the brotli package, not by us,
    which keeps its whole window between calls) that decodes to 1 GiB.  Uncapped, our stream
    really yields 1 GiB of zeros; capped at 16 MiB it stops there with OUTPUT-TOO-LARGE."""
    brotli = pytest.importorskip("brotli")
    maker = brotli.Compressor(quality=5, lgwin=24)
    zeros = bytes(16 << 20)
    bomb = b"".join(maker.process(zeros) for _ in range(64)) + maker.finish()
    assert len(bomb) < 1024
    d = Decompressor("brotli")
    total = 0
    for piece in (d.decompress(bomb, 1 << 20), *iter(lambda: d.decompress(b"", 1 << 20), b"")):
        assert not piece.strip(b"\0")
        total += len(piece)
    assert d.eof and total == 1 << 30
    d.close()
    d = Decompressor("brotli", max_output=16 << 20)
    got = len(d.decompress(bomb, 1 << 20))
    with pytest.raises(OutputTooLargeError, match="cap of 16777216 bytes"):
        while True:
            got += len(d.decompress(b"", 1 << 20))
    assert got == 16 << 20
    d.close()


@pytest.mark.parametrize("codec", CODECS)
def test_cap_boundary_exact(codec):
    c = Compressor(codec)
    blob = c.compress(bytes(100_000)) + c.flush()
    d = Decompressor(codec, max_output=100_000)
    assert len(d.decompress(blob)) == 100_000 and d.eof
    d = Decompressor(codec, max_output=99_999)
    with pytest.raises(OutputTooLargeError):
        d.decompress(blob)
    back, last, _ = _c_decompress(codec, blob, 1000, "1k", cap=100_000)
    assert len(back) == 100_000 and last == END


# ---- handle misuse ----

def _code(ret: int) -> str:
    assert ret < 0
    return _last_error().split(" ", 1)[0]


def test_misuse_gives_clear_errors():
    r = rt()
    assert _code(r.call("streamWrite", b"x", None, 12345)[0]) == "INVALID-HANDLE"
    assert "never opened" in _last_error()
    h, _ = r.call("streamOpen", b"gzip", b"c")
    assert r.call("streamClose", None, h)[0] == 0
    for entry in ("streamRead", "streamClose", "streamFlush"):
        assert _code(r.call(entry, None, h)[0]) == "INVALID-HANDLE"
        assert "already freed" in _last_error()
    assert _code(r.call("streamWrite", b"x", None, h)[0]) == "INVALID-HANDLE"
    # the wrong direction
    h, _ = r.call("streamOpen", b"zstd", b"d")
    assert _code(r.call("streamFlush", None, h)[0]) == "INVALID-HANDLE"
    assert "is an stream decompressor, not an stream compressor" in _last_error()
    hc, _ = r.call("streamOpen", b"zstd", b"c")
    assert _code(r.call("streamUnused", None, hc)[0]) == "INVALID-HANDLE"
    # a handle of another kind
    lz = LZ4StreamCompressor("double_buffer", 1024)
    assert _code(r.call("streamWrite", b"x", None, lz._h)[0]) == "INVALID-HANDLE"
    assert "not a stream" in _last_error()
    lz.close()
    for x in (h, hc):
        assert r.call("handleFree", x)[0] == 0
    # bad arguments: argc checked first, then each value
    assert _code(r.call("streamOpen", b"gzip")[0]) == "BAD-ARGS"
    assert _code(r.call("streamOpen", b"lzma", b"c")[0]) == "BAD-ARGS"
    assert _code(r.call("streamOpen", b"gzip", b"x")[0]) == "BAD-ARGS"
    assert _code(r.call("streamOpen", b"gzip", b"d", 0, -1)[0]) == "BAD-ARGS"
    assert _code(r.call("streamOpen", b"zlib", b"c", 12)[0]) == "BAD-LEVEL"
    assert _code(r.call("streamWrite", b"x")[0]) == "BAD-ARGS"
    assert _code(r.call("streamRead", None)[0]) == "BAD-ARGS"
    assert _code(r.call("streamUnused", None)[0]) == "BAD-ARGS"


def test_write_while_pending_is_refused():
    r = rt()
    h, _ = r.call("streamOpen", b"zstd", b"d")
    c = Compressor("zstd")
    blob = c.compress(bytes(500_000)) + c.flush()
    ret, (out,) = r.call("streamWrite1k", blob, None, h)
    assert ret == MORE and len(out) == 1024
    assert _code(r.call("streamWrite1k", b"more", None, h)[0]) == "BAD-ARGS"
    assert "pending" in _last_error()
    assert _code(r.call("streamClose1k", None, h)[0]) == "BAD-ARGS"
    parts = [out]
    assert _drain("streamRead1k", h, MORE, parts) == END
    assert b"".join(parts) == bytes(500_000)
    assert r.call("streamClose", None, h)[0] == 0


def test_python_objects_after_close():
    c = Compressor("gzip")
    c.flush()
    with pytest.raises(InvalidHandleError):
        c.compress(b"x")
    d = Decompressor("gzip")
    d.close()
    d.close()
    with pytest.raises(InvalidHandleError):
        d.decompress(b"x")
    with pytest.raises(ValueError):
        Compressor("brotli2")
    with pytest.raises(TypeError):
        Compressor("gzip").compress("text")


def test_table_full_and_handles_freed(tmp_path):
    """A small STDCOMPRESS_MAX_HANDLES in a fresh process: the next open is HANDLE-LIMIT, a
    close makes room, and nothing leaks across many streams."""
    script = textwrap.dedent("""
        import sys
        sys.path.insert(0, sys.argv[1])
        import conftest
        import stdcompress
        from stdcompress.errors import HandleLimitError
        from stdcompress import _runtime
        objs = [stdcompress.Compressor("gzip") for _ in range(8)]
        try:
            stdcompress.Decompressor("zstd")
        except HandleLimitError as e:
            assert "8 handles are open" in str(e), e
        else:
            raise SystemExit("no HANDLE-LIMIT")
        objs.pop().flush()
        d = stdcompress.Decompressor("zstd")
        d.close()
        for o in objs:
            o.flush()
        for _ in range(2000):
            c = stdcompress.Compressor("zstd")
            stdcompress.Decompressor("gzip").close()
            c.flush()
        print(_runtime.default().call("handleStats", None)[1][0].decode())
    """)
    env = dict(os.environ, STDCOMPRESS_MAX_HANDLES="8")
    r = subprocess.run([sys.executable, "-c", script, str(ROOT / "tests")], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "open=0;max=8"


# ---- bounded memory ----

@pytest.mark.skipif(SANITIZED, reason="the sanitizers' own memory hides the measure")
@pytest.mark.parametrize("codec", CODECS)
def test_64mib_through_in_bounded_memory(codec):
    """64 MiB compressed and decompressed chunk by chunk, never held: the resident set grows
    by less than 4 MiB between the first 4 MiB and the end."""
    script = textwrap.dedent(f"""
        import sys, hashlib
        sys.path.insert(0, sys.argv[1])
        import conftest
        import stdcompress

        def rss():
            for line in open("/proc/self/status"):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024

        import random
        rnd = random.Random(5)
        block = bytes(rnd.randrange(256) for _ in range(4096)) * 64  # 256 KiB
        c = stdcompress.Compressor("{codec}", {FAST.get(codec)})
        d = stdcompress.Decompressor("{codec}")
        h_in, h_out = hashlib.sha256(), hashlib.sha256()
        base = None
        for i in range(256):
            chunk = block[i % 7:] + block[:i % 7]
            h_in.update(chunk)
            h_out.update(d.decompress(c.compress(chunk)))
            if i == 16:
                base = rss()
        h_out.update(d.decompress(c.flush()))
        assert d.eof and h_in.digest() == h_out.digest()
        print(rss() - base)
    """)
    r = subprocess.run([sys.executable, "-c", script, str(ROOT / "tests")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout) < 4 << 20, f"RSS grew by {int(r.stdout)} bytes"


# ---- M: the example of docs/m-usage.md ----

@pytest.fixture(scope="module")
def m_modes(tmp_path_factory):
    if SANITIZED:  # mumps does not run under the sanitizer run's preloaded ASan runtime
        pytest.skip("engine tests run in the plain suite")
    from engine_support import Modes, find_engine
    engine = find_engine()
    if engine is None:
        pytest.skip("GT.M is not installed (apt-get install fis-gtm-7.0, or set gtm_dist)")
    return Modes(engine, tmp_path_factory.mktemp("stream-engine"))


@pytest.mark.engine
def test_m_usage_stream_example_runs(m_modes, tmp_path):
    """The M example of docs/m-usage.md ("Streams of any length"), as written, makes one gzip
    stream of 2.5 MiB of records (beyond one M string), which gzip(1)-compatible Python reads."""
    doc = (ROOT / "docs" / "m-usage.md").read_text()
    example = doc.split("## Streams of any length", 1)[1].split("```", 2)[1].strip("\n")
    routine = ("STRMEX ; the example\n new rec,i,r,f,k\n"
               " for i=1:1:5 set rec(i)=\"\" for k=1:1:5000 set rec(i)=rec(i)_$justify(i*k,100)\n"
               + example + "\n set f=$piece($zcmdline,\" \")\n"
               " open f:(newversion:stream:nowrap) use f\n"
               " for i=1:1:n write gz(i)\n set $x=0 close f write \"DONE \",n,!\n quit\n")
    (tmp_path / "STRMEX.m").write_text(routine)
    out_file = tmp_path / "m.gz"
    code, out, err = m_modes.run("M", ["STRMEX", str(out_file)],
                                 env=m_modes.env("M", extra_srcdirs=[tmp_path]))
    assert code == 0 and out.startswith("DONE "), out + err
    expect = b"".join(b"".join(str(i * k).rjust(100).encode() for k in range(1, 5001))
                      for i in range(1, 6))
    assert pygzip.decompress(out_file.read_bytes()) == expect


FILE_ROUTINE = r'''STRMFILE ; file to file: STRMFILE op codec from to [arg]
 new op,codec,from,to,arg,r,$etrap
 set op=$piece($zcmdline," ",1),codec=$piece($zcmdline," ",2),from=$piece($zcmdline," ",3)
 set to=$piece($zcmdline," ",4),arg=$piece($zcmdline," ",5)
 set $etrap="write ""TRAP "",$ecode,"" "",$$lastError^STDCOMPRESS(),! set $ecode="""" quit:$quit 0 quit"
 if op="c" set r=$$compressFile^STDCOMPRESS(codec,from,to,arg)
 if op="d" set r=$$decompressFile^STDCOMPRESS(codec,from,to,arg)
 write "RESULT ",r,!
 quit
'''


@pytest.mark.engine
@pytest.mark.parametrize("mode", ["M", "UTF-8"])
@pytest.mark.parametrize("codec", CODECS)
def test_m_file_to_file(m_modes, tmp_path, codec, mode):
    """$$compressFile / $$decompressFile: 3 MiB of binary data (newlines, every byte value)
    through files both ways, read and written by Python; failures delete the output."""
    why = m_modes.unavailable(mode)
    if why:
        pytest.skip(f"{mode} mode unavailable: {why}")
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "STRMFILE.m").write_text(FILE_ROUTINE)
    env = m_modes.env(mode, extra_srcdirs=[tmp_path / "r"])
    data = DATA + bytes(range(256)) * 300 + b"\n\r\n"

    def m(*args):
        code, out, err = m_modes.run(mode, ["STRMFILE", *map(str, args)], env=env)
        assert code == 0, out + err
        return out.strip().splitlines()

    src, packed, back = tmp_path / "data", tmp_path / "data.z", tmp_path / "back"
    src.write_bytes(data)
    assert m("c", codec, src, packed, FAST.get(codec, "")) == ["RESULT 1"]
    assert Decompressor(codec).decompress(packed.read_bytes()) == data
    c = Compressor(codec, FAST.get(codec))
    packed.write_bytes(c.compress(data) + c.flush())
    assert m("d", codec, packed, back) == ["RESULT 1"]
    assert back.read_bytes() == data
    # failures: truncated, trailing bytes, past the cap; the output file is removed
    good = packed.read_bytes()
    for bad, arg, code in ((good[:-7], "", "LIB"), (good + b"junk", "", "LIB"),
                           (good, "1000", "OUTPUT-TOO-LARGE")):
        packed.write_bytes(bad)
        back.unlink(missing_ok=True)
        lines = m("d", codec, packed, back, arg)
        assert lines[-1] == "RESULT 0" and lines[0].startswith("TRAP ,U-STDCOMPRESS-" + code), \
            lines
        assert not back.exists()


@pytest.mark.parametrize("codec", CODECS)
def test_readinto_allocates_nothing_per_chunk(codec):
    """readinto: the C stream writes straight into the caller's buffer.  Decoding 8 MiB through
    one 64 KiB buffer, Python allocates far less than one buffer's worth at any time (a copy
    through bytes would allocate up to 64 KiB per chunk)."""
    import tracemalloc

    data = (DATA * (8 * 2**20 // len(DATA) + 1))[:8 * 2**20]
    comp = Compressor(codec, FAST.get(codec))
    blob = comp.compress(data) + comp.flush()
    pieces = [blob[i:i + 65536] for i in range(0, len(blob), 65536)]
    d = Decompressor(codec)
    buf = bytearray(65536)
    digest, total = hashlib.sha256(), 0
    d.readinto(b"", buf)  # binds the call-outs before measuring
    tracemalloc.start()
    try:
        for p in pieces:
            n = d.readinto(p, buf)
            while True:
                digest.update(memoryview(buf)[:n])
                total += n
                if d.needs_input or d.eof:
                    break
                n = d.readinto(b"", buf)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert d.eof and total == len(data)
    assert digest.digest() == hashlib.sha256(data).digest()
    assert peak < 16384, f"{peak} bytes allocated at peak"


# ---- zstd with libzstd's worker threads ----

def _zstd_with_workers(data: bytes, workers: int, chunk: int = 1 << 20) -> bytes:
    c = Compressor("zstd", 3, workers)
    assert c.info()["workers"] == str(workers)
    return b"".join([c.compress(data[i:i + chunk]) for i in range(0, len(data), chunk)]
                    + [c.flush()])


def test_zstd_workers_round_trip_and_interop(tmp_path):
    """Worker threads: the frames decode here, in zstandard and in zstd(1); every N >= 1 gives
    the same bytes (libzstd's promise); more than one 8 MiB job is in flight."""
    zstandard = pytest.importorskip("zstandard")
    data = (DATA * (20 * (1 << 20) // len(DATA) + 1))[:20 << 20]
    one, two = _zstd_with_workers(data, 1), _zstd_with_workers(data, 2)
    assert one == two
    assert one != _zstd_with_workers(data, 0)  # another framing than the single-threaded one
    assert Decompressor("zstd").decompress(one) == data
    assert zstandard.ZstdDecompressor().decompressobj().decompress(one) == data
    if shutil.which("zstd"):
        (tmp_path / "w.zst").write_bytes(one)
        assert _cli(["zstd", "-dc", "--check", str(tmp_path / "w.zst")], b"") == data


def test_zstd_workers_sync_flush_and_small_outputs():
    c = Compressor("zstd", 3, 2)
    part = c.compress(DATA[:100_000]) + c.flush(finish=False)
    assert Decompressor("zstd").decompress(part) == DATA[:100_000]
    rest = c.compress(DATA[100_000:]) + c.flush()
    assert Decompressor("zstd").decompress(part + rest) == DATA
    # the table's smallest output tier: pending output drained 1 KiB a call
    assert _c_compress("zstd", DATA, 65536, "1k", 3, workers=2) == _zstd_with_workers(DATA, 2,
                                                                                     65536)


def test_zstd_workers_refused_where_they_do_not_apply():
    for codec, direction, workers in (("gzip", b"c", 1), ("zstd", b"d", 1), ("zstd", b"c", -1),
                                      ("zstd", b"c", 65), ("brotli", b"c", 2)):
        h, _ = rt().call("streamOpen", codec.encode(), direction, 0, 0, b"", workers)
        assert _code(h) == "BAD-ARGS", (codec, direction, workers)
    with pytest.raises(BadArgumentsError, match="workers apply to zstd compression only"):
        Compressor("gzip", workers=1)
    with pytest.raises(TypeError):
        Compressor("zstd", workers="2")


WORKERS_ROUTINE = r'''STRMWORK ; a zstd stream with 2 worker threads inside the M process, timers running
 new h,i,r,out,n,rec,f,$etrap
 set $etrap="write ""TRAP "",$ecode,"" "",$$lastError^STDCOMPRESS(),! halt"
 set f=$piece($zcmdline," ",1)
 open f:(newversion:stream:nowrap:chset="M")
 set h=$$streamOpen^STDCOMPRESS("zstd","c",3,0,2)
 set n=0,rec="" for i=1:1:20000 set rec=rec_$justify(i,10)
 for i=1:1:60 do
 . hang 0.001  ; the runtime's own timer signal, while workers exist
 . set r=$$streamWrite^STDCOMPRESS(h,rec,.out) use f write out set n=n+$zlength(out)
 . for  quit:r'=2  set r=$$streamRead^STDCOMPRESS(h,.out) use f write out set n=n+$zlength(out)
 set r=$$streamClose^STDCOMPRESS(h,.out) use f write out set n=n+$zlength(out)
 for  quit:r'=2  set r=$$streamRead^STDCOMPRESS(h,.out) use f write out set n=n+$zlength(out)
 close f
 write "DONE ",r," ",n,!
 quit
'''


@pytest.mark.engine
def test_m_zstd_stream_with_workers(m_modes, tmp_path):
    """GT.M runs a stream whose compression happens in libzstd's threads (signals blocked in
    them), with HANG's timer firing between writes; Python reads the 12 MB back exactly."""
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "STRMWORK.m").write_text(WORKERS_ROUTINE)
    out_file = tmp_path / "w.zst"
    code, out, err = m_modes.run("M", ["STRMWORK", str(out_file)],
                                 env=m_modes.env("M", extra_srcdirs=[tmp_path / "r"]))
    assert code == 0 and out.startswith("DONE 1 "), out + err
    rec = b"".join(str(i).rjust(10).encode() for i in range(1, 20001))
    assert Decompressor("zstd").decompress(out_file.read_bytes()) == rec * 60
