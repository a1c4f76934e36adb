"""stdcompress.zstd's frame options and stream-shaped calls against python-zstandard itself.

Every comparison runs zstandard 0.25 (C backend, libzstd 1.5.7 as ours) and stdcompress.zstd on
the same input with the same settings and compares the bytes; where zstandard's own output is
not one fixed thing (chunk boundaries of an iterator) the concatenation is compared.  Round
trips go both ways: our frames through zstandard's decoders, zstandard's through ours.  5 MiB
inputs check that nothing is limited to one M string (1 MiB).
"""

from __future__ import annotations

import io
import os

import pytest
import zstandard

import stdcompress.zstd as sz
from stdcompress import _runtime
from samples import SAMPLES, TEXT, pseudo_random

pytestmark = pytest.mark.c_facing

MIB = 1 << 20


def text(n: int) -> bytes:
    """n bytes of compressible text that is not one repeated pattern (blocks compress
    differently, so block boundaries show in the bytes)."""
    words = [TEXT[i:i + 7 + i % 11] for i in range(0, min(len(TEXT), 40000), 37)]
    out, i = bytearray(), 0
    while len(out) < n:
        out += words[(i * 7919) % len(words)]
        i += 1
    return bytes(out[:n])


BIG = text(5 * MIB)
SIZES = (0, 1, 1000, 200_000, MIB - 4096, MIB + 1)
SETTINGS = [{}, {"write_checksum": True}, {"write_content_size": False},
            {"write_dict_id": False}, {"level": 1}, {"level": 19}, {"level": -5},
            {"threads": 1}, {"threads": 2, "write_checksum": True}, {"threads": -1}]


def both(**kw):
    return zstandard.ZstdCompressor(**kw), sz.ZstdCompressor(**kw)


def unz(frame: bytes) -> bytes:
    """zstandard's decoding of every frame in `frame`."""
    return zstandard.ZstdDecompressor().decompressobj(read_across_frames=True).decompress(frame)


# ---- the frame options and threads ----

@pytest.mark.parametrize("kw", SETTINGS, ids=str)
def test_compress_is_zstandards(kw):
    theirs, ours = both(**kw)
    for n in SIZES:
        data = text(n)
        frame = ours.compress(data)
        assert frame == theirs.compress(data), (kw, n)
        assert unz(frame) == data


def test_frame_header_fields():
    data = text(5000)
    for kw, checksum, size in (({}, False, 5000), ({"write_checksum": True}, True, 5000),
                               ({"write_content_size": False}, False,
                                zstandard.CONTENTSIZE_UNKNOWN)):
        p = zstandard.get_frame_parameters(sz.ZstdCompressor(**kw).compress(data))
        assert (p.has_checksum, p.content_size) == (checksum, size)


def test_dictionary_frames_are_zstandards():
    samples = [text(3000)[i:i + 300] + bytes([i % 251]) for i in range(0, 3000, 30)] * 4
    content = zstandard.train_dictionary(4096, samples).as_bytes()
    for kw in ({}, {"write_dict_id": False}, {"write_checksum": True}, {"threads": 2}):
        theirs = zstandard.ZstdCompressor(dict_data=zstandard.ZstdCompressionDict(content), **kw)
        ours = sz.ZstdCompressor(dict_data=sz.ZstdCompressionDict(content), **kw)
        for data in (samples[3], text(100_000)):
            frame = ours.compress(data)
            assert frame == theirs.compress(data), kw
            want = 0 if kw.get("write_dict_id") is False else zstandard.ZstdCompressionDict(
                content).dict_id()
            assert zstandard.get_frame_parameters(frame).dict_id == want
            d = zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(content))
            assert d.decompress(frame) == data
            assert sz.ZstdDecompressor(dict_data=sz.ZstdCompressionDict(content)).decompress(
                frame) == data


def test_threads_negative_is_one_per_cpu():
    """zstandard maps -1 to the CPU count; every count >= 1 gives the same frames, 0 others."""
    data = text(3 * MIB)
    assert sz.ZstdCompressor(threads=-1).compress(data) == \
        zstandard.ZstdCompressor(threads=os.cpu_count()).compress(data)
    assert sz.ZstdCompressor(threads=200).compress(data) == \
        zstandard.ZstdCompressor(threads=200).compress(data)  # ours caps at 64 workers


def test_large_one_shot_is_zstandards_stream():
    """Over one M string and on one thread, compress() goes through a C stream: its frame is
    zstandard's compressobj(size=n) frame (zstandard's compress() may split blocks
    elsewhere), and both decoders read it."""
    theirs, ours = both(level=3)
    frame = ours.compress(BIG)
    obj = theirs.compressobj(size=len(BIG))
    assert frame == obj.compress(BIG) + obj.flush()
    assert zstandard.ZstdDecompressor().decompress(frame) == BIG


# ---- compressobj ----

@pytest.mark.parametrize("kw", [{}, {"write_checksum": True, "level": 7}, {"threads": 2}],
                         ids=str)
def test_compressobj_is_zstandards(kw):
    theirs, ours = both(**kw)
    for size in (-1, len(BIG)):
        outs = []
        for c in (theirs, ours):
            o = c.compressobj(size=size)
            parts = [o.compress(BIG[:300_000]), o.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK),
                     o.compress(BIG[300_000:]), o.flush(zstandard.COMPRESSOBJ_FLUSH_FINISH)]
            outs.append(b"".join(parts))
        assert outs[0] == outs[1]
        assert unz(outs[1]) == BIG
        p = zstandard.get_frame_parameters(outs[1])
        assert p.content_size == (len(BIG) if size >= 0 else zstandard.CONTENTSIZE_UNKNOWN)


def test_compressobj_errors():
    for c in both():
        o = c.compressobj()
        o.compress(b"abc")
        with pytest.raises(ValueError):
            o.flush(7)
        o.flush()
        with pytest.raises(zstandard.ZstdError if c.__module__.startswith("zstandard")
                           else sz.ZstdError):
            o.compress(b"x")
    for mod in (zstandard, sz):
        o = mod.ZstdCompressor().compressobj(size=3)
        with pytest.raises(mod.ZstdError, match="Src size is incorrect"):
            o.compress(b"abcd")
            o.flush()
        with pytest.raises(mod.ZstdError, match="already finished|after compressor finished"):
            o = mod.ZstdCompressor().compressobj()
            o.flush()
            o.flush()


def test_constants_are_zstandards():
    for name in ("COMPRESSOBJ_FLUSH_FINISH", "COMPRESSOBJ_FLUSH_BLOCK", "FLUSH_BLOCK",
                 "FLUSH_FRAME", "COMPRESSION_RECOMMENDED_INPUT_SIZE",
                 "COMPRESSION_RECOMMENDED_OUTPUT_SIZE", "DECOMPRESSION_RECOMMENDED_INPUT_SIZE",
                 "DECOMPRESSION_RECOMMENDED_OUTPUT_SIZE"):
        assert getattr(sz, name) == getattr(zstandard, name), name


# ---- stream_writer (compressing) ----

class Sink(io.BytesIO):
    """A writer that records its writes, flushes and close."""

    def __init__(self):
        super().__init__()
        self.writes, self.flushes, self.closes = [], 0, 0

    def write(self, data):
        self.writes.append(len(data))
        return super().write(data)

    def flush(self):
        self.flushes += 1

    def close(self):
        self.closes += 1


def run_writer(c, size=-1, **kw):
    sink = Sink()
    w = c.stream_writer(sink, size=size, **kw)
    returns = [w.write(BIG[:100]), w.write(BIG[100:2 * MIB])]
    returns.append(w.flush())
    returns.append(w.write(BIG[2 * MIB:]))
    returns.append(w.flush(zstandard.FLUSH_FRAME))
    returns.append(w.write(b"second frame"))
    told = w.tell()
    w.close()
    return sink, returns, told


@pytest.mark.parametrize("kw", [{}, {"write_checksum": True}, {"threads": 2}], ids=str)
def test_compression_writer_is_zstandards(kw):
    theirs, ours = both(**kw)
    for size in (-1, len(BIG)):
        (s1, r1, t1), (s2, r2, t2) = run_writer(theirs, size), run_writer(ours, size)
        assert s1.getvalue() == s2.getvalue()
        assert (r1, t1) == (r2, t2)
        assert (s1.flushes, s1.closes) == (s2.flushes, s2.closes) == (2, 1)
        assert max(s2.writes) <= zstandard.COMPRESSION_RECOMMENDED_OUTPUT_SIZE
        assert unz(s2.getvalue()) == BIG + b"second frame"


def test_compression_writer_details():
    for c in both():
        sink = Sink()
        with c.stream_writer(sink, closefd=False, write_return_read=False) as w:
            n = w.write(b"x" * 10)
            assert n == 0  # nothing written to the sink yet
            assert w.writable() and not w.readable() and not w.seekable()
        assert sink.closes == 0 and w.closed
        with pytest.raises(ValueError, match="closed"):
            w.write(b"x")
        empty = Sink()
        with c.stream_writer(empty):
            pass
        assert empty.getvalue() == zstandard.ZstdCompressor().compress(b"")  # an empty frame
        with pytest.raises(ValueError, match="write"):
            c.stream_writer(object())
        with pytest.raises(ValueError):
            c.stream_writer(Sink()).flush(5)


# ---- stream_reader and read_to_iter (compressing) ----

@pytest.mark.parametrize("kw", [{}, {"level": 1, "write_checksum": True}, {"threads": 2}],
                         ids=str)
def test_compression_reader_is_zstandards(kw):
    theirs, ours = both(**kw)
    for make in (lambda: BIG, lambda: io.BytesIO(BIG)):
        a, b = theirs.stream_reader(make()), ours.stream_reader(make())
        first = (a.read(1000), b.read(1000))
        assert first[0] == first[1] and len(first[1]) == 1000
        rest = (a.read(), b.read())
        assert rest[0] == rest[1]
        assert a.tell() == b.tell() and a.read(10) == b.read(10) == b""
        assert unz(first[1] + rest[1]) == BIG


def test_compression_reader_details():
    for c in both():
        source = Sink()
        source.write(TEXT)
        source.seek(0)
        with c.stream_reader(source) as r:
            got = bytearray(100)
            assert r.readinto(got) == 100
            assert r.readable() and not r.writable()
            with pytest.raises(ValueError):
                r.read(-2)
            got += r.read1()
            while True:
                more = r.read1(4096)
                if not more:
                    break
                got += more
        assert source.closes == 1 and r.closed
        assert unz(bytes(got)) == TEXT
        with pytest.raises(ValueError, match="closed"):
            r.read(1)


def test_compress_read_to_iter_is_zstandards():
    theirs, ours = both(level=5)
    for make in (lambda: BIG, lambda: io.BytesIO(BIG)):
        a = list(theirs.read_to_iter(make(), read_size=65536, write_size=8192))
        b = list(ours.read_to_iter(make(), read_size=65536, write_size=8192))
        assert b"".join(a) == b"".join(b)
        assert max(map(len, b)) <= 8192
    for c in both():
        with pytest.raises(ValueError, match="read"):
            next(iter(c.read_to_iter(42)))


# ---- decompression: decompressobj, stream_reader, stream_writer, read_to_iter ----

F1, F2 = zstandard.ZstdCompressor().compress(b"one" * 40), sz.ZstdCompressor().compress(b"two")
BIGF = zstandard.ZstdCompressor(level=1).compress(BIG)


@pytest.mark.parametrize("mod", [zstandard, sz], ids=lambda m: m.__name__)
def test_decompressobj(mod):
    o = mod.ZstdDecompressor().decompressobj()
    assert o.decompress(F1[:5]) == b"" and not o.eof
    assert o.decompress(F1[5:] + F2) == b"one" * 40
    assert o.eof and o.unused_data == F2 and o.unconsumed_tail == b"" and o.flush() == b""
    with pytest.raises(mod.ZstdError, match="multiple times"):
        o.decompress(b"x")
    o = mod.ZstdDecompressor().decompressobj(read_across_frames=True)
    assert o.decompress(F1 + F2) == b"one" * 40 + b"two" and not o.eof
    with pytest.raises(mod.ZstdError):
        o.decompress(b"garbage!")
    with pytest.raises(ValueError, match="positive"):
        mod.ZstdDecompressor().decompressobj(write_size=0)
    o = mod.ZstdDecompressor().decompressobj()
    out = b"".join(o.decompress(BIGF[i:i + 700_000]) for i in range(0, len(BIGF), 700_000))
    assert out == BIG and o.eof


@pytest.mark.parametrize("mod", [zstandard, sz], ids=lambda m: m.__name__)
def test_decompression_reader(mod):
    d = mod.ZstdDecompressor()
    for source in (F1 + F2, io.BytesIO(F1 + F2)):
        r = d.stream_reader(source)
        assert r.read(1000) == b"one" * 40  # a read stops at the end of a frame
        assert r.read(1000) == b"two"
        assert r.read(1000) == b""
    assert d.stream_reader(F1 + F2, read_across_frames=True).read(1000) == b"one" * 40 + b"two"
    with d.stream_reader(io.BytesIO(BIGF)) as r:
        assert r.read(10) == BIG[:10]
        assert r.seek(3 * MIB) == 3 * MIB and r.tell() == 3 * MIB
        with pytest.raises(OSError):
            r.seek(0)
        with pytest.raises(OSError):
            r.seek(0, os.SEEK_END)
        buf = bytearray(1000)
        assert r.readinto(buf) == 1000 and bytes(buf) == BIG[3 * MIB:3 * MIB + 1000]
        assert r.read() == BIG[3 * MIB + 1000:]
    assert r.closed
    with pytest.raises(ValueError, match="closed"):
        r.read(1)


@pytest.mark.parametrize("mod", [zstandard, sz], ids=lambda m: m.__name__)
def test_decompression_writer(mod):
    sink = Sink()
    w = mod.ZstdDecompressor().stream_writer(sink)
    assert w.write(F1 + F2) == len(F1 + F2)  # write_return_read
    assert sink.getvalue() == b"one" * 40 + b"two"
    with pytest.raises(mod.ZstdError):
        w.write(b"garbage!")
    sink = Sink()
    with mod.ZstdDecompressor().stream_writer(sink, write_return_read=False) as w:
        for i in range(0, len(BIGF), 999_999):
            w.write(BIGF[i:i + 999_999])
    assert sink.getvalue() == BIG and sink.closes == 1
    assert max(sink.writes) <= zstandard.DECOMPRESSION_RECOMMENDED_OUTPUT_SIZE
    with pytest.raises(ValueError, match="write"):
        mod.ZstdDecompressor().stream_writer(object())


@pytest.mark.parametrize("mod", [zstandard, sz], ids=lambda m: m.__name__)
def test_decompress_read_to_iter(mod):
    d = mod.ZstdDecompressor()
    assert b"".join(d.read_to_iter(F1 + F2)) == b"one" * 40  # one frame
    chunks = list(d.read_to_iter(io.BytesIO(BIGF), write_size=50_000))
    assert b"".join(chunks) == BIG and max(map(len, chunks)) <= 50_000
    assert b"".join(d.read_to_iter(b"junk" + F1, skip_bytes=4)) == b"one" * 40
    with pytest.raises(ValueError, match="skip_bytes"):
        next(iter(d.read_to_iter(F1, read_size=4, skip_bytes=4)))


def test_round_trips_both_ways_5mib():
    """Ours -> zstandard and zstandard -> ours, through every stream-shaped call."""
    ours, theirs = sz.ZstdCompressor(level=3), zstandard.ZstdCompressor(level=3)
    data = BIG[:4 * MIB] + pseudo_random(MIB)
    for c, d in ((ours, zstandard.ZstdDecompressor()), (theirs, sz.ZstdDecompressor())):
        frame = b"".join(c.read_to_iter(io.BytesIO(data)))
        assert d.stream_reader(frame).read() == data
        assert b"".join(d.read_to_iter(frame)) == data
        sink = io.BytesIO()
        d.stream_writer(sink, closefd=False).write(frame)
        assert sink.getvalue() == data
        assert d.decompressobj().decompress(frame) == data


def test_samples_through_streams():
    d = sz.ZstdDecompressor()
    for data in SAMPLES.values():
        o = sz.ZstdCompressor().compressobj()
        frame = o.compress(data) + o.flush()
        assert d.decompressobj().decompress(frame) == data == unz(frame)


def open_handles() -> int:
    ret, (text,) = _runtime.default().call("handleStats", None)
    assert ret == 0
    return int(dict(p.split("=") for p in text.decode().split(";"))["open"])


def test_streams_leave_no_handles_open():
    before = open_handles()
    list(sz.ZstdCompressor().read_to_iter(TEXT))
    with sz.ZstdCompressor().stream_reader(TEXT) as r:
        r.read(10)
    r = sz.ZstdDecompressor().stream_reader(sz.ZstdCompressor().compress(TEXT))
    r.read(5)
    r.close()
    it = sz.ZstdDecompressor().read_to_iter(F1 + F2)
    next(it)
    it.close()
    with sz.ZstdCompressor().stream_writer(io.BytesIO()) as w:
        w.write(TEXT)
    o = sz.ZstdDecompressor().decompressobj()
    o.decompress(F1)
    assert open_handles() == before
