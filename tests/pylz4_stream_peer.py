"""python-lz4's experimental lz4.stream, as the peer to check ours against.

It is not in python-lz4's wheels: `invoke setup` builds it from the sdist with
PYLZ4_EXPERIMENTAL=1 into build/pylz4-stream (a target directory, so it shadows nothing).  This
module loads only its extension and wrapper from there, under private names, so the `lz4`
package the rest of the process imports (the wheel's) is untouched.

    peer, why = load()   # peer: a module with LZ4StreamCompressor, ...; or None and the reason
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "build" / "pylz4-stream"
_cache: dict = {}


def load(target: Path = TARGET):
    if target in _cache:
        return _cache[target]
    pkg = target / "lz4" / "stream"
    ext = next(iter(sorted(pkg.glob("_stream*.so"))), None)
    if ext is None:
        _cache[target] = (None, f"python-lz4's lz4.stream is not built in {target} "
                                "(`invoke setup` builds it with PYLZ4_EXPERIMENTAL=1)")
        return _cache[target]
    # The extension's init function is PyInit__stream: load it as a top-level "_stream".
    spec = importlib.util.spec_from_file_location("_stream", ext)
    native = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(native)
    sys.modules.setdefault("_stream", native)
    wrapper = types.ModuleType("pylz4_stream_peer")
    wrapper.__file__ = str(pkg / "__init__.py")
    source = (pkg / "__init__.py").read_text().replace("from ._stream import",
                                                       "from _stream import")
    exec(compile(source, wrapper.__file__, "exec"), wrapper.__dict__)
    dist = sorted(target.glob("lz4-*.dist-info"))
    wrapper.VERSION = dist[-1].name[4:-len(".dist-info")] if dist else "?"
    _cache[target] = (wrapper, "")
    return _cache[target]
