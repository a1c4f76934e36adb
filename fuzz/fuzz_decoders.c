/* fuzz_decoders.c - libFuzzer harness: every decoder entry of libstdcompress, called the way
 * the M runtime calls it (argc, output preallocated to a tier's exact size), on hostile input.
 * Byte 0 picks the decoder and the output tier; the rest is the input.  Any read or write out of
 * bounds (AddressSanitizer), undefined behaviour (UBSan), a result longer than the output given,
 * or a success code with an inconsistent length aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stdcompress.h"

static const long tiers[] = {1024, 65536, STDC_MAX_STRING};

typedef gtm_long_t (*decoder)(int, gtm_string_t *, gtm_string_t *);

static const decoder decoders[] = {
	stdc_gunzip, stdc_inflate, stdc_unzlib, stdc_zstd_decompress,
	stdc_lz4_decompress, stdc_lz4_frame_decompress, stdc_brotli_decompress,
};
#define NDECODERS (sizeof(decoders) / sizeof(decoders[0]))

static gtm_string_t output(long cap)
{
	gtm_string_t s = {cap, malloc((size_t)cap)};

	s.address[0] = 0;
	return s;
}

/* A call's result must be consistent: success fits the output; held results are taken. */
static void settle(gtm_long_t r, gtm_string_t *out, long cap)
{
	if (out->length < 0 || out->length > cap)
		abort();
	if (r > 0) {
		gtm_string_t all = output(STDC_MAX_STRING);

		if (r > STDC_MAX_STRING || stdc_take(1, &all) != 0 || all.length != r)
			abort();
		free(all.address);
	}
}

static void lz4_stream(const uint8_t *data, size_t size, long cap)
{
	static const long widths[] = {0, 1, 2, 4};
	long width, bs;
	gtm_string_t in, out, block, strategy = {11, "ring_buffer"};
	gtm_long_t h, r, offset = 0;

	if (size < 3)
		return;
	width = widths[data[0] & 3];
	bs = 1 + (long)(data[1] | (data[2] << 8)) * 16;
	h = stdc_lz4s_decompress_open((data[0] & 4) ? 4 : 2, bs, width, NULL, &strategy);
	if (h <= 0)
		return;
	in = (gtm_string_t){(gtm_long_t)(size - 3), (char *)data + 3};
	for (int i = 0; i < 64 && offset < in.length; i++) {
		block = output(cap);
		r = stdc_lz4s_get_block(4, &in, &block, h, offset);
		settle(r, &block, cap);
		if (r != 0 || width == 0) {
			free(block.address);
			break;
		}
		offset += width + block.length;
		out = output(cap);
		r = stdc_lz4s_decompress(3, &block, &out, h);
		settle(r, &out, cap);
		free(out.address);
		free(block.address);
		if (r < 0)
			break;
	}
	if (stdc_handle_free(1, h) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned pick, which;
	long cap;
	gtm_string_t in, out;
	gtm_long_t r;

	if (size < 1)
		return 0;
	pick = data[0];
	cap = tiers[(pick >> 4) % 3];
	which = pick & 15;
	data++, size--;
	if (which == NDECODERS) {
		lz4_stream(data, size, cap);
		return 0;
	}
	in = (gtm_string_t){(gtm_long_t)size, (char *)data};
	out = output(cap);
	if (which == NDECODERS + 1) { /* raw LZ4 block: declared size from the first 3 bytes */
		gtm_long_t n = size >= 3 ? (data[0] | data[1] << 8 | (gtm_long_t)data[2] << 16) : 0;

		in.address += size >= 3 ? 3 : 0, in.length -= size >= 3 ? 3 : 0;
		r = stdc_lz4_block_decompress(3, &in, &out, n);
	} else {
		r = decoders[which % NDECODERS](2, &in, &out);
	}
	settle(r, &out, cap);
	free(out.address);
	return 0;
}
