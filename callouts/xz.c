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

#include "core.h"

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

static int run_compress(const struct stdc_job *job, struct stdc_thread *t, unsigned char *dst,
			size_t cap, size_t *len)
{
	uint32_t preset = job->level >= STDC_XZ_EXTREME_MIN
				  ? (uint32_t)(job->level - STDC_XZ_EXTREME_MIN) | LZMA_PRESET_EXTREME
				  : (uint32_t)job->level;
	lzma_options_lzma opt;
	lzma_filter filters[] = {{LZMA_FILTER_LZMA2, &opt}, {LZMA_VLI_UNKNOWN, NULL}};
	size_t pos = 0;
	lzma_ret r;

	(void)t;
	if (lzma_lzma_preset(&opt, preset))
		return (int)stdc_fail(STDC_E_LIBLZMA_FAIL, "xzCompress: no preset %u", preset);
	if (opt.dict_size > job->in_len)
		opt.dict_size = job->in_len > LZMA_DICT_SIZE_MIN ? (uint32_t)job->in_len
								 : LZMA_DICT_SIZE_MIN;
	r = lzma_stream_buffer_encode(filters, LZMA_CHECK_CRC64, NULL, job->in, job->in_len, dst,
				      &pos, cap);
	if (r == LZMA_BUF_ERROR)
		return STDC_NOSPACE;
	if (r != LZMA_OK)
		return (int)lzma_failure(r, "xzCompress", NULL);
	*len = pos;
	return STDC_OK;
}

gtm_long_t stdc_xz_compress(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	struct stdc_job job = {.run = run_compress};
	struct stdc_thread *t;
	size_t cap;
	gtm_long_t r;

	if (argc < 3)
		level = STDC_XZ_LEVEL_DEFAULT;
	if (level < STDC_XZ_LEVEL_MIN || level > STDC_XZ_LEVEL_MAX)
		return stdc_fail(STDC_E_BAD_LEVEL,
				 "xzCompress: level %ld is outside %d..%d (%d..%d: extreme)",
				 (long)level, STDC_XZ_LEVEL_MIN, STDC_XZ_LEVEL_MAX,
				 STDC_XZ_EXTREME_MIN, STDC_XZ_LEVEL_MAX);
	r = stdc_begin(argc, in, out, "xzCompress", &job, &t, &cap);
	if (r != STDC_OK)
		return r;
	job.level = (int)level;
	/* What this one-filter stream takes at most: LZMA2 falls back to stored chunks, 3 bytes
	 * of header each 64 KiB, and the headers, index and footer fit 64 bytes.  (liblzma's
	 * lzma_stream_buffer_bound allows for any block header, 1 KiB more, so every small
	 * result would take the staging path.)  A hint: a result that does not fit is staged. */
	job.estimate = job.in_len + 3 * (job.in_len / 65536 + 1) + 64;
	return stdc_deliver(t, &job, out, cap);
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

gtm_long_t stdc_xz_decompress(int argc, gtm_string_t *in, gtm_string_t *out)
{
	struct stdc_job job = {.run = run_decompress};
	struct stdc_thread *t;
	size_t cap;
	gtm_long_t r;

	r = stdc_begin(argc, in, out, "xzDecompress", &job, &t, &cap);
	if (r != STDC_OK)
		return r;
	if (job.in_len == 0) /* as xz -d: not a truncated stream, no stream at all */
		return stdc_fail(STDC_E_LIBLZMA_FAIL, "xzDecompress: empty input is not .xz data");
	job.estimate = STDC_UNKNOWN; /* the size is in the index, at the end: decode to learn it */
	return stdc_deliver(t, &job, out, cap);
}
