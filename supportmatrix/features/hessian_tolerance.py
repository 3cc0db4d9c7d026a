"""How far a feature's Hessian may be from its reference: each bound derived from the circuit, as `tolerance`'s first-derivative bounds are.

The Hessian features (``derivative: 2``) have the identity as classical Jacobian: each
QNode parameter is one gate argument, so a Hessian entry ``(o, i, j)`` is
``d_i d_j f_o`` of the tape. Every bound below is per entry and symmetric in ``i, j``.

Reference (`oracle.hessian_of`)
    The nested 5-point stencil at ``h = check.stencil.HESSIAN_STEP``. `check.stencil`
    bounds its truncation by ``h**4/30 * (sup |d_i**5 d_j f| + 5/3 sup |d_j**5 d_i f|)``;
    along each parameter the output is a trigonometric polynomial of frequency at most
    ``omega_i`` and magnitude at most ``C`` (`tolerance`), and Bernstein's inequality, applied
    in each variable in turn, gives ``|d_i**a d_j**b f| <= omega_i**a omega_j**b C``. So
    the truncation is at most ``h**4/30 * C * omega_i omega_j (omega_i**4 + 5/3 omega_j**4)``,
    taken in the order (``i, j`` or ``j, i``) that is larger. A round-off ``delta``
    (`tolerance.rounding`) in each value grows to ``2.25 delta / h**2``: about 1e-9 here.

Exact methods (backprop, adjoint, parameter-shift, device and the hadamard family)
    Only round-off: a second derivative's is at most ``delta * max(1, omega_i omega_j)``
    (a derivative scales an evaluation's error by at most its frequency, and a nested
    parameter-shift rule's coefficients sum to ``(sum |c|)**2 = 1`` in absolute value for
    the rules here), times ``SAFETY`` with the reference's error, as in `tolerance`.

finite-diff (nested forward differences, ``h = 1e-7`` at each level)
    ``D g = (g(x + h e) - g(x)) / h`` is within ``h/2 sup |g''|`` of ``g'`` and at most
    ``sup |g'|``; nested, ``D_i D_j f - d_i d_j f = D_i (D_j f - d_j f) + (D_i d_j f - d_i d_j
    f)`` gives the truncation ``h/2 * C * omega_i omega_j (omega_i + omega_j)`` and the
    round-off ``4 delta / h**2``: about 6 at float64's ``delta``, so that the bound cannot
    tell a right Hessian from zero or from its negative (`vouches`, below).

spsa (nested central differences along one random direction ``d``, ``h = 1e-5``)
    Nested, SPSA's estimate is ``(d^T H d) d d^T``: its mean over ``d`` doubles the
    off-diagonal entries and puts the trace on the diagonal, so, unlike the first
    derivative's ``(J . d) d`` (whose mean is ``J``, which is why `check.tolerance` accepts
    any ``d``), no random direction makes it an estimate of ``H``. It is held to ``H`` itself,
    within the error nested central differences carry along ``d`` (``Omega`` the sum of the
    frequencies): truncation ``h**2/3 * Omega**4 * C`` (each level ``h**2/6 sup |g'''|``, and
    a central difference of ``g`` is at most ``sup |g'|``) and round-off ``delta / h**2``:
    about 2e-3 here, which rejects a zero or flipped Hessian but not a 0.1%-scaled one.

What a bound can vouch for (`vouches`)
    An analytic cell is held to the standard that a zero, sign-flipped or 0.1%-scaled
    derivative fails it. A bound that cannot resolve 0.1% of what a second derivative can
    be, ``omega_i omega_j C`` (Bernstein, above; the bound holds wherever the parameters
    are, so the criterion does too), cannot vouch for a result it accepts: nested forward
    differences (tolerance above 1) and nested central differences at spsa's step (2e-3,
    against 1e-3 for these features) are such bounds. The runner still compares (a result outside even that bound is
    shown as such) and otherwise reports that nothing vouches for the result, which is
    ``incorrect``, as for Catalyst's nested finite differences (`qjit.tolerance`): a wrong
    result by design, like finite-diff's first derivatives with shots.

Finite shots (Hoeffding, as in `tolerance`)
    An entry is one linear combination of independent N-shot estimates, so its deviation is
    bounded by `check.bounds.hoeffding` with ``sum (c w)**2 = w_o**2 * S_ij``:

    * parameter-shift (and every method without a noise model of its own, held to its
      bar): the nested rule ``sum_k sum_l c_k c_l f(x + s_k e_i + s_l e_j)``. Off the
      diagonal its tapes are distinct: ``S_ij = shift_sq_i * shift_sq_j``. On it, tapes
      with equal shift sums are the same circuit, which PennyLane executes once when it
      caches (``max_diff=2`` turns the cache on): their coefficients merge, so ``S_ii``
      is the larger of the unmerged and the merged sums (`check.bounds.GateRule.nested_shift_sq`): 3/8 for
      the two-term rule (1/4, -1/2, 1/4), against 1/4 unmerged;
    * hadamard, reversed-hadamard, direct-hadamard, reversed-direct-hadamard: each level
      multiplies the estimates' coefficients and ranges as the first derivative does
      (`tolerance`), so ``S_ij <= r_i r_j`` with ``r`` the first-order sum; on the
      diagonal a tape's two insertions can come in either order, at most two tapes
      coincide, and ``(a + b)**2 <= 2 (a**2 + b**2)`` doubles it.
"""

from __future__ import annotations

import numpy as np

from supportmatrix.check.bounds import (
    GateRule,
    analytic_bound,
    hessian_estimator_coefficient,
    hessian_method_error,
    hoeffding,
    nested_stencil_roundoff,
)
from supportmatrix.check.stencil import HESSIAN_STEP
from supportmatrix.features.model import Feature
from supportmatrix.features.tolerance import output_width_sq, rounding


def _gate_rules(feature: Feature) -> list[GateRule]:
    """Each parameter's gate rule: a Hessian feature's classical Jacobian is I."""
    k = feature.classical_jacobian
    if k.shape[0] != k.shape[1] or not np.array_equal(k, np.eye(len(k))):
        raise ValueError(f"{feature.name}: Hessian bounds are written for one gate argument per parameter")
    return [rule for rule, _ in feature.tape_arguments if rule is not None]


def reference_error(feature: Feature) -> np.ndarray:
    """(params, params): the nested stencil's truncation and round-off bound."""
    omega, c, h = feature.frequencies, feature.magnitude, HESSIAN_STEP
    oi, oj = omega[:, None], omega[None, :]
    truncation = h**4 / 30 * c * oi * oj * np.maximum(oi**4 + 5 / 3 * oj**4, oj**4 + 5 / 3 * oi**4)
    return truncation + nested_stencil_roundoff(rounding(feature))


def analytic_hessian_tolerance(method: str, feature: Feature) -> np.ndarray:
    """Per-entry tolerance (outputs, params, params) of an analytic Hessian by ``method``."""
    omega = feature.frequencies
    own = hessian_method_error(
        method,
        rounding(feature),
        omega[:, None],
        omega[None, :],
        feature.magnitude,
        big_omega=float(omega.sum()),
    )
    return np.ones((feature.outputs, 1, 1)) * analytic_bound(reference_error(feature), own)


def hessian_width_sq(method: str, feature: Feature) -> np.ndarray:
    """(params, params): ``S_ij``, per unit of an output's width squared (module docstring)."""
    rules = _gate_rules(feature)
    return np.array(
        [
            [
                hessian_estimator_coefficient(method, rule_i, rule_j, diagonal=i == j)
                for j, rule_j in enumerate(rules)
            ]
            for i, rule_i in enumerate(rules)
        ]
    )


def shots_hessian_tolerance(method: str, feature: Feature, shots: int, p: float) -> np.ndarray:
    """Per-entry Hoeffding tolerance (outputs, params, params) of a finite-shot Hessian."""
    width = output_width_sq(feature)[:, None, None] * hessian_width_sq(method, feature)[None]
    return np.vectorize(lambda w: hoeffding(w, shots, p))(width)


#: The relative change an analytic Hessian's bound must resolve (`vouches`).
RESOLVED = 1e-3


def vouches(feature: Feature, tol: np.ndarray) -> bool:
    """Whether every entry of a Hessian tolerance ``tol`` is below ``RESOLVED`` times the
    largest value that second derivative can take, ``omega_i omega_j C``: only then can the
    bound vouch for a result it accepts."""
    omega, c = feature.frequencies, feature.magnitude
    return bool(np.all(tol < RESOLVED * c * np.outer(omega, omega)[None]))
