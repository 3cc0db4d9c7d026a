"""Unit tests for `supportmatrix.matrix.load`: the `Matrix` it returns and its defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportmatrix.matrix import load as loader_module
from supportmatrix.matrix.axes import AXIS_NAMES
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import Outcome
from tests.unit.matrix.matrix_docs import GATED, cell_of, line_of, make_doc, write


def test_matrix_fields(tmp_path: Path) -> None:
    path = write(tmp_path, make_doc())
    matrix = load_matrix(path, versions={})
    assert matrix.path == str(path)
    assert list(matrix.family("qnode").axes) == list(AXIS_NAMES)
    assert matrix.family("qnode").axes["interface"] == ("None", "torch")
    assert matrix.family("qnode").axes["shots"] == (None, 100)
    assert matrix.notes == {
        "analytic-only": "Finite shots are refused.",
        "wrong-grad": "The gradient is silently wrong.",
    }
    rc = matrix.family("qnode").cells[0]
    assert rc.expectation.outcome is Outcome.SUPPORTED
    assert rc.expectation.error is None and rc.expectation.warnings == ()
    assert rc.rule_lines == (line_of(make_doc(), "- expect: supported"),)


def test_default_versions_come_from_installed_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader_module, "installed_versions", lambda: {"pennylane": "0.50"})
    matrix = load_matrix(write(tmp_path, make_doc(GATED)))
    rc = cell_of(matrix, "lightning.qubit-None-adjoint-probs-analytic")
    assert rc.expectation.outcome is Outcome.NO_GRADIENT


def test_a_file_loaded_again_unchanged_is_not_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parses = []
    real_parse = loader_module.parse_yaml
    monkeypatch.setattr(
        loader_module, "parse_yaml", lambda src, text: parses.append(text) or real_parse(src, text)
    )
    path = write(tmp_path, make_doc(GATED))
    first = load_matrix(path, versions={"pennylane": "0.50"})
    assert load_matrix(path, versions={"pennylane": "0.50"}) is first
    assert len(parses) == 1
    # Other versions resolve the gates differently; other text is another matrix.
    older = load_matrix(path, versions={"pennylane": "0.40"})
    assert older is not first and older.family("qnode").cells != first.family("qnode").cells
    path.write_text(path.read_text() + "\n# a comment\n")
    assert load_matrix(path, versions={"pennylane": "0.50"}) is not first
    assert len(parses) == 3
