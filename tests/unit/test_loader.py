"""Unit tests for `supportmatrix.loader` and `supportmatrix.versions` (no PennyLane import)."""

from __future__ import annotations

import itertools
import random
import re
import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from supportmatrix.matrix import load as loader_module
from supportmatrix.matrix.load import MatrixError, load_matrix
from supportmatrix.matrix.model import (
    AXIS_NAMES,
    VERSIONED_PACKAGES,
    Cell,
    ErrorSpec,
    Matrix,
    Outcome,
    Stage,
)
from supportmatrix.matrix.versions import installed_versions, specifier_matches

AXES = """\
axes:
  device: [default.qubit, lightning.qubit]
  interface: [None, torch]
  diff_method: [backprop, adjoint]
  measurement: [probs, sample]
  shots: [None, 100]
"""

NOTES = """\
notes:
  analytic-only: "Finite shots are refused."
  wrong-grad: "The gradient is silently wrong."
"""

CATCH_ALL = "  - expect: supported\n"


def make_doc(rules: str = CATCH_ALL, *, axes: str = AXES, notes: str = NOTES) -> str:
    return "schema_version: 1\n" + axes + notes + "rules:\n" + textwrap.dedent(rules)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "matrix.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def load(
    tmp_path: Path, text: str, versions: Mapping[str, str | None] | None = None
) -> Matrix:
    return load_matrix(write(tmp_path, text), versions={} if versions is None else versions)


def load_error(
    tmp_path: Path, text: str, versions: Mapping[str, str | None] | None = None
) -> MatrixError:
    with pytest.raises(MatrixError) as info:
        load(tmp_path, text, versions)
    return info.value


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line containing ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def rules(*entries: str) -> str:
    """Rules after a catch-all ``supported``, each entry a dedented YAML list item."""
    return CATCH_ALL + "".join(textwrap.indent(textwrap.dedent(e), "  ") for e in entries)


def cell_of(matrix: Matrix, cell_id: str):
    return matrix.by_id()[cell_id]


def assert_error(
    err: MatrixError, text: str, keypath: str, line_needle: str, *fragments: str, occurrence=1
) -> None:
    assert err.keypath == keypath
    assert err.line == line_of(text, line_needle, occurrence)
    for fragment in fragments:
        assert fragment in err.message, err.message
    assert "\n" not in str(err)
    assert str(err) == f"{err.path}:{err.line}: {err.keypath}: {err.message}"


# ---------------------------------------------------------------------------- resolution


def test_cells_are_the_product_in_axis_and_file_order(tmp_path: Path) -> None:
    axes = AXES.replace("[None, torch]", "[torch, None]")
    matrix = load(tmp_path, make_doc(axes=axes))
    expected = [
        Cell(*combo)
        for combo in itertools.product(
            ["default.qubit", "lightning.qubit"],
            ["torch", "None"],
            ["backprop", "adjoint"],
            ["probs", "sample"],
            [None, 100],
        )
    ]
    assert [rc.cell for rc in matrix.cells] == expected
    assert matrix.cells[0].cell.id == "default.qubit-torch-backprop-probs-analytic"
    assert matrix.cells[-1].cell.id == "lightning.qubit-None-adjoint-sample-shots100"


def test_matrix_fields(tmp_path: Path) -> None:
    path = write(tmp_path, make_doc())
    matrix = load_matrix(path, versions={})
    assert matrix.path == str(path)
    assert list(matrix.axes) == list(AXIS_NAMES)
    assert matrix.axes["interface"] == ("None", "torch")
    assert matrix.axes["shots"] == (None, 100)
    assert matrix.notes == {
        "analytic-only": "Finite shots are refused.",
        "wrong-grad": "The gradient is silently wrong.",
    }
    rc = matrix.cells[0]
    assert rc.expectation.outcome is Outcome.SUPPORTED
    assert rc.expectation.error is None and rc.expectation.warnings == ()
    assert rc.rule_lines == (line_of(make_doc(), "- expect: supported"),)


def test_null_spellings_are_normalised(tmp_path: Path) -> None:
    axes = AXES.replace("[None, torch]", "[~, torch]").replace("[None, 100]", "[null, 100]")
    text = make_doc(
        rules(
            """\
            - where: {interface: null, shots: None}
              expect: no-gradient
            """
        ),
        axes=axes,
    )
    matrix = load(tmp_path, text)
    assert matrix.axes["interface"] == ("None", "torch")
    assert matrix.axes["shots"] == (None, 100)
    by_id = matrix.by_id()
    assert by_id["default.qubit-None-adjoint-probs-analytic"].expectation.outcome is (
        Outcome.NO_GRADIENT
    )
    assert by_id["default.qubit-None-adjoint-probs-shots100"].expectation.outcome is (
        Outcome.SUPPORTED
    )
    assert by_id["default.qubit-torch-adjoint-probs-analytic"].expectation.outcome is (
        Outcome.SUPPORTED
    )


def test_absent_empty_and_null_where_match_every_cell(tmp_path: Path) -> None:
    text = make_doc(
        """\
        - where: {}
          expect: no-gradient
        - where:
          warnings: [{category: UserWarning, match: "w"}]
        """
    )
    matrix = load(tmp_path, text)
    assert len(matrix.cells) == 32
    assert {rc.expectation.outcome for rc in matrix.cells} == {Outcome.NO_GRADIENT}
    assert all(len(rc.expectation.warnings) == 1 for rc in matrix.cells)


def test_last_matching_rule_wins(tmp_path: Path) -> None:
    text = make_doc(
        rules(
            """\
            - where: {device: lightning.qubit, measurement: [sample]}
              expect:
                outcome: errors
                error: {class: DeviceError, match: "first", stage: forward}
            """,
            """\
            - where: {device: lightning.qubit, shots: 100, measurement: sample}
              expect:
                outcome: forward-only
                error: {class: QuantumFunctionError, match: "second", stage: gradient}
                note: analytic-only
            """,
        )
    )
    matrix = load(tmp_path, text)
    first = cell_of(matrix, "lightning.qubit-torch-adjoint-sample-analytic")
    assert first.expectation.outcome is Outcome.ERRORS
    assert first.expectation.error == ErrorSpec("DeviceError", re.compile("first"), Stage.FORWARD)
    assert first.expectation.note is None
    assert first.rule_lines == (line_of(text, "measurement: [sample]"),)

    second = cell_of(matrix, "lightning.qubit-torch-adjoint-sample-shots100")
    assert second.expectation.outcome is Outcome.FORWARD_ONLY
    assert second.expectation.error is not None
    assert second.expectation.error.cls == "QuantumFunctionError"
    assert second.expectation.error.stage is Stage.GRADIENT
    assert second.expectation.note == "analytic-only"
    assert second.rule_lines == (line_of(text, "shots: 100, measurement"),)

    untouched = cell_of(matrix, "default.qubit-torch-adjoint-sample-shots100")
    assert untouched.expectation.outcome is Outcome.SUPPORTED


def test_expect_and_warnings_resolve_field_by_field(tmp_path: Path) -> None:
    text = make_doc(
        rules(
            """\
            - where: {device: lightning.qubit}
              warnings:
                - {category: UserWarning, match: "lightning"}
            """,
            """\
            - where: {device: lightning.qubit, diff_method: adjoint}
              expect: no-gradient
            """,
            """\
            - where: {device: lightning.qubit, diff_method: adjoint, measurement: sample}
              warnings: []
            """,
            """\
            - where: {device: default.qubit, shots: 100}
              expect: no-gradient
              warnings:
                - {category: PennyLaneDeprecationWarning, match: "shots"}
                - {category: RuntimeWarning, match: "x"}
            """,
        )
    )
    matrix = load(tmp_path, text)
    catch_all = line_of(text, "- expect: supported")
    warn_rule = line_of(text, "- where: {device: lightning.qubit}")
    adjoint_rule = line_of(text, "diff_method: adjoint}")
    clear_rule = line_of(text, "measurement: sample}")
    both_rule = line_of(text, "shots: 100}")

    warned = cell_of(matrix, "lightning.qubit-None-backprop-probs-analytic")
    assert warned.expectation.outcome is Outcome.SUPPORTED
    assert [w.describe() for w in warned.expectation.warnings] == ["UserWarning('lightning')"]
    assert warned.rule_lines == (catch_all, warn_rule)

    # An expect-only rule later in the file keeps the earlier rule's warnings.
    kept = cell_of(matrix, "lightning.qubit-None-adjoint-probs-analytic")
    assert kept.expectation.outcome is Outcome.NO_GRADIENT
    assert [w.category for w in kept.expectation.warnings] == ["UserWarning"]
    assert kept.rule_lines == (warn_rule, adjoint_rule)

    cleared = cell_of(matrix, "lightning.qubit-None-adjoint-sample-analytic")
    assert cleared.expectation.outcome is Outcome.NO_GRADIENT
    assert cleared.expectation.warnings == ()
    assert cleared.rule_lines == (adjoint_rule, clear_rule)

    both = cell_of(matrix, "default.qubit-torch-backprop-probs-shots100")
    assert both.expectation.outcome is Outcome.NO_GRADIENT
    assert [w.category for w in both.expectation.warnings] == [
        "PennyLaneDeprecationWarning",
        "RuntimeWarning",
    ]
    assert both.rule_lines == (both_rule,)


def test_expect_shorthand_equals_mapping(tmp_path: Path) -> None:
    short = load(tmp_path, make_doc("- expect: no-gradient\n"))
    long = load(tmp_path, make_doc("- expect: {outcome: no-gradient}\n"))
    assert [rc.expectation for rc in short.cells] == [rc.expectation for rc in long.cells]


def test_incorrect_with_note(tmp_path: Path) -> None:
    text = make_doc(
        rules(
            """\
            - where: {diff_method: adjoint}
              expect: {outcome: incorrect, note: wrong-grad}
            """
        )
    )
    rc = cell_of(load(tmp_path, text), "default.qubit-None-adjoint-probs-analytic")
    assert rc.expectation.outcome is Outcome.INCORRECT
    assert rc.expectation.note == "wrong-grad"


GATED = rules(
    """\
    - where: {device: lightning.qubit, pennylane: ">=0.44"}
      expect: no-gradient
    """
)


@pytest.mark.parametrize(
    ("versions", "gated"),
    [
        ({"pennylane": "0.45.0"}, True),
        ({"pennylane": "0.44"}, True),
        ({"pennylane": "0.45.0.dev3"}, True),  # pre-releases match
        ({"pennylane": "0.43.2"}, False),
        ({"pennylane": None}, False),  # not installed
        ({}, False),  # unknown to the caller: not installed
    ],
)
def test_version_gate(tmp_path: Path, versions: dict, gated: bool) -> None:
    matrix = load(tmp_path, make_doc(GATED), versions)
    rc = cell_of(matrix, "lightning.qubit-None-adjoint-probs-analytic")
    expected = Outcome.NO_GRADIENT if gated else Outcome.SUPPORTED
    assert rc.expectation.outcome is expected


def test_version_gate_needs_every_package(tmp_path: Path) -> None:
    text = make_doc(
        rules(
            """\
            - where: {pennylane: ">=0.44", torch: "<2", interface: torch}
              expect: no-gradient
            """
        )
    )
    cid = "default.qubit-torch-adjoint-probs-analytic"
    both = load(tmp_path, text, {"pennylane": "0.45", "torch": "1.13"})
    one = load(tmp_path, text, {"pennylane": "0.45", "torch": "2.1"})
    assert cell_of(both, cid).expectation.outcome is Outcome.NO_GRADIENT
    assert cell_of(one, cid).expectation.outcome is Outcome.SUPPORTED


def test_default_versions_come_from_installed_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader_module, "installed_versions", lambda: {"pennylane": "0.50"})
    matrix = load_matrix(write(tmp_path, make_doc(GATED)))
    rc = cell_of(matrix, "lightning.qubit-None-adjoint-probs-analytic")
    assert rc.expectation.outcome is Outcome.NO_GRADIENT


def test_resolution_agrees_with_naive_last_match(tmp_path: Path) -> None:
    """Random rules, checked against a direct reading of "last matching rule wins"."""
    rng = random.Random(1234)
    axes = {
        "device": ["default.qubit", "lightning.qubit"],
        "interface": ["None", "autograd", "torch", "jax"],
        "diff_method": ["backprop", "adjoint", "parameter-shift"],
        "measurement": ["probs", "sample", "expval"],
        "shots": [None, 10, 1000],
    }
    axes_text = "axes:\n" + "".join(
        f"  {name}: [{', '.join('None' if v is None else str(v) for v in values)}]\n"
        for name, values in axes.items()
    )
    versions = {"pennylane": "0.45.0"}
    entries, reference = [CATCH_ALL], [({}, True, "supported", None)]
    for _ in range(60):
        where = {
            name: rng.sample(values, rng.randint(1, len(values)))
            for name, values in axes.items()
            if rng.random() < 0.4
        }
        gate = rng.choice([None, ">=0.44", "<0.44"])
        outcome = rng.choice(["supported", "no-gradient", None])
        warn = rng.choice([None, "a", "b"]) if outcome else rng.choice(["a", "b"])
        parts = [
            f"{name}: [{', '.join('None' if v is None else str(v) for v in vals)}]"
            for name, vals in where.items()
        ]
        if gate:
            parts.append(f'pennylane: "{gate}"')
        entry = f"  - where: {{{', '.join(parts)}}}\n"
        if outcome:
            entry += f"    expect: {outcome}\n"
        if warn:
            entry += f"    warnings: [{{category: UserWarning, match: {warn}}}]\n"
        entries.append(entry)
        active = gate is None or specifier_matches(SpecifierSet(gate), versions["pennylane"])
        reference.append((where, active, outcome, warn))
    matrix = load(tmp_path, make_doc("".join(entries), axes=axes_text), versions)

    assert len(matrix.cells) == 2 * 4 * 3 * 3 * 3
    for rc in matrix.cells:
        matching = [
            r
            for r in reference
            if r[1] and all(rc.cell.axis_value(a) in vals for a, vals in r[0].items())
        ]
        outcome = [r[2] for r in matching if r[2]][-1]
        warns = [r[3] for r in matching if r[3]]
        assert rc.expectation.outcome.value == outcome
        assert [w.match.pattern for w in rc.expectation.warnings] == warns[-1:]


# ---------------------------------------------------------------------------- YAML-level errors


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
    text = make_doc().replace("schema_version: 1\n", "")
    err = load_error(tmp_path, text)
    assert err.keypath == "<document>" and "missing 'schema_version'" in err.message


@pytest.mark.parametrize("value", ["2", "'1'", "true", "1.0"])
def test_wrong_schema_version(tmp_path: Path, value: str) -> None:
    text = make_doc().replace("schema_version: 1", f"schema_version: {value}")
    err = load_error(tmp_path, text)
    assert_error(err, text, "schema_version", "schema_version", "unsupported", "allowed: 1")


def test_unknown_top_level_key(tmp_path: Path) -> None:
    text = make_doc() + "comment: hi\n"
    err = load_error(tmp_path, text)
    assert_error(
        err, text, "comment", "comment:", "unknown key 'comment'",
        "allowed: schema_version, axes, notes, rules, hybrid",
    )


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


# ---------------------------------------------------------------------------- axes and notes


def test_unknown_axis_name(tmp_path: Path) -> None:
    text = make_doc(axes=AXES + "  wires: [1, 2]\n")
    err = load_error(tmp_path, text)
    assert_error(
        err, text, "axes.wires", "wires:", "unknown axis 'wires'",
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
        ("[backprop, adjoint]", "[backprop, backprop]", "axes.diff_method[1]",
         ("duplicate value 'backprop'",)),
        ("[None, 100]", "[None, 0]", "axes.shots[1]", ("positive integer", "an integer 0")),
        ("[None, 100]", "[None, -5]", "axes.shots[1]", ("positive integer",)),
        ("[None, 100]", "[None, true]", "axes.shots[1]", ("a boolean True",)),
        ("[None, 100]", "[None, '100']", "axes.shots[1]", ("'100'",)),
        ("[None, 100]", "[None, 1.5]", "axes.shots[1]", ("a float 1.5",)),
        ("[None, 100]", "[None, None]", "axes.shots[1]", ("duplicate value",)),
        ("[probs, sample]", "[probs, 3]", "axes.measurement[1]", ("must be a string", "3")),
        ("[probs, sample]", "[]", "axes.measurement", ("at least one value",)),
        ("[probs, sample]", "probs", "axes.measurement", ("must be a list",)),
        ("[default.qubit, lightning.qubit]", "[default.qubit, ~]", "axes.device[1]",
         ("must be a string, got null",)),
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


# ---------------------------------------------------------------------------- rules


def test_rules_missing_empty_or_not_a_list(tmp_path: Path) -> None:
    base = "schema_version: 1\n" + AXES
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
            "- expect:\n    outcome: errors\n    error: {class: E, match: x, stage: forward,"
            " when: now}\n",
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
        ("{interface: [torch, jax]}", "rules[1].where.interface[1]",
         ("unknown value 'jax'", "allowed: None, torch")),
        ("{shots: 1000}", "rules[1].where.shots", ("unknown value 1000",
                                                   "allowed: None, 100")),
        ("{shots: true}", "rules[1].where.shots", ("a boolean True",)),
        ("{device: 7}", "rules[1].where.device", ("must be a string",)),
        ("{measurement: [probs, probs]}", "rules[1].where.measurement[1]", ("duplicate value",)),
        ("{measurement: []}", "rules[1].where.measurement", ("matches no cell",)),
        ("{wires: 2}", "rules[1].where.wires",
         ("unknown axis or package 'wires'", "allowed axes: device,", "allowed packages: pennylane,")),
        ("{pennylane_lightning: '>=0.44'}", "rules[1].where.pennylane_lightning",
         ("unknown axis or package", "pennylane-lightning")),
        ("{pennylane: '>=0.4 4'}", "rules[1].where.pennylane",
         ("invalid version specifier '>=0.4 4'",)),
        ("{pennylane: 0.44}", "rules[1].where.pennylane", ("must be a string", "a float 0.44")),
        ("[device]", "rules[1].where", ("where must be a mapping",)),
    ],
)
def test_bad_where(
    tmp_path: Path, where: str, keypath: str, fragments: tuple[str, ...]
) -> None:
    text = make_doc(rules(f"- where: {where}\n  expect: supported\n"))
    assert_error(load_error(tmp_path, text), text, keypath, "- where:", *fragments, occurrence=1)


@pytest.mark.parametrize(
    ("expect", "keypath", "fragments"),
    [
        ("maybe", "rules[1].expect.outcome",
         ("unknown outcome 'maybe'",
          "allowed: supported, errors, no-gradient, forward-only, incorrect")),
        ("[supported]", "rules[1].expect", ("must be a mapping",)),
        ("{note: wrong-grad}", "rules[1].expect", ("missing required key 'outcome'",)),
        ("errors", "rules[1].expect", ("'errors' requires 'error",)),
        ("forward-only", "rules[1].expect", ("'forward-only' requires 'error",)),
        ("incorrect", "rules[1].expect", ("'incorrect' requires a 'note'",)),
        ("{outcome: forward-only, error: {class: E, match: x, stage: forward}}",
         "rules[1].expect.error.stage", ("requires stage 'gradient'", "'forward'")),
        ("{outcome: supported, error: {class: E, match: x, stage: forward}}",
         "rules[1].expect.error", ("'supported' must not have 'error'",)),
        ("{outcome: no-gradient, error: {class: E, match: x, stage: gradient}}",
         "rules[1].expect.error", ("'no-gradient' must not have 'error'",)),
        ("{outcome: errors, error: {class: E, match: x}}", "rules[1].expect.error",
         ("missing required key 'stage'",)),
        ("{outcome: errors, error: {class: E, stage: forward}}", "rules[1].expect.error",
         ("missing required key 'match'",)),
        ("{outcome: errors, error: {match: x, stage: forward}}", "rules[1].expect.error",
         ("missing required key 'class'",)),
        ("{outcome: errors, error: {class: E, match: x, stage: backward}}",
         "rules[1].expect.error.stage", ("unknown stage 'backward'", "allowed: forward, gradient")),
        ("{outcome: errors, error: {class: qml.DeviceError, match: x, stage: forward}}",
         "rules[1].expect.error.class", ("bare class name",)),
        ("{outcome: errors, error: {class: Exception, match: x, stage: forward}}",
         "rules[1].expect.error.class", ("too broad", "name the real class")),
        ("{outcome: errors, error: {class: BaseException, match: x, stage: forward}}",
         "rules[1].expect.error.class", ("too broad",)),
        ("{outcome: errors, error: {class: 3, match: x, stage: forward}}",
         "rules[1].expect.error.class", ("must be a string",)),
        ("{outcome: errors, error: {class: E, match: '(unclosed', stage: forward}}",
         "rules[1].expect.error.match", ("invalid regex '(unclosed'", "missing )")),
        ("{outcome: errors, error: {class: E, match: 5, stage: forward}}",
         "rules[1].expect.error.match", ("must be a string",)),
        ("{outcome: errors, error: [E], note: wrong-grad}", "rules[1].expect.error",
         ("error must be a mapping",)),
        ("{outcome: supported, note: nope}", "rules[1].expect.note",
         ("unknown note 'nope'", "allowed: analytic-only, wrong-grad")),
        ("{outcome: supported, note: [wrong-grad]}", "rules[1].expect.note",
         ("must be a string",)),
    ],
)
def test_bad_expect(
    tmp_path: Path, expect: str, keypath: str, fragments: tuple[str, ...]
) -> None:
    text = make_doc(rules(f"- expect: {expect}\n"))
    assert_error(load_error(tmp_path, text), text, keypath, "- expect: {" if "{" in expect
                 else f"- expect: {expect}", *fragments)


def test_unknown_note_when_no_notes_declared(tmp_path: Path) -> None:
    text = make_doc(rules("- expect: {outcome: supported, note: x}\n"), notes="")
    assert "(no notes declared)" in load_error(tmp_path, text).message


@pytest.mark.parametrize(
    ("warnings", "keypath", "fragments"),
    [
        ("{category: UserWarning, match: x}", "rules[1].warnings", ("must be a list",)),
        ("~", "rules[1].warnings", ("must be a list, got null",)),
        ("[UserWarning]", "rules[1].warnings[0]", ("a warning must be a mapping",)),
        ("[{category: UserWarning}]", "rules[1].warnings[0]", ("missing required key 'match'",)),
        ("[{category: Warning, match: x}]", "rules[1].warnings[0].category", ("too broad",)),
        ("[{category: warnings.UserWarning, match: x}]", "rules[1].warnings[0].category",
         ("bare class name",)),
        ("[{category: UserWarning, match: '[a-'}]", "rules[1].warnings[0].match",
         ("invalid regex '[a-'",)),
    ],
)
def test_bad_warnings(
    tmp_path: Path, warnings: str, keypath: str, fragments: tuple[str, ...]
) -> None:
    text = make_doc(rules(f"- warnings: {warnings}\n"))
    assert_error(load_error(tmp_path, text), text, keypath, "- warnings:", *fragments)


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


# ---------------------------------------------------------------------------- coverage


def test_uncovered_cells(tmp_path: Path) -> None:
    text = make_doc(
        """\
        - where: {device: default.qubit}
          expect: supported
        - where: {device: lightning.qubit, shots: 100}
          expect: supported
        """
    )
    err = load_error(tmp_path, text)
    assert_error(
        err, text, "rules", "rules:", "8 of 32 cells",
        "first: lightning.qubit-None-backprop-probs-analytic",
    )


def test_cells_uncovered_because_of_a_version_gate(tmp_path: Path) -> None:
    text = make_doc(
        """\
        - where: {pennylane: ">=0.44"}
          expect: supported
        - warnings: []
        """
    )
    assert len(load(tmp_path, text, {"pennylane": "0.44.1"}).cells) == 32
    err = load_error(tmp_path, text, {"pennylane": "0.43"})
    assert_error(err, text, "rules", "rules:", "32 of 32 cells", "under the given package versions")


# ---------------------------------------------------------------------------- versions


def test_installed_versions() -> None:
    versions = installed_versions()
    assert tuple(versions) == VERSIONED_PACKAGES
    assert all(v is None or isinstance(v, str) for v in versions.values())
    assert installed_versions() is versions  # cached


@pytest.mark.parametrize(
    ("spec", "version", "expected"),
    [
        (">=0.44", "0.44.0", True),
        (">=0.44", "0.45.0.dev2", True),
        (">=0.44,<0.46", "0.46.0rc1", False),
        ("<0.44", "0.45", False),
        (">=0.44", None, False),
        (">=0.44", "not a version", False),
        ("", "1.0", True),
    ],
)
def test_specifier_matches(spec: str, version: str | None, expected: bool) -> None:
    assert specifier_matches(SpecifierSet(spec), version) is expected
