"""The kernel's error formulas (`check.bounds`), each against a number worked out by hand."""

from __future__ import annotations

import math

import pytest

from supportmatrix.check import bounds
from supportmatrix.check.bounds import PAULI_ROTATION, Bernstein

DELTA = 1e-16


def test_roundoff_grows_with_work_beyond_the_matrix_circuit_and_with_magnitude() -> None:
    assert bounds.roundoff(11, 0.5) == 64 * bounds.EPS  # the matrix's circuit, |f| <= 1
    assert bounds.roundoff(22, 0.5) == 2 * 64 * bounds.EPS  # twice the work
    assert bounds.roundoff(5, 3.0) == 3 * 64 * bounds.EPS  # less work counts as the matrix's
    assert bounds.roundoff(11, 1.0, bounds.ROUNDING32) == 64 * 2**-23


def test_bernstein_multiplies_coefficient_frequency_power_and_magnitude() -> None:
    assert Bernstein(2.0, 1.5).times(0.5, 2) == 3.0  # 0.5 * 2**2 * 1.5
    assert Bernstein(1.0, 0.25).times(8.0, 5) == 2.0


def test_the_reference_stencils_error() -> None:
    # h**4/30 * |f^(5)| + 1.5 delta / h at h = 1e-3, |f^(5)| <= 2**5
    assert bounds.stencil_error(Bernstein(2.0, 1.0), DELTA) == pytest.approx(
        1e-12 / 30 * 32 + 1.5e-13, rel=1e-15
    )
    assert bounds.nested_stencil_roundoff(DELTA) == pytest.approx(2.25e-16 / 2.5e-5, rel=1e-15)


@pytest.mark.parametrize("method", sorted(bounds.EXACT_METHODS))
def test_an_exact_method_has_round_off_only(method: str) -> None:
    assert bounds.method_error(method, Bernstein(2.0, 1.0), DELTA) == DELTA


def test_finite_diff_truncation_and_round_off() -> None:
    # h/2 * omega**2 * C + 2 delta / h at h = 1e-7: 2e-7 + 2e-9
    assert bounds.method_error("finite-diff", Bernstein(2.0, 1.0), DELTA) == pytest.approx(2.02e-7, rel=1e-15)
    assert bounds.forward_difference_roundoff(DELTA, 1e-7, order=2) == pytest.approx(4e-2)


def test_spsa_truncation_along_its_direction_and_round_off_per_column() -> None:
    # h**2/6 * |F'''| + delta / h * spread at h = 1e-5: |F'''| <= 3**3 along 3 unit entries
    own = bounds.method_error("spsa", Bernstein(1.0, 1.0), DELTA, along=Bernstein(3, 1.0), spread=2.0)
    assert own == pytest.approx(1e-10 / 6 * 27 + 2e-11, rel=1e-15)


@pytest.mark.parametrize("method", ["spsa", "best", "finite-difference"])
def test_a_method_without_an_error_model_is_refused(method: str) -> None:
    with pytest.raises(ValueError, match="no analytic error model"):
        bounds.method_error(method, Bernstein(1.0, 1.0), DELTA)  # spsa: no direction given


def test_the_analytic_bound_is_safety_times_both_errors() -> None:
    assert bounds.analytic_bound(1.0, 2.0) == 30.0


def test_second_derivative_errors_by_method() -> None:
    assert bounds.hessian_method_error("adjoint", 1.0, 2.0, 3.0, 1.0) == 6.0  # delta max(1, oi oj)
    assert bounds.hessian_method_error("adjoint", 1.0, 0.5, 0.5, 1.0) == 1.0
    # h/2 C oi oj (oi + oj) + 4 delta / h**2 at h = 1e-7
    assert bounds.hessian_method_error("finite-diff", DELTA, 1.0, 1.0, 1.0) == pytest.approx(
        1e-7 + 4e-2, rel=1e-15
    )
    # h**2/3 Omega**4 C + delta / h**2 at h = 1e-5, Omega = 2
    assert bounds.hessian_method_error("spsa", DELTA, 1.0, 1.0, 1.0, big_omega=2.0) == pytest.approx(
        1e-10 / 3 * 16 + 1e-6, rel=1e-15
    )
    with pytest.raises(ValueError, match="no analytic Hessian error model"):
        bounds.hessian_method_error("best", DELTA, 1.0, 1.0, 1.0)


def test_hoeffding_and_the_union_bound_budget() -> None:
    # sqrt(w**2 ln(2/p) / (2 N)) with ln(2/p) = 2: sqrt(4 * 2 / 20000) = 0.02
    assert bounds.hoeffding(4.0, 10000, 2 * math.exp(-2)) == pytest.approx(0.02, rel=1e-15)
    assert bounds.check_probability(100) == pytest.approx(1e-5, rel=1e-15)


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("parameter-shift", 0.5),
        ("hadamard", 4.0),
        ("reversed-hadamard", 4.0),
        ("direct-hadamard", 0.5),
        ("reversed-direct-hadamard", 0.5),
        ("spsa", 0.5),
        ("backprop", 0.5),
    ],
)
def test_estimator_coefficients_of_a_pauli_rotation(method: str, expected: float) -> None:
    """(1/2)**2 * 2 for the two-term rule, (2 * 2 l1)**2 and 2 l1**2 with l1 = 1/2."""
    assert bounds.estimator_coefficient(method, PAULI_ROTATION) == expected


def test_second_derivative_estimator_coefficients() -> None:
    assert PAULI_ROTATION.nested_shift_sq == 0.375  # 1/16 + 1/4 + 1/16 once merged
    ps = bounds.hessian_estimator_coefficient
    assert ps("parameter-shift", PAULI_ROTATION, PAULI_ROTATION, diagonal=True) == 0.375
    assert ps("parameter-shift", PAULI_ROTATION, PAULI_ROTATION, diagonal=False) == 0.25
    assert ps("hadamard", PAULI_ROTATION, PAULI_ROTATION, diagonal=True) == 32.0
    assert ps("direct-hadamard", PAULI_ROTATION, PAULI_ROTATION, diagonal=False) == 0.25
