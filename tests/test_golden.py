"""The codec projects' own regression data, read at test time from the pinned source trees
(third_party.codecs.source_tree; nothing is copied into this repository):

- zstd tests/golden-decompression: must decode, to what zstandard (python-zstandard, its own
  build of libzstd 1.5.7) decodes and to what zstd's playTests.sh expects;
- zstd tests/golden-decompression-errors: must fail cleanly (LIBZSTD-FAIL, no bytes);
- zstd tests/golden-compression: must round-trip at several levels, read back by us and by
  zstandard; with each of tests/golden-dictionaries too (bridge only);
- brotli tests/testdata/*.compressed*: each must decode to the file beside it named without
  the .compressed suffix (and without the .NN of its variants).

Each through the bridge's one-shot call, its streams (several chunk sizes) and, where input and
result fit one M string, a real GT.M in both character-set modes.  docs/conformance.md."""

from __future__ import annotations

import io
from contextlib import closing
from pathlib import Path

import pytest
import zstandard

import stdcompress as sc
from conformance.engine_host import MODES, EngineHost
from conformance.hosts import Case
from conftest import SANITIZED
from stdcompress import zstd as sczstd
from third_party.codecs import SourceError, source_tree

M_MAX = 1 << 20  # one M string
LEVELS = (-5, 1, 3, 19)
ERROR_CODE = "LIBZSTD-FAIL"
# What zstd's tests/playTests.sh checks these decode to (the rest it only tests).
ZSTD_KNOWN = {"rle-first-block.zst": bytes(1 << 20), "empty-block.zst": b""}
# The pinned trees hold exactly these many files a directory; a new pin must update this (and
# docs/conformance.md), so that an emptied or moved directory cannot pass by testing nothing.
EXPECTED_COUNTS = {"zstd golden-decompression": 4, "zstd golden-decompression-errors": 3,
                   "zstd golden-compression": 4, "zstd golden-dictionaries": 1,
                   "brotli *.compressed": 21, "brotli *.compressed.NN": 23}


def _trees() -> tuple[Path | None, Path | None, str | None]:
    try:
        return source_tree("zstd") / "tests", source_tree("brotli") / "tests" / "testdata", None
    except SourceError as e:  # reported by the count test, not as a collection error
        return None, None, str(e)


ZSTD_TESTS, BROTLI_DATA, SOURCES_PROBLEM = _trees()


def _files(directory: Path | None, pattern: str = "*") -> list[Path]:
    """The regular files of directory matching pattern, without dot files (.gitignore)."""
    if directory is None:
        return []
    return sorted(p for p in directory.glob(pattern) if p.is_file() and p.name[0] != ".")


def _zstd(name: str) -> list[Path]:
    return _files(ZSTD_TESTS and ZSTD_TESTS / name)


DECOMPRESSION = _zstd("golden-decompression")
ERRORS = _zstd("golden-decompression-errors")
COMPRESSION = _zstd("golden-compression")
DICTIONARIES = _zstd("golden-dictionaries")
BROTLI = _files(BROTLI_DATA, "*.compressed*")


def _ids(paths):
    return [pytest.param(p, id=p.name) for p in paths]


def _brotli_original(path: Path) -> bytes:
    return path.with_name(path.name.split(".compressed")[0]).read_bytes()


def _zstandard(frame: bytes, dictionary: bytes | None = None) -> bytes:
    """zstandard's decoding of exactly one frame (it must see no bytes after it)."""
    zd = zstandard.ZstdCompressionDict(dictionary) if dictionary else None
    obj = zstandard.ZstdDecompressor(dict_data=zd).decompressobj()
    out = obj.decompress(frame)
    assert obj.eof and obj.unused_data == b"", "zstandard: not exactly one frame"
    return out


def _chunk_sizes(n: int) -> list[int]:
    """The whole input at once, then pieces of 4099, 7 and 1 bytes while the calls stay few
    (about 10 us a call)."""
    return [max(n, 1)] + [c for c, most in ((4099, 1 << 30), (7, 64 << 10), (1, 2 << 10))
                          if c < n <= most]


def _stream_decode(codec: str, data: bytes, chunk: int, out: list,
                   dictionary: bytes | None = None) -> tuple[bool, bytes]:
    """Feeds data to a Decompressor chunk bytes a call, appending what it returns to out;
    returns (eof, unused_data)."""
    with closing(sc.Decompressor(codec, dictionary=dictionary)) as d:
        for i in range(0, len(data), chunk):
            out.append(d.decompress(data[i:i + chunk]))
        return d.eof, d.unused_data


def _bounded_decode(codec: str, data: bytes, size: int, dictionary: bytes | None,
                    most: int = 4096) -> list[bytes]:
    """The whole input in one call, the output collected at most `most` bytes a call (the
    pending protocol: needs_input stays False until all is collected)."""
    with closing(sc.Decompressor(codec, dictionary=dictionary)) as d:
        out = [d.decompress(data, most)]
        for _ in range(size // most + 2):
            if d.needs_input or d.eof:
                break
            out.append(d.decompress(b"", most))
        assert d.eof and d.unused_data == b"", "bounded output: not at the end"
        return out


def _assert_streams_decode(codec: str, data: bytes, expected: bytes,
                           dictionary: bytes | None = None) -> None:
    """Decompressor in every chunk size, with bounded output, and (no dictionary) the file
    object of stdcompress.open."""
    for chunk in _chunk_sizes(len(data)):
        out: list = []
        eof, unused = _stream_decode(codec, data, chunk, out, dictionary)
        assert (b"".join(out) == expected, eof, unused) == (True, True, b""), f"chunks of {chunk}"
    parts = _bounded_decode(codec, data, len(expected), dictionary)
    assert b"".join(parts) == expected and max(map(len, parts)) <= 4096
    if dictionary is None:
        with sc.open(io.BytesIO(data), codec=codec) as f:
            assert f.read() == expected, "stdcompress.open"


def _stream_encode(data: bytes, level: int, dictionary: bytes | None = None) -> bytes:
    c = sc.Compressor("zstd", level, dictionary=dictionary)  # flush() frees it
    parts = [c.compress(data[i:i + 4099]) for i in range(0, len(data), 4099)]
    return b"".join(parts) + c.flush()


# ---- what the trees hold ----

@pytest.mark.c_facing
def test_the_pinned_trees_hold_the_expected_regression_files():
    assert SOURCES_PROBLEM is None, SOURCES_PROBLEM
    suffixed = [p for p in BROTLI if not p.name.endswith(".compressed")]
    counts = {"zstd golden-decompression": len(DECOMPRESSION),
              "zstd golden-decompression-errors": len(ERRORS),
              "zstd golden-compression": len(COMPRESSION),
              "zstd golden-dictionaries": len(DICTIONARIES),
              "brotli *.compressed": len(BROTLI) - len(suffixed),
              "brotli *.compressed.NN": len(suffixed)}
    assert counts == EXPECTED_COUNTS
    # zstd's doc/decompressor_errata.md: a valid frame libzstd up to 1.5.5 rejected (Debian
    # 12's zstd 1.5.4 still does)
    assert "zeroSeq_2B.zst" in {p.name for p in DECOMPRESSION}
    assert all(p.name.split(".compressed")[1][1:].isdigit() for p in suffixed)
    for p in BROTLI:  # every brotli file has its original beside it
        assert p.with_name(p.name.split(".compressed")[0]).is_file(), p.name


# ---- zstd: golden-decompression ----

@pytest.mark.c_facing
@pytest.mark.parametrize("path", _ids(DECOMPRESSION))
def test_zstd_golden_decodes_one_shot(path):
    data = path.read_bytes()
    ours = sc.zstd_decompress(data)
    assert ours == _zstandard(data)
    if path.name in ZSTD_KNOWN:
        assert ours == ZSTD_KNOWN[path.name]


@pytest.mark.c_facing
@pytest.mark.parametrize("path", _ids(DECOMPRESSION))
def test_zstd_golden_decodes_streaming(path):
    data = path.read_bytes()
    _assert_streams_decode("zstd", data, _zstandard(data))


# ---- zstd: golden-decompression-errors ----

@pytest.mark.c_facing
@pytest.mark.parametrize("path", _ids(ERRORS))
def test_zstd_golden_error_fails_one_shot(path):
    data = path.read_bytes()
    with pytest.raises(zstandard.ZstdError):  # the file is what it says it is
        _zstandard(data)
    with pytest.raises(sc.LibzstdError) as e:
        sc.zstd_decompress(data)
    assert e.value.code == ERROR_CODE


@pytest.mark.c_facing
@pytest.mark.parametrize("path", _ids(ERRORS))
def test_zstd_golden_error_fails_streaming(path):
    """Each of these frames is one block: nothing may be delivered before the error."""
    data = path.read_bytes()
    for chunk in _chunk_sizes(len(data)):
        out: list = []
        with pytest.raises(sc.LibzstdError) as e:
            _stream_decode("zstd", data, chunk, out)
        assert (e.value.code, b"".join(out)) == (ERROR_CODE, b""), f"chunks of {chunk}"


# ---- zstd: golden-compression (and golden-dictionaries) ----

@pytest.mark.c_facing
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("path", _ids(COMPRESSION))
def test_zstd_golden_round_trips(path, level):
    data = path.read_bytes()
    frame = sc.zstd_compress(data, level)
    assert sc.zstd_decompress(frame) == data
    assert _zstandard(frame) == data
    streamed = _stream_encode(data, level)
    assert _zstandard(streamed) == data
    _assert_streams_decode("zstd", streamed, data)


@pytest.mark.c_facing
@pytest.mark.parametrize("path", _ids(COMPRESSION))
@pytest.mark.parametrize("dictionary", _ids(DICTIONARIES))
def test_zstd_golden_round_trips_with_dictionary(dictionary, path):
    """zstd's cli-tests/dictionaries/golden.sh compresses http with http-dict-missing-symbols
    (a dictionary whose entropy tables lack symbols: "allow compression dictionaries with
    missing symbols", zstd 1.4.6); here every golden-compression file, through
    stdcompress.zstd's dictionary calls and the stream, read back by zstandard."""
    d, data = dictionary.read_bytes(), path.read_bytes()
    for level in LEVELS:
        frame = sczstd.ZstdCompressor(level, dict_data=sczstd.ZstdCompressionDict(d)).compress(data)
        assert _zstandard(frame, d) == data, f"level {level}"
        assert sczstd.ZstdDecompressor(dict_data=sczstd.ZstdCompressionDict(d)).decompress(
            frame) == data, f"level {level}"
        streamed = _stream_encode(data, level, d)
        assert _zstandard(streamed, d) == data, f"level {level}"
        _assert_streams_decode("zstd", streamed, data, d)


# ---- brotli: tests/testdata ----

@pytest.mark.c_facing
@pytest.mark.parametrize("path", _ids(BROTLI))
def test_brotli_testdata_decodes_one_shot(path):
    assert sc.brotli_decompress(path.read_bytes()) == _brotli_original(path)


@pytest.mark.c_facing
@pytest.mark.parametrize("path", _ids(BROTLI))
def test_brotli_testdata_decodes_streaming(path):
    _assert_streams_decode("brotli", path.read_bytes(), _brotli_original(path))


# ---- the M engine: every case above that fits one M string, in one M process a mode ----
# key -> (op, codec, level, file), run through conformance's engine host (STDCOMPRESSCONF.m:
# the extrinsic's result on 1, its $ECODE's code on 0).  The golden-compression files are
# compressed in M at each level (the bytes must be the bridge's: the same library) and the
# bridge's frame of each is decompressed in M.

def _engine_cases() -> dict[str, tuple]:
    cases = {}
    for path in DECOMPRESSION:
        cases[f"zstd-{path.name}"] = ("decompress", "zstd", None, path)
    for path in ERRORS:
        cases[f"zstd-error-{path.name}"] = ("decompress", "zstd", None, path)
    for path in COMPRESSION:
        for level in LEVELS:
            cases[f"zstd-compress-L{level}-{path.name}"] = ("compress", "zstd", level, path)
            cases[f"zstd-decompress-L{level}-{path.name}"] = ("decompress", "zstd", level, path)
    for path in BROTLI:
        cases[f"brotli-{path.name}"] = ("decompress", "brotli", None, path)
    return cases


ENGINE_CASES = _engine_cases()


def _engine_case(key: str) -> tuple[Case, bytes | str]:
    """The case M runs, and what it must return: bytes, or the error code."""
    op, codec, level, path = ENGINE_CASES[key]
    data = path.read_bytes()
    if codec == "brotli":
        return Case(key, op, codec, None, data, path), _brotli_original(path)
    if path in ERRORS:
        return Case(key, op, codec, None, data, path), ERROR_CODE
    if level is None:
        return Case(key, op, codec, None, data, path), _zstandard(data)
    frame = sc.zstd_compress(data, level)
    if op == "compress":
        return Case(key, op, codec, level, data, path), frame
    return Case(key, op, codec, None, frame), data


def _fits(case: Case, expected: bytes | str) -> bool:
    return len(case.data) <= M_MAX and (isinstance(expected, str) or len(expected) <= M_MAX)


@pytest.fixture(scope="module")
def m_outcomes():
    """mode -> {key: Outcome}, each mode's cases run in one M process (lazily)."""
    if SANITIZED:  # as tests/test_engine.py, which is not c_facing
        pytest.skip("engine tests run in the plain suite: mumps does not run under the "
                    "sanitizer run's preloaded ASan runtime")
    runs = {}

    def get(mode):
        if mode not in runs:
            host = EngineHost(mode)
            why = host.unavailable()
            if why:
                pytest.skip(f"{host.name}: {why}")
            cases = [_engine_case(key) for key in ENGINE_CASES]
            runs[mode] = host.run([case for case, expected in cases if _fits(case, expected)])
        return runs[mode]

    return get


@pytest.mark.engine
@pytest.mark.parametrize("key", sorted(ENGINE_CASES))
@pytest.mark.parametrize("mode", MODES)
def test_m_engine(m_outcomes, mode, key):
    case, expected = _engine_case(key)
    if not _fits(case, expected):
        pytest.skip("input or result larger than one M string")
    outcome = m_outcomes(mode)[key]
    if isinstance(expected, str):  # the M call returned 0, $ECODE ,U-STDCOMPRESS-<code>,
        assert (outcome.result, outcome.error and outcome.error[0]) == (None, expected)
    else:
        assert outcome.error is None, outcome.error
        assert outcome.result == expected
