"""The failure text of a cell of any family: what was declared and where, what happened,
how to reproduce it, and the command that would accept it.

Each family adds only what is its own (`families.Family.failure`): a few context lines
(the method PennyLane resolved, a training run, compile times) and the lines that
reproduce the cell (a snippet, a program, a command).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import Any

from supportmatrix.check.classify import Observed, ObservedWarning
from supportmatrix.matrix.families import Family
from supportmatrix.matrix.model import ResolvedCell


def failure_message(
    family: Family, rc: ResolvedCell, run: Any, problems: Sequence[str], *, matrix_file: str
) -> str:
    """The text pytest shows when a cell's observation disagrees with its declaration."""
    context, reproduce = family.load("failure")(run, rc)
    lines = [f"[{rc.cell.id}]", *(f"  {p}" for p in problems)]
    lines.append(f"  declared: {rc.expectation.describe()}")
    lines.append(f"  observed: {run.observed.describe()}")
    asked = getattr(rc.cell, "diff_method", None)
    if run.resolved_method and run.resolved_method != asked:
        lines.append(f"  diff_method {asked!r} resolved to {run.resolved_method!r}")
    lines += context
    lines += detail_lines(run.observed, run.warnings)
    lines.append("  reproduce with:")
    lines += [f"    {line}" if line else "" for line in reproduce]
    lines += declaration_lines(family, rc, matrix_file=matrix_file)
    return "\n".join(lines)


def rerun_command(family: Family, cell: Any) -> str:
    """The pytest command that runs this one cell of ``family`` again."""
    option = "" if family.runs_by_default else f" --{family.name}"
    return f".venv/bin/pytest {family.test_file} -p no:randomly{option} -k '{cell.id}'"


def declaration_lines(family: Family, rc: ResolvedCell, *, matrix_file: str) -> list[str]:
    """Where the declaration came from, each deciding rule as ``FILE:LINE (field)``, and the
    commands that would write what was observed into the file instead."""
    decided = ", ".join(f"{matrix_file}:{d.line} ({d.field})" for d in rc.decisions)
    option = "" if family.runs_by_default else f" --{family.name}"
    return [
        f"  declared by: {decided or matrix_file}",
        "  if the new behaviour is right, accept it (a rule gated on the installed release):",
        f"    supportmatrix observe --matrix {shlex.quote(matrix_file)}{option} "
        f"-k {shlex.quote(rc.cell.id)} -o observed.json",
        f"    supportmatrix update --matrix {shlex.quote(matrix_file)} --from observed.json",
        f"  and regenerate {family.table}.",
    ]


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
