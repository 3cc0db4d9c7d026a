"""Scaling exponents and crossovers from measured series: pure functions of (size, time) points.

Time against qubits is fitted as t ∝ b^n by least squares on log2 t, but only over the larger
qubit counts: at small n every step costs about the same fixed overhead (Python, the
framework's graph, PennyLane's tape handling), and including those points would flatten
the fit. The exponential regime is taken to start where the time is at least
`REGIME_FACTOR` times the series' smallest: there a fixed overhead is at most a quarter of
the time. The fit reports which qubit counts it used, and none when fewer than `MIN_POINTS`
qualify. Time against parameter count at fixed qubits is a power law t ∝ P^k over every
measured point.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Points = Sequence[tuple[int, float]]
REGIME_FACTOR = 4.0
MIN_POINTS = 3


@dataclass(frozen=True)
class Fit:
    """A fitted exponent: ``value`` (b of t ∝ b^n, or k of t ∝ P^k), or None with ``reason``."""

    value: float | None
    used: tuple[int, ...]
    reason: str = ""


def _slope(xs: Sequence[float], ys: Sequence[float]) -> float:
    slope, _ = np.polyfit(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), 1)
    return float(slope)


def exponential_fit(points: Points, *, factor: float = REGIME_FACTOR, min_points: int = MIN_POINTS) -> Fit:
    """b of t ∝ b^n over the tail of ``points`` (qubits, seconds) at or above ``factor`` × the
    smallest time. ``exponential_fit([(n, 2.0**n) for n in range(2, 9)]).value == 2.0``."""
    ordered = sorted(points)
    if not ordered:
        return Fit(None, (), "no measured points")
    floor = min(t for _, t in ordered)
    tail: list[tuple[int, float]] = []
    for n, t in reversed(ordered):
        if t < factor * floor:
            break
        tail.insert(0, (n, t))
    used = tuple(n for n, _ in tail)
    if len(tail) < min_points:
        return Fit(
            None,
            used,
            f"regime not reached: {len(tail)} of {min_points} points at ≥ {factor:g}× the smallest time",
        )
    return Fit(2.0 ** _slope(used, [math.log2(t) for _, t in tail]), used)


def power_fit(points: Points, *, min_points: int = 2) -> Fit:
    """k of t ∝ P^k over all ``points`` (params, seconds)."""
    ordered = sorted(points)
    used = tuple(p for p, _ in ordered)
    if len(set(used)) < min_points:
        return Fit(None, used, f"{len(set(used))} parameter count(s), fewer than {min_points}")
    return Fit(_slope([math.log(p) for p in used], [math.log(t) for _, t in ordered]), used)


@dataclass(frozen=True)
class Crossover:
    """Where the faster of two series changes: between sizes ``below`` and ``above``.

    ``ratio_below`` and ``ratio_above`` are time(a) / time(b) there; ``a_faster_above`` says
    which one is faster from ``above`` on.
    """

    below: int
    above: int
    ratio_below: float
    ratio_above: float

    @property
    def a_faster_above(self) -> bool:
        return self.ratio_above < 1.0


def ratios(a: Points, b: Points) -> list[tuple[int, float]]:
    """time(a) / time(b) at every size both series measured, sorted by size."""
    times_b = dict(b)
    return sorted((n, t / times_b[n]) for n, t in a if n in times_b)


def crossovers(a: Points, b: Points) -> list[Crossover]:
    """Every change of the faster series between consecutive common sizes; empty when one is
    faster (or they tie) throughout. A tie (ratio exactly 1) is no side: the change is
    reported between the sizes either side of it."""
    found: list[Crossover] = []
    last: tuple[int, float] | None = None
    for n, r in ratios(a, b):
        if r == 1.0:
            continue
        if last is not None and (last[1] < 1.0) != (r < 1.0):
            found.append(Crossover(last[0], n, last[1], r))
        last = (n, r)
    return found
