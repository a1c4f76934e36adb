"""A short run of every fuzz target (`invoke fuzz`, fuzz/targets.py), so a crash that a few
seconds of fuzzing finds fails CI, and the replay of every regression input
(fuzz/regressions/).  Long campaigns: `invoke fuzz --seconds 600` (docs/hardening.md)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SANITIZED
from fuzz.targets import TARGETS
from stdcompress._codecs import BATCHES, STREAMS

SMOKE_SECONDS = 10  # per target: 11 targets stay well under 3 minutes with the build
REGRESSIONS = ROOT / "fuzz" / "regressions"


@pytest.mark.skipif(SANITIZED, reason="the fuzzers are their own sanitizer builds")
@pytest.mark.skipif(shutil.which("clang") is None, reason="clang is not installed (invoke setup)")
def test_every_fuzz_target_runs_clean():
    r = subprocess.run([sys.executable, "-m", "invoke", "fuzz", "--seconds", str(SMOKE_SECONDS)],
                       cwd=ROOT, capture_output=True, text=True, timeout=900)
    out = r.stdout
    assert r.returncode == 0, out[-3000:] + r.stderr[-3000:]
    for t in TARGETS:
        replay = re.search(rf"^replay {t.name}: (\d+) regression input\(s\) (\w+)$", out, re.M)
        assert replay and replay.group(2) == "clean" and int(replay.group(1)) >= 1, t.name
        row = re.search(rf"^{t.name}\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", out, re.M)
        assert row, f"no figures for {t.name}:\n{out}"
        seeds, executions, _, corpus, crashes = map(int, row.groups())
        assert seeds > 0 and executions > 0 and corpus > 0 and crashes == 0, (t.name, row.group())


@pytest.mark.parametrize("target,codecs", [("stream", STREAMS), ("batch", BATCHES)])
def test_each_saved_input_selects_the_codec_its_name_says(target, codecs):
    """fuzz_stream.c and fuzz_batch.c pick the codec from the registry (fuzz.h fuzz_codec):
    byte 0 modulo the count of its codecs with that mechanism, in its order.  A new codec
    changes the count: the saved inputs' selector bytes must then be rewritten, which this
    check says (their names begin with the codec they were saved for)."""
    files = sorted((REGRESSIONS / target).iterdir())
    assert files
    for f in files:
        named = f.name.split("-")[0]
        assert named in codecs, f"{target}/{f.name}: the name must begin with its codec"
        assert codecs[f.read_bytes()[0] % len(codecs)] == named, f"{target}/{f.name}"


def test_table_regressions_parse_or_fail_cleanly():
    """The table target's regression inputs through the parser itself (no atheris needed):
    each is a table or a CalloutMissingError naming the line."""
    from stdcompress import _runtime
    from stdcompress.errors import CalloutMissingError
    files = sorted((REGRESSIONS / "table").iterdir())
    assert len(files) >= 4
    outcomes = {}
    for f in files:
        try:
            outcomes[f.name] = sorted(_runtime.parse_table(f.read_bytes().decode("latin-1"),
                                                           f.name, {}).entries)
        except CalloutMissingError as e:
            outcomes[f.name] = str(e)
    assert "more than 32 parameters" in outcomes["33-params"]
    assert "bad preallocation" in outcomes["prealloc-huge"]
    assert "$NOPE" in outcomes["unset-variable"]
    # lines end at "\n" only, as the runtimes read them: FS and NEL do not separate entries
    assert "bad parameter" in outcomes["nel-separator"]


def test_a_table_that_is_not_utf8_is_callout_missing(tmp_path):
    """Found by reading the parser for fuzz_table: a table file of other bytes was a
    UnicodeDecodeError escaping the Runtime, not the CalloutMissingError every other
    unreadable table is."""
    from stdcompress import _runtime
    from stdcompress.errors import CalloutMissingError
    table = tmp_path / "bad.xc"
    table.write_bytes(b"/lib/x.so\n\xff\xfe: void f()\n")
    with pytest.raises(CalloutMissingError, match="not UTF-8"):
        _runtime.Runtime(str(table), {})
