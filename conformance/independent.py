"""Decoders that share no code with stdcompress: Python's zlib and gzip modules for the deflate
family, the zstd CLI for zstd.  Generation checks every fixture with them; so do the tests."""

from __future__ import annotations

import gzip
import subprocess
import zlib


class DecodeError(Exception):
    pass


def _zlib_stream(data: bytes, wbits: int) -> bytes:
    d = zlib.decompressobj(wbits)
    out = d.decompress(data) + d.flush()
    if not d.eof or d.unused_data:  # truncated, or bytes after the stream
        raise DecodeError(f"stream incomplete or followed by {len(d.unused_data)} bytes")
    return out


def decode(codec: str, data: bytes) -> bytes:
    """The plaintext of `data`; DecodeError (or the decoder's own error) when it is not valid."""
    if codec == "gzip":
        return gzip.decompress(data)  # every member, as gunzip(1) does
    if codec == "deflate":
        return _zlib_stream(data, -15)
    if codec == "zlib":
        return _zlib_stream(data, 15)
    if codec == "zstd":
        r = subprocess.run(["zstd", "-d", "-c", "-q"], input=data, capture_output=True)
        if r.returncode != 0:
            raise DecodeError(f"zstd -d: {r.stderr.decode(errors='replace').strip()}")
        return r.stdout
    raise ValueError(f"unknown codec {codec!r}")


def check(codec: str, data: bytes, plaintext: bytes) -> str | None:
    """None when `data` decodes to `plaintext`, else what went wrong."""
    try:
        got = decode(codec, data)
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return None if got == plaintext else f"decodes to {len(got)} bytes, not the {len(plaintext)} expected"
