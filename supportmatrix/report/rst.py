"""Render a loaded `Matrix` in the layout of PennyLane's "Supported configurations" table.

PennyLane keeps that table by hand in ``doc/introduction/interfaces.rst`` (a copy is in
the shared reference). This renderer writes the same section (title, the ``gr``/``rd``
roles with their colouring script and style, the intro, a ``.. rst-class:: tb`` grid table
per device, numbered notes) so a maintainer can paste it in and compare it with the page.
Columns are at least as wide as PennyLane's, so ``diff -w`` against the page shows changed
entries and not re-drawn borders. The page's closing ``:html:`</div>``` and ``toctree``
belong to the surrounding page, not to the table, and are not written.

Each grid cell is one role around the same entry as the Markdown table (``✅``, ``❌ 4``,
``✅ / 🐞 7``, ``⛔ 3 ⚠1``): ``:gr:`` when every shots value of the cell is supported,
``:or:`` (a third colour, orange) when any gives a wrong gradient, else ``:rd:``. The numbers
are the table's reasons, listed after it, then its warnings. Widths count emoji as two
columns, as docutils does, so the grid stays valid.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence

from supportmatrix.matrix.model import Matrix, NotApplicableCell, ResolvedCell
from supportmatrix.report.cell_index import CellIndex, Entry, Footnotes, worst
from supportmatrix.report.vocabulary import (
    HYBRID_LAYER_LABELS,
    HYBRID_ONLY,
    LEGEND,
    MEASUREMENT_HEADERS,
    NOT_APPLICABLE,
    WARNING_MARK,
    Shown,
)

_TITLE = "Supported configurations\n------------------------"

# PennyLane's page, verbatim, plus the ``or`` role (a wrong gradient) written the same way:
# the script colours the table cell around each role.
_ROLES_AND_COLOURS = """\
.. role:: gr
.. role:: rd
.. role:: or

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
        document.querySelectorAll('.or').forEach(function(element) {
            if (element.parentElement && element.parentElement.parentElement) {
                element.parentElement.parentElement.classList.add('or-parent');
            }
        });
    });
   </script>
   <style>
       .gr-parent {background-color:#bbffbb}
       .rd-parent {background-color:#ffbbbb}
       .or-parent {background-color:#ffd59a}
   </style>"""

#: The role colouring a cell, by the worst of its shots values.
_ROLE = {Shown.SUPPORTED: "gr", Shown.INCORRECT: "or"}

# No role in prose: PennyLane's script would colour the whole section around it.
_LEGEND_INTRO = """\
Each cell shows what happens: a symbol, then the number of its reason, listed under the
table. Cells are green when supported, orange when a gradient comes out wrong, red
otherwise."""

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


def render_rst(matrix: Matrix) -> str:
    """Return the "Supported configurations" section with one grid table per device."""
    source = os.path.basename(matrix.path) or "matrix.yaml"
    blocks = [
        f".. Generated from {source} by `supportmatrix render --format rst`; do not edit by hand.",
        _TITLE,
        _ROLES_AND_COLOURS,
        _legend(),
    ]
    index = CellIndex(matrix)
    for position, device in enumerate(matrix.family("qnode").axes["device"]):
        blocks.append(_INTRO.format(device=device))
        blocks.append(_shots_paragraph(matrix.family("qnode").axes["shots"]))
        if position == 0:  # one style block serves every table on the page
            blocks.append(_TABLE_STYLE)
        footnotes = Footnotes()
        blocks.append(".. rst-class:: tb")
        blocks.append(_grid_table(matrix, index, str(device), footnotes))
        blocks.extend(_footnote_blocks(matrix, footnotes))
    if matrix.family("hybrid").cells:
        blocks.append(_hybrid_section(matrix))
    if matrix.family("features").cells:
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


def _legend() -> str:
    items = [f"* {sign.symbol} {sign.meaning}" for kind, sign in LEGEND.items()
             if kind not in HYBRID_ONLY]
    items.append(f"* {WARNING_MARK}N: PennyLane warns; warning N is listed under the table.")
    items += [f"* {LEGEND[kind].symbol} {LEGEND[kind].meaning}" for kind in HYBRID_ONLY]
    return _LEGEND_INTRO + "\n\n" + "\n".join(items)


def _footnote_blocks(matrix: Matrix, footnotes: Footnotes) -> list[str]:
    """The numbered reasons, then the warnings as a bullet list."""
    blocks = []
    if footnotes.reasons:
        blocks += ["Reasons:", "\n".join(footnotes.reason_items(matrix.notes, code=rst_literal))]
    if footnotes.warnings:
        blocks += ["Warnings:", "\n".join(footnotes.warning_items(code=rst_literal, bullet="*"))]
    return blocks


def _hybrid_section(matrix: Matrix) -> str:
    """The "Hybrid layers" table: rows layer x device (the layer spanning its devices),
    columns diff methods, one role and note per cell as in the QNode tables."""
    methods = [str(m) for m in matrix.family("hybrid").axes["diff_method"]]
    by_key = {(rc.cell.layer, rc.cell.device, rc.cell.diff_method): rc.expectation
              for rc in matrix.family("hybrid").cells}
    footnotes = Footnotes()
    body = []
    for layer in matrix.family("hybrid").axes["layer"]:
        for position, device in enumerate(matrix.family("hybrid").axes["device"]):
            label = HYBRID_LAYER_LABELS.get(str(layer), f"`{layer}`").replace("`", "``")
            entries = [_entry((by_key[(str(layer), str(device), m)],), footnotes) for m in methods]
            body.append([label if position == 0 else "", f"``{device}``", *entries])
    headers = ["**Layer**", "**Device**", *(f'``"{m}"``' for m in methods)]
    lines = _grid(headers, body)
    return "\n\n".join([_HYBRID_INTRO, ".. rst-class:: tb", "\n".join(lines),
                        *_footnote_blocks(matrix, footnotes)])


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
    values = ", ".join(f"``shots={s}``" for s in shots_axis)
    return (
        f"Where a cell shows several entries, they are, in order, for {values};\n"
        "a single entry holds for all of them. A cell is green only when the\n"
        "configuration is supported with each of them."
    )


def _grid_table(
    matrix: Matrix, index: CellIndex, device: str, footnotes: Footnotes
) -> str:
    measurements = [str(m) for m in matrix.family("qnode").axes["measurement"]]
    body: list[list[str]] = []
    for interface in matrix.family("qnode").axes["interface"]:
        for position, method in enumerate(matrix.family("qnode").axes["diff_method"]):
            # The interface is named on its group's first row; the cell spans the group.
            label = _interface_label(str(interface)) if position == 0 else ""
            entries = [
                _entry(index.expectations(device, str(interface), str(method), m), footnotes)
                for m in measurements
            ]
            body.append([label, f'``"{method}"``', *entries])

    headers = [_INTERFACE_HEADER, _METHOD_HEADER]
    headers += [MEASUREMENT_HEADERS.get(m, m) for m in measurements]
    columns = ["interface", "diff_method", *measurements]
    contents = [headers, *body]
    widths = [
        max(_PENNYLANE_WIDTHS.get(column, _DEFAULT_WIDTH), *(_width(row[i]) + 1 for row in contents))
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


def _entry(expectations: Sequence[Entry], footnotes: Footnotes) -> str:
    colour = worst(expectations)
    if colour is None:  # nothing ran: no role, so the cell keeps the page's own colour
        return footnotes.cell(expectations)
    return f":{_ROLE.get(colour, 'rd')}:`{footnotes.cell(expectations)}`"


def _interface_label(interface: str) -> str:
    # "None" is PennyLane's interface=None, a Python value, so it is shown unquoted.
    return "``None``" if interface == "None" else f'``"{interface}"``'


def _width(text: str) -> int:
    """Columns `text` takes in a grid table: docutils counts wide characters (emoji) twice."""
    return len(text) + sum(unicodedata.east_asian_width(c) in "WF" for c in text)


def _pad(text: str, width: int) -> str:
    # One space before the text, as in PennyLane's table; the widths leave room for it.
    return f" {text}" + " " * (width - 1 - _width(text))


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "|" + "|".join(_pad(c, w) for c, w in zip(cells, widths, strict=True)) + "|"


def _grid(headers: Sequence[str], body: Sequence[Sequence[str]]) -> list[str]:
    """A grid table sized to its contents, whose first column's cell spans the rows below
    it that leave it empty (a group label, as PennyLane's interface cells span theirs)."""
    widths = [max(_width(row[i]) + 1 for row in [headers, *body]) for i in range(len(headers))]
    lines = [_border(widths, "-"), _row(headers, widths), _border(widths, "=")]
    for position, cells in enumerate(body):
        lines.append(_row(cells, widths))
        next_starts_group = position + 1 == len(body) or body[position + 1][0] != ""
        lines.append(_border(widths, "-", open_first=not next_starts_group))
    return lines


def _border(widths: Sequence[int], char: str, *, open_first: bool = False) -> str:
    segments = [char * w for w in widths]
    if open_first:
        segments[0] = " " * widths[0]
    return "+" + "+".join(segments) + "+"


# --------------------------------------------------------------------------- the qjit family


def render_qjit_rst(matrix: Matrix) -> str:
    """The Catalyst table (``qjit:``) in the layout of the device tables: per device a grid
    table, rows diff method x gradient function x method, columns measurement x derivative,
    one role and note per cell (green only when every shots value is supported)."""
    axes = matrix.family("qjit").axes
    by_key = {(c.device, c.diff_method, c.grad_function, c.method, c.measurement, c.derivative,
               c.shots): rc.expectation for rc in matrix.family("qjit").cells for c in (rc.cell,)}
    columns = [(str(m), str(d)) for m in axes["measurement"] for d in axes["derivative"]]
    source = os.path.basename(matrix.path) or "matrix.yaml"
    title = "Catalyst (``qml.qjit``)"
    blocks = [f".. Generated from the qjit: section of {source} by `supportmatrix render "
              "--format qjit-rst`; do not edit by hand.",
              f"{title}\n{'-' * len(title)}", _ROLES_AND_COLOURS, _TABLE_STYLE,
              _shots_paragraph(axes["shots"])]
    for device in axes["device"]:
        notes = Footnotes()
        body = []
        for method in axes["diff_method"]:
            for position, (grad, how) in enumerate((g, h) for g in axes["grad_function"]
                                                   for h in axes["method"]):
                entries = [_entry(tuple(by_key[(str(device), str(method), str(grad), str(how), m, d,
                                                shots)] for shots in axes["shots"]), notes)
                           for m, d in columns]
                body.append([f'``"{method}"``' if position == 0 else "", f"``{grad}``",
                             f'``"{how}"``', *entries])
        headers = ["**Differentiation method**", "**Gradient function**", "**method**",
                   *(f"{MEASUREMENT_HEADERS.get(m, m)}, {d}" for m, d in columns)]
        lines = _grid(headers, body)
        device_title = f"``{device}``"
        blocks += [f"{device_title}\n{'^' * len(device_title)}", ".. rst-class:: tb",
                   "\n".join(lines), *_footnote_blocks(matrix, notes)]
    return "\n\n".join(blocks) + "\n"


# --------------------------------------------------------------------------- features family

_FEATURES_INTRO = """\
Features
^^^^^^^^

Fixed circuits that each exercise one gradient code path (controlled rotations, ``qp.Rot``,
two-qubit rotations, fixed operations, classical processing, Hamiltonians with trainable
coefficients, a tuple of measurements, broadcasting, Hessians, shot vectors, float32
parameters): per device, rows are interface and differentiation method, columns the
features, with one role and note per cell as in the tables above. Green: the forward value
and the Jacobian (and the Hessian, for the Hessian features) agree with the feature's own
NumPy oracle for every number of shots measured. ``n/a``: {not_applicable}"""


def _expectation(item: ResolvedCell | NotApplicableCell) -> Entry:
    return item if isinstance(item, NotApplicableCell) else item.expectation


def _features_section(matrix: Matrix) -> str:
    """The "Features" tables: one grid table per device, rows interface x diff method,
    columns features, and the numbered notes after each."""
    axes = matrix.family("features").axes
    by_key = {key: _expectation(item) for key, item in matrix.family("features").entries().items()}
    features = [str(f) for f in axes["feature"]]
    meaning = NOT_APPLICABLE.meaning
    blocks = [_FEATURES_INTRO.format(not_applicable=meaning[0].upper() + meaning[1:])]
    for device in axes["device"]:
        notes = Footnotes()
        body = []
        for interface in axes["interface"]:
            for position, method in enumerate(axes["diff_method"]):
                label = _interface_label(str(interface)) if position == 0 else ""
                entries = [_entry(tuple(by_key[(device, interface, method, f, s)]
                                        for s in axes["shots"]), notes) for f in features]
                body.append([label, f'``"{method}"``', *entries])
        headers = [_INTERFACE_HEADER, _METHOD_HEADER, *(f"``{f}``" for f in features)]
        lines = _grid(headers, body)
        blocks += [f"On ``{device}``:", ".. rst-class:: tb", "\n".join(lines),
                   *_footnote_blocks(matrix, notes)]
    return "\n\n".join(blocks)
