/* handles.h - integer handles for codec contexts that outlive one call (streams).
 *
 * A context is registered under a kind (what it is, how to destroy it) and gets a handle: a
 * positive integer M and Python can hold.  Every later call looks the handle up for exclusive
 * use; a handle never opened, already freed, or of another kind is STDC_E_INVALID_HANDLE.  At
 * most STDCOMPRESS_MAX_HANDLES (environment, read once; default STDC_HANDLES_DEFAULT) are open
 * at a time, beyond that STDC_E_HANDLE_LIMIT.  Thread safe: the table has one mutex, each
 * context its own, so one handle serves one call at a time and a free() during a call takes
 * effect when that call ends.  Contexts still open are destroyed when the library unloads.
 *
 * A handle is (generation << STDC_HANDLE_SLOT_BITS) | (slot + 1); the generation of a slot
 * grows each time the slot is reused, so a stale handle never reaches a newer context. */
#ifndef STDC_HANDLES_H
#define STDC_HANDLES_H

#include "stdcompress.h"

#define STDC_HANDLE_SLOT_BITS 20
#define STDC_HANDLES_HARD_MAX ((1L << STDC_HANDLE_SLOT_BITS) - 1) /* slots a handle can name */
#define STDC_HANDLES_DEFAULT 1024
#define STDC_HANDLES_ENV "STDCOMPRESS_MAX_HANDLES"

struct stdc_handle_kind {
	const char *name;           /* for messages: "lz4 stream compressor" */
	void (*destroy)(void *ctx); /* frees the context; never called twice */
	/* Writes "name=value;..." of the context's settings into buf (handleInfo); may be NULL. */
	void (*describe)(const void *ctx, char *buf, size_t size);
};

/* What a call holds between acquire and release. */
struct stdc_handle_use {
	void *entry;
};

/* Registers ctx and returns its handle (> 0), or -code after recording the failure (the
 * context is then destroyed, so the caller never cleans up). */
gtm_long_t stdc_handles_open(const struct stdc_handle_kind *kind, void *ctx, const char *op);

/* The context of `handle` for this call alone (kind NULL: of any kind), or NULL with
 * *rc = -code (INVALID-HANDLE) recorded.  Every non-NULL result must be given back with stdc_handles_release. */
void *stdc_handles_acquire(gtm_long_t handle, const struct stdc_handle_kind *kind,
			   const char *op, struct stdc_handle_use *use, gtm_long_t *rc);
void stdc_handles_release(struct stdc_handle_use *use);

/* The kind of the context a call holds (between acquire and release). */
const struct stdc_handle_kind *stdc_handles_kind(const struct stdc_handle_use *use);

/* Frees a handle of any kind: STDC_OK or -code (INVALID-HANDLE). */
gtm_long_t stdc_handles_close(gtm_long_t handle, const char *op);

#endif
