"""The conformance corpus: the bridge host conforms, the committed files match the manifest, the
fixtures decode with independent decoders, and the runner tells failures from drift."""

from __future__ import annotations

import dataclasses
import gzip
import shutil
import subprocess

import pytest

import stdcompress as sc
from stdcompress._codecs import STREAMS

from conformance import generate, independent, manifest, runner
from conformance.hosts import Case, Host, Outcome, UnavailableHost, registry
from conformance.manifest import Corpus, Row, sha256

CORPUS = Corpus()
ROWS = CORPUS.read()


def _scratch(tmp_path, rows: list[Row]) -> Corpus:
    """A temporary copy of the corpus whose manifest holds only `rows` (never edit the real one)."""
    copy = Corpus(tmp_path / "conformance")
    shutil.copytree(CORPUS.corpus_dir, copy.corpus_dir)
    shutil.copytree(CORPUS.fixtures_dir, copy.fixtures_dir)
    copy.write(rows)
    return copy


def _replace_fixture(corpus: Corpus, row: Row, data: bytes, **changes) -> Row:
    """Writes other bytes as the row's fixture and records them in the manifest, as a
    regeneration would."""
    corpus.fixture(row).write_bytes(data)
    new = dataclasses.replace(row, size=len(data), sha256=sha256(data), **changes)
    corpus.write([new])
    return new


def _row(row_id: str) -> Row:
    return next(r for r in ROWS if r.id == row_id)


def _run_bridge(corpus: Corpus) -> runner.Report:
    return runner.run(corpus, [registry()["bridge"]])


@pytest.mark.c_facing
def test_bridge_host_conforms():
    report = _run_bridge(CORPUS)
    bridge = report.hosts[0]
    assert bridge.unavailable is None, bridge.unavailable
    assert not report.failed, runner.format_report(report)
    assert bridge.count("pass") == sum(2 if r.op == "compress" else 1 for r in ROWS)
    # the report's header names what ran and the library versions it linked
    v = sc.versions()
    assert (f"  bridge: Python; {v['codecs']} codecs: libdeflate {v['libdeflate']}, "
            f"libz {v['libz']}, libzstd {v['libzstd']}") in runner.format_report(report)


def test_manifest_matches_files_on_disk():
    assert ROWS, "the manifest is empty"
    assert CORPUS.integrity_errors(ROWS) == []
    assert sorted(p.name for p in CORPUS.fixtures_dir.iterdir()) == sorted(r.compressed for r in ROWS)
    assert {p.name for p in CORPUS.corpus_dir.iterdir()} == set(generate.PLAINTEXTS)


def test_formats_are_the_registrys_codecs():
    """The manifest's formats (and so the generator's fixtures, the sweep's decoders) come
    from the registry's codecs: each has its formats, every row is of one, and a codec with
    no format is an error, not a codec the corpus silently leaves out."""
    assert {f.codec for f in manifest.CODECS.values()} == set(STREAMS)
    assert [f for f in manifest.CODECS if manifest.CODECS[f].stream] == [
        "lz4frame" if c == "lz4" else c for c in STREAMS]
    assert {r.codec for r in ROWS} == set(manifest.CODECS)
    assert set(generate.LEVELS) == set(manifest.CODECS)
    with pytest.raises(LookupError, match="no fixture format for \\['newcodec'\\]"):
        manifest.formats((*STREAMS, "newcodec"))


def test_manifest_round_trips(tmp_path):
    copy = Corpus(tmp_path)
    copy.write(ROWS)
    assert copy.manifest.read_text() == CORPUS.manifest.read_text()


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_fixture_decodes_with_independent_decoder(row):
    why = independent.unavailable(row.codec)
    if why:
        pytest.skip(why)
    problem = independent.check(row.codec, CORPUS.fixture(row).read_bytes(),
                                CORPUS.plaintext(row).read_bytes())
    assert problem is None, problem


@pytest.mark.parametrize("name", ["empty.bin", "hello.txt", "bytes256.bin", "repetitive.txt",
                                  "random.bin", "mlog.txt"])
def test_computed_plaintexts_are_reproducible(name):
    # Recipes that read nothing from the machine must give the frozen bytes again.
    assert generate.PLAINTEXTS[name]() == (CORPUS.corpus_dir / name).read_bytes()


@pytest.mark.c_facing
def test_altered_fixture_is_a_failure(tmp_path, capsys):
    row = _row("gzip-l6-licenses")
    corpus = _scratch(tmp_path, [row])
    other = gzip.compress(corpus.plaintext(row).read_bytes(), 6, mtime=0)  # valid, other bytes
    assert other != corpus.fixture(row).read_bytes()
    _replace_fixture(corpus, row, other)

    assert runner.main(["--host", "bridge", "--dir", str(corpus.root)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  bridge: gzip-l6-licenses compress:" in out
    assert "fixture made by libdeflate" in out
    checks = {c.op: c.status for c in _run_bridge(corpus).hosts[0].checks}
    assert checks == {"compress": "fail", "decompress": "pass"}  # decoding still works


@pytest.mark.c_facing
def test_version_change_is_drift_not_failure(tmp_path, capsys):
    row = _row("zstd-l3-licenses")
    corpus = _scratch(tmp_path, [row])
    other = subprocess.run(["zstd", "-q", "-c", "--no-check"], input=corpus.plaintext(row).read_bytes(),
                           capture_output=True, check=True).stdout  # valid, other bytes
    _replace_fixture(corpus, row, other, producer="libzstd 1.0.0")

    assert runner.main(["--host", "bridge", "--dir", str(corpus.root)]) == 0
    out = capsys.readouterr().out
    assert "DRIFT bridge: zstd-l3-licenses compress: drift: libzstd 1.0.0 -> " in out
    checks = {c.op: c.status for c in _run_bridge(corpus).hosts[0].checks}
    assert checks == {"compress": "drift", "decompress": "pass"}


@pytest.mark.c_facing
def test_corrupt_fixture_fails_decoding_and_integrity(tmp_path):
    row = _row("zstd-l3-licenses")
    corpus = _scratch(tmp_path, [row])
    data = bytearray(corpus.fixture(row).read_bytes())
    data[len(data) // 2] ^= 0xFF
    corpus.fixture(row).write_bytes(data)  # the manifest still has the old sha256

    report = _run_bridge(corpus)
    assert report.failed
    assert report.integrity and "does not match the manifest" in report.integrity[0]
    checks = {c.op: c.status for c in report.hosts[0].checks}
    assert checks == {"compress": "fail", "decompress": "fail"}


class _FakeHost(Host):
    """Answers every case with fixed outcomes; no C involved."""

    name = "fake"

    def __init__(self, outcome):
        self.outcome = outcome
        self.batches = 0

    def versions(self):
        return {"libdeflate": "1.14", "libzstd": "1.5.4"}

    def run(self, cases: list[Case]):
        self.batches += 1
        outcomes = {c.key: self.outcome(c) for c in cases}
        return {k: o for k, o in outcomes.items() if o is not None}  # None: leave the case out


def test_hosts_get_one_batch_and_skips_never_pass(tmp_path):
    corpus = _scratch(tmp_path, [_row("gzip-l6-hello"), _row("gzipcli-empty")])
    skipping = _FakeHost(lambda c: Outcome.skip("no such codec here"))
    report = runner.run(corpus, [skipping, UnavailableHost("absent", "not installed")])
    assert skipping.batches == 1
    assert [h.count("skip") for h in report.hosts] == [3, 3]
    assert [h.count("pass") for h in report.hosts] == [0, 0]
    text = runner.format_report(report)
    assert "SKIP  fake: 3 checks: no such codec here" in text
    assert "unavailable: not installed" in text
    assert not report.failed  # one host ran; skips are not failures

    assert runner.run(corpus, [UnavailableHost("absent", "not installed")]).failed  # nothing ran


def test_errors_and_missing_outcomes_fail(tmp_path):
    corpus = _scratch(tmp_path, [_row("gzip-l6-hello")])
    erring = _FakeHost(lambda c: Outcome.failed("LIBZ-FAIL", "corrupt") if c.op == "decompress" else None)
    report = runner.run(corpus, [erring])
    details = sorted(c.detail for c in report.hosts[0].checks)
    assert details == ["error LIBZ-FAIL: corrupt", "the host returned no outcome"]
    assert report.failed


def test_registry_names_every_host_with_a_reason_when_unavailable():
    hosts = registry()
    assert "bridge" in hosts and "engine" in hosts
    for name, host in hosts.items():
        assert host.name == name
        reason = host.unavailable()
        assert reason is None or reason.strip()
