"""What a QNode cell's failure text adds to the shared one: the method PennyLane resolved,
and a snippet that rebuilds the cell."""

from __future__ import annotations

from supportmatrix.check.circuits import reproduction_snippet
from supportmatrix.matrix.model import ResolvedCell
from supportmatrix.check.run import CellRun
from supportmatrix.qnode.runner import QNodeInputs


def failure_lines(run: CellRun, rc: ResolvedCell) -> tuple[list[str], list[str]]:
    """Context lines and reproduction lines for `check.failure.failure_message`."""
    cell = run.cell
    context = []
    if run.resolved_method and run.resolved_method != cell.diff_method:
        context.append(f"  diff_method {cell.diff_method!r} resolved to {run.resolved_method!r}")
    inputs = run.extras or QNodeInputs()
    snippet = reproduction_snippet(cell, shape=inputs.shape, params=inputs.params, run=inputs.run)
    return context, snippet.splitlines()
