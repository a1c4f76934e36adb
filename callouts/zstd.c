/* zstd.c - zstd frames (RFC 8878) through libzstd, with one compression and one decompression
 * context per thread.
 *
 * Compression writes one frame with the content size and a checksum (what zstd(1) writes).
 * Decompression accepts one or more concatenated frames, skippable frames among them, with or
 * without content size and checksum; an empty input is zero frames (empty result).  Bytes
 * that do not form a complete frame are an error. */
#include <stdio.h>
#include <stdlib.h>

#include <zstd_errors.h>

#include "codec.h"

extern const struct stdc_codec stdc_codec_zstd;

int stdc_zstd_result(size_t r, const char *op, size_t *len)
{
	if (ZSTD_isError(r)) {
		if (ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall)
			return STDC_NOSPACE;
		return (int)stdc_fail(STDC_E_LIBZSTD_FAIL, "%s: %s", op, ZSTD_getErrorName(r));
	}
	*len = r;
	return STDC_OK;
}

static int run_compress(const struct stdc_job *job, struct stdc_thread *t, unsigned char *dst,
			size_t cap, size_t *len)
{
	return stdc_zstd_result(ZSTD_compress2(t->zstd_c, dst, cap, job->in, job->in_len),
			  "zstdCompress", len);
}

size_t stdc_zstd_frame(ZSTD_CCtx *c, gtm_long_t frame)
{
	size_t r = ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag,
					  !(frame & STDC_ZSTD_NO_CONTENT_SIZE));

	if (!ZSTD_isError(r))
		r = ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, !(frame & STDC_ZSTD_NO_CHECKSUM));
	if (!ZSTD_isError(r))
		r = ZSTD_CCtx_setParameter(c, ZSTD_c_dictIDFlag, !(frame & STDC_ZSTD_NO_DICT_ID));
	return r;
}

gtm_long_t stdc_zstd_compress(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level,
			      gtm_long_t frame)
{
	struct stdc_job job = {.run = run_compress};
	struct stdc_thread *t;
	size_t cap, r;
	gtm_long_t rc;

	if (argc < 3)
		level = STDC_ZSTD_LEVEL_DEFAULT;
	if (argc < 4)
		frame = 0;
	if (argc >= 2 && (level == 0 || level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()))
		return stdc_fail(STDC_E_BAD_LEVEL, "zstdCompress: level %ld is outside %d..-1, 1..%d",
				 (long)level, ZSTD_minCLevel(), ZSTD_maxCLevel());
	if (frame < 0 || frame > STDC_ZSTD_FRAME_BITS)
		return stdc_fail(STDC_E_BAD_ARGS, "zstdCompress: frame options %ld are outside 0..%d",
				 (long)frame, STDC_ZSTD_FRAME_BITS);
	rc = stdc_begin(argc, in, out, "zstdCompress", &job, &t, &cap);
	if (rc != STDC_OK)
		return rc;
	if (stdc_zstd_cctx(t, "zstdCompress") == NULL)
		return -STDC_E_NO_MEMORY;
	r = ZSTD_CCtx_setParameter(t->zstd_c, ZSTD_c_compressionLevel, (int)level);
	if (!ZSTD_isError(r) && frame)
		r = stdc_zstd_frame(t->zstd_c, frame);
	if (ZSTD_isError(r))
		rc = stdc_fail(STDC_E_LIBZSTD_FAIL, "zstdCompress: %s", ZSTD_getErrorName(r));
	else {
		job.level = (int)level;
		job.estimate = ZSTD_compressBound(job.in_len);
		rc = stdc_deliver(t, &job, out, cap);
	}
	if (frame) /* the thread's context is shared: back to its frames (dict.c, batch.c) */
		stdc_zstd_frame(t->zstd_c, 0);
	return rc;
}

/* The total content size the frames declare (stable API only), ZSTD_CONTENTSIZE_UNKNOWN when a
 * frame does not say, ZSTD_CONTENTSIZE_ERROR when the input is not a sequence of frames. */
static unsigned long long declared_size(const unsigned char *src, size_t n)
{
	unsigned long long total = 0;

	while (n > 0) {
		unsigned long long size = ZSTD_getFrameContentSize(src, n);
		size_t frame = ZSTD_findFrameCompressedSize(src, n);

		if (size == ZSTD_CONTENTSIZE_ERROR || ZSTD_isError(frame))
			return ZSTD_CONTENTSIZE_ERROR;
		if (size == ZSTD_CONTENTSIZE_UNKNOWN)
			return ZSTD_CONTENTSIZE_UNKNOWN;
		total += size;
		if (total > STDC_MAX_STRING) /* enough to know; also keeps the sum from wrapping */
			return total;
		src += frame;
		n -= frame;
	}
	return total;
}

static int run_decompress(const struct stdc_job *job, struct stdc_thread *t, unsigned char *dst,
			  size_t cap, size_t *len)
{
	return stdc_zstd_result(ZSTD_decompressDCtx(t->zstd_d, dst, cap, job->in, job->in_len),
			  "zstdDecompress", len);
}

/* Zero frames are an empty result; frame headers may declare the size: a declaration is a hint
 * for choosing where to decode, never a size to allocate. */
static gtm_long_t zstd_before_decode(struct stdc_job *job, struct stdc_thread *t, const char *op)
{
	unsigned long long size;

	if (job->in_len == 0)
		return STDC_ONESHOT_DONE;
	if (t->zstd_d == NULL && (t->zstd_d = ZSTD_createDCtx()) == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a context", op);
	size = declared_size(job->in, job->in_len);
	if (size == ZSTD_CONTENTSIZE_ERROR)
		return stdc_fail(STDC_E_LIBZSTD_FAIL, "%s: not a sequence of zstd frames", op);
	if (size != ZSTD_CONTENTSIZE_UNKNOWN && size > STDC_MAX_STRING)
		return stdc_fail(STDC_E_OUTPUT_TOO_LARGE,
				 "%s: frames declare %llu bytes, over the %d-byte limit", op, size,
				 STDC_MAX_STRING);
	job->estimate = size == ZSTD_CONTENTSIZE_UNKNOWN ? STDC_UNKNOWN : (size_t)size;
	return STDC_OK;
}

gtm_long_t stdc_zstd_decompress(int argc, gtm_string_t *in, gtm_string_t *out)
{
	return stdc_oneshot_decompress(&stdc_codec_zstd, argc, in, out);
}

ZSTD_CCtx *stdc_zstd_cctx(struct stdc_thread *t, const char *op)
{
	if (t->zstd_c == NULL) {
		if ((t->zstd_c = ZSTD_createCCtx()) == NULL) {
			stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a context", op);
			return NULL;
		}
		ZSTD_CCtx_setParameter(t->zstd_c, ZSTD_c_checksumFlag, 1);
	}
	return t->zstd_c;
}

/* ---- streams ---- */

struct zstd_stream {
	ZSTD_CCtx *zc;
	ZSTD_DCtx *zd;
	int workers;
	uint64_t total_in;
	struct stdc_pending ob; /* a frame ended in one pass, see zstd_step */
	int ob_ended;           /* that pass finished the frame */
};

static void zstd_stream_end(void *state)
{
	struct zstd_stream *zs = state;

	ZSTD_freeCCtx(zs->zc);
	ZSTD_freeDCtx(zs->zd);
	free(zs->ob.buf);
	free(zs);
}

static gtm_long_t zstd_stream_begin(const struct stdc_stream_params *p, void **state,
				    const char *op)
{
	struct zstd_stream *zs = calloc(1, sizeof(*zs));
	const gtm_string_t *dict = p->dict;
	size_t r = 0;

	if (zs == NULL || (p->compress ? (zs->zc = ZSTD_createCCtx()) == NULL
				       : (zs->zd = ZSTD_createDCtx()) == NULL)) {
		if (zs != NULL)
			zstd_stream_end(zs);
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a zstd context", op);
	}
	zs->workers = p->workers;
	if (p->compress) {
		r = ZSTD_CCtx_setParameter(zs->zc, ZSTD_c_compressionLevel, p->level);
		if (!ZSTD_isError(r))
			r = stdc_zstd_frame(zs->zc, p->frame);
		if (!ZSTD_isError(r) && p->size >= 0)
			r = ZSTD_CCtx_setPledgedSrcSize(zs->zc, (unsigned long long)p->size);
		if (!ZSTD_isError(r) && dict != NULL)
			r = ZSTD_CCtx_loadDictionary(zs->zc, dict->address, (size_t)dict->length);
		if (!ZSTD_isError(r) && p->workers > 0 &&
		    ZSTD_isError(r = ZSTD_CCtx_setParameter(zs->zc, ZSTD_c_nbWorkers, p->workers))) {
			zstd_stream_end(zs);
			return stdc_fail(STDC_E_LIBZSTD_FAIL, "%s: this libzstd has no worker threads "
					 "(%s)", op, ZSTD_getErrorName(r));
		}
	} else if (dict != NULL) {
		r = ZSTD_DCtx_loadDictionary(zs->zd, dict->address, (size_t)dict->length);
	}
	if (ZSTD_isError(r)) {
		zstd_stream_end(zs);
		return stdc_fail(STDC_E_LIBZSTD_FAIL, "%s: %s", op, ZSTD_getErrorName(r));
	}
	*state = zs;
	return STDC_OK;
}

/* libzstd compresses a frame whose whole input comes with its end (zstandard's one-shot
 * compress(), an end write here) in one pass only when the output has room for
 * ZSTD_compressBound of it; otherwise it goes block by block and may split blocks elsewhere,
 * other bytes.  When the caller's output is smaller, that pass writes into ob. */
static gtm_long_t zstd_stream_step(void *state, const unsigned char *in, size_t n, size_t *used,
				   unsigned char *dst, size_t cap, size_t *made,
				   enum stdc_action act, int *ended, const char *op)
{
	struct zstd_stream *zs = state;
	ZSTD_inBuffer i = {in, n, 0};
	ZSTD_outBuffer o = {dst, cap, 0};
	sigset_t old;
	size_t r, bound;

	*used = *made = 0;
	if (zs->ob.pos < zs->ob.len) {
		stdc_pending_out(&zs->ob, dst, cap, made);
		if (zs->ob.pos < zs->ob.len)
			return STDC_OK;
		zs->ob.pos = zs->ob.len = 0;
		if (zs->ob_ended) {
			zs->ob_ended = 0;
			*ended = 1;
			return STDC_OK;
		}
		o.pos = *made;
	}
	if (zs->zc != NULL && act == STDC_ACT_END && zs->workers == 0 && zs->total_in == 0 &&
	    n > 0 && (bound = ZSTD_compressBound(n)) > cap - o.pos) {
		if (zs->ob.cap < bound) {
			unsigned char *b = realloc(zs->ob.buf, bound);

			if (b == NULL)
				return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for the frame", op);
			zs->ob.buf = b;
			zs->ob.cap = bound;
		}
		o = (ZSTD_outBuffer){zs->ob.buf, bound, 0};
		r = ZSTD_compressStream2(zs->zc, &o, &i, ZSTD_e_end);
		*used = i.pos;
		zs->total_in += i.pos;
		if (ZSTD_isError(r))
			return stdc_fail(STDC_E_LIBZSTD_FAIL, "%s: %s", op, ZSTD_getErrorName(r));
		zs->ob.len = o.pos;
		zs->ob_ended = r == 0;
		stdc_pending_out(&zs->ob, dst, cap, made);
		if (zs->ob.pos == zs->ob.len) {
			zs->ob.pos = zs->ob.len = 0;
			*ended = zs->ob_ended;
			zs->ob_ended = 0;
		}
		return STDC_OK;
	}
	/* libzstd starts its workers inside this call: they inherit the blocked mask. */
	if (zs->workers > 0)
		stdc_signals_block(&old);
	r = zs->zc != NULL ? ZSTD_compressStream2(zs->zc, &o, &i,
						  act == STDC_ACT_END ? ZSTD_e_end
						  : act == STDC_ACT_FLUSH ? ZSTD_e_flush
									  : ZSTD_e_continue)
			   : ZSTD_decompressStream(zs->zd, &o, &i);
	if (zs->workers > 0)
		stdc_signals_restore(&old);

	*used = i.pos;
	*made = o.pos;
	zs->total_in += i.pos;
	if (ZSTD_isError(r))
		return stdc_fail(ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation
					 ? STDC_E_NO_MEMORY : STDC_E_LIBZSTD_FAIL,
				 "%s: %s", op, ZSTD_getErrorName(r));
	if (r == 0 && (zs->zd != NULL || act != STDC_ACT_NONE))
		*ended = 1;
	return STDC_OK;
}

/* zstd frames and skippable frames may follow one another; the decoder starts the next by
 * itself. */
static int zstd_starts_another(const unsigned char *b, size_t n)
{
	return stdc_could_begin(b, n, "\x28\xb5\x2f\xfd", 4) || stdc_skippable_could_begin(b, n);
}

/* ---- batches ---- */

static int zstd_batch_result(size_t r, size_t *len, char *msg, size_t msg_len)
{
	if (ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall)
		return STDC_NOSPACE;
	if (ZSTD_isError(r)) {
		snprintf(msg, msg_len, "%s", ZSTD_getErrorName(r));
		return -STDC_E_LIBZSTD_FAIL;
	}
	*len = r;
	return STDC_OK;
}

static int zstd_encode(struct stdc_thread *t, int level, const void *dict,
		       const unsigned char *src, size_t n, unsigned char *dst, size_t cap,
		       size_t *len, char *msg, size_t msg_len)
{
	(void)level, (void)dict; /* set by zstd_prepare */
	return zstd_batch_result(ZSTD_compress2(t->zstd_c, dst, cap, src, n), len, msg, msg_len);
}

static int zstd_decode(struct stdc_thread *t, const void *dict, const unsigned char *src,
		       size_t n, unsigned char *dst, size_t cap, size_t *len, char *msg,
		       size_t msg_len)
{
	if (n == 0) { /* zero frames, as zstdDecompress: empty */
		*len = 0;
		return STDC_OK;
	}
	return zstd_batch_result(dict != NULL ? ZSTD_decompress_usingDDict(t->zstd_d, dst, cap,
									   src, n, dict)
					      : ZSTD_decompressDCtx(t->zstd_d, dst, cap, src, n),
				 len, msg, msg_len);
}

static int zstd_prepare(struct stdc_thread *t, int decompress, int level, const void *dict)
{
	if (decompress)
		return t->zstd_d != NULL || (t->zstd_d = ZSTD_createDCtx()) != NULL ? 0 : -1;
	if (t->zstd_c == NULL && (t->zstd_c = ZSTD_createCCtx()) == NULL)
		return -1;
	/* Every parameter set again: pooled contexts carry nothing between calls. */
	return !ZSTD_isError(ZSTD_CCtx_reset(t->zstd_c, ZSTD_reset_session_and_parameters)) &&
			       !ZSTD_isError(ZSTD_CCtx_setParameter(t->zstd_c,
								    ZSTD_c_compressionLevel, level)) &&
			       !ZSTD_isError(ZSTD_CCtx_setParameter(t->zstd_c, ZSTD_c_checksumFlag,
								    1)) &&
			       !ZSTD_isError(ZSTD_CCtx_refCDict(t->zstd_c, dict))
		       ? 0 : -1;
}

static int zstd_declared_size(const unsigned char *src, size_t n, unsigned long long *size)
{
	unsigned long long fs = ZSTD_getFrameContentSize(src, n);

	if (fs == ZSTD_CONTENTSIZE_ERROR)
		return -1;
	if (fs == ZSTD_CONTENTSIZE_UNKNOWN)
		return 0;
	*size = fs;
	return 1;
}

static size_t zstd_bound(size_t n)
{
	return ZSTD_compressBound(n);
}

static gtm_long_t zstd_dict_get(struct stdc_thread *t, const gtm_string_t *dict, int level,
				int decompress, const char *op, const void **compiled)
{
	const ZSTD_CDict *c = NULL;
	const ZSTD_DDict *d = NULL;
	gtm_long_t rc = decompress ? stdc_dict_ddict(t, dict, op, &d)
				   : stdc_dict_cdict(t, dict, level, op, &c);

	*compiled = decompress ? (const void *)d : (const void *)c;
	return rc;
}

static void zstd_thread_free(struct stdc_thread *t)
{
	ZSTD_freeCCtx(t->zstd_c);
	ZSTD_freeDCtx(t->zstd_d);
	t->zstd_c = NULL;
	t->zstd_d = NULL;
}

static int zstd_usable(void)
{
	return ZSTD_versionNumber() / 10000 == ZSTD_VERSION_MAJOR;
}

const struct stdc_codec stdc_codec_zstd = {
	.name = "zstd",
	.error = STDC_E_LIBZSTD_FAIL,
	.level_min = STDC_ZSTD_LEVEL_MIN,
	.level_max = STDC_ZSTD_LEVEL_MAX,
	.level_default = STDC_ZSTD_LEVEL_DEFAULT,
	.level_word = "level",
	.oneshot_decompress = {"zstdDecompress", run_decompress, NULL, zstd_before_decode},
	.stream_begin = zstd_stream_begin,
	.stream_step = zstd_stream_step,
	.stream_end = zstd_stream_end,
	.starts_another = zstd_starts_another,
	.stream_workers = 1,
	.frame_options = 1,
	.pledged_size = 1,
	.bound = zstd_bound,
	.encode = zstd_encode,
	.decode = zstd_decode,
	.prepare = zstd_prepare,
	.declared_size = zstd_declared_size,
	.exact_size = 1,
	.dict_get = zstd_dict_get,
	.thread_free = zstd_thread_free,
	.libraries = STDC_LIBRARIES({"libzstd", ZSTD_versionString, zstd_usable}),
	.limits = STDC_LIMITS(STDC_LIMIT_GET("zstd_level_min", ZSTD_minCLevel),
		STDC_LIMIT_GET("zstd_level_max", ZSTD_maxCLevel),
		STDC_LIMIT("zstd_level_default", STDC_ZSTD_LEVEL_DEFAULT)),
};
