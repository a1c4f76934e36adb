/* oneshot.c - the one-shot entries' common shape, driven by the codec's descriptor: the
 * level check and its message (before any work), stdc_begin's argument checks, the
 * estimate, the codec's own checks before the run, and stdc_deliver (the output tiers, take).
 * An exported entry is one call of these; entries with more parameters (zstd's frame
 * options, brotli's window, the *Best levels, LZ4 blocks' sizes) keep their own code and call
 * stdc_oneshot_level. */
#include "codec.h"

gtm_long_t stdc_oneshot_level(const struct stdc_levels *l, const char *op, int argc,
			      gtm_long_t *level)
{
	if (argc < 3)
		*level = l->dflt;
	if (argc < 2 || (*level >= l->min && *level <= l->max && !(*level == 0 && l->no_zero)))
		return STDC_OK;
	if (l->no_zero)
		return stdc_fail(STDC_E_BAD_LEVEL, "%s: level %ld is outside %d..-1, 1..%d", op,
				 (long)*level, l->min, l->max);
	return stdc_fail(STDC_E_BAD_LEVEL, "%s: level %ld is outside %d..%d%s", op, (long)*level,
			 l->min, l->max, l->note != NULL ? l->note : "");
}

/* Everything after the level: the checks, the estimate, the codec's before, the delivery. */
static gtm_long_t oneshot_run(const struct stdc_oneshot *o, struct stdc_job *job, int argc,
			      gtm_string_t *in, gtm_string_t *out)
{
	struct stdc_thread *t;
	size_t cap;
	gtm_long_t r;

	r = stdc_begin(argc, in, out, o->op, job, &t, &cap);
	if (r != STDC_OK)
		return r;
	job->variant = o->variant;
	job->estimate = o->estimate != NULL ? o->estimate(job->in_len) : STDC_UNKNOWN;
	if (o->before != NULL && (r = o->before(job, t, o->op)) != STDC_OK)
		return r == STDC_ONESHOT_DONE ? STDC_OK : r;
	return stdc_deliver(t, job, out, cap);
}

gtm_long_t stdc_oneshot_compress(const struct stdc_codec *c, int argc, gtm_string_t *in,
				 gtm_string_t *out, gtm_long_t level)
{
	struct stdc_job job = {.run = c->oneshot_compress.run};
	gtm_long_t r = stdc_oneshot_level(&c->oneshot_levels, c->oneshot_compress.op, argc, &level);

	if (r != STDC_OK)
		return r;
	job.level = (int)level;
	return oneshot_run(&c->oneshot_compress, &job, argc, in, out);
}

gtm_long_t stdc_oneshot_decompress(const struct stdc_codec *c, int argc, gtm_string_t *in,
				   gtm_string_t *out)
{
	struct stdc_job job = {.run = c->oneshot_decompress.run};

	return oneshot_run(&c->oneshot_decompress, &job, argc, in, out);
}
