"""What a rule sets besides ``where``: ``expect`` (with its error and note), ``warnings`` and,
for hybrid rules, ``training``; each parsed into the model's frozen specs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from supportmatrix.matrix.checks import (
    allowed,
    check_keys,
    one_of,
    require_list,
    require_mapping,
    require_str,
    show,
)
from supportmatrix.matrix.keyed import Keyed, declared_names
from supportmatrix.matrix.model import (
    ErrorSpec,
    Expectation,
    Outcome,
    Stage,
    TrainingSpec,
    WarningSpec,
)
from supportmatrix.matrix.source import Keypath, Source

__all__ = [
    "NEEDS_NOTE",
    "outcomes_of",
    "parse_error_table",
    "parse_expect",
    "parse_note_ref",
    "parse_training",
    "parse_warning_table",
    "parse_warnings",
]

_TRAINING_KEYS = ("min_accuracy", "max_epochs")
_EXPECT_KEYS = ("outcome", "error", "note")
_ERROR_KEYS = ("class", "match", "stage")
_WARNING_KEYS = ("category", "match")

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Matching these would hide which failure actually happened.
_TOO_BROAD = frozenset({"Exception", "BaseException", "Warning"})

_NEEDS_ERROR = frozenset({Outcome.ERRORS, Outcome.FORWARD_ONLY})
_FORBIDS_ERROR = frozenset({Outcome.SUPPORTED, Outcome.NO_GRADIENT, Outcome.INCORRECT})

#: Outcomes whose rule must name the reason (a key of ``notes``) from schema_version 2 on:
#: the table's footnotes are these reasons, so every cell that is not supported has one.
NEEDS_NOTE = frozenset({Outcome.ERRORS, Outcome.FORWARD_ONLY, Outcome.NO_GRADIENT, Outcome.INCORRECT})


def outcomes_of(schema_version: int) -> tuple[str, ...]:
    """The outcomes a file of this schema version may declare.

    Version 2 drops ``forward-only``: it is ``errors`` at stage ``gradient``, which the
    tables already show with the same symbol.
    """
    if schema_version >= 2:
        return tuple(o.value for o in Outcome if o is not Outcome.FORWARD_ONLY)
    return tuple(o.value for o in Outcome)


def parse_expect(
    src: Source,
    raw: object,
    kp: Keypath,
    notes: dict[str, str],
    stages: tuple[str, ...],
    schema_version: int = 1,
    keyed: Keyed | None = None,
) -> Expectation:
    """An outcome string or ``{outcome, error, note}``; errors may only name ``stages``.

    With ``keyed`` (schema 3) ``error`` is a key of the top-level ``errors:``, not a mapping.
    """
    expect = {"outcome": raw} if isinstance(raw, str) else raw
    expect = require_mapping(src, expect, kp, "expect (an outcome or a mapping)")
    check_keys(src, expect, kp, _EXPECT_KEYS, required=("outcome",))
    if schema_version >= 2 and expect["outcome"] == Outcome.FORWARD_ONLY.value:
        raise src.error(
            (*kp, "outcome"),
            "outcome 'forward-only' is schema_version 1 only; under schema_version 2 write "
            "outcome 'errors' with error stage 'gradient'",
        )
    one_of(src, expect["outcome"], (*kp, "outcome"), "outcome", outcomes_of(schema_version))
    outcome = Outcome(expect["outcome"])
    error = None
    if "error" in expect and keyed is not None:
        error = _error_ref(src, expect["error"], (*kp, "error"), stages, keyed)
    elif "error" in expect:
        error = _parse_error(src, expect["error"], (*kp, "error"), stages)
    note = parse_note_ref(src, expect["note"], (*kp, "note"), notes) if "note" in expect else None
    _check_consistency(src, kp, outcome, error, note)
    if schema_version >= 2 and outcome in NEEDS_NOTE and note is None:
        raise src.error(
            kp,
            f"outcome {outcome.value!r} requires a 'note' naming its reason (a key of notes) "
            "under schema_version 2",
        )
    return Expectation(outcome=outcome, error=error, note=note)


def _check_consistency(
    src: Source, kp: Keypath, outcome: Outcome, error: ErrorSpec | None, note: str | None
) -> None:
    if outcome in _NEEDS_ERROR and error is None:
        raise src.error(kp, f"outcome {outcome.value!r} requires 'error: {{class, match, stage}}'")
    if outcome in _FORBIDS_ERROR and error is not None:
        raise src.error((*kp, "error"), f"outcome {outcome.value!r} must not have 'error'")
    if outcome is Outcome.FORWARD_ONLY and error is not None and error.stage is not Stage.GRADIENT:
        raise src.error(
            (*kp, "error", "stage"),
            f"outcome 'forward-only' requires stage 'gradient', got {error.stage.value!r}",
        )
    if outcome is Outcome.INCORRECT and note is None:
        raise src.error(kp, "outcome 'incorrect' requires a 'note' saying why")


def _parse_error(src: Source, raw: object, kp: Keypath, stages: tuple[str, ...]) -> ErrorSpec:
    error = require_mapping(src, raw, kp, "error")
    check_keys(src, error, kp, _ERROR_KEYS, required=_ERROR_KEYS)
    one_of(src, error["stage"], (*kp, "stage"), "stage", stages)
    return ErrorSpec(
        cls=_parse_class_name(src, error["class"], (*kp, "class"), "exception"),
        match=_parse_pattern(src, error["match"], (*kp, "match")),
        stage=Stage(error["stage"]),
    )


def _error_ref(src: Source, raw: object, kp: Keypath, stages: tuple[str, ...], keyed: Keyed) -> ErrorSpec:
    """A key of ``errors:``, whose stage this family's rules must allow."""
    key, error = _keyed_ref(src, raw, kp, "error", keyed.errors, "{class, match, stage}")
    if error.stage.value not in stages:
        raise src.error(
            kp,
            f"error {key!r} has stage {error.stage.value!r}, which these rules "
            f"do not allow; allowed stages: {allowed(stages)}",
        )
    return error


def _keyed_ref(
    src: Source, raw: object, kp: Keypath, kind: str, table: Mapping[str, Any], fields: str
) -> tuple[str, Any]:
    """``raw``, a key of the top-level ``{kind}s:``, and what it names there."""
    if isinstance(raw, dict):
        raise src.error(
            kp,
            f"schema_version 3 refers to {kind}s by key: declare {fields} once "
            f"under the top-level '{kind}s:' and write its key here",
        )
    key = require_str(src, raw, kp, f"a {kind} (a key of {kind}s)")
    if key not in table:
        raise src.error(kp, f"unknown {kind} {key!r}; allowed: {allowed(table) or '(none)'}")
    return key, table[key]


def parse_error_table(src: Source, root: dict) -> dict[str, ErrorSpec]:
    """Schema 3's top-level ``errors:``: key -> ``{class, match, stage}`` (any stage of any
    family; each use checks its family's)."""
    return {
        key: _parse_error(src, raw, ("errors", key), tuple(s.value for s in Stage))
        for key, raw in declared_names(src, root, "errors").items()
    }


def parse_warning_table(src: Source, root: dict) -> dict[str, WarningSpec]:
    """Schema 3's top-level ``warnings:``: key -> ``{category, match}``."""
    return {
        key: _parse_warning(src, raw, ("warnings", key))
        for key, raw in declared_names(src, root, "warnings").items()
    }


def parse_warnings(
    src: Source, raw: object, kp: Keypath, keyed: Keyed | None = None
) -> tuple[WarningSpec, ...]:
    """A list of ``{category, match}`` (schema 3: of keys of ``warnings:``); ``[]`` is
    allowed (it clears earlier warnings)."""
    items = require_list(src, raw, kp, "warnings")
    if keyed is None:
        return tuple(_parse_warning(src, item, (*kp, index)) for index, item in enumerate(items))
    specs: dict[str, WarningSpec] = {}
    for index, item in enumerate(items):
        item_kp: Keypath = (*kp, index)
        key, spec = _keyed_ref(src, item, item_kp, "warning", keyed.warnings, "{category, match}")
        if key in specs:
            raise src.error(item_kp, f"duplicate warning {key!r}")
        specs[key] = spec
    return tuple(specs.values())


def _parse_warning(src: Source, raw: object, kp: Keypath) -> WarningSpec:
    warning = require_mapping(src, raw, kp, "a warning")
    check_keys(src, warning, kp, _WARNING_KEYS, required=_WARNING_KEYS)
    return WarningSpec(
        category=_parse_class_name(src, warning["category"], (*kp, "category"), "warning"),
        match=_parse_pattern(src, warning["match"], (*kp, "match")),
    )


def parse_training(src: Source, raw: object, kp: Keypath) -> TrainingSpec:
    """``{min_accuracy, max_epochs}``: a number in (0, 1] and an integer >= 1."""
    training = require_mapping(src, raw, kp, "training")
    check_keys(src, training, kp, _TRAINING_KEYS, required=_TRAINING_KEYS)
    accuracy, epochs = training["min_accuracy"], training["max_epochs"]
    if type(accuracy) not in (int, float) or not 0 < accuracy <= 1:
        raise src.error(
            (*kp, "min_accuracy"), f"min_accuracy must be a number in (0, 1], got {show(accuracy)}"
        )
    if type(epochs) is not int or epochs < 1:
        raise src.error((*kp, "max_epochs"), f"max_epochs must be an integer >= 1, got {show(epochs)}")
    return TrainingSpec(min_accuracy=float(accuracy), max_epochs=epochs)


def _parse_class_name(src: Source, raw: object, kp: Keypath, kind: str) -> str:
    name = require_str(src, raw, kp, f"a {kind} class name")
    if not _IDENTIFIER.match(name):
        raise src.error(kp, f"{kind} class {name!r} must be a bare class name (e.g. ValueError)")
    if name in _TOO_BROAD:
        raise src.error(kp, f"{kind} class {name!r} is too broad; name the real class raised")
    return name


def _parse_pattern(src: Source, raw: object, kp: Keypath) -> re.Pattern[str]:
    pattern = require_str(src, raw, kp, "match (a regex)")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise src.error(kp, f"invalid regex {pattern!r}: {exc}") from None


def parse_note_ref(src: Source, raw: object, kp: Keypath, notes: dict[str, str]) -> str:
    """A note reference: a key of ``notes``."""
    note = require_str(src, raw, kp, "note (a key of notes)")
    if note not in notes:
        choices = allowed(notes) or "(no notes declared)"
        raise src.error(kp, f"unknown note {note!r}; allowed: {choices}")
    return note
