# The codec libraries, for callouts/Makefile and fuzz/Makefile.
#   CODECS=DIR   the bundled codecs: DIR is third_party/codecs.py's prefix (include/, lib/*.a),
#                linked statically; --exclude-libs keeps their symbols out of the library's
#                dynamic symbol table, so a process that also loads the system's libz or libzstd
#                (GT.M, Python's zlib) binds each to its own copy.
#   CODECS=      the system's shared libraries (the -dev packages), for distribution packagers.
CODECS ?=
ifneq ($(CODECS),)
CODEC_CFLAGS = -isystem $(CODECS)/include -DSTDC_BUNDLED_CODECS
CODEC_LIBS = $(addprefix $(CODECS)/lib/,libdeflate.a libzstd.a libz.a liblz4.a libbrotli.a liblzma.a) \
	-Wl,--exclude-libs,ALL -lm -lpthread
else
CODEC_CFLAGS =
CODEC_LIBS = -ldeflate -lzstd -lz -llz4 -lbrotlienc -lbrotlidec -llzma -lpthread
endif
