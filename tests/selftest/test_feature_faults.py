"""Self-tests for the features family: break a gate's gradient rule in PennyLane and check
that exactly the predicted features cells fail.

As in `test_fault_injection.py`: each fault is patched into PennyLane in this process, a
slice of the real matrix.yaml's features cells runs in-process with pytester, and the
cells that must fail are predicted from the declarations and what the fault touches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import jax  # noqa: F401 - imported outside pytester's runs, see test_fault_injection.py
import numpy as np
import pennylane as qml
import pytest

# The faults' slices include torch cells: without torch (tox -e pl-dev) the module is
# one skip naming it.
torch = pytest.importorskip("torch", reason="torch is not installed (needed by the faults' slices)")

from supportmatrix.check.tolerance import CHECKS_PER_SHOT_CELL, FAMILY_FAILURE
from supportmatrix.features.catalog import FEATURES
from supportmatrix.features.oracle import reference_of
from supportmatrix.features.tolerance import shots_jacobian_tolerance
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import FeatureCell, Outcome, ResolvedCell, Stage
from tests.selftest.fault_runs import MATRIX_PATH, assert_fault_fails_exactly
from tests.selftest.oparith_faults import FAULTS as OPARITH_FAULTS

pytest_plugins = ("pytester",)

MATRIX = load_matrix(MATRIX_PATH)
DECLARED = MATRIX.family("features").by_id()
#: The features family's finite-shot cells, over which the plugin splits the failure budget.
SHOT_CELLS = sum(rc.cell.shots is not None for rc in MATRIX.family("features").cells)


def _slice(*features: str) -> list[ResolvedCell]:
    return [
        rc
        for rc in MATRIX.family("features").cells
        if rc.cell.feature in features
        and rc.cell.interface in ("None", "autograd", "torch")
        and rc.cell.diff_method in ("best", "backprop", "parameter-shift")
    ]


SLICE = _slice("controlled", "rot", "classical")


def _uses_parameter_shift(cell: FeatureCell) -> bool:
    """Whether the cell's gradient comes from the parameter-shift rules, from the
    declarations alone. "best" picks the device's own method (lightning.qubit: adjoint),
    then backprop (default.qubit), then parameter-shift: so with shots (where neither
    backprop nor adjoint runs), and on lightning.qubit where its adjoint twin is declared
    to refuse the circuit (``multi-measure``'s mixed tuple)."""
    if cell.interface == "None":
        return False  # NumPy parameters: nothing is differentiated
    if cell.diff_method == "parameter-shift":
        return True
    if cell.diff_method != "best":
        return False
    if cell.shots is not None:
        return True
    twin = DECLARED[dataclasses.replace(cell, diff_method="adjoint").id].expectation
    return (
        cell.device == "lightning.qubit"
        and twin.outcome is Outcome.ERRORS
        and twin.error is not None
        and twin.error.stage is Stage.FORWARD
    )


def _patch_recipe(
    mp: pytest.MonkeyPatch, gate: str, p_idx: int, change: Callable[[np.ndarray], np.ndarray]
) -> None:
    module = qml.gradients.parameter_shift
    real = module._get_operation_recipe

    def recipe(tape, t_idx, shifts, order=1):
        rule = real(tape, t_idx, shifts, order)
        op, _, index = tape.get_operation(t_idx)
        return change(np.array(rule, dtype=float)) if (op.name, index) == (gate, p_idx) else rule

    mp.setattr(module, "_get_operation_recipe", recipe)


def crx_four_term_coefficient(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """(i) CRX's four-term rule with c+ = (sqrt 2 + 1) / (4 sqrt 2) scaled by 1 + 1e-3."""

    def scale(rule: np.ndarray) -> np.ndarray:
        near = np.isclose(np.abs(rule[:, 2]), np.pi / 2)  # the +-pi/2 terms carry c+
        assert near.sum() == 2 and len(rule) == 4, rule
        rule[near, 0] *= 1 + 1e-3
        return rule

    _patch_recipe(mp, "CRX", 0, scale)
    # It changes d/dx0 by about 1e-4: far above the analytic tolerance (1e-10), far below
    # the 10000-shot one (0.04). Declared-incorrect cells (lightning/torch float32) stay wrong.
    return lambda rc: (
        rc.cell.feature == "controlled"
        and rc.cell.shots is None
        and _uses_parameter_shift(rc.cell)
        and rc.expectation.outcome is Outcome.SUPPORTED
    )


def rot_theta_rule_zeroed(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """(j) Rot's second parameter (theta) differentiated by a rule of zero coefficients."""

    def zero(rule: np.ndarray) -> np.ndarray:
        rule[:, 0] = 0.0
        return rule

    _patch_recipe(mp, "Rot", 1, zero)
    # d/dtheta is 0.36, beyond the 10000-shot tolerance too: analytic and finite-shot
    # cells fail alike, unless declared incorrect already.
    return lambda rc: (
        rc.cell.feature == "rot"
        and _uses_parameter_shift(rc.cell)
        and rc.expectation.outcome is Outcome.SUPPORTED
    )


def second_measurement_scaled(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """(k) parameter-shift's Jacobian of the second of several measurements x (1 + 1e-3)."""
    module = qml.gradients.parameter_shift
    real = module._multi_meas_grad

    def scaled(*args, **kwargs):
        grads = real(*args, **kwargs)
        return (grads[0], grads[1] * (1 + 1e-3), *grads[2:])

    mp.setattr(module, "_multi_meas_grad", scaled)
    # d probs(wire 1) / dx1 is 0.30: 3e-4 off, caught analytically, not at 10000 shots.
    return lambda rc: (
        rc.cell.feature == "multi-measure"
        and rc.cell.shots is None
        and _uses_parameter_shift(rc.cell)
        and rc.expectation.outcome is Outcome.SUPPORTED
    )


def second_derivative_scaled(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """(l) parameter-shift's second derivatives x (1 + 1e-3), its first derivatives untouched.

    With ``max_diff=2`` PennyLane nests two Jacobian-product calculators: the outer one
    differentiates the QNode's tapes, the inner one (the ``jpc`` of the outer's execute
    function) the tapes the outer one's gradient transform made, which is the second
    derivative. The fault marks the inner one and scales its vector-Jacobian products.
    """
    import importlib

    run = importlib.import_module("pennylane.workflow.run")  # the module, not its `run`
    jacobian_products = importlib.import_module("pennylane.workflow.jacobian_products")
    real_pipeline = run._construct_ml_execution_pipeline
    real_vjp = jacobian_products.TransformJacobianProducts.compute_vjp

    def pipeline(*args, **kwargs):
        jpc, execute_fn = real_pipeline(*args, **kwargs)
        inner = getattr(execute_fn, "keywords", {}).get("jpc")
        if isinstance(inner, jacobian_products.TransformJacobianProducts):
            inner._second_derivative = True  # noqa: SLF001 - the fault's own mark
        return jpc, execute_fn

    def compute_vjp(self, tapes, dy):
        vjps = real_vjp(self, tapes, dy)
        if getattr(self, "_second_derivative", False):
            return tuple(v * (1 + 1e-3) for v in vjps)
        return vjps

    mp.setattr(run, "_construct_ml_execution_pipeline", pipeline)
    mp.setattr(jacobian_products.TransformJacobianProducts, "compute_vjp", compute_vjp)
    # A Hessian entry of 0.35 moves by 3.5e-4: far above the analytic tolerance (2e-8), far
    # below the 10000-shot one (0.02 to 0.04). backprop differentiates twice without any
    # calculator, lightning's "best" is adjoint, which uses the device's.
    return lambda rc: (
        FEATURES[rc.cell.feature].derivative == 2
        and rc.cell.shots is None
        and _uses_parameter_shift(rc.cell)
        and rc.expectation.outcome is Outcome.SUPPORTED
    )


def partition_jacobian_zeroed(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """(m) parameter-shift's gradient of a shot vector's second partition (2000 shots) zeroed."""
    module = qml.gradients.parameter_shift
    real = module._evaluate_gradient

    def evaluate(tape_specs, res, data, r0, batch_size):
        grads = real(tape_specs, res, data, r0, batch_size)
        if tape_specs[-1].has_partitioned_shots:
            return (grads[0], grads[1] * 0, *grads[2:])
        return grads

    mp.setattr(module, "_evaluate_gradient", evaluate)
    # The second partition's Jacobian is then exactly 0, so each of its entries is off by
    # |J| (0.37 and 0.59), against a 2000-shot tolerance of 0.1: caught wherever
    # parameter-shift differentiates the shot vector and the cell is declared supported.
    feature = FEATURES["shot-vector"]
    tol = shots_jacobian_tolerance(
        "parameter-shift",
        feature,
        feature.shot_vector[1],
        FAMILY_FAILURE / (CHECKS_PER_SHOT_CELL * SHOT_CELLS),
    )
    assert np.max(np.abs(reference_of(feature).jacobian) - tol) > 0
    return lambda rc: (
        rc.cell.feature == "shot-vector"
        and _uses_parameter_shift(rc.cell)
        and rc.expectation.outcome is Outcome.SUPPORTED
    )


FAULTS = [
    pytest.param(crx_four_term_coefficient, SLICE, id="i-crx-four-term-coefficient"),
    pytest.param(rot_theta_rule_zeroed, SLICE, id="j-rot-theta-rule-zeroed"),
    pytest.param(
        second_measurement_scaled, _slice("multi-measure", "controlled"), id="k-second-measurement-scaled"
    ),
    pytest.param(
        second_derivative_scaled,
        _slice("hessian", "hessian-probs", "controlled"),
        id="l-second-derivative-scaled",
    ),
    pytest.param(
        partition_jacobian_zeroed, _slice("shot-vector", "controlled"), id="m-partition-jacobian-zeroed"
    ),
    *OPARITH_FAULTS,
]


@pytest.mark.parametrize(("fault", "cells"), FAULTS)
def test_feature_fault_fails_exactly_the_affected_cells(
    fault: Callable,
    cells: list[ResolvedCell],
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert_fault_fails_exactly(
        fault, cells, pytester, monkeypatch, test_file="test_features.py", test_function="test_features_cell"
    )
