"""What a hybrid cell's failure text adds to the shared one: the training target and run,
and the command that reruns the cell."""

from __future__ import annotations

from supportmatrix.check import failure
from supportmatrix.check.run import CellRun
from supportmatrix.matrix.families import HYBRID
from supportmatrix.matrix.model import HybridCell, ResolvedCell


def rerun_command(cell: HybridCell) -> str:
    """The pytest command that runs this one hybrid cell again."""
    return failure.rerun_command(HYBRID, cell)


def failure_lines(run: CellRun, rc: ResolvedCell) -> tuple[list[str], list[str]]:
    """Context lines and reproduction lines for `check.failure.failure_message`."""
    context = []
    if rc.training is not None:
        context.append(f"  training target: {rc.training.describe()}")
    if run.training is not None:
        context.append(f"  training: {run.training.describe()}")
    return context, [rerun_command(run.cell)]
