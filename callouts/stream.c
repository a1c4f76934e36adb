/* stream.c - streaming compression and decompression of any length behind handles, in
 * bounded memory, for every codec of codecs.c with stream callbacks (codec.h): the codec's
 * file holds its stream_begin / stream_step / stream_end; this file holds the protocol. *
 * Every call produces at most the output the caller declared (one M string); what does not
 * fit stays inside the codec, or as a copy of the unconsumed input, and the call returns
 * STDC_STREAM_MORE: the caller drains it with streamRead until that returns something else.
 * The protocol, return codes and limits are in stdcompress.h and docs/streaming.md.
 *
 * Decompressors report the end of the stream (STDC_STREAM_END).  Members or frames may follow
 * one another (codecs with starts_another: gzip, zstd, LZ4 frames): after an end, bytes that
 * begin another member (frame) start it;
 * other bytes are kept as the unused data (streamUnused), never dropped.  An optional cap on
 * the total output of a handle stops decompression bombs with OUTPUT-TOO-LARGE. */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "handles.h"

struct stream {
	const struct stdc_codec *codec;
	void *state;           /* the codec's (stream_begin) */
	int compress;          /* 1: compressor, 0: decompressor */
	int level;
	int workers;           /* compressors of codecs with stream_workers (0: none) */
	int options;           /* STDC_ZSTD_NO_* (frame_options), STDC_STREAM_ONE_FRAME */
	long long size;        /* the pledged total input (pledged_size), -1: unknown */
	uint64_t max_output;   /* 0: no cap */
	uint64_t total_in, total_out;
	unsigned char *in;     /* unconsumed input of the last write: in[in_pos..in_len) */
	size_t in_len, in_pos, in_alloc;
	enum stdc_action action; /* the operation the pending output belongs to */
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
	if (s->state != NULL && s->codec->stream_end != NULL)
		s->codec->stream_end(s->state);
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
		 s->codec->name, s->compress ? "c" : "d", s->level, s->workers, s->options,
		 s->size, (unsigned long long)s->max_output, (unsigned long long)s->total_in,
		 (unsigned long long)s->total_out, s->pending, s->eof, s->unused_len);
}

static const struct stdc_handle_kind compressor_kind = {"stream compressor", destroy, describe};
static const struct stdc_handle_kind decompressor_kind = {"stream decompressor", destroy,
							 describe};

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

/* A failure the codec recorded (rc = -code) ends the stream as fail's do. */
static gtm_long_t failed_in_codec(struct stream *s, gtm_long_t rc)
{
	s->failed = (enum stdc_code)-rc;
	snprintf(s->failure, sizeof(s->failure), "%s", stdc_last_message());
	return rc;
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

gtm_long_t stdc_stream_open(int argc, gtm_string_t *codec, gtm_string_t *direction,
			    gtm_long_t level, gtm_long_t max_output, gtm_string_t *dict,
			    gtm_long_t workers_arg, gtm_long_t options_arg, gtm_long_t size_arg)
{
	static const char op[] = "streamOpen";
	/* The stack-passed arguments, only ever copied (see stdc_arg). */
	gtm_long_t workers = stdc_arg(argc >= 6, workers_arg, 0);
	gtm_long_t options = stdc_arg(argc >= 7, options_arg, 0);
	gtm_long_t size = stdc_arg(argc >= 8 && size_arg >= 0, size_arg, -1);
	const struct stdc_codec *c;
	struct stdc_stream_params p;
	struct stream *s;
	char names[200];
	int comp;
	gtm_long_t rc;

	if (argc < 2)
		return stdc_fail(STDC_E_BAD_ARGS,
				 "%s: needs (codec, direction[, level, max_output, dict, workers, options, "
				 "size]), got %d argument(s)", op, argc);
	if (!usable(codec) || !usable(direction))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: codec or direction is unusable", op);
	c = stdc_codec_find(codec->address, (size_t)codec->length);
	if (c == NULL || !stdc_codec_has(c, STDC_STREAMS))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: codec \"%.*s\" is not %s", op,
				 (int)codec->length, codec->address,
				 stdc_codec_names(STDC_STREAMS, names, sizeof(names)));
	if (is(direction, "c") || is(direction, "compress"))
		comp = 1;
	else if (is(direction, "d") || is(direction, "decompress"))
		comp = 0;
	else
		return stdc_fail(STDC_E_BAD_ARGS, "%s: direction \"%.*s\" is not c or d", op,
				 (int)direction->length, direction->address);
	level = stdc_arg(argc >= 3, level, STDC_LEVEL_OMITTED);
	max_output = stdc_arg(argc >= 4, max_output, 0);
	if (options < 0 || options > (STDC_ZSTD_FRAME_BITS | STDC_STREAM_ONE_FRAME) ||
	    ((options & STDC_ZSTD_FRAME_BITS) && !(comp && c->frame_options)) ||
	    ((options & STDC_STREAM_ONE_FRAME) && comp))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: options %ld: %d..%d for zstd compressors (frame "
				 "fields left out), %d for decompressors (one frame)", op, (long)options,
				 0, STDC_ZSTD_FRAME_BITS, STDC_STREAM_ONE_FRAME);
	if (size >= 0 && !(comp && c->pledged_size))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: a size applies to zstd compression only", op);
	if (workers < 0 || workers > STDC_STREAM_MAX_WORKERS)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: workers %ld is outside 0..%d", op,
				 (long)workers, STDC_STREAM_MAX_WORKERS);
	if (workers > 0 && !(comp && c->stream_workers))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: workers apply to zstd compression only", op);
	if (max_output < 0)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: max_output %ld is negative (0: no cap)", op,
				 (long)max_output);
	/* A dictionary (argument 5): the stream loads its own copy, since a stream may outlive
	 * the thread's cache entry or move to another thread. */
	if (argc < 5 || (dict != NULL && dict->length == 0))
		dict = NULL;
	if (dict != NULL && (c->dict_get == NULL || dict->length < 0 ||
			     dict->length > STDC_MAX_STRING || dict->address == NULL))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: a dictionary is for zstd only, 1..%d bytes",
				 op, STDC_MAX_STRING);
	if (comp && (rc = stdc_codec_level(c, op, &level)) != STDC_OK)
		return rc;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a stream", op);
	s->codec = c;
	s->compress = comp;
	s->level = comp ? (int)level : 0;
	s->max_output = (uint64_t)max_output;
	s->workers = (int)workers;
	s->options = (int)options;
	s->size = (long long)size;
	p = (struct stdc_stream_params){comp, s->level, s->workers, s->options & STDC_ZSTD_FRAME_BITS,
					s->size, dict};
	if ((rc = c->stream_begin(&p, &s->state, op)) != STDC_OK) {
		destroy(s);
		return rc;
	}
	return stdc_handles_open(comp ? &compressor_kind : &decompressor_kind, s, op);
}

static gtm_long_t keep_unused(struct stream *s, const unsigned char *b, size_t n, const char *op)
{
	unsigned char *u;

	if (n > STDC_MAX_STRING - s->unused_len)
		return fail(s, s->codec->error, "%s: more than %d bytes follow the end of the stream",
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
			    s->codec->starts_another != NULL &&
			    s->codec->starts_another(in + *used, n - *used)) {
				if (s->codec->stream_again != NULL &&
				    (rc = s->codec->stream_again(s->state, op)) != STDC_OK)
					return failed_in_codec(s, rc);
				s->eof = 0;
			} else {
				rc = keep_unused(s, in + *used, n - *used, op);
				*used = n;
				return rc != STDC_OK ? rc : STDC_STREAM_END;
			}
		}
		budget = cap - *made;
		if (s->max_output && s->max_output - s->total_out < budget)
			budget = (size_t)(s->max_output - s->total_out) + 1; /* one more: detects it */
		ended = 0;
		rc = s->codec->stream_step(s->state, in + *used, n - *used, &u, dst + *made, budget,
					   &m, s->action, &ended, op);
		*used += u;
		*made += m;
		s->total_in += u;
		s->total_out += m;
		if (rc != STDC_OK)
			return failed_in_codec(s, rc);
		if (s->max_output && s->total_out > s->max_output)
			return fail(s, STDC_E_OUTPUT_TOO_LARGE,
				    "%s: the output exceeds this stream's cap of %llu bytes "
				    "(max_output)", op, (unsigned long long)s->max_output);
		if (!s->compress && ended) {
			s->eof = 1;
			continue;
		}
		if (s->compress && s->action != STDC_ACT_NONE)
			return ended ? STDC_STREAM_DONE : STDC_STREAM_MORE;
		if (*used < n || m == budget)
			return (u == 0 && m == 0 && budget > 0)
				       ? fail(s, s->codec->error, "%s: the codec made no progress", op)
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
		s->action = STDC_ACT_FLUSH;
	} else if (call == CALL_CLOSE || call == CALL_END) {
		s->closing = 1;
		if (s->compress)
			s->action = STDC_ACT_END;
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
	if (rc >= 0 && s->action == STDC_ACT_FLUSH)
		s->action = STDC_ACT_NONE;
	if (s->closing) { /* finished or failed: either way the handle goes */
		if (rc >= 0 && !s->compress && !s->eof)
			rc = stdc_fail(s->codec->error, "%s: truncated %s stream: its input ended "
				       "before the end of the stream (the handle is freed)", op,
				       s->codec->name);
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
