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
from samples import SAMPLES, TEXT, pseudo_random, run_threads

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


def test_frames_are_zstandards(sz):
    """The frame options as zstandard's: the same bytes for the same settings; without
    options no checksum (zstandard's default), with write_checksum=True what zstdCompress
    (and zstd(1)) writes."""
    for kw in ({}, {"write_checksum": True}, {"write_content_size": False},
               {"write_dict_id": False}, {"write_checksum": True, "write_content_size": False}):
        for data in PLAIN:
            assert sz.ZstdCompressor(**kw).compress(data) == \
                zstandard.ZstdCompressor(**kw).compress(data), (kw, len(data))
    params = zstandard.get_frame_parameters(sz.ZstdCompressor().compress(TEXT))
    assert not params.has_checksum and params.content_size == len(TEXT)
    assert sz.ZstdCompressor(write_checksum=True).compress(TEXT) == stdcompress.zstd_compress(TEXT)


def test_accepted_arguments(sz):
    for kw in ({"write_checksum": True}, {"write_content_size": True}, {"write_dict_id": True},
               {"threads": -1}, {"threads": 4}):
        assert zstandard.ZstdDecompressor().decompress(sz.ZstdCompressor(**kw).compress(TEXT)) == TEXT


def test_unsupported_compressor_arguments_are_refused(sz):
    with pytest.raises(ValueError, match="not supported"):
        sz.ZstdCompressor(compression_params=object())


@pytest.mark.parametrize("kw", [{"max_window_size": 1 << 20},
                                {"format": szstd.FORMAT_ZSTD1_MAGICLESS}])
def test_unsupported_decompressor_arguments_are_refused(sz, kw):
    with pytest.raises(ValueError, match="supported"):
        sz.ZstdDecompressor(**kw)


def test_methods_not_provided_say_so(sz):
    for obj, name in ((sz.ZstdCompressor(), "chunker"), (sz.ZstdCompressor(), "copy_stream"),
                      (sz.ZstdDecompressor(), "decompress_content_dict_chain")):
        with pytest.raises(AttributeError, match="not provided"):
            getattr(obj, name)


def test_c_side_failures_are_zstd_errors_with_codes(sz):
    with pytest.raises(sz.ZstdError) as info:
        sz.ZstdDecompressor().decompress(zstandard.ZstdCompressor().compress(TEXT)[:-4])
    assert isinstance(info.value, stdcompress.LibzstdError)
    assert isinstance(info.value, stdcompress.DataError) and info.value.code == "LIBZSTD-FAIL"
    big = pseudo_random(stdcompress.limits()["max_string"] + 1)  # one-shot beyond one M string
    assert zstandard.ZstdDecompressor().decompress(sz.ZstdCompressor().compress(big)) == big
    assert sz.ZstdDecompressor().decompress(zstandard.ZstdCompressor().compress(big)) == big


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
    with pytest.raises(z.ZstdError):  # too few samples to train on
        z.train_dictionary(4096, [b"x", b"y", b"z"])


# ---- dictionaries through the C side ----

def _records(n: int, seed: int = 7) -> list[bytes]:
    """JSON-ish records sharing field names and vocabulary (what dictionaries are for)."""
    import random
    rnd = random.Random(seed)
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    return [(f'{{"id": {i}, "name": "{rnd.choice(words)} {rnd.choice(words)}", '
             f'"tags": ["{rnd.choice(words)}", "{rnd.choice(words)}"], '
             f'"score": {rnd.randint(0, 10**6)}, "active": {rnd.choice(["true", "false"])}}}'
             ).encode() for i in range(n)]


RECORDS = _records(3000)


@pytest.fixture(scope="module")
def trained():
    """One dictionary per backend, trained on the same samples."""
    return {name: mod.train_dictionary(8192, RECORDS) for name, mod in BACKENDS.items()}


def test_train_dictionary(z, trained):
    d = trained["stdcompress" if z is szstd else "zstandard"]
    assert isinstance(d, z.ZstdCompressionDict)
    assert 0 < len(d) <= 8192 and d.dict_id() != 0
    assert d.as_bytes()[:4] == b"\x37\xa4\x30\xec"
    assert z.ZstdCompressionDict(d.as_bytes()).dict_id() == d.dict_id()
    assert zstandard.ZstdCompressionDict(d.as_bytes()).dict_id() == d.dict_id()
    fixed = z.train_dictionary(4096, RECORDS, dict_id=12345, k=64, d=8, steps=1)
    assert fixed.dict_id() == 12345 and (fixed.k, fixed.d) == (64, 8)


def test_dictionary_round_trips_and_interop(z, trained):
    for name, d in trained.items():
        content = d.as_bytes()
        ours, theirs = szstd.ZstdCompressionDict(content), zstandard.ZstdCompressionDict(content)
        mine = z.ZstdCompressionDict(content)
        c, dec = z.ZstdCompressor(level=3, dict_data=mine), z.ZstdDecompressor(dict_data=mine)
        for rec in RECORDS[:50]:
            frame = c.compress(rec)
            assert zstandard.get_frame_parameters(frame).dict_id == mine.dict_id()
            assert dec.decompress(frame) == rec
            assert zstandard.ZstdDecompressor(dict_data=theirs).decompress(frame) == rec
            assert szstd.ZstdDecompressor(dict_data=ours).decompress(frame) == rec
        with pytest.raises(z.ZstdError):  # a frame that needs the dictionary, without it
            z.ZstdDecompressor().decompress(c.compress(RECORDS[0]))
        batch = c.multi_compress_to_buffer(RECORDS[:500], threads=2)
        assert [bytes(x) for x in dec.multi_decompress_to_buffer(batch, threads=2)] == RECORDS[:500]
        assert all(zstandard.ZstdDecompressor(dict_data=theirs).decompress(x) == r
                   for x, r in zip(batch, RECORDS[:500]))
        with pytest.raises(z.ZstdError, match="item 0"):
            z.ZstdDecompressor().multi_decompress_to_buffer(batch)


def test_dictionary_shrinks_small_records(sz, trained):
    plain = sz.ZstdCompressor().multi_compress_to_buffer(RECORDS).size()
    with_dict = sz.ZstdCompressor(dict_data=trained["stdcompress"]).multi_compress_to_buffer(
        RECORDS).size()
    assert with_dict * 2 < plain, (plain, with_dict)


def test_raw_content_dictionary(z):
    content = b"the quick brown fox jumps over the lazy dog; " * 30
    raw = z.ZstdCompressionDict(content)
    assert raw.dict_id() == 0
    c, d = z.ZstdCompressor(dict_data=raw), z.ZstdDecompressor(dict_data=raw)
    text = b"the lazy dog jumps over the quick brown fox"
    frame = c.compress(text)
    assert d.decompress(frame) == text
    assert zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(content)).decompress(frame) == text
    assert len(frame) < len(zstandard.ZstdCompressor().compress(text))


def test_dictionary_types_we_refuse(sz, trained):
    full = trained["stdcompress"].as_bytes()
    with pytest.raises(ValueError, match="not supported"):
        sz.ZstdCompressionDict(full, dict_type=sz.DICT_TYPE_RAWCONTENT)
    with pytest.raises(ValueError, match="not a zstd dictionary"):
        sz.ZstdCompressionDict(b"raw bytes", dict_type=sz.DICT_TYPE_FULLDICT)
    assert sz.ZstdCompressionDict(full, dict_type=sz.DICT_TYPE_FULLDICT).dict_id() != 0
    assert sz.ZstdCompressionDict(b"raw", dict_type=sz.DICT_TYPE_RAWCONTENT).dict_id() == 0
    for kw in ({"f": 20}, {"accel": 2}, {"split_point": 0.5}, {"notifications": 1}):
        with pytest.raises(ValueError, match="not supported"):
            sz.train_dictionary(4096, RECORDS, **kw)


# ---- batch calls ----

ITEMS = [b"", b"a", TEXT[:1000], SAMPLES["random"], SAMPLES["repetitive"]] + RECORDS[:300]


def _decoded(collection):
    return [x.tobytes() for x in collection]


def test_multi_compress_inputs_and_result(z):
    c = z.ZstdCompressor(level=5)
    data, pairs = pack(ITEMS[1:])
    bws = z.BufferWithSegments(data, pairs)
    coll = z.BufferWithSegmentsCollection(z.BufferWithSegments(*pack(ITEMS[1:4])),
                                          z.BufferWithSegments(*pack(ITEMS[4:])))
    for source in (ITEMS[1:], bws, coll, [bytearray(x) for x in ITEMS[1:]],
                   [memoryview(x) for x in ITEMS[1:]]):
        result = c.multi_compress_to_buffer(source)
        assert isinstance(result, z.BufferWithSegmentsCollection)
        assert len(result) == len(ITEMS) - 1
        assert result.size() == sum(len(x) for x in result)
        for frame, item in zip(result, ITEMS[1:]):
            assert isinstance(frame, z.BufferSegment)
            assert zstandard.ZstdDecompressor().decompress(frame) == item
            assert szstd.ZstdDecompressor().decompress(frame) == item
            assert zstandard.get_frame_parameters(frame).content_size == len(item)


def test_multi_compress_threads_give_the_same_frames(z):
    c = z.ZstdCompressor()
    outputs = [_decoded(c.multi_compress_to_buffer(ITEMS[1:], threads=t)) for t in (0, 1, 2, -1)]
    assert all(o == outputs[0] for o in outputs)


def test_multi_compress_argument_errors(z):
    c = z.ZstdCompressor()
    with pytest.raises(ValueError, match="no source elements found"):
        c.multi_compress_to_buffer([])
    with pytest.raises(ValueError, match="source elements are empty"):
        c.multi_compress_to_buffer([b"", b"", b""])
    with pytest.raises(ValueError, match="source elements are empty"):
        c.multi_compress_to_buffer(z.BufferWithSegments(b"abc", segs((0, 0), (3, 0))))
    assert len(c.multi_compress_to_buffer([b"", b"x", b""])) == 3
    with pytest.raises(TypeError, match="item 1 not a bytes like object"):
        c.multi_compress_to_buffer([b"ok", "text"])
    for bad in ((b"a", b"b"), b"abc", 3, None):
        with pytest.raises(TypeError):
            c.multi_compress_to_buffer(bad)
    with pytest.raises(TypeError):
        c.multi_compress_to_buffer([b"ok", "text"])
    with pytest.raises(TypeError):
        c.multi_compress_to_buffer([b"ok"], threads="2")


def _frames(items, backend=zstandard):
    return [backend.ZstdCompressor().compress(x) for x in items]


def test_multi_decompress_inputs(z):
    d = z.ZstdDecompressor()
    items = ITEMS[1:]
    frames = _frames(items)
    data, pairs = pack(frames)
    bws = z.BufferWithSegments(data, pairs)
    coll = z.BufferWithSegmentsCollection(z.BufferWithSegments(*pack(frames[:7])),
                                          z.BufferWithSegments(*pack(frames[7:])))
    for source in (frames, bws, coll, [bytearray(f) for f in frames]):
        for threads in (0, 2, -1):
            result = d.multi_decompress_to_buffer(source, threads=threads)
            assert isinstance(result, z.BufferWithSegmentsCollection)
            assert _decoded(result) == items
            assert result.size() == sum(map(len, items))


def test_multi_decompress_interop(z):
    for producer in (zstandard, szstd):
        batch = producer.ZstdCompressor().multi_compress_to_buffer(ITEMS[1:])
        frames = [bytes(f) for f in batch]
        assert _decoded(z.ZstdDecompressor().multi_decompress_to_buffer(frames)) == ITEMS[1:]


def test_multi_decompress_sizes(z):
    d = z.ZstdDecompressor()
    items = ITEMS[1:20]
    frames = _frames(items)
    sizes = struct.pack(f"={len(items)}Q", *map(len, items))
    for source in (frames, z.BufferWithSegments(*pack(frames))):
        assert _decoded(d.multi_decompress_to_buffer(source, decompressed_sizes=sizes)) == items
        zeros = bytes(8 * len(items))  # 0 = read it from the frame
        assert _decoded(d.multi_decompress_to_buffer(source, decompressed_sizes=zeros)) == items
        with pytest.raises(ValueError):  # one size too few
            d.multi_decompress_to_buffer(source, decompressed_sizes=sizes[:-8])
        wrong = bytearray(sizes)
        wrong[8 * 3:8 * 4] = struct.pack("=Q", len(items[3]) + 1)
        with pytest.raises(z.ZstdError, match="item 3"):
            d.multi_decompress_to_buffer(source, decompressed_sizes=bytes(wrong))
        wrong[8 * 3:8 * 4] = struct.pack("=Q", len(items[3]) - 1)
        with pytest.raises(z.ZstdError, match="item 3"):
            d.multi_decompress_to_buffer(source, decompressed_sizes=bytes(wrong))
    with pytest.raises(TypeError):
        d.multi_decompress_to_buffer(frames, decompressed_sizes="x" * 8 * len(items))


def test_multi_decompress_frames_without_content_size(z):
    o = zstandard.ZstdCompressor(write_content_size=False).compressobj()
    unsized = o.compress(TEXT) + o.flush()
    frames = _frames([b"abc"]) + [unsized]
    d = z.ZstdDecompressor()
    with pytest.raises(ValueError, match="item 1"):
        d.multi_decompress_to_buffer(frames)
    sizes = struct.pack("=2Q", 0, len(TEXT))
    assert _decoded(d.multi_decompress_to_buffer(frames, decompressed_sizes=sizes)) == [b"abc", TEXT]


def test_multi_decompress_corrupt_item_is_named(z):
    frames = _frames(ITEMS[1:10])
    bad = bytearray(zstandard.ZstdCompressor(write_checksum=True).compress(TEXT))
    bad[-6] ^= 0x55
    frames[6] = bytes(bad)
    with pytest.raises(z.ZstdError, match="item 6"):
        z.ZstdDecompressor().multi_decompress_to_buffer(frames)


def test_multi_decompress_argument_errors(z):
    d = z.ZstdDecompressor()
    for bad in ((b"a",), b"abc", 3, None):
        with pytest.raises(TypeError):
            d.multi_decompress_to_buffer(bad)
    with pytest.raises(TypeError):
        d.multi_decompress_to_buffer(["text"])


def test_results_keep_their_memory(z):
    result = z.ZstdCompressor().multi_compress_to_buffer(ITEMS[1:])
    first = result[0]
    del result
    gc.collect()
    assert zstandard.ZstdDecompressor().decompress(first) == ITEMS[1]


# ---- where the peer crashes or reads out of bounds: clean exceptions here (stdcompress only;
# tests/zstd_peer_crashes.py shows the peer's behaviour in subprocesses) ----

def test_empty_list_is_a_value_error(sz):
    # zstandard: SIGFPE (division by zero threads), upstream issue 335
    with pytest.raises(ValueError, match="empty"):
        sz.ZstdDecompressor().multi_decompress_to_buffer([])
    with pytest.raises(ValueError):
        sz.ZstdCompressor().multi_compress_to_buffer([])


def test_empty_frames_decompress_to_empty_items(sz):
    # zstandard: a frame of empty content in the list corrupts the heap (double free)
    empty = zstandard.ZstdCompressor().compress(b"")
    d = sz.ZstdDecompressor()
    assert _decoded(d.multi_decompress_to_buffer([empty])) == [b""]
    assert _decoded(d.multi_decompress_to_buffer([empty, empty, empty])) == [b""] * 3
    mixed = [empty, _frames([b"abc"])[0], empty, _frames([TEXT])[0], empty]
    assert _decoded(d.multi_decompress_to_buffer(mixed)) == [b"", b"abc", b"", TEXT, b""]
    assert _decoded(d.multi_decompress_to_buffer(mixed, threads=2)) == [b"", b"abc", b"", TEXT, b""]
    ours = stdcompress.multi_compress("zstd", [b"", b"", b""])
    assert _decoded(d.multi_decompress_to_buffer(ours)) == [b"", b"", b""]
    result = d.multi_decompress_to_buffer([empty])
    assert len(result) == 1 and result.size() == 0 and len(result[0]) == 0
    with pytest.raises(sz.ZstdError, match="item 0"):
        d.multi_decompress_to_buffer([empty], decompressed_sizes=struct.pack("=Q", 5))


@pytest.mark.parametrize("pair", [(U64 - 2, 3), (U64 - 2**40, 2**40 + 1), (2**63, 2**63),
                                  (1, U64 - 1)])
def test_wrapping_segments_of_a_peer_buffer_are_value_errors(sz, pair):
    # zstandard's own BufferWithSegments accepts these pairs (its check wraps around) and its
    # multi_decompress_to_buffer then reads 2**64 - 2 bytes past its data (SIGSEGV). Handing
    # such an object to stdcompress only passes its data and pairs: the C side refuses them.
    # (Constructing it is safe: nothing reads through the pairs until they are used.)
    frame = _frames([b"abc"])[0]
    peer = zstandard.BufferWithSegments(frame, segs((0, len(frame)), pair))
    with pytest.raises(ValueError, match="item 1"):
        sz.ZstdDecompressor().multi_decompress_to_buffer(peer)
    with pytest.raises(ValueError, match="item 1"):
        sz.ZstdCompressor().multi_compress_to_buffer(peer)
    with pytest.raises(ValueError, match="outside"):  # and ours cannot be built with them
        sz.BufferWithSegments(frame, segs((0, len(frame)), pair))


def test_decompressed_sizes_with_a_collection(sz):
    # zstandard compares the byte length of decompressed_sizes with the number of frames for
    # a collection, refusing the right length and then reading 8 bytes per frame from a
    # buffer of one byte per frame (out of bounds)
    items = ITEMS[1:12]
    frames = _frames(items)
    coll = sz.BufferWithSegmentsCollection(sz.BufferWithSegments(*pack(frames[:4])),
                                           sz.BufferWithSegments(*pack(frames[4:])))
    d = sz.ZstdDecompressor()
    sizes = struct.pack(f"={len(items)}Q", *map(len, items))
    assert _decoded(d.multi_decompress_to_buffer(coll, decompressed_sizes=sizes)) == items
    for wrong in (bytes(len(items)), sizes[:-8], sizes + bytes(8), b""):
        with pytest.raises(ValueError, match="size mismatch"):
            d.multi_decompress_to_buffer(coll, decompressed_sizes=wrong)


def test_decompressed_sizes_must_match_every_input_type(sz):
    frames = _frames(ITEMS[1:5])
    for source in (frames, sz.BufferWithSegments(*pack(frames)),
                   sz.BufferWithSegmentsCollection(sz.BufferWithSegments(*pack(frames)))):
        with pytest.raises(ValueError, match="size mismatch"):
            sz.ZstdDecompressor().multi_decompress_to_buffer(source, decompressed_sizes=bytes(4))


def test_batches_larger_than_one_call(sz):
    # more than 1 MiB in and out: the bridge splits the work into several C calls; the
    # collection spans their outputs in item order
    items = [pseudo_random(40000, seed=b"%d" % i) for i in range(60)]
    frames = sz.ZstdCompressor().multi_compress_to_buffer(items, threads=2)
    assert len(frames) == 60 and frames.size() > 2 * 2**20
    assert all(zstandard.ZstdDecompressor().decompress(f) == x for f, x in zip(frames, items))
    back = sz.ZstdDecompressor().multi_decompress_to_buffer(frames, threads=-1)
    assert _decoded(back) == items


def test_item_over_the_limit(sz):
    """Items of any size (docs/any-size.md): those over 1 MiB are done alone; a dictionary's
    samples stay at most 1 MiB each."""
    big = pseudo_random(stdcompress.limits()["max_string"] + 1)
    frames = sz.ZstdCompressor().multi_compress_to_buffer([b"small", big])
    assert [zstandard.ZstdDecompressor().decompress(f.tobytes()) for f in frames] == [b"small",
                                                                                     big]
    with pytest.raises(sz.ZstdError, match="item 2"):  # not a frame: named as ever
        sz.ZstdDecompressor().multi_decompress_to_buffer([b"", b"", big])
    with pytest.raises(ValueError, match="sample 1 is 1048577 bytes"):
        sz.train_dictionary(4096, [b"small", big])
    incompressible = [pseudo_random(2**20, b"a")]  # its frame is over 1 MiB
    frames = sz.ZstdCompressor().multi_compress_to_buffer(incompressible)
    assert zstandard.ZstdDecompressor().decompress(frames[0].tobytes()) == incompressible[0]
    bomb = zstandard.ZstdCompressor().compress(bytes(3 * 2**20))
    out = sz.ZstdDecompressor().multi_decompress_to_buffer([_frames([b"x"])[0], bomb])
    assert [x.tobytes() for x in out] == [b"x", bytes(3 * 2**20)]


def test_garbage_and_truncated_frames(sz):
    good = _frames([TEXT])[0]
    for bad in (b"not a frame", good[:-5], good[:8], b"\x28\xb5\x2f\xfd"):
        with pytest.raises((ValueError, sz.ZstdError), match="item 1"):
            sz.ZstdDecompressor().multi_decompress_to_buffer([good, bad, good])


def test_dictionary_frame_without_content_size(sz, trained):
    content = trained["zstandard"].as_bytes()
    o = zstandard.ZstdCompressor(dict_data=zstandard.ZstdCompressionDict(content),
                                 write_content_size=False).compressobj()
    frame = o.compress(RECORDS[0]) + o.flush()
    d = sz.ZstdDecompressor(dict_data=sz.ZstdCompressionDict(content))
    assert d.decompress(frame, max_output_size=10000) == RECORDS[0]
    with pytest.raises(sz.ZstdError, match="content size"):
        d.decompress(frame)
    with pytest.raises(sz.ZstdError):
        d.decompress(frame, max_output_size=len(RECORDS[0]) - 1)
    sized = zstandard.ZstdCompressor(dict_data=zstandard.ZstdCompressionDict(content)).compress(
        RECORDS[0])
    assert d.decompress(sized + sized, read_across_frames=True) == RECORDS[0] * 2
    assert d.decompress(sized + b"junk") == RECORDS[0]
    with pytest.raises(sz.ZstdError):
        d.decompress(sized + b"junk", allow_extra_data=False)


def test_read_across_frames(sz):
    # zstandard 0.25: "read_across_frames=True is not yet implemented"; here it works
    f1, f2 = zstandard.ZstdCompressor().compress(b"one"), zstandard.ZstdCompressor().compress(b"two")
    skippable = b"\x50\x2a\x4d\x18" + struct.pack("<I", 3) + b"xyz"
    d = sz.ZstdDecompressor()
    assert d.decompress(f1 + f2, read_across_frames=True) == b"onetwo"
    assert d.decompress(f1 + skippable + f2, read_across_frames=True) == b"onetwo"
    assert d.decompress(f1 + f2 + b"junk", read_across_frames=True) == b"onetwo"
    with pytest.raises(sz.ZstdError):
        d.decompress(f1 + f2 + b"junk", read_across_frames=True, allow_extra_data=False)


def test_batches_from_several_python_threads(sz, trained):
    d = trained["stdcompress"]
    frames = sz.ZstdCompressor(dict_data=d).multi_compress_to_buffer(RECORDS)
    results = []

    def work():
        for _ in range(5):
            out = sz.ZstdDecompressor(dict_data=d).multi_decompress_to_buffer(frames, threads=2)
            results.append(_decoded(out) == RECORDS)

    errors = run_threads(work, [()] * 4)
    assert not errors and results == [True] * 20


@pytest.mark.parametrize("size", [0, 1, 300, 200_000, 900_000])
@pytest.mark.parametrize("kw", [{}, {"write_checksum": True}, {"write_content_size": False},
                                {"write_checksum": True, "write_content_size": False},
                                {"level": 19}, {"level": -5}])
def test_first_frame_boundaries(z, size, kw):
    # decompress() reads the first frame and says how many bytes follow it: frames of every
    # header shape (checksum, content size, single segment, one or several blocks)
    plain = (TEXT * (size // len(TEXT) + 1))[:size // 2] + pseudo_random(size - size // 2)
    if kw.get("write_content_size") is False:
        o = zstandard.ZstdCompressor(**kw).compressobj()
        frame = o.compress(plain) + o.flush()
    else:
        frame = zstandard.ZstdCompressor(**kw).compress(plain)
    limit = {"max_output_size": size + 1} if kw.get("write_content_size") is False else {}
    d = z.ZstdDecompressor()
    assert d.decompress(frame + frame[:7], **limit) == plain
    if z is szstd or (size and not limit):
        # zstandard does not check trailing bytes after an empty frame or on its path for
        # frames without content size; stdcompress.zstd checks them for every frame
        with pytest.raises(z.ZstdError, match="7 bytes of unused data"):
            d.decompress(frame + frame[:7], allow_extra_data=False, **limit)


def test_messages_callers_match(z):
    # the words of zstandard's own tests, which code written for it may match too
    with pytest.raises(ValueError, match="offset within segments array references memory"):
        z.BufferWithSegments(b"foo", segs((0, 4)))
    with pytest.raises(ValueError, match="segments array size is not a multiple of 16"):
        z.BufferWithSegments(b"foo", b"\0\0")
    with pytest.raises(IndexError, match="offset must be non-negative"):
        z.BufferWithSegments(b"foo", segs((0, 3)))[-10]
    with pytest.raises(IndexError, match="offset must be less than 1"):
        z.BufferWithSegments(b"foo", segs((0, 3)))[2]
    with pytest.raises(ValueError, match="must pass at least 1 argument"):
        z.BufferWithSegmentsCollection()
    with pytest.raises(TypeError, match="arguments must be BufferWithSegments"):
        z.BufferWithSegmentsCollection(None)
    with pytest.raises(ValueError, match="ZstdBufferWithSegments cannot be empty"):
        z.BufferWithSegmentsCollection(z.BufferWithSegments(b"", b""))
    d = z.ZstdDecompressor()
    with pytest.raises(TypeError, match="item 0 not a bytes like object"):
        d.multi_decompress_to_buffer(["foo"])
    with pytest.raises(ValueError, match="could not determine decompressed size of item 0"):
        d.multi_decompress_to_buffer([b"foobarbaz"])
    frames = [zstandard.ZstdCompressor().compress(b"x" * 128),
              zstandard.ZstdCompressor().compress(b"y" * 128)]
    frames[1] = frames[1][0:15] + b"extra" + frames[1][15:]
    for threads in (0, 2):
        with pytest.raises(z.ZstdError, match="error decompressing item 1: Data corruption "
                                              "detected"):
            d.multi_decompress_to_buffer(frames, threads=threads)


def test_not_a_frame_is_both_value_error_and_zstd_error(sz):
    with pytest.raises(ValueError) as info:
        sz.ZstdDecompressor().multi_decompress_to_buffer([b"foobarbaz"])
    assert isinstance(info.value, sz.ZstdError) and isinstance(info.value, stdcompress.LibzstdError)
    assert info.value.code == "LIBZSTD-FAIL" and "not a zstd frame" in str(info.value)


def test_mutated_frames_give_data_or_zstd_error(sz):
    # the frame walk of decompress() (Python) and the decoder (C) on hostile bytes: a result
    # or ZstdError, never another exception; where zstandard decodes a frame to something,
    # so does this (the other way may differ: zstandard returns b"" for any header declaring
    # 0 bytes without decoding the rest, and its libzstd may be a newer one)
    import random
    rnd = random.Random(3)
    base = [zstandard.ZstdCompressor(level=lvl, write_checksum=cs).compress(p)
            for lvl in (1, 19) for cs in (False, True)
            for p in (b"", b"abc", b"hello world " * 300, bytes(range(256)) * 40)]
    d, peer = sz.ZstdDecompressor(), zstandard.ZstdDecompressor()
    for _ in range(1500):
        f = bytearray(rnd.choice(base))
        for _ in range(rnd.randint(1, 3)):
            op = rnd.random()
            if op < 0.5 and f:
                f[rnd.randrange(len(f))] = rnd.randrange(256)
            elif op < 0.75 and f:
                del f[rnd.randrange(len(f)):]
            else:
                f += bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 8)))
        f = bytes(f)
        try:
            ours = d.decompress(f)
        except sz.ZstdError:
            ours = None
        try:  # the peer allocates what a header declares: only sizes it can allocate
            declared = zstandard.frame_content_size(f)
            theirs = peer.decompress(f) if declared <= 2**21 else None
        except zstandard.ZstdError:
            theirs = None
        if theirs:
            assert ours == theirs, f.hex()


def test_random_hostile_pairs(sz):
    # pairs near 0, near the data size and near 2**64, in every mix: ours are built only when
    # every pair lies inside the data (checked here with Python's unbounded ints); a peer
    # buffer holding them (its check wraps) is refused by our batch calls, never read
    import random
    rnd = random.Random(11)
    frame = zstandard.ZstdCompressor().compress(b"payload" * 10)
    size = len(frame)
    picks = [0, 1, size - 1, size, size + 1, 2**32, 2**63, U64 - size, U64 - 2, U64 - 1]
    seen = {"inside": 0, "wrapped": 0}
    for _ in range(1500):
        pairs = [(rnd.choice(picks), rnd.choice(picks)) for _ in range(rnd.randint(1, 2))]
        inside = all(o + n <= size for o, n in pairs)
        try:
            b = sz.BufferWithSegments(frame, segs(*pairs))
        except ValueError:
            assert not inside
        else:
            assert inside and [s.tobytes() for s in b] == [frame[o:o + n] for o, n in pairs]
        wrapped_ok = all((o + n) % U64 <= size for o, n in pairs)
        seen["inside"] += inside
        if not inside and wrapped_ok:  # what the peer accepts and then reads out of bounds
            seen["wrapped"] += 1
            peer = zstandard.BufferWithSegments(frame, segs(*pairs))
            with pytest.raises(ValueError):
                sz.ZstdDecompressor().multi_decompress_to_buffer(peer)
            with pytest.raises(ValueError):
                sz.ZstdCompressor().multi_compress_to_buffer(peer)
    assert seen["inside"] > 50 and seen["wrapped"] > 50, seen


# ---- training on more samples than one C string holds (the trainer handle) ----

BIG_RECORDS = _records(54000, seed=3)  # over 5 MiB


@pytest.fixture(scope="module")
def big_trained():
    assert sum(map(len, BIG_RECORDS)) > 5 * 2**20
    return {name: mod.train_dictionary(65536, BIG_RECORDS) for name, mod in BACKENDS.items()}


def test_training_on_5_mib_gives_zstandards_dictionary(big_trained):
    ours, theirs = big_trained["stdcompress"], big_trained["zstandard"]
    assert ours.as_bytes() == theirs.as_bytes() and len(ours) == 65536
    assert ours.dict_id() == theirs.dict_id() != 0


@pytest.mark.parametrize("kw", [dict(k=200, d=8, steps=2, level=5, dict_id=99),
                                dict(d=6, threads=1, steps=3), dict(k=64, d=8)])
def test_training_parameters_give_zstandards_bytes(kw):
    samples = BIG_RECORDS[:15000]  # about 2 MiB: over one string
    assert sum(map(len, samples)) > 2**20
    ours = szstd.train_dictionary(16384, samples, **kw).as_bytes()
    assert ours == zstandard.train_dictionary(16384, samples, **kw).as_bytes()


def test_a_5_mib_dictionary_works_both_ways(big_trained):
    content = big_trained["stdcompress"].as_bytes()
    ours, theirs = szstd.ZstdCompressionDict(content), zstandard.ZstdCompressionDict(content)
    c, d = szstd.ZstdCompressor(level=3, dict_data=ours), szstd.ZstdDecompressor(dict_data=ours)
    tc, td = zstandard.ZstdCompressor(level=3, dict_data=theirs), \
        zstandard.ZstdDecompressor(dict_data=theirs)
    fresh = _records(200, seed=99)  # records not trained on
    for rec in fresh:
        frame = c.compress(rec)
        assert d.decompress(frame) == rec and td.decompress(frame) == rec
        assert d.decompress(tc.compress(rec)) == rec
    plain = sum(len(szstd.ZstdCompressor(level=3).compress(r)) for r in fresh)
    assert sum(len(c.compress(r)) for r in fresh) * 2 < plain


def test_trainer_misuse_through_the_runtime():
    from stdcompress import _bindings, _runtime
    rt = _runtime.default()
    h, _ = rt.call("zstdTrainerOpen", 0)
    assert h > 0
    try:
        assert rt.call("zstdTrainerAdd", h, b"x" * 2**20)[0] == 0
        assert rt.call("zstdTrainerAdd", h, b"abc", struct.pack("=QQ", 2, 2))[0] == -1
        assert rt.call("zstdTrainerAdd", h, b"abc", b"\0" * 15)[0] == -1
        assert "pairs of 16 bytes" in _bindings.last_failure()[1]
        with pytest.raises(stdcompress.errors.RuntimeCheckError):  # the M string limit
            rt.call("zstdTrainerAdd", h, b"x" * (2**20 + 1))
        ret, (info,) = rt.call("handleInfo", None, h)  # the failed adds added nothing
        assert ret == 0 and info == (b"kind=zstd dictionary trainer;samples=1;bytes=1048576;"
                                     b"max_total=4294967294;trained=0")
        ret, (out,) = rt.call("zstdTrainerTrain", h, None, 4096)
        assert ret == -5 and out == b""  # one sample: ZDICT refuses it (LIBZSTD-FAIL)
        assert rt.call("zstdTrainerTrain", h, None, 100)[0] == -1  # under ZDICT's 256
        assert rt.call("zstdTrainerTrain", h, None, 4096, 0, 7)[0] == -1  # d 7
    finally:
        assert rt.call("handleFree", h) == (0, [])
    assert rt.call("zstdTrainerAdd", h, b"x")[0] == -10  # freed: INVALID-HANDLE
    assert rt.call("zstdTrainerOpen", 2**32)[0] == -1
    hs, _ = rt.call("streamOpen", b"zstd", b"c")
    try:  # a handle of another kind
        assert rt.call("zstdTrainerAdd", hs, b"x")[0] == -10
    finally:
        rt.call("handleFree", hs)
    with pytest.raises(szstd.ZstdError):  # too few samples, through the public call
        szstd.train_dictionary(4096, [b"x"] * 3)
