/* fuzz_decoders.c - libFuzzer harness: every decoder entry of libstdcompress, called the way
 * the M runtime calls it (argc, output preallocated to a tier's exact size), on hostile input.
 * Byte 0 picks the decoder (LZ4 streams and batches among them) and the output tier; the rest is
 * the input.  Any read or write out of
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

/* multiDecompress: byte 0 the codec (bits 0-2), threads - 1 (bits 5-6), sizes given (bit 7), byte 1 the number of items (<= 16), then
 * per item 4 bytes (offset, length: 16 bits each) and 2 bytes of size, then the data. */
static void batch(const uint8_t *data, size_t size, long cap)
{
	static const char *const codecs[] = {"zstd", "lz4", "gzip", "deflate", "zlib"};
	char segs[16 * 16], sizes[16 * 8];
	size_t n, head;
	gtm_string_t codec, in, sg, sz, out, osegs;
	gtm_long_t r;

	if (size < 2)
		return;
	n = data[1] % 17;
	head = 2 + 6 * n;
	if (size < head)
		return;
	codec.address = (char *)codecs[(data[0] & 7) % 5];
	codec.length = (gtm_long_t)strlen(codec.address);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = data + 2 + 6 * i;
		uint64_t pair[2] = {p[0] | p[1] << 8, p[2] | p[3] << 8}, want = p[4] | p[5] << 8;

		memcpy(segs + 16 * i, pair, 16);
		memcpy(sizes + 8 * i, &want, 8);
	}
	in = (gtm_string_t){(gtm_long_t)(size - head), (char *)data + head};
	sg = (gtm_string_t){(gtm_long_t)(16 * n), segs};
	sz = (gtm_string_t){(data[0] & 0x80) ? (gtm_long_t)(8 * n) : 0, sizes};
	out = output(cap);
	osegs = output(16 * 16);
	r = stdc_multi_decompress(7, &codec, &in, &sg, &sz, &out, &osegs, 1 + (data[0] >> 5 & 3),
				  NULL, 0, 0);
	if (out.length < 0 || out.length > cap || osegs.length < 0 || osegs.length > 16 * 16 ||
	    osegs.length % 16 != 0 || (r != 0 && r != STDC_BATCH_MORE && r >= 0) ||
	    (r < 0 && (out.length != 0 || osegs.length != 0)))
		abort();
	for (gtm_long_t i = 0; i < osegs.length / 16; i++) {
		uint64_t pair[2];

		memcpy(pair, osegs.address + 16 * i, 16);
		if (pair[0] > (uint64_t)out.length || pair[1] > (uint64_t)out.length - pair[0])
			abort();
	}
	free(out.address);
	free(osegs.address);
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
	if (which == NDECODERS + 2) {
		batch(data, size, cap);
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
