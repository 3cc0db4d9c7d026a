"""Unit tests for the ``hybrid:`` family of matrix.yaml (schema, resolution, training)."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportmatrix.matrix.model import HybridCell, Outcome, Stage, TrainingSpec
from tests.unit.matrix.matrix_docs import family_doc, load, load_error, qnode_prelude

QNODE = qnode_prelude("gone", "Removed.")

HYBRID_AXES = """\
hybrid:
  axes:
    layer: [torch-layer, keras-layer]
    device: [default.qubit, lightning.qubit]
    diff_method: [backprop, adjoint]
  rules:
"""

TRAINED = """\
- expect: supported
  training: {min_accuracy: 0.8, max_epochs: 3}
"""


def doc(rules: str = TRAINED, *, axes: str = HYBRID_AXES) -> str:
    return family_doc(QNODE, axes, rules)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line inside ``hybrid:`` that contains ``needle``."""
    lines = text.splitlines()
    start = lines.index("hybrid:")
    return next(n for n, line in enumerate(lines[start:], start + 1) if needle in line)


def test_cells_are_the_product_in_file_order_with_readable_ids(tmp_path: Path) -> None:
    matrix = load(tmp_path, doc())
    ids = [rc.cell.id for rc in matrix.family("hybrid").cells]
    assert ids[:3] == [
        "torch-layer-default.qubit-backprop",
        "torch-layer-default.qubit-adjoint",
        "torch-layer-lightning.qubit-backprop",
    ]
    assert len(ids) == 8 and len(set(ids)) == 8
    assert matrix.family("hybrid").axes["layer"] == ("torch-layer", "keras-layer")
    assert len(matrix.family("qnode").cells) == 1  # the QNode family is untouched
    assert set(matrix.family("hybrid").by_id()) == set(ids)


def test_without_a_hybrid_section_the_family_is_empty(tmp_path: Path) -> None:
    matrix = load(tmp_path, QNODE)
    assert matrix.family("hybrid").cells == () and matrix.family("hybrid").axes == {}


def test_training_and_expect_resolve_separately_last_rule_wins(tmp_path: Path) -> None:
    text = doc(
        TRAINED
        + """\
- where: {layer: keras-layer, pennylane: ">=0.42"}
  expect: {outcome: errors, note: gone, error: {class: AttributeError, match: KerasLayer, stage: forward}}
- where: {device: lightning.qubit}
  training: {min_accuracy: 0.9, max_epochs: 5}
"""
    )
    cells = load(tmp_path, text, {"pennylane": "0.45.1"}).family("hybrid").by_id()
    torch_dq = cells["torch-layer-default.qubit-backprop"]
    assert torch_dq.expectation.outcome is Outcome.SUPPORTED
    assert torch_dq.training == TrainingSpec(0.8, 3)
    assert cells["torch-layer-lightning.qubit-adjoint"].training == TrainingSpec(0.9, 5)
    keras = cells["keras-layer-default.qubit-adjoint"]
    assert keras.expectation.outcome is Outcome.ERRORS and keras.expectation.error.cls == "AttributeError"
    assert keras.cell == HybridCell("keras-layer", "default.qubit", "adjoint")
    assert len(keras.rule_lines) == 2  # the expect rule and the training rule


def test_version_gate_switches_a_hybrid_rule_off(tmp_path: Path) -> None:
    text = doc(
        TRAINED
        + """\
- where: {layer: keras-layer, pennylane: ">=0.42"}
  expect: {outcome: errors, error: {class: AttributeError, match: KerasLayer, stage: forward},
           note: gone}
"""
    )
    cells = load(tmp_path, text, {"pennylane": "0.41.0"}).family("hybrid").by_id()
    assert cells["keras-layer-default.qubit-adjoint"].expectation.outcome is Outcome.SUPPORTED


def test_training_and_save_stages_are_hybrid_only(tmp_path: Path) -> None:
    text = doc(
        TRAINED
        + """\
- where: {layer: torch-layer}
  expect: {outcome: errors, error: {class: ValueError, match: x, stage: save}, note: gone}
"""
    )
    cell = load(tmp_path, text).family("hybrid").cells[0]
    assert cell.expectation.error.stage is Stage.SAVE
    qnode_text = QNODE.replace(
        "  - expect: supported\n",
        "  - expect: {outcome: errors, error: {class: ValueError, match: x, stage: training}}\n",
    )
    err = load_error(tmp_path, qnode_text)
    assert err.keypath == "rules[0].expect.error.stage"
    assert "allowed: forward, gradient" in err.message


@pytest.mark.parametrize(
    ("rules", "needle", "keypath", "message"),
    [
        ("- expect: supported\n", "rules:", "hybrid.rules", "8 supported hybrid cells get no 'training'"),
        (
            "- where: {layer: tf-layer}\n  expect: supported\n",
            "tf-layer",
            "hybrid.rules[0].where.layer",
            "unknown value 'tf-layer'; allowed: torch-layer, keras-layer",
        ),
        (
            "- where: {interface: torch}\n  expect: supported\n",
            "interface",
            "hybrid.rules[0].where.interface",
            "allowed axes: layer, device, diff_method",
        ),
        (
            "- where: {layer: torch-layer}\n",
            "- where",
            "hybrid.rules[0]",
            "a rule needs at least one of 'expect', 'warnings', 'training'",
        ),
        (
            "- expect: supported\n  training: {min_accuracy: 1.5, max_epochs: 3}\n",
            "min_accuracy",
            "hybrid.rules[0].training.min_accuracy",
            "min_accuracy must be a number in (0, 1], got a float 1.5",
        ),
        (
            "- expect: supported\n  training: {min_accuracy: 0.8, max_epochs: 0}\n",
            "max_epochs",
            "hybrid.rules[0].training.max_epochs",
            "max_epochs must be an integer >= 1",
        ),
        (
            "- expect: supported\n  training: {min_accuracy: 0.8}\n",
            "training",
            "hybrid.rules[0].training",
            "missing required key 'max_epochs'",
        ),
    ],
)
def test_bad_hybrid_rules_are_one_line_with_file_line_and_keypath(
    tmp_path: Path, rules: str, needle: str, keypath: str, message: str
) -> None:
    text = doc(rules)
    err = load_error(tmp_path, text)
    assert err.keypath == keypath
    assert message in err.message
    assert err.line == line_of(text, needle)
    assert str(err).startswith(f"{tmp_path / 'matrix.yaml'}:{err.line}: {keypath}: ")
    assert "\n" not in str(err)


def test_bad_hybrid_axes_and_keys(tmp_path: Path) -> None:
    text = doc(axes=HYBRID_AXES.replace("torch-layer, keras-layer", "torch-layer, torch-layer"))
    assert "duplicate value 'torch-layer'" in load_error(tmp_path, text).message
    text = doc(axes=HYBRID_AXES.replace("    diff_method: [backprop, adjoint]\n", ""))
    err = load_error(tmp_path, text)
    assert err.keypath == "hybrid.axes" and "missing axis 'diff_method'" in err.message
    text = doc(axes=HYBRID_AXES.replace("hybrid:\n", "hybrid:\n  notes: {}\n"))
    err = load_error(tmp_path, text)
    assert err.keypath == "hybrid.notes" and "allowed: axes, rules" in err.message


def test_a_dead_training_field_is_refused(tmp_path: Path) -> None:
    text = doc(TRAINED + "- training: {min_accuracy: 0.9, max_epochs: 5}\n")
    err = load_error(tmp_path, text)
    assert str(err) == (
        f"{tmp_path / 'matrix.yaml'}:{line_of(text, '- expect: supported')}: hybrid.rules[0]: "
        f"this rule decides no cell: a later rule (line {line_of(text, '- training:')}) sets "
        "'training' on every cell it matches"
    )


def test_a_training_gated_later_leaves_the_earlier_one_deciding(tmp_path: Path) -> None:
    text = doc(TRAINED + '- where: {keras: ">=3"}\n  training: {min_accuracy: 0.9, max_epochs: 5}\n')
    assert load(tmp_path, text).family("hybrid").cells[0].training == TrainingSpec(0.8, 3)
    assert load(tmp_path, text, {"keras": "3.1"}).family("hybrid").cells[0].training == TrainingSpec(0.9, 5)
