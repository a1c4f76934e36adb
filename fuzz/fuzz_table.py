"""atheris target: the call-out table parser (bridge/python/stdcompress/_runtime.py
parse_table), the part of the bridge that reads a file from outside before anything is loaded.

Any input either parses into a table that is well formed (every entry's name, types, directions
and preallocations are ones the runtimes accept; writing it back and parsing again gives the
same table) or raises CalloutMissingError; any other exception is a crash.

    python fuzz/fuzz_table.py [libFuzzer flags] CORPUS_DIR ...     (invoke fuzz --target table)
"""

import re
import sys

import atheris

with atheris.instrument_imports(include=["stdcompress"]):
    from stdcompress import _runtime
    from stdcompress.errors import CalloutMissingError

ENV = {"STDCOMPRESS_LIBDIR": "/lib/stdc", "HOME": "/home/m"}
NAME = re.compile(r"[A-Za-z%][A-Za-z0-9]*\Z")


def render(table) -> str:
    """The table back as text (one entry a line), for the round-trip check."""
    lines = [table.library]
    for e in table.entries.values():
        params = ",".join(f"{p.direction}:{p.type}" + (f"[{p.prealloc}]" if p.prealloc else "")
                          for p in e.params)
        lines.append(f"{e.name}: {e.returns} {e.cfunc}({params})")
    return "\n".join(lines) + "\n"


def check(text: str) -> None:
    try:
        table = _runtime.parse_table(text, "<fuzz>", ENV)
    except CalloutMissingError as e:
        assert str(e).startswith("CALLOUT-MISSING: "), e
        return
    assert table.library and "\n" not in table.library and table.library == table.library.strip()
    for name, e in table.entries.items():
        assert name == e.name and NAME.match(name), name
        assert e.returns in _runtime._TYPES and re.fullmatch(r"\w+", e.cfunc), e
        assert len(e.params) <= 32
        for p in e.params:
            assert p.direction in ("I", "O", "IO") and p.type in _runtime._TYPES, p
            assert p.type != "void"
            if p.direction == "O" and p.type == "gtm_string_t*":
                assert p.prealloc is not None and 0 < p.prealloc <= _runtime.MAX_PREALLOC, p
            if p.direction != "I":
                assert _runtime._TYPES[p.type][1] == "string", p
    if "$" in table.library:
        return  # an expanded value may itself contain '$': it would expand again
    again = _runtime.parse_table(render(table), "<again>", ENV)
    assert [(e.name, e.returns, e.cfunc, e.params) for e in again.entries.values()] == \
        [(e.name, e.returns, e.cfunc, e.params) for e in table.entries.values()], text
    assert again.library == table.library


def TestOneInput(data: bytes) -> None:
    check(data.decode("latin-1"))


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
