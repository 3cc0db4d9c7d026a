"""Failure messages for Catalyst cells: what was declared, what happened, and the program to rerun."""

from __future__ import annotations

from supportmatrix.check.failure import detail_lines
from supportmatrix.matrix.model import ResolvedQjitCell
from supportmatrix.qjit.programs import reproduction_snippet
from supportmatrix.qjit.runner import QjitRun


def qjit_failure_message(run: QjitRun, rc: ResolvedQjitCell, problems: list[str]) -> str:
    """The text pytest shows when a Catalyst cell's observation disagrees with matrix.yaml."""
    lines = [f"[{run.cell.id}]"]
    lines += [f"  {p}" for p in problems]
    lines.append(f"  declared: {rc.expectation.describe()}")
    lines.append(f"  observed: {run.observed.describe()}")
    lines += detail_lines(run.observed, run.warnings)
    timings = ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in run.stage_seconds)
    if timings:
        lines.append(f"  compile and run: {timings}")
    lines.append("  reproduce with:")
    lines += [f"    {line}" if line else "" for line in reproduction_snippet(run.cell).splitlines()]
    lines.append("  if Catalyst's new behaviour is right, declare it under qjit: in matrix.yaml "
                 "and regenerate docs/qjit-table.md.")
    return "\n".join(lines)
