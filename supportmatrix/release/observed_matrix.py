"""What a results file observed, as the model's objects: expectations and a Matrix.

An observation that satisfies its own declaration is expressed with the declared
specs (so an unchanged run renders exactly as the declared table); anything else
gets specs built from the observed class and message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from supportmatrix.check.classify import ObservedError, ObservedWarning
from supportmatrix.matrix.model import (
    ErrorSpec,
    Expectation,
    FeatureCell,
    HybridCell,
    Matrix,
    NotApplicableCell,
    Outcome,
    QjitCell,
    ResolvedCell,
    ResolvedFeatureCell,
    ResolvedHybridCell,
    ResolvedQjitCell,
    Stage,
    WarningSpec,
)
from supportmatrix.release.codec import (
    FEATURE,
    HYBRID,
    QJIT,
    QNODE,
    CellRecord,
    axes_json,
    cell_from_axes,
    records_of,
)
from supportmatrix.release.messages import pattern_for


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

    Every cell must have been observed; hybrid and Catalyst cells count only when the run
    ran some (a run of the QNode test alone renders without their tables, as the declared
    matrix does without a ``hybrid:`` or ``qjit:`` section).
    """
    records = records_of(document, QNODE)
    hybrid = records_of(document, HYBRID)
    qjit = records_of(document, QJIT)
    features = records_of(document, FEATURE)
    missing = document["summary"]["not_run"]
    if hybrid:
        missing += document["hybrid_summary"]["not_run"]
    if qjit:
        missing += document["qjit_summary"]["not_run"]
    if features:
        missing += document["feature_summary"]["not_run"]
    unrun = [r for r in (*records, *hybrid, *qjit, *features)
             if r.observation is None and r.status != "crashed"]
    if unrun or missing:
        example = f"{unrun[0].id} ({unrun[0].reason or ''})" if unrun else "deselected cells"
        raise ValueError(f"{source}: {len(unrun) + missing} cells have no observation, e.g. "
                         f"{example}; rendering needs a run of every cell")
    meta = document["matrix"]
    not_applicable = tuple(NotApplicableCell(cell_from_axes(na["axes"]), na["note"])  # type: ignore[arg-type]
                           for na in document.get("feature_not_applicable", ()))
    return Matrix(
        path=source, axes={k: tuple(v) for k, v in meta["axes"].items()},
        notes=dict(meta["notes"]),
        cells=tuple(ResolvedCell(r.cell, _shown_expectation(r)) for r in records),  # type: ignore[arg-type]
        hybrid_axes=_axes_in_order(r.cell for r in hybrid),
        hybrid_cells=tuple(_shown_hybrid_cell(r) for r in hybrid),
        qjit_axes=_axes_in_order(r.cell for r in qjit),
        qjit_cells=tuple(ResolvedQjitCell(r.cell, _shown_expectation(r))  # type: ignore[arg-type]
                         for r in qjit),
        feature_axes=_axes_in_order([*(r.cell for r in features),
                                     *(na.cell for na in not_applicable)]),
        feature_cells=tuple(ResolvedFeatureCell(r.cell, _shown_expectation(r))  # type: ignore[arg-type]
                            for r in features),
        feature_not_applicable=not_applicable,
    )


def _axes_in_order(
    cells: Iterable[HybridCell | QjitCell | FeatureCell],
) -> dict[str, tuple[object, ...]]:
    # The document keeps no hybrid, Catalyst or features axes, but its cells are every
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
