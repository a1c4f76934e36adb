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


@pytest.fixture
def peer():
    """python-lz4's lz4.stream.  `invoke setup` builds it, in CI too: a test that compares
    with it fails without it (never skips)."""
    if PEER is None:
        pytest.fail(f"python-lz4's lz4.stream is missing: {PEER_MISSING}")
    return PEER


needs_peer = pytest.mark.usefixtures("peer")
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


def _peer_walk(module, stream, width, **kw):
    """python-lz4's own test helper (tests/stream/test_stream_1.py): get_block on the rest of
    the stream, block after block, each decompressed."""
    out = []
    with module.LZ4StreamDecompressor("double_buffer", kw.pop("buffer_size", 128),
                                      store_comp_size=width, **kw) as d:
        start = 0
        while start < len(stream):
            block = d.get_block(stream[start:])
            out.append(d.decompress(block))
            start += width + len(block)
    return b"".join(out)


BIG = 3 * MIB + 17  # a buffer_size past the 1 MiB M string limit


@needs_peer
@pytest.mark.parametrize("width", [0, 4])
@pytest.mark.parametrize("mode", MODES)
def test_blocks_past_1_mib_are_the_peers(width, mode):
    """Chunks of 3 MiB (noise, text, and small ones between) compress to python-lz4's bytes;
    each side decompresses the other's; get_block and iter_blocks walk the > 1 MiB stream."""
    noise = random.Random(7).randbytes(BIG)
    chunks = [noise, DATA[:BIG], b"", DATA[5000:6000], noise[:2 * MIB], DATA[MIB:MIB + BIG]]
    kw = dict(mode=mode, store_comp_size=width, dictionary=DICT, **_kwargs(mode))
    ours_c = LZ4StreamCompressor("double_buffer", BIG, **kw)
    peer_c = PEER.LZ4StreamCompressor("double_buffer", BIG, **kw)
    blocks = [ours_c.compress(chunk) for chunk in chunks]
    assert blocks == [peer_c.compress(chunk) for chunk in chunks]
    assert max(map(len, blocks)) > 3 * MIB
    kw = dict(store_comp_size=width, dictionary=DICT)
    for reader, blocks_of in ((LZ4StreamDecompressor, blocks),
                              (PEER.LZ4StreamDecompressor, blocks)):
        d = reader("double_buffer", BIG, **kw)
        assert [d.decompress(b[width:]) for b in blocks_of] == chunks
    if width:
        stream = b"".join(blocks)
        d = LZ4StreamDecompressor("double_buffer", BIG, **kw)
        assert list(d.iter_blocks(stream)) == [b[width:] for b in blocks]
        assert list(d.iter_blocks(bytearray(stream))) == [b[width:] for b in blocks]
        assert _peer_walk(lz4s, stream, width, buffer_size=BIG, dictionary=DICT) == \
            _peer_walk(PEER, stream, width, buffer_size=BIG, dictionary=DICT) == b"".join(chunks)


@pytest.mark.parametrize("width", WIDTHS)
def test_ring_buffer_past_1_mib(width):
    """The ring (ours alone) with 3 MiB chunks: round trip, and python-lz4's one-shot decoder
    reads each block given the stream's last 64 KiB."""
    if width in (1, 2):  # the prefix holds no block of a chunk this large
        with pytest.raises(LZ4StreamError, match="Inconsistent"):
            LZ4StreamCompressor("ring_buffer", BIG, store_comp_size=width)
        return
    c = LZ4StreamCompressor("ring_buffer", BIG, store_comp_size=width)
    d = LZ4StreamDecompressor("ring_buffer", BIG, store_comp_size=width)
    history = b""
    for chunk in (DATA[:BIG], random.Random(1).randbytes(2 * MIB), DATA[BIG:2 * BIG], b"x"):
        block = c.compress(chunk)[width:]
        assert d.decompress(block) == chunk
        if pylz4_block is not None:
            assert pylz4_block.decompress(block, uncompressed_size=len(chunk),
                                          dict=history) == chunk
        history = (history + chunk)[-65536:]


@needs_peer
@pytest.mark.parametrize("width", WIDTHS)
def test_decompressor_past_1_mib_every_width(width):
    """A decompressor of buffer_size 5 MiB reads what python-lz4's does with every prefix:
    a 4 MiB chunk from a 2-byte-prefix block (a raw LZ4 block of zeros), the 239-byte chunks
    of a 1-byte-prefix stream."""
    if width == 1:
        blocks = [c for c in _chunks(DATA[:50_000], 239)]
        c = PEER.LZ4StreamCompressor("double_buffer", 239, store_comp_size=1)
        blocks = [c.compress(chunk)[1:] for chunk in blocks]
    else:
        assert pylz4_block is not None, "CI installs python-lz4"
        blocks = [pylz4_block.compress(bytes(4 * MIB), store_size=False)]
        assert len(blocks[0]) < 65536
    ours = LZ4StreamDecompressor("double_buffer", 5 * MIB, store_comp_size=width)
    theirs = PEER.LZ4StreamDecompressor("double_buffer", 5 * MIB, store_comp_size=width)
    assert [ours.decompress(b) for b in blocks] == [theirs.decompress(b) for b in blocks]


def test_memory_follows_the_chunks_not_buffer_size():
    """python-lz4's largest buffer sizes, with small chunks: no more memory than the chunks
    need (the decompressor's buffer grows with them; nothing per call is buffer_size)."""
    before = _rss_mib()
    c = LZ4StreamCompressor("double_buffer", LZ4_MAX_INPUT_SIZE)
    d = LZ4StreamDecompressor("double_buffer", LZ4_MAX_INPUT_SIZE)
    dd = LZ4StreamDecompressor("double_buffer", 0xFFFFFFFF)
    for chunk in _chunks(DATA[:2 * MIB], PAGE):
        block = c.compress(chunk)
        assert d.decompress(block[4:]) == chunk
        assert dd.decompress(LZ4StreamCompressor("double_buffer", PAGE).compress(chunk)[4:]) \
            == chunk
    assert _rss_mib() - before < 64
    c.close()
    d.close()


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


def _compressed(module, data, width=4, bs=128, **kw):
    c = module.LZ4StreamCompressor("double_buffer", bs, store_comp_size=width, **kw)
    return b"".join(c.compress(chunk) for chunk in _chunks(data, bs))


def _bump(stream, offset, by):
    """stream with the 4-byte prefix at offset changed by `by` (python-lz4's corruptions)."""
    n = int.from_bytes(stream[offset:offset + 4], "little") + by
    return stream[:offset] + n.to_bytes(4, "little") + stream[offset + 4:]


TRUNCATED = b"2099023098234882923049823094823094898239230982349081231290381209380981203981" * 24
_A512 = b"A" * 512


def _huge():  # 2 GiB + 1 of address space, never touched: python-lz4's "Dictionary too large"
    import mmap
    return mmap.mmap(-1, 2**31 + 1)


# Every failure python-lz4's lz4.stream raises (its C source lz4/stream/_stream.c and its
# tests/stream/), as calls on a module: python-lz4's or ours.
PEER_FAILURES = {
    # constructor: argument types, in python-lz4's order
    "strategy None": lambda m: m.LZ4StreamCompressor(None, 10),
    "strategy bytes": lambda m: m.LZ4StreamCompressor(b"double_buffer", 10),
    "strategy int (d)": lambda m: m.LZ4StreamDecompressor(5, 10),
    "strategy NUL": lambda m: m.LZ4StreamCompressor("double_buffer\0", 10),
    "strategy surrogate": lambda m: m.LZ4StreamDecompressor("\udcff", 10),
    "buffer_size float": lambda m: m.LZ4StreamCompressor("double_buffer", 8192.0),
    "buffer_size str (d)": lambda m: m.LZ4StreamDecompressor("double_buffer", "10"),
    "buffer_size None": lambda m: m.LZ4StreamCompressor("double_buffer", None),
    "mode None": lambda m: m.LZ4StreamCompressor("double_buffer", 10, mode=None),
    "mode before buffer_size": lambda m: m.LZ4StreamCompressor("x", 10.5, mode=1),
    "acceleration float": lambda m: m.LZ4StreamCompressor("double_buffer", 10, acceleration=1.5),
    "acceleration str": lambda m: m.LZ4StreamCompressor("double_buffer", 10, acceleration="1"),
    "level str": lambda m: m.LZ4StreamCompressor("double_buffer", 10, compression_level="9"),
    "store_comp_size float": lambda m: m.LZ4StreamDecompressor("double_buffer", 10,
                                                               store_comp_size=4.0),
    "dictionary int": lambda m: m.LZ4StreamCompressor("double_buffer", 10, dictionary=5),
    "dictionary object (d)": lambda m: m.LZ4StreamDecompressor("double_buffer", 10,
                                                               dictionary=object()),
    "dictionary strided": lambda m: m.LZ4StreamCompressor(
        "double_buffer", 10, dictionary=memoryview(b"abcdef")[::2]),
    "dictionary surrogate": lambda m: m.LZ4StreamCompressor("double_buffer", 10,
                                                            dictionary="\udcff"),
    "unknown keyword": lambda m: m.LZ4StreamCompressor("double_buffer", 10, foo=1),
    "mode to a decompressor": lambda m: m.LZ4StreamDecompressor("double_buffer", 10,
                                                                mode="fast"),
    "missing buffer_size": lambda m: m.LZ4StreamCompressor("double_buffer"),
    # constructor: values
    "dictionary too large": lambda m: m.LZ4StreamCompressor("double_buffer", 10,
                                                            dictionary=_huge()),
    "dictionary too large (d)": lambda m: m.LZ4StreamDecompressor("double_buffer", 10,
                                                                  dictionary=_huge()),
    **{f"store_comp_size {w}": (lambda w: lambda m: m.LZ4StreamCompressor(
        "double_buffer", 10, store_comp_size=w))(w) for w in (3, 5, 6, 7, 9, -1, 2**32 - 1)},
    "store_comp_size 8 (d)": lambda m: m.LZ4StreamDecompressor("double_buffer", 10,
                                                               store_comp_size=8),
    "store_comp_size before strategy": lambda m: m.LZ4StreamCompressor("foo", 10,
                                                                       store_comp_size=3),
    "strategy foo": lambda m: m.LZ4StreamCompressor("foo", 1024),
    "strategy foo (d)": lambda m: m.LZ4StreamDecompressor("foo", 1024),
    "strategy empty": lambda m: m.LZ4StreamDecompressor("", 10),
    "strategy unicode": lambda m: m.LZ4StreamCompressor("d\u00e9", 10),
    "strategy long": lambda m: m.LZ4StreamCompressor("r" * 5000, 10),
    "strategy before mode": lambda m: m.LZ4StreamCompressor("ring", 10, mode="slow"),
    "mode HC": lambda m: m.LZ4StreamCompressor("double_buffer", 10, mode="HC"),
    "mode before buffer_size value": lambda m: m.LZ4StreamCompressor("double_buffer", -1,
                                                                     mode="x"),
    "buffer_size -1": lambda m: m.LZ4StreamCompressor("double_buffer", -1),
    "buffer_size 2**64-1": lambda m: m.LZ4StreamCompressor("double_buffer", 2**64 - 1),
    "buffer_size max+1": lambda m: m.LZ4StreamCompressor("double_buffer", LZ4_MAX_INPUT_SIZE + 1),
    "buffer_size 4GB-1": lambda m: m.LZ4StreamCompressor("double_buffer", 2**32 - 1,
                                                         store_comp_size=4),
    "width 1, 240": lambda m: m.LZ4StreamCompressor("double_buffer", 240, store_comp_size=1),
    "width 1, 256": lambda m: m.LZ4StreamCompressor("double_buffer", 256, store_comp_size=1),
    "width 2, 65265": lambda m: m.LZ4StreamCompressor("double_buffer", 65265, store_comp_size=2),
    "width 2, 65536": lambda m: m.LZ4StreamCompressor("double_buffer", 65536, store_comp_size=2),
    # compress
    "chunk over buffer_size": lambda m: m.LZ4StreamCompressor("double_buffer", 4).compress(
        b"12345"),
    "chunk over 3 MiB buffer_size": lambda m: m.LZ4StreamCompressor(
        "double_buffer", BIG, store_comp_size=0).compress(bytearray(BIG + 1)),
    "chunk str": lambda m: m.LZ4StreamCompressor("double_buffer", 4).compress("abc"),
    "chunk int": lambda m: m.LZ4StreamCompressor("double_buffer", 4).compress(7),
    "chunk None": lambda m: m.LZ4StreamCompressor("double_buffer", 4).compress(None),
    "chunk strided": lambda m: m.LZ4StreamCompressor("double_buffer", 8).compress(
        memoryview(b"abcdef")[::2]),
    # decompress
    "block str": lambda m: m.LZ4StreamDecompressor("double_buffer", 10).decompress("abc"),
    "block strided": lambda m: m.LZ4StreamDecompressor("double_buffer", 10).decompress(
        memoryview(b"abcdef")[::2]),
    "block empty": lambda m: m.LZ4StreamDecompressor("double_buffer", 8192).decompress(b""),
    "block ff": lambda m: m.LZ4StreamDecompressor("double_buffer", 8192).decompress(
        b"\xff\xff\xff"),
    "block, buffer_size 0": lambda m: m.LZ4StreamDecompressor("double_buffer", 0).decompress(
        b"\x00"),
    "block over buffer_size": lambda m: m.LZ4StreamDecompressor("double_buffer", 100)
    .decompress(b"a" * 200),
    "block over 3 MiB buffer_size": lambda m: m.LZ4StreamDecompressor("double_buffer", BIG)
    .decompress(bytes(BIG + BIG // 200)),
    "block over width 1": lambda m: m.LZ4StreamDecompressor(
        "double_buffer", MIB, store_comp_size=1).decompress(b"a" * 256),
    "block over width 2": lambda m: m.LZ4StreamDecompressor(
        "double_buffer", BIG, store_comp_size=2).decompress(bytearray(65536)),
    "block decodes past buffer_size": lambda m: m.LZ4StreamDecompressor(
        "double_buffer", 100).decompress(_compressed(m, b"a" * 8192, bs=8192)[4:]),
    "block decodes past 3 MiB": lambda m: m.LZ4StreamDecompressor(
        "double_buffer", BIG).decompress(_compressed(m, bytes(4 * MIB), bs=4 * MIB)[4:]),
    "known 0000": lambda m: _peer_walk(m, b"\x00\x00\x00\x00", 4),
    "corrupt 1": lambda m: _peer_walk(m, _compressed(m, _A512)[4:], 4),
    "corrupt 2, longer": lambda m: _peer_walk(m, _bump(_compressed(m, _A512), 0, 1), 4),
    "corrupt 2, shorter": lambda m: _peer_walk(m, _bump(_compressed(m, _A512), 0, -2), 4),
    "corrupt 3, longer": lambda m: _peer_walk(
        m, _bump(_compressed(m, _A512), 4 + int.from_bytes(_compressed(m, _A512)[:4], "little"),
                 1), 4),
    "corrupt 3, shorter": lambda m: _peer_walk(
        m, _bump(_compressed(m, _A512), 4 + int.from_bytes(_compressed(m, _A512)[:4], "little"),
                 -2), 4),
    "corrupt 4, shorter": lambda m: _peer_walk(m, _bump(_compressed(m, b"A" * 256), 0, -2), 4),
    **{f"truncated {n}": (lambda n: lambda m: _peer_walk(m, _compressed(m, TRUNCATED)[:n], 4))(n)
       for n in (1, 3, 4, 5, 17, 40, 100, 150, 333)},
    **{f"trailer {t!r}": (lambda t: lambda m: _peer_walk(m, _compressed(m, TRUNCATED) + t, 4))(t)
       for t in (b"A", b"A" * 10, *(b"\x00" * n for n in range(1, 10)))},
    "wrong dictionary": lambda m: _peer_walk(m, _compressed(m, DATA[:2000], dictionary=DICT), 4),
    "short dictionary": lambda m: _peer_walk(
        m, _compressed(m, DATA[:2000], dictionary=DICT), 4, dictionary=DICT[:2]),
    **{f"width {w}, truncated": (lambda w: lambda m: _peer_walk(
        m, _compressed(m, TRUNCATED, width=w)[:-1], w))(w) for w in (1, 2)},
    # get_block
    "stream str": lambda m: m.LZ4StreamDecompressor("double_buffer", 10).get_block(
        "\x01\x00\x00\x00a"),
    "stream int": lambda m: m.LZ4StreamDecompressor("double_buffer", 10).get_block(3),
    "stream strided": lambda m: m.LZ4StreamDecompressor("double_buffer", 10).get_block(
        memoryview(b"abcdef")[::2]),
    "stream empty": lambda m: m.LZ4StreamDecompressor("double_buffer", 10).get_block(b""),
    "stream of a prefix part": lambda m: m.LZ4StreamDecompressor(
        "double_buffer", 10).get_block(b"\x01\x00"),
    "stream short": lambda m: m.LZ4StreamDecompressor("double_buffer", 10).get_block(
        b"\x05\x00\x00\x00ab"),
    "stream declares 2**32-1": lambda m: m.LZ4StreamDecompressor("double_buffer", 10)
    .get_block(bytearray(b"\xff\xff\xff\xffab")),
    "stream declares 2**31": lambda m: m.LZ4StreamDecompressor("double_buffer", 10)
    .get_block(b"\x00\x00\x00\x80ab"),
    "stream short, width 2": lambda m: m.LZ4StreamDecompressor(
        "double_buffer", 10, store_comp_size=2).get_block(b"\x05\x00ab"),
    "stream out of band": lambda m: m.LZ4StreamDecompressor(
        "double_buffer", 10, store_comp_size=0).get_block(b"\x01\x00\x00\x00a"),
    "stream > 1 MiB, short": lambda m: m.LZ4StreamDecompressor("double_buffer", 10).get_block(
        b"\x00\x00\x20\x00" + bytes(2 * MIB - 5)),
}
# Where python-lz4 raises and ours works (docs/lz4-stream.md, "Differences from python-lz4").
PEER_ONLY_FAILURES = {
    "ring_buffer": lambda m: m.LZ4StreamCompressor("ring_buffer", 1024),
    "ring_buffer (d)": lambda m: m.LZ4StreamDecompressor("ring_buffer", 1024),
    "get_block at an offset": lambda m: m.LZ4StreamDecompressor("double_buffer", 10)
    .get_block(b"xx\x01\x00\x00\x00a", 2),
    "get_block past 2 GiB": lambda m: m.LZ4StreamDecompressor("double_buffer", 10)
    .get_block(_huge()),
}


def _raised(case, module):
    try:
        case(module)
    except Exception as e:  # noqa: BLE001 - what is raised is what is compared
        return e
    return None


@pytest.mark.parametrize("name", sorted(PEER_FAILURES))
def test_errors_are_the_peers(peer, name):
    """Each failure of python-lz4's, run against python-lz4 and against ours: the same type
    (ours may be a subclass: LZ4StreamError is ours, a ValueError also a BadArgumentsError)
    and the same str()."""
    theirs = _raised(PEER_FAILURES[name], peer)
    assert theirs is not None, f"python-lz4 no longer fails {name}"
    ours = _raised(PEER_FAILURES[name], lz4s)
    expected = LZ4StreamError if type(theirs) is peer.LZ4StreamError else type(theirs)
    assert isinstance(ours, expected), (name, theirs, ours)
    assert str(ours) == str(theirs), name
    assert type(ours) is expected or (expected is ValueError and
                                      isinstance(ours, BadArgumentsError))


@pytest.mark.parametrize("name", sorted(PEER_ONLY_FAILURES))
def test_where_the_peer_fails_and_ours_works(peer, name):
    assert isinstance(_raised(PEER_ONLY_FAILURES[name], peer),
                      (NotImplementedError, TypeError, OverflowError))
    assert _raised(PEER_ONLY_FAILURES[name], lz4s) is None


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
        with pytest.raises(LZ4StreamError, match="Inconsistent buffer_size"):
            LZ4StreamCompressor("double_buffer", bs, store_comp_size=width)
    # a decompressor takes any size it can hold, and fails per block
    assert LZ4StreamDecompressor("double_buffer", 100000, store_comp_size=1)
    d = LZ4StreamDecompressor("double_buffer", MIB, store_comp_size=1)
    with pytest.raises(OverflowError):
        d.decompress(b"a" * 256)
    d = LZ4StreamDecompressor("double_buffer", MIB, store_comp_size=2)
    with pytest.raises(OverflowError):
        d.decompress(bytearray(65536))
    with pytest.raises(LZ4StreamError):  # all zeros: not an LZ4 block
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
    with pytest.raises(LZ4StreamError, match=r"^Maximal decompressed data \(986\) cannot fit "
                                             r"in LZ4 internal buffer \(500\)$"):
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
