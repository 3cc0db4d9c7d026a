"""The tolerances a postselected feature needs beyond `tolerance`'s: its outputs are quotients, and its kept shots random.

Without postselection a mid-circuit measurement changes nothing in `tolerance`'s
argument: every output is ``sum_b p_b <O>_b`` over the branches (`branches`), linear in
the state's density matrix, so along parameter ``i`` it is still a trigonometric
polynomial of frequency at most ``omega_i`` and magnitude at most ``C``, and Bernstein's
inequality bounds its derivatives. Conditioned gates change which branch a gate acts in,
not its frequency; a reset is a projection and a fixed flip.

Postselection divides by ``D(x)``, the probability that it succeeds: ``f = N / D`` with
``N = sum_b p_b <O>_b`` over the kept branches and ``D = sum_b p_b``. Both are
trigonometric polynomials of frequency at most ``omega`` along each parameter, with
``|N| <= C D <= C`` and ``0 <= D <= 1`` on the real line; ``f`` is not, so Bernstein's
inequality does not apply to it. Instead (`Quotient`):

Cauchy estimates on a disc
    ``N`` and ``D`` extend to entire functions of exponential type ``omega``, bounded on
    the real line, so ``|N(x + iy)| <= C e^(omega |y|)`` (Phragmen-Lindelof) and likewise
    ``|D'(x + iy)| <= omega e^(omega |y|)`` (Bernstein for ``D'``, then the same). On the
    disc of radius ``R`` about the point ``x0``, ``|D(z)| >= D(x0) - R omega e^(omega R)
    =: D_R`` (the mean value bound along the segment), so where ``D_R > 0``,
    ``|f| <= M_R = C e^(omega R) / D_R`` there. For any ``x`` within ``s`` of ``x0`` (the
    furthest point a stencil or a difference reaches) Cauchy's estimate on the disc of
    radius ``R - s`` about ``x`` gives ``|f^(k)(x)| <= k! M_R / (R - s)**k``. The bound
    used is the least of these over a grid of radii ``R`` (`RADII`), per order ``k``. The
    same along spsa's direction ``d`` with ``omega`` the sum of the frequencies.

Round-off
    ``N`` and ``D`` are each computed to ``delta``; their quotient then to
    ``(delta + |f| delta) / D <= (1 + C) delta / D`` (first order).

Kept shots (the finite-shot bounds)
    Of ``N_s`` shots only those whose outcome matches the postselection are kept, a
    binomial count ``K ~ B(N_s, D)`` (PennyLane's default ``postselect_mode``;
    ``fill-shots`` keeps ``N_s``, which only helps). Hoeffding's inequality for the count
    gives ``K >= N_s D - sqrt(N_s ln(1 / q) / 2)`` except with probability ``q``; given
    ``K``, the kept shots are independent draws of the postselected distribution, and
    `tolerance`'s bound holds with ``K`` shots in place of ``N_s``. A Jacobian combines up
    to ``E`` evaluations (`EVALUATIONS_PER_PARAMETER` per tape parameter, plus one), each
    at its own point, with its own ``D``: the least ``D`` over the points the methods
    evaluate (the parameter-shift points, and within ``SPSA_STEP`` of ``x0``, where
    ``D`` moves by at most ``omega SPSA_STEP``). The per-check failure probability ``p`` is
    split: half for the ``E`` kept-shot bounds (``q = p / (2 E)``), half for Hoeffding's
    bound of the estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from supportmatrix.check.bounds import SPSA_STEP, Bound
from supportmatrix.check.oracle import REFERENCE_STEP
from supportmatrix.features.branches import kept_probability
from supportmatrix.features.model import MID_MEASURE, Feature

#: Radii ``R`` over which the Cauchy bound is minimised.
RADII = np.geomspace(1e-3, 2.0, 200)
#: The furthest a difference scheme reaches from the point: the reference stencil's ``2h``.
REACH = 2 * REFERENCE_STEP
#: Evaluations a gradient recipe makes per tape parameter (the four-term rule's four).
EVALUATIONS_PER_PARAMETER = 4


def postselects(feature: Feature) -> bool:
    """Whether any mid-circuit measurement of ``feature`` is postselected."""
    return any(g.name == MID_MEASURE and g.postselect is not None for g in feature.gates)


def cauchy_bound(omega: float, magnitude: float, kept: float, order: int, reach: float = REACH) -> float:
    """``min over R of k! M_R / (R - s)**k`` (module docstring); inf if no radius keeps
    ``D_R`` positive."""
    if omega == 0:
        return 0.0 if order > 0 else magnitude / kept
    radii = RADII[reach < RADII]
    low = kept - radii * omega * np.exp(omega * radii)
    ok = low > 0
    if not np.any(ok):
        return math.inf
    r = radii[ok]
    m = magnitude * np.exp(omega * r) / low[ok]
    return float(np.min(math.factorial(order) * m / (r - reach) ** order))


@dataclass(frozen=True)
class Quotient:
    """``|f^(k)| <= k! M_R / (R - s)**k`` per parameter: a postselected output (module
    docstring); the `check.bounds.Derivatives` that replaces Bernstein's."""

    omega: np.ndarray
    magnitude: float
    kept: float

    def times(self, coefficient: float, order: int) -> Bound:
        return coefficient * np.array([cauchy_bound(w, self.magnitude, self.kept, order) for w in self.omega])


def quotient(feature: Feature) -> Quotient:
    """The derivative bounds of a postselected ``feature`` at its parameters."""
    return Quotient(feature.frequencies, feature.magnitude, _kept_at(feature))


def along_third(feature: Feature, omega: float) -> float:
    """``|F'''|`` along spsa's direction, whose frequency is ``omega``."""
    return cauchy_bound(omega, feature.magnitude, _kept_at(feature), 3)


def roundoff_factor(feature: Feature) -> float:
    """How much the quotient amplifies its parts' round-off: ``(1 + C) / D``."""
    return (1 + feature.magnitude) / _kept_at(feature)


def _kept_at(feature: Feature) -> float:
    return float(kept_probability(feature, np.array([feature.params], dtype=float))[0])


def gradient_points(feature: Feature) -> np.ndarray:
    """The feature's point and every parameter-shift point of its gates, (points, n)."""
    x = np.array(feature.params, dtype=float)
    points = [x]
    for rule, form in feature.tape_arguments:
        if rule is None:
            continue
        for index, a in form:
            points += [x + a * shift * np.eye(len(x))[index] for _, shift in rule.rule]
    return np.array(points)


def least_kept(feature: Feature) -> float:
    """The least ``D`` over the points a gradient method evaluates (module docstring)."""
    kept = kept_probability(feature, gradient_points(feature))
    return float(np.min(kept) - np.sum(feature.frequencies) * SPSA_STEP)


def kept_shots(feature: Feature, shots: int, p: float, *, evaluations: int = 1) -> tuple[float, float]:
    """A lower bound on the kept shots of each of ``evaluations`` runs of ``shots`` shots,
    holding except with probability ``p / 2``, and the ``p / 2`` left for the estimate."""
    kept = least_kept(feature) if evaluations > 1 else _kept_at(feature)
    q = p / (2 * evaluations)
    low = shots * kept - math.sqrt(shots * math.log(1 / q) / 2)
    if low < 1:
        raise ValueError(f"{feature.name}: too few kept shots to bound ({low:.1f} of {shots})")
    return low, p / 2


def jacobian_evaluations(feature: Feature) -> int:
    """``E``: evaluations a Jacobian of ``feature`` combines, at most."""
    return 1 + EVALUATIONS_PER_PARAMETER * len(feature.tape_arguments)
