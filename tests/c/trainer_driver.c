/* trainer_driver.c - the zstd dictionary trainer behind a handle (zstdTrainerOpen, Add, Train)
 * called as the M runtime calls it: more than 1 MiB of samples over many calls, hostile
 * segments, the caps, misuse, and trainers left open at exit (freed by the library).  Run under
 * valgrind and under ASan/LSan by tests/test_c_drivers.py.  Exit status: failed checks. */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>

#include "driver.h"

#define CHUNK 100000 /* bytes of records per add call */

/* Records of about 100 bytes, back to back in buf, their (offset, length) pairs in segs. */
static size_t records(char *buf, size_t cap, char *segs, size_t *count, unsigned seed)
{
	size_t pos = 0, n = 0;

	while (pos + 128 < cap) {
		uint64_t pair[2];
		int len;

		seed = seed * 1103515245u + 12345u;
		len = snprintf(buf + pos, 128, "{\"id\": %zu, \"name\": \"user%u\", \"score\": %u, "
			       "\"active\": %s}", n, (seed >> 16) % 500, seed % 100000,
			       (seed & 1) ? "true" : "false");
		pair[0] = pos;
		pair[1] = (uint64_t)len;
		memcpy(segs + 16 * n, pair, sizeof(pair));
		pos += (size_t)len;
		n++;
	}
	*count = n;
	return pos;
}

int main(void)
{
	static char buf[CHUNK], segs[CHUNK / 8 * 16];
	gtm_string_t dict = output(16384), info = output(256), in, sg;
	gtm_long_t h, h2, r;
	size_t total = 0, count;

	h = stdc_zstd_trainer_open(0, 0);
	CHECK(h > 0, "open: %ld", (long)h);
	for (unsigned i = 0; total <= (3u << 20); i++) { /* 3 MiB of samples, 30 calls */
		size_t len = records(buf, sizeof(buf), segs, &count, i);

		in = (gtm_string_t){(gtm_long_t)len, buf};
		sg = (gtm_string_t){(gtm_long_t)(16 * count), segs};
		r = stdc_zstd_trainer_add(3, h, &in, &sg);
		CHECK(r == 0, "add %u: %ld", i, (long)r);
		total += len;
	}
	in = str("one more sample, whole");
	CHECK(stdc_zstd_trainer_add(2, h, &in, NULL) == 0, "add one sample");
	/* hostile: a pair past the end, a length that wraps, a partial pair, oversize strings */
	{
		uint64_t bad[2] = {10, UINT64_MAX - 5};
		gtm_string_t bs = {16, (char *)bad}, part = {15, (char *)bad};
		gtm_string_t big = {STDC_MAX_STRING + 1, buf};

		CHECK(stdc_zstd_trainer_add(3, h, &in, &bs) == -STDC_E_BAD_ARGS, "wrapping pair");
		bad[0] = (uint64_t)in.length;
		bad[1] = 1;
		CHECK(stdc_zstd_trainer_add(3, h, &in, &bs) == -STDC_E_BAD_ARGS, "pair past the end");
		CHECK(stdc_zstd_trainer_add(3, h, &in, &part) == -STDC_E_BAD_ARGS, "partial pair");
		CHECK(stdc_zstd_trainer_add(2, h, &big, NULL) == -STDC_E_BAD_ARGS, "over 1 MiB");
		CHECK(stdc_zstd_trainer_add(1, h, &in, NULL) == -STDC_E_BAD_ARGS, "argc 1");
		CHECK(stdc_zstd_trainer_add(2, h, NULL, NULL) == -STDC_E_BAD_ARGS, "NULL sample");
	}
	r = stdc_handle_info(2, &info, h);
	CHECK(r == 0 && info.length > 0 && memmem(info.address, (size_t)info.length,
						  "trained=0", 9) != NULL, "info: %ld", (long)r);
	/* argument checks before any work */
	CHECK(stdc_zstd_trainer_train(2, h, &dict, 4096, 0, 0, 0, 0, 0) == -STDC_E_BAD_ARGS,
	      "argc 2");
	CHECK(stdc_zstd_trainer_train(3, h, &dict, 100, 0, 0, 0, 0, 0) == -STDC_E_BAD_ARGS,
	      "size under 256");
	CHECK(stdc_zstd_trainer_train(3, h, &dict, 20000, 0, 0, 0, 0, 0) == -STDC_E_BAD_ARGS,
	      "size over the output");
	CHECK(stdc_zstd_trainer_train(5, h, &dict, 4096, 0, 7, 0, 0, 0) == -STDC_E_BAD_ARGS, "d 7");
	CHECK(stdc_zstd_trainer_train(3, h, NULL, 4096, 0, 0, 0, 0, 0) == -STDC_E_BAD_ARGS,
	      "NULL output");
	dict.length = 16384;
	r = stdc_zstd_trainer_train(9, h, &dict, 16384, 64, 8, 1, 3, 4321);
	CHECK(r == 0 && dict.length > 1024, "train: %ld", (long)r);
	CHECK(stdc_zstd_dict_id(1, &dict) == 4321, "dictionary id");
	dict.length = 16384;
	CHECK(stdc_zstd_trainer_train(3, h, &dict, 4096, 0, 0, 0, 0, 0) == -STDC_E_BAD_ARGS &&
	      dict.length == 0, "train twice");
	CHECK(stdc_zstd_trainer_add(2, h, &in, NULL) == -STDC_E_BAD_ARGS, "add after training");
	CHECK(stdc_handle_free(1, h) == 0, "free");
	CHECK(stdc_zstd_trainer_add(2, h, &in, NULL) == -STDC_E_INVALID_HANDLE, "freed");
	dict.length = 16384;
	CHECK(stdc_zstd_trainer_train(3, h, &dict, 4096, 0, 0, 0, 0, 0) == -STDC_E_INVALID_HANDLE,
	      "train freed");
	CHECK(stdc_zstd_trainer_add(2, 0, &in, NULL) == -STDC_E_INVALID_HANDLE, "handle 0");
	/* caps: the bytes a trainer takes, ZDICT's limit; too few samples for ZDICT */
	CHECK(stdc_zstd_trainer_open(1, -1) == -STDC_E_BAD_ARGS, "negative cap");
	CHECK(stdc_zstd_trainer_open(1, (gtm_long_t)STDC_TRAIN_MAX_TOTAL + 1) == -STDC_E_BAD_ARGS,
	      "cap over ZDICT's");
	h2 = stdc_zstd_trainer_open(1, 30);
	CHECK(h2 > 0, "open with a cap");
	in = str("twenty bytes exactly");
	CHECK(stdc_zstd_trainer_add(2, h2, &in, NULL) == 0, "under the cap");
	CHECK(stdc_zstd_trainer_add(2, h2, &in, NULL) == -STDC_E_BAD_ARGS, "over the cap");
	dict.length = 16384;
	CHECK(stdc_zstd_trainer_train(3, h2, &dict, 4096, 0, 0, 0, 0, 0) == -STDC_E_LIBZSTD_FAIL,
	      "one sample: ZDICT fails");
	CHECK(stdc_zstd_trainer_add(2, h2, &in, NULL) == -STDC_E_BAD_ARGS,
	      "a failed training keeps the trainer (still full)");
	/* a stream handle is not a trainer */
	{
		gtm_string_t codec = str("zstd"), c = str("c");
		gtm_long_t hs = stdc_stream_open(2, &codec, &c, 0, 0, NULL, 0, 0, 0);

		CHECK(stdc_zstd_trainer_add(2, hs, &in, NULL) == -STDC_E_INVALID_HANDLE, "kind");
		stdc_handle_free(1, hs);
	}
	/* one left open with samples: the library frees it at exit */
	h = stdc_zstd_trainer_open(1, 0);
	in = (gtm_string_t){CHUNK, buf};
	CHECK(stdc_zstd_trainer_add(2, h, &in, NULL) == 0, "add to the one left open");
	free(dict.address);
	free(info.address);
	if (failures == 0)
		printf("trainer_driver: all checks passed\n");
	return failures;
}
