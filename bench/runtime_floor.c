/* runtime_floor.c - a call-out that does no work: the M runtime's own cost of a call that passes
 * the job's input and returns an n-byte result through an output declared as large as the
 * library's (1 MiB; `declare`) or as its small tier (1 KiB; `declare1k`).  The floor under the
 * "engine (GT.M)" rows: for 1 MiB items engine time <= the bridge's time + this, for 100 B
 * items the C floor + this.  Loaded by the bench from its own table (package stdcbench), never by
 * the library's.  The result's bytes are left as the runtime allocated them: copying them in
 * would be work, and this measures the runtime alone. */
#include "stdcompress.h"

gtm_long_t stdcbench_declare(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t n)
{
	(void)in;
	if (argc != 3 || n < 0 || n > 1048576)
		return 1;
	out->length = (gtm_long_t)n;
	return 0;
}
