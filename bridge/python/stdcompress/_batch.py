"""Batch calls at the binding level: many items of one packed buffer in as few C calls as the
1 MiB string limit allows (multiCompress / multiDecompress, docs/batch.md), and zstd
dictionaries (train, id).  Nothing here is public API: stdcompress.zstd builds on it.

Splitting: each call gets the window of the data that starts at its first item's offset (at
most 1 MiB) and some of the pairs from its first item on (the first call up to 65536, later
calls twice what the call before did, at least 1024: the C side checks every pair it is given,
so giving it 65536 each time would re-check 1 MiB of pairs a call), and the C side does the
longest prefix of those items that fits its window and its 1 MiB of output, saying how many it
did; the next call starts there.  The worker threads run inside the C call, where the runtime
layer has released the GIL, and write the packed output straight into the result's memory.
"""

from __future__ import annotations

import re
import struct

from . import _bindings, _codecs, _runtime
from .errors import BadArgumentsError

CODECS = _codecs.BATCHES
PAIR = 16
MAX_PAIRS = _runtime.MAX_STRING // PAIR  # pairs one segments string holds
MIN_SPAN = 1024  # pairs given to a call after the first
_ITEM = re.compile(r"\bitem (\d+): ")
_first_offset = struct.Struct("=Q").unpack_from
# Each call's packed output is written by the C workers straight into memory that becomes the
# result: not zeroed first, and not copied after (for a result of at least KEEP_AT_LEAST bytes,
# which keeps the whole 1 MiB allocation).  Fresh pages are then first touched by the workers,
# in parallel: copying each result out on the calling thread, with its page faults, was about
# a third of a 100 MB batch's time (docs/batch.md).
KEEP_AT_LEAST = _runtime.MAX_STRING // 2


def _bytes_view(obj, what: str) -> memoryview:
    if isinstance(obj, str):
        raise TypeError(f"{what} must be a bytes-like object, not str")
    try:
        view = memoryview(obj)
    except TypeError:
        raise TypeError(f"{what} must be a bytes-like object, not {type(obj).__name__}") from None
    if not view.c_contiguous:
        raise BadArgumentsError(f"{what} must be a contiguous buffer")
    return view.cast("B") if view.format != "B" or view.ndim != 1 else view


def _codec(codec) -> bytes:
    if codec not in CODECS:
        raise BadArgumentsError(f"codec must be one of {', '.join(CODECS)}, not {codec!r}")
    return codec.encode()


def _int(value, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    return value


def renumbered(err, first: int):
    """err with the item index its message names counted from `first` on."""
    if first and _ITEM.search(err.message):
        err.message = _ITEM.sub(lambda m: f"item {int(m.group(1)) + first}: ", err.message, 1)
        err.args = (err.message,)
    return err


def _raise(name: str, first: int):
    """The exception for the failed call, its item index counted in the whole batch."""
    raise renumbered(_bindings.last_error(name), first)


def _run(name: str, codec, data, segments, sizes, args):
    """Calls `name` over windows of data until every item is done; args(window, pairs,
    sizes, base, total) gives the call's arguments."""
    rt = _runtime.default()
    cname = _codec(codec)
    dview = _bytes_view(data, "data")
    sview = _bytes_view(segments, "segments")
    if len(sview) % PAIR:
        raise BadArgumentsError(f"segments of {len(sview)} bytes are not (offset, length) "
                                f"pairs of {PAIR} bytes")
    count = len(sview) // PAIR
    zview = None
    if sizes is not None:
        zview = _bytes_view(sizes, "sizes")
        if len(zview) == 0:  # none: every size unknown or from the frame
            zview = None
        elif len(zview) != 8 * count:
            raise BadArgumentsError(f"sizes of {len(zview)} bytes for {count} items "
                                    f"(8 bytes each)")
    total = len(dview)
    out_at = next(i for i, p in enumerate(rt.entry(name).params) if p.direction == "O")
    results = []
    first, span = 0, MAX_PAIRS
    while first < count or (count == 0 and not results):
        offset = _first_offset(sview, PAIR * first)[0] if count else 0
        base = offset if offset <= total else total  # a bad pair is reported by the C side
        window = dview[base:base + _runtime.MAX_STRING]
        last = min(count, first + span)
        pairs = sview[PAIR * first:PAIR * last]
        part = b"" if zview is None else zview[8 * first:8 * last]
        out = rt.ffi.buffer(rt.new_uninitialized("char[]", _runtime.MAX_STRING))
        ret, (length, out_segs) = rt.call(name, cname, window, pairs, *args(part, base, total),
                                          into={out_at: out})
        if ret < 0:
            _raise(name, first)
        out = memoryview(out)[:length]
        if length < KEEP_AT_LEAST:
            out = out.tobytes()  # a small result: its own bytes, not 1 MiB held for it
        done = len(out_segs) // PAIR
        if count == 0:
            break
        if done == 0:  # cannot happen: the C side always does its first item or fails
            raise BadArgumentsError(f"{name}: no progress at item {first}")
        results.append((out, out_segs))
        first += done
        # The C side checks every pair it is given before any work: after the first call
        # (up to MAX_PAIRS checked), twice what the last call did is enough pairs.
        span = min(MAX_PAIRS, max(MIN_SPAN, 2 * done))
    return results


def _dict(dictionary) -> bytes | memoryview:
    if dictionary is None:
        return b""
    view = _bytes_view(dictionary, "dictionary")
    if len(view) == 0:
        return b""
    return view


def compress(codec, data, segments, level=None, threads=0, dictionary=None):
    """Compresses every item; -> [(packed output, output segments), ...] in item order."""
    lvl = _bindings.default_coded("multiCompress", codec, level)
    thr = _int(threads, "threads")
    dct = _dict(dictionary)
    return _run("multiCompress", codec, data, segments, None,
                lambda part, base, total: (None, None, lvl, thr, dct, base, total))


def decompress(codec, data, segments, sizes=None, threads=0, dictionary=None):
    """Decompresses every item; sizes: native uint64 per item (see docs/batch.md)."""
    thr = _int(threads, "threads")
    dct = _dict(dictionary)
    if sizes is None and codec == "lz4":
        raise BadArgumentsError("lz4 blocks need their sizes")
    return _run("multiDecompress", codec, data, segments, sizes,
                lambda part, base, total: (part, None, None, thr, dct, base, total))


def train_dictionary(data, segments, dict_size, k=0, d=0, steps=0, level=0, dict_id=0) -> bytes:
    """A zstd dictionary of at most dict_size bytes trained from the samples (fastCover)."""
    rt = _runtime.default()
    args = [_int(v, n) for v, n in ((dict_size, "dict_size"), (k, "k"), (d, "d"),
                                    (steps, "steps"), (level, "level"), (dict_id, "dict_id"))]
    dview, sview = _bytes_view(data, "data"), _bytes_view(segments, "segments")
    ret, (out,) = rt.call("zstdTrainDictionary", dview, sview, None, *args)
    if ret != 0:
        raise _bindings.last_error("zstdTrainDictionary")
    return out


def train_samples(samples, dict_size, k=0, d=0, steps=0, level=0, dict_id=0) -> bytes:
    """A zstd dictionary trained from a list of bytes samples of any total size (each at most
    1 MiB) through a trainer handle: the samples go to it in calls of at most 1 MiB and
    MAX_PAIRS samples, then one training (zstdTrainerTrain, the one-shot's parameters)."""
    from . import _multi

    rt = _runtime.default()
    args = [_int(v, n) for v, n in ((dict_size, "dict_size"), (k, "k"), (d, "d"),
                                    (steps, "steps"), (level, "level"), (dict_id, "dict_id"))]
    h = rt.call("zstdTrainerOpen", 0)[0]
    if h <= 0:
        raise _bindings.last_error("zstdTrainerOpen")
    try:
        chunk, size = [], 0
        for i, sample in enumerate(samples + [None]):
            n = 0 if sample is None else len(sample)
            if n > _runtime.MAX_STRING:
                raise BadArgumentsError(f"sample {i} is {n} bytes, over the "
                                        f"{_runtime.MAX_STRING}-byte limit of one sample")
            if chunk and (sample is None or size + n > _runtime.MAX_STRING
                          or len(chunk) == MAX_PAIRS):
                data, segs, _ = _multi.gather(chunk)
                if rt.call("zstdTrainerAdd", h, data, segs)[0] != 0:
                    raise _bindings.last_error("zstdTrainerAdd")
                chunk, size = [], 0
            if sample is not None:
                chunk.append(sample)
                size += n
        ret, (out,) = rt.call("zstdTrainerTrain", h, None, *args)
        if ret != 0:
            raise _bindings.last_error("zstdTrainerTrain")
        return out
    finally:
        rt.call("handleFree", h)


def dictionary_id(dictionary) -> int:
    """The zstd dictionary id in the content (0: raw content, not a zstd dictionary)."""
    ret, _ = _runtime.default().call("zstdDictionaryId", _bytes_view(dictionary, "dictionary"))
    if ret < 0:
        raise _bindings.last_error("zstdDictionaryId")
    return ret


def zstd_compress_dict(data, dictionary, level=None) -> bytes:
    """One zstd frame (content size, checksum) of data (at most 1 MiB) with a dictionary."""
    lvl = 0 if level is None else _int(level, "level")
    ret, (out,) = _runtime.default().call("zstdCompressDict", _bytes_view(data, "data"), None,
                                          lvl, _bytes_view(dictionary, "dictionary"))
    if ret != 0:
        raise _bindings.last_error("zstdCompressDict")
    return out


def zstd_decompress_dict(data, dictionary) -> bytes:
    """The content of one zstd frame made with the dictionary (at most 1 MiB)."""
    ret, (out,) = _runtime.default().call("zstdDecompressDict", _bytes_view(data, "data"), None,
                                          _bytes_view(dictionary, "dictionary"))
    if ret != 0:
        raise _bindings.last_error("zstdDecompressDict")
    return out
