/* codecs.c - the one list of codecs: every mechanism finds its codec here, by name.
 * A new codec defines its descriptor in its own file and adds one line to each of the two
 * lists below (docs/adding-a-codec.md). */
#include <stdio.h>

#include "codec.h"

extern const struct stdc_codec stdc_codec_gzip, stdc_codec_deflate, stdc_codec_zlib,
	stdc_codec_zstd, stdc_codec_lz4, stdc_codec_brotli, stdc_codec_xz;

/* The order is the order of names in messages. */
const struct stdc_codec *const stdc_codecs[] = {
	&stdc_codec_gzip,
	&stdc_codec_deflate,
	&stdc_codec_zlib,
	&stdc_codec_zstd,
	&stdc_codec_lz4,
	&stdc_codec_brotli,
	&stdc_codec_xz,
};
const size_t stdc_codec_count = sizeof(stdc_codecs) / sizeof(stdc_codecs[0]);

const struct stdc_codec *stdc_codec_find(const char *name, size_t len)
{
	for (size_t i = 0; i < stdc_codec_count; i++)
		if (name != NULL && strlen(stdc_codecs[i]->name) == len &&
		    memcmp(stdc_codecs[i]->name, name, len) == 0)
			return stdc_codecs[i];
	return NULL;
}

int stdc_codec_has(const struct stdc_codec *c, enum stdc_mechanism m)
{
	return m == STDC_STREAMS ? c->stream_step != NULL : c->encode != NULL;
}

const char *stdc_codec_names(enum stdc_mechanism m, char *buf, size_t size)
{
	size_t n = 0, total = 0, seen = 0;

	for (size_t i = 0; i < stdc_codec_count; i++)
		total += stdc_codec_has(stdc_codecs[i], m);
	buf[0] = '\0';
	for (size_t i = 0; i < stdc_codec_count && n < size; i++) {
		if (!stdc_codec_has(stdc_codecs[i], m))
			continue;
		seen++;
		n += (size_t)snprintf(buf + n, size - n, "%s%s",
				      seen == 1 ? "" : seen == total ? " or " : ", ",
				      stdc_codecs[i]->name);
	}
	return buf;
}

gtm_long_t stdc_codec_unknown(enum stdc_mechanism m, const char *op, const char *what)
{
	char names[200];

	return stdc_fail(STDC_E_BAD_ARGS, "%s: %s %s", op, what,
			 stdc_codec_names(m, names, sizeof(names)));
}

gtm_long_t stdc_codec_level(const struct stdc_codec *c, const char *op, gtm_long_t *level)
{
	if (*level == STDC_LEVEL_OMITTED || (*level == 0 && !c->level_zero))
		*level = c->level_default;
	if (*level < c->level_min || *level > c->level_max)
		return stdc_fail(STDC_E_BAD_LEVEL, "%s: %s %s %ld is outside %d..%d (%s: default %d)",
				 op, c->name, c->level_word, (long)*level, c->level_min,
				 c->level_max, c->level_zero ? "omitted" : "0", c->level_default);
	return STDC_OK;
}

