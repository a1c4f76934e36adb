"""The corruption sweep: every conformance fixture through every decoder of its format (the
bridge's one-shot function and its stream Decompressor), truncated at every length (or a
strided set) and with a fixed, deterministic set of single-bit flips.

Each case must end in one of:
    error      a StdcompressError (a DataError, OUTPUT-TOO-LARGE, BAD-ARGS), or a stream that
               did not reach its end (the truncated stream streamClose reports)
    exact      the fixture's plaintext, exactly
    trailing   (streams) the stream ended before its input and keeps the rest as unused_data:
               what the one-shot decoder reports as trailing bytes
    members    (gzip, zstd, LZ4 frames: one or more members) a truncation that removed whole
               members: an empty input is zero members (documented), a cut between two
               members gives the first; every member decoded was whole and checked
    different  success with other bytes: allowed only for formats without a checksum (raw
               deflate, raw LZ4 blocks, brotli, zstd and LZ4 frames written without one) and
               recorded; for gzip (CRC32), zlib (Adler-32), zstd with its checksum and LZ4
               frames with a content checksum it is a failure
and never in anything else (another exception, RuntimeCheckError = the C side broke the
runtime's contract, a crash).

    python -m fuzz.sweep [--full] [--codec C]     (invoke sweep; CI runs the default, "ci")

ci:   every truncation of fixtures up to 4 KiB, for larger ones the first and last 64 cuts and
      64 evenly spaced; flips: every bit of the first 8 bytes, bit 0 and 7 of the last 4, 24
      spread through the body.
full: every truncation of fixtures up to 64 KiB, for larger ones the first and last 4096 cuts
      and 4096 evenly spaced; flips: every bit of the first 64 and last 32 bytes, 1024 spread.
"""

from __future__ import annotations

import argparse
import struct
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import stdcompress
from stdcompress import stream as sstream
from stdcompress.errors import CalloutMissingError, RuntimeCheckError, StdcompressError

from conformance.manifest import CODECS, Corpus


@dataclass(frozen=True)
class Plan:
    every_cut_up_to: int
    edge_cuts: int
    spread_cuts: int
    head_bytes: int   # every bit of these
    tail_bytes: int   # bits 0 and 7 of these
    spread_flips: int


PLANS = {"ci": Plan(4096, 64, 64, 8, 4, 24), "full": Plan(65536, 4096, 4096, 64, 32, 1024),
         "sanitize": Plan(1024, 16, 16, 4, 2, 12)}  # the CI plan's shape, under ASan + UBSan


def cuts(n: int, plan: Plan) -> list[int]:
    if n <= plan.every_cut_up_to:
        return list(range(n))
    s = set(range(plan.edge_cuts)) | set(range(n - plan.edge_cuts, n))
    s |= {i * n // plan.spread_cuts for i in range(plan.spread_cuts)}
    return sorted(s)


def flips(n: int, plan: Plan) -> list[tuple[int, int]]:
    s = {(p, b) for p in range(min(n, plan.head_bytes)) for b in range(8)}
    s |= {(p, b) for p in range(max(0, n - plan.tail_bytes), n) for b in (0, 7)}
    if n:
        s |= {(i * n // plan.spread_flips, (i * 3) % 8) for i in range(plan.spread_flips)}
    return sorted(s)


def mutations(fixture: bytes, plan: Plan):
    """(description, bytes) of every truncation and flip of the plan, one at a time."""
    for k in cuts(len(fixture), plan):
        yield f"cut {k}", fixture[:k]
    m = bytearray(fixture)
    for p, b in flips(len(fixture), plan):
        m[p] ^= 1 << b
        yield f"flip {p}.{b}", bytes(m)
        m[p] ^= 1 << b


def checksummed(codec: str, data: bytes) -> bool:
    """Does the fixture carry a checksum of its content?"""
    if codec in ("gzip", "zlib"):
        return True
    if codec == "zstd":
        pos = 0
        while len(data) >= pos + 8 and data[pos] & 0xF0 == 0x50 and data[pos + 1:pos + 4] == \
                b"\x2a\x4d\x18":  # skippable frames first
            pos += 8 + struct.unpack("<I", data[pos + 4:pos + 8])[0]
        return len(data) > pos + 4 and bool(data[pos + 4] & 0x04)
    if codec == "lz4frame":
        return len(data) > 4 and bool(data[4] & 0x04)
    if codec == "xz":  # the stream flags' check id (0: none; CRC32, CRC64, SHA-256 otherwise)
        return len(data) > 7 and bool(data[7] & 0x0F)
    return False


class Trailing(bytes):
    """A stream that ended before its input did, keeping the rest as unused_data."""


def _stream(codec: str, plain_len: int):
    def run(data: bytes):
        d = sstream.Decompressor(codec, max_output=max(2 * plain_len, 1 << 16))
        try:
            out = d.decompress(data)
            while not d.needs_input and not d.eof:
                more = d.decompress(b"")
                if not more:
                    break
                out += more
            if not d.eof:
                return None  # truncated: streamClose would say so
            if d.unused_data:
                return Trailing(out)
            return out
        finally:
            d.close()
    return run


# Each format's one-shot decoder in the bridge.  The formats swept are the registry's codecs'
# (conformance.manifest.CODECS); one without a decoder here is an error (formats()).
ONE_SHOT = {"gzip": stdcompress.gunzip, "deflate": stdcompress.inflate,
            "zlib": stdcompress.unzlib, "zstd": stdcompress.zstd_decompress,
            "lz4": stdcompress.lz4_decompress, "lz4frame": stdcompress.lz4_frame_decompress,
            "brotli": stdcompress.brotli_decompress, "xz": stdcompress.xz_decompress}


def formats() -> list[str]:
    """The formats swept, in the registry's order: every codec's, each with its decoder."""
    missing = [f for f in CODECS if f not in ONE_SHOT]
    if missing:
        raise LookupError(f"fuzz/sweep.py ONE_SHOT: no one-shot decoder for {missing}")
    return list(CODECS)


def decoders(codec: str, fixture: bytes, plain_len: int) -> dict:
    """name -> f(bytes) returning the output, or None for "did not end"; raising on errors.
    `codec` is a format: the one-shot decoder, and the stream of its codec if it streams it."""
    out = {f"{codec}:one-shot": ONE_SHOT[codec]}
    if CODECS[codec].stream:
        out[f"{codec}:stream"] = _stream(CODECS[codec].codec, plain_len)
    if codec == "lz4" and len(fixture) >= 4:
        size = struct.unpack("<I", fixture[:4])[0]
        out["lz4:block"] = lambda data: stdcompress.lz4_block_decompress(data[4:], size)
    return out


@dataclass
class Tally:
    counts: Counter
    different: list  # (fixture, decoder, mutation) of allowed "different" outcomes
    failures: list   # (fixture, decoder, mutation, what)


MULTI = ("gzip", "zstd", "lz4frame")  # formats of one or more members / frames


def classify(fn, data: bytes, plain: bytes, codec: str, truncated: bool):
    try:
        got = fn(data)
    except (RuntimeCheckError, CalloutMissingError) as e:
        return "broken", f"{type(e).__name__}: {e}"
    except StdcompressError:
        return "error", ""
    except Exception as e:  # anything else is a bridge or C bug
        return "broken", f"{type(e).__name__}: {e}"
    if got is None:
        return "error", ""
    if got == plain:
        return "exact", ""
    if isinstance(got, Trailing):
        # the stream ended early and says so: the bytes after its end are unused_data, as a
        # one-shot decoder's "trailing bytes" error (e.g. a flipped magic after a frame)
        return "trailing", f"{len(got)} bytes, then unused data"
    if codec in MULTI and truncated and plain.startswith(got):
        # zero members (empty input, documented) or a cut between two members: every member
        # decoded was whole and checked
        return "members", f"{len(got)} of {len(plain)} bytes"
    return "different", f"{len(got)} bytes"


def sweep(plan: Plan, codecs=None, log=None) -> tuple[dict, Tally]:
    corpus = Corpus()
    per: dict = defaultdict(Counter)
    tally = Tally(Counter(), [], [])
    swept = formats()
    for row in corpus.read():
        if row.codec not in swept:
            raise LookupError(f"{row.id}: the format {row.codec} is none of {swept}")
        if codecs and row.codec not in codecs:
            continue
        fixture = corpus.fixture(row).read_bytes()
        plain = corpus.plaintext(row).read_bytes()
        strict = checksummed(row.codec, fixture)
        n_mut = 0
        for name, fn in decoders(row.codec, fixture, len(plain)).items():
            c = per[name]
            for what, data in mutations(fixture, plan):  # made one at a time: bounded memory
                n_mut += 1
                outcome, detail = classify(fn, data, plain, row.codec, what.startswith("cut"))
                c[outcome] += 1
                if outcome == "broken" or (outcome == "different" and strict):
                    tally.failures.append((row.id, name, what, outcome, detail))
                elif outcome == "different":
                    tally.different.append((row.id, name, what, detail))
        if log:
            log(f"{row.id}: {n_mut} cases")
    for c in per.values():
        tally.counts.update(c)
    return dict(per), tally


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="the full plan (see the module doc)")
    ap.add_argument("--codec", action="append", default=[], choices=formats(),
                    help="only these formats")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    plan_name = "full" if args.full else "ci"
    start = time.monotonic()
    per, tally = sweep(PLANS[plan_name], args.codec or None,
                       (lambda s: print(s, flush=True)) if args.verbose else None)
    print(f"sweep ({plan_name}): {sum(tally.counts.values())} cases in "
          f"{time.monotonic() - start:.0f} s")
    print(f"{'decoder':<20} {'cases':>8} {'error':>8} {'exact':>8} {'members':>8} {'trailing':>8} "
          f"{'different':>9} {'broken':>6}")
    for name in sorted(per):
        c = per[name]
        print(f"{name:<20} {sum(c.values()):>8} {c['error']:>8} {c['exact']:>8} "
              f"{c['members']:>8} {c['trailing']:>8} {c['different']:>9} {c['broken']:>6}")
    kinds = Counter(d[1] for d in tally.different)
    if tally.different:
        print("different bytes, allowed (no checksum): " +
              ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
        for d in tally.different[:10]:
            print("  " + " | ".join(map(str, d)))
    for f in tally.failures[:50]:
        print("FAIL " + " | ".join(map(str, f)))
    print(f"failures: {len(tally.failures)}")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
