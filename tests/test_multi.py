"""The public batch calls for every codec: stdcompress.multi_compress / multi_decompress and
stdcompress.lz4.multi_compress_blocks / multi_decompress_blocks, over the same C side as
stdcompress.zstd's.  Every output is checked by an independent decoder (python-lz4's block API,
Python's zlib, zstandard); the inputs are lists, BufferWithSegments and collections."""

from __future__ import annotations

import array
import struct

import lz4.block
import pytest
import zstandard

import stdcompress
import stdcompress.lz4 as sclz4
import stdcompress.zstd
from stdcompress import BufferWithSegments, BufferWithSegmentsCollection
from samples import SAMPLES, TEXT, pseudo_random
from test_batch import DECODE, FAIL  # the independent decoders and each codec's error

pytestmark = pytest.mark.c_facing

ITEMS = [SAMPLES[k] for k in ("empty", "ascii", "all_bytes", "repetitive", "text", "random")]
ITEMS += [b"record %d: %s" % (i, TEXT[i:i + 200]) for i in range(200)]
SIZES = [len(x) for x in ITEMS]
def packed(items):
    data = b"".join(items)
    offsets, pos = [], 0
    for x in items:
        offsets += [pos, len(x)]
        pos += len(x)
    return BufferWithSegments(data, struct.pack(f"={len(offsets)}Q", *offsets))


@pytest.mark.parametrize("codec", sorted(DECODE))
def test_round_trip_checked_by_independent_decoders(codec):
    for source in (ITEMS, packed(ITEMS),
                   BufferWithSegmentsCollection(packed(ITEMS[:3]), packed(ITEMS[3:]))):
        out = stdcompress.multi_compress(codec, source, threads=2)
        assert isinstance(out, BufferWithSegmentsCollection) and len(out) == len(ITEMS)
        assert [DECODE[codec](bytes(b), n) for b, n in zip(out, SIZES)] == ITEMS
        for sizes in (SIZES, array.array("Q", SIZES), struct.pack(f"={len(SIZES)}Q", *SIZES)):
            back = stdcompress.multi_decompress(codec, out, sizes=sizes, threads=0)
            assert [x.tobytes() for x in back] == ITEMS


@pytest.mark.parametrize("codec", ["zstd", "deflate", "zlib", "gzip"])
def test_sizes_may_be_left_out_except_for_lz4(codec):
    out = stdcompress.multi_compress(codec, ITEMS)
    assert [x.tobytes() for x in stdcompress.multi_decompress(codec, out)] == ITEMS


def test_lz4_needs_sizes():
    blocks = stdcompress.multi_compress("lz4", ITEMS)
    with pytest.raises(stdcompress.BadArgumentsError):
        stdcompress.multi_decompress("lz4", blocks)
    wrong = list(SIZES)
    wrong[7] += 1
    with pytest.raises(stdcompress.Liblz4Error, match="item 7"):
        stdcompress.multi_decompress("lz4", blocks, sizes=wrong)


def test_lz4_module_names():
    blocks = sclz4.multi_compress_blocks(ITEMS, level=9, threads=1)
    assert all(lz4.block.decompress(bytes(b), uncompressed_size=n) == x
               for b, n, x in zip(blocks, SIZES, ITEMS))
    theirs = [lz4.block.compress(x, store_size=False) for x in ITEMS]
    assert [x.tobytes() for x in sclz4.multi_decompress_blocks(theirs, SIZES)] == ITEMS


@pytest.mark.parametrize("codec", sorted(DECODE))
def test_threads_give_identical_output(codec):
    outs = [[x.tobytes() for x in stdcompress.multi_compress(codec, ITEMS, threads=t)]
            for t in (1, 2, 0, 5)]
    assert all(o == outs[0] for o in outs)


@pytest.mark.parametrize("codec", sorted(DECODE))
def test_corrupt_item_is_named(codec):
    out = [bytes(x) for x in stdcompress.multi_compress(codec, ITEMS)]
    out[9] = b"\xff" * 3 + out[9][3:]
    with pytest.raises(FAIL[codec], match="item 9"):
        stdcompress.multi_decompress(codec, out, sizes=SIZES)


def test_argument_errors():
    for fn in (stdcompress.multi_compress, stdcompress.multi_decompress):
        with pytest.raises(stdcompress.BadArgumentsError):
            fn("zstd", [])
        with pytest.raises(stdcompress.BadArgumentsError):
            fn("brotli", [b"x"])
        with pytest.raises(TypeError):
            fn("zstd", [b"x", "text"])
        with pytest.raises(TypeError):
            fn("zstd", (b"x",))
    with pytest.raises(ValueError):
        stdcompress.multi_decompress("lz4", [b"x", b"y"], sizes=[1])
    with pytest.raises(stdcompress.BadLevelError):
        stdcompress.multi_compress("gzip", ITEMS, level=99)
    with pytest.raises(stdcompress.BadArgumentsError):
        stdcompress.multi_compress("zstd", ITEMS, threads=-1)


def test_zstd_dictionary_through_the_native_call():
    records = [b'{"user": %d, "kind": "event", "payload": "%s"}' % (i, b"x" * (i % 40))
               for i in range(2000)]
    content = stdcompress.zstd.train_dictionary(4096, records).as_bytes()
    out = stdcompress.multi_compress("zstd", records, dictionary=content)
    theirs = zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(content))
    assert all(theirs.decompress(f) == r for f, r in zip(out, records))
    back = stdcompress.multi_decompress("zstd", out, dictionary=content)
    assert [x.tobytes() for x in back] == records


def test_more_than_one_call():
    items = [pseudo_random(50000, seed=b"m%d" % i) for i in range(50)]
    for codec in ("lz4", "gzip"):
        out = stdcompress.multi_compress(codec, items, threads=2)
        assert out.size() > 2 * 2**20
        back = stdcompress.multi_decompress(codec, out, sizes=[len(x) for x in items])
        assert [x.tobytes() for x in back] == items


def test_item_over_the_limit_is_done_alone():
    big = pseudo_random(stdcompress.limits()["max_string"] + 1)
    out = stdcompress.multi_compress("gzip", [b"a", b"b", big])
    assert [x.tobytes() for x in stdcompress.multi_decompress("gzip", out)] == [b"a", b"b", big]
    with pytest.raises(stdcompress.LibzError, match="item 2: "):  # not gzip: named as ever
        stdcompress.multi_decompress("gzip", [out[0], out[1], big])
