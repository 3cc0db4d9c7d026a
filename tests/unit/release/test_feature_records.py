"""Features-family records: from a run to the results file and back, the schema, update."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from supportmatrix.check.classify import Observed, ObservedError, ValueCheck
from supportmatrix.features.runner import FeatureRun
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import (
    ErrorSpec,
    Expectation,
    FeatureCell,
    Outcome,
    ResolvedFeatureCell,
    Stage,
)
from supportmatrix.release.codec import FEATURE, CellRecord, cell_from_axes, records_of
from supportmatrix.release.results import build_document, validate
from supportmatrix.release.update import update_matrix

CELL = FeatureCell("default.qubit", "torch", "adjoint", "controlled", None)
CHECK = ValueCheck("Jacobian", np.array([0.1, 0.2]), np.array([0.1, 0.2]), np.array([1e-9, 1e-9]),
                   True, "adjoint: analytic error bound")

MATRIX = """\
schema_version: 1
axes:
  device: [default.qubit]
  interface: [torch]
  diff_method: [backprop]
  measurement: [expval]
  shots: [None]
rules:
  - expect: supported
features:
  axes:
    device: [default.qubit]
    interface: [torch]
    diff_method: [backprop, adjoint]
    feature: [controlled, rot]
    shots: [None]
  rules:
    - expect: supported
"""


def _run(cell: FeatureCell, observed: Observed) -> FeatureRun:
    return FeatureRun(cell, observed, (), cell.diff_method, 0.25, (CHECK,))


def test_a_record_survives_the_results_file() -> None:
    resolved = ResolvedFeatureCell(CELL, Expectation(Outcome.SUPPORTED))
    record = CellRecord.of_run(resolved, _run(CELL, Observed(Outcome.SUPPORTED)), [])
    assert record.family == FEATURE
    back = CellRecord.from_json(json.loads(json.dumps(record.to_json())))
    assert back == record
    assert record.to_json()["axes"] == {"device": "default.qubit", "interface": "torch",
                                        "diff_method": "adjoint", "feature": "controlled",
                                        "shots": None}
    assert cell_from_axes(record.to_json()["axes"]) == CELL


def _document(tmp_path: Path, observed_error: ObservedError | None) -> tuple[Path, dict]:
    path = tmp_path / "matrix.yaml"
    path.write_text(MATRIX, encoding="utf-8")
    matrix = load_matrix(path, versions={"pennylane": "0.45.1"})
    records = {}
    for rc in matrix.feature_cells:
        error = observed_error if rc.cell.diff_method == "adjoint" else None
        observed = Observed(Outcome.ERRORS, error=error) if error else Observed(Outcome.SUPPORTED)
        problems = ["differs"] if error else []
        records[rc.cell.id] = CellRecord.of_run(rc, _run(rc.cell, observed), problems)
    return path, build_document(matrix, records, versions={"pennylane": "0.45.1"})


def test_the_document_lists_feature_cells_and_follows_the_schema(tmp_path: Path) -> None:
    _, document = _document(tmp_path, None)
    validate(json.loads(json.dumps(document)), source="doc")
    assert document["feature_summary"]["cells"] == 4
    assert [r.id for r in records_of(document, FEATURE)] == [
        "default.qubit-torch-backprop-controlled-analytic",
        "default.qubit-torch-backprop-rot-analytic",
        "default.qubit-torch-adjoint-controlled-analytic",
        "default.qubit-torch-adjoint-rot-analytic",
    ]


def test_update_appends_rules_under_features(tmp_path: Path) -> None:
    error = ObservedError(Stage.FORWARD, "QuantumFunctionError", "pennylane.exceptions",
                          "does not support adjoint with requested circuit.")
    path, document = _document(tmp_path, error)
    change = update_matrix(path, document, gate=None, source="r.json")
    assert change.drifted == 2 and change.rules == 1
    new = change.text.split("features:", 1)[1]
    assert "where: {diff_method: adjoint, pennylane: '>=0.45'}" in new
    path.write_text(change.text, encoding="utf-8")
    updated = load_matrix(path, versions={"pennylane": "0.45.1"}).feature_by_id()
    expectation = updated["default.qubit-torch-adjoint-rot-analytic"].expectation
    assert expectation.outcome is Outcome.ERRORS
    assert expectation.error == ErrorSpec("QuantumFunctionError",
                                          re.compile(expectation.error.match.pattern), Stage.FORWARD)
