"""LZ4 (size-prefixed blocks, raw blocks, lz4(1) frames) and brotli through the public Python API
over the real C library: the properties test_codecs.py checks for the deflate family and zstd
(round trips, independent decoders, levels, limits, hostile input), plus each format's own rules.
Independent decoders: the lz4 and brotli CLIs, and python-lz4 for blocks (no CLI reads them)."""

import hashlib
import shutil
import struct
import subprocess
import time

import pytest

import stdcompress as sc
from samples import MAX, SAMPLES, TEXT, pseudo_random, run_threads
from stdcompress import _runtime

pytestmark = pytest.mark.c_facing

LIMITS = sc.limits()
HAVE_LZ4_CLI = shutil.which("lz4") is not None
HAVE_BROTLI_CLI = shutil.which("brotli") is not None
needs_lz4_cli = pytest.mark.skipif(not HAVE_LZ4_CLI, reason="needs the lz4 CLI")
needs_brotli_cli = pytest.mark.skipif(not HAVE_BROTLI_CLI, reason="needs the brotli CLI")

try:
    import lz4.block as pylz4_block
except ImportError:  # optional: the CLI-based checks still run
    pylz4_block = None
needs_pylz4 = pytest.mark.skipif(pylz4_block is None, reason="python-lz4 is not installed")




# codec -> (compress(data[, level]), decompress(packed, data) -> bytes, error class)
CODECS = {
    "lz4": (sc.lz4_compress, lambda packed, data: sc.lz4_decompress(packed), sc.Liblz4Error),
    "lz4block": (sc.lz4_block_compress,
                 lambda packed, data: sc.lz4_block_decompress(packed, len(data)), sc.Liblz4Error),
    "lz4frame": (sc.lz4_frame_compress, lambda packed, data: sc.lz4_frame_decompress(packed),
                 sc.Liblz4Error),
    "brotli": (sc.brotli_compress, lambda packed, data: sc.brotli_decompress(packed),
               sc.LibbrotliError),
}
LEVELS = {c: (LIMITS["lz4_level_min"], LIMITS["lz4_level_max"]) for c in ("lz4", "lz4block", "lz4frame")}
LEVELS["brotli"] = (LIMITS["brotli_quality_min"], LIMITS["brotli_quality_max"])
DEFAULT = {"lz4": 1, "lz4block": 1, "lz4frame": 1, "brotli": 11}


def cli(argv, data=b"", check=True):
    return subprocess.run(argv, input=data, capture_output=True, check=check).stdout


def on_file(argv, data, tmp_path, name="data.bin"):
    """Runs `argv path` on a file holding data (lz4 and brotli store what they learn from it)."""
    path = tmp_path / name
    path.write_bytes(data)
    return cli(argv + [str(path)])


def independent(codec, packed, data):
    """Decodes with a decoder that shares no code path with stdcompress (None: none here)."""
    if codec == "lz4frame" and HAVE_LZ4_CLI:
        return cli(["lz4", "-d", "-c"], packed)
    if codec == "brotli" and HAVE_BROTLI_CLI:
        return cli(["brotli", "-d", "-c"], packed)
    if codec == "lz4" and pylz4_block is not None:
        return pylz4_block.decompress(packed)
    if codec == "lz4block" and pylz4_block is not None:
        return pylz4_block.decompress(packed, uncompressed_size=len(data))
    return None


# ---- the properties every codec has ----

@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize("sample", SAMPLES)
def test_round_trip(codec, sample):
    comp, decomp, _ = CODECS[codec]
    data = SAMPLES[sample]
    packed = comp(data, 5) if codec == "brotli" and sample == "near_cap" else comp(data)
    assert decomp(packed, data) == data
    if sample != "near_cap" or codec != "brotli":
        got = independent(codec, packed, data)
        assert got is None or got == data


@pytest.mark.parametrize("codec", CODECS)
def test_accepts_any_bytes_like(codec):
    comp, decomp, _ = CODECS[codec]
    data = TEXT
    expected = comp(data)
    for form in (bytearray(data), memoryview(data), memoryview(bytearray(data))):
        assert comp(form) == expected
    assert decomp(bytearray(expected), data) == data
    assert decomp(memoryview(expected), data) == data


@pytest.mark.parametrize("codec", CODECS)
def test_str_is_type_error(codec):
    comp, decomp, _ = CODECS[codec]
    with pytest.raises(TypeError):
        comp("text")
    with pytest.raises(TypeError):
        decomp("text", b"text")


@pytest.mark.parametrize("codec", CODECS)
def test_default_level_is_the_documented_one(codec):
    comp = CODECS[codec][0]
    key = "brotli_quality_default" if codec == "brotli" else "lz4_level_default"
    assert LIMITS[key] == DEFAULT[codec]
    assert comp(TEXT) == comp(TEXT, DEFAULT[codec])
    other = 5 if codec == "brotli" else 9
    assert comp(TEXT, other) != comp(TEXT)  # so the comparison above means something


@pytest.mark.parametrize("codec", CODECS)
def test_every_level_in_range_round_trips(codec):
    comp, decomp, _ = CODECS[codec]
    lo, hi = LEVELS[codec]
    levels = [lv for lv in range(max(lo, -7), hi + 1) if lv != 0 or codec == "brotli"] + [lo]
    for level in levels:
        assert decomp(comp(TEXT, level), TEXT) == TEXT, level


@pytest.mark.parametrize("codec", CODECS)
def test_bad_levels(codec):
    comp = CODECS[codec][0]
    lo, hi = LEVELS[codec]
    bad = (hi + 1, lo - 1, 2**40, -(2**40)) + ((0,) if codec != "brotli" else ())
    for level in bad:
        with pytest.raises(sc.BadLevelError) as e:
            comp(b"data", level)
        assert e.value.code == "BAD-LEVEL"
        assert str(level) in e.value.message
    with pytest.raises(TypeError):
        comp(b"data", 6.0)
    with pytest.raises(TypeError):
        comp(b"data", True)


@pytest.mark.parametrize("codec", CODECS)
def test_result_over_the_limit(codec):
    """OUTPUT-TOO-LARGE for the entry M calls; the Python function goes on past 1 MiB."""
    comp, decomp, _ = CODECS[codec]
    args = (1,) if codec == "brotli" else ()
    entry = {"lz4": "lz4Compress", "lz4block": "lz4BlockCompress",
             "lz4frame": "lz4FrameCompress", "brotli": "brotliCompress"}[codec]
    data = pseudo_random(MAX)
    ret, _ = _runtime.default().call(entry, data, None, *args)
    assert ret == -3  # OUTPUT-TOO-LARGE
    assert decomp(comp(data, *args), data) == data


@pytest.mark.parametrize("codec", CODECS)
def test_exactly_max_output_is_allowed(codec):
    comp, decomp, _ = CODECS[codec]
    data = b"\1" * MAX
    packed = comp(data, 5) if codec == "brotli" else comp(data)
    assert decomp(packed, data) == data


@pytest.mark.parametrize("codec", CODECS)
def test_corrupt_and_truncated(codec):
    comp, decomp, error = CODECS[codec]
    packed = comp(TEXT)
    for cut in (1, 2, len(packed) // 2, len(packed) - 1):
        with pytest.raises(error):
            decomp(packed[:cut], TEXT)
    flipped = bytearray(packed)
    flipped[len(flipped) // 2] ^= 0x55
    try:
        result = decomp(bytes(flipped), TEXT)
    except (sc.DataError, sc.OutputTooLargeError):
        pass
    else:  # LZ4 blocks carry no checksum: a flip may decode, but never to the plaintext
        assert codec in ("lz4", "lz4block") and result != TEXT
    # (for a size-prefixed block, "this" is a prefix of 1.9 GB: over the limit before all else)
    with pytest.raises((error, sc.OutputTooLargeError) if codec == "lz4" else error):
        decomp(b"this is not compressed data at all", TEXT)


@pytest.mark.parametrize("codec", CODECS)
def test_trailing_bytes_are_an_error(codec):
    comp, decomp, error = CODECS[codec]
    with pytest.raises(error) as e:
        decomp(comp(TEXT) + b"\x00junk", TEXT)
    assert "trailing" in e.value.message


def test_empty_input_to_decoders():
    """LZ4 frames are zero or more (as lz4 -d); a block, sized or raw, and a brotli stream
    have at least one byte (as brotli -d)."""
    assert sc.lz4_frame_decompress(b"") == b""
    for call in (lambda: sc.lz4_decompress(b""), lambda: sc.lz4_block_decompress(b"", 0)):
        with pytest.raises(sc.Liblz4Error):
            call()
    with pytest.raises(sc.LibbrotliError):
        sc.brotli_decompress(b"")
    # empty plaintexts
    assert sc.lz4_compress(b"") == b"\0\0\0\0\0"  # python-lz4 writes the same
    assert sc.lz4_block_compress(b"") == b"\0"
    assert sc.lz4_block_decompress(b"\0", 0) == b""


# ---- LZ4 blocks ----

def test_size_prefix_claiming_4_gib_fails_fast():
    """The prefix is checked against the limit (1 MiB for M, LZ4's for Python) before anything
    is decoded or allocated."""
    hostile = struct.pack("<I", 0xFFFFFFFF) + sc.lz4_block_compress(b"x" * 100)
    with pytest.raises(sc.OutputTooLargeError) as e:
        sc.lz4_decompress(hostile)
    assert "4294967295" in e.value.message
    start = time.perf_counter()
    for _ in range(2000):
        with pytest.raises(sc.OutputTooLargeError):
            sc.lz4_decompress(hostile)
    assert time.perf_counter() - start < 2.0  # no 4 GiB allocation (or zeroing) 2000 times
    over = struct.pack("<I", MAX + 1) + sc.lz4_block_compress(b"\0" * MAX)
    assert _runtime.default().call("lz4Decompress", over, None)[0] == -3  # one byte over
    with pytest.raises(sc.Liblz4Error):  # Python: within LZ4's limit, the exact size rule
        sc.lz4_decompress(over)


def test_size_prefix_must_be_exact():
    packed = bytearray(sc.lz4_compress(TEXT))
    for wrong in (len(TEXT) - 1, len(TEXT) + 1, 0):
        packed[:4] = struct.pack("<I", wrong)
        with pytest.raises(sc.Liblz4Error):
            sc.lz4_decompress(bytes(packed))
    with pytest.raises(sc.Liblz4Error) as e:
        sc.lz4_decompress(b"\x05\0\0")
    assert "size prefix" in e.value.message


def test_raw_block_size_argument():
    raw = sc.lz4_block_compress(TEXT)
    assert sc.lz4_compress(TEXT) == struct.pack("<I", len(TEXT)) + raw
    assert sc.lz4_block_decompress(raw, len(TEXT)) == TEXT
    for wrong in (len(TEXT) - 1, len(TEXT) + 1, 0):
        with pytest.raises(sc.Liblz4Error):
            sc.lz4_block_decompress(raw, wrong)
    with pytest.raises(sc.BadArgumentsError):
        sc.lz4_block_decompress(raw, -1)
    with pytest.raises(sc.Liblz4Error):  # over 1 MiB: the any-size path, the exact size rule
        sc.lz4_block_decompress(raw, MAX + 1)
    for huge in (2**32, 2**40):  # over LZ4's limit
        with pytest.raises(sc.OutputTooLargeError):
            sc.lz4_block_decompress(raw, huge)
    with pytest.raises(TypeError):
        sc.lz4_block_decompress(raw, float(len(TEXT)))
    with pytest.raises(TypeError):
        sc.lz4_block_decompress(raw)  # the size is not optional


def test_raw_block_entry_without_its_size_is_bad_args():
    rt = _runtime.default()
    raw = sc.lz4_block_compress(TEXT)
    ret, _ = rt.call("lz4BlockDecompress", raw, None)
    assert ret == -1
    assert rt.call("lastError", None)[1][0].startswith(b"BAD-ARGS lz4BlockDecompress")


@needs_pylz4
@pytest.mark.parametrize("sample", ["ascii", "all_bytes", "text", "random", "near_cap"])
def test_python_lz4_blocks_decode_with_ours(sample):
    data = SAMPLES[sample]
    for kwargs in ({}, {"mode": "fast", "acceleration": 8},
                   {"mode": "high_compression", "compression": 9}):
        packed = pylz4_block.compress(data, **kwargs)
        assert sc.lz4_decompress(packed) == data
        raw = pylz4_block.compress(data, store_size=False, **kwargs)
        assert sc.lz4_block_decompress(raw, len(data)) == data


def test_hc_blocks_match_python_lz4_of_the_same_liblz4():
    # The installed python-lz4 may link another liblz4; invoke setup builds one against ours.
    from pylz4_stream_peer import load_block
    block = load_block()
    assert block is not None, "build/pylz4-stream is not built (invoke setup builds it)"
    for level in (2, 3, 9, 12):  # lz4 1.10: HC from level 2 (LZ4HC_CLEVEL_MIN)
        assert sc.lz4_compress(TEXT, level) == block.compress(
            TEXT, mode="high_compression", compression=level)


# ---- LZ4 frames ----

def frame_flags(frame):
    assert frame[:4] == struct.pack("<I", 0x184D2204)
    flg = frame[4]
    return {"content_size": bool(flg & 0x08), "content_checksum": bool(flg & 0x04),
            "block_checksum": bool(flg & 0x10), "independent": bool(flg & 0x20)}


def xxh32(data, seed=0):
    """XXH32, for frame header checksums in hand-made frames."""
    p1, p2, p3, p4, p5 = 2654435761, 2246822519, 3266489917, 668265263, 374761393
    m = 0xFFFFFFFF

    def rotl(x, r):
        return ((x << r) | (x >> (32 - r))) & m

    def rnd(acc, lane):
        return (rotl((acc + lane * p2) & m, 13) * p1) & m

    n, i = len(data), 0
    if n >= 16:
        v = [(seed + p1 + p2) & m, (seed + p2) & m, seed & m, (seed - p1) & m]
        while i + 16 <= n:
            for k in range(4):
                v[k] = rnd(v[k], int.from_bytes(data[i + 4 * k:i + 4 * k + 4], "little"))
            i += 16
        h = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18)) & m
    else:
        h = (seed + p5) & m
    h = (h + n) & m
    while i + 4 <= n:
        h = (rotl((h + int.from_bytes(data[i:i + 4], "little") * p3) & m, 17) * p4) & m
        i += 4
    while i < n:
        h = (rotl((h + data[i] * p5) & m, 11) * p1) & m
        i += 1
    h ^= h >> 15
    h = (h * p2) & m
    h ^= h >> 13
    h = (h * p3) & m
    return h ^ (h >> 16)


def with_content_size(frame, size):
    """Our frame (content size present) with another declared size and a valid header checksum."""
    assert frame_flags(frame)["content_size"] and not frame[4] & 0x01
    descriptor = frame[4:6] + struct.pack("<Q", size)
    return frame[:4] + descriptor + bytes([xxh32(descriptor) >> 8 & 0xFF]) + frame[15:]


def test_our_frames_carry_content_size_and_checksum():
    frame = sc.lz4_frame_compress(TEXT)
    assert frame_flags(frame) == {"content_size": True, "content_checksum": True,
                                  "block_checksum": False, "independent": True}
    assert struct.unpack("<Q", frame[6:14])[0] == len(TEXT)
    assert with_content_size(frame, len(TEXT)) == frame  # the helper agrees with LZ4F
    # LZ4F cannot say "0 bytes" (0 means unknown): an empty frame has no content size
    assert frame_flags(sc.lz4_frame_compress(b""))["content_size"] is False


def test_frame_declaring_4_gib_fails_before_decoding():
    frame = sc.lz4_frame_compress(b"x" * 100)
    rt = _runtime.default()
    assert rt.call("lz4FrameDecompress", with_content_size(frame, 1 << 32), None)[0] == -3
    assert rt.call("lz4FrameDecompress", frame + with_content_size(frame, MAX), None)[0] == -3
    with pytest.raises(sc.Liblz4Error):  # Python decodes it: the claim is false
        sc.lz4_frame_decompress(with_content_size(frame, 1 << 32))
    with pytest.raises(sc.Liblz4Error):  # a smaller claim than the content: LZ4F checks it
        sc.lz4_frame_decompress(with_content_size(frame, 50))


def test_frames_concatenated_and_skippable():
    a, b = b"alpha " * 100, b"beta " * 1000
    skippable = struct.pack("<II", 0x184D2A5A, 5) + b"12345"
    assert sc.lz4_frame_decompress(skippable + sc.lz4_frame_compress(a) + skippable +
                                   sc.lz4_frame_compress(b) + skippable) == a + b
    assert sc.lz4_frame_decompress(skippable) == b""
    with pytest.raises(sc.Liblz4Error, match="trailing"):
        sc.lz4_frame_decompress(sc.lz4_frame_compress(a) + b"\0")
    with pytest.raises(sc.Liblz4Error, match="truncated"):  # a frame's start, then nothing
        sc.lz4_frame_decompress(sc.lz4_frame_compress(a) + sc.lz4_frame_compress(b)[:9])


def test_frame_bound_over_the_output_still_delivers():
    """An input near 1 MiB whose frame fits 1 MiB although LZ4F's worst-case bound does not."""
    data = SAMPLES["near_cap"]
    frame = sc.lz4_frame_compress(data)
    assert len(frame) < MAX
    assert sc.lz4_frame_decompress(frame) == data


@needs_lz4_cli
def test_frame_decoded_past_the_limit_is_output_too_large():
    bomb = cli(["lz4", "-c"], b"\0" * (MAX + 1))  # from a pipe: no content size
    assert not frame_flags(bomb)["content_size"]
    assert _runtime.default().call("lz4FrameDecompress", bomb, None)[0] == -3
    assert sc.lz4_frame_decompress(bomb) == b"\0" * (MAX + 1)  # Python: any size


@needs_lz4_cli
def test_legacy_frames_are_refused():
    legacy = cli(["lz4", "-l", "-c"], TEXT)
    with pytest.raises(sc.Liblz4Error, match="legacy"):
        sc.lz4_frame_decompress(legacy)


@needs_lz4_cli
@pytest.mark.parametrize("sample", ["empty", "ascii", "all_bytes", "text", "random", "near_cap"])
def test_lz4_cli_accepts_our_frames_and_we_accept_its(sample, tmp_path):
    data = SAMPLES[sample]
    ours = sc.lz4_frame_compress(data)
    assert cli(["lz4", "-d", "-c"], ours) == data
    path = tmp_path / "x.lz4"
    path.write_bytes(ours)
    subprocess.run(["lz4", "-t", str(path)], capture_output=True, check=True)  # checks the checksum
    for argv in (["lz4", "-c"], ["lz4", "-9", "-c"], ["lz4", "--content-size", "-c"],
                 ["lz4", "--fast=3", "-c"], ["lz4", "-BD", "-B4", "-c"], ["lz4", "-BX", "-c"],
                 ["lz4", "--no-frame-crc", "-c"]):
        assert sc.lz4_frame_decompress(on_file(argv, data, tmp_path)) == data, argv
        assert sc.lz4_frame_decompress(cli(argv, data)) == data, argv  # from a pipe


@needs_lz4_cli
def test_linked_blocks_with_checksums_from_the_cli(tmp_path):
    data = SAMPLES["near_cap"]
    frame = on_file(["lz4", "-BD", "-B4", "-BX", "--content-size", "-c"], data, tmp_path)
    flags = frame_flags(frame)
    assert flags["block_checksum"] and not flags["independent"] and flags["content_size"]
    assert sc.lz4_frame_decompress(frame) == data
    frames = on_file(["lz4", "-c"], data[:1000], tmp_path, "a") + \
        on_file(["lz4", "-9", "-c"], data[1000:5000], tmp_path, "b")
    assert sc.lz4_frame_decompress(frames + sc.lz4_frame_compress(b"end")) == data[:5000] + b"end"


def same_version_cli(name: str, version_of) -> str:
    """The CLI built from the same codec sources as the library: the bundled codecs' own (the
    default build) or, for a --system-libs build, the system's when its version is the library's."""
    v = sc.versions()
    if v["codecs"] == "bundled":
        from third_party.codecs import program
        return str(program(name))
    if shutil.which(name) is None:
        pytest.skip(f"needs the {name} CLI")
    found = version_of(cli([name, "--version"]).decode())
    if found != v[f"lib{name}"]:
        pytest.skip(f"the {name} CLI is version {found}, the library {v[f'lib{name}']}")
    return name


def test_our_frames_are_the_bytes_lz4_writes(tmp_path):
    """Same liblz4: lz4FrameCompress at level N is `lz4 -N --content-size FILE`, -N is --fast=N."""
    lz4 = same_version_cli("lz4", lambda text: text.split(" v", 1)[1].split(None, 1)[0])
    assert f"v{sc.versions()['liblz4']}" in cli([lz4, "--version"]).decode()
    for level in (1, 2, 3, 9, 12, -1, -5):
        opt = f"-{level}" if level > 0 else f"--fast={-level}"
        for data in (TEXT, SAMPLES["random"], SAMPLES["near_cap"]):
            assert sc.lz4_frame_compress(data, level) == on_file(
                [lz4, opt, "--content-size", "-c"], data, tmp_path), level


# ---- brotli ----

def test_brotli_window():
    for lgwin in range(LIMITS["brotli_lgwin_min"], LIMITS["brotli_lgwin_max"] + 1):
        assert sc.brotli_decompress(sc.brotli_compress(TEXT, 5, lgwin)) == TEXT
    assert sc.brotli_compress(TEXT, None, LIMITS["brotli_lgwin_default"]) == sc.brotli_compress(TEXT)
    assert sc.brotli_compress(TEXT, 5, 22) == sc.brotli_compress(TEXT, 5)
    for lgwin in (LIMITS["brotli_lgwin_min"] - 1, LIMITS["brotli_lgwin_max"] + 1, 30, -1):
        with pytest.raises(sc.BadArgumentsError) as e:
            sc.brotli_compress(TEXT, 5, lgwin)
        assert e.value.code == "BAD-ARGS" and "lgwin" in e.value.message
    with pytest.raises(TypeError):
        sc.brotli_compress(TEXT, 5, 16.0)


@needs_brotli_cli
def test_brotli_decoded_past_the_limit_is_output_too_large():
    bomb = cli(["brotli", "-c"], b"\0" * (MAX + 1))
    assert len(bomb) < 100
    assert _runtime.default().call("brotliDecompress", bomb, None)[0] == -3
    assert sc.brotli_decompress(bomb) == b"\0" * (MAX + 1)  # Python: any size


@needs_brotli_cli
@pytest.mark.parametrize("sample", ["empty", "ascii", "all_bytes", "text", "random", "near_cap"])
def test_brotli_cli_accepts_ours_and_we_accept_its(sample, tmp_path):
    data = SAMPLES[sample]
    quality = 5 if sample == "near_cap" else None
    assert cli(["brotli", "-d", "-c"], sc.brotli_compress(data, quality)) == data
    for argv in (["brotli", "-c"], ["brotli", "-q", "5", "-c"], ["brotli", "-w", "16", "-c"],
                 ["brotli", "-q", "0", "-c"]):
        if sample == "near_cap" and "-q" not in argv:
            argv = argv[:1] + ["-q", "9"] + argv[1:]
        assert sc.brotli_decompress(on_file(argv, data, tmp_path)) == data, argv
        assert sc.brotli_decompress(cli(argv, data)) == data, argv


def test_our_brotli_is_the_bytes_brotli_writes(tmp_path):
    """Same libbrotli, the same parameters (quality, window, size hint): the same stream."""
    brotli = same_version_cli("brotli", lambda text: text.split()[-1])
    assert cli([brotli, "--version"]).decode().split()[-1] == sc.versions()["libbrotli"]
    for quality, lgwin in ((0, 22), (1, 22), (5, 16), (9, 10), (11, 22), (11, 24)):
        assert sc.brotli_compress(TEXT, quality, lgwin) == on_file(
            [brotli, "-q", str(quality), "-w", str(lgwin), "-c"], TEXT, tmp_path)


# ---- the C side as the runtime drives it ----

ENTRIES = ["lz4Compress", "lz4Decompress", "lz4BlockCompress", "lz4BlockDecompress",
           "lz4FrameCompress", "lz4FrameDecompress", "brotliCompress", "brotliDecompress"]


@pytest.mark.parametrize("name", ENTRIES)
def test_too_few_arguments_is_an_error_not_a_crash(name):
    rt = _runtime.default()
    for args in ((), (b"data",)):
        ret, _ = rt.call(name, *args)
        assert ret == -1
        assert rt.call("lastError", None)[1][0].startswith(b"BAD-ARGS ")


@pytest.mark.parametrize("name", [e for e in ENTRIES if "Compress" in e])
def test_every_tier_gives_the_same_bytes(name):
    rt = _runtime.default()
    data = b"tiered output " * 30
    results = {rt.call(name + tier, data, None, 5)[1][0] for tier in ("", "64k", "1k")}
    assert len(results) == 1


@pytest.mark.parametrize("name", ENTRIES)
def test_compiled_trampoline_and_pure_cffi_path_agree(name):
    rt = _runtime.default()
    data = sc.lz4_compress(TEXT) if name == "lz4Decompress" else \
        sc.lz4_block_compress(TEXT) if name == "lz4BlockDecompress" else \
        sc.lz4_frame_compress(TEXT) if name == "lz4FrameDecompress" else \
        sc.brotli_compress(TEXT) if name == "brotliDecompress" else TEXT
    argsets = {"lz4BlockDecompress": [(len(TEXT),), (5,)], "brotliCompress": [(), (5,), (5, 16), (5, 9)]}
    for ints in argsets.get(name, [()] + ([(9,), (0,)] if "Compress" in name else [])):
        for tier in ("", "64k", "1k"):
            fast = rt.string_op(name + tier)(data, *ints)
            slow = rt.string_op(name + tier, use_trampoline=False)(data, *ints)
            assert fast == slow, (name, tier, ints)


def test_held_results_are_collected():
    rt = _runtime.default()
    frame = sc.lz4_frame_compress(b"a" * 100000)
    ret, (out,) = rt.call("lz4FrameDecompress1k", frame, None)
    assert ret == 100000 and out == b""
    assert rt.call("take", None) == (0, [b"a" * 100000])
    assert sc.brotli_decompress(sc.brotli_compress(b"b" * 500000, 5)) == b"b" * 500000


def test_limits_and_versions():
    assert LIMITS["lz4_level_min"] == -65536 and LIMITS["lz4_level_max"] == 12
    assert (LIMITS["brotli_quality_min"], LIMITS["brotli_quality_max"]) == (0, 11)
    assert (LIMITS["brotli_lgwin_min"], LIMITS["brotli_lgwin_max"],
            LIMITS["brotli_lgwin_default"]) == (10, 24, 22)
    v = sc.versions()
    if HAVE_LZ4_CLI and v["codecs"] == "system":  # the CLI links the system's liblz4
        assert f"v{v['liblz4']}" in cli(["lz4", "--version"]).decode()
    assert v["libbrotli"].count(".") == 2
    assert sc.available() == ""


def test_errors_carry_codes():
    with pytest.raises(sc.StdcompressError) as e:
        sc.lz4_frame_decompress(b"\x04\x22\x4d\x18 garbage")
    assert isinstance(e.value, sc.Liblz4Error) and e.value.code == "LIBLZ4-FAIL"
    assert str(e.value).startswith("LIBLZ4-FAIL: lz4FrameDecompress:")
    with pytest.raises(sc.LibbrotliError) as e:
        sc.brotli_decompress(b"\xff\xff garbage")
    assert e.value.code == "LIBBROTLI-FAIL" and isinstance(e.value, sc.DataError)


def test_threads_match_a_serial_run():
    jobs = [(c, SAMPLES[s]) for c in CODECS for s in ("ascii", "text", "random", "repetitive")]
    level = {"brotli": 5}
    serial = [CODECS[c][0](d, level.get(c, 1)) for c, d in jobs]

    def worker():
        for _ in range(10):
            for (c, d), want in zip(jobs, serial):
                got = CODECS[c][0](d, level.get(c, 1))
                assert got == want
                assert CODECS[c][1](got, d) == d

    assert run_threads(worker, [()] * 4) == []


# ---- hostile input: mutations of valid input never crash, hang or pass silently ----

def _mutations(packed: bytes, seed: str, count: int):
    """Deterministic byte flips, truncations, insertions and header rewrites of `packed`."""
    stream = (hashlib.sha256(f"{seed}:{i}".encode()).digest() for i in range(count))
    for d in stream:
        b = bytearray(packed)
        kind, at = d[0] % 5, int.from_bytes(d[1:5], "little") % max(len(b), 1)
        if kind == 0 and b:
            b[at] ^= d[5] | 1
        elif kind == 1:
            b = b[:at]
        elif kind == 2:
            b[at:at] = d[6:6 + 1 + d[5] % 16]
        elif kind == 3 and len(b) > 16:  # rewrite a header byte (frame flags, sizes, prefix)
            b[d[5] % 16] = d[6]
        else:
            b += d[6:6 + d[5] % 8]
        yield bytes(b)


@pytest.mark.parametrize("codec", CODECS)
def test_mutated_input_fails_cleanly(codec):
    comp, decomp, _ = CODECS[codec]
    data = SAMPLES["text"]
    packed = comp(data)
    for mutated in _mutations(packed, codec, 400):
        try:
            got = decomp(mutated, data)
        except (sc.DataError, sc.OutputTooLargeError, sc.BadArgumentsError):
            continue
        # only blocks (no checksum) may decode a mutation, and never to more than allowed
        assert len(got) <= MAX
        if codec not in ("lz4", "lz4block"):
            assert got == data, "a frame or stream with a checksum decoded a mutation"


def test_frame_walk_survives_hostile_headers():
    """The content-size walk reads headers and block sizes of hostile frames: every flag
    combination and block size, declared sizes near every limit, cut at every length."""
    base = sc.lz4_frame_compress(b"y" * 3000)
    for flg in range(256):
        for bsize in (0, 1, 4, 0x7FFFFFFF, 0xFFFFFFFF):
            frame = bytearray(base)
            frame[4] = flg
            frame[15:19] = struct.pack("<I", bsize)
            for cut in (len(frame), 19, 15, 9, 5):
                try:
                    sc.lz4_frame_decompress(bytes(frame[:cut]))
                except (sc.Liblz4Error, sc.OutputTooLargeError):
                    pass
