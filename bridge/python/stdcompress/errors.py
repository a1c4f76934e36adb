"""One exception hierarchy; each class carries the code M sees in $ECODE (,U-STDCOMPRESS-<code>,)."""

from __future__ import annotations


class StdcompressError(Exception):
    """Base of every stdcompress failure. ``.code`` is the code M sees, ``.message`` the C text."""

    code = "FAIL"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class BadArgumentsError(StdcompressError, ValueError):
    """Too few arguments, or an argument the entry cannot use."""

    code = "BAD-ARGS"


class BadLevelError(StdcompressError, ValueError):
    """A level outside the codec's range; nothing was done."""

    code = "BAD-LEVEL"


class LevelTypeError(BadLevelError, TypeError):
    """A level that is not an int: BAD-LEVEL, as M says of a level that is not an integer (and a
    TypeError, as Python says of the wrong type)."""


class OutputTooLargeError(StdcompressError):
    """The result would exceed the 1 MiB one-shot limit (the M string limit)."""

    code = "OUTPUT-TOO-LARGE"


class DataError(StdcompressError):
    """Corrupt, truncated or trailing input for a decoder."""


class LibzError(DataError):
    """Deflate family (gzip, raw deflate, zlib) failure."""

    code = "LIBZ-FAIL"


class LibzstdError(DataError):
    """zstd failure."""

    code = "LIBZSTD-FAIL"


class Liblz4Error(DataError):
    """LZ4 (block, frame or stream) failure."""

    code = "LIBLZ4-FAIL"


class LibbrotliError(DataError):
    """brotli failure."""

    code = "LIBBROTLI-FAIL"


class LiblzmaError(DataError):
    """xz failure (corrupt, truncated or trailing input, or over the decoder's memory limit)."""

    code = "LIBLZMA-FAIL"


class InvalidHandleError(StdcompressError, ValueError):
    """A handle never opened, already closed, or of another kind."""

    code = "INVALID-HANDLE"


class HandleLimitError(StdcompressError):
    """No free handle: the configured maximum number are open."""

    code = "HANDLE-LIMIT"


class NoMemoryError(StdcompressError, MemoryError):
    """A codec context or buffer could not be allocated."""

    code = "NO-MEMORY"


class NothingHeldError(StdcompressError):
    """take was called with no held result."""

    code = "NOTHING-HELD"


class CalloutMissingError(StdcompressError):
    """The table or the library cannot be loaded, or an entry is missing or mismatched."""

    code = "CALLOUT-MISSING"


class RuntimeCheckError(StdcompressError):
    """A check the M runtime itself makes failed (EXCEEDSPREALLOC, MAXSTRLEN): an ABI bug or an
    input the runtime would never pass."""


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


_BY_CODE = {c.code: c for c in _all_subclasses(StdcompressError) if "code" in c.__dict__}


def error_for(code: str, message: str) -> StdcompressError:
    """The exception for a code reported by the library (unknown codes keep the base class)."""
    cls = _BY_CODE.get(code, StdcompressError)
    return cls(message, code)
