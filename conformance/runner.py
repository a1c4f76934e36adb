"""Checks hosts against the manifest and prints the report.

    python -m conformance.runner [--host NAME ...] [--dir CONFORMANCE_DIR]

Every row gives a decompress check (decoding the fixture must give the plaintext); a compress
row also gives a compress check (compressing the plaintext at its level must give the fixture
byte for byte).  Outcomes:
    pass   as expected
    fail   wrong bytes or an error; for a compress check only when the backend linked now is
           the version that made the fixture
    drift  a compress check gave other bytes and the backend linked now is another version
           than the one recorded in the row (`drift: libzstd 1.5.4 -> 1.5.5`): regenerate
    skip   the host cannot run the check (with the reason); never counted as a pass
Exit status 1 when any check fails, a fixture does not match the manifest, or no host could run.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field

from .hosts import Case, Host, Outcome, registry
from .manifest import Corpus, Row

STATUSES = ("pass", "fail", "drift", "skip")


@dataclass
class Check:
    host: str
    row: Row
    op: str
    status: str
    detail: str = ""


@dataclass
class HostResult:
    name: str
    unavailable: str | None
    seconds: float = 0.0
    checks: list[Check] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)  # what the host linked, its engine

    def count(self, status: str) -> int:
        return sum(c.status == status for c in self.checks)


@dataclass
class Report:
    rows: list[Row]
    integrity: list[str]
    hosts: list[HostResult]

    @property
    def nothing_ran(self) -> bool:
        return all(h.unavailable is not None for h in self.hosts)

    @property
    def failed(self) -> bool:
        return bool(self.integrity) or self.nothing_ran or any(h.count("fail") for h in self.hosts)


def build_cases(corpus: Corpus, rows: list[Row]) -> list[tuple[Row, Case, bytes]]:
    """(row, case for the hosts, expected result) for every check the rows ask for."""
    cache: dict = {}

    def read(path):
        if path not in cache:
            cache[path] = path.read_bytes() if path.is_file() else None
        return cache[path]

    out = []
    for row in rows:
        plain, fixture = read(corpus.plaintext(row)), read(corpus.fixture(row))
        if plain is None or fixture is None:
            continue  # reported by the integrity check
        if row.op == "compress":
            out.append((row, Case(f"{row.id} compress", "compress", row.codec, row.level, plain,
                                  corpus.plaintext(row)), fixture))
        out.append((row, Case(f"{row.id} decompress", "decompress", row.codec, None, fixture,
                              corpus.fixture(row)), plain))
    return out


def _difference(got: bytes, expected: bytes) -> str:
    at = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
    return f"{len(got)} bytes, expected {len(expected)}, first difference at offset {at}"


def judge(row: Row, case: Case, expected: bytes, outcome: Outcome | None,
          linked: dict[str, str]) -> tuple[str, str]:
    """(status, detail) of one check."""
    if outcome is None:
        return "fail", "the host returned no outcome"
    if outcome.skipped is not None:
        return "skip", outcome.skipped
    if outcome.error is not None:
        return "fail", "error %s: %s" % outcome.error
    if outcome.result == expected:
        return "pass", ""
    diff = _difference(outcome.result, expected)
    if case.op == "decompress":  # decoding never depends on the version
        return "fail", diff
    library, made = row.producer_library
    now = linked.get(library, "unknown")
    if now != made and now != "unknown":
        return "drift", f"drift: {library} {made} -> {now} ({diff})"
    return "fail", f"{diff}; fixture made by {library} {made}, linked now {library} {now}"


def check_host(host: Host, planned: list[tuple[Row, Case, bytes]]) -> HostResult:
    result = HostResult(host.name, host.unavailable())
    if result.unavailable is not None:
        result.checks = [Check(host.name, row, case.op, "skip", f"host unavailable: {result.unavailable}")
                         for row, case, _ in planned]
        return result
    start = time.monotonic()
    outcomes = host.run([case for _, case, _ in planned])
    result.seconds = time.monotonic() - start
    linked = host.versions()
    result.versions = linked
    for row, case, expected in planned:
        status, detail = judge(row, case, expected, outcomes.get(case.key), linked)
        result.checks.append(Check(host.name, row, case.op, status, detail))
    return result


def run(corpus: Corpus, hosts: list[Host]) -> Report:
    rows = corpus.read()
    planned = build_cases(corpus, rows)
    return Report(rows, corpus.integrity_errors(rows), [check_host(h, planned) for h in hosts])


def format_report(report: Report) -> str:
    compress = sum(r.op == "compress" for r in report.rows)
    lines = [f"conformance: {len(report.rows)} rows ({compress} compress, "
             f"{len(report.rows) - compress} decode-only)",
             f"{'host':<10}{'pass':>6}{'fail':>6}{'drift':>7}{'skip':>6}  note"]
    for h in reversed(report.hosts):  # the report names what ran: engine, codec versions
        if h.versions:
            libs = ", ".join(f"{k} {v}" for k, v in h.versions.items() if k.startswith("lib"))
            lines.insert(1, f"  {h.name}: {h.versions.get('engine', 'Python')}; "
                            f"{h.versions.get('codecs', '?')} codecs: {libs}")
    for h in report.hosts:
        note = f"unavailable: {h.unavailable}" if h.unavailable else f"{h.seconds:.1f}s"
        lines.append(f"{h.name:<10}" + "".join(f"{h.count(s):>{w}}" for s, w in
                                              zip(STATUSES, (6, 6, 7, 6))) + f"  {note}")
    details = [f"FAIL  corpus: {e}" for e in report.integrity]
    for h in report.hosts:
        for c in h.checks:
            if c.status in ("fail", "drift"):
                details.append(f"{c.status.upper():<5} {h.name}: {c.row.id} {c.op}: {c.detail}")
        if not h.unavailable:  # an unavailable host's reason is already in the table
            reasons: dict[str, int] = {}
            for c in h.checks:
                if c.status == "skip":
                    reasons[c.detail] = reasons.get(c.detail, 0) + 1
            details += [f"SKIP  {h.name}: {n} checks: {why}" for why, n in reasons.items()]
    if report.nothing_ran:
        details.append("FAIL  no host could run")
    return "\n".join(lines + ([""] + details if details else []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.runner", description=__doc__.split("\n")[0])
    parser.add_argument("--host", action="append", help="run only this host (repeatable)")
    parser.add_argument("--dir", help="conformance directory (default: the committed one)")
    args = parser.parse_args(argv)
    known = registry()
    names = args.host or list(known)
    unknown = [n for n in names if n not in known]
    if unknown:
        parser.error(f"unknown host {', '.join(unknown)}; known: {', '.join(known)}")
    report = run(Corpus(args.dir) if args.dir else Corpus(), [known[n] for n in names])
    print(format_report(report))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
