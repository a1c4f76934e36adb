"""Values in globals (issue 18): N MiB (default 64) per codec through compressToGlobal into a
real database of 256-byte records and back through decompressFromGlobal, the bytes checked,
timed beside compressFile/decompressFile (streamWrite to a file) in the same M process.
Run through `invoke globals-campaign`."""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from engine_support import Modes, database, engine_or_skip  # noqa: E402
from stdcompress._codecs import STREAMS  # noqa: E402

CODECS = STREAMS  # the registry's stream codecs


def _document(n: int) -> bytes:
    """Text-like bytes: records of words and numbers, compressing about 3-5x."""
    rnd = random.Random(18)
    words = [bytes(rnd.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randrange(2, 10)))
             for _ in range(4000)]
    out, i = bytearray(), 0
    while len(out) < n:
        out += b"%d|" % i + b" ".join(rnd.choice(words) for _ in range(12)) + b"\n"
        i += 1
    return bytes(out[:n])


def measure(mib: int, codecs) -> list[dict] | str:
    """Each codec's round trip of mib MiB: {codec, chunks, ok, us: (toGlobal, fromGlobal,
    toFile, fromFile)}, or the reason there is no engine."""
    import pytest
    try:
        engine = engine_or_skip("the campaign needs a real M engine")
    except pytest.skip.Exception as e:
        return str(e)
    out_rows = []
    with tempfile.TemporaryDirectory(prefix="stdc-globals-") as tmp:
        tmp = Path(tmp)
        modes = Modes(engine, tmp)
        data = _document(mib << 20)
        (tmp / "in").write_bytes(data)
        env = {**modes.env("M"), **database(modes, tmp, 256)}
        for codec in codecs:
            (tmp / "jobs").write_text(f"CAMPAIGN\t{codec}\t{tmp / 'in'}\t{tmp}\n")
            code, out, err = modes.run("M", ["STDCGLOBTST", str(tmp / "jobs")], env=env,
                                       timeout=3600)
            f = next((ln.split("\t") for ln in out.splitlines() if ln.startswith("CAMPAIGN")),
                     None)
            if code != 0 or f is None:
                out_rows.append({"codec": codec, "ok": False, "why": (out + err)[-500:]})
                continue
            ok = f[2] == "1111" and f[8] == "0" and \
                (tmp / "back.global").read_bytes() == data == (tmp / "back.file").read_bytes()
            out_rows.append({"codec": codec, "chunks": f[7], "ok": ok, "checks": f[2],
                             "size": len(data), "us": tuple(max(int(us), 1) for us in f[3:7])})
    return out_rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mib", type=int, default=64)
    ap.add_argument("--codec", default="")
    args = ap.parse_args(argv)
    rows = measure(args.mib, args.codec.split(",") if args.codec else CODECS)
    if isinstance(rows, str):
        print(rows, file=sys.stderr)
        return 2
    print(f"{args.mib} MiB, 256-byte records; MB/s (1 MB = 10^6 bytes of the value)")
    print(f"{'codec':8} {'chunks':>8} {'toGlobal':>9} {'fromGlobal':>10} "
          f"{'toFile':>8} {'fromFile':>8}  checked")
    for r in rows:
        if "us" not in r:
            print(f"{r['codec']:8} failed: {r['why']}")
            continue
        rate = [r["size"] / us for us in r["us"]]  # bytes per microsecond = MB/s
        print(f"{r['codec']:8} {r['chunks']:>8} {rate[0]:9.1f} {rate[1]:10.1f} {rate[2]:8.1f} "
              f"{rate[3]:8.1f}  {'ok' if r['ok'] else 'MISMATCH ' + r['checks']}")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
