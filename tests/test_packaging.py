"""`pip install .` gives a self-contained package: library, header and table inside it, found
with no environment variables set."""

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from library_checks import assert_exports_only_entries, assert_needs_only_system_libraries

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    d = tmp_path_factory.mktemp("pkg")
    venv.create(d / "venv", system_site_packages=True, with_pip=False)
    py = str(d / "venv" / "bin" / "python")
    wheels = d / "wheels"
    # Without PYTHONPATH: the harness puts the source tree on it, and pip would then take the
    # source tree's metadata for an installed stdcompress and skip the install.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(wheels), str(ROOT)], check=True, env=env)
    wheel = next(wheels.glob("stdcompress-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "--python", py, "install", "-q", "--no-deps",
                    "--force-reinstall", "--root-user-action=ignore", str(wheel)], check=True,
                   env=env)
    return py, wheel


def test_wheel_carries_library_header_and_table(installed):
    import zipfile
    names = zipfile.ZipFile(installed[1]).namelist()
    for f in ("libstdcompress.so", "stdcompress.h", "stdcompress.xc"):
        assert f"stdcompress/_data/{f}" in names
    assert any(n.startswith("stdcompress/_trampoline") and n.endswith(".so") for n in names)


def _run_installed(installed, tmp_path, code: str) -> None:
    """Runs `code` in the installed wheel's venv with none of the development tree's variables,
    so the package's own table and library must serve it; it prints where it was imported."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GTMXC_stdcompress", "ydb_xc_stdcompress", "STDCOMPRESS_LIBDIR",
                        "PYTHONPATH")}
    r = subprocess.run([installed[0], "-c", code], env=env, cwd=tmp_path, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "site-packages" in r.stdout


def test_installed_package_works_with_a_clean_environment(installed, tmp_path):
    code = ("import stdcompress as s, gzip; d=b'hello, world'*100;"
            "assert gzip.decompress(s.gzip(d))==d; assert s.zstd_decompress(s.zstd_compress(d))==d;"
            "assert s._runtime._trampoline is not None; print(s.__file__);"
            "from stdcompress.lz4.stream import LZ4StreamCompressor as C, LZ4StreamDecompressor as D;"
            "assert D('ring_buffer', 99).decompress(C('ring_buffer', 99).compress(d[:99])[4:])==d[:99]")
    _run_installed(installed, tmp_path, code)


def test_wheel_library_is_self_contained(installed, tmp_path):
    """The wheel's library carries its codecs (ldd: no codec library) and says so."""
    import zipfile
    lib = tmp_path / "libstdcompress.so"
    lib.write_bytes(zipfile.ZipFile(installed[1]).read("stdcompress/_data/libstdcompress.so"))
    assert_needs_only_system_libraries(lib)
    assert_exports_only_entries(lib)
    _run_installed(installed, tmp_path, "import stdcompress as s; v = s.versions();"
                   "assert v['codecs'] == 'bundled', v; print(s.__file__)")


# ---- easynetwork serializer: the extra from the installed wheel ----
def test_installed_package_serves_easynetwork_packets(installed, tmp_path):
    # easynetwork comes from `invoke setup` (tasks.py); the venv sees the site-packages
    code = ("from easynetwork.serializers import JSONSerializer as J;"
            "import stdcompress.easynetwork as e; s=e.BufferedIncrementalPacketSerializer(J(),'zstd');"
            "p={'k':list(range(99999))}; assert s.deserialize(s.serialize(p))==p; print(e.__file__)")
    _run_installed(installed, tmp_path, code)
# ---- end of easynetwork serializer ----


# ---- stdcompress.zstd (issue 7): the buffer types' extension is in the wheel and works ----

def test_wheel_carries_the_buffer_types(installed, tmp_path):
    import zipfile
    names = zipfile.ZipFile(installed[1]).namelist()
    assert any(n.startswith("stdcompress/_buffers") and n.endswith(".so") for n in names)
    assert "stdcompress/zstd.py" in names
    code = ("import struct, zstandard; from stdcompress import zstd as z;"
            "b = z.BufferWithSegments(b'abcdef', struct.pack('=4Q', 0, 2, 2, 4));"
            "assert [s.tobytes() for s in b] == [b'ab', b'cdef'];"
            "f = z.ZstdCompressor().compress(b'x' * 100);"
            "assert zstandard.ZstdDecompressor().decompress(f) == b'x' * 100;"
            "r = z.ZstdDecompressor().multi_decompress_to_buffer([f, f], threads=2);"
            "assert [s.tobytes() for s in r] == [b'x' * 100] * 2; print(z.__file__)")
    _run_installed(installed, tmp_path, code)
# ---- end of stdcompress.zstd ----


def test_work_tree_package_finds_its_own_table_and_build(tmp_path):
    """pip install -e . puts bridge/python on sys.path (a .pth file): the package then has no
    _data/ and must find the tree's xc/stdcompress.xc and build/so/ with no variables set."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GTMXC_stdcompress", "ydb_xc_stdcompress", "STDCOMPRESS_LIBDIR")}
    env["PYTHONPATH"] = str(ROOT / "bridge" / "python")
    code = ("import stdcompress as s, gzip; d=b'editable'*50;"
            "assert gzip.decompress(s.gzip(d))==d; print(s._runtime.default().table.library)")
    r = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(ROOT / "build" / "so" / "libstdcompress.so")


def test_work_tree_is_found_only_without_installed_data(tmp_path):
    from stdcompress import _runtime
    pkg = tmp_path / "bridge" / "python" / "stdcompress"
    pkg.mkdir(parents=True)
    assert _runtime.work_tree(pkg) is None  # no table in the tree
    (tmp_path / "xc").mkdir()
    (tmp_path / "xc" / "stdcompress.xc").write_text("x\n")
    assert _runtime.work_tree(pkg) == tmp_path
    path, env = _runtime.locate_table({}, pkg)
    assert path == str(tmp_path / "xc" / "stdcompress.xc")
    assert env["STDCOMPRESS_LIBDIR"] == str(tmp_path / "build" / "so")
    assert _runtime.locate_table({"GTMXC_stdcompress": "/t.xc"}, pkg)[0] == "/t.xc"
    (pkg / "_data").mkdir()
    (pkg / "_data" / "stdcompress.xc").write_text("x\n")  # an installed package: its own copy
    assert _runtime.work_tree(pkg) is None
    assert _runtime.locate_table({}, pkg)[0] == str(pkg / "_data" / "stdcompress.xc")
