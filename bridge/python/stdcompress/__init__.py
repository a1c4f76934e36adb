"""stdcompress: gzip, deflate, zlib and zstd over the same C call-outs M programs use.

Every function takes any bytes-like object and returns bytes.  Results are limited to 1 MiB
(the M string limit): a larger one raises OutputTooLargeError.  Failures raise subclasses of
StdcompressError whose ``.code`` is the code M sees in $ECODE.  Thread safe; the GIL is
released while the C code runs.
"""

from __future__ import annotations

from . import _bindings
from .errors import (BadArgumentsError, BadLevelError, CalloutMissingError, DataError,
                     HandleLimitError, InvalidHandleError, LibbrotliError, Liblz4Error,
                     LibzError, LibzstdError, NoMemoryError, NothingHeldError,
                     OutputTooLargeError, RuntimeCheckError, StdcompressError)

__version__ = "0.1.0"

__all__ = [
    "gzip", "gunzip", "deflate", "inflate", "zlib", "unzlib", "zstd_compress",
    "zstd_decompress", "available", "versions", "limits", "StdcompressError",
    "BadArgumentsError", "BadLevelError", "CalloutMissingError", "DataError", "LibzError",
    "LibzstdError", "Liblz4Error", "LibbrotliError", "InvalidHandleError", "HandleLimitError",
    "NoMemoryError", "NothingHeldError", "OutputTooLargeError", "RuntimeCheckError",
]


def gzip(data, level: int | None = None) -> bytes:
    """RFC 1952 gzip member. Level 1..12 (10..12 are libdeflate's strongest); default 6."""
    return _bindings.compress("gzip", data, level)


def gunzip(data) -> bytes:
    """Decodes one or more concatenated gzip members; trailing bytes are an error."""
    return _bindings.decompress("gunzip", data)


def deflate(data, level: int | None = None) -> bytes:
    """Raw RFC 1951 deflate stream. Level 1..12, default 6."""
    return _bindings.compress("deflate", data, level)


def inflate(data) -> bytes:
    """Decodes one raw deflate stream; trailing bytes are an error."""
    return _bindings.decompress("inflate", data)


def zlib(data, level: int | None = None) -> bytes:
    """RFC 1950 zlib stream. Level 1..12, default 6."""
    return _bindings.compress("zlib", data, level)


def unzlib(data) -> bytes:
    """Decodes one zlib stream; trailing bytes are an error."""
    return _bindings.decompress("unzlib", data)


def zstd_compress(data, level: int | None = None) -> bytes:
    """One zstd frame with content size and checksum. Level 1..22 or negative fast levels
    down to limits()['zstd_level_min']; default 3."""
    return _bindings.compress("zstdCompress", data, level)


def zstd_decompress(data) -> bytes:
    """Decodes one or more zstd frames (skippable frames allowed); trailing bytes are an error."""
    return _bindings.decompress("zstdDecompress", data)


def available() -> str:
    """"" when every backend resolved, else the comma-separated missing ones."""
    return _bindings.text("available")


def versions() -> dict[str, str]:
    """Each backend's version, e.g. {'libzstd': '1.5.4', ...}, and stdcompress's own."""
    return dict(p.split("=", 1) for p in _bindings.text("versions").split(","))


def limits() -> dict[str, int]:
    """The C side's limits and level ranges (max_string, zstd_level_min, ...)."""
    return {k: int(v) for k, v in (p.split("=", 1) for p in _bindings.text("limits").split(";"))}
