"""Python one-shot functions and multi_* of any size (docs/any-size.md): up to 1 MiB the one-shot
entries' bytes, beyond it the stream entries' (or the bridge's own entries', for the formats
without a stream), every result read back by the peer libraries and CLIs."""

import gzip as pygzip
import lzma
import mmap
import os
import subprocess
import sys
import zlib as pyzlib

import brotli
import lz4.block
import lz4.frame
import pytest
import zstandard

import stdcompress as sc
import stdcompress.zstd  # noqa: F401  (sc.zstd)
from stdcompress import _runtime

MAX = _runtime.MAX_STRING


def text_like(n: int) -> bytes:
    line = b"%08d the quick brown fox jumps over the lazy dog; records, fields, values\n"
    return b"".join(line % i for i in range(n // 60 + 1))[:n]


def random_like(n: int) -> bytes:
    return os.urandom(n)


DATA = {(kind, mib): fn(mib * MAX) for kind, fn in (("text", text_like), ("random", random_like))
        for mib in (3, 5)}

# function -> (decompress, peer decoder, stream codec or None, level for the test)
PEERS = {
    "gzip": (sc.gunzip, pygzip.decompress, "gzip", 6),
    "deflate": (sc.inflate, lambda b: pyzlib.decompress(b, -15), "deflate", 6),
    "zlib": (sc.unzlib, pyzlib.decompress, "zlib", 6),
    "zstd_compress": (sc.zstd_decompress, lambda b: zstandard.ZstdDecompressor().decompress(b),
                      "zstd", 3),
    "lz4_frame_compress": (sc.lz4_frame_decompress, lz4.frame.decompress, "lz4", 1),
    "brotli_compress": (sc.brotli_decompress, brotli.decompress, "brotli", 5),
    "xz_compress": (sc.xz_decompress, lzma.decompress, "xz", 1),
    "lz4_compress": (sc.lz4_decompress, lz4.block.decompress, None, 1),
    "gzip_best": (sc.gunzip, pygzip.decompress, None, 10),
    "deflate_best": (sc.inflate, lambda b: pyzlib.decompress(b, -15), None, 10),
    "zlib_best": (sc.unzlib, pyzlib.decompress, None, 10),
}


def stream_entries(codec: str, data: bytes, level: int) -> bytes:
    """What the stream call-outs give, called as M calls them: streamOpen, streamWrite of
    1 MiB pieces (each drained with streamRead), streamClose; zstd with its size."""
    rt = _runtime.default()
    size = len(data) if codec == "zstd" else -1
    h, _ = rt.call("streamOpen", codec.encode(), b"c", level, 0, b"", 0, 0, size)
    assert h > 0
    parts = []

    def drain(ret):
        while ret == 1:
            ret, (out,) = rt.call("streamRead", None, h)
            parts.append(out)
        assert ret in (0, 2), ret

    for start in range(0, len(data), MAX):
        ret, (out,) = rt.call("streamWrite", data[start:start + MAX], None, h)
        parts.append(out)
        drain(ret)
    ret, (out,) = rt.call("streamClose", None, h)
    parts.append(out)
    drain(ret)
    return b"".join(parts)


@pytest.mark.parametrize("name", sorted(PEERS))
@pytest.mark.parametrize("key", sorted(DATA))
def test_large_round_trip_read_by_the_peer(name, key):
    data = DATA[key]
    decompress, peer, codec, level = PEERS[name]
    packed = getattr(sc, name)(data, level)
    assert peer(packed) == data
    assert decompress(packed) == data
    if codec is not None:  # the bytes of the M stream path for the same input and level
        assert packed == stream_entries(codec, data, level)


@pytest.mark.parametrize("key", sorted(DATA))
def test_large_peer_output_decodes(key):
    data = DATA[key]
    assert sc.gunzip(pygzip.compress(data)) == data
    assert sc.inflate(pyzlib.compress(data)[2:-4]) == data
    assert sc.unzlib(pyzlib.compress(data)) == data
    assert sc.zstd_decompress(zstandard.ZstdCompressor().compress(data)) == data
    piped = subprocess.run(["zstd", "-q", "-c"], input=data, capture_output=True,
                           check=True).stdout  # no content size in the header
    assert sc.zstd_decompress(piped) == data
    assert sc.lz4_frame_decompress(lz4.frame.compress(data)) == data
    assert sc.lz4_decompress(lz4.block.compress(data)) == data
    raw = lz4.block.compress(data, store_size=False)
    assert sc.lz4_block_decompress(raw, len(data)) == data
    assert sc.brotli_decompress(brotli.compress(data, quality=4)) == data
    lz4_cli = subprocess.run(["lz4", "-q", "-c"], input=data, capture_output=True,
                                 check=True).stdout
    assert sc.lz4_frame_decompress(lz4_cli) == data


@pytest.mark.parametrize("key", sorted(DATA))
def test_large_raw_lz4_block_and_brotli_window(key):
    data = DATA[key]
    raw = sc.lz4_block_compress(data, 9)
    assert raw == lz4.block.compress(data, mode="high_compression", compression=9,
                                     store_size=False)
    assert sc.lz4_block_decompress(raw, len(data)) == data
    assert sc.lz4_compress(data) == lz4.block.compress(data)  # python-lz4's bytes exactly
    for quality, lgwin in ((0, 22), (4, 16), (5, 24)):
        packed = sc.brotli_compress(data, quality, lgwin)
        assert brotli.decompress(packed) == data and sc.brotli_decompress(packed) == data


@pytest.mark.parametrize("n", [MAX - 1, MAX, MAX + 1])
def test_the_1_mib_boundary(n):
    """Up to 1 MiB the one-shot entry's bytes (as M gets them); one byte more, the stream's."""
    data = text_like(n)
    rt = _runtime.default()
    for name, entry, codec, level in (("gzip", "gzip", "gzip", 6),
                                      ("zstd_compress", "zstdCompress", "zstd", 3),
                                      ("lz4_frame_compress", "lz4FrameCompress", "lz4", 1),
                                      ("brotli_compress", "brotliCompress", "brotli", 5),
                                      ("xz_compress", "xzCompress", "xz", 1),
                                      ("lz4_compress", "lz4Compress", None, 1)):
        packed = getattr(sc, name)(data, level)
        if n <= MAX:
            ret, (oneshot,) = rt.call(entry, data, None, level)
            assert ret == 0 and packed == oneshot, name
        elif codec is not None:
            assert packed == stream_entries(codec, data, level), name
        assert PEERS[name][1](packed) == data, name
        assert PEERS[name][0](packed) == data, name


def test_one_mib_of_random_data_whose_result_passes_the_limit():
    data = random_like(MAX)
    for name in ("gzip", "zstd_compress", "lz4_frame_compress", "lz4_compress"):
        packed = getattr(sc, name)(data)
        assert len(packed) > MAX and PEERS[name][1](packed) == data, name


@pytest.mark.parametrize("name", sorted(PEERS))
def test_corrupt_or_truncated_large_input_is_the_small_error(name):
    decompress, _, _, level = PEERS[name]
    compress = getattr(sc, name)
    small, large = compress(text_like(1000), level), compress(DATA[("random", 3)], level)
    for packed in (small, large):
        with pytest.raises(sc.StdcompressError) as small_error:
            decompress(packed[:len(packed) // 2])
        kind = type(small_error.value)
        assert issubclass(kind, sc.DataError), kind
    with pytest.raises(type(small_error.value)):
        decompress(large[:len(large) // 2])
    with pytest.raises(sc.DataError):  # trailing bytes are an error at any size
        decompress(large + b"\x00junk")


def test_levels_are_checked_as_for_small_input():
    big = text_like(2 * MAX)
    with pytest.raises(sc.BadLevelError):
        sc.gzip(big, 10)
    with pytest.raises(sc.BadLevelError):
        sc.zstd_compress(big, 0)  # the one-shot's rule, though a stream reads 0 as default
    with pytest.raises(sc.BadLevelError):
        sc.gzip_best(big, 9)
    with pytest.raises(sc.BadLevelError):
        sc.lz4_compress(big, 0)
    with pytest.raises(sc.BadArgumentsError):
        sc.brotli_compress(big, 5, 9)
    with pytest.raises(TypeError):
        sc.gzip(big, "6")


def test_lz4_past_its_own_limit_is_python_lz4s_error():
    """Over LZ4_MAX_INPUT_SIZE python-lz4 says "Compression failed" (its bound is 0), over
    INT_MAX "Input too large for LZ4 API" (OverflowError): untouched anonymous memory, nothing
    is read."""
    for size, ours, theirs, text in (
            (0x7E000001, sc.Liblz4Error, lz4.block.LZ4BlockError, "Compression failed"),
            (0x80000000, OverflowError, OverflowError, "Input too large for LZ4 API")):
        with mmap.mmap(-1, size) as huge:
            for fn in (sc.lz4_compress, sc.lz4_block_compress):
                with pytest.raises(ours, match=text):
                    fn(huge)
            with pytest.raises(theirs, match=text):
                lz4.block.compress(huge)  # the peer says the same


def test_lz4_declared_sizes_past_the_limit_fail_before_decoding():
    raw = sc.lz4_block_compress(b"x" * 100)
    with pytest.raises(sc.OutputTooLargeError, match="4294967295"):
        sc.lz4_decompress(b"\xff\xff\xff\xff" + raw)
    with pytest.raises(sc.OutputTooLargeError):
        sc.lz4_block_decompress(raw, 2**40)
    with pytest.raises(sc.Liblz4Error):  # over 1 MiB, within LZ4's limit: the exact size rule
        sc.lz4_block_decompress(raw, MAX + 1)


def test_multi_mixed_small_and_large_items():
    items = [b"small", text_like(3 * MAX), b"", random_like(MAX), random_like(5 * MAX),
             text_like(1000), text_like(MAX)]
    sizes = [len(x) for x in items]
    one = {"zstd": sc.zstd_compress, "lz4": sc.lz4_block_compress, "gzip": sc.gzip,
           "deflate": sc.deflate, "zlib": sc.zlib}
    for codec, fn in one.items():
        out = sc.multi_compress(codec, items, threads=2)
        packed = [x.tobytes() for x in out]
        assert packed == [fn(x) for x in items], codec  # each item as its one-shot function
        back = sc.multi_decompress(codec, out, sizes=sizes)
        assert [x.tobytes() for x in back] == items, codec
        if codec != "lz4":
            back = sc.multi_decompress(codec, packed)  # sizes unknown or from the frames
            assert [x.tobytes() for x in back] == items, codec
    frames = [sc.zstd_compress(x) for x in items]
    assert [zstandard.ZstdDecompressor().decompress(f) for f in frames] == items
    big = sc.zstd.ZstdCompressor(level=3).multi_compress_to_buffer(items)
    assert [x.tobytes() for x in sc.zstd.ZstdDecompressor().multi_decompress_to_buffer(big)] \
        == items


def test_multi_errors_keep_their_item_index():
    items = [text_like(1000), text_like(3 * MAX), text_like(2000)]
    for codec, error in (("gzip", sc.LibzError), ("zstd", sc.LibzstdError)):
        packed = [x.tobytes() for x in sc.multi_compress(codec, items)]
        bad = list(packed)
        bad[1] = bad[1][:len(bad[1]) // 2]
        with pytest.raises(error, match="item 1: "):
            sc.multi_decompress(codec, bad)
        bad = list(packed)
        bad[2] = b"\xff" * 8 + bad[2][8:]
        with pytest.raises(error, match="item 2: "):
            sc.multi_decompress(codec, bad, sizes=[len(x) for x in items])
    capped = [x.tobytes() for x in sc.multi_compress("gzip", items)]
    with pytest.raises(sc.LibzError, match="item 1: .*more than"):
        sc.multi_decompress("gzip", capped, sizes=[1000, 2 * MAX, 2000])
    with pytest.raises(sc.BadLevelError):
        sc.multi_compress("gzip", items, level=99)


def test_zstd_dictionary_with_a_large_item():
    records = [b'{"user": %d, "kind": "event"}' % i for i in range(2000)]
    content = sc.zstd.train_dictionary(4096, records).as_bytes()
    items = records[:5] + [b"".join(records) * 40]
    out = sc.multi_compress("zstd", items, dictionary=content)
    theirs = zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(content))
    assert [theirs.decompress(x.tobytes()) for x in out] == items
    assert [x.tobytes() for x in sc.multi_decompress("zstd", out, dictionary=content)] == items
    ours = sc.zstd.ZstdDecompressor(dict_data=sc.zstd.ZstdCompressionDict(content))
    assert ours.decompress(out[5].tobytes()) == items[5]


MEMORY = """
import resource, stdcompress as sc
line = b"%08d the quick brown fox jumps over the lazy dog; values\\n"
piece = b"".join(line % i for i in range(2**20 // 60 + 1))[:2**20]
data = piece * 64  # 64 MiB, made with a peak of little more (ru_maxrss is a peak)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
packed = sc.{compress}(data)
mid = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
back = sc.{decompress}(packed)
assert back == data
end = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(base, mid, end, len(packed))
"""


@pytest.mark.parametrize("compress,decompress", [("gzip", "gunzip"),
                                                 ("zstd_compress", "zstd_decompress"),
                                                 ("lz4_compress", "lz4_decompress")])
def test_64_mib_needs_a_small_multiple_of_input_and_output(compress, decompress):
    proc = subprocess.run([sys.executable, "-c", MEMORY.format(compress=compress,
                                                               decompress=decompress)],
                          capture_output=True, text=True, check=True)
    base, mid, end, packed = (int(x) for x in proc.stdout.split())
    n, out = 64 * 2**20 // 1024, packed // 1024  # KiB, as ru_maxrss
    # past the input already held: compressing, the output twice (pieces, joined) and the
    # codec's contexts and 1 MiB buffers; decompressing, the 64 MiB result twice at most
    assert mid - base <= 2 * out + 16 * 1024, proc.stdout
    assert end - mid <= 2.5 * n, proc.stdout
