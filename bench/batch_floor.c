/* batch_floor.c - libzstd's own one-shot decoder over every frame of a batch, one thread, from
 * C: the floor under the "batches of small records" decompression rows (bench/batch.py loads
 * it into the bench's process and times it interleaved with ours).  Frames come as the batch
 * API's (offset, length) pairs of native uint64; the records go one after another into dst. */
#include <stddef.h>
#include <stdint.h>
#include <zstd.h>

/* Bytes decoded in all, or -1 when a frame does not decode or dst is full. */
long long batch_floor_zstd_decompress(const unsigned char *src, const uint64_t *pairs,
				      size_t count, unsigned char *dst, size_t cap)
{
	static ZSTD_DCtx *d;
	size_t done = 0;

	if (d == NULL && (d = ZSTD_createDCtx()) == NULL)
		return -1;
	for (size_t i = 0; i < count; i++) {
		size_t r = ZSTD_decompressDCtx(d, dst + done, cap - done, src + pairs[2 * i],
					       pairs[2 * i + 1]);

		if (ZSTD_isError(r))
			return -1;
		done += r;
	}
	return (long long)done;
}
