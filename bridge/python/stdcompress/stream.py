"""Streams of any length over the stream call-outs M uses (streamOpen/Write/Read/Close):
``Compressor``, ``Decompressor`` and ``open()`` (a file object in the manner of gzip.open).

Each C call takes at most 1 MiB and returns at most 1 MiB; the rest stays pending in the C
stream and is drained here, so memory stays bounded whatever the length of the data.
Codecs: "gzip", "deflate" (raw RFC 1951), "zlib", "zstd", "lz4" (LZ4 frames), "brotli" and "xz".
The output is the standard format (gzip(1), zstd(1), lz4(1), brotli(1) and Python's zlib read
it, and we read theirs).
"""

from __future__ import annotations

import builtins
import io
import os
import threading

from . import _bindings, _codecs, _runtime
from .errors import (InvalidHandleError, LibbrotliError, Liblz4Error, LiblzmaError, LibzError,
                     LibzstdError, StdcompressError)

__all__ = ["Compressor", "Decompressor", "StreamFile", "open", "CODECS"]

CODECS = _codecs.STREAMS
_MAX = _runtime.MAX_STRING
_DONE, _MORE, _END = 0, 1, 2  # stdcompress.h: STDC_STREAM_DONE, _MORE, _END
_READ_SIZE = 128 * 1024  # bytes read from the compressed file per step
# stdcompress.h: streamOpen's options
_NO_CONTENT_SIZE, _NO_CHECKSUM, _NO_DICT_ID, _ONE_FRAME = 1, 2, 4, 8


class _Ops:
    """The call-outs, bound once per process."""

    _lock = threading.Lock()
    _bound: "_Ops | None" = None

    def __init__(self):
        rt = self.rt = _runtime.default()
        # (code, bytes) or the failure code; each call gets the table's whole output (1 MiB),
        # shrunk to the result, so a stream step is never held or cut short by its output
        self.write = rt.bytes_op("streamWrite", small_cap=_MAX, direct=False, statuses=_END)
        self.write_into = rt.string_op("streamWrite", into=True)
        from . import limits  # the package is complete by the first stream
        self.min_output = limits()["stream_min_output"]
        for name in ("streamOpen", "streamFlush", "streamClose", "streamUnused", "handleFree",
                     "lastError"):
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

    def error(self, name: str) -> StdcompressError:
        return _bindings.last_error(name)


def _codec(codec) -> bytes:
    if not isinstance(codec, str):
        raise TypeError(f"codec must be str, not {type(codec).__name__}")
    if codec not in CODECS:
        raise ValueError(f"codec {codec!r} is not one of {', '.join(CODECS)}")
    return codec.encode("ascii")


def codec_error(codec: str) -> type:
    """The class of a codec's data errors (what its one-shot decoder raises)."""
    return {"zstd": LibzstdError, "lz4": Liblz4Error, "brotli": LibbrotliError,
            "xz": LiblzmaError}.get(codec, LibzError)


def _view(data):
    if isinstance(data, str):
        raise TypeError("data must be a bytes-like object, not str")
    view = memoryview(data)
    if view.ndim != 1 or view.itemsize != 1:
        view = view.cast("B")
    return view


class _Stream:
    _h = 0  # set before anything can fail, so close() and __del__ always work

    def _open(self, codec, direction: bytes, level: int, max_output: int,
              dictionary=None, workers: int = 0, options: int = 0, size: int = -1) -> None:
        ops = self._ops = _Ops.get()
        self._codec = codec
        dictionary = b"" if dictionary is None else _view(dictionary)  # zstd only (C checks)
        ret, _ = ops.rt.call("streamOpen", _codec(codec), direction, level, max_output,
                             dictionary, workers, options, size)
        if ret <= 0:
            raise ops.error("streamOpen")
        self._h = ret

    def _handle(self) -> int:
        if not self._h:
            raise InvalidHandleError(f"this {type(self).__name__} is closed")
        return self._h

    def _drain(self, ret: int, parts: list) -> int:
        """Collects pending output (streamWrite with "" is streamRead) until the stream says
        everything is delivered; returns the final code."""
        write, h = self._ops.write, self._h
        while ret == _MORE:
            r = write(b"", h)
            if r.__class__ is int:
                raise self._ops.error("streamWrite")
            ret, out = r
            if out:
                parts.append(out)
        if ret < 0:
            raise self._ops.error("streamWrite")
        return ret

    def abandon(self) -> None:
        """Frees the C stream now without finishing it (idempotent)."""
        h, self._h = self._h, 0
        if h:
            self._ops.rt.call("handleFree", h)

    def __del__(self):
        try:
            self.abandon()
        except Exception:  # interpreter shutdown
            pass

    def __reduce_ex__(self, protocol):
        raise TypeError(f"cannot pickle or copy a {type(self).__name__}: its state lives in "
                        f"the C library, behind one handle")

    def info(self) -> dict:
        """The C stream's own account: codec, direction, level, max_output, total_in,
        total_out, pending, eof, unused."""
        ret, (text,) = self._ops.rt.call("handleInfo", None, self._handle())
        if ret != 0:
            raise self._ops.error("handleInfo")
        return dict(p.split("=", 1) for p in text.decode().split(";"))


class Compressor(_Stream):
    """Compresses a stream of any length: ``compress(data)`` returns what is ready so far,
    ``flush()`` the rest (the stream is then finished), ``flush(finish=False)`` makes
    everything written so far decodable and keeps the stream open.  Levels: those of the
    codec's one-shot function (gzip, deflate, zlib 1..9); None is the codec's default (0 too
    for zstd and brotli; for the others 0 is BadLevelError).  ``workers`` (zstd only):
    libzstd's worker threads, which compress while the caller goes on (0, the default: all
    work inside each call).
    ``dictionary``: a zstd dictionary's bytes (zstd only).  zstd only as well: ``size``, the
    total input the frame will have (written in its header; another total fails), and
    ``checksum``, ``content_size``, ``dict_id`` False to leave those out of the frame."""

    def __init__(self, codec: str = "gzip", level: int | None = None, workers: int = 0, *,
                 dictionary=None, size: int | None = None, checksum: bool = True,
                 content_size: bool = True, dict_id: bool = True):
        for name, value in (("workers", workers), ("size", size)):
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise TypeError(f"{name} must be an int, not {type(value).__name__}")
        options = ((0 if content_size else _NO_CONTENT_SIZE) | (0 if checksum else _NO_CHECKSUM)
                   | (0 if dict_id else _NO_DICT_ID))
        self._open(codec, b"c", _bindings.default_coded("streamOpen", codec, level), 0,
                   dictionary, workers, options, -1 if size is None else size)

    def compress(self, data) -> bytes:
        h = self._handle()
        write = self._ops.write
        view = data if data.__class__ is bytes and len(data) <= _MAX else _view(data)
        parts = []
        for start in range(0, len(view), _MAX):
            r = write(view[start:start + _MAX] if len(view) > _MAX else view, h)
            if r.__class__ is int:
                raise self._ops.error("streamWrite")
            ret, out = r
            if not ret and len(view) <= _MAX:
                return out  # the common call: one C step, nothing to join
            if out:
                parts.append(out)
            if ret:
                self._drain(ret, parts)
        return b"".join(parts)

    def finish(self, data=b"") -> bytes:
        """compress(data) then flush().  Data of at most 1 MiB is written with the end in one
        codec call: a zstd frame whose whole input comes so is the frame libzstd's one-shot
        compression makes; more is compress(data) + flush() exactly."""
        h = self._handle()
        view = data if data.__class__ is bytes and len(data) <= _MAX else _view(data)
        if len(view) > _MAX:
            return self.compress(view) + self.flush()
        r = self._ops.write(view, h, 1)
        ret, out = (r, b"") if r.__class__ is int else r
        return self._ended(ret, out, [], "streamWrite")

    def _ended(self, ret: int, out: bytes, parts: list, name: str) -> bytes:
        """The rest of a stream that streamClose (or an end write) began to end."""
        if out:
            parts.append(out)
        if ret != _MORE:
            self._h = 0  # the C side freed it
        if ret < 0:
            raise self._ops.error(name)
        self._drain(ret, parts)
        self._h = 0
        return b"".join(parts)

    def flush(self, finish: bool = True) -> bytes:
        h = self._handle()
        if finish:
            ret, (out,) = self._ops.rt.call("streamClose", None, h)
            return self._ended(ret, out, [], "streamClose")
        parts = []
        ret, (out,) = self._ops.rt.call("streamFlush", None, h)
        if out:
            parts.append(out)
        if ret < 0:
            raise self._ops.error("streamFlush")
        self._drain(ret, parts)
        return b"".join(parts)


class Decompressor(_Stream):
    """Decompresses a stream of any length.  ``decompress(data, max_length=-1)`` as in bz2 and
    lzma: at most max_length bytes are returned, the rest is kept (``needs_input`` False until
    it is collected by calls with b"").  ``eof`` is True at the end of the stream; bytes after
    it are ``unused_data`` (for gzip, zstd and lz4, bytes that begin another member or frame are
    decoded as such).  ``max_output`` caps the total output: past it OutputTooLargeError, the
    guard against decompression bombs.  ``readinto(data, buffer)`` decompresses into a buffer
    of the caller's.  ``dictionary``: the zstd dictionary the stream was made with.
    ``one_frame``: the stream ends with its first gzip member, zstd or LZ4 frame; every byte
    after it is ``unused_data`` (and is not read)."""

    def __init__(self, codec: str = "gzip", max_output: int | None = None, *, dictionary=None,
                 one_frame: bool = False):
        if max_output is not None and (not isinstance(max_output, int) or max_output < 0):
            raise ValueError("max_output must be a non-negative int or None")
        self._pending = False
        self._inq: list = []        # input waiting while output is pending (max_length)
        self._buffered = b""       # output produced beyond max_length
        self._eof = False
        self._unused = None
        self._one = bool(one_frame)
        self._open(codec, b"d", 0, max_output or 0, dictionary, 0, _ONE_FRAME if one_frame else 0)

    @property
    def eof(self) -> bool:
        return self._eof and not self._buffered and not self._pending

    @property
    def needs_input(self) -> bool:
        return not (self._buffered or self._pending or self._inq) and not self._eof

    @property
    def unused_data(self) -> bytes:
        if not self._eof or not self._h:
            return self._unused or b""
        ret, (out,) = self._ops.rt.call("streamUnused", None, self._h)
        if ret != 0:
            raise self._ops.error("streamUnused")
        self._unused = out
        if self._one and self._inq:  # one frame: input after the end stays here, unread
            return out + b"".join(bytes(piece) for piece in self._inq)
        return out

    def _step(self, piece) -> bytes:
        r = self._ops.write(piece, self._h)
        if r.__class__ is int:
            raise self._ops.error("streamWrite")
        ret, out = r
        self._pending = ret == _MORE
        self._eof = ret == _END  # a new gzip member or zstd frame after an end clears it
        return out

    def decompress(self, data=b"", max_length: int = -1) -> bytes:
        limit = max_length if max_length >= 0 else float("inf")
        parts, have = [], 0
        if (data.__class__ is bytes and 0 < len(data) <= _MAX and limit > 0 and self._h
                and not (self._inq or self._buffered or self._pending or self._one)):
            out = self._step(data)  # the common call: one C step, nothing queued or held
            if not self._pending and len(out) <= limit:
                return out
            parts.append(out)
            have = len(out)
            data = b""
        self._handle()
        view = data if data.__class__ is bytes and len(data) <= _MAX else _view(data)
        if len(view):
            if len(view) > _MAX:
                self._inq.extend(bytes(view[i:i + _MAX]) for i in range(0, len(view), _MAX))
            else:
                self._inq.append(view if max_length < 0 else bytes(view))
        if self._buffered:
            take = self._buffered[:int(min(limit, len(self._buffered)))]
            self._buffered = self._buffered[len(take):]
            parts.append(take)
            have = len(take)
        while have < limit:
            if self._pending:
                out = self._step(b"")
            elif self._inq and not (self._one and self._eof):
                out = self._step(self._inq.pop(0))
            else:
                break
            if out:
                parts.append(out)
                have += len(out)
        if self._one and self._eof and self._inq:  # kept past the call: the caller's no more
            self._inq = [bytes(piece) for piece in self._inq]
        result = b"".join(parts)
        if len(result) > limit:
            self._buffered = result[int(limit):]
            result = result[:int(limit)]
        return result

    def readinto(self, data, buffer) -> int:
        """Feeds ``data`` and writes up to len(buffer) bytes of output into ``buffer``;
        returns how many.  Call again with b"" while ``needs_input`` is False.  The C stream
        writes straight into ``buffer``: a long read through one buffer allocates nothing per
        chunk."""
        h = self._handle()
        with memoryview(buffer) as view, view.cast("B") as bv:
            if self._buffered or len(bv) < self._ops.min_output:  # rare: through bytes
                out = self.decompress(data, len(bv))
                bv[:len(out)] = out
                return len(out)
            view = data if data.__class__ is bytes and len(data) <= _MAX else _view(data)
            if len(view) > _MAX:
                self._inq.extend(bytes(view[i:i + _MAX]) for i in range(0, len(view), _MAX))
            elif len(view):
                self._inq.append(bytes(view))  # kept until the C stream takes it
            write_into, least, filled = self._ops.write_into, self._ops.min_output, 0
            while len(bv) - filled >= least:
                if self._pending:
                    piece = b""
                elif self._inq and not (self._one and self._eof):
                    piece = self._inq.pop(0)
                else:
                    break
                with bv[filled:] as rest:
                    ret, n = write_into(piece, rest, h)
                if ret < 0:
                    raise self._ops.error("streamWrite")
                self._pending = ret == _MORE
                self._eof = ret == _END
                filled += n
            return filled

    def close(self) -> None:
        """Frees the C stream (idempotent); it need not have ended."""
        self.abandon()


# ---- file objects ----

class _Reader(io.RawIOBase):
    def __init__(self, fp, codec, max_output):
        self._fp = fp
        self._codec = codec
        self._d = Decompressor(codec, max_output)
        self._done = False

    def readable(self):
        return True

    def readinto(self, b):
        with memoryview(b) as view, view.cast("B") as bv:
            return self._read(bv)

    def _read(self, bv) -> int:
        """Decompresses into bv (straight from the C stream); 0 only at the end."""
        if self._done or not len(bv):
            return 0
        d = self._d
        while True:
            if d.needs_input or d.eof:
                raw = self._fp.read(_READ_SIZE)
                if not raw:
                    if not d.eof:
                        raise EOFError("Compressed file ended before the end-of-stream "
                                       "marker was reached")
                    if d.unused_data:
                        raise self._trailing()
                    self._done = True
                    return 0
                n = d.readinto(raw, bv)
            else:
                n = d.readinto(b"", bv)
            if n:
                return n
            if d.eof and d.unused_data:
                raise self._trailing()

    def _trailing(self):
        return codec_error(self._codec)(f"trailing data after the end of the {self._codec} "
                                        f"stream")

    def close(self):
        self._d.close()
        super().close()


class StreamFile(io.BufferedIOBase):
    """A compressed file read or written as a stream (see open())."""

    def __init__(self, fileobj, mode, codec, level=None, max_output=None, owns=False):
        self._fp = fileobj
        self._owns = owns
        self.mode = mode
        self.name = getattr(fileobj, "name", None)
        if "r" in mode:
            self._reading = True
            self._raw = _Reader(fileobj, codec, max_output)
            self._buffer = io.BufferedReader(self._raw)
            self._c = None
        else:
            self._reading = False
            self._c = Compressor(codec, level)

    def readable(self):
        return self._reading and not self.closed

    def writable(self):
        return not self._reading and not self.closed

    def seekable(self):
        return False

    def _check(self, reading):
        if self.closed:
            raise ValueError("I/O operation on closed file")
        if reading != self._reading:
            raise io.UnsupportedOperation("not " + ("readable" if reading else "writable"))

    def read(self, size=-1):
        self._check(True)
        return self._buffer.read(size)

    def read1(self, size=-1):
        self._check(True)
        return self._buffer.read1(size)

    def readinto(self, b):
        self._check(True)
        return self._buffer.readinto(b)

    def readline(self, size=-1):
        self._check(True)
        return self._buffer.readline(size)

    def peek(self, n=0):
        self._check(True)
        return self._buffer.peek(n)

    def write(self, data):
        self._check(False)
        view = _view(data)
        out = self._c.compress(view)
        if out:
            self._fp.write(out)
        return view.nbytes

    def flush(self):
        """Makes everything written so far decodable from the file (a sync flush)."""
        if not self.closed and not self._reading and self._c._h:
            out = self._c.flush(finish=False)
            if out:
                self._fp.write(out)
            self._fp.flush()

    def close(self):
        if self.closed:
            return
        try:
            if self._reading:
                self._buffer.close()
            else:
                out = self._c.flush()
                if out:
                    self._fp.write(out)
        finally:
            try:
                if self._owns:
                    self._fp.close()
            finally:
                super().close()


def open(file, mode: str = "rb", codec: str = "gzip", level: int | None = None,
         max_output: int | None = None, encoding=None, errors=None, newline=None):
    """Opens a compressed file by path or file object: mode "rb"/"r" reads, "wb"/"w", "ab"/"a"
    and "xb"/"x" write; "rt", "wt"... give a text wrapper as gzip.open does.  level for
    writing, max_output (a cap on the decompressed size) for reading."""
    _codec(codec)
    text = "t" in mode
    bmode = mode.replace("t", "").replace("b", "")
    if bmode not in ("r", "w", "a", "x") or len(mode) > 2:
        raise ValueError(f"invalid mode: {mode!r}")
    if not text and (encoding is not None or errors is not None or newline is not None):
        raise ValueError("encoding, errors and newline are for text mode only")
    if isinstance(file, (str, bytes, os.PathLike)):
        fp = builtins.open(file, bmode + "b")
        f = StreamFile(fp, bmode + "b", codec, level, max_output, owns=True)
    elif hasattr(file, "read") or hasattr(file, "write"):
        f = StreamFile(file, bmode + "b", codec, level, max_output)
    else:
        raise TypeError("file must be a path or a file object")
    if text:
        return io.TextIOWrapper(f, encoding, errors, newline)
    return f
