"""Documentation, not a test: python-zstandard's batch API where it crashes or reads out of
bounds, next to stdcompress.zstd on the same code.  Each case runs in its own subprocess (a
crash there cannot take this process down) with only the import changed.

    python3 tests/zstd_peer_crashes.py        # from the repository, after `invoke build`

The passing tests of these cases are in tests/test_zstd_compat.py; docs/zstd-compat.md quotes
this script's output.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SETUP = """
import struct
c, d = z.ZstdCompressor(), z.ZstdDecompressor()
frame = c.compress(b"x" * 100)
"""

CASES = [
    ("empty list", "d.multi_decompress_to_buffer([])"),
    ("one frame of empty content",
     "print('items of', [len(x) for x in d.multi_decompress_to_buffer([c.compress(b'')])], 'bytes')"),
    ("(offset, length) wrapping around 2**64",
     "b = z.BufferWithSegments(frame, struct.pack('=4Q', 0, len(frame), 2**64 - 2**40, 2**40 + 1))\n"
     "d.multi_decompress_to_buffer(b)"),
    ("a segment read through a wrapping pair",
     "b = z.BufferWithSegments(b'abcd', struct.pack('=2Q', 2**64 - 2, 3))\n"
     "print(b[0].offset, bytes(b[0]))"),
    ("collection, decompressed_sizes of 8 bytes per frame",
     "b = z.BufferWithSegments(frame, struct.pack('=2Q', 0, len(frame)))\n"
     "r = d.multi_decompress_to_buffer(z.BufferWithSegmentsCollection(b, b),"
     " decompressed_sizes=struct.pack('=2Q', 100, 100))\n"
     "print('items of', [len(x) for x in r], 'bytes')"),
    ("collection, decompressed_sizes of 1 byte per frame",
     "b = z.BufferWithSegments(frame, struct.pack('=2Q', 0, len(frame)))\n"
     "r = d.multi_decompress_to_buffer(z.BufferWithSegmentsCollection(b, b),"
     " decompressed_sizes=b'\\x00\\x00')\n"
     "print('items of', [len(x) for x in r], 'bytes (sizes read past the 2-byte buffer)')"),
]

BACKENDS = {"zstandard": "import zstandard as z", "stdcompress.zstd": "import stdcompress.zstd as z"}


def outcome(code: str, env) -> str:
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       timeout=60)
    if r.returncode < 0:
        return f"killed by {signal.Signals(-r.returncode).name}"
    if r.returncode == 0:
        return "ok: " + (r.stdout.strip().splitlines() or ["returned"])[-1][:90]
    last = (r.stderr.strip().splitlines() or ["?"])[-1]
    if "Traceback" not in r.stderr:  # glibc's own abort message
        return f"exit {r.returncode}: {last[:60]}"
    return last.split(".")[-1][:90] if last.startswith("stdcompress") else last[:90]


def main() -> None:
    env = dict(os.environ)
    env.setdefault("STDCOMPRESS_LIBDIR", str(ROOT / "build" / "so"))
    env.setdefault("GTMXC_stdcompress", str(ROOT / "xc" / "stdcompress.xc"))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "bridge" / "python"),
                                         env.get("PYTHONPATH", "")])
    import zstandard
    print(f"python-zstandard {zstandard.__version__} ({zstandard.backend} backend)\n")
    for title, body in CASES:
        print(f"## {title}")
        for name, imp in BACKENDS.items():
            print(f"  {name:17} {outcome(imp + SETUP + body, env)}")
        print()


if __name__ == "__main__":
    main()
