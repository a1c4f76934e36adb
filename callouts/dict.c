/* dict.c - zstd dictionaries: training from samples, the dictionary id, one-shot compression and
 * decompression with a dictionary, and the per-thread cache of compiled dictionaries that every
 * dictionary user (one-shot, batch, stream) shares.
 *
 * A dictionary is given by content, as an M string.  The cache keeps a copy of each one it
 * compiled with its id, and finds it again only when length, id and every byte match, so a
 * different dictionary that claims the same id is compiled on its own.  Compression
 * dictionaries are compiled per level.  The cache holds at most STDC_DICT_CACHE entries per
 * thread (least recently used freed first) and is freed with the thread's state, at thread
 * or process exit.  Content that is not a zstd dictionary (no magic) is used as raw content,
 * as libzstd does (id 0). */
#define ZDICT_STATIC_LINKING_ONLY
#include <stdlib.h>
#include <string.h>

#include <zdict.h>

#include "core.h"

struct stdc_dict {
	struct stdc_dict *next;
	unsigned id;
	int level; /* compression level of cdict; ddict ignores it */
	ZSTD_CDict *cdict;
	ZSTD_DDict *ddict;
	size_t len;
	unsigned char bytes[]; /* the content, compared on every lookup */
};

static void dict_free(struct stdc_dict *d)
{
	ZSTD_freeCDict(d->cdict);
	ZSTD_freeDDict(d->ddict);
	free(d);
}

void stdc_dict_free_all(struct stdc_thread *t)
{
	while (t->dicts != NULL) {
		struct stdc_dict *d = t->dicts;

		t->dicts = d->next;
		dict_free(d);
	}
}

/* The entry for (content, level or -1 for decompression), moved to the front; created empty
 * when absent, the oldest beyond the bound freed. */
static gtm_long_t lookup(struct stdc_thread *t, const gtm_string_t *dict, int level,
			 int compress, const char *op, struct stdc_dict **found)
{
	const unsigned char *p = (const unsigned char *)dict->address;
	size_t len = (size_t)dict->length;
	unsigned id = ZDICT_getDictID(p, len);
	struct stdc_dict **link = &t->dicts, *d;
	size_t n = 0;

	for (d = t->dicts; d != NULL; link = &d->next, d = d->next, n++) {
		if (d->id == id && d->len == len && (compress ? d->cdict != NULL && d->level == level
							   : d->ddict != NULL) &&
		    memcmp(d->bytes, p, len) == 0) {
			*link = d->next; /* to the front */
			d->next = t->dicts;
			t->dicts = d;
			*found = d;
			return STDC_OK;
		}
	}
	d = malloc(sizeof(*d) + len);
	if (d == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a %zu-byte dictionary", op, len);
	memset(d, 0, sizeof(*d));
	d->id = id;
	d->level = level;
	d->len = len;
	memcpy(d->bytes, p, len);
	if (compress)
		d->cdict = ZSTD_createCDict(d->bytes, len, level);
	else
		d->ddict = ZSTD_createDDict(d->bytes, len);
	if (d->cdict == NULL && d->ddict == NULL) {
		free(d);
		return stdc_fail(STDC_E_LIBZSTD_FAIL, "%s: the %zu-byte dictionary cannot be loaded",
				 op, len);
	}
	d->next = t->dicts;
	t->dicts = d;
	/* Keep the bound: free what falls beyond it. */
	for (n = 1, link = &d->next; *link != NULL; n++) {
		if (n >= STDC_DICT_CACHE) {
			struct stdc_dict *old = *link;

			*link = old->next;
			dict_free(old);
		} else {
			link = &(*link)->next;
		}
	}
	*found = d;
	return STDC_OK;
}

static gtm_long_t dict_check(const gtm_string_t *dict, const char *op)
{
	if (dict == NULL || dict->length <= 0 || dict->length > STDC_MAX_STRING ||
	    dict->address == NULL)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: the dictionary must be 1..%d bytes", op,
				 STDC_MAX_STRING);
	return STDC_OK;
}

gtm_long_t stdc_dict_cdict(struct stdc_thread *t, const gtm_string_t *dict, int level,
			   const char *op, const ZSTD_CDict **cdict)
{
	struct stdc_dict *d = NULL;
	gtm_long_t rc = dict_check(dict, op);

	if (rc == STDC_OK)
		rc = lookup(t, dict, level, 1, op, &d);
	*cdict = rc == STDC_OK ? d->cdict : NULL;
	return rc;
}

gtm_long_t stdc_dict_ddict(struct stdc_thread *t, const gtm_string_t *dict, const char *op,
			   const ZSTD_DDict **ddict)
{
	struct stdc_dict *d = NULL;
	gtm_long_t rc = dict_check(dict, op);

	if (rc == STDC_OK)
		rc = lookup(t, dict, 0, 0, op, &d);
	*ddict = rc == STDC_OK ? d->ddict : NULL;
	return rc;
}

/* ---- one-shot entries with a dictionary ---- */

struct dict_job {
	struct stdc_job job;
	const ZSTD_CDict *cdict;
	const ZSTD_DDict *ddict;
};

static int run_compress(const struct stdc_job *job, struct stdc_thread *t, unsigned char *dst,
			size_t cap, size_t *len)
{
	const struct dict_job *dj = (const struct dict_job *)job;
	size_t r;

	/* The context's own settings (checksum on, as zstd.c keeps it); the dictionary is
	 * referenced for this call only. */
	r = ZSTD_CCtx_setParameter(t->zstd_c, ZSTD_c_compressionLevel, job->level);
	if (!ZSTD_isError(r))
		r = ZSTD_CCtx_refCDict(t->zstd_c, dj->cdict);
	if (!ZSTD_isError(r))
		r = ZSTD_compress2(t->zstd_c, dst, cap, job->in, job->in_len);
	ZSTD_CCtx_refCDict(t->zstd_c, NULL);
	return stdc_zstd_result(r, "zstdCompressDict", len);
}

static int run_decompress(const struct stdc_job *job, struct stdc_thread *t, unsigned char *dst,
			  size_t cap, size_t *len)
{
	const struct dict_job *dj = (const struct dict_job *)job;

	return stdc_zstd_result(ZSTD_decompress_usingDDict(t->zstd_d, dst, cap, job->in, job->in_len,
						      dj->ddict),
			   "zstdDecompressDict", len);
}

gtm_long_t stdc_zstd_compress_dict(int argc, gtm_string_t *in, gtm_string_t *out,
				   gtm_long_t level, gtm_string_t *dict)
{
	struct dict_job dj = {.job.run = run_compress};
	struct stdc_thread *t;
	size_t cap;
	gtm_long_t rc;

	if (argc < 4)
		return stdc_fail(STDC_E_BAD_ARGS, "zstdCompressDict: needs (input, .output, level, "
				 "dictionary), got %d argument(s)", argc);
	if (level == 0)
		level = STDC_ZSTD_LEVEL_DEFAULT;
	if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())
		return stdc_fail(STDC_E_BAD_LEVEL, "zstdCompressDict: level %ld is outside %d..%d",
				 (long)level, ZSTD_minCLevel(), ZSTD_maxCLevel());
	rc = stdc_begin(argc, in, out, "zstdCompressDict", &dj.job, &t, &cap);
	if (rc != STDC_OK)
		return rc;
	if (stdc_zstd_cctx(t, "zstdCompressDict") == NULL)
		return -STDC_E_NO_MEMORY;
	rc = stdc_dict_cdict(t, dict, (int)level, "zstdCompressDict", &dj.cdict);
	if (rc != STDC_OK)
		return rc;
	dj.job.level = (int)level;
	dj.job.estimate = ZSTD_compressBound(dj.job.in_len);
	return stdc_deliver(t, &dj.job, out, cap);
}

gtm_long_t stdc_zstd_decompress_dict(int argc, gtm_string_t *in, gtm_string_t *out,
				     gtm_string_t *dict)
{
	struct dict_job dj = {.job.run = run_decompress};
	struct stdc_thread *t;
	unsigned long long size;
	size_t cap;
	gtm_long_t rc;

	if (argc < 3)
		return stdc_fail(STDC_E_BAD_ARGS, "zstdDecompressDict: needs (input, .output, "
				 "dictionary), got %d argument(s)", argc);
	rc = stdc_begin(argc, in, out, "zstdDecompressDict", &dj.job, &t, &cap);
	if (rc != STDC_OK)
		return rc;
	if (t->zstd_d == NULL && (t->zstd_d = ZSTD_createDCtx()) == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "zstdDecompressDict: no memory for a context");
	rc = stdc_dict_ddict(t, dict, "zstdDecompressDict", &dj.ddict);
	if (rc != STDC_OK)
		return rc;
	if (dj.job.in_len == 0)
		return STDC_OK; /* zero frames, as zstdDecompress */
	/* One frame's declared size is a hint for where to decode, never a size to allocate. */
	size = ZSTD_getFrameContentSize(dj.job.in, dj.job.in_len);
	if (size == ZSTD_CONTENTSIZE_ERROR)
		return stdc_fail(STDC_E_LIBZSTD_FAIL, "zstdDecompressDict: not a zstd frame");
	if (size != ZSTD_CONTENTSIZE_UNKNOWN && size > STDC_MAX_STRING)
		return stdc_fail(STDC_E_OUTPUT_TOO_LARGE,
				 "zstdDecompressDict: the frame declares %llu bytes, over the %d-byte "
				 "limit", size, STDC_MAX_STRING);
	dj.job.estimate = size == ZSTD_CONTENTSIZE_UNKNOWN ? STDC_UNKNOWN : (size_t)size;
	return stdc_deliver(t, &dj.job, out, cap);
}

/* ---- id and training ---- */

gtm_long_t stdc_zstd_dict_id(int argc, gtm_string_t *dict)
{
	if (argc < 1 || dict == NULL || dict->length < 0 || dict->length > STDC_MAX_STRING ||
	    (dict->length > 0 && dict->address == NULL))
		return stdc_fail(STDC_E_BAD_ARGS, "zstdDictionaryId: needs (dictionary)");
	return dict->length == 0 ? 0 : (gtm_long_t)ZDICT_getDictID(dict->address,
								    (size_t)dict->length);
}

#define TRAIN_MIN 256 /* the smallest dictionary ZDICT accepts, rounded up */

gtm_long_t stdc_zstd_train(int argc, gtm_string_t *in, gtm_string_t *segs, gtm_string_t *out,
			   gtm_long_t dict_size, gtm_long_t k, gtm_long_t d, gtm_long_t steps,
			   gtm_long_t level, gtm_long_t dict_id)
{
	const char *op = "zstdTrainDictionary";
	ZDICT_fastCover_params_t p;
	unsigned char *samples = NULL;
	size_t *sizes = NULL, count, used = 0, r;
	gtm_long_t rc = STDC_OK;

	if (argc < 4)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: needs (samples, segments, .dictionary, size)"
				 ", got %d argument(s)", op, argc);
	if (argc < 5) k = 0;
	if (argc < 6) d = 0;
	if (argc < 7) steps = 0;
	if (argc < 8) level = 0;
	if (argc < 9) dict_id = 0;
	if (in == NULL || segs == NULL || out == NULL || out->address == NULL || out->length < 0 ||
	    in->length < 0 || in->length > STDC_MAX_STRING || (in->length > 0 && in->address == NULL) ||
	    segs->length < 0 || segs->length > STDC_MAX_STRING ||
	    (segs->length > 0 && segs->address == NULL))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: missing or oversized argument", op);
	if (dict_size < TRAIN_MIN || dict_size > out->length)
		rc = stdc_fail(STDC_E_BAD_ARGS, "%s: dictionary size %ld is outside %d..%ld", op,
			       (long)dict_size, TRAIN_MIN, (long)out->length);
	else if (segs->length % 16 != 0)
		rc = stdc_fail(STDC_E_BAD_ARGS, "%s: segments of %ld bytes are not (offset, length) "
			       "pairs of 16 bytes", op, (long)segs->length);
	else if (k < 0 || k > 2048 || d < 0 || d > 16 || (d != 0 && d != 6 && d != 8) || steps < 0 ||
		 steps > 256 || level < 0 || level > ZSTD_maxCLevel() || dict_id < 0 ||
		 dict_id > 0xFFFFFFFFL)
		rc = stdc_fail(STDC_E_BAD_ARGS, "%s: k %ld (0..2048), d %ld (0, 6, 8), steps %ld "
			       "(0..256), level %ld or dict_id %ld out of range", op, (long)k,
			       (long)d, (long)steps, (long)level, (long)dict_id);
	out->length = 0;
	if (rc != STDC_OK)
		return rc;
	count = (size_t)segs->length / 16;
	if (count == 0)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: no samples", op);
	samples = malloc(in->length > 0 ? (size_t)in->length : 1);
	sizes = malloc(count * sizeof(*sizes));
	if (samples == NULL || sizes == NULL) {
		rc = stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for the samples", op);
		goto done;
	}
	/* ZDICT wants the samples back to back: gather them (hostile pairs checked). */
	for (size_t i = 0; i < count; i++) {
		uint64_t pair[2];

		memcpy(pair, segs->address + 16 * i, sizeof(pair));
		if (pair[0] > (uint64_t)in->length || pair[1] > (uint64_t)in->length - pair[0] ||
		    pair[1] > (uint64_t)in->length - used) {
			rc = stdc_fail(STDC_E_BAD_ARGS, "%s: item %zu: segment (%llu, %llu) reaches "
				       "past the %ld-byte input", op, i, (unsigned long long)pair[0],
				       (unsigned long long)pair[1], (long)in->length);
			goto done;
		}
		memcpy(samples + used, in->address + pair[0], (size_t)pair[1]);
		used += (size_t)pair[1];
		sizes[i] = (size_t)pair[1];
	}
	memset(&p, 0, sizeof(p));
	p.k = (unsigned)k;
	p.d = (unsigned)d;
	p.steps = (unsigned)steps;
	p.zParams.compressionLevel = (int)level;
	p.zParams.dictID = (unsigned)dict_id;
	if (k != 0 && d != 0)
		r = ZDICT_trainFromBuffer_fastCover(out->address, (size_t)dict_size, samples, sizes,
						    (unsigned)count, p);
	else
		r = ZDICT_optimizeTrainFromBuffer_fastCover(out->address, (size_t)dict_size, samples,
							    sizes, (unsigned)count, &p);
	if (ZDICT_isError(r))
		rc = stdc_fail(STDC_E_LIBZSTD_FAIL, "%s: %s (%zu samples, %zu bytes)", op,
			       ZDICT_getErrorName(r), count, used);
	else
		out->length = (gtm_long_t)r;
done:
	free(samples);
	free(sizes);
	return rc;
}
