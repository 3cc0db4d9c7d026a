"""The postselected features' bounds (`features.mcm_tolerance`): the quotient's derivatives and the kept shots."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from supportmatrix.features import mcm_tolerance, tolerance
from supportmatrix.features.catalog import FEATURES
from supportmatrix.features.oracle import outputs

POSTSELECTED = FEATURES["mcm-postselect-deferred"]


def _along(feature, index: int, t: np.ndarray) -> np.ndarray:
    points = np.tile(np.array(feature.params), (len(t), 1))
    points[:, index] += t
    return outputs(feature, points)[:, 0]


@pytest.mark.parametrize("index", [0, 1])
@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_the_cauchy_bound_holds_for_the_quotients_derivatives(index: int, order: int) -> None:
    # The derivative measured on a fine grid by repeated central differences (polynomial fit).
    t = np.linspace(-0.05, 0.05, 41)
    fit = np.polynomial.Polynomial.fit(t, _along(POSTSELECTED, index, t), deg=12).convert()
    derivative = abs(fit.deriv(order)(0.0))
    bound = float(mcm_tolerance.quotient(POSTSELECTED).times(1.0, order)[index])
    assert derivative <= bound
    # ... and is not vacuous: within a few orders of magnitude per derivative order.
    assert bound < 10.0 ** (order + 2) * max(derivative, 1e-3)


def test_the_quotient_is_not_a_trigonometric_polynomial_of_the_declared_frequency() -> None:
    # Why Bernstein's bound is not used: the quotient has every frequency (a Fourier
    # coefficient above omega = 1 is far from zero).
    t = np.linspace(0, 2 * np.pi, 256, endpoint=False)
    spectrum = np.abs(np.fft.rfft(_along(POSTSELECTED, 1, t))) / len(t)
    assert spectrum[2:].max() > 1e-3
    assert mcm_tolerance.postselects(POSTSELECTED)
    assert not mcm_tolerance.postselects(FEATURES["mcm-cond-deferred"])


def test_the_cauchy_bound_is_infinite_where_no_disc_keeps_d_away_from_zero() -> None:
    assert math.isinf(mcm_tolerance.cauchy_bound(1.0, 1.0, 1e-6, 2))
    assert mcm_tolerance.cauchy_bound(0.0, 1.0, 0.5, 2) == 0.0


def test_the_kept_shots_bound_fails_at_most_as_often_as_its_budget() -> None:
    shots, p = 10000, 0.02
    low, rest = mcm_tolerance.kept_shots(POSTSELECTED, shots, p)
    assert rest == p / 2
    kept = mcm_tolerance.kept_probability(POSTSELECTED, np.array([POSTSELECTED.params]))[0]
    counts = np.random.default_rng(11).binomial(shots, kept, size=20000)
    assert np.mean(counts < low) <= p / 2
    assert low < shots * kept


def test_postselected_shot_tolerances_count_the_kept_shots_only() -> None:
    p = 1e-6
    plain = tolerance.shots_forward_tolerance(FEATURES["mcm-cond-deferred"], 10000, p)
    kept = tolerance.shots_forward_tolerance(POSTSELECTED, 10000, p)
    d = mcm_tolerance.kept_probability(POSTSELECTED, np.array([POSTSELECTED.params]))[0]
    # fewer shots (about D N) and half the failure budget: wider by about 1 / sqrt(D)
    assert kept[0] > plain[0] / math.sqrt(d)
    jac = tolerance.shots_jacobian_tolerance("parameter-shift", POSTSELECTED, 10000, p)
    assert np.all(
        jac > tolerance.shots_jacobian_tolerance("parameter-shift", FEATURES["mcm-cond-deferred"], 10000, p)
    )


def test_the_least_kept_probability_covers_the_shifted_points() -> None:
    x = np.array(POSTSELECTED.params)
    shifted = np.array([x + s * e for e in np.eye(2) for s in (np.pi / 2, -np.pi / 2)])
    least = mcm_tolerance.least_kept(POSTSELECTED)
    assert least <= mcm_tolerance.kept_probability(POSTSELECTED, shifted).min()
    assert least > 0


def test_the_one_shot_postselection_runs_where_its_own_shots_keep_enough() -> None:
    """One-shot's postselected feature runs fewer shots at a point of its own: there its
    kept-shot bound exists for a Jacobian; at the other variants' point it would not."""
    one_shot = FEATURES["mcm-postselect-one-shot"]
    assert one_shot.shots is not None
    p = 1e-7
    evaluations = mcm_tolerance.jacobian_evaluations(one_shot)
    low, _ = mcm_tolerance.kept_shots(one_shot, one_shot.shots, p, evaluations=evaluations)
    assert low > 100
    elsewhere = dataclasses.replace(one_shot, params=POSTSELECTED.params)
    with pytest.raises(ValueError, match="too few kept shots"):
        mcm_tolerance.kept_shots(elsewhere, one_shot.shots, p, evaluations=evaluations)
