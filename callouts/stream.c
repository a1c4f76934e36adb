/* stream.c - streaming compression and decompression of any length behind handles, in
 * bounded memory: gzip, deflate and zlib through zlib's z_stream, zstd through
 * ZSTD_compressStream2 / ZSTD_decompressStream, LZ4 frames through LZ4F, brotli through
 * BrotliEncoderCompressStream / BrotliDecoderDecompressStream.
 *
 * Every call produces at most the output the caller declared (one M string); what does not
 * fit stays inside the codec, or as a copy of the unconsumed input, and the call returns
 * STDC_STREAM_MORE: the caller drains it with streamRead until that returns something else.
 * The protocol, return codes and limits are in stdcompress.h and docs/streaming.md.
 *
 * Decompressors report the end of the stream (STDC_STREAM_END).  gzip members, zstd and LZ4 frames
 * may follow one another: after an end, bytes that begin another member (frame) start it;
 * other bytes are kept as the unused data (streamUnused), never dropped.  An optional cap on
 * the total output of a handle stops decompression bombs with OUTPUT-TOO-LARGE. */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4frame.h>
#include <zlib.h>
#include <zstd_errors.h>

#include "core.h"
#include "handles.h"


enum codec { GZIP, DEFLATE, ZLIB, ZSTD, LZ4, BROTLI };
enum action { ACT_NONE, ACT_FLUSH, ACT_END };

static const char *const codec_names[] = {"gzip", "deflate", "zlib", "zstd", "lz4", "brotli"};
#define LZ4_PIECE 65536 /* input per LZ4F_compressUpdate: one 64 KiB block */

struct stream {
	enum codec codec;
	int compress;          /* 1: compressor, 0: decompressor */
	int level;
	int workers;           /* zstd compressor: libzstd's worker threads (0: none, in the call) */
	int options;           /* STDC_ZSTD_NO_* (zstd compressor), STDC_STREAM_ONE_FRAME */
	long long size;        /* zstd compressor: the pledged total input, -1: unknown */
	uint64_t max_output;   /* 0: no cap */
	uint64_t total_in, total_out;
	z_stream z;
	int z_ready;
	ZSTD_CCtx *zc;
	ZSTD_DCtx *zd;
	LZ4F_cctx *lc;
	LZ4F_dctx *ld;
	LZ4F_preferences_t lprefs;
	unsigned char *obuf;   /* LZ4F or zstd compressor: output made that the caller has yet to
				* take (zstd: a frame ended in one pass, see zstd_step) */
	size_t ob_pos, ob_len, ob_cap;
	int ob_ended;          /* zstd: that pass finished the frame */
	int tail_done;         /* LZ4F compressor: the flush or end of this action was made */
	BrotliEncoderState *be;
	BrotliDecoderState *bd;
	unsigned char *in;     /* unconsumed input of the last write: in[in_pos..in_len) */
	size_t in_len, in_pos, in_alloc;
	enum action action;    /* the operation the pending output belongs to */
	int pending;           /* the last call returned STDC_STREAM_MORE */
	int closing;           /* streamClose began: done when drained */
	int eof;               /* decompressor: the end of a stream (member, frame) was reached */
	unsigned char *unused; /* bytes after the end */
	size_t unused_len;
	enum stdc_code failed; /* a failure ends the stream: later calls repeat it */
	char failure[200];
};

static void destroy(void *p)
{
	struct stream *s = p;

	if (s == NULL)
		return;
	if (s->z_ready) {
		if (s->compress)
			deflateEnd(&s->z);
		else
			inflateEnd(&s->z);
	}
	ZSTD_freeCCtx(s->zc);
	ZSTD_freeDCtx(s->zd);
	LZ4F_freeCompressionContext(s->lc);
	LZ4F_freeDecompressionContext(s->ld);
	free(s->obuf);
	if (s->be != NULL)
		BrotliEncoderDestroyInstance(s->be);
	if (s->bd != NULL)
		BrotliDecoderDestroyInstance(s->bd);
	free(s->in);
	free(s->unused);
	free(s);
}

static void describe(const void *p, char *buf, size_t size)
{
	const struct stream *s = p;

	snprintf(buf, size,
		 "codec=%s;direction=%s;level=%d;workers=%d;options=%d;size=%lld;max_output=%llu;"
		 "total_in=%llu;total_out=%llu;pending=%d;eof=%d;unused=%zu",
		 codec_names[s->codec], s->compress ? "c" : "d", s->level, s->workers, s->options,
		 s->size, (unsigned long long)s->max_output, (unsigned long long)s->total_in,
		 (unsigned long long)s->total_out, s->pending, s->eof, s->unused_len);
}

static const struct stdc_handle_kind compressor_kind = {"stream compressor", destroy, describe};
static const struct stdc_handle_kind decompressor_kind = {"stream decompressor", destroy,
							 describe};

static enum stdc_code codec_code(const struct stream *s)
{
	return s->codec == ZSTD ? STDC_E_LIBZSTD_FAIL
	       : s->codec == LZ4 ? STDC_E_LIBLZ4_FAIL
	       : s->codec == BROTLI ? STDC_E_LIBBROTLI_FAIL : STDC_E_LIBZ_FAIL;
}

/* Records a failure that ends the stream; later calls repeat it. */
__attribute__((format(printf, 3, 4))) static gtm_long_t
fail(struct stream *s, enum stdc_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->failure, sizeof(s->failure), fmt, ap);
	va_end(ap);
	s->failed = code;
	return stdc_fail(code, "%s", s->failure);
}

/* ---- opening ---- */

static int is(const gtm_string_t *s, const char *word)
{
	size_t n = strlen(word);

	return s != NULL && s->length >= 0 && (size_t)s->length == n &&
	       (n == 0 || (s->address != NULL && memcmp(s->address, word, n) == 0));
}

static int usable(const gtm_string_t *s)
{
	return s != NULL && s->length >= 0 && s->length <= 64 &&
	       (s->length == 0 || s->address != NULL);
}

static gtm_long_t open_lz4(struct stream *s, const char *op)
{
	size_t r;

	if (s->compress) {
		memset(&s->lprefs, 0, sizeof(s->lprefs));
		s->lprefs.frameInfo.blockSizeID = LZ4F_max64KB;
		s->lprefs.frameInfo.blockMode = LZ4F_blockLinked;
		s->lprefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
		s->lprefs.compressionLevel = s->level;
		r = LZ4F_createCompressionContext(&s->lc, LZ4F_VERSION);
		s->ob_cap = LZ4F_compressBound(LZ4_PIECE, &s->lprefs) + LZ4F_HEADER_SIZE_MAX;
		if (LZ4F_isError(r) || (s->obuf = malloc(s->ob_cap)) == NULL)
			return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for an LZ4 frame context", op);
		r = LZ4F_compressBegin(s->lc, s->obuf, s->ob_cap, &s->lprefs);
		if (LZ4F_isError(r))
			return stdc_fail(STDC_E_LIBLZ4_FAIL, "%s: %s", op, LZ4F_getErrorName(r));
		s->ob_len = r; /* the frame header goes out with the first output */
	} else if (LZ4F_isError(LZ4F_createDecompressionContext(&s->ld, LZ4F_VERSION))) {
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for an LZ4 frame context", op);
	}
	return STDC_OK;
}

static gtm_long_t open_brotli(struct stream *s, const char *op)
{
	if (s->compress) {
		if ((s->be = BrotliEncoderCreateInstance(NULL, NULL, NULL)) == NULL)
			return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a brotli encoder", op);
		if (!BrotliEncoderSetParameter(s->be, BROTLI_PARAM_QUALITY, (uint32_t)s->level) ||
		    !BrotliEncoderSetParameter(s->be, BROTLI_PARAM_LGWIN, STDC_BROTLI_LGWIN_DEFAULT))
			return stdc_fail(STDC_E_LIBBROTLI_FAIL, "%s: brotli refused its parameters", op);
	} else if ((s->bd = BrotliDecoderCreateInstance(NULL, NULL, NULL)) == NULL) {
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a brotli decoder", op);
	}
	return STDC_OK;
}

gtm_long_t stdc_stream_open(int argc, gtm_string_t *codec, gtm_string_t *direction,
			    gtm_long_t level, gtm_long_t max_output, gtm_string_t *dict,
			    gtm_long_t workers, gtm_long_t options, gtm_long_t size)
{
	static const char op[] = "streamOpen";
	struct stream *s;
	int c = -1, comp;
	size_t r;
	gtm_long_t bad;

	if (argc < 2)
		return stdc_fail(STDC_E_BAD_ARGS,
				 "%s: needs (codec, direction[, level, max_output, dict, workers, options, "
				 "size]), got %d argument(s)", op, argc);
	if (!usable(codec) || !usable(direction))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: codec or direction is unusable", op);
	for (int i = 0; i < (int)(sizeof(codec_names) / sizeof(codec_names[0])); i++)
		if (is(codec, codec_names[i]))
			c = i;
	if (c < 0)
		return stdc_fail(STDC_E_BAD_ARGS,
				 "%s: codec \"%.*s\" is not gzip, deflate, zlib, zstd, lz4 or brotli", op,
				 (int)codec->length, codec->address);
	if (is(direction, "c") || is(direction, "compress"))
		comp = 1;
	else if (is(direction, "d") || is(direction, "decompress"))
		comp = 0;
	else
		return stdc_fail(STDC_E_BAD_ARGS, "%s: direction \"%.*s\" is not c or d", op,
				 (int)direction->length, direction->address);
	if (argc < 3)
		level = 0;
	if (argc < 4)
		max_output = 0;
	if (argc < 6)
		workers = 0;
	if (argc < 7)
		options = 0;
	if (argc < 8 || size < 0)
		size = -1;
	if (options < 0 || options > (STDC_ZSTD_FRAME_BITS | STDC_STREAM_ONE_FRAME) ||
	    ((options & STDC_ZSTD_FRAME_BITS) && !(comp && c == ZSTD)) ||
	    ((options & STDC_STREAM_ONE_FRAME) && comp))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: options %ld: %d..%d for zstd compressors (frame "
				 "fields left out), %d for decompressors (one frame)", op, (long)options,
				 0, STDC_ZSTD_FRAME_BITS, STDC_STREAM_ONE_FRAME);
	if (size >= 0 && !(comp && c == ZSTD))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: a size applies to zstd compression only", op);
	if (workers < 0 || workers > STDC_STREAM_MAX_WORKERS)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: workers %ld is outside 0..%d", op,
				 (long)workers, STDC_STREAM_MAX_WORKERS);
	if (workers > 0 && !(comp && c == ZSTD))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: workers apply to zstd compression only", op);
	if (max_output < 0)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: max_output %ld is negative (0: no cap)", op,
				 (long)max_output);
	/* A zstd dictionary (argument 5): the stream loads its own copy, since a stream may
	 * outlive the thread's cache entry or move to another thread. */
	if (argc < 5 || (dict != NULL && dict->length == 0))
		dict = NULL;
	if (dict != NULL && (c != ZSTD || dict->length < 0 || dict->length > STDC_MAX_STRING ||
			     dict->address == NULL))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: a dictionary is for zstd only, 1..%d bytes",
				 op, STDC_MAX_STRING);
	if (level == 0)
		level = c == ZSTD ? STDC_ZSTD_LEVEL_DEFAULT
			: c == LZ4 ? STDC_LZ4_LEVEL_DEFAULT
			: c == BROTLI ? STDC_BROTLI_QUALITY_DEFAULT : STDC_DEFLATE_LEVEL_DEFAULT;
	if (comp && c == LZ4 && (level < STDC_LZ4_LEVEL_MIN || level > STDC_LZ4_LEVEL_MAX))
		return stdc_fail(STDC_E_BAD_LEVEL, "%s: level %ld is outside %d..%d (0: default %d)",
				 op, (long)level, STDC_LZ4_LEVEL_MIN, STDC_LZ4_LEVEL_MAX,
				 STDC_LZ4_LEVEL_DEFAULT);
	if (comp && c == BROTLI &&
	    (level < STDC_BROTLI_QUALITY_MIN || level > STDC_BROTLI_QUALITY_MAX))
		return stdc_fail(STDC_E_BAD_LEVEL, "%s: quality %ld is outside %d..%d (0: default %d)",
				 op, (long)level, STDC_BROTLI_QUALITY_MIN, STDC_BROTLI_QUALITY_MAX,
				 STDC_BROTLI_QUALITY_DEFAULT);
	if (comp && c <= ZLIB && (bad = stdc_deflate_level(op, level, 0)) != STDC_OK)
		return bad; /* the one-shots' 1..9: zlib's own levels hold them */
	if (comp && c == ZSTD && (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()))
		return stdc_fail(STDC_E_BAD_LEVEL, "%s: level %ld is outside %d..%d (0: default %d)",
				 op, (long)level, ZSTD_minCLevel(), ZSTD_maxCLevel(),
				 STDC_ZSTD_LEVEL_DEFAULT);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a stream", op);
	s->codec = (enum codec)c;
	s->compress = comp;
	s->level = comp ? (int)level : 0;
	s->max_output = (uint64_t)max_output;
	s->workers = (int)workers;
	s->options = (int)options;
	s->size = (long long)size;
	if (c == LZ4 || c == BROTLI) {
		gtm_long_t rc = c == LZ4 ? open_lz4(s, op) : open_brotli(s, op);

		if (rc != STDC_OK) {
			destroy(s);
			return rc;
		}
	} else if (c != ZSTD) {
		int bits = c == GZIP ? 15 + 16 : c == DEFLATE ? -15 : 15;
		int zr = comp ? deflateInit2(&s->z, s->level, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY)
			      : inflateInit2(&s->z, bits);

		if (zr != Z_OK) {
			free(s);
			return zr == Z_MEM_ERROR
				       ? stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a z_stream", op)
				       : stdc_fail(STDC_E_LIBZ_FAIL, "%s: zlib refused to start (%d)",
						   op, zr);
		}
		s->z_ready = 1;
	} else if (comp) {
		if ((s->zc = ZSTD_createCCtx()) == NULL) {
			destroy(s);
			return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a zstd context", op);
		}
		r = ZSTD_CCtx_setParameter(s->zc, ZSTD_c_compressionLevel, s->level);
		if (!ZSTD_isError(r))
			r = stdc_zstd_frame(s->zc, options & STDC_ZSTD_FRAME_BITS);
		if (!ZSTD_isError(r) && size >= 0)
			r = ZSTD_CCtx_setPledgedSrcSize(s->zc, (unsigned long long)size);
		if (!ZSTD_isError(r) && dict != NULL)
			r = ZSTD_CCtx_loadDictionary(s->zc, dict->address, (size_t)dict->length);
		if (!ZSTD_isError(r) && s->workers > 0 &&
		    ZSTD_isError(r = ZSTD_CCtx_setParameter(s->zc, ZSTD_c_nbWorkers, s->workers))) {
			destroy(s);
			return stdc_fail(STDC_E_LIBZSTD_FAIL, "%s: this libzstd has no worker threads "
					 "(%s)", op, ZSTD_getErrorName(r));
		}
		if (ZSTD_isError(r)) {
			destroy(s);
			return stdc_fail(STDC_E_LIBZSTD_FAIL, "%s: %s", op, ZSTD_getErrorName(r));
		}
	} else if ((s->zd = ZSTD_createDCtx()) == NULL) {
		destroy(s);
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a zstd context", op);
	} else if (dict != NULL) {
		r = ZSTD_DCtx_loadDictionary(s->zd, dict->address, (size_t)dict->length);
		if (ZSTD_isError(r)) {
			destroy(s);
			return stdc_fail(STDC_E_LIBZSTD_FAIL, "%s: %s", op, ZSTD_getErrorName(r));
		}
	}
	return stdc_handles_open(comp ? &compressor_kind : &decompressor_kind, s, op);
}

/* ---- one codec step ---- */

/* Copies what obuf holds into dst[*made..cap) as far as it fits. */
static void obuf_out(struct stream *s, unsigned char *dst, size_t cap, size_t *made)
{
	size_t k = s->ob_len - s->ob_pos < cap - *made ? s->ob_len - s->ob_pos : cap - *made;

	memcpy(dst + *made, s->obuf + s->ob_pos, k);
	*made += k;
	s->ob_pos += k;
}

/* LZ4F_compressUpdate wants room for a whole block: straight into the caller's output when
 * that much is left, else into obuf, copied out from there as the caller's output allows. */
static gtm_long_t lz4_compress_step(struct stream *s, const unsigned char *in, size_t n,
				    size_t *used, unsigned char *dst, size_t cap, size_t *made,
				    enum action act, int *ended, const char *op)
{
	size_t r, k;
	unsigned char *to;

	*used = *made = 0;
	for (;;) {
		if (s->ob_pos < s->ob_len) {
			obuf_out(s, dst, cap, made);
			if (s->ob_pos < s->ob_len)
				return STDC_OK; /* the caller's output is full */
		}
		s->ob_pos = s->ob_len = 0;
		to = cap - *made >= s->ob_cap ? dst + *made : s->obuf; /* ob_cap bounds any step */
		if (*used < n) {
			k = n - *used < LZ4_PIECE ? n - *used : LZ4_PIECE;
			r = LZ4F_compressUpdate(s->lc, to, s->ob_cap, in + *used, k, NULL);
			*used += k;
		} else if (act != ACT_NONE && !s->tail_done) {
			r = act == ACT_END ? LZ4F_compressEnd(s->lc, to, s->ob_cap, NULL)
					   : LZ4F_flush(s->lc, to, s->ob_cap, NULL);
			s->tail_done = 1;
		} else {
			*ended = act != ACT_NONE;
			return STDC_OK;
		}
		if (LZ4F_isError(r))
			return fail(s, STDC_E_LIBLZ4_FAIL, "%s: %s", op, LZ4F_getErrorName(r));
		if (to == s->obuf)
			s->ob_len = r;
		else
			*made += r;
	}
}

static gtm_long_t lz4_decompress_step(struct stream *s, const unsigned char *in, size_t n,
				      size_t *used, unsigned char *dst, size_t cap, size_t *made,
				      int *ended, const char *op)
{
	size_t dsz = cap, ssz = n;
	size_t r = LZ4F_decompress(s->ld, dst, &dsz, in, &ssz, NULL);

	*used = ssz;
	*made = dsz;
	if (LZ4F_isError(r))
		return fail(s, STDC_E_LIBLZ4_FAIL, "%s: lz4 data (%s)", op, LZ4F_getErrorName(r));
	*ended = r == 0;
	return STDC_OK;
}

static gtm_long_t brotli_step(struct stream *s, const unsigned char *in, size_t n, size_t *used,
			      unsigned char *dst, size_t cap, size_t *made, enum action act,
			      int *ended, const char *op)
{
	size_t avail_in = n, avail_out = cap;
	const uint8_t *next_in = in;
	uint8_t *next_out = dst;

	if (s->compress) {
		BrotliEncoderOperation bop = act == ACT_END ? BROTLI_OPERATION_FINISH
					     : act == ACT_FLUSH ? BROTLI_OPERATION_FLUSH
								: BROTLI_OPERATION_PROCESS;

		if (!BrotliEncoderCompressStream(s->be, bop, &avail_in, &next_in, &avail_out,
						 &next_out, NULL))
			return fail(s, STDC_E_LIBBROTLI_FAIL, "%s: brotli compression failed", op);
		*used = n - avail_in;
		*made = cap - avail_out;
		if (act == ACT_END)
			*ended = BrotliEncoderIsFinished(s->be);
		else if (act == ACT_FLUSH)
			*ended = avail_in == 0 && !BrotliEncoderHasMoreOutput(s->be);
		return STDC_OK;
	}
	BrotliDecoderResult r = BrotliDecoderDecompressStream(s->bd, &avail_in, &next_in,
							      &avail_out, &next_out, NULL);
	*used = n - avail_in;
	*made = cap - avail_out;
	if (r == BROTLI_DECODER_RESULT_ERROR)
		return fail(s, STDC_E_LIBBROTLI_FAIL, "%s: brotli data (%s)", op,
			    BrotliDecoderErrorString(BrotliDecoderGetErrorCode(s->bd)));
	*ended = r == BROTLI_DECODER_RESULT_SUCCESS;
	return STDC_OK;
}

/* zstd.  libzstd compresses a frame whose whole input comes with its end (zstandard's one-shot
 * compress(), an end write here) in one pass only when the output has room for
 * ZSTD_compressBound of it; otherwise it goes block by block and may split blocks elsewhere,
 * other bytes.  When the caller's output is smaller, that pass writes into obuf. */
static gtm_long_t zstd_step(struct stream *s, const unsigned char *in, size_t n, size_t *used,
			    unsigned char *dst, size_t cap, size_t *made, enum action act,
			    int *ended, const char *op)
{
	ZSTD_inBuffer i = {in, n, 0};
	ZSTD_outBuffer o = {dst, cap, 0};
	sigset_t old;
	size_t r, bound;

	*used = *made = 0;
	if (s->ob_pos < s->ob_len) {
		obuf_out(s, dst, cap, made);
		if (s->ob_pos < s->ob_len)
			return STDC_OK;
		s->ob_pos = s->ob_len = 0;
		if (s->ob_ended) {
			s->ob_ended = 0;
			*ended = 1;
			return STDC_OK;
		}
		o.pos = *made;
	}
	if (s->compress && act == ACT_END && s->workers == 0 && s->total_in == 0 && n > 0 &&
	    (bound = ZSTD_compressBound(n)) > cap - o.pos) {
		if (s->ob_cap < bound) {
			unsigned char *b = realloc(s->obuf, bound);

			if (b == NULL)
				return fail(s, STDC_E_NO_MEMORY, "%s: no memory for the frame", op);
			s->obuf = b;
			s->ob_cap = bound;
		}
		o = (ZSTD_outBuffer){s->obuf, bound, 0};
		r = ZSTD_compressStream2(s->zc, &o, &i, ZSTD_e_end);
		*used = i.pos;
		if (ZSTD_isError(r))
			return fail(s, STDC_E_LIBZSTD_FAIL, "%s: %s", op, ZSTD_getErrorName(r));
		s->ob_len = o.pos;
		s->ob_ended = r == 0;
		obuf_out(s, dst, cap, made);
		if (s->ob_pos == s->ob_len) {
			s->ob_pos = s->ob_len = 0;
			*ended = s->ob_ended;
			s->ob_ended = 0;
		}
		return STDC_OK;
	}
	/* libzstd starts its workers inside this call: they inherit the blocked mask. */
	if (s->workers > 0)
		stdc_signals_block(&old);
	r = s->compress ? ZSTD_compressStream2(s->zc, &o, &i,
					       act == ACT_END ? ZSTD_e_end
					       : act == ACT_FLUSH ? ZSTD_e_flush
								  : ZSTD_e_continue)
			: ZSTD_decompressStream(s->zd, &o, &i);
	if (s->workers > 0)
		stdc_signals_restore(&old);

	*used = i.pos;
	*made = o.pos;
	if (ZSTD_isError(r))
		return fail(s, ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation
				       ? STDC_E_NO_MEMORY : STDC_E_LIBZSTD_FAIL,
			    "%s: %s", op, ZSTD_getErrorName(r));
	if (r == 0 && (!s->compress || act != ACT_NONE))
		*ended = 1;
	return STDC_OK;
}

/* Runs the codec once over in[0..n) into dst[0..cap): *used, *made; *ended set when a
 * decompressor reached the end of a member or frame, or a flush/end completed. */
static gtm_long_t codec_step(struct stream *s, const unsigned char *in, size_t n, size_t *used,
			     unsigned char *dst, size_t cap, size_t *made, enum action act,
			     int *ended, const char *op)
{
	*ended = 0;
	if (s->codec == LZ4)
		return s->compress ? lz4_compress_step(s, in, n, used, dst, cap, made, act, ended, op)
				   : lz4_decompress_step(s, in, n, used, dst, cap, made, ended, op);
	if (s->codec == BROTLI)
		return brotli_step(s, in, n, used, dst, cap, made, act, ended, op);
	if (s->codec != ZSTD) {
		int zr;

		s->z.next_in = (Bytef *)(uintptr_t)in;
		s->z.avail_in = (uInt)n;
		s->z.next_out = dst;
		s->z.avail_out = (uInt)cap;
		if (s->compress)
			zr = deflate(&s->z, act == ACT_END ? Z_FINISH
					    : act == ACT_FLUSH ? Z_SYNC_FLUSH : Z_NO_FLUSH);
		else
			zr = inflate(&s->z, Z_NO_FLUSH);
		*used = n - s->z.avail_in;
		*made = cap - s->z.avail_out;
		if (zr == Z_STREAM_END) {
			*ended = 1;
			return STDC_OK;
		}
		if (zr == Z_MEM_ERROR)
			return fail(s, STDC_E_NO_MEMORY, "%s: zlib ran out of memory", op);
		if (zr != Z_OK && zr != Z_BUF_ERROR)
			return fail(s, STDC_E_LIBZ_FAIL, "%s: %s data (zlib: %s)", op,
				    codec_names[s->codec],
				    s->z.msg ? s->z.msg : zr == Z_NEED_DICT ? "needs a dictionary"
										: "error");
		if (s->compress && act == ACT_FLUSH && s->z.avail_out > 0 && s->z.avail_in == 0)
			*ended = 1;
		return STDC_OK;
	}
	return zstd_step(s, in, n, used, dst, cap, made, act, ended, op);
}

/* Does buf[0..n) (n > 0) begin as another gzip member or zstd frame could? */
static int starts_another(const struct stream *s, const unsigned char *b, size_t n)
{
	if (s->codec == GZIP)
		return b[0] == 0x1f && (n < 2 || b[1] == 0x8b);
	if (s->codec == LZ4 && b[0] == 0x04) /* LZ4F_MAGICNUMBER */
		return (n < 2 || b[1] == 0x22) && (n < 3 || b[2] == 0x4d) && (n < 4 || b[3] == 0x18);
	if (s->codec != ZSTD && s->codec != LZ4)
		return 0;
	if (s->codec == ZSTD && b[0] == 0x28) /* ZSTD_MAGICNUMBER, little-endian */
		return (n < 2 || b[1] == 0xb5) && (n < 3 || b[2] == 0x2f) && (n < 4 || b[3] == 0xfd);
	return (b[0] & 0xf0) == 0x50 && (n < 2 || b[1] == 0x2a) && (n < 3 || b[2] == 0x4d) &&
	       (n < 4 || b[3] == 0x18); /* a skippable frame */
}

static gtm_long_t keep_unused(struct stream *s, const unsigned char *b, size_t n, const char *op)
{
	unsigned char *u;

	if (n > STDC_MAX_STRING - s->unused_len)
		return fail(s, codec_code(s), "%s: more than %d bytes follow the end of the stream",
			    op, STDC_MAX_STRING);
	if ((u = realloc(s->unused, s->unused_len + n)) == NULL)
		return fail(s, STDC_E_NO_MEMORY, "%s: no memory for the bytes after the end", op);
	memcpy(u + s->unused_len, b, n);
	s->unused = u;
	s->unused_len += n;
	return STDC_OK;
}

/* Runs the stream over in[0..n) into dst[0..cap) until the input is used up, the output full,
 * or (decompressing) the stream ended.  Returns DONE, MORE, END or -code; *used, *made. */
static gtm_long_t run(struct stream *s, const unsigned char *in, size_t n, size_t *used,
		      unsigned char *dst, size_t cap, size_t *made, const char *op)
{
	size_t u = 0, m = 0, budget;
	int ended;
	gtm_long_t rc;

	*used = *made = 0;
	for (;;) {
		if (!s->compress && s->eof) {
			if (*used == n)
				return STDC_STREAM_END;
			if (s->unused_len == 0 && !(s->options & STDC_STREAM_ONE_FRAME) &&
			    starts_another(s, in + *used, n - *used)) {
				if (s->codec == GZIP && inflateReset(&s->z) != Z_OK)
					return fail(s, STDC_E_LIBZ_FAIL, "%s: zlib reset failed", op);
				s->eof = 0; /* zstd starts the next frame by itself */
			} else {
				rc = keep_unused(s, in + *used, n - *used, op);
				*used = n;
				return rc != STDC_OK ? rc : STDC_STREAM_END;
			}
		}
		budget = cap - *made;
		if (s->max_output && s->max_output - s->total_out < budget)
			budget = (size_t)(s->max_output - s->total_out) + 1; /* one more: detects it */
		rc = codec_step(s, in + *used, n - *used, &u, dst + *made, budget, &m, s->action,
				&ended, op);
		*used += u;
		*made += m;
		s->total_in += u;
		s->total_out += m;
		if (rc != STDC_OK)
			return rc;
		if (s->max_output && s->total_out > s->max_output)
			return fail(s, STDC_E_OUTPUT_TOO_LARGE,
				    "%s: the output exceeds this stream's cap of %llu bytes "
				    "(max_output)", op, (unsigned long long)s->max_output);
		if (!s->compress && ended) {
			s->eof = 1;
			continue;
		}
		if (s->compress && s->action != ACT_NONE)
			return ended ? STDC_STREAM_DONE : STDC_STREAM_MORE;
		if (*used < n || m == budget)
			return (u == 0 && m == 0 && budget > 0)
				       ? fail(s, codec_code(s), "%s: the codec made no progress", op)
				       : STDC_STREAM_MORE;
		return STDC_STREAM_DONE;
	}
}

/* ---- entries ---- */

enum call { CALL_WRITE, CALL_READ, CALL_FLUSH, CALL_CLOSE, CALL_END /* write, then close */ };

/* What every entry shares: checks, the handle, the pending input, the result code. */
static gtm_long_t stream_call(int argc, int need, gtm_string_t *in, gtm_string_t *out,
			      gtm_long_t handle, enum call call, const char *op, const char *usage)
{
	const struct stdc_handle_kind *kind;
	struct stdc_handle_use use;
	struct stream *s;
	const unsigned char *src;
	size_t cap, n, used = 0, made = 0;
	gtm_long_t rc;

	if (argc < need)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: needs %s, got %d argument(s)", op, usage,
				 argc);
	if (out == NULL || out->address == NULL || out->length < 0)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: missing output string", op);
	cap = out->length < STDC_MAX_STRING ? (size_t)out->length : STDC_MAX_STRING;
	out->length = 0;
	if (in != NULL && (in->length < 0 || in->length > STDC_MAX_STRING ||
			   (in->length > 0 && in->address == NULL)))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: input length %ld is outside 0..%d", op,
				 (long)in->length, STDC_MAX_STRING);
	if (cap < STDC_STREAM_MIN_OUTPUT)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: an output of %zu bytes is under the %d a "
				 "stream call needs", op, cap, STDC_STREAM_MIN_OUTPUT);
	kind = call == CALL_FLUSH ? &compressor_kind : NULL;
	if ((s = stdc_handles_acquire(handle, kind, op, &use, &rc)) == NULL)
		return rc;
	if (stdc_handles_kind(&use) != &compressor_kind &&
	    stdc_handles_kind(&use) != &decompressor_kind) {
		rc = stdc_fail(STDC_E_INVALID_HANDLE, "%s: handle %ld is an %s, not a stream", op,
			       (long)handle, stdc_handles_kind(&use)->name);
		stdc_handles_release(&use);
		return rc;
	}
	if (s->failed) {
		rc = -(gtm_long_t)s->failed;
		if (call == CALL_CLOSE) { /* after a failure, close only frees */
			stdc_handles_close(handle, op);
			rc = STDC_OK;
		} else {
			stdc_fail(s->failed, "%s (an earlier call failed: close the stream)",
				  s->failure);
		}
		stdc_handles_release(&use);
		return rc;
	}
	n = in != NULL ? (size_t)in->length : 0;
	if (call == CALL_READ || (call == CALL_WRITE && n == 0 && s->pending)) {
		/* drain: continue what is pending */
	} else if (s->pending || s->closing) {
		rc = stdc_fail(STDC_E_BAD_ARGS, "%s: output is pending%s; call streamRead until it "
			       "returns 0 first", op, s->closing ? " (the stream is closing)" : "");
		stdc_handles_release(&use);
		return rc;
	} else if (call == CALL_FLUSH) {
		s->action = ACT_FLUSH;
		s->tail_done = 0;
	} else if (call == CALL_CLOSE || call == CALL_END) {
		s->closing = 1;
		if (s->compress)
			s->action = ACT_END;
		s->tail_done = 0;
	}
	if (s->in_pos < s->in_len) { /* input left by an earlier write comes first */
		rc = run(s, s->in + s->in_pos, s->in_len - s->in_pos, &used,
			 (unsigned char *)out->address, cap, &made, op);
		s->in_pos += used;
	} else {
		src = n > 0 ? (const unsigned char *)in->address : (const unsigned char *)"";
		rc = run(s, src, n, &used, (unsigned char *)out->address, cap, &made, op);
		if (rc >= 0 && used < n) { /* keep the rest for streamRead: at most one chunk */
			if (s->in_alloc < n - used) {
				unsigned char *b = realloc(s->in, n - used);

				if (b == NULL) {
					rc = fail(s, STDC_E_NO_MEMORY, "%s: no memory for the input "
						  "left over", op);
					goto done;
				}
				s->in = b;
				s->in_alloc = n - used;
			}
			memcpy(s->in, src + used, n - used);
			s->in_len = n - used;
			s->in_pos = 0;
		}
	}
	if (rc >= 0)
		out->length = (gtm_long_t)made;
	if (rc == STDC_STREAM_MORE) {
		s->pending = 1;
		goto done;
	}
	s->pending = 0;
	if (rc >= 0 && s->action == ACT_FLUSH)
		s->action = ACT_NONE;
	if (s->closing) { /* finished or failed: either way the handle goes */
		if (rc >= 0 && !s->compress && !s->eof)
			rc = stdc_fail(codec_code(s), "%s: truncated %s stream: its input ended "
				       "before the end of the stream (the handle is freed)", op,
				       codec_names[s->codec]);
		else if (rc >= 0)
			rc = STDC_OK;
		stdc_handles_close(handle, op);
	}
done:
	stdc_handles_release(&use);
	return rc;
}

gtm_long_t stdc_stream_write(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t handle,
			     gtm_long_t end)
{
	return stream_call(argc, 3, in, out, handle, argc >= 4 && end ? CALL_END : CALL_WRITE,
			   "streamWrite", "(chunk, .out, handle[, end])");
}

gtm_long_t stdc_stream_read(int argc, gtm_string_t *out, gtm_long_t handle)
{
	return stream_call(argc, 2, NULL, out, handle, CALL_READ, "streamRead", "(.out, handle)");
}

gtm_long_t stdc_stream_flush(int argc, gtm_string_t *out, gtm_long_t handle)
{
	return stream_call(argc, 2, NULL, out, handle, CALL_FLUSH, "streamFlush",
			   "(.out, handle)");
}

gtm_long_t stdc_stream_close(int argc, gtm_string_t *out, gtm_long_t handle)
{
	return stream_call(argc, 2, NULL, out, handle, CALL_CLOSE, "streamClose",
			   "(.out, handle)");
}

gtm_long_t stdc_stream_unused(int argc, gtm_string_t *out, gtm_long_t handle)
{
	static const char op[] = "streamUnused";
	struct stdc_handle_use use;
	struct stream *s;
	size_t cap;
	gtm_long_t rc;

	if (argc < 2 || out == NULL || out->address == NULL || out->length < 0)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: needs (.out, handle)", op);
	cap = (size_t)out->length;
	out->length = 0;
	if ((s = stdc_handles_acquire(handle, &decompressor_kind, op, &use, &rc)) == NULL)
		return rc;
	if (s->unused_len > cap) {
		rc = (gtm_long_t)s->unused_len; /* call the larger tier */
	} else {
		if (s->unused_len)
			memcpy(out->address, s->unused, s->unused_len);
		out->length = (gtm_long_t)s->unused_len;
		rc = STDC_OK;
	}
	stdc_handles_release(&use);
	return rc;
}
