"""The generated files are not stale: xc/stdcompress.xc and the generated call frames of
bridge/m/STDCOMPRESS.m are what xc/stdcompress.spec makes (`invoke table` rewrites them)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("xc_generate", ROOT / "xc" / "generate.py")
generate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate)


def test_table_is_what_the_spec_makes():
    proc = subprocess.run([sys.executable, str(ROOT / "xc" / "generate.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def _changed_spec(tmp_path, monkeypatch, old: str, new: str):
    """The generator pointed at a copy of the spec with OLD replaced once by NEW; the table and
    the routine stay the committed ones until _sandbox_outputs."""
    text = generate.SPEC.read_text()
    changed = text.replace(old, new, 1)
    assert changed != text
    monkeypatch.setattr(generate, "SPEC", tmp_path / "stdcompress.spec")
    generate.SPEC.write_text(changed)


def _sandbox_outputs(tmp_path, monkeypatch):
    """Copies of the table and the routine, where the generator then writes."""
    for attr in ("TABLE", "ROUTINE"):
        copy = tmp_path / getattr(generate, attr).name
        copy.write_text(getattr(generate, attr).read_text())
        monkeypatch.setattr(generate, attr, copy)


def test_a_changed_spec_line_makes_the_table_stale(tmp_path, monkeypatch):
    _changed_spec(tmp_path, monkeypatch, "out[1m,64k,1k], int\n", "out[1m,64k], int\n")
    assert generate.main(["--check"]) == 1  # the committed table has the dropped tier
    _sandbox_outputs(tmp_path, monkeypatch)
    assert generate.main([]) == 0 and generate.main(["--check"]) == 0
    assert generate.TABLE.read_text() != (ROOT / "xc" / "stdcompress.xc").read_text()


def test_a_changed_frame_makes_the_routine_stale(tmp_path, monkeypatch):
    _changed_spec(tmp_path, monkeypatch, "| m:decompress\n", "\n")
    assert generate.main(["--check"]) == 1
    _sandbox_outputs(tmp_path, monkeypatch)
    assert generate.main([]) == 0 and generate.main(["--check"]) == 0
    routine = (ROOT / "bridge" / "m" / "STDCOMPRESS.m").read_text()
    assert generate.ROUTINE.read_text().count("\n ;\n") == routine.count("\n ;\n") - 1


def test_frames_are_generated_for_the_spec_lines_that_ask():
    entries = generate.parse("a stdc_a in, out[1m,64k,1k], int | m:compress\n"
                             "b stdc_b in, out[1m,64k,1k] | m:decompress\nc stdc_c in, out[64]\n")
    block = generate.frames(entries)
    assert block.startswith(generate.BEGIN) and block.endswith(generate.END)
    assert "\naC() ;\n" in block and "\nbC() ;\n" in block and "cC()" not in block
    assert "$&stdcompress.a64k(data,.out,level)" in block
    assert "n<16385:$&stdcompress.b64k(data,.out)" in block


def test_every_tier_and_parameter_kind_renders():
    entries = generate.parse("x  stdc_x  in, out[1m,64k,1k], int, out[1m,64k,1k]\n"
                             "y  stdc_y  out[64]\n")
    assert generate.render(entries).splitlines() == [
        generate.LIBRARY,
        "y: gtm_long_t stdc_y(O:gtm_string_t*[64])",
        "x: gtm_long_t stdc_x(I:gtm_string_t*,O:gtm_string_t*[1048576],I:gtm_long_t,"
        "O:gtm_string_t*[1048576])",
        "x64k: gtm_long_t stdc_x(I:gtm_string_t*,O:gtm_string_t*[65536],I:gtm_long_t,"
        "O:gtm_string_t*[65536])",
        "x1k: gtm_long_t stdc_x(I:gtm_string_t*,O:gtm_string_t*[1024],I:gtm_long_t,"
        "O:gtm_string_t*[1024])"]


def test_the_runtime_finds_the_small_tier_first():
    """GT.M walks a package's entries from the table's last line up on every call
    (docs/callouts.md): the 1 KiB tier is written last, then 64 KiB, 1 MiB, the untiered
    entries first, each group in the spec's order read upwards."""
    names = [ln.split(":")[0] for ln in
             (ROOT / "xc" / "stdcompress.xc").read_text().splitlines()[1:]]
    tier = {entry: t for name, _, params, _ in generate.parse(generate.SPEC.read_text())
            for t, (entry, _) in zip(generate._tiers(params), generate.expand(name, params))}
    group = [["1k", "64k", "1m", None].index(tier[n]) for n in reversed(names)]
    assert group == sorted(group)
    assert names[-1] == "gzip1k" and names[-7] == "zstdCompress1k"


@pytest.mark.parametrize("line, message", [
    ("x stdc_x in, str", "is not in, int or out"),
    ("x stdc_x out[2m]", "output size"),
    ("x stdc_x out[1m,2k]", "tier"),
    ("x stdc_x out[1m,64k], out[1m]\nx stdc_y in", "declared twice"),
    ("x", "needs NAME"),
    ("x stdc_x in, out[1m,64k,1k] | m:other", "is not m:compress"),
    ("x stdc_x in, out[1m] | m:compress", "needs the tiers"),
])
def test_bad_spec_lines_are_named(line, message):
    with pytest.raises(generate.SpecError, match=message):
        generate.parse(line)


def test_the_table_has_no_comments():
    assert not any(ln.lstrip().startswith(("#", ";", "//"))
                   for ln in (ROOT / "xc" / "stdcompress.xc").read_text().splitlines())


def test_compress_tier_thresholds_are_the_output_bound():
    """The compress frames compare the input length with a precomputed threshold: a length
    below it has the bound n + n//8 + 64 within the tier, the threshold itself does not."""
    for tier, key in (("1k", "t1k"), ("64k", "t64k")):
        cap, t = generate.SIZES[tier], generate.THRESHOLDS[key]
        below = t - 1
        assert below + below // 8 + 64 <= cap < t + t // 8 + 64
        assert f"n<{t}:$&stdcompress.gzip{tier}(data,.out)" in generate.ROUTINE.read_text()
