"""Choosing the representative cell of each class that the property tests run."""

from __future__ import annotations

from supportmatrix.matrix.model import Expectation, FamilyCells, Matrix, Outcome, QNodeCell, ResolvedCell
from supportmatrix.qnode.representatives import supported_classes

SUPPORTED = Expectation(Outcome.SUPPORTED)
INCORRECT = Expectation(Outcome.INCORRECT, note="wrong")


def _rc(
    interface: str, method: str, expectation: Expectation = SUPPORTED, shots: int | None = None
) -> ResolvedCell:
    return ResolvedCell(QNodeCell("default.qubit", interface, method, "expval", shots), expectation)


def test_one_cheapest_supported_analytic_cell_per_class():
    cells = (
        _rc("jax-jit", "backprop"),
        _rc("torch", "backprop"),
        _rc("autograd", "backprop", INCORRECT),
        _rc("autograd", "adjoint", shots=100),  # finite shots: not sampled
        _rc("tf", "adjoint", INCORRECT),  # no supported cell: no class
    )
    matrix = Matrix("m.yaml", {}, {"qnode": FamilyCells({}, cells)})
    assert [rc.cell.id for rc in supported_classes(matrix)] == [
        "default.qubit-torch-backprop-expval-analytic"
    ]
