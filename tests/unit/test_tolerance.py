"""The oracle and the tolerance arguments: sound, and sharp enough to catch known bugs."""

from __future__ import annotations

import numpy as np
import pytest

from supportmatrix import tolerance
from supportmatrix.oracle import measure, reference

DIFFERENTIABLE = ["state", "density_matrix", "probs", "sample", "expval", "expval_hermitian",
                  "expval_projector", "var", "vn_entropy", "mutual_info", "purity"]


def test_oracle_state_is_normalised_and_matches_closed_forms():
    a, b = 0.543, -0.765
    assert np.sum(measure("probs", (a, b))) == pytest.approx(1.0, abs=1e-15)
    assert measure("expval", (a, b))[0] == pytest.approx(np.cos(a) * np.cos(b), abs=1e-15)
    assert measure("var", (a, b))[0] == pytest.approx(1 - (np.cos(a) * np.cos(b)) ** 2, abs=1e-15)
    # the reduced state of wire 0 is mixed, so the entropies are positive
    assert 0 < measure("vn_entropy", (a, b))[0] < np.log(2)
    assert measure("mutual_info", (a, b))[0] == pytest.approx(2 * measure("vn_entropy", (a, b))[0])


def test_reference_jacobian_matches_the_closed_form():
    a, b = 0.543, -0.765
    jac = reference("expval").jacobian
    exact = [[-np.sin(a) * np.cos(b), -np.cos(a) * np.sin(b)]]
    assert np.max(np.abs(jac - exact)) < 1e-11


@pytest.mark.parametrize("measurement", DIFFERENTIABLE)
@pytest.mark.parametrize("method", ["backprop", "finite-diff"])
def test_analytic_tolerance_catches_a_relative_error_of_1e_3(measurement, method):
    ref = reference(measurement)
    tol = tolerance.analytic_tolerance(method, ref)
    scaled = ref.jacobian * (1 + 1e-3)
    moved = np.abs(scaled - ref.jacobian) > tol
    assert moved[np.abs(ref.jacobian) > 1e-3].all()


@pytest.mark.parametrize("measurement", DIFFERENTIABLE)
def test_spsa_criterion_accepts_every_direction_and_rejects_zero_and_flip(measurement):
    ref = reference(measurement)
    tol = tolerance.analytic_tolerance("spsa", ref)
    jac = ref.jacobian
    for d in ([1.0, 1.0], [1.0, -1.0], [-1.0, 1.0]):
        d = np.array(d)
        assert tolerance.spsa_matches(np.outer(jac @ d, d), jac, tol).all()
    assert tolerance.spsa_matches(jac, jac, tol).all()
    assert tolerance.spsa_discriminates(jac, tol)
    nonzero = np.any(np.abs(jac) > tol, axis=1)
    assert not tolerance.spsa_matches(np.zeros_like(jac), jac, tol)[nonzero].any()
    assert not tolerance.spsa_matches(-jac, jac, tol)[nonzero].any()


def test_hoeffding_bound_holds_empirically_for_a_sample_mean():
    rng = np.random.default_rng(0)
    shots, p = 1000, 1e-2
    t = tolerance.hoeffding(2.0**2, shots, p)
    means = rng.choice([-1.0, 1.0], size=(2000, shots)).mean(axis=1)
    assert np.mean(np.abs(means) >= t) <= p


def test_shot_tolerance_shrinks_with_shots_and_detects_a_sign_flip():
    ref = reference("expval")
    p = tolerance.FAMILY_FAILURE / 10_000
    t1 = tolerance.shots_jacobian_tolerance("parameter-shift", "expval", ref, 1_000, p)
    t2 = tolerance.shots_jacobian_tolerance("parameter-shift", "expval", ref, 100_000, p)
    assert np.all(t2 < t1 / 9)
    flipped_error = 2 * np.abs(ref.jacobian)
    assert np.all(flipped_error > tolerance.shots_jacobian_tolerance(
        "parameter-shift", "expval", ref, 10_000, p))


def test_no_shot_model_for_state():
    with pytest.raises(tolerance.NoStatisticalModel):
        tolerance.shots_forward_tolerance("state", reference("state"), 100, 1e-3)
