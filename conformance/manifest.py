"""The manifest: one tab-separated row per fixture, the single record of what every host must do.

Columns (a header line names them; lines starting with # are comments):
    id          unique name of the row, also the fixture's file stem
    op          compress: compressing the plaintext at `level` must give the fixture exactly,
                and decoding the fixture must give the plaintext;
                decompress: decode only (fixtures made by independent producers)
    codec       gzip, deflate (raw RFC 1951), zlib, zstd, lz4 (an LZ4 block after its 4-byte
                little-endian size: python-lz4's lz4.block format), lz4frame (the lz4(1) frame
                format), brotli (RFC 7932; level is the quality) or xz (the .xz format of XZ
                Utils; levels 10..19 are the extreme presets)
    level       the level the fixture was made with, "-" when not known or not ours
    plaintext   file name under corpus/
    compressed  file name under fixtures/
    size        size of the compressed file in bytes
    sha256      sha256 of the compressed file
    producer    "<library> <version>" that made the bytes (libdeflate 1.14, gzip 1.12, ...)
    command     how the bytes were made, to reproduce them by hand
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from stdcompress._codecs import STREAMS

HERE = Path(__file__).resolve().parent
MANIFEST_NAME = "manifest.tsv"


@dataclass(frozen=True)
class Codec:
    """A fixture format: the codec column's value."""
    name: str
    ext: str      # fixture file extension
    library: str  # the backend stdcompress uses for it, as named by stdcompress.versions()
    small_library: str = ""  # the backend of small items (limits()["deflate_small_max"] bytes
                             # or fewer at levels 1..9, callouts/deflate.c), if another
    of: str = ""  # the registry's codec (stdcompress._codecs) it belongs to, if not `name`
    stream: bool = True  # that codec's streams read and write this format

    @property
    def codec(self) -> str:
        return self.of or self.name


FORMATS = (  # each codec's formats, in the manifest's order
    Codec("gzip", "gz", "libdeflate", "libz"),
    Codec("deflate", "deflate", "libdeflate", "libz"),
    Codec("zlib", "zlib", "libdeflate", "libz"),
    Codec("zstd", "zst", "libzstd"),
    Codec("lz4", "lz4b", "liblz4", stream=False),  # its blocks: lz4Compress, lz4Decompress
    Codec("lz4frame", "lz4", "liblz4", of="lz4"),  # lz4(1) frames, what lz4 streams write
    Codec("brotli", "br", "libbrotli"),
    Codec("xz", "xz", "liblzma"),
)


def formats(codecs=STREAMS) -> dict[str, Codec]:
    """name -> Codec: the formats of the registry's codecs, in its order.  A codec without a
    format here is an error: the corpus would not hold it, and nothing says so otherwise."""
    missing = [c for c in codecs if not any(f.codec == c for f in FORMATS)]
    if missing:
        raise LookupError(f"conformance/manifest.py FORMATS: no fixture format for {missing}")
    return {f.name: f for c in codecs for f in FORMATS if f.codec == c}


CODECS = formats()


@dataclass(frozen=True)
class Row:
    id: str
    op: str
    codec: str
    level: int | None
    plaintext: str
    compressed: str
    size: int
    sha256: str
    producer: str
    command: str

    @property
    def producer_library(self) -> tuple[str, str]:
        """(library, version) from the producer column."""
        name, _, version = self.producer.partition(" ")
        return name, version


COLUMNS = [f.name for f in fields(Row)]
HEADER = ("# Conformance fixtures: written by `python -m conformance.generate` (invoke fixtures).\n"
          "# Review changes with `git diff conformance/manifest.tsv`; see docs/conformance.md.\n")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Corpus:
    """A conformance directory: manifest.tsv, corpus/ (plaintexts) and fixtures/ (compressed).
    Tests point one at a temporary copy; everything else uses the committed one."""

    def __init__(self, root: Path = HERE):
        self.root = Path(root)
        self.manifest = self.root / MANIFEST_NAME
        self.corpus_dir = self.root / "corpus"
        self.fixtures_dir = self.root / "fixtures"

    def plaintext(self, row: Row) -> Path:
        return self.corpus_dir / row.plaintext

    def fixture(self, row: Row) -> Path:
        return self.fixtures_dir / row.compressed

    def read(self) -> list[Row]:
        if not self.manifest.exists():
            return []
        lines = [ln for ln in self.manifest.read_text().splitlines() if ln and not ln.startswith("#")]
        if not lines or lines[0].split("\t") != COLUMNS:
            raise ValueError(f"{self.manifest}: header must be {' '.join(COLUMNS)}")
        rows = []
        for n, line in enumerate(lines[1:], 2):
            cells = line.split("\t")
            if len(cells) != len(COLUMNS):
                raise ValueError(f"{self.manifest}: row {n} has {len(cells)} cells, not {len(COLUMNS)}")
            rec = dict(zip(COLUMNS, cells))
            rec["level"] = None if rec["level"] == "-" else int(rec["level"])
            rec["size"] = int(rec["size"])
            rows.append(Row(**rec))
        return rows

    def write(self, rows: list[Row]) -> None:
        def cell(v):
            return "-" if v is None else str(v)

        body = "".join("\t".join(cell(v) for v in astuple(r)) + "\n" for r in rows)
        self.manifest.write_text(HEADER + "\t".join(COLUMNS) + "\n" + body)

    def integrity_errors(self, rows: list[Row]) -> list[str]:
        """Rows whose files are missing or whose fixture bytes differ from the manifest."""
        errors = []
        for r in rows:
            if not self.plaintext(r).is_file():
                errors.append(f"{r.id}: plaintext corpus/{r.plaintext} is missing")
            path = self.fixture(r)
            if not path.is_file():
                errors.append(f"{r.id}: fixture fixtures/{r.compressed} is missing")
                continue
            data = path.read_bytes()
            if len(data) != r.size or sha256(data) != r.sha256:
                errors.append(f"{r.id}: fixtures/{r.compressed} does not match the manifest "
                              f"(size {len(data)}, sha256 {sha256(data)[:16]}..., "
                              f"manifest {r.size}, {r.sha256[:16]}...)")
        return errors
