/* deflate.c - gzip (RFC 1952), raw deflate (RFC 1951) and zlib (RFC 1950) through libdeflate.
 *
 * Decoding rules: gunzip accepts one or more concatenated members (as gzip -d does) with any
 * of the optional header fields, and an empty input is zero members (empty result).  Raw
 * deflate and zlib hold exactly one stream, so empty input is truncated.  Bytes left after
 * the last complete member or stream are an error: nothing is silently dropped. */
#include "core.h"

#include <stdio.h>

enum format { GZIP = STDC_GZIP, RAW = STDC_RAW, ZLIB = STDC_ZLIB };

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

size_t stdc_deflate_encode(enum stdc_deflate_format f, struct libdeflate_compressor *c,
			   const unsigned char *src, size_t n, unsigned char *dst, size_t cap)
{
	switch (f) {
	case STDC_GZIP: return libdeflate_gzip_compress(c, src, n, dst, cap);
	case STDC_RAW: return libdeflate_deflate_compress(c, src, n, dst, cap);
	default: return libdeflate_zlib_compress(c, src, n, dst, cap);
	}
}

size_t stdc_deflate_bound(enum stdc_deflate_format f, struct libdeflate_compressor *c, size_t n)
{
	switch (f) {
	case STDC_GZIP: return libdeflate_gzip_compress_bound(c, n);
	case STDC_RAW: return libdeflate_deflate_compress_bound(c, n);
	default: return libdeflate_zlib_compress_bound(c, n);
	}
}

static int run_compress(const struct stdc_job *job, struct stdc_thread *t, unsigned char *dst,
			size_t cap, size_t *len)
{
	const struct deflate_job *dj = (const struct deflate_job *)job;
	size_t n;

	(void)t;
	n = stdc_deflate_encode((enum stdc_deflate_format)dj->format, dj->c, job->in, job->in_len,
				dst, cap);
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
	dj.job.estimate = stdc_deflate_bound((enum stdc_deflate_format)format, dj.c, dj.job.in_len);
	return stdc_deliver(t, &dj.job, out, cap);
}

static const char *result_text(enum libdeflate_result r)
{
	return r == LIBDEFLATE_BAD_DATA ? "corrupt or truncated data" : "unexpected decoder result";
}

int stdc_deflate_decode(enum stdc_deflate_format f, struct libdeflate_decompressor *d,
			const unsigned char *in, size_t in_len, unsigned char *dst, size_t cap,
			size_t *len, char *msg, size_t msg_len)
{
	const char *op = format_op[f][1];
	size_t in_pos = 0, out_pos = 0;

	/* A gzip input is zero or more members; raw deflate and zlib are exactly one stream. */
	do {
		size_t used_in = 0, made = 0;
		enum libdeflate_result r;
		const unsigned char *src = in + in_pos;
		size_t src_len = in_len - in_pos;

		if (f == STDC_GZIP && src_len == 0)
			break;
		if (f == STDC_GZIP && in_pos > 0 && (src_len < 2 || src[0] != 0x1f || src[1] != 0x8b))
			break; /* not another member: reported as trailing bytes below */
		switch (f) {
		case STDC_GZIP:
			r = libdeflate_gzip_decompress_ex(d, src, src_len, dst + out_pos,
							  cap - out_pos, &used_in, &made);
			break;
		case STDC_RAW:
			r = libdeflate_deflate_decompress_ex(d, src, src_len, dst, cap, &used_in, &made);
			break;
		default:
			r = libdeflate_zlib_decompress_ex(d, src, src_len, dst, cap, &used_in, &made);
			break;
		}
		if (r == LIBDEFLATE_INSUFFICIENT_SPACE)
			return STDC_NOSPACE;
		if (r != LIBDEFLATE_SUCCESS) {
			snprintf(msg, msg_len, "%s: %s at input byte %zu", op, result_text(r), in_pos);
			return -STDC_E_LIBZ_FAIL;
		}
		in_pos += used_in;
		out_pos += made;
	} while (f == STDC_GZIP);
	if (in_pos != in_len) {
		snprintf(msg, msg_len, "%s: %zu trailing byte(s) after the stream", op,
			 in_len - in_pos);
		return -STDC_E_LIBZ_FAIL;
	}
	*len = out_pos;
	return STDC_OK;
}

static int run_decompress(const struct stdc_job *job, struct stdc_thread *t, unsigned char *dst,
			  size_t cap, size_t *len)
{
	const struct deflate_job *dj = (const struct deflate_job *)job;
	char msg[200];
	int r = stdc_deflate_decode((enum stdc_deflate_format)dj->format, t->deflate_d, job->in,
				    job->in_len, dst, cap, len, msg, sizeof(msg));

	if (r < 0 && r != STDC_NOSPACE)
		return (int)stdc_fail((enum stdc_code)-r, "%s", msg);
	return r;
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
