"""Derivative bounds, round-off and a shot-noise bar for feature parameters that are not angles: channel probabilities and amplitude-embedding features.

`tolerance` bounds derivatives with Bernstein's inequality, which needs every output to be a
trigonometric polynomial along every parameter. A channel's probability and an
AmplitudeEmbedding's features are not angles, so a feature with one (`applies`) takes its
smoothness, its spsa direction's bound, its round-off and its finite-shot bar from here; the
formulas that turn them into tolerances stay `check.bounds`'.

Reach
    Every recipe evaluates the circuit within ``a = REACH`` of the point: the reference
    stencil at up to ``2 h = 2e-3`` (`check.oracle.REFERENCE_STEP`), spsa at ``1e-5``,
    finite-diff at ``1e-7``. The truncation terms need ``sup |f^(k)|`` over that reach, so
    every bound below is taken over ``[x - a, x + a]``.

Channel parameters (`gate_rules.GATE_RULES`' ``NOT_AN_ANGLE``)
    ``AmplitudeDamping(g)`` and ``PhaseDamping(g)`` map ``rho`` to
    ``A(rho) + g B(rho) + sqrt(1 - g) D(rho)`` with ``D(rho) = P0 rho P1 + P1 rho P0`` on
    the damped wire (``P0``, ``P1`` its projectors; `density`'s Kraus operators, expanded:
    ``K1 rho K1^dagger`` is ``g`` times a fixed map, the cross terms of ``K0`` carry
    ``sqrt(1 - g)``). Along ``g``, with the other parameters fixed, every output is
    therefore ``f(g) = alpha + beta g + delta sqrt(1 - g)``, and
    ``|delta| = |Tr(O' D(rho))| <= ||O'|| ||D(rho)||_1 <= C``: ``O'`` is the observable
    pulled back through what follows (unitaries and channels, whose adjoints are unital
    and do not increase the operator norm), ``C`` its norm (`model.Feature.magnitude`),
    and ``||P0 rho P1||_1 <= sqrt(Tr P0 rho Tr P1 rho) <= 1/2`` for a density matrix. For
    ``k >= 2`` only the square root is left:
    ``|f^(k)(g)| <= C (2k - 3)!! / 2**k * (1 - g)**(1/2 - k)``, increasing in ``g``, so over
    the reach it is at most its value at ``g + a`` (`sqrt_derivative`). Each stencil needs
    ``k >= 2`` only (5: the reference; 2: finite-diff; 3: spsa). A Cauchy estimate on a
    complex disk inside ``|z - g| < 1 - g`` (the square root's domain of analyticity) gives
    the same order with a larger constant; a unit test checks the closed form against it.
    ``DepolarizingChannel(p)`` is ``(1 - p) rho + p/3 (X rho X + Y rho Y + Z rho Z)``:
    affine in ``p``, so every ``k >= 2`` derivative is 0 and every stencil is exact.

    A channel's parameter here feeds one channel, with coefficient 1, and the feature has
    no other parameter: spsa's direction ``d = +-1`` is then the parameter's own axis, and
    its ``|F'''|`` is the bound above. Any other shape is refused (`ValueError`).

Amplitude-embedding features (`analytic_bound_embedding`)
    ``AmplitudeEmbedding(v, normalize=True)`` followed by unitaries ``U(theta)`` and an
    observable ``O`` outputs the Rayleigh quotient ``f = v^T A v / v^T v`` with
    ``A = Re U^dagger O U`` (the features are real). Along a direction ``(d_v, d_theta)``,
    ``F(t) = N(t) / D(t)`` with ``D(t) = sum_j (v_j + t d_j)**2``: a quadratic whose
    conjugate roots both lie at distance ``|v| / |d_v|`` from 0 (their product is
    ``|v|**2 / |d_v|**2``). For a centre ``t_c`` in the reach, ``rho = |v| / |d_v| - a``
    bounds the distance to the poles below; on the disk ``|z - t_c| <= r = rho / 2``,
    ``|D(z)| >= |d_v|**2 (rho / 2)**2``, and ``|N(z)| <= ||A(z)|| sum |v_j + z d_j|**2 <=
    C e^{omega r} (|v| + (a + r) |d_v|)**2``: each Pauli rotation continued to an argument
    with imaginary part ``y`` has norm ``e^{|y|/2}``, twice in ``U^dagger O U``, and
    ``omega`` is the sum of the direction's angle frequencies. Cauchy's estimate then gives
    ``|F^(k)(t_c)| <= k! M / r**k`` with ``M`` that quotient (`cauchy_rational`). Along one
    feature ``|d_v| = 1, omega = 0``; along an angle the output is a trigonometric
    polynomial (the embedding is fixed) and Bernstein's ``omega**k C`` holds; along spsa's
    sign vector ``|d_v| = sqrt(features)`` and ``omega`` sums the angles' frequencies.

Round-off (`rounding`)
    A density matrix of the device's ``2**wires`` amplitudes has their square of entries, and
    each gate multiplies it from both sides: each gate counts ``2 * 2**(k-1)`` (a channel
    once per Kraus operator), each observable term one pass over the squared amplitudes; the
    rest is `tolerance`'s ``delta``.

Shot noise (`exact_rule`)
    There is no PennyLane parameter-shift rule for these parameters. The bar a finite-shot
    gradient is held to is an exact recipe from circuit values at three points
    ``x + s_j`` (a two-point one for the affine depolarizing channel), as
    parameter-shift's is: along a channel parameter the outputs span ``{1, g, sqrt(1 - g)}``
    (``{1, p}``), and the weights solve the linear system that makes the recipe exact on
    that span; along a feature ``N = f D`` is a quadratic polynomial with ``D`` known, so
    ``f'(t0) = (N(t0 + s) - N(t0 - s)) / (2 s D(t0)) - f(t0) D'(t0) / D(t0)``, with
    ``s = |v|``. Its sum of squared weights takes the place of a gate's ``shift_sq``
    (`tolerance.gradient_coefficients`), and the points stay in the channel's domain
    (``s = min(g, 1 - g) / 2``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from supportmatrix.check.bounds import ROUNDING_OF, roundoff
from supportmatrix.check.oracle import REFERENCE_STEP
from supportmatrix.features.gate_rules import GATE_RULES
from supportmatrix.features.model import Feature, Linear

#: The farthest any recipe evaluates from the point: the reference stencil's 2 h.
REACH = 2 * REFERENCE_STEP
SQRT_CHANNELS = ("AmplitudeDamping", "PhaseDamping")
AFFINE_CHANNELS = ("DepolarizingChannel",)
EMBEDDINGS = ("AmplitudeEmbedding",)


def applies(feature: Feature) -> bool:
    """Whether ``feature`` has a parameter that is not an angle (its bounds come from here)."""
    return any(g.name in SQRT_CHANNELS + AFFINE_CHANNELS + EMBEDDINGS and g.args for g in feature.gates)


def in_density(feature: Feature) -> bool:
    """Whether ``feature`` is simulated as a density matrix (its round-off is `rounding`'s)."""
    return any(g.name in SQRT_CHANNELS + AFFINE_CHANNELS + EMBEDDINGS for g in feature.gates)


def sqrt_derivative(k: int, g: float) -> float:
    """``|d^k/dg^k sqrt(1 - g)| = (2k - 3)!! / 2**k * (1 - g)**(1/2 - k)`` for ``k >= 1``."""
    double_factorial = math.prod(range(2 * k - 3, 0, -2)) if k >= 2 else 1
    return double_factorial / 2**k * (1 - g) ** (0.5 - k)


def cauchy_rational(
    k: int, *, norm: float, direction: float, omega: float, magnitude: float, reach: float = REACH
) -> float:
    """``k! M / r**k``: the Cauchy bound on ``|F^(k)|`` over the reach of a Rayleigh quotient
    along a direction whose embedding part has norm ``direction`` (module docstring)."""
    rho = norm / direction - reach
    if rho <= 0:
        raise ValueError(f"the reach {reach:g} touches a pole at distance {norm / direction:g}")
    r = rho / 2
    bound = magnitude * math.exp(omega * r) * (norm + (reach + r) * direction) ** 2 / (direction * r) ** 2
    return math.factorial(k) * bound / r**k


def _uses(feature: Feature, index: int) -> list[tuple[str, float]]:
    return [(g.name, c) for g in feature.gates for form in g.args for i, c in form if i == index]


def _embedding_norm(feature: Feature) -> float:
    forms = [form for g in feature.gates if g.name in EMBEDDINGS for form in g.args]
    x = np.array(feature.params, dtype=float)  # an embedding feature is never broadcast
    return float(np.linalg.norm([sum(c * x[i] for i, c in form) for form in forms]))


def _embedded(feature: Feature) -> list[int]:
    return sorted({i for g in feature.gates if g.name in EMBEDDINGS for form in g.args for i, _ in form})


def _angle_frequency(feature: Feature) -> float:
    """The summed frequencies of the feature's angle arguments (spsa's direction moves all)."""
    return float(
        sum(GATE_RULES[g.name].frequency for g in feature.gates if g.name not in EMBEDDINGS for _ in g.args)
    )


def derivative_bound(feature: Feature, index: int, k: int) -> float:
    """``sup |d^k f / dx_index^k|`` over the reach, for ``k >= 2`` (module docstring)."""
    c = feature.magnitude
    uses = _uses(feature, index)
    names = {name for name, _ in uses}
    if names <= set(EMBEDDINGS):
        return cauchy_rational(k, norm=_embedding_norm(feature), direction=1.0, omega=0.0, magnitude=c)
    if not names & set(SQRT_CHANNELS + AFFINE_CHANNELS):
        return float(feature.frequencies[index] ** k * c)  # an angle: Bernstein
    if len(uses) != 1 or uses[0][1] != 1.0 or len(feature.params) != 1:
        raise ValueError(f"{feature.name}: no derivative bound for parameter {index} used as {uses}")
    name = uses[0][0]
    if name in AFFINE_CHANNELS:
        return 0.0
    return c * sqrt_derivative(k, float(feature.params[index]) + REACH)  # type: ignore[arg-type]


@dataclass(frozen=True)
class PerParameter:
    """``sup |f^(k)|`` along each parameter, over the reach: `derivative_bound` (a
    `check.bounds.Derivatives`)."""

    feature: Feature

    def times(self, coefficient: float, order: int) -> np.ndarray:
        n = len(self.feature.params)
        return coefficient * np.array([derivative_bound(self.feature, i, order) for i in range(n)])


@dataclass(frozen=True)
class AlongSigns:
    """``|F'''|`` along spsa's sign vector over all parameters (module docstring)."""

    feature: Feature

    @property
    def spread(self) -> np.ndarray:
        """``sum_k |K_kj|`` per column: spsa's round-off per parameter (`tolerance`)."""
        return np.abs(self.feature.classical_jacobian).sum(axis=0)

    def times(self, coefficient: float, order: int) -> np.ndarray:
        assert order == 3, "spsa's central difference needs the third derivative only"
        n = len(self.feature.params)
        embedded = _embedded(self.feature)
        if not embedded:  # a channel feature: one parameter, d = +-1 is its own axis
            return coefficient * np.array([derivative_bound(self.feature, 0, 3)])
        third = cauchy_rational(
            3,
            norm=_embedding_norm(self.feature),
            direction=math.sqrt(len(embedded)),
            omega=_angle_frequency(self.feature),
            magnitude=self.feature.magnitude,
        )
        return coefficient * third * np.ones(n)


def rounding(feature: Feature) -> float:
    """``delta`` of one density-matrix evaluation (module docstring, "Round-off")."""
    from supportmatrix.features.density import kraus

    passes = 0
    for g in feature.gates:
        copies = kraus(g.name, np.zeros(1)).shape[1] if g.name in SQRT_CHANNELS + AFFINE_CHANNELS else 1
        passes += 2 * copies * 2 ** (len(g.wires) - 1)
    terms = sum(max(1, len(m.terms)) for m in feature.measurements)
    return roundoff(passes + terms * feature.amplitudes**2, feature.magnitude, ROUNDING_OF[feature.dtype])


def exact_rule(feature: Feature, index: int) -> tuple[tuple[float, float], ...]:
    """``(weight, shift)`` pairs with ``f'(x) = sum w f(x + s)`` exactly along parameter
    ``index`` (module docstring, "Shot noise")."""
    uses = _uses(feature, index)
    x = float(feature.params[index])  # type: ignore[arg-type]
    if {name for name, _ in uses} <= set(EMBEDDINGS):
        norm = _embedding_norm(feature)
        s, d0 = norm, norm**2

        def d(t: float) -> float:
            return d0 - x**2 + t**2

        return ((d(x + s) / (2 * s * d0), s), (-2 * x / d0, 0.0), (-d(x - s) / (2 * s * d0), -s))
    name = uses[0][0]
    s = min(x, 1 - x) / 2
    if name in AFFINE_CHANNELS:
        return ((1 / (2 * s), s), (-1 / (2 * s), -s))
    points = np.array([x - s, x, x + s])
    basis = np.stack([np.ones(3), points, np.sqrt(1 - points)])
    weights = np.linalg.solve(basis, np.array([0.0, 1.0, -0.5 / math.sqrt(1 - x)]))
    return tuple((float(w), float(p - x)) for w, p in zip(weights, points, strict=True))


def shot_rule_sq(feature: Feature, form: Linear) -> np.ndarray:
    """Per parameter, ``a**2 * sum w**2`` of the exact rule of the parameters ``form`` feeds."""
    coeff = np.zeros(len(feature.params))
    for index, a in form:
        coeff[index] += a**2 * sum(w**2 for w, _ in exact_rule(feature, index))
    return coeff
