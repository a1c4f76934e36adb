"""Python concurrency (issue 9): 8 threads x 10,000 mixed calls at once (every codec, both
directions, one-shot and stream objects, LZ4 block streams, mixed sizes from 0 bytes to
300 KB, corrupt inputs among them) give exactly what the same calls give one after another
in one thread: the same bytes, or the same error class and code.  The C side keeps contexts,
held results and the last error per thread; the bridge's output buffers are per thread."""

from __future__ import annotations

import hashlib
import random
import threading
from pathlib import Path

import pytest

import stdcompress
from conftest import SANITIZED
from stdcompress.lz4.stream import LZ4StreamCompressor, LZ4StreamDecompressor

pytestmark = pytest.mark.c_facing

# under `invoke sanitize` (ASan + UBSan library) the same mix, shorter
THREADS, CALLS = 8, (2_000 if SANITIZED else 10_000)
BASE = (Path(__file__).resolve().parent.parent / "conformance" / "corpus" / "mlog.txt").read_bytes()
SIZES = [0, 1, 10, 100, 1000, 1000, 3000, 3000, 8000, 20000]  # plus rare large ones below
ONE_SHOT = {  # codec -> (compress, decompress, levels)
    "gzip": (stdcompress.gzip, stdcompress.gunzip, [1, 6, 9]),
    "deflate": (stdcompress.deflate, stdcompress.inflate, [1, 6]),
    "zlib": (stdcompress.zlib, stdcompress.unzlib, [1, 6]),
    "zstd": (stdcompress.zstd_compress, stdcompress.zstd_decompress, [-3, 1, 3, 9]),
    "lz4": (stdcompress.lz4_compress, stdcompress.lz4_decompress, [1, -5, 9]),
    "lz4frame": (stdcompress.lz4_frame_compress, stdcompress.lz4_frame_decompress, [1, 12]),
    "brotli": (stdcompress.brotli_compress, stdcompress.brotli_decompress, [0, 1, 4]),
}
STREAM_LEVELS = {"gzip": 6, "deflate": 1, "zlib": 9, "zstd": 3, "lz4": 1, "brotli": 1}


def _plain(rng: random.Random) -> bytes:
    r = rng.random()
    size = 300_000 if r < 0.002 else 70_000 if r < 0.01 else rng.choice(SIZES)
    off = rng.randrange(0, len(BASE) - size + 1)
    return BASE[off:off + size]


def _stream_compress(codec, plain, chunk):
    c = stdcompress.Compressor(codec, STREAM_LEVELS[codec])
    out = [c.compress(plain[i:i + chunk]) for i in range(0, len(plain), chunk)]
    return b"".join(out) + c.flush()


def _stream_decompress(codec, data, chunk):
    d = stdcompress.Decompressor(codec)
    try:
        out = b"".join(d.decompress(data[i:i + chunk]) for i in range(0, len(data), chunk))
        return out, d.eof
    finally:
        d.close()


def _lz4_block_stream(plain, chunk):
    c = LZ4StreamCompressor("double_buffer", chunk)
    blocks = [c.compress(plain[i:i + chunk]) for i in range(0, len(plain), chunk)]
    d = LZ4StreamDecompressor("double_buffer", chunk)
    stream, offset, back = b"".join(blocks), 0, []
    while offset < len(stream):
        block = d.get_block(stream, offset)
        offset += 4 + len(block)
        back.append(d.decompress(block))
    return stream, b"".join(back)


def jobs(seed: int):
    """CALLS deterministic calls: (kind, codec, level, input, chunk)."""
    rng = random.Random(seed)
    codecs = sorted(ONE_SHOT)
    out = []
    for i in range(CALLS):
        r = rng.random()
        plain = _plain(rng)
        chunk = rng.choice([1000, 4096, 65536])
        if r < 0.70:
            codec = codecs[i % len(codecs)]
            kind = "one-shot"
        elif r < 0.93:
            codec = sorted(STREAM_LEVELS)[i % len(STREAM_LEVELS)]
            kind = "stream"
        else:
            codec, kind = "lz4", "lz4-block-stream"
        level = rng.choice(ONE_SHOT[codec][2]) if kind == "one-shot" else None
        corrupt = rng.random() < 0.05 and len(plain) > 20
        out.append((kind, codec, level, plain, chunk, corrupt, rng.randrange(1 << 30)))
    return out


def run(job) -> tuple:
    """One job's outcome as comparable values: digests of every output, or the error."""
    kind, codec, level, plain, chunk, corrupt, salt = job
    try:
        if kind == "one-shot":
            comp_fn, decomp_fn, _ = ONE_SHOT[codec]
            comp = comp_fn(plain, level)
            if corrupt:
                b = bytearray(comp)
                b[salt % len(b)] ^= 1 << (salt % 8)
                comp = bytes(b)
            back = decomp_fn(comp)
            assert corrupt or back == plain, (codec, level, len(plain))
            return kind, _h(comp), _h(back)
        if kind == "stream":
            comp = _stream_compress(codec, plain, chunk)
            if corrupt:
                comp = comp[:salt % len(comp)]
            back, eof = _stream_decompress(codec, comp, chunk)
            assert corrupt or (back == plain and eof), (codec, len(plain))
            return kind, _h(comp), _h(back), eof
        stream, back = _lz4_block_stream(plain, min(chunk, 65536))
        assert back == plain
        return kind, _h(stream), _h(back)
    except stdcompress.StdcompressError as e:
        return "error", type(e).__name__, e.code


def _h(b: bytes) -> str:
    return hashlib.blake2b(b, digest_size=12).hexdigest()


@pytest.fixture(scope="module")
def work():
    return [jobs(1000 + t) for t in range(THREADS)]


@pytest.fixture(scope="module")
def serial(work):
    return [[run(j) for j in js] for js in work]


def test_eight_threads_give_what_one_thread_gives(work, serial):
    results: list = [None] * THREADS
    errors: list = []
    start = threading.Barrier(THREADS)

    def worker(t):
        try:
            start.wait()
            results[t] = [run(j) for j in work[t]]
        except BaseException as e:  # an assertion in run(): report it, do not hang
            errors.append((t, e))

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors[:3]
    for t in range(THREADS):
        assert len(results[t]) == CALLS
        diff = [i for i in range(CALLS) if results[t][i] != serial[t][i]]
        assert not diff, (t, diff[:5], [(results[t][i], serial[t][i]) for i in diff[:3]])


def test_the_mix_covers_every_kind_codec_and_some_errors(work, serial):
    kinds = {(j[0], j[1]) for js in work for j in js}
    assert {("one-shot", c) for c in ONE_SHOT} <= kinds
    assert {("stream", c) for c in STREAM_LEVELS} <= kinds
    assert ("lz4-block-stream", "lz4") in kinds
    outcomes = [r[0] for rs in serial for r in rs]
    assert outcomes.count("error") > THREADS * CALLS // 100
    assert outcomes.count("one-shot") > THREADS * CALLS // 2
    assert max(len(j[3]) for js in work for j in js) == 300_000
