"""The stdcompress command (python -m stdcompress): compress, decompress and test files as
streams, interop with gzip(1) and zstd(1), the output cap, and failures that leave no
half-written file."""

from __future__ import annotations

import gzip as pygzip
import os
import shutil
import subprocess
import sys
import time

import pytest

from conftest import ROOT, SANITIZED
from stdcompress import cli

pytestmark = pytest.mark.skipif(SANITIZED, reason="pure Python over the stream call-outs")

DATA = b"".join(b"line %d of the cli test, with some words\n" % i for i in range(120_000))


def run(*args, stdin=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "bridge" / "python"))
    return subprocess.run([sys.executable, "-m", "stdcompress", *args], input=stdin,
                          capture_output=True, env=env, cwd=ROOT / "tests", timeout=120)


@pytest.mark.parametrize("codec", cli.CODECS)  # the codecs with streams
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


@pytest.mark.parametrize("codec", ["gzip", "deflate", "zlib"])
def test_deflate_family_levels_are_the_seeds(tmp_path, codec, capsys):
    """-l takes 1..9 (gzip(1)'s, the seed module's); 0, 10 and 13 fail with BAD-LEVEL and leave
    no output file."""
    src = tmp_path / "data.txt"
    src.write_bytes(DATA[:50_000])
    packed = tmp_path / ("data.txt" + cli.SUFFIX[codec])
    for bad in ("0", "10", "13"):
        assert cli.main(["compress", "-q", "-c", codec, "-l", bad, str(src)]) == 1
        assert "BAD-LEVEL" in capsys.readouterr().err and not packed.exists()
    assert cli.main(["compress", "-q", "-c", codec, "-l", "9", str(src)]) == 0
    src.unlink()
    assert cli.main(["decompress", "-q", str(packed)]) == 0
    assert src.read_bytes() == DATA[:50_000]


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
    with pytest.raises(SystemExit) as e:  # bad usage is an error (1), as in gzip(1)
        cli.main(["compress", "-c", "lzma", str(plain)])
    assert e.value.code == 1


def test_stream_campaign_checks_every_stream_codec():
    """The campaign runs the registry's stream codecs: each needs its independent decoder (xz
    once had none: its run would have ended in a KeyError after the measurement)."""
    from bench import campaign
    from stdcompress._codecs import STREAMS
    assert campaign.CODECS == STREAMS and set(campaign.DECODERS) == set(STREAMS)


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


@pytest.mark.parametrize("codec", cli.CODECS)  # the codecs with streams
def test_codec_from_magic_bytes(tmp_path, codec, capsys):
    """Decompression needs neither -c nor a suffix where the format has magic bytes."""
    src = tmp_path / "data.txt"
    src.write_bytes(DATA[:300_000])
    level = ["-l", "5"] if codec == "brotli" else []
    blob = tmp_path / "blob"
    assert cli.main(["compress", "-q", "-c", codec, *level, "-o", str(blob), str(src)]) == 0
    out = tmp_path / "out"
    status = cli.main(["decompress", "-q", "-o", str(out), str(blob)])
    if codec in ("deflate", "brotli"):  # no magic: refused with the reason, nothing written
        assert status == 1 and not out.exists()
        assert "no magic bytes" in capsys.readouterr().err
        assert cli.main(["decompress", "-q", "-c", codec, "-o", str(out), str(blob)]) == 0
    else:
        assert status == 0
    assert out.read_bytes() == DATA[:300_000]


def test_detect_reads_other_tools_output():
    """detect() on bytes written by gzip(1), zstd(1), lz4(1) and Python's zlib, not by us."""
    import zlib
    assert cli.detect(pygzip.compress(b"x")) == "gzip"
    for level in (1, 6, 9):
        assert cli.detect(zlib.compress(b"x" * 100, level)) == "zlib"
    assert cli.detect(zlib.compress(b"x", 6)[:1]) is None  # too short to tell
    for tool, codec in (("zstd", "zstd"), ("lz4", "lz4"), ("gzip", "gzip"), ("xz", "xz")):
        if shutil.which(tool):
            made = subprocess.run([tool, "-c"], input=DATA[:1000], capture_output=True,
                                  check=True).stdout
            assert cli.detect(made) == codec, tool
    assert cli.detect(b"\x50\x2a\x4d\x18") is None  # a skippable frame: zstd or lz4
    assert cli.detect(b"") is None and cli.detect(b"plain text") is None
    assert cli.detect(b"\xfd7zXZ") is None  # 5 of xz's 6 magic bytes


def test_xz_files_round_trip(tmp_path, capsys):
    """.xz files: ours (compress -c xz) read by xz -dc, and xz(1)'s decompressed by magic
    (any name) and by suffix."""
    plain = tmp_path / "data"
    plain.write_bytes(DATA)
    assert cli.main(["compress", "-q", "-c", "xz", str(plain)]) == 0
    assert subprocess.run(["xz", "-dc", str(tmp_path / "data.xz")], capture_output=True,
                          check=True).stdout == DATA
    made = subprocess.run(["xz", "-c"], input=DATA[:1000], capture_output=True,
                          check=True).stdout
    for name in ("theirs.xz", "theirs.bin"):
        packed = tmp_path / name
        packed.write_bytes(made)
        out = tmp_path / (name + ".out")
        assert cli.main(["decompress", "-q", "-o", str(out), str(packed)]) == 0
        assert out.read_bytes() == DATA[:1000]
    assert capsys.readouterr().err == ""


def test_warnings_exit_2_and_errors_win(tmp_path, capsys):
    """gzip(1)'s statuses: a skipped file is a warning (2); any failure makes it 1."""
    packed = tmp_path / "a.gz"
    packed.write_bytes(pygzip.compress(DATA[:1000]))
    assert cli.main(["compress", "-q", str(packed)]) == 2  # already .gz: left alone
    assert "already has .gz suffix -- unchanged" in capsys.readouterr().err
    assert not (tmp_path / "a.gz.gz").exists()
    odd = tmp_path / "a.bin"
    odd.write_bytes(pygzip.compress(DATA[:1000]))
    assert cli.main(["decompress", "-q", str(odd)]) == 2  # gzip inside, but no name to strip
    assert "unknown suffix -- ignored" in capsys.readouterr().err
    bad = tmp_path / "b.gz"
    bad.write_bytes(b"\x1f\x8bjunk")
    assert cli.main(["decompress", "-q", str(odd), str(bad)]) == 1


def _on_terminal(args, stdin: bytes, tmp_path, stdout_tty=False):
    """Runs the command with standard error (and stdout if asked) on a real pseudo-terminal;
    returns (exit status, what the terminal showed, stdout bytes)."""
    import pty
    import select
    master, slave = pty.openpty()
    out_path = tmp_path / "stdout.bin"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "bridge" / "python"))
    with open(out_path, "wb") as out:
        p = subprocess.Popen([sys.executable, "-m", "stdcompress", *args], stdin=subprocess.PIPE,
                             stdout=slave if stdout_tty else out, stderr=slave, env=env)
    os.close(slave)
    shown = b""
    p.stdin.write(stdin)
    p.stdin.close()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other side closed
                break
            if not chunk:
                break
            shown += chunk
        elif p.poll() is not None:
            break
    status = p.wait(timeout=60)
    os.close(master)
    return status, shown, out_path.read_bytes()


def test_progress_on_a_terminal(tmp_path):
    src = tmp_path / "big.txt"
    src.write_bytes(DATA * 3)  # ~14 MiB: several blocks
    status, shown, _ = _on_terminal(["compress", "-c", "zstd", str(src)], b"", tmp_path)
    assert status == 0, shown
    assert b"\r" + str(src).encode() + b": " in shown and b"% " in shown, shown
    assert b"MiB read" in shown and shown.endswith(b"\r\x1b[K")  # the line is cleared at the end
    src.unlink()
    status, shown, _ = _on_terminal(["decompress", str(tmp_path / "big.txt.zst")], b"", tmp_path)
    assert status == 0 and b"MiB read" in shown
    assert src.read_bytes() == DATA * 3
    # -q: nothing at all on the terminal
    status, shown, _ = _on_terminal(["test", "-q", str(tmp_path / "big.txt.zst")], b"", tmp_path)
    assert status == 0 and shown == b""


def test_no_progress_off_a_terminal(tmp_path):
    src = tmp_path / "big.txt"
    src.write_bytes(DATA * 3)
    r = run("compress", "-c", "zstd", str(src))
    assert r.returncode == 0 and r.stderr == b""


def test_compressed_data_not_written_to_a_terminal(tmp_path):
    status, shown, _ = _on_terminal(["compress", "-q"], DATA[:1000], tmp_path, stdout_tty=True)
    assert status == 1 and b"not written to a terminal" in shown
    status, shown, _ = _on_terminal(["compress", "-q", "-f"], DATA[:1000], tmp_path,
                                    stdout_tty=True)
    assert status == 0 and b"\x1f\x8b" in shown  # forced: the gzip bytes reach the terminal
