"""The stdcompress command: compress, decompress or test files as streams in bounded memory.

    stdcompress compress [-c CODEC] [-l LEVEL] [-o OUT] [-f] FILE...   (- is stdin/stdout)
    stdcompress decompress [-c CODEC] [-o OUT] [-f] [--max-output N] FILE...
    stdcompress test [-c CODEC] [--max-output N] FILE...

Also ``python -m stdcompress``.  Input files are never removed.  The codec of a file to
decompress or test comes from its suffix (.gz .deflate .zz .zst .lz4 .br) unless -c says.
Exit status: 0 success, 1 a file failed, 2 usage.
"""

from __future__ import annotations

import argparse
import os
import sys

from .errors import StdcompressError
from .stream import CODECS, Compressor, Decompressor

SUFFIX = {"gzip": ".gz", "deflate": ".deflate", "zlib": ".zz", "zstd": ".zst", "lz4": ".lz4",
          "brotli": ".br"}
BLOCK = 1 << 20


def _codec_of(path: str, given: str | None) -> str:
    if given:
        return given
    for codec, suffix in SUFFIX.items():
        if path.endswith(suffix):
            return codec
    raise ValueError(f"{path}: cannot tell the codec from the suffix; give -c CODEC")


def _open_in(path: str):
    return sys.stdin.buffer if path == "-" else open(path, "rb")


def _open_out(path: str | None, force: bool):
    if path is None:
        return None
    if path == "-":
        return sys.stdout.buffer
    if os.path.exists(path) and not force:
        raise FileExistsError(f"{path} exists; -f overwrites it")
    return open(path, "wb")


def _compress(src, dst, codec: str, level) -> None:
    c = Compressor(codec, level)
    while True:
        block = src.read(BLOCK)
        if not block:
            break
        out = c.compress(block)
        if out:
            dst.write(out)
    dst.write(c.flush())


def _decompress(src, dst, codec: str, max_output) -> int:
    d = Decompressor(codec, max_output)
    total = 0
    ended = False
    while True:
        block = src.read(BLOCK)
        if not block:
            break
        for piece in _pieces(d, block):
            total += len(piece)
            if dst is not None:
                dst.write(piece)
        ended = d.eof
        if ended and d.unused_data:
            raise ValueError(f"trailing data after the end of the {codec} stream")
    if not ended:
        raise EOFError("the input ended before the end of the stream (truncated)")
    d.close()
    return total


def _pieces(d: Decompressor, block):
    yield d.decompress(block, BLOCK)
    while not d.needs_input and not d.eof:
        yield d.decompress(b"", BLOCK)


def _name_for(path: str, args) -> str | None:
    if args.output:
        return args.output
    if path == "-":
        return "-"
    if args.command == "compress":
        return path + SUFFIX[args.codec or "gzip"]
    suffix = SUFFIX[_codec_of(path, args.codec)]
    if not path.endswith(suffix):
        raise ValueError(f"{path}: no {suffix} suffix to remove; give -o OUT")
    return path[:-len(suffix)]


def _one(path: str, args) -> None:
    if args.command == "compress":
        codec = args.codec or "gzip"
    else:
        codec = "gzip" if path == "-" and not args.codec else _codec_of(path, args.codec)
    out_name = None if args.command == "test" else _name_for(path, args)
    src = _open_in(path)
    try:
        dst = _open_out(out_name, args.force)
        try:
            if args.command == "compress":
                _compress(src, dst, codec, args.level)
            else:
                n = _decompress(src, dst, codec, args.max_output)
                if args.command == "test" and args.verbose:
                    print(f"{path}: OK ({n} bytes)", file=sys.stderr)
        except BaseException:
            if dst is not None and dst is not sys.stdout.buffer:
                dst.close()
                os.unlink(out_name)  # never leave half a file behind
                dst = None
            raise
        finally:
            if dst is not None and dst is not sys.stdout.buffer:
                dst.close()
            elif dst is sys.stdout.buffer:
                dst.flush()
    finally:
        if src is not sys.stdin.buffer:
            src.close()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="stdcompress", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    for name, helptext in (("compress", "compress files"), ("decompress", "decompress files"),
                           ("test", "check that files decompress")):
        s = sub.add_parser(name, help=helptext)
        s.add_argument("files", nargs="*", default=["-"], metavar="FILE")
        s.add_argument("-c", "--codec", choices=CODECS)
        s.add_argument("-v", "--verbose", action="store_true")
        if name == "compress":
            s.add_argument("-l", "--level", type=int)
        else:
            s.add_argument("--max-output", type=int, metavar="BYTES",
                           help="stop with an error past this many decompressed bytes")
        if name != "test":
            s.add_argument("-o", "--output", help="output file (- for stdout); one input only")
            s.add_argument("-f", "--force", action="store_true", help="overwrite outputs")
    args = p.parse_args(argv)
    if getattr(args, "output", None) and len(args.files) > 1:
        p.error("-o takes one input file")
    if args.command == "test":
        args.output, args.force = None, False
    status = 0
    for path in args.files or ["-"]:
        try:
            _one(path, args)
        except (OSError, ValueError, EOFError, StdcompressError) as e:
            print(f"stdcompress {args.command}: {path}: {e}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
