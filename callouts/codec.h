/* codec.h - one descriptor per codec, under the generic mechanisms.
 *
 * Each codec file fills one `struct stdc_codec` with its name, error code, levels and
 * callbacks: the one-shot entries (oneshot.c: levels, run, estimate), streams (stream.c),
 * batches (batch.c), dictionaries (dict.c), and its libraries and limits for versions(),
 * available() and limits() (core.c).  codecs.c lists the descriptors; the generic layers
 * work through them and know no codec by name.  A callback left NULL means the codec lacks
 * that mechanism (brotli has no batches) or that part of it (no dictionaries).  Adding a
 * codec: docs/adding-a-codec.md. */
#ifndef STDC_CODEC_H
#define STDC_CODEC_H

#include <stddef.h>
#include <string.h>

#include "core.h"

/* What a stream step is asked to finish: nothing (more input follows), a flush, the end. */
enum stdc_action { STDC_ACT_NONE, STDC_ACT_FLUSH, STDC_ACT_END };

/* How a stream was opened, checked by stream.c against the codec's flags before begin. */
struct stdc_stream_params {
	int compress;                /* 1: compressor, 0: decompressor */
	int level;                   /* compressors: in the codec's range, default applied */
	int workers;                 /* 0 unless the codec has stream_workers */
	int frame;                   /* STDC_ZSTD_NO_* bits, 0 unless the codec has frame_options */
	long long size;              /* the pledged total input, -1 unless pledged_size */
	const gtm_string_t *dict;    /* NULL unless the codec has dictionaries */
};

/* A library a codec links, as versions() and available() name it. */
struct stdc_library {
	const char *name;                                /* "libzstd" */
	const char *(*version)(void);                    /* its version, as it says it */
	int (*usable)(void); /* is the loaded library of the major version we were built with? */
};

/* One "key=value" pair of limits(): value, or what get says at run time (libzstd's range). */
struct stdc_limit {
	const char *key;
	long value;
	int (*get)(void);
};
#define STDC_LIMIT(k, v) {.key = (k), .value = (v)}
#define STDC_LIMIT_GET(k, f) {.key = (k), .get = (f)}
#define STDC_END {0} /* ends a list of libraries or limits */
/* A descriptor's list of libraries or of limits, ended for it. */
#define STDC_LIBRARIES(...) ((const struct stdc_library[]){__VA_ARGS__, STDC_END})
#define STDC_LIMITS(...) ((const struct stdc_limit[]){__VA_ARGS__, STDC_END})

/* One stream step over in[0..n) into dst[0..cap): sets *used and *made; sets *ended when a
 * decompressor reached the end of a member or frame, or a compressor finished the flush or
 * end asked.  Returns STDC_OK, or -code having recorded the failure with stdc_fail. */
typedef gtm_long_t stdc_stream_step_fn(void *state, const unsigned char *in, size_t n,
				       size_t *used, unsigned char *dst, size_t cap, size_t *made,
				       enum stdc_action act, int *ended, const char *op);

/* The one-shot entries' levels (oneshot.c): the range, the default when the level is omitted,
 * 0 excluded (zstd, LZ4: "min..-1, 1..max"), and a note ending the message (xz's extreme
 * presets). */
struct stdc_levels {
	int min, max, dflt;
	unsigned no_zero : 1;
	const char *note;
};

/* One direction of the one-shot entries (oneshot.c).  before (NULL: none) runs after the
 * argument checks, with job->estimate set: the codec's own checks and contexts; it returns
 * STDC_OK to go on, STDC_ONESHOT_DONE when the (empty) result is complete, or -code recorded. */
#define STDC_ONESHOT_DONE 1
#define STDC_STR_(x) #x
#define STDC_STR(x) STDC_STR_(x) /* a number's macro as a string literal, for messages */
struct stdc_oneshot {
	const char *op;              /* the entry's name in messages: "xzCompress" */
	int (*run)(const struct stdc_job *job, struct stdc_thread *t, unsigned char *dst,
		   size_t cap, size_t *len);
	size_t (*estimate)(size_t n); /* of the result of n bytes (core.h); NULL: STDC_UNKNOWN */
	gtm_long_t (*before)(struct stdc_job *job, struct stdc_thread *t, const char *op);
	int variant;                 /* the job's variant (a family's member: deflate.c's format) */
};

struct stdc_codec {
	const char *name;            /* as M and Python name it: "gzip", "zstd", ... */
	enum stdc_code error;        /* its STDC_E_LIB*_FAIL */
	/* streams and batches: the range, and the default an omitted level (STDC_LEVEL_OMITTED)
	 * takes; so does 0, unless level_zero (0 is a level of its own: xz -0) */
	int level_min, level_max, level_default;
	unsigned level_zero : 1;
	const char *level_word;      /* "level", or brotli's "quality" */

	/* ---- the one-shot entries (oneshot.c): NULL runs where the codec's entries keep their
	 * own code (they may still check levels with stdc_oneshot_level) ---- */
	struct stdc_levels oneshot_levels;
	struct stdc_oneshot oneshot_compress, oneshot_decompress;

	/* ---- streams (stream.c) ---- */
	/* Makes the codec's state for a stream (*state), or returns -code having recorded why;
	 * a state it set before failing is freed with stream_end. */
	gtm_long_t (*stream_begin)(const struct stdc_stream_params *p, void **state,
				   const char *op);
	stdc_stream_step_fn *stream_step;
	void (*stream_end)(void *state); /* frees the state (NULL: nothing) */
	/* Could b[0..n) (n > 0) begin another member or frame after an end?  NULL: never. */
	int (*starts_another)(const unsigned char *b, size_t n);
	/* Readies a decompressor for that next member (NULL: the codec does it by itself);
	 * STDC_OK or -code recorded. */
	gtm_long_t (*stream_again)(void *state, const char *op);
	unsigned stream_workers : 1; /* compressors may run libzstd-style worker threads */
	unsigned frame_options : 1;  /* compressors take STDC_ZSTD_NO_* frame options */
	unsigned pledged_size : 1;   /* compressors take the total input size */

	/* ---- batches (batch.c): one item into a caller's buffer, on any thread ----
	 * encode / decode return STDC_OK (*len set), STDC_NOSPACE, or -code with the reason in
	 * msg; they record nothing thread-local.  `dict` is what dict_get gave, or NULL. */
	size_t (*bound)(size_t n); /* the most encode writes for n bytes at any level */
	int (*encode)(struct stdc_thread *t, int level, const void *dict, const unsigned char *src,
		      size_t n, unsigned char *dst, size_t cap, size_t *len, char *msg,
		      size_t msg_len);
	int (*decode)(struct stdc_thread *t, const void *dict, const unsigned char *src, size_t n,
		      unsigned char *dst, size_t cap, size_t *len, char *msg, size_t msg_len);
	/* Per-thread contexts: makes what encode/decode need in t for this call's parameters
	 * (pooled contexts carry nothing between calls).  0, or -1 when out of memory. */
	int (*prepare)(struct stdc_thread *t, int decompress, int level, const void *dict);
	/* The decoded size an item declares: 1 (*size set), 0 (it does not say), -1 (not an
	 * item of this codec).  NULL: items never declare it. */
	int (*declared_size)(const unsigned char *src, size_t n, unsigned long long *size);
	unsigned exact_size : 1;     /* a decoded item must be exactly its size */
	unsigned needs_sizes : 1;    /* decoders cannot run without the sizes (lz4 blocks) */

	/* ---- dictionaries (dict.c's cache) ----
	 * This thread's compiled form of `dict` for a compressor at `level` or a decompressor
	 * (*compiled), STDC_OK or -code recorded.  NULL: the codec takes no dictionary. */
	gtm_long_t (*dict_get)(struct stdc_thread *t, const gtm_string_t *dict, int level,
			       int decompress, const char *op, const void **compiled);

	/* ---- per-thread state (core.c) ---- */
	void (*thread_free)(struct stdc_thread *t); /* frees the codec's part of t (NULL: none) */

	/* ---- the informational entries (core.c), in the registry's order ----
	 * Arrays ended by a NULL name or key; NULL: none.  A codec sharing another's libraries
	 * and limits (deflate and zlib: gzip's) leaves them NULL.  limits() lists every codec's
	 * `limits`, then the streams' own, then every codec's `limits_later` (pairs added after
	 * the streams': the text keeps its order). */
	const struct stdc_library *libraries;
	const struct stdc_limit *limits, *limits_later;
};

/* ---- the registry (codecs.c) ---- */

extern const struct stdc_codec *const stdc_codecs[];
extern const size_t stdc_codec_count;

/* The codec named name[0..len), or NULL. */
const struct stdc_codec *stdc_codec_find(const char *name, size_t len);
enum stdc_mechanism { STDC_STREAMS, STDC_BATCHES };
/* Does codec c have that mechanism? */
int stdc_codec_has(const struct stdc_codec *c, enum stdc_mechanism m);
/* "a, b or c": the names of the codecs that have mechanism m, for messages, in buf[0..size). */
const char *stdc_codec_names(enum stdc_mechanism m, char *buf, size_t size);
/* Records BAD-ARGS "op: what a, b or c" naming the codecs with mechanism m.  Out of line, so
 * that the callers' frames stay small: GT.M keeps its call-out arguments close below them. */
gtm_long_t stdc_codec_unknown(enum stdc_mechanism m, const char *op, const char *what);
/* An omitted level (STDC_LEVEL_OMITTED), or 0 unless the codec has level_zero, becomes the
 * codec's default; then STDC_OK, or BAD-LEVEL recorded for op. */
gtm_long_t stdc_codec_level(const struct stdc_codec *c, const char *op, gtm_long_t *level);

/* ---- the one-shot entries (oneshot.c) ---- */

/* data, .out[, level] through the descriptor's oneshot_levels and oneshot_compress. */
gtm_long_t stdc_oneshot_compress(const struct stdc_codec *c, int argc, gtm_string_t *in,
				 gtm_string_t *out, gtm_long_t level);
/* data, .out through oneshot_decompress. */
gtm_long_t stdc_oneshot_decompress(const struct stdc_codec *c, int argc, gtm_string_t *in,
				   gtm_string_t *out);
/* An omitted level (argc < 3) becomes l's default; then STDC_OK, or BAD-LEVEL recorded for op
 * ("op: level N is outside min..max" and the note). */
gtm_long_t stdc_oneshot_level(const struct stdc_levels *l, const char *op, int argc,
			      gtm_long_t *level);

/* ---- helpers the codec files share ---- */

/* Output a codec made that the caller has yet to take (LZ4F blocks, a zstd one-pass frame). */
struct stdc_pending {
	unsigned char *buf;
	size_t pos, len, cap;
};

/* Copies what p holds into dst[*made..cap) as far as it fits. */
static inline void stdc_pending_out(struct stdc_pending *p, unsigned char *dst, size_t cap,
				    size_t *made)
{
	size_t k = p->len - p->pos < cap - *made ? p->len - p->pos : cap - *made;

	memcpy(dst + *made, p->buf + p->pos, k);
	*made += k;
	p->pos += k;
}

/* Could b[0..n) be the start of magic[0..len)? (the bytes there so far agree) */
static inline int stdc_could_begin(const unsigned char *b, size_t n, const char *magic,
				   size_t len)
{
	return memcmp(b, magic, n < len ? n : len) == 0;
}

/* Could b[0..n) (n > 0) begin a skippable frame (zstd's and LZ4's: 0x184D2A5?, LE)? */
static inline int stdc_skippable_could_begin(const unsigned char *b, size_t n)
{
	return (b[0] & 0xf0) == 0x50 && stdc_could_begin(b + 1, n - 1, "\x2a\x4d\x18", 3);
}

#endif
