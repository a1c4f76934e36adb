/*
 * stdcompress.h - compression call-outs for M (GT.M, YottaDB) and the Python bridge.
 *
 * Every entry point follows the M call-out ABI: an implicit first `int argc` (the number of
 * arguments the caller actually passed), then the arguments the table xc/stdcompress.xc
 * declares.  Strings are gtm_string_t {length, address}: binary clean, never NUL-terminated.
 *
 * Result codes (the gtm_long_t every entry returns):
 *    0   success; the result is in `out` (out->length bytes).
 *   <0   failure: -code, one of enum stdc_code.  lastError() gives "CODE message".
 *   >0   the result did not fit the output the caller declared (a small size tier); it is held
 *        for this thread and its exact length is the return value.  Call a take entry whose
 *        output is at least that large to collect it.  The next codec call drops it.
 *
 * Outputs: an entry never writes more than the out->length it received on entry (the
 * runtime's preallocation) and never produces more than STDC_MAX_STRING bytes (the M string
 * limit); a larger result is STDC_E_OUTPUT_TOO_LARGE.  Inputs are at most STDC_MAX_STRING.
 *
 * Thread safety: codec contexts, the held result and the last error are per thread.
 */
#ifndef STDCOMPRESS_H
#define STDCOMPRESS_H

#include <stddef.h>

#ifdef STDC_HAVE_GTMXC_TYPES
#include "gtmxc_types.h"
#else
/* Identical to gtmxc_types.h (GT.M) and ydb_string_t (YottaDB) on LP64 targets. */
typedef long gtm_long_t;
typedef struct {
	gtm_long_t length;
	char *address;
} gtm_string_t;
#endif
_Static_assert(sizeof(gtm_string_t) == 16, "gtm_string_t must be {8-byte length, pointer}");
_Static_assert(sizeof(gtm_long_t) == 8, "gtm_long_t must be 8 bytes");

#define STDC_MAX_STRING 1048576 /* the M string limit, both runtimes */
/* The level argument of streamOpen and multiCompress that means "omitted" (the codec's
 * default) when a host passes every argument: outside every codec's range.  0 is the default
 * too, except for codecs whose levels include 0 (xz: 0 is xz -0). */
#define STDC_LEVEL_OMITTED (-2147483647L - 1)

#define STDC_API __attribute__((visibility("default")))

enum stdc_code {
	STDC_OK = 0,
	STDC_E_BAD_ARGS = 1,         /* too few arguments, or an argument that is not usable */
	STDC_E_BAD_LEVEL = 2,        /* level outside the codec's range; checked before any work */
	STDC_E_OUTPUT_TOO_LARGE = 3, /* the result would exceed STDC_MAX_STRING */
	STDC_E_LIBZ_FAIL = 4,        /* deflate family: corrupt, truncated or trailing input */
	STDC_E_LIBZSTD_FAIL = 5,     /* zstd: corrupt, truncated or trailing input */
	STDC_E_NO_MEMORY = 6,        /* a codec context or the staging buffer could not be allocated */
	STDC_E_NOTHING_HELD = 7,     /* take called with no held result */
	STDC_E_LIBLZ4_FAIL = 8,      /* LZ4 block, frame or stream: corrupt, truncated or trailing input */
	STDC_E_LIBBROTLI_FAIL = 9,   /* brotli: corrupt, truncated or trailing input */
	STDC_E_INVALID_HANDLE = 10,  /* a handle never opened, already closed, or of another kind */
	STDC_E_HANDLE_LIMIT = 11,    /* no free handle: the configured maximum are open */
	STDC_E_LIBLZMA_FAIL = 12,    /* xz: corrupt, truncated or trailing input, or over the memory limit */
	STDC_CODE_COUNT
};

/* Deflate family (RFC 1952 gzip, RFC 1951 raw deflate, RFC 1950 zlib) through libdeflate.
 * Levels 1..9 (the seed module's), default 6; anything else is BAD-LEVEL.  The *_best entries
 * take only libdeflate's slow, strongest levels 10..12, default 12. */
STDC_API gtm_long_t stdc_gzip(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level);
STDC_API gtm_long_t stdc_gunzip(int argc, gtm_string_t *in, gtm_string_t *out);
STDC_API gtm_long_t stdc_deflate(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level);
STDC_API gtm_long_t stdc_inflate(int argc, gtm_string_t *in, gtm_string_t *out);
STDC_API gtm_long_t stdc_zlib(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level);
STDC_API gtm_long_t stdc_unzlib(int argc, gtm_string_t *in, gtm_string_t *out);
STDC_API gtm_long_t stdc_gzip_best(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level);
STDC_API gtm_long_t stdc_deflate_best(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level);
STDC_API gtm_long_t stdc_zlib_best(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level);

/* zstd (RFC 8878) through libzstd.  Levels 1..22 and ZSTD_minCLevel()..-1, default 3.
 * Frames carry the content size and a checksum, as zstd(1) writes them, unless the optional
 * `frame` argument (STDC_ZSTD_NO_* bits below, 0 or omitted: none) leaves them out. */
#define STDC_ZSTD_NO_CONTENT_SIZE 1 /* ZSTD_c_contentSizeFlag 0 */
#define STDC_ZSTD_NO_CHECKSUM 2     /* ZSTD_c_checksumFlag 0 */
#define STDC_ZSTD_NO_DICT_ID 4      /* ZSTD_c_dictIDFlag 0 */
#define STDC_ZSTD_FRAME_BITS 7
STDC_API gtm_long_t stdc_zstd_compress(int argc, gtm_string_t *in, gtm_string_t *out,
				       gtm_long_t level, gtm_long_t frame);
STDC_API gtm_long_t stdc_zstd_decompress(int argc, gtm_string_t *in, gtm_string_t *out);

/* ---- LZ4 and brotli (lz4.c, brotli.c) ----
 * LZ4 levels, blocks and frames alike: 1 (default) and 2 LZ4 fast, 3..12 LZ4HC, -N LZ4 fast with
 * acceleration N+1 (as lz4(1): `lz4 -N`, `lz4 --fast=N`), down to -65536; 0 is BAD-LEVEL.
 * lz4Compress writes a 4-byte little-endian original size and a raw block (python-lz4's
 * lz4.block format); lz4BlockCompress a raw block alone, whose decoder takes the exact size.
 * lz4FrameCompress writes an lz4(1) frame with content size and content checksum. */
STDC_API gtm_long_t stdc_lz4_compress(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level);
STDC_API gtm_long_t stdc_lz4_decompress(int argc, gtm_string_t *in, gtm_string_t *out);
STDC_API gtm_long_t stdc_lz4_block_compress(int argc, gtm_string_t *in, gtm_string_t *out,
					    gtm_long_t level);
STDC_API gtm_long_t stdc_lz4_block_decompress(int argc, gtm_string_t *in, gtm_string_t *out,
					      gtm_long_t size);
STDC_API gtm_long_t stdc_lz4_frame_compress(int argc, gtm_string_t *in, gtm_string_t *out,
					    gtm_long_t level);
STDC_API gtm_long_t stdc_lz4_frame_decompress(int argc, gtm_string_t *in, gtm_string_t *out);
/* brotli (RFC 7932): quality 0..11, default 11; lgwin (window bits) 10..24, default 22. */
STDC_API gtm_long_t stdc_brotli_compress(int argc, gtm_string_t *in, gtm_string_t *out,
					 gtm_long_t quality, gtm_long_t lgwin);
STDC_API gtm_long_t stdc_brotli_decompress(int argc, gtm_string_t *in, gtm_string_t *out);
/* ---- end of LZ4 and brotli ---- */

/* xz (the .xz format of XZ Utils) through liblzma: levels 0..9 (xz -0..-9, default 6) and
 * 10..19 for the extreme presets (xz -0e..-9e); CRC64 check.  Decompression accepts
 * concatenated streams and stream padding, as xz -d (docs/xz.md). */
STDC_API gtm_long_t stdc_xz_compress(int argc, gtm_string_t *in, gtm_string_t *out, gtm_long_t level);
STDC_API gtm_long_t stdc_xz_decompress(int argc, gtm_string_t *in, gtm_string_t *out);

/* Collect a held result (see "Result codes"). */
STDC_API gtm_long_t stdc_take(int argc, gtm_string_t *out);

/* "" when every backend resolved, else the comma-separated missing ones (libz,libzstd,...). */
STDC_API gtm_long_t stdc_available(int argc, gtm_string_t *out);
/* "stdcompress=X,libdeflate=X,libz=X,libzstd=X,liblz4=X,libbrotli=X,liblzma=X,codecs=X". */
STDC_API gtm_long_t stdc_versions(int argc, gtm_string_t *out);
/* "CODE message" of this thread's last failure, "" if none. */
STDC_API gtm_long_t stdc_last_error(int argc, gtm_string_t *out);
/* "name=value;..." of the limits and level ranges, so hosts never repeat them. */
STDC_API gtm_long_t stdc_limits(int argc, gtm_string_t *out);
/* CRC-32 of data (zlib's), continuing from crc (omitted or 0: a fresh one): 0..4294967295, or
 * -STDC_E_BAD_ARGS.  STDCGLOB.m checks values stored in globals with it. */
STDC_API gtm_long_t stdc_crc32(int argc, gtm_string_t *data, gtm_long_t crc);

/* ---- handles and LZ4 block streams (callouts/handles.c, callouts/lz4stream.c) ----
 * A stream context lives behind a handle: the open entries return it (> 0) instead of a
 * result code, later calls take it, handleFree ends it.  Handles never opened, already freed,
 * or of another kind are STDC_E_INVALID_HANDLE; beyond STDCOMPRESS_MAX_HANDLES open (default
 * 1024) opening is STDC_E_HANDLE_LIMIT.  Details and wire format: docs/lz4-stream.md. */

/* Frees a handle of any kind. */
STDC_API gtm_long_t stdc_handle_free(int argc, gtm_long_t handle);
/* "open=N;max=M": handles open now, and the most that may be. */
STDC_API gtm_long_t stdc_handle_stats(int argc, gtm_string_t *out);
/* "kind=...;name=value;..." of one open handle (for a stream: strategy, buffer_size, width). */
STDC_API gtm_long_t stdc_handle_info(int argc, gtm_string_t *out, gtm_long_t handle);

/* LZ4 stream compressor: chunks of at most buffer_size bytes become [prefix][LZ4 block], the
 * prefix being the block length in `width` bytes (0, 1, 2, 4; default 4) little-endian.
 * mode "default" | "fast" | "high_compression"; level = acceleration (fast) or HC level,
 * 0 = LZ4's default; dictionary copied; strategy "double_buffer" (default) | "ring_buffer". */
STDC_API gtm_long_t stdc_lz4s_compress_open(int argc, gtm_long_t buffer_size, gtm_long_t width,
					    gtm_string_t *mode, gtm_long_t level,
					    gtm_string_t *dictionary, gtm_string_t *strategy);
STDC_API gtm_long_t stdc_lz4s_compress(int argc, gtm_string_t *in, gtm_string_t *out,
				       gtm_long_t handle);
/* LZ4 stream decompressor: blocks (without prefix), in order, back to chunks. */
STDC_API gtm_long_t stdc_lz4s_decompress_open(int argc, gtm_long_t buffer_size,
					      gtm_long_t width, gtm_string_t *dictionary,
					      gtm_string_t *strategy);
/* The block whose prefix starts at byte `offset` (0-based, default 0) of a stream. */
STDC_API gtm_long_t stdc_lz4s_get_block(int argc, gtm_string_t *in, gtm_string_t *out,
					gtm_long_t handle, gtm_long_t offset);
STDC_API gtm_long_t stdc_lz4s_decompress(int argc, gtm_string_t *in, gtm_string_t *out,
					 gtm_long_t handle);
/* The Python bridge's own (not call-outs, never in the table: they take memory addresses, which
 * M must never pass).  Same contexts and handles, without the M string limit: buffer_size up to
 * LZ4_MAX_INPUT_SIZE (compressor) or 0xffffffff (decompressor), as python-lz4.  The M entries
 * refuse a context whose blocks or chunks may not fit one M string.  Each returns a length
 * (>= 0) or -code (lastError says why).
 *   py_compress: out holds at least LZ4_COMPRESSBOUND(len) + width bytes.
 *   py_decompress: the chunk is copied into out when it fits cap; its length is returned
 *   either way, and py_result copies it later (until the handle's next call).
 *   py_locate: the length of the block whose prefix starts at in[offset]; *start its start. */
STDC_API gtm_long_t stdc_lz4s_py_compress_open(gtm_long_t buffer_size, gtm_long_t width,
					       gtm_string_t *mode, gtm_long_t level,
					       gtm_string_t *dictionary, gtm_string_t *strategy);
STDC_API gtm_long_t stdc_lz4s_py_decompress_open(gtm_long_t buffer_size, gtm_long_t width,
						 gtm_string_t *dictionary, gtm_string_t *strategy);
STDC_API gtm_long_t stdc_lz4s_py_compress(gtm_long_t handle, const void *in, size_t len,
					  void *out, size_t cap);
STDC_API gtm_long_t stdc_lz4s_py_decompress(gtm_long_t handle, const void *in, size_t len,
					    void *out, size_t cap);
STDC_API gtm_long_t stdc_lz4s_py_result(gtm_long_t handle, void *out, size_t cap);
STDC_API gtm_long_t stdc_lz4s_py_locate(gtm_long_t handle, const void *in, size_t len,
					gtm_long_t offset, size_t *start);
/* The one-shot block formats (lz4BlockCompress/Decompress, lz4Compress/Decompress: sized 1)
 * of any size: the call-outs' code with LZ4's limits in place of the M string's, input and
 * content up to LZ4_MAX_INPUT_SIZE (larger is BAD-ARGS, or OUTPUT-TOO-LARGE for a declared
 * size).  arg: the level (compressing) or the exact size (decoding a raw block).  Returns the
 * result's length (>= 0) or -code.  out holds cap bytes: at least LZ4_COMPRESSBOUND(len),
 * plus 4 when sized, to compress; the size to decode. */
STDC_API gtm_long_t stdc_lz4_py_block(int decode, int sized, const void *in, size_t len,
				      void *out, size_t cap, gtm_long_t arg);
/* gzipBest/deflateBest/zlibBest (format 0 gzip, 1 raw, 2 zlib; levels 10..12) and
 * brotliCompress of any size (the levels and windows streams do not take), up to memory: the
 * call-outs' code without the M string limit.  out holds cap bytes, at least libdeflate's or
 * BrotliEncoderMaxCompressedSize's bound for len.  Each returns the length or -code. */
STDC_API gtm_long_t stdc_deflate_py_best(int format, const void *in, size_t len, void *out,
					 size_t cap, gtm_long_t level);
STDC_API gtm_long_t stdc_brotli_py_compress(const void *in, size_t len, void *out, size_t cap,
					    gtm_long_t quality, gtm_long_t lgwin);
/* CRC-32 (gzip's and zlib's, = Python's zlib.crc32) of len bytes at data, continuing from crc
 * (0: a fresh one): 0..4294967295, or -STDC_E_BAD_ARGS (crc outside that range, or no data
 * for a non-zero len).  The easynetwork frames' checksum (docs/easynetwork.md). */
STDC_API gtm_long_t stdc_py_crc32(gtm_long_t crc, const void *data, size_t len);
/* ---- end of handles and LZ4 block streams ---- */

/* ---- streams of any length (callouts/stream.c; docs/streaming.md) ----
 * streamOpen(codec, direction[, level, max_output, dict, workers, options, size]) -> handle (> 0)
 *   or -code.
 *   codec "gzip" | "deflate" | "zlib" (zlib's z_stream) | "zstd" (frames with a checksum) |
 *   "lz4" (LZ4 frames, 64 KiB linked blocks, content checksum) | "brotli";
 *   direction "c" (compress) or "d" (decompress); level omitted or STDC_LEVEL_OMITTED: the
 *   codec's default, and 0 too except for xz (gzip/deflate/zlib 1..9, default 6; zstd, lz4,
 *   brotli quality and xz as their one-shot entries, defaults 3, 1, 11 and 6; xz 0 is
 *   xz -0); max_output: a cap on
 *   the total output of the handle, 0 or omitted: none; past it OUTPUT-TOO-LARGE;
 *   dict (zstd only): a dictionary, "" or omitted: none (docs/batch.md).
 *   workers (zstd compression only, 0..STDC_STREAM_MAX_WORKERS): libzstd's own worker threads
 *   (ZSTD_c_nbWorkers), 0 or omitted: none, all work in the calling thread; with N >= 1 the
 *   work overlaps the caller's (writes return while workers compress; flush and close wait),
 *   the threads run with every signal blocked and end with the handle.  The frames differ from
 *   those of 0 workers (and are the same for every N >= 1).
 *   options, 0 or omitted: none; zstd compressors: the STDC_ZSTD_NO_* bits (as zstdCompress);
 *   decompressors: STDC_STREAM_ONE_FRAME, the stream ends with its first member or frame and
 *   every byte after it is unused data.
 *   size (zstd compression only): the total input the frame will have, written in its header
 *   (unless STDC_ZSTD_NO_CONTENT_SIZE); negative or omitted: unknown.  Other totals fail.
 * Every later call writes at most the out->length it is given (at least 16 bytes) and returns:
 *   STDC_STREAM_DONE (0)  all output so far is delivered; more input may follow.
 *   STDC_STREAM_MORE (1)  output is pending: call streamRead (or streamWrite with "") until it
 *                         returns something else.  Until then streamWrite with data,
 *                         streamFlush and streamClose are BAD-ARGS.
 *   STDC_STREAM_END  (2)  decompressor: the end of the stream was reached and everything
 *                         before it delivered; bytes after the end are kept (streamUnused).
 *                         For gzip, zstd and lz4, bytes that begin another member or frame
 *                         start it.
 *   < 0                   -code; a codec failure or OUTPUT-TOO-LARGE ends the stream: later
 *                         calls repeat it, streamClose only frees the handle.
 * streamClose returns the final bytes (same protocol: the handle is freed when it returns
 * 0 or an error); closing a decompressor before its end is a codec error (truncated). */
#define STDC_STREAM_MIN_OUTPUT 16 /* the least out->length a stream call takes (zlib's sync flush) */
#define STDC_STREAM_DONE 0
#define STDC_STREAM_MORE 1
#define STDC_STREAM_END 2
#define STDC_STREAM_MAX_WORKERS 64
#define STDC_STREAM_ONE_FRAME 8
STDC_API gtm_long_t stdc_stream_open(int argc, gtm_string_t *codec, gtm_string_t *direction,
				     gtm_long_t level, gtm_long_t max_output, gtm_string_t *dict,
				     gtm_long_t workers, gtm_long_t options, gtm_long_t size);
/* end (optional, 0: no): the chunk is the last input, written and closed in one codec call
 * (what streamWrite then streamClose do, and for zstd the frame a one-shot call makes). */
STDC_API gtm_long_t stdc_stream_write(int argc, gtm_string_t *in, gtm_string_t *out,
				      gtm_long_t handle, gtm_long_t end);
STDC_API gtm_long_t stdc_stream_read(int argc, gtm_string_t *out, gtm_long_t handle);
/* Compressors: everything written so far becomes decodable (zlib sync flush, zstd flush). */
STDC_API gtm_long_t stdc_stream_flush(int argc, gtm_string_t *out, gtm_long_t handle);
STDC_API gtm_long_t stdc_stream_close(int argc, gtm_string_t *out, gtm_long_t handle);
/* Decompressors: the bytes kept after the end (0), or their length (> 0) when they do not fit. */
STDC_API gtm_long_t stdc_stream_unused(int argc, gtm_string_t *out, gtm_long_t handle);
/* ---- end of streams ---- */

/* ---- batches and zstd dictionaries (callouts/batch.c, callouts/dict.c; docs/batch.md) ----
 * multiCompress(codec, input, segments, .output, .outSegments[, level, threads, dictionary,
 *   base, total]) and multiDecompress(codec, input, segments, sizes, .output, .outSegments[,
 *   threads, dictionary, base, total]) code many items in one call.
 *   codec "zstd" (one frame per item, content size and checksum) | "lz4" (raw LZ4 block) |
 *   "gzip" | "deflate" | "zlib".  segments: native-endian uint64 (offset, length) pairs, 16
 *   bytes each, offsets into the data of which `input` is the window [base, base + length);
 *   every pair must lie within `total` bytes (default: base + input length), no wrap-around.
 *   outSegments receives the (offset, length) pairs of the results within `output`.
 *   level omitted or STDC_LEVEL_OMITTED: the codec's default, and 0 too except for xz
 *   (ranges as the one-shot entries; xz 0 is xz -0).  threads: worker
 *   threads inside the call, 0 or omitted = one per core (at most one per item and per 32 KiB
 *   of output room, at most 64).
 *   dictionary: "" or omitted = none; zstd only (compiled once, cached per thread by content).
 *   sizes (decompression): "" or one native uint64 per item; for zstd 0 = the frame's declared
 *   size (a frame without one needs its size: BAD-ARGS), else the exact size; lz4 needs the
 *   exact size of every block; deflate family: the most the item may decode to, 0 = unknown
 *   (the item then runs alone in a call, with the whole output).
 * Returns STDC_OK (every item done), STDC_BATCH_MORE (the items before the first that lies
 * outside the window, or whose result might not fit the output or outSegments, are done:
 * outSegments says how many; call again with the rest), or -code: a bad pair is BAD-ARGS and
 * a failing item the codec's code, the message naming the item ("item N: ...", N counted
 * from the first pair of this call) and no output is delivered. */
#define STDC_BATCH_MORE 1
STDC_API gtm_long_t stdc_multi_compress(int argc, gtm_string_t *codec, gtm_string_t *in,
					gtm_string_t *segs, gtm_string_t *out,
					gtm_string_t *out_segs, gtm_long_t level,
					gtm_long_t threads, gtm_string_t *dict, gtm_long_t base,
					gtm_long_t total);
STDC_API gtm_long_t stdc_multi_decompress(int argc, gtm_string_t *codec, gtm_string_t *in,
					  gtm_string_t *segs, gtm_string_t *sizes,
					  gtm_string_t *out, gtm_string_t *out_segs,
					  gtm_long_t threads, gtm_string_t *dict, gtm_long_t base,
					  gtm_long_t total);
/* One-shot zstd with a dictionary (level 0 = default 3); decompression takes one frame. */
STDC_API gtm_long_t stdc_zstd_compress_dict(int argc, gtm_string_t *in, gtm_string_t *out,
					    gtm_long_t level, gtm_string_t *dict);
STDC_API gtm_long_t stdc_zstd_decompress_dict(int argc, gtm_string_t *in, gtm_string_t *out,
					      gtm_string_t *dict);
/* The dictionary's id (>= 0; 0 for raw content, which is not a zstd dictionary). */
STDC_API gtm_long_t stdc_zstd_dict_id(int argc, gtm_string_t *dict);
/* A dictionary of at most `size` bytes trained from samples (pairs as above, offsets into
 * `in`, at most in's length in total) with libzstd's fastCover trainer as zstandard calls it
 * (ZDICT_optimizeTrainFromBuffer_fastCover); k, d (0, 6 or 8), steps: 0 = searched/default;
 * level: the level the dictionary is tuned for (0 = default); dict_id: 0 = derived from the
 * content (ZDICT's). */
STDC_API gtm_long_t stdc_zstd_train(int argc, gtm_string_t *in, gtm_string_t *segs,
				    gtm_string_t *out, gtm_long_t size, gtm_long_t k, gtm_long_t d,
				    gtm_long_t steps, gtm_long_t level, gtm_long_t dict_id);
/* A trainer behind a handle: samples gathered across calls, then one training, for more
 * samples than one M string holds.  zstdTrainerOpen([max_total]) -> handle: max_total caps
 * the bytes of samples it takes (0 or omitted: STDC_TRAIN_MAX_TOTAL, fastCover's limit of
 * fewer than 2^32 - 1 bytes).  zstdTrainerAdd(handle, sample[, segments]) appends the
 * sample, or with segments the (offset, length) pairs of it (all or nothing); past the cap
 * or STDC_TRAIN_MAX_SAMPLES BAD-ARGS.  zstdTrainerTrain(handle, .dictionary, size[, k, d,
 * steps, level, dict_id]) as zstdTrainDictionary; once trained (success only), more samples
 * or another training are BAD-ARGS.  The samples stay until handleFree. */
#define STDC_TRAIN_MAX_TOTAL 0xFFFFFFFEULL
#define STDC_TRAIN_MAX_SAMPLES 0xFFFFFFFEUL
STDC_API gtm_long_t stdc_zstd_trainer_open(int argc, gtm_long_t max_total);
STDC_API gtm_long_t stdc_zstd_trainer_add(int argc, gtm_long_t handle, gtm_string_t *sample,
					  gtm_string_t *segs);
STDC_API gtm_long_t stdc_zstd_trainer_train(int argc, gtm_long_t handle, gtm_string_t *out,
					    gtm_long_t size, gtm_long_t k, gtm_long_t d,
					    gtm_long_t steps, gtm_long_t level, gtm_long_t dict_id);
/* ---- end of batches and zstd dictionaries ---- */

#endif
