/* fuzz_stream.c - libFuzzer target over the streaming decoders (callouts/stream.c), called as
 * the M runtime calls them: streamOpen(codec, "d", 0, max_output), then streamWrite of the
 * input in chunks whose sizes the fuzzer chooses, each call drained with streamRead while it
 * returns MORE, outputs alternating between a small and a large size, then streamUnused and
 * streamClose (drained too).
 *
 * Input: byte 0 the codec (fuzz_codec: the registry's stream codecs, byte 0 modulo their
 * count, in its order: 0 gzip, 1 deflate, 2 zlib, 3 zstd, 4 lz4, 5 brotli, 6 xz); byte 1 the two output sizes
 * (bits 0..2 small, 3..5 large) and bit 6 a small output cap; bytes 2..5 the chunk sizes (each
 * 1 + b*b bytes, used in turn); bytes 6..7 the small cap (16 * value); the rest the stream.
 *
 * Checked: no call writes past or reports more than the output it was given; the total output
 * never exceeds the cap; a failure repeats until streamClose, which frees the handle; after the
 * close no handle is open; and when the stream ends cleanly, consuming every byte, and the
 * codec's one-shot decoder accepts the same bytes, both give the same output. */
#include "fuzz.h"

static const long sizes[] = {16, 17, 64, 1000, 4096, 65536, 65537, STDC_MAX_STRING};
#define BIG_CAP (8L << 20) /* every input gets a cap: bombs stay cheap to fuzz */
#define HEADER 8

struct run {
	gtm_long_t h;
	gtm_string_t outs[2]; /* small and large, exactly their size */
	long caps[2];
	int turn;
	long long total, cap;
	char *copy; /* the first STDC_MAX_STRING bytes of output, for the one-shot comparison */
	long copied;
};

/* One call's output: checked, counted and kept; the next call uses the other size. */
static void took(struct run *r, const char *what, gtm_long_t rc, gtm_string_t *o, long cap)
{
	fuzz_guard(what, o);
	FUZZ_CHECK(o->length >= 0 && o->length <= cap, "%s: %ld bytes into %ld", what,
		   (long)o->length, cap);
	FUZZ_CHECK(rc >= -STDC_CODE_COUNT + 1 && rc <= STDC_STREAM_END, "%s: result %ld", what,
		   (long)rc);
	if (rc < 0)
		return;
	r->total += o->length;
	FUZZ_CHECK(r->total <= r->cap, "%s: %lld bytes of output past the cap %lld", what,
		   r->total, r->cap);
	if (r->copied + o->length <= STDC_MAX_STRING) {
		memcpy(r->copy + r->copied, o->address, (size_t)o->length);
		r->copied += o->length;
	} else {
		r->copied = STDC_MAX_STRING + 1; /* too long to compare */
	}
}

static gtm_string_t *next_out(struct run *r, long *cap)
{
	int k = r->turn++ & 1;

	*cap = r->caps[k];
	r->outs[k].length = r->caps[k];
	r->outs[k].address[0] = 0;
	return &r->outs[k];
}

/* Drains while MORE; returns the last code. */
static gtm_long_t drain(struct run *r, gtm_long_t rc)
{
	long cap;
	gtm_string_t *o;

	for (int guard = 0; rc == STDC_STREAM_MORE; guard++) {
		FUZZ_CHECK(guard < 1 << 20, "streamRead never stops returning MORE");
		o = next_out(r, &cap);
		rc = stdc_stream_read(2, o, r->h);
		took(r, "streamRead", rc, o, cap);
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run r = {0};
	gtm_string_t codec, dir = {1, "d"}, in, *o;
	gtm_long_t rc = 0, first_failure = 0;
	size_t off, chunk;
	long cap;
	const struct stdc_codec *c;
	const char *name;
	int k = 0, ended = 0;

	if (size < HEADER || size > 4 * STDC_MAX_STRING)
		return 0;
	c = fuzz_codec(STDC_STREAMS, data[0]);
	name = c->name;
	FUZZ_CHECK(c->oneshot_decompress.run != NULL, "%s: a stream codec without a one-shot decoder",
		   name);
	codec = (gtm_string_t){(gtm_long_t)strlen(name), (char *)name};
	r.caps[0] = sizes[data[1] & 7];
	r.caps[1] = sizes[(data[1] >> 3) & 7];
	r.cap = (data[1] & 0x40) ? 16L * (data[6] | data[7] << 8) : BIG_CAP;
	r.h = stdc_stream_open(4, &codec, &dir, 0, (gtm_long_t)(r.cap ? r.cap : 1), NULL, 0, 0, 0);
	if (r.cap == 0)
		r.cap = 1; /* a cap of 0 is "none": 1 byte stands in */
	FUZZ_CHECK(r.h > 0, "streamOpen %s: %ld", name, (long)r.h);
	for (int i = 0; i < 2; i++)
		r.outs[i] = fuzz_output(r.caps[i]);
	static char *copy;

	if (copy == NULL && (copy = malloc(STDC_MAX_STRING)) == NULL)
		abort();
	r.copy = copy;
	for (off = HEADER; off < size; off += chunk) {
		chunk = 1 + (size_t)data[2 + k % 4] * data[2 + k % 4];
		k++;
		if (chunk > size - off)
			chunk = size - off;
		in = (gtm_string_t){(gtm_long_t)chunk, (char *)data + off};
		o = next_out(&r, &cap);
		rc = stdc_stream_write(3, &in, o, r.h, 0);
		took(&r, "streamWrite", rc, o, cap);
		rc = drain(&r, rc);
		if (rc < 0) {
			if (first_failure == 0)
				first_failure = rc;
			else
				FUZZ_CHECK(rc == first_failure, "a failure %ld then %ld", (long)first_failure,
					   (long)rc);
			if (k > 3)
				break; /* it repeated: enough */
		}
		ended = rc == STDC_STREAM_END;
	}
	{
		char buf[64];
		gtm_string_t u = {sizeof(buf), buf};
		gtm_long_t ur = stdc_stream_unused(2, &u, r.h);

		FUZZ_CHECK(u.length >= 0 && u.length <= (gtm_long_t)sizeof(buf), "streamUnused length");
		FUZZ_CHECK(ur == 0 || ur > (gtm_long_t)sizeof(buf) || ur < 0, "streamUnused %ld",
			   (long)ur);
		if (ended && ur == 0 && u.length == 0 && first_failure == 0 &&
		    r.copied <= STDC_MAX_STRING && size - HEADER <= STDC_MAX_STRING) {
			/* a clean end that consumed everything: the one-shot decoder must agree */
			gtm_string_t whole = {(gtm_long_t)(size - HEADER), (char *)data + HEADER};
			gtm_string_t one = fuzz_output(STDC_MAX_STRING);

			/* the oracle: the codec's one-shot decoder of the same format (its
			 * descriptor's; lz4 streams are LZ4 frames) */
			if (stdc_oneshot_decompress(c, 2, &whole, &one) == 0)
				FUZZ_CHECK(one.length == r.copied &&
						   memcmp(one.address, r.copy, (size_t)r.copied) == 0,
					   "%s: stream gave %ld bytes, one-shot %ld, or other bytes",
					   name, r.copied, (long)one.length);
			fuzz_free(&one);
		}
	}
	o = next_out(&r, &cap);
	rc = stdc_stream_close(2, o, r.h);
	took(&r, "streamClose", rc, o, cap);
	rc = drain(&r, rc);
	FUZZ_CHECK(rc <= 0, "streamClose ended with %ld", (long)rc);
	if (first_failure)
		FUZZ_CHECK(rc == 0, "close after a failure must only free (%ld)", (long)rc);
	FUZZ_CHECK(stdc_handle_free(1, r.h) == -STDC_E_INVALID_HANDLE, "close left the handle");
	fuzz_no_handles_open("stream");
	fuzz_free(&r.outs[0]);
	fuzz_free(&r.outs[1]);
	return 0;
}
