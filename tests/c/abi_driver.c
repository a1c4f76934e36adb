/* abi_driver.c - calls every entry of libstdcompress.so the way the M runtime does (argc first,
 * outputs preallocated), on valid, corrupt and oversized input, in the main thread and in a
 * thread that exits.  Run under valgrind memcheck by tests/test_memcheck.py: any invalid access
 * or definitely lost byte fails the test.  Exit status: number of failed checks. */

#include "driver.h"

typedef gtm_long_t (*compress_fn)(int, gtm_string_t *, gtm_string_t *, gtm_long_t);
typedef gtm_long_t (*decompress_fn)(int, gtm_string_t *, gtm_string_t *);

#define DRIVER_N 300000 /* the plaintext size exercise() uses */

/* LZ4 and brotli entries whose shape differs, adapted (argc passed through as the runtime
 * would): the raw block decoder gets its size, HC levels, brotli with its window unset. */
static gtm_long_t lz4block_d(int argc, gtm_string_t *in, gtm_string_t *out)
{
	return stdc_lz4_block_decompress(argc < 2 ? argc : 3, in, out, DRIVER_N);
}

static gtm_long_t lz4hc_c(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return stdc_lz4_compress(argc, in, out, level == 1 ? 9 : level);
}

static gtm_long_t lz4framehc_c(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return stdc_lz4_frame_compress(argc, in, out, level == 1 ? 12 : level);
}

/* libdeflate's strongest levels, through their own entries (1 is BAD-LEVEL there) */
static gtm_long_t gzip_best_c(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return stdc_gzip_best(argc, in, out, level == 1 ? 12 : level);
}

static gtm_long_t deflate_best_c(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return stdc_deflate_best(argc, in, out, level == 1 ? 11 : level);
}

static gtm_long_t zlib_best_c(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return stdc_zlib_best(argc, in, out, level == 1 ? 10 : level);
}

static gtm_long_t brotli_c(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return stdc_brotli_compress(argc, in, out, level, 0);
}

/* xz's extreme presets: levels 10..19 (xz -0e..-9e) */
static gtm_long_t xz_extreme_c(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return stdc_xz_compress(argc, in, out, level == 1 ? 16 : level);
}

static const struct {
	const char *name;
	compress_fn compress;
	decompress_fn decompress;
} codecs[] = {
	{"gzip", stdc_gzip, stdc_gunzip},
	{"deflate", stdc_deflate, stdc_inflate},
	{"zlib", stdc_zlib, stdc_unzlib},
	{"gzipBest", gzip_best_c, stdc_gunzip},
	{"deflateBest", deflate_best_c, stdc_inflate},
	{"zlibBest", zlib_best_c, stdc_unzlib},
	{"zstd", stdc_zstd_compress, stdc_zstd_decompress},
	{"lz4", stdc_lz4_compress, stdc_lz4_decompress},
	{"lz4hc", lz4hc_c, stdc_lz4_decompress},
	{"lz4block", stdc_lz4_block_compress, lz4block_d},
	{"lz4frame", stdc_lz4_frame_compress, stdc_lz4_frame_decompress},
	{"lz4framehc", lz4framehc_c, stdc_lz4_frame_decompress},
	{"brotli", brotli_c, stdc_brotli_decompress},
	{"xz", stdc_xz_compress, stdc_xz_decompress},
	{"xzExtreme", xz_extreme_c, stdc_xz_decompress},
};

static void exercise(void)
{
	size_t n = DRIVER_N;
	char *plain = malloc(n);
	gtm_string_t in, out, back, small, held;

	for (size_t i = 0; i < n; i++)
		plain[i] = (char)("stdcompress abi driver "[i % 23] + (i / 4096) % 7);
	for (size_t c = 0; c < sizeof(codecs) / sizeof(codecs[0]); c++) {
		in = (gtm_string_t){(gtm_long_t)n, plain};
		out = output(STDC_MAX_STRING);
		CHECK(codecs[c].compress(3, &in, &out, 1) == 0, "%s compress", codecs[c].name);
		back = output(STDC_MAX_STRING);
		CHECK(codecs[c].decompress(2, &out, &back) == 0 && back.length == (gtm_long_t)n &&
			      memcmp(back.address, plain, n) == 0, "%s round trip", codecs[c].name);
		/* a small tier: the result is held, then taken */
		small = output(1024);
		CHECK(codecs[c].decompress(2, &out, &small) == (gtm_long_t)n, "%s held", codecs[c].name);
		held = output(65536);
		CHECK(stdc_take(1, &held) == (gtm_long_t)n, "%s take64k keeps it", codecs[c].name);
		free(held.address);
		held = output(STDC_MAX_STRING);
		CHECK(stdc_take(1, &held) == 0 && held.length == (gtm_long_t)n, "%s take", codecs[c].name);
		/* truncated and corrupt input, too few arguments, bad level */
		for (gtm_long_t cut = 0; cut < out.length; cut += out.length / 7 + 1) {
			gtm_string_t part = {cut, out.address};

			back.length = STDC_MAX_STRING;
			CHECK(codecs[c].decompress(2, &part, &back) <= 0, "%s truncated", codecs[c].name);
		}
		out.address[out.length / 2] ^= 0x5a;
		back.length = STDC_MAX_STRING;
		codecs[c].decompress(2, &out, &back);
		CHECK(codecs[c].decompress(1, &out, NULL) == -STDC_E_BAD_ARGS, "%s argc", codecs[c].name);
		CHECK(codecs[c].compress(3, &in, &out, 99) == -STDC_E_BAD_LEVEL, "%s level", codecs[c].name);
		free(out.address);
		free(back.address);
		free(small.address);
		free(held.address);
	}
	/* an LZ4 frame whose worst-case bound exceeds 1 MiB: compressed through the bounce buffer */
	{
		size_t big = STDC_MAX_STRING - 100;
		char *text = malloc(big);

		for (size_t i = 0; i < big; i++)
			text[i] = (char)("near the limit "[i % 15] + (i / 1000) % 5);
		in = (gtm_string_t){(gtm_long_t)big, text};
		out = output(STDC_MAX_STRING);
		CHECK(stdc_lz4_frame_compress(2, &in, &out, 0) == 0, "lz4 frame near 1 MiB");
		back = output(STDC_MAX_STRING);
		CHECK(stdc_lz4_frame_decompress(2, &out, &back) == 0 && back.length == (gtm_long_t)big &&
			      memcmp(back.address, text, big) == 0, "lz4 frame near 1 MiB round trip");
		free(back.address);
		free(out.address);
		free(text);
	}
	/* xz: two concatenated streams of 600 KB each decode past the limit (a small bomb),
	 * in the largest tier and a small one */
	{
		size_t part = 600000;
		char *zeros = calloc(1, part);
		gtm_string_t twice;

		in = (gtm_string_t){(gtm_long_t)part, zeros};
		out = output(STDC_MAX_STRING);
		CHECK(stdc_xz_compress(2, &in, &out, 0) == 0, "xz zeros");
		twice = output(2 * (size_t)out.length);
		memcpy(twice.address, out.address, (size_t)out.length);
		memcpy(twice.address + out.length, out.address, (size_t)out.length);
		twice.length = 2 * out.length;
		back = output(STDC_MAX_STRING);
		CHECK(stdc_xz_decompress(2, &twice, &back) == -STDC_E_OUTPUT_TOO_LARGE, "xz bomb");
		free(back.address);
		back = output(1024);
		CHECK(stdc_xz_decompress(2, &twice, &back) == -STDC_E_OUTPUT_TOO_LARGE, "xz bomb 1k");
		free(back.address);
		free(twice.address);
		free(out.address);
		free(zeros);
	}
	/* a result over the limit */
	for (size_t i = 0; i < n; i++)
		plain[i] = (char)(rand() & 0xff);
	in = (gtm_string_t){(gtm_long_t)n, plain};
	out = output(64); /* incompressible into a tiny tier: staged, then held */
	CHECK(stdc_zstd_compress(2, &in, &out, 0, 0) > 0, "zstd held incompressible");
	free(out.address);
	free(plain);
	out = output(512);
	CHECK(stdc_versions(1, &out) == 0 && stdc_available(1, &out) == 0 &&
		      stdc_last_error(1, &out) == 0 && stdc_limits(1, &out) == 0, "info entries");
	free(out.address);
}

/* The Python bridge's entries of any size (not call-outs): past 1 MiB, and hostile lengths. */
static void any_size(void)
{
	size_t n = STDC_MAX_STRING + 4096, cap = n + n / 255 + 16 + 4, big = n + n / 8 + 1024;
	char *plain = malloc(n), *packed = malloc(cap), *back = malloc(n), *wide = malloc(big);
	gtm_long_t len;

	for (size_t i = 0; i < n; i++)
		plain[i] = (char)("any size "[i % 9] + (i / 5000) % 11);
	for (int sized = 0; sized <= 1; sized++) {
		len = stdc_lz4_py_block(0, sized, plain, n, packed, cap, 1);
		CHECK(len > 0, "lz4 py block compress (sized %d)", sized);
		CHECK(stdc_lz4_py_block(1, sized, packed, (size_t)len, back, n, (gtm_long_t)n) ==
			      (gtm_long_t)n && memcmp(back, plain, n) == 0,
		      "lz4 py block round trip (sized %d)", sized);
		CHECK(stdc_lz4_py_block(1, sized, packed, (size_t)len, back, n - 1, (gtm_long_t)n) < 0,
		      "lz4 py block: an output short of the size (sized %d)", sized);
		CHECK(stdc_lz4_py_block(0, sized, plain, n, packed, 10, 1) < 0,
		      "lz4 py block: an output short of the result (sized %d)", sized);
		CHECK(stdc_lz4_py_block(0, sized, plain, (size_t)0x7E000001, packed, cap, 1) ==
			      -STDC_E_BAD_ARGS, "lz4 py block: over LZ4_MAX_INPUT_SIZE, nothing read");
		CHECK(stdc_lz4_py_block(0, sized, plain, (size_t)-1, packed, cap, 1) ==
			      -STDC_E_BAD_ARGS, "lz4 py block: SIZE_MAX input, nothing read");
		CHECK(stdc_lz4_py_block(0, sized, plain, n, NULL, cap, 1) == -STDC_E_BAD_ARGS,
		      "lz4 py block: no output");
		CHECK(stdc_lz4_py_block(0, sized, plain, n, packed, cap, 0) == -STDC_E_BAD_LEVEL,
		      "lz4 py block: level 0");
	}
	CHECK(stdc_lz4_py_block(1, 0, packed, 10, back, n, (gtm_long_t)0x7E000001) ==
		      -STDC_E_OUTPUT_TOO_LARGE, "lz4 py block: a size over LZ4's limit");
	memcpy(packed, "\xff\xff\xff\xff", 4);
	CHECK(stdc_lz4_py_block(1, 1, packed, 40, back, n, 0) == -STDC_E_OUTPUT_TOO_LARGE,
	      "lz4 py block: a prefix of 4 GiB");
	len = stdc_deflate_py_best(0 /* gzip */, plain, n, wide, big, 10);
	CHECK(len > 18 && (unsigned char)wide[0] == 0x1f, "deflate py best gzip past 1 MiB");
	CHECK(stdc_deflate_py_best(3, plain, n, wide, big, 10) == -STDC_E_BAD_ARGS,
	      "deflate py best: bad format");
	CHECK(stdc_deflate_py_best(1 /* raw */, plain, n, wide, big, 9) == -STDC_E_BAD_LEVEL,
	      "deflate py best: level 9");
	CHECK(stdc_deflate_py_best(2 /* zlib */, plain, n, wide, 100, 10) < 0,
	      "deflate py best: an output short of the result");
	len = stdc_brotli_py_compress(plain, n, wide, big, 1, 16);
	CHECK(len > 0, "brotli py compress past 1 MiB");
	CHECK(stdc_brotli_py_compress(plain, n, wide, big, 1, 9) == -STDC_E_BAD_ARGS,
	      "brotli py compress: window 9");
	CHECK(stdc_brotli_py_compress(plain, n, wide, 100, 1, 16) < 0,
	      "brotli py compress: an output short of the result");
	/* CRC-32: the check value of "123456789", the same in two pieces, past 1 MiB, bad args */
	CHECK(stdc_py_crc32(0, "123456789", 9) == 0xCBF43926L, "py crc32 check value");
	CHECK(stdc_py_crc32(stdc_py_crc32(0, "1234", 4), "56789", 5) == 0xCBF43926L,
	      "py crc32 continued");
	CHECK(stdc_py_crc32(0, plain, n) == stdc_py_crc32(stdc_py_crc32(0, plain, 1000), plain + 1000,
							   n - 1000), "py crc32 past 1 MiB in pieces");
	CHECK(stdc_py_crc32(7, NULL, 0) == 7, "py crc32 of nothing");
	CHECK(stdc_py_crc32(0, NULL, 1) == -STDC_E_BAD_ARGS, "py crc32: no data");
	CHECK(stdc_py_crc32(-1, plain, 1) == -STDC_E_BAD_ARGS &&
		      stdc_py_crc32(0x100000000L, plain, 1) == -STDC_E_BAD_ARGS,
	      "py crc32: crc outside 32 bits");
	{ /* the M call-out crc32(data[,crc]): argc, the continuation, the string limit */
		gtm_string_t nine = str("123456789"), four = str("1234"), five = str("56789");
		gtm_string_t over = {STDC_MAX_STRING + 1, plain};

		CHECK(stdc_crc32(1, &nine, 12345) == 0xCBF43926L, "crc32: argc 1 ignores crc");
		CHECK(stdc_crc32(2, &five, stdc_crc32(1, &four, 0)) == 0xCBF43926L,
		      "crc32 continued");
		CHECK(stdc_crc32(0, &nine, 0) == -STDC_E_BAD_ARGS, "crc32: argc 0");
		CHECK(stdc_crc32(1, NULL, 0) == -STDC_E_BAD_ARGS, "crc32: no data");
		CHECK(stdc_crc32(1, &over, 0) == -STDC_E_BAD_ARGS, "crc32: over the string limit");
		CHECK(stdc_crc32(2, &nine, -1) == -STDC_E_BAD_ARGS, "crc32: crc -1");
	}
	free(plain);
	free(packed);
	free(back);
	free(wide);
}

static void *thread_main(void *arg)
{
	(void)arg;
	exercise(); /* its contexts must be freed when it exits */
	return NULL;
}

int main(void)
{
	pthread_t t;

	exercise();
	any_size();
	if (pthread_create(&t, NULL, thread_main, NULL) != 0 || pthread_join(t, NULL) != 0)
		return 100;
	if (failures == 0)
		printf("abi_driver: all checks passed\n");
	return failures;
}
