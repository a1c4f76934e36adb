"""The codecs, named once for the Python side: the bridge, the bench, the fuzz sweep and the tests
read these.  The order and the mechanisms are those of the C registry (callouts/codecs.c);
tests/test_registry.py checks that the library's own lists say the same."""

# Every codec of the library, in the registry's order (they all stream).
STREAMS = ("gzip", "deflate", "zlib", "zstd", "lz4", "brotli", "xz")
# The codecs with batches (multiCompress / multiDecompress): brotli has none.
BATCHES = tuple(c for c in STREAMS if c != "brotli")
