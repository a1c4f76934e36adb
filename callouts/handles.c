/* handles.c - the handle table (see handles.h) and its two entries, handleFree and
 * handleStats. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "handles.h"

#define SLOT_MASK ((gtm_long_t)STDC_HANDLES_HARD_MAX)
#define GEN_MAX 0x7fffffffu /* keeps every handle below 2^51: exact as an M number too */

struct entry {
	const struct stdc_handle_kind *kind;
	void *ctx;
	pthread_mutex_t use; /* one call at a time on this context */
	unsigned refs;       /* calls between acquire and release; guarded by table_lock */
	int freed;           /* handle freed: the last call to release destroys the context */
};

struct slot {
	struct entry *e; /* NULL when free */
	uint32_t gen;    /* generation of the handle this slot holds or last held (0: never) */
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot *slots;   /* slots[0..used) have been handed out at least once */
static size_t used, allocated;
static size_t *free_slots;   /* stack of free slot numbers below `used` */
static size_t nfree;
static size_t open_count;

static pthread_once_t max_once = PTHREAD_ONCE_INIT;
static size_t max_open;

static void read_max(void)
{
	const char *v = getenv(STDC_HANDLES_ENV);
	char *end;
	long n;

	max_open = STDC_HANDLES_DEFAULT;
	if (v == NULL || *v == '\0')
		return;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno == 0 && *end == '\0' && n >= 1 && n <= STDC_HANDLES_HARD_MAX)
		max_open = (size_t)n;
}

static size_t handles_max(void)
{
	pthread_once(&max_once, read_max);
	return max_open;
}

static void entry_destroy(struct entry *e)
{
	if (e == NULL)
		return;
	e->kind->destroy(e->ctx);
	pthread_mutex_destroy(&e->use);
	free(e);
}

/* Grows slots/free_slots so that one more slot exists; table_lock held. */
static int grow(void)
{
	size_t n = allocated ? allocated * 2 : 64;
	struct slot *s;
	size_t *f;

	if (n > (size_t)STDC_HANDLES_HARD_MAX)
		n = (size_t)STDC_HANDLES_HARD_MAX;
	if (n <= allocated)
		return -1;
	if ((s = realloc(slots, n * sizeof(*s))) == NULL)
		return -1;
	slots = s;
	if ((f = realloc(free_slots, n * sizeof(*f))) == NULL)
		return -1;
	free_slots = f;
	memset(slots + allocated, 0, (n - allocated) * sizeof(*s));
	allocated = n;
	return 0;
}

gtm_long_t stdc_handles_open(const struct stdc_handle_kind *kind, void *ctx, const char *op)
{
	size_t max = handles_max(), i;
	struct entry *e = calloc(1, sizeof(*e));
	gtm_long_t handle;

	if (e == NULL || pthread_mutex_init(&e->use, NULL) != 0) {
		free(e);
		kind->destroy(ctx);
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for a handle", op);
	}
	e->kind = kind;
	e->ctx = ctx;
	pthread_mutex_lock(&table_lock);
	if (open_count >= max) {
		pthread_mutex_unlock(&table_lock);
		entry_destroy(e);
		return stdc_fail(STDC_E_HANDLE_LIMIT,
				 "%s: %zu handles are open, the maximum (%s, default %d); free one first",
				 op, max, STDC_HANDLES_ENV, STDC_HANDLES_DEFAULT);
	}
	if (nfree > 0) {
		i = free_slots[--nfree];
	} else {
		if (used == allocated && grow() != 0) {
			pthread_mutex_unlock(&table_lock);
			entry_destroy(e);
			return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for the handle table", op);
		}
		i = used++;
	}
	slots[i].gen = slots[i].gen >= GEN_MAX ? 1 : slots[i].gen + 1;
	slots[i].e = e;
	open_count++;
	handle = ((gtm_long_t)slots[i].gen << STDC_HANDLE_SLOT_BITS) | (gtm_long_t)(i + 1);
	pthread_mutex_unlock(&table_lock);
	return handle;
}

/* The slot of `handle`, or NULL after recording why it is not open; table_lock held. */
static struct slot *find(gtm_long_t handle, const char *op, gtm_long_t *rc)
{
	gtm_long_t n = handle & SLOT_MASK;
	uint64_t gen = handle > 0 ? (uint64_t)handle >> STDC_HANDLE_SLOT_BITS : 0;
	struct slot *s;

	if (handle <= 0 || n == 0 || (size_t)n > used || gen == 0 || gen > GEN_MAX) {
		*rc = stdc_fail(STDC_E_INVALID_HANDLE, "%s: handle %ld was never opened", op,
				(long)handle);
		return NULL;
	}
	s = &slots[n - 1];
	if (gen == s->gen && s->e != NULL)
		return s;
	if (gen > s->gen)
		*rc = stdc_fail(STDC_E_INVALID_HANDLE, "%s: handle %ld was never opened", op,
				(long)handle);
	else
		*rc = stdc_fail(STDC_E_INVALID_HANDLE, "%s: handle %ld was already freed", op,
				(long)handle);
	return NULL;
}

void *stdc_handles_acquire(gtm_long_t handle, const struct stdc_handle_kind *kind,
			   const char *op, struct stdc_handle_use *use, gtm_long_t *rc)
{
	struct slot *s;
	struct entry *e;

	use->entry = NULL;
	pthread_mutex_lock(&table_lock);
	if ((s = find(handle, op, rc)) == NULL) {
		pthread_mutex_unlock(&table_lock);
		return NULL;
	}
	e = s->e;
	if (kind != NULL && e->kind != kind) {
		pthread_mutex_unlock(&table_lock);
		*rc = stdc_fail(STDC_E_INVALID_HANDLE, "%s: handle %ld is an %s, not an %s", op,
				(long)handle, e->kind->name, kind->name);
		return NULL;
	}
	e->refs++;
	pthread_mutex_unlock(&table_lock);
	pthread_mutex_lock(&e->use);
	use->entry = e;
	if (e->freed) { /* freed by another thread while this call waited for it */
		stdc_handles_release(use);
		*rc = stdc_fail(STDC_E_INVALID_HANDLE, "%s: handle %ld was already freed", op,
				(long)handle);
		return NULL;
	}
	return e->ctx;
}

void stdc_handles_release(struct stdc_handle_use *use)
{
	struct entry *e = use->entry, *dead = NULL;

	if (e == NULL)
		return;
	use->entry = NULL;
	pthread_mutex_unlock(&e->use);
	pthread_mutex_lock(&table_lock);
	if (--e->refs == 0 && e->freed)
		dead = e;
	pthread_mutex_unlock(&table_lock);
	entry_destroy(dead);
}

const struct stdc_handle_kind *stdc_handles_kind(const struct stdc_handle_use *use)
{
	return ((const struct entry *)use->entry)->kind;
}

gtm_long_t stdc_handles_close(gtm_long_t handle, const char *op)
{
	struct entry *dead = NULL;
	struct slot *s;
	gtm_long_t rc;

	pthread_mutex_lock(&table_lock);
	if ((s = find(handle, op, &rc)) == NULL) {
		pthread_mutex_unlock(&table_lock);
		return rc;
	}
	s->e->freed = 1;
	if (s->e->refs == 0)
		dead = s->e;
	s->e = NULL;
	free_slots[nfree++] = (size_t)(s - slots);
	open_count--;
	pthread_mutex_unlock(&table_lock);
	entry_destroy(dead); /* else the call still using it destroys it on release */
	return STDC_OK;
}

/* Unload or process exit: no call can be running, every context still open is destroyed. */
__attribute__((destructor)) static void handles_fini(void)
{
	for (size_t i = 0; i < used; i++)
		entry_destroy(slots[i].e);
	free(slots);
	free(free_slots);
	slots = NULL;
	free_slots = NULL;
	used = allocated = nfree = open_count = 0;
}

/* ---- entries ---- */

gtm_long_t stdc_handle_info(int argc, gtm_string_t *out, gtm_long_t handle)
{
	struct stdc_handle_use use;
	const struct stdc_handle_kind *kind;
	char text[240];
	size_t n, cap;
	gtm_long_t rc;
	void *ctx;

	if (argc < 1 || out == NULL || out->address == NULL || out->length < 0)
		return stdc_fail(STDC_E_BAD_ARGS, "handleInfo: needs (.output, handle)");
	cap = (size_t)out->length;
	out->length = 0;
	if (argc < 2)
		return stdc_fail(STDC_E_BAD_ARGS, "handleInfo: needs (.output, handle)");
	if ((ctx = stdc_handles_acquire(handle, NULL, "handleInfo", &use, &rc)) == NULL)
		return rc;
	kind = ((struct entry *)use.entry)->kind;
	n = (size_t)snprintf(text, sizeof(text), "kind=%s", kind->name);
	if (kind->describe != NULL && n < sizeof(text) - 1) {
		text[n++] = ';';
		kind->describe(ctx, text + n, sizeof(text) - n);
	}
	stdc_handles_release(&use);
	n = strlen(text);
	if (n > cap)
		n = cap;
	memcpy(out->address, text, n);
	out->length = (gtm_long_t)n;
	return STDC_OK;
}

gtm_long_t stdc_handle_free(int argc, gtm_long_t handle)
{
	if (argc < 1)
		return stdc_fail(STDC_E_BAD_ARGS, "handleFree: needs (handle), got %d argument(s)",
				 argc);
	return stdc_handles_close(handle, "handleFree");
}

gtm_long_t stdc_handle_stats(int argc, gtm_string_t *out)
{
	char text[96];
	size_t n, open;

	if (argc < 1 || out == NULL || out->address == NULL || out->length < 0)
		return stdc_fail(STDC_E_BAD_ARGS, "handleStats: needs (.output)");
	pthread_mutex_lock(&table_lock);
	open = open_count;
	pthread_mutex_unlock(&table_lock);
	snprintf(text, sizeof(text), "open=%zu;max=%zu", open, handles_max());
	n = strlen(text);
	if (n > (size_t)out->length)
		n = (size_t)out->length;
	memcpy(out->address, text, n);
	out->length = (gtm_long_t)n;
	return STDC_OK;
}
