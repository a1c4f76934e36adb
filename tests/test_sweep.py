"""The corruption sweep (fuzz/sweep.py, CI plan): every conformance fixture through every
decoder of its format, one-shot and stream, truncated and bit-flipped.  Every case is a clean
error or the exact plaintext; success with other bytes only where the format has no checksum.
The full plan: `invoke sweep` (docs/hardening.md)."""

import pytest

from conftest import SANITIZED
from conformance.manifest import CODECS
from fuzz import sweep

pytestmark = pytest.mark.c_facing

# Every format of every registry codec (conformance.manifest.CODECS, tests/test_conformance.py
# ties them to the registry): its one-shot decoder, the stream of its codec where it streams
# that format, and the raw LZ4 block entry.
DECODERS = {f"{f}:one-shot" for f in CODECS} | {
    f"{f}:stream" for f, c in CODECS.items() if c.stream} | {"lz4:block"}


@pytest.fixture(scope="module")
def swept():
    # under `invoke sanitize` a shorter plan of the same shape runs against the ASan + UBSan
    # library
    return sweep.sweep(sweep.PLANS["sanitize" if SANITIZED else "ci"])


def test_every_decoder_is_swept(swept):
    per, tally = swept
    assert set(per) == DECODERS
    for name, c in per.items():
        assert sum(c.values()) > (300 if SANITIZED else 1000), (name, c)
        assert c["error"] > 0 and c["exact"] > 0, (name, c)


def test_no_crash_and_no_wrong_bytes_from_a_checksummed_format(swept):
    per, tally = swept
    assert tally.failures == []
    for name in ("gzip:one-shot", "gzip:stream", "zlib:one-shot", "zlib:stream"):
        if name in per:
            assert per[name]["different"] == 0 and per[name]["broken"] == 0, name


def test_wrong_bytes_only_where_no_checksum_is_recorded(swept):
    per, tally = swept
    for fixture, decoder, what, detail in tally.different:
        codec = decoder.split(":")[0]
        data = sweep.Corpus().fixture(next(r for r in sweep.Corpus().read()
                                           if r.id == fixture)).read_bytes()
        assert not sweep.checksummed(codec, data), (fixture, decoder, what)


def test_a_format_without_a_decoder_is_an_error(monkeypatch):
    """A codec added to the registry (so a format in the manifest) and not to the sweep's
    ONE_SHOT map stops the sweep with its name: it is never silently left unswept."""
    assert sweep.formats() == list(CODECS)
    monkeypatch.delitem(sweep.ONE_SHOT, "xz")
    with pytest.raises(LookupError, match="no one-shot decoder for \\['xz'\\]"):
        sweep.formats()
    with pytest.raises(LookupError, match="xz"):
        sweep.sweep(sweep.PLANS["sanitize"], ["gzip"])


def test_checksum_detection():
    assert sweep.checksummed("zstd", bytes([0x28, 0xb5, 0x2f, 0xfd, 0x24, 0]))
    assert not sweep.checksummed("zstd", bytes([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0]))
    skip = bytes([0x50, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 9, 9])
    assert sweep.checksummed("zstd", skip + bytes([0x28, 0xb5, 0x2f, 0xfd, 0x24, 0]))
    assert sweep.checksummed("lz4frame", bytes([4, 0x22, 0x4d, 0x18, 0x64, 0x40]))
    assert not sweep.checksummed("lz4frame", bytes([4, 0x22, 0x4d, 0x18, 0x60, 0x40]))
    assert sweep.checksummed("gzip", b"") and not sweep.checksummed("brotli", b"")
