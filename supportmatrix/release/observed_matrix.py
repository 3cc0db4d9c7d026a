"""What a results file observed, as the model's objects: expectations and a Matrix.

An observation that satisfies its own declaration is expressed with the declared
specs (so an unchanged run renders exactly as the declared table); anything else
gets specs built from the observed class and message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from supportmatrix.check.classify import ObservedError, ObservedWarning
from supportmatrix.matrix.families import FAMILIES
from supportmatrix.matrix.model import (
    ErrorSpec,
    Expectation,
    FamilyCells,
    Matrix,
    NotApplicableCell,
    Outcome,
    ResolvedCell,
    Stage,
    WarningSpec,
)
from supportmatrix.release.codec import CellRecord, axes_json, cell_from_axes, records_of
from supportmatrix.release.messages import pattern_for
from supportmatrix.release.results import not_applicable_key


def observed_expectation(record: CellRecord, declared: Expectation | None = None) -> Expectation:
    """The expectation that describes what a record observed.

    Where the observation satisfies ``declared`` (default: the record's own
    declaration), the declared error and warning specs are kept.
    """
    declared = record.declared if declared is None else declared
    if record.observation is None:
        raise ValueError(f"cell {record.id} has no observation ({record.status}: {record.reason or ''})")
    observed = record.observation.observed
    outcome = observed.outcome
    error = _error_spec(observed.error, declared)
    if (
        outcome is Outcome.ERRORS
        and error is not None
        and error.stage is Stage.GRADIENT
        and declared.outcome is Outcome.FORWARD_ONLY
    ):
        outcome = Outcome.FORWARD_ONLY  # same event; keep the declared wording
    note = declared.note if outcome is declared.outcome else None
    return Expectation(outcome, error, _warning_specs(record.observation.warnings, declared), note)


def _error_spec(error: ObservedError | None, declared: Expectation) -> ErrorSpec | None:
    if error is None:
        return None
    spec = declared.error
    if (
        spec is not None
        and spec.cls == error.cls
        and spec.stage is error.stage
        and spec.match.search(error.message)
    ):
        return spec
    return ErrorSpec(error.cls, pattern_for(error.cls, error.message), error.stage)


def _warning_specs(warnings: tuple[ObservedWarning, ...], declared: Expectation) -> tuple[WarningSpec, ...]:
    specs: dict[WarningSpec, None] = {}
    for w in warnings:
        if not w.pennylane:
            continue  # third-party warnings are recorded, never declared
        match = next(
            (s for s in declared.warnings if s.category == w.category and s.match.search(w.message)), None
        )
        specs[match or WarningSpec(w.category, pattern_for(w.category, w.message))] = None
    return tuple(specs)


def observed_matrix(document: dict[str, Any], *, source: str) -> Matrix:
    """The matrix a results document observed, for rendering like the declared one.

    Every cell must have been observed; hybrid and Catalyst cells count only when the run
    ran some (a run of the QNode test alone renders without their tables, as the declared
    matrix does without a ``hybrid:`` or ``qjit:`` section).
    """
    # A family counts where the run recorded some of its cells (a run of one test file
    # renders without the other families' tables); the top level's always does.
    recorded = [f for f in FAMILIES if document.get(f.results_key) or not f.keypath]
    missing = sum(document[f.summary_key]["not_run"] for f in recorded)
    records = [r for f in recorded for r in records_of(document, f.name)]
    unrun = [r for r in records if r.observation is None and r.status != "crashed"]
    if unrun or missing:
        example = f"{unrun[0].id} ({unrun[0].reason or ''})" if unrun else "deselected cells"
        raise ValueError(
            f"{source}: {len(unrun) + missing} cells have no observation, e.g. "
            f"{example}; rendering needs a run of every cell"
        )
    meta = document["matrix"]
    families = {}
    for family in recorded:
        own = [_shown_cell(r) for r in records_of(document, family.name)]
        not_applicable = tuple(
            NotApplicableCell(cell_from_axes(na["axes"]), na["note"])
            for na in document.get(not_applicable_key(family), ())
        )
        # The top-level family's axes are kept in the document; the others are read off
        # the cells.
        axes = (
            {k: tuple(v) for k, v in meta["axes"].items()}
            if not family.keypath
            else _axes_in_order([*(rc.cell for rc in own), *(na.cell for na in not_applicable)])
        )
        families[family.name] = FamilyCells(axes, tuple(own), not_applicable)
    return Matrix(path=source, notes=dict(meta["notes"]), families=families)


def _axes_in_order(cells: Iterable[Any]) -> dict[str, tuple[object, ...]]:
    # The document keeps no axes but the QNode family's, but its cells are every
    # combination in matrix order, so each axis's values appear in the declared order
    # (a features axis value whose every cell is not applicable comes last).
    axes: dict[str, dict[object, None]] = {}
    for cell in cells:
        for name, value in axes_json(cell).items():
            axes.setdefault(name, {})[value] = None
    return {name: tuple(values) for name, values in axes.items()}


def _shown_expectation(record: CellRecord) -> Expectation:
    if record.status == "crashed":
        # No exception object survives a dead worker; name what happened instead.
        return Expectation(
            Outcome.ERRORS, ErrorSpec("crashed", pattern_for("", record.reason or ""), Stage.FORWARD)
        )
    return observed_expectation(record)


def _shown_cell(record: CellRecord) -> ResolvedCell:
    shown = _shown_expectation(record)
    # A training target belongs to the declaration: kept where the outcome is the declared
    # one, and where the cell is supported, which means it trained to that target.
    keep = shown.outcome in (Outcome.SUPPORTED, record.declared.outcome)
    return ResolvedCell(record.cell, shown, record.training_target if keep else None)
