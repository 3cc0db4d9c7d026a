"""What one side of a ``diff`` says a cell does: from a record, or from a declaration."""

from __future__ import annotations

import re
from dataclasses import dataclass

from supportmatrix.matrix.model import Expectation, Outcome
from supportmatrix.release.codec import CellRecord, CheckRecord
from supportmatrix.release.messages import message_key


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
        if self.pattern is None or other.pattern is None:
            return self.pattern == other.pattern
        # Two declarations: regexes written from a message are its escaped start, cut where a
        # person or `update` chose, so one that begins with the other names the same message.
        a, b = self.pattern.pattern, other.pattern.pattern
        return a.startswith(b) or b.startswith(a)

    def describe(self) -> str:
        text = (
            message_key(self.cls, self.message)
            if self.message is not None
            else (f"/{self.pattern.pattern}/" if self.pattern is not None else "")
        )
        at = f" at {self.stage}" if self.stage else ""
        return f"{self.cls}({text!r}){at}" if self.message is not None else f"{self.cls}({text}){at}"


@dataclass(frozen=True)
class Behaviour:
    """What one side of a diff says a cell does."""

    outcome: str  # an Outcome value, or "crashed" / "skipped"
    error: Event | None = None
    warnings: tuple[Event, ...] = ()
    #: What the failed checks found (`failure_of`); None for a declaration or a pass.
    failure: str | None = None

    def describe(self) -> str:
        text = self.outcome
        if self.error is not None:
            text += f" {self.error.describe()}"
        if self.outcome == Outcome.INCORRECT.value and self.failure is not None:
            text += f" ({self.failure})"
        return text


def failure_of(checks: tuple[CheckRecord, ...]) -> str | None:
    """The largest error of the failed value checks; a failed check without one (a NaN
    entry, or shapes that differ) is named, so that a NaN Jacobian never reads as the
    passing forward value's tiny error."""
    failed = [c for c in checks if not c.passed]
    valued = [c for c in failed if c.criterion != "dtype"]
    errors = [c.max_abs_error for c in valued if c.max_abs_error is not None]
    unmeasured = [c.what for c in valued if c.max_abs_error is None]
    if unmeasured:
        return f"{', '.join(unmeasured)}: no finite error (NaN, or shapes differ)"
    if errors:
        return f"max abs error {max(errors):.3g}"
    return f"{', '.join(c.what for c in failed)} failed" if failed else None


def behaviour_of_record(record: CellRecord) -> Behaviour:
    """What a record says its cell did."""
    observation = record.observation
    if observation is None:
        return Behaviour(record.status, Event(record.status, None, record.reason or ""))
    error = observation.observed.error
    return Behaviour(
        outcome=observation.observed.outcome.value,
        error=None if error is None else Event(error.cls, error.stage.value, error.message),
        warnings=tuple(Event(w.category, None, w.message) for w in observation.warnings if w.pennylane),
        failure=failure_of(observation.checks),
    )


def behaviour_of_expectation(expectation: Expectation) -> Behaviour:
    """What a declaration says its cell does."""
    error = expectation.error
    outcome = Outcome.ERRORS if expectation.outcome is Outcome.FORWARD_ONLY else expectation.outcome
    return Behaviour(
        outcome=outcome.value,
        error=None if error is None else Event(error.cls, error.stage.value, pattern=error.match),
        warnings=tuple(Event(w.category, None, pattern=w.match) for w in expectation.warnings),
    )
