"""Timing helpers shared by the benchmarks: best of N runs, one printed line per figure."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    seconds: float
    baseline_seconds: float
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.seconds / self.baseline_seconds if self.baseline_seconds > 0 else float("inf")

    def line(self) -> str:
        return (
            f"{self.name:<38} time {self.seconds:9.4f}s  baseline {self.baseline_seconds:9.4f}s  "
            f"ratio {self.ratio:6.2f}x  {self.note}"
        ).rstrip()


def paired(runs: int, work: Callable[[], object], baseline: Callable[[], object]) -> tuple[float, float]:
    """Best times of work and baseline, run alternately, so that a burst of load elsewhere on the
    machine falls on both rather than on one."""
    best_work = best_base = float("inf")
    for _ in range(runs):
        best_base = min(best_base, best_of(1, baseline))
        best_work = min(best_work, best_of(1, work))
    return best_work, best_base


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The fastest of several runs: the least disturbed by whatever else the machine was doing."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best
