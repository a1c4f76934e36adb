"""Exercises every path of stdcompress._buffers (the C types of stdcompress.zstd), including
every error path and hostile segments, for the memory checkers: tests/test_zstd_memcheck.py runs
it against an ASan+UBSan build and under valgrind.

    python tests/zstd_buffers_stress.py PATH/_buffers<EXT_SUFFIX> [ROUNDS]
"""

import array
import ctypes
import gc
import importlib.machinery
import importlib.util
import os
import struct
import sys
from pathlib import Path

U64 = 2**64


def load(path):
    loader = importlib.machinery.ExtensionFileLoader("stdcompress._buffers", path)
    spec = importlib.util.spec_from_file_location("stdcompress._buffers", path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def segs(*pairs):
    return b"".join(struct.pack("=QQ", o, n) for o, n in pairs)


def expect(exc, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except exc:
        return
    raise AssertionError(f"{fn.__name__} {[type(a).__name__ for a in args]} did not raise {exc}")


def round_(m):
    data = bytes(range(256)) * 8
    pairs = segs(*[(i * 16, 16) for i in range(128)], (2048, 0), (0, 2048))
    b = m.BufferWithSegments(data, pairs)
    assert len(b) == 130 and b.size == 2048 and b.tobytes() == data
    assert bytes(memoryview(b)) == data and bytes(b.segments()) == pairs
    for i in (0, 1, 127, 128, 129, -1, -130):
        s = b[i]
        assert bytes(memoryview(s)) == s.tobytes() and len(s) == len(s.tobytes())
        s.offset
    for i in (130, -131):
        expect(IndexError, b.__getitem__, i)
    expect(TypeError, b.__getitem__, slice(0, 1))
    seg = b[5]
    del b
    gc.collect()
    assert seg.tobytes() == data[80:96]
    sv = m.BufferWithSegments(bytearray(data), pairs).segments()
    assert bytes(memoryview(sv)) == pairs
    del sv, seg
    # hostile and malformed input
    for bad in ((U64 - 2, 3), (1, U64 - 1), (U64 - 1, 1), (2**63, 2**63), (2049, 0),
                (0, 2049), (U64 - 1, U64 - 1)):
        expect(ValueError, m.BufferWithSegments, data, segs((0, 1), bad))
    expect(ValueError, m.BufferWithSegments, data, pairs[:-1])
    expect(TypeError, m.BufferWithSegments, "text", pairs)
    expect(TypeError, m.BufferWithSegments, data, None)
    expect(TypeError, m.BufferWithSegments)
    expect(BufferError, m.BufferWithSegments, memoryview(data)[::2], b"")
    expect(TypeError, m.BufferSegment)
    expect(TypeError, m.BufferSegments)
    unaligned = memoryview(b"\0" + segs((1, 3)))[1:]
    assert m.BufferWithSegments(b"abcd", unaligned)[0].tobytes() == b"bcd"
    assert len(m.BufferWithSegments(b"", b"")) == 0
    assert len(m.BufferWithSegments(b"abc", array.array("Q", [3, 0]))[0]) == 0
    # collections
    a = m.BufferWithSegments(data, pairs)
    z = m.BufferWithSegments(b"xyz", segs((0, 3)))
    c = m.BufferWithSegmentsCollection(a, z, a)
    assert len(c) == 261 and c.size() == 2 * (2048 * 2) + 3
    assert c[130].tobytes() == b"xyz" and c[-1].tobytes() == data and c[131].tobytes() == data[:16]
    for i in (261, -262):
        expect(IndexError, c.__getitem__, i)
    expect(ValueError, m.BufferWithSegmentsCollection)
    expect(TypeError, m.BufferWithSegmentsCollection, a, b"x")
    expect(TypeError, m.BufferWithSegmentsCollection, a, x=1)
    expect(ValueError, m.BufferWithSegmentsCollection, a, m.BufferWithSegments(b"", b""))
    expect(ValueError, m.BufferWithSegmentsCollection, m.BufferWithSegments(b"ab", b""))
    big = m.BufferWithSegments(b"abcd", segs(*[(0, 4)] * 4))
    assert m.BufferWithSegmentsCollection(big).size() == 16
    # batch helpers
    d, s, n = m.gather(a)
    assert d is a and n == 130
    d, s, n = m.gather(c)
    assert n == 261 and len(d) == 2048 * 2 + 3 and len(s) == 261 * 16
    assert m.BufferWithSegments(d, s)[260].tobytes() == data
    d, s, n = m.gather([b"ab", bytearray(b"cd"), memoryview(b"ef"), b"", array.array("B", b"g")])
    assert (d, n) == (b"abcdefg", 5)
    assert m.gather([]) == (b"", b"", 0)
    expect(TypeError, m.gather, [b"ok", "text", b"more"])
    expect(TypeError, m.gather, (b"a",))
    expect(TypeError, m.gather, None)
    r = m.result_collection([m.BufferWithSegments(b"", segs((0, 0), (0, 0))), z])
    assert len(r) == 3 and r[0].tobytes() == b"" and r[2].tobytes() == b"xyz"
    expect(ValueError, m.result_collection, [])
    expect(ValueError, m.result_collection, [m.BufferWithSegments(b"a", b"")])
    expect(TypeError, m.result_collection, [b"x"])
    expect(TypeError, m.result_collection, None)
    assert m.first_longer(pairs, 2048) == -1 and m.first_longer(pairs, 16) == 129
    assert m.first_longer(memoryview(b"\0" + segs((0, 5), (0, U64 - 1)))[1:], 5) == 1
    assert m.first_longer(b"", 0) == -1 and m.first_longer(b"x" * 15, 0) == -1
    expect(TypeError, m.first_longer, "text", 1)
    expect(OverflowError, m.first_longer, pairs, -1)
    expect(OverflowError, m.first_longer, pairs, 2**64)
    expect(TypeError, m.first_longer, pairs, 1.0)


def library():
    """libstdcompress.so (STDCOMPRESS_LIBDIR, else the development build): call_into's entries."""
    libdir = os.environ.get("STDCOMPRESS_LIBDIR") or Path(__file__).resolve().parents[1] / "build/so"
    return ctypes.CDLL(str(Path(libdir) / "libstdcompress.so"))


def call_into_round(m, lib):
    """call_into over real entries: results, every runtime-check code, every argument error."""
    address = {name: ctypes.cast(getattr(lib, name), ctypes.c_void_p).value
               for name in ("stdc_lz4_block_compress", "stdc_lz4_block_decompress",
                            "stdc_zstd_compress", "stdc_zstd_decompress")}
    text = b"call_into round trip " * 200
    out = bytearray(8192)
    ret, n = m.call_into(address["stdc_lz4_block_compress"], 1, 2, text, out, 1048576, 0, 0)
    assert ret == 0 and 0 < n < len(text)
    block, back = bytes(out[:n]), bytearray(len(text))
    for src in (block, bytearray(block), memoryview(b"xx" + block)[2:]):
        assert m.call_into(address["stdc_lz4_block_decompress"], 1, 3, src, back, 1048576,
                           len(text), 0) == (0, len(text)) and back == text
    big = bytearray(300000)  # over 32 KiB: the GIL is released around the call
    ret, n = m.call_into(address["stdc_zstd_compress"], 1, 2, bytes(200000), big, 1048576, 0, 0)
    assert ret == 0 and n > 0
    frame, plain = bytes(big[:n]), bytearray(200000)
    assert m.call_into(address["stdc_zstd_decompress"], 0, 2, frame, plain, 1048576, 0,
                       0) == (0, 200000) and plain == bytes(200000)
    # an output smaller than the result: held on the C side (ret = its length), length 0
    ret, n = m.call_into(address["stdc_zstd_decompress"], 0, 2, frame, bytearray(10), 1048576,
                         0, 0)
    assert ret == 200000 and n == 0
    assert m.call_into(address["stdc_lz4_block_decompress"], 1, 3, block, back, 1048576,
                       len(text), 0) == (0, len(text))  # the next call drops what was held
    assert m.call_into(address["stdc_lz4_block_decompress"], 1, 3, bytes(1048577), back,
                       1048576, 5, 0)[1] == -1  # over the string limit: not called
    assert m.call_into(address["stdc_lz4_block_decompress"], 1, 3, b"\xff" * 9, back, 1048576,
                       len(text), 0)[0] < 0  # corrupt: the entry's error
    expect(ValueError, m.call_into, address["stdc_lz4_block_decompress"], 1, 3, block,
           bytearray(), 1048576, 1, 0)
    expect(TypeError, m.call_into, address["stdc_lz4_block_decompress"], 1, 3, block, b"ro",
           1048576, 1, 0)
    expect(TypeError, m.call_into, address["stdc_lz4_block_decompress"], 1, 3, "text", back,
           1048576, 1, 0)
    expect(ValueError, m.call_into, 0, 1, 3, block, back, 1048576, 1, 0)
    expect(ValueError, m.call_into, address["stdc_lz4_block_decompress"], 3, 3, block, back,
           1048576, 1, 0)
    expect(TypeError, m.call_into, address["stdc_lz4_block_decompress"], 1, 3, block, back)
    expect(TypeError, m.call_into, address["stdc_lz4_block_decompress"], 1, 3, block, back,
           1048576, 1.5, 0)


def main():
    m = load(sys.argv[1])
    lib = library()
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    for _ in range(rounds):
        round_(m)
        call_into_round(m, lib)
    gc.collect()
    print("zstd_buffers_stress: all checks passed")


if __name__ == "__main__":
    main()
