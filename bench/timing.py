"""How the Python side is timed: warm-up, calibration, best of several interleaved repeats."""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter
from typing import Callable


@dataclass(frozen=True)
class Plan:
    repeats: int      # timed repeats per function; the best (minimum) is kept
    min_time: float   # seconds one repeat lasts at least (calibrated loop count)
    engine_small_calls: int  # M: calls per timed loop on a small item
    engine_big_calls: int    # M: calls per timed loop on a 1 MiB item
    engine_repeats: int
    engine_big_repeats: int  # M: loops on a 1 MiB item: short loops, many (noise spares some)
    memory_calls: tuple[int, int]  # RSS read after this many calls, then after that many
    shim_size: int    # input size of the C-level instruction count

    def describe(self) -> str:
        return (f"Python: per call, best (min) of {self.repeats} repeats after a warm-up call, "
                f"each repeat a loop calibrated to last >= {self.min_time * 1000:g} ms; ours and "
                f"its peers interleaved repeat by repeat, on the same bytes. "
                f"M: one mumps process, best of {self.engine_repeats} $ZH-timed loops of "
                f"{self.engine_small_calls} calls (small item) or of {self.engine_big_repeats} "
                f"loops of {self.engine_big_calls} calls (1 MiB) "
                f"after a warm-up, less the best empty loop. "
                f"C: instructions counted by callgrind (exact, not timed).")


FULL = Plan(repeats=7, min_time=0.1, engine_small_calls=200_000, engine_big_calls=4,
            engine_repeats=5, engine_big_repeats=25, memory_calls=(100, 10_000), shim_size=1 << 20)
QUICK = Plan(repeats=2, min_time=0.002, engine_small_calls=2_000, engine_big_calls=2,
             engine_repeats=2, engine_big_repeats=2, memory_calls=(10, 50), shim_size=64 << 10)


def _loop(fn: Callable[[], object], n: int) -> float:
    t0 = perf_counter()
    for _ in range(n):
        fn()
    return perf_counter() - t0


def best_of(fns: dict[str, Callable[[], object]], plan: Plan) -> dict[str, float]:
    """Seconds per call of each function (one call = one fn()): warm-up, a loop count per
    function making one repeat last >= plan.min_time, then plan.repeats rounds in which every
    function runs one repeat (interleaved, so drift hits all alike); the minimum is kept."""
    loops = {}
    for name, fn in fns.items():
        fn()  # warm-up: contexts, buffers, caches
        n = 1
        while (t := _loop(fn, n)) < plan.min_time:
            n = max(n * 2, int(n * plan.min_time / max(t, 1e-9) * 1.1))
        loops[name] = n
    best = {name: float("inf") for name in fns}
    for _ in range(plan.repeats):
        for name, fn in fns.items():
            best[name] = min(best[name], _loop(fn, loops[name]) / loops[name])
    return best
