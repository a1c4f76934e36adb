"""python-lz4's ``lz4.stream`` over the stdcompress call-outs (the ones M uses).

Same classes, signatures, defaults, wire format and exception types as python-lz4 4.x built
with PYLZ4_EXPERIMENTAL, so code written for it runs unchanged when only its import changes.
Beyond it:

- the dictionary is copied into the context and lives exactly as long as it (python-lz4
  releases the buffer while LZ4 still points at it);
- ``get_block(stream, offset=0)`` reads the block at ``offset`` of any buffer without copying
  the rest of the stream, and ``iter_blocks(stream)`` walks a whole stream that way;
- ``strategy="ring_buffer"`` works (every chunk sees the last 64 KiB of the stream; the ring
  decompressor also reads double-buffer streams);
- contexts are freed by ``close()``, at the end of a ``with`` block, or when collected.

Limits of our own (one M string per call): ``buffer_size`` is at most 1 MiB for a
decompressor and, for a compressor, at most the size whose worst-case block and prefix fit
1 MiB (1,044,461 bytes with a 4-byte prefix); larger values are ValueError.
"""

from __future__ import annotations

import operator
import threading

from .. import _bindings, _runtime
from ..errors import BadArgumentsError, InvalidHandleError, Liblz4Error, error_for

__all__ = ["LZ4StreamCompressor", "LZ4StreamDecompressor", "LZ4StreamError",
           "LZ4_MAX_INPUT_SIZE"]

LZ4_MAX_INPUT_SIZE = 0x7E000000  # lz4.h; python-lz4 exports it under this name
_WINDOW = 65536  # LZ4 reads only the last 64 KiB of a dictionary
_MAX = _runtime.MAX_STRING
# The longest block a prefix can declare (width 0, sizes out of band: python-lz4's 4 bytes).
_WIDTH_MAX = {0: 0xFFFFFFFF, 1: 0xFF, 2: 0xFFFF, 4: 0xFFFFFFFF}


class LZ4StreamError(Liblz4Error):
    """A call to the LZ4 library failed (python-lz4's LZ4StreamError).  Also a Liblz4Error, so
    ``.code`` is LIBLZ4-FAIL as M sees it (BAD-ARGS for an out-of-band ``get_block``)."""


class _Ops:
    """The call-outs, bound once per process: precomputed callers for the per-chunk entries
    (compiled when the extension modules are built), the generic call for the rest."""

    _lock = threading.Lock()
    _bound: "_Ops | None" = None

    def __init__(self):
        rt = self.rt = _runtime.default()
        self.get_block = rt.string_op("lz4StreamGetBlock")
        self._chunk_ops: dict = {}
        for name in ("lz4StreamCompressOpen", "lz4StreamDecompressOpen", "handleFree",
                     "lastError", "take"):
            rt.entry(name)  # CalloutMissingError now, not in the middle of a stream

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

    def error(self, name: str) -> Exception:
        """The exception for the failure this thread's last call recorded; LZ4's own failures
        are python-lz4's LZ4StreamError."""
        found = _bindings.last_failure()
        if found is None:
            return LZ4StreamError(f"{name} failed and left no error text")
        if found[0] == "LIBLZ4-FAIL":
            return LZ4StreamError(found[1], found[0])
        return error_for(*found)

    def finish(self, name: str, ret: int, out: bytes) -> bytes:
        """A non-zero return: collect a held result (only a smaller tier than ours would leave
        one), else raise the failure."""
        if ret > 0:
            ret, (out,) = self.rt.call("take", None)
            if ret == 0:
                return out
        raise self.error(name)


def _buffer(data, what: str):
    """A contiguous byte view of any buffer (python-lz4's ``y*``): TypeError for str and
    non-buffers, BufferError for non-contiguous views."""
    if isinstance(data, str):
        raise TypeError(f"{what}: a bytes-like object is required, not 'str'")
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(f"{what}: a bytes-like object is required, not "
                        f"'{type(data).__name__}'") from None
    if not view.c_contiguous:
        raise BufferError("memoryview: underlying buffer is not C-contiguous")
    if view.ndim != 1 or view.itemsize != 1:
        view = view.cast("B")
    return view


def _text_arg(value, position: int, name: str) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"argument {position} must be str, not {type(value).__name__}")
    if not value:  # the C side reads "" as its default; python-lz4 refuses it
        raise BadArgumentsError(f"{name} \"\" is not valid")
    return value.encode("utf-8", "surrogateescape")


def _dictionary(dictionary):
    """str (UTF-8), bytes or any buffer; None, "" and b"" mean none.  Only the last 64 KiB
    can matter to LZ4, and only they are passed (the C side copies them)."""
    if dictionary is None:
        return b""
    if isinstance(dictionary, str):
        dictionary = dictionary.encode("utf-8")
    view = _buffer(dictionary, "dictionary")
    return view[-_WINDOW:] if view.nbytes > _WINDOW else view


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
                raise self._ops.error("handleFree")

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

    def _open(self, name: str, *args) -> None:
        ops = self._ops = _Ops.get()
        ret, _ = ops.rt.call(name, *args)
        if ret <= 0:
            raise ops.error(name)
        self._h = ret

    def _fail(self, name: str, ret: int, out: bytes):
        if not self._h:
            raise InvalidHandleError(f"this {type(self).__name__} is closed")
        result = self._ops.finish(name, ret, out)
        return bytearray(result) if self._bytearray else result


class LZ4StreamCompressor(_Stream):
    """LZ4 stream compressing context."""

    def __init__(self, strategy, buffer_size, mode="default", acceleration=True,
                 compression_level=9, return_bytearray=False, store_comp_size=4,
                 dictionary=""):
        """strategy: "double_buffer" or "ring_buffer"; buffer_size: the largest chunk (in
        the double buffer, the size of each page); mode: "default", "fast" (uses
        ``acceleration``) or "high_compression" (uses ``compression_level``, 1..12);
        store_comp_size: bytes of the block-size prefix, 0 (none), 1, 2 or 4; dictionary:
        str, bytes or buffer, copied.  Invalid values are ValueError, a buffer_size whose
        worst-case block does not fit the prefix is LZ4StreamError (as python-lz4)."""
        strategy_b = _text_arg(strategy, 1, "strategy")
        buffer_size = operator.index(buffer_size)
        mode_b = _text_arg(mode, 3, "mode")
        acceleration = operator.index(acceleration)
        compression_level = operator.index(compression_level)
        store_comp_size = operator.index(store_comp_size)
        self._bytearray = bool(return_bytearray)
        dictionary = _dictionary(dictionary)
        level = acceleration if mode == "fast" else compression_level
        self._open("lz4StreamCompressOpen", buffer_size, store_comp_size, mode_b, level,
                   dictionary, strategy_b)
        self._bs = buffer_size
        # the largest block: LZ4_COMPRESSBOUND(buffer_size) after its prefix
        self._op = self._ops.chunk_op("lz4StreamCompress",
                                      buffer_size + buffer_size // 255 + 16 + store_comp_size)

    def compress(self, chunk):
        """Compresses ``chunk`` (at most buffer_size bytes, any buffer) into one block with
        its size prefix; returns bytes (bytearray with return_bytearray).  OverflowError for
        a chunk longer than buffer_size, LZ4StreamError if LZ4 fails."""
        if chunk.__class__ is not bytes:
            chunk = _buffer(chunk, "chunk")
        if len(chunk) > self._bs:
            raise OverflowError(f"Input too large for LZ4 API: a chunk of {len(chunk)} bytes, "
                                f"buffer_size is {self._bs}")
        out = self._op(chunk, self._h)
        if out.__class__ is bytes:
            return bytearray(out) if self._bytearray else out
        return self._fail("lz4StreamCompress", out, b"")


class LZ4StreamDecompressor(_Stream):
    """LZ4 stream decompression context."""

    def __init__(self, strategy, buffer_size, return_bytearray=False, store_comp_size=4,
                 dictionary=""):
        """strategy, buffer_size, store_comp_size and dictionary as the compressor that wrote
        the stream had them (a ring_buffer decompressor also reads double_buffer streams)."""
        strategy_b = _text_arg(strategy, 1, "strategy")
        buffer_size = operator.index(buffer_size)
        store_comp_size = operator.index(store_comp_size)
        self._bytearray = bool(return_bytearray)
        dictionary = _dictionary(dictionary)
        self._open("lz4StreamDecompressOpen", buffer_size, store_comp_size, dictionary,
                   strategy_b)
        self._width = store_comp_size
        self._block_max = _WIDTH_MAX[store_comp_size]
        self._op = self._ops.chunk_op("lz4StreamDecompress", buffer_size)
        self._get = self._ops.get_block

    def decompress(self, chunk):
        """Decompresses one block (without its prefix, any buffer) of the stream, in order.
        OverflowError for a block longer than the prefix width can declare, LZ4StreamError
        for a corrupt block, one out of order, or one that decompresses past buffer_size."""
        if chunk.__class__ is not bytes:
            chunk = _buffer(chunk, "block")
        n = len(chunk)
        if n > self._block_max:
            raise OverflowError(f"Source length ({n}) too large for LZ4 store_comp_size "
                                f"({self._width}) value")
        if n > _MAX:  # what such a block holds cannot fit any buffer_size we accept
            raise LZ4StreamError(f"a block of {n} bytes may hold more than buffer_size")
        out = self._op(chunk, self._h)
        if out.__class__ is bytes:
            return bytearray(out) if self._bytearray else out
        return self._fail("lz4StreamDecompress", out, b"")

    def get_block(self, stream, offset=0):
        """The block whose size prefix starts at byte ``offset`` of ``stream`` (any buffer),
        without its prefix.  The next one starts at offset + store_comp_size + len(block).
        Nothing but the block is copied, so walking a long stream costs no more per block
        than the block itself.  LZ4StreamError if the stream ends before the prefix or the
        block does, or if the sizes travel out of band (store_comp_size=0)."""
        if not self._width:
            raise LZ4StreamError("LZ4 context is configured for storing block size "
                                 "out-of-band", "BAD-ARGS")
        offset = operator.index(offset)
        if stream.__class__ is bytes and len(stream) <= _MAX:
            if not 0 <= offset <= len(stream):
                raise ValueError(f"offset {offset} is outside the stream (0..{len(stream)})")
            ret, out = self._get(stream, self._h, offset)
        else:
            view = _buffer(stream, "stream")
            size = view.nbytes
            if not 0 <= offset <= size:
                raise ValueError(f"offset {offset} is outside the stream (0..{size})")
            # one call passes at most one M string: the window from offset on, zero-copy
            ret, out = self._get(view[offset:offset + _MAX], self._h)
            if ret and size - offset > _MAX and self._h:
                declared = int.from_bytes(view[offset:offset + self._width], "little")
                if declared > _MAX - self._width:
                    raise LZ4StreamError(f"the block at offset {offset} declares {declared} "
                                         f"bytes, over the {_MAX}-byte limit of one call")
        if ret:
            return self._fail("lz4StreamGetBlock", ret, out)
        return bytearray(out) if self._bytearray else out

    def iter_blocks(self, stream, offset=0):
        """Yields the blocks of ``stream`` (any buffer) from ``offset`` to its end, as
        get_block reads them, copying nothing but each block:
        ``for block in d.iter_blocks(data): out += d.decompress(block)``."""
        if not self._width:
            raise LZ4StreamError("LZ4 context is configured for storing block size "
                                 "out-of-band", "BAD-ARGS")
        whole = stream.__class__ is bytes and len(stream) <= _MAX
        view = stream if whole else _buffer(stream, "stream")
        size, width, get = len(view), self._width, self._get
        offset = operator.index(offset)
        if not 0 <= offset <= size:
            raise ValueError(f"offset {offset} is outside the stream (0..{size})")
        while offset < size:
            if whole:
                ret, out = get(view, self._h, offset)
            else:  # one call passes at most one M string: the window from offset on
                ret, out = get(view[offset:offset + _MAX], self._h)
            if ret:
                out = self.get_block(view, offset)  # the same call again, for its error
            elif self._bytearray:
                out = bytearray(out)
            offset += width + len(out)
            yield out
