"""The derivative bounds of parameters that are not angles hold, on the oracle itself."""

from __future__ import annotations

import math

import numpy as np
import pytest

from supportmatrix.features import analytic_bounds as ab
from supportmatrix.features import tolerance
from supportmatrix.features.catalog import DENSITY_FEATURES
from supportmatrix.features.gate_rules import NOT_AN_ANGLE
from supportmatrix.features.oracle import outputs, reference_of

NOT_ANGLES = [name for name, f in DENSITY_FEATURES.items() if ab.applies(f)]


def test_the_features_that_need_these_bounds() -> None:
    assert NOT_ANGLES == [
        "noise-amplitude-damping",
        "noise-phase-damping",
        "noise-depolarizing",
        "templates-amplitude-embedding",
        "templates-amplitude-embedding-sparse",
    ]
    assert not ab.applies(DENSITY_FEATURES["noise-after-gate"])  # fixed channels: Bernstein holds
    assert ab.in_density(DENSITY_FEATURES["noise-after-gate"])


def test_sqrt_derivatives_closed_form() -> None:
    """d/dg sqrt(1 - g) = -1/(2 sqrt(1 - g)), d2 = -1/(4 (1 - g)**1.5), d3 = -3/(8 (1 - g)**2.5)."""
    g = 0.3
    assert ab.sqrt_derivative(1, g) == pytest.approx(0.5 / math.sqrt(1 - g))
    assert ab.sqrt_derivative(2, g) == pytest.approx(0.25 / (1 - g) ** 1.5)
    assert ab.sqrt_derivative(3, g) == pytest.approx(3 / 8 / (1 - g) ** 2.5)
    assert ab.sqrt_derivative(5, g) == pytest.approx(105 / 32 / (1 - g) ** 4.5)


@pytest.mark.parametrize("k", [2, 3, 5])
def test_the_closed_form_is_below_the_cauchy_estimate(k: int) -> None:
    """On the disk |z - g| = r < 1 - g, |sqrt(1 - z)| <= sqrt(1 - g + r): Cauchy's k! M / r**k
    is a looser, independent bound on the same derivative."""
    g = 0.3
    r = (1 - g) / 2
    assert ab.sqrt_derivative(k, g) <= math.factorial(k) * math.sqrt(1 - g + r) / r**k


def _numeric_derivative(feature_name: str, index: int, k: int, h: float) -> np.ndarray:
    """The k-th central difference along parameter ``index`` (binomial weights)."""
    feature = DENSITY_FEATURES[feature_name]
    x = np.array(feature.params, dtype=float)
    offsets = np.arange(k + 1) - k / 2
    points = np.repeat(x[None, :], k + 1, axis=0)
    points[:, index] += offsets * h
    weights = np.array([(-1) ** (k - j) * math.comb(k, j) for j in range(k + 1)])
    return weights @ outputs(feature, points) / h**k


@pytest.mark.parametrize("name", NOT_ANGLES)
@pytest.mark.parametrize("k", [2, 3])
def test_bounds_hold_on_the_oracle(name: str, k: int) -> None:
    """Every output's k-th derivative along every parameter is within the bound, which is
    also not vacuous (at most 1e4 times the largest one observed)."""
    feature = DENSITY_FEATURES[name]
    for i in range(len(feature.params)):
        observed = np.max(np.abs(_numeric_derivative(name, i, k, 1e-2)))
        bound = ab.derivative_bound(feature, i, k)
        assert observed <= bound * 1.01 + 1e-9, (name, i, observed, bound)  # + the difference's round-off
        assert bound <= 1e4 * max(observed, 1e-3), (name, i, observed, bound)


def test_depolarizing_is_affine() -> None:
    assert np.allclose(_numeric_derivative("noise-depolarizing", 0, 2, 0.05), 0, atol=1e-12)
    assert ab.derivative_bound(DENSITY_FEATURES["noise-depolarizing"], 0, 5) == 0.0


@pytest.mark.parametrize("name", NOT_ANGLES)
def test_the_exact_rules_reproduce_the_reference(name: str) -> None:
    """The shot-noise bar's recipe is exact: sum w f(x + s e_i) is the Jacobian's column."""
    feature = DENSITY_FEATURES[name]
    x = np.array(feature.params, dtype=float)
    ref = reference_of(DENSITY_FEATURES[name]).jacobian
    not_angles = sorted({j for rule, form in feature.tape_arguments if rule is NOT_AN_ANGLE for j, _ in form})
    assert not_angles
    for i in not_angles:
        rule = ab.exact_rule(feature, i)
        points = np.repeat(x[None, :], len(rule), axis=0)
        points[:, i] += [s for _, s in rule]
        estimate = np.array([w for w, _ in rule]) @ outputs(feature, points)
        assert np.allclose(estimate, ref[:, i], atol=1e-9), (name, i)


def test_a_channel_parameter_feeding_two_gates_is_refused() -> None:
    import dataclasses

    feature = DENSITY_FEATURES["noise-amplitude-damping"]
    doubled = dataclasses.replace(feature, gates=(*feature.gates, feature.gates[1]))
    with pytest.raises(ValueError, match="no derivative bound"):
        ab.derivative_bound(doubled, 0, 2)


def test_embedding_poles_inside_the_reach_are_refused() -> None:
    with pytest.raises(ValueError, match="touches a pole"):
        ab.cauchy_rational(2, norm=1e-3, direction=1.0, omega=0.0, magnitude=1.0)


@pytest.mark.parametrize("name", NOT_ANGLES)
def test_tolerances_are_finite_and_come_from_here(name: str) -> None:
    feature = DENSITY_FEATURES[name]
    for method in ("backprop", "finite-diff", "spsa", "parameter-shift"):
        tol = tolerance.analytic_tolerance(method, feature)
        assert np.all(np.isfinite(tol)) and np.all(tol > 0) and np.all(tol < 1e-3)
    shots = tolerance.shots_jacobian_tolerance("parameter-shift", feature, 10000, 1e-6)
    assert np.all(np.isfinite(shots)) and np.all(shots < 0.5)
    assert isinstance(tolerance.smoothness(feature), ab.PerParameter)
