"""An easynetwork serializer that frames each packet as a header plus compressed blocks and
decompresses them straight out of the socket's buffer into a reused output buffer.

    from easynetwork.serializers import JSONSerializer
    from easynetwork.protocol import BufferedStreamProtocol
    from stdcompress.easynetwork import BufferedIncrementalPacketSerializer

    protocol = BufferedStreamProtocol(BufferedIncrementalPacketSerializer(JSONSerializer(), "lz4"))

Needs the optional extra: ``pip install stdcompress[easynetwork]``.  Wire format, limits, errors
and what is (and is not) copied: docs/easynetwork.md.

Wire format (all integers unsigned little-endian):

    frame header, 16 bytes:
        0  u8   magic 0xEC
        1  u8   codec: 1 LZ4 block, 2 zstd frame, 3 raw deflate
        2  u8   log2 of the block size B, 10..20 (1 KiB .. 1 MiB)
        3  u8   format version, 1 (a reader refuses any other)
        4  u32  D, the decompressed packet length
        8  u32  C, the length of the payload that follows (block headers and blocks)
        12 u32  CRC-32 (zlib's) of the D decompressed bytes
    then ceil(D / B) blocks; block i decompresses to exactly min(B, D - i*B) bytes:
        u32  bit 31: stored (the bytes as they are); bits 0..30: the block's length c (1..B,
             and never more than its decompressed length)
        c bytes of the block

Every length is checked against the header before it is used, and the header against the
receiver's limits before anything is allocated.  A packet whose bytes do not have the header's
CRC-32 is an error, never handed on: LZ4 and raw deflate blocks carry no checksum of their own.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Generator
from typing import Any

try:
    from easynetwork.exceptions import DeserializeError, IncrementalDeserializeError
    from easynetwork.serializers import abc as _abc
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "stdcompress.easynetwork needs the easynetwork package: "
        "pip install stdcompress[easynetwork]") from exc

from . import _bindings, _runtime

try:  # a packet's bytes are decoded in place into the bytes object the serializer gets
    from ._buffers import Builder as _Output
    _finish = _Output.finish
except ImportError:  # pragma: no cover - without the compiled module: a bytearray, copied once
    _Output, _finish = bytearray, bytes

__all__ = ["BufferedIncrementalPacketSerializer", "FrameHeaderError", "PacketTooLargeError",
           "CorruptPacketError", "MAGIC", "VERSION", "HEADER_SIZE", "CODECS"]

MAGIC = 0xEC
VERSION = 1  # 1: the header carries the packet's CRC-32 (version 0 had none and is refused)
HEADER_SIZE = 16
_HEADER = struct.Struct("<BBBBIII")
_WORD = struct.Struct("<I")
_FIRST = struct.Struct("<BBBBIIII")  # the header and the first block's word
_STORED = 1 << 31
_LENGTH = _STORED - 1
_MIN_LOG2, _MAX_LOG2 = 10, 20            # blocks of 1 KiB .. 1 MiB (the one-shot limit)
MAX_PACKET_LIMIT = 1 << 31              # D + 4 * blocks always fits the u32 C
CODECS = {"lz4": 1, "zstd": 2, "deflate": 3}
_NAMES = {v: k for k, v in CODECS.items()}
# (compress entry, decompress entry, the decompressor takes the exact size as its argument)
_ENTRIES = {1: ("lz4BlockCompress", "lz4BlockDecompress", True),
            2: ("zstdCompress", "zstdDecompress", False),
            3: ("deflate", "inflate", False)}


_CRC32 = "long stdc_py_crc32(long, const char *, size_t);"  # stdcompress.h, Python-only


def _crc32_function():
    """CRC-32 of a buffer through the library's stdc_py_crc32, read where it lies (cffi hands
    C a bytes object's own storage; other buffers through from_buffer)."""
    ffi, lib = _runtime.default().native(_CRC32)
    crc, buffer = lib.stdc_py_crc32, ffi.from_buffer

    def crc32(data) -> int:
        return crc(0, data if data.__class__ is bytes else buffer(data), len(data))
    return crc32


class FrameHeaderError(IncrementalDeserializeError):
    """A frame header that is not one (bad magic, codec, version, block size or lengths):
    nothing after it can be trusted, so the data received so far is dropped
    (``remaining_data`` is empty).  Close the connection."""


class PacketTooLargeError(FrameHeaderError):
    """The header declares a packet longer than ``max_packet_size``; raised on the header,
    before anything is allocated."""


class CorruptPacketError(IncrementalDeserializeError):
    """A well-framed packet whose blocks do not decode to the sizes the header declares
    (corrupt data, a decompression bomb, inconsistent block lengths), or decode to bytes whose
    CRC-32 is not the header's.  The whole frame has been consumed: ``remaining_data`` is what
    follows it, and the connection can go on."""


class _BufferReader:
    """The frame's bytes in the receive buffer easynetwork's socket writes into.  need() yields
    write positions (as buffered_incremental_deserialize must) until k bytes are contiguous at
    view[start:]; a block that would run past the end of the buffer is slid to its start first
    (the part received so far, within the buffer).  Nothing is copied out of the buffer."""

    __slots__ = ("view", "start", "end")
    AT = 0  # the first read writes from the start of the buffer

    def __init__(self, view: memoryview):  # a byte view (buffered_incremental_deserialize's)
        self.view = view
        self.start = 0
        self.end = 0

    def took(self, n: int) -> None:
        self.end += n

    def need(self, k: int) -> Generator[int, int, None]:
        view, start, end = self.view, self.start, self.end
        if start + k > len(view):
            view[:end - start] = view[start:end]
            end -= start
            start = 0
        while end - start < k:
            end += yield end
        self.start, self.end = start, end

    def skip(self, k: int) -> Generator[int, int, None]:
        start, end = self.start, self.end
        while end - start < k:
            k -= end - start
            start, end = 0, (yield 0)
        self.start, self.end = start + k, end

    def rest(self):
        return self.view[self.start:self.end]


class _BytesReader:
    """The same over the bytes chunks StreamProtocol sends: a chunk is used where it lies (a
    memoryview); only a header or block that spans chunks is gathered into a bytearray."""

    __slots__ = ("view", "start", "end")
    AT = None

    def __init__(self):
        self.view = memoryview(b"")
        self.start = self.end = 0

    def took(self, chunk: bytes) -> None:
        self.view = memoryview(chunk)
        self.end = len(chunk)

    def need(self, k: int) -> Generator[None, bytes, None]:
        have = self.end - self.start
        if have >= k:
            return
        chunk = yield
        if not have and len(chunk) >= k:
            self.view = memoryview(chunk)
        else:
            acc = bytearray(self.view[self.start:self.end])
            acc += chunk
            while len(acc) < k:
                acc += yield
            self.view = memoryview(acc)
        self.start, self.end = 0, len(self.view)

    def skip(self, k: int) -> Generator[None, bytes, None]:
        start, end = self.start, self.end
        while end - start < k:
            k -= end - start
            self.view = memoryview((yield))
            start, end = 0, len(self.view)
        self.start, self.end = start + k, end

    def rest(self) -> bytes:
        return bytes(self.view[self.start:self.end])


class BufferedIncrementalPacketSerializer(
        _abc.BufferedIncrementalPacketSerializer[Any, Any, bytearray]):
    """Wraps any easynetwork serializer, as ZlibCompressorSerializer does; each packet goes on
    the wire as a frame header and blocks of one codec.

    ``codec``: "lz4" (LZ4 blocks, default), "zstd" (one zstd frame per block) or "deflate" (raw
    deflate); ``level``: the codec's level (default: the codec's default; checked here).
    ``block_size``: a power of two from 1 KiB to 1 MiB (default 64 KiB): packets are cut into
    blocks of that size, each compressed on its own (stored as it is when that is not smaller);
    the receiver accepts blocks up to its own ``block_size``.  ``max_packet_size``: the longest
    decompressed packet accepted, and sent (default 16 MiB, at most 2 GiB).

    Frames of any of the three codecs are read, whichever ``codec`` says what is sent."""

    __slots__ = ("__serializer", "__codec", "__level", "__block_log2", "__block_size",
                 "__max_packet_size", "__compress", "__compress_into", "__args", "__local",
                 "__decoders", "__crc32")

    def __init__(self, serializer: _abc.AbstractPacketSerializer, codec: str = "lz4", *,
                 level: int | None = None, block_size: int = 1 << 16,
                 max_packet_size: int = 16 << 20) -> None:
        super().__init__()
        if not isinstance(serializer, _abc.AbstractPacketSerializer):
            raise TypeError(f"Expected a serializer instance, got {serializer!r}")
        if codec not in CODECS:
            raise ValueError(f"codec must be one of {', '.join(CODECS)}, not {codec!r}")
        if (not isinstance(block_size, int) or block_size & (block_size - 1)
                or not 1 << _MIN_LOG2 <= block_size <= 1 << _MAX_LOG2):
            raise ValueError(f"block_size must be a power of two from 1 KiB to 1 MiB, "
                             f"not {block_size!r}")
        if (not isinstance(max_packet_size, int) or isinstance(max_packet_size, bool)
                or not 0 <= max_packet_size <= MAX_PACKET_LIMIT):
            raise ValueError(f"max_packet_size must be an int from 0 to {MAX_PACKET_LIMIT}, "
                             f"not {max_packet_size!r}")
        self.__serializer = serializer
        self.__codec = CODECS[codec]
        self.__level = level
        self.__block_size = block_size
        self.__block_log2 = block_size.bit_length() - 1
        self.__max_packet_size = max_packet_size
        name = _ENTRIES[self.__codec][0]
        caller = _runtime.default().string_op(name)
        args = () if level is None else (level,)

        def compress(data):
            ret, out = caller(data, *args)
            return out if ret == 0 else _bindings.compress(name, data, level)  # its error
        self.__compress = compress
        self.__compress(b"level check")  # a bad level is BadLevelError now, not at send time
        self.__compress_into = _runtime.default().string_op(name, into=True)
        self.__args = args
        self.__local = threading.local()  # each sending thread's frame buffer
        rt = _runtime.default()
        self.__decoders = {cid: (rt.string_op(entry, into=True), sized)
                           for cid, (_, entry, sized) in _ENTRIES.items()}
        self.__crc32 = _crc32_function()

    @property
    def codec(self) -> str:
        return _NAMES[self.__codec]

    @property
    def block_size(self) -> int:
        return self.__block_size

    @property
    def max_packet_size(self) -> int:
        return self.__max_packet_size

    # ---- sending ----

    def incremental_serialize(self, packet: Any) -> Generator[bytes]:
        """The frame of ``packet``: the header with the first block, then one chunk per
        further block."""
        data = self.__serializer.serialize(packet)
        size = len(data)
        if size > self.__max_packet_size:
            raise ValueError(f"packet of {size} bytes exceeds max_packet_size "
                             f"({self.__max_packet_size})")
        bs, compress, crc = self.__block_size, self.__compress, self.__crc32(data)
        if size <= bs:  # one block (or none): one chunk
            if size:
                # compressed straight into this thread's frame buffer, after the header
                try:
                    frame, body = self.__local.buffers
                except AttributeError:
                    frame = memoryview(bytearray(HEADER_SIZE + 4 + bs))
                    frame, body = self.__local.buffers = frame, frame[HEADER_SIZE + 4:]
                ret, n = self.__compress_into(data, body, *self.__args)
                if ret == 0 and n < size:
                    _FIRST.pack_into(frame, 0, MAGIC, self.__codec, self.__block_log2, VERSION,
                                     size, 4 + n, crc, n)
                    yield bytes(frame[:HEADER_SIZE + 4 + n])
                    return
                # not smaller: stored.  (ret != 0: an error, or a result over the bs bytes of
                # body, held on the C side; the plain call says which and drops what is held.)
                packed = compress(data) if ret != 0 else data
                word = len(packed)
                if word >= size:
                    word, packed = _STORED | size, data
                yield _FIRST.pack(MAGIC, self.__codec, self.__block_log2, VERSION, size,
                                  4 + len(packed), crc, word) + packed
            else:
                yield _HEADER.pack(MAGIC, self.__codec, self.__block_log2, VERSION, 0, 0, crc)
            return
        view, parts, payload = memoryview(data), [], 0
        for off in range(0, size, bs):
            piece = view[off:off + bs]
            packed = compress(piece)
            if len(packed) >= len(piece):
                word, packed = _STORED | len(piece), piece
            else:
                word = len(packed)
            parts.append((word, packed))
            payload += 4 + len(packed)
        word, packed = parts[0]
        yield b"".join((_FIRST.pack(MAGIC, self.__codec, self.__block_log2, VERSION, size,
                                    payload, crc, word), packed))
        for word, packed in parts[1:]:
            yield b"".join((_WORD.pack(word), packed))

    # ---- receiving ----

    def create_deserializer_buffer(self, sizehint: int) -> bytearray:
        """The receive buffer: ``sizehint`` bytes, and at least one whole block and headers."""
        return bytearray(max(sizehint, HEADER_SIZE + 4 + self.__block_size))

    def buffered_incremental_deserialize(
            self, buffer: bytearray) -> Generator[int, int, tuple[Any, memoryview]]:
        """Reads one frame from the socket's writes into ``buffer`` and decompresses its blocks
        from there; returns the packet and a view of the bytes after the frame."""
        view = memoryview(buffer)
        if view.format != "B" or view.ndim != 1:
            view = view.cast("B")
        if len(view) < HEADER_SIZE + 4 + self.__block_size:
            raise ValueError("the buffer is smaller than one block: use create_deserializer_buffer")
        # The common case first: a frame of one block that arrived whole in the first write,
        # decoded with no reader machinery.  Anything else, errors included, goes to __frame,
        # which reads the frame from the start (so there is one account of every error).
        n = yield 0
        if n >= HEADER_SIZE + 4:
            magic, codec, log2, version, size, payload, crc, word = _FIRST.unpack_from(view)
            end = HEADER_SIZE + payload
            c = word & _LENGTH
            # every check of __check_header and of a block, for a frame of one block
            if (n >= end and payload == 4 + c and 0 < c <= size <= 1 << log2
                    and magic == MAGIC and version == VERSION and codec in self.__decoders
                    and _MIN_LOG2 <= log2 <= self.__block_log2
                    and size <= self.__max_packet_size):
                if word & _STORED:
                    if c == size:  # its one copy, out of the receive buffer (its decoding)
                        data = bytes(view[HEADER_SIZE + 4:end])
                        if self.__crc32(data) == crc:
                            rest = view[end:n]
                            return self.__packet(data, rest), rest
                else:
                    out = _Output(size)
                    decode, sized = self.__decoders[codec]
                    block = view[HEADER_SIZE + 4:end]
                    ret, got = decode(block, out, size) if sized else decode(block, out)
                    if ret == 0 and got == size:
                        data = _finish(out)
                        if self.__crc32(data) == crc:
                            rest = view[end:n]
                            return self.__packet(data, rest), rest
                        del data
                    del out
        r = _BufferReader(view)
        r.took(n)
        return (yield from self.__frame(r))

    def incremental_deserialize(self) -> Generator[None, bytes, tuple[Any, bytes]]:
        """Reads one frame from the chunks StreamProtocol sends; the same checks and output."""
        return self.__frame(_BytesReader())

    def __frame(self, r):
        """The one generator of a frame (yields only where r.need / r.skip must wait)."""
        if r.end == 0:  # the first read, without a sub-generator (the common case)
            r.took((yield r.AT))
        if r.end - r.start < HEADER_SIZE:
            yield from r.need(HEADER_SIZE)
        magic, codec, log2, version, size, payload, crc = _HEADER.unpack_from(r.view, r.start)
        r.start += HEADER_SIZE
        blocks = self.__check_header(magic, codec, log2, version, size, payload)
        decode, sized = self.__decoders[codec]
        out = _Output(size)
        ov = memoryview(out)
        bs, pos, left, error = 1 << log2, 0, payload, None
        try:
            for i in range(blocks):
                start = r.start
                if r.end - start < 4:
                    yield from r.need(4)
                    start = r.start
                word = _WORD.unpack_from(r.view, start)[0]
                c = word & _LENGTH
                want = size - pos if size - pos < bs else bs
                if not 0 < c <= want or 4 + c > left:
                    error = f"block {i}: length {c} for {want} bytes, {left - 4} left"
                    break
                start += 4
                left -= 4 + c
                if r.end - start < c:
                    r.start = start
                    yield from r.need(c)
                    start = r.start
                r.start = start + c
                if word & _STORED:
                    if c != want:
                        error = f"block {i}: stored block of {c} bytes for {want}"
                        break
                    ov[pos:pos + c] = r.view[start:start + c]
                else:
                    ret, got = (decode(r.view[start:start + c], ov[pos:pos + want], want) if sized
                                else decode(r.view[start:start + c], ov[pos:pos + want]))
                    if ret != 0 or got != want:
                        error = self.__decode_failure(i, codec, ret, got, want)
                        break
                pos += want
            else:
                if left:
                    error = f"{left} byte(s) after the last block"
        except BaseException:
            ov.release()
            raise
        ov.release()
        if error is None:
            data = _finish(out)
            del out
            got = self.__crc32(data)
            if got == crc:
                rest = r.rest()
                return self.__packet(data, rest), rest
            del data
            error = f"the packet's CRC-32 is {got:#010x}, the header says {crc:#010x}"
        else:  # the frame is well delimited: skip to its end and say so
            del out  # freed while the rest of the frame is skipped
            if left:
                yield from r.skip(left)
        raise CorruptPacketError(error, remaining_data=r.rest(),
                                 error_info={"codec": _NAMES[codec], "size": size})

    def __packet(self, data: bytes, rest):
        """The wrapped serializer's packet from the decompressed bytes (bytes, as easynetwork's
        own wrappers give); its error as easynetwork's, with ``rest`` as the remaining data."""
        try:
            return self.__serializer.deserialize(data)
        except DeserializeError as exc:
            raise IncrementalDeserializeError(
                f"Error while deserializing decompressed data: {exc}",
                remaining_data=rest, error_info=exc.error_info) from exc

    def __check_header(self, magic, codec, log2, version, size, payload) -> int:
        if magic != MAGIC or codec not in _NAMES:
            raise FrameHeaderError(f"not a stdcompress frame header (magic {magic:#04x}, codec "
                                   f"{codec})", remaining_data=b"")
        if version != VERSION:
            raise FrameHeaderError(f"frame format version {version}, this reader knows "
                                   f"{VERSION} only", remaining_data=b"")
        if not _MIN_LOG2 <= log2 <= self.__block_log2:
            raise FrameHeaderError(f"block size 2**{log2} is outside 2**{_MIN_LOG2}.."
                                   f"2**{self.__block_log2} (this side's block_size)",
                                   remaining_data=b"")
        if size > self.__max_packet_size:
            raise PacketTooLargeError(f"packet of {size} bytes declared, max_packet_size is "
                                      f"{self.__max_packet_size}", remaining_data=b"",
                                      error_info={"size": size})
        blocks = (size + (1 << log2) - 1) >> log2
        if not 5 * blocks <= payload <= size + 4 * blocks:
            raise FrameHeaderError(f"payload of {payload} bytes cannot hold {blocks} block(s) "
                                   f"of a {size}-byte packet", remaining_data=b"")
        return blocks

    @staticmethod
    def __decode_failure(i: int, codec: int, ret: int, got: int, want: int) -> str:
        if ret < 0:
            found = _bindings.last_failure()
            why = f"{found[0]}: {found[1]}" if found else f"code {ret}"
        else:  # decoded further than declared (a bomb is stopped there) or short of it
            why = f"decodes to {ret or got} bytes"
        return f"block {i} ({_NAMES[codec]}, {want} bytes declared): {why}"
