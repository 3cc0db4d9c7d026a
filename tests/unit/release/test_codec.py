"""A cell's record: from a run to JSON text and back, for both families, with no PennyLane.

What the results file keeps must come back equal; what it does not keep (a warning's
file and line, a failed check's arrays) is named here.
"""

from __future__ import annotations

import dataclasses
import json
import re

import jsonschema
import numpy as np
import pytest

from supportmatrix.check.classify import Observed, ObservedError, ObservedWarning, ValueCheck
from supportmatrix.check.run import CellRun
from supportmatrix.matrix.model import (
    ErrorSpec,
    Expectation,
    FamilyCells,
    HybridCell,
    Outcome,
    QNodeCell,
    ResolvedCell,
    Stage,
    TrainingRecord,
    TrainingSpec,
    WarningSpec,
)
from supportmatrix.release.codec import CellRecord, CheckRecord, error_to_tolerance
from supportmatrix.release.results import schema

CELL = QNodeCell("default.qubit", "torch", "adjoint", "probs", None)
HYBRID_CELL = HybridCell("torch-layer", "default.qubit", "adjoint")
DECLARED = Expectation(
    Outcome.FORWARD_ONLY,
    ErrorSpec("ValueError", re.compile(r"adjoint \(probs\)"), Stage.GRADIENT),
    (WarningSpec("UserWarning", re.compile("shifted")),),
    note="odd",
)
WARNINGS = (
    ObservedWarning("UserWarning", "values were shifted", "pennylane/x.py", 12, True),
    ObservedWarning("DeprecationWarning", "numpy says so", "numpy/y.py", 3, False),
)


def _check(passed: bool, observed: list[float]) -> ValueCheck:
    return ValueCheck(
        "Jacobian", np.array(observed), np.array([0.5, 0.25]), np.array([1e-8, 1e-8]), passed, "test bound"
    )


def _through_text(record: CellRecord) -> CellRecord:
    """What a reader of the results file gets back: the record as JSON text, parsed."""
    return CellRecord.from_json(json.loads(json.dumps(record.to_json(), allow_nan=False)))


def _kept(warning: ObservedWarning) -> ObservedWarning:
    return dataclasses.replace(warning, filename="", lineno=0)  # not in the results file


def test_a_qnode_run_comes_back_from_its_json_text() -> None:
    observed = Observed(
        Outcome.ERRORS,
        error=ObservedError(
            Stage.GRADIENT, "ValueError", "pennylane.exceptions", "adjoint (probs)\nis not supported"
        ),
    )
    checks = (_check(True, [0.5, 0.25]), _check(False, [1.0]))  # the second: shapes differ
    run = CellRun(CELL, observed, WARNINGS, 0.123456789, checks, resolved_method="adjoint")
    record = CellRecord.of_run(ResolvedCell(CELL, DECLARED), run, ["a problem"])
    back = _through_text(record)

    assert back == record
    assert back.to_json() == record.to_json()
    assert (back.cell, back.family, back.declared, back.status, back.problems) == (
        CELL,
        "qnode",
        DECLARED,
        "fail",
        ("a problem",),
    )
    assert back.observation.observed == observed
    assert back.observation.warnings == tuple(_kept(w) for w in WARNINGS)
    assert back.observation.checks == (
        CheckRecord("Jacobian", "test bound", True, 0.0, 0.0, 0.0),
        CheckRecord("Jacobian", "test bound", False, None, None, None),
    )
    assert (back.observation.resolved_method, back.observation.detail, back.seconds) == (
        "adjoint",
        observed.describe(),
        0.123457,
    )
    assert back.observation.training is None and "training" not in record.to_json()["observed"]


def test_a_hybrid_run_comes_back_with_its_training_and_target() -> None:
    observed = Observed(Outcome.SUPPORTED)
    training = TrainingRecord(2, (0.7, 0.85), 1.23456789, 2**20)
    run = CellRun(HYBRID_CELL, observed, WARNINGS[:1], 2.5, (_check(True, [0.5, 0.25]),), training=training)
    target = TrainingSpec(0.8, 3)
    resolved = ResolvedCell(HYBRID_CELL, Expectation(Outcome.SUPPORTED), target)
    record = CellRecord.of_run(resolved, run, [])
    data = record.to_json()
    back = _through_text(record)

    assert back == record
    assert (back.cell, back.family, back.status, back.training_target) == (
        HYBRID_CELL,
        "hybrid",
        "pass",
        target,
    )
    assert back.declared == Expectation(Outcome.SUPPORTED)
    assert back.observation.observed == observed
    assert back.observation.warnings == (_kept(WARNINGS[0]),)
    assert back.observation.training == dataclasses.replace(training, wall_seconds=1.234568)
    assert data["axes"] == {"layer": "torch-layer", "device": "default.qubit", "diff_method": "adjoint"}
    assert data["declared"]["training"] == {"min_accuracy": 0.8, "max_epochs": 3}
    assert data["observed"]["resolved_method"] is None


@pytest.mark.parametrize(
    ("resolved", "family"),
    [
        (ResolvedCell(CELL, DECLARED), "qnode"),
        (ResolvedCell(HYBRID_CELL, DECLARED, TrainingSpec(0.8, 3)), "hybrid"),
    ],
)
@pytest.mark.parametrize(
    ("status", "seconds", "problems"),
    [
        ("skipped", None, ()),
        ("crashed", 4.5, ("worker 'gw0' crashed",)),
    ],
)
def test_an_unrun_record_comes_back_without_an_observation(
    resolved, family: str, status: str, seconds: float | None, problems: tuple[str, ...]
) -> None:
    reason = "worker 'gw0' crashed" if status == "crashed" else "torch is not installed"
    record = CellRecord.unrun(resolved, status=status, reason=reason, seconds=seconds)
    data = record.to_json()
    back = _through_text(record)

    assert back == record
    assert (back.family, back.status, back.observation, back.reason, back.problems, back.seconds) == (
        family,
        status,
        None,
        reason,
        problems,
        seconds,
    )
    assert back.declared == DECLARED
    assert list(data) == ["id", "axes", "declared", "status", "observed", "problems", "reason", "seconds"]


@pytest.mark.parametrize(
    ("observed", "tolerance", "ratio"),
    [
        ([0.5 + 3e-9, 0.25 - 1.5e-8], [1e-8, 1e-8], 1.5),  # the worst entry, not the first
        ([0.5 + 3e-9, 0.25 - 1.5e-8], [1e-8, 3e-8], 0.5),  # each entry against its own bound
        ([0.5 + 2e-8, 0.25], [1e-8], 2.0),  # a tolerance broadcast to the shape
        ([0.5, 0.25], [1e-8, 1e-8], 0.0),
        ([0.5, 0.25, 0.0], [1e-8, 1e-8], None),  # shapes differ
        ([0.5, 0.25], [0.0, 0.0], None),  # exact comparison: no scale
        ([float("nan"), 0.25], [1e-8, 1e-8], None),
    ],
)
def test_error_to_tolerance_is_the_largest_ratio_over_entries(
    observed: list[float], tolerance: list[float], ratio: float | None
) -> None:
    check = ValueCheck(
        "Jacobian", np.array(observed), np.array([0.5, 0.25]), np.array(tolerance), False, "test bound"
    )
    found = error_to_tolerance(check)
    assert found == (None if ratio is None else pytest.approx(ratio, rel=1e-6))
    assert CheckRecord.of_check(check).error_to_tolerance == found


def test_a_record_written_before_the_ratio_was_recorded_still_reads() -> None:
    run = CellRun(
        CELL,
        Observed(Outcome.SUPPORTED),
        (),
        0.5,
        (_check(True, [0.5 + 2e-9, 0.25]),),
        resolved_method="adjoint",
    )
    data = json.loads(json.dumps(CellRecord.of_run(ResolvedCell(CELL, DECLARED), run, []).to_json()))
    assert data["observed"]["checks"][0]["error_to_tolerance"] == pytest.approx(0.2)
    del data["observed"]["checks"][0]["error_to_tolerance"]
    cell_schema = {"$defs": schema()["$defs"], "$ref": "#/$defs/cell"}
    jsonschema.Draft202012Validator(cell_schema).validate(data)  # optional in schema_version 1
    assert CellRecord.from_json(data).observation.checks[0].error_to_tolerance is None


# --------------------------------------------------------------------------- the qjit family


def test_a_qjit_record_survives_the_results_file_and_its_schema() -> None:
    from supportmatrix.matrix.model import Matrix, QjitCell, ResolvedCell
    from supportmatrix.qjit.runner import QjitTimings
    from supportmatrix.release.codec import cell_from_axes
    from supportmatrix.release.results import build_document, validate

    cell = QjitCell("lightning.qubit", "adjoint", "catalyst.grad", "fd", "expval", 10000, "second")
    resolved = ResolvedCell(cell, Expectation(Outcome.INCORRECT, note="odd"))
    run = CellRun(
        cell,
        Observed(Outcome.INCORRECT, failed_check=_check(False, [1e4, 2.0])),
        WARNINGS,
        1.5,
        (_check(False, [1e4, 2.0]),),
        extras=QjitTimings((("forward", 0.5), ("gradient", 1.0))),
    )
    record = CellRecord.of_run(resolved, run, ["observed incorrect, but ..."])
    assert record.family == "qjit" and cell_from_axes(record.to_json()["axes"]) == cell
    back = _through_text(record)
    assert back == record and back.cell == cell and back.observation.resolved_method is None
    matrix = Matrix(
        path="m.yaml",
        notes={"odd": "x"},
        families={"qnode": FamilyCells(), "qjit": FamilyCells({}, (resolved,))},
    )
    document = validate(
        build_document(matrix, {cell.id: record}, versions={"pennylane": "0.45.1"}), source="test"
    )
    assert document["qjit_summary"]["status"]["fail"] == 1
    assert document["qjit_cells"][0]["id"] == cell.id
    # A run without Catalyst cells (the default run) writes no qjit keys at all.
    assert "qjit_cells" not in build_document(matrix, {}, versions={"pennylane": "0.45.1"})
