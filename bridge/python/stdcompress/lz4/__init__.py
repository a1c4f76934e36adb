"""stdcompress.lz4: drop-ins for python-lz4's modules over the stdcompress call-outs.

``stdcompress.lz4.stream`` is python-lz4's experimental ``lz4.stream`` (LZ4 block streams with
a size prefix, double buffer or ring buffer): code written for it runs unchanged when only
the import changes::

    from stdcompress.lz4.stream import LZ4StreamCompressor, LZ4StreamDecompressor

See docs/lz4-stream.md.
"""

from . import stream  # noqa: F401

__all__ = ["stream"]


# ---- batches of raw LZ4 blocks (issue 7): stdcompress.multi_compress("lz4", ...) ----

def multi_compress_blocks(items, level=None, threads: int = 0):
    """Each item to its own raw LZ4 block (no size prefix), in parallel inside the C call;
    a BufferWithSegmentsCollection.  Keep the sizes (e.g. ``[len(x) for x in items]``) for
    multi_decompress_blocks.  threads: 0 = one per core, N = N."""
    import stdcompress
    return stdcompress.multi_compress("lz4", items, level=level, threads=threads)


def multi_decompress_blocks(blocks, sizes, threads: int = 0):
    """Each raw LZ4 block back to exactly its size (``sizes``: a list of ints or a buffer of
    native uint64, one per block); a BufferWithSegmentsCollection."""
    import stdcompress
    return stdcompress.multi_decompress("lz4", blocks, sizes=sizes, threads=threads)


__all__ += ["multi_compress_blocks", "multi_decompress_blocks"]
