/* zstd.c - zstd frames (RFC 8878) through libzstd, with one compression and one decompression
 * context per thread.
 *
 * Compression writes one frame with the content size and a checksum (what zstd(1) writes).
 * Decompression accepts one or more concatenated frames, skippable frames among them, with or
 * without content size and checksum; an empty input is zero frames (empty result).  Bytes
 * that do not form a complete frame are an error. */
#include <zstd_errors.h>

#include "core.h"

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

gtm_long_t stdc_zstd_decompress(int argc, gtm_string_t *in, gtm_string_t *out)
{
	struct stdc_job job = {.run = run_decompress};
	struct stdc_thread *t;
	unsigned long long size;
	size_t cap;
	gtm_long_t rc;

	rc = stdc_begin(argc, in, out, "zstdDecompress", &job, &t, &cap);
	if (rc != STDC_OK)
		return rc;
	if (job.in_len == 0)
		return STDC_OK; /* zero frames */
	if (t->zstd_d == NULL && (t->zstd_d = ZSTD_createDCtx()) == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "zstdDecompress: no memory for a context");
	/* Frame headers may declare the size; a declaration is a hint for choosing where to
	 * decode, never a size to allocate. */
	size = declared_size(job.in, job.in_len);
	if (size == ZSTD_CONTENTSIZE_ERROR)
		return stdc_fail(STDC_E_LIBZSTD_FAIL, "zstdDecompress: not a sequence of zstd frames");
	if (size != ZSTD_CONTENTSIZE_UNKNOWN && size > STDC_MAX_STRING)
		return stdc_fail(STDC_E_OUTPUT_TOO_LARGE,
				 "zstdDecompress: frames declare %llu bytes, over the %d-byte limit",
				 size, STDC_MAX_STRING);
	job.estimate = size == ZSTD_CONTENTSIZE_UNKNOWN ? STDC_UNKNOWN : (size_t)size;
	return stdc_deliver(t, &job, out, cap);
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
