/*
 * shim_overhead.c - one codec call through the stdcompress entry point ("shim") or straight into
 * the codec library ("direct"), for callgrind to count the instructions of each.
 *
 *   shim_overhead shim|direct zstd-compress|zstd-decompress|gzip|gunzip FILE
 *   valgrind --tool=callgrind --toggle-collect=measured ./shim_overhead ...
 *
 * Both variants do the same setup, outside measured(): read FILE (at most 1 MiB), make the
 * compressed input of the decompression jobs (with the library, identically), create the codec
 * context and run the job once, so that context creation and first-use allocation are excluded
 * alike (the shim creates its per-thread contexts on that first call).  measured() then runs the
 * job once more.  The direct calls use what callouts/zstd.c and callouts/deflate.c use: level 3
 * with checksumFlag=1 and ZSTD_compress2 / ZSTD_decompressDCtx, libdeflate level 6 and
 * libdeflate_gzip_compress / libdeflate_gzip_decompress_ex, into a 1 MiB output (the largest
 * tier, which the shim writes into directly).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>
#include <zstd.h>

#include "stdcompress.h"

#define CAP STDC_MAX_STRING

static unsigned char *src, *dst;
static size_t src_len;
static int job; /* index into jobs[] */
static int shim;
static ZSTD_CCtx *zc;
static ZSTD_DCtx *zd;
static struct libdeflate_compressor *dc;
static struct libdeflate_decompressor *dd;

static const char *const jobs[] = {"zstd-compress", "zstd-decompress", "gzip", "gunzip"};

static size_t via_shim(void)
{
	gtm_string_t in = {(gtm_long_t)src_len, (char *)src}, out = {CAP, (char *)dst};
	gtm_long_t r;

	switch (job) {
	case 0: r = stdc_zstd_compress(3, &in, &out, 3, 0); break;
	case 1: r = stdc_zstd_decompress(2, &in, &out); break;
	case 2: r = stdc_gzip(3, &in, &out, 6); break;
	default: r = stdc_gunzip(2, &in, &out); break;
	}
	return r == 0 ? (size_t)out.length : 0;
}

static size_t direct(void)
{
	size_t r, used_in = 0, made = 0;

	switch (job) {
	case 0:
		r = ZSTD_compress2(zc, dst, CAP, src, src_len);
		return ZSTD_isError(r) ? 0 : r;
	case 1:
		r = ZSTD_decompressDCtx(zd, dst, CAP, src, src_len);
		return ZSTD_isError(r) ? 0 : r;
	case 2:
		return libdeflate_gzip_compress(dc, src, src_len, dst, CAP);
	default:
		if (libdeflate_gzip_decompress_ex(dd, src, src_len, dst, CAP, &used_in, &made) !=
		    LIBDEFLATE_SUCCESS)
			return 0;
		return made;
	}
}

static size_t run(void)
{
	return shim ? via_shim() : direct();
}

/* The one function callgrind counts (--toggle-collect=measured), callees included. */
__attribute__((noinline)) static size_t measured(void)
{
	return run();
}

int main(int argc, char **argv)
{
	FILE *f;

	if (argc != 4 || (strcmp(argv[1], "shim") && strcmp(argv[1], "direct"))) {
		fprintf(stderr, "usage: %s shim|direct zstd-compress|zstd-decompress|gzip|gunzip FILE\n",
			argv[0]);
		return 2;
	}
	shim = strcmp(argv[1], "shim") == 0;
	for (job = 0; job < 4 && strcmp(argv[2], jobs[job]); job++)
		;
	src = malloc(CAP);
	dst = malloc(CAP);
	if (job == 4 || src == NULL || dst == NULL || (f = fopen(argv[3], "rb")) == NULL) {
		fprintf(stderr, "%s: bad job, no memory or unreadable file\n", argv[0]);
		return 2;
	}
	src_len = fread(src, 1, CAP, f);
	fclose(f);

	zc = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(zc, ZSTD_c_compressionLevel, 3);
	ZSTD_CCtx_setParameter(zc, ZSTD_c_checksumFlag, 1);
	zd = ZSTD_createDCtx();
	dc = libdeflate_alloc_compressor(6);
	dd = libdeflate_alloc_decompressor();
	if (job == 1 || job == 3) { /* the compressed input, made the same way in both variants */
		size_t n = job == 1 ? ZSTD_compress2(zc, dst, CAP, src, src_len)
				    : libdeflate_gzip_compress(dc, src, src_len, dst, CAP);
		if (n == 0 || ZSTD_isError(n)) {
			fprintf(stderr, "%s: cannot compress the input\n", argv[0]);
			return 1;
		}
		memcpy(src, dst, n);
		src_len = n;
	}
	if (run() == 0 || measured() == 0) { /* warm-up, then the counted call */
		fprintf(stderr, "%s: %s %s failed\n", argv[0], argv[1], argv[2]);
		return 1;
	}
	return 0;
}
