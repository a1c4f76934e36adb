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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zdict.h>

#include "core.h"
#include "handles.h"

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

/* ---- training ----
 * Samples are kept back to back with their sizes, as ZDICT takes them: for one call by the
 * one-shot entry, across calls by a trainer behind a handle.  Both train the way zstandard
 * does (ZDICT_optimizeTrainFromBuffer_fastCover, whatever k and d), so they give its bytes. */

#define TRAIN_MIN 256 /* the smallest dictionary ZDICT accepts, rounded up */

struct trainer {
	unsigned char *data; /* the samples, back to back */
	size_t len, cap;
	size_t *sizes;
	size_t count, scap;
	size_t max_total; /* the most bytes of samples this trainer takes */
	int trained;
};

static void trainer_clear(struct trainer *tr)
{
	free(tr->data);
	free(tr->sizes);
}

static void trainer_destroy(void *p)
{
	if (p != NULL)
		trainer_clear(p);
	free(p);
}

static void trainer_describe(const void *p, char *buf, size_t size)
{
	const struct trainer *tr = p;

	snprintf(buf, size, "samples=%zu;bytes=%zu;max_total=%zu;trained=%d", tr->count, tr->len,
		 tr->max_total, tr->trained);
}

static const struct stdc_handle_kind trainer_kind = {"zstd dictionary trainer", trainer_destroy,
						     trainer_describe};

/* Room for `need` elements of `elem` bytes in *p (capacity *cap, never above max), doubling. */
static int reserve(void **p, size_t *cap, size_t need, size_t elem, size_t max)
{
	size_t n = *cap ? *cap : 4096 / elem;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n = n > max / 2 ? max : n * 2;
	if (n > max)
		n = max;
	if (n < need || n > SIZE_MAX / elem || (q = realloc(*p, n * elem)) == NULL)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

/* Appends the samples of `in`: the whole string, or (segs not NULL) its (offset, length) pairs
 * of 16 bytes.  All or nothing: hostile pairs and the caps are checked before any copy. */
static gtm_long_t trainer_add(struct trainer *tr, const gtm_string_t *in, const gtm_string_t *segs,
			      const char *op)
{
	size_t n = segs == NULL ? 1 : (size_t)segs->length / 16, add = 0;
	uint64_t pair[2] = {0, (uint64_t)in->length};

	if (tr->trained)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: the trainer has trained its dictionary; "
				 "open another for more samples", op);
	if (segs != NULL && segs->length % 16 != 0)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: segments of %ld bytes are not (offset, length) "
				 "pairs of 16 bytes", op, (long)segs->length);
	for (size_t i = 0; i < n; i++) {
		if (segs != NULL)
			memcpy(pair, segs->address + 16 * i, sizeof(pair));
		if (pair[0] > (uint64_t)in->length || pair[1] > (uint64_t)in->length - pair[0])
			return stdc_fail(STDC_E_BAD_ARGS, "%s: item %zu: segment (%llu, %llu) reaches "
					 "past the %ld-byte input", op, i,
					 (unsigned long long)pair[0], (unsigned long long)pair[1],
					 (long)in->length);
		add += (size_t)pair[1]; /* at most 65536 pairs of 1 MiB: no overflow */
	}
	if (n > STDC_TRAIN_MAX_SAMPLES - tr->count)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: more than %lu samples (ZDICT's limit)", op,
				 (unsigned long)STDC_TRAIN_MAX_SAMPLES);
	if (add > tr->max_total - tr->len)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: %zu more bytes of samples would pass the "
				 "trainer's cap of %zu bytes (%zu taken)", op, add, tr->max_total,
				 tr->len);
	if (reserve((void **)&tr->data, &tr->cap, tr->len + add, 1, tr->max_total) != 0 ||
	    reserve((void **)&tr->sizes, &tr->scap, tr->count + n, sizeof(size_t),
		    STDC_TRAIN_MAX_SAMPLES) != 0)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for %zu bytes of samples", op,
				 tr->len + add);
	for (size_t i = 0; i < n; i++) {
		if (segs != NULL)
			memcpy(pair, segs->address + 16 * i, sizeof(pair));
		if (pair[1] > 0)
			memcpy(tr->data + tr->len, in->address + pair[0], (size_t)pair[1]);
		tr->len += (size_t)pair[1];
		tr->sizes[tr->count++] = (size_t)pair[1];
	}
	return STDC_OK;
}

/* The optional arguments from position `first` (1-based) on, 0 when argc leaves them out. */
struct train_params {
	gtm_long_t size, k, d, steps, level, dict_id;
};

static gtm_long_t train_check(int argc, int first, struct train_params *tp, gtm_string_t *out,
			      const char *op)
{
	gtm_long_t *opt[] = {&tp->k, &tp->d, &tp->steps, &tp->level, &tp->dict_id};
	gtm_long_t rc = STDC_OK;

	for (int i = 0; i < 5; i++)
		if (argc < first + i)
			*opt[i] = 0;
	if (out == NULL || out->address == NULL || out->length < 0)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: missing output", op);
	if (tp->size < TRAIN_MIN || tp->size > out->length)
		rc = stdc_fail(STDC_E_BAD_ARGS, "%s: dictionary size %ld is outside %d..%ld", op,
			       (long)tp->size, TRAIN_MIN, (long)out->length);
	else if (tp->k < 0 || tp->k > 2048 || (tp->d != 0 && tp->d != 6 && tp->d != 8) ||
		 tp->steps < 0 || tp->steps > 256 || tp->level < 0 ||
		 tp->level > ZSTD_maxCLevel() || tp->dict_id < 0 || tp->dict_id > 0xFFFFFFFFL)
		rc = stdc_fail(STDC_E_BAD_ARGS, "%s: k %ld (0..2048), d %ld (0, 6, 8), steps %ld "
			       "(0..256), level %ld or dict_id %ld out of range", op, (long)tp->k,
			       (long)tp->d, (long)tp->steps, (long)tp->level, (long)tp->dict_id);
	out->length = 0;
	return rc;
}

static gtm_long_t trainer_train(struct trainer *tr, const struct train_params *tp,
				gtm_string_t *out, const char *op)
{
	static unsigned char none; /* ZDICT's buffer when every sample is empty */
	ZDICT_fastCover_params_t p;
	size_t r;

	if (tr->trained)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: the trainer has trained its dictionary "
				 "already", op);
	if (tr->count == 0)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: no samples", op);
	memset(&p, 0, sizeof(p));
	p.k = (unsigned)tp->k;
	p.d = (unsigned)tp->d;
	p.steps = (unsigned)tp->steps;
	p.zParams.compressionLevel = (int)tp->level;
	p.zParams.dictID = (unsigned)tp->dict_id;
	r = ZDICT_optimizeTrainFromBuffer_fastCover(out->address, (size_t)tp->size,
						    tr->data != NULL ? tr->data : &none, tr->sizes,
						    (unsigned)tr->count, &p);
	if (ZDICT_isError(r))
		return stdc_fail(STDC_E_LIBZSTD_FAIL, "%s: %s (%zu samples, %zu bytes)", op,
				 ZDICT_getErrorName(r), tr->count, tr->len);
	out->length = (gtm_long_t)r;
	tr->trained = 1;
	return STDC_OK;
}

static int string_ok(const gtm_string_t *s)
{
	return s != NULL && s->length >= 0 && s->length <= STDC_MAX_STRING &&
	       (s->length == 0 || s->address != NULL);
}

gtm_long_t stdc_zstd_train(int argc, gtm_string_t *in, gtm_string_t *segs, gtm_string_t *out,
			   gtm_long_t dict_size, gtm_long_t k, gtm_long_t d, gtm_long_t steps,
			   gtm_long_t level, gtm_long_t dict_id)
{
	const char *op = "zstdTrainDictionary";
	struct train_params tp = {dict_size, k, d, steps, level, dict_id};
	struct trainer tr = {0};
	gtm_long_t rc;

	if (argc < 4)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: needs (samples, segments, .dictionary, size)"
				 ", got %d argument(s)", op, argc);
	if (!string_ok(in) || !string_ok(segs))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: missing or oversized argument", op);
	if ((rc = train_check(argc, 5, &tp, out, op)) != STDC_OK)
		return rc;
	tr.max_total = (size_t)in->length; /* the samples of one string: its bytes, once */
	rc = trainer_add(&tr, in, segs, op);
	if (rc == STDC_OK)
		rc = trainer_train(&tr, &tp, out, op);
	trainer_clear(&tr);
	return rc;
}

gtm_long_t stdc_zstd_trainer_open(int argc, gtm_long_t max_total)
{
	const char *op = "zstdTrainerOpen";
	struct trainer *tr;

	if (argc < 1)
		max_total = 0;
	if (max_total < 0 || (uint64_t)max_total > STDC_TRAIN_MAX_TOTAL)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: cap %ld is outside 0..%llu (0: the most)", op,
				 (long)max_total, (unsigned long long)STDC_TRAIN_MAX_TOTAL);
	if ((tr = calloc(1, sizeof(*tr))) == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a trainer", op);
	tr->max_total = max_total ? (size_t)max_total : (size_t)STDC_TRAIN_MAX_TOTAL;
	return stdc_handles_open(&trainer_kind, tr, op);
}

gtm_long_t stdc_zstd_trainer_add(int argc, gtm_long_t handle, gtm_string_t *sample,
				 gtm_string_t *segs)
{
	const char *op = "zstdTrainerAdd";
	struct stdc_handle_use use;
	struct trainer *tr;
	gtm_long_t rc;

	if (argc < 2 || !string_ok(sample) || (argc >= 3 && !string_ok(segs)))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: needs (handle, sample[, segments]) of at most "
				 "%d bytes each", op, STDC_MAX_STRING);
	if ((tr = stdc_handles_acquire(handle, &trainer_kind, op, &use, &rc)) == NULL)
		return rc;
	rc = trainer_add(tr, sample, argc >= 3 ? segs : NULL, op);
	stdc_handles_release(&use);
	return rc;
}

gtm_long_t stdc_zstd_trainer_train(int argc, gtm_long_t handle, gtm_string_t *out,
				   gtm_long_t dict_size, gtm_long_t k, gtm_long_t d,
				   gtm_long_t steps, gtm_long_t level, gtm_long_t dict_id)
{
	const char *op = "zstdTrainerTrain";
	struct train_params tp = {dict_size, k, d, steps, level, dict_id};
	struct stdc_handle_use use;
	struct trainer *tr;
	gtm_long_t rc;

	if (argc < 3)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: needs (handle, .dictionary, size), got %d "
				 "argument(s)", op, argc);
	if ((rc = train_check(argc, 4, &tp, out, op)) != STDC_OK)
		return rc;
	if ((tr = stdc_handles_acquire(handle, &trainer_kind, op, &use, &rc)) == NULL)
		return rc;
	rc = trainer_train(tr, &tp, out, op);
	stdc_handles_release(&use);
	return rc;
}
