"""Self-tests for the mid-circuit measurement features: break PennyLane's postselection renormalisation, or one-shot's gathering of outcomes, and check that exactly the predicted ``mcm-*`` cells fail.

As in `test_feature_faults.py`: the fault is patched into PennyLane in this process, a
slice of the real matrix.yaml's ``mcm-*`` cells runs in-process with pytester, and the
cells that must fail are predicted from the declarations and what the fault touches.
"""

from __future__ import annotations

from collections.abc import Callable

import jax  # noqa: F401 - imported outside pytester's runs, see test_fault_injection.py
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (needed by the fault's slice)")

from supportmatrix.matrix.devices import PYTHON_STATEVECTOR
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import Outcome, ResolvedCell
from tests.selftest.fault_runs import MATRIX_PATH, assert_fault_fails_exactly

pytest_plugins = ("pytester",)

MATRIX = load_matrix(MATRIX_PATH)

#: Postselection under both methods that run analytically: tree-traversal prunes branches
#: instead of renormalising the state, so its cells are the slice's untouched half.
SLICE = [
    rc
    for rc in MATRIX.family("features").cells
    if rc.cell.feature in ("mcm-postselect-deferred", "mcm-postselect-tree-traversal")
    and rc.cell.interface in ("None", "autograd", "torch")
    and rc.cell.diff_method in ("best", "backprop", "parameter-shift", "finite-diff")
]


def renormalisation_scaled(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """default.qubit's postselected state divided by its norm, then scaled by 1 + 1e-3
    (analytic runs only: a state that is not normalised cannot be sampled)."""
    import importlib

    simulate = importlib.import_module("pennylane.devices.qubit.simulate")  # the module
    real = simulate._postselection_postprocess

    def scaled(state, is_state_batched, shots, **kwargs):
        state, shots_out = real(state, is_state_batched, shots, **kwargs)
        return (state if shots else state * (1 + 1e-3)), shots_out

    mp.setattr(simulate, "_postselection_postprocess", scaled)
    # <Z0> = 0.716 then comes out 2e-3 larger, and its Jacobian 2e-3 relatively: far above
    # every analytic tolerance (below 1e-3 even for finite-diff), so every deferred cell on
    # default.qubit that runs its forward pass to a right value fails; cells declared
    # incorrect stay incorrect, refusals still raise. lightning.qubit postselects itself.
    return lambda rc: (
        rc.cell.feature == "mcm-postselect-deferred"
        and rc.cell.device == PYTHON_STATEVECTOR
        and rc.cell.shots is None
        and rc.expectation.outcome in (Outcome.SUPPORTED, Outcome.NO_GRADIENT)
    )


def test_a_scaled_renormalisation_fails_exactly_the_deferred_postselected_cells(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_fault_fails_exactly(
        renormalisation_scaled,
        SLICE,
        pytester,
        monkeypatch,
        test_file="test_features.py",
        test_function="test_features_cell",
    )


#: One-shot's statistics of a measurement (``mcm-stats``) against its observable measurement
#: (``mcm-reset``, whose probabilities are of wires, not of outcomes): the untouched half.
ONE_SHOT_SLICE = [
    rc
    for rc in MATRIX.family("features").cells
    if rc.cell.feature in ("mcm-stats-one-shot", "mcm-reset-one-shot")
    and rc.cell.shots is not None
    and rc.cell.interface in ("None", "autograd", "torch")
    and rc.cell.diff_method in ("best", "parameter-shift", "finite-diff")
]


def one_shot_outcomes_flipped(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """One-shot's gathering of a measurement's statistics reads every outcome flipped
    (0 for 1 and 1 for 0), as a sign error in PennyLane's ``gather_mcm`` would."""
    import importlib

    one_shot = importlib.import_module("pennylane.transforms.dynamic_one_shot")  # the module
    real = one_shot.gather_mcm

    def flipped(measurement, samples, is_valid, postselect_mode=None):
        return real(measurement, {k: 1 - v for k, v in samples.items()}, is_valid, postselect_mode)

    mp.setattr(one_shot, "gather_mcm", flipped)
    # Both devices run one-shot through dynamic_one_shot, whose measurement handler looks
    # gather_mcm up in its module. P(m = 1) = 0.186 then reads 0.814 and its derivatives
    # change sign, far above the 200 shots' bounds (0.22 on a value, 0.16 on a derivative),
    # so every mcm-stats cell that reaches a right value fails; cells declared incorrect
    # (finite differences of shot noise) stay incorrect. mcm-reset measures wires, which
    # gather_non_mcm gathers: untouched.
    return lambda rc: (
        rc.cell.feature == "mcm-stats-one-shot"
        and rc.expectation.outcome in (Outcome.SUPPORTED, Outcome.NO_GRADIENT)
    )


def test_flipped_one_shot_outcomes_fail_exactly_the_one_shot_statistics_cells(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_fault_fails_exactly(
        one_shot_outcomes_flipped,
        ONE_SHOT_SLICE,
        pytester,
        monkeypatch,
        test_file="test_features.py",
        test_function="test_features_cell",
    )
