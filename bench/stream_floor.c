/* stream_floor.c - what each codec library itself costs to stream, with no bridge at all: the
 * floor under the "stream ... vs C floor" rows of the bench (docs/bench.md).
 *
 * COPIES MiB (the file's first MiB, copy i with its byte values shifted by i, as the bench's
 * rows) are compressed by the library's own streaming functions fed CHUNK bytes at a time,
 * each call with a 1 MiB output (the output every stream call-out gets), the output appended
 * to the stream; then the stream is decompressed fed CHUNK bytes at a time into one reused
 * 1 MiB output.  The parameters are the stream call-outs' (callouts/stream.c): gzip, deflate
 * and zlib through zlib's deflate/inflate (windowBits 31, -15, 15; memLevel 8), zstd with a
 * checksum, lz4 frames of linked 64 KiB blocks with a content checksum, brotli with lgwin 22.
 *
 *   stream_floor FILE CODEC LEVEL CHUNK COPIES    (best of 5 runs of each direction)
 * prints "compress X ms", "decompress Y ms" and "size Z B".  The bench loads it as a shared
 * object instead (stream_floor_setup, then stream_floor_compress / _decompress timed in the
 * same process, interleaved with ours, repeat by repeat). */
#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include <zstd.h>

#define MIB (1 << 20)
#define RUNS 5

static unsigned char *data, *stream, out[MIB];
static size_t total, stream_len, stream_cap, chunk;
static int level;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "stream_floor: %s\n", what);
	exit(1);
}

static void append(const unsigned char *p, size_t n)
{
	if (n > stream_cap - stream_len)
		die("the stream outgrew its buffer");
	memcpy(stream + stream_len, p, n);
	stream_len += n;
}

/* ---- zlib (gzip, deflate, zlib) ---- */

static int zbits;

static void z_compress(void)
{
	z_stream z = {0};

	if (deflateInit2(&z, level, Z_DEFLATED, zbits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2");
	for (size_t at = 0; at <= total; at += chunk) {
		int end = at >= total, r;

		z.next_in = data + at;
		z.avail_in = end ? 0 : (uInt)(total - at < chunk ? total - at : chunk);
		do {
			z.next_out = out;
			z.avail_out = MIB;
			r = deflate(&z, end ? Z_FINISH : Z_NO_FLUSH);
			if (r == Z_STREAM_ERROR)
				die("deflate");
			append(out, MIB - z.avail_out);
		} while (z.avail_out == 0 || (end && r != Z_STREAM_END));
	}
	deflateEnd(&z);
}

static void z_decompress(void)
{
	z_stream z = {0};
	int r = Z_OK;

	if (inflateInit2(&z, zbits) != Z_OK)
		die("inflateInit2");
	for (size_t at = 0; at < stream_len && r != Z_STREAM_END; at += chunk) {
		z.next_in = stream + at;
		z.avail_in = (uInt)(stream_len - at < chunk ? stream_len - at : chunk);
		do {
			z.next_out = out;
			z.avail_out = MIB;
			r = inflate(&z, Z_NO_FLUSH);
			if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR)
				die("inflate");
		} while (z.avail_out == 0);
	}
	if (r != Z_STREAM_END || z.total_out != total)
		die("inflate did not reproduce the data");
	inflateEnd(&z);
}

/* ---- zstd ---- */

static ZSTD_CCtx *zc;
static ZSTD_DCtx *zd;

static void zstd_compress(void)
{
	size_t r;

	ZSTD_CCtx_reset(zc, ZSTD_reset_session_only);
	for (size_t at = 0; at <= total; at += chunk) {
		int end = at >= total;
		ZSTD_inBuffer in = {data + at, end ? 0 : (total - at < chunk ? total - at : chunk), 0};

		do {
			ZSTD_outBuffer o = {out, MIB, 0};

			r = ZSTD_compressStream2(zc, &o, &in, end ? ZSTD_e_end : ZSTD_e_continue);
			if (ZSTD_isError(r))
				die(ZSTD_getErrorName(r));
			append(out, o.pos);
		} while (in.pos < in.size || (end && r != 0));
	}
}

static void zstd_decompress(void)
{
	size_t got = 0, r = 1;

	ZSTD_DCtx_reset(zd, ZSTD_reset_session_only);
	for (size_t at = 0; at < stream_len; at += chunk) {
		ZSTD_inBuffer in = {stream + at, stream_len - at < chunk ? stream_len - at : chunk, 0};
		ZSTD_outBuffer o;

		do {
			o = (ZSTD_outBuffer){out, MIB, 0};
			r = ZSTD_decompressStream(zd, &o, &in);
			if (ZSTD_isError(r))
				die(ZSTD_getErrorName(r));
			got += o.pos;
		} while (in.pos < in.size || (o.pos == o.size && r != 0)); /* 0: the frame ended */
	}
	if (r != 0 || got != total)
		die("zstd did not reproduce the data");
}

/* ---- lz4 frames ---- */

static LZ4F_preferences_t lprefs;

static void lz4_compress(void)
{
	LZ4F_cctx *c;
	size_t r;

	if (LZ4F_isError(LZ4F_createCompressionContext(&c, LZ4F_VERSION)))
		die("LZ4F context");
	if (LZ4F_isError(r = LZ4F_compressBegin(c, out, MIB, &lprefs)))
		die(LZ4F_getErrorName(r));
	append(out, r);
	for (size_t at = 0; at < total; at += chunk) {
		size_t n = total - at < chunk ? total - at : chunk;

		/* the bound of a whole chunk fits 1 MiB for chunks up to 1 MiB less a little:
		 * larger chunks go in 64 KiB steps */
		for (size_t k = 0; k < n; k += 65536) {
			size_t m = n - k < 65536 ? n - k : 65536;

			if (LZ4F_isError(r = LZ4F_compressUpdate(c, out, MIB, data + at + k, m, NULL)))
				die(LZ4F_getErrorName(r));
			append(out, r);
		}
	}
	if (LZ4F_isError(r = LZ4F_compressEnd(c, out, MIB, NULL)))
		die(LZ4F_getErrorName(r));
	append(out, r);
	LZ4F_freeCompressionContext(c);
}

static void lz4_decompress(void)
{
	LZ4F_dctx *d;
	size_t got = 0, r = 1;

	if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
		die("LZ4F context");
	for (size_t at = 0; at < stream_len; at += chunk) {
		size_t n = stream_len - at < chunk ? stream_len - at : chunk, used = 0;

		do {
			size_t dsz = MIB, ssz = n - used;

			r = LZ4F_decompress(d, out, &dsz, stream + at + used, &ssz, NULL);
			if (LZ4F_isError(r))
				die(LZ4F_getErrorName(r));
			used += ssz;
			got += dsz;
			if (used == n && (dsz < MIB || r == 0)) /* r 0: the frame ended */
				break;
		} while (1);
	}
	if (r != 0 || got != total)
		die("lz4 did not reproduce the data");
	LZ4F_freeDecompressionContext(d);
}

/* ---- brotli ---- */

static void brotli_compress(void)
{
	BrotliEncoderState *e = BrotliEncoderCreateInstance(NULL, NULL, NULL);

	if (e == NULL || !BrotliEncoderSetParameter(e, BROTLI_PARAM_QUALITY, (uint32_t)level) ||
	    !BrotliEncoderSetParameter(e, BROTLI_PARAM_LGWIN, 22))
		die("brotli encoder");
	for (size_t at = 0; at <= total; at += chunk) {
		int end = at >= total;
		size_t avail_in = end ? 0 : (total - at < chunk ? total - at : chunk);
		const uint8_t *next_in = data + at;

		do {
			size_t avail_out = MIB;
			uint8_t *next_out = out;

			if (!BrotliEncoderCompressStream(e, end ? BROTLI_OPERATION_FINISH
							       : BROTLI_OPERATION_PROCESS,
							 &avail_in, &next_in, &avail_out, &next_out,
							 NULL))
				die("brotli compression");
			append(out, MIB - avail_out);
		} while (avail_in > 0 || BrotliEncoderHasMoreOutput(e) ||
			 (end && !BrotliEncoderIsFinished(e)));
	}
	BrotliEncoderDestroyInstance(e);
}

static void brotli_decompress(void)
{
	BrotliDecoderState *d = BrotliDecoderCreateInstance(NULL, NULL, NULL);
	BrotliDecoderResult r = BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT;
	size_t got = 0;

	if (d == NULL)
		die("brotli decoder");
	for (size_t at = 0; at < stream_len; at += chunk) {
		size_t avail_in = stream_len - at < chunk ? stream_len - at : chunk;
		const uint8_t *next_in = stream + at;

		do {
			size_t avail_out = MIB;
			uint8_t *next_out = out;

			r = BrotliDecoderDecompressStream(d, &avail_in, &next_in, &avail_out,
							  &next_out, NULL);
			if (r == BROTLI_DECODER_RESULT_ERROR)
				die("brotli data");
			got += MIB - avail_out;
		} while (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT);
	}
	if (r != BROTLI_DECODER_RESULT_SUCCESS || got != total)
		die("brotli did not reproduce the data");
	BrotliDecoderDestroyInstance(d);
}

/* ---- xz: liblzma's own lzma_code loop ---- */

/* Runs s over in[0..n) with action a, appending (compressing) or counting the output. */
static lzma_ret xz_run(lzma_stream *s, const uint8_t *in, size_t n, lzma_action a, size_t *got)
{
	lzma_ret r;

	s->next_in = in, s->avail_in = n;
	do {
		s->next_out = out, s->avail_out = MIB;
		r = lzma_code(s, a);
		if (r != LZMA_OK && r != LZMA_STREAM_END)
			die("xz");
		if (got != NULL)
			*got += MIB - s->avail_out;
		else
			append(out, MIB - s->avail_out);
	} while (r == LZMA_OK && (s->avail_in > 0 || s->avail_out == 0 || a == LZMA_FINISH));
	return r;
}

static void xz_compress(void)
{
	lzma_stream s = LZMA_STREAM_INIT;

	if (lzma_easy_encoder(&s, (uint32_t)level, LZMA_CHECK_CRC64) != LZMA_OK)
		die("xz encoder");
	for (size_t at = 0; at <= total; at += chunk)
		xz_run(&s, data + at, at >= total ? 0 : (total - at < chunk ? total - at : chunk),
		       at >= total ? LZMA_FINISH : LZMA_RUN, NULL);
	lzma_end(&s);
}

static void xz_decompress(void)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r = LZMA_OK;
	size_t got = 0;

	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
		die("xz decoder");
	for (size_t at = 0; at < stream_len && r == LZMA_OK; at += chunk)
		r = xz_run(&s, stream + at, stream_len - at < chunk ? stream_len - at : chunk,
			   LZMA_RUN, &got);
	if (r != LZMA_STREAM_END || got != total)
		die("xz did not reproduce the data");
	lzma_end(&s);
}

static void (*comp)(void), (*decomp)(void);

/* The codec, level and chunk size, and the data (copied): 0, or -1 for unknown arguments. */
int stream_floor_setup(const char *codec, int lvl, size_t chunk_size, const unsigned char *src,
		       size_t n)
{
	if (chunk_size < 1 || chunk_size > MIB || n < 1)
		return -1;
	free(data);
	free(stream);
	level = lvl;
	chunk = chunk_size;
	total = n;
	stream_len = 0;
	stream_cap = total + total / 8 + MIB;
	if ((data = malloc(total)) == NULL || (stream = malloc(stream_cap)) == NULL)
		die("no memory");
	memcpy(data, src, n);
	if (!strcmp(codec, "gzip") || !strcmp(codec, "deflate") || !strcmp(codec, "zlib")) {
		zbits = codec[0] == 'g' ? 31 : codec[0] == 'd' ? -15 : 15;
		comp = z_compress, decomp = z_decompress;
	} else if (!strcmp(codec, "zstd")) {
		if (zc == NULL && ((zc = ZSTD_createCCtx()) == NULL || (zd = ZSTD_createDCtx()) == NULL))
			die("zstd contexts");
		if (ZSTD_isError(ZSTD_CCtx_setParameter(zc, ZSTD_c_compressionLevel, level)) ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(zc, ZSTD_c_checksumFlag, 1)))
			die("zstd parameters");
		comp = zstd_compress, decomp = zstd_decompress;
	} else if (!strcmp(codec, "lz4")) {
		memset(&lprefs, 0, sizeof(lprefs));
		lprefs.frameInfo.blockSizeID = LZ4F_max64KB;
		lprefs.frameInfo.blockMode = LZ4F_blockLinked;
		lprefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
		lprefs.compressionLevel = level;
		comp = lz4_compress, decomp = lz4_decompress;
	} else if (!strcmp(codec, "brotli")) {
		comp = brotli_compress, decomp = brotli_decompress;
	} else if (!strcmp(codec, "xz")) {
		comp = xz_compress, decomp = xz_decompress;
	} else {
		return -1;
	}
	return 0;
}

/* One run: compresses the data into the stream (it starts over), or decompresses the stream
 * made last; returns the stream's length. */
size_t stream_floor_compress(void)
{
	stream_len = 0;
	comp();
	return stream_len;
}

size_t stream_floor_decompress(void)
{
	decomp();
	return stream_len;
}

static double best(size_t (*f)(void))
{
	double b = 1e9;

	for (int i = 0; i < RUNS; i++) {
		double t = now();

		f();
		t = now() - t;
		if (t < b)
			b = t;
	}
	return b;
}

int main(int argc, char **argv)
{
	unsigned char *copies_of;
	long copies;
	FILE *f;

	if (argc != 6 || (f = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: %s FILE CODEC LEVEL CHUNK COPIES\n", argv[0]);
		return 2;
	}
	copies = atol(argv[5]);
	if (copies < 1 || copies > 256 || (copies_of = malloc((size_t)copies * MIB)) == NULL)
		die("COPIES is 1..256");
	if (fread(copies_of, 1, MIB, f) != MIB)
		die("FILE is shorter than 1 MiB");
	fclose(f);
	for (long i = 1; i < copies; i++)
		for (size_t j = 0; j < MIB; j++)
			copies_of[(size_t)i * MIB + j] = (unsigned char)(copies_of[j] + i);
	if (stream_floor_setup(argv[2], atoi(argv[3]), (size_t)atol(argv[4]), copies_of,
			       (size_t)copies * MIB) != 0)
		die("CODEC is gzip, deflate, zlib, zstd, lz4, brotli or xz; CHUNK 1..1 MiB");
	free(copies_of);
	stream_floor_compress();
	double c = best(stream_floor_compress), d = best(stream_floor_decompress);

	printf("%s level %d, %ld MiB in %zu-byte chunks; best of %d\n", argv[2], level, copies,
	       chunk, RUNS);
	printf("compress %.3f ms\ndecompress %.3f ms\nsize %zu B\n", c * 1e3, d * 1e3, stream_len);
	return 0;
}
