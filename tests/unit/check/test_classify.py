"""The outcome classifier and the declared-vs-observed comparison, on plain values."""

from __future__ import annotations

import re

import numpy as np
import pytest

from supportmatrix.check.classify import (
    DTYPE_CRITERION,
    ObservedError,
    ObservedWarning,
    ValueCheck,
    classify,
    compare_values,
    dtype_check,
    is_pennylane_warning,
    mismatches,
)
from supportmatrix.matrix.model import ErrorSpec, Expectation, Outcome, Stage, WarningSpec


def _check(observed, expected, tol=1e-9):
    observed, expected = np.asarray(observed, float), np.asarray(expected, float)
    passed = observed.shape == expected.shape and bool(np.all(np.abs(observed - expected) <= tol))
    return ValueCheck("Jacobian", observed, expected, np.full(expected.shape, tol), passed, "test")


ERR = ObservedError(Stage.GRADIENT, "ValueError", "builtins", "Computing the gradient of state")
PL_WARNING = ObservedWarning("UserWarning", "Attempted to differentiate", "pennylane/_grad.py", 1, True)
THIRD_PARTY = ObservedWarning("ComplexWarning", "Casting complex", "numpy/x.py", 1, False)


@pytest.mark.parametrize(
    ("kwargs", "outcome"),
    [
        ({"error": ERR, "connected": True, "checks": ()}, Outcome.ERRORS),
        ({"error": None, "connected": True, "checks": (_check([1.0], [1.0]),)}, Outcome.SUPPORTED),
        ({"error": None, "connected": True, "checks": (_check([0.0], [1.0]),)}, Outcome.INCORRECT),
        ({"error": None, "connected": False, "checks": ()}, Outcome.NO_GRADIENT),
        # a wrong forward value is wrong even when no gradient comes out
        ({"error": None, "connected": False, "checks": (_check([0.0], [1.0]),)}, Outcome.INCORRECT),
        ({"error": None, "connected": True, "checks": (), "detail": "nothing to compare"}, Outcome.INCORRECT),
    ],
)
def test_classify(kwargs, outcome):
    assert classify(**kwargs).outcome is outcome


def test_value_check_reports_worst_entry_and_errors():
    check = _check([[1.0, 2.5], [3.0, 4.0]], [[1.0, 2.0], [3.0, 4.0]])
    assert check.worst_entry() == (0, 1)
    assert check.max_abs == pytest.approx(0.5)
    assert check.max_rel == pytest.approx(0.25)
    assert "worst entry (0, 1)" in check.describe()


def test_value_check_shape_mismatch_is_described():
    check = _check([1.0, 2.0], [[1.0, 2.0]])
    assert not check.passed
    assert "shape (2,)" in check.describe()


def _spec(cls="ValueError", match="gradient of state", stage=Stage.GRADIENT):
    return ErrorSpec(cls, re.compile(match), stage)


def test_declared_error_matches_class_stage_and_regex():
    expect = Expectation(Outcome.ERRORS, error=_spec())
    assert mismatches(expect, classify(error=ERR, connected=True, checks=()), ()) == []


@pytest.mark.parametrize(
    "spec",
    [_spec(cls="TypeError"), _spec(match="^nope"), _spec(stage=Stage.FORWARD)],
    ids=["class", "message", "stage"],
)
def test_changed_error_fails(spec):
    expect = Expectation(Outcome.ERRORS, error=spec)
    problems = mismatches(expect, classify(error=ERR, connected=True, checks=()), ())
    assert len(problems) == 1 and "but matrix.yaml declares errors" in problems[0]


def test_declared_error_that_now_works_fails():
    expect = Expectation(Outcome.ERRORS, error=_spec())
    observed = classify(error=None, connected=True, checks=(_check([1.0], [1.0]),))
    assert "observed supported" in mismatches(expect, observed, ())[0]


def test_forward_only_is_a_gradient_stage_error():
    expect = Expectation(Outcome.FORWARD_ONLY, error=_spec())
    assert mismatches(expect, classify(error=ERR, connected=True, checks=()), ()) == []


def test_supported_that_breaks_fails_and_incorrect_that_is_fixed_fails():
    wrong = classify(error=None, connected=True, checks=(_check([0.0], [1.0]),))
    right = classify(error=None, connected=True, checks=(_check([1.0], [1.0]),))
    assert mismatches(Expectation(Outcome.SUPPORTED), wrong, ())
    assert mismatches(Expectation(Outcome.INCORRECT, note="n"), right, ())
    assert not mismatches(Expectation(Outcome.INCORRECT, note="n"), wrong, ())


def test_warnings_are_checked_both_ways_and_third_party_ones_ignored():
    ok = classify(error=None, connected=False, checks=())
    declared = Expectation(
        Outcome.NO_GRADIENT, warnings=(WarningSpec("UserWarning", re.compile("differentiate")),)
    )
    assert mismatches(declared, ok, (PL_WARNING, THIRD_PARTY)) == []
    assert "was not raised" in mismatches(declared, ok, (THIRD_PARTY,))[0]
    undeclared = mismatches(Expectation(Outcome.NO_GRADIENT), ok, (PL_WARNING,))
    assert "undeclared PennyLane warning" in undeclared[0]


def test_pennylane_warning_attribution():
    class PennyLaneDeprecationWarning(UserWarning):
        pass

    PennyLaneDeprecationWarning.__module__ = "pennylane.exceptions"
    assert is_pennylane_warning(PennyLaneDeprecationWarning, "/x/torch/y.py")
    assert is_pennylane_warning(UserWarning, "/site-packages/pennylane/_grad.py")
    assert not is_pennylane_warning(UserWarning, "/site-packages/torch/autograd.py")


def test_compare_values_needs_every_entry_within_tolerance_and_the_same_shape() -> None:
    expected = np.array([1.0, 2.0])
    ok = compare_values(
        "Jacobian", np.array([1.0, 2.1]), expected=expected, tolerance=np.array(0.2), criterion="c"
    )
    assert ok.passed and ok.tolerance.shape == (2,) and (ok.what, ok.criterion) == ("Jacobian", "c")
    assert not compare_values(
        "Jacobian", np.array([1.0, 2.3]), expected=expected, tolerance=np.array(0.2), criterion="c"
    ).passed
    assert not compare_values(
        "Jacobian", np.array([1.0]), expected=expected, tolerance=np.array(0.2), criterion="c"
    ).passed
    assert not compare_values(
        "Jacobian", np.array([1.0, np.nan]), expected=expected, tolerance=np.array(0.2), criterion="c"
    ).passed


# --- values as the framework returned them: complex parts and dtypes ---

REF = np.array([[0.5, -0.25], [0.0, 1.0]])
TOL = np.full(REF.shape, 1e-9)


def _jacobian(observed):
    return compare_values("Jacobian", observed, expected=REF, tolerance=TOL, criterion="c")


def test_complex_jacobian_with_imaginary_part_above_tolerance_is_wrong() -> None:
    observed = REF + 0.4j * np.array([[0.0, 0.0], [1.0, 0.0]])
    check = _jacobian(observed)
    assert not check.passed
    assert check.max_abs == pytest.approx(0.4) and check.worst_entry() == (1, 0)
    assert "0.4j" in check.describe()


def test_imaginary_part_within_tolerance_passes_the_value_check_only() -> None:
    observed = REF + 1e-12j
    assert _jacobian(observed).passed
    assert not dtype_check("Jacobian", observed).passed


def test_real_part_is_still_compared_for_a_complex_result() -> None:
    observed = (REF + 1e-3).astype(np.complex128)
    assert not _jacobian(observed).passed
    assert _jacobian(observed).max_abs == pytest.approx(1e-3)


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64, np.float32, np.float16])
def test_every_dtype_but_float64_is_a_dtype_finding(dtype) -> None:
    observed = REF.astype(dtype)  # zero imaginary part, or the same values rounded
    check = dtype_check("Jacobian", observed)
    assert not check.passed and check.what == "Jacobian dtype" and check.criterion == DTYPE_CRITERION
    assert check.describe() == (
        f"Jacobian dtype {np.dtype(dtype)}, but a real function of float64 parameters must give float64"
    )
    outcome = classify(error=None, connected=True, checks=(_jacobian(REF), check))
    assert outcome.outcome is Outcome.INCORRECT and outcome.failed_check is check
    assert f"Jacobian dtype {np.dtype(dtype)}" in outcome.describe()


def test_float64_passes_the_dtype_check_and_compares_no_values() -> None:
    check = dtype_check("forward value", REF)
    assert check.passed and check.what == "forward value dtype"
    assert check.errors() is None and check.max_abs == float("inf")  # recorded as null


def test_float32_values_are_compared_as_they_are() -> None:
    # float32 entries are exact in float64, so the error seen is the float32 rounding itself
    observed = np.array([0.617620462014462], dtype=np.float32)
    check = compare_values(
        "forward value",
        observed,
        expected=np.array([0.617620462014462]),
        tolerance=np.array(1e-13),
        criterion="c",
    )
    assert not check.passed
    assert check.max_abs == pytest.approx(abs(float(observed[0]) - 0.617620462014462))


def test_real_float64_results_give_the_same_numbers_as_before() -> None:
    observed = REF + np.array([[1e-10, -3e-10], [0.0, 2e-9]])
    check = _jacobian(observed)
    np.testing.assert_array_equal(check.errors(), np.abs(observed - REF))
    assert not check.passed and check.worst_entry() == (1, 1)


@pytest.mark.parametrize(
    ("dtype", "passed"), [(np.float32, True), (np.float64, True), (np.float16, False), (np.complex64, False)]
)
def test_a_dtype_check_can_accept_several_dtypes(dtype, passed: bool) -> None:
    """Float32 parameters (the features' ``float32``) may come back as float32 or float64."""
    check = dtype_check("Jacobian", REF.astype(dtype), parameters="float32", allowed=("float32", "float64"))
    assert check.passed is passed
    assert check.describe() == (
        f"Jacobian dtype {np.dtype(dtype)}, but a real function of "
        "float32 parameters must give float32 or float64"
    )
