"""The deflate family's small-item path (callouts/deflate.c): items of at most
limits()["deflate_small_max"] bytes at levels 1..9 go through zlib's deflate with a 512-byte
window and memLevel 2, inside libdeflate's own gzip/zlib wrapper.

Checked independently: the bytes are rebuilt from Python's zlib (the same parameters) plus the
wrapper as RFC 1952/1950 and libdeflate define it, and decoded by Python's zlib and gzip(1)."""

import gzip
import os
import shutil
import subprocess
import zlib

import pytest

import stdcompress as sc

SMALL = sc.limits()["deflate_small_max"]
LEVELS = range(1, 10)
SIZES = [0, 1, 2, 31, 100, SMALL - 1, SMALL]
FUNCS = {"gzip": sc.gzip, "deflate": sc.deflate, "zlib": sc.zlib}
BEST = {"gzip": sc.gzip_best, "deflate": sc.deflate_best, "zlib": sc.zlib_best}  # 10..12


def _item(n: int, seed: int = 0) -> bytes:
    """Text-like bytes with repeats (so matches are found) and some noise."""
    text = (b"SET ^X(%d)=$ZDATE($H) " % seed) * (n // 16 + 1)
    noise = bytes((i * 131 + seed) & 0xFF for i in range(n))
    return bytes(a if i % 7 else b for i, (a, b) in enumerate(zip(text, noise)))[:n]


def _gzip_xfl(level: int) -> int:
    return 4 if level < 2 else 2 if level >= 8 else 0  # libdeflate's gzip XFL


def _zlib_header(level: int) -> bytes:
    hint = 0 if level < 2 else 1 if level < 6 else 2 if level < 8 else 3
    hdr = 0x7800 | hint << 6
    return (hdr | (31 - hdr % 31)).to_bytes(2, "big")


def _expected(codec: str, data: bytes, level: int) -> bytes:
    z = zlib.compressobj(level, zlib.DEFLATED, -9, 2)
    raw = z.compress(data) + z.flush()
    if codec == "deflate":
        return raw
    if codec == "zlib":
        return _zlib_header(level) + raw + zlib.adler32(data).to_bytes(4, "big")
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00" + bytes([_gzip_xfl(level), 0xFF]) + raw +
            zlib.crc32(data).to_bytes(4, "little") + len(data).to_bytes(4, "little"))


@pytest.mark.parametrize("codec", FUNCS)
@pytest.mark.parametrize("level", LEVELS)
def test_small_items_are_zlib_in_libdeflates_wrapper(codec, level):
    for n in SIZES:
        data = _item(n, level)
        out = FUNCS[codec](data, level)
        assert out == _expected(codec, data, level), (codec, level, n)


@pytest.mark.parametrize("codec", ["gzip", "zlib"])
@pytest.mark.parametrize("level", range(1, 13))
def test_both_paths_write_the_same_header(codec, level):
    head = 10 if codec == "gzip" else 2
    comp = FUNCS[codec] if level <= 9 else BEST[codec]
    small, large = comp(_item(SMALL), level), comp(_item(SMALL + 1), level)
    assert small[:head] == large[:head]


def test_levels_over_9_on_small_items_decode():
    """Levels 10..12 (the *_best names) exist only in libdeflate: small items take it at those
    levels.  (That larger items take libdeflate is what the conformance fixtures of 1 KiB and
    up pin.)"""
    for level in (10, 11, 12):
        for n in SIZES:
            data = _item(n)
            assert gzip.decompress(sc.gzip_best(data, level)) == data
            assert zlib.decompress(sc.zlib_best(data, level)) == data
            assert zlib.decompress(sc.deflate_best(data, level), -15) == data


def test_incompressible_small_items_stay_within_the_bound():
    """One block of at most 256 symbols, stored when smaller: never over libdeflate's bound
    (n + 5 for raw deflate up to 5000 bytes), which batch regions are sized by."""
    for n in range(0, SMALL + 1):
        data = os.urandom(n)
        for level in (1, 6, 9):
            raw = sc.deflate(data, level)
            assert len(raw) <= n + 5
            assert zlib.decompress(raw, -15) == data
            assert zlib.decompress(sc.zlib(data, level)) == data
            assert gzip.decompress(sc.gzip(data, level)) == data


def test_batches_give_the_one_shot_bytes():
    items = [_item(n, n) for n in range(0, 2 * SMALL, 7)]
    for codec in FUNCS:
        got = sc.multi_compress(codec, items, 6)
        assert [bytes(got[i]) for i in range(len(items))] == [FUNCS[codec](x, 6) for x in items]


@pytest.mark.skipif(shutil.which("gzip") is None, reason="gzip(1) is not installed")
def test_gzip_cli_reads_small_members():
    for n in SIZES:
        data = _item(n)
        out = subprocess.run(["gzip", "-dc"], input=sc.gzip(data), capture_output=True,
                             check=True).stdout
        assert out == data
