"""Unit tests for `supportmatrix.matrix.schema`: top level, axes, notes, rules and `where`."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportmatrix.matrix.model import Outcome
from tests.unit.matrix.matrix_docs import (
    AXES,
    assert_error,
    line_of,
    load,
    load_error,
    make_doc,
    rules,
)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "got null"),
        ("- schema_version: 1\n", "got a list"),
        ("just a string\n", "got 'just a string'"),
    ],
)
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str, fragment: str) -> None:
    err = load_error(tmp_path, text)
    assert err.line == 1 and err.keypath == "<document>"
    assert "top level must be a mapping" in err.message and fragment in err.message


def test_missing_schema_version(tmp_path: Path) -> None:
    text = make_doc().replace("schema_version: 2\n", "")
    err = load_error(tmp_path, text)
    assert err.keypath == "<document>" and "missing 'schema_version'" in err.message


@pytest.mark.parametrize("value", ["4", "0", "'1'", "true", "2.0"])
def test_wrong_schema_version(tmp_path: Path, value: str) -> None:
    text = make_doc().replace("schema_version: 2", f"schema_version: {value}")
    err = load_error(tmp_path, text)
    assert_error(err, text, "schema_version", "schema_version", "unsupported", "allowed: 1, 2, 3")


def test_unknown_top_level_key(tmp_path: Path) -> None:
    text = make_doc() + "comment: hi\n"
    err = load_error(tmp_path, text)
    assert_error(
        err,
        text,
        "comment",
        "comment:",
        "unknown key 'comment'",
        "allowed: schema_version, axes, notes, rules, hybrid",
    )


def test_null_spellings_are_normalised(tmp_path: Path) -> None:
    axes = AXES.replace("[None, torch]", "[~, torch]").replace("[None, 100]", "[null, 100]")
    text = make_doc(
        rules(
            """\
            - where: {interface: null, shots: None}
              expect: {outcome: no-gradient, note: wrong-grad}
            """
        ),
        axes=axes,
    )
    matrix = load(tmp_path, text)
    assert matrix.family("qnode").axes["interface"] == ("None", "torch")
    assert matrix.family("qnode").axes["shots"] == (None, 100)
    by_id = matrix.by_id()
    assert by_id["default.qubit-None-adjoint-probs-analytic"].expectation.outcome is (Outcome.NO_GRADIENT)
    assert by_id["default.qubit-None-adjoint-probs-shots100"].expectation.outcome is (Outcome.SUPPORTED)
    assert by_id["default.qubit-torch-adjoint-probs-analytic"].expectation.outcome is (Outcome.SUPPORTED)


def test_unknown_axis_name(tmp_path: Path) -> None:
    text = make_doc(axes=AXES + "  wires: [1, 2]\n")
    err = load_error(tmp_path, text)
    assert_error(
        err,
        text,
        "axes.wires",
        "wires:",
        "unknown axis 'wires'",
        "allowed: device, interface, diff_method, measurement, shots",
    )


def test_missing_axis(tmp_path: Path) -> None:
    text = make_doc(axes=AXES.replace("  shots: [None, 100]\n", ""))
    err = load_error(tmp_path, text)
    assert_error(err, text, "axes", "axes:", "missing axis 'shots'")


def test_axes_out_of_order(tmp_path: Path) -> None:
    lines = AXES.splitlines(keepends=True)
    text = make_doc(axes=lines[0] + lines[2] + lines[1] + "".join(lines[3:]))
    err = load_error(tmp_path, text)
    assert_error(err, text, "axes", "axes:", "order device, interface")


@pytest.mark.parametrize(
    ("old", "new", "keypath", "fragments"),
    [
        (
            "[None, torch]",
            "[None, pytorch]",
            "axes.interface[1]",
            ("unknown value 'pytorch'", "allowed: None, autograd, torch, tf, jax, jax-jit"),
        ),
        (
            "[backprop, adjoint]",
            "[backprop, backprop]",
            "axes.diff_method[1]",
            ("duplicate value 'backprop'",),
        ),
        ("[None, 100]", "[None, 0]", "axes.shots[1]", ("positive integer", "an integer 0")),
        ("[None, 100]", "[None, -5]", "axes.shots[1]", ("positive integer",)),
        ("[None, 100]", "[None, true]", "axes.shots[1]", ("a boolean True",)),
        ("[None, 100]", "[None, '100']", "axes.shots[1]", ("'100'",)),
        ("[None, 100]", "[None, 1.5]", "axes.shots[1]", ("a float 1.5",)),
        ("[None, 100]", "[None, None]", "axes.shots[1]", ("duplicate value",)),
        ("[probs, sample]", "[probs, 3]", "axes.measurement[1]", ("must be a string", "3")),
        ("[probs, sample]", "[]", "axes.measurement", ("at least one value",)),
        ("[probs, sample]", "probs", "axes.measurement", ("must be a list",)),
        (
            "[default.qubit, lightning.qubit]",
            "[default.qubit, ~]",
            "axes.device[1]",
            ("must be a string, got null",),
        ),
    ],
)
def test_bad_axis_values(
    tmp_path: Path, old: str, new: str, keypath: str, fragments: tuple[str, ...]
) -> None:
    text = make_doc(axes=AXES.replace(old, new))
    err = load_error(tmp_path, text)
    assert_error(err, text, keypath, new, *fragments)


def test_axes_not_a_mapping(tmp_path: Path) -> None:
    text = make_doc(axes="axes: [device]\n")
    err = load_error(tmp_path, text)
    assert_error(err, text, "axes", "axes:", "axes must be a mapping")


@pytest.mark.parametrize(
    ("notes", "keypath", "fragment"),
    [
        ("notes:\n  slug: 3\n", "notes.slug", "must be a string, got an integer 3"),
        ("notes:\n  slug: ''\n", "notes.slug", "must not be empty"),
        ("notes:\n  1: text\n", "notes[1]", "non-empty strings"),
        ("notes: [a]\n", "notes", "must be a mapping"),
    ],
)
def test_bad_notes(tmp_path: Path, notes: str, keypath: str, fragment: str) -> None:
    err = load_error(tmp_path, make_doc(notes=notes))
    assert err.keypath == keypath and fragment in err.message


def test_notes_may_be_absent_or_empty(tmp_path: Path) -> None:
    assert load(tmp_path, make_doc(notes="")).notes == {}
    assert load(tmp_path, make_doc(notes="notes:\n")).notes == {}


def test_rules_missing_empty_or_not_a_list(tmp_path: Path) -> None:
    base = "schema_version: 2\n" + AXES
    assert "missing required key 'rules'" in load_error(tmp_path, base).message
    assert "must not be empty" in load_error(tmp_path, base + "rules: []\n").message
    assert "must be a list" in load_error(tmp_path, base + "rules: {}\n").message


def test_rule_not_a_mapping(tmp_path: Path) -> None:
    text = make_doc(rules("- supported\n"))
    err = load_error(tmp_path, text)
    assert_error(err, text, "rules[1]", "- supported", "a rule must be a mapping")


def test_rule_needs_expect_or_warnings(tmp_path: Path) -> None:
    text = make_doc(rules("- where: {device: default.qubit}\n"))
    err = load_error(tmp_path, text)
    assert_error(err, text, "rules[1]", "- where: {device: default", "'expect', 'warnings'")


@pytest.mark.parametrize(
    ("entry", "keypath", "needle", "fragments"),
    [
        (
            "- when: {}\n  expect: supported\n",
            "rules[1].when",
            "- when:",
            ("unknown key 'when'", "allowed: where, expect, warnings"),
        ),
        (
            "- expect: {outcome: supported, reason: x}\n",
            "rules[1].expect.reason",
            "reason",
            ("unknown key 'reason'", "allowed: outcome, error, note"),
        ),
        (
            "- expect:\n    outcome: errors\n    error: {class: E, match: x, stage: forward, when: now}\n",
            "rules[1].expect.error.when",
            "when: now",
            ("unknown key 'when'", "allowed: class, match, stage"),
        ),
        (
            "- warnings: [{category: UserWarning, match: x, count: 2}]\n",
            "rules[1].warnings[0].count",
            "count: 2",
            ("unknown key 'count'", "allowed: category, match"),
        ),
    ],
)
def test_unknown_keys(
    tmp_path: Path, entry: str, keypath: str, needle: str, fragments: tuple[str, ...]
) -> None:
    text = make_doc(rules(entry))
    assert_error(load_error(tmp_path, text), text, keypath, needle, *fragments)


def test_unknown_where_value_message(tmp_path: Path) -> None:
    text = make_doc(rules("- where: {interface: pytorch}\n  expect: supported\n"))
    err = load_error(tmp_path, text)
    line = line_of(text, "interface: pytorch")
    assert str(err) == (
        f"{tmp_path / 'matrix.yaml'}:{line}: rules[1].where.interface: "
        "unknown value 'pytorch'; allowed: None, torch"
    )


@pytest.mark.parametrize(
    ("where", "keypath", "fragments"),
    [
        # Known to the runner but not declared in this file's axes.
        (
            "{interface: [torch, jax]}",
            "rules[1].where.interface[1]",
            ("unknown value 'jax'", "allowed: None, torch"),
        ),
        ("{shots: 1000}", "rules[1].where.shots", ("unknown value 1000", "allowed: None, 100")),
        ("{shots: true}", "rules[1].where.shots", ("a boolean True",)),
        ("{device: 7}", "rules[1].where.device", ("must be a string",)),
        ("{measurement: [probs, probs]}", "rules[1].where.measurement[1]", ("duplicate value",)),
        ("{measurement: []}", "rules[1].where.measurement", ("matches no cell",)),
        (
            "{wires: 2}",
            "rules[1].where.wires",
            ("unknown axis or package 'wires'", "allowed axes: device,", "allowed packages: pennylane,"),
        ),
        (
            "{pennylane_lightning: '>=0.44'}",
            "rules[1].where.pennylane_lightning",
            ("unknown axis or package", "pennylane-lightning"),
        ),
        ("{pennylane: '>=0.4 4'}", "rules[1].where.pennylane", ("invalid version specifier '>=0.4 4'",)),
        ("{pennylane: 0.44}", "rules[1].where.pennylane", ("must be a string", "a float 0.44")),
        ("[device]", "rules[1].where", ("where must be a mapping",)),
    ],
)
def test_bad_where(tmp_path: Path, where: str, keypath: str, fragments: tuple[str, ...]) -> None:
    text = make_doc(rules(f"- where: {where}\n  expect: supported\n"))
    assert_error(load_error(tmp_path, text), text, keypath, "- where:", *fragments, occurrence=1)


def test_error_lines_point_into_block_style(tmp_path: Path) -> None:
    text = make_doc(
        rules(
            """\
            - where:
                device: lightning.qubit
              expect:
                outcome: errors
                error:
                  class: DeviceError
                  match: "ok"
                  stage: sideways
            """
        )
    )
    err = load_error(tmp_path, text)
    assert_error(err, text, "rules[1].expect.error.stage", "stage: sideways", "unknown stage")
