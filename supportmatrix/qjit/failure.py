"""What a Catalyst cell's failure text adds to the shared one: compile and run times, and
the program that reproduces the cell."""

from __future__ import annotations

from supportmatrix.check.oracle import reference
from supportmatrix.check.run import CellRun
from supportmatrix.check.snippet_oracle import comparison_lines
from supportmatrix.matrix.model import QjitCell, ResolvedCell
from supportmatrix.qjit.programs import reproduction_snippet
from supportmatrix.qjit.runner import QjitTimings
from supportmatrix.qjit.tolerance import hessian_reference


def failure_lines(run: CellRun, rc: ResolvedCell) -> tuple[list[str], list[str]]:
    """Context lines and reproduction lines for `check.failure.failure_message`."""
    timings = ", ".join(
        f"{stage} {seconds:.2f} s" for stage, seconds in (run.extras or QjitTimings()).stage_seconds
    )
    context = [f"  compile and run: {timings}"] if timings else []
    return context, reproduction_snippet(run.cell).splitlines()


def oracle_lines(cell: QjitCell) -> list[str]:
    """Lines to append to the cell's program: its forward value and derivative next to the
    oracle's (a second derivative against the nested stencil's Hessian, entry [o, j, i])."""
    first = reference(cell.measurement)
    if first is None:
        return []
    if cell.derivative == "second":
        href = hessian_reference(cell.measurement)
        right = first.jacobian if href is None else href.hessian
    else:
        right = first.jacobian
    return comparison_lines([("value", "forward(x)", first.value), ("derivative", "derivative(x)", right)])
