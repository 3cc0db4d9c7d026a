"""Unit tests for `supportmatrix.matrix.fields`: `expect` (error, note) and `warnings`."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportmatrix.matrix.model import Outcome
from tests.unit.matrix.matrix_docs import assert_error, cell_of, load, load_error, make_doc, rules


@pytest.mark.parametrize(
    ("version", "outcome"),
    [
        (2, "supported"),
        (1, "no-gradient"),  # version 2 needs a note for it, which only the mapping can give
    ],
)
def test_expect_shorthand_equals_mapping(tmp_path: Path, version: int, outcome: str) -> None:
    short = load(tmp_path, make_doc(f"- expect: {outcome}\n", version=version))
    long = load(tmp_path, make_doc(f"- expect: {{outcome: {outcome}}}\n", version=version))
    assert {rc.expectation.outcome.value for rc in short.family("qnode").cells} == {outcome}
    assert [rc.expectation for rc in short.family("qnode").cells] == [
        rc.expectation for rc in long.family("qnode").cells
    ]


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


@pytest.mark.parametrize(
    ("expect", "keypath", "fragments"),
    [
        (
            "maybe",
            "rules[1].expect.outcome",
            ("unknown outcome 'maybe'", "allowed: supported, errors, no-gradient, incorrect"),
        ),
        ("[supported]", "rules[1].expect", ("must be a mapping",)),
        ("{note: wrong-grad}", "rules[1].expect", ("missing required key 'outcome'",)),
        ("errors", "rules[1].expect", ("'errors' requires 'error",)),
        ("incorrect", "rules[1].expect", ("'incorrect' requires a 'note'",)),
        (
            "{outcome: supported, error: {class: E, match: x, stage: forward}}",
            "rules[1].expect.error",
            ("'supported' must not have 'error'",),
        ),
        (
            "{outcome: no-gradient, error: {class: E, match: x, stage: gradient}}",
            "rules[1].expect.error",
            ("'no-gradient' must not have 'error'",),
        ),
        (
            "{outcome: errors, error: {class: E, match: x}}",
            "rules[1].expect.error",
            ("missing required key 'stage'",),
        ),
        (
            "{outcome: errors, error: {class: E, stage: forward}}",
            "rules[1].expect.error",
            ("missing required key 'match'",),
        ),
        (
            "{outcome: errors, error: {match: x, stage: forward}}",
            "rules[1].expect.error",
            ("missing required key 'class'",),
        ),
        (
            "{outcome: errors, error: {class: E, match: x, stage: backward}}",
            "rules[1].expect.error.stage",
            ("unknown stage 'backward'", "allowed: forward, gradient"),
        ),
        (
            "{outcome: errors, error: {class: qml.DeviceError, match: x, stage: forward}}",
            "rules[1].expect.error.class",
            ("bare class name",),
        ),
        (
            "{outcome: errors, error: {class: Exception, match: x, stage: forward}}",
            "rules[1].expect.error.class",
            ("too broad", "name the real class"),
        ),
        (
            "{outcome: errors, error: {class: BaseException, match: x, stage: forward}}",
            "rules[1].expect.error.class",
            ("too broad",),
        ),
        (
            "{outcome: errors, error: {class: 3, match: x, stage: forward}}",
            "rules[1].expect.error.class",
            ("must be a string",),
        ),
        (
            "{outcome: errors, error: {class: E, match: '(unclosed', stage: forward}}",
            "rules[1].expect.error.match",
            ("invalid regex '(unclosed'", "missing )"),
        ),
        (
            "{outcome: errors, error: {class: E, match: 5, stage: forward}}",
            "rules[1].expect.error.match",
            ("must be a string",),
        ),
        (
            "{outcome: errors, error: [E], note: wrong-grad}",
            "rules[1].expect.error",
            ("error must be a mapping",),
        ),
        (
            "{outcome: supported, note: nope}",
            "rules[1].expect.note",
            ("unknown note 'nope'", "allowed: analytic-only, wrong-grad"),
        ),
        ("{outcome: supported, note: [wrong-grad]}", "rules[1].expect.note", ("must be a string",)),
    ],
)
def test_bad_expect(tmp_path: Path, expect: str, keypath: str, fragments: tuple[str, ...]) -> None:
    _assert_bad_expect(tmp_path, expect, keypath, fragments, version=2)


@pytest.mark.parametrize(
    ("expect", "keypath", "fragments"),
    [
        (
            "maybe",
            "rules[1].expect.outcome",
            ("unknown outcome 'maybe'", "allowed: supported, errors, no-gradient, forward-only, incorrect"),
        ),
        ("forward-only", "rules[1].expect", ("'forward-only' requires 'error",)),
        (
            "{outcome: forward-only, error: {class: E, match: x, stage: forward}}",
            "rules[1].expect.error.stage",
            ("requires stage 'gradient'", "'forward'"),
        ),
    ],
)
def test_bad_expect_in_version_1(
    tmp_path: Path, expect: str, keypath: str, fragments: tuple[str, ...]
) -> None:
    _assert_bad_expect(tmp_path, expect, keypath, fragments, version=1)


def _assert_bad_expect(
    tmp_path: Path, expect: str, keypath: str, fragments: tuple[str, ...], *, version: int
) -> None:
    text = make_doc(rules(f"- expect: {expect}\n"), version=version)
    assert_error(
        load_error(tmp_path, text),
        text,
        keypath,
        "- expect: {" if "{" in expect else f"- expect: {expect}",
        *fragments,
    )


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
        (
            "[{category: warnings.UserWarning, match: x}]",
            "rules[1].warnings[0].category",
            ("bare class name",),
        ),
        ("[{category: UserWarning, match: '[a-'}]", "rules[1].warnings[0].match", ("invalid regex '[a-'",)),
    ],
)
def test_bad_warnings(tmp_path: Path, warnings: str, keypath: str, fragments: tuple[str, ...]) -> None:
    text = make_doc(rules(f"- warnings: {warnings}\n"))
    assert_error(load_error(tmp_path, text), text, keypath, "- warnings:", *fragments)
