"""How far a Catalyst derivative may be from the reference: Catalyst's finite differences, and second derivatives.

First derivatives reuse `check.tolerance`: ``method="auto"`` defers to the QNode's own
method (adjoint or parameter-shift, both exact), so analytic cells get the exact methods'
bound; finite-shot cells get its Hoeffding bounds, every method held to the bar of
parameter-shift.

``method="fd"`` (Catalyst's own finite differences)
    Catalyst's default step is ``h = 1e-7`` (``catalyst/api_extensions/differentiation.py``,
    ``_check_grad_params``: ``if method == "fd" and h is None: h = 1e-7``), and its lowering
    is a *forward* difference of the whole hybrid function, ``(f(x + h e_i) - f(x)) / h``
    (``mlir/lib/Gradient/Transforms/GradMethods/FiniteDifference.cpp``, ``computeFiniteDiff``:
    ``callResForward - callRes``, divided by ``h``). Measured: with ``h = 1e-4`` its error is
    ``h/2 * f''`` to four digits, as a forward difference's is. By Taylor's theorem its
    truncation error is at most ``h/2 * S`` (``S``: the reference's derivative scale, which
    bounds ``f''``), and a round-off ``delta`` in each of the two evaluations becomes
    ``2 delta / h``. The step itself is rounded where ``x + h`` is formed: the step actually
    taken differs from ``h`` by at most ``eps |x|``, a relative error ``eps |x| / h`` of the
    derivative, bounded by ``eps |x| / h * S``. The sum, times `check.bounds.SAFETY`, is
    about 3e-6 at the matrix's point; the error observed is 3e-8.

Second derivatives (``derivative: second``)
    The reference is the 5-point stencil of `check.stencil` applied along both coordinates
    (`check.oracle.stencil_hessian`),
    ``H_ij ~ sum_k sum_l w_k w_l f(x + k h e_i + l h e_j) / h**2`` with
    ``h = check.stencil.HESSIAN_STEP``: each stencil leaves ``h**4/30`` times a fifth
    derivative (of ``f`` or of ``d_j f``), so the truncation is at most ``h**4/15 * S`` (sixth
    derivatives taken of the order of ``S``, as `check.tolerance` takes every derivative
    above the third), and a round-off ``delta`` in each value grows to
    ``(sum_k |w_k|)**2 delta / h**2 = 2.25 delta / h**2``. ``h = 5e-3`` balances the two near
    1e-9. An exact method adds only its own round-off ``delta``.

    Catalyst computes second derivatives only with ``fd`` ("Only finite difference can
    compute higher order derivatives"): a forward difference of a forward difference,
    ``(f(x + h e_i + h e_j) - f(x + h e_i) - f(x + h e_j) + f(x)) / h**2``, whose truncation
    is at most ``h * S`` and whose round-off is ``4 delta / h**2``: about 6 at ``h = 1e-7``,
    ten times the Hessian itself. Such a bound cannot tell a right Hessian from zero or from
    its negative, so `check.tolerance.discriminates` refuses it and the runner reports that nothing vouches
    for the result.

    With shots, a second derivative is held to the bar of the parameter-shift Hessian:
    ``(f(x + s_i + s_j) - f(x + s_i - s_j) - f(x - s_i + s_j) + f(x - s_i - s_j)) / 4``
    off the diagonal (``s = pi/2``; four estimates, ``sum c**2 = 1/4``) and
    ``(f(x + pi e_i) - 2 f(x) + f(x - pi e_i)) / 4`` on it (``sum c**2 = 3/8``); the larger
    bounds every entry through `check.bounds.hoeffding`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from supportmatrix.check import tolerance
from supportmatrix.check.bounds import (
    EPS,
    PAULI_ROTATION,
    analytic_bound,
    forward_difference_roundoff,
    forward_difference_truncation,
    hessian_estimator_coefficient,
    hessian_method_error,
    nested_stencil_roundoff,
    stencil_error,
)
from supportmatrix.check.circuits import DEFAULT_CIRCUIT, PARAMS
from supportmatrix.check.oracle import Reference, measure_batch, reference, stencil_hessian
from supportmatrix.check.stencil import HESSIAN_STEP

#: Catalyst's default finite-difference step (module docstring).
CATALYST_FD_STEP = 1e-7
#: sum c**2 of the parameter-shift Hessian's largest entry (the diagonal's, 3/8).
_HESSIAN_COEFFICIENTS = hessian_estimator_coefficient(
    "parameter-shift", PAULI_ROTATION, PAULI_ROTATION, diagonal=True
)


def fd_tolerance(
    ref: Reference, *, x: np.ndarray | None = None, step: float = CATALYST_FD_STEP
) -> np.ndarray:
    """Per-entry tolerance of Catalyst's forward-difference Jacobian at ``step``."""
    x = np.asarray(PARAMS if x is None else x, dtype=float)
    delta, smooth = tolerance.rounding(ref), tolerance.smoothness(ref)
    own = (
        forward_difference_truncation(smooth, step)
        + forward_difference_roundoff(delta, step)
        + EPS * float(np.max(np.abs(x))) / step * ref.scale
    )
    return np.asarray(analytic_bound(stencil_error(smooth, delta), own))[:, None] * np.ones(x.size)


@dataclass(frozen=True)
class HessianReference:
    """The Hessian of one measurement's real output at the matrix's point, and its own error."""

    hessian: np.ndarray  # (outputs, n, n); [o, j, i] = d_j d_i f_o
    error: np.ndarray  # (outputs,): the stencil's truncation + round-off bound
    base: Reference  # the first-derivative reference (value, scale, round-off)


@functools.lru_cache(maxsize=16)
def hessian_reference(measurement: str) -> HessianReference | None:
    """The nested 5-point stencil over the oracle (module docstring); None without a value."""
    base = reference(measurement)
    if base is None:
        return None

    def outputs(points: np.ndarray) -> np.ndarray:
        values = measure_batch(measurement, points, DEFAULT_CIRCUIT)
        assert values is not None, "the reference has a value, so the oracle measures it"
        return values

    hessian = stencil_hessian(outputs, np.array(PARAMS, dtype=float))
    h, delta = HESSIAN_STEP, tolerance.rounding(base)
    error = h**4 / 15 * base.scale + nested_stencil_roundoff(delta, h)
    return HessianReference(hessian, error, base)


def hessian_tolerance(href: HessianReference, method: str, *, step: float = CATALYST_FD_STEP) -> np.ndarray:
    """Per-entry tolerance of an analytic second derivative: ``fd`` nested at ``step``,
    anything else exact."""
    base = href.base
    # derivatives of the order of S: frequency 1 along every parameter (`check.tolerance`)
    own = hessian_method_error(
        "finite-diff" if method == "fd" else "adjoint",
        tolerance.rounding(base),
        1.0,
        1.0,
        base.scale,
        step=step,
    )
    n = href.hessian.shape[1]
    return np.asarray(analytic_bound(href.error, own))[:, None, None] * np.ones((n, n))


def shots_hessian_tolerance(href: HessianReference, measurement: str, shots: int, p: float) -> np.ndarray:
    """Per-entry Hoeffding tolerance of a finite-shot second derivative, at the bar of the
    parameter-shift Hessian; `check.tolerance.NoStatisticalModel` where there is none."""
    if measurement == "var":  # nonlinear in the estimates: no term-by-term bound written here
        raise tolerance.NoStatisticalModel("no shot-noise model for a second derivative of var")
    w, _ = tolerance.observable_range(measurement)
    return np.full(href.hessian.shape, tolerance.hoeffding(_HESSIAN_COEFFICIENTS * w**2, shots, p))
