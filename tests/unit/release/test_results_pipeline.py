"""Results documents, and what reads them: observed expectations, drift reports, update.

Records are made by the same `codec.CellRecord.of_run` the test run uses, from runner
objects built by hand, so these tests need no PennyLane.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import numpy as np
import pytest

from supportmatrix import cli
from supportmatrix.check.classify import Observed, ObservedError, ObservedWarning, ValueCheck, mismatches
from supportmatrix.check.run import CellRun
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import HybridCell, Outcome, Stage, TrainingRecord
from supportmatrix.release.boxes import merge_boxes
from supportmatrix.release.codec import CellRecord, records_of
from supportmatrix.release.drift import compare, render_report, side_from_matrix, side_from_results
from supportmatrix.release.messages import message_key, pattern_for
from supportmatrix.release.observed_matrix import observed_expectation, observed_matrix
from supportmatrix.release.results import ResultsError, build_document, load_results, validate
from supportmatrix.release.update import UpdateError, update_matrix

MATRIX = """\
# A small matrix; this comment must survive an update.
schema_version: 2
axes:
  device: [default.qubit]
  interface: [autograd, torch]
  diff_method: [backprop, adjoint, parameter-shift]
  measurement: [expval, probs]
  shots: [None]
notes:
  odd: a note
rules:
  - expect: supported   # the common case
  - where: {interface: torch, diff_method: adjoint, measurement: probs}
    expect: {outcome: errors, note: odd, error: {class: ValueError, match: 'adjoint \\(probs\\)', stage: forward}}
  - where: {diff_method: parameter-shift}
    warnings: [{category: UserWarning, match: 'shifted'}]
"""
VERSIONS = {"pennylane": "0.45.1", "pennylane-lightning": "0.45.0", "torch": "2.13.0"}
#: The same matrix with a hybrid family: 4 cells, one declared to fail.
HYBRID_MATRIX = (
    MATRIX
    + """\
hybrid:
  axes:
    layer: [torch-layer, keras3-jax]
    device: [default.qubit]
    diff_method: [backprop, adjoint]
  rules:
    - expect: supported   # and trains to this target
      training: {min_accuracy: 0.8, max_epochs: 3}
    - where: {layer: keras3-jax, diff_method: adjoint}
      expect: {outcome: errors, note: odd, error: {class: TypeError, match: 'no adjoint', stage: forward}}
"""
)
HYBRID_ID = "torch-layer-default.qubit-adjoint"
#: The same matrix in the legacy schema_version 1, whose error need not name its reason.
MATRIX_V1 = MATRIX.replace("schema_version: 2", "schema_version: 1").replace(
    "expect: {outcome: errors, note: odd, error:", "expect: {outcome: errors, error:"
)


@pytest.fixture
def matrix_path(tmp_path: Path) -> Path:
    path = tmp_path / "matrix.yaml"
    path.write_text(MATRIX)
    return path


@pytest.fixture
def hybrid_matrix_path(tmp_path: Path) -> Path:
    path = tmp_path / "matrix.yaml"
    path.write_text(HYBRID_MATRIX)
    return path


def _check(passed: bool = True) -> ValueCheck:
    observed = np.array([0.5, 0.25 if passed else 0.3])
    return ValueCheck(
        "Jacobian", observed, np.array([0.5, 0.25]), np.array([1e-8, 1e-8]), passed, "test bound"
    )


def _honest_run(rc) -> tuple[CellRun, list[str]]:
    """A run that observes exactly what the cell declares."""
    e = rc.expectation
    error = (
        None
        if e.error is None
        else ObservedError(e.error.stage, e.error.cls, "builtins", "adjoint (probs) is not supported")
    )
    warnings = tuple(
        ObservedWarning(w.category, "values were shifted", "pennylane/x.py", 1, True) for w in e.warnings
    )
    observed = Observed(e.outcome, error=error)
    run = CellRun(
        rc.cell, observed, warnings, 0.01, () if error else (_check(),), resolved_method=rc.cell.diff_method
    )
    return run, mismatches(e, observed, warnings)


def _honest_hybrid_run(rc) -> CellRun:
    """A hybrid run that observes exactly what the cell declares, and trains when it can."""
    e = rc.expectation
    error = (
        None if e.error is None else ObservedError(e.error.stage, e.error.cls, "builtins", "no adjoint here")
    )
    training = None if error else TrainingRecord(1, (0.845,), 0.5, 2**20)
    return CellRun(
        rc.cell, Observed(e.outcome, error=error), (), 1.5, () if error else (_check(),), training=training
    )


def _document(matrix_path: Path, versions: dict = VERSIONS, **overrides: CellRun) -> dict:
    matrix = load_matrix(matrix_path, versions=versions)
    records = {}
    for rc in (*matrix.family("qnode").cells, *matrix.family("hybrid").cells):
        run = overrides.get(rc.cell.id) or (
            _honest_hybrid_run(rc) if isinstance(rc.cell, HybridCell) else _honest_run(rc)[0]
        )
        problems = mismatches(rc.expectation, run.observed, run.warnings)
        records[rc.cell.id] = CellRecord.of_run(rc, run, problems)
    return build_document(matrix, records, versions=versions)


def _hybrid_run(matrix_path: Path, cell_id: str, observed: Observed, checks=()) -> CellRun:
    cell = load_matrix(matrix_path, versions=VERSIONS).family("hybrid").by_id()[cell_id].cell
    return CellRun(cell, observed, (), 1.0, tuple(checks), training=None)


def _run(matrix_path: Path, cell_id: str, observed: Observed, warnings=(), checks=()) -> CellRun:
    cell = load_matrix(matrix_path, versions=VERSIONS).by_id()[cell_id].cell
    return CellRun(cell, observed, tuple(warnings), 0.02, tuple(checks), resolved_method=cell.diff_method)


def _write(tmp_path: Path, name: str, document: dict) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


# --------------------------------------------------------------------------- results documents


def test_document_follows_its_schema_and_counts(matrix_path: Path) -> None:
    document = validate(_document(matrix_path), source="test")
    assert document["summary"] == {
        "cells": 12,
        "not_run": 0,
        "status": {"pass": 12, "fail": 0, "skipped": 0, "crashed": 0},
        "observed": {"errors": 1, "supported": 11},
    }
    record = document["cells"][0]
    assert record["id"] == "default.qubit-autograd-backprop-expval-analytic"
    assert record["observed"]["max_abs_error"] == 0.0
    assert document["environment"]["packages"]["pennylane"] == "0.45.1"


def test_mismatch_recorded_as_fail_with_problem_and_errors(matrix_path: Path) -> None:
    wrong = _run(
        matrix_path,
        "default.qubit-autograd-backprop-expval-analytic",
        Observed(Outcome.INCORRECT, failed_check=_check(False)),
        checks=[_check(False)],
    )
    record = _document(matrix_path, **{wrong.cell.id: wrong})["cells"][0]
    assert record["status"] == "fail"
    assert record["problems"] == [
        "observed " + wrong.observed.describe() + ", but matrix.yaml declares supported"
    ]
    assert record["observed"]["max_abs_error"] == pytest.approx(0.05)
    assert record["observed"]["max_rel_error"] == pytest.approx(0.2)


def test_skipped_and_crashed_cells_have_no_observation(matrix_path: Path) -> None:
    rc = load_matrix(matrix_path, versions=VERSIONS).family("qnode").cells[0]
    skipped = CellRecord.unrun(rc, status="skipped", reason="torch is not installed").to_json()
    assert skipped["observed"] is None and skipped["problems"] == []
    with pytest.raises(ValueError, match="status 'pass'"):
        CellRecord.unrun(rc, status="pass", reason="")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(schema_version=2), "schema_version 2 is not supported"),
        (lambda d: d["cells"][0].pop("axes"), "cells/0: 'axes' is a required property"),
        (lambda d: d["cells"][0].update(status="ok"), "cells/0/status: 'ok' is not one of"),
        (
            lambda d: d["cells"][0]["axes"].pop("shots"),
            "cells/0/axes: device, interface, diff_method, measurement, but a QNode cell has the axes",
        ),
        (
            lambda d: d["cells"][0].update(id="x"),
            "cells/0/id: 'x', but its axes make 'default.qubit-autograd-backprop-expval-analytic'",
        ),
    ],
)
def test_invalid_documents_are_one_line_naming_the_path(
    matrix_path: Path, tmp_path: Path, mutate, message: str
) -> None:
    document = _document(matrix_path)
    mutate(document)
    with pytest.raises(ResultsError, match=re.escape(message)):
        load_results(_write(tmp_path, "bad.json", document))


def test_unreadable_results_file(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("{\n  nope")
    with pytest.raises(ResultsError, match=r"x.json:2: not valid JSON"):
        load_results(tmp_path / "x.json")


# --------------------------------------------------------------------------- observed expectations


def test_message_key_first_line_but_last_for_xla() -> None:
    assert message_key("ValueError", "\n first\nsecond\n") == "first"
    assert message_key("XlaRuntimeError", "INTERNAL: callback\nValueError: real") == "ValueError: real"
    assert message_key("JaxRuntimeError", "INTERNAL: callback\nValueError: real") == "ValueError: real"
    assert pattern_for("E", "a.b (c) it's").pattern == r"a\.b \(c\) it's"


def test_object_addresses_do_not_count_as_a_changed_message() -> None:
    first = "Device <default.qubit device (wires=3) at 0x7f2b42725490> does not support adjoint"
    second = first.replace("7f2b42725490", "7f75458417d0")
    assert message_key("E", first) == message_key("E", second)
    assert pattern_for("E", first).search(second)


@pytest.mark.parametrize("text", [MATRIX, HYBRID_MATRIX, MATRIX_V1], ids=["qnode", "with-hybrid", "schema-1"])
def test_an_unchanged_observation_renders_exactly_as_declared(tmp_path: Path, text: str) -> None:
    from supportmatrix.report.markdown import render_markdown
    from supportmatrix.report.rst import render_rst

    matrix_path = tmp_path / "matrix.yaml"
    matrix_path.write_text(text)
    document = _document(matrix_path)
    declared = load_matrix(matrix_path, versions=VERSIONS)
    observed = observed_matrix(document, source=declared.path)
    assert render_markdown(observed) == render_markdown(declared)
    assert render_rst(observed) == render_rst(declared)
    assert ("1. a note" in render_markdown(observed)) == (text != MATRIX_V1)
    assert ("Training target: accuracy >= 0.8 within 3 epochs." in render_markdown(observed)) == (
        text == HYBRID_MATRIX
    )


def test_a_changed_error_gets_a_literal_regex(matrix_path: Path) -> None:
    cell_id = "default.qubit-torch-adjoint-probs-analytic"
    run = _run(
        matrix_path,
        cell_id,
        Observed(
            Outcome.ERRORS,
            error=ObservedError(Stage.GRADIENT, "TypeError", "builtins", "bad (operand) type\nmore"),
        ),
    )
    document = _document(matrix_path, **{cell_id: run})
    record = next(r for r in records_of(document) if r.id == cell_id)
    e = observed_expectation(record)
    assert (e.outcome, e.error.cls, e.error.stage, e.error.match.pattern) == (
        Outcome.ERRORS,
        "TypeError",
        Stage.GRADIENT,
        r"bad \(operand\) type",
    )


def test_rendering_an_incomplete_run_is_refused(matrix_path: Path) -> None:
    document = _document(matrix_path)
    document["cells"].pop()
    document["summary"]["not_run"] = 1
    with pytest.raises(ValueError, match="1 cells have no observation"):
        observed_matrix(document, source="r.json")


# --------------------------------------------------------------------------- diff


def _drifted(matrix_path: Path) -> dict:
    """Four kinds of drift, one cell each."""
    wrong = _run(
        matrix_path,
        "default.qubit-autograd-backprop-expval-analytic",
        Observed(Outcome.INCORRECT, failed_check=_check(False)),
        checks=[_check(False)],
    )
    broken = _run(
        matrix_path,
        "default.qubit-autograd-adjoint-probs-analytic",
        Observed(Outcome.ERRORS, error=ObservedError(Stage.FORWARD, "DeviceError", "x", "adjoint gone")),
    )
    fixed = _run(
        matrix_path,
        "default.qubit-torch-adjoint-probs-analytic",
        Observed(Outcome.SUPPORTED),
        checks=[_check()],
    )
    quiet = _run(
        matrix_path,
        "default.qubit-torch-parameter-shift-expval-analytic",
        Observed(Outcome.SUPPORTED),
        checks=[_check()],
    )
    return _document(
        matrix_path,
        versions={**VERSIONS, "pennylane": "0.46.0"},
        **{r.cell.id: r for r in (wrong, broken, fixed, quiet)},
    )


def test_diff_groups_each_change_and_counts_regressions(matrix_path: Path) -> None:
    old = side_from_results(_document(matrix_path), source="old.json")
    new = side_from_results(_drifted(matrix_path), source="new.json")
    drift = compare(old, new)
    assert {k: [c.cell_id for c in v] for k, v in drift.groups.items() if v} == {
        "gradient-wrong": ["default.qubit-autograd-backprop-expval-analytic"],
        "newly-failing": ["default.qubit-autograd-adjoint-probs-analytic"],
        "newly-supported": ["default.qubit-torch-adjoint-probs-analytic"],
        "changed-warnings": ["default.qubit-torch-parameter-shift-expval-analytic"],
    }
    assert (drift.compared, drift.regressions, drift.changed_cells) == (12, 2, 4)
    report = render_report(drift)
    assert report.index("**12** cells compared, **4** changed, **2** regressions") < report.index("## ")
    assert (
        "- `default.qubit-autograd-adjoint-probs-analytic`: supported → "
        "errors DeviceError('adjoint gone') at forward"
    ) in report


def test_diff_against_the_declaration_is_empty_for_an_honest_run(matrix_path: Path) -> None:
    document = _document(matrix_path)
    declared = side_from_matrix(load_matrix(matrix_path, versions=VERSIONS), packages=VERSIONS)
    drift = compare(declared, side_from_results(document, source="r.json"))
    assert (drift.compared, drift.changed_cells) == (12, 0)


def test_report_is_cut_with_a_summary_line(matrix_path: Path) -> None:
    drift = compare(
        side_from_results(_document(matrix_path), source="a"),
        side_from_results(_drifted(matrix_path), source="b"),
    )
    report = render_report(drift, max_lines=2)
    assert report.count("\n- `") == 2
    assert "_Report cut at 2 cell lines: 2 more changes not shown" in report


def test_diff_cli_exit_codes(matrix_path: Path, tmp_path: Path, capsys) -> None:
    old = _write(tmp_path, "old.json", _document(matrix_path))
    new = _write(tmp_path, "new.json", _drifted(matrix_path))
    assert cli.main(["diff", old, old, "--matrix", str(matrix_path)]) == 0
    assert cli.main(["diff", old, new, "--matrix", str(matrix_path)]) == 1
    assert cli.main(["diff", "declared", old, "--matrix", str(matrix_path)]) == 0
    assert cli.main(["diff", "declared", "declared"]) == 2
    assert cli.main(["diff", old, str(tmp_path / "missing.json")]) == 2
    assert "cannot read results" in capsys.readouterr().err


# --------------------------------------------------------------------------- update


def test_merge_boxes_is_an_exact_cover() -> None:
    points = [
        {"device": "d", "interface": i, "diff_method": m, "measurement": "expval", "shots": None}
        for i in ("a", "b")
        for m in ("x", "y")
    ] + [{"device": "d", "interface": "c", "diff_method": "x", "measurement": "expval", "shots": None}]
    boxes = merge_boxes(points)
    covered = {(i, m) for b in boxes for i in b["interface"] for m in b["diff_method"]}
    assert covered == {(p["interface"], p["diff_method"]) for p in points}
    assert len(boxes) == 2


def test_update_adds_gated_rules_for_drifted_cells_only(matrix_path: Path) -> None:
    document = _drifted(matrix_path)
    change = update_matrix(matrix_path, document, gate=None, source="new.json")
    assert (change.drifted, change.rules) == (4, 4)
    added = [
        line[1:] for line in change.diff.splitlines() if line.startswith("+") and not line.startswith("+++")
    ]
    assert added == [
        "  observed-incorrect: 'Found by `supportmatrix update`: the gradient disagrees with the "
        "independent reference. Investigate, report it upstream, and replace this note with what "
        "was found.'",
        "  observed-unexplained: 'Found by `supportmatrix update`: the behaviour changed and no "
        "reason is known yet. Replace this note with why.'",
        "  # --- drift observed in new.json (pennylane 0.46.0, pennylane-lightning 0.45.0); gated >=0.46 ---",
        "  - where: {interface: autograd, diff_method: backprop, measurement: expval, pennylane: '>=0.46'}",
        "    expect: {outcome: incorrect, note: observed-incorrect}",
        "  - where: {interface: autograd, diff_method: adjoint, measurement: probs, pennylane: '>=0.46'}",
        "    expect: {outcome: errors, note: observed-unexplained, error: {class: DeviceError, stage: forward, "
        "match: 'adjoint gone'}}",
        "  - where: {interface: torch, diff_method: adjoint, measurement: probs, pennylane: '>=0.46'}",
        "    expect: {outcome: supported}",
        "  - where: {interface: torch, diff_method: parameter-shift, measurement: expval, pennylane: '>=0.46'}",
        "    warnings: []",
    ]
    assert change.text.startswith("# A small matrix; this comment must survive an update.\n")
    assert "  - expect: supported   # the common case\n" in change.text
    # The old release still resolves to the old declarations.
    path = matrix_path.with_name("updated.yaml")
    path.write_text(change.text)
    before = load_matrix(matrix_path, versions=VERSIONS)
    after = load_matrix(path, versions=VERSIONS)
    assert [rc.expectation for rc in after.family("qnode").cells] == [
        rc.expectation for rc in before.family("qnode").cells
    ]


def test_update_with_nothing_drifted_changes_nothing(matrix_path: Path) -> None:
    change = update_matrix(matrix_path, _document(matrix_path), gate=None, source="r.json")
    assert (change.drifted, change.diff, change.text) == (0, "", MATRIX)


def test_update_cli_writes_and_rejects_bad_gates(matrix_path: Path, tmp_path: Path, capsys) -> None:
    results = _write(tmp_path, "new.json", _drifted(matrix_path))
    assert cli.main(["update", "--from", results, "--matrix", str(matrix_path), "--gate", "0.46"]) == 2
    assert "is not a PEP 440 specifier" in capsys.readouterr().err
    assert cli.main(["update", "--from", results, "--matrix", str(matrix_path), "--gate", "==0.46.*"]) == 0
    assert "4 rules added for 4 drifted cells" in capsys.readouterr().out
    document = load_results(results)
    updated = load_matrix(matrix_path, versions={**VERSIONS, "pennylane": "0.46.0"}).by_id()
    for record in records_of(document):
        observation = record.observation
        assert mismatches(updated[record.id].expectation, observation.observed, observation.warnings) == []


def test_update_refuses_cells_the_matrix_lacks(matrix_path: Path) -> None:
    document = copy.deepcopy(_drifted(matrix_path))
    document["cells"][0]["id"] = "default.qubit-jax-backprop-expval-analytic"
    document["cells"][0]["axes"]["interface"] = "jax"
    with pytest.raises(UpdateError, match="1 cells are not in"):
        update_matrix(matrix_path, document, gate=None, source="r.json")


def test_render_from_results_cli(matrix_path: Path, tmp_path: Path, capsys) -> None:
    complete = _write(tmp_path, "r.json", _document(matrix_path))
    assert cli.main(["render", "--from", complete]) == 0
    assert '| `"autograd"` | `"backprop"` | ✅ | ✅ |' in capsys.readouterr().out
    partial = _document(matrix_path)
    partial["cells"] = partial["cells"][1:]
    partial["summary"]["not_run"] = 1
    assert cli.main(["render", "--from", _write(tmp_path, "p.json", partial)]) == 2
    assert "1 cells have no observation" in capsys.readouterr().err


def test_hybrid_cells_are_recorded_with_their_training(matrix_path: Path) -> None:
    from supportmatrix.matrix.model import (
        Expectation,
        FamilyCells,
        HybridCell,
        ResolvedCell,
        TrainingRecord,
        TrainingSpec,
    )

    base = load_matrix(matrix_path, versions=VERSIONS)
    cell = HybridCell("torch-layer", "default.qubit", "adjoint")
    resolved = ResolvedCell(cell, Expectation(Outcome.SUPPORTED), TrainingSpec(0.8, 3))
    hybrid = FamilyCells(
        {"layer": ("torch-layer",), "device": ("default.qubit",), "diff_method": ("adjoint",)}, (resolved,)
    )
    matrix = type(base)(base.path, base.notes, {"qnode": base.family("qnode"), "hybrid": hybrid})
    run = CellRun(
        cell,
        Observed(Outcome.SUPPORTED),
        (),
        2.0,
        (_check(),),
        training=TrainingRecord(2, (0.7, 0.85), 1.5, 2**20),
    )
    records = {cell.id: CellRecord.of_run(resolved, run, [])}
    document = validate(build_document(matrix, records, versions=VERSIONS), source="test")
    assert document["hybrid_summary"]["status"]["pass"] == 1
    assert document["hybrid_cells"][0]["axes"] == {
        "layer": "torch-layer",
        "device": "default.qubit",
        "diff_method": "adjoint",
    }
    assert document["hybrid_cells"][0]["observed"]["training"] == {
        "epochs": 2,
        "accuracies": [0.7, 0.85],
        "wall_seconds": 1.5,
        "peak_memory_bytes": 2**20,
    }


# --------------------------------------------------------------------------- hybrid cells


def test_render_from_results_cli_with_hybrid_cells(hybrid_matrix_path: Path, tmp_path: Path, capsys) -> None:
    broken = _hybrid_run(
        hybrid_matrix_path,
        HYBRID_ID,
        Observed(
            Outcome.ERRORS, error=ObservedError(Stage.FORWARD, "RuntimeError", "builtins", "adjoint broke")
        ),
    )
    assert (
        cli.main(
            [
                "render",
                "--from",
                _write(tmp_path, "r.json", _document(hybrid_matrix_path, **{HYBRID_ID: broken})),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    hybrid = out.split("## Hybrid layers")[1]
    # The observation differs from the declaration, so no declared reason fits: a generic one.
    assert "| `qml.qnn.TorchLayer` | `default.qubit` | ✅ | ❌ 1 |" in hybrid
    assert "1. No reason given in the matrix: the forward pass raises `RuntimeError`." in hybrid
    partial = _document(hybrid_matrix_path)
    partial["hybrid_cells"].pop()
    partial["hybrid_summary"]["not_run"] = 1
    assert cli.main(["render", "--from", _write(tmp_path, "p.json", partial)]) == 2
    assert "1 cells have no observation" in capsys.readouterr().err
    # A run of the QNode test alone renders as before, without the hybrid table.
    qnode_only = _document(hybrid_matrix_path)
    qnode_only["hybrid_cells"] = []
    qnode_only["hybrid_summary"]["not_run"] = 4
    assert cli.main(["render", "--from", _write(tmp_path, "q.json", qnode_only)]) == 0
    assert "## Hybrid layers" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("observed", "shown"),
    [
        (
            Observed(
                Outcome.ERRORS,
                error=ObservedError(Stage.FORWARD, "RuntimeError", "builtins", "adjoint broke"),
            ),
            "supported → errors RuntimeError('adjoint broke') at forward",
        ),
        (
            Observed(Outcome.INCORRECT, failed_check=_check(False)),
            "supported → incorrect (max abs error 0.05)",
        ),
    ],
    ids=["errors", "incorrect"],
)
def test_a_hybrid_regression_fails_diff(
    hybrid_matrix_path: Path, tmp_path: Path, capsys, observed: Observed, shown: str
) -> None:
    run = _hybrid_run(
        hybrid_matrix_path, HYBRID_ID, observed, checks=[_check(observed.outcome is Outcome.ERRORS)]
    )
    old = _write(tmp_path, "old.json", _document(hybrid_matrix_path))
    new = _write(tmp_path, "new.json", _document(hybrid_matrix_path, **{HYBRID_ID: run}))
    matrix = ["--matrix", str(hybrid_matrix_path)]
    assert cli.main(["diff", old, new, *matrix]) == 1
    report = capsys.readouterr().out
    assert "**16** cells compared (of them 4 hybrid), **1** changed, **1** regressions" in report
    assert f"- `{HYBRID_ID}` (hybrid): {shown}" in report
    assert report.count("\n- `") == 1
    assert cli.main(["diff", "declared", old, *matrix]) == 0
    assert cli.main(["diff", "declared", new, *matrix]) == 1


def test_update_writes_hybrid_rules_under_hybrid_rules(
    hybrid_matrix_path: Path, tmp_path: Path, capsys
) -> None:
    broken = _hybrid_run(
        hybrid_matrix_path,
        HYBRID_ID,
        Observed(
            Outcome.ERRORS,
            error=ObservedError(Stage.FORWARD, "RuntimeError", "builtins", "adjoint broke (again)"),
        ),
    )
    results = _write(
        tmp_path,
        "new.json",
        _document(hybrid_matrix_path, versions={**VERSIONS, "pennylane": "0.46.0"}, **{HYBRID_ID: broken}),
    )
    matrix = ["--matrix", str(hybrid_matrix_path)]
    assert cli.main(["update", "--from", results, *matrix, "--dry-run"]) == 0
    added = [
        line[1:]
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("+") and not line.startswith("+++")
    ]
    note = (
        "  observed-unexplained: 'Found by `supportmatrix update`: the behaviour changed and "
        "no reason is known yet. Replace this note with why.'"
    )
    assert added == [
        note,
        "    # --- drift observed in new.json (pennylane 0.46.0, pennylane-lightning 0.45.0); gated >=0.46 ---",
        "    - where: {layer: torch-layer, diff_method: adjoint, pennylane: '>=0.46'}",
        "      expect: {outcome: errors, note: observed-unexplained, error: {class: RuntimeError, "
        "stage: forward, match: 'adjoint broke \\(again\\)'}}",
    ]
    assert cli.main(["update", "--from", results, *matrix]) == 0
    assert "1 rules added for 1 drifted cells" in capsys.readouterr().out
    expected = HYBRID_MATRIX.replace("  odd: a note\n", "  odd: a note\n" + note + "\n")
    assert hybrid_matrix_path.read_text() == expected + "\n".join(added[1:]) + "\n"
    for pennylane, outcome in (("0.45.1", Outcome.SUPPORTED), ("0.46.0", Outcome.ERRORS)):
        updated = load_matrix(hybrid_matrix_path, versions={**VERSIONS, "pennylane": pennylane})
        assert updated.family("hybrid").by_id()[HYBRID_ID].expectation.outcome is outcome


def test_observe_summary_counts_both_families(hybrid_matrix_path: Path, tmp_path: Path) -> None:
    from supportmatrix.release.observe import summary

    broken = _hybrid_run(
        hybrid_matrix_path,
        HYBRID_ID,
        Observed(
            Outcome.ERRORS, error=ObservedError(Stage.FORWARD, "RuntimeError", "builtins", "adjoint broke")
        ),
    )
    path = Path(_write(tmp_path, "r.json", _document(hybrid_matrix_path, **{HYBRID_ID: broken})))
    assert summary(path, 2.0).splitlines() == [
        f"observed 12 cells and 4 hybrid cells in 2.0 s -> {path}",
        "  outcomes: errors 1, supported 11",
        "  against matrix.yaml: pass 12",
        "  hybrid outcomes: errors 2, supported 2",
        "  hybrid against matrix.yaml: pass 3, fail 1",
        f"  fail: {HYBRID_ID}: observed errors RuntimeError('adjoint broke') at forward, but "
        "matrix.yaml declares supported",
    ]
