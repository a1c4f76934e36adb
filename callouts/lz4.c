/* lz4.c - LZ4 blocks and LZ4 frames (the lz4(1) format) through liblz4.
 *
 * Levels, one scheme for blocks and frames, as lz4(1) reads its options:
 *   1          LZ4 fast, acceleration 1 (`lz4 -1`, lz4's default; our default)
 *   2          the same as 1 (as `lz4 -2`)
 *   3..12      LZ4HC at that level (`lz4 -3` .. `lz4 -12`)
 *   -1..-65536 LZ4 fast with acceleration N+1 for level -N (`lz4 --fast=N`, what LZ4F does)
 *   0 and anything else: BAD-LEVEL.
 *
 * Block formats:
 *   lz4BlockCompress / lz4BlockDecompress(size): one raw LZ4 block.  The decompressed size is
 *     an argument (0..1 MiB); the block must decode to exactly that many bytes and every input
 *     byte must belong to the block.
 *   lz4Compress / lz4Decompress: a 4-byte little-endian original size, then the raw block (what
 *     python-lz4's lz4.block.compress writes by default, store_size=True).  A prefix over
 *     1 MiB is OUTPUT-TOO-LARGE before anything is decoded or allocated.
 * Frames (lz4FrameCompress / lz4FrameDecompress): we write one frame with the content size
 * (absent for empty input: LZ4F's 0 means "unknown") and the content checksum, no block
 * checksums, one independent block of the smallest block size that holds the input: the bytes
 * `lz4 -N --content-size FILE` writes.  Decompression accepts one or more frames, skippable
 * frames among them, with or without content size and block or content checksums (verified),
 * linked or independent blocks; an empty input is zero frames (empty result), as `lz4 -d`.
 * Bytes that do not form a complete frame are an error.  Legacy frames (`lz4 -l`) are not
 * accepted.  Declared content sizes are hints (over 1 MiB in total: OUTPUT-TOO-LARGE before
 * decoding); LZ4F sizes its own buffers from the frame's block size, at most 4 MiB by format. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lz4.h>
#include <lz4hc.h>

#include "codec.h"

extern const struct stdc_codec stdc_codec_lz4;

enum form { BLOCK, SIZED, FRAME };

static const char *const form_op[][2] = {
	[BLOCK] = {"lz4BlockCompress", "lz4BlockDecompress"},
	[SIZED] = {"lz4Compress", "lz4Decompress"},
	[FRAME] = {"lz4FrameCompress", "lz4FrameDecompress"},
};

#define SIZE_PREFIX 4

/* How large a block entry's content (uncompressed side) and packed side may be: the M string
 * limit for the call-outs; LZ4's own for the Python bridge's entries (liblz4 takes ints). */
struct lz4_limits {
	size_t content, packed;
};
static const struct lz4_limits m_limits = {STDC_MAX_STRING, STDC_MAX_STRING};
static const struct lz4_limits format_limits = {LZ4_MAX_INPUT_SIZE, INT_MAX};

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- blocks ---- */

/* A job with what the block entries add: the form, and for decoders the exact size. */
struct lz4_job {
	struct stdc_job job;
	enum form form;
	size_t size;
};

static int run_block_compress(const struct stdc_job *job, struct stdc_thread *t,
			      unsigned char *dst, size_t cap, size_t *len)
{
	const struct lz4_job *lj = (const struct lz4_job *)job;
	size_t prefix = lj->form == SIZED ? SIZE_PREFIX : 0, n = job->in_len;
	char *out = (char *)dst + prefix;
	int made;

	if (cap < prefix)
		return STDC_NOSPACE;
	if (job->level >= LZ4HC_CLEVEL_MIN)
		made = LZ4_compress_HC_extStateHC(t->lz4_hc, (const char *)job->in, out, (int)n,
						  (int)(cap - prefix), job->level);
	else
		made = LZ4_compress_fast_extState(t->lz4_fast, (const char *)job->in, out, (int)n,
						  (int)(cap - prefix),
						  job->level < 0 ? 1 - job->level : 1);
	if (made <= 0)
		return STDC_NOSPACE; /* the only way a valid call fails: the output is full */
	if (prefix) { /* the original size, 4 bytes little-endian */
		dst[0] = (unsigned char)n;
		dst[1] = (unsigned char)(n >> 8);
		dst[2] = (unsigned char)(n >> 16);
		dst[3] = (unsigned char)(n >> 24);
	}
	*len = prefix + (size_t)made;
	return STDC_OK;
}

/* Checks the level (before any work), as every compressing entry does. */

static gtm_long_t block_compress(enum form form, int argc, gtm_string_t *in, gtm_string_t *out,
				 gtm_long_t level, const struct lz4_limits *lim)
{
	const char *op = form_op[form][0];
	struct lz4_job lj = {.job.run = run_block_compress, .form = form};
	struct stdc_thread *t;
	size_t cap;
	gtm_long_t r;

	r = stdc_oneshot_level(&stdc_codec_lz4.oneshot_levels, op, argc, &level);
	if (r != STDC_OK)
		return r;
	r = stdc_begin_within(argc, in, out, op, &lj.job, &t, &cap, lim->content, lim->packed);
	if (r != STDC_OK)
		return r;
	lj.job.level = (int)level;
	if (level >= LZ4HC_CLEVEL_MIN) {
		if (t->lz4_hc == NULL && (t->lz4_hc = malloc((size_t)LZ4_sizeofStateHC())) == NULL)
			return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for an LZ4HC state", op);
	} else if (t->lz4_fast == NULL && (t->lz4_fast = malloc((size_t)LZ4_sizeofState())) == NULL) {
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for an LZ4 state", op);
	}
	lj.job.estimate = (size_t)LZ4_compressBound((int)lj.job.in_len) +
			  (form == SIZED ? SIZE_PREFIX : 0);
	return stdc_deliver(t, &lj.job, out, cap);
}

static int run_block_decompress(const struct stdc_job *job, struct stdc_thread *t,
				unsigned char *dst, size_t cap, size_t *len)
{
	const struct lz4_job *lj = (const struct lz4_job *)job;
	const char *op = form_op[lj->form][1];
	size_t skip = lj->form == SIZED ? SIZE_PREFIX : 0;
	int n;

	(void)t;
	if (lj->size > cap)
		return STDC_NOSPACE;
	/* The whole input must be the block: LZ4_decompress_safe fails on bytes after the last
	 * sequence, and on output past the capacity, which is the declared size. */
	n = LZ4_decompress_safe((const char *)job->in + skip, (char *)dst, (int)(job->in_len - skip),
				(int)lj->size);
	if (n < 0)
		return (int)stdc_fail(STDC_E_LIBLZ4_FAIL,
				      "%s: corrupt or truncated block, trailing bytes, or more than "
				      "the %zu bytes declared (at input byte %zu)",
				      op, lj->size, (size_t)-(n + 1) + skip);
	if ((size_t)n != lj->size)
		return (int)stdc_fail(STDC_E_LIBLZ4_FAIL,
				      "%s: the block decodes to %d bytes, not the %zu declared", op, n,
				      lj->size);
	*len = (size_t)n;
	return STDC_OK;
}

static gtm_long_t block_decompress(enum form form, int argc, gtm_string_t *in, gtm_string_t *out,
				   gtm_long_t size, const struct lz4_limits *lim)
{
	const char *op = form_op[form][1];
	struct lz4_job lj = {.job.run = run_block_decompress, .form = form};
	struct stdc_thread *t;
	size_t cap;
	gtm_long_t r;

	r = stdc_begin_within(argc, in, out, op, &lj.job, &t, &cap, lim->packed, lim->content);
	if (r != STDC_OK)
		return r;
	if (form == BLOCK && argc < 3)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: needs (input, .output, size), got %d argument(s)",
				 op, argc);
	if (form == SIZED) {
		if (lj.job.in_len < SIZE_PREFIX)
			return stdc_fail(STDC_E_LIBLZ4_FAIL,
					 "%s: %zu byte(s) are too few for the 4-byte size prefix", op,
					 lj.job.in_len);
		size = (gtm_long_t)le32(lj.job.in);
	}
	/* Checked before anything is decoded: the size is never an allocation size. */
	if (size < 0)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: size %ld is negative", op, (long)size);
	if ((size_t)size > lim->content)
		return stdc_fail(STDC_E_OUTPUT_TOO_LARGE, "%s: %s %ld bytes, over the %zu-byte limit",
				 op, form == SIZED ? "the size prefix declares" : "size",
				 (long)size, lim->content);
	lj.size = (size_t)size;
	lj.job.estimate = lj.size;
	return stdc_deliver(t, &lj.job, out, cap);
}

gtm_long_t stdc_lz4_block_compress(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return block_compress(BLOCK, argc, in, out, level, &m_limits);
}

gtm_long_t stdc_lz4_block_decompress(int argc, gtm_string_t *in, gtm_string_t *out,
				     gtm_long_t size)
{
	return block_decompress(BLOCK, argc, in, out, size, &m_limits);
}

gtm_long_t stdc_lz4_compress(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return block_compress(SIZED, argc, in, out, level, &m_limits);
}

gtm_long_t stdc_lz4_decompress(int argc, gtm_string_t *in, gtm_string_t *out)
{
	return block_decompress(SIZED, argc, in, out, 0, &m_limits);
}

/* The Python bridge's block entries: the call-outs' code with LZ4's own limits. */
gtm_long_t stdc_lz4_py_block(int decode, int sized, const void *in, size_t len, void *out,
			     size_t cap, gtm_long_t arg)
{
	enum form form = sized ? SIZED : BLOCK;
	gtm_string_t i = {(gtm_long_t)(len <= LONG_MAX ? len : LONG_MAX), (char *)(uintptr_t)in};
	gtm_string_t o = {(gtm_long_t)(cap <= LONG_MAX ? cap : LONG_MAX), out};
	gtm_long_t r;

	if ((len > 0 && in == NULL) || out == NULL)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: missing input or output",
				 form_op[form][decode ? 1 : 0]);
	r = decode ? block_decompress(form, 3, &i, &o, arg, &format_limits)
		   : block_compress(form, 3, &i, &o, arg, &format_limits);
	if (r > 0) /* held: the caller's output is smaller than the result */
		return stdc_fail(STDC_E_OUTPUT_TOO_LARGE, "%s: the result does not fit the %zu-byte "
				 "output", form_op[form][decode ? 1 : 0], cap);
	return r < 0 ? r : o.length;
}

/* ---- frames ---- */

/* The preferences LZ4F_compressFrame would use for `lz4 -N --content-size` on this input:
 * the smallest block size holding it all, so one independent block. */
static LZ4F_preferences_t frame_prefs(size_t n, int level)
{
	LZ4F_preferences_t p;

	memset(&p, 0, sizeof(p));
	p.frameInfo.blockSizeID = n <= 64 * 1024 ? LZ4F_max64KB
				  : n <= 256 * 1024 ? LZ4F_max256KB : LZ4F_max1MB;
	p.frameInfo.blockMode = LZ4F_blockIndependent;
	p.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
	p.frameInfo.blockChecksumFlag = LZ4F_noBlockChecksum;
	p.frameInfo.contentSize = n; /* 0: no content size field */
	p.compressionLevel = level;
	p.autoFlush = 1;
	return p;
}

static int frame_error(const char *op, size_t r)
{
	const char *name = LZ4F_getErrorName(r);

	if (strstr(name, "allocation") != NULL)
		return (int)stdc_fail(STDC_E_NO_MEMORY, "%s: %s", op, name);
	return (int)stdc_fail(STDC_E_LIBLZ4_FAIL, "%s: %s", op, name);
}

/* Writes the frame into dst, which holds at least LZ4F_compressFrameBound bytes. */
static int frame_write(struct stdc_thread *t, const struct stdc_job *job,
		       const LZ4F_preferences_t *prefs, unsigned char *dst, size_t cap, size_t *len)
{
	const char *op = form_op[FRAME][0];
	size_t pos, r;

	r = LZ4F_compressBegin(t->lz4f_c, dst, cap, prefs);
	if (LZ4F_isError(r))
		return frame_error(op, r);
	pos = r;
	r = LZ4F_compressUpdate(t->lz4f_c, dst + pos, cap - pos, job->in, job->in_len, NULL);
	if (LZ4F_isError(r))
		return frame_error(op, r);
	pos += r;
	r = LZ4F_compressEnd(t->lz4f_c, dst + pos, cap - pos, NULL);
	if (LZ4F_isError(r))
		return frame_error(op, r);
	*len = pos + r;
	return STDC_OK;
}

static int run_frame_compress(const struct stdc_job *job, struct stdc_thread *t,
			      unsigned char *dst, size_t cap, size_t *len)
{
	LZ4F_preferences_t prefs = frame_prefs(job->in_len, job->level);
	size_t bound = LZ4F_compressFrameBound(job->in_len, &prefs);
	int r;

	if (cap >= bound)
		return frame_write(t, job, &prefs, dst, cap, len);
	/* LZ4F needs room for the worst case; the result may still fit `cap` (an input near
	 * 1 MiB into the 1 MiB output): compress into a buffer of the bound, then copy. */
	if (t->lz4f_bounce_len < bound) {
		free(t->lz4f_bounce);
		t->lz4f_bounce_len = 0;
		if ((t->lz4f_bounce = malloc(bound)) == NULL)
			return (int)stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for %zu bytes",
					      form_op[FRAME][0], bound);
		t->lz4f_bounce_len = bound;
	}
	r = frame_write(t, job, &prefs, t->lz4f_bounce, bound, len);
	if (r != STDC_OK)
		return r;
	if (*len > cap)
		return STDC_NOSPACE;
	memcpy(dst, t->lz4f_bounce, *len);
	return STDC_OK;
}

/* Makes this thread's frame compression (or decompression) context if it has none yet:
 * STDC_OK, or NO-MEMORY recorded for op. */
static gtm_long_t frame_contexts(struct stdc_thread *t, int decompress, const char *op)
{
	size_t r = 0;

	if (decompress && t->lz4f_d == NULL)
		r = LZ4F_createDecompressionContext(&t->lz4f_d, LZ4F_VERSION);
	else if (!decompress && t->lz4f_c == NULL)
		r = LZ4F_createCompressionContext(&t->lz4f_c, LZ4F_VERSION);
	if (!LZ4F_isError(r))
		return STDC_OK;
	if (decompress)
		t->lz4f_d = NULL;
	else
		t->lz4f_c = NULL;
	return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a context", op);
}

/* This thread's compression context, and the estimate: the frame's bound at the level. */
static gtm_long_t frame_before_encode(struct stdc_job *job, struct stdc_thread *t,
				      const char *op)
{
	LZ4F_preferences_t prefs;

	if (frame_contexts(t, 0, op) != STDC_OK)
		return -STDC_E_NO_MEMORY;
	prefs = frame_prefs(job->in_len, job->level);
	job->estimate = LZ4F_compressFrameBound(job->in_len, &prefs);
	return STDC_OK;
}

gtm_long_t stdc_lz4_frame_compress(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level)
{
	return stdc_oneshot_compress(&stdc_codec_lz4, argc, in, out, level);
}

/* The total content size the frames declare: a walk over frame headers and block sizes only.
 * STDC_UNKNOWN when a frame does not declare it or the input is not a sequence of whole frames
 * (the decoder then says what is wrong); at least STDC_MAX_STRING + 1 when over the limit. */
static size_t declared_size(const unsigned char *p, size_t n)
{
	size_t total = 0;

	while (n > 0) {
		uint32_t magic;
		unsigned flg;
		size_t pos;

		if (n < 8)
			return STDC_UNKNOWN;
		magic = le32(p);
		if ((magic & 0xFFFFFFF0u) == LZ4F_MAGIC_SKIPPABLE_START) {
			size_t skip = le32(p + 4);

			if (skip > n - 8)
				return STDC_UNKNOWN;
			p += 8 + skip;
			n -= 8 + skip;
			continue;
		}
		if (magic != LZ4F_MAGICNUMBER)
			return STDC_UNKNOWN;
		flg = p[4];
		if (!(flg & 0x08) || n < 15)
			return STDC_UNKNOWN; /* no content size */
		total += (size_t)le32(p + 6) | (size_t)le32(p + 10) << 32;
		if (le32(p + 10) != 0 || total > STDC_MAX_STRING)
			return (size_t)STDC_MAX_STRING + 1;
		pos = 15 + (flg & 0x01 ? 4 : 0); /* magic FLG BD size [dictID] HC */
		for (;;) {
			uint32_t block;

			if (n < pos + 4)
				return STDC_UNKNOWN;
			block = le32(p + pos) & 0x7FFFFFFFu;
			pos += 4;
			if (block == 0)
				break;
			block += flg & 0x10 ? 4 : 0; /* block checksum */
			if (block > n - pos)
				return STDC_UNKNOWN;
			pos += block;
		}
		pos += flg & 0x04 ? 4 : 0; /* content checksum */
		if (pos > n)
			return STDC_UNKNOWN;
		p += pos;
		n -= pos;
	}
	return total;
}

#define LZ4_LEGACY_MAGIC 0x184C2102u /* `lz4 -l`: a format LZ4F does not read */

/* At a frame boundary with input left: STDC_OK if it starts like a frame, else the failure. */
static int check_next_frame(const unsigned char *p, size_t n, size_t frames)
{
	const char *op = form_op[FRAME][1];
	uint32_t magic = n >= 4 ? le32(p) : 0;

	if (magic == LZ4F_MAGICNUMBER || (magic & 0xFFFFFFF0u) == LZ4F_MAGIC_SKIPPABLE_START)
		return STDC_OK;
	if (frames > 0)
		return (int)stdc_fail(STDC_E_LIBLZ4_FAIL,
				      "%s: %zu trailing byte(s) after frame %zu are not a frame", op, n,
				      frames);
	if (magic == LZ4_LEGACY_MAGIC)
		return (int)stdc_fail(STDC_E_LIBLZ4_FAIL,
				      "%s: a legacy frame (lz4 -l), which is not supported", op);
	return (int)stdc_fail(STDC_E_LIBLZ4_FAIL, "%s: not an LZ4 frame", op);
}

static int run_frame_decompress(const struct stdc_job *job, struct stdc_thread *t,
				unsigned char *dst, size_t cap, size_t *len)
{
	const char *op = form_op[FRAME][1];
	LZ4F_decompressOptions_t opts;
	size_t in_pos = 0, out_pos = 0, frames = 0, frame_start = 0;
	int at_boundary = 1; /* between frames: the input may end here */

	memset(&opts, 0, sizeof(opts));
	opts.stableDst = 1; /* dst holds everything decoded so far, unmoved, until we return */
	LZ4F_resetDecompressionContext(t->lz4f_d);
	while (!(at_boundary && in_pos == job->in_len)) {
		size_t src_len = job->in_len - in_pos, made = cap - out_pos, r;

		if (at_boundary) {
			int bad = check_next_frame(job->in + in_pos, src_len, frames);

			if (bad != STDC_OK)
				return bad;
			frame_start = in_pos;
		}
		r = LZ4F_decompress(t->lz4f_d, dst + out_pos, &made, job->in + in_pos, &src_len,
				    &opts);
		if (LZ4F_isError(r))
			return (int)stdc_fail(STDC_E_LIBLZ4_FAIL,
					      "%s: %s in frame %zu (from input byte %zu)", op,
					      LZ4F_getErrorName(r), frames + 1, frame_start);
		in_pos += src_len;
		out_pos += made;
		if (r == 0) { /* a frame (or a skippable frame) ended exactly here */
			at_boundary = 1;
			frames++;
			continue;
		}
		at_boundary = 0;
		if (src_len == 0 && made == 0) { /* no progress: output full or input exhausted */
			if (out_pos == cap)
				return STDC_NOSPACE;
			return (int)stdc_fail(STDC_E_LIBLZ4_FAIL,
					      "%s: truncated: the input ends inside frame %zu", op,
					      frames + 1);
		}
	}
	*len = out_pos;
	return STDC_OK;
}

/* Zero frames are an empty result; declared sizes choose where to decode, they never size an
 * allocation. */
static gtm_long_t frame_before_decode(struct stdc_job *job, struct stdc_thread *t,
				      const char *op)
{
	size_t size;

	if (job->in_len == 0)
		return STDC_ONESHOT_DONE;
	if (frame_contexts(t, 1, op) != STDC_OK)
		return -STDC_E_NO_MEMORY;
	size = declared_size(job->in, job->in_len);
	if (size != STDC_UNKNOWN && size > STDC_MAX_STRING)
		return stdc_fail(STDC_E_OUTPUT_TOO_LARGE, "%s: frames declare over the %d-byte limit",
				 op, STDC_MAX_STRING);
	job->estimate = size;
	return STDC_OK;
}

gtm_long_t stdc_lz4_frame_decompress(int argc, gtm_string_t *in, gtm_string_t *out)
{
	return stdc_oneshot_decompress(&stdc_codec_lz4, argc, in, out);
}

/* ---- streams: LZ4 frames through LZ4F ---- */

#define LZ4_PIECE 65536 /* input per LZ4F_compressUpdate: one 64 KiB block */

struct lz4_stream {
	LZ4F_cctx *lc;
	LZ4F_dctx *ld;
	struct stdc_pending ob; /* compressor: output made that the caller has yet to take */
	int tail_done;          /* compressor: the flush or end asked was made */
};

static void lz4_stream_end(void *state)
{
	struct lz4_stream *ls = state;

	LZ4F_freeCompressionContext(ls->lc);
	LZ4F_freeDecompressionContext(ls->ld);
	free(ls->ob.buf);
	free(ls);
}

static gtm_long_t lz4_stream_begin(const struct stdc_stream_params *p, void **state,
				   const char *op)
{
	struct lz4_stream *ls = calloc(1, sizeof(*ls));
	LZ4F_preferences_t prefs;
	size_t r;

	if (ls == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for an LZ4 frame context", op);
	*state = ls; /* stream.c frees it on failure too */
	if (!p->compress) {
		if (LZ4F_isError(LZ4F_createDecompressionContext(&ls->ld, LZ4F_VERSION)))
			return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for an LZ4 frame context",
					 op);
		return STDC_OK;
	}
	memset(&prefs, 0, sizeof(prefs));
	prefs.frameInfo.blockSizeID = LZ4F_max64KB;
	prefs.frameInfo.blockMode = LZ4F_blockLinked;
	prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
	prefs.compressionLevel = p->level;
	r = LZ4F_createCompressionContext(&ls->lc, LZ4F_VERSION);
	ls->ob.cap = LZ4F_compressBound(LZ4_PIECE, &prefs) + LZ4F_HEADER_SIZE_MAX;
	if (LZ4F_isError(r) || (ls->ob.buf = malloc(ls->ob.cap)) == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for an LZ4 frame context", op);
	r = LZ4F_compressBegin(ls->lc, ls->ob.buf, ls->ob.cap, &prefs);
	if (LZ4F_isError(r))
		return stdc_fail(STDC_E_LIBLZ4_FAIL, "%s: %s", op, LZ4F_getErrorName(r));
	ls->ob.len = r; /* the frame header goes out with the first output */
	return STDC_OK;
}

/* LZ4F_compressUpdate wants room for a whole block: straight into the caller's output when
 * that much is left, else into ob, copied out from there as the caller's output allows. */
static gtm_long_t lz4_compress_step(struct lz4_stream *ls, const unsigned char *in, size_t n,
				    size_t *used, unsigned char *dst, size_t cap, size_t *made,
				    enum stdc_action act, int *ended, const char *op)
{
	size_t r, k;
	unsigned char *to;

	*used = *made = 0;
	for (;;) {
		if (ls->ob.pos < ls->ob.len) {
			stdc_pending_out(&ls->ob, dst, cap, made);
			if (ls->ob.pos < ls->ob.len)
				return STDC_OK; /* the caller's output is full */
		}
		ls->ob.pos = ls->ob.len = 0;
		to = cap - *made >= ls->ob.cap ? dst + *made : ls->ob.buf; /* ob.cap bounds a step */
		if (*used < n) {
			k = n - *used < LZ4_PIECE ? n - *used : LZ4_PIECE;
			r = LZ4F_compressUpdate(ls->lc, to, ls->ob.cap, in + *used, k, NULL);
			*used += k;
		} else if (act != STDC_ACT_NONE && !ls->tail_done) {
			r = act == STDC_ACT_END ? LZ4F_compressEnd(ls->lc, to, ls->ob.cap, NULL)
						: LZ4F_flush(ls->lc, to, ls->ob.cap, NULL);
			ls->tail_done = 1;
		} else {
			/* The action asked is complete: the next one makes its own tail. */
			*ended = act != STDC_ACT_NONE;
			ls->tail_done = 0;
			return STDC_OK;
		}
		if (LZ4F_isError(r))
			return stdc_fail(STDC_E_LIBLZ4_FAIL, "%s: %s", op, LZ4F_getErrorName(r));
		if (to == ls->ob.buf)
			ls->ob.len = r;
		else
			*made += r;
	}
}

static gtm_long_t lz4_stream_step(void *state, const unsigned char *in, size_t n, size_t *used,
				  unsigned char *dst, size_t cap, size_t *made,
				  enum stdc_action act, int *ended, const char *op)
{
	struct lz4_stream *ls = state;
	size_t dsz = cap, ssz = n, r;

	if (ls->lc != NULL)
		return lz4_compress_step(ls, in, n, used, dst, cap, made, act, ended, op);
	r = LZ4F_decompress(ls->ld, dst, &dsz, in, &ssz, NULL);
	*used = ssz;
	*made = dsz;
	if (LZ4F_isError(r))
		return stdc_fail(STDC_E_LIBLZ4_FAIL, "%s: lz4 data (%s)", op, LZ4F_getErrorName(r));
	*ended = r == 0;
	return STDC_OK;
}

/* LZ4 frames and skippable frames may follow one another; LZ4F starts the next by itself. */
static int lz4_starts_another(const unsigned char *b, size_t n)
{
	return stdc_could_begin(b, n, "\x04\x22\x4d\x18", 4) || stdc_skippable_could_begin(b, n);
}

/* ---- batches: raw LZ4 blocks, each decoded to exactly its given size ---- */

static size_t lz4_bound(size_t n)
{
	return (size_t)LZ4_compressBound((int)n);
}

static int lz4_encode(struct stdc_thread *t, int level, const void *dict,
		      const unsigned char *src, size_t n, unsigned char *dst, size_t cap,
		      size_t *len, char *msg, size_t msg_len)
{
	int made;

	(void)dict, (void)msg, (void)msg_len;
	if (level >= LZ4HC_CLEVEL_MIN)
		made = LZ4_compress_HC_extStateHC(t->lz4_hc, (const char *)src, (char *)dst, (int)n,
						  (int)cap, level);
	else
		made = LZ4_compress_fast_extState(t->lz4_fast, (const char *)src, (char *)dst,
						  (int)n, (int)cap, level < 0 ? 1 - level : 1);
	if (made <= 0)
		return STDC_NOSPACE;
	*len = (size_t)made;
	return STDC_OK;
}

static int lz4_decode(struct stdc_thread *t, const void *dict, const unsigned char *src,
		      size_t n, unsigned char *dst, size_t cap, size_t *len, char *msg,
		      size_t msg_len)
{
	/* Every input byte part of the block; batch.c checks the size. */
	int made = LZ4_decompress_safe((const char *)src, (char *)dst, (int)n, (int)cap);

	(void)t, (void)dict;
	if (made < 0) {
		snprintf(msg, msg_len, "corrupt or truncated block, or one that decodes to more "
			 "than %zu bytes", cap);
		return -STDC_E_LIBLZ4_FAIL;
	}
	*len = (size_t)made;
	return STDC_OK;
}

static int lz4_prepare(struct stdc_thread *t, int decompress, int level, const void *dict)
{
	(void)dict;
	if (decompress)
		return 0;
	if (level >= LZ4HC_CLEVEL_MIN)
		return t->lz4_hc != NULL || (t->lz4_hc = malloc((size_t)LZ4_sizeofStateHC())) != NULL
			       ? 0 : -1;
	return t->lz4_fast != NULL || (t->lz4_fast = malloc((size_t)LZ4_sizeofState())) != NULL
		       ? 0 : -1;
}

static void lz4_thread_free(struct stdc_thread *t)
{
	free(t->lz4_fast);
	free(t->lz4_hc);
	LZ4F_freeCompressionContext(t->lz4f_c);
	LZ4F_freeDecompressionContext(t->lz4f_d);
	free(t->lz4f_bounce);
	t->lz4_fast = t->lz4_hc = NULL;
	t->lz4f_c = NULL;
	t->lz4f_d = NULL;
	t->lz4f_bounce = NULL;
}

static int lz4_usable(void)
{
	return LZ4_versionNumber() / 10000 == LZ4_VERSION_MAJOR;
}

const struct stdc_codec stdc_codec_lz4 = {
	.name = "lz4",
	.error = STDC_E_LIBLZ4_FAIL,
	.level_min = STDC_LZ4_LEVEL_MIN,
	.level_max = STDC_LZ4_LEVEL_MAX,
	.level_default = STDC_LZ4_LEVEL_DEFAULT,
	.level_word = "level",
	.oneshot_levels = {STDC_LZ4_LEVEL_MIN, STDC_LZ4_LEVEL_MAX, STDC_LZ4_LEVEL_DEFAULT,
			   .no_zero = 1},
	.oneshot_compress = {"lz4FrameCompress", run_frame_compress, NULL, frame_before_encode},
	.oneshot_decompress = {"lz4FrameDecompress", run_frame_decompress, NULL,
			       frame_before_decode},
	.stream_begin = lz4_stream_begin,
	.stream_step = lz4_stream_step,
	.stream_end = lz4_stream_end,
	.starts_another = lz4_starts_another,
	.bound = lz4_bound,
	.encode = lz4_encode,
	.decode = lz4_decode,
	.prepare = lz4_prepare,
	.exact_size = 1,
	.needs_sizes = 1,
	.thread_free = lz4_thread_free,
	.libraries = STDC_LIBRARIES({"liblz4", LZ4_versionString, lz4_usable}),
	.limits = STDC_LIMITS(STDC_LIMIT("lz4_level_min", STDC_LZ4_LEVEL_MIN),
		STDC_LIMIT("lz4_level_max", STDC_LZ4_LEVEL_MAX),
		STDC_LIMIT("lz4_level_default", STDC_LZ4_LEVEL_DEFAULT)),
};
