"""The call-out table, generated from its specification: xc/stdcompress.spec -> xc/stdcompress.xc.

The table is what GT.M and YottaDB read (and the Python bridge too), so it stays committed,
and free of comments (GT.M rejects them).  The specification is the one list of entries: one
line per entry, its output tiers written once.

    python3 xc/generate.py          rewrite xc/stdcompress.xc
    python3 xc/generate.py --check  exit 1, naming the difference, when the table is stale

Spec lines: NAME  C-FUNCTION  PARAMETERS, the parameters separated by commas:
    in             I:gtm_string_t*      (a string in)
    int            I:gtm_long_t         (an integer in)
    out[N]         O:gtm_string_t*[N]   (a string out of at most N bytes; N may be 1m or 64k)
    out[T1,T2,..]  one entry per tier T: NAME for 1m, NAME64k, NAME1k; every out[...] of the
                   line takes that entry's tier
Blank lines and lines starting with # are comments.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEC = HERE / "stdcompress.spec"
TABLE = HERE / "stdcompress.xc"
LIBRARY = "$STDCOMPRESS_LIBDIR/libstdcompress.so"
SIZES = {"1m": 1 << 20, "64k": 64 << 10, "1k": 1 << 10}
SUFFIX = {"1m": "", "64k": "64k", "1k": "1k"}


class SpecError(ValueError):
    pass


def _size(token: str, where: str) -> int:
    if token in SIZES:
        return SIZES[token]
    if token.isdigit() and 0 < int(token) <= SIZES["1m"]:
        return int(token)
    raise SpecError(f"{where}: output size {token!r} is not 1m, 64k, 1k or 1..1048576")


def parse(text: str, where: str = "stdcompress.spec") -> list[tuple[str, str, list[str]]]:
    """(name, C function, parameter tokens) for each entry line."""
    entries, names = [], set()
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        at = f"{where}:{number}"
        fields = line.split(None, 2)
        if len(fields) < 2:
            raise SpecError(f"{at}: needs NAME C-FUNCTION PARAMETERS")
        name, func = fields[0], fields[1]
        params = [p.strip() for p in _split(fields[2] if len(fields) > 2 else "")]
        if not name.isidentifier() or not func.isidentifier():
            raise SpecError(f"{at}: {name!r} or {func!r} is not an identifier")
        for p in params:
            if p not in ("in", "int") and not (p.startswith("out[") and p.endswith("]")):
                raise SpecError(f"{at}: parameter {p!r} is not in, int or out[...]")
        tiers = {p for p in params if "," in p}
        if len(tiers) > 1:
            raise SpecError(f"{at}: the tiered outputs of one entry must share their tiers")
        for entry in expand(name, params, at):
            if entry[0] in names:
                raise SpecError(f"{at}: entry {entry[0]} is declared twice")
            names.add(entry[0])
        entries.append((name, func, params))
    return entries


def _split(text: str) -> list[str]:
    """Splits on the commas outside brackets."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "["
        depth -= ch == "]"
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return parts


def expand(name: str, params: list[str], where: str = "spec") -> list[tuple[str, list[str]]]:
    """The table's entries for one spec line: (entry name, its parameter declarations)."""
    tiered = [p[4:-1].split(",") for p in params if p.startswith("out[") and "," in p]
    tiers = [t.strip() for t in tiered[0]] if tiered else [None]
    out = []
    for tier in tiers:
        if tier is not None and tier not in SUFFIX:
            raise SpecError(f"{where}: tier {tier!r} is not 1m, 64k or 1k")
        decl = []
        for p in params:
            if p == "in":
                decl.append("I:gtm_string_t*")
            elif p == "int":
                decl.append("I:gtm_long_t")
            else:
                size = SIZES[tier] if "," in p else _size(p[4:-1].strip(), where)
                decl.append(f"O:gtm_string_t*[{size}]")
        out.append((name + (SUFFIX[tier] if tier else ""), decl))
    return out


def render(entries) -> str:
    lines = [LIBRARY]
    for name, func, params in entries:
        for entry, decl in expand(name, params):
            lines.append(f"{entry}: gtm_long_t {func}({','.join(decl)})")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    try:
        text = render(parse(SPEC.read_text()))
    except SpecError as e:
        print(f"generate: {e}", file=sys.stderr)
        return 2
    if argv[:1] == ["--check"]:
        have = TABLE.read_text() if TABLE.exists() else ""
        if have != text:
            old, new = set(have.splitlines()), set(text.splitlines())
            for line in sorted(old - new):
                print(f"stale: the table has {line!r}", file=sys.stderr)
            for line in sorted(new - old):
                print(f"stale: the spec makes {line!r}", file=sys.stderr)
            if old == new:
                print("stale: the table's lines are in another order", file=sys.stderr)
            print("xc/stdcompress.xc is stale: run `invoke table`", file=sys.stderr)
            return 1
        return 0
    TABLE.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
