"""stdcompress.lz4.stream (python-lz4's lz4.stream over the call-outs) and the handle table.

Round trips for every prefix width, mode, strategy, with and without a dictionary; every limit
and error python-lz4 has (docs: ../shared peer notes, docs/lz4-stream.md); interop with
python-lz4's own lz4.stream, built from source (tests/pylz4_stream_peer.py), byte for byte;
an independent decoder (python-lz4's block API with the stream's last 64 KiB as dictionary);
handle misuse, a full table, threads, and memory that stays flat.  The C side alone, under
valgrind and the sanitizers: tests/c/lz4stream_driver.c, run by tests/test_c_drivers.py."""

from __future__ import annotations

import array
import gc
import os
import random
import subprocess
import sys
import sysconfig
import textwrap
import threading
import tracemalloc
from pathlib import Path

import pytest

import stdcompress
from conftest import ROOT, SANITIZED
from stdcompress import _runtime
from stdcompress.errors import (BadArgumentsError, HandleLimitError, InvalidHandleError,
                                Liblz4Error, StdcompressError)
from stdcompress.lz4 import stream as lz4s
from stdcompress.lz4.stream import (LZ4_MAX_INPUT_SIZE, LZ4StreamCompressor,
                                    LZ4StreamDecompressor, LZ4StreamError)

import pylz4_stream_peer
from samples import run_threads

pytestmark = pytest.mark.c_facing

try:
    import lz4.block as pylz4_block
except ImportError:  # pragma: no cover - CI installs python-lz4
    pylz4_block = None

PEER, PEER_MISSING = pylz4_stream_peer.load()
needs_peer = pytest.mark.skipif(PEER is None, reason=PEER_MISSING or "no peer")
needs_pylz4 = pytest.mark.skipif(pylz4_block is None, reason="python-lz4 is not installed")

MIB = 1 << 20
PAGE = 8192
WIDTHS = (0, 1, 2, 4)
MODES = ("default", "fast", "high_compression")
STRATEGIES = ("double_buffer", "ring_buffer")


def _corpus(n: int) -> bytes:
    """n bytes: the standard library's .py files (real text), with 64 KiB of random bytes
    every 2 MiB (incompressible stretches), deterministic."""
    lib = Path(sysconfig.get_paths()["stdlib"])
    out = bytearray()
    rnd = random.Random(5)
    for p in sorted(lib.rglob("*.py")):
        if "site-packages" in p.parts:
            continue
        out += p.read_bytes()
        if len(out) % (2 * MIB) < 70000 and len(out) > MIB:
            out += rnd.randbytes(65536)
        if len(out) >= n:
            break
    while len(out) < n:  # a short standard library: its text again, shifted
        out += bytes((b + 1) & 0xFF for b in out[: n - len(out)])
    return bytes(out[:n])


DATA = _corpus(10 * MIB)
DICT = DATA[-100_000:]  # longer than LZ4's 64 KiB window: only its tail counts


def _chunks(data: bytes, size: int):
    return [data[i:i + size] for i in range(0, len(data), size)]


def _page_for(width: int) -> int:
    return 239 if width == 1 else PAGE  # 239: the largest a 1-byte prefix allows


def _kwargs(mode: str) -> dict:
    return {"fast": {"acceleration": 4},
            "high_compression": {"compression_level": 9}}.get(mode, {})


def _round_trip(data, strategy, width, mode, dictionary, page):
    """Compresses data in pages and decompresses the stream; returns (stream, out-of-band
    sizes, decoded)."""
    blocks = []
    with LZ4StreamCompressor(strategy, page, mode=mode, store_comp_size=width,
                             dictionary=dictionary, **_kwargs(mode)) as c:
        for chunk in _chunks(data, page):
            blocks.append(c.compress(chunk))
    stream = b"".join(blocks)
    decoded = bytearray()
    with LZ4StreamDecompressor(strategy, page, store_comp_size=width,
                               dictionary=dictionary) as d:
        if width:
            for block in d.iter_blocks(stream):
                decoded += d.decompress(block)
        else:
            for block in blocks:
                decoded += d.decompress(block)
    return stream, blocks, bytes(decoded)


# ---- round trips ----

@pytest.mark.parametrize("strategy", STRATEGIES)
def test_ten_mib_in_8k_pages(strategy):
    stream, blocks, decoded = _round_trip(DATA, strategy, 4, "default", "", PAGE)
    assert decoded == DATA
    assert len(blocks) == len(DATA) // PAGE
    assert len(stream) < len(DATA) * 0.6


@pytest.mark.parametrize("with_dict", [False, True], ids=["nodict", "dict"])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_round_trip_matrix(strategy, width, mode, with_dict):
    data = DATA[:MIB] if mode != "high_compression" or width != 1 else DATA[:MIB // 4]
    dictionary = DICT if with_dict else ""
    stream, blocks, decoded = _round_trip(data, strategy, width, mode, dictionary,
                                          _page_for(width))
    assert decoded == data
    if width:  # every block starts with its length, little-endian, in `width` bytes
        for b in blocks[:50]:
            assert int.from_bytes(b[:width], "little") == len(b) - width


def test_a_dictionary_helps_and_must_match():
    head = DICT[-20000:]
    with LZ4StreamCompressor("double_buffer", PAGE) as plain, \
            LZ4StreamCompressor("double_buffer", PAGE, dictionary=DICT) as primed:
        a, b = plain.compress(head[:PAGE]), primed.compress(head[:PAGE])
    assert len(b) < len(a) / 4
    with LZ4StreamDecompressor("double_buffer", PAGE) as d:  # without it: garbage or error
        try:
            assert d.decompress(b[4:]) != head[:PAGE]
        except LZ4StreamError:
            pass


def test_ring_buffer_keeps_64k_of_history_whatever_the_chunk_size():
    """The ring compressor sees the last 64 KiB; the double buffer only the previous page."""
    sizes = {}
    for strategy in STRATEGIES:
        stream, _, decoded = _round_trip(DATA[:MIB], strategy, 4, "default", "", 1000)
        assert decoded == DATA[:MIB]
        sizes[strategy] = len(stream)
    assert sizes["ring_buffer"] < sizes["double_buffer"] * 0.9


def test_ring_decompressor_reads_double_buffer_streams():
    stream, _, _ = _round_trip(DATA[:MIB], "double_buffer", 2, "high_compression", DICT, PAGE)
    with LZ4StreamDecompressor("ring_buffer", PAGE, store_comp_size=2, dictionary=DICT) as d:
        assert b"".join(d.decompress(b) for b in d.iter_blocks(stream)) == DATA[:MIB]


def test_chunks_of_every_size_up_to_buffer_size():
    rnd = random.Random(7)
    for strategy in STRATEGIES:
        for mode in MODES:
            c = LZ4StreamCompressor(strategy, 5000, mode=mode, dictionary=DICT[:3000])
            d = LZ4StreamDecompressor(strategy, 5000, dictionary=DICT[:3000])
            off = 0
            while off < 400_000:
                n = rnd.choice([0, 1, 2, 15, 16, 17, 4999, 5000, rnd.randint(0, 5000)])
                chunk = DATA[off:off + n]
                off += n
                assert d.decompress(c.compress(chunk)[4:]) == chunk
            c.close(), d.close()


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_largest_buffer_size(strategy):
    limit = 1_044_461  # the largest whose worst-case block and 4-byte prefix fit 1 MiB
    c = LZ4StreamCompressor(strategy, limit)
    d = LZ4StreamDecompressor(strategy, limit)
    noise = random.Random(3).randbytes(limit)
    for chunk in (noise, DATA[:limit], noise):
        block = c.compress(chunk)
        assert len(block) <= MIB
        assert d.decompress(block[4:]) == chunk
    with pytest.raises(ValueError, match="string limit"):
        LZ4StreamCompressor(strategy, limit + 1)
    assert LZ4StreamCompressor(strategy, limit + 4, store_comp_size=0)  # no prefix: 4 more
    assert LZ4StreamDecompressor(strategy, MIB)
    with pytest.raises(ValueError):
        LZ4StreamDecompressor(strategy, MIB + 1)


# ---- the wire format, byte for byte against python-lz4 ----

def test_empty_chunk():
    assert LZ4StreamCompressor("double_buffer", PAGE).compress(b"") == b"\x01\x00\x00\x00\x00"
    assert LZ4StreamCompressor("double_buffer", 0).compress(b"") == b"\x01\x00\x00\x00\x00"
    assert LZ4StreamCompressor("double_buffer", 10, store_comp_size=1).compress(b"") == b"\x01\x00"
    assert LZ4StreamCompressor("double_buffer", 10, store_comp_size=0).compress(b"") == b"\x00"
    assert LZ4StreamDecompressor("double_buffer", 1).decompress(b"\x00") == b""


@needs_peer
@pytest.mark.parametrize("with_dict", [False, True], ids=["nodict", "dict"])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("width", WIDTHS)
def test_interop_with_python_lz4_stream(width, mode, with_dict):
    """Same blocks from the same chunks (so each decodes the other's), in both directions."""
    page = _page_for(width)
    data = DATA[:MIB // 2] if width != 1 else DATA[:MIB // 8]
    dictionary = DICT if with_dict else ""
    kw = _kwargs(mode)
    ours_c = LZ4StreamCompressor("double_buffer", page, mode=mode, store_comp_size=width,
                                 dictionary=dictionary, **kw)
    peer_c = PEER.LZ4StreamCompressor("double_buffer", page, mode=mode, store_comp_size=width,
                                      dictionary=dictionary, **kw)
    ours_d = LZ4StreamDecompressor("double_buffer", page, store_comp_size=width,
                                   dictionary=dictionary)
    peer_d = PEER.LZ4StreamDecompressor("double_buffer", page, store_comp_size=width,
                                        dictionary=dictionary)
    for chunk in _chunks(data, page):
        ours, peers = ours_c.compress(chunk), peer_c.compress(chunk)
        assert ours == peers
        assert peer_d.decompress(ours[width:]) == chunk  # ours, read by python-lz4
        assert ours_d.decompress(peers[width:]) == chunk  # python-lz4's, read by ours
        if width:
            assert ours_d.get_block(peers) == peer_d.get_block(ours) == peers[width:]


@needs_peer
def test_interop_levels_and_accelerations():
    data = DATA[:200_000]
    for mode, kw in [("fast", {"acceleration": a}) for a in (0, 1, 2, 17, 100000, True)] + \
                    [("high_compression", {"compression_level": lv}) for lv in (0, 1, 3, 12, 99)]:
        ours = LZ4StreamCompressor("double_buffer", PAGE, mode=mode, **kw)
        peer = PEER.LZ4StreamCompressor("double_buffer", PAGE, mode=mode, **kw)
        for chunk in _chunks(data, PAGE):
            assert ours.compress(chunk) == peer.compress(chunk), (mode, kw)


@needs_peer
def test_peer_errors_have_our_types():
    """Every failure python-lz4 raises, raised by ours with the same type."""
    cases = [
        lambda m: m.LZ4StreamCompressor("nope", 10),
        lambda m: m.LZ4StreamCompressor(None, 10),
        lambda m: m.LZ4StreamCompressor("double_buffer", 10, mode="slow"),
        lambda m: m.LZ4StreamCompressor("double_buffer", 10, store_comp_size=3),
        lambda m: m.LZ4StreamDecompressor("double_buffer", 10, store_comp_size=8),
        lambda m: m.LZ4StreamCompressor("double_buffer", 240, store_comp_size=1),
        lambda m: m.LZ4StreamCompressor("double_buffer", 65265, store_comp_size=2),
        lambda m: m.LZ4StreamCompressor("double_buffer", LZ4_MAX_INPUT_SIZE + 1),
        lambda m: m.LZ4StreamCompressor("double_buffer", 8192.0),
        lambda m: m.LZ4StreamCompressor("double_buffer", 10, acceleration=1.5),
        lambda m: m.LZ4StreamCompressor("double_buffer", 10, dictionary=5),
        lambda m: m.LZ4StreamCompressor("double_buffer", 4).compress(b"12345"),
        lambda m: m.LZ4StreamCompressor("double_buffer", 4).compress("abc"),
        lambda m: m.LZ4StreamCompressor("double_buffer", 4).compress(7),
        lambda m: m.LZ4StreamDecompressor("double_buffer", 0).decompress(b"\x00"),
        lambda m: m.LZ4StreamDecompressor("double_buffer", 100).decompress(b"a" * 200),
        lambda m: m.LZ4StreamDecompressor("double_buffer", 8192).decompress(b"\xff\xff\xff"),
        lambda m: m.LZ4StreamDecompressor("double_buffer", 8192).decompress(b""),
        lambda m: m.LZ4StreamDecompressor("double_buffer", MIB, store_comp_size=1)
        .decompress(b"a" * 256),
        lambda m: m.LZ4StreamDecompressor("double_buffer", MIB, store_comp_size=2)
        .decompress(b"a" * 65536),
        lambda m: m.LZ4StreamDecompressor("double_buffer", 10).decompress("abc"),
        lambda m: m.LZ4StreamDecompressor("double_buffer", 10).get_block(b"\x01\x00"),
        lambda m: m.LZ4StreamDecompressor("double_buffer", 10).get_block(b""),
        lambda m: m.LZ4StreamDecompressor("double_buffer", 10).get_block(b"\x05\x00\x00\x00ab"),
        lambda m: m.LZ4StreamDecompressor("double_buffer", 10, store_comp_size=0)
        .get_block(b"\x01\x00\x00\x00a"),
        lambda m: m.LZ4StreamDecompressor("double_buffer", 10).get_block("\x01\x00\x00\x00a"),
        lambda m: m.LZ4StreamCompressor("double_buffer", 8).compress(
            memoryview(b"abcdef")[::2]),
    ]
    kinds = {PEER.LZ4StreamError: LZ4StreamError}
    for i, case in enumerate(cases):
        with pytest.raises(Exception) as theirs:
            case(PEER)
        expected = kinds.get(theirs.type, theirs.type)
        with pytest.raises(expected):
            case(lz4s)


@needs_pylz4
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_independent_decoder(strategy, mode):
    """Every block is a plain LZ4 block over the stream's history: python-lz4's one-shot block
    decoder reads it given the last 64 KiB of the stream as dictionary."""
    rnd = random.Random(11)
    c = LZ4StreamCompressor(strategy, 20000, mode=mode, dictionary=DICT)
    history, off = DICT[-65536:], 0
    while off < 600_000:
        n = rnd.randint(0, 20000)
        chunk = DATA[off:off + n]
        off += n
        block = c.compress(chunk)[4:]
        assert pylz4_block.decompress(block, uncompressed_size=len(chunk),
                                      dict=history) == chunk
        history = (history + chunk)[-65536:]


# ---- limits and errors (as python-lz4, peer or not) ----

def test_module_surface():
    assert LZ4_MAX_INPUT_SIZE == 0x7E000000
    assert issubclass(LZ4StreamError, Exception)
    assert issubclass(LZ4StreamError, Liblz4Error) and LZ4StreamError.code == "LIBLZ4-FAIL"
    import inspect
    assert str(inspect.signature(LZ4StreamCompressor)) == (
        "(strategy, buffer_size, mode='default', acceleration=True, compression_level=9, "
        "return_bytearray=False, store_comp_size=4, dictionary='')")
    assert str(inspect.signature(LZ4StreamDecompressor)) == (
        "(strategy, buffer_size, return_bytearray=False, store_comp_size=4, dictionary='')")
    from stdcompress import lz4
    assert lz4.stream is lz4s
    with LZ4StreamCompressor("double_buffer", 10) as c:
        assert c.__enter__() is c


def test_bad_arguments():
    C, D = LZ4StreamCompressor, LZ4StreamDecompressor
    for bad in (lambda: C("ringbuffer", 10), lambda: D("", 10),
                lambda: C("double_buffer", 10, mode="HC"),
                lambda: C("double_buffer", 10, store_comp_size=3),
                lambda: C("double_buffer", 10, store_comp_size=-1),
                lambda: D("double_buffer", 10, store_comp_size=5),
                lambda: C("double_buffer", -1), lambda: D("double_buffer", -1),
                lambda: C("double_buffer", LZ4_MAX_INPUT_SIZE + 1),
                lambda: C("double_buffer", 2**32)):  # python-lz4 wraps this one to 0
        with pytest.raises(ValueError) as e:
            bad()
        assert isinstance(e.value, BadArgumentsError) and e.value.code == "BAD-ARGS"
    for bad in (lambda: C(b"double_buffer", 10), lambda: C("double_buffer", "10"),
                lambda: C("double_buffer", 10, mode=None),
                lambda: C("double_buffer", 10, compression_level="9"),
                lambda: D("double_buffer", 10, store_comp_size=4.0),
                lambda: D("double_buffer", 10, dictionary=object())):
        with pytest.raises(TypeError):
            bad()


def test_prefix_width_limits():
    assert LZ4StreamCompressor("double_buffer", 239, store_comp_size=1)
    assert LZ4StreamCompressor("double_buffer", 65264, store_comp_size=2)
    for bs, width in ((240, 1), (65265, 2), (100000, 2)):
        with pytest.raises(LZ4StreamError, match="prefix holds"):
            LZ4StreamCompressor("double_buffer", bs, store_comp_size=width)
    # a decompressor takes any size it can hold, and fails per block
    assert LZ4StreamDecompressor("double_buffer", 100000, store_comp_size=1)
    d = LZ4StreamDecompressor("double_buffer", MIB, store_comp_size=1)
    with pytest.raises(OverflowError):
        d.decompress(b"a" * 256)
    d = LZ4StreamDecompressor("double_buffer", MIB, store_comp_size=2)
    with pytest.raises(OverflowError):
        d.decompress(bytearray(65536))
    with pytest.raises(LZ4StreamError):  # longer than one call can carry
        LZ4StreamDecompressor("double_buffer", MIB).decompress(bytes(MIB + 1))


def test_chunk_longer_than_buffer_size_is_overflow():
    c = LZ4StreamCompressor("double_buffer", 100)
    with pytest.raises(OverflowError):
        c.compress(b"x" * 101)
    assert LZ4StreamDecompressor("double_buffer", 100).decompress(c.compress(b"x" * 100)[4:]) \
        == b"x" * 100  # the failed call left the stream as it was


def test_block_that_would_decompress_past_buffer_size():
    block = LZ4StreamCompressor("double_buffer", 8192).compress(b"a" * 8192)[4:]
    with pytest.raises(LZ4StreamError):  # 45 bytes pass the length check, then overflow
        LZ4StreamDecompressor("double_buffer", 100).decompress(block)
    big = LZ4StreamCompressor("double_buffer", 1000).compress(os.urandom(1000))[4:]
    with pytest.raises(LZ4StreamError, match="longer than"):
        LZ4StreamDecompressor("double_buffer", 500).decompress(big)


def test_corrupt_block_leaves_the_stream_usable():
    c = LZ4StreamCompressor("double_buffer", PAGE)
    d = LZ4StreamDecompressor("double_buffer", PAGE)
    blocks = [c.compress(x)[4:] for x in _chunks(DATA[:5 * PAGE], PAGE)]
    assert d.decompress(blocks[0]) == DATA[:PAGE]
    for bad in (blocks[1][:-3], b"\xff" * 40, b"", blocks[1] + b"junk"):
        with pytest.raises(LZ4StreamError) as e:
            d.decompress(bad)
        assert e.value.code == "LIBLZ4-FAIL"
    for i, block in enumerate(blocks[1:], 1):
        assert d.decompress(block) == DATA[i * PAGE:(i + 1) * PAGE]


def test_get_block_and_offsets():
    c = LZ4StreamCompressor("double_buffer", PAGE, store_comp_size=2)
    blocks = [c.compress(x) for x in _chunks(DATA[:10 * PAGE], PAGE)]
    stream = b"".join(blocks)
    d = LZ4StreamDecompressor("double_buffer", PAGE, store_comp_size=2)
    off = 0
    for b in blocks:  # bytes, bytearray, memoryview; with and without offset
        assert d.get_block(stream, off) == b[2:]
        assert d.get_block(bytearray(stream), off) == b[2:]
        assert d.get_block(memoryview(stream)[off:]) == b[2:]
        assert d.get_block(stream[off:]) == b[2:]  # python-lz4's way still works
        off += len(b)
    with pytest.raises(LZ4StreamError):
        d.get_block(stream, off)  # the end: nothing left
    with pytest.raises(LZ4StreamError):
        d.get_block(stream[:-1], off - len(blocks[-1]))  # block cut short
    with pytest.raises(LZ4StreamError):
        d.get_block(stream, off - 1)  # one byte: not even the prefix
    for bad in (-1, off + 1):
        with pytest.raises(ValueError):
            d.get_block(stream, bad)
        with pytest.raises(ValueError):
            list(d.iter_blocks(memoryview(stream), bad))
    assert list(d.iter_blocks(stream)) == [b[2:] for b in blocks]
    assert list(d.iter_blocks(array.array("B", stream), len(blocks[0]))) == \
        [b[2:] for b in blocks[1:]]
    with pytest.raises(LZ4StreamError):
        list(d.iter_blocks(stream + b"\x05"))
    out_of_band = LZ4StreamDecompressor("double_buffer", PAGE, store_comp_size=0)
    with pytest.raises(LZ4StreamError, match="out-of-band"):
        out_of_band.get_block(stream)
    with pytest.raises(LZ4StreamError, match="out-of-band"):
        list(out_of_band.iter_blocks(stream))


def test_iter_blocks_copies_nothing_but_blocks():
    """20 MiB in 8 KiB pages: the documented python-lz4 loop (get_block(stream[offset:]))
    copies the rest of the stream for every block; iter_blocks holds no more than a block."""
    c = LZ4StreamCompressor("double_buffer", PAGE)
    noise = random.Random(2).randbytes(PAGE)
    stream = bytearray()
    for i in range(20 * MIB // PAGE):
        stream += c.compress(noise if i % 2 else DATA[(i * PAGE) % (8 * MIB):][:PAGE])
    assert len(stream) > 13 * MIB
    d = LZ4StreamDecompressor("double_buffer", PAGE)
    tracemalloc.start()
    try:
        n = 0
        for block in d.iter_blocks(stream):
            chunk = d.decompress(block)
            n += len(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert n == 20 * MIB
    assert peak < 256 * 1024, f"iter_blocks held {peak} bytes at once"


def test_input_types_and_return_bytearray():
    chunk = DATA[:5000]
    want = LZ4StreamCompressor("double_buffer", PAGE).compress(chunk)
    for form in (bytearray(chunk), memoryview(chunk), array.array("B", chunk),
                 memoryview(bytearray(chunk)).cast("B", (50, 100))):
        assert LZ4StreamCompressor("double_buffer", PAGE).compress(form) == want
    assert LZ4StreamCompressor("double_buffer", PAGE).compress(
        array.array("I", chunk[:4000])) == LZ4StreamCompressor(
        "double_buffer", PAGE).compress(chunk[:4000])
    c = LZ4StreamCompressor("double_buffer", PAGE, return_bytearray=True)
    block = c.compress(chunk)
    assert type(block) is bytearray and block == want
    d = LZ4StreamDecompressor("double_buffer", PAGE, return_bytearray=1)
    assert type(d.get_block(block)) is bytearray
    assert type(next(d.iter_blocks(block))) is bytearray
    out = d.decompress(memoryview(block)[4:])
    assert type(out) is bytearray and out == chunk
    with pytest.raises(TypeError):
        c.compress("text")
    with pytest.raises(BufferError):
        c.compress(memoryview(chunk)[::2])


def test_dictionary_forms_and_lifetime():
    chunk = DICT[-3000:]
    want = LZ4StreamCompressor("double_buffer", PAGE, dictionary=DICT).compress(chunk)
    for form in (bytearray(DICT), memoryview(DICT), DICT[-65536:]):
        assert LZ4StreamCompressor("double_buffer", PAGE, dictionary=form).compress(chunk) == want
    text = "dictionary words: " * 100
    assert LZ4StreamCompressor("double_buffer", PAGE, dictionary=text).compress(b"x") == \
        LZ4StreamCompressor("double_buffer", PAGE, dictionary=text.encode()).compress(b"x")
    none = LZ4StreamCompressor("double_buffer", PAGE).compress(chunk)
    for empty in (None, "", b"", bytearray()):
        assert LZ4StreamCompressor("double_buffer", PAGE, dictionary=empty).compress(chunk) \
            == none
    # The dictionary is copied: wiping or freeing the caller's buffer changes nothing (python-lz4
    # releases it while LZ4 still reads it).
    buf = bytearray(DICT)
    c = LZ4StreamCompressor("double_buffer", PAGE, dictionary=buf)
    d = LZ4StreamDecompressor("double_buffer", PAGE, dictionary=buf)
    buf[:] = bytes(len(buf))
    del buf
    gc.collect()
    junk = [bytes([i]) * 100_000 for i in range(40)]  # reuse whatever memory was freed
    block = c.compress(chunk)
    assert block == want
    assert d.decompress(block[4:]) == chunk
    del junk
    big = DATA[:3 * MIB]  # longer than one call carries: only its last 64 KiB are passed
    assert LZ4StreamCompressor("double_buffer", PAGE, dictionary=big).compress(chunk) == \
        LZ4StreamCompressor("double_buffer", PAGE, dictionary=big[-65536:]).compress(chunk)


def test_close_exit_and_del_free_the_context():
    stats = _handle_stats
    before = stats()["open"]
    with LZ4StreamCompressor("double_buffer", PAGE) as c, \
            LZ4StreamDecompressor("ring_buffer", PAGE) as d:
        assert stats()["open"] == before + 2
        assert not c.closed
    assert stats()["open"] == before and c.closed and d.closed
    with pytest.raises(InvalidHandleError, match="closed") as e:
        c.compress(b"x")
    assert isinstance(e.value, ValueError)
    with pytest.raises(InvalidHandleError, match="closed"):
        d.decompress(b"\x00")
    with pytest.raises(InvalidHandleError, match="closed"):
        d.get_block(b"\x01\x00\x00\x00\x00")
    c.close()  # idempotent
    import copy
    import pickle
    for dup in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError, match="cannot pickle or copy"):
            dup(LZ4StreamDecompressor("double_buffer", PAGE))
    x = LZ4StreamCompressor("double_buffer", PAGE)
    assert stats()["open"] == before + 1
    del x
    gc.collect()
    assert stats()["open"] == before
    with pytest.raises(ValueError):  # a failed constructor leaves nothing open
        LZ4StreamCompressor("double_buffer", PAGE, mode="bad")
    assert stats()["open"] == before


# ---- handles ----

def _handle_stats() -> dict:
    ret, (text,) = _runtime.default().call("handleStats", None)
    assert ret == 0
    return {k: int(v) for k, v in (p.split("=") for p in text.decode().split(";"))}


def _last_error() -> str:
    return _runtime.default().call("lastError", None)[1][0].decode()


def test_handle_misuse_is_a_clear_error_and_the_process_goes_on():
    rt = _runtime.default()
    hc, _ = rt.call("lz4StreamCompressOpen", 4096)
    hd, _ = rt.call("lz4StreamDecompressOpen", 4096)
    assert hc > 0 and hd > 0 and hc != hd
    code = -10  # -STDC_E_INVALID_HANDLE
    assert rt.call("lz4StreamCompress", b"x", None, hd)[0] == code
    assert "is an lz4 stream decompressor, not an lz4 stream compressor" in _last_error()
    assert rt.call("lz4StreamDecompress", b"\x00", None, hc)[0] == code
    assert rt.call("lz4StreamGetBlock", b"\x00" * 5, None, hc)[0] == code
    for never in (0, -1, 12345, hc + (1 << 40)):
        assert rt.call("lz4StreamCompress", b"x", None, never)[0] == code
        assert "was never opened" in _last_error()
    assert rt.call("handleFree", hc)[0] == 0
    assert rt.call("handleFree", hc)[0] == code  # double free
    assert "already freed" in _last_error()
    assert rt.call("lz4StreamCompress", b"x", None, hc)[0] == code  # use after free
    assert "already freed" in _last_error()
    again, _ = rt.call("lz4StreamCompressOpen", 4096)  # the slot again, a new generation
    assert again > 0 and again != hc
    assert rt.call("lz4StreamCompress", b"x", None, hc)[0] == code
    assert rt.call("lz4StreamCompress", b"x", None, again)[0] == 0
    for h in (again, hd):
        assert rt.call("handleFree", h)[0] == 0
    # handleInfo describes any kind, and knows no freed handle
    h, _ = rt.call("lz4StreamCompressOpen", 300, 2, b"high_compression", 11, b"d", b"ring_buffer")
    assert rt.call("handleInfo", None, h) == (0, [
        b"kind=lz4 stream compressor;strategy=ring_buffer;buffer_size=300;width=2;"
        b"mode=high_compression;level=11"])
    assert rt.call("handleFree", h)[0] == 0
    assert rt.call("handleInfo", None, h) == (code, [b""])
    # argc: too few arguments are BAD-ARGS, never a crash
    assert rt.call("handleInfo", None)[0] == -1
    assert rt.call("lz4StreamCompress", b"x", None)[0] == -1
    assert rt.call("lz4StreamCompress")[0] == -1
    assert rt.call("lz4StreamCompressOpen")[0] == -1
    assert rt.call("lz4StreamDecompressOpen")[0] == -1
    assert rt.call("lz4StreamGetBlock", b"x", None)[0] == -1
    assert rt.call("handleFree")[0] == -1
    assert rt.call("handleStats")[0] == -1
    assert LZ4StreamCompressor("double_buffer", 10).compress(b"still fine")


def test_small_output_tiers_hold_and_take():
    """The 1k and 64k entries (M's tiers): a result larger than the tier is held, take
    collects it, and the stream is not disturbed."""
    rt = _runtime.default()
    hc, _ = rt.call("lz4StreamCompressOpen", 100_000, 4, b"fast", 1, b"", b"ring_buffer")
    hd, _ = rt.call("lz4StreamDecompressOpen", 100_000, 4, b"", b"ring_buffer")
    noise = random.Random(4).randbytes(100_000)
    for i, chunk in enumerate([noise, DATA[:100_000], noise[:500], DATA[:70000]]):
        tier = ("1k", "64k", "")[i % 3]
        ret, (block,) = rt.call("lz4StreamCompress" + tier, chunk, None, hc)
        if ret > 0:
            assert ret > {"1k": 1024, "64k": 65536}[tier]  # held: its length
            ret, (block,) = rt.call("take", None)
        assert ret == 0
        ret, (raw,) = rt.call("lz4StreamGetBlock" + tier, block, None, hd, 0)
        if ret > 0:
            ret, (raw,) = rt.call("take", None)
        assert ret == 0 and raw == block[4:]
        ret, (out,) = rt.call("lz4StreamDecompress" + ("1k", "64k", "")[(i + 1) % 3], raw,
                              None, hd)
        if ret > 0:
            ret, (out,) = rt.call("take", None)
        assert ret == 0 and out == chunk
    rt.call("handleFree", hc), rt.call("handleFree", hd)


def test_table_full_and_env_limit(tmp_path):
    """With STDCOMPRESS_MAX_HANDLES=8: the 9th open is HANDLE-LIMIT, freeing one makes room,
    and the process goes on.  An unusable value means the default."""
    code = textwrap.dedent("""
        import stdcompress
        from stdcompress.lz4.stream import LZ4StreamCompressor, LZ4StreamDecompressor
        from stdcompress import _runtime
        rt = _runtime.default()
        print(rt.call("handleStats", None)[1][0].decode())
        opened = [LZ4StreamCompressor("double_buffer", 64) for _ in range(4)]
        opened += [LZ4StreamDecompressor("double_buffer", 64) for _ in range(4)]
        try:
            LZ4StreamCompressor("double_buffer", 64)
        except stdcompress.HandleLimitError as e:
            print("LIMIT", e.code, e.message)
        opened.pop().close()
        opened.append(LZ4StreamCompressor("ring_buffer", 64))
        print("REOPENED", opened[-1].compress(b"abc")[4:].hex())
        print(stdcompress.gzip(b"the process goes on")[:2].hex())
    """)
    env = dict(os.environ, STDCOMPRESS_MAX_HANDLES="8",
               PYTHONPATH=os.pathsep.join([str(ROOT / "bridge" / "python"),
                                           os.environ.get("PYTHONPATH", "")]))
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "open=0;max=8"
    assert lines[1].startswith("LIMIT HANDLE-LIMIT lz4StreamCompressOpen: 8 handles are open")
    assert "STDCOMPRESS_MAX_HANDLES" in lines[1]
    assert lines[2].startswith("REOPENED ") and lines[3] == "1f8b"
    for bad in ("0", "-3", "lots", "99999999", ""):
        env["STDCOMPRESS_MAX_HANDLES"] = bad
        r = subprocess.run([sys.executable, "-c", code.split("opened =")[0]], env=env,
                           capture_output=True, text=True, timeout=120)
        assert r.stdout.strip() == "open=0;max=1024", (bad, r.stdout, r.stderr)


def test_threads_own_streams_and_a_shared_one():
    def own(strategy, seed):
        for _ in range(3):
            _, _, decoded = _round_trip(DATA[seed * 200_000:][:400_000], strategy, 4,
                                        MODES[seed % 3], DICT if seed % 2 else "", 5000)
            assert decoded == DATA[seed * 200_000:][:400_000]

    errors = run_threads(own, [(STRATEGIES[i % 2], i) for i in range(8)])
    assert not errors
    # One compressor shared by threads (each call is serialized in C; the order is the threads'
    # business) and freed by one of them while the others still call it: no crash, and every
    # call either works or reports the handle freed.
    c = LZ4StreamCompressor("double_buffer", PAGE)
    outcomes = []

    def hammer(i):
        for k in range(300):
            try:
                c.compress(DATA[k * 100:k * 100 + 4000])
                outcomes.append("ok")
            except InvalidHandleError:
                outcomes.append("closed")
            if i == 0 and k == 150:
                c.close()

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 1800 and "ok" in outcomes and "closed" in outcomes


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_memory_stays_flat():
    """1000 contexts created and freed, and 1000 passes of 1 MiB through a stream in each
    direction: RSS grows by less than a few MiB.  (Under the sanitizers freed memory is kept
    in quarantine, so there only the loops run.)"""
    rt = _runtime.default()
    data = DATA[:MIB]
    chunks = _chunks(data, 65536)
    c = LZ4StreamCompressor("ring_buffer", 65536)
    blocks = [c.compress(x) for x in chunks]
    c.close()

    def contexts(n):
        for i in range(n):
            mode = MODES[i % 3]
            with LZ4StreamCompressor(STRATEGIES[i % 2], PAGE, mode=mode, dictionary=DICT) as x, \
                    LZ4StreamDecompressor(STRATEGIES[i % 2], PAGE, dictionary=DICT) as y:
                y.decompress(x.compress(data[i * 100:i * 100 + PAGE])[4:])
            rt.call("handleFree", 999)  # a misuse now and then costs nothing either

    def passes(n):
        for _ in range(n):
            c = LZ4StreamCompressor("ring_buffer", 65536)
            d = LZ4StreamDecompressor("ring_buffer", 65536)
            out = [c.compress(x) for x in chunks]
            assert out == blocks
            assert b"".join(d.decompress(b) for b in d.iter_blocks(b"".join(out))) == data
            c.close(), d.close()

    rounds = 1000 if not SANITIZED else 50
    contexts(20), passes(3)  # warm: per-thread buffers, allocator pools
    gc.collect()
    start = _rss_mib()
    contexts(rounds)
    gc.collect()
    after_contexts = _rss_mib()
    passes(rounds)
    gc.collect()
    end = _rss_mib()
    if SANITIZED:
        return
    assert after_contexts - start < 4, f"RSS {start:.1f} -> {after_contexts:.1f} MiB"
    assert end - start < 4, f"RSS {start:.1f} -> {end:.1f} MiB"


# ---- the C side alone runs under valgrind and the sanitizers: tests/test_c_drivers.py ----

def test_table_and_header_agree():
    rt = _runtime.default()
    names = [n for n in rt.table.entries if n.startswith(("lz4Stream", "handle"))]
    assert len(names) == 14
    assert not {n: p for n, p in rt.problems().items() if n in names}


# ---- M: streams written by M read by python-lz4, and the other way (a real engine) ----

M_INTEROP = textwrap.dedent('''\
    LZ4SI ; lz4 stream interop, M side: mumps -run LZ4SI dir bufsize width mode
     new dir,bs,w,m,dict,data,c,x,s,off,blk,y,out,r,i,n,$etrap
     set $etrap="write ""ERROR "",$$lastError^STDCOMPRESS(),"" "",$zstatus,! set $ecode="""" halt"
     set dir=$piece($zcmdline," ",1),bs=$piece($zcmdline," ",2),w=$piece($zcmdline," ",3),m=$piece($zcmdline," ",4)
     set dict=$$readFile^STDCOMPRESSCONF(dir_"/dict.bin"),data=$$readFile^STDCOMPRESSCONF(dir_"/data.bin")
     ; data in chunks of bs into m.stream (block sizes into m.sizes, for width 0)
     set c=$$lz4StreamCompressOpen^STDCOMPRESS(bs,w,m,"",dict),s="",n=""
     for i=1:bs:$zlength(data) set r=$$lz4StreamCompress^STDCOMPRESS(c,$zextract(data,i,i+bs-1),.blk),s=s_blk,n=n_($zlength(blk)-w)_","
     do writeFile^STDCOMPRESSCONF(dir_"/m.stream",s),writeFile^STDCOMPRESSCONF(dir_"/m.sizes",n)
     set r=$$lz4StreamFree^STDCOMPRESS(c)
     ; py.stream (python-lz4's) back into m.out
     set s=$$readFile^STDCOMPRESSCONF(dir_"/py.stream"),x=$$lz4StreamDecompressOpen^STDCOMPRESS(bs,w,dict)
     set out="",off=0
     if w for  quit:off'<$zlength(s)  set r=$$lz4StreamGetBlock^STDCOMPRESS(x,s,.off,.blk),r=$$lz4StreamDecompress^STDCOMPRESS(x,blk,.y),out=out_y
     if 'w set n=$$readFile^STDCOMPRESSCONF(dir_"/py.sizes") for i=1:1:$length(n,",")-1 set blk=$zextract(s,off+1,off+$piece(n,",",i)),off=off+$piece(n,",",i),r=$$lz4StreamDecompress^STDCOMPRESS(x,blk,.y),out=out_y
     do writeFile^STDCOMPRESSCONF(dir_"/m.out",out)
     set r=$$lz4StreamFree^STDCOMPRESS(x)
     write "OK",!
     quit
    ''')


@pytest.fixture(scope="module")
def m_modes(tmp_path_factory):
    if SANITIZED:  # as tests/test_engine.py, which is not c_facing
        pytest.skip("engine tests run in the plain suite: mumps does not run under the "
                    "sanitizer run's preloaded ASan runtime")
    from engine_support import Modes, find_engine
    engine = find_engine()
    if engine is None:
        pytest.skip("GT.M is not installed (apt-get install fis-gtm-7.0, or set gtm_dist)")
    return Modes(engine, tmp_path_factory.mktemp("lz4s-engine"))


@pytest.mark.engine
@pytest.mark.parametrize("mode,width,lz4mode,page", [
    ("M", 4, "default", PAGE), ("M", 2, "high_compression", PAGE), ("M", 1, "fast", 239),
    ("M", 0, "default", 5000), ("UTF-8", 4, "high_compression", 20000)])
def test_m_and_python_lz4_read_each_others_streams(m_modes, tmp_path, mode, width, lz4mode, page):
    """M compresses a stream that python-lz4's lz4.stream reads, and reads the stream
    python-lz4 wrote; with the same chunks both write the same bytes."""
    why = m_modes.unavailable(mode)
    if why:
        pytest.skip(f"{mode} mode unavailable: {why}")
    problems = m_modes.compiled(mode)[1]
    assert not problems, problems
    peer = PEER or lz4s  # without the peer, at least M against this bridge
    data, dictionary = DATA[3 * MIB:3 * MIB + 300_000], DICT
    (tmp_path / "data.bin").write_bytes(data)
    (tmp_path / "dict.bin").write_bytes(dictionary)
    c = peer.LZ4StreamCompressor("double_buffer", page, mode=lz4mode, store_comp_size=width,
                                 dictionary=dictionary)
    blocks = [c.compress(x) for x in _chunks(data, page)]
    (tmp_path / "py.stream").write_bytes(b"".join(blocks))
    (tmp_path / "py.sizes").write_text("".join(f"{len(b) - width}," for b in blocks))
    src = tmp_path / "src"
    src.mkdir()
    (src / "LZ4SI.m").write_text(M_INTEROP)
    code, out, err = m_modes.run(mode, ["LZ4SI", str(tmp_path), str(page), str(width), lz4mode],
                                 env=m_modes.env(mode, extra_srcdirs=[src]))
    assert (code, out.strip()) == (0, "OK"), out + err
    assert (tmp_path / "m.out").read_bytes() == data  # python-lz4's stream, read by M
    m_stream = (tmp_path / "m.stream").read_bytes()
    assert m_stream == b"".join(blocks)  # M wrote the very same bytes
    d = peer.LZ4StreamDecompressor("double_buffer", page, store_comp_size=width,
                                   dictionary=dictionary)
    sizes = [int(n) for n in (tmp_path / "m.sizes").read_text().split(",")[:-1]]
    decoded, off = bytearray(), 0
    for n in sizes:  # M's stream, read by python-lz4
        decoded += d.decompress(m_stream[off + width:off + width + n])
        off += width + n
    assert decoded == data


@pytest.mark.engine
def test_m_usage_stream_example_runs(m_modes, tmp_path):
    """The M example of docs/m-usage.md ("LZ4 block streams"), as written, round-trips."""
    doc = (ROOT / "docs" / "m-usage.md").read_text()
    example = doc.split("## LZ4 block streams", 1)[1].split("```", 2)[1].strip("\n")
    routine = ("LZ4SEX ; the example\n new rec,i,x\n"
               " for i=1:1:10 set rec(i)=\"record \"_i_\": \"_$justify(i*i,20)\n"
               + example + "\n set x=\"\" for i=1:1:10 set x=x_rec(i)\n"
               " write $select(out=x:\"SAME\",1:\"DIFFERENT\"),!\n quit\n")
    (tmp_path / "LZ4SEX.m").write_text(routine)
    code, out, err = m_modes.run("M", ["LZ4SEX"], env=m_modes.env("M", extra_srcdirs=[tmp_path]))
    assert (code, out) == (0, "SAME\n"), out + err
