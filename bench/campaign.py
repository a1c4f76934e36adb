"""The stream campaign (issue 6): 1 GiB (or --mib N) through every codec's stream, compressed
and, piece by piece as it comes out, decompressed and compared, from Python and from M, with the
peak resident set of each run.  Bounded memory means the peak does not grow with the size.

    python -m bench.campaign [--mib 1024] [--codec zstd ...] [--no-m] [--no-python]

Each run is its own process (its peak RSS is its own).  Exit status 1 if any run failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .corpus import gtm_dist

ROOT = Path(__file__).resolve().parent.parent
OBJECTS = ROOT / "build" / "bench" / "campaign"
CODECS = ("gzip", "deflate", "zlib", "zstd", "lz4", "brotli")
LEVEL = {"brotli": 5}  # brotli's default 11 runs at about 1 MB/s: 1 GiB would take a quarter hour

PY_CHILD = r"""
import hashlib, sys
import stdcompress
codec, mib, level = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
words = b"SET KILL QUIT DO NEW FOR IF ELSE WRITE READ ^PATIENT ^LOG gzip zstd error the a".split()
x, base = 7, bytearray()
while len(base) < 1 << 20:
    x = (x * 69069 + 1) % 4294967296
    base += words[(x >> 16) % len(words)] + (b"\n" if x % 7 == 0 else b" ")
base = bytes(base[:1 << 20])
c, d = stdcompress.Compressor(codec, level or None), stdcompress.Decompressor(codec)
h_in, h_out, comp, n_out = hashlib.sha256(), hashlib.sha256(), 0, 0
def feed(z):
    global comp, n_out
    comp += len(z)
    out = d.decompress(z, 1 << 20)
    while True:
        h_out.update(out); n_out += len(out)
        if d.needs_input or d.eof:
            break
        out = d.decompress(b"", 1 << 20)
for i in range(mib):
    chunk = base.translate(bytes((b + i) % 256 for b in range(256)))
    h_in.update(chunk)
    feed(c.compress(chunk))
feed(c.flush())
assert d.eof and n_out == mib << 20 and h_in.digest() == h_out.digest(), "round trip differs"
print(f"OK in={mib << 20} compressed={comp}")
"""


def _run(cmd, env, cwd=None) -> str:
    """Runs cmd; its last output line, with the peak RSS of that process (wait4's rusage)."""
    with tempfile.TemporaryFile("w+") as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        lines = out.read().strip().splitlines() or [f"exit {p.returncode}"]
    last = lines[-1] if lines[-1].startswith("OK") or p.returncode == 0 else "FAIL " + lines[-1]
    return f"{last} peak_rss={usage.ru_maxrss // 1024} MiB"


def _env() -> dict:
    env = dict(os.environ)
    env.setdefault("STDCOMPRESS_LIBDIR", str(ROOT / "build" / "so"))
    env.setdefault("GTMXC_stdcompress", str(ROOT / "xc" / "stdcompress.xc"))
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "bridge" / "python"), env.get("PYTHONPATH")) if p)
    return env


def run_python(codec: str, mib: int) -> str:
    return _run([sys.executable, "-c", PY_CHILD, codec, str(mib), str(LEVEL.get(codec, 0))],
                _env())


def run_m(codec: str, mib: int) -> str:
    dist = gtm_dist()
    if dist is None:
        return "skipped: GT.M is not installed"
    OBJECTS.mkdir(parents=True, exist_ok=True)
    env = _env()
    env.update(gtm_dist=str(dist), gtm_chset="M", LC_ALL="C")
    sources = f"{ROOT / 'bench'} {ROOT / 'bridge' / 'm'}"
    env["gtmroutines"] = f"{OBJECTS}({sources}) {dist}/libgtmutil.so {dist}"
    return _run([str(dist / "mumps"), "-run", "STDCSTREAM", codec, str(mib),
                 str(LEVEL.get(codec, ""))], env, cwd=OBJECTS)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.campaign", description=__doc__.split("\n")[0])
    ap.add_argument("--mib", type=int, default=1024)
    ap.add_argument("--codec", action="append", choices=CODECS)
    ap.add_argument("--no-m", action="store_true")
    ap.add_argument("--no-python", action="store_true")
    args = ap.parse_args(argv)
    failed = False
    print(f"{'host':7} {'codec':8} {'MiB':>6} {'seconds':>8} {'MB/s':>7}  result")
    for codec in args.codec or CODECS:
        for host, fn in (("python", run_python), ("M", run_m)):
            if (host == "M" and args.no_m) or (host == "python" and args.no_python):
                continue
            start = time.monotonic()
            result = fn(codec, args.mib)
            secs = time.monotonic() - start
            failed |= result.startswith("FAIL")
            print(f"{host:7} {codec:8} {args.mib:>6} {secs:>8.1f} "
                  f"{args.mib * 1.048576 / secs:>7.0f}  {result}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
