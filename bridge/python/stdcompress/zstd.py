"""stdcompress.zstd: python-zstandard's one-shot, stream-shaped, dictionary and batch API over
stdcompress.

Code written for zstandard's batch API runs after changing only its import::

    from stdcompress.zstd import ZstdCompressor, ZstdDecompressor   # was: from zstandard import ...

    frames = ZstdCompressor(level=3).multi_compress_to_buffer(records, threads=-1)
    records = ZstdDecompressor().multi_decompress_to_buffer(frames, threads=-1)

The names are zstandard's: BufferSegment, BufferSegments, BufferWithSegments,
BufferWithSegmentsCollection, ZstdCompressor, ZstdDecompressor, ZstdCompressionDict, ZstdError,
train_dictionary, and the constants those take.  The frames are standard zstd frames (zstandard,
zstd(1) and the M side read them, and the other way round).  The batch calls run on the C side
in worker threads without the GIL; items and outputs of any size (those over 1 MiB, the M
string limit, are done alone: docs/any-size.md).  The frame options (write_checksum, write_content_size, write_dict_id, threads) give
zstandard's frames; compressobj, decompressobj, stream_reader, stream_writer and read_to_iter
run over stdcompress.stream, any size.  Where the peer crashes (an empty list, an empty frame, segments that wrap around 2**64,
decompressed_sizes with a collection) this raises a clean exception.  What differs from
zstandard, and the arguments refused rather than ignored: docs/zstd-compat.md.
"""

from __future__ import annotations

import io
import os
import re

from . import _anysize, _bindings, _multi, stream as _stream
from ._buffers import (BufferSegment, BufferSegments, BufferWithSegments,
                       BufferWithSegmentsCollection)
from .errors import (BadArgumentsError, DataError, LibzstdError, OutputTooLargeError,
                     RuntimeCheckError, StdcompressError)

__all__ = [
    "BufferSegment", "BufferSegments", "BufferWithSegments", "BufferWithSegmentsCollection",
    "ZstdCompressor", "ZstdDecompressor", "ZstdCompressionDict", "ZstdError",
    "train_dictionary", "MAX_COMPRESSION_LEVEL", "DICT_TYPE_AUTO", "DICT_TYPE_RAWCONTENT",
    "DICT_TYPE_FULLDICT", "FORMAT_ZSTD1", "FORMAT_ZSTD1_MAGICLESS", "FRAME_HEADER",
    "MAGIC_NUMBER", "CONTENTSIZE_UNKNOWN", "CONTENTSIZE_ERROR", "ZstdCompressionObj",
    "ZstdCompressionWriter", "ZstdCompressionReader", "ZstdDecompressionObj",
    "ZstdDecompressionWriter", "ZstdDecompressionReader", "COMPRESSOBJ_FLUSH_FINISH",
    "COMPRESSOBJ_FLUSH_BLOCK", "FLUSH_BLOCK", "FLUSH_FRAME", "COMPRESSION_RECOMMENDED_INPUT_SIZE",
    "COMPRESSION_RECOMMENDED_OUTPUT_SIZE", "DECOMPRESSION_RECOMMENDED_INPUT_SIZE",
    "DECOMPRESSION_RECOMMENDED_OUTPUT_SIZE",
]

MAX_COMPRESSION_LEVEL = 22
DICT_TYPE_AUTO, DICT_TYPE_RAWCONTENT, DICT_TYPE_FULLDICT = 0, 1, 2
FORMAT_ZSTD1, FORMAT_ZSTD1_MAGICLESS = 0, 1
FRAME_HEADER = b"\x28\xb5\x2f\xfd"
MAGIC_NUMBER = 0xFD2FB528
CONTENTSIZE_UNKNOWN = 2**64 - 1
CONTENTSIZE_ERROR = 2**64 - 2
_DICT_MAGIC = b"\x37\xa4\x30\xec"
COMPRESSOBJ_FLUSH_FINISH, COMPRESSOBJ_FLUSH_BLOCK = 0, 1
FLUSH_BLOCK, FLUSH_FRAME = 0, 1
# libzstd 1.5.7's ZSTD_CStreamInSize, ZSTD_CStreamOutSize, ZSTD_DStreamInSize, ZSTD_DStreamOutSize
COMPRESSION_RECOMMENDED_INPUT_SIZE = 131072
COMPRESSION_RECOMMENDED_OUTPUT_SIZE = 131591
DECOMPRESSION_RECOMMENDED_INPUT_SIZE = 131075
DECOMPRESSION_RECOMMENDED_OUTPUT_SIZE = 131072


class ZstdError(StdcompressError):
    """zstandard's ZstdError: a zstd failure (corrupt, truncated or mismatched frame, failed
    training).  A failure reported by the C side is raised as a class that is both ZstdError and
    the stdcompress class of its code (LibzstdError, OutputTooLargeError, ...), so ``.code`` is
    the code M sees and ``except ZstdError`` and ``except stdcompress.DataError`` both work."""

    code = "LIBZSTD-FAIL"


_MIXED: dict = {}
_ZSTD_FAILURES = (DataError, OutputTooLargeError, RuntimeCheckError)


def _as_zstd_error(exc: StdcompressError) -> BaseException:
    """The exception to raise for a stdcompress failure: a codec failure (corrupt or truncated
    input, an output or input over the 1 MiB limit) becomes ZstdError too, keeping class, code
    and message; argument errors (ValueError subclasses), MemoryError and a missing library
    stay as they are."""
    if isinstance(exc, ZstdError) or not isinstance(exc, _ZSTD_FAILURES):
        return exc
    cls = type(exc)
    mixed = _MIXED.get(cls)
    if mixed is None:
        mixed = _MIXED[cls] = type(cls.__name__, (cls, ZstdError),
                                   {"__module__": __name__, "__doc__": cls.__doc__,
                                    "code": cls.code})
    new = mixed(exc.message, exc.code)
    new.__cause__ = exc.__cause__
    return new


def _run(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except StdcompressError as exc:
        raise _as_zstd_error(_in_peer_words(exc)) from None


_BATCH_ITEM = re.compile(r"multi(De)?compress: item (\d+): (.*)", re.S)
_NO_SIZE = ("not a zstd frame", "does not declare its content size")


class _UnknownSizeError(LibzstdError, ZstdError, ValueError):
    """An item that is not a zstd frame: ZstdError here, ValueError in zstandard ("could not
    determine decompressed size"), so both are caught."""


def _in_peer_words(exc: StdcompressError) -> StdcompressError:
    """A batch item's failure in zstandard's words ("error decompressing item 17: ...",
    "could not determine decompressed size of item 17: ..."), which callers' code and tests
    match; class, code and the C side's text are kept."""
    m = _BATCH_ITEM.match(exc.message)
    if m is None:
        return exc
    de, index, rest = m.groups()
    if de and any(s in rest for s in _NO_SIZE):
        cls = _UnknownSizeError if isinstance(exc, LibzstdError) else type(exc)
        return cls(f"could not determine decompressed size of item {index}: {rest}", exc.code)
    return type(exc)(f"error {'de' if de else ''}compressing item {index}: {rest}", exc.code)


def _batch():
    from . import _batch as b  # the C side's binding (branch batch); imported on first use
    return b


def _threads(threads) -> int:
    """zstandard's thread argument to _batch's: negative = one per CPU (0 there), 0 and 1 = one
    thread, N = N threads."""
    threads = _multi.int_arg(threads)
    return 0 if threads < 0 else max(threads, 1)


# ---- frame headers (RFC 8878 section 3.1.1), read in Python: no pointer arithmetic ----

def _first_frame(view: memoryview):
    """(length, content_size) of the frame at the start of ``view``: length None when the frame
    is incomplete or malformed (the decoder then reports the error), content_size None when the
    header does not carry it.  A skippable frame has content size 0."""
    n = len(view)
    if n >= 8 and view[0] & 0xF0 == 0x50 and bytes(view[1:4]) == b"\x2a\x4d\x18":
        size = int.from_bytes(view[4:8], "little")
        return (8 + size if 8 + size <= n else None), 0
    if n < 6 or bytes(view[:4]) != FRAME_HEADER:
        return None, None
    fhd = view[4]
    fcs_flag, single, checksum, did_flag = fhd >> 6, (fhd >> 5) & 1, (fhd >> 2) & 1, fhd & 3
    if fhd & 0x08:  # reserved bit
        return None, None
    pos = 5 + (0 if single else 1) + (0, 1, 2, 4)[did_flag]
    fcs_size = (1 if single else 0, 2, 4, 8)[fcs_flag]
    if pos + fcs_size > n:
        return None, None
    content = None
    if fcs_size:
        content = int.from_bytes(view[pos:pos + fcs_size], "little") + (256 if fcs_size == 2
                                                                          else 0)
    pos += fcs_size
    while True:
        if pos + 3 > n:
            return None, content
        header = int.from_bytes(view[pos:pos + 3], "little")
        last, kind, size = header & 1, (header >> 1) & 3, header >> 3
        if kind == 3:
            return None, content
        pos += 3 + (1 if kind == 1 else size)
        if pos > n:
            return None, content
        if last:
            break
    pos += 4 * checksum
    return (pos if pos <= n else None), content


def _frame_error(message: str) -> ZstdError:
    return ZstdError(message, ZstdError.code)


# ---- dictionaries ----

class ZstdCompressionDict:
    """zstandard's ZstdCompressionDict: dictionary content (a trained zstd dictionary, or any
    bytes as raw content).  The C side compiles it on first use and caches the compiled form
    by id and content, so precompute_compress() has nothing left to do but check its
    arguments."""

    def __init__(self, data, dict_type: int = DICT_TYPE_AUTO, k: int = 0, d: int = 0):
        if isinstance(data, str):
            raise TypeError("a bytes-like object is required, not 'str'")
        self._data = bytes(memoryview(data))
        dict_type = _multi.int_arg(dict_type)
        if dict_type not in (DICT_TYPE_AUTO, DICT_TYPE_RAWCONTENT, DICT_TYPE_FULLDICT):
            raise ValueError(f"invalid dictionary load mode: {dict_type}; must use DICT_TYPE_* "
                             "constants")
        full = self._data[:4] == _DICT_MAGIC
        if dict_type == DICT_TYPE_RAWCONTENT and full:
            raise ValueError("DICT_TYPE_RAWCONTENT is not supported for content that starts "
                             "with the zstd dictionary magic: stdcompress loads dictionaries "
                             "by content (DICT_TYPE_AUTO)")
        if dict_type == DICT_TYPE_FULLDICT and not full:
            raise ValueError("DICT_TYPE_FULLDICT: the content is not a zstd dictionary (no "
                             "dictionary magic)")
        self._dict_type = dict_type
        self.k = _multi.int_arg(k)
        self.d = _multi.int_arg(d)
        self._id = None

    def __len__(self) -> int:
        return len(self._data)

    def dict_id(self) -> int:
        """The dictionary's id (0 for raw content)."""
        if self._id is None:
            self._id = _run(_batch().dictionary_id, self._data)
        return self._id

    def as_bytes(self) -> bytes:
        return self._data

    def precompute_compress(self, level: int = 0, compression_params=None) -> None:
        """Checks the arguments as zstandard does; the C side compiles and caches dictionaries
        per level on first use, so there is nothing to precompute."""
        if compression_params is not None:
            raise ValueError("compression_params is not supported by stdcompress.zstd")
        if not _multi.int_arg(level):
            raise ValueError("must specify one of level or compression_params")


def _dict_bytes(dict_data):
    if dict_data is None:
        return None
    if not isinstance(dict_data, ZstdCompressionDict):
        raise TypeError("dict_data must be stdcompress.zstd.ZstdCompressionDict")
    return dict_data.as_bytes()


def train_dictionary(dict_size: int, samples: list, k: int = 0, d: int = 0, f: int = 0,
                     split_point: float = 0.0, accel: int = 0, notifications: int = 0,
                     dict_id: int = 0, level: int = 0, steps: int = 0,
                     threads: int = 0) -> ZstdCompressionDict:
    """zstandard's train_dictionary (fastCover, zstandard's defaults): a dictionary of at most
    ``dict_size`` bytes trained on ``samples`` (a list of bytes of any total size, each at
    most 1 MiB; they are gathered behind a C trainer handle).  k, d, steps, level and dict_id are libzstd's (0 = searched or default; d is 0, 6 or
    8); f, accel, split_point and notifications other than their defaults are refused
    (ValueError); threads only chooses, as in zstandard, between the default search (no threads
    and no steps: d=8, steps=4, level=3) and the full one, which runs on one thread here."""
    if not isinstance(samples, list):
        raise TypeError(f"train_dictionary() argument 2 must be list, not "
                        f"{type(samples).__name__}")
    for sample in samples:
        if not isinstance(sample, bytes):
            raise ValueError("samples must be bytes")
    dict_size, k, d, steps, level, dict_id, threads = (
        _multi.int_arg(v) for v in (dict_size, k, d, steps, level, dict_id, threads))
    for name, value in (("f", f), ("accel", accel), ("split_point", split_point),
                        ("notifications", notifications)):
        if value:
            raise ValueError(f"train_dictionary: {name} is not supported by stdcompress.zstd")
    if not steps and not threads:  # zstandard's defaults, as ZDICT_trainFromBuffer's
        d, steps, level = d or 8, steps or 4, level or 3
    content = _run(_batch().train_samples, samples, dict_size, k=k, d=d, steps=steps,
                   level=level, dict_id=dict_id)
    return ZstdCompressionDict(content, k=k, d=d)


# ---- compressor and decompressor ----

_UNSUPPORTED_METHODS = {"chunker", "copy_stream", "frame_progression",
                        "decompress_content_dict_chain"}


class _Unsupported:
    def __getattr__(self, name):
        if name in _UNSUPPORTED_METHODS:
            raise AttributeError(f"{type(self).__name__}.{name} is not provided by "
                                 "stdcompress.zstd (see docs/zstd-compat.md)")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


# The one-shot entry's output is one M string: inputs whose bound is larger go by stream.
def _fits_one_shot(n: int) -> bool:
    bound = n + (n >> 8) + ((131072 - n) >> 11 if n < 131072 else 0)  # ZSTD_compressBound
    return bound <= _multi.MAX_ITEM


class ZstdCompressor(_Unsupported):
    """zstandard's ZstdCompressor: one-shot, stream-shaped and batch compression.

    level: 1..22, 0 = 3, negative = fast levels (clamped to the C side's minimum, as libzstd
    clamps).  write_checksum (default False), write_content_size (default True: written when
    the size is known) and write_dict_id (default True) as in zstandard; threads as
    zstandard's ZSTD_c_nbWorkers (-1: one per CPU; at most 64, which gives the same frames as
    more).  compression_params is refused (ValueError).  The batch call writes frames with
    content size and checksum whatever these say (it takes its own threads argument)."""

    def __init__(self, level: int = 3, dict_data=None, compression_params=None,
                 write_checksum=None, write_content_size=None, write_dict_id=None,
                 threads: int = 0):
        level = _multi.int_arg(level)
        if level > MAX_COMPRESSION_LEVEL:
            raise ValueError(f"level must be less than {MAX_COMPRESSION_LEVEL + 1}")
        if compression_params is not None:
            raise ValueError("compression_params is not supported by stdcompress.zstd: use level")
        threads = _multi.int_arg(threads)
        if threads < 0:
            threads = os.cpu_count() or 1
        self._threads = threads
        self._workers = min(threads, _stream_max_workers())
        self._frame = {"checksum": bool(write_checksum),
                       "content_size": True if write_content_size is None
                       else bool(write_content_size),
                       "dict_id": True if write_dict_id is None else bool(write_dict_id)}
        self._frame_bits = ((0 if self._frame["content_size"] else _stream._NO_CONTENT_SIZE)
                            | (0 if self._frame["checksum"] else _stream._NO_CHECKSUM)
                            | (0 if self._frame["dict_id"] else _stream._NO_DICT_ID))
        if level == 0:
            level = 3
        elif level < 0:
            level = max(level, _level_min())
        self._level = level
        self._dict = _dict_bytes(dict_data)

    def _open(self, size: int = -1) -> _stream.Compressor:
        """A C stream with this compressor's settings (size < 0: unknown)."""
        return _run(_stream.Compressor, "zstd", self._level, self._workers,
                    dictionary=self._dict, size=None if size < 0 else size, **self._frame)

    def memory_size(self) -> int:
        """0: contexts live on the C side, one per thread, shared by every compressor."""
        return 0

    def compress(self, data) -> bytes:
        """One frame, the one zstandard's compress() writes for the same settings (any size:
        beyond about 1 MiB, or with a dictionary or threads, through a C stream)."""
        if isinstance(data, str):
            raise TypeError("a bytes-like object is required, not 'str'")
        view = memoryview(data)
        if self._dict is None and not self._workers and _fits_one_shot(view.nbytes):
            return _run(_bindings.call_ints, "zstdCompress", data, self._level, self._frame_bits)
        return _run(_finish_frame, self._open(view.nbytes), view)

    def compressobj(self, size: int = -1) -> "ZstdCompressionObj":
        """zstandard's compressobj: compress(data) and flush(COMPRESSOBJ_FLUSH_FINISH or
        COMPRESSOBJ_FLUSH_BLOCK); ``size`` the total input, when known."""
        return ZstdCompressionObj(self._open(_multi.int_arg(size)))

    def stream_writer(self, writer, size: int = -1,
                      write_size: int = COMPRESSION_RECOMMENDED_OUTPUT_SIZE,
                      write_return_read: bool = True, closefd: bool = True):
        """A writable stream compressing into ``writer`` (anything with write())."""
        if not hasattr(writer, "write"):
            raise ValueError("must pass an object with a write() method")
        return ZstdCompressionWriter(self, writer, _multi.int_arg(size),
                                     _multi.int_arg(write_size), write_return_read, closefd)

    def stream_reader(self, source, size: int = -1,
                      read_size: int = COMPRESSION_RECOMMENDED_INPUT_SIZE,
                      closefd: bool = True):
        """A readable stream of the compressed form of ``source`` (an object with read() or
        a buffer, whose length is then the size)."""
        try:
            size = len(source)
        except Exception:
            size = _multi.int_arg(size)
        return ZstdCompressionReader(self._open(size), source, _multi.int_arg(read_size),
                                     closefd)

    def read_to_iter(self, reader, size: int = -1,
                     read_size: int = COMPRESSION_RECOMMENDED_INPUT_SIZE,
                     write_size: int = COMPRESSION_RECOMMENDED_OUTPUT_SIZE):
        """An iterator of compressed chunks (at most write_size bytes) of what ``reader``
        (read() or a buffer) holds."""
        chunks, size = _source_chunks(reader, _multi.int_arg(read_size), _multi.int_arg(size))
        return _compress_iter(self._open(size), chunks, _multi.int_arg(write_size))

    def multi_compress_to_buffer(self, data, threads: int = 0) -> BufferWithSegmentsCollection:
        """Compresses each item of ``data`` (a BufferWithSegments, a
        BufferWithSegmentsCollection or a list of bytes-like objects) to its own frame, in
        parallel on the C side: threads 0 or 1 = one thread, N = N, negative = one per CPU."""
        threads = _threads(threads)
        packed, segments, count = _multi.gather(data)
        if count == 0:
            raise ValueError("no source elements found")
        if _multi.all_empty(segments):  # as zstandard, which has nothing to split by size
            raise ValueError("source elements are empty")
        pairs = _run(_multi.compress, "zstd", packed, segments, level=self._level,
                     threads=threads, dictionary=self._dict)
        return _multi.collection(pairs)


def _level_min() -> int:
    global _LEVEL_MIN
    if _LEVEL_MIN is None:
        import stdcompress
        _LEVEL_MIN = stdcompress.limits()["zstd_level_min"]
    return _LEVEL_MIN


_LEVEL_MIN = None


def _stream_max_workers() -> int:
    import stdcompress
    return stdcompress.limits()["stream_max_workers"]


class ZstdDecompressor(_Unsupported):
    """zstandard's ZstdDecompressor for one-shot and batch decompression.  max_window_size and
    format other than FORMAT_ZSTD1 are refused (ValueError)."""

    def __init__(self, dict_data=None, max_window_size: int = 0, format: int = FORMAT_ZSTD1):
        if _multi.int_arg(max_window_size):
            raise ValueError("max_window_size is not supported by stdcompress.zstd (every "
                             "output is at most 1 MiB)")
        if _multi.int_arg(format) != FORMAT_ZSTD1:
            raise ValueError("only FORMAT_ZSTD1 is supported by stdcompress.zstd")
        self._dict = _dict_bytes(dict_data)

    def memory_size(self) -> int:
        """0: contexts live on the C side, one per thread, shared by every decompressor."""
        return 0

    def decompress(self, data, max_output_size: int = 0, read_across_frames: bool = False,
                   allow_extra_data: bool = True) -> bytes:
        """The first frame of ``data`` (all of them with read_across_frames).  A frame without
        its content size needs max_output_size; bytes after the frame(s) are ignored unless
        allow_extra_data is False."""
        if isinstance(data, str):
            raise TypeError("a bytes-like object is required, not 'str'")
        view = memoryview(data)
        if not view.c_contiguous:
            view = memoryview(view.tobytes())
        view = view.cast("B")
        max_output_size = _multi.int_arg(max_output_size)
        end, content = _first_frame(view)
        if content is None and end is None:
            raise _frame_error("error determining content size from frame header")
        if content is None and not max_output_size:
            raise _frame_error("could not determine content size in frame header")
        if end is None:  # truncated or malformed: let the decoder say what is wrong
            end = len(view)
        if read_across_frames:
            while end < len(view):
                more, _ = _first_frame(view[end:])
                if more is None:
                    break
                end += more
        if end < len(view) and not allow_extra_data:
            raise _frame_error(f"compressed input contains {len(view) - end} bytes of unused "
                               "data, which is disallowed")
        frames = view[:end]
        if self._dict is None:
            import stdcompress
            out = _run(stdcompress.zstd_decompress, frames)
        elif len(frames) > _multi.MAX_ITEM or (content or 0) > _multi.MAX_ITEM:
            out = _run(_anysize.stream_decompress, "zstd", frames, self._dict)
        else:
            out = b"".join(self._frames_with_dict(frames))
        if content is None and len(out) > max_output_size:
            raise _frame_error("decompression error: did not decompress full frame")
        return out

    def _frames_with_dict(self, frames: memoryview):
        """Each frame through the one-shot dictionary entry (it takes one frame a call)."""
        pos = 0
        while pos < len(frames):
            n, _ = _first_frame(frames[pos:])
            n = n or len(frames) - pos
            yield _run(_batch().zstd_decompress_dict, frames[pos:pos + n], self._dict)
            pos += n

    def _open(self, one_frame: bool) -> _stream.Decompressor:
        return _run(_stream.Decompressor, "zstd", dictionary=self._dict, one_frame=one_frame)

    def decompressobj(self, write_size: int = DECOMPRESSION_RECOMMENDED_OUTPUT_SIZE,
                      read_across_frames: bool = False) -> "ZstdDecompressionObj":
        """zstandard's decompressobj: one frame, or every frame with read_across_frames."""
        if _multi.int_arg(write_size) < 1:
            raise ValueError("write_size must be positive")
        return ZstdDecompressionObj(self, bool(read_across_frames))

    def stream_reader(self, source, read_size: int = DECOMPRESSION_RECOMMENDED_INPUT_SIZE,
                      read_across_frames: bool = False, closefd: bool = True):
        """A readable stream of what ``source`` (read() or a buffer) decompresses to; a read
        stops at the end of a frame unless read_across_frames."""
        return ZstdDecompressionReader(self, source, _multi.int_arg(read_size),
                                       bool(read_across_frames), closefd)

    def stream_writer(self, writer, write_size: int = DECOMPRESSION_RECOMMENDED_OUTPUT_SIZE,
                      write_return_read: bool = True, closefd: bool = True):
        """A writable stream decompressing into ``writer`` (anything with write())."""
        if not hasattr(writer, "write"):
            raise ValueError("must pass an object with a write() method")
        return ZstdDecompressionWriter(self, writer, _multi.int_arg(write_size),
                                       write_return_read, closefd)

    def read_to_iter(self, reader, read_size: int = DECOMPRESSION_RECOMMENDED_INPUT_SIZE,
                     write_size: int = DECOMPRESSION_RECOMMENDED_OUTPUT_SIZE,
                     skip_bytes: int = 0):
        """An iterator of the decompressed chunks (at most write_size bytes) of the first
        frame ``reader`` (read() or a buffer) holds, after skip_bytes bytes."""
        read_size, skip_bytes = _multi.int_arg(read_size), _multi.int_arg(skip_bytes)
        if skip_bytes >= read_size:
            raise ValueError("skip_bytes must be smaller than read_size")
        chunks, size = _source_chunks(reader, read_size, -1, skip_bytes)
        return _decompress_iter(self._open(True), chunks, _multi.int_arg(write_size))

    def multi_decompress_to_buffer(self, frames, decompressed_sizes=None,
                                   threads: int = 0) -> BufferWithSegmentsCollection:
        """Decompresses each frame of ``frames`` (a BufferWithSegments, a
        BufferWithSegmentsCollection or a list of bytes-like objects) in parallel on the C
        side.  decompressed_sizes: None or a buffer of native uint64, one per frame (8 bytes
        each, for every input type), 0 = read the size from the frame header."""
        threads = _threads(threads)
        packed, segments, count = _multi.gather(frames)
        if count == 0:
            raise ValueError("no frames to decompress (the list is empty)")
        sizes = _multi.sizes_buffer(decompressed_sizes, count)
        pairs = _run(_multi.decompress, "zstd", packed, segments, sizes=sizes,
                     threads=threads, dictionary=self._dict)
        return _multi.collection(pairs)


# ---- stream-shaped calls, over stdcompress.stream's Compressor / Decompressor ----

def _finish_frame(c: _stream.Compressor, view) -> bytes:
    return c.finish(view)


def _source_chunks(source, read_size: int, size: int, skip: int = 0):
    """(iterator of the source's chunks, its size): an object with read() is read read_size
    bytes at a time, a buffer sliced (its length is then the size)."""
    if hasattr(source, "read"):
        if skip:
            source.read(skip)

        def chunks():
            while True:
                data = source.read(read_size)
                if not data:
                    return
                yield data
        return chunks(), size
    if not hasattr(source, "__getitem__"):
        raise ValueError("must pass an object with a read() method or conforms to buffer "
                         "protocol")
    view = memoryview(source).cast("B")
    if skip > len(view):
        raise ValueError("skip_bytes larger than first input chunk")
    return (view[i:i + read_size] for i in range(skip, len(view), read_size)), len(view)


def _pieces(data: bytes, size: int):
    if len(data) <= size:
        if data:
            yield data
        return
    for i in range(0, len(data), size):
        yield data[i:i + size]


def _compress_iter(c: _stream.Compressor, chunks, write_size: int):
    try:
        for chunk in chunks:
            yield from _pieces(_run(c.compress, chunk), write_size)
        yield from _pieces(_run(c.flush), write_size)
    finally:
        c.abandon()


def _decoded(d: _stream.Decompressor, data):
    """What ``data`` decompresses to, at most _STEP bytes at a time (memory stays bounded
    whatever the ratio)."""
    out = _run(d.decompress, data, _STEP)
    while True:
        if out:
            yield out
        if d.eof or d.needs_input:
            return
        out = _run(d.decompress, b"", _STEP)


def _decompress_iter(d: _stream.Decompressor, chunks, write_size: int):
    try:
        for chunk in chunks:
            for out in _decoded(d, chunk):
                yield from _pieces(out, write_size)
            if d.eof:
                return
    finally:
        d.close()


_STEP = 1 << 20  # output taken from a C decompressor at a time: memory stays bounded


def _closed():
    return ValueError("stream is closed")


class ZstdCompressionObj:
    """zstandard's ZstdCompressionObj (ZstdCompressor.compressobj())."""

    def __init__(self, c: _stream.Compressor):
        self._c = c
        self._finished = False

    def compress(self, data) -> bytes:
        if self._finished:
            raise ZstdError("cannot call compress() after compressor finished")
        return _run(self._c.compress, data)

    def flush(self, flush_mode: int = COMPRESSOBJ_FLUSH_FINISH) -> bytes:
        if flush_mode not in (COMPRESSOBJ_FLUSH_FINISH, COMPRESSOBJ_FLUSH_BLOCK):
            raise ValueError("flush mode not recognized")
        if self._finished:
            raise ZstdError("compressor object already finished")
        if flush_mode == COMPRESSOBJ_FLUSH_BLOCK:
            return _run(self._c.flush, False)
        self._finished = True
        return _run(self._c.flush)


class _RawStream:
    """What zstandard's stream types share: closing, the context manager, the io methods
    they refuse."""

    _closed = False
    _entered = False
    _enter_error = ValueError

    def __enter__(self):
        if self._entered:
            raise self._enter_error("cannot __enter__ multiple times")
        if self._closed:
            raise _closed()
        self._entered = True
        return self

    def __exit__(self, exc_type, exc_value, exc_tb):
        self._entered = False
        self.close()
        return False

    @property
    def closed(self) -> bool:
        return self._closed

    def isatty(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    def memory_size(self) -> int:
        """0: the context lives on the C side."""
        return 0

    def __iter__(self):
        raise io.UnsupportedOperation()

    __next__ = __iter__

    def readline(self, *args):
        raise io.UnsupportedOperation()

    readlines = truncate = readline

    def _close_inner(self, inner) -> None:
        f = getattr(inner, "close", None)
        if self._closefd and f:
            f()


class _Writer(_RawStream):
    _enter_error = ZstdError

    def __init__(self, writer, write_size: int, write_return_read, closefd):
        self._writer = writer
        self._write_size = write_size
        self._return_read = bool(write_return_read)
        self._closefd = bool(closefd)
        self._closing = False

    def _emit(self, data: bytes) -> int:
        for piece in _pieces(data, self._write_size):
            self._writer.write(piece)
        return len(data)

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def fileno(self):
        f = getattr(self._writer, "fileno", None)
        if f:
            return f()
        raise OSError("fileno not available on underlying writer")

    def read(self, *args):
        raise io.UnsupportedOperation()

    readall = readinto = seek = read


class ZstdCompressionWriter(_Writer):
    """zstandard's ZstdCompressionWriter (ZstdCompressor.stream_writer()): write() compresses
    into the writer; flush(FLUSH_FRAME) ends the frame (the next write begins another),
    close() ends it and closes the writer when closefd."""

    def __init__(self, compressor: ZstdCompressor, writer, size: int, write_size: int,
                 write_return_read, closefd):
        super().__init__(writer, write_size, write_return_read, closefd)
        self._compressor = compressor
        self._c = compressor._open(size)
        self._written = 0

    def write(self, data) -> int:
        if self._closed:
            raise _closed()
        if self._c is None:  # after FLUSH_FRAME: a new frame, its size unknown
            self._c = self._compressor._open()
        view = memoryview(data)
        n = self._emit(_run(self._c.compress, view))
        self._written += n
        return view.nbytes if self._return_read else n

    def flush(self, flush_mode: int = FLUSH_BLOCK) -> int:
        if flush_mode not in (FLUSH_BLOCK, FLUSH_FRAME):
            raise ValueError(f"unknown flush_mode: {flush_mode!r}")
        if self._closed:
            raise _closed()
        if self._c is None:
            self._c = self._compressor._open()
        if flush_mode == FLUSH_FRAME:
            c, self._c = self._c, None
            n = self._emit(_run(c.flush))
        else:
            n = self._emit(_run(self._c.flush, False))
        self._written += n
        f = getattr(self._writer, "flush", None)
        if f and not self._closing:
            f()
        return n

    def close(self) -> None:
        if self._closed:
            return
        try:
            self._closing = True
            self.flush(FLUSH_FRAME)
        finally:
            self._closing = False
            self._closed = True
        self._close_inner(self._writer)

    def tell(self) -> int:
        return self._written

    def writelines(self, lines):
        raise NotImplementedError("writelines() is not yet implemented")


class ZstdDecompressionWriter(_Writer):
    """zstandard's ZstdDecompressionWriter (ZstdDecompressor.stream_writer()): write()
    decompresses into the writer, frame after frame; bytes after a frame that begin no frame
    are ZstdError, as in zstandard."""

    def __init__(self, decompressor: "ZstdDecompressor", writer, write_size: int,
                 write_return_read, closefd):
        super().__init__(writer, write_size, write_return_read, closefd)
        self._d = decompressor._open(False)

    def write(self, data) -> int:
        if self._closed:
            raise _closed()
        view = memoryview(data)
        n = sum(self._emit(out) for out in _decoded(self._d, view))
        _check_across(self._d)
        return view.nbytes if self._return_read else n

    def flush(self):
        if self._closed:
            raise _closed()
        f = getattr(self._writer, "flush", None)
        if f and not self._closing:
            return f()

    def close(self) -> None:
        if self._closed:
            return
        try:
            self._closing = True
            self.flush()
        finally:
            self._closing = False
            self._closed = True
            self._d.close()
        self._close_inner(self._writer)

    def tell(self):
        raise io.UnsupportedOperation()

    def writelines(self, lines):
        raise io.UnsupportedOperation()


def _check_across(d: _stream.Decompressor) -> None:
    """Reading across frames, bytes after a frame that begin no frame are an error (libzstd
    reports them so in zstandard; the C stream keeps them as unused data)."""
    if d.eof and d.unused_data:
        raise ZstdError("zstd decompress error: Unknown frame descriptor (bytes after a frame "
                        "begin no zstd frame)")


class _Reader(_RawStream):
    """What the two readers share: the source, read/read1/readinto/readall over _fill()."""

    def __init__(self, source, read_size: int, closefd):
        self._source = source
        self._closefd = bool(closefd)
        self._chunks, _ = _source_chunks(source, read_size, -1)  # a buffer in slices too
        self._buf = bytearray()
        self._pos = 0  # bytes returned so far (tell())
        self._done = False

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def write(self, data):
        raise OSError("stream is not writable")

    writelines = write

    def flush(self):
        return None

    def tell(self) -> int:
        return self._pos

    def _check(self, size: int) -> None:
        if self._closed:
            raise _closed()
        if size < -1:
            raise ValueError("cannot read negative amounts less than -1")

    def _take(self, size: int) -> bytes:
        out = bytes(self._buf[:size])
        del self._buf[:size]
        self._pos += len(out)
        return out

    def read(self, size: int = -1) -> bytes:
        self._check(size)
        if size == -1:
            return self.readall()
        while len(self._buf) < size and self._fill():
            pass
        return self._take(size)

    def read1(self, size: int = -1) -> bytes:
        self._check(size)
        if size == -1:
            size = self._read1_default
        while not self._buf and self._fill():
            pass
        return self._take(size)

    def readinto(self, b) -> int:
        with memoryview(b) as view, view.cast("B") as bv:
            out = self.read(len(bv))
            bv[:len(out)] = out
            return len(out)

    def readinto1(self, b) -> int:
        with memoryview(b) as view, view.cast("B") as bv:
            out = self.read1(len(bv))
            bv[:len(out)] = out
            return len(out)

    def readall(self) -> bytes:
        chunks = []
        while True:
            chunk = self.read(1048576)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._release()
        self._close_inner(self._source)


class ZstdCompressionReader(_Reader):
    """zstandard's ZstdCompressionReader (ZstdCompressor.stream_reader()): read() returns
    the compressed form of the source."""

    _read1_default = COMPRESSION_RECOMMENDED_OUTPUT_SIZE

    def __init__(self, c: _stream.Compressor, source, read_size: int, closefd):
        super().__init__(source, read_size, closefd)
        self._c = c

    def _fill(self) -> bool:
        """Adds output to the buffer; False at the end."""
        if self._done:
            return False
        chunk = next(self._chunks, None)
        if chunk is None:
            self._buf += _run(self._c.flush)
            self._done = True
        else:
            self._buf += _run(self._c.compress, chunk)
        return True

    def _release(self) -> None:
        self._c.abandon()


class ZstdDecompressionReader(_Reader):
    """zstandard's ZstdDecompressionReader (ZstdDecompressor.stream_reader()): read() returns
    what the source decompresses to; a read stops at the end of a frame (the next one goes
    on with the next frame) unless read_across_frames.  seek() forward only, as zstandard."""

    _read1_default = DECOMPRESSION_RECOMMENDED_OUTPUT_SIZE

    def __init__(self, decompressor: "ZstdDecompressor", source, read_size: int,
                 read_across_frames: bool, closefd):
        super().__init__(source, read_size, closefd)
        self._decompressor = decompressor
        self._across = read_across_frames
        self._d = decompressor._open(not read_across_frames)
        self._stop = False  # a frame ended: the read in progress returns

    def _fill(self) -> bool:
        """Adds at most _STEP bytes of output to the buffer; False at the end, or when a
        frame ended with output for the read in progress."""
        if self._done or (self._stop and self._buf):
            return False
        self._stop = False
        d = self._d
        if d.eof and not self._across:  # one frame ended: the next one, from what followed it
            rest = d.unused_data
            d.close()
            self._d = d = self._decompressor._open(True)
            if not rest:
                return self._fill()
            out = _run(d.decompress, rest, _STEP)
        elif not d.needs_input:  # output pending in the C stream
            out = _run(d.decompress, b"", _STEP)
        else:
            chunk = next(self._chunks, None)
            if chunk is None:
                self._done = True
                return False
            out = _run(d.decompress, chunk, _STEP)
        self._buf += out
        if self._across:
            _check_across(d)
        self._stop = d.eof
        return True

    def read(self, size: int = -1) -> bytes:
        self._stop = False
        return super().read(size)

    def read1(self, size: int = -1) -> bytes:
        self._stop = False
        return super().read1(size)

    def seek(self, pos: int, whence: int = os.SEEK_SET) -> int:
        if self._closed:
            raise _closed()
        if whence == os.SEEK_SET:
            if pos < 0:
                raise OSError("cannot seek to negative position with SEEK_SET")
            if pos < self._pos:
                raise OSError("cannot seek zstd decompression stream backwards")
            amount = pos - self._pos
        elif whence == os.SEEK_CUR:
            if pos < 0:
                raise OSError("cannot seek zstd decompression stream backwards")
            amount = pos
        elif whence == os.SEEK_END:
            raise OSError("zstd decompression streams cannot be seeked with SEEK_END")
        else:
            amount = 0
        while amount:
            got = self.read(min(amount, DECOMPRESSION_RECOMMENDED_OUTPUT_SIZE))
            if not got:
                break
            amount -= len(got)
        return self._pos

    def _release(self) -> None:
        self._d.close()


class ZstdDecompressionObj:
    """zstandard's ZstdDecompressionObj (ZstdDecompressor.decompressobj())."""

    def __init__(self, decompressor: "ZstdDecompressor", read_across_frames: bool):
        self._across = read_across_frames
        self._d = decompressor._open(not read_across_frames)
        self._finished = False
        self._unused = b""

    def decompress(self, data) -> bytes:
        if self._finished:
            raise ZstdError("cannot use a decompressobj multiple times")
        view = memoryview(data)
        if not view.nbytes:
            return b""
        out = _run(self._d.decompress, view)
        if self._across:
            _check_across(self._d)
        elif self._d.eof:
            self._finished = True
            self._unused = self._d.unused_data
            self._d.close()
        return out

    def flush(self, length: int = 0) -> bytes:
        return b""

    @property
    def unused_data(self) -> bytes:
        return self._unused

    @property
    def unconsumed_tail(self) -> bytes:
        return b""

    @property
    def eof(self) -> bool:
        return self._finished
