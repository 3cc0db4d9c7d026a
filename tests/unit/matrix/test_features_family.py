"""Unit tests for the ``features:`` family of matrix.yaml: axes, ids, rules, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportmatrix.matrix.axes import KNOWN_FEATURE_AXIS_VALUES
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import FeatureCell, Outcome, Stage
from tests.unit.matrix.matrix_docs import family_doc, load, load_error, qnode_prelude

QNODE = qnode_prelude("why", "Because.")

FEATURE_AXES = """\
features:
  axes:
    device: [default.qubit, lightning.qubit]
    interface: [None, torch]
    diff_method: [backprop, adjoint]
    feature: [controlled, rot]
    shots: [None, 10000]
  rules:
"""


def doc(rules: str = "- expect: supported\n", *, axes: str = FEATURE_AXES) -> str:
    return family_doc(QNODE, axes, rules)


def error(tmp_path: Path, text: str) -> str:
    return str(load_error(tmp_path, text))


def test_cells_are_the_product_in_axis_order_with_readable_ids(tmp_path: Path) -> None:
    matrix = load(tmp_path, doc())
    assert len(matrix.family("features").cells) == 2 * 2 * 2 * 2 * 2
    first = matrix.family("features").cells[0].cell
    assert first == FeatureCell("default.qubit", "None", "backprop", "controlled", None)
    assert first.id == "default.qubit-None-backprop-controlled-analytic"
    assert matrix.family("features").cells[1].cell.id == "default.qubit-None-backprop-controlled-shots10000"
    assert set(matrix.family("features").by_id()) == {rc.cell.id for rc in matrix.family("features").cells}
    assert (
        len(matrix.family("qnode").cells) == 1 and matrix.family("hybrid").cells == ()
    )  # the other families are untouched


def test_no_features_section_means_no_feature_cells(tmp_path: Path) -> None:
    matrix = load(tmp_path, QNODE)
    assert matrix.family("features").cells == () and matrix.family("features").axes == {}


def test_rules_resolve_last_match_wins_with_shared_notes_and_gates(tmp_path: Path) -> None:
    matrix = load(
        tmp_path,
        doc("""\
        - expect: supported
        - where: {interface: None}
          expect: {outcome: no-gradient, note: why}
        - where: {diff_method: adjoint, shots: 10000}
          expect: {outcome: errors, note: why,
                   error: {class: QuantumFunctionError, stage: forward, match: adjoint}}
        - where: {feature: rot, device: lightning.qubit, shots: None}
          expect: {outcome: incorrect, note: why}
        - where: {feature: controlled, pennylane: ">=99"}
          expect: {outcome: no-gradient, note: why}
    """),
        versions={"pennylane": "0.45.1"},
    )
    by_id = matrix.family("features").by_id()
    assert by_id["default.qubit-None-backprop-rot-analytic"].expectation.outcome is Outcome.NO_GRADIENT
    adjoint = by_id["default.qubit-torch-adjoint-rot-shots10000"].expectation
    assert adjoint.outcome is Outcome.ERRORS and adjoint.error.stage is Stage.FORWARD
    wrong = by_id["lightning.qubit-torch-backprop-rot-analytic"].expectation
    assert wrong.outcome is Outcome.INCORRECT and wrong.note == "why"
    # the version-gated rule is inactive under 0.45.1
    assert by_id["default.qubit-torch-backprop-controlled-analytic"].expectation.outcome is Outcome.SUPPORTED


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            doc(axes=FEATURE_AXES.replace("feature: [controlled, rot]", "feature: [controlled, loops]")),
            "features.axes.feature[1]: unknown value 'loops'; allowed: controlled, rot",
        ),
        (
            doc(axes=FEATURE_AXES.replace("feature: [controlled, rot]", "measurement: [expval]")),
            "features.axes.measurement: unknown axis 'measurement'",
        ),
        (
            doc("- where: {measurement: expval}\n  expect: supported\n"),
            "features.rules[0].where.measurement: unknown axis or package 'measurement'",
        ),
        (
            doc("- where: {interface: torch}\n  expect: supported\n"),
            "features.rules: 16 of 32 cells are not covered",
        ),
        (doc("- expect: supported\n- expect: supported\n"), "features.rules[0]: this rule decides no cell"),
        (
            doc("- expect: {outcome: errors, error: {class: E, match: x, stage: training}}\n"),
            "features.rules[0].expect.error.stage: unknown stage 'training'; allowed: forward, gradient",
        ),
        (QNODE + "features:\n  axes: {}\n  rules: []\n  extra: 1\n", "features.extra"),
    ],
)
def test_errors_name_the_features_key_path(tmp_path: Path, text: str, message: str) -> None:
    assert message in error(tmp_path, text)


def test_the_known_features_are_the_catalog(tmp_path: Path) -> None:
    from supportmatrix.features.catalog import FEATURES

    assert tuple(FEATURES) == KNOWN_FEATURE_AXIS_VALUES["feature"]


def test_the_real_matrix_declares_every_known_feature() -> None:
    matrix = load_matrix(
        Path(__file__).resolve().parents[3] / "matrix.yaml",
        versions={"pennylane": "0.45.1", "pennylane-lightning": "0.45.0"},
    )
    assert matrix.family("features").axes["feature"] == KNOWN_FEATURE_AXIS_VALUES["feature"]
    total = 2 * 6 * 11 * len(KNOWN_FEATURE_AXIS_VALUES["feature"]) * 2
    assert (
        len(matrix.family("features").cells) + len(matrix.family("features").not_applicable) == total >= 2500
    )
    assert {(na.cell.feature, na.cell.shots) for na in matrix.family("features").not_applicable} == {
        ("shot-vector", None)
    }


# --------------------------------------------------------------------------- not-applicable

SHOT_VECTOR_AXES = FEATURE_AXES.replace("feature: [controlled, rot]", "feature: [controlled, shot-vector]")
DECLARED = """\
  not-applicable:
    - where: {feature: shot-vector, shots: None}
      note: why
"""


def na_doc(rules: str = "- expect: supported\n", *, declared: str = DECLARED) -> str:
    axes = SHOT_VECTOR_AXES.replace("  rules:\n", declared + "  rules:\n")
    return doc(rules, axes=axes)


def test_declared_cells_are_not_tests_and_keep_their_reason(tmp_path: Path) -> None:
    matrix = load(tmp_path, na_doc())
    assert len(matrix.family("features").cells) == 32 - 8
    na = matrix.family("features").not_applicable
    assert [x.cell.id for x in na][:2] == [
        "default.qubit-None-backprop-shot-vector-analytic",
        "default.qubit-None-adjoint-shot-vector-analytic",
    ]
    assert len(na) == 8 and {x.note for x in na} == {"why"}
    assert na[0].line == na_doc().splitlines().index("    - where: {feature: shot-vector, shots: None}") + 1
    ids = {rc.cell.id for rc in matrix.family("features").cells}
    assert "default.qubit-None-backprop-shot-vector-shots10000" in ids
    assert not ids & {x.cell.id for x in na}
    entries = matrix.family("features").entries()
    assert entries[("default.qubit", "None", "backprop", "shot-vector", None)] is na[0]
    assert len(entries) == 32


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            doc(axes=SHOT_VECTOR_AXES),
            ":12: features: cell default.qubit-None-backprop-shot-vector-analytic makes no sense "
            "(feature 'shot-vector' runs only with finite shots) but is not declared under "
            "'not-applicable'",
        ),
        (
            na_doc(declared=DECLARED.replace("shot-vector, shots", "loops, shots")),
            ":20: features.not-applicable[0].where.feature: unknown value 'loops'; allowed: "
            "controlled, shot-vector",
        ),
        (
            na_doc(declared=DECLARED.replace("shot-vector, shots", "shot-vector, device: cpu, shots")),
            ":20: features.not-applicable[0].where.device: unknown value 'cpu'",
        ),
        (
            na_doc(
                declared=DECLARED + "    - where: {feature: shot-vector, shots: None, interface: torch}\n"
                "      note: why\n"
            ),
            ":22: features.not-applicable[1]: overlaps the entry at line 20: cell "
            "default.qubit-torch-backprop-shot-vector-analytic is declared not applicable twice",
        ),
        (
            na_doc(declared=DECLARED.replace("feature: shot-vector, shots: None", "shots: None")),
            ":20: features.not-applicable[0]: declares cell default.qubit-None-backprop-controlled-analytic "
            "not applicable, but it makes sense and is a test",
        ),
        (
            na_doc(declared=DECLARED.replace("shots: None}", "shots: None, pennylane: '>=0.40'}")),
            "features.not-applicable[0].where.pennylane: a not-applicable entry cannot be version-gated",
        ),
        (
            na_doc(declared=DECLARED.replace("note: why", "note: because")),
            ":21: features.not-applicable[0].note: unknown note 'because'; allowed: why",
        ),
        (
            na_doc(declared=DECLARED.replace("      note: why\n", "")),
            "features.not-applicable[0]: missing required key 'note'",
        ),
        (
            na_doc(declared=DECLARED.replace("note: why", "note: why\n      expect: supported")),
            "features.not-applicable[0].expect: unknown key 'expect'; allowed: where, note",
        ),
        (
            na_doc(
                "- expect: supported\n- where: {feature: shot-vector, shots: None}\n  expect: {outcome: no-gradient, note: why}\n"
            ),
            "features.rules[1]: this rule matches no cell that is a test: every cell it matches is "
            "declared not applicable",
        ),
    ],
)
def test_not_applicable_errors_name_file_line_and_key_path(tmp_path: Path, text: str, message: str) -> None:
    got = error(tmp_path, text)
    assert message in got, got
    assert "\n" not in got


def test_a_rule_may_cover_declared_cells_among_others(tmp_path: Path) -> None:
    """`- expect: supported` (every cell) is not dead because some of its cells are not tests."""
    matrix = load(
        tmp_path,
        na_doc(
            "- expect: supported\n- where: {feature: shot-vector}\n"
            "  expect: {outcome: incorrect, note: why}\n"
        ),
    )
    outcomes = {rc.cell.id: rc.expectation.outcome for rc in matrix.family("features").cells}
    assert outcomes["lightning.qubit-torch-adjoint-shot-vector-shots10000"] is Outcome.INCORRECT
