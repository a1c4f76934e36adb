"""The stream campaign (issue 6): 1 GiB (or --mib N) through every codec's stream, compressed
and, piece by piece as it comes out, decompressed and compared, from Python and from M, with the
peak resident set of each run.  Bounded memory means the peak does not grow with the size.

    python -m bench.campaign [--mib 1024] [--codec zstd ...] [--no-m] [--no-python]

The data are real text: the first MiB of the Python standard library's sources (the bench
corpus), MiB i being that MiB with every byte value shifted by i (mod 256), so no MiB repeats
another.  Each run also writes its compressed stream to a file, which an independent decoder
then reads back (gzip(1), zstd(1), lz4(1), brotli(1); Python's zlib for raw deflate and zlib,
which have no standard CLI) and whose output's SHA-256 must equal the input's.

Each run is its own process (its peak RSS is its own).  Exit status 1 if any run failed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from stdcompress._codecs import STREAMS

from .corpus import gtm_dist, python_stdlib

ROOT = Path(__file__).resolve().parent.parent
OBJECTS = ROOT / "build" / "bench" / "campaign"
CODECS = STREAMS
LEVEL = {"brotli": 5}  # brotli's default 11 runs at about 1 MB/s: 1 GiB would take a quarter hour

PY_CHILD = r"""
import hashlib, sys
import stdcompress
codec, mib, level, base_path, out_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
with open(base_path, "rb") as f:
    base = f.read()
assert len(base) == 1 << 20
c, d = stdcompress.Compressor(codec, level or None), stdcompress.Decompressor(codec)
h_in, h_out, comp, n_out = hashlib.sha256(), hashlib.sha256(), 0, 0
sink = open(out_path, "wb")
def feed(z):
    global comp, n_out
    comp += len(z)
    sink.write(z)
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
sink.close()
assert d.eof and n_out == mib << 20 and h_in.digest() == h_out.digest(), "round trip differs"
print(f"OK in={mib << 20} compressed={comp}")
"""

# The independent decoder of each codec's file: a command writing the plaintext to stdout, or
# the wbits of Python's zlib for the two formats without a standard CLI.
DECODERS = {"gzip": ["gzip", "-dc"], "zstd": ["zstd", "-dcq"], "lz4": ["lz4", "-dc"],
            "brotli": ["brotli", "-dc"], "xz": ["xz", "-dc"], "deflate": -15, "zlib": 15}


def base_text() -> bytes:
    """The campaign's MiB of real text (see the module's doc)."""
    return python_stdlib().item()


def expected_digest(base: bytes, mib: int) -> str:
    h = hashlib.sha256()
    for i in range(mib):
        h.update(base.translate(bytes((b + i) % 256 for b in range(256))))
    return h.hexdigest()


def verify(codec: str, path: Path, digest: str) -> str:
    """Reads a compressed file with the codec's independent decoder: "<decoder>=OK" if it gives
    back the input exactly, else "FAIL <why>"."""
    h, how = hashlib.sha256(), DECODERS[codec]
    if isinstance(how, int):
        z = zlib.decompressobj(how)
        with path.open("rb") as f:
            while piece := f.read(1 << 20):
                h.update(z.decompress(piece))
                while z.unconsumed_tail:
                    h.update(z.decompress(z.unconsumed_tail))
        h.update(z.flush())
        who = f"python-zlib(wbits={how})"
        if not z.eof or z.unused_data:
            return f"FAIL {who}: not exactly one complete stream"
    else:
        who = how[0]
        with subprocess.Popen([*how, str(path)], stdout=subprocess.PIPE) as p:
            while piece := p.stdout.read(1 << 20):
                h.update(piece)
        if p.returncode != 0:
            return f"FAIL {who} exited {p.returncode}"
    if h.hexdigest() != digest:
        return f"FAIL {who}: the output differs from the input"
    return f"{who}=OK"


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


def run_python(codec: str, mib: int, base: Path, out: Path) -> str:
    return _run([sys.executable, "-c", PY_CHILD, codec, str(mib), str(LEVEL.get(codec, 0)),
                 str(base), str(out)], _env())


def run_m(codec: str, mib: int, base: Path, out: Path) -> str:
    dist = gtm_dist()
    if dist is None:
        return "skipped: GT.M is not installed"
    env = _env()
    env.update(gtm_dist=str(dist), gtm_chset="M", LC_ALL="C")
    sources = f"{ROOT / 'bench'} {ROOT / 'bridge' / 'm'}"
    env["gtmroutines"] = f"{OBJECTS}({sources}) {dist}/libgtmutil.so {dist}"
    return _run([str(dist / "mumps"), "-run", "STDCSTREAM", codec, str(mib),
                 str(LEVEL.get(codec, 0)), str(base), str(out)], env, cwd=OBJECTS)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.campaign", description=__doc__.split("\n")[0])
    ap.add_argument("--mib", type=int, default=1024)
    ap.add_argument("--codec", action="append", choices=CODECS)
    ap.add_argument("--no-m", action="store_true")
    ap.add_argument("--no-python", action="store_true")
    args = ap.parse_args(argv)
    failed = False
    OBJECTS.mkdir(parents=True, exist_ok=True)
    base = OBJECTS / "base.txt"
    base.write_bytes(base_text())
    digest = expected_digest(base.read_bytes(), args.mib)
    print(f"{'host':7} {'codec':8} {'MiB':>6} {'seconds':>8} {'MB/s':>7}  result")
    for codec in args.codec or CODECS:
        for host, fn in (("python", run_python), ("M", run_m)):
            if (host == "M" and args.no_m) or (host == "python" and args.no_python):
                continue
            out = OBJECTS / f"{host}.{codec}"
            start = time.monotonic()
            result = fn(codec, args.mib, base, out)
            secs = time.monotonic() - start
            if result.startswith("OK"):
                checked = verify(codec, out, digest)
                result = f"{checked} | {result}" if checked.startswith("FAIL") else f"{result} {checked}"
            out.unlink(missing_ok=True)
            failed |= result.startswith("FAIL")
            print(f"{host:7} {codec:8} {args.mib:>6} {secs:>8.1f} "
                  f"{args.mib * 1.048576 / secs:>7.0f}  {result}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
