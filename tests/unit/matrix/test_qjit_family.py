"""Unit tests for the ``qjit:`` family of matrix.yaml (schema, resolution, version gates)."""

from __future__ import annotations

from pathlib import Path

from supportmatrix.matrix.axes import VERSIONED_PACKAGES
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import Outcome, QjitCell, Stage
from tests.unit.matrix.matrix_docs import family_doc, load, load_error, qnode_prelude

QNODE = qnode_prelude("nested", "Round-off.")

QJIT_AXES = """\
qjit:
  axes:
    device: [lightning.qubit, default.qubit]
    diff_method: [adjoint]
    grad_function: [qml.grad, catalyst.jacobian]
    method: [auto, fd]
    measurement: [expval]
    shots: [None, 10000]
    derivative: [first, second]
  rules:
"""


def doc(rules: str = "- expect: supported\n", *, axes: str = QJIT_AXES) -> str:
    return family_doc(QNODE, axes, rules)


def test_cells_are_the_product_in_file_order_with_readable_ids(tmp_path: Path) -> None:
    matrix = load(tmp_path, doc())
    ids = [rc.cell.id for rc in matrix.family("qjit").cells]
    assert ids[:3] == [
        "qjit-lightning.qubit-adjoint-qml.grad-auto-expval-analytic-first",
        "qjit-lightning.qubit-adjoint-qml.grad-auto-expval-analytic-second",
        "qjit-lightning.qubit-adjoint-qml.grad-auto-expval-shots10000-first",
    ]
    assert len(ids) == 2 * 2 * 2 * 2 * 2 and len(set(ids)) == len(ids)
    assert matrix.family("qjit").axes["shots"] == (None, 10000)
    assert (
        len(matrix.family("qnode").cells) == 1 and matrix.family("hybrid").cells == ()
    )  # other families untouched
    assert set(matrix.family("qjit").by_id()) == set(ids)


def test_without_a_qjit_section_the_family_is_empty(tmp_path: Path) -> None:
    matrix = load(tmp_path, QNODE)
    assert matrix.family("qjit").cells == () and matrix.family("qjit").axes == {}


def test_last_matching_rule_wins_and_notes_are_shared(tmp_path: Path) -> None:
    text = doc("""\
- expect: supported
- where: {method: fd, derivative: second}
  expect: {outcome: incorrect, note: nested}
- where: {method: auto, derivative: second}
  expect: {outcome: errors, note: nested,
           error: {class: DifferentiableCompileError, stage: gradient, match: 'Only finite difference'}}
- where: {device: default.qubit}
  expect: {outcome: errors, note: nested,
           error: {class: CompileError, stage: forward, match: 'incompatible device'}}
""")
    cells = load(tmp_path, text).family("qjit").by_id()
    fd2 = cells["qjit-lightning.qubit-adjoint-catalyst.jacobian-fd-expval-analytic-second"]
    assert fd2.expectation.outcome is Outcome.INCORRECT and fd2.expectation.note == "nested"
    assert fd2.cell == QjitCell(
        "lightning.qubit", "adjoint", "catalyst.jacobian", "fd", "expval", None, "second"
    )
    auto2 = cells["qjit-lightning.qubit-adjoint-qml.grad-auto-expval-shots10000-second"]
    assert auto2.expectation.error.stage is Stage.GRADIENT
    dq = cells["qjit-default.qubit-adjoint-qml.grad-fd-expval-analytic-second"]
    assert dq.expectation.error.cls == "CompileError" and dq.rule_lines[-1] > fd2.rule_lines[-1]


def test_rules_may_gate_on_the_catalyst_version(tmp_path: Path) -> None:
    assert "pennylane-catalyst" in VERSIONED_PACKAGES
    text = doc("""\
- expect: supported
- where: {device: default.qubit, pennylane-catalyst: "<0.15"}
  expect: {outcome: errors, error: {class: CompileError, stage: forward, match: x}, note: nested}
""")
    cell = "qjit-default.qubit-adjoint-qml.grad-auto-expval-analytic-first"
    old = load(tmp_path, text, {"pennylane-catalyst": "0.14.0"}).family("qjit").by_id()[cell]
    new = load(tmp_path, text, {"pennylane-catalyst": "0.15.0"}).family("qjit").by_id()[cell]
    absent = load(tmp_path, text, {}).family("qjit").by_id()[cell]
    assert old.expectation.outcome is Outcome.ERRORS
    assert new.expectation.outcome is absent.expectation.outcome is Outcome.SUPPORTED


def test_unknown_axis_value_names_the_allowed_ones(tmp_path: Path) -> None:
    err = load_error(tmp_path, doc(axes=QJIT_AXES.replace("[auto, fd]", "[auto, spsa]")))
    assert err.keypath == "qjit.axes.method[1]"
    assert "'spsa'" in err.message and "auto, fd" in err.message


def test_axes_must_be_the_qjit_axes_in_order(tmp_path: Path) -> None:
    swapped = QJIT_AXES.replace("    method: [auto, fd]\n", "").replace(
        "    derivative: [first, second]\n", "    derivative: [first, second]\n    method: [auto, fd]\n"
    )
    err = load_error(tmp_path, doc(axes=swapped))
    assert err.keypath == "qjit.axes" and "order" in err.message
    err = load_error(tmp_path, doc(axes=QJIT_AXES.replace("    derivative: [first, second]\n", "")))
    assert "missing axis 'derivative'" in err.message


def test_qjit_rules_take_no_training_and_no_hybrid_stage(tmp_path: Path) -> None:
    err = load_error(tmp_path, doc("- expect: supported\n  training: {min_accuracy: 0.8, max_epochs: 3}\n"))
    assert err.keypath == "qjit.rules[0].training" or "training" in err.message
    err = load_error(
        tmp_path, doc("- expect: {outcome: errors, error: {class: ValueError, match: x, stage: save}}\n")
    )
    assert err.keypath == "qjit.rules[0].expect.error.stage"


def test_uncovered_and_dead_rules_are_refused_in_the_qjit_section(tmp_path: Path) -> None:
    err = load_error(tmp_path, doc("- where: {device: lightning.qubit}\n  expect: supported\n"))
    assert err.keypath == "qjit.rules" and "qjit-default.qubit" in err.message
    err = load_error(
        tmp_path,
        doc(
            "- expect: supported\n- where: {method: fd}\n  expect: supported\n"
            "- where: {method: fd}\n  expect: supported\n"
        ),
    )
    assert err.keypath == "qjit.rules[1]" and "decides no cell" in err.message


def test_an_unknown_key_in_the_section_is_refused(tmp_path: Path) -> None:
    err = load_error(tmp_path, doc(axes=QJIT_AXES.replace("  rules:\n", "  notes: {}\n  rules:\n")))
    assert err.keypath.startswith("qjit") and "notes" in err.message


def test_the_real_matrix_declares_every_qjit_cell() -> None:
    root = Path(__file__).resolve().parents[3]
    matrix = load_matrix(root / "matrix.yaml", versions={})
    assert len(matrix.family("qjit").cells) == 2 * 5 * 3 * 2 * 12 * 2 * 2
    incorrect = [rc for rc in matrix.family("qjit").cells if rc.expectation.outcome is Outcome.INCORRECT]
    assert incorrect and all(rc.expectation.note for rc in incorrect)
