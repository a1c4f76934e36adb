"""stdcompress: gzip, deflate, zlib, zstd, LZ4, brotli and xz over the C call-outs M programs use.

Every function takes any bytes-like object and returns bytes.  Results are limited to 1 MiB
(the M string limit): a larger one raises OutputTooLargeError.  Failures raise subclasses of
StdcompressError whose ``.code`` is the code M sees in $ECODE.  Thread safe; the GIL is
released while the C code runs.
"""

from __future__ import annotations

from . import _bindings
from .errors import (BadArgumentsError, BadLevelError, CalloutMissingError, DataError,
                     HandleLimitError, InvalidHandleError, LibbrotliError, Liblz4Error,
                     LiblzmaError, LibzError, LibzstdError, NoMemoryError, NothingHeldError,
                     OutputTooLargeError, RuntimeCheckError, StdcompressError)

__version__ = "0.1.0"

__all__ = [
    "gzip", "gunzip", "deflate", "inflate", "zlib", "unzlib", "zstd_compress",
    "zstd_decompress", "available", "versions", "limits", "StdcompressError",
    "BadArgumentsError", "BadLevelError", "CalloutMissingError", "DataError", "LibzError",
    "LibzstdError", "Liblz4Error", "LibbrotliError", "LiblzmaError", "InvalidHandleError", "HandleLimitError",
    "NoMemoryError", "NothingHeldError", "OutputTooLargeError", "RuntimeCheckError",
]


def gzip(data, level: int | None = None) -> bytes:
    """RFC 1952 gzip member. Level 1..9, default 6; anything else is BadLevelError (the seed
    module's range; libdeflate's strongest 10..12: gzip_best)."""
    return _bindings.compress("gzip", data, level)


def gunzip(data) -> bytes:
    """Decodes one or more concatenated gzip members; trailing bytes are an error."""
    return _bindings.decompress("gunzip", data)


def deflate(data, level: int | None = None) -> bytes:
    """Raw RFC 1951 deflate stream. Level as gzip (1..9, default 6)."""
    return _bindings.compress("deflate", data, level)


def inflate(data) -> bytes:
    """Decodes one raw deflate stream; trailing bytes are an error."""
    return _bindings.decompress("inflate", data)


def zlib(data, level: int | None = None) -> bytes:
    """RFC 1950 zlib stream. Level as gzip (1..9, default 6)."""
    return _bindings.compress("zlib", data, level)


def unzlib(data) -> bytes:
    """Decodes one zlib stream; trailing bytes are an error."""
    return _bindings.decompress("unzlib", data)


# ---- libdeflate's slow, strongest levels (10..12, default 12), apart from the seed's 1..9 ----
__all__ += ["gzip_best", "deflate_best", "zlib_best"]


def gzip_best(data, level: int | None = None) -> bytes:
    """gzip at libdeflate's level 10..12 (default 12): smaller than level 9, many times slower.
    Decoded by gunzip like any gzip member."""
    return _bindings.compress("gzipBest", data, level)


def deflate_best(data, level: int | None = None) -> bytes:
    """Raw deflate at libdeflate's level 10..12 (default 12)."""
    return _bindings.compress("deflateBest", data, level)


def zlib_best(data, level: int | None = None) -> bytes:
    """zlib at libdeflate's level 10..12 (default 12)."""
    return _bindings.compress("zlibBest", data, level)

# ---- end of the strongest levels ----


def zstd_compress(data, level: int | None = None) -> bytes:
    """One zstd frame with content size and checksum. Level 1..22 or negative fast levels
    down to limits()['zstd_level_min']; default 3."""
    return _bindings.compress("zstdCompress", data, level)


def zstd_decompress(data) -> bytes:
    """Decodes one or more zstd frames (skippable frames allowed); trailing bytes are an error."""
    return _bindings.decompress("zstdDecompress", data)


# ---- LZ4 and brotli (one-shot) ----
# LZ4 levels, blocks and frames alike, as lz4(1) reads them: 1 (default) and 2 are LZ4 fast,
# 3..12 LZ4HC, -N LZ4 fast with acceleration N+1 (`lz4 --fast=N`) down to
# limits()['lz4_level_min']; 0 is BadLevelError.

__all__ += ["lz4_compress", "lz4_decompress", "lz4_block_compress", "lz4_block_decompress",
            "lz4_frame_compress", "lz4_frame_decompress", "brotli_compress", "brotli_decompress"]


def lz4_compress(data, level: int | None = None) -> bytes:
    """An LZ4 block after a 4-byte little-endian original size: the format of python-lz4's
    ``lz4.block.compress(data)`` (store_size=True). Default level 1."""
    return _bindings.compress("lz4Compress", data, level)


def lz4_decompress(data) -> bytes:
    """Decodes a size-prefixed LZ4 block (lz4_compress, python-lz4's lz4.block). The prefix is
    checked against the 1 MiB limit first; the block must decode to exactly that size."""
    return _bindings.decompress("lz4Decompress", data)


def lz4_block_compress(data, level: int | None = None) -> bytes:
    """One raw LZ4 block, no size: keep the size yourself for lz4_block_decompress."""
    return _bindings.compress("lz4BlockCompress", data, level)


def lz4_block_decompress(data, size: int) -> bytes:
    """Decodes one raw LZ4 block that must decode to exactly ``size`` bytes (0..1 MiB)."""
    return _bindings.call_ints("lz4BlockDecompress", data, size, decoding=True)


def lz4_frame_compress(data, level: int | None = None) -> bytes:
    """One LZ4 frame (the lz4(1) format) with content size and content checksum: the bytes of
    ``lz4 -N --content-size FILE``. Default level 1."""
    return _bindings.compress("lz4FrameCompress", data, level)


def lz4_frame_decompress(data) -> bytes:
    """Decodes one or more LZ4 frames (skippable frames allowed, checksums verified); trailing
    bytes are an error, an empty input is zero frames."""
    return _bindings.decompress("lz4FrameDecompress", data)


def brotli_compress(data, quality: int | None = None, lgwin: int | None = None) -> bytes:
    """One brotli stream (RFC 7932). Quality 0..11, default 11 (BadLevelError outside); window
    lgwin 10..24 bits, default 22 (BadArgumentsError outside)."""
    if lgwin is None:
        return _bindings.compress("brotliCompress", data, quality)
    if quality is None:
        quality = limits()["brotli_quality_default"]
    return _bindings.call_ints("brotliCompress", data, quality, lgwin)


def brotli_decompress(data) -> bytes:
    """Decodes exactly one brotli stream; truncated input and trailing bytes are errors."""
    return _bindings.decompress("brotliDecompress", data)

# ---- end of LZ4 and brotli ----


# ---- xz (the .xz format of XZ Utils, through liblzma; docs/xz.md) ----
__all__ += ["xz_compress", "xz_decompress"]


def xz_compress(data, level: int | None = None) -> bytes:
    """One .xz stream with a CRC64 check, as ``xz -N`` writes (the dictionary cut to the input
    size). Level 0..9 (``xz -0``..``-9``), default 6; 10..19 the extreme presets
    (``xz -0e``..``-9e``: level - 10); anything else is BadLevelError."""
    return _bindings.compress("xzCompress", data, level)


def xz_decompress(data) -> bytes:
    """Decodes one or more concatenated .xz streams and stream padding, as ``xz -d`` does;
    empty, truncated or trailing input and a bad check are LiblzmaError."""
    return _bindings.decompress("xzDecompress", data)

# ---- end of xz ----


# ---- streams of any length (stream.py over streamOpen/Write/Read/Flush/Close) ----
from .stream import Compressor, Decompressor, StreamFile, open  # noqa: E402

__all__ += ["Compressor", "Decompressor", "StreamFile", "open"]
# ---- end of streams ----


def available() -> str:
    """"" when every backend resolved, else the comma-separated missing ones."""
    return _bindings.text("available")


def versions() -> dict[str, str]:
    """Each backend's version, e.g. {'libzstd': '1.5.4', ...}, and stdcompress's own."""
    return dict(p.split("=", 1) for p in _bindings.text("versions").split(","))


def limits() -> dict[str, int]:
    """The C side's limits and level ranges (max_string, zstd_level_min, ...)."""
    return {k: int(v) for k, v in (p.split("=", 1) for p in _bindings.text("limits").split(";"))}


# ---- batches: many items in one call, worker threads inside it (issue 7, docs/zstd-compat.md)
# The zstandard-compatible API is stdcompress.zstd; these are the same batch calls for every
# codec, with the C side's thread convention (0 = one per core).
from ._buffers import (BufferSegment, BufferSegments, BufferWithSegments,  # noqa: E402
                       BufferWithSegmentsCollection)

__all__ += ["BufferSegment", "BufferSegments", "BufferWithSegments",
            "BufferWithSegmentsCollection", "multi_compress", "multi_decompress"]


def multi_compress(codec: str, items, level: int | None = None, threads: int = 0,
                   dictionary=None) -> BufferWithSegmentsCollection:
    """Compresses every item on its own, in parallel inside one C call (several for more than
    1 MiB): codec "zstd" (frames with content size and checksum), "lz4" (raw LZ4 blocks: keep
    the sizes), "deflate", "zlib" or "gzip".  items: a list of bytes-like objects, a
    BufferWithSegments or a BufferWithSegmentsCollection; each item and each output at most
    1 MiB.  threads: 0 = one per core, N = N.  dictionary: bytes (zstd only).  Returns a
    BufferWithSegmentsCollection, item i at index i."""
    from . import _batch, _multi
    packed, segments, count = _multi.gather(items)
    if count == 0:
        raise BadArgumentsError("multi_compress: no items")
    _multi.check_items(segments)
    return _multi.collection(_batch.compress(codec, packed, segments, level=level,
                                             threads=threads, dictionary=dictionary))


def multi_decompress(codec: str, items, sizes=None, threads: int = 0,
                     dictionary=None) -> BufferWithSegmentsCollection:
    """Decompresses every item on its own, in parallel inside one C call (several for more
    than 1 MiB).  sizes: None, a buffer of native uint64 or a list of ints, one per item: the
    exact size (required for "lz4" blocks; zstd: 0 = the frame's declared size), or for
    deflate/zlib/gzip the largest size allowed (0 = unknown, slower).  A corrupt item raises
    the codec's DataError naming its index ("item 17: ...")."""
    from . import _batch, _multi
    packed, segments, count = _multi.gather(items)
    if count == 0:
        raise BadArgumentsError("multi_decompress: no items")
    _multi.check_items(segments)
    if isinstance(sizes, (list, tuple)):
        import array
        sizes = array.array("Q", sizes)
    sizes = _multi.sizes_buffer(sizes, count)
    return _multi.collection(_batch.decompress(codec, packed, segments, sizes=sizes,
                                               threads=threads, dictionary=dictionary))
# ---- end of batches ----
