"""One-shot results of any size (docs/any-size.md): what the public one-shot functions do when
the one-shot call-out cannot, because the input or the result is over the M string limit.

Up to that limit the one-shot entries run as M runs them (conformance depends on their bytes);
they fail fast past it (MAXSTRLEN for the input, OUTPUT-TOO-LARGE for the result) and the
public function comes here.  Formats with a stream go through the stream entries (the bytes
of the M stream path); the rest through the library's own entries for this bridge, which run
the one-shot code with the format's own limits.
"""

from __future__ import annotations

import threading

from . import _bindings, _runtime, stream as _stream
from .errors import Liblz4Error, OutputTooLargeError, RuntimeCheckError, StdcompressError

LZ4_MAX_INPUT_SIZE = 0x7E000000  # lz4.h: the largest block liblz4 compresses
_INT_MAX = 0x7FFFFFFF
_DEFLATE_FORMATS = {"gzipBest": 0, "deflateBest": 1, "zlibBest": 2}  # stdcompress.h

_NATIVE = """
long stdc_lz4_py_block(int, int, const void *, size_t, void *, size_t, long);
long stdc_deflate_py_best(int, const void *, size_t, void *, size_t, long);
long stdc_brotli_py_compress(const void *, size_t, void *, size_t, long, long);
"""
_native = None
_lock = threading.Lock()


def _lib():
    global _native
    if _native is None:
        with _lock:
            if _native is None:
                _native = _runtime.default().native(_NATIVE)
    return _native


def past_limit(error: StdcompressError) -> bool:
    """True for the one-shot entry's own failures of size: the input over the string limit
    (the runtime's MAXSTRLEN check) or a result over it (OUTPUT-TOO-LARGE)."""
    return (isinstance(error, OutputTooLargeError) or
            (isinstance(error, RuntimeCheckError) and error.code == "MAXSTRLEN"))


def stream_compress(codec: str, data, level=None) -> bytes:
    """data as one whole stream of `codec`: streamOpen, streamWrite of 1 MiB pieces,
    streamClose (a zstd frame declares its size, as the one-shot's do)."""
    view = _stream._view(data)
    c = _stream.Compressor(codec, level, size=view.nbytes if codec == "zstd" else None)
    return c.finish(view)


def stream_decompress(codec: str, data, dictionary=None) -> bytes:
    """Everything data decodes to through a `codec` stream decompressor, with the one-shot
    entries' rules: the input must end at the end of a stream (truncated otherwise), and
    bytes after it that do not begin another member or frame are an error.  dictionary: a
    zstd dictionary."""
    view = _stream._view(data)
    d = _stream.Decompressor(codec, dictionary=dictionary)
    try:
        parts = []
        for start in range(0, len(view), _runtime.MAX_STRING):
            parts.append(d._step(view[start:start + _runtime.MAX_STRING]))
            while d._pending:
                parts.append(d._step(b""))
        if not d._eof:  # streamClose says it: a truncated stream, in the codec's terms
            ret, _ = d._ops.rt.call("streamClose", None, d._h)
            d._h = 0
            raise _bindings.last_error("streamClose")
        unused = d.unused_data
        if unused:
            raise _stream.codec_error(codec)(f"{codec}: {len(unused)} trailing byte(s) after "
                                             f"the stream")
        return b"".join(parts)
    finally:
        d.close()


def _native_call(name: str, run, cap: int) -> bytes:
    """Runs a bridge entry into a fresh output of cap bytes; the result as bytes."""
    ffi, lib = _lib()
    out = _runtime.default().new_uninitialized("char[]", max(cap, 1))
    n = run(lib, out)
    if n < 0:
        raise _bindings.last_error(name)
    return ffi.unpack(out, n)


def _buffer(data):
    ffi, _ = _lib()
    return ffi.from_buffer(data)


def lz4_block_compress(name: str, data, level, sized: bool) -> bytes:
    """lz4Compress (sized) or lz4BlockCompress of any size: past LZ4's limit python-lz4's
    errors, its OverflowError over INT_MAX bytes, below it its text for a bound of 0 (a
    Liblz4Error here, its LZ4BlockError there)."""
    src = _buffer(data)
    n = len(src)
    if n > _INT_MAX:
        raise OverflowError("Input too large for LZ4 API")
    if n > LZ4_MAX_INPUT_SIZE:
        raise Liblz4Error("Compression failed")
    level = 1 if level is None else level
    _bindings.check_level(name, level)
    cap = n + n // 255 + 16 + (4 if sized else 0)  # LZ4_COMPRESSBOUND, the size prefix
    return _native_call(name, lambda lib, out: lib.stdc_lz4_py_block(0, sized, src, n, out, cap,
                                                                     level), cap)


def lz4_block_decompress(name: str, data, size: int | None) -> bytes:
    """lz4Decompress (size None: the 4-byte prefix says) or lz4BlockDecompress of any size."""
    src = _buffer(data)
    sized = size is None
    if sized:
        size = int.from_bytes(_lib()[0].unpack(src, 4), "little") if len(src) >= 4 else 0
    # An output only for a size the C side takes: it refuses the others before any work.
    cap = size if 0 <= size <= LZ4_MAX_INPUT_SIZE else 0
    return _native_call(name, lambda lib, out: lib.stdc_lz4_py_block(1, sized, src, len(src),
                                                                     out, cap, size), cap)


def deflate_best(name: str, data, level) -> bytes:
    """gzipBest / deflateBest / zlibBest of any size (libdeflate's levels 10..12)."""
    src = _buffer(data)
    n = len(src)
    level = 12 if level is None else level
    _bindings.check_level(name, level)
    cap = n + n // 8 + 1024  # over libdeflate's bound (stdc_deflate_bound) for every format
    return _native_call(name, lambda lib, out: lib.stdc_deflate_py_best(
        _DEFLATE_FORMATS[name], src, n, out, cap, level), cap)


def brotli_compress(data, quality: int, lgwin: int) -> bytes:
    """brotliCompress of any size, for a window the stream does not take."""
    src = _buffer(data)
    n = len(src)
    cap = n + (n >> 14) * 4 + 1024  # over BrotliEncoderMaxCompressedSize
    return _native_call("brotliCompress", lambda lib, out: lib.stdc_brotli_py_compress(
        src, n, out, cap, quality, lgwin), cap)


# The one-shot entries and what does their work past the string limit: a stream codec's name,
# or the bridge's own entry.
_STREAM_COMPRESS = {"gzip": "gzip", "deflate": "deflate", "zlib": "zlib",
                    "zstdCompress": "zstd", "lz4FrameCompress": "lz4", "brotliCompress": "brotli",
                    "xzCompress": "xz"}
_STREAM_DECOMPRESS = {"gunzip": "gzip", "inflate": "deflate", "unzlib": "zlib",
                      "zstdDecompress": "zstd", "lz4FrameDecompress": "lz4",
                      "brotliDecompress": "brotli", "xzDecompress": "xz"}
_BROTLI_LGWIN_DEFAULT = 22  # the stream's window (stdcompress.h)


def compress(error: StdcompressError, entry: str, data, level=None, lgwin=None) -> bytes:
    """After the one-shot `entry` failed with `error`: the result of any size, or `error`
    again when it is not a failure of size."""
    if not past_limit(error):
        raise error
    if entry in ("lz4Compress", "lz4BlockCompress"):
        return lz4_block_compress(entry, data, level, entry == "lz4Compress")
    # The level's errors are the one-shot's own (its check runs before any work): the streams
    # read 0 as the default (xz apart), where for zstd it is BAD-LEVEL and for brotli quality 0.
    if lgwin is None:
        _bindings.compress(entry, b"", level)
    else:
        _bindings.call_ints(entry, b"", level, lgwin)
    if entry in _DEFLATE_FORMATS:
        return deflate_best(entry, data, level)
    if entry == "brotliCompress" and (level == 0 or lgwin not in (None, _BROTLI_LGWIN_DEFAULT)):
        from . import limits
        return brotli_compress(data, limits()["brotli_quality_default"] if level is None else level,
                               _BROTLI_LGWIN_DEFAULT if lgwin is None else lgwin)
    return stream_compress(_STREAM_COMPRESS[entry], data, level)


def decompress(error: StdcompressError, entry: str, data, size=None) -> bytes:
    """After the one-shot decoder `entry` failed with `error`: everything data decodes to,
    or `error` again when it is not a failure of size."""
    if not past_limit(error):
        raise error
    if entry in ("lz4Decompress", "lz4BlockDecompress"):
        return lz4_block_decompress(entry, data, size)
    return stream_decompress(_STREAM_DECOMPRESS[entry], data)
