"""Unit tests for the reason requirement of schema_version 2, and for reading version 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportmatrix.matrix.model import Outcome, Stage
from tests.unit.matrix.matrix_docs import assert_error, cell_of, load, load_error, make_doc, rules

ERROR = "{class: ValueError, match: 'refused', stage: gradient}"


@pytest.mark.parametrize(
    "expect",
    [
        f"{{outcome: errors, error: {ERROR}}}",
        "no-gradient",
        "{outcome: no-gradient}",
        "{outcome: incorrect}",
    ],
)
def test_version_2_refuses_an_outcome_without_its_reason(tmp_path: Path, expect: str) -> None:
    text = make_doc(rules(f"- where: {{device: lightning.qubit}}\n  expect: {expect}\n"), version=2)
    err = load_error(tmp_path, text)
    outcome = expect.removeprefix("{outcome: ").split(",")[0].rstrip("}")
    needs = "'note' saying why" if outcome == "incorrect" else "requires a 'note' naming its reason"
    assert_error(err, text, "rules[1].expect", "expect: " + expect[:8], repr(outcome), needs)


@pytest.mark.parametrize(
    ("expect", "outcome"),
    [
        (f"{{outcome: errors, note: analytic-only, error: {ERROR}}}", Outcome.ERRORS),
        ("{outcome: no-gradient, note: analytic-only}", Outcome.NO_GRADIENT),
        ("{outcome: incorrect, note: wrong-grad}", Outcome.INCORRECT),
    ],
)
def test_version_2_accepts_an_outcome_with_its_reason(tmp_path: Path, expect: str, outcome: Outcome) -> None:
    text = make_doc(rules(f"- where: {{device: lightning.qubit}}\n  expect: {expect}\n"), version=2)
    got = cell_of(load(tmp_path, text), "lightning.qubit-torch-adjoint-probs-shots100").expectation
    assert got.outcome is outcome and got.note in ("analytic-only", "wrong-grad")
    # A supported cell needs no reason.
    assert (
        cell_of(load(tmp_path, text), "default.qubit-torch-adjoint-probs-shots100").expectation.note is None
    )


def test_version_2_refuses_an_unknown_reason(tmp_path: Path) -> None:
    text = make_doc(rules("- expect: {outcome: no-gradient, note: nonesuch}\n"), version=2)
    err = load_error(tmp_path, text)
    assert_error(
        err,
        text,
        "rules[1].expect.note",
        "nonesuch",
        "unknown note 'nonesuch'",
        "allowed: analytic-only, wrong-grad",
    )


def test_version_2_refuses_forward_only_with_what_to_write(tmp_path: Path) -> None:
    expect = f"{{outcome: forward-only, note: analytic-only, error: {ERROR}}}"
    text = make_doc(rules(f"- expect: {expect}\n"), version=2)
    err = load_error(tmp_path, text)
    assert_error(
        err,
        text,
        "rules[1].expect.outcome",
        "forward-only",
        "'forward-only' is schema_version 1 only",
        "outcome 'errors'",
        "'gradient'",
    )


def test_version_2_refuses_reasons_in_the_hybrid_family_too(tmp_path: Path) -> None:
    hybrid = (
        "hybrid:\n  axes:\n    layer: [torch-layer]\n    device: [default.qubit]\n"
        "    diff_method: [backprop]\n  rules:\n"
        "    - expect: {outcome: errors, error: {class: E, match: x, stage: training}}\n"
    )
    text = make_doc(version=2) + hybrid
    err = load_error(tmp_path, text)
    assert_error(
        err, text, "hybrid.rules[0].expect", "stage: training", "'errors' requires a 'note' naming its reason"
    )


def test_version_1_still_reads_errors_without_a_reason_and_forward_only(tmp_path: Path) -> None:
    text = make_doc(
        rules(
            f"- where: {{device: lightning.qubit}}\n  expect: {{outcome: errors, error: {ERROR}}}\n",
            f"- where: {{device: lightning.qubit, shots: 100}}\n"
            f"  expect: {{outcome: forward-only, error: {ERROR}}}\n",
            "- where: {interface: None}\n  expect: no-gradient\n",
        ),
        version=1,
    )
    matrix = load(tmp_path, text)
    analytic = cell_of(matrix, "lightning.qubit-torch-adjoint-probs-analytic").expectation
    shots = cell_of(matrix, "lightning.qubit-torch-adjoint-probs-shots100").expectation
    none = cell_of(matrix, "default.qubit-None-backprop-probs-analytic").expectation
    assert (analytic.outcome, analytic.note) == (Outcome.ERRORS, None)
    assert shots.outcome is Outcome.FORWARD_ONLY and shots.error.stage is Stage.GRADIENT
    assert (none.outcome, none.note) == (Outcome.NO_GRADIENT, None)


def test_version_1_still_requires_a_reason_for_incorrect(tmp_path: Path) -> None:
    text = make_doc(rules("- expect: incorrect\n"), version=1)
    err = load_error(tmp_path, text)
    assert_error(err, text, "rules[1].expect", "expect: incorrect", "'note' saying why")
