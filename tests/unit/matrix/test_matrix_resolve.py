"""Unit tests for `supportmatrix.matrix.resolve`: last match wins, version gates, coverage."""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from supportmatrix.matrix.model import ErrorSpec, Outcome, QNodeCell, Stage
from supportmatrix.matrix.versions import specifier_matches
from tests.unit.matrix.matrix_docs import (
    AXES,
    CATCH_ALL,
    GATED,
    assert_error,
    cell_of,
    line_of,
    load,
    load_error,
    make_doc,
    no_gradient,
    rules,
)


def test_cells_are_the_product_in_axis_and_file_order(tmp_path: Path) -> None:
    axes = AXES.replace("[None, torch]", "[torch, None]")
    matrix = load(tmp_path, make_doc(axes=axes))
    expected = [
        QNodeCell(*combo)
        for combo in itertools.product(
            ["default.qubit", "lightning.qubit"],
            ["torch", "None"],
            ["backprop", "adjoint"],
            ["probs", "sample"],
            [None, 100],
        )
    ]
    assert [rc.cell for rc in matrix.family("qnode").cells] == expected
    assert matrix.family("qnode").cells[0].cell.id == "default.qubit-torch-backprop-probs-analytic"
    assert matrix.family("qnode").cells[-1].cell.id == "lightning.qubit-None-adjoint-sample-shots100"


def test_absent_empty_and_null_where_match_every_cell(tmp_path: Path) -> None:
    text = make_doc(
        """\
        - where: {}
          expect: {outcome: no-gradient, note: wrong-grad}
        - where:
          warnings: [{category: UserWarning, match: "w"}]
        """
    )
    matrix = load(tmp_path, text)
    assert len(matrix.family("qnode").cells) == 32
    assert {rc.expectation.outcome for rc in matrix.family("qnode").cells} == {Outcome.NO_GRADIENT}
    assert all(len(rc.expectation.warnings) == 1 for rc in matrix.family("qnode").cells)


def test_last_matching_rule_wins(tmp_path: Path) -> None:
    text = make_doc(
        rules(
            """\
            - where: {device: lightning.qubit, measurement: [sample]}
              expect:
                outcome: errors
                error: {class: DeviceError, match: "first", stage: forward}
                note: wrong-grad
            """,
            """\
            - where: {device: lightning.qubit, shots: 100, measurement: sample}
              expect:
                outcome: errors
                error: {class: QuantumFunctionError, match: "second", stage: gradient}
                note: analytic-only
            """,
        )
    )
    matrix = load(tmp_path, text)
    first = cell_of(matrix, "lightning.qubit-torch-adjoint-sample-analytic")
    assert first.expectation.outcome is Outcome.ERRORS
    assert first.expectation.error == ErrorSpec("DeviceError", re.compile("first"), Stage.FORWARD)
    assert first.expectation.note == "wrong-grad"
    assert first.rule_lines == (line_of(text, "measurement: [sample]"),)

    second = cell_of(matrix, "lightning.qubit-torch-adjoint-sample-shots100")
    assert second.expectation.outcome is Outcome.ERRORS
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
              expect: {outcome: no-gradient, note: wrong-grad}
            """,
            """\
            - where: {device: lightning.qubit, diff_method: adjoint, measurement: sample}
              warnings: []
            """,
            """\
            - where: {device: default.qubit, shots: 100}
              expect: {outcome: no-gradient, note: wrong-grad}
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
              expect: {outcome: no-gradient, note: wrong-grad}
            """
        )
    )
    cid = "default.qubit-torch-adjoint-probs-analytic"
    both = load(tmp_path, text, {"pennylane": "0.45", "torch": "1.13"})
    one = load(tmp_path, text, {"pennylane": "0.45", "torch": "2.1"})
    assert cell_of(both, cid).expectation.outcome is Outcome.NO_GRADIENT
    assert cell_of(one, cid).expectation.outcome is Outcome.SUPPORTED


def test_resolution_agrees_with_naive_last_match(tmp_path: Path) -> None:
    """Random rules, checked against a direct reading of "last matching rule wins".

    Random rules can set a field that no cell takes from them. The loader refuses such a
    rule (checked here against a direct reading of that definition too), so the file loaded
    leaves those fields out; that changes no cell, so the reference keeps them.
    """
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
    drawn: list[tuple[dict, str | None, str | None, str | None]] = [({}, None, "supported", None)]
    for _ in range(60):
        # Narrow rules (most axes, one or two values each), as in a real matrix: wide random
        # rules mostly hide each other, and every field they hide would be left out below.
        where = {
            name: rng.sample(values, rng.randint(1, 2)) for name, values in axes.items() if rng.random() < 0.8
        }
        gate = rng.choice([None, ">=0.44", "<0.44"])
        outcome = rng.choice(["supported", "no-gradient", None])
        warn = rng.choice([None, "a", "b"]) if outcome else rng.choice(["a", "b"])
        drawn.append((where, gate, outcome, warn))
    reference = [
        (where, gate is None or specifier_matches(SpecifierSet(gate), versions["pennylane"]), outcome, warn)
        for where, gate, outcome, warn in drawn
    ]

    cells = [dict(zip(axes, combo, strict=True)) for combo in itertools.product(*axes.values())]

    def matches(where: dict, cell: dict) -> bool:
        return all(cell[a] in vals for a, vals in where.items())

    def dead(index: int, field: int) -> bool:  # field: 2 = expect, 3 = warnings
        where, gate = drawn[index][:2]
        return all(
            any(
                later[field] and later[1] in (None, gate) and matches(later[0], cell)
                for later in drawn[index + 1 :]
            )
            for cell in cells
            if matches(where, cell)
        )

    def entry(where: dict, gate: str | None, outcome: str | None, warn: str | None) -> str:
        parts = [
            f"{name}: [{', '.join('None' if v is None else str(v) for v in vals)}]"
            for name, vals in where.items()
        ]
        if gate:
            parts.append(f'pennylane: "{gate}"')
        text = f"  - where: {{{', '.join(parts)}}}\n"
        if outcome == "supported":
            text += f"    expect: {outcome}\n"
        elif outcome:
            text += f"    expect: {{outcome: {outcome}, note: wrong-grad}}\n"
        if warn:
            text += f"    warnings: [{{category: UserWarning, match: {warn}}}]\n"
        return text

    entries = [CATCH_ALL] + [entry(*rule) for rule in drawn[1:]]
    kept, pruned = [], []
    for index, (where, gate, outcome, warn) in enumerate(drawn):
        outcome = None if outcome and dead(index, 2) else outcome
        warn = None if warn and dead(index, 3) else warn
        if (outcome, warn) != drawn[index][2:]:
            pruned.append(index)
        if outcome or warn:
            kept.append(CATCH_ALL if index == 0 else entry(where, gate, outcome, warn))
    assert pruned, "seed 1234 draws rules that decide no cell"
    err = load_error(tmp_path, make_doc("".join(entries), axes=axes_text), versions)
    assert err.keypath == f"rules[{pruned[0]}]" and "decides no cell" in err.message
    matrix = load(tmp_path, make_doc("".join(kept), axes=axes_text), versions)

    assert len(matrix.family("qnode").cells) == 2 * 4 * 3 * 3 * 3
    for rc in matrix.family("qnode").cells:
        matching = [
            r for r in reference if r[1] and all(rc.cell.axis_value(a) in vals for a, vals in r[0].items())
        ]
        outcome = [r[2] for r in matching if r[2]][-1]
        warns = [r[3] for r in matching if r[3]]
        assert rc.expectation.outcome.value == outcome
        assert [w.match.pattern for w in rc.expectation.warnings] == warns[-1:]


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
        err,
        text,
        "rules",
        "rules:",
        "8 of 32 cells",
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
    assert len(load(tmp_path, text, {"pennylane": "0.44.1"}).family("qnode").cells) == 32
    err = load_error(tmp_path, text, {"pennylane": "0.43"})
    assert_error(err, text, "rules", "rules:", "32 of 32 cells", "under the given package versions")


# ---------------------------------------------------------------------------- rules deciding no cell


def test_the_first_of_two_identical_rules_is_refused(tmp_path: Path) -> None:
    rule = no_gradient("{device: lightning.qubit, shots: 100}")
    text = make_doc(rules(rule, rule))
    err = load_error(tmp_path, text)
    first, second = line_of(text, "shots: 100}"), line_of(text, "shots: 100}", occurrence=2)
    assert str(err) == (
        f"{tmp_path / 'matrix.yaml'}:{first}: rules[1]: this rule decides no cell: a later rule "
        f"(line {second}) sets 'expect' on every cell it matches"
    )


def test_a_rule_covered_by_several_later_rules_names_them_all(tmp_path: Path) -> None:
    text = make_doc(
        rules(
            no_gradient("{device: lightning.qubit}"),
            "- where: {device: lightning.qubit, shots: None}\n  expect: supported\n",
            no_gradient("{shots: 100}"),
        )
    )
    err = load_error(tmp_path, text)
    covering = f"{line_of(text, 'shots: None}')}, {line_of(text, '- where: {shots: 100}')}"
    assert_error(
        err,
        text,
        "rules[1]",
        "- where: {device: lightning.qubit}",
        f"for 'expect' is decided by later rules (lines {covering})",
    )


def test_a_dead_warnings_field_is_refused_though_its_expect_decides(tmp_path: Path) -> None:
    text = make_doc(
        rules(
            """\
            - where: {device: lightning.qubit}
              expect: {outcome: no-gradient, note: wrong-grad}
              warnings: [{category: UserWarning, match: "never seen"}]
            """,
            "- where: {device: lightning.qubit}\n  warnings: []\n",
        )
    )
    err = load_error(tmp_path, text)
    assert_error(
        err,
        text,
        "rules[1]",
        "- where: {device: lightning.qubit}",
        "this rule decides no cell",
        f"a later rule (line {line_of(text, '- where: {device: lightning.qubit}', occurrence=2)})"
        " sets 'warnings' on every cell it matches",
    )


def test_a_long_list_of_deciding_rules_is_cut(tmp_path: Path) -> None:
    """No single later rule covers the dead one: its deciders are named, eight at most."""
    narrow = [
        f"- where: {{device: lightning.qubit, interface: {i}, diff_method: {m}, "
        f"measurement: {q}, shots: {s}}}\n  expect: supported\n"
        for i in ("None", "torch")
        for m in ("backprop", "adjoint")
        for q in ("probs", "sample")
        for s in ("None", 100)
    ]
    text = make_doc(rules(no_gradient("{device: lightning.qubit}"), *narrow))
    err = load_error(tmp_path, text)
    assert err.keypath == "rules[1]"
    named = err.message.split("decided by later rules (lines ", 1)[1]
    assert named.endswith(" and 8 more)") and len(named.split(",")) == 8


@pytest.mark.parametrize(
    ("earlier", "later", "dead"),
    [
        ("", "", True),
        (', pennylane: "<0.44"', "", True),  # the later rule applies whenever this one does
        (', pennylane: "<0.44"', ', pennylane: "<0.44"', True),
        (', pennylane: "<0.44", torch: ">=2"', ', pennylane: "<0.44"', True),
        ("", ', pennylane: ">=0.44"', False),  # before 0.44, the earlier rule decides
        (', pennylane: "<0.44"', ', pennylane: "<0.45"', False),  # another specifier
        (', pennylane: "<0.44"', ', torch: ">=2"', False),  # another package
    ],
)
def test_a_later_rule_hides_an_earlier_one_only_if_its_gates_are_a_subset(
    tmp_path: Path, earlier: str, later: str, dead: bool
) -> None:
    text = make_doc(
        rules(
            no_gradient(f"{{device: lightning.qubit{earlier}}}"),
            f"- where: {{device: lightning.qubit{later}}}\n  expect: supported\n",
        )
    )
    if dead:
        assert "decides no cell" in load_error(tmp_path, text).message
    else:
        load(tmp_path, text)


def test_a_rule_gated_later_leaves_the_earlier_one_deciding(tmp_path: Path) -> None:
    text = make_doc(
        rules(
            no_gradient("{device: lightning.qubit}"),
            '- where: {device: lightning.qubit, pennylane: ">=0.44"}\n  expect: supported\n',
        )
    )
    cid = "lightning.qubit-torch-adjoint-probs-analytic"
    old = cell_of(load(tmp_path, text, {"pennylane": "0.43.2"}), cid)
    new = cell_of(load(tmp_path, text, {"pennylane": "0.44.1"}), cid)
    assert old.expectation.outcome is Outcome.NO_GRADIENT
    assert new.expectation.outcome is Outcome.SUPPORTED


def test_dead_rules_are_refused_whatever_is_installed(tmp_path: Path) -> None:
    rule = no_gradient('{device: lightning.qubit, pennylane: ">=0.44"}')
    text = make_doc(rules(rule, rule))
    for versions in ({}, {"pennylane": "0.43"}, {"pennylane": "0.45"}):
        assert "decides no cell" in load_error(tmp_path, text, versions).message
