"""What a Catalyst cell's failure text adds to the shared one: compile and run times, and
the program that reproduces the cell."""

from __future__ import annotations

from supportmatrix.check.run import CellRun
from supportmatrix.matrix.model import ResolvedCell
from supportmatrix.qjit.programs import reproduction_snippet
from supportmatrix.qjit.runner import QjitTimings


def failure_lines(run: CellRun, rc: ResolvedCell) -> tuple[list[str], list[str]]:
    """Context lines and reproduction lines for `check.failure.failure_message`."""
    timings = ", ".join(f"{stage} {seconds:.2f} s"
                        for stage, seconds in (run.extras or QjitTimings()).stage_seconds)
    context = [f"  compile and run: {timings}"] if timings else []
    return context, reproduction_snippet(run.cell).splitlines()
