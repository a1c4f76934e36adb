"""libdeflate itself, apart from stdcompress: a few lines of C over its one-shot API, linked
against the pinned build the library carries (third_party/codecs.lock).  What "libdeflate's
bytes" at a level are, for the tests of the strongest levels (gzip_best, $$gzipBest^...)."""

from __future__ import annotations

import subprocess
from pathlib import Path

SOURCE = r"""
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	static unsigned char in[1 << 20], out[(1 << 20) + 4096];
	size_t n, m;
	struct libdeflate_compressor *c;

	if (argc != 3)
		return 2;
	n = fread(in, 1, sizeof(in), stdin);
	if ((c = libdeflate_alloc_compressor(atoi(argv[2]))) == NULL)
		return 3;
	m = argv[1][0] == 'g' ? libdeflate_gzip_compress(c, in, n, out, sizeof(out))
	  : argv[1][0] == 'z' ? libdeflate_zlib_compress(c, in, n, out, sizeof(out))
	  : libdeflate_deflate_compress(c, in, n, out, sizeof(out));
	libdeflate_free_compressor(c);
	return m == 0 || fwrite(out, 1, m, stdout) != m ? 4 : 0;
}
"""


def build(workdir: Path):
    """A function (codec "gzip" | "deflate" | "zlib", level, data) -> libdeflate's bytes."""
    import tasks  # the repository's own: where the pinned codecs are built
    prefix = tasks.codecs_prefix()
    src, exe = workdir / "libdeflate_ref.c", workdir / "libdeflate_ref"
    src.write_text(SOURCE)
    subprocess.run(["cc", "-O1", f"-I{prefix / 'include'}", "-o", str(exe), str(src),
                    str(prefix / "lib" / "libdeflate.a")], check=True)

    def compress(codec: str, level: int, data: bytes) -> bytes:
        return subprocess.run([str(exe), codec, str(level)], input=data, capture_output=True,
                              check=True).stdout
    return compress
