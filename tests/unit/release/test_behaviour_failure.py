"""How a diff line names what an incorrect cell got wrong (`release.behaviour.failure_of`)."""

from __future__ import annotations

from supportmatrix.release.behaviour import failure_of
from supportmatrix.release.codec import CheckRecord

FORWARD = CheckRecord("forward value", "analytic: float64 round-off", True, 1.1e-16, 2.3e-16)


def test_the_largest_error_is_of_the_failed_checks_only() -> None:
    jacobian = CheckRecord("Jacobian", "parameter-shift: analytic error bound", False, 0.05, 0.1)
    big_but_passing = CheckRecord("Hessian", "analytic", True, 0.2, 0.2)
    assert failure_of((FORWARD, jacobian, big_but_passing)) == "max abs error 0.05"


def test_a_nan_jacobian_is_named_not_hidden_behind_the_forward_values_error() -> None:
    # A NaN entry is recorded as no error (JSON has no NaN): the line must say so.
    nan_jacobian = CheckRecord("Jacobian", "adjoint: analytic error bound", False, None, None)
    assert failure_of((FORWARD, nan_jacobian)) == "Jacobian: no finite error (NaN, or shapes differ)"


def test_a_failed_dtype_check_is_named_and_a_pass_says_nothing() -> None:
    dtype = CheckRecord("Jacobian dtype", "dtype", False, None, None)
    assert failure_of((FORWARD, dtype)) == "Jacobian dtype failed"
    assert failure_of((FORWARD,)) is None
