"""The M runtime's half of the call-out ABI, in Python.

Reads the call-out table (the one list of entry points), loads the library it names, and calls
each entry exactly as GT.M and YottaDB do: an ``int argc`` first, strings as gtm_string_t
{length, address}, every output string preallocated to the table's ``[N]`` with ``length = N``
and ``address[0] = 0``, and after the call the checks the runtime makes (EXCEEDSPREALLOC,
MAXSTRLEN).  A mismatch between table and library is a CalloutMissingError naming the entry.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from cffi import FFI

from .errors import CalloutMissingError, RuntimeCheckError, StdcompressError

try:  # the compiled half of string_op (built by `invoke build` and by pip); optional
    from . import _trampoline
except ImportError:  # pragma: no cover - exercised by forcing use_trampoline=False
    _trampoline = None
try:  # ... and of string_op(into=True): _buffers.call_into (a CPython extension); optional
    from . import _buffers
except ImportError:  # pragma: no cover - exercised by forcing use_trampoline=False
    _buffers = None

MAX_STRING = 1048576  # the runtimes' M string limit; the C side reports the same in limits()
MAX_PREALLOC = MAX_STRING + 1  # the largest [N] the runtimes accept in a table

# Table type -> (C type for cffi, kind).  Only what the runtimes accept and this project uses.
_TYPES = {
    "gtm_long_t": ("long", "int"),
    "gtm_ulong_t": ("unsigned long", "int"),
    "gtm_int_t": ("int", "int"),
    "gtm_uint_t": ("unsigned int", "int"),
    "gtm_status_t": ("int", "int"),
    "gtm_string_t*": ("gtm_string_t *", "string"),
    "void": ("void", "void"),
}

_DATA = Path(__file__).resolve().parent / "_data"
TABLE_ENV = ("ydb_xc_stdcompress", "GTMXC_stdcompress")  # YottaDB's name first, as YottaDB reads
HEADER_NAME = "stdcompress.h"


@dataclass(frozen=True)
class Param:
    direction: str  # "I", "O" or "IO"
    type: str
    prealloc: int | None


@dataclass(frozen=True)
class Entry:
    name: str
    returns: str
    cfunc: str
    params: tuple[Param, ...]
    line: int


@dataclass(frozen=True)
class Table:
    path: str
    library: str
    entries: dict[str, Entry]


_ENTRY = re.compile(r"^\s*([A-Za-z%][A-Za-z0-9]*)\s*:\s*(\w+)\s+(\w+)\s*\((.*)\)\s*$")
_PARAM = re.compile(r"^\s*(IO|I|O)\s*:\s*(\w+\s*\*?)\s*(?:\[\s*(\d+)\s*\])?\s*$")


def _expand(path: str, environ) -> str:
    def var(m):
        name = m.group(1) or m.group(2)
        if name not in environ:
            raise CalloutMissingError(f"table's library path uses ${name}, which is not set")
        return environ[name]

    return re.sub(r"\$(?:\{(\w+)\}|(\w+))", var, path)


def parse_table(text: str, path: str = "<table>", environ=None) -> Table:
    """Parses a call-out table as the runtimes do; a malformed line is an error naming it."""
    environ = os.environ if environ is None else environ
    # Lines end at "\n" alone, as the runtimes read them (str.splitlines would also split at
    # \x0b, \x0c, \x1c..\x1e, \x85, U+2028: a table M rejects must not load here; fuzz_table).
    lines = text.split("\n")
    numbered = [(i + 1, ln) for i, ln in enumerate(lines) if ln.strip()]
    if not numbered:
        raise CalloutMissingError(f"{path}: empty call-out table")
    library = _expand(numbered[0][1].strip(), environ)
    entries: dict[str, Entry] = {}
    for lineno, line in numbered[1:]:
        m = _ENTRY.match(line)
        if not m or m.group(2) not in _TYPES:
            raise CalloutMissingError(f"{path}:{lineno}: not an entry line: {line.strip()!r}")
        name, returns, cfunc, plist = m.groups()
        params = []
        for raw in filter(None, (p.strip() for p in plist.split(","))):
            pm = _PARAM.match(raw)
            if not pm:
                raise CalloutMissingError(f"{path}:{lineno}: bad parameter {raw!r}")
            direction, ptype, n = pm.group(1), pm.group(2).replace(" ", ""), pm.group(3)
            if ptype not in _TYPES or ptype == "void":
                raise CalloutMissingError(f"{path}:{lineno}: unknown type {ptype!r}")
            prealloc = int(n) if n else None
            if direction == "O" and ptype == "gtm_string_t*" and prealloc is None:
                raise CalloutMissingError(f"{path}:{lineno}: output string needs [N]")
            if prealloc is not None and not (direction == "O" and 0 < prealloc <= MAX_PREALLOC):
                raise CalloutMissingError(f"{path}:{lineno}: bad preallocation in {raw!r}")
            if direction != "I" and _TYPES[ptype][1] != "string":
                raise CalloutMissingError(f"{path}:{lineno}: only strings are outputs: {raw!r}")
            params.append(Param(direction, ptype, prealloc))
        if len(params) > 32:
            raise CalloutMissingError(f"{path}:{lineno}: more than 32 parameters")
        if name in entries:
            raise CalloutMissingError(f"{path}:{lineno}: entry {name} declared twice")
        entries[name] = Entry(name, returns, cfunc, tuple(params), lineno)
    return Table(path, library, entries)


def _header_prototypes(header_text: str) -> dict[str, list[str]]:
    """C function name -> parameter types after argc, from the library's public header."""
    protos = {}
    for m in re.finditer(r"STDC_API\s+gtm_long_t\s+(\w+)\s*\(\s*int\s+argc\s*((?:,[^)]*)?)\)",
                         header_text):
        params = [p.strip() for p in m.group(2).split(",")[1:]]
        protos[m.group(1)] = [re.sub(r"\s*\b\w+$", "", p).replace(" ", "") for p in params]
    return protos


def work_tree(package: Path) -> Path | None:
    """The source tree a package directory sits in (bridge/python/stdcompress of a checkout:
    an editable install, or the tree on PYTHONPATH), when it has no installed _data/ of its own
    and the tree holds the table; else None."""
    root = package.parent.parent.parent
    if (package / "_data" / "stdcompress.xc").exists() or package.parent.name != "python":
        return None
    return root if (root / "xc" / "stdcompress.xc").is_file() else None


def locate_table(environ=None, package: Path = _DATA.parent) -> tuple[str, dict]:
    """The table path the runtimes would use (ydb_xc_stdcompress, then GTMXC_stdcompress), else
    the copy installed with the package, else (an editable install) the work tree's own table
    and build/so; and the environment to expand it with."""
    environ = dict(os.environ if environ is None else environ)
    for var in TABLE_ENV:
        if environ.get(var):
            return environ[var], environ
    tree = work_tree(package)
    if tree is not None:
        environ.setdefault("STDCOMPRESS_LIBDIR", str(tree / "build" / "so"))
        return str(tree / "xc" / "stdcompress.xc"), environ
    environ.setdefault("STDCOMPRESS_LIBDIR", str(package / "_data"))
    return str(package / "_data" / "stdcompress.xc"), environ


class _Outputs(threading.local):
    """Per-thread preallocated output buffers, one per (entry, position): the runtime prepares
    them on every call; reusing them keeps that preparation free of allocation."""

    def __init__(self):
        self.by_key = {}


class Runtime:
    """A loaded table and library. ``call(name, *args)`` behaves as ``$&stdcompress.name(...)``."""

    def __init__(self, table_path: str | None = None, environ=None):
        path, env = locate_table(environ) if table_path is None else (table_path, environ)
        try:
            text = Path(path).read_text()
        except OSError as e:
            raise CalloutMissingError(f"call-out table {path} cannot be read: {e.strerror}") from e
        except UnicodeDecodeError as e:
            raise CalloutMissingError(f"call-out table {path} is not UTF-8 text: {e}") from e
        self.table = parse_table(text, path, env)
        self.ffi = FFI()
        self.ffi.cdef("typedef struct { long length; char *address; } gtm_string_t;")
        try:
            self.lib = self.ffi.dlopen(self.table.library)
        except OSError as e:
            raise CalloutMissingError(f"library {self.table.library} cannot be loaded: {e}") from e
        header = Path(self.table.library).with_name(HEADER_NAME)
        self._protos = _header_prototypes(header.read_text()) if header.exists() else None
        self._funcs: dict[str, object] = {}
        self._problems: dict[str, str] = {}
        declared: dict[str, tuple] = {}
        for entry in self.table.entries.values():
            self._bind(entry, declared)
        self._outputs = _Outputs()
        self._native: set[str] = set()
        # Memory for call(into=...) that the C side fills completely: not zeroed first.
        self.new_uninitialized = self.ffi.new_allocator(should_clear_after_alloc=False)

    def _bind(self, entry: Entry, declared: dict) -> None:
        ctypes = tuple(_TYPES[p.type][0] for p in entry.params)
        if self._protos is not None:
            want = self._protos.get(entry.cfunc)
            have = [p.type for p in entry.params]
            if want is None:
                self._problems[entry.name] = f"{entry.cfunc} is not declared by the library"
                return
            if want != have:
                self._problems[entry.name] = (
                    f"{entry.cfunc} takes ({', '.join(want)}) after argc, the table says "
                    f"({', '.join(have)})")
                return
        sig = (_TYPES[entry.returns][0], ctypes)
        if entry.cfunc in declared and declared[entry.cfunc] != sig:
            self._problems[entry.name] = f"{entry.cfunc} declared with two signatures"
            return
        if entry.cfunc not in declared:
            self.ffi.cdef(f"{sig[0]} {entry.cfunc}(int{''.join(', ' + t for t in ctypes)});")
            declared[entry.cfunc] = sig
        try:
            self._funcs[entry.name] = getattr(self.lib, entry.cfunc)
        except AttributeError:
            self._problems[entry.name] = f"symbol {entry.cfunc} is not in {self.table.library}"

    def entry(self, name: str) -> Entry:
        if name not in self.table.entries:
            raise CalloutMissingError(f"no entry {name} in {self.table.path}")
        if name in self._problems:
            raise CalloutMissingError(f"entry {name}: {self._problems[name]}")
        return self.table.entries[name]

    def native(self, declarations: str):
        """(ffi, lib) with `declarations` (C prototypes) added: the library's functions for the
        Python bridge alone, which take addresses and so are not in the table (M must never
        call them).  Declaring the same text again is a no-op."""
        with _lock:
            if declarations not in self._native:
                self.ffi.cdef(declarations)
                self._native.add(declarations)
        return self.ffi, self.lib

    def problems(self) -> dict[str, str]:
        """Entries that cannot be called, with the reason."""
        return dict(self._problems)

    def _output(self, name: str, pos: int, n: int):
        key = (name, pos)
        found = self._outputs.by_key.get(key)
        if found is None:
            buf = self.ffi.new("char[]", n)
            found = self._outputs.by_key[key] = (buf, self.ffi.new("gtm_string_t *"),
                                                 int(self.ffi.cast("uintptr_t", buf)), n)
        return found

    def call(self, name: str, *args, into=None):
        """Calls an entry with the M actual arguments (a value for an output position is
        ignored, like ``.out`` on an O parameter).  Returns (return value, [outputs]).

        ``into={position: buffer}``: those outputs are prepared over the caller's writable
        buffers (their first min(len, N) bytes), as string_op(into=True) does, and come back
        as their lengths instead of bytes: no allocation and no copy of the result."""
        entry = self.entry(name)
        func = self._funcs[name]
        ffi = self.ffi
        if len(args) > len(entry.params):
            raise StdcompressError(f"{name}: {len(args)} arguments, the table declares "
                                   f"{len(entry.params)}", "FMLLSTMISSING")
        cargs = []
        keep = []
        outs = []
        for i, p in enumerate(entry.params):
            if i >= len(args):  # not passed: the runtime leaves it undefined; we pass nothing usable
                cargs.append(ffi.NULL if _TYPES[p.type][1] == "string" else 0)
                continue
            if _TYPES[p.type][1] == "int":
                cargs.append(int(args[i]))
            elif p.direction == "O":
                if into is not None and i in into:
                    dst = _writable(ffi, into[i], name)
                    s, n = ffi.new("gtm_string_t *"), min(len(dst), p.prealloc)
                    buf, addr = dst, int(ffi.cast("uintptr_t", dst))
                else:
                    buf, s, addr, n = self._output(name, i, p.prealloc)
                    dst = None
                s.length = n
                s.address = buf
                buf[0] = b"\0"
                cargs.append(s)
                outs.append((s, addr, n, dst))
            else:
                data = ffi.from_buffer(args[i])
                if len(data) > MAX_STRING:
                    raise RuntimeCheckError(f"{name}: input of {len(data)} bytes exceeds the "
                                            f"{MAX_STRING}-byte string limit", "MAXSTRLEN")
                s = ffi.new("gtm_string_t *", [len(data), data])
                keep.append(data)
                cargs.append(s)
        ret = func(len(args), *cargs)
        results = []
        for s, addr, n, dst in outs:
            length = s.length
            in_buffer = addr <= int(ffi.cast("uintptr_t", s.address)) < addr + n
            if in_buffer and length > n:
                raise RuntimeCheckError(f"{name}: output length {length} exceeds the "
                                        f"preallocated {n}", "EXCEEDSPREALLOC")
            if length > MAX_STRING or length < 0:
                raise RuntimeCheckError(f"{name}: output length {length} is outside the "
                                        f"string limit", "MAXSTRLEN")
            results.append(ffi.buffer(s.address, length)[:] if dst is None else
                           _landed(ffi, name, s, dst))
        return ret, results


    def string_op(self, name: str, use_trampoline: bool = True, into: bool = False):
        """A precomputed caller for entries shaped (I:string, O:string[N], I:integer...), the
        shape of every codec entry: ``f(data, *ints) -> (return value, output bytes)``, with the
        same argc, preallocation and checks as call(), and no per-call marshalling decisions.
        The compiled trampoline does the per-call work in C when it is built; the pure cffi
        path below is the same protocol, slower.

        ``into=True``: ``f(data, buffer, *ints) -> (return value, output length)``: the output is
        prepared over the caller's writable buffer (its first min(len(buffer), N) bytes), as
        the runtime prepares its own, so the result lands there with no allocation.  Its
        compiled half is _buffers.call_into; without that module, the pure cffi path."""
        entry = self.entry(name)
        kinds = [(p.direction, _TYPES[p.type][1]) for p in entry.params]
        if kinds[:2] != [("I", "string"), ("O", "string")] or any(
                k != ("I", "int") for k in kinds[2:]):
            raise CalloutMissingError(f"entry {name} is not shaped (I:string, O:string, I:int...)")
        func, ffi, n, nints = self._funcs[name], self.ffi, entry.params[1].prealloc, len(kinds) - 2
        if use_trampoline and nints <= 2:
            address = int(ffi.cast("uintptr_t", func))
            if into and _buffers is not None:
                return self._call_into_op(name, address, n, nints)
            if not into and _trampoline is not None:
                return self._trampoline_op(name, address, n, nints)
        from_buffer, unpack, local = ffi.from_buffer, ffi.unpack, threading.local()
        padding = (0,) * nints

        def new_state():
            local.state = (ffi.new("char[]", n), ffi.new("gtm_string_t *"),
                           ffi.new("gtm_string_t *"))
            return local.state

        def run(data, buf, cap, ints):
            """One call with the output prepared over buf[0..cap); returns (ret, out)."""
            if len(ints) > nints:
                raise StdcompressError(f"{name}: {2 + len(ints)} arguments, the table declares "
                                       f"{2 + nints}", "FMLLSTMISSING")
            try:
                _, inp, out = local.state
            except AttributeError:
                _, inp, out = new_state()
            src = from_buffer(data)
            size = len(src)
            if size > MAX_STRING:
                raise RuntimeCheckError(f"{name}: input of {size} bytes exceeds the "
                                        f"{MAX_STRING}-byte string limit", "MAXSTRLEN")
            inp.length = size
            inp.address = src
            out.length = cap
            out.address = buf
            buf[0] = b"\0"
            # Arguments not passed are still given to the C function (argc says to ignore them).
            ret = func(2 + len(ints), inp, out, *(ints + padding[len(ints):]))
            length = out.length
            if out.address == buf and length > cap:
                raise RuntimeCheckError(f"{name}: output length {length} exceeds the "
                                        f"preallocated {cap}", "EXCEEDSPREALLOC")
            if length > MAX_STRING or length < 0:
                raise RuntimeCheckError(f"{name}: output length {length} is outside the "
                                        f"string limit", "MAXSTRLEN")
            return ret, out

        if into:
            def call(data, buffer, *ints):
                dst = _writable(ffi, buffer, name)
                ret, out = run(data, dst, min(len(dst), n), ints)
                return ret, _landed(ffi, name, out, dst)
        else:
            def call(data, *ints):
                try:
                    buf = local.state[0]
                except AttributeError:
                    buf = new_state()[0]
                ret, out = run(data, buf, n, ints)
                return ret, unpack(out.address, out.length) if out.length > 0 else b""

        call.__name__ = name
        return call

    def bytes_op(self, name: str, compiled: bool = True, small_cap: int = 16384,
                 direct: bool = True, statuses: int = 0):
        """The one-shot caller of a codec entry: ``f(data, *ints) -> bytes`` on success (a held
        result taken), else the entry's nonzero return value (an int; lastError says why).
        The same protocol and checks as string_op.  Its compiled half is _buffers.Entry: an
        input of 64 KiB or more gets a bytes object of the entry's whole output as its output,
        shrunk to the result (no copy; direct=False turns that off, for compressing entries,
        whose results are smaller than their input and would hold N bytes for nothing), any
        other an output of small_cap bytes (a larger result taken).  Without that module, or
        with compiled=False, string_op's path.

        ``statuses``: for entries whose success is any of 0..statuses (the stream entries:
        DONE, MORE, END), ``(code, bytes)`` for those, the int for any other return, and
        nothing taken."""
        op = self.string_op(name)  # also the shape checks
        if compiled and _buffers is not None:
            entry, ffi, take = self.entry(name), self.ffi, self._funcs.get("take")
            return _buffers.Entry(int(ffi.cast("uintptr_t", self._funcs[name])),
                                  len(entry.params) - 2, entry.params[1].prealloc,
                                  None if take is None or statuses else
                                  int(ffi.cast("uintptr_t", take)),
                                  RuntimeCheckError, name, small_cap, 65536 if direct else 0,
                                  statuses)

        def call(data, *ints):
            if isinstance(data, str):  # the compiled caller's message
                raise TypeError("data must be a bytes-like object, not str")
            ret, out = op(data, *ints)
            if statuses:
                return (ret, out) if 0 <= ret <= statuses else ret
            if ret > 0:  # held: only a smaller tier than the result can cause this
                ret, (out,) = self.call("take", None)
            return out if ret == 0 else ret

        call.__name__ = name
        return call

    @staticmethod
    def _call_into_op(name: str, address: int, n: int, nints: int):
        """string_op(into=True) through _buffers.call_into: the same protocol and checks, the
        per-call work in C (buffers taken without cffi, about a microsecond less a call)."""
        call_into = _buffers.call_into

        def call(data, buffer, *ints):
            given = len(ints)
            if given > nints:
                raise StdcompressError(f"{name}: {2 + given} arguments, the table declares "
                                       f"{2 + nints}", "FMLLSTMISSING")
            ret, length = call_into(address, nints, 2 + given, data, buffer, n,
                                    ints[0] if given else 0, ints[1] if given > 1 else 0)
            if length < 0:
                raise _call_into_error(name, length, data, buffer)
            return ret, length

        call.__name__ = name
        return call

    @staticmethod
    def _trampoline_op(name: str, address: int, n: int, nints: int):
        tffi, tlib = _trampoline.ffi, _trampoline.lib
        fn = tffi.cast("void *", address)
        from_buffer, unpack, local = tffi.from_buffer, tffi.unpack, threading.local()
        call2, call3, call4 = tlib.stdc_trampoline2, tlib.stdc_trampoline3, tlib.stdc_trampoline4

        def new_state():
            local.state = (tffi.new("char[]", n), tffi.new("gtm_string_t *"))
            return local.state

        def run(data, buf, cap, ints, out):
            """One call with the output prepared over buf[0..cap); returns its return value."""
            if data.__class__ is not bytes:  # bytes go to C as they are; other buffers by address
                data = from_buffer(data)
            size = len(data)
            if size > MAX_STRING:
                raise RuntimeCheckError(f"{name}: input of {size} bytes exceeds the "
                                        f"{MAX_STRING}-byte string limit", "MAXSTRLEN")
            if len(ints) > nints:
                raise StdcompressError(f"{name}: {2 + len(ints)} arguments, the table declares "
                                       f"{2 + nints}", "FMLLSTMISSING")
            if nints == 0:
                ret = call2(fn, 2, data, size, out, buf, cap)
            elif nints == 2:  # argc says how many were passed; C ignores the others
                ret = call4(fn, 2 + len(ints), data, size, out, buf, cap, *(ints + (0, 0))[:2])
            elif ints:
                ret = call3(fn, 3, data, size, out, buf, cap, ints[0])
            else:
                ret = call3(fn, 2, data, size, out, buf, cap, 0)  # argc 2: C ignores the level
            if out.length < 0:
                code = ("EXCEEDSPREALLOC" if out.length == tlib.STDC_T_EXCEEDSPREALLOC
                        else "MAXSTRLEN")
                raise RuntimeCheckError(f"{name}: output breaks the runtime's {code} check", code)
            return ret

        def call(data, *ints):
            try:
                buf, out = local.state
            except AttributeError:
                buf, out = new_state()
            ret = run(data, buf, n, ints, out)
            return ret, unpack(out.address, out.length) if out.length > 0 else b""

        call.__name__ = name
        return call


def _call_into_error(name: str, code: int, data, buffer) -> RuntimeCheckError:
    """The runtime's error for a negative length from _buffers.call_into."""
    if code == -1:
        return RuntimeCheckError(f"{name}: input of {memoryview(data).nbytes} bytes exceeds the "
                                 f"{MAX_STRING}-byte string limit", "MAXSTRLEN")
    if code == -2:
        return RuntimeCheckError(f"{name}: output breaks the runtime's EXCEEDSPREALLOC check",
                                 "EXCEEDSPREALLOC")
    if code == -4:
        return RuntimeCheckError(f"{name}: output in the C side's own memory does not fit the "
                                 f"{memoryview(buffer).nbytes}-byte buffer", "EXCEEDSPREALLOC")
    return RuntimeCheckError(f"{name}: output breaks the runtime's MAXSTRLEN check", "MAXSTRLEN")


def _writable(ffi, buffer, name: str):
    """The caller's buffer as the output to prepare (at least one byte, as the runtime's)."""
    try:
        dst = ffi.from_buffer(buffer, require_writable=True)
    except BufferError:
        raise TypeError(f"{name}: the output buffer must be writable, not "
                        f"{type(buffer).__name__}") from None
    if len(dst) < 1:
        raise ValueError(f"{name}: the output buffer is empty")
    return dst


def _landed(ffi, name: str, out, dst) -> int:
    """The output length of a call prepared over the caller's buffer dst; a C side that
    answered with memory of its own (the runtime allows it) has it copied into dst."""
    length = out.length
    if length > 0 and out.address != dst:
        if length > len(dst):
            raise RuntimeCheckError(f"{name}: output of {length} bytes does not fit the "
                                    f"{len(dst)}-byte buffer", "EXCEEDSPREALLOC")
        ffi.memmove(dst, out.address, length)
    return length


_lock = threading.Lock()
_default: Runtime | None = None


def default() -> Runtime:
    """The process-wide runtime, loaded on first use from the environment (see locate_table)."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = Runtime()
    return _default
