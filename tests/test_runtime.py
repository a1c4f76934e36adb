"""The call-out ABI as the M runtime drives it: the table, argc, size tiers and held results,
the runtime's own output checks, and table/library mismatches."""

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

import stdcompress as sc
from stdcompress import _runtime
from stdcompress.errors import CalloutMissingError, RuntimeCheckError

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "xc" / "stdcompress.xc"


@pytest.fixture(scope="module")
def rt():
    return _runtime.default()


def lib_path():
    return _runtime.default().table.library


# ---- the table ----

def test_table_is_comment_free_and_uses_gtm_types_only():
    """GT.M rejects // comments (ZCENTNAME) and ydb_* type names (ZCRTNTYP)."""
    text = TABLE.read_text()
    assert "//" not in text and "ydb_" not in text
    first = text.splitlines()[0]
    assert first == "$STDCOMPRESS_LIBDIR/libstdcompress.so"


def test_table_declares_nothing_over_the_runtime_limits(rt):
    for e in rt.table.entries.values():
        assert len(e.params) <= 32
        assert e.returns == "gtm_long_t"
        for p in e.params:
            assert p.direction in ("I", "O")  # GT.M V7.0 rejects IO with [N]
            if p.prealloc is not None:
                assert p.prealloc <= _runtime.MAX_STRING


@pytest.mark.c_facing
def test_library_exports_every_symbol_the_table_names(rt):
    out = subprocess.run(["nm", "-D", "--defined-only", lib_path()], capture_output=True,
                         text=True, check=True).stdout
    exported = {ln.split()[-1] for ln in out.splitlines() if " T " in ln}
    assert {e.cfunc for e in rt.table.entries.values()} <= exported
    assert rt.problems() == {}


def test_parse_errors_name_the_line():
    with pytest.raises(CalloutMissingError, match=r":2: not an entry line"):
        _runtime.parse_table("/lib.so\nthis is not an entry\n", "t.xc", {})
    with pytest.raises(CalloutMissingError, match="output string needs"):
        _runtime.parse_table("/lib.so\nf: gtm_long_t f(O:gtm_string_t*)\n", "t.xc", {})
    with pytest.raises(CalloutMissingError, match="bad preallocation"):
        _runtime.parse_table("/lib.so\nf: gtm_long_t f(O:gtm_string_t*[1048578])\n", "t.xc", {})
    with pytest.raises(CalloutMissingError, match=r"\$NOPE"):
        _runtime.parse_table("$NOPE/lib.so\n", "t.xc", {})
    t = _runtime.parse_table("${D}/lib.so\nf: gtm_long_t f(I:gtm_long_t, O:gtm_string_t* [9])\n",
                             "t.xc", {"D": "/x"})
    assert t.library == "/x/lib.so"
    assert t.entries["f"].params[1] == _runtime.Param("O", "gtm_string_t*", 9)


# ---- argc: the C side must never read an argument that was not passed ----

CODEC_ENTRIES = ["gzip", "gunzip", "deflate", "inflate", "zlib", "unzlib", "zstdCompress",
                 "zstdDecompress"]


@pytest.mark.c_facing
@pytest.mark.parametrize("name", CODEC_ENTRIES)
def test_too_few_arguments_is_an_error_not_a_crash(rt, name):
    # The runtime passes nothing for missing arguments; the bridge passes NULL, so a C entry
    # that read one would crash here (and under ASan in the sanitizer run).
    for args in ((), (b"data",)):
        ret, outs = rt.call(name, *args)
        assert ret == -1
        assert rt.call("lastError", None)[1][0].startswith(b"BAD-ARGS ")


@pytest.mark.c_facing
@pytest.mark.parametrize("name", ["take", "available", "versions", "lastError", "limits"])
def test_info_entries_with_no_arguments(rt, name):
    assert rt.call(name)[0] == -1


@pytest.mark.c_facing
def test_more_arguments_than_declared_is_refused(rt):
    with pytest.raises(sc.StdcompressError, match="FMLLSTMISSING|arguments"):
        rt.call("gunzip", b"x", None, 5)


# ---- size tiers and held results ----

@pytest.mark.c_facing
def test_every_tier_gives_the_same_bytes(rt):
    data = b"tiered output " * 30
    for op in ("gzip", "deflate", "zlib", "zstdCompress"):
        results = {rt.call(name, data, None, 5)[1][0] for name in (op, op + "64k", op + "1k")}
        assert len(results) == 1


@pytest.mark.c_facing
@pytest.mark.parametrize("name", CODEC_ENTRIES)
def test_precomputed_caller_matches_the_generic_call(rt, name):
    plain = b"abc" * 500
    encode = {"gunzip": sc.gzip, "inflate": sc.deflate, "unzlib": sc.zlib,
              "zstdDecompress": sc.zstd_compress}.get(name)
    data = encode(plain) if encode else plain
    for tier in ("", "64k", "1k"):
        ret, (out,) = rt.call(name + tier, data, None)
        assert rt.string_op(name + tier)(data) == (ret, out)
    if encode is None:
        assert rt.string_op(name)(data, 0)[0] == -2  # BAD-LEVEL


def one_too_many(rt, name: str) -> tuple:
    """Integer arguments, one more than the entry declares after its input and output."""
    return (1,) * (len(rt.entry(name).params) - 1)


@pytest.mark.c_facing
@pytest.mark.parametrize("name", CODEC_ENTRIES)
def test_compiled_trampoline_and_pure_cffi_path_agree(rt, name):
    assert _runtime._trampoline is not None, "invoke build builds the trampoline"
    plain = bytes(range(256)) * 40
    encode = {"gunzip": sc.gzip, "inflate": sc.deflate, "unzlib": sc.zlib,
              "zstdDecompress": sc.zstd_compress}.get(name)
    for data in (encode(plain) if encode else plain, b"", bytearray(b"xy"), memoryview(plain)):
        for tier in ("", "64k", "1k"):
            fast, slow = rt.string_op(name + tier), rt.string_op(name + tier, use_trampoline=False)
            assert fast(data) == slow(data)
            if encode is None:
                assert fast(data, 9) == slow(data, 9)
                assert fast(data, 0)[0] == slow(data, 0)[0] == -2
            for caller in (fast, slow):
                with pytest.raises(sc.StdcompressError, match="FMLLSTMISSING"):
                    caller(data, *one_too_many(rt, name))
    with pytest.raises(TypeError):
        rt.string_op(name)("text")


@pytest.mark.c_facing
@pytest.mark.parametrize("use_trampoline", [True, False], ids=["trampoline", "pure-cffi"])
@pytest.mark.parametrize("name", CODEC_ENTRIES)
def test_caller_into_a_buffer_gives_the_same_results(rt, name, use_trampoline):
    """string_op(into=True) prepares the output over the caller's buffer, as the runtime
    prepares its own: the same return value and bytes, landing in the buffer; a buffer smaller
    than the declared output is the output's length, so a larger result is held (ret > 0)."""
    plain = bytes(range(256)) * 40
    encode = {"gunzip": sc.gzip, "inflate": sc.deflate, "unzlib": sc.zlib,
              "zstdDecompress": sc.zstd_compress}.get(name)
    data = encode(plain) if encode else plain
    for tier in ("", "64k", "1k"):
        ret, out = rt.string_op(name + tier)(data)
        into = rt.string_op(name + tier, use_trampoline=use_trampoline, into=True)
        buf = bytearray(2 * 1048576)
        assert into(data, buf) == (ret, len(out))
        assert buf[:len(out)] == out
        small = memoryview(bytearray(10))
        ret_small, n = into(data, small)
        assert (ret_small, n) == (len(plain) if encode else ret_small, 0) and ret_small > 0
    with pytest.raises(ValueError, match="empty"):
        rt.string_op(name, use_trampoline=use_trampoline, into=True)(data, bytearray())
    with pytest.raises(TypeError):
        rt.string_op(name, use_trampoline=use_trampoline, into=True)(data, b"read-only")


@pytest.mark.c_facing
def test_generic_call_into_caller_buffers(rt):
    """call(into={position: buffer}): that output is prepared over the caller's buffer and comes
    back as its length; the others as bytes; the preallocation still caps it."""
    plain = bytes(range(256)) * 40
    ret, (want,) = rt.call("zstdCompress", plain, None)
    buf = bytearray(2 * 1048576)
    assert rt.call("zstdCompress", plain, None, into={1: buf}) == (ret, [len(want)])
    assert buf[:len(want)] == want
    small = bytearray(10)  # smaller than the result: held, as with the runtime's buffer
    ret_small, (n,) = rt.call("zstdCompress", plain, None, into={1: small})
    assert ret_small == len(want) and n == 0
    rt.call("take", None)
    with pytest.raises(TypeError):
        rt.call("zstdCompress", plain, None, into={1: b"read-only"})
    with pytest.raises(ValueError, match="empty"):
        rt.call("zstdCompress", plain, None, into={1: bytearray()})


@pytest.mark.c_facing
def test_precomputed_caller_refuses_other_shapes(rt):
    with pytest.raises(CalloutMissingError, match="not shaped"):
        rt.string_op("versions")


@pytest.mark.c_facing
def test_result_larger_than_the_tier_is_held_then_taken(rt):
    plain = bytes(range(256)) * 2000  # 512000 bytes from a small input
    packed = sc.zstd_compress(plain)
    assert len(packed) < 1024
    ret, (out,) = rt.call("zstdDecompress1k", packed, None)
    assert ret == len(plain) and out == b""
    ret, (out,) = rt.call("take64k", None)  # still too small: stays held
    assert ret == len(plain) and out == b""
    ret, (out,) = rt.call("take", None)
    assert ret == 0 and out == plain
    assert rt.call("take", None)[0] == -7  # NOTHING-HELD once taken


@pytest.mark.c_facing
def test_next_codec_call_drops_a_held_result(rt):
    packed = sc.gzip(b"z" * 100000)
    assert rt.call("gunzip1k", packed, None)[0] == 100000
    assert rt.call("gzip1k", b"small", None)[0] == 0
    assert rt.call("take", None)[0] == -7


@pytest.mark.c_facing
def test_small_tier_holds_compressed_output_of_incompressible_input(rt):
    data = bytes(range(256)) * 3 + b"\x00\xff" * 100
    ret, (out,) = rt.call("deflate1k", data, None)
    want = sc.deflate(data)
    if len(want) <= 1024:
        assert ret == 0 and out == want
    else:
        assert ret == len(want) and rt.call("take64k", None)[1][0] == want


# ---- the runtime's own checks, against a deliberately misbehaving library ----

MISBEHAVING_C = textwrap.dedent("""
    typedef struct { long length; char *address; } gtm_string_t;
    static char elsewhere[64] = "from a static buffer";
    __attribute__((visibility("default"))) long overrun(int argc, gtm_string_t *out)
    { (void)argc; out->length = out->length + 1; return 0; }
    __attribute__((visibility("default"))) long moved(int argc, gtm_string_t *out)
    { (void)argc; out->address = elsewhere; out->length = 20; return 0; }
    __attribute__((visibility("default"))) long huge(int argc, gtm_string_t *out)
    { (void)argc; out->address = elsewhere; out->length = 1048577; return 0; }
    /* the same faults in the shape of the codec entries: (I:string, O:string[8], I:long) */
    static long calls;
    __attribute__((visibility("default"))) long overrun3(int argc, gtm_string_t *in,
        gtm_string_t *out, long a)
    { (void)argc; (void)in; (void)a; calls++; out->length = out->length + 1; return 0; }
    __attribute__((visibility("default"))) long moved3(int argc, gtm_string_t *in,
        gtm_string_t *out, long a)
    { (void)argc; (void)in; (void)a; calls++; out->address = elsewhere; out->length = 20;
      return 0; }
    __attribute__((visibility("default"))) long huge3(int argc, gtm_string_t *in,
        gtm_string_t *out, long a)
    { (void)argc; (void)in; (void)a; calls++; out->address = elsewhere; out->length = 1048577;
      return 0; }
    __attribute__((visibility("default"))) long negative3(int argc, gtm_string_t *in,
        gtm_string_t *out, long a)
    { (void)argc; (void)in; (void)a; calls++; out->length = -5; return 0; }
    __attribute__((visibility("default"))) long counted(int argc, gtm_string_t *out)
    { (void)argc; out->length = 0; return calls; }
""")


@pytest.fixture(scope="module")
def misbehaving(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad")
    (d / "bad.c").write_text(MISBEHAVING_C)
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(d / "libbad.so"), str(d / "bad.c")],
                   check=True)
    (d / "bad.xc").write_text(
        "$BAD/libbad.so\noverrun: gtm_long_t overrun(O:gtm_string_t*[8])\n"
        "moved: gtm_long_t moved(O:gtm_string_t*[8])\nhuge: gtm_long_t huge(O:gtm_string_t*[8])\n"
        "absent: gtm_long_t absent(O:gtm_string_t*[8])\n"
        + "".join(f"{f}: gtm_long_t {f}(I:gtm_string_t*,O:gtm_string_t*[8],I:gtm_long_t)\n"
                  for f in ("overrun3", "moved3", "huge3", "negative3"))
        + "counted: gtm_long_t counted(O:gtm_string_t*[8])\n")
    return _runtime.Runtime(str(d / "bad.xc"), {"BAD": str(d)})


def test_exceeding_the_preallocation_is_caught(misbehaving):
    with pytest.raises(RuntimeCheckError) as e:
        misbehaving.call("overrun", None)
    assert e.value.code == "EXCEEDSPREALLOC"


def test_an_output_moved_to_another_buffer_is_read_from_there(misbehaving):
    assert misbehaving.call("moved", None) == (0, [b"from a static buffer"])
    buf = bytearray(8)  # moved away from the caller's buffer: copied into it when it fits
    with pytest.raises(RuntimeCheckError, match="does not fit"):
        misbehaving.call("moved", None, into={0: buf})


@pytest.mark.parametrize("use_trampoline", [True, False], ids=["compiled", "pure-cffi"])
def test_runtime_checks_of_calls_into_a_buffer(misbehaving, use_trampoline):
    """string_op(into=True), compiled (_buffers.call_into) or not, makes the runtime's checks."""
    def op(name):
        return misbehaving.string_op(name, use_trampoline=use_trampoline, into=True)

    for name, code in (("overrun3", "EXCEEDSPREALLOC"), ("huge3", "MAXSTRLEN"),
                       ("negative3", "MAXSTRLEN")):
        with pytest.raises(RuntimeCheckError) as e:
            op(name)(b"in", bytearray(64), 1)
        assert e.value.code == code, name
    buf = bytearray(64)
    assert op("moved3")(b"in", buf, 1) == (0, 20) and buf[:20] == b"from a static buffer"
    with pytest.raises(RuntimeCheckError, match="does not fit"):
        op("moved3")(b"in", bytearray(10), 1)
    before = misbehaving.call("counted", None)[0]
    with pytest.raises(RuntimeCheckError) as e:
        op("overrun3")(bytes(1048577), bytearray(64), 1)
    assert e.value.code == "MAXSTRLEN"
    assert misbehaving.call("counted", None)[0] == before  # refused before the call
    with pytest.raises(TypeError):
        op("moved3")(b"in", b"read-only", 1)
    with pytest.raises(ValueError, match="empty"):
        op("moved3")(b"in", bytearray(), 1)
    with pytest.raises(sc.StdcompressError, match="FMLLSTMISSING"):
        op("moved3")(b"in", bytearray(64), 1, 2)


def test_exceeding_a_caller_buffer_is_caught(misbehaving):
    with pytest.raises(RuntimeCheckError) as e:
        misbehaving.call("overrun", None, into={0: bytearray(100)})
    assert e.value.code == "EXCEEDSPREALLOC"


def test_an_output_over_the_string_limit_is_caught(misbehaving):
    with pytest.raises(RuntimeCheckError) as e:
        misbehaving.call("huge", None)
    assert e.value.code == "MAXSTRLEN"


def test_missing_symbol_names_the_entry(misbehaving):
    assert "absent" in misbehaving.problems()
    with pytest.raises(CalloutMissingError, match="entry absent: symbol absent"):
        misbehaving.call("absent", None)
    misbehaving.call("moved", None)  # the other entries still work


# ---- table/library mismatches against the real library ----

def _table_copy(tmp_path, extra_lines):
    lines = TABLE.read_text().splitlines() + extra_lines
    path = tmp_path / "t.xc"
    path.write_text("\n".join(lines) + "\n")
    return _runtime.Runtime(str(path))


def test_wrong_arity_names_the_entry(tmp_path):
    rt = _table_copy(tmp_path, ["gzipx: gtm_long_t stdc_gzip(I:gtm_string_t*,O:gtm_string_t*[8])",
                                "gzipy: gtm_long_t stdc_gzip(I:gtm_long_t,O:gtm_string_t*[8],"
                                "I:gtm_long_t)"])
    assert set(rt.problems()) == {"gzipx", "gzipy"}
    with pytest.raises(CalloutMissingError, match=r"entry gzipx: stdc_gzip takes"):
        rt.call("gzipx", b"x", None)
    assert rt.call("gzip", b"x", None)[0] == 0


def test_undeclared_function_names_the_entry(tmp_path):
    rt = _table_copy(tmp_path, ["nope: gtm_long_t stdc_nope(O:gtm_string_t*[8])"])
    with pytest.raises(CalloutMissingError, match="entry nope: stdc_nope is not declared"):
        rt.call("nope", None)


def test_unknown_entry_and_unloadable_library(tmp_path):
    with pytest.raises(CalloutMissingError, match="no entry"):
        _runtime.default().call("nosuchentry")
    bad = tmp_path / "bad.xc"
    bad.write_text(TABLE.read_text())
    with pytest.raises(CalloutMissingError, match="cannot be loaded"):
        _runtime.Runtime(str(bad), {"STDCOMPRESS_LIBDIR": str(tmp_path)})
    with pytest.raises(CalloutMissingError, match="cannot be read"):
        _runtime.Runtime(str(tmp_path / "missing.xc"), {})


def test_table_location_follows_the_runtime_variables():
    path, _ = _runtime.locate_table({"ydb_xc_stdcompress": "/y.xc", "GTMXC_stdcompress": "/g.xc"})
    assert path == "/y.xc"
    path, _ = _runtime.locate_table({"GTMXC_stdcompress": "/g.xc"})
    assert path == "/g.xc"
    path, env = _runtime.locate_table({})  # this source tree: its own table and build
    assert path == str(TABLE) and env["STDCOMPRESS_LIBDIR"] == str(ROOT / "build" / "so")
    # an installed package's own copy: tests/test_packaging.py


@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler")
def test_header_declares_exactly_the_exported_entries(rt):
    protos = _runtime._header_prototypes((ROOT / "callouts" / "stdcompress.h").read_text())
    assert {e.cfunc for e in rt.table.entries.values()} == set(protos)


# ---- bytes_op: the one-shot caller of the bridge (compiled half: _buffers.Entry) ----

@pytest.mark.c_facing
@pytest.mark.parametrize("name", CODEC_ENTRIES)
def test_bytes_op_compiled_and_python_paths_agree(rt, name):
    """Both give the bytes string_op gives, or the same failure code, for every tier and
    kind of buffer; the compiled one also over its direct (>= 64 KiB input) and take paths."""
    assert _runtime._buffers is not None, "invoke build builds _buffers"
    plain = bytes(range(256)) * 40
    big = (b"a large item, " * 6000)[:80000]  # over the direct threshold
    encode = {"gunzip": sc.gzip, "inflate": sc.deflate, "unzlib": sc.zlib,
              "zstdDecompress": sc.zstd_compress}.get(name)
    inputs = [plain, b"", bytearray(b"xy"), memoryview(plain), big]
    if encode:
        inputs = [encode(x) for x in (plain, b"", b"xy", big)]
        inputs.append(encode(b"\0" * 900000))  # a small input whose result is taken
    for data in inputs:
        for tier in ("", "64k", "1k"):
            fast, slow = rt.bytes_op(name + tier), rt.bytes_op(name + tier, compiled=False)
            ret, out = rt.string_op(name + tier)(data)
            if ret > 0:
                ret, (out,) = rt.call("take", None)
            expected = out if ret == 0 else ret
            assert fast(data) == slow(data) == expected
            assert rt.bytes_op(name + tier, direct=False)(data) == expected  # staged and taken
            if encode is None:
                assert fast(data, 9) == slow(data, 9)
                assert fast(data, 0) == slow(data, 0) == -2  # BAD-LEVEL
                for caller in (fast, slow):
                    with pytest.raises(sc.StdcompressError, match="FMLLSTMISSING"):
                        caller(data, *one_too_many(rt, name))
    for caller in (rt.bytes_op(name), rt.bytes_op(name, compiled=False)):
        with pytest.raises(TypeError, match="not str"):
            caller("text")
        with pytest.raises(RuntimeCheckError, match="MAXSTRLEN"):
            caller(bytes(_runtime.MAX_STRING + 1))


def test_bytes_op_small_cap_takes_larger_results(rt):
    """An output of small_cap bytes: a larger result is held by the C side and taken."""
    plain = bytes(range(256)) * 200
    packed = sc.zstd_compress(plain)
    for cap in (1, 100, len(plain) - 1, len(plain), 1 << 20):
        assert rt.bytes_op("zstdDecompress", small_cap=cap)(packed) == plain
    with pytest.raises(TypeError):
        rt.bytes_op("zstdDecompress")(packed, level=1)
    with pytest.raises(TypeError):
        rt.bytes_op("zstdDecompress")()


@pytest.mark.c_facing
@pytest.mark.parametrize("compiled", [True, False])
def test_bytes_op_statuses_give_stream_codes_and_bytes(rt, compiled):
    """statuses=2 (the stream entries): (code, bytes) for DONE, MORE and END, each the same
    step string_op takes; the failure code as an int; nothing taken."""
    plain = bytes(range(256)) * 8192  # 2 MiB: the 1 MiB outputs fill, so MORE comes back
    packed = sc.zstd_compress(plain[:1 << 20]) + sc.zstd_compress(plain[1 << 20:])
    write = rt.bytes_op("streamWrite", compiled=compiled, small_cap=1 << 20, direct=False,
                        statuses=2)
    slow = rt.string_op("streamWrite")
    handles = []
    for _ in range(2):
        h, _ = rt.call("streamOpen", b"zstd", b"d", 0, 0, b"", 0)
        assert h > 0
        handles.append(h)
    got, codes, piece = [], [], packed
    while True:
        ret, out = write(piece, handles[0])
        assert (ret, out) == slow(piece, handles[1])
        got.append(out)
        codes.append(ret)
        piece = b""
        if ret != 1:
            break
    assert b"".join(got) == plain and codes[-1] == 2 and 1 in codes
    for i in range(2):
        rt.call("handleFree", handles[i])
        fresh, _ = rt.call("streamOpen", b"zstd", b"d", 0, 0, b"", 0)
        assert fresh > 0
        handles.append(fresh)
    bad = write(b"not a zstd frame", handles[2])
    assert bad.__class__ is int and bad < 0 and slow(b"not a zstd frame", handles[3])[0] == bad
    for h in handles[2:]:
        rt.call("handleFree", h)
    with pytest.raises(ValueError, match="statuses"):
        sc._runtime._buffers.Entry(1, 1, 16, 1, RuntimeCheckError, "x", 16, 0, 2)
