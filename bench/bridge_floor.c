/* bridge_floor.c - the codec library's own one-shot calls made from C on the bytes the bridge
 * works on, into a warm buffer: the floor under the "bridge, 1 MiB items" decompression rows
 * and the zstd compression row (ours and python-zstandard both call these functions; neither
 * can beat them).  bench/bridge.py loads it into the bench's process and times it interleaved
 * with ours and the peer, so all three see the same moments of the machine.
 *
 *   bridge_floor_run(FORMAT, in, n): one call; FORMAT gzip, raw, zlib or zstd decodes, zstd-3
 *   compresses at level 3 with a checksum on a reused context.  Returns the result's size, or
 *   0 when the call failed. */
#include <libdeflate.h>
#include <stddef.h>
#include <string.h>
#include <zstd.h>

#define OUT_MAX (1 << 20)

static unsigned char out[OUT_MAX];

size_t bridge_floor_run(const char *format, const unsigned char *in, size_t n)
{
	static struct libdeflate_decompressor *d;
	static ZSTD_DCtx *z;
	static ZSTD_CCtx *c;
	enum libdeflate_result r = LIBDEFLATE_SUCCESS;
	size_t made = 0;

	if (d == NULL && (d = libdeflate_alloc_decompressor()) == NULL)
		return 0;
	if (z == NULL && (z = ZSTD_createDCtx()) == NULL)
		return 0;
	if (c == NULL) {
		if ((c = ZSTD_createCCtx()) == NULL)
			return 0;
		ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
		ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	}
	if (strcmp(format, "gzip") == 0)
		r = libdeflate_gzip_decompress(d, in, n, out, OUT_MAX, &made);
	else if (strcmp(format, "raw") == 0)
		r = libdeflate_deflate_decompress(d, in, n, out, OUT_MAX, &made);
	else if (strcmp(format, "zlib") == 0)
		r = libdeflate_zlib_decompress(d, in, n, out, OUT_MAX, &made);
	else if (strcmp(format, "zstd-3") == 0)
		made = ZSTD_compress2(c, out, OUT_MAX, in, n);
	else
		made = ZSTD_decompressDCtx(z, out, OUT_MAX, in, n);
	return r != LIBDEFLATE_SUCCESS || ZSTD_isError(made) ? 0 : made;
}
