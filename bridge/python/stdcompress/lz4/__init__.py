"""stdcompress.lz4: drop-ins for python-lz4's modules over the stdcompress call-outs.

``stdcompress.lz4.stream`` is python-lz4's experimental ``lz4.stream`` (LZ4 block streams with
a size prefix, double buffer or ring buffer): code written for it runs unchanged when only
the import changes::

    from stdcompress.lz4.stream import LZ4StreamCompressor, LZ4StreamDecompressor

See docs/lz4-stream.md.
"""

from . import stream  # noqa: F401

__all__ = ["stream"]
