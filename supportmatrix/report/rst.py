"""Render a loaded `Matrix` in the layout of PennyLane's "Supported configurations" table.

PennyLane keeps that table by hand in ``doc/introduction/interfaces.rst`` (a copy is in
the shared reference). This renderer writes the same section (title, the ``gr``/``rd``
roles with their colouring script and style, the intro, a ``.. rst-class:: tb`` grid table
per device, numbered notes) so a maintainer can paste it in and compare it with the page.
Columns are at least as wide as PennyLane's, so ``diff -w`` against the page shows changed
entries and not re-drawn borders. The page's closing ``:html:`</div>``` and ``toctree``
belong to the surrounding page, not to the table, and are not written.

A grid cell holds one entry, so each cell is one role with one note number: ``:gr:`` when
every shots value of the cell is supported, else ``:rd:``; the note says what happens with
each shots value when they differ.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence

from supportmatrix.matrix.model import Expectation, Matrix, Outcome
from supportmatrix.report.cell_index import CellIndex, list_item
from supportmatrix.report.vocabulary import HYBRID_LAYER_LABELS, MEASUREMENT_HEADERS, footnote_text

_TITLE = "Supported configurations\n------------------------"

# Verbatim from PennyLane's page: the script colours the table cell around each role.
_ROLES_AND_COLOURS = """\
.. role:: gr
.. role:: rd

.. raw:: html

   <script>
    document.addEventListener('DOMContentLoaded', function() {
        document.querySelectorAll('.gr').forEach(function(element) {
            if (element.parentElement && element.parentElement.parentElement) {
                element.parentElement.parentElement.classList.add('gr-parent');
            }
        });
        document.querySelectorAll('.rd').forEach(function(element) {
            if (element.parentElement && element.parentElement.parentElement) {
                element.parentElement.parentElement.classList.add('rd-parent');
            }
        });
    });
   </script>
   <style>
       .gr-parent {background-color:#bbffbb}
       .rd-parent {background-color:#ffbbbb}
   </style>"""

# PennyLane's wording, kept as it is (including "show") so a diff shows only real changes.
_INTRO = """\
The table below show all the currently supported functionality for the ``"{device}"`` device.
At the moment, it takes into account the following parameters:

* The interface, e.g. ``"jax"``
* The differentiation method, e.g. ``"parameter-shift"``
* The return value of the QNode, e.g. ``qp.expval()`` or ``qp.probs()``
* The number of shots, either None or an integer > 0"""

_TABLE_STYLE = """\
.. raw:: html

   <style>
      .tb { border-collapse: collapse; }
      .tb th, .tb td { padding: 1px; border: solid 1px black; }
   </style>"""

_INTERFACE_HEADER = "**Interface**"
_METHOD_HEADER = "**Differentiation method**"
_RETURN_TYPE_HEADER = "**Return type**"

#: Column widths in PennyLane's table (between the ``+`` signs), used as minimum widths.
#: Columns it does not have get the width of its narrowest measurement column.
_PENNYLANE_WIDTHS: dict[str, int] = {
    "interface": 18,
    "diff_method": 31,
    "state": 14,
    "density_matrix": 15,
    "probs": 14,
    "sample": 14,
    "expval": 15,
    "expval_hermitian": 16,
    "expval_projector": 16,
    "var": 13,
    "vn_entropy": 13,
    "mutual_info": 13,
}
_DEFAULT_WIDTH = min(width for column, width in _PENNYLANE_WIDTHS.items()
                     if column not in ("interface", "diff_method"))

# One cell's expectation per shots value, collapsed to one when they all agree: the key
# of a note, so equal cells share a number.
_NoteKey = tuple[Expectation, ...]


def render_rst(matrix: Matrix) -> str:
    """Return the "Supported configurations" section with one grid table per device."""
    source = os.path.basename(matrix.path) or "matrix.yaml"
    blocks = [
        f".. Generated from {source} by `supportmatrix render --format rst`; do not edit by hand.",
        _TITLE,
        _ROLES_AND_COLOURS,
    ]
    index = CellIndex(matrix)
    for position, device in enumerate(matrix.axes["device"]):
        blocks.append(_INTRO.format(device=device))
        blocks.append(_shots_paragraph(matrix.axes["shots"]))
        if position == 0:  # one style block serves every table on the page
            blocks.append(_TABLE_STYLE)
        notes: dict[_NoteKey, int] = {}  # insertion order == first appearance
        blocks.append(".. rst-class:: tb")
        blocks.append(_grid_table(matrix, index, str(device), notes))
        blocks.append("\n".join(list_item(n, _note_text(key, matrix)) for key, n in notes.items()))
    if matrix.hybrid_cells:
        blocks.append(_hybrid_section(matrix))
    if matrix.feature_cells:
        blocks.append(_features_section(matrix))
    return "\n\n".join(blocks) + "\n"


_HYBRID_INTRO = """\
Hybrid layers
^^^^^^^^^^^^^

A quantum layer between two dense layers, built with each kind of layer below, on each
device and with each differentiation method. Green: the loss and the gradient of every
parameter, classical and quantum, are right, the model trains on ``make_moons`` to the
declared accuracy, and a Keras 3 model predicts the same after ``model.save`` and
``keras.models.load_model``."""


def _hybrid_section(matrix: Matrix) -> str:
    """The "Hybrid layers" table: rows layer x device (the layer spanning its devices),
    columns diff methods, one role and note per cell as in the QNode tables."""
    methods = [str(m) for m in matrix.hybrid_axes["diff_method"]]
    by_key = {(rc.cell.layer, rc.cell.device, rc.cell.diff_method): rc.expectation
              for rc in matrix.hybrid_cells}
    notes: dict[_NoteKey, int] = {}
    body = []
    for layer in matrix.hybrid_axes["layer"]:
        for position, device in enumerate(matrix.hybrid_axes["device"]):
            label = HYBRID_LAYER_LABELS.get(str(layer), f"`{layer}`").replace("`", "``")
            entries = [_entry((by_key[(str(layer), str(device), m)],), notes) for m in methods]
            body.append([label if position == 0 else "", f"``{device}``", *entries])
    headers = ["**Layer**", "**Device**", *(f'``"{m}"``' for m in methods)]
    widths = [max(len(row[i]) + 1 for row in [headers, *body]) for i in range(len(headers))]
    lines = [_border(widths, "-"), _row(headers, widths), _border(widths, "=")]
    for position, cells in enumerate(body):
        lines.append(_row(cells, widths))
        next_starts_group = position + 1 == len(body) or body[position + 1][0] != ""
        lines.append(_border(widths, "-", open_first=not next_starts_group))
    listed = "\n".join(list_item(n, _note_text(key, matrix)) for key, n in notes.items())
    return "\n\n".join([_HYBRID_INTRO, ".. rst-class:: tb", "\n".join(lines), listed])


def rst_literal(text: str) -> str:
    """Show `text` verbatim in RST: an inline literal, or a ``:literal:`` role where needed.

    An inline literal cannot hold two backticks in a row, nor start or end with a backtick
    or white space; the role can, with backslash escapes. Text with white space at either
    end (or empty text) is shown as its Python repr, so the reader sees where it ends.
    """
    if not text or text != text.strip():
        text = repr(text)
    if "``" in text or text.startswith("`") or text.endswith("`"):
        escaped = text.replace("\\", "\\\\").replace("`", "\\`")
        return f":literal:`{escaped}`"
    return f"``{text}``"


def _shots_paragraph(shots_axis: Sequence[object]) -> str:
    # No role in prose: PennyLane's script would colour the whole section around it.
    if len(shots_axis) == 1:
        return f"Every entry is for ``shots={shots_axis[0]}``."
    values = ", ".join(f"``{s}``" for s in shots_axis)
    return (
        f"Each entry covers every number of shots measured here ({values}):\n"
        "it is green only when the configuration is supported with each of them;\n"
        "where they differ, its note says what happens with each."
    )


def _grid_table(
    matrix: Matrix, index: CellIndex, device: str, notes: dict[_NoteKey, int]
) -> str:
    measurements = [str(m) for m in matrix.axes["measurement"]]
    body: list[list[str]] = []
    for interface in matrix.axes["interface"]:
        for position, method in enumerate(matrix.axes["diff_method"]):
            # The interface is named on its group's first row; the cell spans the group.
            label = _interface_label(str(interface)) if position == 0 else ""
            entries = [
                _entry(index.expectations(device, str(interface), str(method), m), notes)
                for m in measurements
            ]
            body.append([label, f'``"{method}"``', *entries])

    headers = [_INTERFACE_HEADER, _METHOD_HEADER]
    headers += [MEASUREMENT_HEADERS.get(m, m) for m in measurements]
    columns = ["interface", "diff_method", *measurements]
    contents = [headers, *body]
    widths = [
        max(_PENNYLANE_WIDTHS.get(column, _DEFAULT_WIDTH), *(len(row[i]) + 1 for row in contents))
        for i, column in enumerate(columns)
    ]
    labels_width = widths[0] + 1 + widths[1]
    returns_width = sum(widths[2:]) + len(widths) - 3

    lines = [
        f"+{'-' * labels_width}+{'-' * returns_width}+",
        f"|{' ' * labels_width}|{_pad(_RETURN_TYPE_HEADER, returns_width)}|",
        _border(widths, "="),
        _row(headers, widths),
        _border(widths, "-"),
    ]
    for position, cells in enumerate(body):
        lines.append(_row(cells, widths))
        next_starts_group = position + 1 == len(body) or body[position + 1][0] != ""
        # Inside a group the interface cell spans the rows: its border segment stays open.
        lines.append(_border(widths, "-", open_first=not next_starts_group))
    return "\n".join(lines)


def _entry(expectations: tuple[Expectation, ...], notes: dict[_NoteKey, int]) -> str:
    key = expectations[:1] if len(set(expectations)) == 1 else expectations
    number = notes.setdefault(key, len(notes) + 1)
    supported = all(e.outcome is Outcome.SUPPORTED for e in expectations)
    return f":{'gr' if supported else 'rd'}:`{number}`"


def _note_text(key: _NoteKey, matrix: Matrix) -> str:
    if len(key) == 1:
        return footnote_text(key[0], matrix.notes, code=rst_literal)
    shots_axis = matrix.axes["shots"]
    return " ".join(
        f"{_sentence_case(_shots_label(shots))}: "
        f"{footnote_text(e, matrix.notes, code=rst_literal)}"
        for shots, e in zip(shots_axis, key, strict=True)
    )


def _shots_label(shots: object) -> str:
    return "analytic (``shots=None``)" if shots is None else f"with ``shots={shots}``"


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _interface_label(interface: str) -> str:
    # "None" is PennyLane's interface=None, a Python value, so it is shown unquoted.
    return "``None``" if interface == "None" else f'``"{interface}"``'


def _pad(text: str, width: int) -> str:
    # One space before the text, as in PennyLane's table; the widths leave room for it.
    return f" {text}".ljust(width)


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "|" + "|".join(_pad(c, w) for c, w in zip(cells, widths, strict=True)) + "|"


def _border(widths: Sequence[int], char: str, *, open_first: bool = False) -> str:
    segments = [char * w for w in widths]
    if open_first:
        segments[0] = " " * widths[0]
    return "+" + "+".join(segments) + "+"


# --------------------------------------------------------------------------- features family

_FEATURES_INTRO = """\
Features
^^^^^^^^

Fixed circuits that each exercise one gradient code path (controlled rotations, ``qp.Rot``,
two-qubit rotations, fixed operations, classical processing, Hamiltonians): per device,
rows are interface and differentiation method, columns the features, with one role and
note per cell as in the tables above. Green: the forward value and the Jacobian agree
with the feature's own NumPy oracle for every number of shots measured."""


def _features_section(matrix: Matrix) -> str:
    """The "Features" tables: one grid table per device, rows interface x diff method,
    columns features, and the numbered notes after each."""
    axes = matrix.feature_axes
    by_key = {(c.device, c.interface, c.diff_method, c.feature, c.shots): rc.expectation
              for rc in matrix.feature_cells for c in (rc.cell,)}
    features = [str(f) for f in axes["feature"]]
    blocks = [_FEATURES_INTRO]
    for device in axes["device"]:
        notes: dict[_NoteKey, int] = {}
        body = []
        for interface in axes["interface"]:
            for position, method in enumerate(axes["diff_method"]):
                label = _interface_label(str(interface)) if position == 0 else ""
                entries = [_entry(tuple(by_key[(device, interface, method, f, s)]
                                        for s in axes["shots"]), notes) for f in features]
                body.append([label, f'``"{method}"``', *entries])
        headers = [_INTERFACE_HEADER, _METHOD_HEADER, *(f"``{f}``" for f in features)]
        widths = [max(len(row[i]) + 1 for row in [headers, *body]) for i in range(len(headers))]
        lines = [_border(widths, "-"), _row(headers, widths), _border(widths, "=")]
        for position, cells in enumerate(body):
            lines.append(_row(cells, widths))
            next_starts_group = position + 1 == len(body) or body[position + 1][0] != ""
            lines.append(_border(widths, "-", open_first=not next_starts_group))
        # A note spelling out each shots value reads the family's own shots axis.
        own_shots = dataclasses.replace(matrix, axes={**matrix.axes, "shots": axes["shots"]})
        listed = "\n".join(list_item(n, _note_text(key, own_shots)) for key, n in notes.items())
        blocks += [f"On ``{device}``:", ".. rst-class:: tb", "\n".join(lines), listed]
    return "\n\n".join(blocks)
