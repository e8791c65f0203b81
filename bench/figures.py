"""Timing and the one-line-per-figure output every benchmark shares."""

import math
import statistics
import time
from collections.abc import Callable


def time_ms(action: Callable[[], object]) -> float:
    """Wall-clock milliseconds of one call: what the user waits for, database included."""
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def p95(samples: list[float]) -> float:
    # Nearest rank: with 30 runs this is the second slowest, an observed value, not a guess.
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def spread(samples: list[float], unit: str = "ms") -> str:
    """`38.2 ms median (n=30, p95 41.0 ms)`: the median resists a stray slow run, p95 shows it."""
    return f"{statistics.median(samples):.1f} {unit} median (n={len(samples)}, p95 {p95(samples):.1f} {unit})"


def show(area: str, name: str, value: str, limit: str = "") -> None:
    """Print `<area> <figure>: <value> <unit>`, with the target beside it where one exists."""
    suffix = f" (limit {limit})" if limit else ""
    print(f"{area} {name}: {value}{suffix}", flush=True)
