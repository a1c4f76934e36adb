/* batch_driver.c - the batch entries (multiCompress, multiDecompress) and the zstd dictionary
 * entries called as the M runtime calls them (argc first, outputs preallocated to exactly
 * their size), with worker threads, hostile segments, corrupt items, small outputs (the
 * prefix protocol), and a thread that exits holding compiled dictionaries.  Run under valgrind
 * and under ASan/LSan by tests/test_c_drivers.py.  Exit status: number of failed checks. */
#include <stdint.h>

#include "driver.h"

#define ITEMS 160

static void put_pair(char *segs, size_t i, uint64_t off, uint64_t len)
{
	uint64_t p[2] = {off, len};

	memcpy(segs + 16 * i, p, sizeof(p));
}

static void get_pair(const char *segs, size_t i, uint64_t *off, uint64_t *len)
{
	uint64_t p[2];

	memcpy(p, segs + 16 * i, sizeof(p));
	*off = p[0];
	*len = p[1];
}

/* Records of 0..1200 bytes of text, back to back. */
static char *records(size_t *total, char *segs, char *sizes)
{
	char *data = malloc(ITEMS * 1300);
	size_t pos = 0;

	for (size_t i = 0; i < ITEMS; i++) {
		size_t len = (i * 97) % 1200, start = pos;

		while (pos - start < len) {
			int n = snprintf(data + pos, 64, "{\"n\": %zu, \"k\": \"record\"}\n", i);

			pos += (size_t)n;
		}
		pos = start + len; /* cut to the length */
		put_pair(segs, i, start, len);
		memcpy(sizes + 8 * i, &(uint64_t){len}, 8);
	}
	*total = pos;
	return data;
}

/* Runs every item through the entry, in as many calls as it takes (the prefix protocol),
 * appending the results to packed / psegs.  Returns the items done, or -1 on failure. */
static long run_all(int decompress, gtm_string_t *c, gtm_string_t *in, char *segs, char *sizes,
		    size_t count, gtm_long_t level, gtm_long_t threads, gtm_string_t *dict,
		    size_t out_cap, char *packed, char *psegs)
{
	gtm_string_t none = {0, ""};
	size_t done = 0, ppos = 0;

	while (done < count) {
		gtm_string_t out = output(out_cap), osegs = output(1 << 20);
		gtm_string_t rest = {(gtm_long_t)(16 * (count - done)), segs + 16 * done};
		gtm_string_t sz = {(gtm_long_t)(8 * (count - done)), sizes + 8 * done};
		gtm_long_t r = decompress
			? stdc_multi_decompress(10, c, in, &rest, &sz, &out, &osegs, threads,
						dict ? dict : &none, 0, in->length)
			: stdc_multi_compress(10, c, in, &rest, &out, &osegs, level, threads,
					      dict ? dict : &none, 0, in->length);
		size_t n = (size_t)osegs.length / 16;

		CHECK(out.length <= (gtm_long_t)out_cap, "%.*s: output past its size",
		      (int)c->length, c->address);
		if ((r != 0 && r != STDC_BATCH_MORE) || n == 0) {
			free(out.address);
			free(osegs.address);
			return -1;
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t off, len;

			get_pair(osegs.address, i, &off, &len);
			CHECK(off + len <= (uint64_t)out.length, "segment past the output");
			memcpy(packed + ppos, out.address + off, len);
			put_pair(psegs, done + i, ppos, len);
			ppos += len;
		}
		done += n;
		free(out.address);
		free(osegs.address);
	}
	return (long)done;
}

/* Compresses and decompresses every item; the result must be the records again. */
static void round_trip(const char *codec, gtm_long_t level, gtm_long_t threads,
		       gtm_string_t *dict, size_t out_cap)
{
	char segs[ITEMS * 16], sizes[ITEMS * 8], bsegs[ITEMS * 16];
	size_t total;
	char *data = records(&total, segs, sizes);
	gtm_string_t c = str(codec), in = {(gtm_long_t)total, data};
	char *packed = malloc(ITEMS * 1400), *psegs = malloc(ITEMS * 16), *back = malloc(total + 1);
	long done = run_all(0, &c, &in, segs, sizes, ITEMS, level, threads, dict, out_cap, packed,
			    psegs);

	CHECK(done == ITEMS, "%s: compress: %ld of %d items", codec, done, ITEMS);
	if (done == ITEMS) {
		uint64_t off, len;
		gtm_string_t pin;

		get_pair(psegs, ITEMS - 1, &off, &len);
		pin.length = (gtm_long_t)(off + len);
		pin.address = packed;
		done = run_all(1, &c, &pin, psegs, sizes, ITEMS, 0, threads, dict, out_cap, back,
			       bsegs);
		CHECK(done == ITEMS && memcmp(back, data, total) == 0, "%s: round trip: %ld", codec,
		      done);
		/* A corrupt item is an error; nothing is delivered. */
		get_pair(psegs, 5, &off, &len);
		memset(packed + off, 0xA5, len);
		done = run_all(1, &c, &pin, psegs, sizes, ITEMS, 0, threads, dict, out_cap, back,
			       bsegs);
		CHECK(done == -1, "%s: corrupt item: %ld", codec, done);
	}
	free(packed);
	free(psegs);
	free(back);
	free(data);
}

static void hostile(void)
{
	char data[100] = "some bytes", segs[64];
	gtm_string_t c = str("zstd"), in = {sizeof(data), data}, sg = {0, segs};
	gtm_string_t out = output(1 << 20), osegs = output(1 << 20);
	gtm_long_t r;

	put_pair(segs, 0, UINT64_MAX, 2); /* wraps */
	sg.length = 16;
	r = stdc_multi_compress(5, &c, &in, &sg, &out, &osegs, 0, 0, NULL, 0, 0);
	CHECK(r == -STDC_E_BAD_ARGS, "wrap-around: %ld", (long)r);
	put_pair(segs, 0, 0, UINT64_MAX);
	r = stdc_multi_compress(5, &c, &in, &sg, &out, &osegs, 0, 0, NULL, 0, 0);
	CHECK(r == -STDC_E_BAD_ARGS, "length wraps: %ld", (long)r);
	put_pair(segs, 0, 0, 101);
	r = stdc_multi_compress(5, &c, &in, &sg, &out, &osegs, 0, 0, NULL, 0, 0);
	CHECK(r == -STDC_E_BAD_ARGS, "past the end: %ld", (long)r);
	sg.length = 15;
	r = stdc_multi_compress(5, &c, &in, &sg, &out, &osegs, 0, 0, NULL, 0, 0);
	CHECK(r == -STDC_E_BAD_ARGS, "15-byte segments: %ld", (long)r);
	r = stdc_multi_compress(4, &c, &in, &sg, &out, NULL, 0, 0, NULL, 0, 0);
	CHECK(r == -STDC_E_BAD_ARGS, "argc 4: %ld", (long)r);
	sg.length = 0;
	r = stdc_multi_decompress(6, &c, &in, &sg, NULL, &out, &osegs, 0, NULL, 0, 0);
	CHECK(r == 0 && out.length == 0 && osegs.length == 0, "empty batch: %ld", (long)r);
	/* An output segments string that holds no pair: no room for any item. */
	put_pair(segs, 0, 0, 10);
	sg.length = 16;
	osegs.length = 8;
	r = stdc_multi_compress(5, &c, &in, &sg, &out, &osegs, 0, 0, NULL, 0, 0);
	CHECK(r == -STDC_E_BAD_ARGS, "no room: %ld", (long)r);
	/* An incompressible 1 MiB item: its frame does not fit the output. */
	{
		size_t n = 1 << 20;
		char *big = malloc(n);
		gtm_string_t bin = {(gtm_long_t)n, big};
		uint32_t x = 1;

		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			big[i] = (char)(x >> 24);
		}
		put_pair(segs, 0, 0, n);
		osegs.length = 1 << 20;
		out.length = 1 << 20;
		r = stdc_multi_compress(7, &c, &bin, &sg, &out, &osegs, 1, 2, NULL, 0, 0);
		CHECK(r == -STDC_E_OUTPUT_TOO_LARGE, "1 MiB of noise: %ld", (long)r);
		free(big);
	}
	free(out.address);
	free(osegs.address);
}

/* Trains a dictionary from the records, then uses it in batches and one-shot calls. */
static gtm_string_t train(void)
{
	char segs[ITEMS * 16], sizes[ITEMS * 8];
	size_t total;
	char *data = records(&total, segs, sizes);
	gtm_string_t in = {(gtm_long_t)total, data}, sg = {sizeof(segs), segs}, dict = output(4096);
	gtm_long_t r = stdc_zstd_train(9, &in, &sg, &dict, 4096, 64, 8, 1, 3, 777);

	CHECK(r == 0 && dict.length > 256, "train: %ld", (long)r);
	CHECK(stdc_zstd_dict_id(1, &dict) == 777, "dictionary id");
	free(data);
	return dict;
}

static void one_shot_dict(gtm_string_t *dict)
{
	const char *text = "{\"n\": 1, \"k\": \"record\"}\n{\"n\": 2, \"k\": \"record\"}\n";
	gtm_string_t in = str(text), out = output(1 << 20), back = output(1024), tiny = output(8);
	gtm_long_t r = stdc_zstd_compress_dict(4, &in, &out, 0, dict);

	CHECK(r == 0, "compressDict: %ld", (long)r);
	r = stdc_zstd_decompress_dict(3, &out, &back, dict);
	CHECK(r == 0 && back.length == in.length && memcmp(back.address, text, strlen(text)) == 0,
	      "decompressDict: %ld", (long)r);
	r = stdc_zstd_decompress_dict(3, &out, &tiny, dict); /* held: too large for 8 bytes */
	CHECK(r == in.length, "held: %ld", (long)r);
	back.length = 1024;
	CHECK(stdc_take(1, &back) == 0 && back.length == in.length, "take");
	r = stdc_zstd_decompress_dict(2, &out, &back, dict);
	CHECK(r == -STDC_E_BAD_ARGS, "argc 2: %ld", (long)r);
	free(out.address);
	free(back.address);
	free(tiny.address);
}

/* streamOpen's dictionary argument: a zstd stream each way. */
static void stream_dict(gtm_string_t *dict)
{
	const char *text = "{\"n\": 7, \"k\": \"record\"}\n{\"n\": 8, \"k\": \"record\"}\n";
	gtm_string_t codec = str("zstd"), c = str("c"), d = str("d"), in = str(text);
	gtm_string_t out = output(1 << 16), tail = output(1 << 16), back = output(1 << 16);
	gtm_long_t hc = stdc_stream_open(5, &codec, &c, 0, 0, dict, 0, 0, 0), hd, r;

	CHECK(hc > 0, "stream open with a dictionary: %ld", (long)hc);
	r = stdc_stream_write(3, &in, &out, hc, 0);
	CHECK(r == STDC_STREAM_DONE, "stream write: %ld", (long)r);
	r = stdc_stream_close(2, &tail, hc);
	CHECK(r == STDC_STREAM_DONE, "stream close: %ld", (long)r);
	memcpy(out.address + out.length, tail.address, (size_t)tail.length);
	out.length += tail.length;
	hd = stdc_stream_open(5, &codec, &d, 0, 0, dict, 0, 0, 0);
	CHECK(hd > 0, "stream open d: %ld", (long)hd);
	r = stdc_stream_write(3, &out, &back, hd, 0);
	CHECK(r == STDC_STREAM_END && back.length == in.length &&
	      memcmp(back.address, text, strlen(text)) == 0, "stream round trip: %ld", (long)r);
	stdc_handle_free(1, hd);
	hd = stdc_stream_open(5, &codec, &d, 0, 0, &in, 0, 0, 0); /* raw content: another dictionary */
	back.length = 1 << 16;
	r = stdc_stream_write(3, &out, &back, hd, 0);
	CHECK(r == -STDC_E_LIBZSTD_FAIL, "wrong dictionary: %ld", (long)r);
	stdc_handle_free(1, hd);
	CHECK(stdc_stream_open(5, &c, &c, 0, 0, dict, 0, 0, 0) == -STDC_E_BAD_ARGS, "bad codec");
	free(out.address);
	free(tail.address);
	free(back.address);
}

static void *thread_main(void *arg)
{
	gtm_string_t *dict = arg;

	round_trip("zstd", 3, 2, dict, 1 << 20);
	one_shot_dict(dict);
	return NULL; /* exits holding compiled dictionaries: freed with the thread's state */
}

/* Several threads calling at once: one of them uses the kept helper threads, the others
 * start their own (ThreadSanitizer-clean: see docs/hardening.md). */
static void *caller_main(void *arg)
{
	(void)arg;
	round_trip("zstd", 0, 2, NULL, 1 << 20);
	round_trip("lz4", 0, 3, NULL, 1 << 20);
	round_trip("gzip", 0, 0, NULL, 9000);
	return NULL;
}

int main(void)
{
	static const char *const codecs[] = {"zstd", "lz4", "gzip", "deflate", "zlib", "xz"};
	gtm_string_t dict;
	pthread_t tid;

	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
		round_trip(codecs[i], 0, 1, NULL, 1 << 20);
		round_trip(codecs[i], 0, 3, NULL, 1 << 20);
		round_trip(codecs[i], 0, 0, NULL, 9000); /* many calls: the prefix protocol */
	}
	round_trip("lz4", 9, 2, NULL, 1 << 20); /* HC */
	hostile();
	dict = train();
	round_trip("zstd", 5, 2, &dict, 1 << 20);
	round_trip("zstd", 5, 2, &dict, 6000);
	one_shot_dict(&dict);
	stream_dict(&dict);
	CHECK(pthread_create(&tid, NULL, thread_main, &dict) == 0, "thread");
	pthread_join(tid, NULL);
	{
		pthread_t callers[3];
		size_t started = 0;

		for (; started < 3; started++)
			if (pthread_create(&callers[started], NULL, caller_main, NULL) != 0)
				break;
		CHECK(started == 3, "caller threads: %zu of 3", started);
		while (started > 0)
			pthread_join(callers[--started], NULL);
	}
	free(dict.address);
	if (failures == 0)
		printf("batch_driver: all checks passed\n");
	return failures;
}
