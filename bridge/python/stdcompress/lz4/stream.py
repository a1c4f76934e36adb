"""python-lz4's ``lz4.stream`` over the stdcompress library (the contexts M uses).

Same classes, signatures, defaults, limits, wire format, and exception types and messages as
python-lz4 4.x built with PYLZ4_EXPERIMENTAL, so code written for it runs unchanged when only
its import changes.  Beyond it (docs/lz4-stream.md, "Differences from python-lz4"):

- the dictionary is copied into the context and lives exactly as long as it (python-lz4
  releases the buffer while LZ4 still points at it);
- ``get_block(stream, offset=0)`` reads the block at ``offset`` of any buffer without copying
  the rest of the stream, and ``iter_blocks(stream)`` walks a whole stream that way;
- ``strategy="ring_buffer"`` works (every chunk sees the last 64 KiB of the stream; the ring
  decompressor also reads double-buffer streams);
- contexts are freed by ``close()``, at the end of a ``with`` block, or when collected;
- integers python-lz4 silently wraps to 32 bits (``buffer_size=2**32`` is 0 there) are
  ValueError.

Chunks and blocks whose results fit one M string (1 MiB) go through the call-outs M uses;
larger ones through the library's own entries for this bridge (``_Ops.native``), which take
any size python-lz4 takes.
"""

from __future__ import annotations

import operator
import threading

from .. import _bindings, _runtime
from ..errors import (BadArgumentsError, InvalidHandleError, Liblz4Error, StdcompressError,
                      error_for)

__all__ = ["LZ4StreamCompressor", "LZ4StreamDecompressor", "LZ4StreamError",
           "LZ4_MAX_INPUT_SIZE"]

LZ4_MAX_INPUT_SIZE = 0x7E000000  # lz4.h; python-lz4 exports it under this name
_U32 = 0xFFFFFFFF  # python-lz4 reads its integers as C unsigned ints ("I")
_INT_MAX = 0x7FFFFFFF
_WINDOW = 65536  # LZ4 reads only the last 64 KiB of a dictionary
_MAX = _runtime.MAX_STRING
# The longest block a prefix can declare (width 0, sizes out of band: python-lz4's 4 bytes).
_WIDTH_MAX = {0: _U32, 1: 0xFF, 2: 0xFFFF, 4: _U32}
_MODES = ("default", "fast", "high_compression")
_HEAPTYPE = 1 << 9

_NATIVE = """
long stdc_lz4s_py_compress_open(long, long, gtm_string_t *, long, gtm_string_t *,
                                gtm_string_t *);
long stdc_lz4s_py_decompress_open(long, long, gtm_string_t *, gtm_string_t *);
long stdc_lz4s_py_compress(long, const void *, size_t, void *, size_t);
long stdc_lz4s_py_decompress(long, const void *, size_t, void *, size_t);
long stdc_lz4s_py_result(long, void *, size_t);
long stdc_lz4s_py_locate(long, const void *, size_t, long, size_t *);
"""


class _PeerText:
    """str() is python-lz4's text alone, without the code M sees: programs match on it."""

    def __str__(self) -> str:
        return self.message


class LZ4StreamError(_PeerText, Liblz4Error):
    """A call to the LZ4 library failed (python-lz4's LZ4StreamError).  Also a Liblz4Error, so
    ``.code`` is LIBLZ4-FAIL as M sees it (BAD-ARGS for an out-of-band ``get_block``)."""


class LZ4StreamArgumentError(_PeerText, BadArgumentsError):
    """python-lz4's ValueError for an argument; also a BadArgumentsError (``.code`` BAD-ARGS)."""


_CHUNK_ERRORS = {"BAD-ARGS": OverflowError, "LIBLZ4-FAIL": LZ4StreamError}
_BLOCK_ERRORS = {"LIBLZ4-FAIL": LZ4StreamError}


def _compress_bound(n: int) -> int:
    """LZ4_COMPRESSBOUND: 0 past LZ4_MAX_INPUT_SIZE."""
    return 0 if n > LZ4_MAX_INPUT_SIZE else n + n // 255 + 16


def _tp_name(obj) -> str:
    """The type name CPython's argument parser prints."""
    if obj is None:
        return "None"
    t = type(obj)
    if t.__module__ == "builtins" or t.__flags__ & _HEAPTYPE:
        return t.__name__
    return f"{t.__module__}.{t.__qualname__}"


class _Ops:
    """The library, bound once per process: precomputed callers for the per-chunk call-outs
    (compiled when the extension modules are built), the bridge's own entries for the rest."""

    _lock = threading.Lock()
    _bound: "_Ops | None" = None

    def __init__(self):
        rt = self.rt = _runtime.default()
        self.get_block = rt.string_op("lz4StreamGetBlock")
        self._chunk_ops: dict = {}
        for name in ("lz4StreamCompress", "lz4StreamDecompress", "handleFree", "lastError",
                     "take"):
            rt.entry(name)  # CalloutMissingError now, not in the middle of a stream
        self.ffi, self.lib = rt.native(_NATIVE)
        self.new = rt.new_uninitialized

    @classmethod
    def get(cls) -> "_Ops":
        ops = cls._bound
        if ops is None:
            with cls._lock:
                if cls._bound is None:
                    cls._bound = cls()
                ops = cls._bound
        return ops

    def chunk_op(self, name: str, largest: int):
        """The caller of a per-chunk entry for results of at most `largest` bytes: each gets
        an output of that size, so no result is held and taken (bytes_op)."""
        key = (name, largest)
        op = self._chunk_ops.get(key)
        if op is None:
            op = self._chunk_ops[key] = self.rt.bytes_op(name, small_cap=max(1, largest))
        return op

    def error(self, errors: dict) -> Exception:
        """The exception for the failure this thread's last call recorded: python-lz4's type
        for the codes in `errors`, with the text after "op: " (python-lz4's, from the C side)."""
        found = _bindings.last_failure()
        if found is None:
            return LZ4StreamError("the call failed and left no error text")
        code, message = found
        kind = errors.get(code)
        if kind is None:
            return error_for(code, message)
        text = message.partition(": ")[2] or message
        return kind(text, code) if issubclass(kind, StdcompressError) else kind(text)

    def string(self, data: bytes):
        """A gtm_string_t over data (kept alive by the caller)."""
        return self.ffi.new("gtm_string_t *", [len(data), self.ffi.from_buffer(data)])


def _data(data, ffi):
    """Any contiguous buffer as python-lz4's "y*" takes it: (cdata over it, its bytes).
    TypeError for str and non-buffers, BufferError for non-contiguous ones, as python-lz4."""
    if isinstance(data, str):
        raise TypeError("a bytes-like object is required, not 'str'")
    p = ffi.from_buffer(data)  # the exporter's own errors, python-lz4's
    return p, len(p)


def _text_arg(value, position: int) -> bytes:
    """python-lz4's "s": a str without NUL, UTF-8."""
    if not isinstance(value, str):
        raise TypeError(f"argument {position} must be str, not {_tp_name(value)}")
    encoded = value.encode("utf-8")  # UnicodeEncodeError for lone surrogates, as python-lz4
    if b"\0" in encoded:
        raise LZ4StreamArgumentError("embedded null character")
    return encoded


def _dictionary(dictionary, ffi) -> bytes:
    """python-lz4's "z*": str (UTF-8), None or any buffer; only the last 64 KiB can matter
    to LZ4, and only they are passed (the C side copies them)."""
    if dictionary is None:
        return b""
    if isinstance(dictionary, str):
        dictionary = dictionary.encode("utf-8")
    p = ffi.from_buffer(dictionary)
    if len(p) > _INT_MAX:
        raise OverflowError("Dictionary too large for LZ4 API")
    return ffi.buffer(p)[-_WINDOW:] if len(p) > _WINDOW else bytes(ffi.buffer(p))


def _check_common(strategy: str, store_comp_size: int) -> int:
    """python-lz4's checks of store_comp_size and strategy, in its order; the width."""
    if store_comp_size not in _WIDTH_MAX:  # also out of 32 bits, which python-lz4 wraps
        raise LZ4StreamArgumentError("Invalid store_comp_size, valid values: 0, 1, 2 or 4")
    if strategy not in ("double_buffer", "ring_buffer"):
        raise LZ4StreamArgumentError(f"Invalid strategy argument: {strategy}. Must be one of: "
                                     "double_buffer, ring_buffer")
    return store_comp_size


def _int32(value: int) -> int:
    """python-lz4's int from "I": the low 32 bits, signed."""
    value &= _U32
    return value - (1 << 32) if value > _INT_MAX else value


class _Stream:
    """What both directions share: the handle and its end."""

    _h = 0  # set before anything can fail, so close() and __del__ always work

    def __enter__(self):
        """Enter the LZ4 stream context."""
        return self

    def __exit__(self, exc_type, exc, exc_tb):
        """Exit the LZ4 stream context: its C context is freed."""
        self.close()

    def close(self) -> None:
        """Frees the C context now (idempotent); later calls raise InvalidHandleError."""
        h, self._h = self._h, 0
        if h:
            ret, _ = self._ops.rt.call("handleFree", h)
            if ret != 0:
                raise self._ops.error({})

    @property
    def closed(self) -> bool:
        return not self._h

    def __reduce_ex__(self, protocol):
        raise TypeError(f"cannot pickle or copy a {type(self).__name__}: its state lives in "
                        f"the C library, behind one handle")

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown, or a handle the library already dropped
            pass

    def _open(self, ret: int) -> None:
        if ret <= 0:
            raise self._ops.error({})
        self._h = ret

    def _fail(self, errors: dict):
        if not self._h:
            raise InvalidHandleError(f"this {type(self).__name__} is closed")
        raise self._ops.error(errors)

    def _result(self, out, n: int):
        """The n bytes at out as bytes (bytearray with return_bytearray)."""
        buf = self._ops.ffi.buffer(out, n)
        return bytearray(buf) if self._bytearray else buf[:]


class LZ4StreamCompressor(_Stream):
    """LZ4 stream compressing context."""

    def __init__(self, strategy, buffer_size, mode="default", acceleration=True,
                 compression_level=9, return_bytearray=False, store_comp_size=4,
                 dictionary=""):
        """strategy: "double_buffer" or "ring_buffer"; buffer_size: the largest chunk (in
        the double buffer, the size of each page), at most LZ4_MAX_INPUT_SIZE; mode:
        "default", "fast" (uses ``acceleration``) or "high_compression" (uses
        ``compression_level``, 1..12); store_comp_size: bytes of the block-size prefix, 0
        (none), 1, 2 or 4; dictionary: str, bytes or buffer, copied.  Errors of the same types
        and texts as python-lz4's (ValueError, LZ4StreamError for a buffer_size whose
        worst-case block does not fit the prefix, TypeError, OverflowError)."""
        ops = self._ops = _Ops.get()
        self._bytearray = bool(return_bytearray)
        # python-lz4's order: every argument's type, then the values
        strategy_b = _text_arg(strategy, 1)
        buffer_size = operator.index(buffer_size)
        mode_b = _text_arg(mode, 4)
        acceleration = operator.index(acceleration)
        compression_level = operator.index(compression_level)
        store_comp_size = operator.index(store_comp_size)
        dictionary = _dictionary(dictionary, ops.ffi)
        width = _check_common(strategy, store_comp_size)
        if mode not in _MODES:
            raise LZ4StreamArgumentError(f"Invalid mode argument: {mode}. Must be one of: "
                                         "default, fast, high_compression")
        bound = _compress_bound(buffer_size & _U32)
        if bound == 0 or not 0 <= buffer_size <= _U32:  # as python-lz4 reads it, if it fails
            shown = buffer_size & _U32 if bound == 0 else buffer_size
            raise LZ4StreamArgumentError(f"Invalid buffer_size argument: {shown}. Cannot "
                                         "define output buffer size. Must be lesser or equal "
                                         f"to {LZ4_MAX_INPUT_SIZE}")
        if bound > _WIDTH_MAX[width]:
            raise LZ4StreamError("Inconsistent buffer_size/store_comp_size values. Maximal "
                                 f"compressed length ({buffer_size}) cannot fit in a {width} "
                                 "byte-long integer")
        level = _int32(acceleration if mode == "fast" else compression_level)
        self._open(ops.lib.stdc_lz4s_py_compress_open(
            buffer_size, width, ops.string(mode_b), level, ops.string(dictionary),
            ops.string(strategy_b)))
        self._bs, self._width = buffer_size, width
        # blocks that fit one M string go through the call-out M uses
        self._op = (ops.chunk_op("lz4StreamCompress", bound + width)
                    if bound + width <= _MAX else None)

    def compress(self, chunk):
        """Compresses ``chunk`` (at most buffer_size bytes, any buffer) into one block with
        its size prefix; returns bytes (bytearray with return_bytearray).  OverflowError for
        a chunk longer than buffer_size, LZ4StreamError if LZ4 fails."""
        if chunk.__class__ is bytes:
            p, n = chunk, len(chunk)
        else:
            p, n = _data(chunk, self._ops.ffi)
        if self._op is not None:
            out = self._op(chunk, self._h)
            if out.__class__ is bytes:
                return bytearray(out) if self._bytearray else out
            self._fail(_CHUNK_ERRORS)
        ops = self._ops
        cap = _compress_bound(n) + self._width if n <= self._bs else 1
        out = ops.new("char[]", cap)
        ret = ops.lib.stdc_lz4s_py_compress(self._h, p, n, out, cap)
        if ret < 0:
            self._fail(_CHUNK_ERRORS)
        return self._result(out, ret)


class LZ4StreamDecompressor(_Stream):
    """LZ4 stream decompression context."""

    def __init__(self, strategy, buffer_size, return_bytearray=False, store_comp_size=4,
                 dictionary=""):
        """strategy, buffer_size, store_comp_size and dictionary as the compressor that wrote
        the stream had them (a ring_buffer decompressor also reads double_buffer streams).
        buffer_size: any unsigned 32-bit value, as python-lz4; memory grows with the chunks
        actually decoded, not with buffer_size."""
        ops = self._ops = _Ops.get()
        self._bytearray = bool(return_bytearray)
        strategy_b = _text_arg(strategy, 1)
        buffer_size = operator.index(buffer_size)
        store_comp_size = operator.index(store_comp_size)
        dictionary = _dictionary(dictionary, ops.ffi)
        width = _check_common(strategy, store_comp_size)
        if not 0 <= buffer_size <= _U32:  # python-lz4 wraps it to 32 bits
            raise LZ4StreamArgumentError(f"Invalid buffer_size argument: {buffer_size}. Must "
                                         f"be between 0 and {_U32}")
        self._open(ops.lib.stdc_lz4s_py_decompress_open(
            buffer_size, width, ops.string(dictionary), ops.string(strategy_b)))
        self._width = width
        self._full = min(buffer_size, LZ4_MAX_INPUT_SIZE)  # the most a block decodes to
        # blocks of chunks that fit one M string go through the call-out M uses
        self._op = (ops.chunk_op("lz4StreamDecompress", buffer_size)
                    if buffer_size <= _MAX else None)
        self._get = ops.get_block

    def decompress(self, chunk):
        """Decompresses one block (without its prefix, any buffer) of the stream, in order.
        OverflowError for a block longer than the prefix width can declare, LZ4StreamError
        for a corrupt block, one out of order, or one that decompresses past buffer_size."""
        if chunk.__class__ is bytes:
            p, n = chunk, len(chunk)
        else:
            p, n = _data(chunk, self._ops.ffi)
        if self._op is not None and n <= _MAX:
            out = self._op(chunk, self._h)
            if out.__class__ is bytes:
                return bytearray(out) if self._bytearray else out
            self._fail(_CHUNK_ERRORS)
        ops = self._ops
        cap = min(self._full, 8 * n + _WINDOW)  # most chunks: one call
        out = ops.new("char[]", max(cap, 1))
        ret = ops.lib.stdc_lz4s_py_decompress(self._h, p, n, out, cap)
        if ret > cap:  # the chunk is kept in the context until the next call
            out = ops.new("char[]", ret)
            ret = ops.lib.stdc_lz4s_py_result(self._h, out, ret)
        if ret < 0:
            self._fail(_CHUNK_ERRORS)
        return self._result(out, ret)

    def _check(self, stream, offset):
        """python-lz4's checks of get_block, then ours of offset: (cdata, size, offset)."""
        p, size = _data(stream, self._ops.ffi)
        if not self._width:
            raise LZ4StreamError("LZ4 context is configured for storing block size "
                                 "out-of-band", "BAD-ARGS")
        offset = operator.index(offset)
        if not 0 <= offset <= size:
            raise ValueError(f"offset {offset} is outside the stream (0..{size})")
        return p, size, offset

    def get_block(self, stream, offset=0):
        """The block whose size prefix starts at byte ``offset`` of ``stream`` (any buffer),
        without its prefix.  The next one starts at offset + store_comp_size + len(block).
        Nothing but the block is copied, so walking a long stream costs no more per block
        than the block itself.  LZ4StreamError if the stream ends before the prefix or the
        block does, or if the sizes travel out of band (store_comp_size=0)."""
        if stream.__class__ is bytes and len(stream) <= _MAX and self._width:
            ret, out = self._get(stream, self._h, operator.index(offset))
            if not ret:
                return bytearray(out) if self._bytearray else out
        p, size, offset = self._check(stream, offset)
        return next(self._walk(p, size, offset))

    def iter_blocks(self, stream, offset=0):
        """Yields the blocks of ``stream`` (any buffer) from ``offset`` to its end, as
        get_block reads them, copying nothing but each block:
        ``for block in d.iter_blocks(data): out += d.decompress(block)``."""
        p, size, offset = self._check(stream, offset)
        return self._walk(p, size, offset, whole=True)

    def _walk(self, p, size: int, offset: int, whole: bool = False):
        ops, width = self._ops, self._width
        buf, start = ops.ffi.buffer(p, size), ops.ffi.new("size_t *")
        while not whole or offset < size:
            n = ops.lib.stdc_lz4s_py_locate(self._h, p, size, offset, start)
            if n < 0:
                self._fail(_BLOCK_ERRORS)
            block = buf[start[0]:start[0] + n]
            yield bytearray(block) if self._bytearray else block
            if not whole:
                return
            offset += width + n
