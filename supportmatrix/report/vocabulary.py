"""The words every table uses: outcome symbols, labels, headers and footnote text.

The Markdown and RST writers and the reader of PennyLane's page all import these, so a
label changes in one place. Formatting (code spans, roles) is the writers' own: they pass
``code`` to `footnote_text`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from supportmatrix.check.measurements import MEASUREMENTS
from supportmatrix.matrix.model import Expectation, Outcome, Stage


class Legend(NamedTuple):
    """How one outcome is drawn in the table and what it means."""

    symbol: str
    meaning: str


#: The single source for symbols: the table cells and the legend both read it.
LEGEND: dict[Outcome, Legend] = {
    Outcome.SUPPORTED: Legend("✅", "forward pass and gradient work; the gradient is correct."),
    Outcome.ERRORS: Legend("❌", "an exception is raised, running or differentiating."),
    Outcome.NO_GRADIENT: Legend("⛔", "the forward pass works, but no gradient comes out."),
    Outcome.FORWARD_ONLY: Legend("▶️", "the forward pass works; differentiating is refused."),
    Outcome.INCORRECT: Legend("⚠️", "a gradient comes out, but it is wrong."),
}

#: Column headers as PennyLane's table names them; a measurement outside the registry shows
#: its raw value.
MEASUREMENT_HEADERS: dict[str, str] = {name: kind.label for name, kind in MEASUREMENTS.items()}

# Footnote sentences for expectations that carry no error (the loader requires one for
# errors and forward-only, but a Matrix built by hand may omit it).
OUTCOME_SENTENCES: dict[Outcome, str] = {
    Outcome.SUPPORTED: "Supported: the Jacobian matches the finite-difference reference.",
    Outcome.ERRORS: "Raises an exception.",
    Outcome.NO_GRADIENT: (
        "Forward pass works; no gradient comes out (the output is not connected to the parameters)."
    ),
    Outcome.FORWARD_ONLY: "Forward pass works; differentiating raises an exception.",
    Outcome.INCORRECT: "A gradient comes out but disagrees with the reference.",
}

#: Row labels of the hybrid table: what each layer kind is.
HYBRID_LAYER_LABELS: dict[str, str] = {
    "torch-layer": "`qml.qnn.TorchLayer`",
    "keras-layer": "`qml.qnn.KerasLayer`",
    "keras3-jax": "Keras 3 layer, jax backend",
    "keras3-torch": "Keras 3 layer, torch backend",
    "keras3-tensorflow": "Keras 3 layer, tensorflow backend",
    "keras3-package-jax": "`KerasCircuitLayer` (pennylane-keras3-layer), jax backend",
    "keras3-package-torch": "`KerasCircuitLayer` (pennylane-keras3-layer), torch backend",
    "keras3-package-tensorflow": "`KerasCircuitLayer` (pennylane-keras3-layer), tensorflow backend",
}


def footnote_text(
    expectation: Expectation,
    notes: dict[str, str],
    *,
    code: Callable[[str], str],
) -> str:
    """Describe an expectation in prose: its note (if any), the outcome, then each warning.

    Class names and regexes are shown verbatim with `code` (a Markdown code span, an RST
    literal).
    """
    parts = []
    if expectation.note is not None:
        parts.append(note_text(expectation.note, notes).strip())
    parts.append(_outcome_sentence(expectation, code))
    parts.extend(
        f"Warns {code(w.category)} matching {code(w.match.pattern)}." for w in expectation.warnings
    )
    return " ".join(parts)


def _outcome_sentence(expectation: Expectation, code: Callable[[str], str]) -> str:
    error = expectation.error
    if error is None:
        return OUTCOME_SENTENCES[expectation.outcome]
    raised = f"{code(error.cls)} matching {code(error.match.pattern)}"
    if error.stage is Stage.FORWARD:
        return f"Raises {raised} in the forward pass."
    if error.stage is Stage.TRAINING:
        return f"Forward pass and gradient work; training raises {raised}."
    if error.stage is Stage.SAVE:
        return f"Trains; saving or reloading the model raises {raised}."
    return f"Forward pass works; differentiating raises {raised}."


def note_text(key: str, notes: dict[str, str]) -> str:
    """The text of note ``key``; a `ValueError` names a key the notes lack."""
    try:
        return notes[key]
    except KeyError:
        raise ValueError(f"expectation refers to undefined note {key!r}") from None
