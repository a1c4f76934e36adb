/* lz4stream_floor.c - what LZ4 itself costs for a stream of 8 KiB pages, with no bridge at
 * all: LZ4_*_continue in a double buffer and in a ring buffer, as a stream must do them.  The
 * floor under the "lz4 stream" rows (docs/lz4-stream.md): bench/lz4stream.py loads it into
 * the bench's process and times it interleaved with ours, on the same pages.
 *
 *   lz4s_floor_setup(data, n)    the pages to work on (n a multiple of 8 KiB; the caller
 *                                keeps data alive); 0, or -1 when out of memory
 *   lz4s_floor_compress(ring)    every page, against the previous ones (ring 0: a double
 *                                buffer, 1: a ring of 64 KiB + 2 pages); the bytes made
 *   lz4s_floor_decompress()      the double-buffer blocks of the last lz4s_floor_compress(0),
 *                                decoded in order into the page, then copied out (a result
 *                                must leave the page); the bytes decoded */
#include <lz4.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 8192
#define RING (65536 + 2 * PAGE)

static const char *data;
static size_t pages;
static char *blocks[2]; /* per strategy: pages blocks of LZ4_COMPRESSBOUND(PAGE) bytes */
static int *lens[2];

int lz4s_floor_setup(const char *d, size_t n)
{
	for (int s = 0; s < 2; s++) {
		free(blocks[s]);
		free(lens[s]);
		blocks[s] = malloc((n / PAGE) * LZ4_COMPRESSBOUND(PAGE) + 1);
		lens[s] = malloc((n / PAGE) * sizeof(int) + 1);
		if (blocks[s] == NULL || lens[s] == NULL)
			return -1;
	}
	data = d, pages = n / PAGE;
	return 0;
}

size_t lz4s_floor_compress(int ring)
{
	static char buf[RING];
	LZ4_stream_t *s = LZ4_createStream();
	size_t total = 0, pos = 0;

	if (s == NULL)
		return 0;
	for (size_t i = 0; i < pages; i++) {
		char *at = ring ? buf + pos : buf + (i & 1) * PAGE;

		memcpy(at, data + i * PAGE, PAGE);
		lens[ring][i] = LZ4_compress_fast_continue(s, at, blocks[ring] +
							   i * LZ4_COMPRESSBOUND(PAGE), PAGE,
							   LZ4_COMPRESSBOUND(PAGE), 1);
		total += (size_t)lens[ring][i];
		if (ring && (pos += PAGE) + PAGE > RING)
			pos = 0;
	}
	LZ4_freeStream(s);
	return total;
}

size_t lz4s_floor_decompress(void)
{
	static char page[2 * PAGE], out[PAGE];
	LZ4_streamDecode_t *sd = LZ4_createStreamDecode();
	size_t total = 0;

	if (sd == NULL)
		return 0;
	for (size_t i = 0; i < pages; i++) {
		int r = LZ4_decompress_safe_continue(sd, blocks[0] + i * LZ4_COMPRESSBOUND(PAGE),
						     page + (i & 1) * PAGE, lens[0][i], PAGE);

		if (r < 0)
			break;
		memcpy(out, page + (i & 1) * PAGE, (size_t)r);
		total += (size_t)r;
	}
	LZ4_freeStreamDecode(sd);
	return total;
}
