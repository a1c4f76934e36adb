/* lz4stream.c - LZ4 block streams (LZ4_*_continue) behind handles: the wire format of
 * python-lz4's lz4.stream, with its double buffer and a real ring buffer.
 *
 * A compressor turns each chunk (at most buffer_size bytes) into one block, compressed against
 * the history the strategy keeps, and writes it as [prefix][raw LZ4 block]: the prefix is the
 * block's length, unsigned little-endian in `width` bytes (1, 2 or 4), or absent (width 0:
 * sizes travel out of band).  A decompressor with the same strategy, buffer_size and
 * dictionary turns the blocks, in order and without their prefix, back into the chunks.
 *
 * Strategies (docs/lz4-stream.md has the reasoning):
 *   double_buffer  two contiguous pages of buffer_size, used in turn; each chunk is compressed
 *                  against the previous page(s): python-lz4's layout, byte for byte.
 *   ring_buffer    compressor ring of 64 KiB + 2 * buffer_size: every chunk sees the last
 *                  64 KiB of the stream, whatever the chunk size.
 * Decompressors of either strategy are one and the same (a block may only refer to the last
 * 64 KiB of the stream, however the compressor kept it): the chunks are decoded one after
 * another into a linear buffer behind the last 64 KiB, which moves back to its start when the
 * buffer is full, and grows while a chunk does not fit (buffer_size past 1 MiB: memory
 * follows the chunks, not buffer_size).  LZ4 thus only ever sees one contiguous history ending
 * where it writes: with a double buffer or a ring, its history can cover the place a hostile
 * block is decoded to, and LZ4 then copies between overlapping ranges (found by
 * fuzz/fuzz_lz4stream.c).
 *
 * The dictionary (its last 64 KiB: all LZ4 can use) is copied into the context, so it lives
 * exactly as long as the context.  A failed decompression leaves the stream as it was: the
 * caller may go on with the right block.
 *
 * The M entries deliver one M string per call; the Python bridge's (stdc_lz4s_py_*) work on
 * the same contexts in memory the bridge owns, with python-lz4's limits instead. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lz4.h>
#include <lz4hc.h>

#include "core.h"
#include "handles.h"

#define WINDOW 65536           /* LZ4's history */
#define DECODER_ROOM (4 * WINDOW) /* decompressor: the least room for chunks after the history */

enum strategy { DOUBLE_BUFFER, RING_BUFFER };
enum mode { MODE_DEFAULT, MODE_FAST, MODE_HC };

struct lz4s {
	enum strategy strategy;
	enum mode mode;
	int width;           /* prefix bytes: 0, 1, 2 or 4 */
	int level;           /* acceleration (fast) or HC level */
	size_t bs;           /* buffer_size: the largest chunk */
	unsigned char *buf;  /* double: two pages of bs; ring: `ring` bytes; then the dictionary */
	size_t ring;         /* ring size (ring strategy) */
	size_t pos;          /* double: page 0 or 1; ring, decompressor: where the next chunk goes */
	size_t hist;         /* decompressor: the history starts at buf + hist (ends at buf + pos) */
	size_t last;         /* decompressor: the last chunk decoded, at buf + pos - last */
	size_t dict_len;     /* the dictionary copy follows the buffer, at buf + area */
	size_t area;         /* bytes of buf before the dictionary */
	unsigned char *scratch; /* compressor: one worst-case block + prefix, for small outputs */
	union {
		LZ4_stream_t *fast;
		LZ4_streamHC_t *hc;
		LZ4_streamDecode_t *dec;
	} st;
};

static void destroy_compressor(void *p)
{
	struct lz4s *s = p;

	if (s == NULL)
		return;
	if (s->mode == MODE_HC)
		LZ4_freeStreamHC(s->st.hc);
	else
		LZ4_freeStream(s->st.fast);
	free(s->scratch);
	free(s->buf);
	free(s);
}

static void destroy_decompressor(void *p)
{
	struct lz4s *s = p;

	if (s == NULL)
		return;
	LZ4_freeStreamDecode(s->st.dec);
	free(s->buf);
	free(s);
}

static const char *strategy_name(const struct lz4s *s)
{
	return s->strategy == RING_BUFFER ? "ring_buffer" : "double_buffer";
}

static void describe_compressor(const void *p, char *buf, size_t size)
{
	static const char *const modes[] = {"default", "fast", "high_compression"};
	const struct lz4s *s = p;

	snprintf(buf, size, "strategy=%s;buffer_size=%zu;width=%d;mode=%s;level=%d",
		 strategy_name(s), s->bs, s->width, modes[s->mode], s->level);
}

static void describe_decompressor(const void *p, char *buf, size_t size)
{
	const struct lz4s *s = p;

	snprintf(buf, size, "strategy=%s;buffer_size=%zu;width=%d", strategy_name(s), s->bs,
		 s->width);
}

static const struct stdc_handle_kind compressor_kind = {"lz4 stream compressor",
						       destroy_compressor, describe_compressor};
static const struct stdc_handle_kind decompressor_kind = {"lz4 stream decompressor",
							 destroy_decompressor, describe_decompressor};

/* ---- arguments ---- */

/* Largest block length a prefix of `width` bytes can express (width 0: python-lz4's 4-byte
 * best effort for out-of-band sizes). */
static unsigned long width_max(int width)
{
	return width == 1 ? 0xffUL : width == 2 ? 0xffffUL : 0xffffffffUL;
}

/* LZ4_COMPRESSBOUND without its int arithmetic; 0 past LZ4_MAX_INPUT_SIZE. */
static size_t compress_bound(size_t n)
{
	return n > LZ4_MAX_INPUT_SIZE ? 0 : n + n / 255 + 16;
}

/* The smallest chunk size a block of n bytes may hold at most, as python-lz4 computes it
 * (LZ4_COMPRESSBOUND reversed, plus one): a decompressor refuses a block for which this is
 * larger than its buffer_size, exactly as python-lz4 does. */
static size_t input_bound(size_t csize)
{
	size_t isize;

	if (csize < 16)
		csize = 17;
	if (csize > compress_bound(LZ4_MAX_INPUT_SIZE))
		return 0;
	isize = ((csize << 8) - csize - 4080) >> 8;
	return isize > LZ4_MAX_INPUT_SIZE ? 0 : isize + 1;
}

/* The largest buffer_size whose worst-case block is at most `limit` bytes. */
static size_t buffer_max_for(size_t limit)
{
	size_t n = limit > 16 ? (limit - 16) * 255 / 256 : 0;

	while (compress_bound(n + 1) <= limit)
		n++;
	while (n > 0 && compress_bound(n) > limit)
		n--;
	return n;
}

static int is(const gtm_string_t *s, const char *word)
{
	size_t n = strlen(word);

	return (size_t)s->length == n && memcmp(s->address, word, n) == 0;
}

static int empty(int argc, int pos, const gtm_string_t *s)
{
	return argc < pos || s == NULL || s->length == 0;
}

/* A string argument usable as input: NULL or a length in 0..STDC_MAX_STRING with an address. */
static int bad_string(const gtm_string_t *s)
{
	return s != NULL &&
	       (s->length < 0 || s->length > STDC_MAX_STRING || (s->length > 0 && s->address == NULL));
}

static gtm_long_t parse_width(gtm_long_t width, const char *op)
{
	if (width != 0 && width != 1 && width != 2 && width != 4)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: prefix width %ld is not 0, 1, 2 or 4", op,
				 (long)width);
	return STDC_OK;
}

static gtm_long_t parse_strategy(int argc, int pos, const gtm_string_t *s, enum strategy *out,
				 const char *op)
{
	if (empty(argc, pos, s) || is(s, "double_buffer")) {
		*out = DOUBLE_BUFFER;
		return STDC_OK;
	}
	if (is(s, "ring_buffer")) {
		*out = RING_BUFFER;
		return STDC_OK;
	}
	return stdc_fail(STDC_E_BAD_ARGS,
			 "%s: strategy \"%.*s\" is not double_buffer or ring_buffer", op,
			 (int)(s->length > 40 ? 40 : s->length), s->address);
}

/* Allocates the strategy's buffer with room for the dictionary's last 64 KiB after it. */
static gtm_long_t alloc_buffers(struct lz4s *s, const gtm_string_t *dict, const char *op)
{
	size_t dlen = dict != NULL && dict->length > 0 ? (size_t)dict->length : 0;
	const unsigned char *dsrc = dlen ? (const unsigned char *)dict->address : NULL;

	if (dlen > WINDOW) { /* LZ4 reads only the last 64 KiB of a dictionary */
		dsrc += dlen - WINDOW;
		dlen = WINDOW;
	}
	s->area = s->strategy == DOUBLE_BUFFER ? 2 * s->bs : s->ring;
	/* the +1 keeps the dictionary's end away from any chunk's start: it is always an
	 * external dictionary to LZ4, as in python-lz4 */
	s->buf = malloc(s->area + 1 + dlen);
	if (s->buf == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a %zu-byte buffer", op,
				 s->area + 1 + dlen);
	s->dict_len = dlen;
	if (dlen)
		memcpy(s->buf + s->area + 1, dsrc, dlen);
	return STDC_OK;
}

static const char *dict_of(const struct lz4s *s)
{
	return s->dict_len ? (const char *)s->buf + s->area + 1 : NULL;
}

/* ---- opening ---- */

/* m_strings: the M entry's (every block must fit one M string); 0: the Python bridge's. */
static gtm_long_t open_compressor(int argc, gtm_long_t buffer_size, gtm_long_t width,
				  gtm_string_t *mode, gtm_long_t level, gtm_string_t *dictionary,
				  gtm_string_t *strategy, int m_strings)
{
	static const char op[] = "lz4StreamCompressOpen";
	enum strategy strat;
	enum mode m;
	struct lz4s *s;
	size_t bs, bound;
	gtm_long_t rc;

	if (argc < 1)
		return stdc_fail(STDC_E_BAD_ARGS,
				 "%s: needs (buffer_size[, width, mode, level, dictionary, strategy])",
				 op);
	if (argc < 2)
		width = 4;
	if (argc < 4)
		level = 0;
	if ((argc >= 3 && bad_string(mode)) || (argc >= 5 && bad_string(dictionary)) ||
	    (argc >= 6 && bad_string(strategy)))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: a string argument is unusable", op);
	/* checked in python-lz4's order, so that the same call fails the same way */
	if ((rc = parse_width(width, op)) != STDC_OK)
		return rc;
	if ((rc = parse_strategy(argc, 6, strategy, &strat, op)) != STDC_OK)
		return rc;
	if (empty(argc, 3, mode) || is(mode, "default"))
		m = MODE_DEFAULT;
	else if (is(mode, "fast"))
		m = MODE_FAST;
	else if (is(mode, "high_compression"))
		m = MODE_HC;
	else
		return stdc_fail(STDC_E_BAD_ARGS,
				 "%s: mode \"%.*s\" is not default, fast or high_compression", op,
				 (int)(mode->length > 40 ? 40 : mode->length), mode->address);
	if (buffer_size < 0 || buffer_size > LZ4_MAX_INPUT_SIZE)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: buffer_size %ld is outside 0..%d", op,
				 (long)buffer_size, LZ4_MAX_INPUT_SIZE);
	bs = (size_t)buffer_size;
	bound = compress_bound(bs);
	if (width > 0 && bound > width_max((int)width))
		return stdc_fail(STDC_E_LIBLZ4_FAIL,
				 "%s: buffer_size %zu gives blocks of up to %zu bytes, more than a "
				 "%ld-byte prefix holds; at most %zu with this width",
				 op, bs, bound, (long)width, buffer_max_for(width_max((int)width)));
	if (m_strings && bound + (size_t)width > STDC_MAX_STRING)
		return stdc_fail(STDC_E_BAD_ARGS,
				 "%s: buffer_size %zu gives blocks of up to %zu bytes with their "
				 "prefix, over the %d-byte string limit; at most %zu",
				 op, bs, bound + (size_t)width, STDC_MAX_STRING,
				 buffer_max_for(STDC_MAX_STRING - (size_t)width));
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a context", op);
	s->strategy = strat;
	s->mode = m;
	s->width = (int)width;
	s->bs = bs;
	s->ring = WINDOW + 2 * bs;
	/* LZ4's own rules: acceleration below 1 is 1, above LZ4_ACCELERATION_MAX is that;
	 * an HC level below 1 is LZ4HC_CLEVEL_DEFAULT, above LZ4HC_CLEVEL_MAX is that. */
	s->level = level > INT_MAX ? INT_MAX : level < INT_MIN ? INT_MIN : (int)level;
	if (m == MODE_DEFAULT)
		s->level = 1;
	if ((rc = alloc_buffers(s, argc >= 5 ? dictionary : NULL, op)) != STDC_OK) {
		destroy_compressor(s);
		return rc;
	}
	if (m == MODE_HC) {
		if ((s->st.hc = LZ4_createStreamHC()) == NULL) {
			destroy_compressor(s);
			return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for an LZ4 HC state", op);
		}
		LZ4_resetStreamHC_fast(s->st.hc, s->level);
		if (s->dict_len)
			LZ4_loadDictHC(s->st.hc, dict_of(s), (int)s->dict_len);
	} else {
		if ((s->st.fast = LZ4_createStream()) == NULL) {
			destroy_compressor(s);
			return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for an LZ4 state", op);
		}
		LZ4_resetStream_fast(s->st.fast);
		if (s->dict_len)
			LZ4_loadDict(s->st.fast, dict_of(s), (int)s->dict_len);
	}
	return stdc_handles_open(&compressor_kind, s, op);
}

gtm_long_t stdc_lz4s_compress_open(int argc, gtm_long_t buffer_size, gtm_long_t width,
				   gtm_string_t *mode, gtm_long_t level, gtm_string_t *dictionary,
				   gtm_string_t *strategy)
{
	return open_compressor(argc, buffer_size, width, mode, level, dictionary, strategy, 1);
}

gtm_long_t stdc_lz4s_py_compress_open(gtm_long_t buffer_size, gtm_long_t width,
				      gtm_string_t *mode, gtm_long_t level,
				      gtm_string_t *dictionary, gtm_string_t *strategy)
{
	return open_compressor(6, buffer_size, width, mode, level, dictionary, strategy, 0);
}

/* max_bs: the largest buffer_size (the M entry's: one M string; the bridge's: python-lz4's
 * unsigned int). */
static gtm_long_t open_decompressor(int argc, gtm_long_t buffer_size, gtm_long_t width,
				    gtm_string_t *dictionary, gtm_string_t *strategy,
				    gtm_long_t max_bs)
{
	static const char op[] = "lz4StreamDecompressOpen";
	size_t room;
	enum strategy strat;
	struct lz4s *s;
	gtm_long_t rc;

	if (argc < 1)
		return stdc_fail(STDC_E_BAD_ARGS,
				 "%s: needs (buffer_size[, width, dictionary, strategy])", op);
	if (argc < 2)
		width = 4;
	if ((argc >= 3 && bad_string(dictionary)) || (argc >= 4 && bad_string(strategy)))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: a string argument is unusable", op);
	if ((rc = parse_width(width, op)) != STDC_OK)
		return rc;
	if ((rc = parse_strategy(argc, 4, strategy, &strat, op)) != STDC_OK)
		return rc;
	/* python-lz4 accepts any unsigned int here; for M a chunk is at most one M string */
	if (buffer_size < 0 || buffer_size > max_bs)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: buffer_size %ld is outside 0..%ld", op,
				 (long)buffer_size, (long)max_bs);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a context", op);
	s->strategy = strat;
	s->width = (int)width;
	s->bs = (size_t)buffer_size;
	/* 64 KiB of history, then room for several chunks: the history moves back once a
	 * buffer of output, so the move costs at most 64 KiB per 256 KiB (or 2 chunks).  Past
	 * 1 MiB chunks the room starts at 2 MiB and grows with the chunks (decode). */
	room = 2 * (s->bs < STDC_MAX_STRING ? s->bs : STDC_MAX_STRING);
	s->area = WINDOW + (room > DECODER_ROOM ? room : DECODER_ROOM);
	if ((s->buf = malloc(s->area)) == NULL) {
		room = s->area;
		destroy_decompressor(s);
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a %zu-byte buffer", op, room);
	}
	if (argc >= 3 && dictionary != NULL && dictionary->length > 0) { /* its last 64 KiB */
		size_t dlen = (size_t)dictionary->length < WINDOW ? (size_t)dictionary->length
								   : WINDOW;

		memcpy(s->buf + WINDOW - dlen, dictionary->address + dictionary->length - dlen,
		       dlen);
		s->dict_len = dlen;
	}
	s->hist = WINDOW - s->dict_len;
	s->pos = WINDOW;
	if ((s->st.dec = LZ4_createStreamDecode()) == NULL) {
		destroy_decompressor(s);
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for an LZ4 state", op);
	}
	LZ4_setStreamDecode(s->st.dec, (const char *)s->buf + s->hist, (int)(s->pos - s->hist));
	return stdc_handles_open(&decompressor_kind, s, op);
}

gtm_long_t stdc_lz4s_decompress_open(int argc, gtm_long_t buffer_size, gtm_long_t width,
				     gtm_string_t *dictionary, gtm_string_t *strategy)
{
	return open_decompressor(argc, buffer_size, width, dictionary, strategy, STDC_MAX_STRING);
}

gtm_long_t stdc_lz4s_py_decompress_open(gtm_long_t buffer_size, gtm_long_t width,
					gtm_string_t *dictionary, gtm_string_t *strategy)
{
	return open_decompressor(4, buffer_size, width, dictionary, strategy, 0xffffffffL);
}

/* ---- delivery ---- */

/* Keeps a result too large for the caller's output as this thread's held result (see
 * stdcompress.h): its length is the return value, take/take64k collect it. */
static gtm_long_t hold(struct stdc_thread *t, const unsigned char *src, size_t len)
{
	memcpy(t->staging, src, len);
	t->held = len;
	return (gtm_long_t)len;
}

/* Called before a step that cannot be undone (the stream advances) when its result may not fit
 * the caller's output: the staging buffer that will hold it must exist first. */
static gtm_long_t need_staging(struct stdc_thread *t, const char *op)
{
	if (t->staging == NULL && (t->staging = malloc(STDC_MAX_STRING)) == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for the staging buffer", op);
	return STDC_OK;
}

static gtm_long_t deliver(struct stdc_thread *t, const unsigned char *src, size_t len,
			  gtm_string_t *out, size_t cap)
{
	if (len > cap)
		return hold(t, src, len);
	memcpy(out->address, src, len);
	out->length = (gtm_long_t)len;
	return STDC_OK;
}

/* ---- compression ---- */

/* The texts of python-lz4's errors follow "op: " in every per-chunk failure: the bridge raises
 * them as python-lz4 does (stream.py), and M users read the same. */

/* Compresses in[0..n) into dst, which holds compress_bound(n) + width bytes, as
 * [prefix][block]; *len is its length. */
static gtm_long_t compress_into(struct lz4s *s, const unsigned char *in, size_t n,
				unsigned char *dst, size_t *len, const char *op)
{
	size_t w = (size_t)s->width, bound = compress_bound(n);
	unsigned char *src;
	int clen;

	if (n > s->bs)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: Input too large for LZ4 API", op);
	if (s->strategy == DOUBLE_BUFFER) {
		src = s->buf + s->pos * s->bs;
	} else {
		if (s->pos + n > s->ring)
			s->pos = 0;
		src = s->buf + s->pos;
	}
	if (n > 0)
		memcpy(src, in, n);
	if (s->mode == MODE_HC)
		clen = LZ4_compress_HC_continue(s->st.hc, (const char *)src, (char *)dst + w, (int)n,
						(int)bound);
	else
		clen = LZ4_compress_fast_continue(s->st.fast, (const char *)src, (char *)dst + w,
						  (int)n, (int)bound, s->level);
	if (clen <= 0 || (w > 0 && (unsigned long)clen > width_max(s->width)))
		return stdc_fail(STDC_E_LIBLZ4_FAIL, "%s: Compression failed", op);
	for (size_t i = 0; i < w; i++)
		dst[i] = (unsigned char)((unsigned long)clen >> (8 * i));
	if (s->strategy == DOUBLE_BUFFER)
		s->pos ^= 1;
	else
		s->pos += n;
	*len = (size_t)clen + w;
	return STDC_OK;
}

static gtm_long_t compress_chunk(struct lz4s *s, struct stdc_thread *t, const unsigned char *in,
				 size_t n, gtm_string_t *out, size_t cap, const char *op)
{
	size_t bound = compress_bound(n) + (size_t)s->width, len;
	unsigned char *dst = (unsigned char *)out->address;
	gtm_long_t rc;

	if (compress_bound(s->bs) + (size_t)s->width > STDC_MAX_STRING)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: buffer_size %zu gives blocks over the %d-byte "
				 "string limit (a context of the Python bridge)", op, s->bs,
				 STDC_MAX_STRING);
	if (n <= s->bs && bound > cap) { /* a small tier: via the scratch block, held if need be */
		if (s->scratch == NULL &&
		    (s->scratch = malloc(compress_bound(s->bs) + 4)) == NULL)
			return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a block", op);
		if (need_staging(t, op) != STDC_OK)
			return -STDC_E_NO_MEMORY;
		dst = s->scratch;
	}
	if ((rc = compress_into(s, in, n, dst, &len, op)) != STDC_OK)
		return rc;
	if (dst != s->scratch) { /* straight into the caller's output */
		out->length = (gtm_long_t)len;
		return STDC_OK;
	}
	return deliver(t, dst, len, out, cap);
}

gtm_long_t stdc_lz4s_compress(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t handle)
{
	static const char op[] = "lz4StreamCompress";
	struct stdc_handle_use use;
	struct stdc_thread *t;
	struct stdc_job job;
	struct lz4s *s;
	size_t cap;
	gtm_long_t rc;

	if (argc < 3)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: needs (chunk, .block, handle), got %d "
				 "argument(s)", op, argc);
	if ((rc = stdc_begin(argc, in, out, op, &job, &t, &cap)) != STDC_OK)
		return rc;
	if ((s = stdc_handles_acquire(handle, &compressor_kind, op, &use, &rc)) == NULL)
		return rc;
	rc = compress_chunk(s, t, job.in, job.in_len, out, cap, op);
	stdc_handles_release(&use);
	return rc;
}

/* ---- decompression ---- */

/* Finds the block whose prefix starts at in[offset]: *start its first byte, *blen its
 * length. */
static gtm_long_t locate_block(int w, const unsigned char *in, size_t len, gtm_long_t offset,
			       size_t *start, size_t *blen, const char *op)
{
	size_t left, n = 0;

	if (w == 0)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: LZ4 context is configured for storing block "
				 "size out-of-band", op);
	if (offset < 0 || (size_t)offset > len)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: offset %ld is outside the stream (0..%zu)",
				 op, (long)offset, len);
	left = len - (size_t)offset;
	if (left < (size_t)w)
		return stdc_fail(STDC_E_LIBLZ4_FAIL, "%s: Invalid source, too small for holding any "
				 "block", op);
	for (int i = 0; i < w; i++)
		n |= (size_t)in[(size_t)offset + (size_t)i] << (8 * i);
	if (n > left - (size_t)w) /* python-lz4 prints the length as a signed int */
		return stdc_fail(STDC_E_LIBLZ4_FAIL, "%s: Requested input size (%d) larger than "
				 "source size (%zu)", op, (int)(unsigned int)n, left - (size_t)w);
	*start = (size_t)offset + (size_t)w;
	*blen = n;
	return STDC_OK;
}

/* The prefix width of a decompressor, or -code. */
static gtm_long_t decompressor_width(gtm_long_t handle, const char *op)
{
	struct stdc_handle_use use;
	struct lz4s *s;
	gtm_long_t rc;

	if ((s = stdc_handles_acquire(handle, &decompressor_kind, op, &use, &rc)) == NULL)
		return rc;
	rc = s->width;
	stdc_handles_release(&use);
	return rc;
}

gtm_long_t stdc_lz4s_get_block(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t handle,
			       gtm_long_t offset)
{
	static const char op[] = "lz4StreamGetBlock";
	struct stdc_thread *t;
	struct stdc_job job;
	size_t cap, start, len;
	gtm_long_t rc, w;

	if (argc < 3)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: needs (stream, .block, handle[, offset]), "
				 "got %d argument(s)", op, argc);
	if (argc < 4)
		offset = 0;
	if ((rc = stdc_begin(argc, in, out, op, &job, &t, &cap)) != STDC_OK)
		return rc;
	if ((w = decompressor_width(handle, op)) < 0)
		return w;
	if ((rc = locate_block((int)w, job.in, job.in_len, offset, &start, &len, op)) != STDC_OK)
		return rc;
	if (len > cap && need_staging(t, op) != STDC_OK)
		return -STDC_E_NO_MEMORY;
	return deliver(t, job.in + start, len, out, cap);
}

gtm_long_t stdc_lz4s_py_locate(gtm_long_t handle, const void *in, size_t len,
			       gtm_long_t offset, size_t *start)
{
	static const char op[] = "lz4StreamGetBlock";
	size_t blen = 0;
	gtm_long_t rc, w;

	if ((in == NULL && len > 0) || start == NULL)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: missing stream or start", op);
	if ((w = decompressor_width(handle, op)) < 0)
		return w;
	rc = locate_block((int)w, in, len, offset, start, &blen, op);
	return rc == STDC_OK ? (gtm_long_t)blen : rc;
}

/* Moves the last 64 KiB of history to the start of the buffer. */
static void move_back(struct lz4s *s)
{
	size_t keep = s->pos - s->hist < WINDOW ? s->pos - s->hist : WINDOW;

	memmove(s->buf + WINDOW - keep, s->buf + s->pos - keep, keep);
	s->hist = WINDOW - keep;
	s->pos = WINDOW;
	s->last = 0;
	LZ4_setStreamDecode(s->st.dec, (const char *)s->buf + s->hist, (int)keep);
}

/* Decodes block in[0..n) after the history; *len is the chunk's length, at buf + pos - *len.
 * A chunk is at most buffer_size (and what LZ4 can write): past the buffer's room, LZ4 is
 * given what is left, then the whole room after moving the history back, then twice that
 * (up to buffer_size) until the chunk fits or LZ4 fails with all of buffer_size, as
 * python-lz4's; a failed call leaves the stream as it was (LZ4 keeps its state). */
static gtm_long_t decode(struct lz4s *s, const unsigned char *in, size_t n, size_t *len,
			 const char *op)
{
	size_t full = s->bs < LZ4_MAX_INPUT_SIZE ? s->bs : LZ4_MAX_INPUT_SIZE;
	size_t ib = input_bound(n), room = s->area - WINDOW, cap;
	int r;

	if (n > width_max(s->width))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: Source length (%zu) too large for LZ4 "
				 "store_comp_size (%d) value", op, n, s->width);
	if (ib == 0 || ib > s->bs) /* python-lz4's check (printed as it prints it) */
		return stdc_fail(STDC_E_LIBLZ4_FAIL, "%s: Maximal decompressed data (%d) cannot fit "
				 "in LZ4 internal buffer (%u)", op, (int)(unsigned int)ib,
				 (unsigned int)s->bs);
	if (s->area - s->pos < (full < room / 2 ? full : room / 2))
		move_back(s);
	for (;;) {
		cap = s->area - s->pos < full ? s->area - s->pos : full;
		r = LZ4_decompress_safe_continue(s->st.dec, (const char *)in,
						 (char *)s->buf + s->pos, (int)n, (int)cap);
		if (r >= 0 || cap == full)
			break;
		if (s->pos > WINDOW) {
			move_back(s);
		} else {
			unsigned char *p;

			room = 2 * room < full ? 2 * room : full;
			if ((p = realloc(s->buf, WINDOW + room)) == NULL)
				return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a %zu-byte "
						 "buffer", op, WINDOW + room);
			s->buf = p;
			s->area = WINDOW + room;
			LZ4_setStreamDecode(s->st.dec, (const char *)s->buf + s->hist,
					    (int)(s->pos - s->hist));
		}
	}
	if (r < 0)
		return stdc_fail(STDC_E_LIBLZ4_FAIL, "%s: Decompression failed. error: %d", op, -r);
	s->pos += (size_t)r;
	s->last = (size_t)r;
	*len = (size_t)r;
	return STDC_OK;
}

gtm_long_t stdc_lz4s_decompress(int argc, gtm_string_t *in, gtm_string_t *out,
				gtm_long_t handle)
{
	static const char op[] = "lz4StreamDecompress";
	struct stdc_handle_use use;
	struct stdc_thread *t;
	struct stdc_job job;
	struct lz4s *s;
	size_t cap, len;
	gtm_long_t rc;

	if (argc < 3)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: needs (block, .chunk, handle), got %d "
				 "argument(s)", op, argc);
	if ((rc = stdc_begin(argc, in, out, op, &job, &t, &cap)) != STDC_OK)
		return rc;
	if ((s = stdc_handles_acquire(handle, &decompressor_kind, op, &use, &rc)) == NULL)
		return rc;
	if (s->bs > STDC_MAX_STRING)
		rc = stdc_fail(STDC_E_BAD_ARGS, "%s: buffer_size %zu is over the %d-byte string "
			       "limit (a context of the Python bridge)", op, s->bs, STDC_MAX_STRING);
	else if (s->bs > cap && need_staging(t, op) != STDC_OK)
		rc = -STDC_E_NO_MEMORY;
	else if ((rc = decode(s, job.in, job.in_len, &len, op)) == STDC_OK)
		rc = deliver(t, s->buf + s->pos - len, len, out, cap);
	stdc_handles_release(&use);
	return rc;
}

/* The bridge's per-chunk call: compresses (into out, which must hold the worst case) or
 * decodes (the chunk copied into out when it fits cap); returns the length or -code. */
static gtm_long_t py_chunk(gtm_long_t handle, int compressing, const void *in, size_t len,
			   void *out, size_t cap)
{
	const char *op = compressing ? "lz4StreamCompress" : "lz4StreamDecompress";
	struct stdc_handle_use use;
	struct lz4s *s;
	size_t n = 0;
	gtm_long_t rc;

	if ((in == NULL && len > 0) || (out == NULL && cap > 0))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: missing input or output", op);
	s = stdc_handles_acquire(handle, compressing ? &compressor_kind : &decompressor_kind, op,
				 &use, &rc);
	if (s == NULL)
		return rc;
	if (compressing && len <= s->bs && cap < compress_bound(len) + (size_t)s->width)
		rc = stdc_fail(STDC_E_BAD_ARGS, "%s: an output of %zu bytes, a block may need %zu",
			       op, cap, compress_bound(len) + (size_t)s->width);
	else if ((rc = compressing ? compress_into(s, in, len, out, &n, op)
				   : decode(s, in, len, &n, op)) == STDC_OK)
		rc = (gtm_long_t)n;
	if (rc > 0 && !compressing && n <= cap)
		memcpy(out, s->buf + s->pos - n, n);
	stdc_handles_release(&use);
	return rc;
}

gtm_long_t stdc_lz4s_py_compress(gtm_long_t handle, const void *in, size_t len, void *out,
				  size_t cap)
{
	return py_chunk(handle, 1, in, len, out, cap);
}

gtm_long_t stdc_lz4s_py_decompress(gtm_long_t handle, const void *in, size_t len, void *out,
				    size_t cap)
{
	return py_chunk(handle, 0, in, len, out, cap);
}

gtm_long_t stdc_lz4s_py_result(gtm_long_t handle, void *out, size_t cap)
{
	static const char op[] = "lz4StreamDecompress";
	struct stdc_handle_use use;
	struct lz4s *s;
	gtm_long_t rc;

	if ((s = stdc_handles_acquire(handle, &decompressor_kind, op, &use, &rc)) == NULL)
		return rc;
	if (s->last > cap || (out == NULL && s->last > 0)) {
		rc = stdc_fail(STDC_E_BAD_ARGS, "%s: the last chunk is %zu bytes, the output %zu",
			       op, s->last, cap);
	} else {
		if (s->last > 0)
			memcpy(out, s->buf + s->pos - s->last, s->last);
		rc = (gtm_long_t)s->last;
	}
	stdc_handles_release(&use);
	return rc;
}
