/* fuzz.h - what every libFuzzer target of fuzz/ shares: outputs prepared as the M runtime
 * prepares them (the declared size exactly), and the checks every call's result must pass.
 * A failed check aborts: libFuzzer keeps the input. */
#ifndef STDC_FUZZ_H
#define STDC_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "stdcompress.h"

/* The output tiers of the call-out table: 1k, 64k and the M string limit. */
static const long fuzz_tiers[] = {1024, 65536, STDC_MAX_STRING};

#define FUZZ_CHECK(cond, ...)                                                             \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "fuzz check failed (%s:%d): ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                                     \
			fputc('\n', stderr);                                              \
			abort();                                                          \
		}                                                                         \
	} while (0)

/* Outputs are kept between inputs: a fresh 1 MiB per call cost more than the decoding fuzzed.
 * The codec libraries are the system's, not instrumented, and they write into our outputs:
 * ASan would not see them write past `cap`.  So each output is followed by FUZZ_GUARD bytes of
 * a known pattern, checked after every call (fuzz_guard), then by ASan's redzone. */
#define FUZZ_GUARD 64
#define FUZZ_GUARD_BYTE 0xa5
#define FUZZ_POOL 16

static struct {
	long cap;
	char *p;
	int used;
} fuzz_pool[FUZZ_POOL];

static inline gtm_string_t fuzz_output(long cap)
{
	size_t i;

	for (i = 0; i < FUZZ_POOL; i++) /* a free one of this size */
		if (!fuzz_pool[i].used && fuzz_pool[i].p != NULL && fuzz_pool[i].cap == cap)
			break;
	for (int pass = 0; i == FUZZ_POOL && pass < 2; pass++) /* an empty slot, else any free */
		for (i = 0; i < FUZZ_POOL; i++)
			if (!fuzz_pool[i].used && (pass == 1 || fuzz_pool[i].p == NULL))
				break;
	FUZZ_CHECK(i < FUZZ_POOL, "output pool exhausted");
	if (fuzz_pool[i].p != NULL && fuzz_pool[i].cap != cap) {
		free(fuzz_pool[i].p);
		fuzz_pool[i].p = NULL;
	}
	if (fuzz_pool[i].p == NULL) {
		fuzz_pool[i].p = malloc((size_t)cap + FUZZ_GUARD);
		FUZZ_CHECK(fuzz_pool[i].p != NULL, "out of memory");
		fuzz_pool[i].cap = cap;
		memset(fuzz_pool[i].p + cap, FUZZ_GUARD_BYTE, FUZZ_GUARD);
	}
	fuzz_pool[i].used = 1;
	fuzz_pool[i].p[0] = 0;
	return (gtm_string_t){cap, fuzz_pool[i].p};
}

/* Nothing was written past the capacity of an output of fuzz_output. */
static inline void fuzz_guard(const char *what, const gtm_string_t *s)
{
	for (size_t i = 0; i < FUZZ_POOL; i++)
		if (fuzz_pool[i].used && fuzz_pool[i].p == s->address)
			for (int k = 0; k < FUZZ_GUARD; k++)
				FUZZ_CHECK((unsigned char)fuzz_pool[i].p[fuzz_pool[i].cap + k] ==
						   FUZZ_GUARD_BYTE,
					   "%s: a write %d byte(s) past the %ld-byte output", what,
					   k + 1, fuzz_pool[i].cap);
}

/* Gives an output of fuzz_output back. */
static inline void fuzz_free(gtm_string_t *s)
{
	fuzz_guard("fuzz_free", s);
	for (size_t i = 0; i < FUZZ_POOL; i++)
		if (fuzz_pool[i].used && fuzz_pool[i].p == s->address)
			fuzz_pool[i].used = 0;
}

/* A one-shot call's result must be consistent: nothing written past the output; its length
 * in 0..cap; a failure leaves no output; a held result (r > 0) is at most the M string limit
 * and is collected whole by take. */
static inline void fuzz_settle(const char *what, gtm_long_t r, gtm_string_t *out, long cap)
{
	fuzz_guard(what, out);
	FUZZ_CHECK(out->length >= 0 && out->length <= cap, "%s: output length %ld of %ld", what,
		   (long)out->length, cap);
	FUZZ_CHECK(r > -STDC_CODE_COUNT, "%s: unknown result %ld", what, (long)r);
	if (r < 0)
		FUZZ_CHECK(out->length == 0, "%s: failure %ld with %ld bytes of output", what,
			   (long)r, (long)out->length);
	if (r > 0) {
		gtm_string_t all = fuzz_output(STDC_MAX_STRING);

		FUZZ_CHECK(r > cap && r <= STDC_MAX_STRING, "%s: held %ld with cap %ld", what,
			   (long)r, cap);
		FUZZ_CHECK(stdc_take(1, &all) == 0 && all.length == r, "%s: take of %ld", what,
			   (long)r);
		fuzz_free(&all);
	}
}

/* The codec a selector byte picks: the registry's codecs with mechanism m (callouts/codecs.c,
 * in its order), number pick modulo their count.  A new codec joins the targets by itself;
 * saved regression inputs name the codec they select (tests/test_fuzz_smoke.py checks). */
static inline const struct stdc_codec *fuzz_codec(enum stdc_mechanism m, unsigned pick)
{
	size_t n = 0;

	for (size_t i = 0; i < stdc_codec_count; i++)
		n += stdc_codec_has(stdc_codecs[i], m) ? 1 : 0;
	FUZZ_CHECK(n > 0, "no codec has mechanism %d", (int)m);
	pick %= n;
	for (size_t i = 0; i < stdc_codec_count; i++)
		if (stdc_codec_has(stdc_codecs[i], m) && pick-- == 0)
			return stdc_codecs[i];
	abort(); /* not reached */
}

/* No handle may be left open when a target's input is done. */
static inline void fuzz_no_handles_open(const char *what)
{
	char buf[96];
	gtm_string_t o = {sizeof(buf) - 1, buf};

	FUZZ_CHECK(stdc_handle_stats(1, &o) == 0, "%s: handleStats", what);
	buf[o.length] = 0;
	FUZZ_CHECK(strncmp(buf, "open=0;", 7) == 0, "%s: handles left open: %s", what, buf);
}

#endif
