/* batch.c - many small items in one call, on worker threads.
 *
 * The input is one packed string plus a segments string of native-endian uint64 (offset,
 * length) pairs, 16 bytes each; the output is one packed string plus its segments, item i's
 * result at out_segs[i], in item order, packed back to back from offset 0.
 *
 * A call does the longest prefix of the items that fits, in three steps:
 *  1. plan (calling thread): every pair is checked against the whole data (no wrap-around, no
 *     byte past `total`); then, in order, each item gets a region of the output as large as its
 *     result can be (compression: the codec's bound; decompression: its exact or capped size),
 *     until an item lies outside the input window or its region would not fit the output (or
 *     out_segs is full).  The first item always runs: when its region does not fit, it gets
 *     the whole output and OUTPUT-TOO-LARGE if its result does not fit there either.
 *  2. work: `threads` workers (the calling thread is one of them; the others kept between
 *     calls, below) take runs of consecutive items in order from an atomic counter and code
 *     each into its region.  Workers touch only the call's own memory and a context set of
 *     their own, taken from a process-wide pool (reused by later calls, freed at process
 *     exit); they record nothing thread-local, make no runtime call, and run with every signal
 *     blocked.  A failing item stops the workers from starting later items; the lowest failing
 *     index is reported as "item N: ...".
 *  3. pack (calling thread): results are moved together and their segments written.
 * Returns STDC_OK when every item was done, STDC_BATCH_MORE when only a prefix was (out_segs
 * says how many): call again with the remaining pairs. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"

struct item {
	size_t in_off, in_len;   /* within the window */
	size_t out_off, cap;     /* the region of the output */
	size_t want;             /* decoders: the exact size (codecs with exact_size), else 0 */
	size_t len;              /* result length */
};

struct batch {
	const struct stdc_codec *codec;
	int decompress;
	int level;
	const unsigned char *in;
	unsigned char *out;
	struct item *items;
	size_t count;
	const void *dict;     /* the codec's compiled dictionary (dict_get), or NULL */
	size_t run;           /* items a worker takes at a time: neighbours in the output */
	size_t threads;       /* workers */
	atomic_size_t next;
	atomic_size_t failed; /* lowest failing index so far, count if none */
	pthread_mutex_t lock; /* guards the failure below */
	enum stdc_code fail_code;
	char fail_msg[200];
};

struct worker {
	struct batch *b;
	struct stdc_thread *ctx;
	pthread_t tid;
};

/* ---- the pool of worker context sets ---- */

#define POOL_MAX 64
#define WORKERS_MAX 64
#define WORK_PER_THREAD 32768 /* bytes of output regions */
#define RUN_BYTES 65536       /* bytes of output regions a worker takes at a time */
#define PREFETCH_AHEAD 8      /* items: the plan's frame-header reads */

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct stdc_thread *pool[POOL_MAX];
static size_t pool_n;

static struct stdc_thread *pool_take(void)
{
	struct stdc_thread *t = NULL;

	pthread_mutex_lock(&pool_lock);
	if (pool_n > 0)
		t = pool[--pool_n];
	pthread_mutex_unlock(&pool_lock);
	return t != NULL ? t : calloc(1, sizeof(*t));
}

static void pool_give(struct stdc_thread *t)
{
	if (t == NULL)
		return;
	pthread_mutex_lock(&pool_lock);
	if (pool_n < POOL_MAX) {
		pool[pool_n++] = t;
		t = NULL;
	}
	pthread_mutex_unlock(&pool_lock);
	stdc_thread_free(t);
}

__attribute__((destructor)) static void pool_fini(void)
{
	pthread_mutex_lock(&pool_lock);
	while (pool_n > 0)
		stdc_thread_free(pool[--pool_n]);
	pthread_mutex_unlock(&pool_lock);
}

/* ---- work ---- */

static int record(struct batch *b, size_t i, enum stdc_code code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Keeps the failure of the lowest index.  Returns -1. */
static int record(struct batch *b, size_t i, enum stdc_code code, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&b->lock);
	if (i < atomic_load(&b->failed)) {
		atomic_store(&b->failed, i);
		b->fail_code = code;
		va_start(ap, fmt);
		vsnprintf(b->fail_msg, sizeof(b->fail_msg), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&b->lock);
	return -1;
}

/* Makes the worker's contexts for this batch.  Returns 0, or records NO-MEMORY at item i. */
static int prepare(struct batch *b, struct stdc_thread *t, size_t i)
{
	if (b->codec->prepare(t, b->decompress, b->level, b->dict) == 0)
		return 0;
	return record(b, i, STDC_E_NO_MEMORY, "no memory for a %s context", b->codec->name);
}

/* Codes item i into its region.  Returns 0, or -1 having recorded the failure. */
static int code_item(struct batch *b, struct stdc_thread *t, size_t i)
{
	const struct stdc_codec *c = b->codec;
	struct item *it = &b->items[i];
	const unsigned char *src = b->in + it->in_off;
	unsigned char *dst = b->out + it->out_off;
	char msg[200] = "";
	int r;

	if (!b->decompress) {
		r = c->encode(t, b->level, b->dict, src, it->in_len, dst, it->cap, &it->len, msg,
			      sizeof(msg));
		if (r == STDC_NOSPACE)
			return record(b, i, STDC_E_OUTPUT_TOO_LARGE, "the result does not fit the "
				      "%zu bytes of output left", it->cap);
		return r == STDC_OK ? 0 : record(b, i, (enum stdc_code)-r, "%s", msg);
	}
	r = c->decode(t, b->dict, src, it->in_len, dst, it->cap, &it->len, msg, sizeof(msg));
	if (r == STDC_NOSPACE)
		return record(b, i, c->error, "decodes to more than the %zu bytes %s", it->cap,
			      it->want ? "expected" : "allowed");
	if (r != STDC_OK)
		return record(b, i, (enum stdc_code)-r, "%s", msg);
	if (it->want && it->len != it->want && it->in_len == 0)
		return record(b, i, c->error, "empty input, expected %zu bytes", it->want);
	if (it->want && it->len != it->want)
		return record(b, i, c->error, "decoded %zu bytes, expected %zu", it->len, it->want);
	return 0;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct batch *b = w->b;
	int ready = 0;

	for (;;) {
		size_t i = atomic_load(&b->next), end;

		/* A run of at most b->run items, fewer as the end nears (an eighth of what is left a
		 * worker), so that the workers finish together. */
		do {
			size_t left = i < b->count ? b->count - i : 0, take = left / (8 * b->threads);

			if (left == 0)
				return NULL;
			take = take < 1 ? 1 : take > b->run ? b->run : take;
			end = i + take;
		} while (!atomic_compare_exchange_weak(&b->next, &i, end));
		for (; i < end; i++) {
			if (i > atomic_load(&b->failed))
				return NULL;
			if (!ready) {
				if (prepare(b, w->ctx, i) != 0)
					return NULL;
				ready = 1;
			}
			code_item(b, w->ctx, i);
		}
	}
	return NULL;
}

/* ---- the crew: helper threads kept between calls ----
 *
 * Starting a thread costs a call about 60 us before the helper codes its first item (measured
 * on a 2-vCPU VM, 1 MiB calls of zstd frames: 5% of the call), so helpers are kept: idle, they
 * wait on a condition variable with every signal blocked, holding no context.  One calling
 * thread at a time uses the crew; a second one meanwhile starts threads of its own, as every
 * call did before.  A forked child starts with no crew (pthread_atfork); the library is linked
 * -z nodelete, so its code is never unmapped under the helpers; at exit they are stopped and
 * joined. */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;      /* a job was posted, or quit */
	pthread_cond_t done;      /* the job's last helper finished */
	pthread_t tid[WORKERS_MAX];
	size_t size;              /* helper threads running */
	struct worker *job;       /* the posted job's helper workers, job[0..wanted) not yet taken */
	size_t wanted, busy;
	int in_use, quit;
} crew = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER,
	  .done = PTHREAD_COND_INITIALIZER};
static pthread_once_t crew_once = PTHREAD_ONCE_INIT;

static void *work(void *arg);

static void *crew_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&crew.lock);
	for (;;) {
		struct worker *w;

		while (crew.wanted == 0 && !crew.quit)
			pthread_cond_wait(&crew.wake, &crew.lock);
		if (crew.quit)
			break;
		w = &crew.job[--crew.wanted];
		crew.busy++;
		pthread_mutex_unlock(&crew.lock);
		work(w);
		pthread_mutex_lock(&crew.lock);
		if (--crew.busy == 0 && crew.wanted == 0)
			pthread_cond_signal(&crew.done);
	}
	pthread_mutex_unlock(&crew.lock);
	return NULL;
}

/* In a forked child only the forking thread exists: no helpers, a fresh lock. */
static void crew_forked(void)
{
	pthread_mutex_init(&crew.lock, NULL);
	pthread_cond_init(&crew.wake, NULL);
	pthread_cond_init(&crew.done, NULL);
	crew.size = crew.wanted = crew.busy = 0;
	crew.in_use = crew.quit = 0;
	crew.job = NULL;
}

static void crew_register(void)
{
	pthread_atfork(NULL, NULL, crew_forked);
}

__attribute__((destructor)) static void crew_fini(void)
{
	size_t i, n;

	pthread_mutex_lock(&crew.lock);
	crew.quit = 1;
	n = crew.size;
	crew.size = 0;
	pthread_cond_broadcast(&crew.wake);
	pthread_mutex_unlock(&crew.lock);
	for (i = 0; i < n; i++)
		pthread_join(crew.tid[i], NULL);
}

/* Takes the crew with at least `helpers` threads.  Returns 0, or -1 (busy, or no thread could
 * be started): the caller starts its own. */
static int crew_take(size_t helpers)
{
	pthread_once(&crew_once, crew_register);
	pthread_mutex_lock(&crew.lock);
	if (crew.in_use || crew.quit) {
		pthread_mutex_unlock(&crew.lock);
		return -1;
	}
	if (crew.size < helpers) {
		sigset_t old;

		stdc_signals_block(&old); /* the helpers start with every signal blocked */
		while (crew.size < helpers &&
		       pthread_create(&crew.tid[crew.size], NULL, crew_main, NULL) == 0)
			crew.size++;
		stdc_signals_restore(&old);
		if (crew.size < helpers) {
			pthread_mutex_unlock(&crew.lock);
			return -1;
		}
	}
	crew.in_use = 1;
	pthread_mutex_unlock(&crew.lock);
	return 0;
}

/* Runs items [0, b->count) on up to `threads` workers, the calling thread among them. */
static gtm_long_t run_workers(struct batch *b, size_t threads)
{
	struct worker w[WORKERS_MAX];
	size_t started = 1, i;
	gtm_long_t rc = STDC_OK;
	int crewed = 0;

	memset(w, 0, sizeof(w));
	for (i = 0; i < threads; i++) {
		w[i].b = b;
		if ((w[i].ctx = pool_take()) == NULL) {
			if (i == 0)
				rc = stdc_fail(STDC_E_NO_MEMORY, "no memory for a worker context");
			threads = i; /* fewer workers: still correct */
			break;
		}
	}
	if (rc == STDC_OK && threads > 1 && crew_take(threads - 1) == 0) {
		crewed = 1;
		pthread_mutex_lock(&crew.lock);
		crew.job = &w[1];
		crew.wanted = threads - 1;
		pthread_cond_broadcast(&crew.wake);
		pthread_mutex_unlock(&crew.lock);
	} else if (rc == STDC_OK && threads > 1) {
		sigset_t old;

		stdc_signals_block(&old); /* as the crew's */
		for (i = 1; i < threads; i++, started++)
			if (pthread_create(&w[i].tid, NULL, work, &w[i]) != 0)
				break;
		stdc_signals_restore(&old);
	}
	if (rc == STDC_OK)
		work(&w[0]);
	if (crewed) {
		pthread_mutex_lock(&crew.lock);
		crew.wanted = 0; /* helpers not started yet would find nothing left */
		while (crew.busy > 0)
			pthread_cond_wait(&crew.done, &crew.lock);
		crew.job = NULL;
		crew.in_use = 0;
		pthread_mutex_unlock(&crew.lock);
	}
	for (i = 1; i < started; i++)
		pthread_join(w[i].tid, NULL);
	for (i = 0; i < threads; i++)
		pool_give(w[i].ctx);
	return rc;
}

/* ---- plan, entries ---- */

/* The cores this process may run on (its affinity mask, as a container or taskset sets it). */
static long cores(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n;
}

static int string_ok(const gtm_string_t *s)
{
	return s != NULL && s->length >= 0 && s->length <= STDC_MAX_STRING &&
	       (s->length == 0 || s->address != NULL);
}

static int out_ok(const gtm_string_t *s)
{
	return s != NULL && s->address != NULL && s->length >= 0;
}

static uint64_t u64_at(const char *p, size_t i)
{
	uint64_t v;

	memcpy(&v, p + 8 * i, sizeof(v));
	return v;
}

struct call {
	const char *op;
	const struct stdc_codec *codec;
	gtm_string_t *in, *segs, *sizes, *out, *out_segs, *dict;
	gtm_long_t level, threads, base, total;
	int total_given;     /* 0: total is the end of the input window (base + its length) */
	size_t cap, seg_cap; /* what the outputs could hold on entry */
};

/* Notes the outputs' capacities and empties them first, so that every failure, argument
 * errors included, leaves them empty. */
static void take_outputs(struct call *c, int have_out, int have_segs)
{
	if (have_out && out_ok(c->out)) {
		c->cap = c->out->length < STDC_MAX_STRING ? (size_t)c->out->length : STDC_MAX_STRING;
		c->out->length = 0;
	}
	if (have_segs && out_ok(c->out_segs)) {
		c->seg_cap = (size_t)c->out_segs->length / 16;
		c->out_segs->length = 0;
	}
}

static gtm_long_t run_call(struct call *c)
{
	const char *op = c->op;
	struct batch b;
	struct stdc_thread *t;
	size_t count, n, used = 0, cap, seg_cap, in_len, i, pos;
	uint64_t total, base;
	gtm_long_t rc = STDC_OK;
	long threads;

	/* Arguments (everything checked before any work). */
	if (!string_ok(c->in) || !string_ok(c->segs) || !out_ok(c->out) || !out_ok(c->out_segs) ||
	    (c->sizes != NULL && !string_ok(c->sizes)) || (c->dict != NULL && !string_ok(c->dict)))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: a missing or oversized string argument", op);
	cap = c->cap;
	seg_cap = c->seg_cap;
	if (c->segs->length % 16 != 0)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: segments of %ld bytes are not (offset, length) "
				 "pairs of 16 bytes", op, (long)c->segs->length);
	count = (size_t)c->segs->length / 16;
	in_len = (size_t)c->in->length;
	if (c->sizes != NULL && c->sizes->length != 0 && (size_t)c->sizes->length != 8 * count)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: sizes of %ld bytes for %zu items (8 bytes "
				 "each, or none)", op, (long)c->sizes->length, count);
	if (!c->total_given)
		c->total = c->base + c->in->length;
	if (c->base < 0 || c->total < 0 || (size_t)c->total < (size_t)c->base + in_len)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: window base %ld and total %ld do not hold the "
				 "%zu-byte input", op, (long)c->base, (long)c->total, in_len);
	if (c->threads < 0)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: threads %ld (0 = one per core, or 1..)", op,
				 (long)c->threads);
	if (c->dict != NULL && c->dict->length > 0 && c->codec->dict_get == NULL)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: dictionaries are for zstd only, not %s", op,
				 c->codec->name);
	total = (uint64_t)c->total;
	base = (uint64_t)c->base;
	t = stdc_thread_get();
	if (t == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for thread state", op);
	t->held = 0;

	memset(&b, 0, sizeof(b));
	b.codec = c->codec;
	b.decompress = c->sizes != NULL;
	b.level = (int)c->level;
	b.in = (const unsigned char *)c->in->address;
	b.out = (unsigned char *)c->out->address;
	if (c->dict != NULL && c->dict->length > 0) {
		rc = c->codec->dict_get(t, c->dict, b.level, b.decompress, op, &b.dict);
		if (rc != STDC_OK)
			return rc;
	}
	/* Every pair against the whole data first: a bad one fails the call whatever the window. */
	for (i = 0; i < count; i++) {
		uint64_t off = u64_at(c->segs->address, 2 * i), len = u64_at(c->segs->address, 2 * i + 1);

		if (off > total || len > total - off)
			return stdc_fail(STDC_E_BAD_ARGS, "%s: item %zu: segment (%llu, %llu) reaches "
					 "past the %llu-byte data", op, i, (unsigned long long)off,
					 (unsigned long long)len, (unsigned long long)total);
	}
	b.items = malloc((count > 0 ? count : 1) * sizeof(*b.items));
	if (b.items == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for %zu items", op, count);
	for (n = 0; n < count && n < seg_cap; n++) {
		struct item *it = &b.items[n];
		uint64_t off = u64_at(c->segs->address, 2 * n), len = u64_at(c->segs->address, 2 * n + 1);
		size_t region;

		if (off < base || off - base > in_len || len > in_len - (off - base)) {
			if (n == 0)
				rc = stdc_fail(STDC_E_BAD_ARGS, "%s: item 0: segment (%llu, %llu) is "
					       "outside the input window at %llu", op,
					       (unsigned long long)off, (unsigned long long)len,
					       (unsigned long long)base);
			break; /* the next call's window */
		}
		it->in_off = (size_t)(off - base);
		it->in_len = (size_t)len;
		it->want = 0;
		it->len = 0;
		if (!b.decompress) {
			region = c->codec->bound(it->in_len);
		} else {
			uint64_t size = c->sizes->length > 0 ? u64_at(c->sizes->address, n) : 0;

			if (c->codec->declared_size != NULL && n + PREFETCH_AHEAD < count) {
				/* The frame headers read below are scattered through the input: fetch
				 * one a few items ahead (a hint: any address is harmless). */
				uint64_t ahead = u64_at(c->segs->address, 2 * (n + PREFETCH_AHEAD));

				if (ahead >= base && ahead - base < in_len)
					__builtin_prefetch(b.in + (ahead - base));
			}
			if (size == 0 && c->codec->declared_size != NULL && it->in_len > 0) {
				unsigned long long fs = 0;
				int known = c->codec->declared_size(b.in + it->in_off, it->in_len, &fs);

				if (known < 0) {
					if (n > 0)
						break; /* the items before it first (lowest index) */
					rc = stdc_fail(c->codec->error, "%s: item %zu: not a %s frame", op,
						       n, c->codec->name);
					break;
				}
				if (known == 0) {
					if (n > 0)
						break; /* the items before it first (lowest index) */
					rc = stdc_fail(STDC_E_BAD_ARGS, "%s: item %zu: the frame does "
						       "not declare its content size; give its size",
						       op, n);
					break;
				}
				size = fs;
			}
			if (size == 0 && !c->codec->exact_size) {
				/* size unknown (deflate family): the item runs alone, first in a call,
				 * with the whole output. */
				if (n > 0)
					break;
				size = cap;
			}
			if (size > STDC_MAX_STRING) {
				if (n > 0)
					break; /* the items before it first (lowest index) */
				rc = stdc_fail(STDC_E_OUTPUT_TOO_LARGE, "%s: item %zu: %llu bytes, over "
					       "the %d-byte limit", op, n, (unsigned long long)size,
					       STDC_MAX_STRING);
				break;
			}
			region = (size_t)size;
			if (c->codec->exact_size)
				it->want = region;
		}
		if (region > cap - used) {
			if (n > 0)
				break; /* the next call's */
			if (b.decompress && it->want > 0) {
				rc = stdc_fail(STDC_E_OUTPUT_TOO_LARGE, "%s: item 0: %zu bytes do not fit "
					       "the %zu-byte output", op, it->want, cap);
				break;
			}
			region = cap; /* the first item runs: the codec says whether it fits */
		}
		it->out_off = used;
		it->cap = region;
		used += region;
	}
	if (rc != STDC_OK || (n == 0 && count > 0)) {
		if (rc == STDC_OK)
			rc = stdc_fail(STDC_E_BAD_ARGS, "%s: no room for any item (out_segs holds %zu)",
				       op, seg_cap);
		free(b.items);
		return rc;
	}

	/* Work. */
	b.count = n;
	atomic_init(&b.next, 0);
	atomic_init(&b.failed, n);
	pthread_mutex_init(&b.lock, NULL);
	threads = c->threads == 0 ? cores() : (long)c->threads;
	if ((size_t)threads > n)
		threads = (long)n;
	/* A worker per WORK_PER_THREAD bytes at most: below that a thread costs more than it saves. */
	if ((size_t)threads > 1 + used / WORK_PER_THREAD)
		threads = (long)(1 + used / WORK_PER_THREAD);
	if (threads > WORKERS_MAX)
		threads = WORKERS_MAX;
	/* Workers take runs of consecutive items, about RUN_BYTES of output each: each then
	 * writes (and first touches) pages of its own rather than the pages its neighbour is
	 * writing, and takes the counter less often.  At least 8 runs a worker keeps them level. */
	b.run = 1;
	if (threads > 1 && used > 0) {
		size_t runs = used / RUN_BYTES;

		if (runs < 8 * (size_t)threads)
			runs = 8 * (size_t)threads;
		b.run = n / runs > 1 ? n / runs : 1;
	}
	b.threads = (size_t)(threads > 0 ? threads : 1);
	if (n > 0)
		rc = run_workers(&b, (size_t)threads);
	pthread_mutex_destroy(&b.lock);
	if (rc == STDC_OK && atomic_load(&b.failed) < n)
		rc = stdc_fail(b.fail_code, "%s: item %zu: %s", op, atomic_load(&b.failed),
			       b.fail_msg);
	if (rc != STDC_OK) {
		free(b.items);
		return rc;
	}

	/* Pack. */
	for (i = 0, pos = 0; i < n; i++) {
		uint64_t pair[2] = {pos, b.items[i].len};

		if (b.items[i].out_off != pos)
			memmove(b.out + pos, b.out + b.items[i].out_off, b.items[i].len);
		memcpy(c->out_segs->address + 16 * i, pair, sizeof(pair));
		pos += b.items[i].len;
	}
	free(b.items);
	c->out->length = (gtm_long_t)pos;
	c->out_segs->length = (gtm_long_t)(16 * n);
	return n == count ? STDC_OK : STDC_BATCH_MORE;
}

static gtm_long_t find_codec(const char *op, const gtm_string_t *name,
			     const struct stdc_codec **codec)
{
	*codec = name != NULL && name->length >= 0 && name->address != NULL
			 ? stdc_codec_find(name->address, (size_t)name->length) : NULL;
	if (*codec != NULL && stdc_codec_has(*codec, STDC_BATCHES))
		return STDC_OK;
	return stdc_codec_unknown(STDC_BATCHES, op, "codec must be");
}

gtm_long_t stdc_multi_compress(int argc, gtm_string_t *codec, gtm_string_t *in,
			       gtm_string_t *segs, gtm_string_t *out, gtm_string_t *out_segs,
			       gtm_long_t level, gtm_long_t threads, gtm_string_t *dict,
			       gtm_long_t base, gtm_long_t total)
{
	struct call c = {.op = "multiCompress", .in = in, .segs = segs, .out = out,
			 .out_segs = out_segs};
	gtm_long_t rc;

	take_outputs(&c, argc >= 4, argc >= 5);
	if (argc < 5)
		return stdc_fail(STDC_E_BAD_ARGS, "multiCompress: needs (codec, input, segments, "
				 ".output, .segments), got %d argument(s)", argc);
	rc = find_codec(c.op, codec, &c.codec);
	if (rc != STDC_OK)
		return rc;
	c.level = stdc_arg(argc >= 6, level, STDC_LEVEL_OMITTED);
	c.threads = stdc_arg(argc >= 7, threads, 0);
	c.dict = stdc_arg_string(argc >= 8, dict);
	c.base = stdc_arg(argc >= 9, base, 0);
	/* Not computed from base here: only stdc_arg's copy (see core.h). */
	c.total = stdc_arg(argc >= 10, total, 0);
	c.total_given = argc >= 10;
	rc = stdc_codec_level(c.codec, c.op, &c.level);
	if (rc != STDC_OK)
		return rc;
	return run_call(&c);
}

static const gtm_string_t no_sizes = {0, NULL};

gtm_long_t stdc_multi_decompress(int argc, gtm_string_t *codec, gtm_string_t *in,
				 gtm_string_t *segs, gtm_string_t *sizes, gtm_string_t *out,
				 gtm_string_t *out_segs, gtm_long_t threads, gtm_string_t *dict,
				 gtm_long_t base, gtm_long_t total)
{
	struct call c = {.op = "multiDecompress", .in = in, .segs = segs, .out = out,
			 .out_segs = out_segs};
	gtm_long_t rc;

	take_outputs(&c, argc >= 5, argc >= 6);
	if (argc < 6)
		return stdc_fail(STDC_E_BAD_ARGS, "multiDecompress: needs (codec, input, segments, "
				 "sizes, .output, .segments), got %d argument(s)", argc);
	rc = find_codec(c.op, codec, &c.codec);
	if (rc != STDC_OK)
		return rc;
	c.sizes = sizes != NULL ? sizes : (gtm_string_t *)&no_sizes;
	c.threads = stdc_arg(argc >= 7, threads, 0);
	c.dict = stdc_arg_string(argc >= 8, dict);
	c.base = stdc_arg(argc >= 9, base, 0);
	/* Not computed from base here: only stdc_arg's copy (see core.h). */
	c.total = stdc_arg(argc >= 10, total, 0);
	c.total_given = argc >= 10;
	if (c.codec->needs_sizes && c.sizes->length == 0 && segs != NULL && segs->length > 0)
		return stdc_fail(STDC_E_BAD_ARGS, "multiDecompress: %s items need their sizes",
				 c.codec->name);
	return run_call(&c);
}
