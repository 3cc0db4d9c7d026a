"""How far an observed value may be from the reference, derived rather than tuned.

Analytic cells
    Every bound is written in terms of the reference's derivative scale ``S``
    (per output entry, see `oracle.Reference.scale`) and the round-off ``delta``
    of one circuit evaluation in float64. Higher derivatives than the 3rd are
    taken to be of the same order as ``S``: each output is a trigonometric
    polynomial of frequency 1 in each parameter, or a smooth function of one
    (entropies) at a point far from a pure reduced state. The resulting bound
    is multiplied by ``SAFETY`` for the step from an estimate to a bound.

    * exact methods (backprop, adjoint, parameter-shift, hadamard family, device):
      the method has only round-off, so the tolerance is the reference's own
      error, ``h**4/30 * S + 1.5 * delta / h`` with ``h = REFERENCE_STEP``, plus ``delta``;
    * finite-diff (PennyLane's default: forward difference, ``h = 1e-7``):
      truncation ``h/2 * S`` plus round-off ``2 * delta / h``;
    * spsa (default: central difference along a random direction, ``h = 1e-5``):
      truncation ``h**2/6 * n**3 * S`` along a direction of n unit-sized
      entries, plus round-off ``delta / h``; see `spsa_matches` for the criterion.

Finite-shot cells
    A sample mean of ``N`` values in a range of width ``w`` deviates by ``t`` or
    more with probability at most ``2 exp(-2 N t**2 / w**2)`` (Hoeffding), with
    no normal approximation. A gradient that combines independent estimates with
    coefficients ``c_i`` is bounded the same way with ``w**2`` replaced by
    ``sum (c_i w_i)**2``. ``t`` is solved for the per-check failure probability
    ``p = FAMILY_FAILURE / checks``: a union bound over every value checked in a
    whole-matrix run keeps the chance of any false failure at most 1e-3.
    ``var`` is nonlinear in the estimates; its error is bounded through
    ``var = <A^2> - <A>^2`` and ``d var = d<A^2> - 2 <A> d<A>`` term by term.
"""

from __future__ import annotations

import math
from itertools import product

import numpy as np

from .circuits import HERMITIAN
from .oracle import REFERENCE_STEP, Reference

EPS = float(np.finfo(np.float64).eps)
#: One evaluation of these 3-gate circuits on 8 amplitudes costs a few dozen
#: multiply-adds per output entry; 64 eps bounds their accumulated rounding.
ROUNDING = 64 * EPS
SAFETY = 10.0
#: Chance of any false failure among all finite-shot checks of one whole-matrix run.
FAMILY_FAILURE = 1e-3
#: Values a finite-shot cell checks at most: a forward value and a Jacobian of the
#: measurements with a shot-noise model have at most 4 and 8 entries; 32 leaves room.
CHECKS_PER_SHOT_CELL = 32

EXACT_METHODS = frozenset(
    {"backprop", "adjoint", "parameter-shift", "device", "hadamard", "reversed-hadamard",
     "direct-hadamard", "reversed-direct-hadamard"}
)
FINITE_DIFF_STEP = 1e-7
SPSA_STEP = 1e-5


class NoStatisticalModel(ValueError):
    """A finite-shot cell whose estimator this module has no variance bound for."""


def analytic_tolerance(method: str, ref: Reference) -> np.ndarray:
    """Per-entry absolute tolerance of a Jacobian computed by ``method`` without shots."""
    delta = ROUNDING * np.maximum(1.0, np.abs(ref.value))
    h = REFERENCE_STEP
    reference_error = h**4 / 30 * ref.scale + 1.5 * delta / h
    n = ref.jacobian.shape[1]
    if method in EXACT_METHODS:
        own = delta
    elif method == "finite-diff":
        own = FINITE_DIFF_STEP / 2 * ref.scale + 2 * delta / FINITE_DIFF_STEP
    elif method == "spsa":
        own = SPSA_STEP**2 / 6 * n**3 * ref.scale + delta / SPSA_STEP
    else:
        raise ValueError(f"no analytic error model for diff method {method!r}")
    return (SAFETY * (reference_error + own))[:, None] * np.ones(n)


def forward_tolerance(ref: Reference) -> np.ndarray:
    """Per-entry tolerance of an analytic forward value: round-off only."""
    return SAFETY * ROUNDING * np.maximum(1.0, np.abs(ref.value))


def spsa_matches(observed: np.ndarray, ref: np.ndarray, tol: np.ndarray) -> np.ndarray:
    """Per row: is ``observed`` the SPSA estimate ``(J . d) d`` for some sign vector ``d``,
    or the exact gradient ``J``?

    PennyLane's SPSA (one Rademacher direction ``d``) returns exactly that, up
    to finite-difference error, whatever ``d`` was drawn: so the check is sound
    for any seed, and a zero or sign-flipped gradient fails wherever ``J . d``
    is not zero for every ``d``. The exact gradient is right by definition.
    """
    n = ref.shape[1]
    ok = np.all(np.abs(observed - ref) <= tol, axis=1)
    for signs in product((1.0, -1.0), repeat=n - 1):
        d = np.array((1.0, *signs))
        ok |= np.all(np.abs(observed - np.outer(ref @ d, d)) <= tol, axis=1)
    return ok


def spsa_discriminates(ref: np.ndarray, tol: np.ndarray) -> bool:
    """Whether every nonzero row of ``ref`` differs from zero and from its negative
    under `spsa_matches`; if not, the criterion could not catch those faults."""
    nonzero = np.any(np.abs(ref) > tol, axis=1)
    zero_ok = spsa_matches(np.zeros_like(ref), ref, tol)
    flip_ok = spsa_matches(-ref, ref, tol)
    return not np.any(nonzero & (zero_ok | flip_ok))


# --- finite shots ---


def _observable_range(measurement: str) -> tuple[float, float]:
    """Width of the per-shot values of the observable, and of its square."""
    if measurement in ("expval", "sample", "var"):
        return 2.0, 0.0  # PauliZ: values +-1; Z^2 = I is constant
    if measurement in ("probs", "expval_projector"):
        return 1.0, 1.0  # indicator values 0/1
    if measurement == "expval_hermitian":
        lam = np.linalg.eigvalsh(HERMITIAN)
        return float(lam[-1] - lam[0]), float(np.max(lam**2) - np.min(lam**2))
    raise NoStatisticalModel(f"no shot-noise model for measurement {measurement!r}")


#: sum of squared coefficients with which a method combines independent N-shot
#: estimates into one gradient entry (RX and RY have generators P/2). Methods
#: without a shot-noise model of their own (finite-diff, spsa, backprop) are held
#: to the bar of parameter-shift, the standard estimator on hardware: a finite-shot
#: gradient is "correct" when it is as accurate as parameter-shift would be at the
#: same shot count.
_GRADIENT_COEFFICIENTS = {
    # (f(x + pi/2) - f(x - pi/2)) / 2
    "parameter-shift": 2 * 0.5**2,
    # 2 * (1/2) * <Y_aux (x) A>: one estimate, coefficient 1, but the aux-wire
    # outcome doubles the per-shot range (values -w..w)
    "hadamard": 2.0**2,
    "reversed-hadamard": 2.0**2,
    # (<A>_+ - <A>_-) / 2 on two tapes
    "direct-hadamard": 2 * 0.5**2,
    "reversed-direct-hadamard": 2 * 0.5**2,
}


def hoeffding(width_sq: float, shots: int, p: float) -> float:
    """``t`` with ``P(|estimate - mean| >= t) <= p`` for ``sum (c_i w_i)**2 = width_sq``."""
    return math.sqrt(width_sq * math.log(2 / p) / (2 * shots))


def shots_forward_tolerance(measurement: str, ref: Reference, shots: int, p: float) -> np.ndarray:
    """Per-entry tolerance of a forward value estimated from ``shots`` samples."""
    w, w_sq = _observable_range(measurement)
    t = hoeffding(w**2, shots, p)
    if measurement == "var":
        m = 1.0 - ref.value  # <Z>^2 = 1 - var
        t = hoeffding(w_sq**2, shots, p) + 2 * math.sqrt(float(m[0])) * t + t**2
    return np.full(ref.value.shape, t)


def shots_jacobian_tolerance(
    method: str, measurement: str, ref: Reference, shots: int, p: float
) -> np.ndarray:
    """Per-entry tolerance of a Jacobian estimated by ``method`` from ``shots`` samples."""
    coeff = _GRADIENT_COEFFICIENTS.get(method, _GRADIENT_COEFFICIENTS["parameter-shift"])
    w, w_sq = _observable_range(measurement)
    t_g = hoeffding(coeff * w**2, shots, p)
    if measurement != "var":
        return np.full(ref.jacobian.shape, t_g)
    # d var = d<A^2> - 2 <A> d<A>: bound each factor's deviation separately.
    mean = math.sqrt(max(0.0, 1.0 - float(ref.value[0])))
    t_m = hoeffding(w**2, shots, p)
    g = np.abs(ref.jacobian) / max(2 * mean, 1e-12)  # |d<A>| from d var = -2 <A> d<A>
    t_sq = hoeffding(coeff * w_sq**2, shots, p)
    return t_sq + 2 * (mean * t_g + g * t_m + t_m * t_g)
