"""Regenerates the conformance corpus: plaintexts (frozen), our fixtures, independent fixtures,
and the manifest; prints which rows were added, removed or changed.  Never run by CI.

    python -m conformance.generate        (invoke fixtures)

Plaintexts are frozen: a file already in corpus/ is never rewritten, because some recipes
read the machine (license texts, SQLite's file format).  To replace one on purpose, delete it
and regenerate.  Every fixture is checked by an independent decoder before it is kept.
"""

from __future__ import annotations

import hashlib
import itertools
import lzma
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import stdcompress

from . import independent
from .hosts import BridgeHost, Case
from .manifest import CODECS, Corpus, Row, sha256

MAX_STRING = 1048576  # the M string limit; the near-cap plaintext stays just under it
# The levels of our fixtures, per format; the formats come from the registry's codecs
# (manifest.CODECS), and one without levels here is an error.
LEVELS = {"gzip": (1, 6, 9), "deflate": (1, 6, 9), "zlib": (1, 6, 9), "zstd": (-5, 1, 3, 19),
          "lz4": (1, 9), "lz4frame": (-5, 1, 12), "brotli": (1, 5, 11),
          "xz": (0, 6, 16)}  # 16: xz -6e
LICENSES = Path("/usr/share/common-licenses")
FILE_MTIME = 1700000000  # fixed mtime of the file gzip(1) stores with its name


class GenerationError(Exception):
    pass


# ---- deterministic pseudo-random numbers: SHA-256 of a counter, the same on every Python ----

def _digests(label: str):
    for counter in itertools.count():
        yield hashlib.sha256(f"stdcompress-conformance:{label}:{counter}".encode()).digest()


def prng_bytes(label: str, n: int) -> bytes:
    return b"".join(itertools.islice(_digests(label), (n + 31) // 32))[:n]


class Draw:
    """Choices drawn from the SHA-256 stream (random.Random's algorithms may change)."""

    def __init__(self, label: str):
        self._ints = (int.from_bytes(d[i:i + 4], "big") for d in _digests(label) for i in range(0, 32, 4))

    def below(self, n: int) -> int:
        return next(self._ints) % n

    def pick(self, seq):
        return seq[self.below(len(seq))]


# ---- plaintext recipes -------------------------------------------------------------------

WORDS = ("account balance batch client code count date entry error file flag index item key "
         "label line list name next node order patient price queue rate record result status "
         "stock total type unit user value visit ward").split()


def repetitive() -> bytes:
    return (b"the same line, again and again\n" * 400)[:10240]


def licenses() -> bytes:
    names = ("GPL-3", "Apache-2.0", "MPL-2.0", "BSD")  # texts that permit verbatim copying
    return b"".join((LICENSES / n).read_bytes() for n in names)


def sqlite_db() -> bytes:
    """A real SQLite database file: a table with an index, text, numbers and small blobs."""
    draw = Draw("sqlite")
    con = sqlite3.connect(":memory:")
    con.execute("PRAGMA page_size = 4096")
    con.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER, "
                "price REAL, note TEXT, tag BLOB)")
    con.execute("CREATE INDEX item_name ON item (name)")
    for i in range(1, 501):
        name = f"{draw.pick(WORDS)}-{draw.pick(WORDS)}-{draw.below(1000)}"
        note = " ".join(draw.pick(WORDS) for _ in range(draw.below(8)))
        tag = prng_bytes(f"sqlite-tag-{i}", draw.below(24))
        con.execute("INSERT INTO item VALUES (?, ?, ?, ?, ?, ?)",
                    (i, name, draw.below(500), draw.below(100000) / 100, note, tag))
    con.commit()
    data = con.serialize()
    con.close()
    return data


def m_source_and_log() -> bytes:
    """M-routine-like and log-like lines from a word list, up to just under the M string limit:
    compressible, but not trivially (numbers and word choices vary)."""
    draw = Draw("mlog")
    w, n = draw.pick, draw.below
    templates = (
        lambda: f"{w(WORDS).upper()}{n(100)} ; {w(WORDS)} {w(WORDS)} for each {w(WORDS)}",
        lambda: f" new x,y set x=$get(^{w(WORDS).upper()}({n(100)},\"{w(WORDS)}\")),y=x*{n(100)}",
        lambda: f" if y>{n(5000)} do {w(WORDS)}^{w(WORDS).upper()}(x,\"{w(WORDS)}\")",
        lambda: f" for i=1:1:{n(50)} set ^{w(WORDS).upper()}({n(100)},i)=x+i",
        lambda: f" write !,\"{w(WORDS)} \",x,\" {w(WORDS)}\"",
        lambda: " quit y",
        lambda: (f"2024-06-{1 + n(3):02} {n(24):02}:{n(60):02}:00 "
                 f"{w(('INFO', 'INFO', 'INFO', 'WARN', 'ERROR'))} {w(WORDS)}^{w(WORDS).upper()} "
                 f"pid={1000 + n(20)} {w(WORDS)}={n(1000)} {w(WORDS)} {w(WORDS)}"),
    )
    out = bytearray()
    while True:
        line = (w(templates)() + "\n").encode()
        if len(out) + len(line) > MAX_STRING:
            return bytes(out)
        out += line


# file name (its stem is the label used in row ids) -> recipe
PLAINTEXTS = {
    "empty.bin": lambda: b"",
    "hello.txt": lambda: b"hello, world",
    "bytes256.bin": lambda: bytes(range(256)),
    "repetitive.txt": repetitive,
    "licenses.txt": licenses,
    "sqlite.db": sqlite_db,
    "random.bin": lambda: prng_bytes("random", 4096),
    "mlog.txt": m_source_and_log,
}


def write_plaintexts(corpus: Corpus) -> dict[str, bytes]:
    corpus.corpus_dir.mkdir(parents=True, exist_ok=True)
    texts = {}
    for name, recipe in PLAINTEXTS.items():
        path = corpus.corpus_dir / name
        try:
            fresh = recipe()
        except OSError as e:
            fresh, why = None, e
        if path.exists():
            texts[name] = path.read_bytes()
            if fresh is not None and fresh != texts[name]:
                print(f"note: corpus/{name}: this machine's recipe gives other bytes; kept the frozen file")
            continue
        if fresh is None:
            raise GenerationError(f"corpus/{name}: cannot make it: {why}")
        path.write_bytes(fresh)
        texts[name] = fresh
        print(f"created corpus/{name} ({len(fresh)} bytes)")
    for path in corpus.corpus_dir.iterdir():
        if path.name not in PLAINTEXTS:
            print(f"removed corpus/{path.name} (no recipe)")
            path.unlink()
    return texts


# ---- our fixtures: made by stdcompress through the Python bridge --------------------------

def stem(name: str) -> str:
    return name.split(".")[0]


def zstd_frame_flags(data: bytes) -> dict[str, bool]:
    """Flags of the zstd frame starting `data` (RFC 8878 3.1.1.1.1)."""
    if data[:4] != (0xFD2FB528).to_bytes(4, "little"):
        raise GenerationError("not a zstd frame")
    fhd = data[4]
    return {"content_size": bool(fhd >> 6 or fhd & 0x20), "checksum": bool(fhd & 0x04)}


def our_fixtures(texts: dict[str, bytes]) -> list[tuple[Row, bytes]]:
    host = BridgeHost()
    if host.unavailable():
        raise GenerationError(f"the bridge is unavailable: {host.unavailable()}")
    versions = host.versions()
    small_max = stdcompress.limits()["deflate_small_max"]
    missing = [codec for codec in CODECS if codec not in LEVELS]
    if missing:
        raise GenerationError(f"conformance/generate.py LEVELS: no levels for {missing}")
    plan = [(name, Case(f"{codec}-l{level}-{stem(name)}", "compress", codec, level, data))
            for name, data in texts.items() for codec in CODECS for level in LEVELS[codec]]
    outcomes = host.run([case for _, case in plan])
    made = []
    for name, case in plan:
        out = outcomes[case.key]
        if out.result is None:
            raise GenerationError(f"{case.key}: the bridge gave {out}")
        codec = CODECS[case.codec]
        if case.codec == "zstd" and zstd_frame_flags(out.result) != {"content_size": True, "checksum": True}:
            raise GenerationError(f"{case.key}: frame lacks content size or checksum")
        if case.codec == "lz4frame" and lz4_frame_flags(out.result) != {
                "content_size": bool(texts[name]), "content_checksum": True, "block_checksum": False}:
            raise GenerationError(f"{case.key}: frame lacks content size or checksum")
        if case.codec == "lz4" and out.result[:4] != len(texts[name]).to_bytes(4, "little"):
            raise GenerationError(f"{case.key}: the size prefix is not the plaintext's size")
        function = BridgeHost.FUNCTIONS[case.codec][0]
        library = codec.library
        if codec.small_library and len(texts[name]) <= small_max and case.level <= 9:
            library = codec.small_library
        made.append(_row(case.key, "compress", case.codec, case.level, name, texts[name], out.result,
                         f"{library} {versions[library]}",
                         f"stdcompress {versions['stdcompress']}: stdcompress.{function}(data, {case.level})"))
    return made


def _row(id, op, codec, level, name, plaintext, data, producer, command) -> tuple[Row, bytes]:
    """A manifest row and its bytes, after the independent decoder agrees."""
    problem = independent.check(codec, data, plaintext)
    if problem:
        raise GenerationError(f"{id}: independent {codec} decoder: {problem}")
    return Row(id, op, codec, level, name, f"{id}.{CODECS[codec].ext}", len(data), sha256(data),
               producer, command), data


# ---- independent fixtures: other producers, decode-only rows -------------------------------

def _run(argv: list[str], data: bytes = b"", cwd=None) -> bytes:
    r = subprocess.run(argv, input=data, capture_output=True, cwd=cwd)
    if r.returncode != 0:
        raise GenerationError(f"{' '.join(argv)}: {r.stderr.decode(errors='replace').strip()}")
    return r.stdout


def _on_file(argv: list[str], name: str, data: bytes) -> bytes:
    """Runs `argv name` on a file holding `data` (tools store or use what they learn from it)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        os.utime(path, (FILE_MTIME, FILE_MTIME))
        return _run(argv + [name], cwd=tmp)


def _tool_version(tool: str) -> str:
    first = _run([tool, "--version"]).decode().splitlines()[0]  # "gzip 1.12", "*** ... v1.5.4, ..."
    word = next(t for t in first.replace(",", " ").split() if t.lstrip("v")[:1].isdigit())
    return f"{tool} {word.lstrip('v')}"


def skippable_frame(payload: bytes, nibble: int = 0xA) -> bytes:
    """RFC 8878 skippable frame: magic 0x184D2A50..5F, 4-byte size, payload; all little endian."""
    return (0x184D2A50 + nibble).to_bytes(4, "little") + len(payload).to_bytes(4, "little") + payload


def independent_fixtures(texts: dict[str, bytes]) -> list[tuple[Row, bytes]]:
    gz, zs, pz = _tool_version("gzip"), _tool_version("zstd"), f"python-zlib {zlib.ZLIB_RUNTIME_VERSION}"
    lic = "licenses.txt"
    data = texts[lic]
    first, second = data[:len(data) // 2], data[len(data) // 2:]

    named = _on_file(["gzip", "-c"], lic, data)
    if not named[3] & 0x08 or f"{lic}\0".encode() not in named[:64]:
        raise GenerationError("gzip -c did not store the file name")
    no_size = _run(["zstd", "-q", "-c"], data)  # from a pipe: zstd cannot know the size
    if zstd_frame_flags(no_size)["content_size"]:
        raise GenerationError("zstd from a pipe wrote a content size")
    no_check = _on_file(["zstd", "-q", "-c", "--no-check"], lic, data)
    if zstd_frame_flags(no_check)["checksum"]:
        raise GenerationError("zstd --no-check wrote a checksum")
    checked = _on_file(["zstd", "-q", "-c"], lic, data)
    if zstd_frame_flags(checked) != {"content_size": True, "checksum": True}:
        raise GenerationError("zstd file.txt lacks content size or checksum")
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    hello = texts["hello.txt"]

    specs = [  # id, codec, level, plaintext, bytes, producer, command
        ("gzipcli-fname-licenses", "gzip", 6, lic, named, gz,
         f"gzip -c {lic} (stores FNAME and the file's mtime {FILE_MTIME})"),
        ("gzipcli-l9-licenses", "gzip", 9, lic, _run(["gzip", "-9", "-n", "-c"], data), gz,
         f"gzip -9 -n -c < {lic}"),
        ("gzipcli-members-licenses", "gzip", 6, lic,
         _run(["gzip", "-n", "-c"], first) + _run(["gzip", "-n", "-c"], second), gz,
         f"two members: gzip -n -c < first half of {lic}; the same for the second half"),
        ("gzipcli-empty", "gzip", 6, "empty.bin", _run(["gzip", "-n", "-c"], b""), gz,
         "gzip -n -c < empty.bin"),
        ("zstdcli-check-licenses", "zstd", 3, lic, checked, zs,
         f"zstd -q -c {lic} (content size and checksum)"),
        ("zstdcli-nocheck-licenses", "zstd", 3, lic, no_check, zs, f"zstd -q -c --no-check {lic}"),
        ("zstdcli-frames-licenses", "zstd", 3, lic,
         _on_file(["zstd", "-q", "-c"], "a", first) + _on_file(["zstd", "-q", "-c"], "b", second), zs,
         f"two frames: zstd -q -c on the first half of {lic}, then on the second half"),
        ("zstdcli-skippable-hello", "zstd", 3, "hello.txt",
         skippable_frame(b"stdcompress conformance: skip me") + _on_file(["zstd", "-q", "-c"], "hello.txt", hello),
         zs, "skippable frame (magic 0x184D2A5A, 32-byte payload), then zstd -q -c hello.txt"),
        ("zstdcli-nosize-licenses", "zstd", 3, lic, no_size, zs,
         f"cat {lic} | zstd -q -c (no content size)"),
        ("zstdcli-nosize-empty", "zstd", 3, "empty.bin", _run(["zstd", "-q", "-c"], b""), zs,
         "cat empty.bin | zstd -q -c (no content size)"),
        ("pyzlib-zlib-licenses", "zlib", 6, lic, zlib.compress(data, 6), pz, "zlib.compress(data, 6)"),
        ("pyzlib-deflate-licenses", "deflate", 6, lic, raw.compress(data) + raw.flush(), pz,
         "zlib.compressobj(6, zlib.DEFLATED, -15)"),
    ]
    return [_row(id, "decompress", codec, level, name, texts[name], blob, producer, command)
            for id, codec, level, name, blob, producer, command in specs]


# ---- LZ4 and brotli: lz4(1), brotli(1), python-lz4 --------------------------------------

def lz4_frame_flags(data: bytes) -> dict[str, bool]:
    """Flags of the LZ4 frame starting `data` (lz4 frame format, FLG byte)."""
    if data[:4] != (0x184D2204).to_bytes(4, "little"):
        raise GenerationError("not an LZ4 frame")
    flg = data[4]
    return {"content_size": bool(flg & 0x08), "content_checksum": bool(flg & 0x04),
            "block_checksum": bool(flg & 0x10)}


def _lz4_version() -> str:
    first = _run(["lz4", "--version"]).decode()  # "*** LZ4 command line interface 64-bits v1.9.4, ..."
    m = re.search(r"\bv(\d+\.\d+\.\d+)", first)
    if not m:
        raise GenerationError(f"cannot read the lz4 version from {first!r}")
    return f"lz4 {m.group(1)}"


def lz4_brotli_fixtures(texts: dict[str, bytes]) -> list[tuple[Row, bytes]]:
    try:
        import lz4
        import lz4.block
    except ImportError as e:
        raise GenerationError(f"python-lz4 is needed for the LZ4 block rows (pip install lz4): {e}")
    l4, br = _lz4_version(), _tool_version("brotli")
    pl = f"python-lz4 {lz4.__version__}"
    lic, mlog, hello = "licenses.txt", "mlog.txt", "hello.txt"
    data = texts[lic]
    first, second = data[:len(data) // 2], data[len(data) // 2:]

    plain = _on_file(["lz4", "-c"], lic, data)
    sized = _on_file(["lz4", "--content-size", "-c"], lic, data)
    linked = _on_file(["lz4", "-BD", "-B4096", "-BX", "--content-size", "-c"], lic, data)
    nocrc = _on_file(["lz4", "--no-frame-crc", "-c"], lic, data)
    if lz4_frame_flags(plain)["content_size"] or not lz4_frame_flags(plain)["content_checksum"]:
        raise GenerationError("lz4 -c FILE wrote a content size or no checksum")
    if not lz4_frame_flags(sized)["content_size"]:
        raise GenerationError("lz4 --content-size wrote no content size")
    if not lz4_frame_flags(linked)["block_checksum"] or linked[4] & 0x20:
        raise GenerationError("lz4 -BD -BX wrote independent blocks or no block checksums")
    if lz4_frame_flags(nocrc)["content_checksum"]:
        raise GenerationError("lz4 --no-frame-crc wrote a checksum")

    specs = [  # id, codec, level, plaintext, bytes, producer, command
        ("lz4cli-licenses", "lz4frame", 1, lic, plain, l4, f"lz4 -c {lic} (no content size)"),
        ("lz4cli-l9-licenses", "lz4frame", 9, lic, _on_file(["lz4", "-9", "-c"], lic, data), l4,
         f"lz4 -9 -c {lic}"),
        ("lz4cli-size-licenses", "lz4frame", 1, lic, sized, l4, f"lz4 --content-size -c {lic}"),
        ("lz4cli-nocrc-licenses", "lz4frame", 1, lic, nocrc, l4, f"lz4 --no-frame-crc -c {lic}"),
        ("lz4cli-linked-licenses", "lz4frame", 1, lic, linked, l4,
         f"lz4 -BD -B4096 -BX --content-size -c {lic} (16 linked 4 KiB blocks, block checksums)"),
        ("lz4cli-frames-licenses", "lz4frame", 1, lic,
         _on_file(["lz4", "-c"], "a", first) + _on_file(["lz4", "-9", "-c"], "b", second), l4,
         f"two frames: lz4 -c on the first half of {lic}, lz4 -9 -c on the second half"),
        ("lz4cli-skippable-hello", "lz4frame", 1, hello,
         skippable_frame(b"stdcompress conformance: skip me") + _on_file(["lz4", "-c"], hello, texts[hello]),
         l4, "skippable frame (magic 0x184D2A5A, 32-byte payload), then lz4 -c hello.txt"),
        ("lz4cli-pipe-empty", "lz4frame", 1, "empty.bin", _run(["lz4", "-c"], b""), l4,
         "lz4 -c < empty.bin"),
        ("brotlicli-licenses", "brotli", 11, lic, _on_file(["brotli", "-c"], lic, data), br,
         f"brotli -c {lic} (quality 11, window from the file size)"),
        ("brotlicli-q5-licenses", "brotli", 5, lic, _on_file(["brotli", "-q", "5", "-c"], lic, data),
         br, f"brotli -q 5 -c {lic}"),
        ("brotlicli-w16-licenses", "brotli", 11, lic, _on_file(["brotli", "-w", "16", "-c"], lic, data),
         br, f"brotli -w 16 -c {lic}"),
        ("brotlicli-pipe-mlog", "brotli", 9, mlog, _run(["brotli", "-q", "9", "-c"], texts[mlog]), br,
         f"brotli -q 9 -c < {mlog} (window 24, no size hint)"),
        ("brotlicli-pipe-empty", "brotli", 11, "empty.bin", _run(["brotli", "-c"], b""), br,
         "brotli -c < empty.bin"),
        ("pylz4-licenses", "lz4", 1, lic, lz4.block.compress(data), pl, "lz4.block.compress(data)"),
        ("pylz4-hc9-licenses", "lz4", 9, lic,
         lz4.block.compress(data, mode="high_compression", compression=9), pl,
         "lz4.block.compress(data, mode='high_compression', compression=9)"),
        ("pylz4-fast8-licenses", "lz4", None, lic,
         lz4.block.compress(data, mode="fast", acceleration=8), pl,
         "lz4.block.compress(data, mode='fast', acceleration=8)"),
        ("pylz4-empty", "lz4", 1, "empty.bin", lz4.block.compress(b""), pl,
         "lz4.block.compress(b'')"),
    ]
    return [_row(id, "decompress", codec, level, name, texts[name], blob, producer, command)
            for id, codec, level, name, blob, producer, command in specs]


# ---- xz: xz(1) and Python's lzma ----------------------------------------------------------

def xz_fixtures(texts: dict[str, bytes]) -> list[tuple[Row, bytes]]:
    xz, py = _tool_version("xz"), f"python-lzma {sys.version.split()[0]}"
    lic, mlog = "licenses.txt", "mlog.txt"
    data = texts[lic]
    first, second = data[:len(data) // 2], data[len(data) // 2:]
    specs = [  # id, codec, level, plaintext, bytes, producer, command
        ("xzcli-licenses", "xz", 6, lic, _run(["xz", "-c"], data), xz, f"xz -c < {lic}"),
        ("xzcli-9e-licenses", "xz", 19, lic, _run(["xz", "-9e", "-c"], data), xz,
         f"xz -9e -c < {lic}"),
        ("xzcli-sha256-mlog", "xz", 6, mlog, _run(["xz", "--check=sha256", "-c"], texts[mlog]), xz,
         f"xz --check=sha256 -c < {mlog}"),
        ("xzcli-streams-licenses", "xz", 6, lic,
         _run(["xz", "-c"], first) + b"\0" * 8 + _run(["xz", "-c"], second) + b"\0" * 4, xz,
         f"two streams with stream padding: xz -c < first half of {lic}, 8 null bytes, "
         "xz -c < second half, 4 null bytes"),
        ("xzcli-empty", "xz", 6, "empty.bin", _run(["xz", "-c"], b""), xz, "xz -c < empty.bin"),
        ("pylzma-crc32-licenses", "xz", 6, lic, lzma.compress(data, check=lzma.CHECK_CRC32), py,
         "lzma.compress(data, check=lzma.CHECK_CRC32)"),
    ]
    return [_row(id, "decompress", codec, level, name, texts[name], blob, producer, command)
            for id, codec, level, name, blob, producer, command in specs]


# ---- writing and reporting ----------------------------------------------------------------

def write_fixtures(corpus: Corpus, made: list[tuple[Row, bytes]]) -> None:
    corpus.fixtures_dir.mkdir(parents=True, exist_ok=True)
    wanted = {row.compressed: data for row, data in made}
    if len(wanted) != len(made):
        raise GenerationError("two rows share a fixture file name")
    for name, data in wanted.items():
        path = corpus.fixtures_dir / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    for path in corpus.fixtures_dir.iterdir():
        if path.name not in wanted:
            path.unlink()


def describe_changes(old: list[Row], new: list[Row]) -> list[str]:
    before, after = {r.id: r for r in old}, {r.id: r for r in new}
    lines = [f"added   {i}" for i in after if i not in before]
    lines += [f"removed {i}" for i in before if i not in after]
    for i in after.keys() & before.keys():
        a, b = before[i], after[i]
        if a != b:
            what = [f for f in ("sha256", "size", "producer", "command", "level", "plaintext") if
                    getattr(a, f) != getattr(b, f)]
            extra = f" ({a.producer} -> {b.producer})" if a.producer != b.producer else ""
            lines.append(f"changed {i}: {', '.join(what)}{extra}")
    return sorted(lines, key=lambda ln: ln.split()[1])


def generate(corpus: Corpus) -> list[str]:
    texts = write_plaintexts(corpus)
    made = our_fixtures(texts) + independent_fixtures(texts) + lz4_brotli_fixtures(texts) + \
        xz_fixtures(texts)
    old = corpus.read()
    write_fixtures(corpus, made)
    rows = [row for row, _ in made]
    corpus.write(rows)
    return describe_changes(old, rows)


def main() -> int:
    corpus = Corpus()
    try:
        changes = generate(corpus)
    except GenerationError as e:
        print(f"generation FAILED: {e}", file=sys.stderr)
        return 1
    for line in changes:
        print(line)
    rows = corpus.read()
    total = sum(p.stat().st_size for d in (corpus.corpus_dir, corpus.fixtures_dir) for p in d.iterdir())
    print(f"{len(rows)} rows, {len(changes)} changed; corpus + fixtures {total / 1e6:.2f} MB. "
          f"Review with: git diff conformance/{corpus.manifest.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
