"""python-lz4's experimental lz4.stream, as the peer to check ours against.

It is not in python-lz4's wheels: `invoke setup` builds it from the sdist with
PYLZ4_EXPERIMENTAL=1 into build/pylz4-stream (a target directory, so it shadows nothing).  This
module loads only its extension and wrapper from there, under private names, so the `lz4`
package the rest of the process imports (the wheel's) is untouched.

    peer, why = load()   # peer: a module with LZ4StreamCompressor, ...; or None and the reason
    block = load_block()  # the same build's lz4.block extension (compress, decompress), or None

Both link the bundled liblz4 (tasks._build_pylz4_stream), so they are the peer of the library's
own lz4 version even where the installed python-lz4 links another.
"""

from __future__ import annotations

import importlib.machinery
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


def load_block(target: Path = TARGET):
    """The native lz4.block of the same build (its PyInit__block), under the private name
    "_pylz4_block"; None when it is not built."""
    ext = next(iter(sorted((target / "lz4" / "block").glob("_block*.so"))), None)
    if ext is None:
        return None
    if "_pylz4_block" not in _cache:
        loader = importlib.machinery.ExtensionFileLoader("_block", str(ext))
        spec = importlib.util.spec_from_file_location("_block", ext, loader=loader)
        module = importlib.util.module_from_spec(spec)
        loader.exec_module(module)
        _cache["_pylz4_block"] = module
    return _cache["_pylz4_block"]
