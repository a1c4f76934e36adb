/* lz4stream_floor.c - what LZ4 itself costs for 10 MiB in 8 KiB pages, with no bridge at all:
 * one-shot blocks (python-lz4's lz4.block does this) against LZ4_*_continue in a double buffer
 * and a ring buffer (what a stream must do), compression and decompression.  The floor under
 * the "lz4 stream" rows of the bench (docs/lz4-stream.md).
 *
 *   cc -O2 bench/lz4stream_floor.c -llz4 -o build/lz4stream_floor
 *   build/lz4stream_floor FILE      (its first 10 MiB, repeated if shorter) */
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIZE (10 << 20)
#define PAGE 8192
#define NB (SIZE / PAGE)
#define RING (65536 + 2 * PAGE)

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static char *blocks[NB];
static int lens[NB];

int main(int argc, char **argv)
{
	static char data[SIZE], out[PAGE], dbuf[2 * PAGE], ring[RING];
	double best[5] = {1e9, 1e9, 1e9, 1e9, 1e9}, t;
	size_t have = 0, total[3] = {0, 0, 0};
	FILE *f;

	if (argc < 2 || (f = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: lz4stream_floor FILE\n");
		return 2;
	}
	have = fread(data, 1, SIZE, f);
	fclose(f);
	if (have == 0)
		return 2;
	for (size_t i = have; i < SIZE; i++)
		data[i] = data[i % have];
	for (int i = 0; i < NB; i++)
		blocks[i] = malloc(LZ4_COMPRESSBOUND(PAGE));
	for (int rep = 0; rep < 7; rep++) {
		LZ4_stream_t *s = LZ4_createStream();
		LZ4_streamDecode_t *sd = LZ4_createStreamDecode();
		size_t pos = 0;
		int pg = 0;

		/* one-shot: compress, then decompress */
		total[0] = 0;
		t = now();
		for (int i = 0; i < NB; i++)
			total[0] += (size_t)(lens[i] = LZ4_compress_default(
					     data + (size_t)i * PAGE, blocks[i], PAGE, LZ4_COMPRESSBOUND(PAGE)));
		if ((t = now() - t) < best[0])
			best[0] = t;
		t = now();
		for (int i = 0; i < NB; i++)
			LZ4_decompress_safe(blocks[i], out, lens[i], PAGE);
		if ((t = now() - t) < best[1])
			best[1] = t;
		/* double buffer: chunk copied into the page, compressed against the previous one */
		total[1] = 0;
		t = now();
		for (int i = 0; i < NB; i++, pg ^= 1) {
			memcpy(dbuf + pg * PAGE, data + (size_t)i * PAGE, PAGE);
			total[1] += (size_t)(lens[i] = LZ4_compress_fast_continue(
					     s, dbuf + pg * PAGE, blocks[i], PAGE, LZ4_COMPRESSBOUND(PAGE), 1));
		}
		if ((t = now() - t) < best[2])
			best[2] = t;
		pg = 0;
		t = now(); /* decoded into the page, then copied out (the result must leave it) */
		for (int i = 0; i < NB; i++, pg ^= 1) {
			int r = LZ4_decompress_safe_continue(sd, blocks[i], dbuf + pg * PAGE, lens[i],
							     PAGE);
			memcpy(out, dbuf + pg * PAGE, (size_t)r);
		}
		if ((t = now() - t) < best[3])
			best[3] = t;
		/* ring buffer of 64 KiB + 2 pages */
		LZ4_resetStream_fast(s);
		LZ4_setStreamDecode(sd, NULL, 0);
		total[2] = 0;
		t = now();
		for (int i = 0; i < NB; i++, pos += PAGE) {
			if (pos + PAGE > RING)
				pos = 0;
			memcpy(ring + pos, data + (size_t)i * PAGE, PAGE);
			total[2] += (size_t)(lens[i] = LZ4_compress_fast_continue(
					     s, ring + pos, blocks[i], PAGE, LZ4_COMPRESSBOUND(PAGE), 1));
		}
		if ((t = now() - t) < best[4])
			best[4] = t;
		LZ4_freeStream(s);
		LZ4_freeStreamDecode(sd);
	}
	printf("10 MiB in 8 KiB pages, liblz4 %s, best of 7\n", LZ4_versionString());
	printf("one-shot        compress %6.2f ms  decompress %5.2f ms  %zu bytes\n",
	       best[0] * 1e3, best[1] * 1e3, total[0]);
	printf("double buffer   compress %6.2f ms  decompress %5.2f ms  %zu bytes (+copy out)\n",
	       best[2] * 1e3, best[3] * 1e3, total[1]);
	printf("ring buffer     compress %6.2f ms                      %zu bytes\n", best[4] * 1e3,
	       total[2]);
	return 0;
}
