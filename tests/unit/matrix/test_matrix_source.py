"""Unit tests for `supportmatrix.matrix.source`: YAML to plain data, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportmatrix.matrix.load import MatrixError, load_matrix
from tests.unit.matrix.matrix_docs import (
    NOTES,
    assert_error,
    line_of,
    load_error,
    make_doc,
    no_gradient,
    rules,
)


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
              expect: {outcome: no-gradient, note: wrong-grad}
            """
        )
    )
    err = load_error(tmp_path, text)
    assert_error(
        err,
        text,
        "rules[1].where.device",
        "device: lightning.qubit",
        "duplicate key 'device'",
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
    err = load_error(tmp_path, "!!python/object:os.Foo {schema_version: 2}\n")
    assert err.keypath == "<document>" and "explicit tag" in err.message


def test_merge_keys_are_refused(tmp_path: Path) -> None:
    text = make_doc(
        """\
        - where: {device: default.qubit}
          expect: supported
        - where: {<<: {device: default.qubit}, shots: 100}
          expect: {outcome: no-gradient, note: wrong-grad}
        """
    )
    err = load_error(tmp_path, text)
    assert_error(err, text, "rules[1].where", "<<:", "merge keys")


def test_plain_aliases_are_refused(tmp_path: Path) -> None:
    text = make_doc(
        """\
        - where: {device: &lq lightning.qubit}
          expect: supported
        - where: {device: [default.qubit]}
          expect: supported
        - where: {device: *lq, shots: 100}
          expect: {outcome: no-gradient, note: wrong-grad}
        """
    )
    err = load_error(tmp_path, text)
    assert_error(
        err,
        text,
        "rules[0].where.device",
        "&lq",
        "anchors/aliases are not allowed",
        "found anchor &lq",
        "write the values out",
    )


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    text = make_doc() + "loop: &x [*x]\n"
    err = load_error(tmp_path, text)
    assert_error(err, text, "loop", "loop:", "anchors/aliases are not allowed", "found anchor &x")


HOSTILE = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.timeout(5)  # expanding the aliases would take minutes and gigabytes
def test_nested_aliases_fail_before_anything_is_expanded(tmp_path: Path) -> None:
    """Nine lines standing for 9**9 values (a "billion laughs") are refused at the first anchor."""
    assert len(HOSTILE) < 400 and HOSTILE.count("\n") == 9
    err = load_error(tmp_path, HOSTILE)
    assert str(err) == (
        f"{tmp_path / 'matrix.yaml'}:1: a: anchors/aliases are not allowed (found anchor &a); "
        "matrix.yaml is plain data: write the values out"
    )


@pytest.mark.parametrize(
    ("old", "new", "keypath", "needle"),
    [
        ('analytic-only: "', 'analytic-only: &n "', "notes.analytic-only", "&n"),
        ("analytic-only:", "&n analytic-only:", "notes", "&n"),  # on a key: reported at its mapping
        ("notes:\n", "notes: &n\n", "notes", "notes: &n"),
        ("shots: [None, 100]", "shots: [None, &n 100]", "axes.shots[1]", "&n 100"),
    ],
)
def test_a_single_anchor_is_refused(tmp_path: Path, old: str, new: str, keypath: str, needle: str) -> None:
    text = make_doc().replace(old, new, 1)
    err = load_error(tmp_path, text)
    assert_error(err, text, keypath, needle, "anchors/aliases are not allowed (found anchor &n)")


def test_a_single_alias_is_refused(tmp_path: Path) -> None:
    # An alias without its anchor: refused as an alias, not as YAML's "undefined alias".
    text = make_doc(rules(no_gradient("{device: *lq}")))
    err = load_error(tmp_path, text)
    assert_error(
        err, text, "rules[1].where.device", "*lq", "anchors/aliases are not allowed (found alias *lq)"
    )


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "matrix.yaml"
    path.write_bytes(b"schema_version: 2\nnotes: {a: \xff}\n")
    with pytest.raises(MatrixError, match="not valid UTF-8"):
        load_matrix(path, versions={})
