"""Failure messages for hybrid cells: what was declared, what happened, how to rerun it."""

from __future__ import annotations

from supportmatrix.hybrid.runner import HybridRun
from supportmatrix.matrix.model import HybridCell, ResolvedHybridCell
from supportmatrix.check.failure import detail_lines


def rerun_command(cell: HybridCell) -> str:
    """The pytest command that runs this one hybrid cell again."""
    return f".venv/bin/pytest tests/test_hybrid.py -p no:randomly -k '{cell.id}'"


def hybrid_failure_message(run: HybridRun, rc: ResolvedHybridCell, problems: list[str]) -> str:
    """The text pytest shows when a hybrid cell's observation disagrees with matrix.yaml."""
    lines = [f"[{run.cell.id}]"]
    lines += [f"  {p}" for p in problems]
    lines.append(f"  declared: {rc.expectation.describe()}")
    if rc.training is not None:
        lines.append(f"  training target: {rc.training.describe()}")
    lines.append(f"  observed: {run.observed.describe()}")
    if run.training is not None:
        lines.append(f"  training: {run.training.describe()}")
    lines += detail_lines(run.observed, run.warnings)
    lines.append("  reproduce with:")
    lines.append(f"    {rerun_command(run.cell)}")
    lines.append("  if PennyLane's new behaviour is right, declare it under hybrid: in matrix.yaml "
                 "and regenerate docs/support-table.md.")
    return "\n".join(lines)
