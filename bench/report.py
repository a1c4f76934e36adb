"""Rows, targets, the printed table, the JSON record and the comparison of two records."""

from __future__ import annotations

import json
import operator
from dataclasses import asdict, dataclass
from pathlib import Path

# What the ratio column means, by kind.  For every kind but "abs" and "rss" it is ours against
# the peer measured in the same run on the same bytes.
RATIO_KINDS = {
    "speed": "peer time / our time: how many times faster we are (higher is better)",
    "time": "our time / peer time per call (lower is better)",
    "size": "our compressed size / peer's (lower is better)",
    "alloc": "peak Python allocation during one call / size of the result it returns",
    "instr": "extra instructions of the shim over calling the library directly, in %",
    "rss": "growth of peak RSS (VmHWM) between the two checkpoints",
    "abs": "no peer: the target is on our own figure",
}
_OPS = {">=": operator.ge, "<=": operator.le, "<": operator.lt}
# A row's floor is the least time its job took in the same run done the fastest way there is
# (the library's own C call, that call made through the runtime, a machine's two cores).  A
# missed target is "at its floor" when the floor itself misses it (no code of ours could meet
# it) or when our time is within FLOOR_NOISE of the floor's (a difference within the run's
# noise).  The summary prints ours against the floor for each.
FLOOR_NOISE = 0.02


@dataclass(frozen=True)
class Target:
    op: str       # ">=", "<=" or "<"
    value: float  # compared with the ratio; for "rss" the growth, for "abs" ours itself

    def text(self, kind: str, unit: str) -> str:
        if kind == "instr":
            return f"{self.op} +{(self.value - 1) * 100:g}%"
        if kind == "rss":
            return f"growth {self.op} {self.value:g} MiB"
        if kind == "abs":
            return f"{self.op} {self.value:g} {unit}"
        return f"{self.op} {self.value:g}x"


@dataclass
class Row:
    section: str
    job: str
    corpus: str
    size: int                  # item size in bytes (uncompressed)
    kind: str                  # a key of RATIO_KINDS
    unit: str                  # unit of ours and peer: "us", "B", "Ir", "MiB"
    ours: float | None = None
    peer: float | None = None
    peer_name: str = ""
    target: Target | None = None
    skipped: str = ""          # why the row could not run; then it has no figures
    floor: float | None = None  # timed rows: the floor's time for the same job, same run
    floor_name: str = ""

    @property
    def key(self) -> str:
        return f"{self.section} | {self.job} | {self.corpus} | {self.size}"

    @property
    def ratio(self) -> float | None:
        if self.ours is None or self.kind == "abs":
            return None
        if self.kind == "rss":
            return self.ours - self.peer
        if self.peer is None:
            return None
        return self.peer / self.ours if self.kind == "speed" else self.ours / self.peer

    @property
    def mbps(self) -> float | None:
        """Uncompressed MB (10^6 bytes) per second, for timed rows."""
        return self.size / self.ours if self.unit == "us" and self.ours else None

    @property
    def met(self) -> bool | None:
        if self.target is None or self.ours is None:
            return None
        figure = self.ours if self.kind == "abs" else self.ratio
        return None if figure is None else _OPS[self.target.op](figure, self.target.value)

    @property
    def bound(self) -> float | None:
        """The ratio the floor itself scores against the peer: the best this row can show."""
        if self.floor is None or self.peer is None or self.kind not in ("speed", "time"):
            return None
        return self.peer / self.floor if self.kind == "speed" else self.floor / self.peer

    @property
    def at_floor(self) -> bool:
        """A missed target that its floor misses too, or missed within FLOOR_NOISE of it."""
        if self.met is not False or self.floor is None:
            return False
        bound = self.bound
        return ((bound is not None and not _OPS[self.target.op](bound, self.target.value)) or
                self.ours <= self.floor * (1 + FLOOR_NOISE))

    @property
    def verdict(self) -> str:
        return "floor" if self.at_floor else _MET[self.met]

    def as_json(self) -> dict:
        d = asdict(self)
        d.update(key=self.key, ratio=self.ratio, mbps=self.mbps, met=self.met,
                 target=self.target and self.target.text(self.kind, self.unit),
                 bound=self.bound, at_floor=self.at_floor)
        return d


def _size(n: int) -> str:
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return f"{n >> 20} MiB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n >> 10} KiB"
    return f"{n} B"


def _value(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "us":
        if v >= 10_000:
            return f"{v / 1000:.2f} ms"
        return f"{v:.{2 if v < 10 else 1 if v < 100 else 0}f} us"
    if unit == "MiB":
        return f"{v:.1f} MiB"
    return f"{v:,.0f} {unit}"


def _ratio(row: Row) -> str:
    r = row.ratio
    if r is None:
        return "-"
    if row.kind == "instr":
        return f"{(r - 1) * 100:+.3f}%"
    if row.kind == "rss":
        return f"{r:+.2f} MiB"
    return f"{r:.{ {'alloc': 4, 'size': 3}.get(row.kind, 2) }f}x"


_MET = {None: "-", True: "yes", False: "NO"}


HEADER = ("job", "corpus", "item", "ours", "peer", "ratio", "MB/s", "target", "met?")


def cells(row: Row) -> tuple[str, ...]:
    """The row's cells; a skipped row's reason stands in the "ours" cell and runs on."""
    first = (row.job, row.corpus, _size(row.size))
    if row.skipped:
        return (*first, f"skipped: {row.skipped}")
    return (*first, _value(row.ours, row.unit), _value(row.peer, row.unit), _ratio(row),
            f"{row.mbps:.0f}" if row.mbps is not None else "-",
            row.target.text(row.kind, row.unit) if row.target else "", row.verdict)


def table(rows: list[Row]) -> str:
    """One table; each section starts with a line naming it."""
    body = [cells(r) for r in rows]
    widths = [max([len(h), *(len(c[i]) for c in body if i < len(c) and not c[i].startswith(
        "skipped: "))]) for i, h in enumerate(HEADER)]
    lines = ["  ".join(x.ljust(w) for x, w in zip(HEADER, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    section = None
    for row, c in zip(rows, body):
        if row.section != section:
            section = row.section
            lines.append(f"== {section}")
        lines.append("  ".join(x.ljust(w) for x, w in zip(c, widths)).rstrip())
    return "\n".join(lines)


def summary(rows: list[Row]) -> str:
    targeted = [r for r in rows if r.target is not None]
    met = sum(r.met is True for r in targeted)
    skipped = sum(bool(r.skipped) for r in targeted)
    floor = [r for r in targeted if r.at_floor]
    missed = [r.key for r in targeted if r.met is False and not r.at_floor]
    text = (f"targets: {met} met, {len(floor)} at their floor, {len(missed)} missed, "
            f"{skipped} skipped, of {len(targeted)}")
    return text + "".join(
        f"\n  at floor: {r.key}: ours {_value(r.ours, r.unit)}, {r.floor_name} "
        f"{_value(r.floor, r.unit)} ({r.ours / r.floor:.3f}x); the floor's own ratio "
        f"{'-' if r.bound is None else f'{r.bound:.2f}x'} against "
        f"{r.target.text(r.kind, r.unit)}" for r in floor) + "".join(
        f"\n  missed: {k}" for k in missed)


def write(record: dict, out_dir: Path, stamp: str, latest_name: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(record, indent=1, sort_keys=False)
    path = out_dir / f"{stamp}.json"
    path.write_text(text)
    (out_dir / latest_name).write_text(text)
    return path


def compare(old: dict, new_rows: list[Row]) -> str:
    """Per row present in both runs (matched by key): ours and the ratio, before and after."""
    before = {r["key"]: r for r in old["rows"]}
    lines = [f"compared with {old.get('timestamp', '?')} ({'quick' if old.get('quick') else 'full'}"
             f" run): ours old -> new (change), ratio old -> new"]
    for row in new_rows:
        was = before.get(row.key)
        if was is None or was["ours"] is None or row.ours is None:
            continue
        change = (row.ours / was["ours"] - 1) * 100 if was["ours"] else 0.0
        old_ratio = "-" if was["ratio"] is None else f"{was['ratio']:.3f}"
        new_ratio = "-" if row.ratio is None else f"{row.ratio:.3f}"
        was_verdict = "floor" if was.get("at_floor") else _MET[was["met"]]
        flip = "" if was_verdict == row.verdict else f"  [met? {was_verdict} -> {row.verdict}]"
        lines.append(f"  {row.key}: {_value(was['ours'], row.unit)} -> "
                     f"{_value(row.ours, row.unit)} ({change:+.1f}%), ratio {old_ratio} -> "
                     f"{new_ratio}{flip}")
    gone = sorted(set(before) - {r.key for r in new_rows})
    lines += [f"  only in the old run: {k}" for k in gone]
    return "\n".join(lines)
