"""Harness tasks (invoke). Thin: each task calls make, pytest or a module of this repository.

    invoke setup        install missing apt and pip dependencies, build
    invoke build        build build/so/libstdcompress.so
    invoke conformance  run the fixture corpus through every host available, print the report
    invoke fixtures     regenerate the corpus and print what changed (never run by CI)
    invoke test         the whole test suite (builds first)
    invoke sanitize     the C-facing tests against an ASan+UBSan build of the library
    invoke fuzz         --seconds N [--target T]: every fuzz target, seeded from the corpus
    invoke env          print the exports an M user needs (GT.M and YottaDB, M and UTF-8 mode)
    invoke engine       install GT.M if missing, build, run the engine tests (pytest -m engine)
    invoke install      --prefix DIR: lay out DIR/plugin (library, header, table, routines, objects)
    invoke dist         [--out DIR]: that layout as DIR/stdcompress-<version>-linux-<machine>.tar.gz
"""

import gzip
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent
BUILD = ROOT / "build"
APT_PACKAGES = [
    "build-essential", "zlib1g-dev", "libdeflate-dev", "libzstd-dev", "liblz4-dev",
    "libbrotli-dev", "liblzma-dev", "gzip", "zstd", "lz4", "brotli", "xz-utils", "fis-gtm-7.0",
    "valgrind", "cmake",  # cmake: the bundled liblzma is built by its own CMake
    "clang", "libclang-rt-14-dev",  # libFuzzer, for invoke fuzz
]
PIP_PACKAGES = ["cffi>=1.15", "pytest>=7", "invoke>=2", "zstandard>=0.22", "setuptools>=61",
                "wheel",
                "lz4>=4", "brotli>=1"]  # python-lz4: raw-block decoder of conformance; bench peers
# ---- easynetwork serializer: the extra stdcompress[easynetwork], its tests and bench ----
PIP_PACKAGES += ["easynetwork>=1.2,<2"]
# ---- hardening (issue 9): atheris fuzzes the call-out table parser (invoke fuzz --target table)
PIP_PACKAGES += ["atheris>=2"]


def dev_env(libdir: Path = BUILD / "so") -> dict:
    """The environment the harness runs hosts and tests in: the same variables an M user sets."""
    env = dict(os.environ)
    env["STDCOMPRESS_LIBDIR"] = str(libdir)
    env["GTMXC_stdcompress"] = str(ROOT / "xc" / "stdcompress.xc")
    env.pop("ydb_xc_stdcompress", None)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "bridge" / "python"), str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def _missing_apt():
    out = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Status}\n", *APT_PACKAGES],
                         capture_output=True, text=True).stdout
    installed = {ln.split()[0] for ln in out.splitlines() if ln.endswith("install ok installed")}
    return [p for p in APT_PACKAGES if p not in installed]


@task
def setup(c):
    """Install what is missing (apt packages, pip packages), then build."""
    missing = _missing_apt()
    if missing:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    "--root-user-action=ignore", *PIP_PACKAGES], check=True)
    _build_pylz4_stream()
    build(c)


# python-lz4's experimental lz4.stream, the peer of stdcompress.lz4.stream's tests and bench.
PYLZ4_STREAM = BUILD / "pylz4-stream"
PYLZ4_STREAM_VERSION = "4.4.5"


def _build_pylz4_stream():
    """lz4.stream is not in python-lz4's wheels: build it from the sdist with
    PYLZ4_EXPERIMENTAL=1 into a target directory of its own (it shadows nothing; the tests load
    it from there, tests/pylz4_stream_peer.py).  It links the bundled liblz4 (through a pkg-config
    file naming the static archive), so peer and library are one lz4 version and their streams
    can be compared byte for byte; it is rebuilt when the bundled codecs change."""
    codecs = codecs_prefix()
    stamp = PYLZ4_STREAM / ".codecs"
    if any((PYLZ4_STREAM / "lz4" / "stream").glob("_stream*.so")) and stamp.exists() and \
            stamp.read_text() == str(codecs):
        return
    shutil.rmtree(PYLZ4_STREAM, ignore_errors=True)
    pcdir = BUILD / "pylz4-stream-pkgconfig"
    pcdir.mkdir(parents=True, exist_ok=True)
    from third_party.codecs import pins
    version = pins()["lz4"].version
    (pcdir / "liblz4.pc").write_text(
        f"Name: lz4\nDescription: the bundled liblz4\nVersion: {version}\n"
        f"Cflags: -I{codecs / 'include'}\nLibs: -L{codecs / 'lib'} -llz4\n")
    env = dict(os.environ, PYLZ4_EXPERIMENTAL="1", PKG_CONFIG_LIBDIR=str(pcdir),
               PKG_CONFIG_PATH="")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    "--root-user-action=ignore", "--no-deps", "--no-binary", "lz4",
                    "--no-cache-dir",  # a cached wheel may be linked to another liblz4
                    "--target", str(PYLZ4_STREAM), f"lz4=={PYLZ4_STREAM_VERSION}"],
                   check=True, env=env)
    stamp.write_text(str(codecs))


def codecs_prefix() -> Path:
    """The bundled codecs (third_party/codecs.lock): fetched, checked and built into build/codecs/
    once, reused while the lock file and its builder are unchanged."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from third_party import codecs
    try:
        return codecs.build(quiet=True)
    except codecs.SourceError as e:
        sys.exit(f"codecs: {e}")


@task(help={"system_libs": "link the system's codec libraries (the -dev packages) instead of "
                           "the bundled ones; default out build/so-system"})
def build(c, sanitize="", out="", system_libs=False) -> Path:
    """Build the shared object (make in callouts/), the bundled codecs linked in statically.
    Returns the directory it is in."""
    default = "so-system" if system_libs else ("so" if not sanitize else "san")
    out = out or str(BUILD / default)
    codecs = "" if system_libs else str(codecs_prefix())
    args = ["make", "-s", "-C", str(ROOT / "callouts"), f"OUT={out}", f"CODECS={codecs}"]
    if sanitize:
        args.append(f"SANITIZE={sanitize}")
    subprocess.run(args, check=True)
    # The bridge's compiled trampoline, in place (pip builds it into wheels the same way).
    subprocess.run([sys.executable, str(ROOT / "bridge" / "python" / "stdcompress" /
                                        "_trampoline_build.py")], check=True)
    # stdcompress._buffers: the buffer types of stdcompress.zstd (issue 7), in place
    subprocess.run([sys.executable, str(ROOT / "bridge" / "python" / "stdcompress" /
                                        "_buffers_build.py")], check=True, stdout=subprocess.DEVNULL)
    return Path(out)


def _pytest(args, env):
    r = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=ROOT, env=env)
    if r.returncode != 0:
        sys.exit(r.returncode)


@task(help={"system_libs": "against the --system-libs build (version drift is reported, "
                           "not failed)"})
def conformance(c, host="", system_libs=False):
    """Run the conformance corpus through every host available (or --host NAME); print the report."""
    libdir = build(c, system_libs=system_libs)
    r = subprocess.run([sys.executable, "-m", "conformance.runner", *(["--host", host] if host else [])],
                       cwd=ROOT, env=dev_env(libdir))
    if r.returncode != 0:
        sys.exit(r.returncode)


@task(help={"check": "only check: fail, naming the difference, when the table is stale"})
def table(c, check=False):
    """Generate the call-out table xc/stdcompress.xc from xc/stdcompress.spec."""
    rc = subprocess.run([sys.executable, str(ROOT / "xc" / "generate.py"),
                         *(["--check"] if check else [])]).returncode
    if rc:
        raise SystemExit(rc)


@task
def fixtures(c):
    """Regenerate the conformance corpus and print what changed. Review with git diff."""
    build(c)
    r = subprocess.run([sys.executable, "-m", "conformance.generate"], cwd=ROOT, env=dev_env())
    if r.returncode != 0:
        sys.exit(r.returncode)


@task
def test(c, k=""):
    """The whole test suite, then the sanitizer run."""
    build(c)
    _pytest(["-q", *(["-k", k] if k else [])], dev_env())
    sanitize(c)


@task
def sanitize(c):
    """C-facing tests against an AddressSanitizer + UndefinedBehaviorSanitizer build."""
    libdir = BUILD / "san"
    build(c, sanitize="address,undefined", out=str(libdir))
    symbols = subprocess.run(["nm", "-D", str(libdir / "libstdcompress.so")], capture_output=True,
                             text=True, check=True).stdout
    if "__asan_init" not in symbols or "__ubsan_handle" not in symbols:
        sys.exit(f"{libdir} is not instrumented: refusing to report a sanitizer run")
    env = dev_env(libdir)
    libasan = subprocess.run(["gcc", "-print-file-name=libasan.so"], capture_output=True,
                             text=True, check=True).stdout.strip()
    libubsan = subprocess.run(["gcc", "-print-file-name=libubsan.so"], capture_output=True,
                              text=True, check=True).stdout.strip()
    env["LD_PRELOAD"] = f"{libasan} {libubsan}"
    # CPython itself is not leak-clean under LeakSanitizer; leaks are valgrind's job (issue 9).
    env["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1:strict_string_checks=1"
    env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    env["STDCOMPRESS_SANITIZED"] = "1"
    _pytest(["-q", "-m", "c_facing", "-p", "no:cacheprovider"], env)


M_ROUTINES = ["STDCOMPRESS", "STDCGLOB"]  # what an install ships; the other bridge/m routines are tests


def _engine():
    """The GT.M / YottaDB engine (conformance/engine_host.py finds it), or None."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from conformance.engine_host import find_engine
    return find_engine()


@task
def engine(c):
    """Install GT.M if it is missing, build, run the engine tests (pytest -m engine)."""
    if _engine() is None:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        aenv = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=aenv)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "fis-gtm-7.0"], check=True,
                       env=aenv)
    build(c)
    _pytest(["-q", "-m", "engine"], dev_env())


def _lay_out_plugin(plugin: Path, objects_required: bool = False) -> None:
    """Lay out the directory plugin as a YottaDB plugin: the library of build/so, its header, the
    table, r/*.m, o/*.o (M mode) and o/utf8/*.o (UTF-8 mode).  Objects need an engine: without
    one (or without its UTF-8 mode) they are left out with a warning, or, with
    objects_required, that is an error."""
    for d in (plugin / "r", plugin / "o" / "utf8"):
        d.mkdir(parents=True, exist_ok=True)
    shutil.copy2(BUILD / "so" / "libstdcompress.so", plugin / "libstdcompress.so")
    shutil.copy2(ROOT / "callouts" / "stdcompress.h", plugin / "stdcompress.h")
    shutil.copy2(ROOT / "xc" / "stdcompress.xc", plugin / "stdcompress.xc")
    for name in M_ROUTINES:
        shutil.copy2(ROOT / "bridge" / "m" / f"{name}.m", plugin / "r" / f"{name}.m")

    def missing(why):
        if objects_required:
            sys.exit(f"{why}: the M objects cannot be compiled")
        print(f"warning: {why}", file=sys.stderr)

    eng = _engine()
    if eng is None:
        return missing("no GT.M/YottaDB found: plugin/o is empty (routines compile on first use"
                       " only if o/ is writable)")
    for mode, objdir in (("M", plugin / "o"), ("UTF-8", plugin / "o" / "utf8")):
        if mode == "UTF-8" and eng.utf8_unavailable():
            missing(f"no UTF-8 objects: {eng.utf8_unavailable()}")
            continue
        problems = eng.compile(mode, plugin / "r", objdir, M_ROUTINES)
        if problems:
            sys.exit(f"compiling for {mode} mode: " + "; ".join(problems))


@task
def install(c, prefix):
    """Lay out PREFIX/plugin as a YottaDB plugin: library, header, table, r/*.m, o/*.o (M mode)
    and o/utf8/*.o (UTF-8 mode).  Objects need an engine; without one they are left out."""
    build(c)
    plugin = Path(prefix).resolve() / "plugin"
    _lay_out_plugin(plugin)
    print(f"installed {plugin}")


# ---- invoke dist: the plugin as one archive for M users (docs/dist.md) ----
# The archive's README.md, with @VERSION@ and @ARCHIVE@ (the archive's file name) filled in.
DIST_README = ROOT / "docs" / "dist-README.md"
# The licence of each bundled codec, as its source tree names it: the library carries their code.
CODEC_LICENSES = {"zstd": "LICENSE", "libdeflate": "COPYING", "lz4": "lib/LICENSE",
                  "zlib": "LICENSE", "brotli": "LICENSE",
                  "xz": "COPYING.0BSD"}  # liblzma's licence (the tools' GPL parts are not built)


def _library_version(libdir: Path) -> str:
    """stdcompress's version as the library in libdir reports it (versions()); refuses a library
    not built with the bundled codecs, or one whose version is not the Python package's."""
    r = subprocess.run([sys.executable, "-c", "import json, stdcompress as s; print(json.dumps("
                        "[s.__version__, s.versions()]))"], env=dev_env(libdir), cwd=ROOT,
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"versions() of {libdir / 'libstdcompress.so'} failed: {r.stderr.strip()}")
    package, versions = json.loads(r.stdout)
    if versions.get("codecs") != "bundled":
        sys.exit(f"the library reports codecs={versions.get('codecs')}, not bundled")
    if versions["stdcompress"] != package:
        sys.exit(f"the library is stdcompress {versions['stdcompress']}, the package {package}")
    return package


def _tar_gz(top: Path, archive: Path, mtime: int) -> None:
    """archive: top and everything below it, entries sorted, owner root, modes 755 (directories,
    the library) or 644, every mtime the same (GT.M keeps objects that are not older than their
    sources), gzip without a name or time: the same files give the same bytes."""
    paths = [top, *sorted(top.rglob("*"), key=lambda p: p.relative_to(top).parts)]
    tmp = archive.with_name(archive.name + ".tmp")
    with open(tmp, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=mtime) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for p in paths:
            info = tar.gettarinfo(str(p), arcname=str(p.relative_to(top.parent)))
            info.mtime, info.uid, info.gid, info.uname, info.gname = mtime, 0, 0, "root", "root"
            info.mode = 0o755 if p.is_dir() or p.suffix == ".so" else 0o644
            if p.is_dir():
                tar.addfile(info)
            else:
                with open(p, "rb") as f:
                    tar.addfile(info, f)
    tmp.replace(archive)


def _source_date() -> int:
    """SOURCE_DATE_EPOCH when set, else the time of the last commit (0 outside git)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    r = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True,
                       text=True)
    return int(r.stdout.strip() or 0) if r.returncode == 0 else 0


@task(help={"out": "directory the archive is written to (default build/dist)"})
def dist(c, out="") -> Path:
    """OUT/stdcompress-<version>-linux-<machine>.tar.gz: the plugin layout of `invoke install`
    (the bundled-codec library, table, header, routines, M and UTF-8 objects) under
    stdcompress-<version>/, with a README for M users and the licences.  Needs an engine (the
    objects); returns the archive's path."""
    libdir = build(c)
    version = _library_version(libdir)
    name = f"stdcompress-{version}"
    out_dir = Path(out or BUILD / "dist").resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / f"{name}-{platform.system().lower()}-{platform.machine()}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="stdc-dist-") as tmp:
        top = Path(tmp) / name
        _lay_out_plugin(top / "plugin", objects_required=True)
        readme = DIST_README.read_text().replace("@ARCHIVE@", archive.name)
        (top / "README.md").write_text(readme.replace("@VERSION@", version))
        (top / "licenses").mkdir()
        shutil.copy2(ROOT / "LICENSE", top / "licenses" / "stdcompress.txt")
        from third_party import codecs
        for codec, pin in codecs.pins().items():
            shutil.copy2(codecs.source_tree(codec) / CODEC_LICENSES[codec],
                         top / "licenses" / f"{codec}-{pin.version}.txt")
        _tar_gz(top, archive, _source_date())
    print(archive)
    return archive


@task
def env(c, prefix="", chset="M"):
    """Print the exports for calling the library from M (GT.M and YottaDB) and Python.

    With --prefix: an `invoke install --prefix` layout; without: this work tree (objects go to
    build/m).  --chset UTF-8 makes the UTF-8 mode routine lines the active ones."""
    if prefix:
        plugin = Path(prefix).resolve() / "plugin"
        libdir, table, rdir, odir = plugin, plugin / "stdcompress.xc", plugin / "r", plugin / "o"
    else:
        libdir, table = BUILD / "so", ROOT / "xc" / "stdcompress.xc"
        rdir, odir = ROOT / "bridge" / "m", BUILD / "m" / "o"
        for d in (odir, odir / "utf8"):
            d.mkdir(parents=True, exist_ok=True)
    q = shlex.quote
    print(f"export STDCOMPRESS_LIBDIR={q(str(libdir))}")
    print(f"export GTMXC_stdcompress={q(str(table))}  # GT.M (YottaDB reads it too)")
    print(f"export ydb_xc_stdcompress={q(str(table))}  # YottaDB")
    utf8 = chset.upper().replace("-", "") == "UTF8"
    for mode, objects in (("M", odir), ("UTF-8", odir / "utf8")):
        active = (mode == "UTF-8") == utf8
        lead = "" if active else "# "
        print(f"# {mode} mode (gtm_chset={mode}, ydb_chset={mode})"
              + ("" if active else f": use these lines instead (invoke env --chset {mode})"))
        print(f'{lead}export gtmroutines="{objects}({rdir}) $gtmroutines"')
        print(f'{lead}export ydb_routines="{objects}({rdir}) $ydb_routines"')


@task
def clean(c):
    shutil.rmtree(BUILD, ignore_errors=True)


@task
def bench(c, quick=False, compare="", only=""):
    """Benchmark (issue 4): build, then print the table and write build/bench/*.json.
    --quick: a smoke run of seconds; --compare FILE: also print deltas against an earlier JSON;
    --only 'lz4 stream,small items': only the sections whose names contain those parts."""
    build(c)
    args = [*(["--quick"] if quick else []), *(["--compare", str(Path(compare).resolve())]
                                                if compare else []),
            *(["--only", only] if only else [])]
    r = subprocess.run([sys.executable, "-m", "bench.run", *args], cwd=ROOT, env=dev_env())
    if r.returncode != 0:
        sys.exit(r.returncode)


@task
def stream_campaign(c, mib=1024, codec=""):
    """Streams (issue 6): mib MiB (default 1 GiB) through every codec's stream, compressed and
    decompressed piece by piece, from Python and from M, with each run's peak RSS."""
    build(c)
    r = subprocess.run([sys.executable, "-m", "bench.campaign", "--mib", str(int(mib)),
                        *(["--codec", codec] if codec else [])], cwd=ROOT, env=dev_env())
    if r.returncode != 0:
        sys.exit(r.returncode)


@task
def globals_campaign(c, mib=64, codec=""):
    """Values in globals (issue 18): mib MiB (default 64) per codec through compressToGlobal
    at 256-byte records and back, checked, MB/s beside compressFile/decompressFile."""
    build(c)
    r = subprocess.run([sys.executable, "-m", "bench.globals_campaign", "--mib", str(int(mib)),
                        *(["--codec", codec] if codec else [])], cwd=ROOT, env=dev_env())
    if r.returncode != 0:
        sys.exit(r.returncode)


@task
def fuzz(c, seconds=60, target="", replay_only=False):
    """Fuzz every target of fuzz/targets.py (libFuzzer + ASan + UBSan; atheris for the table
    parser) for N seconds each, seeded from the conformance corpus, after replaying
    fuzz/regressions/; one line of figures per target.  --target NAME: that one only.
    Exits non-zero on a crash; the input is kept in build/fuzz/crashes/<target>/."""
    build(c)  # the lz4stream seeds are written through the bridge
    r = subprocess.run([sys.executable, "-m", "fuzz.run", "--seconds", str(int(seconds)),
                        *(["--target", target] if target else []),
                        *(["--replay-only"] if replay_only else [])], cwd=ROOT, env=dev_env())
    if r.returncode != 0:
        sys.exit("fuzz: a target crashed (see above)" if r.returncode == 1 else r.returncode)


# ---- hardening (issue 9): the corruption sweep ----
@task
def sweep(c, full=False, codec=""):
    """Every conformance fixture through every decoder of its format (one-shot and stream),
    truncated and bit-flipped: clean errors or the exact plaintext (fuzz/sweep.py).  CI runs
    the default plan (tests/test_sweep.py); --full the long one."""
    build(c)
    r = subprocess.run([sys.executable, "-m", "fuzz.sweep", *(["--full"] if full else []),
                        *(["--codec", codec] if codec else [])], cwd=ROOT, env=dev_env())
    if r.returncode != 0:
        sys.exit(r.returncode)
