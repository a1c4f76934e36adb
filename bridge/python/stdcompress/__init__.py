"""stdcompress: gzip, deflate, zlib, zstd, LZ4, brotli and xz over the C call-outs M programs use.

Every function takes any bytes-like object of any size and returns bytes: up to 1 MiB (the M
string limit) through the one-shot call-outs M uses, beyond it through the streams or the
library's own entries for this bridge (docs/any-size.md says which bytes).  Failures raise
subclasses of StdcompressError whose ``.code`` is the code M sees in $ECODE.  Thread safe; the
GIL is released while the C code runs.
"""

from __future__ import annotations

from . import _anysize, _bindings
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


# Each one-shot function runs the one-shot entry; its failures go to _anysize, which does the
# work past the 1 MiB limit (and raises any other failure again) outside the except clause, so
# a failure there is not shown as chained to the entry's.

def gzip(data, level: int | None = None) -> bytes:
    """RFC 1952 gzip member. Level 1..9, default 6; anything else is BadLevelError (the seed
    module's range; libdeflate's strongest 10..12: gzip_best)."""
    try:
        return _bindings.compress("gzip", data, level)
    except StdcompressError as e:
        error = e
    return _anysize.compress(error, "gzip", data, level)


def gunzip(data) -> bytes:
    """Decodes one or more concatenated gzip members; trailing bytes are an error."""
    try:
        return _bindings.decompress("gunzip", data)
    except StdcompressError as e:
        error = e
    return _anysize.decompress(error, "gunzip", data)


def deflate(data, level: int | None = None) -> bytes:
    """Raw RFC 1951 deflate stream. Level as gzip (1..9, default 6)."""
    try:
        return _bindings.compress("deflate", data, level)
    except StdcompressError as e:
        error = e
    return _anysize.compress(error, "deflate", data, level)


def inflate(data) -> bytes:
    """Decodes one raw deflate stream; trailing bytes are an error."""
    try:
        return _bindings.decompress("inflate", data)
    except StdcompressError as e:
        error = e
    return _anysize.decompress(error, "inflate", data)


def zlib(data, level: int | None = None) -> bytes:
    """RFC 1950 zlib stream. Level as gzip (1..9, default 6)."""
    try:
        return _bindings.compress("zlib", data, level)
    except StdcompressError as e:
        error = e
    return _anysize.compress(error, "zlib", data, level)


def unzlib(data) -> bytes:
    """Decodes one zlib stream; trailing bytes are an error."""
    try:
        return _bindings.decompress("unzlib", data)
    except StdcompressError as e:
        error = e
    return _anysize.decompress(error, "unzlib", data)


# ---- libdeflate's slow, strongest levels (10..12, default 12), apart from the seed's 1..9 ----
__all__ += ["gzip_best", "deflate_best", "zlib_best"]


def gzip_best(data, level: int | None = None) -> bytes:
    """gzip at libdeflate's level 10..12 (default 12): smaller than level 9, many times slower.
    Decoded by gunzip like any gzip member."""
    try:
        return _bindings.compress("gzipBest", data, level)
    except StdcompressError as e:
        error = e
    return _anysize.compress(error, "gzipBest", data, level)


def deflate_best(data, level: int | None = None) -> bytes:
    """Raw deflate at libdeflate's level 10..12 (default 12)."""
    try:
        return _bindings.compress("deflateBest", data, level)
    except StdcompressError as e:
        error = e
    return _anysize.compress(error, "deflateBest", data, level)


def zlib_best(data, level: int | None = None) -> bytes:
    """zlib at libdeflate's level 10..12 (default 12)."""
    try:
        return _bindings.compress("zlibBest", data, level)
    except StdcompressError as e:
        error = e
    return _anysize.compress(error, "zlibBest", data, level)

# ---- end of the strongest levels ----


def zstd_compress(data, level: int | None = None) -> bytes:
    """One zstd frame with content size and checksum. Level 1..22 or negative fast levels
    down to limits()['zstd_level_min']; default 3."""
    try:
        return _bindings.compress("zstdCompress", data, level)
    except StdcompressError as e:
        error = e
    return _anysize.compress(error, "zstdCompress", data, level)


def zstd_decompress(data) -> bytes:
    """Decodes one or more zstd frames (skippable frames allowed); trailing bytes are an error."""
    try:
        return _bindings.decompress("zstdDecompress", data)
    except StdcompressError as e:
        error = e
    return _anysize.decompress(error, "zstdDecompress", data)


# ---- LZ4 and brotli (one-shot) ----
# LZ4 levels, blocks and frames alike, as lz4(1) reads them: 1 (default) and 2 are LZ4 fast,
# 3..12 LZ4HC, -N LZ4 fast with acceleration N+1 (`lz4 --fast=N`) down to
# limits()['lz4_level_min']; 0 is BadLevelError.

__all__ += ["lz4_compress", "lz4_decompress", "lz4_block_compress", "lz4_block_decompress",
            "lz4_frame_compress", "lz4_frame_decompress", "brotli_compress", "brotli_decompress"]


def lz4_compress(data, level: int | None = None) -> bytes:
    """An LZ4 block after a 4-byte little-endian original size: the format of python-lz4's
    ``lz4.block.compress(data)`` (store_size=True). Default level 1."""
    try:
        return _bindings.compress("lz4Compress", data, level)
    except StdcompressError as e:
        error = e
    return _anysize.compress(error, "lz4Compress", data, level)


def lz4_decompress(data) -> bytes:
    """Decodes a size-prefixed LZ4 block (lz4_compress, python-lz4's lz4.block). The prefix is
    checked against LZ4's limit (LZ4_MAX_INPUT_SIZE) first; the block must decode to exactly
    that size."""
    try:
        return _bindings.decompress("lz4Decompress", data)
    except StdcompressError as e:
        error = e
    return _anysize.decompress(error, "lz4Decompress", data)


def lz4_block_compress(data, level: int | None = None) -> bytes:
    """One raw LZ4 block, no size: keep the size yourself for lz4_block_decompress."""
    try:
        return _bindings.compress("lz4BlockCompress", data, level)
    except StdcompressError as e:
        error = e
    return _anysize.compress(error, "lz4BlockCompress", data, level)


def lz4_block_decompress(data, size: int) -> bytes:
    """Decodes one raw LZ4 block that must decode to exactly ``size`` bytes
    (0..LZ4_MAX_INPUT_SIZE)."""
    try:
        return _bindings.call_ints("lz4BlockDecompress", data, size, decoding=True)
    except StdcompressError as e:
        error = e
    return _anysize.decompress(error, "lz4BlockDecompress", data, size)


def lz4_frame_compress(data, level: int | None = None) -> bytes:
    """One LZ4 frame (the lz4(1) format) with content size and content checksum: the bytes of
    ``lz4 -N --content-size FILE``. Default level 1."""
    try:
        return _bindings.compress("lz4FrameCompress", data, level)
    except StdcompressError as e:
        error = e
    return _anysize.compress(error, "lz4FrameCompress", data, level)


def lz4_frame_decompress(data) -> bytes:
    """Decodes one or more LZ4 frames (skippable frames allowed, checksums verified); trailing
    bytes are an error, an empty input is zero frames."""
    try:
        return _bindings.decompress("lz4FrameDecompress", data)
    except StdcompressError as e:
        error = e
    return _anysize.decompress(error, "lz4FrameDecompress", data)


def brotli_compress(data, quality: int | None = None, lgwin: int | None = None) -> bytes:
    """One brotli stream (RFC 7932). Quality 0..11, default 11 (BadLevelError outside); window
    lgwin 10..24 bits, default 22 (BadArgumentsError outside)."""
    try:
        if lgwin is None:
            return _bindings.compress("brotliCompress", data, quality)
        if quality is None:
            quality = limits()["brotli_quality_default"]
        return _bindings.call_ints("brotliCompress", data, quality, lgwin)
    except StdcompressError as e:
        error = e
    return _anysize.compress(error, "brotliCompress", data, quality, lgwin)


def brotli_decompress(data) -> bytes:
    """Decodes exactly one brotli stream; truncated input and trailing bytes are errors."""
    try:
        return _bindings.decompress("brotliDecompress", data)
    except StdcompressError as e:
        error = e
    return _anysize.decompress(error, "brotliDecompress", data)

# ---- end of LZ4 and brotli ----


# ---- xz (the .xz format of XZ Utils, through liblzma; docs/xz.md) ----
__all__ += ["xz_compress", "xz_decompress"]


def xz_compress(data, level: int | None = None) -> bytes:
    """One .xz stream with a CRC64 check, as ``xz -N`` writes (the dictionary cut to the input
    size). Level 0..9 (``xz -0``..``-9``), default 6; 10..19 the extreme presets
    (``xz -0e``..``-9e``: level - 10); anything else is BadLevelError.  Past 1 MiB the
    stream makes it, with the preset's whole dictionary (level 0 stops at 1 MiB)."""
    try:
        return _bindings.compress("xzCompress", data, level)
    except StdcompressError as e:
        error = e
    return _anysize.compress(error, "xzCompress", data, level)


def xz_decompress(data) -> bytes:
    """Decodes one or more concatenated .xz streams and stream padding, as ``xz -d`` does;
    empty, truncated or trailing input and a bad check are LiblzmaError."""
    try:
        return _bindings.decompress("xzDecompress", data)
    except StdcompressError as e:
        error = e
    return _anysize.decompress(error, "xzDecompress", data)

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
    BufferWithSegments or a BufferWithSegmentsCollection, of any size: an item whose input or
    result is over 1 MiB is done alone by the codec's one-shot function (docs/any-size.md).
    threads: 0 = one per core, N = N.  dictionary: bytes (zstd only).  Returns a
    BufferWithSegmentsCollection, item i at index i."""
    from . import _multi
    packed, segments, count = _multi.gather(items)
    if count == 0:
        raise BadArgumentsError("multi_compress: no items")
    return _multi.collection(_multi.compress(codec, packed, segments, level=level,
                                             threads=threads, dictionary=dictionary))


def multi_decompress(codec: str, items, sizes=None, threads: int = 0,
                     dictionary=None) -> BufferWithSegmentsCollection:
    """Decompresses every item on its own, in parallel inside one C call (several for more
    than 1 MiB).  sizes: None, a buffer of native uint64 or a list of ints, one per item: the
    exact size (required for "lz4" blocks; zstd: 0 = the frame's declared size), or for
    deflate/zlib/gzip the largest size allowed (0 = unknown, slower, no limit).  Items and
    results of any size: one over 1 MiB is done alone (docs/any-size.md).  A corrupt item
    raises the codec's DataError naming its index ("item 17: ...")."""
    from . import _multi
    packed, segments, count = _multi.gather(items)
    if count == 0:
        raise BadArgumentsError("multi_decompress: no items")
    if isinstance(sizes, (list, tuple)):
        import array
        sizes = array.array("Q", sizes)
    sizes = _multi.sizes_buffer(sizes, count)
    return _multi.collection(_multi.decompress(codec, packed, segments, sizes=sizes,
                                               threads=threads, dictionary=dictionary))
# ---- end of batches ----
