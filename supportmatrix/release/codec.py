"""What a results file observed, as the model's objects: expectations, behaviours, a Matrix.

An observation that satisfies its own declaration is expressed with the declared
specs (so an unchanged run renders exactly as the declared table); anything else
gets specs built from the observed class and message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from supportmatrix.matrix.model import (
    Cell,
    ErrorSpec,
    Expectation,
    Matrix,
    Outcome,
    ResolvedCell,
    Stage,
    WarningSpec,
)

#: Longest message fragment a generated regex keeps; messages may run to many lines.
MESSAGE_KEY_LENGTH = 120


#: jax's error for an exception raised inside a callback: XlaRuntimeError up to jax 0.7,
#: JaxRuntimeError in newer releases (seen with jax 0.10.2); the last line holds the original.
JAX_RUNTIME_ERRORS = frozenset({"XlaRuntimeError", "JaxRuntimeError"})

#: Object addresses in reprs (``<default.qubit device at 0x7f2b...>``) differ in every run.
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_ADDRESS_SHOWN = "0x…"


def message_key(cls: str, message: str) -> str:
    """The part of an exception or warning message that identifies it: its first line,
    or the last for jax's runtime error, whose last line names the original error;
    object addresses are blanked out, since they change from run to run."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[-1] if cls in JAX_RUNTIME_ERRORS else lines[0]
    return _ADDRESS.sub(_ADDRESS_SHOWN, line)[:MESSAGE_KEY_LENGTH]


_REGEX_SPECIALS = re.compile(r"([.^$*+?{}\[\]\\|()#])")


def pattern_for(cls: str, message: str) -> re.Pattern[str]:
    """A regex matching this message's key literally, for declaring what was observed.

    Only metacharacters are escaped (unlike `re.escape`, which escapes spaces too), so
    the regex written into matrix.yaml still reads as the message.
    """
    literal = _REGEX_SPECIALS.sub(r"\\\1", message_key(cls, message))
    return re.compile(literal.replace(_ADDRESS_SHOWN, "0x[0-9a-f]+"))


# --------------------------------------------------------------------------- declared <- observed


def declared_expectation(record: dict[str, Any]) -> Expectation:
    """The expectation a record says matrix.yaml declared."""
    d = record["declared"]
    error = d["error"]
    return Expectation(
        outcome=Outcome(d["outcome"]),
        error=None if error is None else ErrorSpec(error["class"], re.compile(error["match"]),
                                                   Stage(error["stage"])),
        warnings=tuple(WarningSpec(w["category"], re.compile(w["match"])) for w in d["warnings"]),
        note=d["note"],
    )


def observed_expectation(record: dict[str, Any], declared: Expectation | None = None) -> Expectation:
    """The expectation that describes what a record observed.

    Where the observation satisfies ``declared`` (default: the record's own
    declaration), the declared error and warning specs are kept.
    """
    declared = declared_expectation(record) if declared is None else declared
    observed = record["observed"]
    if observed is None:
        raise ValueError(f"cell {record['id']} has no observation ({record['status']}: "
                         f"{record.get('reason', '')})")
    outcome = Outcome(observed["outcome"])
    error = _error_spec(observed["error"], declared)
    if outcome is Outcome.ERRORS and error is not None and error.stage is Stage.GRADIENT \
            and declared.outcome is Outcome.FORWARD_ONLY:
        outcome = Outcome.FORWARD_ONLY  # same event; keep the declared wording
    note = declared.note if outcome is declared.outcome else None
    return Expectation(outcome, error, _warning_specs(observed["warnings"], declared), note)


def _error_spec(error: dict[str, Any] | None, declared: Expectation) -> ErrorSpec | None:
    if error is None:
        return None
    spec = declared.error
    if (spec is not None and spec.cls == error["class"] and spec.stage.value == error["stage"]
            and spec.match.search(error["message"])):
        return spec
    return ErrorSpec(error["class"], pattern_for(error["class"], error["message"]), Stage(error["stage"]))


def _warning_specs(warnings: list[dict[str, Any]], declared: Expectation) -> tuple[WarningSpec, ...]:
    specs: dict[WarningSpec, None] = {}
    for w in warnings:
        if not w["pennylane"]:
            continue  # third-party warnings are recorded, never declared
        match = next((s for s in declared.warnings
                      if s.category == w["category"] and s.match.search(w["message"])), None)
        specs[match or WarningSpec(w["category"], pattern_for(w["category"], w["message"]))] = None
    return tuple(specs)


def cell_of(record: dict[str, Any]) -> Cell:
    axes = record["axes"]
    return Cell(axes["device"], axes["interface"], axes["diff_method"], axes["measurement"], axes["shots"])


def observed_matrix(document: dict[str, Any], *, source: str) -> Matrix:
    """The matrix a results document observed, for rendering like the declared one."""
    unrun = [r for r in document["cells"] if r["observed"] is None and r["status"] != "crashed"]
    missing = document["summary"]["not_run"]
    if unrun or missing:
        example = unrun[0]["id"] + f" ({unrun[0].get('reason', '')})" if unrun else "deselected cells"
        raise ValueError(f"{source}: {len(unrun) + missing} cells have no observation, e.g. "
                         f"{example}; rendering needs a run of every cell")
    cells = tuple(ResolvedCell(cell_of(r), _shown_expectation(r)) for r in document["cells"])
    meta = document["matrix"]
    return Matrix(path=source, axes={k: tuple(v) for k, v in meta["axes"].items()},
                  notes=dict(meta["notes"]), cells=cells)


def _shown_expectation(record: dict[str, Any]) -> Expectation:
    if record["status"] == "crashed":
        # No exception object survives a dead worker; name what happened instead.
        return Expectation(Outcome.ERRORS, ErrorSpec("crashed", pattern_for("", record["reason"]),
                                                     Stage.FORWARD))
    return observed_expectation(record)


# --------------------------------------------------------------------------- behaviours, for diff


@dataclass(frozen=True)
class Event:
    """An exception or warning: observed (``message``) or declared (``pattern``)."""

    cls: str
    stage: str | None
    message: str | None = None
    pattern: re.Pattern[str] | None = None

    def same_as(self, other: Event) -> bool:
        """Same class and stage, and messages that agree as far as both sides know them."""
        if (self.cls, self.stage) != (other.cls, other.stage):
            return False
        if self.message is not None and other.message is not None:
            return message_key(self.cls, self.message) == message_key(other.cls, other.message)
        if self.message is not None:
            return bool(other.pattern and other.pattern.search(self.message))
        if other.message is not None:
            return bool(self.pattern and self.pattern.search(other.message))
        return self.pattern == other.pattern

    def describe(self) -> str:
        text = message_key(self.cls, self.message) if self.message is not None else (
            f"/{self.pattern.pattern}/" if self.pattern is not None else "")
        at = f" at {self.stage}" if self.stage else ""
        return f"{self.cls}({text!r}){at}" if self.message is not None else f"{self.cls}({text}){at}"


@dataclass(frozen=True)
class Behaviour:
    """What one side of a diff says a cell does."""

    outcome: str  # an Outcome value, or "crashed" / "skipped"
    error: Event | None = None
    warnings: tuple[Event, ...] = ()
    max_abs_error: float | None = None

    def describe(self) -> str:
        text = self.outcome
        if self.error is not None:
            text += f" {self.error.describe()}"
        if self.outcome == Outcome.INCORRECT.value and self.max_abs_error is not None:
            text += f" (max abs error {self.max_abs_error:.3g})"
        return text


def behaviour_of_record(record: dict[str, Any]) -> Behaviour:
    observed = record["observed"]
    if observed is None:
        return Behaviour(record["status"], Event(record["status"], None, record.get("reason", "")))
    error = observed["error"]
    return Behaviour(
        outcome=Outcome(observed["outcome"]).value,
        error=None if error is None else Event(error["class"], error["stage"], error["message"]),
        warnings=tuple(Event(w["category"], None, w["message"])
                       for w in observed["warnings"] if w["pennylane"]),
        max_abs_error=observed["max_abs_error"],
    )


def behaviour_of_expectation(expectation: Expectation) -> Behaviour:
    error = expectation.error
    outcome = Outcome.ERRORS if expectation.outcome is Outcome.FORWARD_ONLY else expectation.outcome
    return Behaviour(
        outcome=outcome.value,
        error=None if error is None else Event(error.cls, error.stage.value, pattern=error.match),
        warnings=tuple(Event(w.category, None, pattern=w.match) for w in expectation.warnings),
    )
