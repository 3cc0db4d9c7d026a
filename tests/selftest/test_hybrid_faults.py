"""Self-tests for the hybrid tuple-return cells: change how TorchLayer assembles a tuple
return on a batch, and check that exactly the predicted ``torch-layer-tuple`` cells fail.

On PennyLane 0.45.1 TorchLayer assembles a tuple return on a batch as (n_meas, batch, 1)
(#9284), and every ``torch-layer-tuple`` cell that reaches the layer is declared
``incorrect`` for it. So a fault on top of the bug changes no outcome; the faults here first
put in #9284's fix (the tuple's entries concatenated per point, (batch, n_meas), as for a
list return), so that the tuple cells behave as their list twins ``torch-layer-...``, and:

- ``fix_tuple_assembly``, the fix alone: every tuple cell whose declaration differs from its
  twin's must fail (they now behave as the twin), the others pass. This is what the
  0.46.0-dev81 pre-release, which has the fix, must show.
- ``scramble_tuple_assembly``, the fix with the numbers laid out in the wrong order in the
  right shape ((n_meas, batch) read as (batch, n_meas): what ``Linear`` takes silently).
  The cells must catch it as ``incorrect``, as declared: only those whose twin raises after
  the layer (parameter-shift and finite-diff refuse the broadcast inputs) fail, because the
  error comes out as it does for the twin. If the scramble went unseen, the twins' supported
  cells (default.qubit best, backprop, adjoint) would fail too.

The predictions come from the declarations of matrix.yaml alone. torch cells run in the
pytest process, so the patch reaches them; Keras cells run in worker processes it does not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax  # noqa: F401 - imported outside pytester's runs, see test_fault_injection.py
import pennylane as qml
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (needed by torch-layer-tuple)")

from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import Outcome, ResolvedCell
from tests.selftest.fault_runs import MATRIX_PATH, assert_fault_fails_exactly

pytest_plugins = ("pytester",)

MATRIX = load_matrix(MATRIX_PATH)
DECLARED = MATRIX.family("hybrid").by_id()
TUPLE_CELLS = [rc for rc in MATRIX.family("hybrid").cells if rc.cell.layer == "torch-layer-tuple"]


def _twin(rc: ResolvedCell) -> ResolvedCell:
    """The list-return cell of the same device and diff method."""
    return DECLARED[rc.cell.id.replace("torch-layer-tuple-", "torch-layer-", 1)]


def _same_declaration(a: ResolvedCell, b: ResolvedCell) -> bool:
    return (a.expectation.outcome, a.expectation.error) == (b.expectation.outcome, b.expectation.error)


def _patch_tuple_assembly(mp: pytest.MonkeyPatch, assemble: Callable[[tuple[Any, ...]], Any]) -> None:
    """TorchLayer's per-point results of a tuple return go through ``assemble`` (each entry
    (batch, 1), as 0.45.1 makes them) and reach ``forward`` as one tensor, as with #9284."""
    real = qml.qnn.TorchLayer._evaluate_qnode

    def evaluate(self: Any, x: Any) -> Any:
        res = real(self, x)
        if isinstance(res, tuple) and len(x.shape) > 1:
            assert all(r.shape == (x.shape[0], 1) for r in res), "not 0.45.1's tuple layout"
            return assemble(res)
        return res

    mp.setattr(qml.qnn.TorchLayer, "_evaluate_qnode", evaluate)


def fix_tuple_assembly(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """#9284's fix: the entries side by side, (batch, n_meas)."""
    _patch_tuple_assembly(mp, lambda res: torch.hstack(res))
    return lambda rc: not _same_declaration(rc, _twin(rc))


def scramble_tuple_assembly(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """The fix, but (n_meas, batch) read as (batch, n_meas): right shape, wrong places."""
    _patch_tuple_assembly(mp, lambda res: torch.hstack(res).T.reshape(-1, len(res)))

    def affected(rc: ResolvedCell) -> bool:
        twin = _twin(rc).expectation
        # Wrong values do not stop the run: an error the twin raises after the layer
        # still comes out, where the declaration says incorrect.
        return twin.outcome is Outcome.ERRORS and rc.expectation.outcome is not Outcome.ERRORS

    return affected


def test_the_tuple_cells_are_declared_as_the_bug_where_the_layer_runs() -> None:
    """The premise of the faults: on this matrix's PennyLane every tuple cell but the
    refused lightning.qubit backprop is declared incorrect, and some twins are not."""
    outcomes = {rc.cell.id: rc.expectation.outcome for rc in TUPLE_CELLS}
    assert outcomes.pop("torch-layer-tuple-lightning.qubit-backprop") is Outcome.ERRORS
    assert set(outcomes.values()) == {Outcome.INCORRECT}
    assert any(_twin(rc).expectation.outcome is Outcome.SUPPORTED for rc in TUPLE_CELLS)


@pytest.mark.parametrize("fault", [fix_tuple_assembly, scramble_tuple_assembly], ids=lambda f: f.__name__)
def test_tuple_assembly_fault_fails_exactly_the_predicted_cells(
    fault: Callable[[pytest.MonkeyPatch], Callable[[ResolvedCell], bool]],
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert_fault_fails_exactly(
        fault,
        TUPLE_CELLS,
        pytester,
        monkeypatch,
        test_file="test_hybrid.py",
        test_function="test_hybrid_cell",
    )
