"""The stdcompress command (python -m stdcompress): compress, decompress and test files as
streams, interop with gzip(1) and zstd(1), the output cap, and failures that leave no
half-written file."""

from __future__ import annotations

import gzip as pygzip
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, SANITIZED
from stdcompress import cli

pytestmark = pytest.mark.skipif(SANITIZED, reason="pure Python over the stream call-outs")

DATA = b"".join(b"line %d of the cli test, with some words\n" % i for i in range(120_000))


def run(*args, stdin=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "bridge" / "python"))
    return subprocess.run([sys.executable, "-m", "stdcompress", *args], input=stdin,
                          capture_output=True, env=env, cwd=ROOT / "tests", timeout=120)


@pytest.mark.parametrize("codec", list(cli.SUFFIX))
def test_round_trip_through_files(tmp_path, codec):
    src = tmp_path / "data.txt"
    src.write_bytes(DATA)
    level = ["-l", "5"] if codec == "brotli" else []  # brotli's default 11 is ~1 MB/s
    assert cli.main(["compress", "-c", codec, *level, str(src)]) == 0
    packed = tmp_path / ("data.txt" + cli.SUFFIX[codec])
    assert packed.exists() and src.exists()  # inputs are kept
    src.unlink()
    assert cli.main(["test", str(packed)]) == 0
    assert cli.main(["decompress", str(packed)]) == 0  # codec from the suffix
    assert src.read_bytes() == DATA


def test_stdin_stdout_and_gzip_cli(tmp_path):
    r = run("compress", "-l", "9", stdin=DATA)
    assert r.returncode == 0 and pygzip.decompress(r.stdout) == DATA
    if shutil.which("gzip"):
        made = subprocess.run(["gzip", "-c"], input=DATA, capture_output=True).stdout
        r = run("decompress", stdin=made)
        assert r.returncode == 0 and r.stdout == DATA


@pytest.mark.skipif(shutil.which("zstd") is None, reason="zstd(1) is not installed")
def test_zstd_cli_reads_ours(tmp_path):
    src = tmp_path / "x"
    src.write_bytes(DATA)
    assert cli.main(["compress", "-c", "zstd", "-o", str(tmp_path / "x.zst"), str(src)]) == 0
    out = subprocess.run(["zstd", "-dc", str(tmp_path / "x.zst")], capture_output=True)
    assert out.stdout == DATA


def test_failures(tmp_path, capsys):
    good = tmp_path / "a.gz"
    good.write_bytes(pygzip.compress(DATA))
    bad = tmp_path / "b.gz"
    bad.write_bytes(pygzip.compress(DATA)[:-100])
    junk = tmp_path / "c.gz"
    junk.write_bytes(pygzip.compress(b"x") + b"junk")
    assert cli.main(["test", str(good), str(bad), str(junk)]) == 1
    err = capsys.readouterr().err
    assert "b.gz" in err and "truncated" in err and "c.gz" in err and "trailing" in err
    assert "a.gz" not in err
    # the cap: the output stops at it, and no half-written file stays behind
    assert cli.main(["decompress", "--max-output", "1000", str(good)]) == 1
    assert "OUTPUT-TOO-LARGE" in capsys.readouterr().err
    assert not (tmp_path / "a").exists()
    # an existing output is not overwritten without -f
    (tmp_path / "a").write_bytes(b"keep")
    assert cli.main(["decompress", str(good)]) == 1
    assert (tmp_path / "a").read_bytes() == b"keep"
    assert cli.main(["decompress", "-f", str(good)]) == 0
    assert (tmp_path / "a").read_bytes() == DATA
    # no codec from the name
    plain = tmp_path / "noext"
    plain.write_bytes(b"x")
    assert cli.main(["test", str(plain)]) == 1
    assert "give -c CODEC" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        cli.main(["compress", "-c", "lzma", str(plain)])
    assert e.value.code == 2


def test_stream_campaign_smoke():
    """`invoke stream-campaign` (bench/campaign.py) at 3 MiB: every run round-trips, reports its
    peak RSS, and its compressed file reads back exactly through the codec's CLI; the 1 GiB
    figures belong to the task, not to CI."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "bridge" / "python"),
                                                        str(ROOT)]))
    r = subprocess.run([sys.executable, "-m", "bench.campaign", "--mib", "3", "--codec", "gzip",
                        "--codec", "lz4"], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    rows = [ln for ln in r.stdout.splitlines()[1:] if ln.strip()]
    assert len(rows) == 4
    for ln in rows:
        assert (" OK in=3145728 " in ln and "peak_rss=" in ln and ln.split()[1] in ln.split()[-1]
                and ln.endswith("=OK")) or "skipped" in ln, ln
