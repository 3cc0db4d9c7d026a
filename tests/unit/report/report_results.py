"""Small synthetic results documents for the HTML report's tests: made by the same
`CellRecord.of_run` and `build_document` a real run uses, from runner objects built by
hand, so no PennyLane runs."""

from __future__ import annotations

import dataclasses
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from supportmatrix.check.classify import Observed, ObservedError, ObservedWarning, ValueCheck, mismatches
from supportmatrix.check.run import CellRun
from supportmatrix.matrix.families import HYBRID, QJIT, TableLayout
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import (
    Expectation,
    FamilyCells,
    HybridCell,
    Matrix,
    Outcome,
    QjitCell,
    ResolvedCell,
    Stage,
    TrainingRecord,
)
from supportmatrix.release.codec import CellRecord, Observation
from supportmatrix.release.results import build_document

MATRIX = """\
schema_version: 2
axes:
  device: [default.qubit, lightning.qubit]
  interface: [autograd, torch]
  diff_method: [backprop, adjoint, parameter-shift]
  measurement: [expval, probs]
  shots: [None, 100]
notes:
  odd: a note with <b>markup</b> & an ampersand
rules:
  - expect: supported
  - where: {interface: torch, diff_method: adjoint, measurement: probs}
    expect: {outcome: errors, note: odd,
             error: {class: ValueError, match: 'adjoint \\(probs\\)', stage: forward}}
  - where: {device: lightning.qubit, diff_method: backprop}
    expect: {outcome: errors, note: odd, error: {class: DeviceError, match: 'backprop', stage: forward}}
  - where: {diff_method: parameter-shift, shots: 100}
    warnings: [{category: UserWarning, match: 'shifted'}]
  - where: {interface: autograd, diff_method: adjoint, measurement: expval, shots: 100}
    expect: {outcome: incorrect, note: odd}
hybrid:
  axes:
    layer: [torch-layer, keras3-jax]
    device: [default.qubit]
    diff_method: [backprop, adjoint]
  rules:
    - expect: supported
      training: {min_accuracy: 0.8, max_epochs: 3}
    - where: {layer: keras3-jax, diff_method: adjoint}
      expect: {outcome: errors, note: odd, error: {class: TypeError, match: 'no adjoint', stage: forward}}
"""
VERSIONS = {"pennylane": "0.45.1", "pennylane-lightning": "0.45.0", "torch": "2.13.0"}
QNODE_CELLS, HYBRID_CELLS = 2 * 2 * 3 * 2 * 2, 4

#: An observed message that must reach the page exactly, markup and all.
HOSTILE_MESSAGE = "adjoint (probs) is not supported </script><script>alert(1)</script> & <b>x</b>"
HOSTILE_CELL = "default.qubit-torch-adjoint-probs-analytic"
#: Cells the ``new`` run changes, by the drift group they must land in.
DRIFTED = {
    "newly-failing": "default.qubit-autograd-backprop-expval-analytic",
    "gradient-wrong": "default.qubit-torch-backprop-probs-analytic",
    "changed-error": "lightning.qubit-autograd-backprop-probs-analytic",
}
NEW_FAILURE = "ValueError: the new release refuses <this> configuration"


def write_matrix(directory: Path) -> Path:
    path = directory / "matrix.yaml"
    path.write_text(MATRIX, encoding="utf-8")
    return path


def load(path: Path) -> Matrix:
    return load_matrix(path, versions=VERSIONS)


def _check(ratio: float, *, what: str = "Jacobian") -> ValueCheck:
    expected = np.array([0.5, 0.25])
    observed = expected + np.array([0.0, ratio * 1e-8])
    return ValueCheck(what, observed, expected, np.array([1e-8, 1e-8]), ratio <= 1, "test bound")


#: What the honest run raises, by declared class: messages the declared regexes find.
MESSAGES = {
    "ValueError": "adjoint (probs) is not supported",
    "DeviceError": "no backprop here",
    "TypeError": "no adjoint here",
}


def _message(cell_id: str, cls: str) -> str:
    return HOSTILE_MESSAGE if cell_id == HOSTILE_CELL else MESSAGES[cls]


def honest_run(rc: Any) -> CellRun:
    """A run that observes what its cell declares; incorrect cells fail their check."""
    e = rc.expectation
    error = (
        None
        if e.error is None
        else ObservedError(
            e.error.stage, e.error.cls, "pennylane.exceptions", _message(rc.cell.id, e.error.cls)
        )
    )
    checks = (
        ()
        if error
        else (_check(0.25, what="forward value"), _check(3.0 if e.outcome is Outcome.INCORRECT else 0.5))
    )
    if isinstance(rc.cell, HybridCell):
        training = None if error else TrainingRecord(1, (0.845,), 0.5, 2**20)
        return CellRun(rc.cell, Observed(e.outcome, error=error), (), 1.5, checks, training=training)
    warnings = tuple(
        ObservedWarning(w.category, "values were shifted", "pennylane/x.py", 1, True) for w in e.warnings
    )
    failed = checks[1] if e.outcome is Outcome.INCORRECT else None
    return CellRun(
        rc.cell,
        Observed(e.outcome, error=error, failed_check=failed),
        warnings,
        0.01,
        checks,
        resolved_method=rc.cell.diff_method,
    )


def drifted_run(rc: Any) -> CellRun:
    """The ``new`` run: `DRIFTED` cells changed, the others as declared."""
    cell_id = rc.cell.id
    if cell_id == DRIFTED["newly-failing"]:
        error = ObservedError(
            Stage.FORWARD, "ValueError", "pennylane.exceptions", NEW_FAILURE.removeprefix("ValueError: ")
        )
        return CellRun(
            rc.cell, Observed(Outcome.ERRORS, error=error), (), 0.01, (), resolved_method="backprop"
        )
    if cell_id == DRIFTED["gradient-wrong"]:
        check = _check(40.0)
        return CellRun(
            rc.cell,
            Observed(Outcome.INCORRECT, failed_check=check),
            (),
            0.01,
            (_check(0.1, what="forward value"), check),
            resolved_method="backprop",
        )
    if cell_id == DRIFTED["changed-error"]:
        error = ObservedError(
            Stage.FORWARD, "DeviceError", "pennylane.exceptions", "backprop is now refused differently"
        )
        return CellRun(
            rc.cell, Observed(Outcome.ERRORS, error=error), (), 0.01, (), resolved_method="backprop"
        )
    return honest_run(rc)


def document(matrix: Matrix, make_run: Any = honest_run) -> dict[str, Any]:
    records = {}
    for rc in (*matrix.family("qnode").cells, *matrix.family("hybrid").cells):
        run = make_run(rc)
        records[rc.cell.id] = CellRecord.of_run(
            rc, run, mismatches(rc.expectation, run.observed, run.warnings)
        )
    return build_document(matrix, records, versions=VERSIONS)


def write_results(directory: Path, matrix: Matrix) -> tuple[Path, Path]:
    """``old.json`` (as declared) and ``new.json`` (with `DRIFTED`) in ``directory``."""
    old, new = directory / "old.json", directory / "new.json"
    old.write_text(json.dumps(document(matrix)), encoding="utf-8")
    new.write_text(json.dumps(document(matrix, drifted_run)), encoding="utf-8")
    return old, new


# --------------------------------------------------------------------------- other families

#: A Catalyst cell, for results documents that recorded the (opt-in) qjit family.
QJIT_CELL = QjitCell("lightning.qubit", "adjoint", "catalyst.grad", "auto", "expval", None, "first")
QJIT_FAILURE = ObservedError(
    Stage.GRADIENT, "CompileError", "catalyst.utils.exceptions", "adjoint cannot differentiate this program"
)


def with_qjit_record(document: dict[str, Any], error: ObservedError | None = None) -> dict[str, Any]:
    """``document`` and a record of `QJIT_CELL`, declared supported, observed to raise
    ``error`` (or supported)."""
    outcome = Outcome.SUPPORTED if error is None else Outcome.ERRORS
    observed = Observed(outcome, error=error)
    record = CellRecord(
        QJIT_CELL,
        Expectation(Outcome.SUPPORTED),
        "pass" if error is None else "fail",
        Observation(observed, (), (), None, observed.describe()),
        () if error is None else ("observed errors, but matrix.yaml declares supported",),
        0.5,
    )
    return {**document, QJIT.results_key: [record.to_json()]}


@dataclass(frozen=True)
class ToyCell:
    """A cell of a family the registry does not have."""

    colour: str
    size: str
    shots: int | None

    @property
    def id(self) -> str:
        return f"toy-{self.colour}-{self.size}-{'analytic' if self.shots is None else self.shots}"

    def axis_value(self, axis: str) -> str | int | None:
        return getattr(self, axis)


#: A fifth family, made of data only: the report must draw it as it draws the others.
TOY = dataclasses.replace(
    HYBRID,
    name="toy",
    title="toy widgets",
    keypath=("toy",),
    axis_names=("colour", "size", "shots"),
    make_cell=ToyCell,
    results_key="toy_cells",
    summary_key="toy_summary",
    marker="toy",
    fixture="resolved_toy_cell",
    test_file="tests/test_toy.py",
    reproduction=None,
    layout=TableLayout(sections=("colour",), rows=("size",), columns=(), paired="shots"),
)
TOY_AXES: dict[str, tuple[object, ...]] = {
    "colour": ("red", "blue"),
    "size": ("S", "M", "L"),
    "shots": (None, 100),
}


def toy_matrix() -> Matrix:
    """A matrix of only `TOY` cells: the large ones give no gradient."""
    cells = tuple(
        ResolvedCell(
            ToyCell(colour, size, shots),  # type: ignore[arg-type]
            Expectation(Outcome.NO_GRADIENT if size == "L" else Outcome.SUPPORTED),
        )
        for colour, size, shots in itertools.product(*TOY_AXES.values())
    )
    return Matrix("toy.yaml", {}, {TOY.name: FamilyCells(TOY_AXES, cells)})
