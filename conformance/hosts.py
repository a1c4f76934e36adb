"""Hosts: the ways of calling stdcompress that every conformance row is checked through.

The runner turns manifest rows into cases and hands each host ALL its cases in one call, so a
host with a costly start (a GT.M process running an M routine) starts once per run.  A host
only executes cases; the runner compares the outcomes with the expected bytes.

Interface (subclass Host):

    class Host:
        name: str                                   # unique, used by --host NAME
        def unavailable(self) -> str | None         # None when usable, else why not
        def versions(self) -> dict[str, str]        # backends linked now, as stdcompress
                                                    # .versions(): {'libzstd': '1.5.4', ...}
        def run(self, cases: list[Case]) -> dict[str, Outcome]
                                                    # one Outcome per Case.key

    Case(key, op, codec, level, data, source)
        op      "compress" or "decompress"
        codec   "gzip", "deflate", "zlib", "zstd", "lz4", "lz4frame", "brotli" or "xz"
                (manifest.CODECS)
        level   int for compress (None: the codec's default), None for decompress
        data    the input bytes; source is the file they were read from (corpus/ or
                fixtures/), for hosts that prefer to read files themselves
    Outcome.ok(result_bytes) | Outcome.failed(code, message) | Outcome.skip(reason)
        failed: the call reported an error (code as M sees it, e.g. LIBZ-FAIL);
        skip:   the host cannot run this case (reason shown in the report, never a pass).

run() is only called when unavailable() is None.  A key missing from run()'s result is a
failure of that case.

Registry: registry() returns {name: Host}: the bridge host defined here, plus the hosts other
modules of this package offer.  Such a module (e.g. engine_host.py) defines a module-level
`HOSTS = [SomeHost(), ...]`; constructing a host must be cheap and must not fail (check the
runtime in unavailable()).  A module listed in OPTIONAL_HOSTS that is absent yields a host
that reports itself unavailable, so the report shows it as skipped.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from .manifest import CODECS


@dataclass(frozen=True)
class Case:
    key: str
    op: str
    codec: str
    level: int | None
    data: bytes
    source: Path | None = None


@dataclass(frozen=True)
class Outcome:
    result: bytes | None = None
    error: tuple[str, str] | None = None  # (code, message)
    skipped: str | None = None           # reason

    @classmethod
    def ok(cls, result: bytes) -> "Outcome":
        return cls(result=bytes(result))

    @classmethod
    def failed(cls, code: str, message: str) -> "Outcome":
        return cls(error=(code, message))

    @classmethod
    def skip(cls, reason: str) -> "Outcome":
        return cls(skipped=reason)


class Host:
    name = "?"

    def unavailable(self) -> str | None:
        return None

    def versions(self) -> dict[str, str]:
        raise NotImplementedError

    def run(self, cases: list[Case]) -> dict[str, Outcome]:
        raise NotImplementedError


class UnavailableHost(Host):
    """Stands in for a host whose module is absent, so the report still names it."""

    def __init__(self, name: str, reason: str):
        self.name, self._reason = name, reason

    def unavailable(self) -> str | None:
        return self._reason


class BridgeHost(Host):
    """The Python bridge's public API (stdcompress.gzip, ...), in this process."""

    name = "bridge"
    # codec -> (compress, decompress) function names in the public API
    FUNCTIONS = {"gzip": ("gzip", "gunzip"), "deflate": ("deflate", "inflate"),
                 "zlib": ("zlib", "unzlib"), "zstd": ("zstd_compress", "zstd_decompress"),
                 "lz4": ("lz4_compress", "lz4_decompress"),
                 "lz4frame": ("lz4_frame_compress", "lz4_frame_decompress"),
                 "brotli": ("brotli_compress", "brotli_decompress"),
                 "xz": ("xz_compress", "xz_decompress")}

    def __init__(self):
        self._loaded = None  # (module, missing backends) or (None, reason)

    def _load(self):
        if self._loaded is None:
            try:
                import stdcompress
                missing = set(filter(None, stdcompress.available().split(",")))
                self._loaded = (stdcompress, missing)
            except Exception as e:  # not built, table not found, ...: a reason, not a crash
                self._loaded = (None, f"{type(e).__name__}: {e}")
        return self._loaded

    def unavailable(self) -> str | None:
        module, detail = self._load()
        return None if module else detail

    def versions(self) -> dict[str, str]:
        return self._load()[0].versions()

    def run(self, cases: list[Case]) -> dict[str, Outcome]:
        api, missing = self._load()
        return {c.key: self._one(api, missing, c) for c in cases}

    def _one(self, api, missing: set, case: Case) -> Outcome:
        library = CODECS[case.codec].library
        if library in missing:
            return Outcome.skip(f"backend {library} is not usable")
        compress, decompress = self.FUNCTIONS[case.codec]
        try:
            if case.op == "decompress":
                return Outcome.ok(getattr(api, decompress)(case.data))
            args = () if case.level is None else (case.level,)
            return Outcome.ok(getattr(api, compress)(case.data, *args))
        except api.StdcompressError as e:
            return Outcome.failed(e.code, e.message)
        except Exception as e:  # a bridge bug is this case's failure, not the run's end
            return Outcome.failed(type(e).__name__, str(e))


# name -> module of this package that offers it; added by other engineers
OPTIONAL_HOSTS = {"engine": "engine_host"}


def registry() -> dict[str, Host]:
    """Every host known, available or not, in report order."""
    hosts = {"bridge": BridgeHost()}
    for name, module in OPTIONAL_HOSTS.items():
        qualified = f"{__package__}.{module}"
        try:
            offered = importlib.import_module(qualified).HOSTS
        except ModuleNotFoundError as e:
            if e.name != qualified:
                raise  # the module exists but is broken: say so loudly
            offered = [UnavailableHost(name, f"conformance/{module}.py is not present")]
        hosts.update((h.name, h) for h in offered)
    return hosts
