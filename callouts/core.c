/* core.c - per-thread state, last error, result delivery, and the informational entries. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

static const char *const code_names[STDC_CODE_COUNT] = {
	[STDC_OK] = "",
	[STDC_E_BAD_ARGS] = "BAD-ARGS",
	[STDC_E_BAD_LEVEL] = "BAD-LEVEL",
	[STDC_E_OUTPUT_TOO_LARGE] = "OUTPUT-TOO-LARGE",
	[STDC_E_LIBZ_FAIL] = "LIBZ-FAIL",
	[STDC_E_LIBZSTD_FAIL] = "LIBZSTD-FAIL",
	[STDC_E_NO_MEMORY] = "NO-MEMORY",
	[STDC_E_NOTHING_HELD] = "NOTHING-HELD",
	[STDC_E_LIBLZ4_FAIL] = "LIBLZ4-FAIL",
	[STDC_E_LIBBROTLI_FAIL] = "LIBBROTLI-FAIL",
	[STDC_E_INVALID_HANDLE] = "INVALID-HANDLE",
	[STDC_E_HANDLE_LIMIT] = "HANDLE-LIMIT",
	[STDC_E_LIBLZMA_FAIL] = "LIBLZMA-FAIL",
};

/* ---- last error: plain thread-local storage, so recording an error never allocates ---- */

static __thread struct {
	enum stdc_code code;
	char message[240];
} last_error;

gtm_long_t stdc_fail(enum stdc_code code, const char *fmt, ...)
{
	va_list ap;

	last_error.code = code;
	va_start(ap, fmt);
	vsnprintf(last_error.message, sizeof(last_error.message), fmt, ap);
	va_end(ap);
	return -(gtm_long_t)code;
}

gtm_long_t stdc_arg(int given, gtm_long_t v, gtm_long_t dflt)
{
	return given ? v : dflt;
}

gtm_string_t *stdc_arg_string(int given, gtm_string_t *v)
{
	return given ? v : NULL;
}

const char *stdc_last_message(void)
{
	return last_error.message;
}

/* ---- per-thread state ---- */

static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;
static int thread_key_ok;
static __thread struct stdc_thread *thread_state;

void stdc_thread_free(struct stdc_thread *t)
{
	if (t == NULL)
		return;
	stdc_dict_free_all(t);
	for (size_t i = 0; i < stdc_codec_count; i++)
		if (stdc_codecs[i]->thread_free != NULL)
			stdc_codecs[i]->thread_free(t);
	free(t->staging);
	free(t);
}

static void thread_state_free(void *p)
{
	stdc_thread_free(p);
}

static void thread_key_create(void)
{
	thread_key_ok = pthread_key_create(&thread_key, thread_state_free) == 0;
}

void stdc_signals_block(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, old);
}

void stdc_signals_restore(const sigset_t *old)
{
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

struct stdc_thread *stdc_thread_get(void)
{
	if (thread_state != NULL)
		return thread_state;
	pthread_once(&thread_key_once, thread_key_create);
	thread_state = calloc(1, sizeof(*thread_state));
	if (thread_state != NULL && thread_key_ok)
		pthread_setspecific(thread_key, thread_state);
	return thread_state;
}

/* Process exit or unload: free the calling thread's state and stop the key's destructor from
 * ever running code of an unloaded library.  Other threads' state is left to process exit. */
__attribute__((destructor)) static void library_fini(void)
{
	thread_state_free(thread_state);
	thread_state = NULL;
	if (thread_key_ok) {
		pthread_key_delete(thread_key);
		thread_key_ok = 0;
	}
}

/* ---- entry checks and delivery ---- */

static const unsigned char empty_input[1];

gtm_long_t stdc_begin(int argc, gtm_string_t *in, gtm_string_t *out, const char *op,
		      struct stdc_job *job, struct stdc_thread **t, size_t *cap)
{
	return stdc_begin_within(argc, in, out, op, job, t, cap, STDC_MAX_STRING, STDC_MAX_STRING);
}

gtm_long_t stdc_begin_within(int argc, gtm_string_t *in, gtm_string_t *out, const char *op,
			     struct stdc_job *job, struct stdc_thread **t, size_t *cap,
			     size_t in_limit, size_t out_limit)
{
	if (argc < 2)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: needs (input, .output), got %d argument(s)",
				 op, argc);
	if (in == NULL || out == NULL || out->address == NULL || out->length < 0)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: missing input or output string", op);
	if (in->length < 0 || (size_t)in->length > in_limit ||
	    (in->length > 0 && in->address == NULL))
		return stdc_fail(STDC_E_BAD_ARGS, "%s: input length %ld is outside 0..%zu", op,
				 (long)in->length, in_limit);
	*cap = (size_t)out->length < out_limit ? (size_t)out->length : out_limit;
	out->length = 0;
	*t = stdc_thread_get();
	if (*t == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "%s: no memory for thread state", op);
	(*t)->held = 0;
	job->in = in->length > 0 ? (const unsigned char *)in->address : empty_input;
	job->in_len = (size_t)in->length;
	return STDC_OK;
}

static gtm_long_t too_large(void)
{
	return stdc_fail(STDC_E_OUTPUT_TOO_LARGE, "result exceeds the %d-byte string limit",
			 STDC_MAX_STRING);
}

gtm_long_t stdc_deliver(struct stdc_thread *t, const struct stdc_job *job, gtm_string_t *out,
			size_t cap)
{
	size_t len = 0;
	int r;

	/* Direct: the result should fit, or this is already the largest output there is. */
	if (job->estimate <= cap || cap >= STDC_MAX_STRING) {
		r = job->run(job, t, (unsigned char *)out->address, cap, &len);
		if (r == STDC_OK) {
			out->length = (gtm_long_t)len;
			return STDC_OK;
		}
		if (r != STDC_NOSPACE)
			return r;
		if (cap >= STDC_MAX_STRING)
			return too_large();
	}
	/* Staged: the caller declared a small output tier and the result may be larger. */
	if (t->staging == NULL && (t->staging = malloc(STDC_MAX_STRING)) == NULL)
		return stdc_fail(STDC_E_NO_MEMORY, "no memory for the staging buffer");
	r = job->run(job, t, t->staging, STDC_MAX_STRING, &len);
	if (r == STDC_NOSPACE)
		return too_large();
	if (r != STDC_OK)
		return r;
	if (len <= cap) {
		memcpy(out->address, t->staging, len);
		out->length = (gtm_long_t)len;
		return STDC_OK;
	}
	t->held = len;
	return (gtm_long_t)len;
}

gtm_long_t stdc_take(int argc, gtm_string_t *out)
{
	struct stdc_thread *t = thread_state;
	size_t held;

	if (argc < 1 || out == NULL || out->address == NULL || out->length < 0)
		return stdc_fail(STDC_E_BAD_ARGS, "take: needs (.output)");
	held = t != NULL ? t->held : 0;
	if (held == 0) {
		out->length = 0;
		return stdc_fail(STDC_E_NOTHING_HELD, "take: no result is held");
	}
	if ((size_t)out->length < held) {
		out->length = 0;
		return (gtm_long_t)held; /* still held: call a larger take */
	}
	memcpy(out->address, t->staging, held);
	out->length = (gtm_long_t)held;
	t->held = 0;
	return STDC_OK;
}

/* ---- informational entries ---- */

/* Copies text into out, cut to the capacity the caller declared. */
static gtm_long_t put_text(int argc, gtm_string_t *out, const char *op, const char *text)
{
	size_t n = strlen(text);

	if (argc < 1 || out == NULL || out->address == NULL || out->length < 0)
		return stdc_fail(STDC_E_BAD_ARGS, "%s: needs (.output)", op);
	if (n > (size_t)out->length)
		n = (size_t)out->length;
	memcpy(out->address, text, n);
	out->length = (gtm_long_t)n;
	return STDC_OK;
}

/* Appends printf-style text at text[*n..size), as far as it fits (*n stays below size). */
__attribute__((format(printf, 4, 5))) static void add(char *text, size_t size, size_t *n,
							  const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(text + *n, size - *n, fmt, ap);
	va_end(ap);
	if (k > 0)
		*n = (size_t)k < size - *n ? *n + (size_t)k : size - 1;
}

/* Linked explicitly, so a backend is missing only if the one loaded is unusable. */
gtm_long_t stdc_available(int argc, gtm_string_t *out)
{
	char missing[64] = "";
	size_t n = 0;

	for (size_t i = 0; i < stdc_codec_count; i++)
		for (const struct stdc_library *l = stdc_codecs[i]->libraries; l && l->name; l++)
			if (!l->usable())
				add(missing, sizeof(missing), &n, ",%s", l->name);
	return put_text(argc, out, "available", missing[0] ? missing + 1 : "");
}

/* Which codec libraries were linked: the pinned ones of third_party/codecs.lock (static, the
 * default) or the system's shared ones (invoke build --system-libs, for packagers). */
#ifdef STDC_BUNDLED_CODECS
#define STDC_CODECS "bundled"
#else
#define STDC_CODECS "system"
#endif

gtm_long_t stdc_versions(int argc, gtm_string_t *out)
{
	char text[200];
	size_t n = 0;

	add(text, sizeof(text), &n, "stdcompress=%s", STDC_VERSION);
	for (size_t i = 0; i < stdc_codec_count; i++)
		for (const struct stdc_library *l = stdc_codecs[i]->libraries; l && l->name; l++)
			add(text, sizeof(text), &n, ",%s=%s", l->name, l->version());
	add(text, sizeof(text), &n, ",codecs=%s", STDC_CODECS);
	return put_text(argc, out, "versions", text);
}

gtm_long_t stdc_last_error(int argc, gtm_string_t *out)
{
	char text[sizeof(last_error.message) + 24];

	if (last_error.code == STDC_OK)
		text[0] = '\0';
	else
		snprintf(text, sizeof(text), "%s %s", code_names[last_error.code],
			 last_error.message);
	return put_text(argc, out, "lastError", text);
}

/* Appends ";key=value" of each pair of the codecs' limits (or limits_later). */
static void add_limits(char *text, size_t size, size_t *n, int later)
{
	for (size_t i = 0; i < stdc_codec_count; i++)
		for (const struct stdc_limit *l = later ? stdc_codecs[i]->limits_later
							: stdc_codecs[i]->limits;
		     l && l->key; l++)
			add(text, size, n, ";%s=%ld", l->key, l->get ? (long)l->get() : l->value);
}

/* The codecs' limits, then the streams', then the codecs' later ones (the text's order). */
gtm_long_t stdc_limits(int argc, gtm_string_t *out)
{
	char text[1024];
	size_t n = 0;

	add(text, sizeof(text), &n, "max_string=%d", STDC_MAX_STRING);
	add_limits(text, sizeof(text), &n, 0);
	add(text, sizeof(text), &n, ";stream_min_output=%d;stream_max_workers=%d",
	    STDC_STREAM_MIN_OUTPUT, STDC_STREAM_MAX_WORKERS);
	add_limits(text, sizeof(text), &n, 1);
	return put_text(argc, out, "limits", text);
}

/* CRC-32 (the gzip/zlib one, as Python's zlib.crc32) of len bytes at data, continuing from crc
 * (0: a fresh checksum).  libdeflate's, which uses the CPU's carry-less multiply where it has
 * one: the same values as zlib's crc32 at several times its speed, and any length. */
gtm_long_t stdc_py_crc32(gtm_long_t crc, const void *data, size_t len)
{
	if (crc < 0 || crc > 0xFFFFFFFFL)
		return stdc_fail(STDC_E_BAD_ARGS, "crc32: crc %ld is outside 0..4294967295",
				 (long)crc);
	if (len == 0)
		return crc;
	if (data == NULL)
		return stdc_fail(STDC_E_BAD_ARGS, "crc32: no data for %zu byte(s)", len);
	return (gtm_long_t)libdeflate_crc32((uint32_t)crc, data, len);
}

/* crc32(data[,crc]) for M: the same CRC-32, of one string, continuing from crc (0 or omitted:
 * a fresh checksum), so a value of any size is checked piece by piece. */
gtm_long_t stdc_crc32(int argc, gtm_string_t *data, gtm_long_t crc)
{
	if (argc < 1 || data == NULL || data->length < 0 || data->length > STDC_MAX_STRING ||
	    (data->length > 0 && data->address == NULL))
		return stdc_fail(STDC_E_BAD_ARGS, "crc32: needs (data[,crc])");
	return stdc_py_crc32(argc < 2 ? 0 : crc, data->address, (size_t)data->length);
}
