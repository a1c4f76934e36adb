"""stdcompress.zstd: python-zstandard's one-shot, dictionary and batch API over stdcompress.

Code written for zstandard's batch API runs after changing only its import::

    from stdcompress.zstd import ZstdCompressor, ZstdDecompressor   # was: from zstandard import ...

    frames = ZstdCompressor(level=3).multi_compress_to_buffer(records, threads=-1)
    records = ZstdDecompressor().multi_decompress_to_buffer(frames, threads=-1)

The names are zstandard's: BufferSegment, BufferSegments, BufferWithSegments,
BufferWithSegmentsCollection, ZstdCompressor, ZstdDecompressor, ZstdCompressionDict, ZstdError,
train_dictionary, and the constants those take.  The frames are standard zstd frames (zstandard,
zstd(1) and the M side read them, and the other way round).  The batch calls run on the C side
in worker threads without the GIL; every item and every output is at most 1 MiB (the M string
limit).  Where the peer crashes (an empty list, an empty frame, segments that wrap around 2**64,
decompressed_sizes with a collection) this raises a clean exception.  What differs from
zstandard, and the arguments refused rather than ignored: docs/zstd-compat.md.
"""

from __future__ import annotations

import re

from . import _bindings, _multi
from ._buffers import (BufferSegment, BufferSegments, BufferWithSegments,
                       BufferWithSegmentsCollection)
from .errors import (BadArgumentsError, DataError, LibzstdError, OutputTooLargeError,
                     RuntimeCheckError, StdcompressError)

__all__ = [
    "BufferSegment", "BufferSegments", "BufferWithSegments", "BufferWithSegmentsCollection",
    "ZstdCompressor", "ZstdDecompressor", "ZstdCompressionDict", "ZstdError",
    "train_dictionary", "MAX_COMPRESSION_LEVEL", "DICT_TYPE_AUTO", "DICT_TYPE_RAWCONTENT",
    "DICT_TYPE_FULLDICT", "FORMAT_ZSTD1", "FORMAT_ZSTD1_MAGICLESS", "FRAME_HEADER",
    "MAGIC_NUMBER", "CONTENTSIZE_UNKNOWN", "CONTENTSIZE_ERROR",
]

MAX_COMPRESSION_LEVEL = 22
DICT_TYPE_AUTO, DICT_TYPE_RAWCONTENT, DICT_TYPE_FULLDICT = 0, 1, 2
FORMAT_ZSTD1, FORMAT_ZSTD1_MAGICLESS = 0, 1
FRAME_HEADER = b"\x28\xb5\x2f\xfd"
MAGIC_NUMBER = 0xFD2FB528
CONTENTSIZE_UNKNOWN = 2**64 - 1
CONTENTSIZE_ERROR = 2**64 - 2
_DICT_MAGIC = b"\x37\xa4\x30\xec"


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
    ``dict_size`` bytes trained on ``samples`` (a list of bytes, at most 1 MiB in total: one C
    call).  k, d, steps, level and dict_id are libzstd's (0 = searched or default; d is 0, 6 or
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
    data, segments, _ = _multi.gather(samples)
    if len(data) > _multi.MAX_ITEM:
        raise BadArgumentsError(f"train_dictionary: {len(data)} bytes of samples, over the "
                                f"{_multi.MAX_ITEM}-byte limit of one training call")
    content = _run(_batch().train_dictionary, data, segments, dict_size, k=k, d=d, steps=steps,
                   level=level, dict_id=dict_id)
    return ZstdCompressionDict(content, k=k, d=d)


# ---- compressor and decompressor ----

_UNSUPPORTED_METHODS = {
    "compressobj", "chunker", "copy_stream", "stream_reader", "stream_writer", "read_to_iter",
    "frame_progression", "decompressobj", "decompress_content_dict_chain",
}


class _Unsupported:
    def __getattr__(self, name):
        if name in _UNSUPPORTED_METHODS:
            raise AttributeError(f"{type(self).__name__}.{name} is not provided by "
                                 "stdcompress.zstd (streams: stdcompress.Compressor / "
                                 "Decompressor, see docs/streaming.md)")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


class ZstdCompressor(_Unsupported):
    """zstandard's ZstdCompressor for one-shot and batch compression.

    level: 1..22, 0 = 3, negative = fast levels (clamped to the C side's minimum, as libzstd
    clamps).  Frames always carry the content size and a content checksum; the arguments that
    would drop them, compression_params, and write_dict_id=False are refused (ValueError).
    threads is accepted and does not change the output: one-shot calls compress at most 1 MiB
    on the calling thread (the batch call takes its own threads argument, as in zstandard)."""

    def __init__(self, level: int = 3, dict_data=None, compression_params=None,
                 write_checksum=None, write_content_size=None, write_dict_id=None,
                 threads: int = 0):
        level = _multi.int_arg(level)
        if level > MAX_COMPRESSION_LEVEL:
            raise ValueError(f"level must be less than {MAX_COMPRESSION_LEVEL + 1}")
        if compression_params is not None:
            raise ValueError("compression_params is not supported by stdcompress.zstd: use level")
        for name, value in (("write_checksum", write_checksum),
                            ("write_content_size", write_content_size),
                            ("write_dict_id", write_dict_id)):
            if value is not None and not value:
                raise ValueError(f"{name}=False is not supported by stdcompress.zstd: frames "
                                 "always carry the content size, a checksum and the "
                                 "dictionary id")
        self._threads = _multi.int_arg(threads)
        if level == 0:
            level = 3
        elif level < 0:
            level = max(level, _level_min())
        self._level = level
        self._dict = _dict_bytes(dict_data)

    def memory_size(self) -> int:
        """0: contexts live on the C side, one per thread, shared by every compressor."""
        return 0

    def compress(self, data) -> bytes:
        """One frame (content size, checksum; the dictionary's id when there is one)."""
        if self._dict is None:
            return _run(_bindings.compress, "zstdCompress", data, self._level)
        return _run(_batch().zstd_compress_dict, data, self._dict, level=self._level)

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
        _multi.check_items(segments)
        pairs = _run(_batch().compress, "zstd", packed, segments, level=self._level,
                     threads=threads, dictionary=self._dict)
        return _multi.collection(pairs)


def _level_min() -> int:
    global _LEVEL_MIN
    if _LEVEL_MIN is None:
        import stdcompress
        _LEVEL_MIN = stdcompress.limits()["zstd_level_min"]
    return _LEVEL_MIN


_LEVEL_MIN = None


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
            out = _run(_bindings.decompress, "zstdDecompress", frames)
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
        _multi.check_items(segments)
        sizes = _multi.sizes_buffer(decompressed_sizes, count)
        pairs = _run(_batch().decompress, "zstd", packed, segments, sizes=sizes,
                     threads=threads, dictionary=self._dict)
        return _multi.collection(pairs)
