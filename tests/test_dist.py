"""`invoke dist`: the plugin archive installs anywhere.  The archive is built once and unpacked
into an empty directory; its layout, its library (only the C runtime's libraries needed, only
stdc_* exported) and its README are checked; then the seed's usage example, the README's
example and round trips of every codec run on the real engine in M and UTF-8 mode, in an
environment made from nothing but the runtime's own variables and the ones the README names
(none of the development tree's: no STDCOMPRESS_*, GTMXC_* or PYTHONPATH).

The archive's objects need an engine: skipped, with the reason, when none is installed (CI
installs fis-gtm-7.0)."""

from __future__ import annotations

import platform
import re
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

import stdcompress
from engine_support import MODES, SEED_EXAMPLE, engine_or_skip
from library_checks import assert_exports_only_entries, assert_needs_only_system_libraries
from third_party.codecs import pins

pytestmark = pytest.mark.engine

ROOT = Path(__file__).resolve().parent.parent
VERSION = stdcompress.__version__
TOP = f"stdcompress-{VERSION}"
LAYOUT = {"README.md", "licenses/stdcompress.txt",
          *(f"licenses/{p.codec}-{p.version}.txt" for p in pins().values()),
          "plugin/libstdcompress.so", "plugin/stdcompress.xc", "plugin/stdcompress.h",
          *(f"plugin/{d}/{r}.{x}" for r in ("STDCOMPRESS", "STDCGLOB")
            for d, x in (("r", "m"), ("o", "o"), ("o/utf8", "o")))}
# All an M process is given: the runtime's own variables (engine_host.Engine.env), the table and
# library variables, PATH and HOME.
RUNTIME_VARIABLES = {"PATH", "HOME", "gtm_dist", "ydb_dist", "gtmroutines", "ydb_routines",
                     "gtm_chset", "ydb_chset", "LC_ALL", "LANG", "gtm_icu_version",
                     "ydb_icu_version"}
PLUGIN_VARIABLES = {"GTMXC_stdcompress", "ydb_xc_stdcompress", "STDCOMPRESS_LIBDIR"}

# Every codec compressed and decompressed through the plugin: one line a codec (name, both
# results, input and output lengths, round trip equal, the first two bytes), then versions().
ROUND_TRIPS = textwrap.dedent('''\
    DISTCHK ; round trips through the plugin, then versions()
     new data,i,pair
     set data="" for i=1:1:300 set data=data_"record "_i_$char(233)_";"
     for pair="gzip/gunzip","zstdCompress/zstdDecompress","deflate/inflate","zlib/unzlib" do rt(data,pair)
     for pair="lz4FrameCompress/lz4FrameDecompress","brotliCompress/brotliDecompress" do rt(data,pair)
     write "versions ",$$versions^STDCOMPRESS(),!
     quit
    rt(data,pair) ;
     new z,raw,okc,okd
     xecute "set okc=$$"_$piece(pair,"/")_"^STDCOMPRESS(data,.z)"
     xecute "set okd=$$"_$piece(pair,"/",2)_"^STDCOMPRESS(z,.raw)"
     write $piece(pair,"/")," ",okc,okd," ",$zlength(data)," ",$zlength(z)," ",raw=data
     write " ",$zascii(z,1),",",$zascii(z,2),!
     quit
    ''')
MAGIC = {"gzip": "31,139", "zlib": "120,156", "zstdCompress": "40,181", "lz4FrameCompress": "4,34"}
DATA = "".join(f"record {i}\u00e9;" for i in range(1, 301))  # DISTCHK's, as characters
DATA_BYTES = {"M": len(DATA), "UTF-8": len(DATA.encode())}  # $zlength: e-acute is 2 bytes in UTF-8


@pytest.fixture(scope="module")
def engine():
    return engine_or_skip("invoke dist compiles the plugin's objects with it")


@pytest.fixture(scope="module")
def archive(engine, tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run([sys.executable, "-m", "invoke", "dist", "--out", str(out)], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    name = f"{TOP}-linux-{platform.machine()}.tar.gz"
    assert sorted(p.name for p in out.iterdir()) == [name]
    assert r.stdout.strip().splitlines()[-1] == str(out / name)
    return out / name


@pytest.fixture(scope="module")
def unpacked(archive, tmp_path_factory):
    """The archive unpacked with tar into an empty directory: its top directory."""
    d = tmp_path_factory.mktemp("unpacked")
    assert not any(d.iterdir())
    subprocess.run(["tar", "-xzf", str(archive), "-C", str(d)], check=True)
    assert [p.name for p in d.iterdir()] == [TOP]
    return d / TOP


def _tree(top: Path) -> dict[str, int]:
    return {p.relative_to(top).as_posix(): p.stat().st_mtime_ns for p in top.rglob("*")}


def test_archive_holds_the_plugin_layout(unpacked):
    files = {name for name in _tree(unpacked) if (unpacked / name).is_file()}
    assert files == LAYOUT
    plugin = unpacked / "plugin"
    assert (plugin / "libstdcompress.so").read_bytes() == \
        (ROOT / "build" / "so" / "libstdcompress.so").read_bytes()
    assert (plugin / "stdcompress.xc").read_bytes() == (ROOT / "xc" / "stdcompress.xc").read_bytes()
    for r in ("STDCOMPRESS", "STDCGLOB"):
        assert (plugin / "r" / f"{r}.m").read_bytes() == (ROOT / "bridge" / "m" / f"{r}.m").read_bytes()
    assert (plugin / "o" / "STDCOMPRESS.o").read_bytes() != \
        (plugin / "o" / "utf8" / "STDCOMPRESS.o").read_bytes()


def test_archive_entries_are_sorted_with_one_owner_and_time(archive):
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    assert names[0] == TOP and all(n.startswith(TOP + "/") for n in names[1:])
    assert names == sorted(names, key=lambda n: n.split("/"))
    assert {(m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, "root", "root")}
    assert len({m.mtime for m in members}) == 1
    assert {m.name.rsplit("/", 1)[-1] for m in members if m.mode & 0o111 and m.isfile()} == \
        {"libstdcompress.so"}


def test_readme_says_how_to_set_the_variables(archive, unpacked):
    readme = (unpacked / "README.md").read_text()
    assert "@" not in readme and f"/opt/{TOP}/plugin" in readme and archive.name in readme
    # the table's first line names the library through STDCOMPRESS_LIBDIR: the README sets it
    assert (unpacked / "plugin" / "stdcompress.xc").read_text().splitlines()[0] == \
        "$STDCOMPRESS_LIBDIR/libstdcompress.so"
    for line in ("export STDCOMPRESS_LIBDIR=$p", "export GTMXC_stdcompress=$p/stdcompress.xc",
                 "export ydb_xc_stdcompress=$p/stdcompress.xc",
                 'export gtmroutines="$p/o($p/r) $gtmroutines" ydb_routines="$p/o($p/r) '
                 '$ydb_routines"',
                 'export gtmroutines="$p/o/utf8($p/r) $gtmroutines" ydb_routines="$p/o/utf8($p/r)'
                 ' $ydb_routines"'):
        assert line in readme, line


def test_library_needs_only_the_c_runtime(unpacked):
    names = assert_needs_only_system_libraries(unpacked / "plugin" / "libstdcompress.so")
    assert any(n.startswith("libc.so") for n in names)


def test_library_exports_only_its_entries(unpacked):
    symbols = assert_exports_only_entries(unpacked / "plugin" / "libstdcompress.so")
    assert {"stdc_gzip", "stdc_zstd_compress", "stdc_versions"} <= set(symbols)


def _readme_example(unpacked) -> str:
    m = re.search(r"```m\n(.*?)```", (unpacked / "README.md").read_text(), re.S)
    assert m, "README.md has no ```m example"
    return m.group(1)


def _clean_env(engine, mode, plugin: Path, routines: Path, home: Path) -> dict:
    """The runtime's own variables for mode, the plugin's table and library, and the routine
    path: the plugin's objects of mode (and its sources), then routines (the test's own)."""
    env = engine.env(mode, routines, [routines], base={"PATH": "/usr/bin:/bin", "HOME": str(home)},
                     table=plugin / "stdcompress.xc", libdir=plugin)
    objects = plugin / "o" if mode == "M" else plugin / "o" / "utf8"
    env["gtmroutines"] = env["ydb_routines"] = f"{objects}({plugin / 'r'}) {env['gtmroutines']}"
    assert set(env) <= RUNTIME_VARIABLES | PLUGIN_VARIABLES, set(env) - RUNTIME_VARIABLES
    assert not [k for k, v in env.items() if str(ROOT) in v], env  # nothing of the work tree
    return env


@pytest.mark.parametrize("mode", MODES)
def test_unpacked_plugin_runs_on_the_engine(engine, unpacked, mode, tmp_path):
    if mode == "UTF-8" and engine.utf8_unavailable():
        pytest.skip(engine.utf8_unavailable())
    routines = tmp_path / "r"
    routines.mkdir()
    (routines / "SEEDEX.m").write_text(SEED_EXAMPLE)
    (routines / "HELLO.m").write_text(_readme_example(unpacked))
    (routines / "DISTCHK.m").write_text(ROUND_TRIPS)
    env = _clean_env(engine, mode, unpacked / "plugin", routines, tmp_path)
    before = _tree(unpacked)

    def run(routine):
        r = engine.run(mode, env, [routine], cwd=tmp_path, timeout=120)
        out, err = r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
        assert (r.returncode, err) == (0, ""), f"{routine}: {out}{err}"
        return out.splitlines()

    assert run("SEEDEX") == ["hello, world"]
    hello, versions = run("HELLO")
    assert hello == "hello, world" and versions.endswith(",codecs=bundled"), versions
    *trips, versions = run("DISTCHK")
    assert [t.split()[0] for t in trips] == ["gzip", "zstdCompress", "deflate", "zlib",
                                             "lz4FrameCompress", "brotliCompress"]
    for line in trips:
        codec, ok, n, packed, same, magic = line.split()
        assert (ok, same, int(n)) == ("11", "1", DATA_BYTES[mode]) and int(packed) < int(n), line
        assert magic == MAGIC.get(codec, magic), line
    v = dict(p.split("=", 1) for p in versions.removeprefix("versions ").split(","))
    assert v["stdcompress"] == VERSION and v["codecs"] == "bundled", versions
    assert {"libdeflate", "libz", "libzstd", "liblz4", "libbrotli"} <= set(v)
    # the plugin's objects served as unpacked: nothing recompiled or written there
    assert _tree(unpacked) == before
