"""What a QNode cell's failure text adds to the shared one: a snippet that rebuilds the cell."""

from __future__ import annotations

from supportmatrix.check.circuits import reproduction_snippet
from supportmatrix.check.oracle import reference
from supportmatrix.check.run import CellRun
from supportmatrix.check.snippet_oracle import comparison_lines
from supportmatrix.matrix.model import QNodeCell, ResolvedCell
from supportmatrix.qnode.runner import QNodeInputs


def failure_lines(run: CellRun, rc: ResolvedCell) -> tuple[list[str], list[str]]:
    """Context lines (none: the shared text says all) and reproduction lines for
    `check.failure.failure_message`."""
    inputs = run.extras or QNodeInputs()
    snippet = reproduction_snippet(run.cell, shape=inputs.shape, params=inputs.params, run=inputs.run)
    return [], snippet.splitlines()


def oracle_lines(cell: QNodeCell) -> list[str]:
    """Lines to append to the cell's snippet: its value and Jacobian next to the oracle's
    (none for counts, which have no reference)."""
    ref = reference(cell.measurement)
    if ref is None:
        return []
    return comparison_lines([("value", "f(x)", ref.value), ("Jacobian", "jac", ref.jacobian)])
