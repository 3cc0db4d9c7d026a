"""Failure messages a person can act on: what was declared, what happened, how to reproduce."""

from __future__ import annotations

from supportmatrix.check.circuits import reproduction_snippet
from supportmatrix.check.classify import Observed, ObservedWarning
from supportmatrix.matrix.model import Expectation
from supportmatrix.check.runner import Run


def failure_message(run: Run, expectation: Expectation, problems: list[str]) -> str:
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


def detail_lines(observed: Observed, warnings: tuple[ObservedWarning, ...]) -> list[str]:
    """A multi-line exception message in full, and the warnings no declaration judges."""
    lines = []
    if observed.error is not None and "\n" in observed.error.message.strip():
        lines.append("  full exception message:")
        lines += [f"    {line}" for line in observed.error.message.strip().splitlines()]
    third_party = [w for w in warnings if not w.pennylane]
    if third_party:
        lines.append("  third-party warnings (recorded, not judged):")
        lines += [f"    {w.describe()} at {w.filename}:{w.lineno}" for w in third_party]
    return lines
