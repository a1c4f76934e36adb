"""stdcompress.zstd against python-zstandard: one suite, run against each backend.

Every test taking the `z` fixture runs twice, once with `zstandard` (0.25, its C backend) and
once with `stdcompress.zstd`, with identical code: the behaviour a caller relies on must match.
Tests taking `sz` are stdcompress only: its checks where the peer crashes or reads out of bounds
(never run against zstandard in-process: tests/zstd_peer_crashes.py shows them in subprocesses,
as documentation), the arguments it refuses, and the memory tests of the C types.  Frames
interoperate both ways (our frames decoded by zstandard and the reverse).  The C types under
ASan/UBSan and valgrind: tests/test_zstd_memcheck.py.
"""

from __future__ import annotations

import array
import gc
import struct
import sys
import tracemalloc

import pytest
import zstandard

import stdcompress
import stdcompress.zstd as szstd
from samples import SAMPLES, TEXT, pseudo_random

pytestmark = pytest.mark.c_facing

BACKENDS = {"zstandard": zstandard, "stdcompress": szstd}
U64 = 2**64


@pytest.fixture(params=sorted(BACKENDS))
def z(request):
    return BACKENDS[request.param]


@pytest.fixture
def sz():
    return szstd


def segs(*pairs) -> bytes:
    return b"".join(struct.pack("=QQ", o, n) for o, n in pairs)


def pack(items):
    """(data, segments) of a list of bytes, built here in Python (independently of gather)."""
    data, pairs, pos = b"", [], 0
    for item in items:
        pairs.append((pos, len(item)))
        data += item
        pos += len(item)
    return data, segs(*pairs)


# ---- the buffer types ----

def test_names_are_together(z):
    for name in ("BufferSegment", "BufferSegments", "BufferWithSegments",
                 "BufferWithSegmentsCollection", "ZstdCompressor", "ZstdDecompressor",
                 "ZstdError", "train_dictionary", "ZstdCompressionDict", "DICT_TYPE_AUTO",
                 "DICT_TYPE_RAWCONTENT", "DICT_TYPE_FULLDICT", "MAX_COMPRESSION_LEVEL",
                 "FORMAT_ZSTD1", "FRAME_HEADER", "MAGIC_NUMBER"):
        assert hasattr(z, name), name
    for name in ("DICT_TYPE_AUTO", "DICT_TYPE_RAWCONTENT", "DICT_TYPE_FULLDICT",
                 "MAX_COMPRESSION_LEVEL", "FORMAT_ZSTD1", "FORMAT_ZSTD1_MAGICLESS",
                 "FRAME_HEADER", "MAGIC_NUMBER", "CONTENTSIZE_UNKNOWN", "CONTENTSIZE_ERROR"):
        assert getattr(z, name) == getattr(zstandard, name), name
    assert issubclass(z.ZstdError, Exception)


def test_buffer_with_segments_basics(z):
    b = z.BufferWithSegments(b"abcdef", segs((0, 2), (2, 4)))
    assert len(b) == 2 and b.size == 6 and isinstance(b.size, int)
    assert [s.tobytes() for s in b] == [b"ab", b"cdef"]
    assert b[1].offset == 2 and len(b[1]) == 4 and bytes(b[1]) == b"cdef"
    assert b[-1].tobytes() == b"cdef" and b[-2].tobytes() == b"ab"
    assert isinstance(b[0], z.BufferSegment)
    assert b.tobytes() == b"abcdef" and bytes(b) == b"abcdef"
    s = b.segments()
    assert isinstance(s, z.BufferSegments)
    assert bytes(s) == segs((0, 2), (2, 4))
    assert memoryview(s).nbytes == 32
    kw = z.BufferWithSegments(data=b"xyz", segments=segs((1, 2)))
    assert kw[0].tobytes() == b"yz"


def test_buffer_with_segments_exports_read_only_buffers(z):
    data = bytearray(b"0123456789")
    b = z.BufferWithSegments(data, segs((3, 4)))
    for obj, expect in ((b, b"0123456789"), (b[0], b"3456"), (b.segments(), segs((3, 4)))):
        view = memoryview(obj)
        assert view.readonly and view.tobytes() == expect
        with pytest.raises(TypeError):
            view[0] = 1
    data[3] = ord("X")  # data is referenced, not copied
    assert b[0].tobytes() == b"X456"


def test_buffer_with_segments_input_types(z):
    for data in (b"abc", bytearray(b"abc"), memoryview(b"abc"), array.array("B", b"abc")):
        assert z.BufferWithSegments(data, segs((0, 3)))[0].tobytes() == b"abc"
    assert z.BufferWithSegments(b"abc", array.array("Q", [1, 2]))[0].tobytes() == b"bc"
    assert len(z.BufferWithSegments(b"abc", b"")) == 0
    assert len(z.BufferWithSegments(b"", b"")) == 0
    assert len(z.BufferWithSegments(b"abc", segs((3, 0)))[0]) == 0
    for bad in ("abc", 5, None):
        with pytest.raises(TypeError):
            z.BufferWithSegments(bad, segs((0, 1)))
        with pytest.raises(TypeError):
            z.BufferWithSegments(b"abc", bad)
    with pytest.raises(TypeError):
        z.BufferWithSegments()
    with pytest.raises(BufferError):  # not contiguous
        z.BufferWithSegments(memoryview(b"abcdef")[::2], segs((0, 1)))


def test_buffer_with_segments_rejects_bad_segments(z):
    with pytest.raises(ValueError, match="multiple of 16"):
        z.BufferWithSegments(b"abc", b"x" * 15)
    for pairs in ([(1, 3)], [(0, 4)], [(4, 0)], [(0, 1), (2, 2)], [(3, 1)]):
        with pytest.raises(ValueError):
            z.BufferWithSegments(b"abc", segs(*pairs))


def test_buffer_with_segments_indexing(z):
    b = z.BufferWithSegments(b"abcdef", segs((0, 2), (2, 4)))
    for i in (2, 3, -3, -100):
        with pytest.raises(IndexError):
            b[i]
    with pytest.raises(TypeError):
        b[0:1]
    with pytest.raises(TypeError):
        b["0"]
    with pytest.raises((IndexError, OverflowError)):
        b[2**70]
    with pytest.raises(AttributeError):
        b.size = 3
    with pytest.raises(AttributeError):
        b[0].offset = 1
    with pytest.raises(TypeError):
        len(b.segments())


def test_segment_keeps_its_parent_alive(z):
    data = bytearray(b"hello, world")
    seg = z.BufferWithSegments(data, segs((7, 5)))[0]
    gc.collect()
    assert seg.tobytes() == b"world"
    with pytest.raises(BufferError):  # the parent's data is still exported
        data.append(0)
    view = memoryview(z.BufferWithSegments(b"abc", segs((0, 3))).segments())
    gc.collect()
    assert view.tobytes() == segs((0, 3))


def test_collection(z):
    a = z.BufferWithSegments(b"abcdef", segs((0, 2), (2, 4)))
    b = z.BufferWithSegments(b"xyz", segs((0, 3)))
    c = z.BufferWithSegmentsCollection(a, b)
    assert len(c) == 3 and c.size() == 9
    assert [s.tobytes() for s in c] == [b"ab", b"cdef", b"xyz"]
    assert c[2].tobytes() == b"xyz" and c[-1].tobytes() == b"xyz" and c[-3].tobytes() == b"ab"
    assert isinstance(c[0], z.BufferSegment)
    for i in (3, -4):
        with pytest.raises(IndexError):
            c[i]
    with pytest.raises(TypeError):
        c[0:1]
    with pytest.raises(TypeError):
        memoryview(c)
    assert len(z.BufferWithSegmentsCollection(b, b, b)) == 3
    overlapping = z.BufferWithSegments(b"abcd", segs((0, 4), (1, 3), (0, 4)))
    assert z.BufferWithSegmentsCollection(overlapping).size() == 11


def test_collection_arguments(z):
    good = z.BufferWithSegments(b"ab", segs((0, 2)))
    with pytest.raises(ValueError):
        z.BufferWithSegmentsCollection()
    for bad in (b"ab", [good], None):
        with pytest.raises(TypeError):
            z.BufferWithSegmentsCollection(good, bad)
    for empty in (z.BufferWithSegments(b"", b""), z.BufferWithSegments(b"ab", b"")):
        with pytest.raises(ValueError):
            z.BufferWithSegmentsCollection(good, empty)


def test_types_are_final(z):
    for cls in (z.BufferWithSegments, z.BufferSegment, z.BufferSegments,
                z.BufferWithSegmentsCollection):
        with pytest.raises(TypeError):
            type("Sub", (cls,), {})


# ---- hostile segments, stdcompress only (the peer reads out of bounds: zstd_peer_crashes.py)

@pytest.mark.parametrize("pair", [
    (U64 - 2, 3),          # offset + length wraps to 1: the peer accepts it and reads 2**64-2
    (U64 - 2**40, 2**40 + 1),
    (1, U64 - 1),          # wraps to 0
    (U64 - 1, 1),
    (2**63, 2**63),        # wraps to 0
    (5, 0),                # empty, but past the end
    (U64 - 1, 0),
])
def test_wrapping_segments_are_value_errors(sz, pair):
    with pytest.raises(ValueError, match="outside"):
        sz.BufferWithSegments(b"abcd", segs((0, 1), pair))


def test_segments_are_copied_then_validated(sz):
    raw = bytearray(segs((0, 2)))
    b = sz.BufferWithSegments(b"abcd", raw)
    raw[:16] = segs((U64 - 2, 3))  # changing the caller's array changes nothing
    assert b[0].tobytes() == b"ab" and bytes(b.segments()) == segs((0, 2))
    unaligned = memoryview(b"\0" + segs((1, 3)))[1:]
    assert sz.BufferWithSegments(b"abcd", unaligned)[0].tobytes() == b"bcd"


def test_helper_types_cannot_be_created_empty(sz):
    # the peer makes objects pointing at NULL here; these are TypeError
    for cls in (sz.BufferSegment, sz.BufferSegments):
        with pytest.raises(TypeError):
            cls()


def test_collection_rejects_keywords(sz):
    with pytest.raises(TypeError):
        sz.BufferWithSegmentsCollection(sz.BufferWithSegments(b"a", segs((0, 1))), x=1)


def test_no_reference_or_memory_leaks(sz):
    data = bytes(range(256)) * 64
    pairs = segs(*[(i * 64, 64) for i in range(256)])
    refs_before = sys.getrefcount(data), sys.getrefcount(pairs)

    def work():
        b = sz.BufferWithSegments(data, pairs)
        c = sz.BufferWithSegmentsCollection(b, b)
        for i in (0, 100, 511, -1):
            s = c[i]
            memoryview(s).tobytes()
            s.tobytes()
        memoryview(b.segments()).tobytes()
        b.tobytes()
        c.size()
        for bad in ((data, pairs[:-1]), (data, segs((U64 - 1, 2))), ("x", pairs)):
            try:
                sz.BufferWithSegments(*bad)
            except (ValueError, TypeError):
                pass
        try:
            sz.BufferWithSegmentsCollection(b, b"x")
        except TypeError:
            pass
        stdcompress.zstd._multi.gather([data, b"xy", bytearray(3)])
        stdcompress.zstd._multi.gather(c)
        try:
            stdcompress.zstd._multi.gather([b"ok", "not a buffer"])
        except TypeError:
            pass

    for _ in range(50):
        work()
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for _ in range(2000):
            work()
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    assert grown < 64 * 1024, grown
    assert (sys.getrefcount(data), sys.getrefcount(pairs)) == refs_before


def test_gather(sz):
    gather = stdcompress.zstd._multi.gather
    b = sz.BufferWithSegments(b"abcdef", segs((0, 2), (2, 4)))
    data, s, n = gather(b)
    assert data is b and bytes(s) == segs((0, 2), (2, 4)) and n == 2  # no copy
    assert gather(sz.BufferWithSegmentsCollection(b))[0] is b
    data, s, n = gather(sz.BufferWithSegmentsCollection(b, sz.BufferWithSegments(b"xyz",
                                                                                 segs((1, 2)))))
    assert (bytes(data), bytes(s), n) == (b"abcdefxyz", segs((0, 2), (2, 4), (7, 2)), 3)
    data, s, n = gather([b"ab", bytearray(b""), memoryview(b"cde"), array.array("B", b"f")])
    assert (data, s, n) == (b"abcdef", segs((0, 2), (2, 0), (2, 3), (5, 1)), 4)
    assert gather([]) == (b"", b"", 0)
    with pytest.raises(TypeError, match="item 1"):
        gather([b"ok", "text"])
    for bad in ((b"a",), b"abc", None, 3):
        with pytest.raises(TypeError):
            gather(bad)


# ---- one-shot compression and decompression ----

PLAIN = [SAMPLES[k] for k in ("empty", "ascii", "all_bytes", "repetitive", "text", "random")]


def test_one_shot_round_trip_and_interop(z):
    for level in (1, 3, 19, -5):
        c = z.ZstdCompressor(level=level)
        for data in PLAIN:
            frame = c.compress(data)
            assert frame.startswith(zstandard.FRAME_HEADER)
            assert z.ZstdDecompressor().decompress(frame) == data
            assert zstandard.ZstdDecompressor().decompress(frame) == data
            assert szstd.ZstdDecompressor().decompress(frame) == data
            assert zstandard.get_frame_parameters(frame).content_size == len(data)


def test_one_shot_inputs(z):
    c, d = z.ZstdCompressor(), z.ZstdDecompressor()
    for data in (bytearray(TEXT), memoryview(TEXT), array.array("B", TEXT)):
        assert d.decompress(c.compress(data)) == TEXT
        assert d.decompress(bytearray(c.compress(data))) == TEXT
    with pytest.raises(TypeError):
        c.compress("text")
    with pytest.raises(TypeError):
        d.decompress("text")


def test_one_shot_decompress_semantics(z):
    d = z.ZstdDecompressor()
    f1, f2 = zstandard.ZstdCompressor().compress(b"one" * 20), zstandard.ZstdCompressor().compress(b"two")
    assert d.decompress(f1 + f2) == b"one" * 20  # the first frame only
    assert d.decompress(f1 + b"trailing junk") == b"one" * 20
    with pytest.raises(z.ZstdError):
        d.decompress(f1 + f2, allow_extra_data=False)
    assert d.decompress(f1, allow_extra_data=False) == b"one" * 20
    for bad in (b"", b"not a frame at all", f1[:3]):
        with pytest.raises(z.ZstdError):
            d.decompress(bad)
    for cut in (1, 5, len(f1) - 6):
        with pytest.raises(z.ZstdError):
            d.decompress(f1[:-cut])
    corrupt = bytearray(zstandard.ZstdCompressor(write_checksum=True).compress(TEXT))
    corrupt[-2] ^= 1
    with pytest.raises(z.ZstdError):
        d.decompress(bytes(corrupt))


def test_one_shot_frame_without_content_size(z):
    o = zstandard.ZstdCompressor(write_content_size=False).compressobj()
    frame = o.compress(TEXT) + o.flush()
    assert zstandard.get_frame_parameters(frame).content_size == zstandard.CONTENTSIZE_UNKNOWN
    d = z.ZstdDecompressor()
    with pytest.raises(z.ZstdError):
        d.decompress(frame)
    assert d.decompress(frame, max_output_size=len(TEXT)) == TEXT
    assert d.decompress(frame, max_output_size=len(TEXT) + 100) == TEXT
    with pytest.raises(z.ZstdError):
        d.decompress(frame, max_output_size=len(TEXT) - 1)


def test_level_arguments(z):
    with pytest.raises(ValueError):
        z.ZstdCompressor(level=23)
    for bad in ("3", 3.0, None):
        with pytest.raises(TypeError):
            z.ZstdCompressor(level=bad)
    zero = z.ZstdCompressor(level=0).compress(TEXT)
    assert zero == z.ZstdCompressor(level=3).compress(TEXT)
    assert zstandard.ZstdDecompressor().decompress(z.ZstdCompressor(level=-10**6).compress(TEXT)) == TEXT
    with pytest.raises(TypeError):
        z.ZstdCompressor(no_such_argument=1)


def test_our_frames_carry_a_checksum(sz):
    frame = sz.ZstdCompressor().compress(TEXT)
    params = zstandard.get_frame_parameters(frame)
    assert params.has_checksum and params.content_size == len(TEXT)
    assert frame == stdcompress.zstd_compress(TEXT)


def test_accepted_arguments(sz):
    for kw in ({"write_checksum": True}, {"write_content_size": True}, {"write_dict_id": True},
               {"threads": -1}, {"threads": 4}):
        assert zstandard.ZstdDecompressor().decompress(sz.ZstdCompressor(**kw).compress(TEXT)) == TEXT


@pytest.mark.parametrize("kw", [{"write_checksum": False}, {"write_content_size": False},
                                {"write_dict_id": False}, {"compression_params": object()}])
def test_unsupported_compressor_arguments_are_refused(sz, kw):
    with pytest.raises(ValueError, match="not supported"):
        sz.ZstdCompressor(**kw)


@pytest.mark.parametrize("kw", [{"max_window_size": 1 << 20},
                                {"format": szstd.FORMAT_ZSTD1_MAGICLESS}])
def test_unsupported_decompressor_arguments_are_refused(sz, kw):
    with pytest.raises(ValueError, match="supported"):
        sz.ZstdDecompressor(**kw)


def test_stream_methods_say_where_streams_are(sz):
    for obj, name in ((sz.ZstdCompressor(), "stream_writer"), (sz.ZstdDecompressor(), "stream_reader")):
        with pytest.raises(AttributeError, match="stdcompress.Compressor"):
            getattr(obj, name)


def test_c_side_failures_are_zstd_errors_with_codes(sz):
    with pytest.raises(sz.ZstdError) as info:
        sz.ZstdDecompressor().decompress(zstandard.ZstdCompressor().compress(TEXT)[:-4])
    assert isinstance(info.value, stdcompress.LibzstdError)
    assert isinstance(info.value, stdcompress.DataError) and info.value.code == "LIBZSTD-FAIL"
    big = pseudo_random(stdcompress.limits()["max_string"] + 1)
    with pytest.raises(sz.ZstdError):
        sz.ZstdCompressor().compress(big)


# ---- dictionaries: the parts that need no C side ----

def test_dictionary_object(z):
    content = b"raw content dictionary " * 20
    d = z.ZstdCompressionDict(content)
    assert len(d) == len(content) and d.as_bytes() == content and (d.k, d.d) == (0, 0)
    assert z.ZstdCompressionDict(bytearray(content)).as_bytes() == content
    with pytest.raises(TypeError):
        z.ZstdCompressionDict("text")
    with pytest.raises(ValueError):
        z.ZstdCompressionDict(content, dict_type=5)
    with pytest.raises(ValueError):
        d.precompute_compress()
    d.precompute_compress(level=3)
    with pytest.raises(TypeError):
        z.ZstdCompressor(dict_data=content)
    with pytest.raises(TypeError):
        z.ZstdDecompressor(dict_data=content)


def test_train_dictionary_arguments(z):
    with pytest.raises(TypeError):
        z.train_dictionary(4096, (b"a", b"b"))
    for bad in ("text", bytearray(b"x")):
        with pytest.raises(ValueError):
            z.train_dictionary(4096, [b"sample"] * 100 + [bad])
