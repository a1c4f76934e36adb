"""stdcompress benchmark (`invoke bench`, `python -m bench.run`): measures, never optimizes.

    corpus.py    real files read at run time, sliced into 1 MiB and 100 B / 1 KiB / 10 KiB items
    timing.py    how Python calls are timed (warm-up, calibrated loops, best of interleaved repeats)
    bridge.py    the Python bridge against zlib and zstandard
    engine.py    GT.M: loops in one mumps process (STDCBENCH.m), raw call-outs and the M wrapper
    shim.py      C level: instructions the entry points add (shim_overhead.c under callgrind)
    memory.py    peak RSS of a long 1 MiB loop
    report.py    rows, targets, the table, the JSON record, comparison of two records
    run.py       the command line: runs every section, prints the table, writes the JSON
See docs/bench.md.
"""
