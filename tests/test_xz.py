"""xz (the .xz format of XZ Utils, through the bundled liblzma) over the real C library: round
trips, the xz CLI and Python's lzma both ways, levels and the extreme presets, concatenated
streams and stream padding, hostile input (corrupt, truncated, trailing, bombs, memory limit)
against the output tiers, and BAD-LEVEL.  Independent decoders: `xz -dc` and Python's lzma."""

import lzma
import shutil
import subprocess

import pytest

import stdcompress as sc
from samples import MAX, SAMPLES, TEXT, pseudo_random, run_threads
from stdcompress import _runtime

pytestmark = pytest.mark.c_facing

LIMITS = sc.limits()
needs_xz_cli = pytest.mark.skipif(shutil.which("xz") is None, reason="needs the xz CLI")


def xz_cli(args, data: bytes) -> bytes:
    return subprocess.run(["xz", *args], input=data, capture_output=True, check=True,
                          timeout=120).stdout


@pytest.mark.parametrize("sample", SAMPLES)
def test_round_trip_and_python_lzma_reads_it(sample):
    data = SAMPLES[sample]
    packed = sc.xz_compress(data)
    assert packed[:6] == b"\xfd7zXZ\x00"
    assert sc.xz_decompress(packed) == data
    assert lzma.decompress(packed, format=lzma.FORMAT_XZ) == data


@needs_xz_cli
@pytest.mark.parametrize("sample", ["empty", "all_bytes", "text", "random", "near_cap"])
def test_xz_cli_reads_ours_and_we_read_its(sample):
    data = SAMPLES[sample]
    assert xz_cli(["-dc"], sc.xz_compress(data)) == data
    for args in (["-c"], ["-c", "-0"], ["-c", "-9e"], ["-c", "--check=sha256"],
                 ["-c", "--check=crc32"], ["-c", "--check=none"], ["-c", "--x86", "--lzma2"]):
        assert sc.xz_decompress(xz_cli(args, data)) == data, args


def test_python_lzma_streams_decode_with_ours():
    for check in (lzma.CHECK_NONE, lzma.CHECK_CRC32, lzma.CHECK_CRC64, lzma.CHECK_SHA256):
        assert sc.xz_decompress(lzma.compress(TEXT, check=check)) == TEXT
    delta = [{"id": lzma.FILTER_DELTA, "dist": 4}, {"id": lzma.FILTER_LZMA2, "preset": 1}]
    assert sc.xz_decompress(lzma.compress(TEXT, filters=delta)) == TEXT


def test_check_is_crc64():
    """Stream flags (bytes 6..7): check ID 4 is CRC64, xz(1)'s default."""
    assert sc.xz_compress(b"x")[6:8] == b"\x00\x04"


def test_levels_and_extreme():
    """0..9 are xz -0..-9, 10..19 the extreme presets; level 6 is the default.  Extreme
    spends more time for bytes at most as many as the plain preset's, on this text."""
    data = TEXT * 4
    assert (LIMITS["xz_level_min"], LIMITS["xz_level_max"], LIMITS["xz_level_default"],
            LIMITS["xz_extreme_min"]) == (0, 19, 6, 10)
    assert sc.xz_compress(data) == sc.xz_compress(data, 6)
    outs = {level: sc.xz_compress(data, level) for level in range(20)}
    for level, packed in outs.items():
        assert lzma.decompress(packed) == data, level
    assert len(outs[9]) < len(outs[0])
    assert any(outs[level + 10] != outs[level] for level in range(10))  # extreme differs
    assert all(len(outs[level + 10]) <= len(outs[level]) + 8 for level in range(10))


def test_same_data_as_python_lzma_at_each_preset():
    """Our dictionary is cut to the input size, so the headers differ from Python's lzma at
    the same preset; the LZMA2 data decoded is the same, and the sizes are close."""
    for level, preset in ((0, 0), (6, 6), (9, 9), (16, 6 | lzma.PRESET_EXTREME)):
        ours, theirs = sc.xz_compress(TEXT, level), lzma.compress(TEXT, preset=preset)
        assert lzma.decompress(ours) == lzma.decompress(theirs) == TEXT
        assert abs(len(ours) - len(theirs)) <= 8, (level, len(ours), len(theirs))


@pytest.mark.parametrize("level", [-1, 20, 100, -(1 << 40)])
def test_bad_levels(level):
    with pytest.raises(sc.BadLevelError) as e:
        sc.xz_compress(b"data", level)
    assert e.value.code == "BAD-LEVEL" and "0..19" in str(e.value)


def test_concatenated_streams_and_padding():
    """As xz -d: streams one after another, null-byte padding in multiples of four between
    and after them; padding that is not a multiple of four, or leads, is an error."""
    a, b = sc.xz_compress(b"first,"), lzma.compress(b"second")
    assert sc.xz_decompress(a + b) == b"first,second"
    assert sc.xz_decompress(a + b"\0" * 8 + b + b"\0" * 4) == b"first,second"
    assert sc.xz_decompress(a + sc.xz_compress(b"") + b) == b"first,second"
    for bad in (a + b"\0" * 3, a + b"\0" * 5 + b, b"\0" * 4 + a):
        with pytest.raises(sc.LiblzmaError):
            sc.xz_decompress(bad)


@needs_xz_cli
def test_concatenated_streams_as_the_cli_reads_them():
    joined = sc.xz_compress(b"one ") + b"\0" * 4 + xz_cli(["-c"], b"two")
    assert xz_cli(["-dc"], joined) == sc.xz_decompress(joined) == b"one two"


def test_corrupt_truncated_trailing_and_empty():
    packed = sc.xz_compress(TEXT)
    cases = {"empty": b"", "not xz": b"plain text, not .xz data",
             "truncated": packed[:-1], "half": packed[:len(packed) // 2],
             "header only": packed[:12], "trailing": packed + b"junk",
             "trailing byte": packed + b"\x01"}
    body = bytearray(packed)
    body[len(body) // 2] ^= 0x55
    cases["flipped"] = bytes(body)
    check = bytearray(packed)
    check[-13] ^= 1  # inside the index/footer area's CRC-covered bytes
    cases["bad index"] = bytes(check)
    for name, bad in cases.items():
        with pytest.raises(sc.LiblzmaError) as e:
            sc.xz_decompress(bad)
        assert e.value.code == "LIBLZMA-FAIL" and isinstance(e.value, sc.DataError), name
        assert str(e.value).startswith("LIBLZMA-FAIL: xzDecompress:"), name
    with pytest.raises(sc.LiblzmaError, match="empty input"):
        sc.xz_decompress(b"")
    with pytest.raises(sc.LiblzmaError, match="truncated"):
        sc.xz_decompress(packed[:-1])


def test_bad_check_is_detected():
    """A stream whose CRC64 does not match its data: one flipped bit in the check field."""
    packed = bytearray(lzma.compress(TEXT, check=lzma.CHECK_CRC64))
    # the block ends with its 8-byte check just before the index (index indicator 0x00)
    index = len(packed) - 12 - 12  # footer 12 bytes, this one-record index 12 bytes
    assert packed[index] == 0
    packed[index - 1] ^= 1
    with pytest.raises(sc.LiblzmaError, match="corrupt"):
        sc.xz_decompress(bytes(packed))


def test_bombs_stop_at_the_limit_in_every_tier():
    """64 MiB of zeros in a few KiB: every tier stops at 1 MiB with OUTPUT-TOO-LARGE, and
    exactly 1 MiB is still delivered (held for the small tiers, then taken)."""
    rt = _runtime.default()
    bomb = lzma.compress(b"\0" * (64 << 20))
    exact = lzma.compress(b"\1" * MAX)
    for tier in ("", "64k", "1k"):
        ret, (out,) = rt.call("xzDecompress" + tier, bomb, None)
        assert ret == -3 and out == b"", tier  # OUTPUT-TOO-LARGE
        assert rt.call("lastError", None)[1][0].startswith(b"OUTPUT-TOO-LARGE ")
        ret, (out,) = rt.call("xzDecompress" + tier, exact, None)
        if tier:
            assert ret == MAX and out == b""
            assert rt.call("take", None) == (0, [b"\1" * MAX])
        else:
            assert ret == 0 and out == b"\1" * MAX
    # Past 1 MiB the Python function decodes through a stream (docs/any-size.md).
    assert sc.xz_decompress(lzma.compress(b"\1" * (MAX + 1))) == b"\1" * (MAX + 1)


def test_every_tier_gives_the_same_bytes():
    rt = _runtime.default()

    def call(name, *args):
        ret, (out,) = rt.call(name, *args)
        if ret > 0:  # held: larger than the tier
            ret, (out,) = rt.call("take", None)
        assert ret == 0, name
        return out

    for data in (b"tiered output " * 30, pseudo_random(2000), TEXT):
        results = {call("xzCompress" + tier, data, None, 5) for tier in ("", "64k", "1k")}
        assert len(results) == 1
        (packed,) = results
        for tier in ("", "64k", "1k"):
            assert call("xzDecompress" + tier, packed, None) == data, tier


def test_incompressible_near_the_limit_compresses():
    """Random bytes just under 1 MiB: stored LZMA2 chunks, a result a little larger than the
    input, still under the string limit."""
    data = pseudo_random(MAX - 200)
    packed = sc.xz_compress(data, 0)
    assert len(data) < len(packed) <= MAX and lzma.decompress(packed) == data
    # past 1 MiB the stream takes over, at level 0 too (xz -0, as the one-shot)
    assert lzma.decompress(sc.xz_compress(pseudo_random(MAX), 0)) == pseudo_random(MAX)
    assert lzma.decompress(sc.xz_compress(pseudo_random(MAX), 1)) == pseudo_random(MAX)


def test_memory_limit_refuses_a_huge_dictionary():
    """A stream whose block header declares a 1.5 GiB dictionary needs more decoder memory
    than the documented limit: LIBLZMA-FAIL naming the need, before any allocation."""
    filters = [{"id": lzma.FILTER_LZMA2, "preset": 0, "dict_size": 1536 << 20}]
    huge = lzma.compress(b"small", filters=filters)
    with pytest.raises(sc.LiblzmaError, match="decoder memory"):
        sc.xz_decompress(huge)
    limit = LIMITS["xz_decoder_memlimit"]
    assert limit == 128 << 20
    assert sc.xz_decompress(lzma.compress(b"-9 fits", preset=9 | lzma.PRESET_EXTREME)) == b"-9 fits"


def test_bytes_like_inputs_and_str_refused():
    data = bytearray(TEXT[:1000])
    assert sc.xz_decompress(memoryview(sc.xz_compress(data))) == bytes(data)
    with pytest.raises(TypeError):
        sc.xz_compress("text")


def test_threads_at_once():
    def worker(i):
        data = pseudo_random(20000, bytes([i])) + TEXT
        assert sc.xz_decompress(sc.xz_compress(data, i % 10)) == data

    assert run_threads(worker, [(i,) for i in range(6)]) == []


# ---- streams and batches (the registry's generic stream.c and batch.c) ----

def _chunks(data: bytes, size: int):
    return [data[i:i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize("chunk", [1, 777, 1 << 16])
def test_stream_chunked_round_trip_read_by_xz_and_lzma(chunk):
    """A compressor fed in pieces: one .xz stream that xz(1) and Python's lzma read; our
    decompressor fed in pieces of the same size gives the data back."""
    data = TEXT * 3 + pseudo_random(5000)
    c = sc.Compressor("xz", 3)
    packed = b"".join(c.compress(p) for p in _chunks(data, chunk)) + c.flush()
    assert lzma.decompress(packed) == data
    assert subprocess.run(["xz", "-dc"], input=packed, capture_output=True,
                          check=True).stdout == data
    d = sc.Decompressor("xz")
    assert b"".join(d.decompress(p) for p in _chunks(packed, chunk)) == data and d.eof


def test_stream_flush_points_are_decodable():
    """After each flush (LZMA_SYNC_FLUSH) everything written so far decodes, in Python's
    lzma and in ours; the finished stream is one .xz stream."""
    c = sc.Compressor("xz")
    theirs, ours = lzma.LZMADecompressor(), sc.Decompressor("xz")
    whole = b""
    for i in range(4):
        part = b"record %d " % i * 100
        out = c.compress(part) + c.flush(finish=False)
        whole += out
        assert theirs.decompress(out) == part and ours.decompress(out) == part
    whole += c.flush()
    assert lzma.decompress(whole) == b"".join(b"record %d " % i * 100 for i in range(4))


def test_stream_decoder_reads_concatenated_streams_and_padding():
    """As xz -d: streams one after another, stream padding (zeros, a multiple of 4) between
    and after them, fed a byte at a time; padding that is not a multiple of 4 fails."""
    joined = (lzma.compress(b"one") + b"\0" * 8 + sc.xz_compress(b"two") + lzma.compress(b"")
              + b"\0" * 4)
    assert subprocess.run(["xz", "-dc"], input=joined, capture_output=True,
                          check=True).stdout == b"onetwo"
    d = sc.Decompressor("xz")
    assert b"".join(d.decompress(joined[i:i + 1]) for i in range(len(joined))) == b"onetwo"
    assert d.eof and d.unused_data == b""
    d = sc.Decompressor("xz")
    with pytest.raises(sc.LiblzmaError, match="multiple of 4"):
        d.decompress(lzma.compress(b"one") + b"\0" * 3 + lzma.compress(b"two"))
    with pytest.raises(sc.LiblzmaError):  # trailing junk after padding, as xz -d refuses
        sc.xz_decompress(lzma.compress(b"one") + b"\0junk")


def test_stream_bytes_after_the_end_are_unused_data():
    """Bytes after a stream that are neither padding nor a stream are kept, not dropped."""
    d = sc.Decompressor("xz")
    assert d.decompress(lzma.compress(b"data") + b"tail") == b"data"
    assert d.eof and d.unused_data == b"tail"


def test_stream_truncated_close_error():
    """Input that stops inside a stream: the close fails naming truncation; the handle goes."""
    packed = sc.xz_compress(TEXT)
    rt = _runtime.default()
    h, _ = rt.call("streamOpen", b"xz", b"d", 0, 0, b"", 0, 0, -1)
    assert h > 0
    ret, (out,) = rt.call("streamWrite", packed[:len(packed) // 2], None, h)
    while ret == 1:
        ret, (more,) = rt.call("streamRead", None, h)
    ret, _ = rt.call("streamClose", None, h)
    assert ret < 0
    assert b"truncated xz stream" in rt.call("lastError", None)[1][0]
    with pytest.raises(sc.LiblzmaError):
        sc.xz_decompress(packed[:-1])


def test_stream_output_cap_stops_a_bomb():
    """64 MiB of zeros in a few KiB: a decompressor with max_output stops at its cap."""
    bomb = lzma.compress(b"\0" * (64 << 20))
    d = sc.Decompressor("xz", max_output=1 << 20)
    with pytest.raises(sc.OutputTooLargeError):
        while True:
            d.decompress(bomb)
            bomb = b""


def test_stream_levels_and_lzma_reads_each():
    """Stream levels 0..19 (None: the default 6); each result is .xz that lzma reads, CRC64:
    lzma_easy_encoder at the level's preset, the bytes of lzma.compress(preset=...)."""
    for level, preset in ((0, 0), (1, 1), (6, 6), (9, 9), (10, 0 | lzma.PRESET_EXTREME),
                          (19, 9 | lzma.PRESET_EXTREME)):
        c = sc.Compressor("xz", level)
        packed = c.compress(TEXT) + c.flush()
        assert lzma.decompress(packed) == TEXT
        assert packed[7] == lzma.CHECK_CRC64
        assert packed == lzma.compress(TEXT, preset=preset), level
    c = sc.Compressor("xz")
    assert c.compress(TEXT) + c.flush() == lzma.compress(TEXT, preset=6)  # None: the default
    for bad in (-1, 20):
        with pytest.raises(sc.BadLevelError, match="outside 0..19"):
            sc.Compressor("xz", bad)


@needs_xz_cli
def test_level_zero_is_xz_minus_0_in_streams_and_batches():
    """An explicit 0 is xz -0 in streams and batches, as xzCompress's (only an omitted level is
    the default 6): the stream's bytes are `xz -0`'s (one thread), a batch item the
    one-shot's (dictionary cut to the item), and lzma and xz -dc read both."""
    data = TEXT * 10
    c = sc.Compressor("xz", 0)
    packed = c.compress(data) + c.flush()
    assert packed == xz_cli(["-0", "-T1", "-c"], data)
    assert packed != lzma.compress(data, preset=6)
    assert lzma.decompress(packed) == data
    items = [data, b"", pseudo_random(3000), TEXT * 50]  # the last past 1 MiB: a stream
    batch = [bytes(p) for p in sc.multi_compress("xz", items, level=0)]
    assert batch == [sc.xz_compress(x, 0) for x in items]
    assert batch != [sc.xz_compress(x) for x in items]
    assert [lzma.decompress(b) for b in batch] == items
    assert [xz_cli(["-dc"], b) for b in batch] == items
    # the C entries: fewer arguments, or STDC_LEVEL_OMITTED, is the default; 0 is xz -0
    rt = _runtime.default()
    for args, preset in (((), 6), ((0,), 0), ((-(1 << 31),), 6)):
        h, _ = rt.call("streamOpen", b"xz", b"c", *args)
        assert h > 0
        ret, (out,) = rt.call("streamWrite", data, None, h, 1)
        assert ret == 0 and out == lzma.compress(data, preset=preset), args


def test_stream_open_text_and_cli_round_trip(tmp_path):
    """stdcompress.open writes a .xz file that xz -dc reads, and reads xz(1)'s files."""
    path = tmp_path / "a.xz"
    with sc.open(str(path), "wb", "xz") as f:
        f.write(TEXT)
    assert subprocess.run(["xz", "-dc", str(path)], capture_output=True,
                          check=True).stdout == TEXT
    theirs = tmp_path / "b.xz"
    theirs.write_bytes(subprocess.run(["xz", "-c"], input=TEXT, capture_output=True,
                                      check=True).stdout)
    with sc.open(str(theirs), "rb", "xz") as f:
        assert f.read() == TEXT


def test_batches_round_trip_and_corrupt_items():
    """multi_compress gives one .xz stream per item (the one-shot's bytes); multi_decompress
    reads them back; a corrupt item fails naming its index."""
    items = [TEXT, b"", pseudo_random(3000), b"x" * 100000]
    packed = list(sc.multi_compress("xz", items))
    assert [bytes(p) for p in packed] == [sc.xz_compress(x) for x in items]
    assert [lzma.decompress(bytes(p)) for p in packed] == items
    back = sc.multi_decompress("xz", [bytes(p) for p in packed], [len(x) for x in items])
    assert [bytes(x) for x in back] == items
    bad = [bytes(p) for p in packed]
    bad[2] = bad[2][:20] + bytes([bad[2][20] ^ 0xFF]) + bad[2][21:]
    with pytest.raises(sc.StdcompressError, match="2"):
        sc.multi_decompress("xz", bad, [len(x) for x in items])
