"""The oracle and the tolerance arguments: sound, and sharp enough to catch known bugs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from supportmatrix.check import tolerance
from supportmatrix.check.oracle import measure, reference

DIFFERENTIABLE = [
    "state",
    "density_matrix",
    "probs",
    "sample",
    "expval",
    "expval_hermitian",
    "expval_projector",
    "var",
    "vn_entropy",
    "mutual_info",
    "purity",
]


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
    assert np.all(
        flipped_error > tolerance.shots_jacobian_tolerance("parameter-shift", "expval", ref, 10_000, p)
    )


def test_no_shot_model_for_state():
    with pytest.raises(tolerance.NoStatisticalModel):
        tolerance.shots_forward_tolerance("state", reference("state"), 100, 1e-3)


def _per_shot_sd(measurement: str) -> np.ndarray:
    """Exact standard deviation of one shot's contribution to each output entry at PARAMS."""
    from supportmatrix.check.measurements import HERMITIAN
    from supportmatrix.check.oracle import state

    value = reference(measurement).value
    if measurement in ("probs", "expval_projector"):
        return np.sqrt(value * (1 - value))
    if measurement == "expval_hermitian":
        psi = state((0.543, -0.765))
        second = float(np.real(psi.conj() @ HERMITIAN @ HERMITIAN @ psi))
        return np.sqrt([second - value[0] ** 2])
    z = reference("expval").value[0]
    sd_z = np.sqrt(1 - z**2)
    return np.array([sd_z]) if measurement == "expval" else np.array([2 * abs(z) * sd_z])


WHOLE_RUN_P = tolerance.FAMILY_FAILURE / (tolerance.CHECKS_PER_SHOT_CELL * 1584)


@pytest.mark.parametrize("measurement", ["probs", "expval", "expval_hermitian", "expval_projector"])
def test_bias_tolerance_is_the_single_bound_over_sqrt_repeats(measurement):
    ref, r = reference(measurement), tolerance.BIAS_REPEATS
    single = tolerance.shots_forward_tolerance(measurement, ref, 10_000, WHOLE_RUN_P)
    mean = tolerance.shots_forward_tolerance(measurement, ref, 10_000, WHOLE_RUN_P, repeats=r)
    np.testing.assert_allclose(mean, single / np.sqrt(r), rtol=1e-12)


@pytest.mark.parametrize("measurement", ["probs", "expval", "expval_hermitian", "expval_projector", "var"])
def test_a_3_sigma_bias_passes_one_estimate_but_not_the_bias_check(measurement):
    ref, r, shots = reference(measurement), tolerance.BIAS_REPEATS, 10_000
    sigma = _per_shot_sd(measurement) / np.sqrt(shots)  # of one estimate
    single = tolerance.shots_forward_tolerance(measurement, ref, shots, WHOLE_RUN_P)
    mean = tolerance.shots_forward_tolerance(measurement, ref, shots, WHOLE_RUN_P, repeats=r)
    # the single check cannot see 3 sigma even with 3 more sigma of noise on top ...
    assert np.all(single > 6 * sigma)
    # ... while in the mean of r estimates (sd sigma/sqrt(r)) a 3 sigma bias clears
    # the tolerance by over 4 standard deviations in some entry
    margin = (3 * sigma - mean) / (sigma / np.sqrt(r))
    assert np.max(margin) > 4


def test_bias_tolerance_holds_empirically_for_the_mean_of_variances():
    rng = np.random.default_rng(1)
    shots, r, p = 400, 16, 1e-2
    mu = 0.6  # <Z>
    ref = dataclasses.replace(reference("var"), value=np.array([1 - mu**2]))
    t = tolerance.shots_forward_tolerance("var", ref, shots, p, repeats=r)[0]
    z = np.where(rng.random((2000, r, shots)) < (1 + mu) / 2, 1.0, -1.0)
    means = z.var(axis=2).mean(axis=1)
    assert np.mean(np.abs(means - (1 - mu**2)) >= t) <= p


def test_spsa_criterion_allows_unperturbed_parameters_only_where_the_column_is_zero():
    # The third parameter cannot reach the measured wire: PennyLane leaves it unperturbed.
    jac = np.array([[0.0, -1.0, 0.0], [0.4, 0.3, 0.0]])
    tol = np.full(jac.shape, 1e-8)
    d = np.array([1.0, -1.0, 0.0])
    assert tolerance.spsa_matches(np.outer(jac @ d, d), jac, tol).all()
    d = np.array([1.0, -1.0, 1.0])  # perturbed anyway: also an SPSA estimate
    assert tolerance.spsa_matches(np.outer(jac @ d, d), jac, tol).all()
    d = np.array([1.0, 0.0, 1.0])  # a live parameter left out is not
    assert not tolerance.spsa_matches(np.outer(jac @ d, d), jac, tol).any()
    assert tolerance.spsa_discriminates(jac, tol)


def test_stencil_constants_are_the_ones_the_bounds_use():
    # `stencil`'s derivation: first moment 1, third 0, fifth -4 (so h**4/30), sum |w| 1.5.
    from supportmatrix.check.stencil import STENCIL

    k = np.array([k for k, _ in STENCIL], dtype=float)
    w = np.array([w for _, w in STENCIL])
    assert [np.sum(w * k**n) for n in range(6)] == pytest.approx([0, 1, 0, 0, 0, -4], abs=1e-15)
    assert np.sum(np.abs(w)) == pytest.approx(1.5)


def test_spsa_accepts_an_estimate_through_nearly_dead_columns() -> None:
    """Found by the features' property tests (controlled at pi/2, 2 pi - 1e-7, pi/2):
    columns 0 and 1 are below their tolerance but not zero, and PennyLane perturbs them;
    their J_i d_i shift J . d by more than the tolerance of column 2."""
    from itertools import product

    from supportmatrix.check.tolerance import spsa_matches

    ref = np.array([[1.77e-08, -1.25e-08, -0.5]])
    tol = np.full((1, 3), 2.68e-08)
    for d in product((1.0, -1.0), repeat=3):
        d = np.array(d)
        assert spsa_matches(np.outer(ref @ d, d), ref, tol).all(), d
    assert not spsa_matches(np.zeros_like(ref), ref, tol).any()
    assert not spsa_matches(-ref, ref, tol).any()
    # dead entries must carry the sign of a single d: +-0.5 in column 2 with +0.5 and -0.5
    # in columns 0 and 1 is one d; (0.5, 0.5, -0.5) with the opposite sign of column 2 is not
    assert not spsa_matches(np.array([[0.5, 0.5, 0.5]]), ref, tol).any()
