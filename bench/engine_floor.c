/* engine_floor.c - the fastest C-only way to do the engine's small-item jobs on the same bytes,
 * with no runtime, wrapper or shim: the floor under the "engine (GT.M), 100 B item" rows.
 *
 *   gzip -6: libdeflate (what the shim calls) and zlib's deflate on a reused z_stream with the
 *   smallest window and memLevel that hold the item (the fastest C way found); the bench takes
 *   the faster.  zstd -3: ZSTD_compress2 on a reused context, checksum on (the shim's frames).
 *
 *   engine_floor FILE N      (FILE: the item; N calls a loop, best of 5 loops; microseconds
 *                              per call on stdout, one "job us" line each) */
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zlib.h>
#include <zstd.h>

#define LOOPS 5

static unsigned char in[1 << 16], out[1 << 17];

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Smallest zlib window (9..15 bits) that holds n bytes, so a small item costs a small state. */
static int window_bits(size_t n)
{
	int b = 9;

	while (b < 15 && ((size_t)1 << b) < n)
		b++;
	return b;
}

int main(int argc, char **argv)
{
	FILE *f;
	size_t n;
	long calls;
	double best[3] = {1e9, 1e9, 1e9};
	struct libdeflate_compressor *ld = libdeflate_alloc_compressor(6);
	ZSTD_CCtx *zc = ZSTD_createCCtx();
	z_stream zs = {0};

	if (argc != 3 || (f = fopen(argv[1], "rb")) == NULL || (calls = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: engine_floor FILE N\n");
		return 2;
	}
	n = fread(in, 1, sizeof(in), f);
	fclose(f);
	/* gzip wrapper (+16), level 6, memLevel 1 */
	if (ld == NULL || zc == NULL ||
	    deflateInit2(&zs, 6, Z_DEFLATED, window_bits(n) + 16, 1, Z_DEFAULT_STRATEGY) != Z_OK)
		return 1;
	ZSTD_CCtx_setParameter(zc, ZSTD_c_compressionLevel, 3);
	ZSTD_CCtx_setParameter(zc, ZSTD_c_checksumFlag, 1);
	for (int loop = 0; loop <= LOOPS; loop++) { /* loop 0 warms up */
		double t = now();

		for (long i = 0; i < calls; i++)
			if (libdeflate_gzip_compress(ld, in, n, out, sizeof(out)) == 0)
				return 1;
		if ((t = now() - t) < best[0] && loop)
			best[0] = t;
		t = now();
		for (long i = 0; i < calls; i++) {
			zs.next_in = in, zs.avail_in = (uInt)n;
			zs.next_out = out, zs.avail_out = sizeof(out);
			if (deflate(&zs, Z_FINISH) != Z_STREAM_END || deflateReset(&zs) != Z_OK)
				return 1;
		}
		if ((t = now() - t) < best[1] && loop)
			best[1] = t;
		t = now();
		for (long i = 0; i < calls; i++)
			if (ZSTD_isError(ZSTD_compress2(zc, out, sizeof(out), in, n)))
				return 1;
		if ((t = now() - t) < best[2] && loop)
			best[2] = t;
	}
	printf("gzip-libdeflate %.4f\ngzip-zlib-small %.4f\nzstd %.4f\n", best[0] * 1e6 / calls,
	       best[1] * 1e6 / calls, best[2] * 1e6 / calls);
	libdeflate_free_compressor(ld);
	deflateEnd(&zs);
	ZSTD_freeCCtx(zc);
	return 0;
}
