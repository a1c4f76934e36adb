/* runtime_floor.c - the M runtime's own cost of a call, and the C floor's work made as a call.
 * Loaded by the bench from its own table (package stdcbench), never by the library's.
 *
 *   declare, declare1k: a call-out that does no work.  It passes the job's input and returns
 *   an n-byte result through an output declared as large as the library's (1 MiB) or as its
 *   small tier (1 KiB).  This is the floor under the "engine (GT.M)" rows: for 1 MiB items
 *   engine time <= the bridge's time + this, for 100 B items the C floor + this.  The result's
 *   bytes are left as the runtime allocated them: copying them in would be work, and this
 *   measures the runtime alone.
 *
 *   zstd1k, gzip1k: bench/engine_floor.c's work (zstd -3 with a checksum on a reused context;
 *   gzip -6 by zlib on a reused stream with the smallest window and memLevel 1), made as a
 *   call-out with a two-entry-deep table.  It is the least any call-out doing the job costs in
 *   the runtime: the bare call's cost, and the runtime's effect on the C work itself (its cache
 *   traffic between calls), which the C loop alone never sees.  Linked with the bundled codecs,
 *   their symbols hidden from the library's own copies. */
#include "stdcompress.h"

#include <libdeflate.h>
#include <zlib.h>
#include <zstd.h>

gtm_long_t stdcbench_declare(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t n)
{
	(void)in;
	if (argc != 3 || n < 0 || n > 1048576)
		return 1;
	out->length = (gtm_long_t)n;
	return 0;
}

gtm_long_t stdcbench_zstd(int argc, gtm_string_t *in, gtm_string_t *out)
{
	static ZSTD_CCtx *c;
	size_t r;

	if (argc != 2)
		return 1;
	if (c == NULL && (c = ZSTD_createCCtx()) != NULL) {
		ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
		ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	}
	if (c == NULL)
		return 1;
	r = ZSTD_compress2(c, out->address, (size_t)out->length, in->address, (size_t)in->length);
	if (ZSTD_isError(r))
		return 1;
	out->length = (gtm_long_t)r;
	return 0;
}

gtm_long_t stdcbench_gzip(int argc, gtm_string_t *in, gtm_string_t *out)
{
	static z_stream z;
	static int ready;

	if (argc != 2 || in->length > 512)
		return 1;
	/* the 512-byte window (9 bits) holds any item this floor takes; gzip wrapper (+16) */
	if (!ready && deflateInit2(&z, 6, Z_DEFLATED, 9 + 16, 1, Z_DEFAULT_STRATEGY) != Z_OK)
		return 1;
	ready = 1;
	z.next_in = (unsigned char *)in->address, z.avail_in = (uInt)in->length;
	z.next_out = (unsigned char *)out->address, z.avail_out = (uInt)out->length;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		return 1;
	out->length = (gtm_long_t)((size_t)out->length - z.avail_out);
	return deflateReset(&z) != Z_OK;
}

/* gzip1m, gunzip1m, zstdCompress1m (stdcbench_zstd), zstdDecompress1m (1 MiB output): the C
 * library's one-shot calls the library makes for a 1 MiB item (libdeflate at level 6,
 * ZSTD_compress2 at -3 with a checksum, libdeflate's and libzstd's decoders) on reused state,
 * made as call-outs: the floor under the "engine (GT.M), 1 MiB items" rows, timed in the same
 * M process as ours. */

static gtm_long_t result(gtm_string_t *out, size_t n, int ok)
{
	if (!ok)
		return 1;
	out->length = (gtm_long_t)n;
	return 0;
}

gtm_long_t stdcbench_gzip1m(int argc, gtm_string_t *in, gtm_string_t *out)
{
	static struct libdeflate_compressor *c;

	if (argc != 2 || (c == NULL && (c = libdeflate_alloc_compressor(6)) == NULL))
		return 1;
	size_t n = libdeflate_gzip_compress(c, in->address, (size_t)in->length, out->address,
					    (size_t)out->length);
	return result(out, n, n > 0);
}

gtm_long_t stdcbench_gunzip1m(int argc, gtm_string_t *in, gtm_string_t *out)
{
	static struct libdeflate_decompressor *d;
	size_t n = 0;

	if (argc != 2 || (d == NULL && (d = libdeflate_alloc_decompressor()) == NULL))
		return 1;
	return result(out, n, libdeflate_gzip_decompress(d, in->address, (size_t)in->length,
							 out->address, (size_t)out->length, &n) ==
				      LIBDEFLATE_SUCCESS);
}

gtm_long_t stdcbench_unzstd1m(int argc, gtm_string_t *in, gtm_string_t *out)
{
	static ZSTD_DCtx *d;

	if (argc != 2 || (d == NULL && (d = ZSTD_createDCtx()) == NULL))
		return 1;
	size_t n = ZSTD_decompressDCtx(d, out->address, (size_t)out->length, in->address,
				       (size_t)in->length);
	return result(out, n, !ZSTD_isError(n));
}
