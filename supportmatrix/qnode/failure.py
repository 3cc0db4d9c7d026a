"""The QNode family's failure messages a person can act on: what was declared, what happened, how to reproduce."""

from __future__ import annotations

from supportmatrix.check.circuits import reproduction_snippet
from supportmatrix.check.failure import detail_lines
from supportmatrix.matrix.model import Expectation
from supportmatrix.qnode.runner import QNodeRun


def failure_message(run: QNodeRun, expectation: Expectation, problems: list[str]) -> str:
    """The text pytest shows when a cell's observation disagrees with matrix.yaml."""
    cell = run.cell
    lines = [f"[{cell.id}]"]
    lines += [f"  {p}" for p in problems]
    lines.append(f"  declared: {expectation.describe()}")
    lines.append(f"  observed: {run.observed.describe()}")
    if run.resolved_method and run.resolved_method != cell.diff_method:
        lines.append(f"  diff_method {cell.diff_method!r} resolved to {run.resolved_method!r}")
    lines += detail_lines(run.observed, run.warnings)
    lines.append("  reproduce with:")
    lines += [f"    {line}" if line else "" for line in reproduction_snippet(
        cell, shape=run.shape, params=run.params, run=run.run).splitlines()]
    lines.append("  if PennyLane's new behaviour is right, declare it in matrix.yaml "
                 "and regenerate docs/support-table.md.")
    return "\n".join(lines)
