"""What a QNode cell's failure text adds to the shared one: a snippet that rebuilds the cell."""

from __future__ import annotations

from supportmatrix.check.circuits import reproduction_snippet
from supportmatrix.check.run import CellRun
from supportmatrix.matrix.model import ResolvedCell
from supportmatrix.qnode.runner import QNodeInputs


def failure_lines(run: CellRun, rc: ResolvedCell) -> tuple[list[str], list[str]]:
    """Context lines (none: the shared text says all) and reproduction lines for
    `check.failure.failure_message`."""
    inputs = run.extras or QNodeInputs()
    snippet = reproduction_snippet(run.cell, shape=inputs.shape, params=inputs.params,
                                   run=inputs.run)
    return [], snippet.splitlines()
