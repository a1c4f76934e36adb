"""Batches of many small records (issue 7): 100,000 real records of 100 B to 4 KiB (--quick:
2,000), four in five a line of JSON made from the Python standard library's Unicode database,
one in five GT.M's own M routines, built at run time (nothing random, nothing committed).

Record sizes follow a fixed low-discrepancy sequence, log-uniform over 100..4096 bytes
(size_i = 100 * 40.96 ** frac(i * golden ratio)).  A JSON record is a JSON array of the
unicodedata properties of consecutive named code points ({"code", "name", "category", "bidi",
"combining", "east_asian_width", "mirrored", "decomposition", "numeric", "upper", "lower"},
about 200 bytes each, as many as the size allows); an M record is consecutive lines of GT.M's
*.m routines (sorted by name).  When a source runs out it is read again from the start (at
100,000 records the code points about three times, the M routines about twice).

Rows: zstd batch decompression with threads=2 against threads=1 (target >= 1.7x) and against
a Python loop of one-shot stdcompress.zstd_decompress calls (target >= 3x), the output checked
identical to the records; the C floor (bench/batch_floor.c: libzstd's decoder over the same
frames, one thread), and that floor halved, the most two cores can make of it, which bounds
the row against the loop; the machine's parallel ceiling for the same job (two processes each
running threads=1 at once: their combined rate against one alone, the most threads=2 can
reach); batch compression threads=2 vs 1 (context); and the compressed total
of the same records with a dictionary trained from them (libzstd's fastCover, 1 MiB of
samples: every k-th record) against without (target <= 0.5x).
"""

from __future__ import annotations

import json
import multiprocessing
import sys
from time import perf_counter
import unicodedata
from array import array

import stdcompress
from stdcompress import _batch

from . import floors
from .corpus import gtm_dist
from .report import Row, Target
from .timing import Plan, best_of

SECTION = "batches of small records"
JOBS = ("batch zstd decompress, threads=2 vs 1", "batch zstd decompress, threads=2 vs loop",
        "batch zstd -3 compress, threads=2 vs 1", "batch zstd -3 size, dictionary vs none",
        "two processes of threads=1 at once vs one", "batch zstd decompress, threads=1 vs C floor",
        "C floor halved (2 cores) vs loop")

GOLDEN = 0.6180339887498949
MIN_SIZE, MAX_SIZE = 100, 4096
DICT_SIZE = 64 << 10
SAMPLE_BYTES = 1 << 20  # one training call's samples: the M string limit


def record_size(i: int) -> int:
    return int(MIN_SIZE * (MAX_SIZE / MIN_SIZE) ** ((i * GOLDEN) % 1.0))


def _lines(files):
    """Every line of every file in order, forever (a source that runs out starts again)."""
    while True:
        for path in files:
            yield from path.read_bytes().decode("latin-1").splitlines()


def _code_points():
    """The JSON object of every named code point in order, forever."""
    while True:
        for c in range(sys.maxunicode + 1):
            ch = chr(c)
            name = unicodedata.name(ch, "")
            if not name:
                continue
            yield json.dumps({
                "code": f"U+{c:04X}", "name": name, "category": unicodedata.category(ch),
                "bidi": unicodedata.bidirectional(ch), "combining": unicodedata.combining(ch),
                "east_asian_width": unicodedata.east_asian_width(ch),
                "mirrored": bool(unicodedata.mirrored(ch)),
                "decomposition": unicodedata.decomposition(ch),
                "numeric": unicodedata.numeric(ch, None),
                "upper": ch.upper() if ch.upper() != ch else None,
                "lower": ch.lower() if ch.lower() != ch else None})


def records(count: int) -> tuple[list[bytes], str]:
    """count records and a description of their sources."""
    json_src = _code_points()
    dist = gtm_dist()
    m_files = sorted(dist.glob("*.m")) if dist else []
    m_src = _lines(m_files) if m_files else None
    out = []
    for i in range(count):
        target = record_size(i)
        if m_src is not None and i % 5 == 0:
            rec = b""
            while len(rec) < target:
                line = next(m_src).encode("latin-1") + b"\n"
                rec += line[:MAX_SIZE - len(rec)]
        else:
            parts, size = [], 2
            while size < target:
                piece = next(json_src)
                if size + len(piece) + 1 > MAX_SIZE:
                    if parts:
                        break
                    continue  # one line too long for any record: left out
                parts.append(piece)
                size += len(piece) + 1
            rec = ("[" + ",".join(parts) + "]").encode()
        out.append(rec)
    what = (f"{count} records: JSON of unicodedata {unicodedata.unidata_version}"
            + (f", 1 in 5 GT.M routines ({len(m_files)} .m)" if m_files else
               " (GT.M not installed: no M records)"))
    return out, what


def _pack(items) -> tuple[bytes, bytes]:
    segs, offset = array("Q"), 0
    for it in items:
        segs.append(offset)
        segs.append(len(it))
        offset += len(it)
    return b"".join(items), segs.tobytes()


def _items(results) -> list[bytes]:
    out = []
    for buf, segs in results:
        view = memoryview(segs).cast("Q")
        out.extend(buf[view[j]:view[j] + view[j + 1]] for j in range(0, len(view), 2))
    return out


def c_floor(cdata: bytes, csegs: bytes, data: bytes):
    """bench/batch_floor.c: libzstd's decoder over the same frames, one thread, into one
    buffer; checked to decode every byte before it is timed."""
    import ctypes

    lib = floors.load("batch_floor")
    fn = lib.batch_floor_zstd_decompress
    fn.restype = ctypes.c_longlong
    fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p,
                   ctypes.c_size_t]
    total = len(data)
    dst = ctypes.create_string_buffer(total)
    count = len(csegs) // 16

    def run():
        return fn(cdata, csegs, count, dst, total)

    if run() != total or dst.raw != data:
        raise AssertionError("bench: batch_floor did not decode the batch")
    return run


def _joined(results) -> bytes:
    return b"".join(buf for buf, _ in results)


def parallel_ceiling(job, plan: Plan) -> tuple[float, float]:
    """(seconds of one job alone, seconds of one job while a second process runs the same job
    at the same time): what two cores give two independent single-threaded workers on this
    machine, the most threads=2 can gain over threads=1 (shared caches, memory bandwidth, and
    on a virtual machine what the host gives its two vCPUs).  Each process times the best of
    plan.repeats runs; the two start together and run the same number of times."""
    alone = best_of({"alone": job}, plan)["alone"]
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(2)
    results = ctx.Queue()

    def child():
        start.wait()
        best = float("inf")
        for _ in range(plan.repeats):
            t0 = perf_counter()
            job()
            best = min(best, perf_counter() - t0)
        results.put(best)

    procs = [ctx.Process(target=child) for _ in range(2)]
    for p in procs:
        p.start()
    times = [results.get() for _ in procs]
    for p in procs:
        p.join()
        if p.exitcode != 0:
            raise RuntimeError(f"parallel ceiling: a child exited with {p.exitcode}")
    return alone, max(times)


def rows(plan: Plan) -> list[Row]:
    quick = plan.min_time < 0.05
    count = 2_000 if quick else 100_000
    recs, what = records(count)
    data, segs = _pack(recs)
    total = len(data)
    name = "json+m records"
    frames = _items(_batch.compress("zstd", data, segs, level=3, threads=2))
    cdata, csegs = _pack(frames)

    def batch(threads):
        return lambda: _batch.decompress("zstd", cdata, csegs, threads=threads)

    def loop():
        d = stdcompress.zstd_decompress
        return [d(f) for f in frames]

    # identical output, every way, before anything is timed
    for threads in (1, 2):
        got = batch(threads)()
        if _joined(got) != data or _items(got) != recs:
            raise AssertionError(f"batch decompression (threads={threads}) differs")
    if b"".join(loop()) != data:
        raise AssertionError("one-shot loop differs")
    t = best_of({"t2": batch(2), "t1": batch(1), "loop": loop, "floor": c_floor(cdata, csegs,
                                                                                data)}, plan)
    # threads=2 can at best halve the C floor: that bounds the row against the loop
    two_cores = t["floor"] / 2 * 1e6
    out = [
        Row(SECTION, JOBS[0], name, total, "speed", "us", t["t2"] * 1e6, t["t1"] * 1e6,
            "threads=1", target=Target(">=", 1.7)),
        Row(SECTION, JOBS[1], name, total, "speed", "us", t["t2"] * 1e6, t["loop"] * 1e6,
            "loop of zstd_decompress", target=Target(">=", 3), floor=two_cores,
            floor_name="C floor / 2 cores"),
        Row(SECTION, JOBS[5], name, total, "speed", "us", t["t1"] * 1e6, t["floor"] * 1e6,
            "C floor"),
        Row(SECTION, JOBS[6], name, total, "speed", "us", two_cores, t["loop"] * 1e6,
            "loop of zstd_decompress"),
    ]
    alone, together = parallel_ceiling(batch(1), plan)
    out.append(Row(SECTION, JOBS[4], name, total, "speed", "us", together / 2 * 1e6, alone * 1e6,
                   "one process"))
    # the machine's ceiling bounds threads=2 against threads=1
    out[0].floor, out[0].floor_name = t["t1"] * together / (2 * alone) * 1e6, "threads=1 / ceiling"
    c = best_of({"t2": lambda: _batch.compress("zstd", data, segs, level=3, threads=2),
                 "t1": lambda: _batch.compress("zstd", data, segs, level=3, threads=1)}, plan)
    out.append(Row(SECTION, JOBS[2], name, total, "speed", "us", c["t2"] * 1e6, c["t1"] * 1e6,
                   "threads=1"))

    # dictionary: trained from every k-th record, up to 1 MiB of samples
    step = max(1, total // SAMPLE_BYTES + 1)
    samples = [recs[i] for i in range(0, count, step)]
    while sum(map(len, samples)) > SAMPLE_BYTES:
        samples.pop()
    sdata, ssegs = _pack(samples)
    tuning = {"k": 1024, "d": 8} if quick else {}
    dictionary = _batch.train_dictionary(sdata, ssegs, DICT_SIZE, **tuning)
    with_dict = _batch.compress("zstd", data, segs, level=3, threads=2, dictionary=dictionary)
    back = _batch.decompress("zstd", *_pack(_items(with_dict)), threads=2, dictionary=dictionary)
    if _joined(back) != data:
        raise AssertionError("dictionary round trip differs")
    out.append(Row(SECTION, JOBS[3], name, total, "size", "B",
                   float(sum(len(b) for b, _ in with_dict)),
                   float(len(cdata)), "no dictionary", target=Target("<=", 0.5)))
    NOTES_EXTRA[:] = [f"batches: {what}, {total:,} bytes; dictionary {len(dictionary):,} bytes "
                      f"from {len(samples):,} samples ({len(sdata):,} bytes)."]
    return out


NOTES_EXTRA: list[str] = []
