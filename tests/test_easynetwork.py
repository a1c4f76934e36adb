"""stdcompress.easynetwork: the serializer over a real loopback server (easynetwork's
StandaloneTCPNetworkServer in a thread, TCPNetworkClient and plain sockets), and its generators
driven directly through easynetwork's own stream data consumers.  Wire bytes are checked against
independent decoders (python-lz4, zstandard, zlib)."""

import json
import queue
import socket
import struct
import subprocess
import sys
import sysconfig
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest

import easynetwork  # noqa: F401 - installed by `invoke setup` (tasks.py): missing is a failure
import lz4.block  # noqa: E402
import zstandard  # noqa: E402
from easynetwork.clients import TCPNetworkClient  # noqa: E402
from easynetwork.exceptions import (IncrementalDeserializeError,  # noqa: E402
                                    StreamProtocolParseError)
from easynetwork.lowlevel._stream import (BufferedStreamDataConsumer,  # noqa: E402
                                          StreamDataConsumer)
from easynetwork.protocol import BufferedStreamProtocol, StreamProtocol  # noqa: E402
from easynetwork.serializers import JSONSerializer  # noqa: E402
from easynetwork.serializers.abc import AbstractPacketSerializer  # noqa: E402
from easynetwork.servers import StandaloneTCPNetworkServer  # noqa: E402
from easynetwork.servers.handlers import AsyncStreamRequestHandler  # noqa: E402
from easynetwork.servers.threads_helper import NetworkServerThread  # noqa: E402

import stdcompress  # noqa: E402
from stdcompress.easynetwork import CODECS as WIRE_CODECS  # noqa: E402
from stdcompress.easynetwork import (HEADER_SIZE, MAGIC, VERSION,  # noqa: E402
                                     BufferedIncrementalPacketSerializer, CorruptPacketError,
                                     FrameHeaderError, PacketTooLargeError)

from samples import pseudo_random  # noqa: E402

pytestmark = pytest.mark.c_facing
CODECS = ("lz4", "zstd", "deflate")
TIMEOUT = 20  # seconds: every network wait is bounded


class RawBytes(AbstractPacketSerializer):
    """Packets that are bytes, as they are (so a 5-byte packet is 5 bytes on the inside)."""
    __slots__ = ()

    def serialize(self, packet):
        return bytes(packet)

    def deserialize(self, data):
        return bytes(data)


def real_bytes(n: int) -> bytes:
    """Real text (the standard library's sources), with a stretch of incompressible bytes in the
    middle so that some blocks are stored as they are."""
    out = bytearray()
    for p in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py")):
        out += p.read_bytes()
        if len(out) >= n:
            break
    out = out[:n]
    if n > 200_000:
        out[n // 2:n // 2 + 200_000] = pseudo_random(200_000)
    return bytes(out)


BIG = real_bytes(2_000_000)


def frames(ser, packets) -> bytes:
    return b"".join(ser.serialize(p) for p in packets)


# The frame header as docs/easynetwork.md lays it out (written here, not by the serializer).
HEADER = struct.Struct("<BBBBIII")  # magic, codec, log2 block size, version, D, C, CRC-32


def header(codec: int, log2: int, size: int, payload: int, crc: int = 0,
           version: int = VERSION) -> bytes:
    return HEADER.pack(MAGIC, codec, log2, version, size, payload, crc)


# ---- a loopback server ----

class EchoHandler(AsyncStreamRequestHandler):
    """Echoes each packet; a parse error is answered with b'ERROR <class>' (catch=True: the
    handler goes on and so does the connection) or re-raised (catch=False: easynetwork closes
    the connection)."""

    def __init__(self, catch: bool = True):
        self.catch = catch
        self.errors: queue.Queue = queue.Queue()
        self.disconnections: queue.Queue = queue.Queue()

    async def handle(self, client):
        try:
            request = yield
        except StreamProtocolParseError as exc:
            self.errors.put(exc)
            if not self.catch:
                raise
            await client.send_packet(b"ERROR " + type(exc.error).__name__.encode())
            return
        await client.send_packet(request)

    async def on_disconnection(self, client):
        self.disconnections.put(True)


class Server:
    def __init__(self, protocol, handler):
        self.handler = handler
        self.server = StandaloneTCPNetworkServer("127.0.0.1", 0, protocol, handler,
                                                 log_client_connection=False)
        self.thread = NetworkServerThread(self.server, daemon=True)

    def __enter__(self):
        self.thread.start()  # returns once the server accepts connections
        self.port = self.server.get_addresses()[0].port
        return self

    def __exit__(self, *exc):
        self.thread.join(timeout=TIMEOUT)  # shuts the server down, then joins
        self.server.server_close()
        assert not self.thread.is_alive(), "the server thread did not stop"


def make_protocol(kind: str, ser):
    return BufferedStreamProtocol(ser) if kind == "buffered" else StreamProtocol(ser)


@pytest.fixture(scope="module", params=["buffered", "stream"])
def echo(request):
    ser = BufferedIncrementalPacketSerializer(RawBytes(), "zstd")
    with Server(make_protocol(request.param, ser), EchoHandler()) as srv:
        srv.kind, srv.ser = request.param, ser
        yield srv


def client_for(srv, codec="zstd", kind=None):
    ser = BufferedIncrementalPacketSerializer(RawBytes(), codec)
    return TCPNetworkClient(("127.0.0.1", srv.port), make_protocol(kind or srv.kind, ser),
                            connect_timeout=TIMEOUT)


@pytest.mark.parametrize("codec", CODECS)
def test_echo_5_bytes_500_kb_and_2_mb(echo, codec):
    """The sender's codec is the client's; the server reads all three and answers in zstd."""
    with client_for(echo, codec) as client:
        for packet in (b"hello", BIG[:500_000], BIG):
            client.send_packet(packet, timeout=TIMEOUT)
            assert client.recv_packet(timeout=TIMEOUT) == packet
    assert echo.handler.errors.empty()


def recv_frame(sock) -> bytes:
    """One whole frame from a plain socket (its header says how long it is)."""
    sock.settimeout(TIMEOUT)

    def exactly(n):
        got = bytearray()
        while len(got) < n:
            part = sock.recv(n - len(got))
            assert part, "the server closed the connection"
            got += part
        return bytes(got)

    header = exactly(HEADER_SIZE)
    return header + exactly(struct.unpack_from("<I", header, 8)[0])


def test_three_pipelined_packets_in_one_segment(echo):
    packets = [b"first packet", json.dumps({"n": list(range(200))}).encode(), BIG[:3000]]
    wire = frames(echo.ser, packets)
    assert len(wire) < 16 << 10  # one send on loopback: one segment
    with socket.create_connection(("127.0.0.1", echo.port), timeout=TIMEOUT) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(wire)
        assert [echo.ser.deserialize(recv_frame(sock)) for _ in packets] == packets


def corrupt_frame(ser, packet: bytes) -> bytes:
    """A well-framed packet whose zstd block is damaged in its middle (the frame checksum, if
    not the decoder, fails)."""
    frame = bytearray(ser.serialize(packet))
    assert frame[1] == 2  # zstd
    mid = HEADER_SIZE + 4 + (len(frame) - HEADER_SIZE - 4) // 2
    frame[mid:mid + 8] = bytes(b ^ 0x5A for b in frame[mid:mid + 8])
    return bytes(frame)


def test_corrupt_packet_reaches_the_handler_and_the_connection_goes_on(echo):
    """The handler catches the parse error (easynetwork throws it into handle()); the frame was
    consumed whole, so the packet after it, in the same segment, is read as it should be."""
    bad = corrupt_frame(echo.ser, BIG[:20_000])
    wire = echo.ser.serialize(b"before") + bad + echo.ser.serialize(b"after")
    with socket.create_connection(("127.0.0.1", echo.port), timeout=TIMEOUT) as sock:
        sock.sendall(wire)
        replies = [echo.ser.deserialize(recv_frame(sock)) for _ in range(3)]
    assert replies == [b"before", b"ERROR CorruptPacketError", b"after"]
    exc = echo.handler.errors.get(timeout=TIMEOUT)
    assert isinstance(exc.error, CorruptPacketError)
    assert "LIBZSTD-FAIL" in str(exc.error)


@pytest.mark.parametrize("kind", ["buffered", "stream"])
def test_uncaught_parse_error_closes_the_connection(kind, caplog):
    """A handler that lets the parse error out: easynetwork calls on_disconnection and closes
    the connection (the peer's next read is the end of the stream or a reset); the server goes
    on serving new connections."""
    ser = BufferedIncrementalPacketSerializer(RawBytes(), "zstd")
    handler = EchoHandler(catch=False)
    with Server(make_protocol(kind, ser), handler) as srv:
        with socket.create_connection(("127.0.0.1", srv.port), timeout=TIMEOUT) as sock:
            sock.sendall(ser.serialize(b"fine"))
            assert ser.deserialize(recv_frame(sock)) == b"fine"
            sock.sendall(corrupt_frame(ser, BIG[:20_000]))
            try:
                closed = sock.recv(1) == b""
            except ConnectionResetError:  # easynetwork aborts the connection (SO_LINGER 0)
                closed = True
            assert closed
        assert isinstance(handler.errors.get(timeout=TIMEOUT).error, CorruptPacketError)
        assert handler.disconnections.get(timeout=TIMEOUT)

        def logged():  # the server logs what ended the task (from its thread, soon after)
            return [r for r in list(caplog.records)
                    if r.exc_info and isinstance(r.exc_info[1], StreamProtocolParseError)]
        deadline = time.monotonic() + TIMEOUT
        while not logged() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert logged() and logged()[0].levelname == "ERROR"
        with client_for(srv, kind=kind) as client:  # a new connection is served
            client.send_packet(b"again", timeout=TIMEOUT)
            assert client.recv_packet(timeout=TIMEOUT) == b"again"


def test_json_packets_over_both_protocols():
    for kind in ("buffered", "stream"):
        ser = BufferedIncrementalPacketSerializer(JSONSerializer(), "lz4")
        with Server(make_protocol(kind, ser), EchoHandler()) as srv:
            with TCPNetworkClient(("127.0.0.1", srv.port), make_protocol(kind, ser),
                                  connect_timeout=TIMEOUT) as client:
                doc = {"kind": kind, "lines": BIG[:100_000].decode("latin-1").splitlines()}
                client.send_packet(doc, timeout=TIMEOUT)
                assert client.recv_packet(timeout=TIMEOUT) == doc


# ---- the generators, driven through easynetwork's consumers (no socket) ----

def _next(consumer, arg, out) -> bool:
    """One consumer.next(arg): a packet or a parse error appended (True), or nothing yet."""
    try:
        out.append(consumer.next(arg))
    except StopIteration:
        return False
    except StreamProtocolParseError as exc:
        out.append(exc.error)
    return True


def feed_buffered(ser, wire: bytes, step: int, sizehint: int = 16384):
    """Writes `wire` into the consumer's buffer `step` bytes at a time, as recv_into would;
    returns the packets, with each parse error in its place."""
    consumer = BufferedStreamDataConsumer(BufferedStreamProtocol(ser), sizehint)
    out, i = [], 0
    while True:
        while _next(consumer, None, out):  # packets already in the buffer
            pass
        if i >= len(wire):
            return out
        buf = consumer.get_write_buffer()
        n = min(len(buf), step, len(wire) - i)
        buf[:n] = wire[i:i + n]
        i += n
        _next(consumer, n, out)


def feed_stream(ser, wire: bytes, step: int):
    consumer = StreamDataConsumer(StreamProtocol(ser))
    out = []
    for i in range(0, len(wire), step):
        if _next(consumer, wire[i:i + step], out):
            while _next(consumer, None, out):
                pass
    return out


FEEDS = {"buffered": feed_buffered, "stream": feed_stream}


@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize("codec", CODECS)
def test_every_split_of_pipelined_packets(codec, feed):
    """Small blocks (1 KiB), packets of 0..5000 bytes, written 1, 7, 1000 and 70000 bytes at a
    time: blocks straddle writes and the buffer's end."""
    ser = BufferedIncrementalPacketSerializer(RawBytes(), codec, block_size=1024)
    packets = [b"", b"a", BIG[:1023], BIG[:1024], BIG[:1025], pseudo_random(5000), BIG[:5000]]
    wire = frames(ser, packets)
    for step in (1, 7, 1000, 70000):
        assert FEEDS[feed](ser, wire, step) == packets, step


@pytest.mark.parametrize("codec", CODECS)
def test_one_block_frames_on_the_fast_paths(codec):
    """A packet of one block is compressed into the sender's frame buffer and, arriving whole,
    decoded without the reader: compressible, incompressible (stored), one byte, a whole
    block; each frame checked against the wire format, and decoded by both receive paths."""
    ser = BufferedIncrementalPacketSerializer(RawBytes(), codec, block_size=1024)
    for packet, stored in ((BIG[:1000], False), (pseudo_random(1000), True), (b"a", True),
                           (BIG[:1024], False), (pseudo_random(1024), True)):
        chunks = list(ser.incremental_serialize(packet))
        assert len(chunks) == 1 and isinstance(chunks[0], bytes)
        frame = chunks[0]
        magic, cid, log2, version, size, payload, crc = HEADER.unpack_from(frame)
        word = struct.unpack_from("<I", frame, HEADER_SIZE)[0]
        assert (magic, cid, log2, version, size, payload, crc) == (
            MAGIC, WIRE_CODECS[codec], 10, 1, len(packet), len(frame) - HEADER_SIZE,
            zlib.crc32(packet))
        assert bool(word >> 31) == stored and (word & 0x7FFFFFFF) == payload - 4
        if stored:
            assert frame[HEADER_SIZE + 4:] == packet
        for feed in FEEDS.values():
            assert feed(ser, frame, 70000) == [packet]
    # several frames from one thread after another: the frame buffer is reused, the chunks not
    frames_sent = [b"".join(ser.incremental_serialize(BIG[i:i + 900])) for i in range(0, 4500, 900)]
    assert FEEDS["buffered"](ser, b"".join(frames_sent), 70000) == [
        BIG[i:i + 900] for i in range(0, 4500, 900)]


def test_remaining_data_is_what_follows_the_frame():
    ser = BufferedIncrementalPacketSerializer(RawBytes(), "lz4")
    one, two = ser.serialize(b"one"), ser.serialize(b"two" * 100)
    # buffered: one write of both frames; the remainder is a view of the buffer
    buf = ser.create_deserializer_buffer(1024)
    gen = ser.buffered_incremental_deserialize(buf)
    assert next(gen) == 0
    buf[:len(one) + len(two)] = one + two
    with pytest.raises(StopIteration) as stop:
        gen.send(len(one) + len(two))
    packet, rest = stop.value.value
    assert packet == b"one" and isinstance(rest, memoryview) and bytes(rest) == two
    # plain bytes
    gen = ser.incremental_deserialize()
    next(gen)
    with pytest.raises(StopIteration) as stop:
        gen.send(one + two)
    assert stop.value.value == (b"one", two)


@pytest.mark.parametrize("feed", FEEDS)
def test_corrupt_packet_remaining_data_and_the_next_packet(feed):
    ser = BufferedIncrementalPacketSerializer(RawBytes(), "zstd", block_size=4096)
    bad = corrupt_frame(ser, BIG[:30_000])
    wire = ser.serialize(b"a") + bad + ser.serialize(b"b")
    got = FEEDS[feed](ser, wire, 5000)
    assert got[0] == b"a" and got[2] == b"b" and len(got) == 3
    assert isinstance(got[1], CorruptPacketError)
    # and directly: the remainder after a corrupt frame is exactly the following bytes
    after = ser.serialize(b"next") + b"tail"
    gen = ser.incremental_deserialize()
    next(gen)
    with pytest.raises(CorruptPacketError) as err:
        gen.send(bad + after)
    assert bytes(err.value.remaining_data) == after


def test_lz4_garbage_block_and_inconsistent_lengths():
    ser = BufferedIncrementalPacketSerializer(RawBytes(), "lz4")
    head = header(1, 16, 100, 4 + 50)
    garbage = head + struct.pack("<I", 50) + b"\xff" * 50
    with pytest.raises(CorruptPacketError, match="LIBLZ4-FAIL") as err:
        ser.deserialize(garbage + b"more")
    assert bytes(err.value.remaining_data) == b"more"
    # a block claiming more bytes than its packet: skipped to the frame's end
    lying = head + struct.pack("<I", 101) + b"\0" * 50
    gen = ser.incremental_deserialize()
    next(gen)
    with pytest.raises(CorruptPacketError, match="length 101") as err:
        gen.send(lying + b"next")
    assert bytes(err.value.remaining_data) == b"next"
    # a stored block shorter than its share
    short = header(1, 16, 100, 4 + 99, zlib.crc32(b"s" * 100)) + struct.pack(
        "<I", (1 << 31) | 99) + b"s" * 99
    with pytest.raises(CorruptPacketError, match="stored"):
        ser.deserialize(short)


# ---- integrity: the header's CRC-32 of the packet ----

def test_the_checksum_is_zlibs_crc32_of_the_packet():
    """The header's CRC-32, for every codec and packets of none, one and many blocks (stored
    ones among them), is what Python's zlib.crc32 (an independent implementation) says; so
    is the serializer's checksum function on every kind of buffer."""
    from stdcompress.easynetwork import _crc32_function
    for codec in CODECS:
        ser = BufferedIncrementalPacketSerializer(RawBytes(), codec, block_size=1024)
        for packet in (b"", b"a", BIG[:1000], pseudo_random(1000), BIG[:300_000]):
            frame = ser.serialize(packet)
            assert HEADER.unpack_from(frame)[6] == zlib.crc32(packet), (codec, len(packet))
    crc32 = _crc32_function()
    for data in (b"", b"123456789", BIG[:1_500_000]):
        want = zlib.crc32(data)
        assert crc32(data) == crc32(bytearray(data)) == crc32(memoryview(data)) == want
    assert crc32(b"123456789") == 0xCBF43926  # the CRC-32 check value


def blocks_of(frame: bytes) -> list[tuple[int, int]]:
    """(start, end) of each block's word and bytes in a frame, read by the layout alone."""
    out, pos = [], HEADER_SIZE
    while pos < len(frame):
        end = pos + 4 + (struct.unpack_from("<I", frame, pos)[0] & 0x7FFFFFFF)
        out.append((pos, end))
        pos = end
    assert pos == len(frame)
    return out


def first_result(feed: str, ser, wire: bytes):
    """What a receiver makes of the first frame of wire, all of it written at once (so a frame
    of one block takes the buffered fast path): the packet, the parse error, or None (waiting
    for more bytes)."""
    got = (feed_buffered(ser, wire, len(wire), len(wire)) if feed == "buffered"
           else feed_stream(ser, wire, len(wire)))
    return got[0] if got else None


def integrity_frames(codec: str):
    """(name, serializer, packet) of real frames: one compressed block (the fast path), and
    four blocks of 1 KiB of which one is stored."""
    json_text = json.dumps({"lines": BIG[:1500].decode("latin-1").splitlines()}).encode()[:1000]
    mixed = BIG[:2048] + pseudo_random(1024) + BIG[5000:5300]
    return [("one block", BufferedIncrementalPacketSerializer(RawBytes(), codec), json_text),
            ("four blocks", BufferedIncrementalPacketSerializer(RawBytes(), codec,
                                                                block_size=1024), mixed)]


@pytest.mark.parametrize("codec", CODECS)
def test_every_single_bit_flip_is_an_error_never_another_packet(codec):
    """Every bit of real frames flipped, one at a time, by both receive paths: the receiver
    gives CorruptPacketError or FrameHeaderError, or (a bit of a block the decoder does not
    read, such as deflate's padding after its last code, or an LZ4 match offset that points at
    the same bytes) the very packet sent; never a different one, never a wait.
    The frame is followed by enough bytes for any length the header check lets through.  For
    LZ4 and deflate some flips decode to the declared sizes and only the checksum catches
    them: counted, so this test fails if the checksum stops being checked."""
    for name, ser, packet in integrity_frames(codec):
        frame = ser.serialize(packet)
        tail = ser.serialize(pseudo_random(len(packet) + 64, b"tail"))  # stored: > D + words
        words = {p for start, _ in blocks_of(frame) for p in range(start, start + 4)}
        seen = {"header": 0, "block word": 0, "block bytes": 0}
        by_checksum = 0
        for bit in range(8 * len(frame)):
            bad = bytearray(frame)
            bad[bit >> 3] ^= 1 << (bit & 7)
            where = ("header" if bit >> 3 < HEADER_SIZE else
                     "block word" if bit >> 3 in words else "block bytes")
            seen[where] += 1
            for feed in FEEDS:
                got = first_result(feed, ser, bytes(bad) + tail)
                if isinstance(got, bytes):  # a bit the decoder does not read, or need
                    assert got == packet and where == "block bytes", (name, where, bit, feed)
                    continue
                assert isinstance(got, (CorruptPacketError, FrameHeaderError)), (
                    name, where, bit, feed, got)
                by_checksum += "CRC-32" in str(got)
        assert min(seen.values()) >= 32, seen
        # both feeds: the 32 bits of the CRC field, and (LZ4, deflate, stored blocks) more
        assert by_checksum >= 2 * 32, name
        if codec != "zstd" or name == "four blocks":  # zstd's own checksum, but not stored
            assert by_checksum > 2 * 32 + 100, (name, by_checksum)


@pytest.mark.parametrize("codec", CODECS)
def test_truncated_frames_wait_then_fail_never_another_packet(codec):
    """A frame cut anywhere: alone, the receiver waits for the rest (nothing is handed on);
    followed by the next frame (a peer that restarted, a lost segment), it is an error."""
    for name, ser, packet in integrity_frames(codec):
        frame = ser.serialize(packet)
        after = ser.serialize(pseudo_random(len(packet) + 64, b"tail"))
        for cut in range(1, len(frame)):
            for feed in FEEDS:
                assert first_result(feed, ser, frame[:cut]) is None, (name, cut, feed)
                got = first_result(feed, ser, frame[:cut] + after)
                assert isinstance(got, (CorruptPacketError, FrameHeaderError)), (
                    name, cut, feed, got)


@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize("codec", CODECS)
def test_swapped_blocks_are_caught_by_the_checksum(codec, feed):
    """Two whole blocks of the same size in swapped order: each decodes to its declared size,
    so only the checksum can tell; the frame is consumed and the next packet parses."""
    ser = BufferedIncrementalPacketSerializer(RawBytes(), codec, block_size=1024)
    packet = BIG[:1024] + BIG[9000:10024] + BIG[20000:20500]
    frame = ser.serialize(packet)
    (a0, a1), (b0, b1), _ = blocks_of(frame)
    swapped = frame[:a0] + frame[b0:b1] + frame[a0:a1] + frame[b1:]
    got = FEEDS[feed](ser, ser.serialize(b"before") + swapped + ser.serialize(b"after"), 1 << 16)
    assert got[0] == b"before" and got[2] == b"after" and len(got) == 3
    assert isinstance(got[1], CorruptPacketError)
    assert f"the header says {zlib.crc32(packet):#010x}" in str(got[1])


@pytest.mark.parametrize("feed", FEEDS)
def test_a_wrong_checksum_field_consumes_the_frame(feed):
    """A bad CRC in the header of a frame of one block (the buffered fast path) and of many:
    CorruptPacketError with what follows as the remaining data; the connection goes on."""
    for ser, packet in ((BufferedIncrementalPacketSerializer(RawBytes(), "lz4"), BIG[:1000]),
                        (BufferedIncrementalPacketSerializer(RawBytes(), "deflate",
                                                             block_size=1024), BIG[:5000])):
        frame = bytearray(ser.serialize(packet))
        frame[12:16] = struct.pack("<I", zlib.crc32(packet) ^ 0x80000000)
        got = FEEDS[feed](ser, bytes(frame) + ser.serialize(b"next"), 1 << 16)
        assert len(got) == 2 and got[1] == b"next"
        assert isinstance(got[0], CorruptPacketError) and "CRC-32" in str(got[0])
        with pytest.raises(CorruptPacketError) as err:
            ser.deserialize(bytes(frame))
        assert err.value.remaining_data == b""


def test_wrapped_serializer_error_keeps_the_remaining_data():
    ser = BufferedIncrementalPacketSerializer(JSONSerializer(), "deflate")
    not_json = BufferedIncrementalPacketSerializer(RawBytes(), "deflate").serialize(b"{nope")
    gen = ser.incremental_deserialize()
    next(gen)
    with pytest.raises(IncrementalDeserializeError, match="JSON") as err:
        gen.send(not_json + b"rest")
    assert not isinstance(err.value, CorruptPacketError)
    assert bytes(err.value.remaining_data) == b"rest"


@pytest.mark.parametrize("feed", FEEDS)
def test_header_errors_drop_what_was_received(feed):
    ser = BufferedIncrementalPacketSerializer(RawBytes(), "lz4")
    good = ser.serialize(b"ok")
    cases = {
        "magic": b"\x00" + good[1:],
        "codec": good[:1] + b"\x09" + good[2:],
        "version 0 (no checksum)": good[:3] + b"\x00" + good[4:],
        "version 2": good[:3] + b"\x02" + good[4:],
        "payload": good[:8] + struct.pack("<I", 1) + good[12:],
        # sent with 1 MiB blocks, read with 64 KiB ones
        "block": BufferedIncrementalPacketSerializer(RawBytes(), block_size=1 << 20).serialize(
            b"ok"),
    }
    for why, wire in cases.items():
        got = FEEDS[feed](ser, wire + good, 1 << 16)
        assert isinstance(got[0], FrameHeaderError), why
        assert got[0].remaining_data == b"", why
        assert len(got) == 1, why  # the good frame was in the dropped data


@pytest.mark.parametrize("kind", ["buffered", "stream"])
def test_declared_size_over_the_maximum_fails_before_any_allocation(kind):
    ser = BufferedIncrementalPacketSerializer(RawBytes(), "zstd", max_packet_size=1 << 20)
    head = header(2, 16, 1 << 31, (1 << 31) + 4 * 32768)
    assert ser.max_packet_size == 1 << 20
    if kind == "buffered":
        buf = ser.create_deserializer_buffer(1024)
        gen = ser.buffered_incremental_deserialize(buf)
        next(gen)
        buf[:HEADER_SIZE] = head
        send = HEADER_SIZE
    else:
        gen = ser.incremental_deserialize()
        next(gen)
        send = head
    tracemalloc.start()
    try:
        with pytest.raises(PacketTooLargeError, match="2147483648"):
            gen.send(send)  # the header alone: nothing of the payload is needed to refuse it
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 << 10
    # just at the maximum is accepted
    assert ser.deserialize(ser.serialize(b"m" * (1 << 20))) == b"m" * (1 << 20)
    with pytest.raises(ValueError, match="max_packet_size"):
        ser.serialize(b"m" * ((1 << 20) + 1))


@pytest.mark.parametrize("codec", CODECS)
def test_decompression_bomb_is_stopped(codec):
    """A tiny block that expands to 1 MiB, in a frame that declares 1000 bytes: refused by the
    codec at the declared size; the output buffer is the declared 1000 bytes only."""
    bomb = {"lz4": stdcompress.lz4_block_compress, "zstd": stdcompress.zstd_compress,
            "deflate": stdcompress.deflate}[codec](bytes(1 << 20))
    assert len(bomb) < 5000
    cid = {"lz4": 1, "zstd": 2, "deflate": 3}[codec]
    # blocks of 1 MiB, so the block is within its length limit (c <= its 1000 bytes declared)
    if len(bomb) > 1000:
        bomb = bomb[:1000]
    frame = (header(cid, 16, 1000, 4 + len(bomb))
             + struct.pack("<I", len(bomb)) + bomb)
    ser = BufferedIncrementalPacketSerializer(RawBytes(), codec)
    tracemalloc.start()
    try:
        with pytest.raises(CorruptPacketError) as err:
            ser.deserialize(frame)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert err.value.remaining_data == b""
    assert peak < 64 << 10, peak
    assert "1000 bytes declared" in str(err.value)


class Recording(RawBytes):
    """Remembers the object each packet was decoded into."""
    __slots__ = ("seen",)

    def __init__(self):
        self.seen = []

    def deserialize(self, data):
        self.seen.append((id(data), type(data)))
        return bytes(data)


class Counting(BufferedIncrementalPacketSerializer):
    __slots__ = ("created",)

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.created = []

    def create_deserializer_buffer(self, sizehint):
        buf = super().create_deserializer_buffer(sizehint)
        self.created.append(buf)
        return buf


@pytest.mark.parametrize("codec", CODECS)
def test_one_receive_buffer_and_a_bytes_object_per_packet(codec):
    """The connection keeps its one receive buffer; each packet reaches the wrapped serializer
    as a bytes object of its own (as easynetwork's wrappers give it), by either path."""
    inner = Recording()
    ser = Counting(inner, codec, block_size=1 << 16)
    packets = [BIG[:1000], BIG[:200_000], BIG[:50], BIG[:300_000]]
    consumer = BufferedStreamDataConsumer(BufferedStreamProtocol(ser), 16384)
    for p in packets:  # each packet arrives by itself, in writes of at most the buffer
        wire, i = ser.serialize(p), 0
        while True:
            buf = consumer.get_write_buffer()
            n = min(len(buf), len(wire) - i)
            buf[:n] = wire[i:i + n]
            i += n
            try:
                assert consumer.next(n) == p
                break
            except StopIteration:
                assert i < len(wire)
    assert len(ser.created) == 1  # one receive buffer for the connection
    for p in packets:
        assert ser.deserialize(ser.serialize(p)) == p
    assert [t for _, t in inner.seen] == [bytes] * 2 * len(packets)


class TypeChecking(AbstractPacketSerializer):
    """What user code may do: pass packets through, and check isinstance(data, bytes).  Records
    the type and value deserialize() is given (thread-safe: the server calls it)."""
    __slots__ = ("seen",)

    def __init__(self):
        self.seen = queue.Queue()

    def serialize(self, packet):
        if not isinstance(packet, bytes):
            raise TypeError(f"serialize got {type(packet).__name__}")
        return packet

    def deserialize(self, data):
        self.seen.put((type(data), bytes(data)))
        if not isinstance(data, bytes):
            raise TypeError(f"deserialize got {type(data).__name__}")
        return data  # passed through: the packet is the object given

    def drain(self) -> list:
        out = []
        while not self.seen.empty():
            out.append(self.seen.get())
        return out


TYPED_PACKETS = [b"a", BIG[:1000], pseudo_random(1000), BIG[:200_000], BIG[:1_000_000]]


def _typed_echo(kind: str, wrap) -> tuple[list, list, list]:
    """The packets echoed over a real loopback server by wrap(TypeChecking()) on both ends:
    (what came back, what the server's deserialize got, what the client's got)."""
    server_inner, client_inner = TypeChecking(), TypeChecking()
    with Server(make_protocol(kind, wrap(server_inner)), EchoHandler()) as srv:
        with TCPNetworkClient(("127.0.0.1", srv.port), make_protocol(kind, wrap(client_inner)),
                              connect_timeout=TIMEOUT) as client:
            back = []
            for p in TYPED_PACKETS:
                client.send_packet(p, timeout=TIMEOUT)
                back.append(client.recv_packet(timeout=TIMEOUT))
        assert srv.handler.errors.empty()
    return back, server_inner.drain(), client_inner.drain()


@pytest.mark.parametrize("kind", ["buffered", "stream"])
def test_deserialize_gets_bytes_as_from_easynetworks_own_wrapper(kind):
    """Over real sockets, ours (every codec) and easynetwork's ZlibCompressorSerializer around
    the same type-checking pass-through serializer: run both, the same types and values."""
    from easynetwork.serializers.wrapper import ZlibCompressorSerializer
    theirs = _typed_echo(kind, ZlibCompressorSerializer)
    assert theirs[0] == TYPED_PACKETS
    assert {t for seen in theirs[1:] for t, _ in seen} == {bytes}  # the peer's contract
    for codec in CODECS:
        ours = _typed_echo(kind, lambda inner: BufferedIncrementalPacketSerializer(inner, codec))
        assert ours == theirs, codec
        assert [type(p) for p in ours[0]] == [type(p) for p in theirs[0]] == [bytes] * 5


@pytest.mark.parametrize("codec", CODECS)
def test_every_path_hands_bytes_and_yields_bytes(codec):
    """Against easynetwork's own wrapper driven the same way: serialize and every
    incremental_serialize chunk are bytes, incremental_deserialize's remainder is bytes, and
    deserialize() is given bytes on every receive path: the one-block fast path (compressed
    and stored), the reader over several blocks, writes split anywhere, empty packets."""
    from easynetwork.serializers.wrapper import ZlibCompressorSerializer
    packets = [b"", b"a", BIG[:1000], pseudo_random(1000), BIG[:5000], pseudo_random(5000)]
    both = {"ours": BufferedIncrementalPacketSerializer, "theirs": ZlibCompressorSerializer}
    seen = {}
    for name, wrap in both.items():
        inner = TypeChecking()
        ser = wrap(inner) if name == "theirs" else wrap(inner, codec, block_size=1024)
        for p in packets:
            assert type(ser.serialize(p)) is bytes
            assert {type(c) for c in ser.incremental_serialize(p)} <= {bytes}
            gen = ser.incremental_deserialize()
            next(gen)
            with pytest.raises(StopIteration) as stop:
                gen.send(ser.serialize(p) + b"tail")
            packet, rest = stop.value.value
            assert (type(packet), packet, type(rest), bytes(rest)) == (bytes, p, bytes, b"tail")
        wire = frames(ser, packets)
        for feed in FEEDS.values():
            for step in (1, 1000, 70000):
                assert feed(ser, wire, step) == packets
        seen[name] = inner.drain()
    assert {t for t, _ in seen["ours"]} == {t for t, _ in seen["theirs"]} == {bytes}
    assert len(seen["ours"]) == len(seen["theirs"])


def test_builder_hands_out_its_bytes_only_when_no_view_is_left():
    from stdcompress._buffers import Builder
    b = Builder(5)
    view = memoryview(b)
    view[:] = b"hello"
    part = view[1:3]
    view.release()
    with pytest.raises(BufferError, match="still open"):
        b.finish()  # a slice could still write into the bytes
    del part
    out = b.finish()
    assert type(out) is bytes and out == b"hello" and hash(out) == hash(b"hello")
    with pytest.raises(BufferError, match="finished"):
        memoryview(b)
    with pytest.raises(BufferError, match="finished"):
        b.finish()
    assert Builder(0).finish() == b"" and len(Builder(3)) == 3
    with pytest.raises(ValueError):
        Builder(-1)


@pytest.mark.parametrize("size", [60_000, 1_000_000])
def test_packets_are_decoded_into_their_bytes_without_a_copy(size):
    """Measured: receiving a packet of D bytes (one block on the fast path; 16 blocks through
    the reader) allocates D bytes and little more; a copy of it would need 2 D."""
    inner = TypeChecking()
    ser = BufferedIncrementalPacketSerializer(inner, "lz4")
    packet = BIG[:size]
    wire = ser.serialize(packet)
    consumer = BufferedStreamDataConsumer(BufferedStreamProtocol(ser), 1 << 20)
    buf = consumer.get_write_buffer()  # the receive buffer, before tracing
    got = []
    tracemalloc.start()
    try:
        i = 0
        while not got:
            buf = consumer.get_write_buffer()
            n = min(len(buf), len(wire) - i)
            buf[:n] = wire[i:i + n]
            i += n
            try:
                got.append(consumer.next(n))
            except StopIteration:
                pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got == [packet] and type(got[0]) is bytes
    assert size <= peak < size + size // 4 + (64 << 10), peak


def test_easynetwork_serializers_read_the_output_buffer():
    from easynetwork.serializers import PickleSerializer, StringLineSerializer, StructSerializer
    for inner, packet in ((JSONSerializer(), {"a": [1, 2.5, None]}),
                          (PickleSerializer(), {"b": b"bytes", "t": (1, 2)}),
                          (StringLineSerializer(), "one line of text"),
                          (StructSerializer("<IHd"), (7, 8, 9.5))):
        ser = BufferedIncrementalPacketSerializer(inner, "zstd")
        wire = frames(ser, [packet, packet])
        assert feed_buffered(ser, wire, 1000) == [packet, packet]


def test_an_output_buffer_kept_by_the_packet_is_not_reused():
    class Keeping(RawBytes):
        __slots__ = ()

        def deserialize(self, data):
            return data  # the packet is the buffer itself

    ser = BufferedIncrementalPacketSerializer(Keeping(), "lz4")
    first = ser.deserialize(ser.serialize(b"first"))
    second = ser.deserialize(ser.serialize(b"second"))
    assert (first, second) == (b"first", b"second") and first is not second
    assert type(first) is type(second) is bytes


@pytest.mark.parametrize("codec", CODECS)
def test_wire_format_read_by_independent_decoders(codec):
    ser = BufferedIncrementalPacketSerializer(RawBytes(), codec, block_size=1 << 16)
    data = BIG[:1_200_000]
    frame = ser.serialize(data)
    magic, cid, log2, version, size, payload, crc = struct.unpack_from("<BBBBIII", frame)
    assert (magic, cid, log2, version, size) == (0xEC, {"lz4": 1, "zstd": 2, "deflate": 3}[codec],
                                                 16, 1, len(data))
    assert payload == len(frame) - HEADER_SIZE
    pos, out, stored = HEADER_SIZE, bytearray(), 0
    while pos < len(frame):
        word = struct.unpack_from("<I", frame, pos)[0]
        c, pos = word & 0x7FFFFFFF, pos + 4
        block, want = frame[pos:pos + c], min(1 << 16, size - len(out))
        pos += c
        if word >> 31:
            stored += 1
            out += block
        elif codec == "lz4":
            out += lz4.block.decompress(block, uncompressed_size=want)
        elif codec == "zstd":
            out += zstandard.ZstdDecompressor().decompress(block)
        else:
            d = zlib.decompressobj(-15)
            out += d.decompress(block)
            assert d.eof and not d.unused_data
        assert len(out) % (1 << 16) == 0 or len(out) == size
    assert bytes(out) == data
    assert crc == zlib.crc32(data)  # the checksum, by an independent implementation
    assert stored >= 1  # the incompressible stretch went as it is
    assert payload < len(data)


def test_arguments_are_checked():
    with pytest.raises(TypeError):
        BufferedIncrementalPacketSerializer(object())
    with pytest.raises(ValueError, match="codec"):
        BufferedIncrementalPacketSerializer(RawBytes(), "brotli")
    for bad in (1000, 512, 2 << 20, "64k"):
        with pytest.raises(ValueError, match="block_size"):
            BufferedIncrementalPacketSerializer(RawBytes(), block_size=bad)
    for bad in (-1, (1 << 31) + 1, True, 1.5):
        with pytest.raises(ValueError, match="max_packet_size"):
            BufferedIncrementalPacketSerializer(RawBytes(), max_packet_size=bad)
    with pytest.raises(stdcompress.BadLevelError):
        BufferedIncrementalPacketSerializer(RawBytes(), "deflate", level=13)
    ser = BufferedIncrementalPacketSerializer(RawBytes(), "zstd", level=19, block_size=1024)
    assert (ser.codec, ser.block_size) == ("zstd", 1024)
    assert ser.deserialize(ser.serialize(BIG[:5000])) == BIG[:5000]
    with pytest.raises(ValueError, match="smaller than one block"):
        next(ser.buffered_incremental_deserialize(bytearray(100)))


def test_import_without_easynetwork_names_the_extra(tmp_path):
    code = ("import sys; sys.modules['easynetwork'] = None\n"
            "try:\n    import stdcompress.easynetwork\n"
            "except ImportError as e:\n    print(e)\nelse:\n    print('imported')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=60, cwd=tmp_path,
                       env={**__import__("os").environ,
                            "PYTHONPATH": str(Path(__file__).resolve().parent.parent
                                              / "bridge" / "python")})
    assert r.returncode == 0, r.stderr
    assert "pip install stdcompress[easynetwork]" in r.stdout
