"""Predicting a configuration's time and peak memory at a size it was not measured at, and the held-out error of that prediction.

The model is a cost argument with a few non-negative coefficients fitted per
configuration (device × diff method × interface), not a free curve:

* **Time per forward pass + gradient**: ``t = P^k · (a + b · B^n)``. The circuit has P = 3nL
  parameters and 4nL gates, so gate applications are proportional to P. Each costs a fixed
  part ``a`` (Python, the framework's graph, PennyLane's tape handling) and a part ``b · B^n``
  proportional to the state: B = 2 for a state vector, 4 for a density matrix (the device's
  ``mixed_state``). ``k`` is the number of factors of P in the work: 1 for backprop and
  adjoint (one pass forward and one back), 2 for the gradient transforms (parameter-shift and
  finite-diff run about P circuits, each of ∝ P gates; `WORK_EXPONENT`).
* **Peak memory growth**: ``m = c + e · P + d · B^n · P^j``: a fixed part, a part per gate
  (the framework's graph and caches: under jax it grows from about 60 to 150 MiB with the
  gate count while the state is still kilobytes), and the states held, with j = 1 for
  backprop, which keeps an intermediate state per gate, and 0 for the others, which hold a
  few states at a time.

The fit minimises the squared *relative* residuals, so the small sizes (milliseconds) weigh
as much as the large ones (seconds), under the constraint that every coefficient is ≥ 0
(a negative overhead or state cost has no meaning and would make extrapolation cross
zero). Several records at one size (repeated runs) are reduced to their median first.

`held_out_errors` measures the model on the benchmark's own points (leave one out;
docs/recommend.md gives the figures). On the committed results, a fixed overhead without
the P^k factor (``t = a + b · P^k · B^n``) had about 2.5× this model's median held-out
error: at small n the time grows with the gate count, so the overhead is per gate. The
memory model without its per-gate part had five times the median held-out error (20 % to
4 %), over-predicting the largest sizes by attributing the framework's growth to the state.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from supportmatrix.bench.idle import over_threshold
from supportmatrix.bench.results import ok_records
from supportmatrix.matrix.devices import KNOWN_DEVICES

#: Factors of P in a diff method's work (module docstring); a method not listed is taken
#: to run a circuit per parameter, as the gradient transforms do.
WORK_EXPONENT: dict[str, int] = {"backprop": 1, "adjoint": 1, "parameter-shift": 2, "finite-diff": 2}
#: Fewest points a held-out fit uses: as many as the memory model has coefficients.
MIN_FIT_POINTS = 3

Basis = tuple[Callable[[int, int], float], ...]
Config = tuple[str, str, str]  # device, diff method, interface


@dataclass(frozen=True)
class Point:
    """One measured size of a configuration: median seconds, peak memory growth (None when
    not measured) and whether any of its records was measured under load."""

    qubits: int
    params: int
    seconds: float
    peak_bytes: float | None
    loaded: bool


def state_base(device: str) -> int:
    """Amplitudes per added qubit: 4 for a density-matrix device, else 2."""
    known = KNOWN_DEVICES.get(device)
    return 4 if known is not None and known.mixed_state else 2


def time_basis(device: str, diff_method: str) -> Basis:
    """The columns of the time model: P^k (overhead per gate) and P^k · B^n (state work)."""
    k, base = WORK_EXPONENT.get(diff_method, 2), state_base(device)
    return (lambda n, p: float(p) ** k, lambda n, p: float(p) ** k * float(base) ** n)


def memory_basis(device: str, diff_method: str) -> Basis:
    """The columns of the memory model: a fixed part, a part per gate (∝ P) and the states
    held, B^n · P^j."""
    j, base = (1 if diff_method == "backprop" else 0), state_base(device)
    return (lambda n, p: 1.0, lambda n, p: float(p), lambda n, p: float(base) ** n * float(p) ** j)


# --------------------------------------------------------------------------- load


#: Per-record marks a results file may carry that say it was measured over the load threshold.
LOAD_MARKS = ("under_load", "loaded", "over_load_threshold")


def under_load(record: dict[str, Any], document: dict[str, Any]) -> bool:
    """Whether a record was measured on a busy machine.

    The load gate's verdict (``idle``, written by `idle.Gate` since results schema 2)
    decides when present, then a record's own mark (`LOAD_MARKS`). Otherwise its 1-minute load
    average before measuring is compared with the run's ``settings.load_threshold``, or, for
    results without one, with the number of usable cores: an idle run shows about 1 (the
    measuring child itself), so a load of a whole core more is other work sharing the CPU.
    A record without a load average is not marked.
    """
    if isinstance(record.get("idle"), bool):
        return over_threshold(record)
    for mark in LOAD_MARKS:
        if isinstance(record.get(mark), bool):
            return bool(record[mark])
    load = record.get("load_average")
    threshold = document["settings"].get("load_threshold")
    if threshold is None:
        threshold = document["machine"].get("usable_cores")
    return isinstance(load, (int, float)) and isinstance(threshold, (int, float)) and load >= threshold


def measured_points(document: dict[str, Any]) -> dict[Config, list[Point]]:
    """Every configuration's ok records as points, one per (qubits, params), sorted."""
    grouped: dict[Config, dict[tuple[int, int], list[dict[str, Any]]]] = {}
    for r in ok_records(document):
        config = (r["device"], r["diff_method"], r["interface"])
        grouped.setdefault(config, {}).setdefault((r["qubits"], r["params"]), []).append(r)
    points: dict[Config, list[Point]] = {}
    for config, sizes in grouped.items():
        points[config] = []
        for (n, p), records in sorted(sizes.items()):
            memory = [r["memory"].get("peak_growth_bytes") for r in records]
            known = [float(m) for m in memory if m is not None]
            points[config].append(
                Point(
                    n,
                    p,
                    statistics.median(r["wall_seconds"]["median"] for r in records),
                    statistics.median(known) if known else None,
                    any(under_load(r, document) for r in records),
                )
            )
    return points


# --------------------------------------------------------------------------- fitting


def fit(samples: Sequence[tuple[int, int, float]], basis: Basis) -> tuple[float, ...]:
    """Non-negative coefficients of ``basis`` minimising the squared relative residuals over
    ``samples`` (qubits, params, value); values must be > 0.

    With two or three columns every subset of columns, of at most as many columns as there
    are samples, is solved by least squares and the best solution with no negative
    coefficient wins (an exact active-set search).
    """
    if not samples:
        raise ValueError("nothing to fit")
    matrix = np.array([[f(n, p) / y for f in basis] for n, p, y in samples])
    ones = np.ones(len(samples))
    best: tuple[float, tuple[float, ...]] | None = None
    for size in range(1, min(len(basis), len(samples)) + 1):
        for columns in itertools.combinations(range(len(basis)), size):
            solution, *_ = np.linalg.lstsq(matrix[:, columns], ones, rcond=None)
            if (solution < 0).any():
                continue
            coefficients = [0.0] * len(basis)
            for column, value in zip(columns, solution, strict=True):
                coefficients[column] = float(value)
            residual = float(np.sum((matrix @ np.array(coefficients) - ones) ** 2))
            if best is None or residual < best[0]:
                best = (residual, tuple(coefficients))
    assert best is not None  # a single column always has a non-negative solution: values > 0
    return best[1]


def evaluate(coefficients: Sequence[float], basis: Basis, qubits: int, params: int) -> float:
    return sum(c * f(qubits, params) for c, f in zip(coefficients, basis, strict=True))


def _samples(points: Iterable[Point], value: str) -> list[tuple[int, int, float]]:
    """(qubits, params, value) of the points where ``value`` ("seconds" or "peak_bytes")
    was measured and positive: a zero peak growth carries no scale to fit."""
    found = []
    for point in points:
        y = getattr(point, value)
        if y is not None and y > 0:
            found.append((point.qubits, point.params, float(y)))
    return found


@dataclass(frozen=True)
class Prediction:
    """One configuration at the requested size: seconds per forward + gradient, peak memory
    growth in bytes (None: no memory was measured), where it extrapolates, and whether any
    point it rests on was measured under load."""

    seconds: float
    peak_bytes: float | None
    extrapolated: tuple[str, ...]
    loaded: bool
    points: int


def predict(
    points: Sequence[Point], *, device: str, diff_method: str, qubits: int, params: int
) -> Prediction:
    """The fitted models of ``points`` evaluated at (``qubits``, ``params``); `ValueError`
    when fewer than two sizes were measured (nothing to fit two coefficients to)."""
    times = _samples(points, "seconds")
    if len({(n, p) for n, p, _ in times}) < 2:
        raise ValueError(f"{device} {diff_method}: {len(times)} measured size(s), fewer than 2")
    t_basis, m_basis = time_basis(device, diff_method), memory_basis(device, diff_method)
    seconds = evaluate(fit(times, t_basis), t_basis, qubits, params)
    memory = _samples(points, "peak_bytes")
    peak = evaluate(fit(memory, m_basis), m_basis, qubits, params) if len(memory) >= 2 else None
    return Prediction(
        seconds, peak, extrapolation(points, qubits, params), any(p.loaded for p in points), len(times)
    )


def extrapolation(points: Sequence[Point], qubits: int, params: int) -> tuple[str, ...]:
    """What of (``qubits``, ``params``) lies outside the measured ranges, e.g. ``qubits 20 > 14``."""
    found = []
    for name, value, measured in (
        ("qubits", qubits, [p.qubits for p in points]),
        ("params", params, [p.params for p in points]),
    ):
        if value > max(measured):
            found.append(f"{name} {value} > {max(measured)}")
        elif value < min(measured):
            found.append(f"{name} {value} < {min(measured)}")
    return tuple(found)


# --------------------------------------------------------------------------- held out


@dataclass(frozen=True)
class HeldOut:
    """Relative errors |predicted − measured| / measured of one configuration, each point
    predicted by the model fitted to the others (leave one out): time and peak memory."""

    time_errors: tuple[float, ...]
    memory_errors: tuple[float, ...]

    @property
    def largest(self) -> float | None:
        """The time error at the largest size, predicted from the smaller ones alone: the
        extrapolation a user's larger circuit needs (points come sorted by size)."""
        return self.time_errors[-1] if self.time_errors else None

    @staticmethod
    def summary(errors: Sequence[float]) -> tuple[float, float] | None:
        """(median, max) of ``errors``, None when there are none."""
        return (statistics.median(errors), max(errors)) if errors else None


def held_out_errors(samples: Sequence[tuple[int, int, float]], basis: Basis) -> tuple[float, ...]:
    """Leave one out: each sample predicted from a fit to the rest, as a relative error.
    Only held-out fits with at least `MIN_FIT_POINTS` samples count, so a configuration
    measured at three sizes or fewer has none."""
    errors = []
    for k, (n, p, y) in enumerate(samples):
        rest = [s for j, s in enumerate(samples) if j != k]
        if len(rest) < MIN_FIT_POINTS:
            continue
        errors.append(abs(evaluate(fit(rest, basis), basis, n, p) - y) / y)
    return tuple(errors)


def held_out(points: Sequence[Point], *, device: str, diff_method: str) -> HeldOut:
    """`held_out_errors` of one configuration's time and memory models."""
    return HeldOut(
        held_out_errors(_samples(points, "seconds"), time_basis(device, diff_method)),
        held_out_errors(_samples(points, "peak_bytes"), memory_basis(device, diff_method)),
    )
