"""Features-family records: from a run to the results file and back, the schema, update."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np

from supportmatrix.check.classify import Observed, ObservedError, ValueCheck
from supportmatrix.check.run import CellRun
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import (
    ErrorSpec,
    Expectation,
    FeatureCell,
    Outcome,
    ResolvedCell,
    Stage,
)
from supportmatrix.release.codec import CellRecord, cell_from_axes, records_of
from supportmatrix.release.results import build_document, validate
from supportmatrix.release.update import update_matrix

CELL = FeatureCell("default.qubit", "torch", "adjoint", "controlled", None)
CHECK = ValueCheck(
    "Jacobian",
    np.array([0.1, 0.2]),
    np.array([0.1, 0.2]),
    np.array([1e-9, 1e-9]),
    True,
    "adjoint: analytic error bound",
)

MATRIX = """\
schema_version: 2
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


def _run(cell: FeatureCell, observed: Observed) -> CellRun:
    return CellRun(cell, observed, (), 0.25, (CHECK,), resolved_method=cell.diff_method)


def test_a_record_survives_the_results_file() -> None:
    resolved = ResolvedCell(CELL, Expectation(Outcome.SUPPORTED))
    record = CellRecord.of_run(resolved, _run(CELL, Observed(Outcome.SUPPORTED)), [])
    assert record.family == "features"
    back = CellRecord.from_json(json.loads(json.dumps(record.to_json())))
    assert back == record
    assert record.to_json()["axes"] == {
        "device": "default.qubit",
        "interface": "torch",
        "diff_method": "adjoint",
        "feature": "controlled",
        "shots": None,
    }
    assert cell_from_axes(record.to_json()["axes"]) == CELL


def _document(tmp_path: Path, observed_error: ObservedError | None) -> tuple[Path, dict]:
    path = tmp_path / "matrix.yaml"
    path.write_text(MATRIX, encoding="utf-8")
    matrix = load_matrix(path, versions={"pennylane": "0.45.1"})
    records = {}
    for rc in matrix.family("features").cells:
        error = observed_error if rc.cell.diff_method == "adjoint" else None
        observed = Observed(Outcome.ERRORS, error=error) if error else Observed(Outcome.SUPPORTED)
        problems = ["differs"] if error else []
        records[rc.cell.id] = CellRecord.of_run(rc, _run(rc.cell, observed), problems)
    return path, build_document(matrix, records, versions={"pennylane": "0.45.1"})


def test_the_document_lists_feature_cells_and_follows_the_schema(tmp_path: Path) -> None:
    _, document = _document(tmp_path, None)
    validate(json.loads(json.dumps(document)), source="doc")
    assert document["feature_summary"]["cells"] == 4
    assert [r.id for r in records_of(document, "features")] == [
        "default.qubit-torch-backprop-controlled-analytic",
        "default.qubit-torch-backprop-rot-analytic",
        "default.qubit-torch-adjoint-controlled-analytic",
        "default.qubit-torch-adjoint-rot-analytic",
    ]


def test_update_appends_rules_under_features(tmp_path: Path) -> None:
    error = ObservedError(
        Stage.FORWARD,
        "QuantumFunctionError",
        "pennylane.exceptions",
        "does not support adjoint with requested circuit.",
    )
    path, document = _document(tmp_path, error)
    change = update_matrix(path, document, gate=None, source="r.json")
    assert change.drifted == 2 and change.rules == 1
    new = change.text.split("features:", 1)[1]
    assert "where: {diff_method: adjoint, pennylane: '>=0.45'}" in new
    path.write_text(change.text, encoding="utf-8")
    updated = load_matrix(path, versions={"pennylane": "0.45.1"}).family("features").by_id()
    expectation = updated["default.qubit-torch-adjoint-rot-analytic"].expectation
    assert expectation.outcome is Outcome.ERRORS
    assert expectation.error == ErrorSpec(
        "QuantumFunctionError", re.compile(expectation.error.match.pattern), Stage.FORWARD
    )


NA_MATRIX = (
    MATRIX.replace(
        "feature: [controlled, rot]\n    shots: [None]",
        "feature: [controlled, shot-vector]\n    shots: [None, 10000]",
    )
    .replace(
        "  rules:\n    - expect: supported\n",
        "  not-applicable:\n    - where: {feature: shot-vector, shots: None}\n      note: why\n"
        "  rules:\n    - expect: supported\n",
    )
    .replace(
        "rules:\n  - expect: supported\nfeatures",
        "notes:\n  why: It needs shots.\nrules:\n  - expect: supported\nfeatures",
    )
)


def test_not_applicable_cells_survive_the_results_file_and_no_rule_is_drafted(tmp_path: Path) -> None:
    from supportmatrix.release.drift import side_from_matrix, side_from_results
    from supportmatrix.release.observed_matrix import observed_matrix
    from supportmatrix.report.markdown import render_markdown

    path = tmp_path / "matrix.yaml"
    path.write_text(NA_MATRIX, encoding="utf-8")
    matrix = load_matrix(path, versions={"pennylane": "0.45.1"})
    assert [na.cell.id for na in matrix.family("features").not_applicable] == [
        "default.qubit-torch-backprop-shot-vector-analytic",
        "default.qubit-torch-adjoint-shot-vector-analytic",
    ]
    # every test observed to raise: each drifts; the n/a cells have no record
    error = ObservedError(Stage.FORWARD, "ValueError", "builtins", "nope")
    records = {
        rc.cell.id: CellRecord.of_run(rc, _run(rc.cell, Observed(Outcome.ERRORS, error=error)), ["differs"])
        for rc in matrix.family("features").cells
    }
    qnode = matrix.family("qnode").cells[0]
    records[qnode.cell.id] = CellRecord.of_run(
        qnode, CellRun(qnode.cell, Observed(Outcome.SUPPORTED), (), 0.1, resolved_method="backprop"), []
    )
    document = json.loads(json.dumps(build_document(matrix, records, versions={"pennylane": "0.45.1"})))
    validate(document, source="doc")
    assert document["feature_summary"]["cells"] == 6
    assert [na["id"] for na in document["feature_not_applicable"]] == [
        na.cell.id for na in matrix.family("features").not_applicable
    ]
    observed = observed_matrix(document, source="r.json")
    assert observed.family("features").not_applicable == tuple(
        dataclasses.replace(na, line=0) for na in matrix.family("features").not_applicable
    )
    assert '| `"torch"` | `"backprop"` | ❌ 1 | n/a 2 / ❌ 1 |' in render_markdown(observed)
    # diff compares tests only; update drafts rules for tests only, and they load
    assert not {na.cell.id for na in matrix.family("features").not_applicable} & set(
        side_from_results(document, source="r.json").cells
    )
    assert set(side_from_matrix(matrix, packages={}).cells) == set(records)
    change = update_matrix(path, document, gate=None, source="r.json")
    assert change.drifted == 6
    path.write_text(change.text, encoding="utf-8")
    again = load_matrix(path, versions={"pennylane": "0.45.1"})
    assert len(again.family("features").cells) == 6 and len(again.family("features").not_applicable) == 2
