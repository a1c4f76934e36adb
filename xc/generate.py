"""The call-out table and the M call frames, generated from one specification:
xc/stdcompress.spec -> xc/stdcompress.xc and the generated block of bridge/m/STDCOMPRESS.m.

The table is what GT.M and YottaDB read (and the Python bridge too), so it stays committed,
and free of comments (GT.M rejects them).  The specification is the one list of entries: one
line per entry, its output tiers written once.  The call frames that pick an entry's output
tier from the input length are generated too, between the routine's two marker lines.

    python3 xc/generate.py          rewrite both
    python3 xc/generate.py --check  exit 1, naming the difference, when either is stale

Spec lines: NAME  C-FUNCTION  PARAMETERS, the parameters separated by commas:
    in             I:gtm_string_t*      (a string in)
    int            I:gtm_long_t         (an integer in)
    out[N]         O:gtm_string_t*[N]   (a string out of at most N bytes; N may be 1m or 64k)
    out[T1,T2,..]  one entry per tier T: NAME for 1m, NAME64k, NAME1k; every out[...] of the
                   line takes that entry's tier
and, after a |, the M call frame to generate (the public label NAME calls $$NAMEC()):
    m:compress     the tier from the output bound n+n/8+64 (as input-length thresholds, worked
                   out here: one comparison a call); the level passed when given
    m:decompress   the tier guessed from the input length (a larger result is held, taken)
Blank lines and lines starting with # are comments.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEC = HERE / "stdcompress.spec"
TABLE = HERE / "stdcompress.xc"
ROUTINE = HERE.parent / "bridge" / "m" / "STDCOMPRESS.m"
BEGIN = " ; ---- generated call frames: xc/generate.py writes them from xc/stdcompress.spec ----\n"
END = " ; ---- end of generated call frames ----\n"
FRAMES = {
    "compress": """{n}C() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("{n}")
 set n=$zlength(data)
 if $get(level)="" set n=$select(n<{t1k}:$&stdcompress.{n}1k(data,.out),n<{t64k}:$&stdcompress.{n}64k(data,.out),1:$&stdcompress.{n}(data,.out)) quit:'n 1 quit $$got(n,.out)
 quit:level'?.1"-"1.6N $$badLevel("{n}")
 set n=$select(n<{t1k}:$&stdcompress.{n}1k(data,.out,level),n<{t64k}:$&stdcompress.{n}64k(data,.out,level),1:$&stdcompress.{n}(data,.out,level))
 quit:'n 1
 quit $$got(n,.out)
 ;
""",
    "decompress": """{n}C() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("{n}")
 set n=$zlength(data),n=$select(n<257:$&stdcompress.{n}1k(data,.out),n<16385:$&stdcompress.{n}64k(data,.out),1:$&stdcompress.{n}(data,.out))
 quit:'n 1
 quit $$got(n,.out)
 ;
"""}
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


def parse(text: str, where: str = "stdcompress.spec") -> list[tuple[str, str, list[str], str]]:
    """(name, C function, parameter tokens, M call frame kind or "") for each entry line."""
    entries, names = [], set()
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        at = f"{where}:{number}"
        line, _, frame = line.partition("|")
        frame = frame.strip()
        if frame and (not frame.startswith("m:") or frame[2:] not in FRAMES):
            raise SpecError(f"{at}: {frame!r} is not m:compress or m:decompress")
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
        if frame and [p for p in params if "," in p] != ["out[1m,64k,1k]"]:
            raise SpecError(f"{at}: an M call frame needs the tiers out[1m,64k,1k]")
        entries.append((name, func, params, frame[2:]))
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


def _tiers(params: list[str]) -> list[str | None]:
    """The output tiers of one spec line's entries, [None] for an untiered line."""
    tiered = [p[4:-1].split(",") for p in params if p.startswith("out[") and "," in p]
    return [t.strip() for t in tiered[0]] if tiered else [None]


def expand(name: str, params: list[str], where: str = "spec") -> list[tuple[str, list[str]]]:
    """The table's entries for one spec line: (entry name, its parameter declarations)."""
    tiers = _tiers(params)
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


# GT.M keeps a package's entries in a list, each entry it reads put at the head, and walks that
# list by name on every call (measured: 0.1-0.3 us per call for an entry a hundred lines from the
# end, docs/callouts.md).  So the table is written in the reverse of the order the runtime should
# find entries in: the 1 KiB tier first (where a call is cheapest and the walk shows most), then
# 64 KiB, 1 MiB, and the untiered entries, each group in the spec's order.
WALK_ORDER = {"1k": 0, "64k": 1, "1m": 2}


def walk_order(entries) -> list[tuple[str, str, list[str]]]:
    """(entry, C function, declarations) in the order the runtime should find them."""
    found = [(WALK_ORDER.get(tier, len(WALK_ORDER)), entry, func, decl)
             for name, func, params, _ in entries
             for tier, (entry, decl) in zip(_tiers(params), expand(name, params))]
    return [e[1:] for e in sorted(found, key=lambda e: e[0])]


def render(entries) -> str:
    lines = [f"{entry}: gtm_long_t {func}({','.join(decl)})"
             for entry, func, decl in reversed(walk_order(entries))]
    return "\n".join([LIBRARY, *lines]) + "\n"


def compress_threshold(cap: int) -> int:
    """The least input length whose output bound n + n//8 + 64 exceeds a tier of cap bytes."""
    n = 0
    while n + n // 8 + 64 <= cap:
        n += 1
    return n


THRESHOLDS = {"t1k": compress_threshold(SIZES["1k"]), "t64k": compress_threshold(SIZES["64k"])}


def frames(entries) -> str:
    """The generated block of call frames, its marker lines included."""
    return BEGIN + "".join(FRAMES[kind].format(n=name, **THRESHOLDS) for name, _, _, kind
                           in entries if kind) + END


def splice(routine: str, block: str) -> str:
    """The routine with its generated block (between the markers) replaced by BLOCK."""
    start, end = routine.find(BEGIN), routine.find(END)
    if start < 0 or end < start:
        raise SpecError(f"{ROUTINE.name} has no generated block ({BEGIN.strip()!r} ... "
                        f"{END.strip()!r})")
    return routine[:start] + block + routine[end + len(END):]


def _stale(path: Path, have: str, want: str) -> bool:
    if have == want:
        return False
    old, new = set(have.splitlines()), set(want.splitlines())
    for line in sorted(old - new):
        print(f"stale: {path.name} has {line!r}", file=sys.stderr)
    for line in sorted(new - old):
        print(f"stale: the spec makes {line!r}", file=sys.stderr)
    if old == new:
        print(f"stale: {path.name}'s lines are in another order", file=sys.stderr)
    print(f"{path.name} is stale: run `invoke table`", file=sys.stderr)
    return True


def main(argv: list[str]) -> int:
    try:
        entries = parse(SPEC.read_text())
        routine = ROUTINE.read_text()
        outputs = {TABLE: render(entries), ROUTINE: splice(routine, frames(entries))}
    except SpecError as e:
        print(f"generate: {e}", file=sys.stderr)
        return 2
    if argv[:1] == ["--check"]:
        stale = [_stale(path, path.read_text() if path.exists() else "", text)
                 for path, text in outputs.items()]
        return 1 if any(stale) else 0
    for path, text in outputs.items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
