"""How far a feature cell's values may be from its reference: each bound derived from the feature's own circuit.

`check.tolerance` derives the matrix's bounds for its 3-gate circuit of frequency-1
parameters measured with one Pauli Z. Three of its ingredients depend on the circuit and
are derived here per feature from the facts its `model.Feature` record carries
(frequencies, coefficients, magnitude, classical Jacobian, work); the formulas, the
constants (steps, ``SAFETY``, ``ROUNDING``, the failure budget) and the dispatch by method
are the kernel's (`check.bounds`), and the spsa criterion is `check.tolerance`'s.

Smoothness (the analytic truncation bounds)
    Along parameter ``i`` every output is a trigonometric polynomial whose frequencies are
    sums of the generators' eigenvalue differences, at most
    ``omega_i = sum over gates and arguments of |a_i| * frequency`` (``a_i`` the
    parameter's coefficient in the argument: ``classical``'s ``RX(2 x0 + x1)`` and
    ``RY(x1)`` give ``omega = (2, 2)``), and its magnitude is at most ``C``: 1 for a
    probability, ``sum |c_j|`` for ``expval(sum c_j P_j)``. Bernstein's inequality bounds
    every derivative by ``|f^(k)| <= omega**k * C``, rigorously and not only at this point:
    the reference stencil's truncation is ``h**4/30 * omega_i**5 * C``, finite-diff's
    (forward, ``h = 1e-7``) ``h/2 * omega_i**2 * C``, and spsa's (central along a direction
    ``d`` of +-1 entries, ``h = 1e-5``) ``h**2/6 * Omega**3 * C`` with ``Omega`` the
    largest frequency along ``d``.

    A Hamiltonian's trainable coefficient ``c_j`` enters linearly: along it an output is a
    polynomial of degree 1 (frequency 0), every stencil above is exact, and its
    derivative ``<P_j>`` is at most 1.

    A channel's probability and an amplitude embedding's feature are not angles: a feature
    with one takes its derivative bounds, its spsa direction's, its round-off (a density
    matrix's) and its finite-shot bar from `analytic_bounds`, whose docstring derives them
    (closed forms of ``sqrt(1 - g)``'s derivatives, Cauchy estimates for a Rayleigh
    quotient, exact three-point recipes).

Broadcasting
    A broadcast feature's batch elements are independent circuits, each bounded as above;
    its tolerances are the element's, repeated over the batch (`per_element`), including
    the Jacobian's off-diagonal blocks, whose reference is exactly zero. spsa is not
    judged with a broadcast criterion: PennyLane refuses to differentiate broadcast tapes
    with it, and an estimate that came out would be held to the exact Jacobian.

SPSA through classical processing
    PennyLane's spsa perturbs the tape parameters (the gate arguments), not the QNode's:
    it returns ``(g . d) d`` for the gradient ``g`` with respect to the tape parameters
    and a sign vector ``d`` over them, and the framework multiplies by the classical
    Jacobian ``K = d(tape parameters) / d(parameters)``: ``(g . d) d^T K``, which is not of
    the form ``(J . d') d'`` in the QNode's parameters when ``K`` is not the identity
    (``classical``). `spsa_matches_through` accepts exactly that form (or ``J = g K``
    itself); ``Omega`` is the sum of the tape parameters' frequencies, and column ``j``'s
    error is scaled by ``sum_k |K_kj|``. With ``K`` the identity this is
    `check.tolerance.spsa_matches` and its bound. Trainable coefficients are tape
    parameters too (after the gates'): along ``d`` the output is
    ``F(t) = sum_j (c_j + t d_j) G_j(t)`` with ``|G_j^(k)| <= Omega**k``, so
    ``|F'''| <= (C + m h) Omega**3 + 3 m Omega**2`` for ``m`` trainable coefficients.

Round-off
    ``delta = ROUNDING * work / 11 * max(1, C)``: `check.bounds.ROUNDING` is 64 eps for
    the matrix's 11 units of work (3 gates + 8 amplitudes); here a k-qubit gate counts
    ``2**(k-1)`` (its multiply-adds per amplitude), each observable term one more pass over
    the 8 amplitudes (`model.Feature.work`), and a sum of terms of total weight ``C`` rounds
    relative to ``C``. Exact methods then get ``reference error + delta``, finite-diff
    ``+ 2 delta / h`` and spsa ``+ delta / h``, all times ``SAFETY``, as in the matrix.

Float32 parameters (``dtype: float32``)
    The reference is the oracle at the float32-rounded parameters (the catalog holds them
    so), in float64. A correct float32 computation rounds at every step: the same count of
    operations as above, each with unit round-off ``u = 2**-24`` instead of ``2**-53``,
    gives ``delta32 = ROUNDING32 * work / 11 * max(1, C)`` with ``ROUNDING32 = 64 eps32``
    (``eps32 = 2 u``), and the arguments a gradient recipe forms (``x + s``) are rounded
    too, moving each evaluation by at most ``omega_i C u (|x_i| + s_max)``. Every method is
    then held to one bar: ``SAFETY * (reference error + delta32 + that + the method's own
    truncation)``: a gradient of float32 parameters is correct when it is as accurate as
    float32 allows. The round-off amplification of a difference method (``2 delta / h``)
    is not granted: at PennyLane's ``h = 1e-7``, below float32's spacing near 1, a
    forward difference computed in float32 has no correct digit, and float32 parameters
    ask for float32 accuracy, as finite shots ask for parameter-shift's (below). A result
    promoted to float64 meets the bar; what dtype may come back is `FLOAT32_DTYPES`'s
    business.

Mid-circuit measurements (`mcm_tolerance`)
    Without postselection every bound above holds as written; a postselected output is a
    quotient, whose derivatives, round-off and kept shots `mcm_tolerance` bounds.

Shot noise (Hoeffding, as in `check.tolerance`)
    An N-shot estimate of one probability has per-shot range 1, of a Pauli word 2. A sum
    of pairwise anticommuting words (``hamiltonian``) cannot be measured in one basis, so
    PennyLane estimates each term from N shots of its own: the estimate
    ``sum c_j m_j`` has ``sum (c_j w_j)**2 = 4 sum c_j**2`` (`output_width_sq`), and the
    derivative along a trainable coefficient, ``<P_j>``, is one term's estimate: width 2,
    coefficient 1. A trainable ``qml.Hermitian`` (``trainable-hermitian``) is measured in its
    eigenbasis, so one shot's value ranges over its spectrum: width
    ``lambda_max - lambda_min`` (`trainable.spectral_width`); the derivative along one of the
    coefficients it is built from is again ``<P_j>``, width 2.
    A gradient entry of parameter ``i`` combines independent estimates; the sum of squared
    coefficients, per unit of the output's width squared, is (`gradient_coefficients`)
    ``sum over gate arguments of a_i**2 * r`` (chain rule) with ``r``:

    * parameter-shift: the gate's rule, ``shift_sq``: 1/2 for the two-term rule, 3/8 for
      the four-term rule of CRX, CRY, CRZ (``gate_rules.GATE_RULES``);
    * hadamard, reversed-hadamard: ``16 * l1**2`` with ``l1`` the generator's Pauli 1-norm:
      per Pauli term ``g_k`` one estimate with coefficient ``2 g_k`` whose per-shot range
      the auxiliary wire at most doubles (hadamard), or per observable term one estimate
      of ``G (x) Y`` of range ``2 l1`` (reversed); ``(2 * 2 l1)**2`` bounds both. For every
      gate here ``l1 = 1/2`` (a controlled rotation's ``(P - Z P)/4`` too), which gives the
      matrix's 4;
    * direct-hadamard, reversed-direct-hadamard: two tapes of coefficient ``g_k`` per term:
      ``2 * l1**2``, the matrix's 1/2;
    * every other method (finite-diff, spsa, backprop, adjoint, device) is held to
      parameter-shift's bar, as in the matrix.

    The per-check failure probability is ``FAMILY_FAILURE`` split over the features
    family's own finite-shot checks (``CHECKS_PER_SHOT_CELL`` per cell), so the family has
    its own 1e-3 budget. The bias check (`check.tolerance`) runs here too.

Independent partitions (part of the bias check)
    The bias check's mean of ``R`` estimates is bounded at ``R N`` shots only if the
    partitions of the shot vector are independent. Independent estimates are all equal
    with probability ``sum_v P(v)**R <= max_v P(v)**(R - 1)``; an N-shot estimate's largest
    point probability is at most that of one term's binomial count, whose mode has
    probability below ``1 / sqrt(2 pi N q (1 - q)) + 1/N`` for an outcome probability
    ``q`` (Stirling). At every feature's parameters each measured term has
    ``q (1 - q) >= 0.01`` (a unit test checks it), so at ``N = 10000`` that is
    below 0.041 and 25 partitions are all equal with probability below ``0.041**24``,
    about 1e-33: far below any per-check budget. All equal is therefore a failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np

from supportmatrix.check.bounds import (
    EXACT_METHODS,
    ROUNDING,
    ROUNDING_OF,
    SAFETY,
    SPSA_STEP,
    UNIT_ROUNDOFF32,
    Bernstein,
    Bound,
    Derivatives,
    analytic_bound,
    estimator_coefficient,
    hoeffding,
    method_error,
    method_truncation,
    roundoff,
    stencil_error,
)
from supportmatrix.features import analytic_bounds, mcm_tolerance
from supportmatrix.features.gate_rules import NOT_AN_ANGLE
from supportmatrix.features.model import Feature, element
from supportmatrix.features.trainable import spectral_width

#: The dtypes a real function of float32 parameters may come back in: float32, the
#: precision asked for, or float64, a promotion that loses nothing. Complex (even with a
#: zero imaginary part) and lower precision (float16) are wrong.
FLOAT32_DTYPES = ("float32", "float64")


def smoothness(feature: Feature) -> Derivatives:
    """``|f^(k)| <= omega_i**k * C`` along each parameter (module docstring); a feature
    with a parameter that is not an angle: `analytic_bounds`'; a postselected feature's
    quotient bound (`mcm_tolerance`)."""
    if analytic_bounds.applies(feature):
        return analytic_bounds.PerParameter(feature)
    if mcm_tolerance.postselects(feature):
        return mcm_tolerance.quotient(feature)
    return Bernstein(feature.frequencies, feature.magnitude)


def rounding(feature: Feature) -> float:
    """``delta``: round-off of one evaluation of the feature's circuit, in its parameters'
    precision (float64, or float32: ``delta32``); a density matrix's: `analytic_bounds`."""
    if analytic_bounds.in_density(feature):
        return analytic_bounds.rounding(feature)
    delta = roundoff(feature.work, feature.magnitude, ROUNDING_OF[feature.dtype])
    return delta * mcm_tolerance.roundoff_factor(feature) if mcm_tolerance.postselects(feature) else delta


def _float64(feature: Feature) -> float:
    """The float64 round-off of the reference's own evaluations (the oracle's precision)."""
    return roundoff(feature.work, feature.magnitude, ROUNDING)


@dataclass(frozen=True)
class _AlongDirection:
    """``|F'''| <= third`` along spsa's direction ``d``, per column scaled by ``spread``
    (``sum_k |K_kj|``): the only derivative spsa's truncation needs."""

    third: float
    spread: np.ndarray

    def times(self, coefficient: float, order: int) -> np.ndarray:
        assert order == 3, "spsa's central difference needs the third derivative only"
        return coefficient * self.third * self.spread


def _along(feature: Feature) -> _AlongDirection | analytic_bounds.AlongSigns:
    """``|F'''| <= (C + m h) Omega**3 + 3 m Omega**2`` along ``d`` (module docstring)."""
    if analytic_bounds.applies(feature):
        return analytic_bounds.AlongSigns(feature)
    tape_omega = sum(rule.frequency for rule, _ in feature.tape_arguments if rule is not None)
    m, c = feature.trainable_coefficients, feature.magnitude
    third = (c + m * SPSA_STEP) * tape_omega**3 + 3 * m * tape_omega**2
    if mcm_tolerance.postselects(feature):
        third = mcm_tolerance.along_third(feature, tape_omega)
    return _AlongDirection(third, np.abs(feature.classical_jacobian).sum(axis=0))


def _float32_own(method: str, feature: Feature) -> np.ndarray:
    """Float32's bar for every method (module docstring): its round-off, the rounding of
    the recipe's arguments, and the method's own truncation, but no 1/h amplification."""
    delta, c, omega = rounding(feature), feature.magnitude, feature.frequencies
    shift = max(abs(s) for rule, _ in feature.tape_arguments if rule is not None for _, s in rule.rule)
    own = delta + omega * c * UNIT_ROUNDOFF32 * (np.abs(np.array(feature.params)) + shift)
    return own + method_truncation(method, smoothness(feature), _along(feature))


def per_element(feature: Feature, tol: np.ndarray) -> np.ndarray:
    """One circuit's tolerance (outputs,) or (outputs, params), repeated over a broadcast
    feature's batch: (batch * outputs,) or (batch * outputs, params, batch)."""
    if not feature.batch:
        return tol
    rows = np.concatenate([tol] * feature.batch, axis=0)
    return rows if rows.ndim == 1 else np.repeat(rows[:, :, None], feature.batch, axis=2)


def analytic_tolerance(method: str, feature: Feature) -> np.ndarray:
    """Per-entry tolerance (outputs, params) of a Jacobian computed by ``method`` without shots."""
    if feature.batch:
        return per_element(feature, analytic_tolerance(method, element(feature, 0)))
    smooth = smoothness(feature)
    own: Bound
    if feature.dtype == "float32":
        if method not in (*EXACT_METHODS, "finite-diff", "spsa"):
            raise ValueError(f"no analytic error model for diff method {method!r}")
        reference_error = stencil_error(smooth, _float64(feature))
        own = _float32_own(method, feature)
    else:
        delta, along = rounding(feature), _along(feature)
        reference_error = stencil_error(smooth, delta)
        own = method_error(method, smooth, delta, along=along, spread=along.spread)
    return np.ones((feature.outputs, 1)) * analytic_bound(reference_error, own)


def forward_tolerance(feature: Feature) -> np.ndarray:
    """Per-entry tolerance of an analytic forward value: round-off only."""
    return per_element(feature, np.full(feature.outputs, SAFETY * rounding(feature)))


def output_width_sq(feature: Feature) -> np.ndarray:
    """Per output entry, ``sum (c_j w_j)**2`` of its N-shot estimate."""
    return np.concatenate(
        [
            np.ones(m.outputs)
            if m.bounded_by_one
            else np.full(1, spectral_width(values, tuple(w for _, w in m.terms)) ** 2)
            if m.kind == "hermitian"
            else np.full(1, 4.0 * float(np.sum(values**2)))
            for m, values in zip(feature.measurements, feature.coefficients, strict=True)
        ]
    )


def gradient_coefficients(method: str, feature: Feature) -> np.ndarray:
    """Per parameter, the sum of squared coefficients of the estimates its gradient entry
    combines, per unit of the output's width squared (0 for a coefficient parameter: see
    `jacobian_width_sq`)."""
    coeff = np.zeros(len(feature.params))
    for rule, form in feature.tape_arguments:
        if rule is None:
            continue
        if rule is NOT_AN_ANGLE:  # every method held to an exact recipe's bar
            coeff += analytic_bounds.shot_rule_sq(feature, form)
            continue
        for index, a in form:
            coeff[index] += a**2 * estimator_coefficient(method, rule)
    return coeff


def jacobian_width_sq(method: str, feature: Feature) -> np.ndarray:
    """Per Jacobian entry (outputs, params), ``sum (c_i w_i)**2`` of its N-shot estimate:
    a gate parameter's chain-rule sum times the output's width squared, a trainable
    coefficient's one Pauli term (width 2)."""
    width = np.outer(output_width_sq(feature), gradient_coefficients(method, feature))
    for index in feature.coefficient_params:
        width[:, index] = 4.0
    return width


def shots_forward_tolerance(feature: Feature, shots: int, p: float, repeats: int = 1) -> np.ndarray:
    """Per-entry tolerance of a forward value from ``shots`` shots, or of the mean of
    ``repeats`` independent such values (the bias check)."""
    shots, p = _kept(feature, shots * repeats, p, evaluations=1)
    return per_element(
        feature,
        np.array([hoeffding(w, shots, p) for w in output_width_sq(feature)]) + _float32_extra(feature),
    )


def shots_jacobian_tolerance(method: str, feature: Feature, shots: int, p: float) -> np.ndarray:
    """Per-entry tolerance (outputs, params) of a Jacobian estimated from ``shots`` shots
    (float32 parameters: plus their round-off, `rounding`)."""
    width = jacobian_width_sq(method, feature)
    shots, p = _kept(feature, shots, p, evaluations=mcm_tolerance.jacobian_evaluations(feature))
    tol = np.vectorize(lambda w: hoeffding(w, shots, p))(width) + _float32_extra(feature)
    return per_element(feature, tol)


def _kept(feature: Feature, shots: int, p: float, *, evaluations: int) -> tuple[int, float]:
    """The shots a bound may count on, and its failure probability: all of them, or for a
    postselected feature the kept shots' lower bound (`mcm_tolerance.kept_shots`)."""
    if not mcm_tolerance.postselects(feature):
        return shots, p
    kept, rest = mcm_tolerance.kept_shots(feature, shots, p, evaluations=evaluations)
    return int(kept), rest


def _float32_extra(feature: Feature) -> float:
    """What a finite-shot bound adds for float32 parameters: their round-off's bar."""
    return SAFETY * rounding(feature) if feature.dtype == "float32" else 0.0


def spsa_matches_through(
    observed: np.ndarray, tape_jac: np.ndarray, classical: np.ndarray, tol: np.ndarray
) -> bool:
    """Whether ``observed`` is ``(g . d) d^T K`` for a sign vector ``d`` over the tape
    parameters (``g = tape_jac``, ``K = classical``), or ``g K`` itself, within ``tol``."""
    exact = tape_jac @ classical
    if observed.shape != exact.shape:
        return False
    if np.all(np.abs(observed - exact) <= tol):
        return True
    for signs in product((1.0, -1.0), repeat=tape_jac.shape[1] - 1):
        d = np.array((1.0, *signs))  # d and -d give the same estimate
        if np.all(np.abs(observed - np.outer(tape_jac @ d, d @ classical)) <= tol):
            return True
    return False


#: The smallest ``q (1 - q)`` of a measured outcome for which `independent_partitions`'
#: bound is written.
MIN_OUTCOME_VARIANCE = 0.01


def outcome_variance(kind: str, value: np.ndarray) -> np.ndarray:
    """``q (1 - q)`` of each measured outcome: a probability ``value`` (or the mean of a
    0/1 outcome, ``mcm-*``), or the +1 outcome ``q = (1 + <P>) / 2`` of a Pauli word whose
    expectation is ``value`` (``expval``; ``hermitian``: ``value`` is then the Hermitian's
    expectation over its largest eigenvalue, its spectrum being +-lambda)."""
    q = (1 + value) / 2 if kind in ("expval", "hermitian") else value
    return q * (1 - q)


def all_partitions_equal_bound(shots: int, repeats: int) -> float:
    """An upper bound on the chance that ``repeats`` independent estimates coincide, when
    every measured outcome has ``q (1 - q) >= MIN_OUTCOME_VARIANCE``."""
    mode = 1 / np.sqrt(2 * np.pi * shots * MIN_OUTCOME_VARIANCE) + 1 / shots
    return float(mode ** (repeats - 1))
