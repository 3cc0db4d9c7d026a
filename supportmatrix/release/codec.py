"""A cell's record in the results file, and what it reads back as.

`CellRecord` is the one form a record takes in memory: `CellRecord.of_run` builds it
from a run (a `check.runner.Run` or a `hybrid.runner.HybridRun`), `to_json` writes it
and `from_json` reads it back, for both families. What it reads back as: the
expectation it observed (`observed_expectation`), the matrix a whole document observed
(`observed_matrix`) and, for ``diff``, its `Behaviour`.

An observation that satisfies its own declaration is expressed with the declared
specs (so an unchanged run renders exactly as the declared table); anything else
gets specs built from the observed class and message.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from supportmatrix.check.classify import Observed, ObservedError, ObservedWarning
from supportmatrix.hybrid.runner import TrainingRecord
from supportmatrix.matrix.model import (
    Cell,
    ErrorSpec,
    Expectation,
    HybridCell,
    Matrix,
    Outcome,
    ResolvedCell,
    ResolvedHybridCell,
    Stage,
    TrainingSpec,
    WarningSpec,
)

if TYPE_CHECKING:
    from supportmatrix.check.runner import Run
    from supportmatrix.hybrid.runner import HybridRun

#: The two families of cells; a document lists them under these keys.
QNODE, HYBRID = "qnode", "hybrid"
FAMILY_KEYS = {QNODE: "cells", HYBRID: "hybrid_cells"}

#: A cell's status in a run: judged against matrix.yaml, or not judged at all.
STATUSES = ("pass", "fail", "skipped", "crashed")

#: Longest message fragment a generated regex keeps; messages may run to many lines.
MESSAGE_KEY_LENGTH = 120

#: jax's error for an exception raised inside a callback: XlaRuntimeError up to jax 0.7,
#: JaxRuntimeError in newer releases (seen with jax 0.10.2); the last line holds the original.
JAX_RUNTIME_ERRORS = frozenset({"XlaRuntimeError", "JaxRuntimeError"})

#: Object addresses in reprs (``<default.qubit device at 0x7f2b...>``) differ in every run.
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_ADDRESS_SHOWN = "0x…"


def message_key(cls: str, message: str) -> str:
    """The part of an exception or warning message that identifies it: its first line,
    or the last for jax's runtime error, whose last line names the original error;
    object addresses are blanked out, since they change from run to run."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[-1] if cls in JAX_RUNTIME_ERRORS else lines[0]
    return _ADDRESS.sub(_ADDRESS_SHOWN, line)[:MESSAGE_KEY_LENGTH]


_REGEX_SPECIALS = re.compile(r"([.^$*+?{}\[\]\\|()#])")


def pattern_for(cls: str, message: str) -> re.Pattern[str]:
    """A regex matching this message's key literally, for declaring what was observed.

    Only metacharacters are escaped (unlike `re.escape`, which escapes spaces too), so
    the regex written into matrix.yaml still reads as the message.
    """
    literal = _REGEX_SPECIALS.sub(r"\\\1", message_key(cls, message))
    return re.compile(literal.replace(_ADDRESS_SHOWN, "0x[0-9a-f]+"))


# --------------------------------------------------------------------------- the record


def axes_json(cell: Cell | HybridCell) -> dict[str, Any]:
    """A cell's axis values by name, for either family."""
    if isinstance(cell, HybridCell):
        return {"layer": cell.layer, "device": cell.device, "diff_method": cell.diff_method}
    return {"device": cell.device, "interface": cell.interface, "diff_method": cell.diff_method,
            "measurement": cell.measurement, "shots": cell.shots}


def cell_from_axes(axes: dict[str, Any]) -> Cell | HybridCell:
    """The cell `axes_json` wrote; a ``layer`` axis makes it a hybrid cell."""
    if "layer" in axes:
        return HybridCell(axes["layer"], axes["device"], axes["diff_method"])
    return Cell(axes["device"], axes["interface"], axes["diff_method"], axes["measurement"],
                axes["shots"])


@dataclass(frozen=True)
class CheckRecord:
    """One comparison with the reference as recorded: its verdict and largest errors
    (None: the shapes differ); the compared values themselves are not kept."""

    what: str
    criterion: str
    passed: bool
    max_abs_error: float | None
    max_rel_error: float | None


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

    def to_json(self, *, hybrid: bool) -> dict[str, Any]:
        """The record's ``observed`` field; a hybrid cell's has ``training`` as well."""
        error = self.observed.error
        data = {
            "outcome": self.observed.outcome.value,
            "error": None if error is None else {
                "class": error.cls, "module": error.module, "message": error.message,
                "stage": error.stage.value},
            "warnings": [{"category": w.category, "message": w.message, "pennylane": w.pennylane}
                         for w in self.warnings],
            "checks": [{"what": c.what, "criterion": c.criterion, "passed": c.passed,
                        "max_abs_error": c.max_abs_error, "max_rel_error": c.max_rel_error}
                       for c in self.checks],
            "max_abs_error": self.max_abs_error,
            "max_rel_error": self.max_rel_error,
            "resolved_method": self.resolved_method,
            "detail": self.detail,
        }
        if hybrid:
            t = self.training
            data["training"] = None if t is None else {
                "epochs": t.epochs, "accuracies": list(t.accuracies),
                "wall_seconds": t.wall_seconds, "peak_memory_bytes": t.peak_memory_bytes}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Observation:
        """The observation `to_json` wrote."""
        error = data["error"]
        t = data.get("training")
        return cls(
            observed=Observed(Outcome(data["outcome"]), error=None if error is None else ObservedError(
                Stage(error["stage"]), error["class"], error["module"], error["message"])),
            warnings=tuple(ObservedWarning(w["category"], w["message"], "", 0, w["pennylane"])
                           for w in data["warnings"]),
            checks=tuple(CheckRecord(c["what"], c["criterion"], c["passed"], c["max_abs_error"],
                                     c["max_rel_error"]) for c in data["checks"]),
            resolved_method=data["resolved_method"],
            detail=data["detail"],
            training=None if t is None else TrainingRecord(
                t["epochs"], tuple(t["accuracies"]), t["wall_seconds"], t["peak_memory_bytes"]),
        )


@dataclass(frozen=True)
class CellRecord:
    """One cell's line in the results file: its declaration and what it observed.

    ``observation`` is None for a cell that was skipped or crashed, and ``reason`` says
    why. ``training_target`` is a hybrid cell's declared `TrainingSpec`.
    """

    cell: Cell | HybridCell
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
        return HYBRID if isinstance(self.cell, HybridCell) else QNODE

    @classmethod
    def of_run(cls, resolved: ResolvedCell | ResolvedHybridCell, run: Run | HybridRun,
               problems: Iterable[str]) -> CellRecord:
        """The record of a cell that ran, with ``problems``, its mismatches."""
        hybrid = isinstance(resolved, ResolvedHybridCell)
        training = run.training if hybrid else None  # type: ignore[union-attr]
        if training is not None:
            training = TrainingRecord(training.epochs, tuple(training.accuracies),
                                      round(training.wall_seconds, 6), training.peak_memory_bytes)
        # Only what the file keeps, so that a record read back equals the one written.
        observation = Observation(
            observed=Observed(run.observed.outcome, error=run.observed.error),
            warnings=tuple(dataclasses.replace(w, filename="", lineno=0) for w in run.warnings),
            checks=tuple(CheckRecord(c.what, c.criterion, c.passed, _finite(c.max_abs),
                                     _finite(c.max_rel)) for c in run.checks),
            resolved_method=None if hybrid else run.resolved_method,  # type: ignore[union-attr]
            detail=run.observed.describe(),
            training=training,
        )
        problems = tuple(problems)
        return cls(resolved.cell, resolved.expectation, "fail" if problems else "pass",
                   observation, problems, round(run.seconds, 6),
                   training_target=resolved.training if hybrid else None)  # type: ignore[union-attr]

    @classmethod
    def unrun(cls, resolved: ResolvedCell | ResolvedHybridCell, *, status: str, reason: str,
              seconds: float | None = None) -> CellRecord:
        """The record of a cell that was skipped, or crashed before it could report."""
        if status not in ("skipped", "crashed"):
            raise ValueError(f"status {status!r} is not one of 'skipped', 'crashed'")
        return cls(resolved.cell, resolved.expectation, status, None,
                   () if status == "skipped" else (reason,), seconds, reason,
                   resolved.training if isinstance(resolved, ResolvedHybridCell) else None)

    def to_json(self) -> dict[str, Any]:
        """The record as the results file holds it (`results.schema.json`'s ``cell``)."""
        hybrid = self.family == HYBRID
        declared = self.declared.to_json()
        if hybrid:  # the training target is part of a hybrid cell's declaration
            target = self.training_target
            declared["training"] = None if target is None else target.to_json()
        data = {
            "id": self.id,
            "axes": axes_json(self.cell),
            "declared": declared,
            "status": self.status,
            "observed": None if self.observation is None else self.observation.to_json(hybrid=hybrid),
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
    """A results document's records: one family's, or both (QNode cells first)."""
    families = (QNODE, HYBRID) if family is None else (family,)
    return [CellRecord.from_json(r) for f in families for r in document.get(FAMILY_KEYS[f], ())]


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None  # JSON has no inf; None = shapes did not match


def _largest(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


# --------------------------------------------------------------------------- declared <- observed


def observed_expectation(record: CellRecord, declared: Expectation | None = None) -> Expectation:
    """The expectation that describes what a record observed.

    Where the observation satisfies ``declared`` (default: the record's own
    declaration), the declared error and warning specs are kept.
    """
    declared = record.declared if declared is None else declared
    if record.observation is None:
        raise ValueError(f"cell {record.id} has no observation ({record.status}: "
                         f"{record.reason or ''})")
    observed = record.observation.observed
    outcome = observed.outcome
    error = _error_spec(observed.error, declared)
    if outcome is Outcome.ERRORS and error is not None and error.stage is Stage.GRADIENT \
            and declared.outcome is Outcome.FORWARD_ONLY:
        outcome = Outcome.FORWARD_ONLY  # same event; keep the declared wording
    note = declared.note if outcome is declared.outcome else None
    return Expectation(outcome, error, _warning_specs(record.observation.warnings, declared), note)


def _error_spec(error: ObservedError | None, declared: Expectation) -> ErrorSpec | None:
    if error is None:
        return None
    spec = declared.error
    if (spec is not None and spec.cls == error.cls and spec.stage is error.stage
            and spec.match.search(error.message)):
        return spec
    return ErrorSpec(error.cls, pattern_for(error.cls, error.message), error.stage)


def _warning_specs(warnings: tuple[ObservedWarning, ...],
                   declared: Expectation) -> tuple[WarningSpec, ...]:
    specs: dict[WarningSpec, None] = {}
    for w in warnings:
        if not w.pennylane:
            continue  # third-party warnings are recorded, never declared
        match = next((s for s in declared.warnings
                      if s.category == w.category and s.match.search(w.message)), None)
        specs[match or WarningSpec(w.category, pattern_for(w.category, w.message))] = None
    return tuple(specs)


def observed_matrix(document: dict[str, Any], *, source: str) -> Matrix:
    """The matrix a results document observed, for rendering like the declared one.

    Every cell must have been observed; hybrid cells count only when the run ran some
    (a run of the QNode test alone renders without the hybrid table, as the declared
    matrix does without a ``hybrid:`` section).
    """
    records = records_of(document, QNODE)
    hybrid = records_of(document, HYBRID)
    missing = document["summary"]["not_run"]
    if hybrid:
        missing += document["hybrid_summary"]["not_run"]
    unrun = [r for r in (*records, *hybrid) if r.observation is None and r.status != "crashed"]
    if unrun or missing:
        example = f"{unrun[0].id} ({unrun[0].reason or ''})" if unrun else "deselected cells"
        raise ValueError(f"{source}: {len(unrun) + missing} cells have no observation, e.g. "
                         f"{example}; rendering needs a run of every cell")
    meta = document["matrix"]
    return Matrix(
        path=source, axes={k: tuple(v) for k, v in meta["axes"].items()},
        notes=dict(meta["notes"]),
        cells=tuple(ResolvedCell(r.cell, _shown_expectation(r)) for r in records),  # type: ignore[arg-type]
        hybrid_axes=_axes_in_order(r.cell for r in hybrid),
        hybrid_cells=tuple(_shown_hybrid_cell(r) for r in hybrid),
    )


def _axes_in_order(cells: Iterable[HybridCell]) -> dict[str, tuple[object, ...]]:
    # The document keeps no hybrid axes, but its cells are every combination in matrix
    # order, so each axis's values appear in the declared order.
    axes: dict[str, dict[object, None]] = {}
    for cell in cells:
        for name, value in axes_json(cell).items():
            axes.setdefault(name, {})[value] = None
    return {name: tuple(values) for name, values in axes.items()}


def _shown_expectation(record: CellRecord) -> Expectation:
    if record.status == "crashed":
        # No exception object survives a dead worker; name what happened instead.
        return Expectation(Outcome.ERRORS, ErrorSpec("crashed", pattern_for("", record.reason or ""),
                                                     Stage.FORWARD))
    return observed_expectation(record)


def _shown_hybrid_cell(record: CellRecord) -> ResolvedHybridCell:
    shown = _shown_expectation(record)
    # The target belongs to the declaration: kept where the outcome is the declared one,
    # and where the cell is supported, which means it trained to that target.
    keep = shown.outcome in (Outcome.SUPPORTED, record.declared.outcome)
    return ResolvedHybridCell(record.cell, shown,  # type: ignore[arg-type]
                              record.training_target if keep else None)


# --------------------------------------------------------------------------- behaviours, for diff


@dataclass(frozen=True)
class Event:
    """An exception or warning: observed (``message``) or declared (``pattern``)."""

    cls: str
    stage: str | None
    message: str | None = None
    pattern: re.Pattern[str] | None = None

    def same_as(self, other: Event) -> bool:
        """Same class and stage, and messages that agree as far as both sides know them."""
        if (self.cls, self.stage) != (other.cls, other.stage):
            return False
        if self.message is not None and other.message is not None:
            return message_key(self.cls, self.message) == message_key(other.cls, other.message)
        if self.message is not None:
            return bool(other.pattern and other.pattern.search(self.message))
        if other.message is not None:
            return bool(self.pattern and self.pattern.search(other.message))
        return self.pattern == other.pattern

    def describe(self) -> str:
        text = message_key(self.cls, self.message) if self.message is not None else (
            f"/{self.pattern.pattern}/" if self.pattern is not None else "")
        at = f" at {self.stage}" if self.stage else ""
        return f"{self.cls}({text!r}){at}" if self.message is not None else f"{self.cls}({text}){at}"


@dataclass(frozen=True)
class Behaviour:
    """What one side of a diff says a cell does."""

    outcome: str  # an Outcome value, or "crashed" / "skipped"
    error: Event | None = None
    warnings: tuple[Event, ...] = ()
    max_abs_error: float | None = None

    def describe(self) -> str:
        text = self.outcome
        if self.error is not None:
            text += f" {self.error.describe()}"
        if self.outcome == Outcome.INCORRECT.value and self.max_abs_error is not None:
            text += f" (max abs error {self.max_abs_error:.3g})"
        return text


def behaviour_of_record(record: CellRecord) -> Behaviour:
    """What a record says its cell did."""
    observation = record.observation
    if observation is None:
        return Behaviour(record.status, Event(record.status, None, record.reason or ""))
    error = observation.observed.error
    return Behaviour(
        outcome=observation.observed.outcome.value,
        error=None if error is None else Event(error.cls, error.stage.value, error.message),
        warnings=tuple(Event(w.category, None, w.message) for w in observation.warnings if w.pennylane),
        max_abs_error=observation.max_abs_error,
    )


def behaviour_of_expectation(expectation: Expectation) -> Behaviour:
    """What a declaration says its cell does."""
    error = expectation.error
    outcome = Outcome.ERRORS if expectation.outcome is Outcome.FORWARD_ONLY else expectation.outcome
    return Behaviour(
        outcome=outcome.value,
        error=None if error is None else Event(error.cls, error.stage.value, pattern=error.match),
        warnings=tuple(Event(w.category, None, pattern=w.match) for w in expectation.warnings),
    )
