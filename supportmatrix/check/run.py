"""The one record of a cell's run, whatever its family: what it observed, and the family's
own extras (what reproduces the run, a training run, compile times)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from supportmatrix.check.classify import Observed, ObservedWarning, ValueCheck
from supportmatrix.matrix.model import TrainingRecord


@dataclass(frozen=True)
class CellRun:
    """Everything observed when one cell ran.

    ``resolved_method`` is the diff method PennyLane resolved (None where nothing can be
    asked); ``training`` the training run of a family that trains a model; ``extras`` what
    the family's failure text needs beyond the cell, its own record (e.g. the circuit and
    parameters a QNode cell ran with).
    """

    cell: Any
    observed: Observed
    warnings: tuple[ObservedWarning, ...]
    seconds: float
    #: Every value comparison made, passed or not (the verdict needs only the first failure).
    checks: tuple[ValueCheck, ...] = ()
    resolved_method: str | None = None
    training: TrainingRecord | None = None
    extras: Any = None
