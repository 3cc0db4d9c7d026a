"""The Catalyst family through a release check: observe's options, diff and update.

A faked regression of one qjit cell must fail ``diff`` (exit 1) with the cell tagged as
Catalyst's, and ``update`` must accept it as a rule gated on the observed release under
``qjit: rules``, which resolves the cell as observed there and as before on older releases.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from supportmatrix import cli
from supportmatrix.check.classify import Observed, ObservedError, ValueCheck, mismatches
from supportmatrix.check.run import CellRun
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import Outcome, Stage
from supportmatrix.release.codec import CellRecord
from supportmatrix.release.observe import pytest_arguments
from supportmatrix.release.results import build_document
from tests.unit.matrix.matrix_docs import family_doc, qnode_prelude

MATRIX = family_doc(
    qnode_prelude("nested", "Round-off."),
    """\
qjit:
  axes:
    device: [lightning.qubit]
    diff_method: [adjoint]
    grad_function: [qml.grad]
    method: [auto, fd]
    measurement: [expval]
    shots: [None]
    derivative: [first, second]
  rules:
""",
    "- expect: supported\n",
)
OLD = {"pennylane": "0.45.1", "pennylane-lightning": "0.45.0", "pennylane-catalyst": "0.15.0"}
NEW = {**OLD, "pennylane": "0.46.0"}
BROKEN = "qjit-lightning.qubit-adjoint-qml.grad-auto-expval-analytic-second"
COMPILE_ERROR = Observed(
    Outcome.ERRORS,
    error=ObservedError(
        Stage.GRADIENT, "DifferentiableCompileError", "catalyst", "Only finite difference now"
    ),
)


def _check() -> ValueCheck:
    value = np.array([0.5, 0.25])
    return ValueCheck("Jacobian", value, value, np.array([1e-8, 1e-8]), True, "test bound")


def _results(
    tmp_path: Path, matrix_path: Path, versions: dict, name: str, broken: Observed | None = None
) -> str:
    """A results file of every cell (QNode and qjit) observed as declared, but ``BROKEN``."""
    matrix = load_matrix(matrix_path, versions=versions)
    records = {}
    for rc in matrix.resolved():
        observed = broken if rc.cell.id == BROKEN and broken else Observed(rc.expectation.outcome)
        run = CellRun(rc.cell, observed, (), 0.1, (_check(),))
        records[rc.cell.id] = CellRecord.of_run(rc, run, mismatches(rc.expectation, observed, ()))
    path = tmp_path / name
    path.write_text(json.dumps(build_document(matrix, records, versions=versions)))
    return str(path)


@pytest.fixture
def matrix_path(tmp_path: Path) -> Path:
    path = tmp_path / "matrix.yaml"
    path.write_text(MATRIX)
    return path


def test_observe_asks_pytest_for_the_families_a_default_run_leaves_out() -> None:
    args = pytest_arguments(Path("m.yaml"), Path("o.json"), workers="1", select=None, families=("qjit",))
    assert "--qjit" in args
    assert "--qjit" not in pytest_arguments(Path("m.yaml"), Path("o.json"), workers="1", select=None)
    parser = cli.build_parser()
    assert parser.parse_args(["observe", "--qjit"]).families == ["qjit"]
    assert parser.parse_args(["observe"]).families == []


def test_a_qjit_regression_fails_diff_tagged_as_catalyst(
    matrix_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _results(tmp_path, matrix_path, OLD, "old.json")
    new = _results(tmp_path, matrix_path, NEW, "new.json", broken=COMPILE_ERROR)
    matrix = ["--matrix", str(matrix_path)]
    assert cli.main(["diff", old, new, *matrix]) == 1
    report = capsys.readouterr().out
    assert "**5** cells compared (of them 4 Catalyst), **1** changed, **1** regressions" in report
    assert (
        f"- `{BROKEN}` (Catalyst): supported → errors DifferentiableCompileError("
        "'Only finite difference now') at gradient"
    ) in report
    assert cli.main(["diff", "declared", old, *matrix]) == 0
    assert cli.main(["diff", "declared", new, *matrix]) == 1
    assert f"`{BROKEN}` (Catalyst)" in capsys.readouterr().out


def test_update_accepts_a_qjit_regression_as_a_gated_rule(
    matrix_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = _results(tmp_path, matrix_path, NEW, "new.json", broken=COMPILE_ERROR)
    assert cli.main(["update", "--from", new, "--matrix", str(matrix_path)]) == 0
    assert "1 rules added for 1 drifted cells" in capsys.readouterr().out
    text = matrix_path.read_text()
    qjit_rules = text.split("qjit:", 1)[1]
    assert "pennylane: '>=0.46'" in qjit_rules and "DifferentiableCompileError" in qjit_rules
    after = load_matrix(matrix_path, versions=NEW).family("qjit").by_id()
    assert after[BROKEN].expectation.outcome is Outcome.ERRORS
    assert [c for c, rc in after.items() if rc.expectation.outcome is not Outcome.SUPPORTED] == [BROKEN]
    before = load_matrix(matrix_path, versions=OLD).family("qjit").by_id()
    assert before[BROKEN].expectation.outcome is Outcome.SUPPORTED
    # The accepted file now describes the new run: diff finds nothing left.
    assert cli.main(["diff", "declared", new, "--matrix", str(matrix_path)]) == 0
