/* stream_driver.c - the stream entries (callouts/stream.c) as the M runtime calls them: argc
 * first, outputs preallocated to exactly their size (so memcheck and ASan see any overrun).
 * Round trips of every codec through every output tier with the pending protocol, the end of
 * stream and kept trailing bytes, the output cap, misuse (never opened, freed, wrong
 * direction, write while pending, argc), a truncated close, streams from several threads, and
 * handles left open when the library is unloaded, corrupt and truncated streams of every
 * codec (each failure path frees what it took).  Run under valgrind memcheck and under
 * ASan+LSan by tests/test_stream.py.
 *
 *   stream_driver LIBRARY     exit status: number of failed checks */
#include <dlfcn.h>

#include "driver.h"

/* The entries' own types from stdcompress.h: a pointer typed by hand with fewer parameters
 * than the entry has lets the callee write its stack-passed parameter slots into our frame. */
typedef __typeof__(&stdc_stream_open) open_fn;
typedef __typeof__(&stdc_stream_write) write_fn;
typedef __typeof__(&stdc_stream_read) out_h_fn;
typedef __typeof__(&stdc_handle_free) free_fn;
typedef __typeof__(&stdc_last_error) out_fn;

static open_fn s_open;
static write_fn s_write;
static out_h_fn s_read, s_flush, s_close, s_unused;
static free_fn handle_free;
static out_fn last_error, handle_stats;

static const char *error_text(void)
{
	static __thread char buf[512];
	gtm_string_t o = {sizeof(buf) - 1, buf};

	last_error(1, &o);
	buf[o.length] = 0;
	return buf;
}

/* A growing byte buffer for what a stream produces. */
struct sink {
	char *p;
	size_t n, cap;
};

static void put(struct sink *s, const char *p, size_t n)
{
	if (n == 0)
		return;
	if (s->n + n > s->cap) {
		s->cap = (s->n + n) * 2 + 1024;
		s->p = realloc(s->p, s->cap);
	}
	memcpy(s->p + s->n, p, n);
	s->n += n;
}

/* Calls fn (write when in != NULL) into an output of exactly cap bytes, appends what it
 * gives, and drains with streamRead while it says MORE.  Returns the final code. */
static gtm_long_t step(gtm_long_t h, gtm_string_t *in, out_h_fn fn, size_t cap, struct sink *s)
{
	gtm_string_t out = {(gtm_long_t)cap, malloc(cap)};
	gtm_long_t rc;

	out.address[0] = 0;
	rc = in != NULL ? s_write(3, in, &out, h, 0) : fn(2, &out, h);
	for (;;) {
		if (rc >= 0) {
			CHECK(out.length >= 0 && (size_t)out.length <= cap, "output %ld > %zu",
			      (long)out.length, cap);
			put(s, out.address, (size_t)out.length);
		}
		if (rc != STDC_STREAM_MORE)
			break;
		out.length = (gtm_long_t)cap;
		rc = s_read(2, &out, h);
	}
	free(out.address);
	return rc;
}

static void round_trip_workers(const char *codec, const char *plain, size_t n, size_t chunk,
			       size_t cap, gtm_long_t workers)
{
	gtm_string_t c = str(codec), dc = str("c"), dd = str("d");
	gtm_long_t level = strcmp(codec, "brotli") == 0 || strcmp(codec, "xz") == 0 ? 1 : 0;
	/* 1: brotli's default 11 is slow, xz's default 6 takes 94 MiB per stream */
	gtm_long_t hc = s_open(workers ? 6 : 3, &c, &dc, level, 0, NULL, workers, 0, 0);
	gtm_long_t hd = s_open(4, &c, &dd, 0, (gtm_long_t)n, NULL, 0, 0, 0);
	struct sink z = {0}, back = {0};
	gtm_long_t rc;

	CHECK(hc > 0 && hd > 0, "open %s: %s", codec, error_text());
	for (size_t off = 0; off < n; off += chunk) {
		gtm_string_t in = {(gtm_long_t)(n - off < chunk ? n - off : chunk), (char *)plain + off};

		CHECK(step(hc, &in, NULL, cap, &z) == 0, "write %s: %s", codec, error_text());
		if (off == chunk)
			CHECK(step(hc, NULL, s_flush, cap, &z) == 0, "flush %s", codec);
	}
	CHECK(step(hc, NULL, s_close, cap, &z) == 0, "close %s: %s", codec, error_text());
	put(&z, "TRAIL", 5);
	for (size_t off = 0; off < z.n; off += chunk / 2 + 1) {
		gtm_string_t in = {(gtm_long_t)(z.n - off < chunk / 2 + 1 ? z.n - off : chunk / 2 + 1),
				   z.p + off};

		rc = step(hd, &in, NULL, cap, &back);
		CHECK(rc == 0 || rc == STDC_STREAM_END, "decompress %s: %s", codec, error_text());
	}
	CHECK(back.n == n && (n == 0 || memcmp(back.p, plain, n) == 0), "%s round trip", codec);
	{
		char buf[16];
		gtm_string_t o = {4, buf};

		CHECK(s_unused(2, &o, hd) == 5 && o.length == 0, "unused too large for 4");
		o.length = sizeof(buf);
		CHECK(s_unused(2, &o, hd) == 0 && o.length == 5 && memcmp(buf, "TRAIL", 5) == 0,
		      "unused");
	}
	CHECK(step(hd, NULL, s_close, cap, &back) == 0, "close d %s: %s", codec, error_text());
	free(z.p);
	free(back.p);
}

static void round_trip(const char *codec, const char *plain, size_t n, size_t chunk, size_t cap)
{
	round_trip_workers(codec, plain, n, chunk, cap, 0);
}

static void misuse(void)
{
	gtm_string_t gz = str("gzip"), zs = str("zstd"), dc = str("c"), dd = str("d"), bad = str("q");
	gtm_string_t in = str("0123456789"), out = {1024, malloc(1024)}, tiny = {8, malloc(8)};
	gtm_long_t hc, hd;

	CHECK(s_open(1, &gz, NULL, 0, 0, NULL, 0, 0, 0) == -STDC_E_BAD_ARGS, "open argc 1");
	CHECK(s_open(2, &bad, &dc, 0, 0, NULL, 0, 0, 0) == -STDC_E_BAD_ARGS, "bad codec");
	CHECK(s_open(2, &gz, &bad, 0, 0, NULL, 0, 0, 0) == -STDC_E_BAD_ARGS, "bad direction");
	CHECK(s_open(3, &gz, &dc, 10, 0, NULL, 0, 0, 0) == -STDC_E_BAD_LEVEL, "bad level");
	CHECK(s_open(4, &gz, &dd, 0, -1, NULL, 0, 0, 0) == -STDC_E_BAD_ARGS, "bad cap");
	CHECK(s_open(6, &gz, &dc, 0, 0, NULL, 1, 0, 0) == -STDC_E_BAD_ARGS, "workers for gzip");
	CHECK(s_open(6, &zs, &dd, 0, 0, NULL, 1, 0, 0) == -STDC_E_BAD_ARGS,
	      "workers for a decompressor");
	CHECK(s_open(6, &zs, &dc, 0, 0, NULL, -1, 0, 0) == -STDC_E_BAD_ARGS, "workers -1");
	CHECK(s_open(6, &zs, &dc, 0, 0, NULL, STDC_STREAM_MAX_WORKERS + 1, 0, 0) == -STDC_E_BAD_ARGS,
	      "too many workers");
	CHECK(s_write(3, &in, &out, 999, 0) == -STDC_E_INVALID_HANDLE, "never opened");
	hc = s_open(2, &gz, &dc, 0, 0, NULL, 0, 0, 0);
	hd = s_open(2, &zs, &dd, 0, 0, NULL, 0, 0, 0);
	CHECK(hc > 0 && hd > 0, "open");
	CHECK(s_write(2, &in, &out, hc, 0) == -STDC_E_BAD_ARGS, "write argc 2");
	CHECK(s_read(1, &out, hc) == -STDC_E_BAD_ARGS, "read argc 1");
	CHECK(s_write(3, &in, &tiny, hc, 0) == -STDC_E_BAD_ARGS && tiny.length == 0, "tiny output");
	out.length = 1024;
	CHECK(s_flush(2, &out, hd) == -STDC_E_INVALID_HANDLE, "flush a decompressor");
	out.length = 1024;
	CHECK(s_unused(2, &out, hc) == -STDC_E_INVALID_HANDLE, "unused of a compressor");
	out.length = 1024;
	CHECK(s_write(3, &in, &out, hd, 0) == -STDC_E_LIBZSTD_FAIL, "not zstd: %s", error_text());
	out.length = 1024;
	CHECK(s_write(3, &in, &out, hd, 0) == -STDC_E_LIBZSTD_FAIL, "failure repeats");
	out.length = 1024;
	CHECK(s_close(2, &out, hd) == 0, "close after a failure frees");
	out.length = 1024;
	CHECK(s_close(2, &out, hd) == -STDC_E_INVALID_HANDLE, "double close");
	out.length = 1024;
	CHECK(s_close(2, &out, hc) == 0, "close");
	out.length = 1024;
	CHECK(s_write(3, &in, &out, hc, 0) == -STDC_E_INVALID_HANDLE, "use after close");
	/* a truncated stream: close says so and frees */
	hd = s_open(2, &gz, &dd, 0, 0, NULL, 0, 0, 0);
	{
		static const unsigned char head[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
		gtm_string_t h10 = {10, (char *)head};

		out.length = 1024;
		CHECK(s_write(3, &h10, &out, hd, 0) == 0, "header");
		out.length = 1024;
		CHECK(s_close(2, &out, hd) == -STDC_E_LIBZ_FAIL, "truncated close");
		CHECK(handle_free(1, hd) == -STDC_E_INVALID_HANDLE, "freed by close");
	}
	/* the cap */
	{
		char *zeros = calloc(1, 1 << 20);
		gtm_string_t c = str("zlib"), z = {1 << 20, zeros};
		struct sink comp = {0}, back = {0};

		hc = s_open(3, &c, &dc, 9, 0, NULL, 0, 0, 0);
		CHECK(step(hc, &z, NULL, 65536, &comp) == 0, "zeros");
		CHECK(step(hc, NULL, s_close, 65536, &comp) == 0, "zeros close");
		hd = s_open(4, &c, &dd, 0, 100000, NULL, 0, 0, 0);
		z = (gtm_string_t){(gtm_long_t)comp.n, comp.p};
		CHECK(step(hd, &z, NULL, 1024, &back) == -STDC_E_OUTPUT_TOO_LARGE, "cap: %s",
		      error_text());
		CHECK(back.n <= 100000, "cap respected");
		CHECK(handle_free(1, hd) == 0, "free capped");
		free(zeros);
		free(comp.p);
		free(back.p);
	}
	free(out.address);
	free(tiny.address);
}

/* Corrupt and truncated streams of every codec: each decode ends in a clean code, the failure
 * path frees what it allocated (memcheck, LeakSanitizer), and close frees the handle. */
static void corrupt(const char *plain, size_t n)
{
	static const char *const codecs[] = {"gzip", "deflate", "zlib", "zstd", "lz4", "brotli", "xz"};
	gtm_string_t dc = str("c"), dd = str("d");

	for (int c = 0; c < 7; c++) {
		gtm_string_t name = str(codecs[c]);
		gtm_long_t hc = s_open(3, &name, &dc, c >= 5 ? 1 : 0, 0, NULL, 0, 0, 0), rc;
		gtm_string_t in = {(gtm_long_t)n, (char *)plain};
		struct sink z = {0};

		CHECK(step(hc, &in, NULL, 65536, &z) == 0 && step(hc, NULL, s_close, 65536, &z) == 0,
		      "compress %s", codecs[c]);
		for (int k = 0; k < 12; k++) {
			struct sink back = {0};
			char *bad = malloc(z.n);
			size_t len = z.n;
			gtm_long_t hd = s_open(4, &name, &dd, 0, (gtm_long_t)(2 * n), NULL, 0, 0, 0);

			memcpy(bad, z.p, z.n);
			if (k < 6)
				len = z.n * (size_t)k / 6; /* truncated */
			else
				bad[(z.n * (size_t)(k - 6)) / 6 + 3] ^= (char)(1 << (k % 8)); /* a flip */
			in = (gtm_string_t){(gtm_long_t)len, bad};
			rc = len ? step(hd, &in, NULL, k % 2 ? 1024 : 65536, &back) : 0;
			CHECK(rc > -STDC_CODE_COUNT && rc <= STDC_STREAM_END, "%s case %d: %ld",
			      codecs[c], k, (long)rc);
			if (rc >= 0 && k < 6)
				CHECK(back.n <= n && memcmp(back.p ? back.p : "", plain, back.n) == 0,
				      "%s truncated: a prefix of the plaintext", codecs[c]);
			rc = step(hd, NULL, s_close, 1024, &back);
			CHECK(rc <= 0, "%s case %d close: %ld", codecs[c], k, (long)rc);
			CHECK(handle_free(1, hd) == -STDC_E_INVALID_HANDLE, "%s case %d: close frees",
			      codecs[c], k);
			free(bad);
			free(back.p);
		}
		free(z.p);
	}
}

static const char *thread_plain;
static size_t thread_n;

static void *thread_main(void *arg)
{
	const char *codec = arg;

	for (int i = 0; i < 3; i++)
		round_trip(codec, thread_plain, thread_n, 50000, 65536);
	return NULL;
}

int main(int argc, char **argv)
{
	static const char *const codecs[] = {"gzip", "deflate", "zlib", "zstd", "lz4", "brotli", "xz"};
	size_t n = 1500000;
	char *plain = malloc(n);
	pthread_t th[7];
	void *lib;

	if (argc < 2 || (lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "usage: stream_driver LIBRARY (%s)\n", dlerror());
		return 2;
	}
	s_open = (open_fn)dlsym(lib, "stdc_stream_open");
	s_write = (write_fn)dlsym(lib, "stdc_stream_write");
	s_read = (out_h_fn)dlsym(lib, "stdc_stream_read");
	s_flush = (out_h_fn)dlsym(lib, "stdc_stream_flush");
	s_close = (out_h_fn)dlsym(lib, "stdc_stream_close");
	s_unused = (out_h_fn)dlsym(lib, "stdc_stream_unused");
	handle_free = (free_fn)dlsym(lib, "stdc_handle_free");
	last_error = (out_fn)dlsym(lib, "stdc_last_error");
	handle_stats = (out_fn)dlsym(lib, "stdc_handle_stats");
	if (!s_open || !s_write || !s_read || !s_flush || !s_close || !s_unused || !handle_free ||
	    !last_error || !handle_stats) {
		fprintf(stderr, "missing symbol\n");
		return 2;
	}
	for (size_t i = 0; i < n; i++) /* text-like, with an incompressible stretch */
		plain[i] = (char)(i > 300000 && i < 340000 ? (i * 2654435761u) >> 13
							   : "stream driver, "[i % 15] + (i / 5000) % 5);
	for (int c = 0; c < 7; c++) {
		round_trip(codecs[c], plain, n, 1 << 20, 1024);
		round_trip(codecs[c], plain, n, 70000, 65536);
		round_trip(codecs[c], plain, n, 333333, STDC_MAX_STRING);
		round_trip(codecs[c], plain, 1000, 100, 16);
		round_trip(codecs[c], plain, 0, 100, 1024);
	}
	/* zstd with libzstd's worker threads: started, joined and freed by the library */
	round_trip_workers("zstd", plain, n, 333333, STDC_MAX_STRING, 1);
	round_trip_workers("zstd", plain, 1000, 100, 16, 2);
	misuse();
	corrupt(plain, 200000);
	thread_plain = plain;
	thread_n = 300000;
	for (int i = 0; i < 7; i++)
		pthread_create(&th[i], NULL, thread_main, (void *)codecs[i]);
	for (int i = 0; i < 7; i++)
		pthread_join(th[i], NULL);
	/* handles left open, some mid-stream: the library frees them when it is unloaded */
	for (int i = 0; i < 20; i++) {
		gtm_string_t c = str(codecs[i % 7]), d = str(i % 2 ? "c" : "d"), in = str("abc");
		gtm_string_t out = {1024, malloc(1024)};
		gtm_long_t h = s_open(2, &c, &d, 0, 0, NULL, 0, 0, 0);

		CHECK(h > 0, "left open");
		if (i % 2)
			s_write(3, &in, &out, h, 0);
		free(out.address);
	}
	{
		char buf[64];
		gtm_string_t o = {sizeof(buf) - 1, buf};

		CHECK(handle_stats(1, &o) == 0 && o.length > 0, "stats");
		buf[o.length] = 0;
		CHECK(strncmp(buf, "open=20;", 8) == 0, "stats says %s", buf);
	}
	dlclose(lib);
	free(plain);
	if (failures == 0)
		printf("stream_driver: all checks passed\n");
	return failures;
}
