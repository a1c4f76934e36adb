/* brotli.c - brotli streams (RFC 7932) through libbrotlienc / libbrotlidec.
 *
 * Compression: quality 0..11 (default 11, as libbrotli, brotli(1) and Python's brotli), window
 * lgwin 10..24 bits (default 22, as libbrotli and Python's brotli), generic mode, the input size
 * as the size hint.  Both are checked before any work; a bad quality is BAD-LEVEL, a bad window
 * BAD-ARGS.  The large-window extension (not RFC 7932) is never used.
 * Decompression: exactly one stream, decoded with BrotliDecoderDecompressStream straight into
 * the output, so a result larger than the output stops there (held, or OUTPUT-TOO-LARGE past
 * 1 MiB) and a truncated input is an error.  An empty input is truncated (a stream has at
 * least one byte).  Bytes after the end of the stream are an error.
 * libbrotli has no way to reset an encoder or decoder state for another stream, so each call
 * creates and destroys its own; the decoder sizes its window buffer from the stream header,
 * at most 16 MiB by the format. */
#include <limits.h>
#include <stdint.h>

#include <brotli/decode.h>
#include <brotli/encode.h>

#include <stdio.h>
#include <stdlib.h>

#include "codec.h"

extern const struct stdc_codec stdc_codec_brotli;

struct brotli_job {
	struct stdc_job job;
	int lgwin;
};

static int run_compress(const struct stdc_job *job, struct stdc_thread *t, unsigned char *dst,
			size_t cap, size_t *len)
{
	const struct brotli_job *bj = (const struct brotli_job *)job;
	BrotliEncoderState *s = BrotliEncoderCreateInstance(NULL, NULL, NULL);
	size_t avail_in = job->in_len, avail_out = cap;
	const uint8_t *next_in = job->in;
	uint8_t *next_out = dst;
	int ok, finished;

	(void)t;
	if (s == NULL)
		return (int)stdc_fail(STDC_E_NO_MEMORY, "brotliCompress: no memory for an encoder");
	ok = BrotliEncoderSetParameter(s, BROTLI_PARAM_QUALITY, (uint32_t)job->level) &&
	     BrotliEncoderSetParameter(s, BROTLI_PARAM_LGWIN, (uint32_t)bj->lgwin) &&
	     BrotliEncoderSetParameter(s, BROTLI_PARAM_SIZE_HINT,
				       (uint32_t)(job->in_len < 1u << 30 ? job->in_len : 1u << 30));
	/* One call with FINISH runs until the stream is complete or the output is full. */
	ok = ok && BrotliEncoderCompressStream(s, BROTLI_OPERATION_FINISH, &avail_in, &next_in,
					       &avail_out, &next_out, NULL);
	finished = BrotliEncoderIsFinished(s);
	BrotliEncoderDestroyInstance(s);
	if (!ok)
		return (int)stdc_fail(STDC_E_LIBBROTLI_FAIL, "brotliCompress: the encoder failed");
	if (!finished)
		return STDC_NOSPACE;
	*len = cap - avail_out;
	return STDC_OK;
}

/* limit: the most input and output, STDC_MAX_STRING for the call-out. */
static gtm_long_t brotli_compress(int argc, gtm_string_t *in, gtm_string_t *out,
				  gtm_long_t quality, gtm_long_t lgwin, size_t limit)
{
	struct brotli_job bj = {.job.run = run_compress};
	struct stdc_thread *t;
	size_t cap;
	gtm_long_t r;

	if (argc < 3)
		quality = STDC_BROTLI_QUALITY_DEFAULT;
	if (argc < 4)
		lgwin = STDC_BROTLI_LGWIN_DEFAULT;
	if (argc >= 2 && (quality < STDC_BROTLI_QUALITY_MIN || quality > STDC_BROTLI_QUALITY_MAX))
		return stdc_fail(STDC_E_BAD_LEVEL, "brotliCompress: quality %ld is outside %d..%d",
				 (long)quality, STDC_BROTLI_QUALITY_MIN, STDC_BROTLI_QUALITY_MAX);
	if (argc >= 2 && (lgwin < STDC_BROTLI_LGWIN_MIN || lgwin > STDC_BROTLI_LGWIN_MAX))
		return stdc_fail(STDC_E_BAD_ARGS, "brotliCompress: window (lgwin) %ld is outside %d..%d",
				 (long)lgwin, STDC_BROTLI_LGWIN_MIN, STDC_BROTLI_LGWIN_MAX);
	r = stdc_begin_within(argc, in, out, "brotliCompress", &bj.job, &t, &cap, limit, limit);
	if (r != STDC_OK)
		return r;
	bj.job.level = (int)quality; /* the job's level is the quality */
	bj.lgwin = (int)lgwin;
	bj.job.estimate = BrotliEncoderMaxCompressedSize(bj.job.in_len);
	if (bj.job.estimate == 0)
		bj.job.estimate = STDC_UNKNOWN;
	return stdc_deliver(t, &bj.job, out, cap);
}

gtm_long_t stdc_brotli_compress(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t quality,
				gtm_long_t lgwin)
{
	return brotli_compress(argc, in, out, quality, lgwin, STDC_MAX_STRING);
}

/* The Python bridge's: brotliCompress of any size (for a window the stream does not take).
 * out holds cap bytes, at least BrotliEncoderMaxCompressedSize(len).  Returns the result's
 * length or -code. */
gtm_long_t stdc_brotli_py_compress(const void *in, size_t len, void *out, size_t cap,
				   gtm_long_t quality, gtm_long_t lgwin)
{
	gtm_string_t i = {(gtm_long_t)(len <= LONG_MAX ? len : LONG_MAX), (char *)(uintptr_t)in};
	gtm_string_t o = {(gtm_long_t)(cap <= LONG_MAX ? cap : LONG_MAX), out};
	gtm_long_t r;

	if ((len > 0 && in == NULL) || out == NULL)
		return stdc_fail(STDC_E_BAD_ARGS, "brotliCompress: missing input or output");
	r = brotli_compress(4, &i, &o, quality, lgwin, LONG_MAX);
	if (r > 0) /* held: the caller's output is smaller than the result */
		return stdc_fail(STDC_E_OUTPUT_TOO_LARGE, "brotliCompress: the result does not fit "
				 "the %zu-byte output", cap);
	return r < 0 ? r : o.length;
}

static int run_decompress(const struct stdc_job *job, struct stdc_thread *t, unsigned char *dst,
			  size_t cap, size_t *len)
{
	BrotliDecoderState *s = BrotliDecoderCreateInstance(NULL, NULL, NULL);
	size_t avail_in = job->in_len, avail_out = cap;
	const uint8_t *next_in = job->in;
	uint8_t *next_out = dst;
	BrotliDecoderResult r;
	BrotliDecoderErrorCode e;

	(void)t;
	if (s == NULL)
		return (int)stdc_fail(STDC_E_NO_MEMORY, "brotliDecompress: no memory for a decoder");
	/* All the input is there: the decoder stops only at the end of the stream, on an error,
	 * for more input (truncated) or for more output (the output is full). */
	r = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, NULL);
	e = BrotliDecoderGetErrorCode(s);
	BrotliDecoderDestroyInstance(s);
	switch (r) {
	case BROTLI_DECODER_RESULT_SUCCESS:
		if (avail_in != 0)
			return (int)stdc_fail(STDC_E_LIBBROTLI_FAIL,
					      "brotliDecompress: %zu trailing byte(s) after the stream",
					      avail_in);
		*len = cap - avail_out;
		return STDC_OK;
	case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
		return STDC_NOSPACE;
	case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
		return (int)stdc_fail(STDC_E_LIBBROTLI_FAIL,
				      "brotliDecompress: truncated: the input ends inside the stream");
	default:
		if (e == BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_1 ||
		    e == BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_2 ||
		    e == BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES ||
		    e == BROTLI_DECODER_ERROR_ALLOC_TREE_GROUPS ||
		    e == BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MAP ||
		    e == BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES)
			return (int)stdc_fail(STDC_E_NO_MEMORY, "brotliDecompress: %s",
					      BrotliDecoderErrorString(e));
		return (int)stdc_fail(STDC_E_LIBBROTLI_FAIL, "brotliDecompress: %s at input byte %zu",
				      BrotliDecoderErrorString(e), job->in_len - avail_in);
	}
}

gtm_long_t stdc_brotli_decompress(int argc, gtm_string_t *in, gtm_string_t *out)
{
	return stdc_oneshot_decompress(&stdc_codec_brotli, argc, in, out);
}

/* ---- streams ---- */

struct brotli_stream {
	BrotliEncoderState *be;
	BrotliDecoderState *bd;
};

static void brotli_stream_end(void *state)
{
	struct brotli_stream *bs = state;

	if (bs->be != NULL)
		BrotliEncoderDestroyInstance(bs->be);
	if (bs->bd != NULL)
		BrotliDecoderDestroyInstance(bs->bd);
	free(bs);
}

static gtm_long_t brotli_stream_begin(const struct stdc_stream_params *p, void **state,
				      const char *op)
{
	struct brotli_stream *bs = calloc(1, sizeof(*bs));

	if (bs == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a brotli stream", op);
	*state = bs; /* stream.c frees it on failure too */
	if (p->compress) {
		if ((bs->be = BrotliEncoderCreateInstance(NULL, NULL, NULL)) == NULL)
			return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a brotli encoder", op);
		if (!BrotliEncoderSetParameter(bs->be, BROTLI_PARAM_QUALITY, (uint32_t)p->level) ||
		    !BrotliEncoderSetParameter(bs->be, BROTLI_PARAM_LGWIN, STDC_BROTLI_LGWIN_DEFAULT))
			return stdc_fail(STDC_E_LIBBROTLI_FAIL, "%s: brotli refused its parameters", op);
	} else if ((bs->bd = BrotliDecoderCreateInstance(NULL, NULL, NULL)) == NULL) {
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a brotli decoder", op);
	}
	return STDC_OK;
}

static gtm_long_t brotli_stream_step(void *state, const unsigned char *in, size_t n,
				     size_t *used, unsigned char *dst, size_t cap, size_t *made,
				     enum stdc_action act, int *ended, const char *op)
{
	struct brotli_stream *bs = state;
	size_t avail_in = n, avail_out = cap;
	const uint8_t *next_in = in;
	uint8_t *next_out = dst;

	if (bs->be != NULL) {
		BrotliEncoderOperation bop = act == STDC_ACT_END ? BROTLI_OPERATION_FINISH
					     : act == STDC_ACT_FLUSH ? BROTLI_OPERATION_FLUSH
								     : BROTLI_OPERATION_PROCESS;

		if (!BrotliEncoderCompressStream(bs->be, bop, &avail_in, &next_in, &avail_out,
						 &next_out, NULL))
			return stdc_fail(STDC_E_LIBBROTLI_FAIL, "%s: brotli compression failed", op);
		*used = n - avail_in;
		*made = cap - avail_out;
		if (act == STDC_ACT_END)
			*ended = BrotliEncoderIsFinished(bs->be);
		else if (act == STDC_ACT_FLUSH)
			*ended = avail_in == 0 && !BrotliEncoderHasMoreOutput(bs->be);
		return STDC_OK;
	}
	BrotliDecoderResult r = BrotliDecoderDecompressStream(bs->bd, &avail_in, &next_in,
							      &avail_out, &next_out, NULL);
	*used = n - avail_in;
	*made = cap - avail_out;
	if (r == BROTLI_DECODER_RESULT_ERROR)
		return stdc_fail(STDC_E_LIBBROTLI_FAIL, "%s: brotli data (%s)", op,
				 BrotliDecoderErrorString(BrotliDecoderGetErrorCode(bs->bd)));
	*ended = r == BROTLI_DECODER_RESULT_SUCCESS;
	return STDC_OK;
}

/* 0xMMMmmmppp: major << 24 | minor << 12 | patch, as "M.m.p" (in this thread's buffer) */
static const char *brotli_version(void)
{
	static _Thread_local char buf[40];
	uint32_t v = BrotliDecoderVersion();

	snprintf(buf, sizeof(buf), "%u.%u.%u", (unsigned)(v >> 24), (unsigned)(v >> 12 & 0xFFF),
		 (unsigned)(v & 0xFFF));
	return buf;
}

static int brotli_usable(void)
{
	return BrotliDecoderVersion() >> 24 == 1;
}

/* No batches: libbrotli has no reusable per-thread state to pool (see above). */
const struct stdc_codec stdc_codec_brotli = {
	.name = "brotli",
	.error = STDC_E_LIBBROTLI_FAIL,
	.level_min = STDC_BROTLI_QUALITY_MIN,
	.level_max = STDC_BROTLI_QUALITY_MAX,
	.level_default = STDC_BROTLI_QUALITY_DEFAULT,
	.level_word = "quality",
	/* a brotli stream does not declare its size: no estimate */
	.oneshot_decompress = {"brotliDecompress", run_decompress, NULL, NULL},
	.stream_begin = brotli_stream_begin,
	.stream_step = brotli_stream_step,
	.stream_end = brotli_stream_end,
	.libraries = STDC_LIBRARIES({"libbrotli", brotli_version, brotli_usable}),
	.limits = STDC_LIMITS(STDC_LIMIT("brotli_quality_min", STDC_BROTLI_QUALITY_MIN),
		STDC_LIMIT("brotli_quality_max", STDC_BROTLI_QUALITY_MAX),
		STDC_LIMIT("brotli_quality_default", STDC_BROTLI_QUALITY_DEFAULT),
		STDC_LIMIT("brotli_lgwin_min", STDC_BROTLI_LGWIN_MIN),
		STDC_LIMIT("brotli_lgwin_max", STDC_BROTLI_LGWIN_MAX),
		STDC_LIMIT("brotli_lgwin_default", STDC_BROTLI_LGWIN_DEFAULT)),
};
