"""Why each cell of a new device's declaration does what it does: its cause, and the note's key.

`supportmatrix init` groups the cells it observed by cause: the outcome and, for an
exception, its class, regex and stage. A cause that a ``--like`` file already words for the
same cell on one of its devices keeps that file's note (`explained`); any other is worded
from the observation, and a person rewords it (`init_device.REWORD`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from supportmatrix.matrix.devices import Device
from supportmatrix.matrix.model import Expectation, Outcome
from supportmatrix.release.codec import CellRecord
from supportmatrix.release.keys import class_slug, fresh_key, message_words
from supportmatrix.release.like_matrix import LikeMatrix
from supportmatrix.release.messages import message_key
from supportmatrix.release.observed_matrix import observed_expectation


@dataclass(frozen=True)
class Cause:
    """Cells that share an outcome and, for ``errors``, an exception (class, match, stage)."""

    outcome: Outcome
    error: tuple[str, str, str] | None
    detail: str
    #: The note of the ``--like`` file this cause borrows, if any.
    note: str | None = None
    #: For a wrong value: the note of the ``--like`` twin wrong in the same cells, a lead.
    lead_note: str | None = None


def explained(
    record: CellRecord, device: Device, like: LikeMatrix | None
) -> tuple[Expectation, tuple[str, str] | None]:
    """What ``record`` observed, in the words of the first twin of its cell in ``like`` (the
    same cell on one of its devices) that fails the same way: the same outcome and, for an
    exception, the same class and stage with its regex matching the message once this
    device's name reads as the twin's. Without one, in words of its own (no note).

    A wrong value is never put in a twin's words, since nothing shows it is the same bug;
    the twin wrong in the same cell is returned beside it, (device, note), as a lead."""
    lead = None
    for twin_device, declared in like.twins(record.cell) if like is not None else ():
        candidate = observed_expectation(record, declared)
        if candidate.outcome is not declared.outcome or candidate.outcome is Outcome.SUPPORTED:
            continue
        if candidate.outcome is Outcome.INCORRECT:
            lead = lead or (twin_device, str(declared.note))
            continue
        if declared.error is not None:
            seen = record.observation.observed.error if record.observation else None
            if seen is None or (seen.cls, seen.stage) != (declared.error.cls, declared.error.stage):
                continue
            if not declared.error.match.search(seen.message.replace(device.name, twin_device)):
                continue
        return candidate, None
    own = observed_expectation(record, Expectation(Outcome.SUPPORTED))
    return dataclasses.replace(own, note=None), lead


def cause_of(
    expectation: Expectation, record: CellRecord, like: LikeMatrix | None, lead: tuple[str, str] | None
) -> Cause:
    error = expectation.error
    triple = None if error is None else (error.cls, error.match.pattern, error.stage.value)
    if expectation.note is not None and like is not None:
        return Cause(expectation.outcome, triple, like.note(expectation.note), expectation.note)
    if error is not None:
        seen = record.observation.observed.error if record.observation else None
        message = message_key(error.cls, seen.message) if seen else error.match.pattern
        return Cause(expectation.outcome, triple, f"{error.cls} at the {error.stage.value} stage: {message}")
    if expectation.outcome is Outcome.INCORRECT:
        detail = "A value or the derivative disagrees with the independent reference beyond its tolerance."
        if lead is not None and like is not None:
            note = lead[1]
            detail += (
                f" The same cell is declared wrong in {Path(like.matrix.path).name} too; "
                f"its note `{note}` says: {like.note(note)}"
            )
        return Cause(Outcome.INCORRECT, None, detail, lead_note=lead[1] if lead else None)
    return Cause(
        expectation.outcome,
        None,
        "The forward pass runs and no derivative comes out: the output is not "
        "connected to the trainable parameters.",
    )


def note_key(cause: Cause, notes: Mapping[str, str]) -> str:
    if cause.note is not None and notes.get(cause.note, cause.detail) == cause.detail:
        return cause.note
    if cause.lead_note is not None:
        base = f"{cause.lead_note}-here-too"
    elif cause.error is None:
        base = cause.outcome.value
    else:
        cls, match, _ = cause.error
        base = "-".join([class_slug(cls), *message_words(match)[:4]])
    return fresh_key(re.sub(r"-+", "-", base).strip("-") or "observed", notes)
