"""The words every table uses: outcome symbols, labels, headers, reasons and warning text.

The Markdown, RST and HTML writers and the reader of PennyLane's page all import these, so
a symbol or a label changes in one place. Formatting (code spans, roles) is the writers'
own: they pass ``code`` to `footnote_text` and `warning_text`.

A cell's symbol follows what happens, not how its rule is worded: ``errors`` at stage
``gradient`` and ``forward-only`` (schema_version 1) are the same event, so they get the
same symbol.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from supportmatrix.check.measurements import MEASUREMENTS
from supportmatrix.matrix.families import Family
from supportmatrix.matrix.model import Expectation, Outcome, Stage, WarningSpec
from supportmatrix.matrix.table_texts import AXIS_TEXTS


class Legend(NamedTuple):
    """How one kind of entry is drawn in the table and what it means."""

    symbol: str
    meaning: str


class Shown(str, enum.Enum):
    """What a table cell shows: the outcome, with a raising one split by where it raises."""

    SUPPORTED = "supported"
    FORWARD_RAISES = "forward-raises"
    GRADIENT_RAISES = "gradient-raises"
    NO_GRADIENT = "no-gradient"
    INCORRECT = "incorrect"
    TRAINING_RAISES = "training-raises"
    SAVE_RAISES = "save-raises"


#: The single source for symbols: the table cells and the legends all read it, in this order.
LEGEND: dict[Shown, Legend] = {
    Shown.SUPPORTED: Legend("✅", "supported: the forward value and the gradient agree with the reference."),
    Shown.FORWARD_RAISES: Legend("❌", "the forward pass raises."),
    Shown.GRADIENT_RAISES: Legend("▶️", "the forward pass works; differentiating raises."),
    Shown.NO_GRADIENT: Legend("⛔", "the forward pass works; no gradient comes out."),
    Shown.INCORRECT: Legend("🐞", "a value or a gradient comes out, and it is wrong."),
    # Hybrid layers only. Loss and gradient are right here, so neither "▶️" nor "❌" fits.
    Shown.TRAINING_RAISES: Legend(
        "🚧", "hybrid layers: loss and gradient are right; training the model raises."
    ),
    Shown.SAVE_RAISES: Legend("💾", "hybrid layers: the model trains; saving or reloading it raises."),
}

#: Marks a cell that warns; the number after it is the warning's item in the table's list.
WARNING_MARK = "⚠"

#: How the features tables show a cell declared not applicable (``features: not-applicable``),
#: followed by its reason's number. Not an outcome: nothing ran.
NOT_APPLICABLE = Legend(
    "n/a", "not applicable: the cell makes no sense (its reason is listed under the table), so nothing runs."
)


def extra_shown(families: Sequence[Family]) -> tuple[Shown, ...]:
    """What only these families' tables show (`TableLayout.extra_symbols`), in their order;
    each one's `LEGEND` meaning names those tables before a colon (`unscoped`)."""
    return tuple(Shown(value) for family in families for value in family.layout.extra_symbols)


def unscoped(meaning: str) -> str:
    """A `LEGEND` meaning without the tables it names: ``"hybrid layers: the model trains; ..."``
    -> ``"the model trains; ..."``, for a sentence that names them itself."""
    return meaning.partition(": ")[2] or meaning


_SHOWN_BY_STAGE = {
    Stage.FORWARD: Shown.FORWARD_RAISES,
    Stage.GRADIENT: Shown.GRADIENT_RAISES,
    Stage.TRAINING: Shown.TRAINING_RAISES,
    Stage.SAVE: Shown.SAVE_RAISES,
}
_SHOWN_BY_OUTCOME = {
    Outcome.SUPPORTED: Shown.SUPPORTED,
    Outcome.NO_GRADIENT: Shown.NO_GRADIENT,
    Outcome.INCORRECT: Shown.INCORRECT,
}

#: Column headers as PennyLane's table names them; a measurement outside the registry shows
#: its raw value.
MEASUREMENT_HEADERS: dict[str, str] = {name: kind.label for name, kind in MEASUREMENTS.items()}

#: The hybrid table's row labels, now data of the family registry: the HTML report reads
#: them here until it draws from the registry (tests/unit/test_architecture.py).
LAYER_LABELS: dict[str, str] = dict(AXIS_TEXTS["layer"].value_labels())

#: How a table labels an axis's values, by axis name (of any family); a value not listed
#: shows itself.
AXIS_VALUE_LABELS: dict[str, dict[str, str]] = {
    "measurement": MEASUREMENT_HEADERS,
    "layer": LAYER_LABELS,
}

# What a cell without a declared reason is said to do: a schema_version 1 file need not
# name one, and a table rendered from observations may differ from the declaration.
_UNEXPLAINED: dict[Shown, str] = {
    Shown.FORWARD_RAISES: "the forward pass raises {error}.",
    Shown.GRADIENT_RAISES: "the forward pass works; differentiating raises {error}.",
    Shown.NO_GRADIENT: "the forward pass works; no gradient comes out.",
    Shown.INCORRECT: "a gradient comes out, and it disagrees with the reference.",
    Shown.TRAINING_RAISES: "loss and gradient are right; training raises {error}.",
    Shown.SAVE_RAISES: "the model trains; saving or reloading it raises {error}.",
    Shown.SUPPORTED: "supported.",
}
_UNEXPLAINED_PREFIX = "No reason given in the matrix: "

#: What identifies a footnote: a declared note's key, or, for a cell without one, what
#: it shows and the exception class it raises (so such cells share one generic reason).
ReasonKey = tuple[str, str | None]

_CODE_SPAN = re.compile(r"`([^`]+)`")
# A regex that is its message's text with only punctuation escaped (what `re.escape` and
# `release.messages.pattern_for` write), so it can be shown as plain text.
_ESCAPED_LITERAL = re.compile(r"(?:[^\\.^$*+?{}\[\]|()]|\\[^A-Za-z0-9])*")
_ESCAPE = re.compile(r"\\(.)")


def shown(expectation: Expectation) -> Shown:
    """What the table shows for an expectation, from its outcome and its error's stage."""
    error = expectation.error
    return shown_for(expectation.outcome, None if error is None else error.stage)


def shown_for(outcome: Outcome, stage: Stage | None) -> Shown:
    """What the table shows for an outcome (declared or observed) raised at ``stage``."""
    if outcome in (Outcome.ERRORS, Outcome.FORWARD_ONLY):
        if stage is None:  # a Matrix built by hand; the loader requires an error
            return Shown.FORWARD_RAISES if outcome is Outcome.ERRORS else Shown.GRADIENT_RAISES
        return _SHOWN_BY_STAGE[stage]
    return _SHOWN_BY_OUTCOME[outcome]


def symbol(expectation: Expectation) -> str:
    """The symbol of an expectation's entry, e.g. ``"▶️"`` for an error at stage gradient."""
    return LEGEND[shown(expectation)].symbol


def reason_key(expectation: Expectation) -> ReasonKey | None:
    """The footnote an entry refers to; None for a supported cell without a note."""
    if expectation.note is not None:
        return ("note", expectation.note)
    what = shown(expectation)
    if what is Shown.SUPPORTED:
        return None
    return (what.value, None if expectation.error is None else expectation.error.cls)


def reason_text(key: ReasonKey, notes: dict[str, str], *, code: Callable[[str], str]) -> str:
    """The footnote for `reason_key`'s key: the note's text, or a generic sentence."""
    kind, value = key
    if kind == "note":
        assert value is not None
        return with_code(note_text(value, notes), code)
    error = "an exception" if value is None else code(value)
    return _UNEXPLAINED_PREFIX + _UNEXPLAINED[Shown(kind)].format(error=error)


def footnote_text(
    expectation: Expectation,
    notes: dict[str, str],
    *,
    code: Callable[[str], str],
) -> str:
    """The reason an expectation's footnote gives: its note, or a generic sentence.

    The exact exception class, regex and stage are not repeated here: they stay in
    `matrix.yaml`, the JSON output and the failure messages.
    """
    key = reason_key(expectation)
    return "Supported." if key is None else reason_text(key, notes, code=code)


def warning_text(warning: WarningSpec, *, code: Callable[[str], str]) -> str:
    """One item of a table's warning list: the category and the text its message contains."""
    pattern = warning.match.pattern
    if _ESCAPED_LITERAL.fullmatch(pattern):
        literal = _ESCAPE.sub(r"\1", pattern)
        return f"{code(warning.category)}, whose message contains {code(literal)}"
    return f"{code(warning.category)}, with a message matching {code(pattern)}"


def with_code(text: str, code: Callable[[str], str]) -> str:
    """`text` with each Markdown code span (`` `x` ``) written by `code` instead."""
    return _CODE_SPAN.sub(lambda m: code(m.group(1)), text)


def note_text(key: str, notes: dict[str, str]) -> str:
    """The text of note ``key``; a `ValueError` names a key the notes lack."""
    try:
        return notes[key].strip()
    except KeyError:
        raise ValueError(f"expectation refers to undefined note {key!r}") from None
