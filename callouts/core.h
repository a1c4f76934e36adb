/* core.h - what every codec file shares: per-thread state, errors, result delivery. */
#ifndef STDC_CORE_H
#define STDC_CORE_H

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <libdeflate.h>
#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include "stdcompress.h"

#define STDC_VERSION "0.1.0"
#define STDC_UNKNOWN SIZE_MAX        /* an output size that cannot be known before decoding */
#define STDC_NOSPACE (-1)            /* a codec run that ran out of output space */

/* The seed module's range for gzip, deflate and zlib: 1..9, anything else BAD-LEVEL (0, stored,
 * too).  libdeflate's slow, strongest levels 10..12 only through the *Best entries. */
#define STDC_DEFLATE_LEVEL_MIN 1
#define STDC_DEFLATE_LEVEL_MAX 9
#define STDC_DEFLATE_LEVEL_DEFAULT 6
#define STDC_DEFLATE_BEST_MIN 10
#define STDC_DEFLATE_BEST_MAX 12
#define STDC_DEFLATE_BEST_DEFAULT 12
#define STDC_DEFLATE_SMALL_MAX 128   /* deflate.c: items up to this size go through zlib */
#define STDC_ZSTD_LEVEL_DEFAULT 3
/* ZSTD_minCLevel() and ZSTD_maxCLevel() of libzstd 1.4 and later, as constants: the
 * descriptor's static initialiser cannot call them. */
#define STDC_ZSTD_LEVEL_MIN (-(1 << 17))
#define STDC_ZSTD_LEVEL_MAX 22
/* LZ4 (blocks and frames): level N means `lz4 -N`, level -N means `lz4 --fast=N`. */
#define STDC_LZ4_LEVEL_MIN (-65536) /* acceleration 65537, LZ4's maximum */
#define STDC_LZ4_LEVEL_MAX 12       /* LZ4HC_CLEVEL_MAX */
#define STDC_LZ4_LEVEL_DEFAULT 1    /* lz4(1)'s default: LZ4 fast, acceleration 1 */
/* brotli: quality 0..11 and window (lgwin) 10..24; defaults as libbrotli and Python's brotli. */
#define STDC_BROTLI_QUALITY_MIN 0
#define STDC_BROTLI_QUALITY_MAX 11
#define STDC_BROTLI_QUALITY_DEFAULT 11
#define STDC_BROTLI_LGWIN_MIN 10
#define STDC_BROTLI_LGWIN_MAX 24
#define STDC_BROTLI_LGWIN_DEFAULT 22
/* xz: presets 0..9 (xz -0..-9), 10..19 the extreme ones (xz -0e..-9e); default xz's 6.  The
 * decoder's memory limit admits every preset's stream (-9 needs 65 MiB). */
#define STDC_XZ_LEVEL_MIN 0
#define STDC_XZ_LEVEL_MAX 19
#define STDC_XZ_EXTREME_MIN 10
#define STDC_XZ_LEVEL_DEFAULT 6
#define STDC_XZ_DECODER_MEMLIMIT (128 << 20)

/* Per-thread state: codec contexts reused across calls, the staging buffer for results that
 * do not fit a small output tier, and the held result.  Freed at thread and process exit. */
struct stdc_thread {
	struct libdeflate_compressor *deflate_c[STDC_DEFLATE_BEST_MAX + 1]; /* by level */
	z_stream *deflate_small[10]; /* deflate.c's small-item path, by level 1..9 */
	struct libdeflate_decompressor *deflate_d;
	ZSTD_CCtx *zstd_c;
	ZSTD_DCtx *zstd_d;
	/* lz4.c: block compression states (fast, HC), frame contexts, and a buffer for frames
	 * whose worst-case bound exceeds the output given (inputs near 1 MiB) */
	void *lz4_fast;         /* LZ4_sizeofState() bytes */
	void *lz4_hc;           /* LZ4_sizeofStateHC() bytes */
	LZ4F_cctx *lz4f_c;
	LZ4F_dctx *lz4f_d;
	unsigned char *lz4f_bounce;
	size_t lz4f_bounce_len;
	unsigned char *staging; /* STDC_MAX_STRING bytes, allocated on first need */
	size_t held;            /* bytes of a held result in staging, 0 if none */
	struct stdc_dict *dicts; /* dict.c: compiled zstd dictionaries, most recent first */
};

/* One codec call, described for stdc_deliver. */
struct stdc_job {
	const unsigned char *in;
	size_t in_len;
	int level;
	int variant;     /* a family's member (deflate.c: the format), as the codec numbers them */
	size_t estimate; /* an upper bound or a good guess of the result size, or STDC_UNKNOWN */
	/* Writes the result into dst[0..cap).  Returns STDC_OK with *len set, STDC_NOSPACE, or
	 * the negative code of a failure it has already recorded with stdc_fail. */
	int (*run)(const struct stdc_job *job, struct stdc_thread *t, unsigned char *dst,
		   size_t cap, size_t *len);
};

/* Records this thread's last error and returns -code. */
gtm_long_t stdc_fail(enum stdc_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* An optional argument: v when the caller passed it (given), else dflt.  Entries read their
 * stack-passed arguments through these: inlined, the compiler may store dflt into v's stack
 * slot, which is the caller's memory when GT.M passes fewer arguments than the table declares
 * (a 10-parameter entry called from M with 8).  Out of line, the default goes to a register. */
__attribute__((noinline)) gtm_long_t stdc_arg(int given, gtm_long_t v, gtm_long_t dflt);
__attribute__((noinline)) gtm_string_t *stdc_arg_string(int given, gtm_string_t *v);

/* The message of this thread's last failure (stdc_fail's text, without the code). */
const char *stdc_last_message(void);

/* Common entry checks: argc, pointers, input length, output capacity.  On success fills the
 * job's input, sets *t and *cap, empties `out` and drops any held result; else returns -code. */
gtm_long_t stdc_begin(int argc, gtm_string_t *in, gtm_string_t *out, const char *op,
		      struct stdc_job *job, struct stdc_thread **t, size_t *cap);
/* The same with other limits than the M string's: at most in_limit bytes of input, the output
 * capacity cut to out_limit (the Python bridge's entries of any size). */
gtm_long_t stdc_begin_within(int argc, gtm_string_t *in, gtm_string_t *out, const char *op,
			     struct stdc_job *job, struct stdc_thread **t, size_t *cap,
			     size_t in_limit, size_t out_limit);

/* Runs the job into `out` directly when the result should fit, else into the staging buffer,
 * copying it out or holding it (returning its length) when `cap` is too small. */
gtm_long_t stdc_deliver(struct stdc_thread *t, const struct stdc_job *job, gtm_string_t *out,
			size_t cap);

/* Blocks every signal on the calling thread (its mask saved in *old) while it starts threads,
 * ours or libzstd's: they inherit the mask, so they never run the M runtime's handlers
 * (timers, interrupts), which must only ever run on the runtime's own thread. */
void stdc_signals_block(sigset_t *old);
/* Puts back the mask saved by stdc_signals_block. */
void stdc_signals_restore(const sigset_t *old);

/* ---- batches and dictionaries (batch.c, dict.c) ---- */

/* The calling thread's state (created on first use), or NULL when out of memory. */
struct stdc_thread *stdc_thread_get(void);
/* Frees a state and everything it holds (codec contexts, staging, dictionaries). */
void stdc_thread_free(struct stdc_thread *t);

/* zstd.c: a libzstd result in stdc_job.run's terms (dstSize_tooSmall is STDC_NOSPACE). */
int stdc_zstd_result(size_t r, const char *op, size_t *len);
/* This thread's zstd compression context (made on first use, frames with a checksum), or NULL
 * after recording NO-MEMORY for `op`. */
ZSTD_CCtx *stdc_zstd_cctx(struct stdc_thread *t, const char *op);
/* zstd.c: the frame header fields of STDC_ZSTD_NO_* bits `frame` on c (0: all written). */
size_t stdc_zstd_frame(ZSTD_CCtx *c, gtm_long_t frame);

/* dict.c: a compiled dictionary of this thread's cache, found by content (id, length and
 * bytes compared) and compiled on first use; the least recently used beyond
 * STDC_DICT_CACHE are freed.  Returns STDC_OK with *cdict / *ddict set, or -code after
 * recording the failure.  The pointer stays valid until this thread's next lookup. */
#define STDC_DICT_CACHE 8
gtm_long_t stdc_dict_cdict(struct stdc_thread *t, const gtm_string_t *dict, int level,
			   const char *op, const ZSTD_CDict **cdict);
gtm_long_t stdc_dict_ddict(struct stdc_thread *t, const gtm_string_t *dict, const char *op,
			   const ZSTD_DDict **ddict);
void stdc_dict_free_all(struct stdc_thread *t);
/* ---- end of batches and dictionaries ---- */

#endif
