"""Render a loaded `Matrix` as the Markdown support table or as JSON.

Pure functions over the frozen model: no I/O, no pennylane. The same matrix always
renders to the same text, so the committed table can be checked for staleness.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from supportmatrix.model import Expectation, Matrix, Outcome, ResolvedCell, Stage
from supportmatrix.tables import CellIndex, list_item


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

#: Column headers as PennyLane's table names them; unknown measurements show their raw value.
MEASUREMENT_HEADERS: dict[str, str] = {
    "density_matrix": "density matrix",
    "expval": "expval (obs)",
    "expval_hermitian": "expval (herm)",
    "expval_projector": "expval (proj)",
    "vn_entropy": "vn entropy",
    "mutual_info": "mutual info",
}

# Footnote sentences for expectations that carry no error (the loader requires one for
# errors and forward-only, but a Matrix built by hand may omit it).
_OUTCOME_SENTENCES: dict[Outcome, str] = {
    Outcome.SUPPORTED: "Supported: the Jacobian matches the finite-difference reference.",
    Outcome.ERRORS: "Raises an exception.",
    Outcome.NO_GRADIENT: (
        "Forward pass works; no gradient comes out (the output is not connected to the parameters)."
    ),
    Outcome.FORWARD_ONLY: "Forward pass works; differentiating raises an exception.",
    Outcome.INCORRECT: "A gradient comes out but disagrees with the reference.",
}

_ENTRY_SEPARATOR = " / "


# --------------------------------------------------------------------------- Markdown


def render_markdown(matrix: Matrix) -> str:
    """Return the whole support document: title, intro, legend, then one table per device."""
    source = os.path.basename(matrix.path) or "matrix.yaml"
    blocks = [
        "# Supported configurations",
        (
            f"This page is generated from `{source}` by `supportmatrix render --format markdown`; "
            "do not edit it by hand. Change the matrix and re-run the command instead."
        ),
        _legend_block(),
    ]
    index = CellIndex(matrix)
    for device in matrix.axes["device"]:
        blocks.append(_device_block(matrix, index, str(device)))
    if matrix.hybrid_cells:
        blocks.append(_hybrid_block(matrix))
    return "\n\n".join(blocks) + "\n"


#: Row labels of the hybrid table: what each layer kind is.
HYBRID_LAYER_LABELS: dict[str, str] = {
    "torch-layer": "`qml.qnn.TorchLayer`",
    "keras-layer": "`qml.qnn.KerasLayer`",
    "keras3-jax": "Keras 3 layer, jax backend",
    "keras3-torch": "Keras 3 layer, torch backend",
    "keras3-tensorflow": "Keras 3 layer, tensorflow backend",
}


def _hybrid_block(matrix: Matrix) -> str:
    """The "Hybrid layers" section: rows layer x device, columns diff methods."""
    footnotes: dict[Expectation, int] = {}
    methods = [str(m) for m in matrix.hybrid_axes["diff_method"]]
    header = ["Layer", "Device", *(_code(f'"{m}"') for m in methods)]
    rows = [_table_row(header), _table_row(["---"] * len(header))]
    index = {(rc.cell.layer, rc.cell.device, rc.cell.diff_method): rc for rc in matrix.hybrid_cells}
    trainings = []
    for layer in matrix.hybrid_axes["layer"]:
        for position, device in enumerate(matrix.hybrid_axes["device"]):
            first = HYBRID_LAYER_LABELS.get(str(layer), _code(str(layer))) if position == 0 else ""
            entries = []
            for method in methods:
                rc = index[(str(layer), str(device), method)]
                entries.append(_entry(rc.expectation, footnotes))
                if rc.expectation.outcome is Outcome.SUPPORTED and rc.training is not None:
                    trainings.append(rc.training)
            rows.append(_table_row([first, _code(str(device)), *entries]))
    listed = [list_item(n, footnote_text(e, matrix.notes)) for e, n in footnotes.items()]
    intro = (
        "A quantum layer between two dense layers (`Dense(2)` → 2-qubit AngleEmbedding + "
        "BasicEntanglerLayers → `Dense(2)`). ✅ means: the loss and the gradient of every "
        "parameter, classical and quantum, agree with finite differences of an independent "
        "NumPy model; the model trains on `make_moons` (200 points, noise 0.1) to the declared "
        "accuracy; Keras 3 models predict identically after `model.save` and "
        "`keras.models.load_model`."
    )
    targets = sorted({t.describe() for t in trainings})
    if targets:
        intro += " Training target: " + "; ".join(targets) + "."
    return "\n\n".join(["## Hybrid layers", intro, "\n".join(rows), "\n".join(listed)])


def footnote_text(
    expectation: Expectation,
    notes: dict[str, str],
    *,
    code: Callable[[str], str] | None = None,
) -> str:
    """Describe an expectation in prose: its note (if any), the outcome, then each warning.

    Class names and regexes are shown verbatim with `code` (default: Markdown code spans).
    """
    code = code or _code
    parts = []
    if expectation.note is not None:
        parts.append(_note_text(expectation.note, notes).strip())
    parts.append(_outcome_sentence(expectation, code))
    parts.extend(
        f"Warns {code(w.category)} matching {code(w.match.pattern)}." for w in expectation.warnings
    )
    return " ".join(parts)


def _legend_block() -> str:
    lines = ["Legend:", ""]
    lines += [
        f"- {sign.symbol} `{outcome.value}`: {sign.meaning}"
        for outcome, sign in LEGEND.items()
    ]
    return "\n".join(lines)


def _device_block(matrix: Matrix, index: CellIndex, device: str) -> str:
    footnotes: dict[Expectation, int] = {}  # insertion order == first appearance
    table = _device_table(matrix, index, device, footnotes)
    listed = [list_item(n, footnote_text(e, matrix.notes)) for e, n in footnotes.items()]
    shots_order = _shots_order_sentence(matrix.axes["shots"])
    return "\n\n".join([f"## {device}", shots_order, table, "\n".join(listed)])


def _device_table(
    matrix: Matrix,
    index: CellIndex,
    device: str,
    footnotes: dict[Expectation, int],
) -> str:
    measurements = [str(m) for m in matrix.axes["measurement"]]
    header = ["Interface", "Diff method", *(MEASUREMENT_HEADERS.get(m, m) for m in measurements)]
    rows = [_table_row(header), _table_row(["---"] * len(header))]
    for interface in matrix.axes["interface"]:
        for position, method in enumerate(matrix.axes["diff_method"]):
            # Like PennyLane's table, the interface is named once per group of rows.
            first = _interface_label(str(interface)) if position == 0 else ""
            entries = [
                _cell_entries(index, footnotes, (device, str(interface), str(method), m))
                for m in measurements
            ]
            rows.append(_table_row([first, _code(f'"{method}"'), *entries]))
    return "\n".join(rows)


def _cell_entries(
    index: CellIndex,
    footnotes: dict[Expectation, int],
    prefix: tuple[str, str, str, str],
) -> str:
    """One table cell: a single entry if every shots value agrees, else one entry per value."""
    expectations = index.expectations(*prefix)
    if len(set(expectations)) == 1:
        expectations = expectations[:1]
    return _ENTRY_SEPARATOR.join(_entry(e, footnotes) for e in expectations)


def _entry(expectation: Expectation, footnotes: dict[Expectation, int]) -> str:
    number = footnotes.setdefault(expectation, len(footnotes) + 1)
    return f"{LEGEND[expectation.outcome].symbol} {number}"


def _shots_order_sentence(shots_axis: Sequence[object]) -> str:
    labels = [_shots_label(s) for s in shots_axis]
    if len(labels) == 1:
        return f"Every entry is for {labels[0]}."
    if len(labels) == 2:
        return (
            f"Where a cell shows two entries, the first is {labels[0]} and the second {labels[1]}; "
            "a single entry holds for both."
        )
    return (
        "Where a cell shows several entries, they are, in order: "
        + ", ".join(labels)
        + "; a single entry holds for all of them."
    )


def _shots_label(shots: object) -> str:
    return "analytic (`shots=None`)" if shots is None else f"`shots={shots}`"


def _interface_label(interface: str) -> str:
    # "None" is PennyLane's interface=None, a Python value, so it is shown unquoted.
    return _code("None") if interface == "None" else _code(f'"{interface}"')


def _outcome_sentence(expectation: Expectation, code: Callable[[str], str]) -> str:
    error = expectation.error
    if error is None:
        return _OUTCOME_SENTENCES[expectation.outcome]
    raised = f"{code(error.cls)} matching {code(error.match.pattern)}"
    if error.stage is Stage.FORWARD:
        return f"Raises {raised} in the forward pass."
    if error.stage is Stage.TRAINING:
        return f"Forward pass and gradient work; training raises {raised}."
    if error.stage is Stage.SAVE:
        return f"Trains; saving or reloading the model raises {raised}."
    return f"Forward pass works; differentiating raises {raised}."


def _note_text(key: str, notes: dict[str, str]) -> str:
    try:
        return notes[key]
    except KeyError:
        raise ValueError(f"expectation refers to undefined note {key!r}") from None


def _table_row(cells: Sequence[str]) -> str:
    # An unescaped pipe, even inside a code span, would split a GFM table cell.
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _code(text: str) -> str:
    """A Markdown code span that survives backticks inside `text` (e.g. in a regex)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


# --------------------------------------------------------------------------- JSON


def render_json(matrix: Matrix) -> str:
    """Return the matrix as JSON for tools: axes, notes and every resolved cell, in file order."""
    document = {
        "schema_version": 1,
        "matrix": matrix.path,
        "axes": {axis: list(values) for axis, values in matrix.axes.items()},
        "notes": dict(matrix.notes),
        "cells": [_cell_json(rc, matrix.notes) for rc in matrix.cells],
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def _cell_json(rc: ResolvedCell, notes: dict[str, str]) -> dict[str, object]:
    cell, expectation = rc.cell, rc.expectation
    error = expectation.error
    return {
        "id": cell.id,
        "device": cell.device,
        "interface": cell.interface,
        "diff_method": cell.diff_method,
        "measurement": cell.measurement,
        "shots": cell.shots,
        "expect": {
            "outcome": expectation.outcome.value,
            "error": None
            if error is None
            else {"class": error.cls, "match": error.match.pattern, "stage": error.stage.value},
            "warnings": [
                {"category": w.category, "match": w.match.pattern} for w in expectation.warnings
            ],
            "note": expectation.note,
            "note_text": None if expectation.note is None else _note_text(expectation.note, notes),
        },
        "rule_lines": list(rc.rule_lines),
    }


def _render_rst(matrix: Matrix) -> str:
    # Imported on use: render_rst builds on this module's headers and footnote text.
    from supportmatrix.render_rst import render_rst

    return render_rst(matrix)


#: Output formats by name, for the CLI's ``--format`` choices.
FORMATS: dict[str, Callable[[Matrix], str]] = {
    "markdown": render_markdown,
    "json": render_json,
    "rst": _render_rst,
}
