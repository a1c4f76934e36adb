"""Thin bindings over the runtime layer: argument checks, result codes to exceptions.

Only this module and _runtime know that entries exist; the public API calls these functions.
The largest tier of each entry is used: its per-thread output buffer is reused, so the
preallocation that costs M ~20 us a call costs nothing here.
"""

from __future__ import annotations

from . import _runtime
from .errors import BadLevelError, LevelTypeError, StdcompressError, error_for


def last_failure() -> tuple[str, str] | None:
    """(code, message) of the failure this thread's last call recorded, or None."""
    ret, (text,) = _runtime.default().call("lastError", None)
    code, _, message = text.decode("utf-8", "replace").partition(" ")
    return (code, message) if ret == 0 and code else None


def last_error(name: str) -> StdcompressError:
    """The exception for the failure this thread's last call (to entry `name`) recorded."""
    found = last_failure()
    if found is None:
        return StdcompressError(f"{name} failed and left no error text", "FAIL")
    return error_for(*found)


def _finish(rt: _runtime.Runtime, name: str, ret: int, outs: list) -> bytes:
    if ret == 0:
        return outs[0]
    if ret > 0:  # held by the C side: only a smaller tier than the result can cause this
        ret, outs = rt.call("take", None)
        if ret == 0:
            return outs[0]
    raise last_error(name)


def check_level(name: str, level) -> None:
    """Levels are ints; the C side checks their range (one rule per codec, for both hosts)."""
    if not isinstance(level, int) or isinstance(level, bool):
        raise LevelTypeError(f"{name}: level {level!r} is not an integer")


# Streams and batches take 0 as "the codec's default" in C, except for xz, whose levels
# include 0 (xz -0); for these codecs 0 is not a level, so an explicit 0 is BAD-LEVEL, as
# their one-shots say.  An omitted level (None) is passed as C's STDC_LEVEL_OMITTED.
_ZERO_IS_NO_LEVEL = frozenset({"gzip", "deflate", "zlib", "lz4"})
ZERO_IS_A_LEVEL = frozenset({"xz"})  # the descriptors' level_zero
LEVEL_OMITTED = -(1 << 31)  # stdcompress.h STDC_LEVEL_OMITTED


def default_coded(name: str, codec, level) -> int:
    """The level argument of a stream or batch entry: None is LEVEL_OMITTED (the default)."""
    if level is None:
        return LEVEL_OMITTED
    check_level(name, level)
    if level == 0 and codec in _ZERO_IS_NO_LEVEL:
        raise BadLevelError(f"{name}: level 0 is not a {codec} level (None: the default)")
    return level


_callers: dict = {}


def _bind(name: str, decoding: bool):
    """Decoding entries write large results straight into their bytes object; compressing
    ones into the C side's buffer, then copied out at their size (bytes_op's direct)."""
    caller = _callers[name] = _runtime.default().bytes_op(name, direct=decoding)
    return caller


# The three functions below are the hot path of every one-shot call: one dictionary lookup and
# one call of a compiled caller that returns bytes, or the entry's failure code (an int).  No
# checks that the C side or the caller already make; the ones here only improve the message.

def compress(name: str, data, level=None) -> bytes:
    """Runs a compressing entry; level None lets the C side apply the codec's default."""
    caller = _callers.get(name) or _bind(name, False)
    if level is None:
        out = caller(data)
    else:
        if level.__class__ is not int:
            check_level(name, level)
        out = caller(data, level)
    if out.__class__ is bytes:
        return out
    raise last_error(name)


def decompress(name: str, data) -> bytes:
    out = (_callers.get(name) or _bind(name, True))(data)
    if out.__class__ is bytes:
        return out
    raise last_error(name)


def call_ints(name: str, data, *ints, decoding: bool = False) -> bytes:
    """Runs a codec entry with trailing integer arguments that are all given (an LZ4 block's
    size, brotli's quality and window); the C side checks their ranges."""
    caller = _callers.get(name) or _bind(name, decoding)
    for value in ints:
        if value.__class__ is not int:
            raise TypeError(f"{name}: integer arguments must be int, not {type(value).__name__}")
    out = caller(data, *ints)
    if out.__class__ is bytes:
        return out
    raise last_error(name)


def text(name: str) -> str:
    """Runs an informational entry (available, versions, limits) and returns its text."""
    rt = _runtime.default()
    ret, outs = rt.call(name, None)
    return _finish(rt, name, ret, outs).decode("ascii")
