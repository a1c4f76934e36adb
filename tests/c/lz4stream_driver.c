/* lz4stream_driver.c - the LZ4 stream and handle entries as the M runtime calls them (argc
 * first, outputs preallocated to exactly their size), without Python: round trips in every
 * output tier (held results collected with take), ring and double buffer, misuse of handles,
 * streams used from several threads, and handles left open when the library is unloaded
 * (dlclose): run under valgrind memcheck and under ASan+LSan by tests/test_lz4_stream.py, any
 * invalid access or definitely lost byte fails.
 *
 *   lz4stream_driver LIBRARY     exit status: number of failed checks */
#include <dlfcn.h>

#include "driver.h"

/* The entries' own types from stdcompress.h, so a changed entry cannot be called wrongly. */
typedef __typeof__(&stdc_lz4s_compress_open) open_c_fn;
typedef __typeof__(&stdc_lz4s_decompress_open) open_d_fn;
typedef __typeof__(&stdc_lz4s_compress) op_fn;
typedef __typeof__(&stdc_lz4s_get_block) get_fn;
typedef __typeof__(&stdc_handle_free) free_fn;
typedef __typeof__(&stdc_take) out_fn;
typedef __typeof__(&stdc_handle_info) info_fn;

typedef __typeof__(&stdc_lz4s_py_compress_open) py_open_c_fn;
typedef __typeof__(&stdc_lz4s_py_decompress_open) py_open_d_fn;
typedef __typeof__(&stdc_lz4s_py_compress) py_op_fn;
typedef __typeof__(&stdc_lz4s_py_result) py_result_fn;
typedef __typeof__(&stdc_lz4s_py_locate) py_locate_fn;

static py_open_c_fn py_open_c;
static py_open_d_fn py_open_d;
static py_op_fn py_compress, py_decompress;
static py_result_fn py_result;
static py_locate_fn py_locate;
static open_c_fn open_c;
static open_d_fn open_d;
static op_fn compress, decompress;
static get_fn get_block;
static free_fn handle_free;
static out_fn take, last_error, handle_stats;
static info_fn handle_info;

static const char *error_text(void)
{
	static char buf[512];
	gtm_string_t o = {sizeof(buf) - 1, buf};

	last_error(1, &o);
	buf[o.length] = 0;
	return buf;
}

/* getBlock as M calls it without an offset (argc 3: the offset is not read). */
static gtm_long_t get_block_at0(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t h)
{
	return get_block(argc, in, out, h, 0);
}

/* Runs op into an output of cap bytes; a held result is collected with a 1 MiB take. */
static gtm_long_t call(op_fn op, gtm_string_t *in, size_t cap, gtm_long_t h, gtm_string_t *res)
{
	gtm_string_t out = output(cap);
	gtm_long_t rc = op(3, in, &out, h);

	if (rc > 0) {
		free(out.address);
		out = output(STDC_MAX_STRING);
		rc = take(1, &out);
	}
	*res = out;
	return rc;
}

/* One stream of n bytes in chunks of bs through every output tier in turn. */
static void round_trip(const char *strategy, const char *mode, size_t bs, long width,
		       const char *plain, size_t n)
{
	static const size_t caps[] = {1024, 65536, STDC_MAX_STRING, 7};
	gtm_string_t m = str(mode), st = str(strategy), dict = str("the dictionary of the driver");
	gtm_long_t hc = open_c(6, (gtm_long_t)bs, width, &m, 0, &dict, &st);
	gtm_long_t hd = open_d(4, (gtm_long_t)bs, width, &dict, &st);
	size_t k = 0;

	CHECK(hc > 0 && hd > 0, "open %s %s: %s", strategy, mode, error_text());
	for (size_t off = 0; off < n; off += bs, k++) {
		size_t len = n - off < bs ? n - off : bs;
		gtm_string_t chunk = {(gtm_long_t)len, (char *)plain + off}, block, raw, back;
		gtm_long_t rc = call(compress, &chunk, caps[k % 4], hc, &block);

		CHECK(rc == 0, "compress %s %s at %zu: %s", strategy, mode, off, error_text());
		if (width > 0) {
			rc = call(get_block_at0, &block, caps[(k + 1) % 4], hd, &raw);
			CHECK(rc == 0 && raw.length + width == block.length, "get_block");
		} else {
			raw = (gtm_string_t){block.length, malloc((size_t)block.length + 1)};
			memcpy(raw.address, block.address, (size_t)block.length);
		}
		rc = call(decompress, &raw, caps[(k + 2) % 4], hd, &back);
		CHECK(rc == 0 && back.length == (gtm_long_t)len &&
			      memcmp(back.address, plain + off, len) == 0,
		      "decompress %s %s at %zu: %s", strategy, mode, off, error_text());
		free(block.address);
		free(raw.address);
		free(back.address);
	}
	CHECK(handle_free(1, hc) == 0 && handle_free(1, hd) == 0, "free");
}

static void misuse(void)
{
	gtm_string_t in = str("some data"), out = output(1024), m = str("fast"), bad = str("nope");
	gtm_long_t hc = open_c(1, 4096, 0, NULL, 0, NULL, NULL), hd = open_d(1, 4096, 0, NULL, NULL);

	CHECK(hc > 0 && hd > 0, "open with defaults: %s", error_text());
	CHECK(compress(3, &in, &out, hd) == -STDC_E_INVALID_HANDLE, "wrong kind");
	{
		char buf[8];
		gtm_string_t o = {sizeof(buf), buf}; /* too small: the text is cut, never overrun */

		CHECK(handle_info(2, &o, hd) == 0 && o.length == 8 && memcmp(buf, "kind=lz4", 8) == 0,
		      "handle_info cut to its output");
		o.length = sizeof(buf);
		CHECK(handle_info(1, &o, hd) == -STDC_E_BAD_ARGS && o.length == 0, "info argc 1");
	}
	CHECK(compress(3, &in, &out, 12345) == -STDC_E_INVALID_HANDLE, "never opened");
	CHECK(compress(3, &in, &out, 0) == -STDC_E_INVALID_HANDLE, "handle 0");
	CHECK(compress(2, &in, &out, hc) == -STDC_E_BAD_ARGS, "argc 2");
	CHECK(decompress(0, NULL, NULL, 0) == -STDC_E_BAD_ARGS, "argc 0");
	CHECK(get_block(2, &in, &out, 0, 0) == -STDC_E_BAD_ARGS, "get_block argc 2");
	CHECK(open_c(0, 0, 0, NULL, 0, NULL, NULL) == -STDC_E_BAD_ARGS, "open argc 0");
	CHECK(open_c(3, 4096, 4, &bad, 0, NULL, NULL) == -STDC_E_BAD_ARGS, "bad mode");
	CHECK(open_c(6, 4096, 4, &m, 0, NULL, &bad) == -STDC_E_BAD_ARGS, "bad strategy");
	CHECK(open_c(2, 4096, 3, NULL, 0, NULL, NULL) == -STDC_E_BAD_ARGS, "bad width");
	CHECK(open_c(2, 240, 1, NULL, 0, NULL, NULL) == -STDC_E_LIBLZ4_FAIL, "width 1, 240");
	CHECK(open_d(1, STDC_MAX_STRING + 1, 0, NULL, NULL) == -STDC_E_BAD_ARGS, "huge");
	CHECK(handle_free(0, hc) == -STDC_E_BAD_ARGS, "free argc 0");
	CHECK(handle_free(1, hc) == 0, "free");
	CHECK(handle_free(1, hc) == -STDC_E_INVALID_HANDLE, "double free");
	CHECK(compress(3, &in, &out, hc) == -STDC_E_INVALID_HANDLE, "use after free");
	/* the freed slot is reused with a new generation: the old handle stays invalid */
	{
		gtm_long_t again = open_c(1, 4096, 0, NULL, 0, NULL, NULL);

		CHECK(again > 0 && again != hc, "reopen");
		CHECK(compress(3, &in, &out, hc) == -STDC_E_INVALID_HANDLE, "stale after reuse");
		CHECK(handle_free(1, again) == 0, "free again");
	}
	/* a corrupt block fails and leaves the stream as it was */
	{
		gtm_string_t junk = {3, "\xff\xff\xff"};

		CHECK(decompress(3, &junk, &out, hd) == -STDC_E_LIBLZ4_FAIL, "corrupt");
	}
	CHECK(handle_free(1, hd) == 0, "free hd");
	free(out.address);
}

/* The Python bridge's entries: chunks past 1 MiB, an output too small for the chunk (collected
 * with py_result), the decompressor's buffer growing, the M entries refusing such contexts. */
static void python_entries(const char *plain, size_t n)
{
	size_t bs = 3 * 1024 * 1024 + 17, cap = bs + bs / 255 + 20, start = 0;
	char *chunk = malloc(bs), *block = malloc(cap), *back = malloc(bs);
	gtm_string_t m = str("default"), st = str("double_buffer"), none = str("");
	gtm_string_t in = str("abc"), out = output(1024);
	gtm_long_t hc = py_open_c((gtm_long_t)bs, 4, &m, 1, &none, &st);
	gtm_long_t hd = py_open_d(8 * (gtm_long_t)bs, 4, &none, &st), len, got;

	CHECK(hc > 0 && hd > 0, "py open: %s", error_text());
	for (size_t i = 0; i < bs; i++)
		chunk[i] = plain[i % n];
	len = py_compress(hc, chunk, bs, block, cap);
	CHECK(len > 4 && len <= (gtm_long_t)cap, "py compress: %s", error_text());
	CHECK(py_locate(hd, block, (size_t)len, 0, &start) == len - 4 && start == 4, "py locate");
	CHECK(py_locate(hd, block, (size_t)len, 1, &start) == -STDC_E_LIBLZ4_FAIL, "cut prefix");
	CHECK(py_locate(hd, block, 2, 0, &start) == -STDC_E_LIBLZ4_FAIL, "short");
	CHECK(py_locate(hd, block, 2, 3, &start) == -STDC_E_BAD_ARGS, "offset past");
	got = py_decompress(hd, block + 4, (size_t)len - 4, back, 1000); /* too small: kept */
	CHECK(got == (gtm_long_t)bs, "py decompress: %s", error_text());
	CHECK(py_result(hd, back, 1000) == -STDC_E_BAD_ARGS, "result too small");
	CHECK(py_result(hd, back, bs) == (gtm_long_t)bs && memcmp(back, chunk, bs) == 0,
	      "py result");
	CHECK(py_compress(hc, chunk, bs + 1, block, cap) == -STDC_E_BAD_ARGS, "chunk over bs");
	CHECK(py_compress(hc, chunk, 100, block, 10) == -STDC_E_BAD_ARGS, "output too small");
	CHECK(py_compress(hc, NULL, 5, block, cap) == -STDC_E_BAD_ARGS, "NULL chunk");
	CHECK(py_decompress(hd, "\xff\xff\xff", 3, back, bs) == -STDC_E_LIBLZ4_FAIL, "corrupt");
	CHECK(py_decompress(hc, block, 4, back, bs) == -STDC_E_INVALID_HANDLE, "wrong kind");
	CHECK(compress(3, &in, &out, hc) == -STDC_E_BAD_ARGS, "M entry, large compressor");
	CHECK(decompress(3, &in, &out, hd) == -STDC_E_BAD_ARGS, "M entry, large decompressor");
	CHECK(py_open_d(0x100000000L, 4, &none, &st) == -STDC_E_BAD_ARGS, "over 32 bits");
	CHECK(handle_free(1, hc) == 0 && handle_free(1, hd) == 0, "py free");
	free(out.address);
	free(chunk);
	free(block);
	free(back);
}

static const char *thread_plain;
static size_t thread_n;

static void *thread_main(void *arg)
{
	round_trip((const char *)arg, "default", 8192, 4, thread_plain, thread_n);
	return NULL;
}

int main(int argc, char **argv)
{
	size_t n = 400000;
	char *plain = malloc(n);
	void *lib;
	pthread_t th[4];

	if (argc < 2) {
		fprintf(stderr, "usage: lz4stream_driver LIBRARY\n");
		return 2;
	}
	if ((lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "%s\n", dlerror());
		return 2;
	}
	open_c = (open_c_fn)dlsym(lib, "stdc_lz4s_compress_open");
	open_d = (open_d_fn)dlsym(lib, "stdc_lz4s_decompress_open");
	compress = (op_fn)dlsym(lib, "stdc_lz4s_compress");
	decompress = (op_fn)dlsym(lib, "stdc_lz4s_decompress");
	get_block = (get_fn)dlsym(lib, "stdc_lz4s_get_block");
	handle_free = (free_fn)dlsym(lib, "stdc_handle_free");
	take = (out_fn)dlsym(lib, "stdc_take");
	last_error = (out_fn)dlsym(lib, "stdc_last_error");
	handle_stats = (out_fn)dlsym(lib, "stdc_handle_stats");
	handle_info = (info_fn)dlsym(lib, "stdc_handle_info");
	py_open_c = (py_open_c_fn)dlsym(lib, "stdc_lz4s_py_compress_open");
	py_open_d = (py_open_d_fn)dlsym(lib, "stdc_lz4s_py_decompress_open");
	py_compress = (py_op_fn)dlsym(lib, "stdc_lz4s_py_compress");
	py_decompress = (py_op_fn)dlsym(lib, "stdc_lz4s_py_decompress");
	py_result = (py_result_fn)dlsym(lib, "stdc_lz4s_py_result");
	py_locate = (py_locate_fn)dlsym(lib, "stdc_lz4s_py_locate");
	if (!open_c || !open_d || !compress || !decompress || !get_block || !handle_free || !take ||
	    !last_error || !handle_stats || !handle_info || !py_open_c || !py_open_d ||
	    !py_compress || !py_decompress || !py_result || !py_locate) {
		fprintf(stderr, "missing symbol\n");
		return 2;
	}
	for (size_t i = 0; i < n; i++) /* text-like, with an incompressible stretch */
		plain[i] = (char)(i > 300000 && i < 340000 ? (i * 2654435761u) >> 13
							   : "lz4 stream driver, "[i % 19] + (i / 5000) % 5);
	for (int s = 0; s < 2; s++) {
		const char *strategy = s ? "ring_buffer" : "double_buffer";

		round_trip(strategy, "default", 8192, 4, plain, n);
		round_trip(strategy, "fast", 70000, 4, plain, n);
		round_trip(strategy, "high_compression", 8192, 2, plain, n);
		round_trip(strategy, "default", 239, 1, plain, 20000);
		round_trip(strategy, "default", 1000, 0, plain, n);
		round_trip(strategy, "default", 1000000, 4, plain, n);
	}
	misuse();
	python_entries(plain, n);
	thread_plain = plain;
	thread_n = n;
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, thread_main, i % 2 ? "ring_buffer" : "double_buffer");
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	/* handles left open: the library frees them when it is unloaded */
	for (int i = 0; i < 50; i++) {
		gtm_string_t m = str(i % 2 ? "high_compression" : "default"), d = str("dict");

		CHECK(open_c(5, 8192, 4, &m, 0, &d, NULL) > 0, "left open");
		CHECK(open_d(3, 8192, 4, &d, NULL) > 0, "left open");
	}
	{
		char buf[64];
		gtm_string_t o = {sizeof(buf) - 1, buf};

		CHECK(handle_stats(1, &o) == 0 && o.length > 0, "stats");
		buf[o.length] = 0;
		CHECK(strncmp(buf, "open=100;", 9) == 0, "stats says %s", buf);
	}
	dlclose(lib);
	free(plain);
	if (failures == 0)
		printf("lz4stream_driver: all checks passed\n");
	return failures;
}
