"""LZ4 block streams: stdcompress.lz4.stream against python-lz4, 10 MiB in 8 KiB pages.

Target rows ("vs C floor", >= 0.9x): our stream API against liblz4's own LZ4_*_continue
called from C on the same pages (bench/lz4stream_floor.c, the bundled liblz4, same run).
Context rows: python-lz4's one-shot block API (lz4.block.compress(page, store_size=False),
lz4.block.decompress(block, uncompressed_size=n)) on the same pages; the ring buffer; python-lz4's own experimental lz4.stream
(the same LZ4 work as ours, built into build/pylz4-stream by `invoke setup`), and its
documented decoding loop get_block(stream[offset:]) against our iter_blocks.  The 10 MiB are the
corpus's first MiB ten times (LZ4 looks back 64 KiB at most, so the repetition is invisible to
it).  A stream codec does more than the block API: every page is compressed against the
previous one(s) (smaller output), so LZ4 itself is slower there; the C-level figures in
docs/lz4-stream.md separate that from the bridge's own cost.
"""

from __future__ import annotations

from collections import deque

from stdcompress.lz4 import stream as ours

from . import floors
from .corpus import MIB, Corpus
from .report import Row, Target
from .timing import Plan, best_of

try:
    import lz4.block as LZ4_BLOCK
except ImportError:  # the rows say so
    LZ4_BLOCK = None

SECTION = "lz4 stream, 8 KiB pages"
PAGE = 8192
JOBS = ("stream compress (double_buffer)", "stream compress size (double_buffer)",
        "stream decompress (double_buffer, iter_blocks)", "stream compress (ring_buffer)",
        "stream compress size (ring_buffer)", "stream decompress (ring_buffer, iter_blocks)",
        "stream compress (lz4.stream peer)", "stream decompress (lz4.stream peer)",
        "stream walk+decompress (lz4.stream's get_block(stream[offset:]) peer)")
# Target rows: ours against liblz4's own *_continue from C on the same pages (bench/floors.py)
FLOOR_JOB = "stream {what} ({strategy}) vs C floor"
FLOOR_JOBS = tuple(FLOOR_JOB.format(what=w, strategy=s) for w, s in (
    ("compress", "double_buffer"), ("decompress", "double_buffer"), ("compress", "ring_buffer")))


def _floor(data: bytes):
    """bench/lz4stream_floor.c loaded, set up on DATA's pages (DATA must outlive it)."""
    import ctypes

    lib = floors.load("lz4stream_floor")
    lib.lz4s_floor_setup.argtypes = (ctypes.c_char_p, ctypes.c_size_t)
    lib.lz4s_floor_compress.argtypes = (ctypes.c_int,)
    lib.lz4s_floor_compress.restype = lib.lz4s_floor_decompress.restype = ctypes.c_size_t
    if lib.lz4s_floor_setup(data, len(data)) != 0:
        raise MemoryError("bench: lz4stream_floor setup")
    return lib


def _peer_stream():
    try:
        from tests.pylz4_stream_peer import load
    except ImportError as e:  # pragma: no cover - a tree without tests/
        return None, str(e)
    return load()


def rows(c: Corpus, plan: Plan) -> list[Row]:
    size = 10 * MIB if plan.min_time >= 0.05 else 2 * MIB  # --quick: a smoke run
    data = (c.item() * (size // len(c.item()) + 1))[:size]
    pages = [data[i:i + PAGE] for i in range(0, size, PAGE)]
    out: list[Row] = []

    def row(job, kind, unit, mine, theirs, target=None):
        out.append(Row(SECTION, job, c.name, size, kind, unit, mine, theirs, target=target))

    if LZ4_BLOCK is None:
        why = "python-lz4 is not installed (pip install lz4)"
        return [Row(SECTION, job, c.name, size, "speed", "us", skipped=why) for job in JOBS]

    def compress(strategy):
        c = ours.LZ4StreamCompressor(strategy, PAGE)
        return [c.compress(p) for p in pages]

    def decompress(strategy, stream):
        d = ours.LZ4StreamDecompressor(strategy, PAGE)
        return [d.decompress(b) for b in d.iter_blocks(stream)]

    peer_blocks = [LZ4_BLOCK.compress(p, store_size=False) for p in pages]

    def block_compress():
        return [LZ4_BLOCK.compress(p, store_size=False) for p in pages]

    def block_decompress():
        return [LZ4_BLOCK.decompress(b, uncompressed_size=len(p))
                for b, p in zip(peer_blocks, pages)]

    block_size = sum(map(len, peer_blocks)) + 4 * len(peer_blocks)  # with our 4-byte prefixes
    floor = _floor(data)
    floors_us: dict[str, tuple[float, float]] = {}  # floor job -> (ours, floor)
    for strategy in ("double_buffer", "ring_buffer"):
        stream = b"".join(compress(strategy))
        if b"".join(decompress(strategy, stream)) != data:
            raise AssertionError(f"bench: the {strategy} stream does not reproduce the input")
        ring = strategy == "ring_buffer"
        if floor.lz4s_floor_compress(ring) + 4 * len(pages) != len(stream):
            raise AssertionError(f"bench: lz4stream_floor's {strategy} blocks differ from ours")
        t = best_of({"ours": lambda: compress(strategy), "": block_compress,
                     "floor": lambda: floor.lz4s_floor_compress(ring)}, plan)
        row(f"stream compress ({strategy})", "speed", "us", t["ours"] * 1e6, t[""] * 1e6)
        floors_us[f"{strategy} compress"] = t["ours"] * 1e6, t["floor"] * 1e6
        row(f"stream compress size ({strategy})", "size", "B", len(stream), block_size)
        t = best_of({"ours": lambda: decompress(strategy, stream), "": block_decompress}, plan)
        row(f"stream decompress ({strategy}, iter_blocks)", "speed", "us", t["ours"] * 1e6,
            t[""] * 1e6)
        if strategy == "double_buffer":  # the floor's job: the blocks given, decoded in order
            walker = ours.LZ4StreamDecompressor(strategy, PAGE)
            given = [bytes(b) for b in walker.iter_blocks(stream)]

            def decode_given():  # each page dropped as decoded, as the floor reuses one buffer
                d = ours.LZ4StreamDecompressor(strategy, PAGE)
                deque(map(d.decompress, given), maxlen=0)

            floor.lz4s_floor_compress(0)  # the floor decodes the double-buffer blocks
            if floor.lz4s_floor_decompress() != size:
                raise AssertionError("bench: lz4stream_floor does not decode its blocks")
            t = best_of({"ours": decode_given, "": block_decompress,
                         "floor": floor.lz4s_floor_decompress}, plan)
            floors_us[f"{strategy} decompress"] = t["ours"] * 1e6, t["floor"] * 1e6
    # The floor: liblz4's *_continue from C on the same pages, timed with ours; the
    # decompression floor decodes blocks already split, so ours does too (iter_blocks' walk has
    # its own rows above and below)
    for job in ("double_buffer compress", "double_buffer decompress", "ring_buffer compress"):
        strategy, _, what = job.partition(" ")
        out.append(Row(SECTION, FLOOR_JOB.format(what=what, strategy=strategy), c.name, size,
                       "speed", "us", *floors_us[job], peer_name="C floor",
                       target=Target(">=", 0.9)))

    peer, why = _peer_stream()
    if peer is None:
        out.extend(Row(SECTION, job, c.name, size, "speed", "us", skipped=why)
                   for job in JOBS[-3:])
        return out
    stream = b"".join(compress("double_buffer"))

    def peer_compress():
        p = peer.LZ4StreamCompressor("double_buffer", PAGE)
        return [p.compress(x) for x in pages]

    def peer_decompress_blocks():
        d = peer.LZ4StreamDecompressor("double_buffer", PAGE)
        return [d.decompress(b) for b in blocks]

    def ours_decompress_blocks():
        d = ours.LZ4StreamDecompressor("double_buffer", PAGE)
        return [d.decompress(b) for b in blocks]

    def peer_walk():  # the loop python-lz4's documentation shows
        d, decoded, offset = peer.LZ4StreamDecompressor("double_buffer", PAGE), [], 0
        while offset < len(stream):
            block = d.get_block(stream[offset:])
            decoded.append(d.decompress(block))
            offset += 4 + len(block)
        return decoded

    if b"".join(peer_compress()) != stream:
        raise AssertionError("bench: python-lz4's lz4.stream and ours wrote different streams")
    blocks, offset = [], 0  # the raw blocks, for the decompress-only rows
    while offset < len(stream):
        n = int.from_bytes(stream[offset:offset + 4], "little")
        blocks.append(stream[offset + 4:offset + 4 + n])
        offset += 4 + n
    t = best_of({"ours": lambda: compress("double_buffer"), "": peer_compress}, plan)
    row(JOBS[6], "speed", "us", t["ours"] * 1e6, t[""] * 1e6)
    t = best_of({"ours": ours_decompress_blocks, "": peer_decompress_blocks}, plan)
    row(JOBS[7], "speed", "us", t["ours"] * 1e6, t[""] * 1e6)
    t = best_of({"ours": lambda: decompress("double_buffer", stream), "": peer_walk}, plan)
    row(JOBS[8], "speed", "us", t["ours"] * 1e6, t[""] * 1e6)
    return out
