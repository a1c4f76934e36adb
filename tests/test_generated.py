"""The generated files are not stale: xc/stdcompress.xc is what xc/stdcompress.spec makes
(`invoke table` rewrites it)."""

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


def test_a_changed_spec_line_makes_the_table_stale(tmp_path, monkeypatch):
    text = generate.SPEC.read_text()
    changed = text.replace("out[1m,64k,1k], int\n", "out[1m,64k], int\n", 1)
    assert changed != text
    monkeypatch.setattr(generate, "SPEC", tmp_path / "stdcompress.spec")
    generate.SPEC.write_text(changed)
    assert generate.main(["--check"]) == 1  # the committed table has the dropped tier
    monkeypatch.setattr(generate, "TABLE", tmp_path / "stdcompress.xc")
    assert generate.main([]) == 0 and generate.main(["--check"]) == 0
    assert generate.TABLE.read_text() != (ROOT / "xc" / "stdcompress.xc").read_text()


def test_every_tier_and_parameter_kind_renders():
    entries = generate.parse("x  stdc_x  in, out[1m,64k,1k], int, out[1m,64k,1k]\n"
                             "y  stdc_y  out[64]\n")
    assert generate.render(entries).splitlines() == [
        generate.LIBRARY,
        "x: gtm_long_t stdc_x(I:gtm_string_t*,O:gtm_string_t*[1048576],I:gtm_long_t,"
        "O:gtm_string_t*[1048576])",
        "x64k: gtm_long_t stdc_x(I:gtm_string_t*,O:gtm_string_t*[65536],I:gtm_long_t,"
        "O:gtm_string_t*[65536])",
        "x1k: gtm_long_t stdc_x(I:gtm_string_t*,O:gtm_string_t*[1024],I:gtm_long_t,"
        "O:gtm_string_t*[1024])",
        "y: gtm_long_t stdc_y(O:gtm_string_t*[64])"]


@pytest.mark.parametrize("line, message", [
    ("x stdc_x in, str", "is not in, int or out"),
    ("x stdc_x out[2m]", "output size"),
    ("x stdc_x out[1m,2k]", "tier"),
    ("x stdc_x out[1m,64k], out[1m]\nx stdc_y in", "declared twice"),
    ("x", "needs NAME"),
])
def test_bad_spec_lines_are_named(line, message):
    with pytest.raises(generate.SpecError, match=message):
        generate.parse(line)


def test_the_table_has_no_comments():
    assert not any(ln.lstrip().startswith(("#", ";", "//"))
                   for ln in (ROOT / "xc" / "stdcompress.xc").read_text().splitlines())
