"""easynetwork packets: stdcompress.easynetwork's BufferedIncrementalPacketSerializer against
easynetwork's own ZlibCompressorSerializer, both wrapping the same JSONSerializer.

The packets are real JSON built at run time from the corpus's text (its lines as records, a
document per packet, each exactly 1 KiB or 64 KiB once serialized by JSONSerializer).  One call
is one packet (the mean over a set of distinct packets); packets per second = 10^6 / us.

  round trip        serialize through the protocol's generate_chunks, then write the chunks
                    into easynetwork's own BufferedStreamDataConsumer buffer (what recv_into
                    does) and deserialize through buffered_incremental_deserialize: the whole
                    serializer stack of a connection, without the socket.  Target (issue 8):
                    >= 2x ZlibCompressorSerializer for 1 KiB packets, with the default codec.
  compression layer the same round trip with the JSON text itself as the packet (the wrapped
  only              serializer passes bytes through): what differs between the two wrappers,
                    without JSONSerializer's encoding and decoding, which is the same work on
                    both sides and most of the time of a 1 KiB packet.  Same target.
  receive           the second half alone (buffered: BufferedStreamProtocol; stream:
                    StreamProtocol's StreamDataConsumer, which hands the generator bytes).
  checksum on/off   ours against ours with the frame's CRC-32 skipped on both ends (a
                    constant written and expected: the same frames, the same work, no
                    checksum): what the integrity check costs in a round trip, full stack and
                    compression layer only (ratio = with / without; 1.03x is 3%).
  checksum share    the checksum alone, as the two ends compute it (two stdc_py_crc32 calls
                    over the packet's bytes), against the whole checked round trip; MB/s is
                    the checksum's rate over the packet.
  wire size         bytes on the wire per packet (ours: header + blocks; zlib: the stream).
  loopback echo     a real StandaloneTCPNetworkServer on 127.0.0.1 in a thread echoing to a
                    TCPNetworkClient (send_packet + recv_packet, both sides through the
                    serializer): context, dominated by the event loop and the sockets.
"""

from __future__ import annotations

import dataclasses

from .corpus import Corpus
from .report import Row, Target
from .timing import Plan, best_of

try:
    import easynetwork
    from easynetwork.clients import TCPNetworkClient
    from easynetwork.lowlevel._stream import BufferedStreamDataConsumer, StreamDataConsumer
    from easynetwork.protocol import BufferedStreamProtocol, StreamProtocol
    from easynetwork.serializers import JSONSerializer
    from easynetwork.serializers.abc import AbstractPacketSerializer
    from easynetwork.serializers.wrapper import ZlibCompressorSerializer
    from easynetwork.servers import StandaloneTCPNetworkServer
    from easynetwork.servers.handlers import AsyncStreamRequestHandler
    from easynetwork.servers.threads_helper import NetworkServerThread

    from stdcompress.easynetwork import BufferedIncrementalPacketSerializer, _crc32_function
except ImportError as e:  # the rows say so
    easynetwork, MISSING = None, f"{e} (pip install stdcompress[easynetwork])"
else:
    MISSING = ""

SECTION = "easynetwork packets (JSON)"
SIZES = (1024, 65536)
COUNTS = {1024: 64, 65536: 8}  # distinct packets per set
CODECS = ("lz4", "zstd", "deflate")
LAYER = "net round trip lz4, compression layer only"
CHECKSUM = "net checksum on/off lz4"
CHECKSUM_LAYER = "net checksum on/off lz4, compression layer only"
CHECKSUM_SHARE = "net checksum share lz4 (2 CRC-32 / round trip)"
JOBS = (*(f"net round trip {codec}" for codec in CODECS), LAYER, CHECKSUM, CHECKSUM_LAYER,
        CHECKSUM_SHARE, "net receive buffered lz4", "net receive stream lz4",
        *(f"net wire size {codec}" for codec in CODECS), "net loopback echo lz4")
NOTE = ("easynetwork packets: ours = stdcompress.easynetwork.BufferedIncrementalPacketSerializer"
        "(JSONSerializer(), codec) at each codec's default level (lz4 1, zstd 3, deflate 6), "
        "peer = easynetwork's ZlibCompressorSerializer(JSONSerializer()) at its default "
        "(zlib level 9); one call = one packet, packets/s = 10^6 / us; the JSON is built from "
        "the corpus's lines at run time (bench/network.py).")


def packets(c: Corpus, size: int, count: int) -> list:
    """`count` distinct JSON documents of exactly `size` bytes each (as JSONSerializer writes
    them), the corpus's lines as records, in order."""
    ser = JSONSerializer()
    lines = c.data.decode("utf-8", "replace").splitlines()
    filler = "".join(ch for ch in c.data[:200_000].decode("ascii", "ignore")
                     if ch.isalnum() or ch == " ")
    out, n = [], 0
    while len(out) < count:
        doc = {"seq": len(out), "source": c.name, "records": [], "tail": ""}
        total = len(ser.serialize(doc))  # grows by each record and a comma (linear, not n^2)
        while True:
            line = lines[n % len(lines)]
            record = {"line": n + 1, "indent": len(line) - len(line.lstrip()),
                      "words": len(line.split()), "text": line.strip()}
            grown = total + len(ser.serialize(record)) + (1 if doc["records"] else 0)
            if grown > size - 200:
                break
            doc["records"].append(record)
            total = grown
            n += 1
        doc["tail"] = filler[:size - len(ser.serialize(doc))]
        if len(ser.serialize(doc)) != size:
            raise AssertionError("bench: could not build a JSON packet of the exact size")
        out.append(doc)
    return out


def _feed(protocol, sizehint=16384):
    """A receiving connection without the socket: each call writes one packet's chunks into
    easynetwork's consumer as recv_into would and returns the packet."""
    consumer = BufferedStreamDataConsumer(protocol, sizehint)

    def receive(chunks):
        packet = None
        for chunk in chunks:
            view, i = memoryview(chunk), 0
            while i < len(view):
                with consumer.get_write_buffer() as buf:
                    n = min(len(buf), len(view) - i)
                    buf[:n] = view[i:i + n]
                i += n
                try:
                    packet = consumer.next(n)
                except StopIteration:
                    pass
        return packet

    return receive


def _feed_stream(protocol):
    consumer = StreamDataConsumer(protocol)

    def receive(chunks):
        packet = None
        for chunk in chunks:
            try:
                packet = consumer.next(chunk)
            except StopIteration:
                pass
        return packet

    return receive


class _Text(AbstractPacketSerializer if easynetwork else object):
    """The JSON text as it is: the packet is bytes (for the compression-layer rows)."""
    __slots__ = ()

    def serialize(self, packet):
        return packet

    def deserialize(self, data):
        return bytes(data)


def _unchecked(inner, codec: str):
    """Our serializer with its CRC-32 skipped on both ends (0 written, 0 expected): the
    checksum's cost is the difference from the real one."""
    ser = BufferedIncrementalPacketSerializer(inner, codec)
    ser._BufferedIncrementalPacketSerializer__crc32 = lambda data: 0
    return ser


class _Echo(AsyncStreamRequestHandler if easynetwork else object):
    async def handle(self, client):
        request = yield
        await client.send_packet(request)


def _loopback(protocol, docs):
    """An echo server on 127.0.0.1 and a client of it: (echo(), close()); close() always shuts
    the server down."""
    server = StandaloneTCPNetworkServer("127.0.0.1", 0, protocol, _Echo(),
                                        log_client_connection=False)
    thread = NetworkServerThread(server, daemon=True)
    thread.start()
    client = None

    def close():
        if client is not None:
            client.close()
        thread.join(timeout=10)
        server.server_close()

    try:
        client = TCPNetworkClient(("127.0.0.1", server.get_addresses()[0].port), protocol,
                                  connect_timeout=10)
    except BaseException:
        close()
        raise

    def echo():
        for d in docs:
            client.send_packet(d, timeout=10)
            if client.recv_packet(timeout=10) != d:
                raise AssertionError("bench: the echo differs")
    return echo, close


def rows(c: Corpus, plan: Plan) -> list[Row]:
    if easynetwork is None:
        return [Row(SECTION, job, c.name, size, "speed", "us", skipped=MISSING)
                for size in SIZES for job in JOBS]
    out: list[Row] = []
    for size in SIZES:
        docs = packets(c, size, COUNTS[size] if plan.min_time >= 0.05 else 4)
        count = len(docs)

        def row(job, kind, unit, mine, theirs, target=None):
            out.append(Row(SECTION, job, c.name, size, kind, unit, mine, theirs, target=target))

        peer = BufferedStreamProtocol(ZlibCompressorSerializer(JSONSerializer()))
        peer_stream = StreamProtocol(ZlibCompressorSerializer(JSONSerializer()))
        mine = {codec: BufferedStreamProtocol(BufferedIncrementalPacketSerializer(
            JSONSerializer(), codec)) for codec in CODECS}

        def round_trip(protocol, items):
            receive = _feed(protocol)

            def run():
                for x in items:
                    if receive(protocol.generate_chunks(x)) is None:
                        raise AssertionError("bench: no packet came out")
            return run

        def check(protocol, items):  # outside the timing: every packet comes back equal
            receive = _feed(protocol)
            if [receive(protocol.generate_chunks(x)) for x in items] != items:
                raise AssertionError("bench: a packet came back different")

        check(peer, docs)
        peer_fn = round_trip(peer, docs)
        for codec in CODECS:
            check(mine[codec], docs)
            t = best_of({"ours": round_trip(mine[codec], docs), "": peer_fn}, plan)
            target = Target(">=", 2.0) if size == 1024 and codec == "lz4" else None
            row(f"net round trip {codec}", "speed", "us", t["ours"] / count * 1e6,
                t[""] / count * 1e6, target)

        texts = [JSONSerializer().serialize(d) for d in docs]
        layer_peer = BufferedStreamProtocol(ZlibCompressorSerializer(_Text()))
        layer_ours = BufferedStreamProtocol(BufferedIncrementalPacketSerializer(_Text(), "lz4"))
        check(layer_peer, texts)
        check(layer_ours, texts)
        t = best_of({"ours": round_trip(layer_ours, texts), "": round_trip(layer_peer, texts)},
                    plan)
        row(LAYER, "speed", "us", t["ours"] / count * 1e6, t[""] / count * 1e6,
            Target(">=", 2.0) if size == 1024 else None)

        # the integrity check's cost: the same round trips with the checksum skipped.  A
        # difference of a few % needs more repeats than a ratio of 2x: five times as many,
        # each a fifth as long (the same time; a short loop escapes other processes more often)
        fine = dataclasses.replace(plan, repeats=plan.repeats * 5, min_time=plan.min_time / 5)
        for job, inner, items in ((CHECKSUM, JSONSerializer, docs),
                                  (CHECKSUM_LAYER, _Text, texts)):
            checked = BufferedStreamProtocol(BufferedIncrementalPacketSerializer(inner(), "lz4"))
            unchecked = BufferedStreamProtocol(_unchecked(inner(), "lz4"))
            check(unchecked, items)
            t = best_of({"on": round_trip(checked, items), "off": round_trip(unchecked, items)},
                        fine)
            out.append(Row(SECTION, job, c.name, size, "time", "us", t["on"] / count * 1e6,
                           t["off"] / count * 1e6, peer_name="checksum skipped"))
        crc32 = _crc32_function()

        def checksums():
            for x in texts:
                crc32(x)
                crc32(x)
        t = best_of({"crc": checksums, "trip": round_trip(mine["lz4"], docs)}, fine)
        out.append(Row(SECTION, CHECKSUM_SHARE, c.name, size, "time", "us",
                       t["crc"] / count * 1e6, t["trip"] / count * 1e6, peer_name="round trip"))

        def receive_only(protocol, feed):
            wires = [list(protocol.generate_chunks(d)) for d in docs]
            receive = feed(protocol)

            def run():
                for w in wires:
                    receive(w)
            return run

        t = best_of({"ours": receive_only(mine["lz4"], _feed),
                     "": receive_only(peer, _feed)}, plan)
        row("net receive buffered lz4", "speed", "us", t["ours"] / count * 1e6,
            t[""] / count * 1e6)
        mine_stream = StreamProtocol(BufferedIncrementalPacketSerializer(JSONSerializer(), "lz4"))
        t = best_of({"ours": receive_only(mine_stream, _feed_stream),
                     "": receive_only(peer_stream, _feed_stream)}, plan)
        row("net receive stream lz4", "speed", "us", t["ours"] / count * 1e6,
            t[""] / count * 1e6)

        peer_size = sum(len(b"".join(peer.generate_chunks(d))) for d in docs) / count
        for codec in CODECS:
            ours_size = sum(len(b"".join(mine[codec].generate_chunks(d))) for d in docs) / count
            row(f"net wire size {codec}", "size", "B", ours_size, peer_size)

        if size != SIZES[0]:
            continue
        closers = []
        try:
            fns = {}
            for name, protocol in (("ours", mine["lz4"]), ("", peer)):
                fns[name], close = _loopback(protocol, docs)
                closers.append(close)
            t = best_of(fns, plan)
        finally:
            for close in closers:
                close()
        row("net loopback echo lz4", "speed", "us", t["ours"] / count * 1e6,
            t[""] / count * 1e6)
    return out
