"""The conformance corpus: frozen plaintexts, exact compressed fixtures, one manifest of rows,
and the runner that checks every host (the Python bridge, a real M engine) against those rows.

    python -m conformance.runner [--host NAME]   check hosts against the manifest (CI)
    python -m conformance.generate               regenerate fixtures and manifest (never CI)

See docs/conformance.md.
"""
