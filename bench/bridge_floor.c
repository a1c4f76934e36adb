/* bridge_floor.c - the codec library's own one-shot calls made from C on the bytes the bridge
 * works on, into a warm buffer: the floor under the "bridge, 1 MiB items" decompression rows
 * and the zstd compression row (ours and python-zstandard both call these functions; neither
 * can beat them).
 *
 *   bridge_floor FILE FORMAT N   (FORMAT: gzip, raw, zlib or zstd to decode, zstd-3 to
 *                                 compress at level 3 with a checksum on a reused context; N
 *                                 calls a loop, best of 7 loops; microseconds per call and the
 *                                 result's size on stdout) */
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zstd.h>

#define LOOPS 7
#define OUT_MAX (1 << 20)

static unsigned char in[2 << 20], out[OUT_MAX];

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	ZSTD_DCtx *z = ZSTD_createDCtx();
	ZSTD_CCtx *c = ZSTD_createCCtx();
	double best = 1e9;
	size_t n, made = 0;
	long calls;
	FILE *f;

	if (argc != 4 || (f = fopen(argv[1], "rb")) == NULL || (calls = atol(argv[3])) <= 0) {
		fprintf(stderr, "usage: bridge_floor FILE gzip|raw|zlib|zstd|zstd-3 N\n");
		return 2;
	}
	n = fread(in, 1, sizeof(in), f);
	fclose(f);
	if (d == NULL || z == NULL || c == NULL)
		return 1;
	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	for (int loop = 0; loop <= LOOPS; loop++) { /* loop 0 warms up */
		double t = now();

		for (long i = 0; i < calls; i++) {
			enum libdeflate_result r = LIBDEFLATE_SUCCESS;

			if (strcmp(argv[2], "gzip") == 0)
				r = libdeflate_gzip_decompress(d, in, n, out, OUT_MAX, &made);
			else if (strcmp(argv[2], "raw") == 0)
				r = libdeflate_deflate_decompress(d, in, n, out, OUT_MAX, &made);
			else if (strcmp(argv[2], "zlib") == 0)
				r = libdeflate_zlib_decompress(d, in, n, out, OUT_MAX, &made);
			else if (strcmp(argv[2], "zstd-3") == 0) {
				if (ZSTD_isError(made = ZSTD_compress2(c, out, OUT_MAX, in, n)))
					return 1;
			} else if (ZSTD_isError(made = ZSTD_decompressDCtx(z, out, OUT_MAX, in, n)))
				return 1;
			if (r != LIBDEFLATE_SUCCESS)
				return 1;
		}
		if ((t = now() - t) < best && loop)
			best = t;
	}
	printf("%.2f %zu\n", best * 1e6 / calls, made);
	libdeflate_free_decompressor(d);
	ZSTD_freeDCtx(z);
	ZSTD_freeCCtx(c);
	return 0;
}
