/* xz.c - the .xz format of XZ Utils through liblzma.
 *
 * Compression: one .xz stream, one LZMA2 block, CRC64 check (xz(1)'s defaults, so `xz -dc`
 * and Python's lzma read it).  Levels 0..9 are xz's presets -0..-9 (default 6); 10..19 are
 * the extreme presets -0e..-9e (level - 10 with LZMA_PRESET_EXTREME).  The preset's
 * dictionary is cut to the input size (at least 4 KiB): an input is at most 1 MiB, so a
 * larger dictionary finds nothing more and only costs memory (the encoder's hash tables,
 * and the decoder's buffer, which the block header sizes).
 * Decompression: one or more concatenated .xz streams with stream padding between and after
 * them, as `xz -d` accepts (LZMA_CONCATENATED); an empty input, a truncated stream, a bad
 * check or trailing bytes that are not a stream are LIBLZMA-FAIL.  The decoder's memory is
 * limited to STDC_XZ_DECODER_MEMLIMIT (every preset's stream fits); a stream that needs more
 * is LIBLZMA-FAIL naming what it needs. */
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>

#include "codec.h"

extern const struct stdc_codec stdc_codec_xz;

/* Records a liblzma failure of op; s is the decoder (NULL when encoding). */
static gtm_long_t lzma_failure(lzma_ret r, const char *op, const lzma_stream *s)
{
	unsigned long long at = s != NULL ? (unsigned long long)s->total_in : 0;

	switch (r) {
	case LZMA_MEM_ERROR:
		return stdc_fail(STDC_E_NO_MEMORY, "%s: liblzma is out of memory", op);
	case LZMA_MEMLIMIT_ERROR:
		return stdc_fail(STDC_E_LIBLZMA_FAIL,
				 "%s: the stream needs %llu bytes of decoder memory, over the "
				 "%d-byte limit", op, s != NULL ? (unsigned long long)lzma_memusage(s) : 0ULL,
				 STDC_XZ_DECODER_MEMLIMIT);
	case LZMA_FORMAT_ERROR:
		return stdc_fail(STDC_E_LIBLZMA_FAIL, "%s: not .xz data at input byte %llu", op, at);
	case LZMA_OPTIONS_ERROR:
		return stdc_fail(STDC_E_LIBLZMA_FAIL, "%s: unsupported options at input byte %llu",
				 op, at);
	case LZMA_DATA_ERROR:
		return stdc_fail(STDC_E_LIBLZMA_FAIL, "%s: corrupt data at input byte %llu", op, at);
	case LZMA_BUF_ERROR:
		return stdc_fail(STDC_E_LIBLZMA_FAIL,
				 "%s: truncated: the input ends inside a stream", op);
	default:
		return stdc_fail(STDC_E_LIBLZMA_FAIL, "%s: liblzma error %d", op, (int)r);
	}
}

/* liblzma's preset for a level 0..19. */
static uint32_t xz_preset(int level)
{
	return level >= STDC_XZ_EXTREME_MIN
		       ? (uint32_t)(level - STDC_XZ_EXTREME_MIN) | LZMA_PRESET_EXTREME
		       : (uint32_t)level;
}

/* The LZMA2 options of a level (0..19) for an input of n bytes: the preset's, with the
 * dictionary cut to the input (at least 4 KiB).  Nonzero when liblzma has no such preset. */
static int xz_options(int level, size_t n, lzma_options_lzma *opt)
{
	if (lzma_lzma_preset(opt, xz_preset(level)))
		return -1;
	if (opt->dict_size > n)
		opt->dict_size = n > LZMA_DICT_SIZE_MIN ? (uint32_t)n : LZMA_DICT_SIZE_MIN;
	return 0;
}

static int run_compress(const struct stdc_job *job, struct stdc_thread *t, unsigned char *dst,
			size_t cap, size_t *len)
{
	lzma_options_lzma opt;
	lzma_filter filters[] = {{LZMA_FILTER_LZMA2, &opt}, {LZMA_VLI_UNKNOWN, NULL}};
	size_t pos = 0;
	lzma_ret r;

	(void)t;
	if (xz_options(job->level, job->in_len, &opt))
		return (int)stdc_fail(STDC_E_LIBLZMA_FAIL, "xzCompress: no preset for level %d",
				      job->level);
	r = lzma_stream_buffer_encode(filters, LZMA_CHECK_CRC64, NULL, job->in, job->in_len, dst,
				      &pos, cap);
	if (r == LZMA_BUF_ERROR)
		return STDC_NOSPACE;
	if (r != LZMA_OK)
		return (int)lzma_failure(r, "xzCompress", NULL);
	*len = pos;
	return STDC_OK;
}

/* What this one-filter stream takes at most: LZMA2 falls back to stored chunks, 3 bytes of
 * header each 64 KiB, and the headers, index and footer fit 64 bytes.  (liblzma's
 * lzma_stream_buffer_bound allows for any block header, 1 KiB more, so every small result
 * would take the staging path.)  A hint: a result that does not fit is staged. */
static size_t xz_estimate(size_t n)
{
	return n + 3 * (n / 65536 + 1) + 64;
}

gtm_long_t stdc_xz_compress(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return stdc_oneshot_compress(&stdc_codec_xz, argc, in, out, level);
}

static int run_decompress(const struct stdc_job *job, struct stdc_thread *t, unsigned char *dst,
			  size_t cap, size_t *len)
{
	lzma_stream s = LZMA_STREAM_INIT;
	uint64_t progress;
	gtm_long_t failed;
	lzma_ret r;

	(void)t;
	r = lzma_stream_decoder(&s, STDC_XZ_DECODER_MEMLIMIT, LZMA_CONCATENATED);
	if (r != LZMA_OK)
		return (int)lzma_failure(r, "xzDecompress", &s);
	s.next_in = job->in;
	s.avail_in = job->in_len;
	s.next_out = dst;
	s.avail_out = cap;
	/* All the input is there: run while the decoder makes progress, so a result that fills
	 * the output exactly still reaches the index and footer after it.  Stopped without the
	 * end: a full output is NOSPACE, else the input was truncated. */
	do {
		progress = s.total_in + s.total_out;
		r = lzma_code(&s, LZMA_FINISH);
	} while (r == LZMA_OK && s.total_in + s.total_out != progress);
	if (r == LZMA_STREAM_END) {
		*len = cap - s.avail_out;
		lzma_end(&s);
		return STDC_OK;
	}
	if ((r == LZMA_OK || r == LZMA_BUF_ERROR) && s.avail_out == 0) {
		lzma_end(&s);
		return STDC_NOSPACE;
	}
	failed = lzma_failure(r == LZMA_OK ? LZMA_BUF_ERROR : r, "xzDecompress", &s);
	lzma_end(&s);
	return (int)failed;
}

/* As xz -d: an empty input is not a truncated stream, but no stream at all.  The size is
 * in the index, at the end: decode to learn it (no estimate). */
static gtm_long_t xz_before_decode(struct stdc_job *job, struct stdc_thread *t, const char *op)
{
	(void)t;
	if (job->in_len == 0)
		return stdc_fail(STDC_E_LIBLZMA_FAIL, "%s: empty input is not .xz data", op);
	return STDC_OK;
}

gtm_long_t stdc_xz_decompress(int argc, gtm_string_t *in, gtm_string_t *out)
{
	return stdc_oneshot_decompress(&stdc_codec_xz, argc, in, out);
}

/* ---- streams ----
 * A compressor is lzma_easy_encoder at the level's preset with its whole dictionary (the
 * total input is not known), so its bytes differ from xzCompress's for the same input, which
 * cuts the dictionary to the input; both decode the same.  A decompressor decodes one .xz
 * stream at a time (without LZMA_CONCATENATED, which ends only when told the input ended):
 * after each, stream padding (zero bytes, a multiple of 4) and further streams are read as
 * `xz -d` reads them, and other bytes are the unused data. */

struct xz_stream {
	lzma_stream s;
	int compress;
	int between;    /* a decompressor after a stream: reading padding, no decoder yet */
	size_t padding; /* zero bytes read since the last stream */
};

static void xz_stream_end(void *state)
{
	struct xz_stream *x = state;

	lzma_end(&x->s);
	free(x);
}

static gtm_long_t xz_stream_begin(const struct stdc_stream_params *p, void **state,
				  const char *op)
{
	struct xz_stream *x = malloc(sizeof(*x));
	lzma_ret r;

	if (x == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for an xz stream", op);
	*x = (struct xz_stream){.s = LZMA_STREAM_INIT, .compress = p->compress};
	*state = x;
	r = p->compress ? lzma_easy_encoder(&x->s, xz_preset(p->level), LZMA_CHECK_CRC64)
			: lzma_stream_decoder(&x->s, STDC_XZ_DECODER_MEMLIMIT, 0);
	return r == LZMA_OK ? STDC_OK : lzma_failure(r, op, NULL);
}

/* Reads stream padding from in[0..n); once a byte that is not padding comes, starts the next
 * stream's decoder.  Returns STDC_OK (still between streams when x->between). */
static gtm_long_t xz_padding(struct xz_stream *x, const unsigned char *in, size_t n,
			     size_t *used, const char *op)
{
	lzma_ret r;

	while (*used < n && in[*used] == 0) {
		(*used)++;
		x->padding++;
	}
	if (*used == n)
		return STDC_OK;
	if (x->padding % 4 != 0)
		return stdc_fail(STDC_E_LIBLZMA_FAIL, "%s: %zu bytes of stream padding, not a "
				 "multiple of 4", op, x->padding);
	r = lzma_stream_decoder(&x->s, STDC_XZ_DECODER_MEMLIMIT, 0);
	if (r != LZMA_OK)
		return lzma_failure(r, op, NULL);
	x->between = 0;
	return STDC_OK;
}

static gtm_long_t xz_stream_step(void *state, const unsigned char *in, size_t n, size_t *used,
				 unsigned char *dst, size_t cap, size_t *made,
				 enum stdc_action act, int *ended, const char *op)
{
	struct xz_stream *x = state;
	size_t skipped = 0;
	gtm_long_t rc;
	lzma_ret r;

	*used = *made = 0;
	if (x->between) {
		if ((rc = xz_padding(x, in, n, &skipped, op)) != STDC_OK)
			return rc;
		if (x->between) { /* all padding so far: a whole one ends the input well */
			*used = skipped;
			*ended = x->padding % 4 == 0;
			return STDC_OK;
		}
	}
	x->s.next_in = in + skipped;
	x->s.avail_in = n - skipped;
	x->s.next_out = dst;
	x->s.avail_out = cap;
	r = lzma_code(&x->s, act == STDC_ACT_END ? LZMA_FINISH
			     : act == STDC_ACT_FLUSH ? LZMA_SYNC_FLUSH : LZMA_RUN);
	*used = n - x->s.avail_in;
	*made = cap - x->s.avail_out;
	if (r == LZMA_STREAM_END) {
		*ended = 1;
		if (!x->compress) {
			x->between = 1;
			x->padding = 0;
		}
		return STDC_OK;
	}
	if (r == LZMA_OK || r == LZMA_BUF_ERROR) /* BUF_ERROR: no progress possible now */
		return STDC_OK;
	return lzma_failure(r, op, x->compress ? NULL : &x->s);
}

/* After a stream: padding, or the magic bytes of another stream. */
static int xz_starts_another(const unsigned char *b, size_t n)
{
	return b[0] == 0 || stdc_could_begin(b, n, "\xfd" "7zXZ\0", 6);
}

/* ---- batches: one .xz stream per item, as xzCompress / xzDecompress ---- */

static size_t xz_bound(size_t n)
{
	return lzma_stream_buffer_bound(n);
}

static int xz_batch_failure(lzma_ret r, char *msg, size_t msg_len)
{
	snprintf(msg, msg_len, "%s", r == LZMA_MEM_ERROR ? "liblzma is out of memory"
				     : r == LZMA_MEMLIMIT_ERROR ? "the stream needs more decoder "
								  "memory than the limit"
				     : r == LZMA_FORMAT_ERROR ? "not .xz data"
				     : r == LZMA_OPTIONS_ERROR ? "unsupported options"
				     : "corrupt or truncated data");
	return r == LZMA_MEM_ERROR ? -STDC_E_NO_MEMORY : -STDC_E_LIBLZMA_FAIL;
}

static int xz_encode(struct stdc_thread *t, int level, const void *dict,
		     const unsigned char *src, size_t n, unsigned char *dst, size_t cap,
		     size_t *len, char *msg, size_t msg_len)
{
	lzma_options_lzma opt;
	lzma_filter filters[] = {{LZMA_FILTER_LZMA2, &opt}, {LZMA_VLI_UNKNOWN, NULL}};
	size_t pos = 0;
	lzma_ret r;

	(void)t, (void)dict;
	if (xz_options(level, n, &opt))
		return xz_batch_failure(LZMA_OPTIONS_ERROR, msg, msg_len);
	r = lzma_stream_buffer_encode(filters, LZMA_CHECK_CRC64, NULL, src, n, dst, &pos, cap);
	if (r == LZMA_BUF_ERROR)
		return STDC_NOSPACE;
	if (r != LZMA_OK)
		return xz_batch_failure(r, msg, msg_len);
	*len = pos;
	return STDC_OK;
}

static int xz_decode(struct stdc_thread *t, const void *dict, const unsigned char *src,
		     size_t n, unsigned char *dst, size_t cap, size_t *len, char *msg,
		     size_t msg_len)
{
	uint64_t memlimit = STDC_XZ_DECODER_MEMLIMIT;
	size_t in_pos = 0, out_pos = 0;
	lzma_ret r;

	(void)t, (void)dict;
	if (n == 0) { /* as xzDecompress */
		snprintf(msg, msg_len, "empty input is not .xz data");
		return -STDC_E_LIBLZMA_FAIL;
	}
	/* BUF_ERROR is input left over with the output full; a truncated input is DATA_ERROR. */
	r = lzma_stream_buffer_decode(&memlimit, LZMA_CONCATENATED, NULL, src, &in_pos, n, dst,
				      &out_pos, cap);
	if (r == LZMA_BUF_ERROR)
		return STDC_NOSPACE;
	if (r != LZMA_OK)
		return xz_batch_failure(r, msg, msg_len);
	*len = out_pos;
	return STDC_OK;
}

static int xz_prepare(struct stdc_thread *t, int decompress, int level, const void *dict)
{
	(void)t, (void)decompress, (void)level, (void)dict; /* liblzma keeps no context */
	return 0;
}

static int xz_usable(void)
{
	return lzma_version_number() / 10000000 == LZMA_VERSION_MAJOR;
}

/* Levels 0..19 as xzCompress's: 0 is xz -0 (level_zero), only an omitted level the default. */
const struct stdc_codec stdc_codec_xz = {
	.name = "xz", .error = STDC_E_LIBLZMA_FAIL, .level_word = "level", .level_zero = 1,
	.level_min = STDC_XZ_LEVEL_MIN, .level_max = STDC_XZ_LEVEL_MAX,
	.level_default = STDC_XZ_LEVEL_DEFAULT,
	.oneshot_levels = {STDC_XZ_LEVEL_MIN, STDC_XZ_LEVEL_MAX, STDC_XZ_LEVEL_DEFAULT,
			   .note = " (" STDC_STR(STDC_XZ_EXTREME_MIN) ".." STDC_STR(STDC_XZ_LEVEL_MAX)
				   ": extreme)"},
	.oneshot_compress = {"xzCompress", run_compress, xz_estimate, NULL},
	.oneshot_decompress = {"xzDecompress", run_decompress, NULL, xz_before_decode},
	.stream_begin = xz_stream_begin, .stream_step = xz_stream_step,
	.stream_end = xz_stream_end, .starts_another = xz_starts_another,
	.bound = xz_bound, .encode = xz_encode, .decode = xz_decode, .prepare = xz_prepare,
	.libraries = STDC_LIBRARIES({"liblzma", lzma_version_string, xz_usable}),
	.limits_later = STDC_LIMITS(STDC_LIMIT("xz_level_min", STDC_XZ_LEVEL_MIN),
		STDC_LIMIT("xz_level_max", STDC_XZ_LEVEL_MAX),
		STDC_LIMIT("xz_level_default", STDC_XZ_LEVEL_DEFAULT),
		STDC_LIMIT("xz_extreme_min", STDC_XZ_EXTREME_MIN),
		STDC_LIMIT("xz_decoder_memlimit", STDC_XZ_DECODER_MEMLIMIT)),
};
