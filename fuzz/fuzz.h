/* fuzz.h - what every libFuzzer target of fuzz/ shares: outputs prepared as the M runtime
 * prepares them (exactly the declared size, so AddressSanitizer sees any overrun), and the
 * checks every call's result must pass.  A failed check aborts: libFuzzer keeps the input. */
#ifndef STDC_FUZZ_H
#define STDC_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Outputs are kept between inputs (each still exactly `cap` bytes, from malloc, so ASan sees
 * an overrun): a fresh 1 MiB per call cost more than the decoding fuzzed. */
static struct {
	long cap;
	char *p;
	int used;
} fuzz_pool[16];

static inline gtm_string_t fuzz_output(long cap)
{
	const size_t n = sizeof(fuzz_pool) / sizeof(fuzz_pool[0]);
	size_t i;

	for (i = 0; i < n; i++) /* a free one of this size */
		if (!fuzz_pool[i].used && fuzz_pool[i].p != NULL && fuzz_pool[i].cap == cap)
			break;
	for (size_t pass = 0; i == n && pass < 2; pass++) /* else an empty slot, else any free */
		for (i = 0; i < n; i++)
			if (!fuzz_pool[i].used && (pass == 1 || fuzz_pool[i].p == NULL))
				break;
	FUZZ_CHECK(i < n, "output pool exhausted");
	if (fuzz_pool[i].p != NULL && fuzz_pool[i].cap != cap) {
		free(fuzz_pool[i].p);
		fuzz_pool[i].p = NULL;
	}
	if (fuzz_pool[i].p == NULL) {
		fuzz_pool[i].p = malloc((size_t)(cap > 0 ? cap : 1));
		fuzz_pool[i].cap = cap;
		FUZZ_CHECK(fuzz_pool[i].p != NULL, "out of memory");
	}
	fuzz_pool[i].used = 1;
	fuzz_pool[i].p[0] = 0;
	return (gtm_string_t){cap, fuzz_pool[i].p};
}

/* Gives an output of fuzz_output back. */
static inline void fuzz_free(gtm_string_t *s)
{
	for (size_t i = 0; i < sizeof(fuzz_pool) / sizeof(fuzz_pool[0]); i++)
		if (fuzz_pool[i].used && fuzz_pool[i].p == s->address)
			fuzz_pool[i].used = 0;
}

/* A one-shot call's result must be consistent: the output never exceeds the capacity given;
 * success or failure leave a length in 0..cap; a held result (r > 0) is at most the M string
 * limit and is collected whole by take. */
static inline void fuzz_settle(const char *what, gtm_long_t r, gtm_string_t *out, long cap)
{
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
