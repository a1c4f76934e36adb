"""The C library without Python in the way. Each driver in tests/c/ calls entries as the M
runtime does (argc first, outputs preallocated). Normally a driver runs under valgrind memcheck
(0 errors, 0 bytes definitely lost); in the sanitizer run it is built with AddressSanitizer and
UBSan and runs with LeakSanitizer.

    abi_driver        every one-shot entry, tiers and held results, a thread that exits
    lz4stream_driver  LZ4 block streams: every tier, misuse, threads, handles open at dlclose
    stream_driver     streams of every codec: the pending protocol, misuse, bombs, dlclose,
                      corrupt and truncated streams
    batch_driver      batch entries of every codec on worker threads, hostile segments, the
                      prefix protocol, dictionaries (trained, one-shot, batch, thread exit),
                      threads calling at once; also run under ThreadSanitizer
    trainer_driver    the zstd dictionary trainer handle: 3 MiB of samples over many calls,
                      hostile segments, the caps, misuse, a trainer left open at exit
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, SANITIZED

pytestmark = pytest.mark.c_facing

# driver -> does it link the library (else it dlopens the path given as its argument)
DRIVERS = {"abi_driver": True, "lz4stream_driver": False, "stream_driver": False,
           "batch_driver": True, "trainer_driver": True}


def _library_dir() -> str:
    return os.environ["STDCOMPRESS_LIBDIR"]


@pytest.fixture(scope="module", params=sorted(DRIVERS))
def driver(request, tmp_path_factory):
    name = request.param
    exe = tmp_path_factory.mktemp(name) / name
    flags = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"] if SANITIZED else []
    libdir = _library_dir()
    link = ([f"-L{libdir}", "-lstdcompress", f"-Wl,-rpath,{libdir}"] if DRIVERS[name]
            else ["-ldl"])
    subprocess.run(["cc", "-O1", "-g", "-Wall", *flags, f"-I{ROOT / 'callouts'}", "-o", str(exe),
                    str(ROOT / "tests" / "c" / f"{name}.c"), *link, "-lpthread"], check=True)
    args = [] if DRIVERS[name] else [str(Path(libdir) / "libstdcompress.so")]
    return name, [str(exe), *args]


def _run(name, cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"{name}: all checks passed" in r.stdout
    return r


@pytest.mark.skipif(SANITIZED, reason="valgrind cannot run an AddressSanitizer build")
@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_memcheck_clean(driver):
    name, cmd = driver
    r = _run(name, ["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite",
                    "--error-exitcode=99", *cmd])
    assert "ERROR SUMMARY: 0 errors" in r.stderr
    assert "definitely lost: 0 bytes" in r.stderr or "no leaks are possible" in r.stderr, \
        r.stderr[-2000:]


@pytest.mark.skipif(not SANITIZED, reason="only in the sanitizer run (invoke sanitize)")
def test_sanitizers_and_leaksanitizer_clean(driver):
    name, cmd = driver
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=1"
    _run(name, cmd, env)


# ---- the leak checkers themselves (issue 9): a run that reports nothing must mean something ----
LEAKER = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void)
{
	char *p = malloc(4096);

	memset(p, 1, 4096);
	p = NULL; /* 4096 bytes definitely lost */
	printf("leaker: %p\n", (void *)p);
	return 0;
}
"""


def _leaker(tmp_path, flags):
    src = tmp_path / "leaker.c"
    src.write_text(LEAKER)
    exe = tmp_path / "leaker"
    subprocess.run(["cc", "-O0", "-g", *flags, "-o", str(exe), str(src)], check=True)
    return str(exe)


@pytest.mark.skipif(SANITIZED, reason="valgrind cannot run an AddressSanitizer build")
@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_memcheck_as_run_here_catches_a_definite_leak(tmp_path):
    r = subprocess.run(["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite",
                        "--error-exitcode=99", _leaker(tmp_path, [])], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 99 and "definitely lost: 4,096 bytes" in r.stderr, r.stderr[-2000:]


@pytest.mark.skipif(not SANITIZED, reason="only in the sanitizer run (invoke sanitize)")
def test_leaksanitizer_as_run_here_catches_a_leak(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=1"
    r = subprocess.run([_leaker(tmp_path, ["-fsanitize=address,undefined"])], capture_output=True,
                       text=True, env=env, timeout=120)
    assert r.returncode != 0 and "LeakSanitizer: detected memory leaks" in r.stderr, r.stderr[-2000:]


def test_every_exported_entry_is_called_by_a_driver():
    """Each stdc_* symbol the library exports appears in a driver of tests/c/, so memcheck and
    LeakSanitizer see every entry (a new entry needs a driver line: COMMON rules, issue 9)."""
    lib = Path(_library_dir()) / "libstdcompress.so"
    out = subprocess.run(["nm", "-D", "--defined-only", str(lib)], capture_output=True,
                         text=True, check=True).stdout
    exported = {ln.split()[-1] for ln in out.splitlines() if ln.split()[-1].startswith("stdc_")}
    sources = "\n".join(p.read_text() for p in (ROOT / "tests" / "c").glob("*.c"))
    called = {s for s in exported if re.search(rf"\b{s}\b", sources)}
    assert len(exported) >= 30 and exported == called, sorted(exported - called)


# ---- ThreadSanitizer: the batch entries' worker threads and the kept helpers (the crew) ----
RACER = r"""
#include <pthread.h>
#include <stdio.h>
static long shared;
static void *bump(void *arg) { (void)arg; for (int i = 0; i < 100000; i++) shared++; return 0; }
int main(void)
{
	pthread_t a, b;

	pthread_create(&a, NULL, bump, NULL);
	pthread_create(&b, NULL, bump, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("racer: %ld\n", shared);
	return 0;
}
"""
TSAN_ENV = {"TSAN_OPTIONS": "halt_on_error=1:exitcode=66"}


@pytest.fixture(scope="module")
def tsan_library(tmp_path_factory):
    out = tmp_path_factory.mktemp("tsan")
    subprocess.run(["make", "-s", "-C", str(ROOT / "callouts"), f"OUT={out}", "SANITIZE=thread"],
                   check=True)
    return out


@pytest.mark.skipif(SANITIZED, reason="ThreadSanitizer cannot run beside AddressSanitizer")
def test_batch_driver_thread_sanitizer_clean(tsan_library, tmp_path):
    """batch_driver against a ThreadSanitizer build of the library: worker threads, helpers
    kept between calls, three threads calling at once, a thread that exits."""
    exe = tmp_path / "batch_driver"
    subprocess.run(["cc", "-O1", "-g", "-fsanitize=thread", f"-I{ROOT / 'callouts'}", "-o",
                    str(exe), str(ROOT / "tests" / "c" / "batch_driver.c"),
                    f"-L{tsan_library}", "-lstdcompress", f"-Wl,-rpath,{tsan_library}",
                    "-lpthread"], check=True)
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"} | TSAN_ENV
    r = subprocess.run([str(exe)], capture_output=True, text=True, env=env, timeout=900)
    assert r.returncode == 0 and "batch_driver: all checks passed" in r.stdout, \
        r.stdout[-2000:] + r.stderr[-4000:]


@pytest.mark.skipif(SANITIZED, reason="ThreadSanitizer cannot run beside AddressSanitizer")
def test_thread_sanitizer_as_run_here_catches_a_race(tmp_path):
    src = tmp_path / "racer.c"
    src.write_text(RACER)
    exe = tmp_path / "racer"
    subprocess.run(["cc", "-O1", "-g", "-fsanitize=thread", "-o", str(exe), str(src),
                    "-lpthread"], check=True)
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"} | TSAN_ENV
    r = subprocess.run([str(exe)], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 66 and "ThreadSanitizer: data race" in r.stderr, r.stderr[-2000:]
