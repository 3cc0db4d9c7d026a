"""Unit tests for `supportmatrix.report.vocabulary`: symbols follow the outcome, not the wording."""

from __future__ import annotations

import re

import pytest

from supportmatrix.matrix.model import ErrorSpec, Expectation, Outcome, Stage, WarningSpec
from supportmatrix.report.cell_index import Footnotes, worst
from supportmatrix.report.vocabulary import LEGEND, Shown, footnote_text, shown, symbol


def _raises(outcome: Outcome, stage: Stage) -> Expectation:
    return Expectation(outcome, ErrorSpec("ValueError", re.compile("x"), stage))


#: Every outcome x stage the loader accepts (forward-only only at stage gradient), and
#: what the table shows for it.
CASES = [
    (Expectation(Outcome.SUPPORTED), Shown.SUPPORTED, "✅"),
    (Expectation(Outcome.NO_GRADIENT), Shown.NO_GRADIENT, "⛔"),
    (Expectation(Outcome.INCORRECT, note="n"), Shown.INCORRECT, "🐞"),
    (_raises(Outcome.ERRORS, Stage.FORWARD), Shown.FORWARD_RAISES, "❌"),
    (_raises(Outcome.ERRORS, Stage.GRADIENT), Shown.GRADIENT_RAISES, "▶️"),
    (_raises(Outcome.FORWARD_ONLY, Stage.GRADIENT), Shown.GRADIENT_RAISES, "▶️"),
    (_raises(Outcome.ERRORS, Stage.TRAINING), Shown.TRAINING_RAISES, "🚧"),
    (_raises(Outcome.ERRORS, Stage.SAVE), Shown.SAVE_RAISES, "💾"),
]


@pytest.mark.parametrize(
    ("expectation", "kind", "sign"),
    CASES,
    ids=[f"{e.outcome.value}-{e.error.stage.value if e.error else 'none'}" for e, _, _ in CASES],
)
def test_every_outcome_and_stage_has_its_symbol(expectation: Expectation, kind: Shown, sign: str) -> None:
    assert shown(expectation) is kind
    assert symbol(expectation) == sign == LEGEND[kind].symbol


def test_the_cases_cover_every_stage_and_outcome_and_every_symbol_is_distinct() -> None:
    assert {e.error.stage for e, _, _ in CASES if e.error} == set(Stage)
    assert {e.outcome for e, _, _ in CASES} == set(Outcome)
    assert {kind for _, kind, _ in CASES} == set(Shown) == set(LEGEND)
    assert len({sign.symbol for sign in LEGEND.values()}) == len(LEGEND)


def test_errors_at_gradient_and_forward_only_render_alike() -> None:
    # The same event under two spellings (schema_version 1): same entry, same footnote.
    notes = {"why": "Because."}
    one = Expectation(Outcome.ERRORS, ErrorSpec("E", re.compile("x"), Stage.GRADIENT), note="why")
    other = Expectation(Outcome.FORWARD_ONLY, ErrorSpec("F", re.compile("y"), Stage.GRADIENT), note="why")
    footnotes = Footnotes()
    assert footnotes.entry(one) == footnotes.entry(other) == "▶️ 1"
    assert footnote_text(one, notes, code=str) == footnote_text(other, notes, code=str)


def test_warning_marks_are_numbered_per_distinct_warning() -> None:
    a = WarningSpec("UserWarning", re.compile("a"))
    b = WarningSpec("DeprecationWarning", re.compile("b"))
    footnotes = Footnotes()
    assert footnotes.entry(Expectation(Outcome.SUPPORTED, warnings=(a,))) == "✅ ⚠1"
    assert footnotes.entry(Expectation(Outcome.NO_GRADIENT, warnings=(b, a), note="n")) == "⛔ 1 ⚠1,2"
    assert footnotes.entry(Expectation(Outcome.SUPPORTED, warnings=(b,))) == "✅ ⚠2"
    assert list(footnotes.warnings) == [a, b] and list(footnotes.reasons) == [("note", "n")]
    assert footnotes.warning_items(code=str, bullet="-") == [
        "- ⚠1 UserWarning, whose message contains a",
        "- ⚠2 DeprecationWarning, whose message contains b",
    ]


def test_a_cell_collapses_only_when_its_entries_read_the_same() -> None:
    footnotes = Footnotes()
    forward = _raises(Outcome.ERRORS, Stage.FORWARD)
    regex = Expectation(Outcome.ERRORS, ErrorSpec("ValueError", re.compile("other"), Stage.FORWARD))
    assert footnotes.cell([forward, regex]) == "❌ 1"  # the regex is not shown, so one entry
    assert footnotes.cell([Expectation(Outcome.SUPPORTED), forward]) == "✅ / ❌ 1"


@pytest.mark.parametrize(
    ("kinds", "colour"),
    [
        ((Outcome.SUPPORTED, Outcome.SUPPORTED), Shown.SUPPORTED),
        ((Outcome.SUPPORTED, Outcome.NO_GRADIENT), Shown.NO_GRADIENT),
        ((Outcome.NO_GRADIENT, Outcome.INCORRECT), Shown.INCORRECT),
        ((Outcome.INCORRECT, Outcome.SUPPORTED), Shown.INCORRECT),
    ],
)
def test_a_cell_is_coloured_by_its_worst_entry(kinds: tuple[Outcome, ...], colour: Shown) -> None:
    assert worst([Expectation(k) for k in kinds]) is colour
