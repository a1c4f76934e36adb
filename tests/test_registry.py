"""The codec registry (callouts/codecs.c) and the Python side's one list (stdcompress._codecs) name
the same codecs in the same order: the library's own messages list the registry's codecs."""
import re
from pathlib import Path

from stdcompress import _bindings, _codecs, _runtime


def _listed(message: str) -> tuple[str, ...]:
    """("a", "b", "c") of a message ending "... a, b or c"."""
    names = re.search(r"(\w+(?:, \w+)* or \w+)$", message).group(1)
    return tuple(re.split(r", | or ", names))


def test_stream_codecs_are_the_registrys():
    rt = _runtime.default()
    ret, _ = rt.call("streamOpen", b"nosuch", b"c", 0, 0, b"", 0, 0, -1)
    code, message = _bindings.last_failure()
    assert ret < 0 and code == "BAD-ARGS"
    assert _listed(message) == _codecs.STREAMS


def test_batch_codecs_are_the_registrys():
    rt = _runtime.default()
    ret, _ = rt.call("multiCompress", b"nosuch", b"", b"", None, None, 0, 0, b"", 0, 0)
    code, message = _bindings.last_failure()
    assert ret < 0 and code == "BAD-ARGS"
    assert _listed(message) == _codecs.BATCHES
    assert set(_codecs.BATCHES) < set(_codecs.STREAMS)


def test_every_stream_codec_round_trips():
    from stdcompress import stream
    data = b"registry " * 1000
    for codec in _codecs.STREAMS:
        c = stream.Compressor(codec)
        packed = c.compress(data) + c.flush()
        assert stream.Decompressor(codec).decompress(packed) == data, codec


def test_the_m_tests_stream_codecs_are_the_registrys():
    """The M tests' one list of stream codecs ($$streamCodecs^STDCOMPRESSTST, which tStream
    round-trips) names the registry's, in its order."""
    source = (Path(__file__).resolve().parent.parent / "bridge" / "m" /
              "STDCOMPRESSTST.m").read_text()
    m = re.search(r'^streamCodecs\(\) ;.*\n quit "([^"]*)"$', source, re.M)
    assert m, "no streamCodecs() label in STDCOMPRESSTST.m"
    assert tuple(m.group(1).split(",")) == _codecs.STREAMS


def test_the_globals_codecs_are_the_registrys():
    """The codecs a globals header may name ($$codecs^STDCGLOB) are the registry's stream
    codecs, in its order: a codec added to the registry is storable in globals."""
    source = (Path(__file__).resolve().parent.parent / "bridge" / "m" / "STDCGLOB.m").read_text()
    m = re.search(r'^codecs\(\) ;.*\n quit "([^"]*)"$', source, re.M)
    assert m, "no codecs() label in STDCGLOB.m"
    assert tuple(m.group(1).split(",")) == _codecs.STREAMS
