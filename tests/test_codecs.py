"""The public Python API over the real C library: round trips, independent decoders, levels,
limits, hostile input.  One suite for the deflate family and zstd, parametrized by codec."""

import gzip as pygzip
import os
import shutil
import struct
import subprocess
import zlib as pyzlib
from pathlib import Path

import pytest

import stdcompress as sc
from conftest import SANITIZED
from stdcompress import _runtime
from samples import MAX, SAMPLES, TEXT, pseudo_random, run_threads

pytestmark = pytest.mark.c_facing




# codec -> (compress, decompress, independent decoder or None, level range, default level)
CODECS = {
    "gzip": (sc.gzip, sc.gunzip, pygzip.decompress),
    "deflate": (sc.deflate, sc.inflate, lambda b: pyzlib.decompress(b, -15)),
    "zlib": (sc.zlib, sc.unzlib, pyzlib.decompress),
    "zstd": (sc.zstd_compress, sc.zstd_decompress, None),
}
LIMITS = sc.limits()
LEVELS = {
    "gzip": (LIMITS["deflate_level_min"], LIMITS["deflate_level_max"]),
    "deflate": (LIMITS["deflate_level_min"], LIMITS["deflate_level_max"]),
    "zlib": (LIMITS["deflate_level_min"], LIMITS["deflate_level_max"]),
    "zstd": (LIMITS["zstd_level_min"], LIMITS["zstd_level_max"]),
}
DEFAULT = {"gzip": 6, "deflate": 6, "zlib": 6, "zstd": 3}
FAIL_ERROR = {"gzip": sc.LibzError, "deflate": sc.LibzError, "zlib": sc.LibzError,
              "zstd": sc.LibzstdError}


@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize("sample", SAMPLES)
def test_round_trip(codec, sample):
    comp, decomp, independent = CODECS[codec]
    data = SAMPLES[sample]
    packed = comp(data)
    assert decomp(packed) == data
    if independent is not None:
        assert independent(packed) == data


@pytest.mark.parametrize("codec", CODECS)
def test_accepts_any_bytes_like(codec):
    comp, decomp, _ = CODECS[codec]
    data = SAMPLES["text"]
    expected = comp(data)
    for form in (bytearray(data), memoryview(data), memoryview(bytearray(data))):
        assert comp(form) == expected
    assert decomp(bytearray(expected)) == data
    assert decomp(memoryview(expected)) == data


@pytest.mark.parametrize("codec", CODECS)
def test_str_is_type_error(codec):
    comp, decomp, _ = CODECS[codec]
    with pytest.raises(TypeError):
        comp("text")
    with pytest.raises(TypeError):
        decomp("text")


@pytest.mark.parametrize("codec", CODECS)
def test_default_level_is_the_documented_one(codec):
    comp = CODECS[codec][0]
    assert LIMITS[("zstd" if codec == "zstd" else "deflate") + "_level_default"] == DEFAULT[codec]
    assert comp(TEXT) == comp(TEXT, DEFAULT[codec])


@pytest.mark.parametrize("codec", CODECS)
def test_every_level_in_range_round_trips(codec):
    comp, decomp, _ = CODECS[codec]
    lo, hi = LEVELS[codec]
    levels = [lv for lv in range(max(lo, -7), hi + 1) if lv != 0] + [lo]
    for level in levels:
        assert decomp(comp(TEXT, level)) == TEXT, level


@pytest.mark.parametrize("codec", CODECS)
def test_bad_levels(codec):
    comp = CODECS[codec][0]
    lo, hi = LEVELS[codec]
    for level in (0, hi + 1, lo - 1, 2**40, -(2**40)):
        with pytest.raises(sc.BadLevelError) as e:
            comp(b"data", level)
        assert e.value.code == "BAD-LEVEL"
        assert str(level) in e.value.message
    with pytest.raises(TypeError):
        comp(b"data", 6.0)
    with pytest.raises(TypeError):
        comp(b"data", True)


# ---- the seed module's deflate-family levels, and libdeflate's strongest behind their names ----

SEED = {"gzip": sc.gzip, "deflate": sc.deflate, "zlib": sc.zlib}
BEST = {"gzip": sc.gzip_best, "deflate": sc.deflate_best, "zlib": sc.zlib_best}
INDEPENDENT = {c: CODECS[c][2] for c in SEED}


@pytest.mark.parametrize("codec", SEED)
def test_seed_levels_are_1_to_9(codec):
    """The seed's numbers, as it states them: 1..9 accepted, 0, 10..13 and "x" BAD-LEVEL."""
    for level in range(1, 10):
        assert INDEPENDENT[codec](SEED[codec](TEXT, level)) == TEXT
    for level in (0, 10, 11, 12, 13, "x"):
        with pytest.raises(sc.BadLevelError) as e:
            SEED[codec](TEXT, level)
        assert e.value.code == "BAD-LEVEL" and repr(level) in e.value.message
    assert (LIMITS["deflate_level_min"], LIMITS["deflate_level_max"]) == (1, 9)


def test_a_level_that_is_not_an_int_is_bad_level_and_a_type_error():
    for comp in (sc.gzip, sc.gzip_best, sc.zstd_compress, sc.lz4_compress):
        with pytest.raises(sc.BadLevelError) as e:
            comp(b"data", "x")
        assert isinstance(e.value, TypeError) and e.value.code == "BAD-LEVEL"


@pytest.fixture(scope="module")
def libdeflate(tmp_path_factory):
    from libdeflate_ref import build
    return build(tmp_path_factory.mktemp("libdeflate"))


@pytest.mark.parametrize("codec", BEST)
def test_best_names_give_libdeflates_strongest_levels(codec, libdeflate):
    """gzip_best & co. at 10..12 are libdeflate's own bytes at that level (the pinned library,
    called directly), decoded by Python's gzip/zlib; level 12 is the default."""
    lo, hi = LIMITS["deflate_best_level_min"], LIMITS["deflate_best_level_max"]
    assert (lo, hi, LIMITS["deflate_best_level_default"]) == (10, 12, 12)
    for data in (TEXT, SAMPLES["text"][:5000], b"", b"a"):
        for level in range(lo, hi + 1):
            out = BEST[codec](data, level)
            assert out == libdeflate(codec, level, data), (level, len(data))
            assert INDEPENDENT[codec](out) == data
            assert CODECS[codec][1](out) == data
        assert BEST[codec](data) == BEST[codec](data, 12)
    # the strongest levels differ from level 9 on real text: the name is not a no-op
    assert BEST[codec](TEXT, 12) != SEED[codec](TEXT, 9)
    for level in (0, 1, 9, 13, "x"):
        with pytest.raises(sc.BadLevelError) as e:
            BEST[codec](TEXT, level)
        assert e.value.code == "BAD-LEVEL"


@pytest.mark.parametrize("codec", CODECS)
def test_result_over_the_limit(codec):
    """The one-shot entry (what M calls) refuses a result over 1 MiB; the Python function goes
    on past it (docs/any-size.md)."""
    comp, decomp = CODECS[codec][:2]
    data = pseudo_random(MAX)
    entry = {"gzip": "gzip", "deflate": "deflate", "zlib": "zlib", "zstd": "zstdCompress"}[codec]
    ret, _ = _runtime.default().call(entry, data, None)
    assert ret == -3  # OUTPUT-TOO-LARGE
    assert decomp(comp(data)) == data


@pytest.mark.parametrize("codec", CODECS)
def test_decompressed_over_limit(codec):
    """A stream that expands past 1 MiB: OUTPUT-TOO-LARGE for the entry M calls, decoded by
    the Python function."""
    big = b"\0" * (MAX + 1)
    if codec == "zstd":
        packed = subprocess.run(["zstd", "-q", "-c"], input=big, capture_output=True,
                                check=True).stdout  # from a pipe: no content size in the header
    else:
        wbits = {"gzip": 31, "deflate": -15, "zlib": 15}[codec]
        co = pyzlib.compressobj(6, pyzlib.DEFLATED, wbits)
        packed = co.compress(big) + co.flush()
    entry = {"gzip": "gunzip", "deflate": "inflate", "zlib": "unzlib", "zstd": "zstdDecompress"}
    ret, _ = _runtime.default().call(entry[codec], packed, None)
    assert ret == -3  # OUTPUT-TOO-LARGE
    assert CODECS[codec][1](packed) == big


@pytest.mark.parametrize("codec", CODECS)
def test_exactly_max_output_is_allowed(codec):
    comp, decomp = CODECS[codec][:2]
    data = b"\1" * MAX
    assert decomp(comp(data)) == data


@pytest.mark.parametrize("codec", CODECS)
def test_corrupt_and_truncated(codec):
    comp, decomp, _ = CODECS[codec]
    packed = comp(TEXT)
    for cut in (1, 2, len(packed) // 2, len(packed) - 1):
        with pytest.raises(FAIL_ERROR[codec]):
            decomp(packed[:cut])
    flipped = bytearray(packed)
    flipped[len(flipped) // 2] ^= 0x55
    try:
        result = decomp(bytes(flipped))
    except (sc.DataError, sc.OutputTooLargeError):
        pass
    else:  # raw deflate has no checksum: a flip may decode; it must not be silent success
        assert codec == "deflate" and result != TEXT
    with pytest.raises(FAIL_ERROR[codec]):
        decomp(b"this is not compressed data at all")


@pytest.mark.parametrize("codec", CODECS)
def test_trailing_bytes_are_an_error(codec):
    comp, decomp, _ = CODECS[codec]
    with pytest.raises(FAIL_ERROR[codec]) as e:
        decomp(comp(TEXT) + b"\x00junk")
    assert "trailing" in e.value.message or codec == "zstd"


def test_empty_input_to_decoders():
    """gzip and zstd inputs are zero or more members/frames; raw deflate and zlib are one stream."""
    assert sc.gunzip(b"") == b""
    assert sc.zstd_decompress(b"") == b""
    with pytest.raises(sc.LibzError):
        sc.inflate(b"")
    with pytest.raises(sc.LibzError):
        sc.unzlib(b"")


def test_gunzip_multi_member_and_header_fields():
    a, b = b"first member\n", b"second member\n" * 50
    assert sc.gunzip(pygzip.compress(a) + sc.gzip(b)) == a + b
    # FEXTRA, FNAME, FCOMMENT and FHCRC, built by hand around a raw deflate body
    body = sc.deflate(b)
    header = bytearray(b"\x1f\x8b\x08\x1e\x00\x00\x00\x00\x00\x03")  # flags: EXTRA|NAME|COMMENT|HCRC
    header += struct.pack("<H", 4) + b"ab\x00\x01" + b"name.txt\x00" + b"a comment\x00"
    header += struct.pack("<H", pyzlib.crc32(bytes(header)) & 0xFFFF)
    trailer = struct.pack("<II", pyzlib.crc32(b), len(b))
    member = bytes(header) + body + trailer
    assert pygzip.decompress(member) == b
    assert sc.gunzip(member) == b
    assert sc.gunzip(member + member) == b + b


def test_gunzip_ignores_a_lying_isize():
    """The trailer's size is a hint only: a claim of 4 GiB allocates nothing and decodes right."""
    packed = bytearray(sc.gzip(TEXT))
    packed[-4:] = struct.pack("<I", 0xFFFFFFFF)
    with pytest.raises(sc.LibzError):  # ISIZE is checked by the decoder
        sc.gunzip(bytes(packed))


def test_zstd_declared_size_over_limit_fails_before_decoding():
    frame = bytearray(sc.zstd_compress(b"x" * 100))
    # A frame header claiming 4 GiB: rewrite as single-segment with an 8-byte content size.
    fake = b"\x28\xb5\x2f\xfd" + bytes([0xE0]) + struct.pack("<Q", 1 << 32) + frame[6:]
    with pytest.raises((sc.OutputTooLargeError, sc.LibzstdError)):
        sc.zstd_decompress(fake)


def test_zstd_frames_skippable_and_without_content_size():
    a, b = b"alpha " * 100, b"beta " * 1000
    skippable = struct.pack("<II", 0x184D2A50, 5) + b"12345"
    piped = subprocess.run(["zstd", "-q", "-c"], input=b, capture_output=True, check=True).stdout
    no_check = subprocess.run(["zstd", "-q", "-c", "--no-check"], input=a, capture_output=True,
                              check=True).stdout
    assert sc.zstd_decompress(skippable + sc.zstd_compress(a) + piped + no_check) == a + b + a
    assert sc.zstd_decompress(skippable) == b""


@pytest.mark.skipif(not shutil.which("gzip") or not shutil.which("zstd"), reason="needs the CLIs")
@pytest.mark.parametrize("sample", ["ascii", "all_bytes", "text", "random"])
def test_cli_decoders_accept_our_output(sample, tmp_path):
    data = SAMPLES[sample]
    for name, packed, cmd in (("x.gz", sc.gzip(data), ["gzip", "-d", "-c"]),
                              ("x.zst", sc.zstd_compress(data), ["zstd", "-d", "-q", "-c"])):
        path = tmp_path / name
        path.write_bytes(packed)
        assert subprocess.run(cmd + [str(path)], capture_output=True, check=True).stdout == data
    # zstd(1) verifies the checksum we write
    listing = subprocess.run(["zstd", "-lv", str(tmp_path / "x.zst")], capture_output=True,
                             text=True, check=True).stdout
    assert "XXH64" in listing


def test_input_over_the_string_limit_is_refused_by_the_runtime():
    """The runtime layer (M's checks) refuses it; the Python function goes on (any-size)."""
    with pytest.raises(sc.RuntimeCheckError) as e:
        _runtime.default().call("gzip", b"\0" * (MAX + 1), None)
    assert e.value.code == "MAXSTRLEN"
    assert sc.gunzip(sc.gzip(b"\0" * (MAX + 1))) == b"\0" * (MAX + 1)


def test_threads_match_a_serial_run():
    jobs = [(c, SAMPLES[s]) for c in CODECS for s in ("ascii", "text", "random", "repetitive")]
    serial = [CODECS[c][0](d) for c, d in jobs]

    def worker():
        for _ in range(20):
            for (c, d), want in zip(jobs, serial):
                got = CODECS[c][0](d)
                assert got == want
                assert CODECS[c][1](got) == d

    assert run_threads(worker, [()] * 4) == []


LIBRARY_OF_PIN = {"zstd": "libzstd", "libdeflate": "libdeflate", "lz4": "liblz4", "zlib": "libz",
                  "brotli": "libbrotli", "xz": "liblzma"}


def test_available_and_versions():
    assert sc.available() == ""
    v = sc.versions()
    assert set(v) == {"stdcompress", "libdeflate", "libz", "libzstd", "liblz4", "libbrotli",
                      "liblzma", "codecs"}
    assert v["stdcompress"] == sc.__version__
    if v["codecs"] == "bundled":  # the versions codecs.lock pins, whatever the system has
        from third_party.codecs import pins
        assert {LIBRARY_OF_PIN[p.codec]: p.version for p in pins().values()} == \
            {k: x for k, x in v.items() if k.startswith("lib")}
    else:  # --system-libs: the same libraries Python's zlib and the zstd CLI use
        assert v["codecs"] == "system"
        assert v["libz"] == pyzlib.ZLIB_RUNTIME_VERSION
        out = subprocess.run(["zstd", "--version"], capture_output=True, text=True).stdout
        assert v["libzstd"] in out
        out = subprocess.run(["xz", "--version"], capture_output=True, text=True).stdout
        assert f"liblzma {v['liblzma']}" in out  # the xz CLI of the system's liblzma


@pytest.mark.skipif(SANITIZED, reason="the sanitizer build links the sanitizers' runtimes and "
                    "exports their hooks; the plain suite checks the library that ships")
def test_codec_libraries_are_linked_in_and_hidden():
    """The bundled build needs no codec library (liblzma included) and, either build, exports
    only its stdc_* entries: nm -D shows no lzma_, ZSTD_, LZ4_, Brotli or libdeflate_ symbol."""
    from library_checks import assert_exports_only_entries, assert_needs_only_system_libraries
    from stdcompress import _runtime
    lib = Path(_runtime.default().table.library)
    if sc.versions()["codecs"] == "bundled":
        assert_needs_only_system_libraries(lib)
    assert "stdc_versions" in assert_exports_only_entries(lib)


def test_errors_carry_codes():
    with pytest.raises(sc.StdcompressError) as e:
        sc.gunzip(b"\x1f\x8b garbage")
    assert isinstance(e.value, sc.LibzError) and e.value.code == "LIBZ-FAIL"
    assert str(e.value).startswith("LIBZ-FAIL: gunzip:")
    assert os.environ.get("GTMXC_stdcompress")  # the suite runs against the repository table
