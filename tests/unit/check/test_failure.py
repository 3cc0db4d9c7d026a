"""The failure text every family shares: declaration, observation, the resolved method,
the reproduction, the deciding rules' lines and the commands that accept the change."""

from __future__ import annotations

from supportmatrix.check.classify import Observed
from supportmatrix.check.failure import failure_message
from supportmatrix.check.run import CellRun
from supportmatrix.matrix.families import QJIT, QNODE
from supportmatrix.matrix.model import Decision, Expectation, Outcome, QjitCell, QNodeCell, ResolvedCell

DECLARED = Expectation(Outcome.INCORRECT, note="wrong")
DECISIONS = (Decision("expect", 12), Decision("warnings", 30))


def test_a_qnode_failure_names_the_resolved_method_its_rules_and_the_cure() -> None:
    cell = QNodeCell("default.qubit", "autograd", "best", "expval", None)
    run = CellRun(cell, Observed(Outcome.SUPPORTED), (), 0.1, resolved_method="backprop")
    text = failure_message(
        QNODE,
        ResolvedCell(cell, DECLARED, decisions=DECISIONS),
        run,
        ["observed supported, but matrix.yaml declares incorrect"],
        matrix_file="m.yaml",
    ).splitlines()
    assert text[:4] == [
        f"[{cell.id}]",
        "  observed supported, but matrix.yaml declares incorrect",
        "  declared: incorrect",
        "  observed: supported",
    ]
    assert text[4] == "  diff_method 'best' resolved to 'backprop'"
    assert any("diff_method='best'" in line for line in text)  # the snippet rebuilds the cell
    assert text[-5:] == [
        "  declared by: m.yaml:12 (expect), m.yaml:30 (warnings)",
        "  if the new behaviour is right, accept it (a rule gated on the installed release):",
        f"    supportmatrix observe --matrix m.yaml -k {cell.id} -o observed.json",
        "    supportmatrix update --matrix m.yaml --from observed.json",
        "  and regenerate docs/support-table.md.",
    ]


def test_a_family_left_out_by_default_is_asked_for_and_nothing_resolved_is_said() -> None:
    cell = QjitCell("lightning.qubit", "adjoint", "qml.grad", "auto", "expval", None, "first")
    run = CellRun(cell, Observed(Outcome.SUPPORTED), (), 0.1)
    text = failure_message(
        QJIT,
        ResolvedCell(cell, DECLARED, decisions=DECISIONS[:1]),
        run,
        ["a problem"],
        matrix_file="matrix.yaml",
    )
    assert "resolved to" not in text
    assert f"supportmatrix observe --matrix matrix.yaml --qjit -k {cell.id} -o observed.json" in text
    assert text.endswith("and regenerate docs/qjit-table.md.")
