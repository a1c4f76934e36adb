"""The batch calls' public plumbing, shared by stdcompress.zstd and stdcompress's own batch
functions: inputs to (data, segments), results to a BufferWithSegmentsCollection, sizes checked.

The work itself is _batch's (the C side, threads inside the call); nothing here loops over items
in Python.
"""

from __future__ import annotations

import operator
import sys

from . import _buffers
from ._codecs import BATCHES
from ._runtime import MAX_STRING as MAX_ITEM
from .errors import BadArgumentsError
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


def check_items(segments) -> None:
    """BadArgumentsError (a ValueError) naming the first item over the 1 MiB limit of one item (the M string limit),
    before any C call: the batch entries would only say it is outside their window."""
    i = _buffers.first_longer(segments, MAX_ITEM)
    if i >= 0:
        length = int.from_bytes(bytes(memoryview(segments)[16 * i + 8:16 * i + 16]),
                                sys.byteorder)
        raise BadArgumentsError(f"item {i} is {length} bytes, over the {MAX_ITEM}-byte limit "
                                f"of one item (the M string limit)")


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
