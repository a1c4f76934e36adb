"""Decoders that share no code with stdcompress: Python's zlib and gzip modules for the deflate
family, the zstd CLI for zstd, the lz4 CLI for LZ4 frames, python-lz4's lz4.block for
size-prefixed LZ4 blocks (no CLI reads raw blocks), the brotli CLI for brotli, the xz CLI and
Python's lzma module for xz (both must agree).  Generation checks every fixture with them; so do
the tests."""

from __future__ import annotations

import gzip
import lzma
import shutil
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


def _cli(argv: list[str], data: bytes) -> bytes:
    r = subprocess.run(argv, input=data, capture_output=True)
    if r.returncode != 0:
        raise DecodeError(f"{' '.join(argv)}: {r.stderr.decode(errors='replace').strip()}")
    return r.stdout


def _lzma_streams(data: bytes) -> bytes:
    """Python's lzma over concatenated .xz streams with stream padding (null bytes, a multiple
    of four) between and after them.  lzma.decompress stops at padding and ignores what
    follows, so each stream gets its own decompressor."""
    out = []
    while True:
        d = lzma.LZMADecompressor(lzma.FORMAT_XZ)
        out.append(d.decompress(data))
        if not d.eof:
            raise DecodeError("a stream is truncated")
        padded = d.unused_data
        data = padded.lstrip(b"\0")
        if (len(padded) - len(data)) % 4:
            raise DecodeError("stream padding is not a multiple of four bytes")
        if not data:
            return b"".join(out)


# codec -> what the independent decoder needs: ("cli", name) or ("module", name)
NEEDS = {"zstd": ("cli", "zstd"), "lz4frame": ("cli", "lz4"), "brotli": ("cli", "brotli"),
         "lz4": ("module", "lz4.block"), "xz": ("cli", "xz")}


def unavailable(codec: str) -> str | None:
    """None when this codec's independent decoder can run here, else why not."""
    kind, name = NEEDS.get(codec, (None, None))
    if kind == "cli" and shutil.which(name) is None:
        return f"the {name} CLI is not installed"
    if kind == "module":
        try:
            __import__(name)
        except ImportError:
            return f"python-lz4 is not installed (pip install lz4): {name} decodes {codec} rows"
    return None


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
    if codec == "lz4frame":
        return _cli(["lz4", "-d", "-c", "-q"], data)  # every frame, skippable ones too
    if codec == "brotli":
        return _cli(["brotli", "-d", "-c"], data)
    if codec == "xz":
        out = _cli(["xz", "-d", "-c", "-q"], data)  # every stream, the padding between
        if _lzma_streams(data) != out:
            raise DecodeError("xz -dc and Python's lzma decode it differently")
        return out
    if codec == "lz4":
        why = unavailable(codec)
        if why:
            raise DecodeError(why)
        import lz4.block
        return lz4.block.decompress(data)  # the prefix's size exactly; trailing bytes fail
    raise ValueError(f"unknown codec {codec!r}")


def check(codec: str, data: bytes, plaintext: bytes) -> str | None:
    """None when `data` decodes to `plaintext`, else what went wrong."""
    try:
        got = decode(codec, data)
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return None if got == plaintext else f"decodes to {len(got)} bytes, not the {len(plaintext)} expected"
