"""Batch entries (multiCompress / multiDecompress) and zstd dictionaries through the binding
level (_batch) and the runtime layer: round trips of every codec, thread counts giving
identical bytes, splitting across calls, hostile segments, corrupt items named by index, and
every result checked by an independent decoder (zstandard, lz4.block, zlib)."""

import io
import lzma
import os
import signal
import struct
import time
import zlib

import lz4.block
import pytest
import zstandard

from stdcompress import _batch, _runtime, errors
from stdcompress._codecs import BATCHES
from samples import TEXT, pseudo_random, run_threads

pytestmark = pytest.mark.c_facing

CODECS = BATCHES
DECODE = {
    "zstd": lambda b, n: zstandard.ZstdDecompressor().decompress(b),
    "lz4": lambda b, n: lz4.block.decompress(b, uncompressed_size=n),
    "deflate": lambda b, n: zlib.decompress(b, -15),
    "zlib": lambda b, n: zlib.decompress(b),
    "gzip": lambda b, n: zlib.decompress(b, 31),
    "xz": lambda b, n: lzma.decompress(b),
}
ENCODE = {
    "zstd": lambda b: zstandard.ZstdCompressor(write_content_size=True).compress(b),
    "lz4": lambda b: lz4.block.compress(b, store_size=False),
    "deflate": lambda b: zlib.compress(b, wbits=-15),
    "zlib": lambda b: zlib.compress(b),
    "gzip": lambda b: zlib.compress(b, wbits=31),
    "xz": lambda b: lzma.compress(b),
}
FAIL = {"zstd": errors.LibzstdError, "lz4": errors.Liblz4Error, "deflate": errors.LibzError,
        "zlib": errors.LibzError, "gzip": errors.LibzError, "xz": errors.LiblzmaError}


def pack(items):
    """(data, segments) of items packed back to back."""
    segs, offset = bytearray(), 0
    for it in items:
        segs += struct.pack("=QQ", offset, len(it))
        offset += len(it)
    return b"".join(items), bytes(segs)


def pairs(*pairs_):
    return b"".join(struct.pack("=QQ", o, n) for o, n in pairs_)


def sizes_of(items):
    return b"".join(struct.pack("=Q", len(it)) for it in items)


def unpack(results):
    out = []
    for buf, segs in results:
        assert len(segs) % 16 == 0
        for j in range(len(segs) // 16):
            off, n = struct.unpack_from("=QQ", segs, 16 * j)
            assert off + n <= len(buf)
            out.append(buf[off:off + n])
    return out


# Real-looking records of varied size: lines of text, JSON-ish records, incompressible bytes,
# empty items among them.
ITEMS = [TEXT[i * 37 % 9000:i * 37 % 9000 + (i * 53) % 3000] for i in range(300)]
ITEMS += [b'{"id": %d, "name": "item %d", "tags": ["a", "b"]}' % (i, i) for i in range(200)]
ITEMS += [pseudo_random(700, b"r%d" % i) for i in range(20)] + [b"", b"x", b""]


@pytest.mark.parametrize("codec", CODECS)
def test_round_trip_checked_by_independent_decoder(codec):
    data, segs = pack(ITEMS)
    packed = _batch.compress(codec, data, segs, threads=2)
    frames = unpack(packed)
    assert len(frames) == len(ITEMS)
    for frame, item in zip(frames, ITEMS):
        assert DECODE[codec](frame, len(item)) == item
    cdata, csegs = pack(frames)
    back = unpack(_batch.decompress(codec, cdata, csegs, sizes=sizes_of(ITEMS), threads=2))
    assert back == ITEMS


@pytest.mark.parametrize("codec", CODECS)
def test_independent_encoder_decoded_here(codec):
    frames = [ENCODE[codec](it) for it in ITEMS]
    cdata, csegs = pack(frames)
    sizes = None if codec == "zstd" else sizes_of(ITEMS)
    assert unpack(_batch.decompress(codec, cdata, csegs, sizes=sizes)) == ITEMS


@pytest.mark.parametrize("codec", CODECS)
def test_threads_give_identical_bytes(codec):
    data, segs = pack(ITEMS)
    outs = [_batch.compress(codec, data, segs, threads=t) for t in (1, 2, 0, 7, 10**6)]
    assert all(o == outs[0] for o in outs)
    cdata, csegs = pack(unpack(outs[0]))
    dec = [_batch.decompress(codec, cdata, csegs, sizes=sizes_of(ITEMS), threads=t)
           for t in (1, 2, 0, 7)]
    assert all(d == dec[0] for d in dec)


def test_levels_are_the_codecs_levels():
    data, segs = pack(ITEMS[:50])
    for codec, level in (("zstd", 19), ("zstd", -5), ("lz4", 9), ("lz4", -3), ("gzip", 9),
                         ("zlib", 1)):
        frames = unpack(_batch.compress(codec, data, segs, level=level))
        assert [DECODE[codec](f, len(i)) for f, i in zip(frames, ITEMS[:50])] == ITEMS[:50]
    with pytest.raises(errors.BadLevelError):
        _batch.compress("zstd", data, segs, level=23)
    # the deflate family takes the one-shots' (the seed's) 1..9; 0 is not a level, None the default
    for codec in ("gzip", "deflate", "zlib"):
        for bad in (0, 10, 12, 13, "x"):
            with pytest.raises(errors.BadLevelError):
                _batch.compress(codec, data, segs, level=bad)
    with pytest.raises(errors.BadLevelError):
        _batch.compress("lz4", data, segs, level=0)


def test_large_batch_splits_into_calls_in_order():
    # 5 MiB of data, 70000 items: more than one window, more pairs than one call takes.
    items = [TEXT[(i * 7) % 5000:(i * 7) % 5000 + 75] for i in range(70000)]
    data, segs = pack(items)
    packed = _batch.compress("zstd", data, segs, level=1, threads=2)
    assert len(packed) >= 2
    for buf, osegs in packed:
        assert len(buf) <= _runtime.MAX_STRING and len(osegs) <= _runtime.MAX_STRING
    frames = unpack(packed)
    assert len(frames) == len(items)
    assert DECODE["zstd"](frames[69999], 0) == items[69999]
    cdata, csegs = pack(frames)
    back = _batch.decompress("zstd", cdata, csegs, threads=2)
    assert len(back) >= 6  # 5 MiB of output in 1 MiB calls
    assert unpack(back) == items
    # A corrupt item in a later call is named by its index in the whole batch.
    bad = bytearray(cdata)
    off, n = struct.unpack_from("=QQ", csegs, 16 * 68123)
    bad[off + n - 3] ^= 0xFF  # the checksum
    with pytest.raises(errors.LibzstdError, match=r"item 68123: "):
        _batch.decompress("zstd", bytes(bad), csegs, threads=2)


def test_results_are_owned_and_a_late_bad_pair_still_fails():
    """Each call's output is its own memory (large results keep the buffer the C side wrote,
    small ones are copied out); a bad pair far past the first call's pairs fails the batch."""
    items = [TEXT[(i * 13) % 5000:(i * 13) % 5000 + 900] for i in range(5000)]
    data, segs = pack(items)
    frames = unpack(_batch.compress("zstd", data, segs, level=1))
    cdata, csegs = pack(frames)
    first = _batch.decompress("zstd", cdata, csegs, threads=2)
    again = _batch.decompress("zstd", cdata, csegs, threads=1)
    assert len(first) >= 4 and unpack(first) == unpack(again) == items
    assert any(len(buf) >= _batch.KEEP_AT_LEAST for buf, _ in first)
    ffi = _runtime.default().ffi
    spans = sorted((int(ffi.cast("uintptr_t", ffi.from_buffer(buf))), len(buf))
                   for buf, _ in first + again)
    for (a, n), (b, _) in zip(spans, spans[1:]):  # no two results share memory
        assert a + n <= b
    del again
    assert unpack(first) == items  # unchanged when the other results are freed
    bad = bytearray(csegs)
    struct.pack_into("=QQ", bad, 16 * 4990, len(cdata), 1)  # past the end, in a late call
    with pytest.raises(errors.BadArgumentsError, match=r"item 4990: segment .* reaches past"):
        _batch.decompress("zstd", cdata, bytes(bad), threads=2)


def test_unordered_and_overlapping_segments():
    data = TEXT[:20000]
    segs = pairs((15000, 100), (0, 3000), (14000, 5000), (0, 0), (19999, 1), (100, 100))
    want = [data[15000:15100], data[0:3000], data[14000:19000], b"", data[19999:], data[100:200]]
    assert [DECODE["zstd"](f, 0) for f in unpack(_batch.compress("zstd", data, segs))] == want
    # A window smaller than the spread: items before the window go to the next call.
    big = pseudo_random(1_500_000)
    segs = pairs((1_400_000, 1000), (10, 1000), (1_200_000, 50_000))
    frames = unpack(_batch.compress("lz4", big, segs))
    want = [big[1_400_000:1_401_000], big[10:1010], big[1_200_000:1_250_000]]
    assert [DECODE["lz4"](f, len(w)) for f, w in zip(frames, want)] == want


@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize("segs", [
    pairs((2**64 - 1, 2)),               # wraps around to 1
    pairs((0, 2**64 - 1)),               # a length that wraps the end
    pairs((5, 10**6)),                   # past the end
    pairs((0, 10), (100, 1)),            # a later pair past the end
    pairs((101, 0)),                     # an empty item past the end
    pairs((0, 10))[:-1],                 # not a multiple of 16
    b"\0" * 24,
], ids=["wrap_offset", "wrap_length", "past_end", "later_past_end", "empty_past_end",
        "15_bytes", "24_bytes"])
def test_hostile_segments_are_bad_arguments(codec, segs):
    data = TEXT[:100]
    with pytest.raises(errors.BadArgumentsError) as e:
        _batch.compress(codec, data, segs)
    assert isinstance(e.value, ValueError)
    with pytest.raises(errors.BadArgumentsError):
        _batch.decompress(codec, data, segs, sizes=None if len(segs) % 16 else
                          b"\0\1\0\0\0\0\0\0" * (len(segs) // 16))


def test_hostile_segments_at_the_c_entry():
    """The C side checks what the binding passes straight through."""
    rt = _runtime.default()
    data = TEXT[:100]
    for segs in (pairs((2**64 - 8, 16)), pairs((0, 101)), b"\0" * 17):
        ret, (out, osegs) = rt.call("multiCompress", b"zstd", data, segs, None, None)
        assert ret == -1 and out == b"" and osegs == b""
    # total below the window's end, a negative base, negative threads, unknown codec
    for args in ((b"zstd", data, pairs((0, 1)), None, None, 0, 0, b"", 0, 50),
                 (b"zstd", data, pairs((0, 1)), None, None, 0, 0, b"", -1, 100),
                 (b"zstd", data, pairs((0, 1)), None, None, 0, -1),
                 (b"brotli", data, pairs((0, 1)), None, None),
                 (b"lz4", data, pairs((0, 1)), None, None, 0, 0, b"dictionary")):
        ret, _ = rt.call("multiCompress", *args)
        assert ret == -1, args
    # too few arguments
    ret, _ = rt.call("multiCompress", b"zstd", data, pairs((0, 1)), None)
    assert ret == -1
    assert "needs" in _bindings_message()
    # a window: pairs are offsets in the whole data, the input is [base, base + len)
    ret, (out, osegs) = rt.call("multiCompress", b"zstd", data[50:], pairs((60, 10), (10, 5)),
                                None, None, 0, 1, b"", 50, 100)
    assert ret == 1 and len(osegs) == 16  # the second item is before the window: next call
    assert DECODE["zstd"](out, 0) == data[60:70]
    ret, _ = rt.call("multiCompress", b"zstd", data[50:], pairs((10, 5)), None, None, 0, 1, b"",
                     50, 100)
    assert ret == -1 and "outside the input window" in _bindings_message()


def _bindings_message():
    from stdcompress import _bindings
    return _bindings.last_failure()[1]


def test_empty_batch_and_empty_items():
    for codec in CODECS:
        assert _batch.compress(codec, b"", b"") == []
        assert _batch.decompress(codec, b"", b"", sizes=b"") == []
    # the C side with zero pairs: success, empty outputs
    ret, (out, osegs) = _runtime.default().call("multiDecompress", b"zstd", b"", b"", b"", None,
                                                None)
    assert (ret, out, osegs) == (0, b"", b"")
    data, segs = pack([b"", b"", b"a", b""])
    for codec in CODECS:
        frames = unpack(_batch.compress(codec, data, segs))
        assert [DECODE[codec](f, len(i)) for f, i in zip(frames, [b"", b"", b"a", b""])] == \
            [b"", b"", b"a", b""]
        cdata, csegs = pack(frames)
        assert unpack(_batch.decompress(codec, cdata, csegs, sizes=sizes_of([b"", b"", b"a", b""]))
                      ) == [b"", b"", b"a", b""]
    # An empty zstd frame in a list (the peer corrupts its heap): empty when no size is
    # expected, an error naming the item when one is.
    cdata, csegs = pack([ENCODE["zstd"](b"abc"), b"", ENCODE["zstd"](b"de")])
    assert unpack(_batch.decompress("zstd", cdata, csegs)) == [b"abc", b"", b"de"]
    with pytest.raises(errors.LibzstdError, match="item 1: empty input"):
        _batch.decompress("zstd", cdata, csegs, sizes=struct.pack("=3Q", 3, 5, 2))
    # lz4: an empty input is not a block
    with pytest.raises(errors.Liblz4Error, match="item 0: "):
        _batch.decompress("lz4", b"", pairs((0, 0)), sizes=struct.pack("=Q", 0))


@pytest.mark.parametrize("codec", CODECS)
def test_corrupt_item_names_its_index(codec):
    frames = [ENCODE[codec](it) for it in ITEMS[:40]]
    frames[17] = frames[17][:len(frames[17]) // 2]  # truncated
    cdata, csegs = pack(frames)
    with pytest.raises(FAIL[codec], match=r"item 17: "):
        _batch.decompress(codec, cdata, csegs, sizes=sizes_of(ITEMS[:40]), threads=2)
    # two corrupt items: the lowest index is reported, whatever the thread count
    frames[30] = b"\xff" * 9
    cdata, csegs = pack(frames)
    for threads in (1, 2, 0):
        with pytest.raises(FAIL[codec], match=r"item 17: "):
            _batch.decompress(codec, cdata, csegs, sizes=sizes_of(ITEMS[:40]), threads=threads)


def test_sizes():
    items = ITEMS[:30]
    frames = [ENCODE["zstd"](it) for it in items]
    cdata, csegs = pack(frames)
    with pytest.raises(errors.BadArgumentsError, match="sizes of"):
        _batch.decompress("zstd", cdata, csegs, sizes=sizes_of(items)[:-8])
    wrong = bytearray(sizes_of(items))
    wrong[8 * 5:8 * 6] = struct.pack("=Q", len(items[5]) + 1)
    with pytest.raises(errors.LibzstdError, match="item 5: "):
        _batch.decompress("zstd", cdata, csegs, sizes=bytes(wrong))
    # zstd frames without a content size need their sizes
    # (a size of 0 means "from the frame", so these are non-empty items)
    stream = zstandard.ZstdCompressor(write_content_size=False)
    nosize = [b"".join(stream.read_to_iter(io.BytesIO(it))) for it in items[1:4]]
    ndata, nsegs = pack(nosize)
    with pytest.raises(errors.BadArgumentsError, match="item 0: the frame does not declare"):
        _batch.decompress("zstd", ndata, nsegs)
    assert unpack(_batch.decompress("zstd", ndata, nsegs, sizes=sizes_of(items[1:4]))) == \
        items[1:4]
    # lz4 needs sizes; the exact size, neither more nor less
    lframes = [ENCODE["lz4"](it) for it in items]
    ldata, lsegs = pack(lframes)
    with pytest.raises(errors.BadArgumentsError):
        _batch.decompress("lz4", ldata, lsegs)
    wrong = bytearray(sizes_of(items))
    wrong[8 * 3:8 * 4] = struct.pack("=Q", len(items[3]) + 10)
    with pytest.raises(errors.Liblz4Error, match="item 3: "):
        _batch.decompress("lz4", ldata, lsegs, sizes=bytes(wrong))
    # deflate family: sizes are caps; 0 = unknown (works, one item per call)
    dframes = [ENCODE["gzip"](it) for it in items]
    ddata, dsegs = pack(dframes)
    assert unpack(_batch.decompress("gzip", ddata, dsegs)) == items
    caps = struct.pack("=30Q", *[len(it) + 100 for it in items])
    assert unpack(_batch.decompress("gzip", ddata, dsegs, sizes=caps)) == items
    small = bytearray(caps)
    small[8 * 9:8 * 10] = struct.pack("=Q", max(1, len(items[9]) - 1))
    with pytest.raises(errors.LibzError, match="item 9: "):
        _batch.decompress("gzip", ddata, dsegs, sizes=bytes(small))
    # a declared size over 1 MiB: refused before anything is decoded
    with pytest.raises(errors.OutputTooLargeError, match="item 0: "):
        _batch.decompress("lz4", ldata, lsegs[:16], sizes=struct.pack("=Q", 2**40))


def test_one_item_too_large_for_a_call():
    big = pseudo_random(_runtime.MAX_STRING)  # incompressible: its zstd frame exceeds 1 MiB
    with pytest.raises(errors.OutputTooLargeError, match="item 0: "):
        _batch.compress("zstd", big, pairs((0, len(big))))
    ok = _batch.compress("zstd", TEXT * 10, pairs((0, len(TEXT) * 10)))
    assert DECODE["zstd"](unpack(ok)[0], 0) == TEXT * 10


def test_inputs_are_any_contiguous_buffer():
    data, segs = pack(ITEMS[:20])
    want = _batch.compress("zstd", data, segs)
    assert _batch.compress("zstd", bytearray(data), memoryview(segs)) == want
    assert _batch.compress("zstd", memoryview(data), memoryview(segs).cast("Q")) == want
    with pytest.raises(TypeError):
        _batch.compress("zstd", "text", segs)
    with pytest.raises(errors.BadArgumentsError):
        _batch.compress("brotli", data, segs)


def test_from_many_python_threads_at_once():
    data, segs = pack(ITEMS)
    want = _batch.compress("zstd", data, segs, threads=1)
    results = []

    def run():
        results.append(_batch.compress("zstd", data, segs, threads=2))

    errs = run_threads(run, [()] * 6)
    assert not errs and all(r == want for r in results) and len(results) == 6


def _big_batch():
    items = [TEXT[(i * 37) % 5000:(i * 37) % 5000 + 600 + i % 400] for i in range(3000)]
    return items, *pack(items)


def test_kept_helper_threads_under_many_callers_and_in_a_forked_child():
    """Helper threads are kept between calls (one caller at a time uses them, the others start
    their own); a forked child has none and starts afresh (it must not wait for the parent's)."""
    items, data, segs = _big_batch()
    want = unpack(_batch.compress("zstd", data, segs, threads=1))
    assert unpack(_batch.compress("zstd", data, segs, threads=4)) == want  # the crew exists
    results = []

    def run(threads):
        for _ in range(5):
            results.append(unpack(_batch.compress("zstd", data, segs, threads=threads)))

    errs = run_threads(run, [(t,) for t in (2, 3, 4, 0)])
    assert not errs and len(results) == 20 and all(r == want for r in results)

    pid = os.fork()
    if pid == 0:  # the child: exit status 0 when its batch round-trips
        try:
            frames = _batch.compress("zstd", data, segs, threads=4)
            back = unpack(_batch.decompress("zstd", *pack(unpack(frames)), threads=4))
            os._exit(0 if back == items else 1)
        finally:
            os._exit(2)
    deadline = time.monotonic() + 60
    while (done := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    if done[0] == 0:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked child's batch did not finish in 60 s")
    assert os.waitstatus_to_exitcode(done[1]) == 0


# ---- dictionaries ----

RECORDS = [b'{"user": "u%05d", "email": "u%05d@example.org", "active": %s, "plan": "%s", '
           b'"country": "%s"}' % (i, i, b"true" if i % 3 else b"false",
                                  (b"free", b"pro", b"team")[i % 3],
                                  (b"NZ", b"FR", b"BR", b"JP")[i % 4]) for i in range(3000)]


@pytest.fixture(scope="module")
def trained():
    data, segs = pack(RECORDS)
    return _batch.train_dictionary(data, segs, 4096)


def test_train_dictionary_and_its_id(trained):
    assert 256 < len(trained) <= 4096
    dict_id = _batch.dictionary_id(trained)
    assert dict_id == zstandard.ZstdCompressionDict(trained).dict_id() != 0
    assert _batch.dictionary_id(b"raw content, no magic") == 0
    data, segs = pack(RECORDS[:500])
    fixed = _batch.train_dictionary(data, segs, 2048, k=64, d=8, dict_id=1234)
    assert _batch.dictionary_id(fixed) == 1234
    with pytest.raises(errors.BadArgumentsError):
        _batch.train_dictionary(data, segs, 100)
    with pytest.raises(errors.BadArgumentsError):
        _batch.train_dictionary(data, segs[:-1], 2048)
    with pytest.raises(errors.BadArgumentsError):
        _batch.train_dictionary(data, pairs((2**64 - 1, 2)), 2048)
    with pytest.raises(errors.BadArgumentsError):
        _batch.train_dictionary(data, segs, 2048, d=7)


def test_dictionary_batches_decode_in_zstandard_and_back(trained):
    data, segs = pack(RECORDS)
    plain = unpack(_batch.compress("zstd", data, segs))
    frames = unpack(_batch.compress("zstd", data, segs, dictionary=trained, threads=2))
    assert sum(map(len, frames)) * 2 < sum(map(len, plain))
    zd = zstandard.ZstdCompressionDict(trained)
    dctx = zstandard.ZstdDecompressor(dict_data=zd)
    assert [dctx.decompress(f) for f in frames] == RECORDS
    cdata, csegs = pack(frames)
    assert unpack(_batch.decompress("zstd", cdata, csegs, dictionary=trained)) == RECORDS
    with pytest.raises(errors.LibzstdError, match="item 0: "):
        _batch.decompress("zstd", cdata, csegs)  # no dictionary: the frame asks for one
    theirs = [zstandard.ZstdCompressor(dict_data=zd).compress(r) for r in RECORDS[:200]]
    tdata, tsegs = pack(theirs)
    assert unpack(_batch.decompress("zstd", tdata, tsegs, dictionary=trained)) == RECORDS[:200]


def test_dictionary_one_shot_entries(trained):
    rt = _runtime.default()
    zd = zstandard.ZstdCompressionDict(trained)
    for name, cap in (("zstdCompressDict", 1 << 20), ("zstdCompressDict1k", 1024)):
        ret, (frame,) = rt.call(name, RECORDS[7] * 20, None, 5, trained)
        if ret > 0:
            ret, (frame,) = rt.call("take", None)
        assert ret == 0
        assert zstandard.ZstdDecompressor(dict_data=zd).decompress(frame) == RECORDS[7] * 20
        ret, (back,) = rt.call("zstdDecompressDict", frame, None, trained)
        assert ret == 0 and back == RECORDS[7] * 20
    theirs = zstandard.ZstdCompressor(dict_data=zd, level=9).compress(RECORDS[9])
    assert rt.call("zstdDecompressDict", theirs, None, trained) == (0, [RECORDS[9]])
    ret, _ = rt.call("zstdDecompressDict", theirs, None, b"")
    assert ret == -1
    ret, _ = rt.call("zstdCompressDict", b"x", None, 99, trained)
    assert ret == -2


def test_dictionaries_are_told_apart_by_content():
    # Raw-content dictionaries all have id 0; more of them than the cache holds.
    dicts = [(b"%d prefix shared by the records " % i) * 40 for i in range(12)]
    data, segs = pack([b"%d prefix shared by the records, record %d" % (i % 12, i)
                       for i in range(24)])
    for round_ in range(2):
        for i, d in enumerate(dicts):
            frames = unpack(_batch.compress("zstd", data, segs, dictionary=d))
            zd = zstandard.ZstdCompressionDict(d, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
            dctx = zstandard.ZstdDecompressor(dict_data=zd)
            assert b"".join(dctx.decompress(f) for f in frames) == data
            cdata, csegs = pack(frames)
            assert b"".join(unpack(_batch.decompress("zstd", cdata, csegs, dictionary=d))) == data


def test_stream_with_a_dictionary(trained):
    """streamOpen's fifth argument: zstd streams with a dictionary, both ways with zstandard."""
    rt = _runtime.default()
    zd = zstandard.ZstdCompressionDict(trained)
    text = b"".join(RECORDS[:400])
    h, _ = rt.call("streamOpen", b"zstd", b"c", 0, 0, trained)
    assert h > 0
    out = b""
    for i in range(0, len(text), 5000):
        ret, (piece,) = rt.call("streamWrite", text[i:i + 5000], None, h)
        assert ret == 0
        out += piece
    ret, (piece,) = rt.call("streamClose", None, h)
    assert ret == 0
    out += piece
    assert zstandard.ZstdDecompressor(dict_data=zd).decompressobj().decompress(out) == text
    plain = zstandard.ZstdCompressor().compress(text)
    assert len(out) < len(plain)
    theirs = zstandard.ZstdCompressor(dict_data=zd).compress(text)
    h, _ = rt.call("streamOpen", b"zstd", b"d", 0, 0, trained)
    ret, (back,) = rt.call("streamWrite", theirs, None, h)
    assert ret == 2 and back == text
    rt.call("handleFree", h)
    # without the dictionary the frame is refused; a dictionary for another codec is BAD-ARGS
    h, _ = rt.call("streamOpen", b"zstd", b"d")
    ret, _ = rt.call("streamWrite", theirs, None, h)
    assert ret == -5
    rt.call("handleFree", h)
    assert rt.call("streamOpen", b"gzip", b"c", 0, 0, trained)[0] == -1


def test_public_streams_take_a_dictionary(trained):
    import stdcompress
    zd = zstandard.ZstdCompressionDict(trained)
    text = b"".join(RECORDS[:300])
    c = stdcompress.Compressor("zstd", 5, dictionary=trained)
    blob = c.compress(text) + c.flush()
    assert zstandard.ZstdDecompressor(dict_data=zd).decompressobj().decompress(blob) == text
    d = stdcompress.Decompressor("zstd", dictionary=memoryview(trained))
    assert d.decompress(blob) == text and d.eof
    with pytest.raises(errors.BadArgumentsError):
        stdcompress.Compressor("gzip", dictionary=trained)


def test_one_shot_dictionary_bindings(trained):
    zd = zstandard.ZstdCompressionDict(trained)
    frame = _batch.zstd_compress_dict(RECORDS[3] * 3, trained, level=7)
    assert zstandard.ZstdDecompressor(dict_data=zd).decompress(frame) == RECORDS[3] * 3
    assert _batch.zstd_decompress_dict(frame, trained) == RECORDS[3] * 3
    assert _batch.zstd_compress_dict(b"", trained) != b""
    with pytest.raises(errors.LibzstdError):
        _batch.zstd_decompress_dict(frame, b"another dictionary's raw content")
    with pytest.raises(errors.BadLevelError):
        _batch.zstd_compress_dict(b"x", trained, level=50)


def test_lowest_failing_index_across_plan_and_work():
    """A frame the plan refuses (no zstd magic) after one that fails to decode: the lower
    index is named; alone, the refused one is named by its index in the whole batch."""
    frames = [ENCODE["zstd"](it) for it in ITEMS[:30]]
    truncated = list(frames)
    truncated[3] = truncated[3][:-5]
    truncated[10] = b"not a zstd frame"
    cdata, csegs = pack(truncated)
    with pytest.raises(errors.LibzstdError, match=r"item 3: "):
        _batch.decompress("zstd", cdata, csegs, threads=2)
    frames[10] = b"not a zstd frame"
    cdata, csegs = pack(frames)
    with pytest.raises(errors.LibzstdError, match=r"item 10: not a zstd frame"):
        _batch.decompress("zstd", cdata, csegs, threads=2)
