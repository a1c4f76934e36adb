"""The batch calls' public plumbing, shared by stdcompress.zstd and stdcompress's own batch
functions: inputs to (data, segments), results to a BufferWithSegmentsCollection, sizes checked.

The work itself is _batch's (the C side, threads inside the call); nothing here loops over items
in Python.
"""

from __future__ import annotations

import operator
import re
import struct

from . import _bindings, _buffers, stream
from ._codecs import BATCHES
from ._runtime import MAX_STRING as MAX_ITEM
from .errors import (BadArgumentsError, LibzError, LibzstdError, OutputTooLargeError,
                     StdcompressError)
from ._buffers import BufferWithSegments

CODECS = BATCHES


def gather(items):
    """(data, segments, count) of a BufferWithSegments, a BufferWithSegmentsCollection or a list
    of bytes-like objects; TypeError for anything else (an item that is not a buffer is named).

    Another library's BufferWithSegments (python-zstandard's: a buffer with a ``segments()``
    method exporting the pairs) is taken as its data and its pairs, which the C side then
    validates like any other: nothing is read through its own segment objects."""
    try:
        return _buffers.gather(items)
    except TypeError:
        foreign = _foreign(items)
        if foreign is None:
            raise
        return foreign


def _foreign(obj):
    segments = getattr(type(obj), "segments", None)
    if not callable(segments) or isinstance(obj, (bytes, bytearray, memoryview, str)):
        return None
    try:
        data, pairs = memoryview(obj), memoryview(obj.segments())
    except TypeError:
        return None
    if pairs.nbytes % 16:
        raise ValueError(f"segments of {pairs.nbytes} bytes are not 16-byte pairs")
    return data, pairs, pairs.nbytes // 16


_ITEM = re.compile(r"\bitem (\d+): ")


def _named(error, index: int):
    """error with its message naming the item ("item N: ..."), as the batch entries name it."""
    error.message = f"item {index}: {error.message}"
    error.args = (error.message,)
    return error


def _by_runs(packed, segments, batch, one, too_large):
    """The batch's (packed output, output segments) pairs, in item order, for items of any
    size: batch(first, end) does items first..end-1 in C calls; an item over what one call
    takes, in (over 1 MiB) or out (the call fails with too_large(error, index)), is done
    alone by one(index, item), whose failure names the item.  Items between large ones run
    again after such a failure (each at most twice)."""
    from . import _batch
    segs = memoryview(segments).cast("B")
    count = len(segs) // 16
    results, first = [], 0
    while first < count:
        over = _buffers.first_longer(segs[16 * first:], MAX_ITEM)  # an input over 1 MiB
        end = count if over < 0 else first + over
        failed = None
        try:
            if first < end:
                results += batch(first, end)
                first = end
        except StdcompressError as e:
            failed = _batch.renumbered(e, first)
        if failed is not None:
            found = _ITEM.search(failed.message)
            end = int(found.group(1)) if found else -1
            if end < first or not too_large(failed, end):
                raise failed
            if end > first:
                results += batch(first, end)  # the items before it, again
                first = end
        if first == end < count:  # the large item, alone
            offset, length = struct.unpack_from("=QQ", segs, 16 * first)
            total = memoryview(packed).nbytes
            if offset + length > total:  # as the C side checks each pair (no wrap-around)
                raise BadArgumentsError(f"item {first}: segment ({offset}, {length}) reaches "
                                        f"past the {total}-byte data")
            try:
                out = one(first, memoryview(packed).cast("B")[offset:offset + length])
            except StdcompressError as e:
                raise _named(e, first) from None
            results.append((out, struct.pack("=QQ", 0, len(out))))
            first += 1
    return results


def compress(codec: str, packed, segments, level=None, threads: int = 0, dictionary=None):
    """_batch.compress of items of any size: an item whose input or result passes what one
    call takes goes alone through the codec's one-shot function (any size, docs/any-size.md),
    which gives what the batch gives for an item that fits."""
    import stdcompress
    from . import _batch
    _batch._codec(codec)
    _bindings.default_coded("multiCompress", codec, level)  # checks it
    lvl = level if level or codec in _bindings.ZERO_IS_A_LEVEL else None
    _batch._int(threads, "threads")
    segs = memoryview(segments).cast("B")

    def batch(first, end):
        return _batch.compress(codec, packed, segs[16 * first:16 * end], level=level,
                               threads=threads, dictionary=dictionary)

    def one(index, item):
        if codec == "zstd" and dictionary is not None and len(dictionary):
            return stream.Compressor("zstd", lvl, dictionary=dictionary,
                                     size=len(item)).finish(item)
        fn = {"zstd": stdcompress.zstd_compress, "lz4": stdcompress.lz4_block_compress,
              "gzip": stdcompress.gzip, "deflate": stdcompress.deflate,
              "zlib": stdcompress.zlib, "xz": stdcompress.xz_compress}[codec]
        return fn(item, lvl)

    return _by_runs(packed, segs, batch, one,
                    lambda e, k: isinstance(e, OutputTooLargeError))


def decompress(codec: str, packed, segments, sizes=None, threads: int = 0, dictionary=None):
    """_batch.decompress of items of any size: an item over 1 MiB, or whose content is (its
    size, the frame's, or for deflate what it decodes to when the size is unknown), goes
    alone through the codec's decoder of any size, with the batch's rules for its size."""
    import stdcompress
    from . import _anysize, _batch
    _batch._codec(codec)
    _batch._int(threads, "threads")
    if sizes is None and codec == "lz4":
        raise BadArgumentsError("lz4 blocks need their sizes")
    segs = memoryview(segments).cast("B")
    wants = memoryview(sizes).cast("B").cast("Q") if sizes is not None and len(sizes) else None

    def size(k):
        return wants[k] if wants is not None else 0

    def batch(first, end):
        part = None if wants is None else memoryview(sizes).cast("B")[8 * first:8 * end]
        return _batch.decompress(codec, packed, segs[16 * first:16 * end], sizes=part,
                                 threads=threads, dictionary=dictionary)

    def one(index, item):
        want = size(index)
        if codec == "lz4":
            return stdcompress.lz4_block_decompress(item, want)
        if codec == "zstd":
            out = _anysize.stream_decompress("zstd", item, dictionary)
            if want and len(out) != want:
                raise LibzstdError(f"decoded {len(out)} bytes, expected {want}")
            return out
        out = {"gzip": stdcompress.gunzip, "deflate": stdcompress.inflate,
               "zlib": stdcompress.unzlib}[codec](item)
        if want and len(out) > want:
            raise LibzError(f"decodes to more than the {want} bytes allowed")
        return out

    def too_large(e, k):  # over the limit, not over the item's own size
        return isinstance(e, OutputTooLargeError) or (
            isinstance(e, LibzError) and size(k) == 0 and "bytes allowed" in e.message)

    return _by_runs(packed, segs, batch, one, too_large)


def all_empty(segments) -> bool:
    """True when every item is empty (and for no items)."""
    return _buffers.first_longer(segments, 0) < 0


def collection(pairs):
    """The BufferWithSegmentsCollection over _batch's (packed, segments) pairs, in order; the
    packed outputs are referenced, not copied."""
    bufs = [BufferWithSegments(packed, segs) for packed, segs in pairs if len(segs)]
    if not bufs:
        raise ValueError("the batch produced no output segments")
    return _buffers.result_collection(bufs)


def sizes_buffer(sizes, count: int):
    """decompressed_sizes as a contiguous buffer of `count` native uint64 (None stays None).
    Its byte length must be exactly 8 * count, whatever the input type."""
    if sizes is None:
        return None
    view = memoryview(sizes)  # TypeError for str and non-buffers
    if view.nbytes != 8 * count:
        raise ValueError(f"decompressed_sizes size mismatch; expected {8 * count} bytes "
                         f"({count} items), got {view.nbytes}")
    return view if view.c_contiguous else view.tobytes()


def int_arg(value) -> int:
    """An integer argument: TypeError for str, float and other non-integers (as the peer's C
    argument parser)."""
    return operator.index(value)
