"""How far an observed value may be from the reference, derived rather than tuned.

Analytic cells
    Every bound is written in terms of the reference's derivative scale ``S``
    (per output entry, see `oracle.Reference.scale`) and the round-off ``delta``
    of one circuit evaluation in float64 (`rounding`). Higher derivatives than the 3rd are
    taken to be of the same order as ``S``: each output is a trigonometric
    polynomial of frequency 1 in each parameter, or a smooth function of one
    (entropies) at a point far from a pure reduced state. The resulting bound
    is multiplied by ``SAFETY`` for the step from an estimate to a bound.
    `reference_vouches` checks that assumption at a point from the stencil's own
    step-doubling error estimate; the property tests use it to stay away from
    points where an output is not smooth (entropies of a pure reduced state).

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

Bias check (finite-shot forward values)
    One ``N``-shot estimate must be allowed about 6 to 9 standard deviations to
    keep the family bound above, so a result biased by 3 sigma passes it. The
    runner therefore also runs each finite-shot cell's QNode once with the shot
    vector ``(N,) * R`` (``R = BIAS_REPEATS``): ``R`` independent ``N``-shot
    estimates of the same kind the cell returns, in one execution. Their mean is
    a mean of ``R N`` shots, so Hoeffding bounds its deviation by the same
    formula at ``R N`` shots: the tolerance shrinks by ``1/sqrt(R)`` at the same
    per-check probability ``p``, nothing is loosened, and the check joins the
    union bound as ``CHECKS_PER_SHOT_CELL`` counts it. A bias of ``k`` sigma of
    one estimate stays ``k`` sigma in the mean, which now has a standard deviation
    ``sigma / sqrt(R)``: the bias is ``k sqrt(R)`` sigma of the mean against a
    tolerance of ``c w / sigma_1`` of them, where ``c = sqrt(ln(2/p)/2)`` is about
    3.0 for a whole matrix and ``w / sigma_1`` is the per-shot range over the
    per-shot standard deviation (2.5 for expval, 3.0 for the projector at
    `circuits.PARAMS`). ``R = 25`` puts a 3 sigma bias at least 5.9 standard
    deviations of the mean beyond the tolerance for expval, the Hermitian, the
    projector and the largest probability (a cell fails if any entry does; small
    probabilities, with a large ``w / sigma_1``, are not resolved).
    ``var`` averages ``R`` nonlinear estimates ``v_r = <A^2>_r - m_r^2``:
    ``mean(v_r) - var = (mean <A^2>_r - <A^2>) - 2 <A> (mean m_r - <A>)
    - mean (m_r - <A>)^2``; the first two terms are bounded at ``R N`` shots, the
    last lies in ``[0, t_N^2]`` with ``t_N`` the single-estimate bound, and the
    ``R + 2`` events share ``p`` (4.4 standard deviations of margin for a 3 sigma bias).
"""

from __future__ import annotations

import math
from itertools import product

import numpy as np

# The constants are `check.bounds`'; the QNode family's tests and scripts read them here.
from supportmatrix.check.bounds import (  # noqa: F401
    BIAS_REPEATS,
    CHECKS_PER_SHOT_CELL,
    EXACT_METHODS,
    FAMILY_FAILURE,
    FINITE_DIFF_STEP,
    PAULI_ROTATION,
    ROUNDING,
    SAFETY,
    SPSA_STEP,
    Bernstein,
    analytic_bound,
    estimator_coefficient,
    hoeffding,
    method_error,
    roundoff,
    stencil_error,
)
from supportmatrix.check.measurements import HERMITIAN
from supportmatrix.check.oracle import Reference


class NoStatisticalModel(ValueError):
    """A finite-shot cell whose estimator this module has no variance bound for."""


def rounding(ref: Reference) -> np.ndarray:
    """Per-entry float64 round-off of one circuit evaluation (`ROUNDING` for the matrix's circuit)."""
    return roundoff(ref.gates + ref.amplitudes, np.abs(ref.value))


def smoothness(ref: Reference) -> Bernstein:
    """Every derivative taken to be of the order of the reference's scale ``S``."""
    return Bernstein(1.0, ref.scale)


def reference_vouches(ref: Reference) -> bool:
    """Whether the stencil's step-doubling error estimate stays within the reference
    error that `analytic_tolerance` allows, i.e. whether the smoothness assumption
    behind every analytic bound holds at this point."""
    allowed = stencil_error(smoothness(ref), rounding(ref))
    return bool(np.all(ref.truncation <= np.asarray(allowed)[:, None]))


def analytic_tolerance(method: str, ref: Reference) -> np.ndarray:
    """Per-entry absolute tolerance of a Jacobian computed by ``method`` without shots."""
    delta, smooth = rounding(ref), smoothness(ref)
    n = ref.jacobian.shape[1]
    # spsa's direction has n unit entries: its third derivative along it is n**3 S.
    own = method_error(method, smooth, delta, along=Bernstein(n, ref.scale))
    return np.asarray(analytic_bound(stencil_error(smooth, delta), own))[:, None] * np.ones(n)


def forward_tolerance(ref: Reference) -> np.ndarray:
    """Per-entry tolerance of an analytic forward value: round-off only."""
    return SAFETY * rounding(ref)


def spsa_matches(observed: np.ndarray, ref: np.ndarray, tol: np.ndarray) -> np.ndarray:
    """Per row: is ``observed`` the SPSA estimate ``(J . d) d`` for some direction ``d``,
    or the exact gradient ``J``?

    PennyLane's SPSA (one Rademacher direction ``d``) returns exactly that, up
    to finite-difference error, whatever ``d`` was drawn: so the check is sound
    for any seed, and a zero or sign-flipped gradient fails wherever ``J . d``
    is not zero for every ``d``. The exact gradient is right by definition.
    PennyLane leaves parameters that cannot reach the measured wires unperturbed
    (``d_i = 0``); their columns of ``J`` are zero, so where a column is zero
    ``d_i`` may be 0 as well as +-1. Every nonzero column keeps ``d_i = +-1``,
    which is what rules out a zero estimate. Every candidate is ``(J . d) d`` for one
    whole ``d``, so a column that is nearly, not exactly, dead enters ``J . d`` too.
    """
    n = ref.shape[1]
    live = np.any(np.abs(ref) > tol, axis=0)  # columns that some output depends on here
    live_idx = np.flatnonzero(live)
    ok = np.all(np.abs(observed - ref) <= tol, axis=1)
    # d over every column: +-1 where the column is live (the first fixed to +1, since d
    # and -d give the same estimate), and 0 or +-1 where it is not. A nearly dead column
    # (|J| below its tolerance, not zero) still adds J_i d_i to J . d, which must count.
    choices = [
        (1.0,)
        if i == (live_idx[0] if live_idx.size else -1)
        else (1.0, -1.0)
        if live[i]
        else (0.0, 1.0, -1.0)
        for i in range(n)
    ]
    for signs in product(*choices):
        d = np.array(signs)
        ok |= np.all(np.abs(observed - np.outer(ref @ d, d)) <= tol, axis=1)
    return ok


def spsa_discriminates(ref: np.ndarray, tol: np.ndarray) -> bool:
    """Whether every nonzero row of ``ref`` differs from zero and from its negative
    under `spsa_matches`; if not, the criterion could not catch those faults."""
    nonzero = np.any(np.abs(ref) > tol, axis=1)
    zero_ok = spsa_matches(np.zeros_like(ref), ref, tol)
    flip_ok = spsa_matches(-ref, ref, tol)
    return not np.any(nonzero & (zero_ok | flip_ok))


def discriminates(expected: np.ndarray, tol: np.ndarray) -> bool:
    """Whether a check with tolerance ``tol`` would fail a zero or a sign-flipped result:
    some entry must be farther from zero than its tolerance. A bound that fails this
    cannot vouch for a result (Catalyst's and PennyLane's nested finite differences)."""
    return bool(np.any(np.abs(expected) > tol))


# --- finite shots ---


def observable_range(measurement: str) -> tuple[float, float]:
    """Width of the per-shot values of ``measurement``'s observable, and of its square
    (`NoStatisticalModel` where the suite has no shot-noise model)."""
    return _observable_range(measurement)


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


def shots_forward_tolerance(
    measurement: str, ref: Reference, shots: int, p: float, repeats: int = 1
) -> np.ndarray:
    """Per-entry tolerance of a forward value estimated from ``shots`` samples, or of
    the mean of ``repeats`` independent such estimates (the bias check)."""
    w, w_sq = _observable_range(measurement)
    if measurement != "var":
        return np.full(ref.value.shape, hoeffding(w**2, shots * repeats, p))
    mean = math.sqrt(max(0.0, 1.0 - float(ref.value[0])))  # |<Z>|, from var = 1 - <Z>^2
    if repeats == 1:  # one estimate: its square term is bounded by the same event
        t = hoeffding(w**2, shots, p)
        return np.full(ref.value.shape, hoeffding(w_sq**2, shots, p) + 2 * mean * t + t**2)
    p_each = p / (repeats + 2)  # the pooled <A^2>, the pooled mean, and each m_r
    t_pooled = hoeffding(w**2, shots * repeats, p_each)
    t_single = hoeffding(w**2, shots, p_each)
    t = hoeffding(w_sq**2, shots * repeats, p_each) + 2 * mean * t_pooled + t_single**2
    return np.full(ref.value.shape, t)


def shots_jacobian_tolerance(
    method: str, measurement: str, ref: Reference, shots: int, p: float
) -> np.ndarray:
    """Per-entry tolerance of a Jacobian estimated by ``method`` from ``shots`` samples."""
    # RX and RY: generators P/2. Methods without a shot-noise model of their own
    # (finite-diff, spsa, backprop) are held to the bar of parameter-shift, the standard
    # estimator on hardware: a finite-shot gradient is "correct" when it is as accurate
    # as parameter-shift would be at the same shot count.
    coeff = estimator_coefficient(method, PAULI_ROTATION)
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
