"""The outcome classifier and the declared-vs-observed comparison, on plain values."""

from __future__ import annotations

import re

import numpy as np
import pytest

from supportmatrix.check.classify import (
    ObservedError,
    ObservedWarning,
    ValueCheck,
    classify,
    compare_values,
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
        ({"error": None, "connected": True, "checks": (), "detail": "nothing to compare"},
         Outcome.INCORRECT),
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
    declared = Expectation(Outcome.NO_GRADIENT,
                           warnings=(WarningSpec("UserWarning", re.compile("differentiate")),))
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
    ok = compare_values("Jacobian", np.array([1.0, 2.1]), expected=expected,
                        tolerance=np.array(0.2), criterion="c")
    assert ok.passed and ok.tolerance.shape == (2,) and (ok.what, ok.criterion) == ("Jacobian", "c")
    assert not compare_values("Jacobian", np.array([1.0, 2.3]), expected=expected,
                              tolerance=np.array(0.2), criterion="c").passed
    assert not compare_values("Jacobian", np.array([1.0]), expected=expected,
                              tolerance=np.array(0.2), criterion="c").passed
    assert not compare_values("Jacobian", np.array([1.0, np.nan]), expected=expected,
                              tolerance=np.array(0.2), criterion="c").passed
