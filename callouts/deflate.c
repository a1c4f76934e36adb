/* deflate.c - gzip (RFC 1952), raw deflate (RFC 1951) and zlib (RFC 1950) through libdeflate;
 * items of at most STDC_DEFLATE_SMALL_MAX bytes are compressed by zlib ("small items" below).
 *
 * Decoding rules: gunzip accepts one or more concatenated members (as gzip -d does) with any
 * of the optional header fields, and an empty input is zero members (empty result).  Raw
 * deflate and zlib hold exactly one stream, so empty input is truncated.  Bytes left after
 * the last complete member or stream are an error: nothing is silently dropped. */
#include "codec.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct stdc_codec stdc_codec_gzip, stdc_codec_deflate, stdc_codec_zlib;

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

/* ---- small items ----
 * libdeflate spends about 6 us on any input, most of it clearing 64 KiB of hash tables; zlib's
 * deflate on a reused stream with a 512-byte window and memLevel 2 clears about 1 KiB.  So
 * items of at most STDC_DEFLATE_SMALL_MAX bytes at levels 1..9 go through zlib (2-3x faster at
 * 32..100 B, the same sizes; the two cross near 200 B, bench/engine_floor.c measures it).  The
 * parameters are fixed, so the bytes depend on the input and the level only: fixtures stay
 * exact.  The wrapper is libdeflate's, byte for byte, so both paths write the same headers. */

/* zlib, here and in streams, has levels 1..9 only */
_Static_assert(STDC_DEFLATE_LEVEL_MAX <= 9, "the plain levels are zlib's");

#define SMALL_WINDOW_BITS 9 /* zlib's smallest window, 512 bytes: holds the whole item */
#define SMALL_MEM_LEVEL 2   /* 256 symbols per block: the item is one block */

static z_stream *small_stream(struct stdc_thread *t, int level)
{
	z_stream *z = t->deflate_small[level];

	if (z != NULL)
		return z;
	if ((z = calloc(1, sizeof(*z))) == NULL)
		return NULL;
	if (deflateInit2(z, level, Z_DEFLATED, -SMALL_WINDOW_BITS, SMALL_MEM_LEVEL,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		free(z);
		return NULL;
	}
	return t->deflate_small[level] = z;
}

static void free_small(z_stream *z)
{
	if (z != NULL) {
		deflateEnd(z);
		free(z);
	}
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16), p[3] = (unsigned char)(v >> 24);
}

/* libdeflate's gzip and zlib headers for the level (lib/gzip_compress.c, lib/zlib_compress.c):
 * gzip with no name, no mtime, OS unknown and XFL from the level (10 bytes); zlib declaring a
 * 32 KiB window (a stream made with a smaller one decodes with it) and the level's hint (2). */
static void put_header(enum format f, int level, unsigned char *p)
{
	static const unsigned char gzip[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
	unsigned hdr;

	switch (f) {
	case GZIP:
		memcpy(p, gzip, sizeof(gzip));
		p[8] = level < 2 ? 4 : level >= 8 ? 2 : 0;
		break;
	case ZLIB:
		hdr = 0x7800 | (unsigned)(level < 2 ? 0 : level < 6 ? 1 : level < 8 ? 2 : 3) << 6;
		hdr |= 31 - hdr % 31;
		p[0] = (unsigned char)(hdr >> 8), p[1] = (unsigned char)hdr;
		break;
	default:
		break;
	}
}

/* The small-item path: the same contract as format_encode. */
static int small_encode(enum format f, z_stream *z, int level, const unsigned char *src,
			size_t n, unsigned char *dst, size_t cap, size_t *len)
{
	size_t head = f == GZIP ? 10 : f == ZLIB ? 2 : 0, trailer = f == GZIP ? 8 : f == ZLIB ? 4 : 0;
	size_t made, room;
	int r;

	if (cap < head + trailer)
		return STDC_NOSPACE; /* not even room for the header and trailer */
	put_header(f, level, dst);
	room = cap - head - trailer;
	z->next_in = (unsigned char *)src;
	z->avail_in = (uInt)n;
	z->next_out = dst + head;
	z->avail_out = room < UINT_MAX ? (uInt)room : UINT_MAX;
	r = deflate(z, Z_FINISH);
	made = z->total_out;
	deflateReset(z);
	if (r != Z_STREAM_END)
		return STDC_NOSPACE;
	dst += head + made;
	if (f == GZIP) {
		put_le32(dst, libdeflate_crc32(0, src, n));
		put_le32(dst + 4, (uint32_t)n);
	} else if (f == ZLIB) {
		uint32_t a = libdeflate_adler32(1, src, n);

		dst[0] = (unsigned char)(a >> 24), dst[1] = (unsigned char)(a >> 16);
		dst[2] = (unsigned char)(a >> 8), dst[3] = (unsigned char)a;
	}
	*len = head + made + trailer;
	return STDC_OK;
}

/* ---- end of small items ---- */

static int format_encode(enum format f, struct stdc_thread *t, int level,
			const unsigned char *src, size_t n, unsigned char *dst, size_t cap,
			size_t *len)
{
	struct libdeflate_compressor *c;
	size_t made;

	if (n <= STDC_DEFLATE_SMALL_MAX && level <= 9) {
		z_stream *z = small_stream(t, level);

		if (z == NULL)
			return -STDC_E_NO_MEMORY;
		return small_encode((enum format)f, z, level, src, n, dst, cap, len);
	}
	if ((c = compressor(t, level)) == NULL)
		return -STDC_E_NO_MEMORY;
	switch (f) {
	case GZIP: made = libdeflate_gzip_compress(c, src, n, dst, cap); break;
	case RAW: made = libdeflate_deflate_compress(c, src, n, dst, cap); break;
	default: made = libdeflate_zlib_compress(c, src, n, dst, cap); break;
	}
	if (made == 0)
		return STDC_NOSPACE;
	*len = made;
	return STDC_OK;
}

static size_t format_bound(enum format f, size_t n)
{
	/* libdeflate's bound (NULL: any level; n + 5 up to 5000 bytes, raw) holds for the small
	 * path too: zlib writes one block of at most 256 symbols, stored (n + 5 bytes) when
	 * that is no larger. */
	switch (f) {
	case GZIP: return libdeflate_gzip_compress_bound(NULL, n);
	case RAW: return libdeflate_deflate_compress_bound(NULL, n);
	default: return libdeflate_zlib_compress_bound(NULL, n);
	}
}

static int run_compress(const struct stdc_job *job, struct stdc_thread *t, unsigned char *dst,
			size_t cap, size_t *len)
{
	int r = format_encode((enum format)job->variant, t, job->level, job->in, job->in_len, dst,
			      cap, len);

	if (r == -STDC_E_NO_MEMORY)
		return (int)stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a level %d compressor",
				      format_op[job->variant][0], job->level);
	return r;
}

/* The *Best entries' levels: libdeflate's slow, strongest (the others: the descriptors'). */
static const struct stdc_levels best_levels = {STDC_DEFLATE_BEST_MIN, STDC_DEFLATE_BEST_MAX,
					       STDC_DEFLATE_BEST_DEFAULT, 0, NULL};

/* The *Best entries.  limit: the most input and output, STDC_MAX_STRING for the call-outs
 * (libdeflate has none). */
static gtm_long_t best_compress(enum format format, int argc, gtm_string_t *in,
				gtm_string_t *out, gtm_long_t level, size_t limit)
{
	static const char *const best_op[] = {[GZIP] = "gzipBest", [RAW] = "deflateBest",
					      [ZLIB] = "zlibBest"};
	const char *op = best_op[format];
	struct stdc_job job = {.run = run_compress, .variant = format};
	struct stdc_thread *t;
	size_t cap;
	gtm_long_t r;

	r = stdc_oneshot_level(&best_levels, op, argc, &level);
	if (r != STDC_OK)
		return r;
	r = stdc_begin_within(argc, in, out, op, &job, &t, &cap, limit, limit);
	if (r != STDC_OK)
		return r;
	job.level = (int)level;
	job.estimate = format_bound(format, job.in_len);
	return stdc_deliver(t, &job, out, cap);
}

/* The one-shot compressors' estimate: the format's bound. */
static gtm_long_t before_encode(struct stdc_job *job, struct stdc_thread *t, const char *op)
{
	(void)t, (void)op;
	job->estimate = format_bound((enum format)job->variant, job->in_len);
	return STDC_OK;
}

static const char *result_text(enum libdeflate_result r)
{
	return r == LIBDEFLATE_BAD_DATA ? "corrupt or truncated data" : "unexpected decoder result";
}

static int format_decode(enum format f, struct libdeflate_decompressor *d,
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

		if (f == GZIP && src_len == 0)
			break;
		if (f == GZIP && in_pos > 0 && (src_len < 2 || src[0] != 0x1f || src[1] != 0x8b))
			break; /* not another member: reported as trailing bytes below */
		switch (f) {
		case GZIP:
			r = libdeflate_gzip_decompress_ex(d, src, src_len, dst + out_pos,
							  cap - out_pos, &used_in, &made);
			break;
		case RAW:
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
	} while (f == GZIP);
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
	char msg[200];
	int r = format_decode((enum format)job->variant, t->deflate_d, job->in, job->in_len, dst,
			      cap, len, msg, sizeof(msg));

	if (r < 0 && r != STDC_NOSPACE)
		return (int)stdc_fail((enum stdc_code)-r, "%s", msg);
	return r;
}

/* This thread's decompressor; a gzip trailer's ISIZE (last member only, mod 2^32) is a hint
 * for the estimate, never trusted. */
static gtm_long_t before_decode(struct stdc_job *job, struct stdc_thread *t, const char *op)
{
	if (t->deflate_d == NULL && (t->deflate_d = libdeflate_alloc_decompressor()) == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a decompressor", op);
	if (job->variant == GZIP && job->in_len >= 18) {
		const unsigned char *p = job->in + job->in_len - 4;

		job->estimate = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 |
				(size_t)p[3] << 24;
	}
	return STDC_OK;
}

gtm_long_t stdc_gzip(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return stdc_oneshot_compress(&stdc_codec_gzip, argc, in, out, level);
}

gtm_long_t stdc_gzip_best(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return best_compress(GZIP, argc, in, out, level, STDC_MAX_STRING);
}

gtm_long_t stdc_gunzip(int argc, gtm_string_t *in, gtm_string_t *out)
{
	return stdc_oneshot_decompress(&stdc_codec_gzip, argc, in, out);
}

gtm_long_t stdc_deflate(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return stdc_oneshot_compress(&stdc_codec_deflate, argc, in, out, level);
}

gtm_long_t stdc_deflate_best(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return best_compress(RAW, argc, in, out, level, STDC_MAX_STRING);
}

gtm_long_t stdc_inflate(int argc, gtm_string_t *in, gtm_string_t *out)
{
	return stdc_oneshot_decompress(&stdc_codec_deflate, argc, in, out);
}

gtm_long_t stdc_zlib(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return stdc_oneshot_compress(&stdc_codec_zlib, argc, in, out, level);
}

gtm_long_t stdc_zlib_best(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return best_compress(ZLIB, argc, in, out, level, STDC_MAX_STRING);
}

gtm_long_t stdc_unzlib(int argc, gtm_string_t *in, gtm_string_t *out)
{
	return stdc_oneshot_decompress(&stdc_codec_zlib, argc, in, out);
}

/* ---- streams (z_stream), batches and the three descriptors ----
 * The three formats share one file and one set of callbacks: they differ only in their
 * wrapper (header, trailer, and gzip's members), which zlib and libdeflate pick by a flag. */

struct zstream {
	z_stream z;
	int compress;
	enum format format;
};

static gtm_long_t zstream_begin(enum format f, const struct stdc_stream_params *p, void **state,
				const char *op)
{
	struct zstream *zs = calloc(1, sizeof(*zs));
	int bits = f == GZIP ? 15 + 16 : f == RAW ? -15 : 15, zr;

	if (zs == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a z_stream", op);
	zs->compress = p->compress;
	zs->format = f;
	zr = p->compress ? deflateInit2(&zs->z, p->level, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY)
			 : inflateInit2(&zs->z, bits);
	if (zr != Z_OK) {
		free(zs);
		return zr == Z_MEM_ERROR
			       ? stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a z_stream", op)
			       : stdc_fail(STDC_E_LIBZ_FAIL, "%s: zlib refused to start (%d)", op, zr);
	}
	*state = zs;
	return STDC_OK;
}

static void zstream_end(void *state)
{
	struct zstream *zs = state;

	if (zs->compress)
		deflateEnd(&zs->z);
	else
		inflateEnd(&zs->z);
	free(zs);
}

static gtm_long_t zstream_step(void *state, const unsigned char *in, size_t n, size_t *used,
			       unsigned char *dst, size_t cap, size_t *made, enum stdc_action act,
			       int *ended, const char *op)
{
	struct zstream *zs = state;
	z_stream *z = &zs->z;
	int zr;

	z->next_in = (Bytef *)(uintptr_t)in;
	z->avail_in = (uInt)n;
	z->next_out = dst;
	z->avail_out = (uInt)cap;
	if (zs->compress)
		zr = deflate(z, act == STDC_ACT_END ? Z_FINISH
				: act == STDC_ACT_FLUSH ? Z_SYNC_FLUSH : Z_NO_FLUSH);
	else
		zr = inflate(z, Z_NO_FLUSH);
	*used = n - z->avail_in;
	*made = cap - z->avail_out;
	if (zr == Z_STREAM_END) {
		*ended = 1;
		return STDC_OK;
	}
	if (zr == Z_MEM_ERROR)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: zlib ran out of memory", op);
	if (zr != Z_OK && zr != Z_BUF_ERROR)
		return stdc_fail(STDC_E_LIBZ_FAIL, "%s: %s data (zlib: %s)", op,
				 format_op[zs->format][0],
				 z->msg ? z->msg : zr == Z_NEED_DICT ? "needs a dictionary" : "error");
	if (zs->compress && act == STDC_ACT_FLUSH && z->avail_out > 0 && z->avail_in == 0)
		*ended = 1;
	return STDC_OK;
}

/* gzip members may follow one another; inflate starts the next after a reset. */
static int gzip_starts_another(const unsigned char *b, size_t n)
{
	return stdc_could_begin(b, n, "\x1f\x8b", 2);
}

static gtm_long_t gzip_again(void *state, const char *op)
{
	struct zstream *zs = state;

	return inflateReset(&zs->z) == Z_OK
		       ? STDC_OK : stdc_fail(STDC_E_LIBZ_FAIL, "%s: zlib reset failed", op);
}

static int batch_encode(enum format f, struct stdc_thread *t, int level, const unsigned char *src,
			size_t n, unsigned char *dst, size_t cap, size_t *len, char *msg,
			size_t msg_len)
{
	int r = format_encode(f, t, level, src, n, dst, cap, len);

	if (r == -STDC_E_NO_MEMORY)
		snprintf(msg, msg_len, "no memory for a %s context", format_op[f][0]);
	return r;
}

static int deflate_prepare(struct stdc_thread *t, int decompress, int level, const void *dict)
{
	(void)level, (void)dict; /* compressors: made by format_encode on first use */
	return !decompress || t->deflate_d != NULL ||
			       (t->deflate_d = libdeflate_alloc_decompressor()) != NULL
		       ? 0 : -1;
}

/* Idempotent: the three descriptors share these contexts. */
static void deflate_thread_free(struct stdc_thread *t)
{
	for (size_t i = 0; i < sizeof(t->deflate_c) / sizeof(t->deflate_c[0]); i++) {
		libdeflate_free_compressor(t->deflate_c[i]);
		t->deflate_c[i] = NULL;
	}
	for (size_t i = 0; i < sizeof(t->deflate_small) / sizeof(t->deflate_small[0]); i++) {
		free_small(t->deflate_small[i]);
		t->deflate_small[i] = NULL;
	}
	libdeflate_free_decompressor(t->deflate_d);
	t->deflate_d = NULL;
}

/* One format's callbacks: the shared ones above with its format bound. */
#define DEFLATE_FORMAT(F, fname)                                                                 \
	static gtm_long_t fname##_begin(const struct stdc_stream_params *p, void **state,        \
					const char *op)                                          \
	{                                                                                        \
		return zstream_begin(F, p, state, op);                                           \
	}                                                                                        \
	static size_t fname##_bound(size_t n)                                                    \
	{                                                                                        \
		return format_bound(F, n);                       \
	}                                                                                        \
	static int fname##_encode(struct stdc_thread *t, int level, const void *dict,            \
				  const unsigned char *src, size_t n, unsigned char *dst,        \
				  size_t cap, size_t *len, char *msg, size_t msg_len)            \
	{                                                                                        \
		(void)dict;                                                                      \
		return batch_encode(F, t, level, src, n, dst, cap, len, msg, msg_len);           \
	}                                                                                        \
	static int fname##_decode(struct stdc_thread *t, const void *dict,                      \
				  const unsigned char *src, size_t n, unsigned char *dst,        \
				  size_t cap, size_t *len, char *msg, size_t msg_len)            \
	{                                                                                        \
		(void)dict;                                                                      \
		return format_decode(F, t->deflate_d, src, n,   \
					   dst, cap, len, msg, msg_len);                         \
	}

DEFLATE_FORMAT(GZIP, gzip)
DEFLATE_FORMAT(RAW, raw)
DEFLATE_FORMAT(ZLIB, zlib)

static const char *libdeflate_version(void)
{
	return LIBDEFLATE_VERSION_STRING;
}

static int zlib_usable(void)
{
	return zlibVersion()[0] == ZLIB_VERSION[0];
}

static int always(void)
{
	return 1; /* static or not, libdeflate has no run-time version to check */
}

#define DEFLATE_CODEC(fname, FORMAT, op, unop)                                                   \
	.oneshot_levels = {STDC_DEFLATE_LEVEL_MIN, STDC_DEFLATE_LEVEL_MAX,                       \
			   STDC_DEFLATE_LEVEL_DEFAULT, 0, NULL},                                 \
	.oneshot_compress = {op, run_compress, NULL, before_encode, FORMAT},                     \
	.oneshot_decompress = {unop, run_decompress, NULL, before_decode, FORMAT},               \
	.error = STDC_E_LIBZ_FAIL, .level_min = STDC_DEFLATE_LEVEL_MIN,                          \
	.level_max = STDC_DEFLATE_LEVEL_MAX, .level_default = STDC_DEFLATE_LEVEL_DEFAULT,        \
	.level_word = "level", .stream_begin = fname##_begin, .stream_step = zstream_step,       \
	.stream_end = zstream_end, .bound = fname##_bound, .encode = fname##_encode,             \
	.decode = fname##_decode, .prepare = deflate_prepare,                                    \
	.thread_free = deflate_thread_free

const struct stdc_codec stdc_codec_gzip = {
	.name = "gzip", DEFLATE_CODEC(gzip, GZIP, "gzip", "gunzip"),
	.starts_another = gzip_starts_another, .stream_again = gzip_again,
	/* the family's libraries and limits, once */
	.libraries = STDC_LIBRARIES({"libdeflate", libdeflate_version, always},
				    {"libz", zlibVersion, zlib_usable}),
	.limits = STDC_LIMITS(STDC_LIMIT("deflate_level_min", STDC_DEFLATE_LEVEL_MIN),
		STDC_LIMIT("deflate_level_max", STDC_DEFLATE_LEVEL_MAX),
		STDC_LIMIT("deflate_level_default", STDC_DEFLATE_LEVEL_DEFAULT),
		STDC_LIMIT("deflate_small_max", STDC_DEFLATE_SMALL_MAX)),
	.limits_later = STDC_LIMITS(STDC_LIMIT("deflate_best_level_min", STDC_DEFLATE_BEST_MIN),
		STDC_LIMIT("deflate_best_level_max", STDC_DEFLATE_BEST_MAX),
		STDC_LIMIT("deflate_best_level_default", STDC_DEFLATE_BEST_DEFAULT)),
};
const struct stdc_codec stdc_codec_deflate = {
	.name = "deflate", DEFLATE_CODEC(raw, RAW, "deflate", "inflate")};
const struct stdc_codec stdc_codec_zlib = {
	.name = "zlib", DEFLATE_CODEC(zlib, ZLIB, "zlib", "unzlib")};

/* The Python bridge's: the *Best entries (levels 10..12, which streams do not have) of any
 * size.  format: 0 gzip, 1 raw, 2 zlib (enum format); out holds cap bytes, at least
 * format_bound(len).  Returns the result's length or -code. */
gtm_long_t stdc_deflate_py_best(int format, const void *in, size_t len, void *out, size_t cap,
				gtm_long_t level)
{
	gtm_string_t i = {(gtm_long_t)(len <= LONG_MAX ? len : LONG_MAX), (char *)(uintptr_t)in};
	gtm_string_t o = {(gtm_long_t)(cap <= LONG_MAX ? cap : LONG_MAX), out};
	gtm_long_t r;

	if (format < GZIP || format > ZLIB || (len > 0 && in == NULL) || out == NULL)
		return stdc_fail(STDC_E_BAD_ARGS, "deflateBest: bad format, input or output");
	r = best_compress((enum format)format, 3, &i, &o, level, LONG_MAX);
	if (r > 0) /* held: the caller's output is smaller than the result */
		return stdc_fail(STDC_E_OUTPUT_TOO_LARGE, "deflateBest: the result does not fit the "
				 "%zu-byte output", cap);
	return r < 0 ? r : o.length;
}
