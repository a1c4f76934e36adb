/* zstdstream_floor.c - what libzstd itself costs to stream, with no bridge at all: 16 MiB at
 * level 3 with a checksum, as 16 one-shot frames of 1 MiB (ZSTD_compress2 /
 * ZSTD_decompressDCtx) against one stream fed 1 MiB at a time into a 1 MiB output
 * (ZSTD_compressStream2 / ZSTD_decompressStream: what any stream of any length must do).  The
 * data are the bench's: the file's first MiB, copy i with its byte values shifted by i.  The
 * floor under the "stream zstd" rows of the bench (docs/streaming.md).
 *
 *   cc -O2 bench/zstdstream_floor.c -lzstd -o build/zstdstream_floor
 *   build/zstdstream_floor FILE      (best of 7 runs of each) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zstd.h>

#define MIB (1 << 20)
#define COUNT 16
#define RUNS 7

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static unsigned char data[COUNT * MIB], out[MIB], plain[MIB];
static unsigned char *frames[COUNT];
static size_t frame_len[COUNT];
static unsigned char *stream;
static size_t stream_len;

static void check(size_t r, const char *what)
{
	if (ZSTD_isError(r)) {
		fprintf(stderr, "%s: %s\n", what, ZSTD_getErrorName(r));
		exit(1);
	}
}

static size_t oneshot_compress(ZSTD_CCtx *c)
{
	size_t total = 0;

	for (int i = 0; i < COUNT; i++) {
		size_t r = ZSTD_compress2(c, frames[i], ZSTD_compressBound(MIB), data + (size_t)i * MIB, MIB);

		check(r, "ZSTD_compress2");
		frame_len[i] = r;
		total += r;
	}
	return total;
}

static size_t stream_compress(ZSTD_CCtx *c)
{
	size_t r;

	stream_len = 0;
	check(ZSTD_CCtx_reset(c, ZSTD_reset_session_only), "reset");
	for (int i = 0; i <= COUNT; i++) {
		ZSTD_inBuffer in = {data + (size_t)i * MIB, i < COUNT ? MIB : 0, 0};

		do {
			ZSTD_outBuffer o = {out, MIB, 0};

			r = ZSTD_compressStream2(c, &o, &in, i < COUNT ? ZSTD_e_continue : ZSTD_e_end);
			check(r, "ZSTD_compressStream2");
			memcpy(stream + stream_len, out, o.pos);
			stream_len += o.pos;
		} while (in.pos < in.size || (i == COUNT && r != 0));
	}
	return stream_len;
}

static void oneshot_decompress(ZSTD_DCtx *d)
{
	for (int i = 0; i < COUNT; i++)
		check(ZSTD_decompressDCtx(d, plain, MIB, frames[i], frame_len[i]), "ZSTD_decompressDCtx");
}

static void stream_decompress(ZSTD_DCtx *d)
{
	size_t got = 0, r = 1;

	check(ZSTD_DCtx_reset(d, ZSTD_reset_session_only), "reset");
	for (size_t at = 0; at < stream_len; at += MIB) {
		ZSTD_inBuffer in = {stream + at, stream_len - at < MIB ? stream_len - at : MIB, 0};
		ZSTD_outBuffer o;

		do {
			o = (ZSTD_outBuffer){plain, MIB, 0};
			r = ZSTD_decompressStream(d, &o, &in);
			check(r, "ZSTD_decompressStream");
			got += o.pos;
		} while (in.pos < in.size || o.pos == o.size);
	}
	if (r != 0 || got != (size_t)COUNT * MIB) {
		fprintf(stderr, "stream decompression gave %zu bytes\n", got);
		exit(1);
	}
}

static double best(void (*f)(void *), void *arg)
{
	double b = 1e9;

	for (int i = 0; i < RUNS; i++) {
		double t = now();

		f(arg);
		t = now() - t;
		if (t < b)
			b = t;
	}
	return b;
}

static void run_oc(void *c) { oneshot_compress(c); }
static void run_sc(void *c) { stream_compress(c); }
static void run_od(void *d) { oneshot_decompress(d); }
static void run_sd(void *d) { stream_decompress(d); }

int main(int argc, char **argv)
{
	FILE *f;
	size_t n;

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: %s FILE (at least 1 MiB)\n", argv[0]);
		return 2;
	}
	n = fread(data, 1, MIB, f);
	fclose(f);
	if (n != MIB) {
		fprintf(stderr, "%s: shorter than 1 MiB\n", argv[1]);
		return 2;
	}
	for (int i = 1; i < COUNT; i++)
		for (size_t j = 0; j < MIB; j++)
			data[(size_t)i * MIB + j] = (unsigned char)(data[j] + i);
	for (int i = 0; i < COUNT; i++)
		frames[i] = malloc(ZSTD_compressBound(MIB));
	stream = malloc(ZSTD_compressBound((size_t)COUNT * MIB));

	ZSTD_CCtx *c = ZSTD_createCCtx();
	ZSTD_DCtx *d = ZSTD_createDCtx();

	check(ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3), "level");
	check(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1), "checksum");
	size_t one = oneshot_compress(c), str = stream_compress(c);
	double oc = best(run_oc, c), sc = best(run_sc, c), od = best(run_od, d), sd = best(run_sd, d);

	printf("libzstd %s, 16 MiB, level 3, checksum; best of %d\n", ZSTD_versionString(), RUNS);
	printf("compress    one-shot %7.2f ms  stream %7.2f ms  stream/one-shot speed %.2fx\n",
	       oc * 1e3, sc * 1e3, oc / sc);
	printf("decompress  one-shot %7.2f ms  stream %7.2f ms  stream/one-shot speed %.2fx\n",
	       od * 1e3, sd * 1e3, od / sd);
	printf("size        one-shot %zu B  stream %zu B\n", one, str);
	ZSTD_freeCCtx(c);
	ZSTD_freeDCtx(d);
	for (int i = 0; i < COUNT; i++)
		free(frames[i]);
	free(stream);
	return 0;
}
