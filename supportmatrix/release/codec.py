"""A cell's record in the results file: built from a run, written as JSON, read back.

`CellRecord` is the one form a record takes in memory: `CellRecord.of_run` builds it
from any family's run, `to_json` writes it and `from_json` reads it back. What a record reads back as is
`observed_matrix`'s (the expectations it observed) and `behaviour`'s (for ``diff``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from supportmatrix.check.classify import Observed, ObservedError, ObservedWarning, ValueCheck
from supportmatrix.check.run import CellRun
from supportmatrix.matrix.families import FAMILIES, Family, family_named, family_of
from supportmatrix.matrix.model import (
    Expectation,
    Outcome,
    ResolvedCell,
    Stage,
    TrainingRecord,
    TrainingSpec,
)

#: A cell of any family (`families.Family.make_cell`).
AnyCell = Any

#: A cell's status in a run: judged against matrix.yaml, or not judged at all.
STATUSES = ("pass", "fail", "skipped", "crashed")

# --------------------------------------------------------------------------- the record


def axes_json(cell: AnyCell) -> dict[str, Any]:
    """A cell's axis values by name, in its family's axis order."""
    return {axis: cell.axis_value(axis) for axis in family_of(cell).axis_names}


def cell_from_axes(axes: dict[str, Any]) -> AnyCell:
    """The cell `axes_json` wrote: of the family whose axis names these are."""
    names = tuple(axes)
    for family in FAMILIES:
        if family.axis_names == names:
            return family.make_cell(*(axes[a] for a in names))
    raise ValueError(f"no family has the axes {', '.join(names)}")


@dataclass(frozen=True)
class CheckRecord:
    """One comparison with the reference as recorded: its verdict, largest errors (None:
    the shapes differ, or a dtype check, which compares no values) and how close it came
    to its tolerance; the compared values themselves are not kept.

    ``error_to_tolerance`` is the largest error / tolerance over entries (1: at the bound),
    None where the shapes differ, a tolerance is 0, for a dtype check, or in a file written
    before it was recorded.
    """

    what: str
    criterion: str
    passed: bool
    max_abs_error: float | None
    max_rel_error: float | None
    error_to_tolerance: float | None = None

    @classmethod
    def of_check(cls, check: ValueCheck) -> CheckRecord:
        """The record of a comparison made in a run."""
        return cls(
            check.what,
            check.criterion,
            check.passed,
            _finite(check.max_abs),
            _finite(check.max_rel),
            error_to_tolerance(check),
        )


def error_to_tolerance(check: ValueCheck) -> float | None:
    """The largest error / tolerance over a check's entries, with the check's own per-entry
    error (`ValueCheck.errors`: a complex entry's imaginary part counts); None where nothing
    is compared (shapes differ, no entry, a dtype check) or a tolerance is 0 (an exact
    comparison has no scale)."""
    errors = check.errors()
    if errors is None:
        return None
    tolerance = np.broadcast_to(check.tolerance, errors.shape)
    if np.any(tolerance == 0):
        return None
    return _finite(float(np.max(errors / tolerance)))  # NaN observed: no ratio to speak of


@dataclass(frozen=True)
class Observation:
    """What a cell that ran to the end observed, as far as the results file keeps it.

    ``observed`` holds the outcome and the error, not the failed check (its values are not
    kept); ``detail`` is the run's ``Observed.describe()``. Warnings keep category, message
    and origin, not the file and line (blank here). ``training`` is a hybrid cell's training
    run (None when it did not train).
    """

    observed: Observed
    warnings: tuple[ObservedWarning, ...]
    checks: tuple[CheckRecord, ...]
    resolved_method: str | None
    detail: str
    training: TrainingRecord | None = None

    @property
    def max_abs_error(self) -> float | None:
        return _largest(c.max_abs_error for c in self.checks)

    @property
    def max_rel_error(self) -> float | None:
        return _largest(c.max_rel_error for c in self.checks)

    def to_json(self, *, trains: bool) -> dict[str, Any]:
        """The record's ``observed`` field; a trained cell's has ``training`` as well."""
        error = self.observed.error
        data: dict[str, Any] = {
            "outcome": self.observed.outcome.value,
            "error": None
            if error is None
            else {
                "class": error.cls,
                "module": error.module,
                "message": error.message,
                "stage": error.stage.value,
            },
            "warnings": [
                {"category": w.category, "message": w.message, "pennylane": w.pennylane}
                for w in self.warnings
            ],
            "checks": [
                {
                    "what": c.what,
                    "criterion": c.criterion,
                    "passed": c.passed,
                    "max_abs_error": c.max_abs_error,
                    "max_rel_error": c.max_rel_error,
                    "error_to_tolerance": c.error_to_tolerance,
                }
                for c in self.checks
            ],
            "max_abs_error": self.max_abs_error,
            "max_rel_error": self.max_rel_error,
            "resolved_method": self.resolved_method,
            "detail": self.detail,
        }
        if trains:
            t = self.training
            data["training"] = (
                None
                if t is None
                else {
                    "epochs": t.epochs,
                    "accuracies": list(t.accuracies),
                    "wall_seconds": t.wall_seconds,
                    "peak_memory_bytes": t.peak_memory_bytes,
                }
            )
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Observation:
        """The observation `to_json` wrote."""
        error = data["error"]
        t = data.get("training")
        return cls(
            observed=Observed(
                Outcome(data["outcome"]),
                error=None
                if error is None
                else ObservedError(Stage(error["stage"]), error["class"], error["module"], error["message"]),
            ),
            warnings=tuple(
                ObservedWarning(w["category"], w["message"], "", 0, w["pennylane"]) for w in data["warnings"]
            ),
            # error_to_tolerance is absent in files written before it was recorded
            checks=tuple(
                CheckRecord(
                    c["what"],
                    c["criterion"],
                    c["passed"],
                    c["max_abs_error"],
                    c["max_rel_error"],
                    c.get("error_to_tolerance"),
                )
                for c in data["checks"]
            ),
            resolved_method=data["resolved_method"],
            detail=data["detail"],
            training=None
            if t is None
            else TrainingRecord(
                t["epochs"], tuple(t["accuracies"]), t["wall_seconds"], t["peak_memory_bytes"]
            ),
        )


@dataclass(frozen=True)
class CellRecord:
    """One cell's line in the results file: its declaration and what it observed.

    ``observation`` is None for a cell that was skipped or crashed, and ``reason`` says
    why. ``training_target`` is the declared `TrainingSpec` of a cell whose family trains
    (`trains`).
    """

    cell: AnyCell
    declared: Expectation
    status: str
    observation: Observation | None
    problems: tuple[str, ...] = ()
    seconds: float | None = None
    reason: str | None = None
    training_target: TrainingSpec | None = None

    @property
    def id(self) -> str:
        return self.cell.id

    @property
    def family(self) -> str:
        """Its family's name (`families.Family.name`)."""
        return family_of(self.cell).name

    @classmethod
    def of_run(cls, resolved: ResolvedCell, run: CellRun, problems: Iterable[str]) -> CellRecord:
        """The record of a cell that ran (any family's run), with ``problems``, its mismatches."""
        training = run.training
        if training is not None:
            training = TrainingRecord(
                training.epochs,
                tuple(training.accuracies),
                round(training.wall_seconds, 6),
                training.peak_memory_bytes,
            )
        # Only what the file keeps, so that a record read back equals the one written.
        observation = Observation(
            observed=Observed(run.observed.outcome, error=run.observed.error),
            warnings=tuple(dataclasses.replace(w, filename="", lineno=0) for w in run.warnings),
            checks=tuple(CheckRecord.of_check(c) for c in run.checks),
            resolved_method=run.resolved_method,
            detail=run.observed.describe(),
            training=training,
        )
        problems = tuple(problems)
        return cls(
            resolved.cell,
            resolved.expectation,
            "fail" if problems else "pass",
            observation,
            problems,
            round(run.seconds, 6),
            training_target=resolved.training,
        )

    @classmethod
    def unrun(
        cls, resolved: ResolvedCell, *, status: str, reason: str, seconds: float | None = None
    ) -> CellRecord:
        """The record of a cell that was skipped, or crashed before it could report."""
        if status not in ("skipped", "crashed"):
            raise ValueError(f"status {status!r} is not one of 'skipped', 'crashed'")
        return cls(
            resolved.cell,
            resolved.expectation,
            status,
            None,
            () if status == "skipped" else (reason,),
            seconds,
            reason,
            resolved.training,
        )

    def to_json(self) -> dict[str, Any]:
        """The record as the results file holds it (`results.schema.json`'s ``cell``)."""
        trained = trains(family_of(self.cell))
        declared = self.declared.to_json()
        if trained:  # the training target is part of a trained cell's declaration
            target = self.training_target
            declared["training"] = None if target is None else target.to_json()
        data: dict[str, Any] = {
            "id": self.id,
            "axes": axes_json(self.cell),
            "declared": declared,
            "status": self.status,
            "observed": None if self.observation is None else self.observation.to_json(trains=trained),
            "problems": list(self.problems),
        }
        if self.reason is not None:
            data["reason"] = self.reason
        data["seconds"] = self.seconds
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CellRecord:
        """The record `to_json` wrote; the document must have passed `results.validate`."""
        target = data["declared"].get("training")  # absent in files from before it was recorded
        observed = data["observed"]
        return cls(
            cell=cell_from_axes(data["axes"]),
            declared=Expectation.from_json(data["declared"]),
            status=data["status"],
            observation=None if observed is None else Observation.from_json(observed),
            problems=tuple(data["problems"]),
            seconds=data["seconds"],
            reason=data.get("reason"),
            training_target=None if target is None else TrainingSpec.from_json(target),
        )


def records_of(document: dict[str, Any], family: str | None = None) -> list[CellRecord]:
    """A results document's records: one family's (by name), or every family's."""
    families = FAMILIES if family is None else (family_named(family),)
    return [CellRecord.from_json(r) for f in families for r in document.get(f.results_key, ())]


def trains(family: Family) -> bool:
    """Whether a family's cells train a model, so that their records keep the training
    target and run."""
    return "training" in family.rule_fields


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None  # JSON has no inf or NaN; None: nothing compared


def _largest(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None
