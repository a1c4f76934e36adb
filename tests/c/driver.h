/* driver.h - what every driver in tests/c/ shares: CHECK (counts and reports a failure, from
 * any thread), strings as the M runtime passes them, outputs as it prepares them. */
#ifndef STDC_TEST_DRIVER_H
#define STDC_TEST_DRIVER_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stdcompress.h"

static int failures;
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

#define CHECK(cond, ...)                                                                  \
	do {                                                                              \
		if (!(cond)) {                                                            \
			pthread_mutex_lock(&fail_lock);                                   \
			failures++;                                                       \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);              \
			fprintf(stderr, __VA_ARGS__);                                     \
			fputc('\n', stderr);                                              \
			pthread_mutex_unlock(&fail_lock);                                 \
		}                                                                         \
	} while (0)

/* An input string over a C string (not copied). */
static inline gtm_string_t str(const char *s)
{
	return (gtm_string_t){(gtm_long_t)strlen(s), (char *)s};
}

/* An output as the runtime prepares it: exactly cap bytes, so memcheck sees any overrun. */
static inline gtm_string_t output(size_t cap)
{
	gtm_string_t s = {(gtm_long_t)cap, malloc(cap ? cap : 1)};

	s.address[0] = 0;
	return s;
}

#endif
