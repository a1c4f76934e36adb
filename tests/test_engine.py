"""STDCOMPRESS.m under a real M engine (GT.M; YottaDB works the same way), in M mode and in
UTF-8 mode: every M test label of bridge/m/STDCOMPRESSTST.m as its own pytest test, the seed
module's usage example, a call-out the runtime cannot reach (CALLOUT-MISSING, the process
lives), the conformance engine host, and `invoke install` / `invoke env`.

Skipped, with the reason, when no engine is installed (CI installs fis-gtm-7.0)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conformance.engine_host import EngineHost, icu_version
from conformance.hosts import Case
from engine_support import (MODES, M_SOURCES, SEED_EXAMPLE, Modes, database, engine_or_skip,
                            m_test_labels, parse_m_run)

pytestmark = pytest.mark.engine

ROOT = Path(__file__).resolve().parent.parent
M_LABELS = m_test_labels()
MISSING_BACKENDS = "libz,libzstd,liblz4,libbrotli"


def _library_dir() -> Path:
    return Path(os.environ.get("STDCOMPRESS_LIBDIR", ROOT / "build" / "so"))


@pytest.fixture(scope="session")
def engine():
    """The installed engine (gtm_dist found from the environment or the Debian package)."""
    e = engine_or_skip("the engine tests need a real M engine")
    lib = _library_dir() / "libstdcompress.so"
    assert lib.exists(), f"{lib} is missing: run `invoke build` first"
    return e


@pytest.fixture(scope="session")
def modes(engine, tmp_path_factory):
    """Routines compiled once per mode into a temporary object directory, and their env."""
    return Modes(engine, tmp_path_factory.mktemp("engine"))


@pytest.fixture(scope="session")
def m_runs(modes):
    """mode -> the parsed output of one `mumps -run STDCOMPRESSTST` in that mode (lazily)."""
    cache = {}

    def get(mode):
        if mode not in cache:
            _need(modes, mode)
            tmp = modes.tmp_root / f"files-{mode}"
            tmp.mkdir(exist_ok=True)
            env = modes.env(mode)
            env.update(STDCOMPRESS_TEST_TMP=str(tmp),
                       STDCOMPRESS_CORPUS=str(ROOT / "conformance" / "corpus"))
            code, out, err = modes.run(mode, ["STDCOMPRESSTST"], env=env)
            cache[mode] = parse_m_run(out + err, code)
        return cache[mode]

    return get


def _need(modes, mode):
    why = modes.unavailable(mode)
    if why:
        pytest.skip(f"{mode} mode unavailable: {why}")
    problems = modes.compiled(mode)[1]
    assert not problems, f"compiling the routines in {mode} mode: {problems}"


# ---- the M test routine ----

def test_the_m_routine_has_test_labels():
    assert len(M_LABELS) >= 10 and len(set(M_LABELS)) == len(M_LABELS)


@pytest.mark.parametrize("mode", MODES)
def test_routines_compile_without_warnings(modes, mode):
    if modes.unavailable(mode):
        pytest.skip(modes.unavailable(mode))
    assert modes.compiled(mode)[1] == []
    names = {p.stem for p in modes.objdir(mode).glob("*.o")}
    assert {p.stem for p in M_SOURCES.glob("*.m")} <= names


@pytest.mark.parametrize("label", M_LABELS)
@pytest.mark.parametrize("mode", MODES)
def test_m(m_runs, mode, label):
    run = m_runs(mode)
    result = run.results.get(label)
    if result is None:
        tail = "\n".join(run.output.splitlines()[-15:])
        pytest.fail(f"{label} reported nothing in {mode} mode (exit {run.returncode}); "
                    f"output ends:\n{tail}")
    if result.status != "PASS":
        pytest.fail(f"{label} ({mode} mode): {result.summary}\n" + "\n".join(result.details))


@pytest.mark.parametrize("mode", MODES)
def test_m_run_completes_and_reports_only_known_labels(m_runs, mode):
    run = m_runs(mode)
    assert run.done is not None and run.returncode == 0, run.output[-2000:]
    assert set(run.results) == set(M_LABELS)
    assert re.fullmatch(r"DONE pass=\d+ fail=\d+", run.done)


@pytest.mark.parametrize("mode", MODES)
def test_a_failing_label_is_reported_as_failing(modes, mode, tmp_path):
    """The harness itself: a failed check and an unexpected error both make FAIL lines."""
    _need(modes, mode)
    (tmp_path / "STDCTBAD.m").write_text(textwrap.dedent('''\
        STDCTBAD ;
         quit
        tBad ;@test
         do eq^STDCOMPRESSTST(1,2,"one is two")
         quit
        tBoom ;@test
         do ok^STDCOMPRESSTST(1,"fine") set x=undefinedVariable
         quit
        tNothing ;@test
         quit
        '''))
    env = modes.env(mode, extra_srcdirs=[tmp_path])
    # STDCOMPRESSTST runs the labels named on its command line
    code, out, err = modes.run(mode, ["STDCOMPRESSTST", "tBad^STDCTBAD tBoom^STDCTBAD "
                                      "tNothing^STDCTBAD"], env=env)
    lines = [ln for ln in out.splitlines() if not ln.startswith("#")]
    assert lines[0].startswith('FAIL tBad^STDCTBAD: one is two: got "1", expected "2"'), out
    assert lines[1].startswith("FAIL tBoom^STDCTBAD: unexpected error:") and "UNDEF" in lines[1]
    assert lines[2].startswith("FAIL tNothing^STDCTBAD: no checks ran")
    assert lines[3] == "DONE pass=0 fail=3"


# ---- the seed's example ----

@pytest.mark.parametrize("mode", MODES)
def test_seed_usage_example_prints_hello_world(modes, mode, tmp_path):
    _need(modes, mode)
    (tmp_path / "SEEDEX.m").write_text(SEED_EXAMPLE)
    code, out, err = modes.run(mode, ["SEEDEX"], env=modes.env(mode, extra_srcdirs=[tmp_path]))
    assert (code, out) == (0, "hello, world\n"), err


# ---- the strongest deflate levels, behind their own names ----

BEST_ROUTINE = '''\
STDCBEST ; gzipBest/deflateBest/zlibBest of file $zcmdline piece 1 at levels 10..12 into files
 new in,out,c,l,x,r,z,caught,$etrap
 set $etrap="set caught=$ecode,$ecode="""" quit:$quit 0 quit",caught=""
 set in=$piece($zcmdline," ",1),out=$piece($zcmdline," ",2)
 set x=$$readFile^STDCOMPRESSCONF(in)
 for c="gzip","deflate","zlib" for l=10:1:12 do
 . set r=$select(c="gzip":$$gzipBest^STDCOMPRESS(x,.z,l),c="deflate":$$deflateBest^STDCOMPRESS(x,.z,l),1:$$zlibBest^STDCOMPRESS(x,.z,l))
 . do writeFile^STDCOMPRESSCONF(out_"/"_c_l,z)
 set r=$$gzip^STDCOMPRESS(x,.z,10) write r,",",caught,!
 quit
'''


@pytest.mark.parametrize("mode", MODES)
def test_best_labels_give_libdeflates_bytes(modes, mode, tmp_path):
    """$$gzipBest^STDCOMPRESS & co. at 10..12: libdeflate's own bytes (the pinned library
    called directly), decoded by Python's gzip/zlib; $$gzip^STDCOMPRESS at 10 is BAD-LEVEL."""
    _need(modes, mode)
    import gzip as pygzip
    import zlib as pyzlib
    from libdeflate_ref import build
    libdeflate = build(tmp_path)
    src = ROOT / "conformance" / "corpus" / "licenses.txt"
    data = src.read_bytes()
    (tmp_path / "STDCBEST.m").write_text(BEST_ROUTINE)
    code, out, err = modes.run(mode, ["STDCBEST", str(src), str(tmp_path)],
                               env=modes.env(mode, extra_srcdirs=[tmp_path]))
    assert code == 0, err
    assert out.splitlines()[-1] == "0,,U-STDCOMPRESS-BAD-LEVEL,", out + err
    decode = {"gzip": pygzip.decompress, "deflate": lambda b: pyzlib.decompress(b, -15),
              "zlib": pyzlib.decompress}
    for codec in decode:
        for level in (10, 11, 12):
            got = (tmp_path / f"{codec}{level}").read_bytes()
            assert got == libdeflate(codec, level, data), (codec, level)
            assert decode[codec](got) == data


# ---- a call-out the runtime cannot reach ----

MISSING_CASES = {
    # name: (environment change, mnemonic in lastError)
    "table-variable-unset": ({"table": None}, "ZCCTENV"),
    "table-file-missing": ({"table": Path("/nonexistent/stdcompress.xc")}, "ZCCTOPN"),
    "library-path-wrong": ({"libdir": Path("/nonexistent")}, "ZCUNAVAIL"),
}


def _missing_lines(out: str) -> dict:
    lines = {}
    for ln in out.splitlines():
        f = ln.split("\t")
        lines.setdefault(f[0], []).append(f[1:])
    return lines


@pytest.mark.parametrize("case", sorted(MISSING_CASES))
@pytest.mark.parametrize("mode", MODES)
def test_callout_missing(modes, mode, case):
    _need(modes, mode)
    change, mnemonic = MISSING_CASES[case]
    env = modes.env(mode, **change)
    code, out, err = modes.run(mode, ["missing^STDCOMPRESSTST"], env=env)
    lines = _missing_lines(out)
    assert code == 0 and lines.get("ALIVE") == [[]], out + err  # the process survived
    calls = lines["CALL"]
    assert len(calls) == 15  # 7 codecs, compressing and decompressing, and gzip at level 5
    for op, r, caught, outlen in calls:
        assert (r, caught, outlen) == ("0", ",U-STDCOMPRESS-CALLOUT-MISSING,", "0"), op
    last = lines["LASTERROR"][0][0]
    # the runtime's own text is kept: %GTM-E-ZCCTENV, ... (or %YDB-E-... on YottaDB)
    assert re.match(rf"CALLOUT-MISSING %(GTM|YDB)-E-{mnemonic}, \S", last), last
    assert lines["AVAILABLE"] == [[MISSING_BACKENDS, "", ""]]  # no trap, $ECODE untouched
    assert lines["VERSIONS"] == [["", ",U-STDCOMPRESS-CALLOUT-MISSING,"]]
    # inside an error handler ($ECODE set) a nested error cannot be trapped: available() must
    # see the problem without calling, and leave $ECODE alone
    assert lines["HANDLER"] == [[MISSING_BACKENDS, MISSING_BACKENDS, ",U-TEST,"]]


@pytest.mark.parametrize("mode", MODES)
def test_symbol_missing_fails_only_that_entry(modes, mode, tmp_path):
    """A table entry whose C function is absent: that call is CALLOUT-MISSING (ZCRTENOTF), the
    others work."""
    _need(modes, mode)
    table = tmp_path / "stdcompress.xc"
    text = (ROOT / "xc" / "stdcompress.xc").read_text()
    table.write_text(text.replace(" stdc_gzip(", " stdc_no_such_gzip("))
    code, out, err = modes.run(mode, ["missing^STDCOMPRESSTST"], env=modes.env(mode, table=table))
    lines = _missing_lines(out)
    calls = {c[0]: c[1:] for c in lines["CALL"]}
    assert calls["gzip"] == ["0", ",U-STDCOMPRESS-CALLOUT-MISSING,", "0"]
    assert calls["zstd"][:2] == ["1", ""] and calls["gzip5"][1] == ",U-STDCOMPRESS-CALLOUT-MISSING,"
    assert calls["undeflate"][1] == ",U-STDCOMPRESS-LIBZ-FAIL,"  # reached C: "hello" is not deflate
    assert lines["AVAILABLE"] == [["", "", ""]]
    assert lines["HANDLER"] == [["", "", ",U-TEST,"]]
    assert "ALIVE" in lines


# ---- the conformance engine host ----

@pytest.mark.parametrize("mode", MODES)
def test_engine_host_runs_cases_binary_safe(modes, mode, tmp_path):
    _need(modes, mode)
    import gzip as pygzip
    import lzma
    import zlib as pyzlib
    all_bytes = bytes(range(256))
    corpus = ROOT / "conformance" / "corpus" / "bytes256.bin"
    assert corpus.read_bytes() == all_bytes
    cases = [
        Case("c1", "compress", "zlib", 9, all_bytes, corpus),
        Case("c2", "compress", "gzip", None, b"", None),
        Case("d1", "decompress", "gzip", None, pygzip.compress(all_bytes * 3), None),
        Case("d2", "decompress", "deflate", None, b"\x00garbage", None),
        Case("d3", "decompress", "zlib", None, pyzlib.compress(b"\n\r\n" * 1000), None),
        Case("b1", "compress", "zstd", 0, b"x", None),
        Case("x1", "decompress", "xz", None, lzma.compress(all_bytes) + b"\0" * 4, None),
        Case("x2", "compress", "xz", 16, all_bytes, corpus),
    ]
    host = EngineHost(mode)
    assert host.unavailable() is None
    out = host.run(cases)
    assert pyzlib.decompress(out["c1"].result) == all_bytes
    assert pygzip.decompress(out["c2"].result) == b""
    assert out["d1"].result == all_bytes * 3
    assert out["d2"].error[0] == "LIBZ-FAIL" and "inflate" in out["d2"].error[1]
    assert out["d3"].result == b"\n\r\n" * 1000
    assert out["b1"].error[0] == "BAD-LEVEL"
    assert out["x1"].result == all_bytes and lzma.decompress(out["x2"].result) == all_bytes
    v = host.versions()
    assert set(v) >= {"stdcompress", "libdeflate", "libz", "libzstd", "liblzma"}


# ---- invoke install / invoke env ----

@pytest.fixture(scope="module")
def installed(engine, tmp_path_factory):
    prefix = tmp_path_factory.mktemp("prefix")
    r = subprocess.run([sys.executable, "-m", "invoke", "install", "--prefix", str(prefix)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return prefix


def test_install_lays_out_a_plugin_directory(installed):
    plugin = installed / "plugin"
    for f in ("libstdcompress.so", "stdcompress.h", "stdcompress.xc", "r/STDCOMPRESS.m",
              "o/STDCOMPRESS.o", "o/utf8/STDCOMPRESS.o", "r/STDCGLOB.m", "o/STDCGLOB.o",
              "o/utf8/STDCGLOB.o"):
        assert (plugin / f).is_file(), f
    assert (plugin / "o" / "STDCOMPRESS.o").read_bytes() != \
        (plugin / "o" / "utf8" / "STDCOMPRESS.o").read_bytes()


@pytest.mark.parametrize("mode", MODES)
def test_installed_layout_runs_the_seed_example_with_env_exports(engine, installed, mode,
                                                                  tmp_path):
    """A fresh shell with only the runtime's own setup plus `invoke env --prefix` exports."""
    if mode == "UTF-8" and engine.utf8_unavailable():
        pytest.skip(engine.utf8_unavailable())
    r = subprocess.run([sys.executable, "-m", "invoke", "env", "--prefix", str(installed),
                        "--chset", mode], cwd=ROOT, capture_output=True, text=True, check=True)
    exports = r.stdout
    assert "export ydb_xc_stdcompress=" in exports and "export GTMXC_stdcompress=" in exports
    assert exports.count("ydb_routines=") == 2 and exports.count("gtmroutines=") == 2
    (tmp_path / "SEEDEX.m").write_text(SEED_EXAMPLE)
    objects = installed / "plugin" / "o" / ("STDCOMPRESS.o" if mode == "M" else "utf8/STDCOMPRESS.o")
    before = objects.stat().st_mtime_ns
    dist = engine.mode_dist(mode)
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    runtime = [f"export gtm_dist={shlex.quote(str(dist))}",
               f'export gtmroutines="{dist}/libgtmutil.so {dist}"',
               f"export gtm_chset={mode}"]
    if mode == "UTF-8":
        runtime += ["export LC_ALL=C.UTF-8",
                    f"export gtm_icu_version={icu_version()}"]
    script = "\n".join(runtime + [
        exports,
        f'export gtmroutines="$gtmroutines {tmp_path}"',
        f'cd {shlex.quote(str(tmp_path))} && exec "$gtm_dist/mumps" -run SEEDEX',
    ])
    r = subprocess.run(["bash", "-c", script], env=base, capture_output=True, text=True,
                       timeout=120)
    assert (r.returncode, r.stdout) == (0, "hello, world\n"), r.stderr
    # the plugin's objects were used as installed, not recompiled
    assert objects.stat().st_mtime_ns == before
    assert not list((installed / "plugin" / "r").glob("*.o"))


# ---- batches and zstd dictionaries: a call-out the runtime cannot reach ----

@pytest.mark.parametrize("mode", MODES)
def test_batch_labels_callout_missing(modes, mode):
    _need(modes, mode)
    code, out, err = modes.run(mode, ["missingBatch^STDCOMPRESSTST"],
                               env=modes.env(mode, table=None))
    lines = _missing_lines(out)
    assert code == 0 and lines.get("ALIVE") == [[]], out + err
    calls = lines["BCALL"]
    assert len(calls) == 6, out
    for op, r, caught, outlen in calls:
        assert (r, caught, outlen) == ("0", ",U-STDCOMPRESS-CALLOUT-MISSING,", "0"), op


# ---- zstd dictionaries trained from arrays and trainer handles, beyond one M string ----

TRAIN_ROUTINE = '''\
STDCTRAIN ; dictionaries from a local array, a global and a trainer handle, then misuse
 new src,out,io,x,n,a,d,r,h,caught,t,i,size,$etrap
 set $etrap="set caught=$ecode,$ecode="""" quit:$quit 0 quit",caught="",t=$char(9)
 set src=$piece($zcmdline," ",1),out=$piece($zcmdline," ",2)
 set io=$io open src:(readonly:chset="M") use src
 for n=1:1 read x quit:$zeof  set a(n)=x,^S("s",n)=x,size(n)=x
 close src use io
 set n=0,x="" for  set x=$order(a(x)) quit:x=""  set n=n+$zlength(a(x))
 write "TOTAL",t,n,!
 set r=$$zstdTrainFromArray^STDCOMPRESS("a",.d,16384,0,8,4,3) write "LOCAL",t,r,t,caught,!
 do writeFile^STDCOMPRESSCONF(out_"/local",d)
 set r=$$zstdTrainFromArray^STDCOMPRESS($name(^S("s")),.d,16384,0,8,4,3) write "GLOBAL",t,r,t,caught,!
 do writeFile^STDCOMPRESSCONF(out_"/global",d)
 ; an array named like a formal parameter of the label (size): the caller's, not the label's
 set r=$$zstdTrainFromArray^STDCOMPRESS("size",.d,16384,0,8,4,3) write "SHADOW",t,r,t,caught,!
 do writeFile^STDCOMPRESSCONF(out_"/shadow",d)
 set h=$$zstdTrainerOpen^STDCOMPRESS() write "OPEN",t,h>0,!
 for i=1:1 quit:'$data(a(i))  if '$$zstdTrainerAdd^STDCOMPRESS(h,a(i)) write "ADDFAIL",t,i,t,caught,! quit
 set r=$$zstdTrainerTrain^STDCOMPRESS(h,.d,8192,64,8,1,5,4242) write "HANDLE",t,r,t,caught,!
 do writeFile^STDCOMPRESSCONF(out_"/handle",d)
 set caught="",r=$$zstdTrainerTrain^STDCOMPRESS(h,.d,8192) write "TWICE",t,r,t,caught,t,$zlength(d),!
 set caught="",r=$$zstdTrainerAdd^STDCOMPRESS(h,"more") write "ADDAFTER",t,r,t,caught,!
 set caught="",r=$$zstdTrainerFree^STDCOMPRESS(h) write "FREE",t,r,t,caught,!
 set caught="",r=$$zstdTrainerAdd^STDCOMPRESS(h,"x") write "FREED",t,r,t,caught,!
 set caught="",r=$$zstdTrainerFree^STDCOMPRESS(h) write "FREETWICE",t,r,t,caught,!
 set caught="",r=$$zstdTrainerAdd^STDCOMPRESS(123456789,"x") write "NEVER",t,r,t,caught,!
 set caught="",r=$$zstdTrainerAdd^STDCOMPRESS("junk","x") write "NOTHANDLE",t,r,t,caught,!
 set h=$$zstdTrainerOpen^STDCOMPRESS("")
 for i=1:1:3 set r=$$zstdTrainerAdd^STDCOMPRESS(h,a(i))
 set caught="",r=$$zstdTrainerTrain^STDCOMPRESS(h,.d,4096) write "FEW",t,r,t,caught,t,$$lastError^STDCOMPRESS(),!
 set r=$$zstdTrainerFree^STDCOMPRESS(h)
 set h=$$zstdTrainerOpen^STDCOMPRESS(100),caught=""
 set r=$$zstdTrainerAdd^STDCOMPRESS(h,$justify("",60)),r=r_$$zstdTrainerAdd^STDCOMPRESS(h,$justify("",60))
 write "CAP",t,r,t,caught,t,$$lastError^STDCOMPRESS(),!
 set r=$$zstdTrainerFree^STDCOMPRESS(h)
 set caught="" do big write "BIG",t,caught,!
 set caught="",r=$$zstdTrainFromArray^STDCOMPRESS("%STDCn",.d,4096) write "BADNAME",t,r,t,caught,!
 set caught="",r=$$zstdTrainFromArray^STDCOMPRESS("nosuch",.d,4096) write "EMPTY",t,r,t,caught,!
 write "STATS",t,$$handles(),!
 write "DONE",!
 quit
big ; a sample over 1 MiB cannot even be made in M
 new x,$etrap set $etrap="set caught=$zstatus,$ecode="""" quit"
 set x=$justify("",1048576)_"x"
 quit
handles() ; open handles now
 new x,r set r=$&stdcompress.handleStats(.x)
 quit $piece($piece(x,";"),"=",2)
'''


@pytest.mark.parametrize("mode", MODES)
def test_dictionary_training_beyond_one_string(modes, mode, tmp_path):
    """zstdTrainFromArray on a local array and on a global (a real database) holding more
    than 1 MiB of samples, and the trainer labels one sample a call: the dictionaries are
    those stdcompress.zstd and zstandard train from the same samples with the same
    parameters; then every misuse, each with its code."""
    _need(modes, mode)
    import zstandard
    import stdcompress.zstd as szstd
    from test_zstd_compat import _records
    samples = _records(12000, seed=11)
    total = sum(map(len, samples))
    assert total > 2**20
    (tmp_path / "samples.txt").write_bytes(b"\n".join(samples) + b"\n")
    (tmp_path / "STDCTRAIN.m").write_text(TRAIN_ROUTINE)
    env = {**modes.env(mode, extra_srcdirs=[tmp_path]), **database(modes, tmp_path)}
    code, out, err = modes.run(mode, ["STDCTRAIN", str(tmp_path / "samples.txt"),
                                      str(tmp_path)], env=env)
    lines = _missing_lines(out)
    assert code == 0 and "DONE" in lines, out + err
    assert lines["TOTAL"] == [[str(total)]]
    for name in ("LOCAL", "GLOBAL", "SHADOW", "HANDLE"):
        assert lines[name] == [["1", ""]], (name, out)
    ours = szstd.train_dictionary(16384, samples).as_bytes()
    assert ours == zstandard.train_dictionary(16384, samples).as_bytes()
    for name in ("local", "global", "shadow"):
        assert (tmp_path / name).read_bytes() == ours, name
    fixed = dict(k=64, d=8, steps=1, level=5, dict_id=4242)
    theirs = zstandard.train_dictionary(8192, samples, **fixed).as_bytes()
    assert (tmp_path / "handle").read_bytes() == theirs == \
        szstd.train_dictionary(8192, samples, **fixed).as_bytes()
    assert zstandard.ZstdCompressionDict(theirs).dict_id() == 4242
    bad, handle = ",U-STDCOMPRESS-BAD-ARGS,", ",U-STDCOMPRESS-INVALID-HANDLE,"
    assert lines["TWICE"] == [["0", bad, "0"]]
    assert lines["ADDAFTER"] == [["0", bad]]
    assert lines["FREE"] == [["1", ""]]
    for name in ("FREED", "FREETWICE", "NEVER", "NOTHANDLE"):
        assert lines[name] == [["0", handle]], name
    few = lines["FEW"][0]
    assert few[:2] == ["0", ",U-STDCOMPRESS-LIBZSTD-FAIL,"] and "3 samples" in few[2], few
    cap = lines["CAP"][0]
    assert cap[:2] == ["10", bad] and "cap of 100 bytes" in cap[2], cap
    assert "MAXSTRLEN" in lines["BIG"][0][0]
    assert lines["BADNAME"] == [["0", bad]] and lines["EMPTY"] == [["0", bad]]
    assert lines["STATS"] == [["0"]]  # every trainer freed, zstdTrainFromArray's too
