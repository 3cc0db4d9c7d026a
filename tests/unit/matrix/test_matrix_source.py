"""Unit tests for `supportmatrix.matrix.source`: YAML to plain data, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from matrix_docs import NOTES, assert_error, cell_of, line_of, load, load_error, make_doc, rules

from supportmatrix.matrix.load import MatrixError, load_matrix
from supportmatrix.matrix.model import Outcome


def test_error_str_is_one_line() -> None:
    err = MatrixError("m.yaml", 12, "rules[3].where.interface", "bad\nvalue")
    assert str(err) == "m.yaml:12: rules[3].where.interface: bad value"
    assert (err.path, err.line, err.keypath, err.message) == (
        "m.yaml",
        12,
        "rules[3].where.interface",
        "bad value",
    )


def test_yaml_syntax_error(tmp_path: Path) -> None:
    text = make_doc() + "  - where: {device: [default.qubit}\n"
    err = load_error(tmp_path, text)
    assert err.line == line_of(text, "[default.qubit}")
    assert "YAML syntax error" in err.message
    assert "\n" not in str(err) and str(err).startswith(f"{tmp_path / 'matrix.yaml'}:")


def test_multiple_documents_are_a_syntax_error(tmp_path: Path) -> None:
    err = load_error(tmp_path, make_doc() + "---\nfoo: 1\n")
    assert "YAML syntax error" in err.message


def test_duplicate_key(tmp_path: Path) -> None:
    text = make_doc(
        rules(
            """\
            - where:
                device: default.qubit
                device: lightning.qubit
              expect: no-gradient
            """
        )
    )
    err = load_error(tmp_path, text)
    assert_error(
        err, text, "rules[1].where.device", "device: lightning.qubit", "duplicate key 'device'",
        occurrence=1,
    )
    assert f"first at line {line_of(text, 'device: default.qubit')}" in err.message


def test_duplicate_top_level_key(tmp_path: Path) -> None:
    text = make_doc() + NOTES
    err = load_error(tmp_path, text)
    assert_error(err, text, "notes", "notes:", "duplicate key 'notes'", occurrence=2)


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object/apply:os.system ['echo pwned']",
        "!custom value",
        "!!str 5",
        "!<tag:yaml.org,2002:str> x",
        "! x",
    ],
)
def test_tagged_nodes_are_refused(tmp_path: Path, tagged: str) -> None:
    text = make_doc().replace("analytic-only: ", f"analytic-only: {tagged} #", 1)
    err = load_error(tmp_path, text)
    assert_error(err, text, "notes.analytic-only", "analytic-only:", "explicit tag", "not allowed")


def test_tagged_top_level_is_refused(tmp_path: Path) -> None:
    err = load_error(tmp_path, "!!python/object:os.Foo {schema_version: 1}\n")
    assert err.keypath == "<document>" and "explicit tag" in err.message


def test_merge_keys_are_refused(tmp_path: Path) -> None:
    text = make_doc(
        """\
        - where: &w {device: default.qubit}
          expect: supported
        - where: {<<: *w, shots: 100}
          expect: no-gradient
        """
    )
    err = load_error(tmp_path, text)
    assert_error(err, text, "rules[1].where", "<<: *w", "merge keys")


def test_plain_aliases_are_fine(tmp_path: Path) -> None:
    text = make_doc(
        """\
        - where: {device: &lq lightning.qubit}
          expect: supported
        - where: {device: [default.qubit]}
          expect: supported
        - where: {device: *lq, shots: 100}
          expect: no-gradient
        """
    )
    rc = cell_of(load(tmp_path, text), "lightning.qubit-None-adjoint-probs-shots100")
    assert rc.expectation.outcome is Outcome.NO_GRADIENT


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    text = make_doc() + "loop: &x [*x]\n"
    err = load_error(tmp_path, text)
    assert "recursive alias" in err.message and err.line == line_of(text, "loop:")


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "matrix.yaml"
    path.write_bytes(b"schema_version: 1\nnotes: {a: \xff}\n")
    with pytest.raises(MatrixError, match="not valid UTF-8"):
        load_matrix(path, versions={})
