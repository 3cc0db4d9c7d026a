"""The error formulas every family's tolerances are made of, written once, and the dispatch by diff method.

A family says what its circuit is (`Bernstein`: how large its derivatives can be; a
round-off ``delta``; its gates' rules, `GateRule`; the width of its outputs' per-shot values)
and takes from here what a method makes of that:

* round-off of one evaluation, growing with the work done (`roundoff`);
* the reference stencil's error (`stencil_error`) and the nested stencil's round-off
  (`nested_stencil_roundoff`), from `check.stencil`'s weights;
* each method's own error, truncation plus amplified round-off (`method_truncation`,
  `method_roundoff`, `method_error`): none for the exact methods, a forward difference
  at ``FINITE_DIFF_STEP`` for finite-diff, a central difference along a random
  direction at ``SPSA_STEP`` for spsa; and nested, for second derivatives
  (`hessian_method_error`);
* ``SAFETY`` times the sum (`analytic_bound`);
* shot noise: Hoeffding's bound (`hoeffding`), each method's estimator coefficients
  (`estimator_coefficient`), and the union-bound budget split over a family's checks
  (`check_probability`).

What each formula bounds, and why, is written in `check.tolerance` (the QNode family's
circuit) and `features.tolerance` (a feature's own). The arithmetic of each formula is in
one order, the one both families used, so that every tolerance is what it was before the
formulas were shared (`scripts/tolerances_unchanged.py`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol, overload

import numpy as np

from supportmatrix.check.oracle import REFERENCE_STEP
from supportmatrix.check.stencil import HESSIAN_STEP, NESTED_WEIGHTS

EPS = float(np.finfo(np.float64).eps)
#: One evaluation of the matrix cells' 3-gate circuit on 8 amplitudes costs a few
#: dozen multiply-adds per output entry; 64 eps bounds their accumulated rounding.
ROUNDING = 64 * EPS
#: float32's unit round-off, and `ROUNDING`'s count of operations in float32's eps (2 u).
UNIT_ROUNDOFF32 = 2.0**-24
ROUNDING32 = 64 * (2 * UNIT_ROUNDOFF32)
#: `ROUNDING` per parameter dtype.
ROUNDING_OF = {"float64": ROUNDING, "float32": ROUNDING32}
#: The matrix circuit's units of work behind `ROUNDING`: 3 gates + 8 amplitudes. Each gate
#: adds one rounding to every amplitude and each amplitude one term to every sum over the
#: state, so the bound grows with their total (`roundoff`).
MATRIX_WORK = 3 + 8
SAFETY = 10.0
#: Chance of any false failure among all finite-shot checks of one family's whole run.
FAMILY_FAILURE = 1e-3
#: Values a finite-shot cell checks at most: a forward value, its bias check and a
#: Jacobian of the measurements with a shot-noise model have at most 4, 4 and 8
#: entries; 32 leaves room.
CHECKS_PER_SHOT_CELL = 32
#: Independent copies of a finite-shot forward value in the bias check (`check.tolerance`).
BIAS_REPEATS = 25

EXACT_METHODS = frozenset(
    {
        "backprop",
        "adjoint",
        "parameter-shift",
        "device",
        "hadamard",
        "reversed-hadamard",
        "direct-hadamard",
        "reversed-direct-hadamard",
    }
)
#: PennyLane's default steps: finite-diff's forward difference, spsa's central one.
FINITE_DIFF_STEP = 1e-7
SPSA_STEP = 1e-5
HADAMARD_METHODS = ("hadamard", "reversed-hadamard")
DIRECT_HADAMARD_METHODS = ("direct-hadamard", "reversed-direct-hadamard")

Bound = float | np.ndarray


class Derivatives(Protocol):
    """A bound on a function's derivatives, times a coefficient."""

    def times(self, coefficient: float, order: int) -> Bound:
        """``coefficient * sup |f^(order)|`` (multiplied in this order, left to right)."""
        ...


@dataclass(frozen=True)
class Bernstein:
    """``|f^(k)| <= omega**k * magnitude``: a trigonometric polynomial of frequency at most
    ``omega`` and magnitude at most ``magnitude`` (Bernstein's inequality), per parameter
    or per output entry. The QNode family takes every derivative to be of the order of the
    reference's scale ``S``: ``Bernstein(1.0, S)``.

    >>> Bernstein(2.0, 1.5).times(0.5, 2)
    3.0
    """

    omega: Bound
    magnitude: Bound

    def times(self, coefficient: float, order: int) -> Bound:
        return coefficient * self.omega**order * self.magnitude


@dataclass(frozen=True)
class GateRule:
    """What a trainable gate's gradient recipes are made of, per argument.

    ``frequency``: the largest difference of two eigenvalues of the generator, so that any
    expectation value is a trigonometric polynomial of at most that frequency in the
    argument. ``rule``: PennyLane's parameter-shift rule for it, ``(coefficient, shift)``
    pairs with ``f'(t) = sum c f(t + s)``. ``generator_l1``: the sum of the absolute Pauli
    coefficients of its generator, which the hadamard methods split it into.
    """

    frequency: float
    rule: tuple[tuple[float, float], ...]
    generator_l1: float

    @property
    def shift_sq(self) -> float:
        """The sum of squared coefficients of the rule."""
        return sum(c**2 for c, _ in self.rule)

    @property
    def nested_shift_sq(self) -> float:
        """The nested rule's (a second derivative's) sum of squared coefficients: the larger
        of the unmerged sum and the one where tapes whose shifts sum to the same value are
        one circuit, their coefficients merged (PennyLane caches when ``max_diff=2``): 3/8
        for the two-term rule (1/4, -1/2, 1/4), against 1/4 unmerged."""
        merged: dict[float, float] = defaultdict(float)
        for ck, sk in self.rule:
            for cl, sl in self.rule:
                merged[round(sk + sl, 12)] += ck * cl
        return max(self.shift_sq**2, sum(v**2 for v in merged.values()))


#: Pauli rotations exp(-i t P / 2): eigenvalues +-1/2, the two-term rule (f(t + pi/2) -
#: f(t - pi/2)) / 2, generator P / 2 (the QNode family's RX and RY).
PAULI_ROTATION = GateRule(frequency=1.0, rule=((0.5, np.pi / 2), (-0.5, -np.pi / 2)), generator_l1=0.5)


# --- round-off ---


@overload
def roundoff(work: float, magnitude: float, unit: float = ...) -> float: ...
@overload
def roundoff(work: float, magnitude: np.ndarray, unit: float = ...) -> np.ndarray: ...
def roundoff(work: float, magnitude: Bound, unit: float = ROUNDING) -> Bound:
    """``delta``: round-off of one evaluation doing ``work`` units of work (`MATRIX_WORK`),
    of outputs of size up to ``magnitude``, at ``unit`` (`ROUNDING_OF`).

    >>> roundoff(22, 0.5) == 2 * ROUNDING
    True
    """
    return unit * max(1.0, work / MATRIX_WORK) * np.maximum(1.0, magnitude)


# --- analytic: truncation and amplified round-off ---


def stencil_error(smooth: Derivatives, delta: Bound, h: float = REFERENCE_STEP) -> Bound:
    """The 5-point stencil's error: truncation ``h**4/30 |f^(5)|``, round-off ``1.5 delta / h``."""
    return smooth.times(h**4 / 30, 5) + 1.5 * delta / h


def nested_stencil_roundoff(delta: Bound, h: float = HESSIAN_STEP) -> Bound:
    """The nested stencil's round-off: ``(sum |w|)**2 delta / h**2`` (`check.stencil`)."""
    return NESTED_WEIGHTS * delta / h**2


def forward_difference_truncation(smooth: Derivatives, h: float = FINITE_DIFF_STEP) -> Bound:
    """A forward difference's truncation: ``h/2 |f''|`` (Taylor)."""
    return smooth.times(h / 2, 2)


def forward_difference_roundoff(delta: Bound, h: float = FINITE_DIFF_STEP, order: int = 1) -> Bound:
    """A round-off ``delta`` through ``order`` (1 or 2) nested forward differences at step
    ``h``: ``2 delta / h``, or ``4 delta / h**2``."""
    return 2 * delta / h if order == 1 else 4 * delta / h**2


def method_truncation(method: str, smooth: Derivatives, along: Derivatives | None) -> Bound:
    """``method``'s truncation of a first derivative: none (exact), a forward difference's
    ``h/2 |f''|`` (finite-diff), or a central difference's ``h**2/6 |F'''|`` along the
    direction ``along`` bounds (spsa); ValueError for a method without an error model."""
    if method in EXACT_METHODS:
        return 0.0
    if method == "finite-diff":
        return forward_difference_truncation(smooth)
    if method == "spsa" and along is not None:
        return along.times(SPSA_STEP**2 / 6, 3)
    raise ValueError(f"no analytic error model for diff method {method!r}")


def method_roundoff(method: str, delta: Bound, spread: Bound = 1.0) -> Bound:
    """A round-off ``delta`` as ``method`` amplifies it: unchanged (exact), ``2 delta / h``
    (a forward difference), ``delta / h`` per unit of a column's ``spread`` (spsa)."""
    if method == "finite-diff":
        return forward_difference_roundoff(delta)
    if method == "spsa":
        return delta / SPSA_STEP * spread
    return delta


def method_error(
    method: str, smooth: Derivatives, delta: Bound, *, along: Derivatives | None = None, spread: Bound = 1.0
) -> Bound:
    """``method``'s own error of a first derivative: its truncation plus its round-off."""
    return method_truncation(method, smooth, along) + method_roundoff(method, delta, spread)


def analytic_bound(reference_error: Bound, own: Bound) -> Bound:
    """What a derivative is held to: ``SAFETY`` times the reference's error and the method's."""
    return SAFETY * (reference_error + own)


def hessian_method_error(
    method: str,
    delta: Bound,
    oi: Bound,
    oj: Bound,
    magnitude: Bound,
    *,
    big_omega: float = 1.0,
    step: float = FINITE_DIFF_STEP,
) -> Bound:
    """``method``'s own error of a second derivative ``d_i d_j`` of a function with
    frequencies ``oi``, ``oj`` and magnitude ``magnitude`` (Bernstein): round-off
    ``delta * max(1, oi oj)`` (exact), nested forward differences' ``h/2 C oi oj (oi +
    oj) + 4 delta / h**2`` (finite-diff), nested central differences along a direction of
    total frequency ``big_omega``: ``h**2/3 Omega**4 C + delta / h**2`` (spsa)."""
    if method in EXACT_METHODS:
        return delta * np.maximum(1.0, oi * oj)
    if method == "finite-diff":
        return step / 2 * magnitude * oi * oj * (oi + oj) + forward_difference_roundoff(delta, step, 2)
    if method == "spsa":
        return SPSA_STEP**2 / 3 * big_omega**4 * magnitude + delta / SPSA_STEP**2
    raise ValueError(f"no analytic Hessian error model for diff method {method!r}")


# --- finite shots ---


def hoeffding(width_sq: float, shots: int, p: float) -> float:
    """``t`` with ``P(|estimate - mean| >= t) <= p`` for ``sum (c_i w_i)**2 = width_sq``."""
    return math.sqrt(width_sq * math.log(2 / p) / (2 * shots))


def check_probability(family_size: int) -> float:
    """The per-check false-failure probability: `FAMILY_FAILURE` split (union bound) over
    a family's ``family_size`` finite-shot checks."""
    return FAMILY_FAILURE / family_size


def estimator_coefficient(method: str, rule: GateRule) -> float:
    """One gate argument's sum of squared estimator coefficients for ``method``, per unit of
    the output's width squared: ``16 l1**2`` for hadamard and reversed-hadamard (per Pauli
    term of the generator one estimate whose range the auxiliary wire at most doubles),
    ``2 l1**2`` for the direct ones (two tapes per term), the parameter-shift rule's
    ``shift_sq`` for parameter-shift and every method held to its bar.

    >>> estimator_coefficient("hadamard", PAULI_ROTATION)
    4.0
    """
    if method in HADAMARD_METHODS:
        return 16 * rule.generator_l1**2
    if method in DIRECT_HADAMARD_METHODS:
        return 2 * rule.generator_l1**2
    return rule.shift_sq


def hessian_estimator_coefficient(
    method: str, rule_i: GateRule, rule_j: GateRule, *, diagonal: bool
) -> float:
    """A finite-shot Hessian entry's sum of squared estimator coefficients, per unit of the
    output's width squared: the hadamard family's first-order ones multiplied (doubled on
    the diagonal, where a tape's two insertions may come in either order), else the nested
    parameter-shift rule's (`GateRule.nested_shift_sq` on the diagonal)."""
    if method in (*HADAMARD_METHODS, *DIRECT_HADAMARD_METHODS):
        return (
            estimator_coefficient(method, rule_i)
            * estimator_coefficient(method, rule_j)
            * (2 if diagonal else 1)
        )
    if diagonal:
        return rule_i.nested_shift_sq
    return rule_i.shift_sq * rule_j.shift_sq
