"""Catalyst's finite-difference bound and the second-derivative reference, derived: a right
derivative passes, a zero, sign-flipped or 0.1 %-scaled one fails."""

from __future__ import annotations

import numpy as np
import pytest

from supportmatrix.check import tolerance as shared
from supportmatrix.check.circuits import PARAMS
from supportmatrix.check.classify import compare_values
from supportmatrix.check.oracle import measure, reference
from supportmatrix.qjit import tolerance

FIRST_ORDER = ("expval", "probs", "var", "state")


def _forward_difference(measurement: str, h: float) -> np.ndarray:
    """What Catalyst's method="fd" computes, (f(x + h e_i) - f(x)) / h, on the oracle."""
    x = np.array(PARAMS)
    f0 = measure(measurement, x)
    columns = [(measure(measurement, x + h * e) - f0) / h for e in np.eye(x.size)]
    return np.stack(columns, axis=-1)


def _passes(observed: np.ndarray, expected: np.ndarray, tol: np.ndarray) -> bool:
    return compare_values("d", observed, expected=expected, tolerance=tol, criterion="").passed


def test_catalyst_default_step_is_the_documented_one() -> None:
    assert tolerance.CATALYST_FD_STEP == 1e-7


@pytest.mark.parametrize("measurement", FIRST_ORDER)
def test_a_real_forward_difference_at_catalysts_step_passes(measurement: str) -> None:
    ref = reference(measurement)
    tol = tolerance.fd_tolerance(ref)
    assert _passes(_forward_difference(measurement, tolerance.CATALYST_FD_STEP), ref.jacobian, tol)
    assert _passes(ref.jacobian, ref.jacobian, tol)


@pytest.mark.parametrize("measurement", FIRST_ORDER)
@pytest.mark.parametrize("fault", ["zero", "sign-flipped", "scaled by 1.001"])
def test_a_wrong_fd_derivative_fails(measurement: str, fault: str) -> None:
    ref = reference(measurement)
    tol = tolerance.fd_tolerance(ref)
    wrong = {
        "zero": 0 * ref.jacobian,
        "sign-flipped": -ref.jacobian,
        "scaled by 1.001": 1.001 * ref.jacobian,
    }[fault]
    assert not _passes(wrong, ref.jacobian, tol), f"{fault} passed with tolerance {tol.max():.3g}"


def test_the_fd_bound_grows_with_the_step_as_truncation_does() -> None:
    ref = reference("expval")
    # A forward difference at h = 1e-4 is off by h/2 f'' = 3.1e-5, beyond the 1e-7 bound
    # but within the 1e-4 one: the bound follows the step instead of being a constant.
    coarse = _forward_difference("expval", 1e-4)
    assert not _passes(coarse, ref.jacobian, tolerance.fd_tolerance(ref))
    assert _passes(coarse, ref.jacobian, tolerance.fd_tolerance(ref, step=1e-4))


def test_the_fd_bound_is_looser_than_the_exact_methods_and_of_the_derived_size() -> None:
    ref = reference("expval")
    fd, exact = tolerance.fd_tolerance(ref), shared.analytic_tolerance("adjoint", ref)
    assert np.all(fd > exact)
    # SAFETY * (h/2 S + 2 delta/h + ...) with S ~ 3.9, delta = 64 eps: about 5e-6
    assert 1e-6 < fd.max() < 1e-5


def _analytic_hessian() -> np.ndarray:
    """<Z_1> = cos(x0) cos(x1) for the matrix circuit: its Hessian in closed form."""
    a, b = PARAMS
    return np.array(
        [[[-np.cos(a) * np.cos(b), np.sin(a) * np.sin(b)], [np.sin(a) * np.sin(b), -np.cos(a) * np.cos(b)]]]
    )


def test_the_hessian_stencil_matches_the_closed_form_within_its_own_bound() -> None:
    href = tolerance.hessian_reference("expval")
    assert href.hessian.shape == (1, 2, 2)
    assert np.all(np.abs(href.hessian - _analytic_hessian()) <= href.error[:, None, None])
    assert href.error.max() < 1e-8


@pytest.mark.parametrize("fault", [0.0, -1.0, 1.001])
def test_a_wrong_exact_hessian_fails(fault: float) -> None:
    href = tolerance.hessian_reference("expval")
    tol = tolerance.hessian_tolerance(href, "exact")
    assert shared.discriminates(href.hessian, tol)
    assert _passes(_analytic_hessian(), href.hessian, tol)
    assert not _passes(fault * href.hessian, href.hessian, tol)


def test_nested_fd_at_catalysts_step_cannot_be_vouched_for() -> None:
    # round-off 4 delta / h**2 is about 6 at h = 1e-7, far above the Hessian (about 0.6)
    href = tolerance.hessian_reference("probs")
    tol = tolerance.hessian_tolerance(href, "fd")
    assert not shared.discriminates(href.hessian, tol)
    assert shared.discriminates(href.hessian, tolerance.hessian_tolerance(href, "fd", step=1e-3))


def test_finite_shot_hessians_have_a_model_only_where_the_suite_has_one() -> None:
    href = tolerance.hessian_reference("expval")
    tol = tolerance.shots_hessian_tolerance(href, "expval", 10000, 1e-5)
    assert tol.shape == href.hessian.shape and 0 < tol.max() < 0.1
    with pytest.raises(shared.NoStatisticalModel):
        tolerance.shots_hessian_tolerance(tolerance.hessian_reference("var"), "var", 10000, 1e-5)
