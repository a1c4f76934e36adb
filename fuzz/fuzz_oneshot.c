/* fuzz_oneshot.c - libFuzzer target over ONE one-shot decoder entry, called as the M runtime
 * calls it (argc, output preallocated to a tier's exact size).  Built once per entry family
 * (fuzz/Makefile: -DFUZZ_ENTRY=stdc_gunzip and so on), so each family has its own figures.
 *
 * Input: byte 0 picks the output tier (1 KiB, 64 KiB, 1 MiB); the rest is the compressed data.
 * For stdc_lz4_block_decompress (FUZZ_BLOCK) bytes 1..3 are the declared size (little-endian).
 * Out-of-bounds access, UB, a result longer than the output, or an inconsistent result code
 * aborts.  The deflate family (FUZZ_ZLIB_WBITS) is also checked against zlib's inflate: when
 * libdeflate succeeds and zlib decodes the same input as one complete stream, the bytes must
 * be the same. */
#include "fuzz.h"

#ifdef FUZZ_ZLIB_WBITS
#include <zlib.h>

static void against_zlib(const uint8_t *data, size_t size, const gtm_string_t *out)
{
	static unsigned char *buf;
	z_stream z;
	int zr;

	if (buf == NULL && (buf = malloc(STDC_MAX_STRING + 1)) == NULL)
		abort();
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, FUZZ_ZLIB_WBITS) != Z_OK)
		abort();
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)size;
	z.next_out = buf;
	z.avail_out = STDC_MAX_STRING + 1;
	zr = inflate(&z, Z_FINISH);
	if (zr == Z_STREAM_END && z.avail_in == 0) /* one whole stream, nothing after it */
		FUZZ_CHECK(z.total_out == (uLong)out->length &&
				   memcmp(buf, out->address, (size_t)out->length) == 0,
			   "libdeflate gave %ld bytes, zlib %lu, or other bytes", (long)out->length,
			   (unsigned long)z.total_out);
	inflateEnd(&z);
}
#endif

#ifndef FUZZ_ENTRY
#error "build with -DFUZZ_ENTRY=stdc_<decoder> (fuzz/Makefile)"
#endif
#define STR2(x) #x
#define STR(x) STR2(x)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long cap;
	gtm_string_t in, out;
	gtm_long_t r;

	if (size < 1 || size > STDC_MAX_STRING)
		return 0;
	cap = fuzz_tiers[data[0] % 3];
	data++, size--;
	out = fuzz_output(cap);
#ifdef FUZZ_BLOCK
	{
		gtm_long_t n = 0;

		if (size >= 3) {
			n = data[0] | data[1] << 8 | (gtm_long_t)data[2] << 16;
			data += 3, size -= 3;
		}
		in = (gtm_string_t){(gtm_long_t)size, (char *)data};
		r = FUZZ_ENTRY(3, &in, &out, n);
		if (r == 0)
			FUZZ_CHECK(out.length == n, "lz4 block: %ld bytes, declared %ld",
				   (long)out.length, (long)n);
	}
#else
	in = (gtm_string_t){(gtm_long_t)size, (char *)data};
	r = FUZZ_ENTRY(2, &in, &out);
#ifdef FUZZ_ZLIB_WBITS
	if (r == 0)
		against_zlib(data, size, &out);
#endif
#endif
	fuzz_settle(STR(FUZZ_ENTRY), r, &out, cap);
	fuzz_free(&out);
	return 0;
}
