"""Self-tests for the trainable matrices and the templates: break PennyLane's decomposition of
a trainable ``QubitUnitary`` and of ``StronglyEntanglingLayers``, and check that exactly the
predicted features cells fail (the machinery of `test_feature_faults.py`)."""

from __future__ import annotations

from collections.abc import Callable

import jax  # noqa: F401 - imported outside pytester's runs, see test_fault_injection.py
import pennylane as qml
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (needed by the faults' slices)")

from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import Outcome, ResolvedCell
from tests.selftest.fault_runs import MATRIX_PATH, assert_fault_fails_exactly

pytest_plugins = ("pytester",)

MATRIX = load_matrix(MATRIX_PATH)
#: A wrong value is caught where it is checked: cells declared to give one (supported) or
#: to give a value without a gradient (no-gradient); errors raise before any value.
VALUE_CHECKED = (Outcome.SUPPORTED, Outcome.NO_GRADIENT)


def _slice(feature: str, interfaces: tuple[str, ...], methods: tuple[str, ...]) -> list[ResolvedCell]:
    return [
        rc
        for rc in MATRIX.family("features").cells
        if rc.cell.feature == feature and rc.cell.interface in interfaces and rc.cell.diff_method in methods
    ]


def unitary_decomposition_rotated(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """(p) A one-qubit ``QubitUnitary``'s decomposition followed by an extra RZ(1e-3).

    Only what differentiates through the decomposition sees it: the gradient transforms
    (their tapes are decomposed, the forward pass runs the matrix itself) and the adjoint
    method (it needs generators, so it decomposes the trainable matrix, forward pass
    included); backprop applies the matrix. The Jacobian moves by about 1e-3 x 0.3, far
    above the analytic tolerance (1e-9), far below the 10000-shot one (0.04)."""
    real = qml.QubitUnitary.compute_decomposition

    def decomposition(U, wires):
        ops = real(U, wires)
        return [*ops, qml.RZ(1e-3, wires=wires)] if qml.math.shape(U)[-1] == 2 else ops

    mp.setattr(qml.QubitUnitary, "compute_decomposition", staticmethod(decomposition))
    return lambda rc: (
        rc.cell.shots is None
        and rc.cell.interface != "None"
        and rc.cell.diff_method != "backprop"
        and not (rc.cell.device == "default.qubit" and rc.cell.diff_method == "best")  # backprop
        and rc.expectation.outcome is Outcome.SUPPORTED
    )


def strongly_entangling_weights_scaled(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """(q) ``StronglyEntanglingLayers`` decomposed with its weights x (1 + 1e-3).

    Neither device applies the template as one gate, so every circuit that runs is the
    wrong one: the value moves by about 1e-3 x 0.5, caught by every analytic cell that
    checks a value, by no 10000-shot one (0.04)."""
    real = qml.StronglyEntanglingLayers.compute_decomposition

    def decomposition(weights, wires, ranges, imprimitive):
        return real(weights * (1 + 1e-3), wires, ranges, imprimitive)

    mp.setattr(qml.StronglyEntanglingLayers, "compute_decomposition", staticmethod(decomposition))
    return lambda rc: rc.cell.shots is None and rc.expectation.outcome in VALUE_CHECKED


FAULTS = [
    pytest.param(
        unitary_decomposition_rotated,
        _slice(
            "trainable-unitary",
            ("None", "autograd", "torch"),
            ("best", "backprop", "adjoint", "parameter-shift"),
        ),
        id="n-unitary-decomposition-rotated",
    ),
    pytest.param(
        strongly_entangling_weights_scaled,
        _slice("templates", ("None", "autograd", "torch"), ("best", "backprop", "parameter-shift")),
        id="o-strongly-entangling-weights-scaled",
    ),
]


@pytest.mark.parametrize(("fault", "cells"), FAULTS)
def test_matrix_and_template_fault_fails_exactly_the_affected_cells(
    fault: Callable,
    cells: list[ResolvedCell],
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert_fault_fails_exactly(
        fault, cells, pytester, monkeypatch, test_file="test_features.py", test_function="test_features_cell"
    )
