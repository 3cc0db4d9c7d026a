"""Faults for the operator-arithmetic features: PennyLane's Evolution or a controlled operation broken on purpose, each with the cells it must fail.

`test_feature_faults.py` runs them (``FAULTS``) as it runs its own: each fault is patched
into PennyLane in this process, a slice of the real matrix.yaml's features cells runs
in-process with pytester, and the cells that must fail are predicted from the
declarations and what the fault touches.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pennylane as qml
import pytest

from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import Outcome, ResolvedCell
from tests.selftest.fault_runs import MATRIX_PATH

MATRIX = load_matrix(MATRIX_PATH)
HADAMARDS = ("hadamard", "reversed-hadamard", "direct-hadamard", "reversed-direct-hadamard")


def _slice(*features: str, methods: tuple[str, ...]) -> list[ResolvedCell]:
    return [
        rc
        for rc in MATRIX.family("features").cells
        if rc.cell.feature in features
        and rc.cell.interface in ("autograd", "torch", "jax")
        and rc.cell.diff_method in methods
    ]


def evolution_generator_scaled(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """(n) Evolution's generator x (1 + 1e-3), its matrix untouched.

    The generator is what the adjoint method and the hadamard tests differentiate with, and
    what parameter-shift's frequencies come from; backprop and finite-diff differentiate the
    matrix and see nothing. d/dx0 of op-evolve (-2.04) moves by 2e-3: far above the
    analytic bounds, far below the 10000-shot ones. Parameter-shift's analytic cells are
    declared incorrect already (shift-rule-rounded-frequencies) and stay incorrect;
    lightning.qubit refuses Evolution (lq-no-evolution); op-arithmetic has none.
    """
    cls = qml.ops.op_math.Evolution
    real = cls.generator

    def generator(self):
        return qml.s_prod(1 + 1e-3, real(self))

    mp.setattr(cls, "generator", generator)
    return lambda rc: (
        rc.cell.feature == "op-evolve"
        and rc.cell.shots is None
        and rc.cell.diff_method in ("adjoint", *HADAMARDS)
        and rc.expectation.outcome is Outcome.SUPPORTED
    )


def controlled_rule_scaled(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """(o) the four-term rule of ``qml.ctrl(RX, control_values=0)`` (C(RX)) x (1 + 1e-3).

    Only op-arithmetic's x3 feeds it, so only its cells differentiated by parameter-shift
    (declared supported, analytic: 1e-3 of d/dx3 = 0.29 is below the 10000-shot bound) fail;
    backprop, adjoint, the hadamard tests and op-evolve do not use the rule.
    """
    module = qml.gradients.parameter_shift
    real = module._get_operation_recipe

    def recipe(tape, t_idx, shifts, order=1):
        rule = real(tape, t_idx, shifts, order)
        op, _, _ = tape.get_operation(t_idx)
        if op.name == "C(RX)":
            rule = np.array(rule, dtype=float)
            rule[:, 0] *= 1 + 1e-3
        return rule

    mp.setattr(module, "_get_operation_recipe", recipe)
    return lambda rc: (
        rc.cell.feature == "op-arithmetic"
        and rc.cell.shots is None
        and rc.cell.diff_method == "parameter-shift"
        and rc.expectation.outcome is Outcome.SUPPORTED
    )


FAULTS = [
    pytest.param(
        evolution_generator_scaled,
        _slice(
            "op-evolve",
            "op-arithmetic",
            methods=("backprop", "adjoint", "parameter-shift", "hadamard", "direct-hadamard"),
        ),
        id="n-evolution-generator-scaled",
    ),
    pytest.param(
        controlled_rule_scaled,
        _slice("op-arithmetic", "op-evolve", methods=("best", "backprop", "adjoint", "parameter-shift")),
        id="o-controlled-rule-scaled",
    ),
]
