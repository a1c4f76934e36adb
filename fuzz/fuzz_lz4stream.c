/* fuzz_lz4stream.c - libFuzzer target over the LZ4 block-stream decoder (callouts/lz4stream.c):
 * lz4StreamDecompressOpen, then lz4StreamGetBlock walking the prefixed blocks of the input
 * and lz4StreamDecompress of each, as the M runtime calls them.
 *
 * Input: byte 0 picks the output tier (bits 4..5), the prefix width (bits 0..1: 0, 1, 2, 4) and
 * the strategy (bit 2: ring buffer); bytes 1..2 the buffer size (1 + 16 * value); the rest is
 * the stream.  Every handle is freed when the input is done. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long widths[] = {0, 1, 2, 4};
	long width, bs, cap;
	gtm_string_t in, out, block;
	gtm_string_t ring = {11, "ring_buffer"}, twice = {13, "double_buffer"};
	gtm_long_t h, r, offset = 0;

	if (size < 3 || size > STDC_MAX_STRING)
		return 0;
	cap = fuzz_tiers[(data[0] >> 4) % 3];
	width = widths[data[0] & 3];
	bs = 1 + (long)(data[1] | (data[2] << 8)) * 16;
	h = stdc_lz4s_decompress_open(4, bs, width, NULL, (data[0] & 4) ? &ring : &twice);
	if (h <= 0) {
		fuzz_no_handles_open("lz4 stream open failed");
		return 0;
	}
	in = (gtm_string_t){(gtm_long_t)(size - 3), (char *)data + 3};
	for (int i = 0; i < 64 && offset < in.length; i++) {
		block = fuzz_output(cap);
		r = stdc_lz4s_get_block(4, &in, &block, h, offset);
		fuzz_settle("lz4StreamGetBlock", r, &block, cap);
		if (r != 0 || width == 0) {
			fuzz_free(&block);
			break;
		}
		FUZZ_CHECK(block.length <= in.length - offset - width, "block past the input");
		offset += width + block.length;
		out = fuzz_output(cap);
		r = stdc_lz4s_decompress(3, &block, &out, h);
		fuzz_settle("lz4StreamDecompress", r, &out, cap);
		if (r == 0)
			FUZZ_CHECK(out.length <= bs, "a block of %ld bytes from a %ld-byte buffer",
				   (long)out.length, bs);
		fuzz_free(&out);
		fuzz_free(&block);
		if (r < 0)
			break;
	}
	FUZZ_CHECK(stdc_handle_free(1, h) == 0, "handleFree");
	fuzz_no_handles_open("lz4 stream");
	return 0;
}
