/* fuzz_batch.c - libFuzzer target for the batch entries (multiCompress / multiDecompress):
 * the segment arrays are hostile input as much as the data.
 *
 * The first bytes choose: the codec (fuzz_codec: the registry's batch codecs, byte 0 modulo their
 * count, in its order: 0 gzip, 1 deflate, 2 zlib, 3 zstd, 4 lz4, 5 xz), the worker threads (0..3), the output tier, and how the
 * segments are made: either raw fuzzer bytes (any pair, any wrap-around) or a split of the data
 * into items by lengths the fuzzer picks.  Decompression runs on the items as they are (with
 * sizes from the fuzzer, or none); for split items a round trip through multiCompress must give
 * the items back exactly.  Every call must keep its outputs within what it was given, return a
 * known code, and describe only output it wrote. */
#include "fuzz.h"

/* Checks a call's outputs; returns the number of result pairs. */
static size_t settle(const char *what, gtm_long_t r, const gtm_string_t *out, long cap,
		     const gtm_string_t *osegs, long scap, size_t items)
{
	size_t n;
	uint64_t pair[2];

	FUZZ_CHECK(r == STDC_OK || r == STDC_BATCH_MORE || (r < 0 && r > -STDC_CODE_COUNT),
		   "%s: result %ld", what, (long)r);
	FUZZ_CHECK(out->length >= 0 && out->length <= cap, "%s: output %ld of %ld", what,
		   (long)out->length, cap);
	FUZZ_CHECK(osegs->length >= 0 && osegs->length <= scap && osegs->length % 16 == 0,
		   "%s: segments %ld of %ld", what, (long)osegs->length, scap);
	if (r < 0)
		return 0;
	n = (size_t)osegs->length / 16;
	FUZZ_CHECK(n <= items && (r != STDC_OK || n == items), "%s: %zu results of %zu items (%ld)",
		   what, n, items, (long)r);
	for (size_t i = 0; i < n; i++) {
		memcpy(pair, osegs->address + 16 * i, 16);
		FUZZ_CHECK(pair[0] <= (uint64_t)out->length && pair[1] <= (uint64_t)out->length - pair[0],
			   "%s: result %zu at %llu+%llu past %ld", what, i,
			   (unsigned long long)pair[0], (unsigned long long)pair[1], (long)out->length);
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	const char *name = fuzz_codec(STDC_BATCHES, data[0])->name;
	gtm_long_t threads = data[1] % 4;
	long cap = fuzz_tiers[data[2] % 3], scap = data[2] & 0x80 ? 1024 : 65536;
	int split = data[3] & 1, with_sizes = data[3] & 2;
	size_t nseg = (size_t)(data[3] >> 2) % 33, hdr = 4;
	gtm_string_t codec = {(gtm_long_t)strlen(name), (char *)name};
	unsigned char *segs = calloc(nseg ? nseg : 1, 16), *sizes = calloc(nseg ? nseg : 1, 8);
	gtm_string_t out = fuzz_output(cap), osegs = fuzz_output(scap);
	size_t n = 0;

	FUZZ_CHECK(segs != NULL && sizes != NULL, "out of memory");
	if (!split) { /* raw pairs, then sizes, from the input itself */
		size_t want = nseg * 16 + (with_sizes ? nseg * 8 : 0);

		if (size - hdr < want)
			nseg = 0;
		else {
			memcpy(segs, data + hdr, nseg * 16);
			if (with_sizes)
				memcpy(sizes, data + hdr + nseg * 16, nseg * 8);
			hdr += want;
		}
	} else { /* a split of the rest into items: lengths from one byte each */
		uint64_t at = 0;

		if (size - hdr < nseg)
			nseg = size - hdr;
		for (size_t i = 0; i < nseg; i++) {
			uint64_t len = data[hdr + i] * 7u, pair[2] = {at, len};

			memcpy(segs + 16 * i, pair, 16);
			at += len;
		}
		hdr += nseg;
		for (size_t i = 0; i < nseg; i++) { /* clip to the data left */
			uint64_t pair[2];

			memcpy(pair, segs + 16 * i, 16);
			if (pair[0] > size - hdr)
				pair[0] = size - hdr;
			if (pair[1] > size - hdr - pair[0])
				pair[1] = size - hdr - pair[0];
			memcpy(segs + 16 * i, pair, 16);
		}
	}
	gtm_string_t in = {(gtm_long_t)(size - hdr), (char *)data + hdr};
	gtm_string_t seg = {(gtm_long_t)(nseg * 16), (char *)segs};
	gtm_string_t sz = {with_sizes ? (gtm_long_t)(nseg * 8) : 0, (char *)sizes};
	gtm_string_t none = {0, (char *)""};
	gtm_long_t r;

	r = stdc_multi_decompress(8, &codec, &in, &seg, &sz, &out, &osegs, threads, &none, 0,
				  0);
	settle("multiDecompress", r, &out, cap, &osegs, scap, nseg);
	if (split) {
		gtm_string_t packed = fuzz_output(STDC_MAX_STRING), psegs = fuzz_output(65536);

		r = stdc_multi_compress(8, &codec, &in, &seg, &packed, &psegs, 0, threads, &none, 0,
					0);
		n = settle("multiCompress", r, &packed, STDC_MAX_STRING, &psegs, 65536, nseg);
		if (r >= 0 && n > 0) { /* the round trip gives the items back, sizes given */
			unsigned char *want = calloc(n, 8);
			gtm_string_t back = fuzz_output(STDC_MAX_STRING), bsegs = fuzz_output(65536);
			gtm_string_t wsz = {(gtm_long_t)(n * 8), (char *)want};
			gtm_string_t pseg = {(gtm_long_t)(n * 16), psegs.address};

			FUZZ_CHECK(want != NULL, "out of memory");
			for (size_t i = 0; i < n; i++)
				memcpy(want + 8 * i, segs + 16 * i + 8, 8);
			r = stdc_multi_decompress(8, &codec, &packed, &pseg, &wsz, &back, &bsegs,
						  threads, &none, 0, 0);
			size_t m = settle("round trip", r, &back, STDC_MAX_STRING, &bsegs, 65536, n);

			FUZZ_CHECK(r >= 0, "round trip failed: %ld", (long)r);
			for (size_t i = 0; i < m; i++) {
				uint64_t a[2], b[2];

				memcpy(a, segs + 16 * i, 16);
				memcpy(b, bsegs.address + 16 * i, 16);
				FUZZ_CHECK(a[1] == b[1] && memcmp(in.address + a[0], back.address + b[0],
								  (size_t)a[1]) == 0,
					   "round trip item %zu differs", i);
			}
			free(want);
			fuzz_free(&back);
			fuzz_free(&bsegs);
		}
		fuzz_free(&packed);
		fuzz_free(&psegs);
	}
	free(segs);
	free(sizes);
	fuzz_free(&out);
	fuzz_free(&osegs);
	return 0;
}
