"""The stdcompress command: compress, decompress or test files as streams in bounded memory.

    stdcompress compress [-c CODEC] [-l LEVEL] [-T N] [-o OUT] [-f] [-q] FILE...   (- is stdin/stdout)
    stdcompress decompress [-c CODEC] [-o OUT] [-f] [-q] [--max-output N] FILE...
    stdcompress test [-c CODEC] [-q] [--max-output N] FILE...

Also ``python -m stdcompress``.  Input files are never removed.  The codec of a file to
decompress or test comes from -c, else from its magic bytes (gzip, zlib, zstd, lz4 frames, xz),
else from its suffix (.gz .deflate .zz .zst .lz4 .br .xz: raw deflate and brotli have no magic).
A progress line goes to standard error while it is a terminal (-q: none).
Exit status, as gzip(1): 0 success, 1 an error (a file failed, or bad usage), 2 a warning only
(a file was skipped and nothing failed).
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
import time

from .errors import StdcompressError
from .stream import CODECS, Compressor, Decompressor

SUFFIX = {"gzip": ".gz", "deflate": ".deflate", "zlib": ".zz", "zstd": ".zst", "lz4": ".lz4",
          "brotli": ".br", "xz": ".xz"}
BLOCK = 1 << 20
OK, ERROR, WARNING = 0, 1, 2


class Skipped(Exception):
    """A file left alone with a warning (exit status 2), as gzip(1) does."""


def detect(head: bytes) -> str | None:
    """The codec whose magic bytes start `head`, or None (raw deflate and brotli have none).
    Skippable frames (0x184D2A50..5F) belong to zstd and LZ4 alike: None, the suffix decides."""
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head[:4] == b"\x28\xb5\x2f\xfd":
        return "zstd"
    if head[:4] == b"\x04\x22\x4d\x18":
        return "lz4"
    if head[:6] == b"\xfd7zXZ\x00":
        return "xz"
    if len(head) >= 2 and head[0] & 0x0F == 8 and head[0] >> 4 <= 7 \
            and (head[0] << 8 | head[1]) % 31 == 0:
        return "zlib"  # RFC 1950: CM 8, CINFO <= 7, FCHECK
    return None


def _suffix_codec(path: str) -> str | None:
    for codec, suffix in SUFFIX.items():
        if path.endswith(suffix):
            return codec
    return None


class Progress:
    """One line on standard error, rewritten at most 10 times a second, while it is a terminal."""

    def __init__(self, name: str, total: int | None, stream, enabled: bool):
        self.name, self.total, self.stream = name, total, stream
        self.enabled = enabled
        self.start = self.shown = time.monotonic()
        self.done = 0
        self.drawn = False

    def advance(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and (not self.drawn or now - self.shown >= 0.1):
            self.shown = now
            self.draw(now)

    def draw(self, now: float) -> None:
        rate = self.done / max(now - self.start, 1e-6) / 1e6
        part = f"{100 * self.done // self.total:3d}% " if self.total else ""
        self.stream.write(f"\r{self.name}: {part}{self.done / (1 << 20):.1f} MiB read,"
                          f" {rate:.0f} MB/s\x1b[K")
        self.stream.flush()
        self.drawn = True

    def end(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")  # leave the terminal as it was
            self.stream.flush()
            self.drawn = False


def _compress(src, dst, codec: str, level, workers, progress: Progress) -> None:
    c = Compressor(codec, level, workers)
    while True:
        block = src.read(BLOCK)
        if not block:
            break
        progress.advance(len(block))
        out = c.compress(block)
        if out:
            dst.write(out)
    dst.write(c.flush())


def _decompress(src, dst, codec: str, max_output, first: bytes, progress: Progress) -> int:
    d = Decompressor(codec, max_output)
    total = 0
    ended = False
    block = first
    while block:
        progress.advance(len(block))
        for piece in _pieces(d, block):
            total += len(piece)
            if dst is not None:
                dst.write(piece)
        ended = d.eof
        if ended and d.unused_data:
            raise ValueError(f"trailing garbage after the end of the {codec} stream")
        block = src.read(BLOCK)
    if not ended:
        raise EOFError("unexpected end of file (truncated)")
    d.close()
    return total


def _pieces(d: Decompressor, block):
    yield d.decompress(block, BLOCK)
    while not d.needs_input and not d.eof:
        yield d.decompress(b"", BLOCK)


def _open_in(path: str):
    return sys.stdin.buffer if path == "-" else open(path, "rb")


def _open_out(path: str | None, force: bool):
    if path is None:
        return None
    if path == "-":
        return sys.stdout.buffer
    if os.path.exists(path) and not force:
        raise FileExistsError(f"{path} already exists; not overwritten (-f overwrites)")
    return open(path, "wb")


def _size(src) -> int | None:
    try:
        st = os.fstat(src.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return st.st_size if st.st_size > 0 and stat.S_ISREG(st.st_mode) else None


def _one(path: str, args) -> None:
    src = _open_in(path)
    try:
        first = b"" if args.command == "compress" else src.read(BLOCK)
        if args.command == "compress":
            codec = args.codec or "gzip"
            if path != "-" and not args.output and path.endswith(SUFFIX[codec]):
                raise Skipped(f"already has {SUFFIX[codec]} suffix -- unchanged")
            out_name = args.output or ("-" if path == "-" else path + SUFFIX[codec])
            if out_name == "-" and sys.stdout.isatty() and not args.force:
                raise ValueError("compressed data not written to a terminal (-f forces it)")
        else:
            codec = args.codec or detect(first) or _suffix_codec(path)
            if codec is None:
                raise ValueError("not in a known compressed format (give -c CODEC; raw deflate"
                                 " and brotli have no magic bytes)")
            out_name = None
            if args.command == "decompress":
                out_name = args.output or ("-" if path == "-" else None)
                if out_name is None:
                    known = _suffix_codec(path)
                    if known is None:
                        raise Skipped("unknown suffix -- ignored (give -o OUT)")
                    out_name = path[:-len(SUFFIX[known])]
        progress = Progress(path, _size(src), sys.stderr, not args.quiet and sys.stderr.isatty())
        dst = _open_out(out_name, args.force)
        try:
            if args.command == "compress":
                _compress(src, dst, codec, args.level, args.workers, progress)
            else:
                n = _decompress(src, dst, codec, args.max_output, first, progress)
                if args.command == "test" and args.verbose:
                    progress.end()
                    print(f"{path}: OK ({codec}, {n} bytes)", file=sys.stderr)
        except BaseException:
            if dst is not None and dst is not sys.stdout.buffer:
                dst.close()
                os.unlink(out_name)  # never leave half a file behind
                dst = None
            raise
        finally:
            progress.end()
            if dst is not None and dst is not sys.stdout.buffer:
                dst.close()
            elif dst is sys.stdout.buffer:
                dst.flush()
    finally:
        if src is not sys.stdin.buffer:
            src.close()


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # gzip(1) exits 1 on bad usage, argparse would exit 2
        self.print_usage(sys.stderr)
        self.exit(ERROR, f"{self.prog}: {message}\n")


def main(argv=None) -> int:
    p = _Parser(prog="stdcompress", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, helptext in (("compress", "compress files"), ("decompress", "decompress files"),
                           ("test", "check that files decompress")):
        s = sub.add_parser(name, help=helptext)
        s.add_argument("files", nargs="*", default=["-"], metavar="FILE")
        s.add_argument("-c", "--codec", choices=CODECS)
        s.add_argument("-v", "--verbose", action="store_true")
        s.add_argument("-q", "--quiet", action="store_true", help="no progress line")
        if name == "compress":
            s.add_argument("-l", "--level", type=int)
            s.add_argument("-T", "--workers", type=int, default=0, metavar="N",
                           help="zstd: N worker threads compress beside the reader (default 0)")
        else:
            s.add_argument("--max-output", type=int, metavar="BYTES",
                           help="stop with an error past this many decompressed bytes")
        if name != "test":
            s.add_argument("-o", "--output", help="output file (- for stdout); one input only")
            s.add_argument("-f", "--force", action="store_true",
                           help="overwrite outputs; compress to a terminal")
    args = p.parse_args(argv)
    if getattr(args, "output", None) and len(args.files) > 1:
        p.error("-o takes one input file")
    if args.command == "test":
        args.output, args.force = None, False
    status = OK
    for path in args.files or ["-"]:
        try:
            _one(path, args)
        except Skipped as e:
            print(f"stdcompress: {path}: {e}", file=sys.stderr)
            if status == OK:
                status = WARNING
        except (OSError, ValueError, EOFError, StdcompressError) as e:
            print(f"stdcompress: {path}: {e}", file=sys.stderr)
            status = ERROR
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
