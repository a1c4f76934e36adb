/* deflate.c - gzip (RFC 1952), raw deflate (RFC 1951) and zlib (RFC 1950) through libdeflate.
 *
 * Decoding rules: gunzip accepts one or more concatenated members (as gzip -d does) with any
 * of the optional header fields, and an empty input is zero members (empty result).  Raw
 * deflate and zlib hold exactly one stream, so empty input is truncated.  Bytes left after
 * the last complete member or stream are an error: nothing is silently dropped. */
#include "core.h"

enum format { GZIP, RAW, ZLIB };

static const char *const format_op[][2] = {
	[GZIP] = {"gzip", "gunzip"},
	[RAW] = {"deflate", "inflate"},
	[ZLIB] = {"zlib", "unzlib"},
};

static struct libdeflate_compressor *compressor(struct stdc_thread *t, int level)
{
	if (t->deflate_c[level] == NULL)
		t->deflate_c[level] = libdeflate_alloc_compressor(level);
	return t->deflate_c[level];
}

/* A job with what the deflate family adds: the format and the compressor for the level. */
struct deflate_job {
	struct stdc_job job;
	enum format format;
	struct libdeflate_compressor *c;
};

static int run_compress(const struct stdc_job *job, struct stdc_thread *t, unsigned char *dst,
			size_t cap, size_t *len)
{
	const struct deflate_job *dj = (const struct deflate_job *)job;
	size_t n;

	(void)t;
	switch (dj->format) {
	case GZIP: n = libdeflate_gzip_compress(dj->c, job->in, job->in_len, dst, cap); break;
	case RAW: n = libdeflate_deflate_compress(dj->c, job->in, job->in_len, dst, cap); break;
	default: n = libdeflate_zlib_compress(dj->c, job->in, job->in_len, dst, cap); break;
	}
	if (n == 0)
		return STDC_NOSPACE;
	*len = n;
	return STDC_OK;
}

static gtm_long_t compress(enum format format, int argc, gtm_string_t *in, gtm_string_t *out,
			   gtm_long_t level)
{
	const char *op = format_op[format][0];
	struct deflate_job dj = {.job.run = run_compress, .format = format};
	struct stdc_thread *t;
	size_t cap;
	gtm_long_t r;

	if (argc < 3)
		level = STDC_DEFLATE_LEVEL_DEFAULT;
	if (argc >= 2 && (level < STDC_DEFLATE_LEVEL_MIN || level > STDC_DEFLATE_LEVEL_MAX))
		return stdc_fail(STDC_E_BAD_LEVEL, "%s: level %ld is outside %d..%d", op,
				 (long)level, STDC_DEFLATE_LEVEL_MIN, STDC_DEFLATE_LEVEL_MAX);
	r = stdc_begin(argc, in, out, op, &dj.job, &t, &cap);
	if (r != STDC_OK)
		return r;
	dj.job.level = (int)level;
	dj.c = compressor(t, (int)level);
	if (dj.c == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a level %ld compressor", op,
				 (long)level);
	switch (format) {
	case GZIP: dj.job.estimate = libdeflate_gzip_compress_bound(dj.c, dj.job.in_len); break;
	case RAW: dj.job.estimate = libdeflate_deflate_compress_bound(dj.c, dj.job.in_len); break;
	default: dj.job.estimate = libdeflate_zlib_compress_bound(dj.c, dj.job.in_len); break;
	}
	return stdc_deliver(t, &dj.job, out, cap);
}

static const char *result_text(enum libdeflate_result r)
{
	return r == LIBDEFLATE_BAD_DATA ? "corrupt or truncated data" : "unexpected decoder result";
}

static int run_decompress(const struct stdc_job *job, struct stdc_thread *t, unsigned char *dst,
			  size_t cap, size_t *len)
{
	const struct deflate_job *dj = (const struct deflate_job *)job;
	const char *op = format_op[dj->format][1];
	size_t in_pos = 0, out_pos = 0;

	/* A gzip input is zero or more members; raw deflate and zlib are exactly one stream. */
	do {
		size_t used_in = 0, made = 0;
		enum libdeflate_result r;
		const unsigned char *src = job->in + in_pos;
		size_t src_len = job->in_len - in_pos;

		if (dj->format == GZIP && src_len == 0)
			break;
		if (dj->format == GZIP && in_pos > 0 && (src_len < 2 || src[0] != 0x1f || src[1] != 0x8b))
			break; /* not another member: reported as trailing bytes below */
		switch (dj->format) {
		case GZIP:
			r = libdeflate_gzip_decompress_ex(t->deflate_d, src, src_len, dst + out_pos,
							  cap - out_pos, &used_in, &made);
			break;
		case RAW:
			r = libdeflate_deflate_decompress_ex(t->deflate_d, src, src_len, dst, cap,
							     &used_in, &made);
			break;
		default:
			r = libdeflate_zlib_decompress_ex(t->deflate_d, src, src_len, dst, cap,
							  &used_in, &made);
			break;
		}
		if (r == LIBDEFLATE_INSUFFICIENT_SPACE)
			return STDC_NOSPACE;
		if (r != LIBDEFLATE_SUCCESS)
			return (int)stdc_fail(STDC_E_LIBZ_FAIL, "%s: %s at input byte %zu", op,
					      result_text(r), in_pos);
		in_pos += used_in;
		out_pos += made;
	} while (dj->format == GZIP);
	if (in_pos != job->in_len)
		return (int)stdc_fail(STDC_E_LIBZ_FAIL, "%s: %zu trailing byte(s) after the stream",
				      op, job->in_len - in_pos);
	*len = out_pos;
	return STDC_OK;
}

static gtm_long_t decompress(enum format format, int argc, gtm_string_t *in, gtm_string_t *out)
{
	const char *op = format_op[format][1];
	struct deflate_job dj = {.job.run = run_decompress, .format = format};
	struct stdc_thread *t;
	size_t cap;
	gtm_long_t r;

	r = stdc_begin(argc, in, out, op, &dj.job, &t, &cap);
	if (r != STDC_OK)
		return r;
	if (t->deflate_d == NULL && (t->deflate_d = libdeflate_alloc_decompressor()) == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a decompressor", op);
	dj.job.estimate = STDC_UNKNOWN;
	/* A gzip trailer's ISIZE (last member only, mod 2^32) is a hint, never trusted. */
	if (format == GZIP && dj.job.in_len >= 18) {
		const unsigned char *p = dj.job.in + dj.job.in_len - 4;

		dj.job.estimate = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 |
				  (size_t)p[3] << 24;
	}
	return stdc_deliver(t, &dj.job, out, cap);
}

gtm_long_t stdc_gzip(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return compress(GZIP, argc, in, out, level);
}

gtm_long_t stdc_gunzip(int argc, gtm_string_t *in, gtm_string_t *out)
{
	return decompress(GZIP, argc, in, out);
}

gtm_long_t stdc_deflate(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return compress(RAW, argc, in, out, level);
}

gtm_long_t stdc_inflate(int argc, gtm_string_t *in, gtm_string_t *out)
{
	return decompress(RAW, argc, in, out);
}

gtm_long_t stdc_zlib(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return compress(ZLIB, argc, in, out, level);
}

gtm_long_t stdc_unzlib(int argc, gtm_string_t *in, gtm_string_t *out)
{
	return decompress(ZLIB, argc, in, out);
}
