"""The Markdown support table: a legend, one table per device, the hybrid layers, then the features.

Pure functions over the frozen model: no I/O, no pennylane. The same matrix always
renders to the same text, so the committed table can be checked for staleness.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from supportmatrix.matrix.model import Expectation, Matrix, Outcome
from supportmatrix.report.cell_index import CellIndex, list_item
from supportmatrix.report.vocabulary import (
    HYBRID_LAYER_LABELS,
    LEGEND,
    MEASUREMENT_HEADERS,
    footnote_text,
)

_ENTRY_SEPARATOR = " / "


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
    if matrix.feature_cells:
        blocks.append(_features_block(matrix))
    return "\n\n".join(blocks) + "\n"


def _hybrid_block(matrix: Matrix) -> str:
    """The "Hybrid layers" section: rows layer x device, columns diff methods."""
    footnotes: dict[Expectation, int] = {}
    methods = [str(m) for m in matrix.hybrid_axes["diff_method"]]
    header = ["Layer", "Device", *(markdown_code(f'"{m}"') for m in methods)]
    rows = [_table_row(header), _table_row(["---"] * len(header))]
    index = {(rc.cell.layer, rc.cell.device, rc.cell.diff_method): rc for rc in matrix.hybrid_cells}
    trainings = []
    for layer in matrix.hybrid_axes["layer"]:
        for position, device in enumerate(matrix.hybrid_axes["device"]):
            first = HYBRID_LAYER_LABELS.get(str(layer), markdown_code(str(layer))) if position == 0 else ""
            entries = []
            for method in methods:
                rc = index[(str(layer), str(device), method)]
                entries.append(_entry(rc.expectation, footnotes))
                if rc.expectation.outcome is Outcome.SUPPORTED and rc.training is not None:
                    trainings.append(rc.training)
            rows.append(_table_row([first, markdown_code(str(device)), *entries]))
    listed = [list_item(n, footnote_text(e, matrix.notes, code=markdown_code)) for e, n in footnotes.items()]
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
    listed = [list_item(n, footnote_text(e, matrix.notes, code=markdown_code)) for e, n in footnotes.items()]
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
            rows.append(_table_row([first, markdown_code(f'"{method}"'), *entries]))
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
    return markdown_code("None") if interface == "None" else markdown_code(f'"{interface}"')


def _table_row(cells: Sequence[str]) -> str:
    # An unescaped pipe, even inside a code span, would split a GFM table cell.
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def markdown_code(text: str) -> str:
    """A Markdown code span that survives backticks inside `text` (e.g. in a regex)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


# --------------------------------------------------------------------------- features family


def _features_block(matrix: Matrix) -> str:
    """The "Features" section: per device, rows interface x diff method, columns features,
    entries and footnotes as in the device tables."""
    axes = matrix.feature_axes
    by_key = {(c.device, c.interface, c.diff_method, c.feature, c.shots): rc.expectation
              for rc in matrix.feature_cells for c in (rc.cell,)}
    features = [str(f) for f in axes["feature"]]
    blocks = [
        "## Features",
        "Fixed circuits that each exercise one gradient code path of PennyLane (README, "
        "\"The features family\"): ✅ means the forward value and the Jacobian agree with the "
        "feature's own NumPy oracle. " + _shots_order_sentence(axes["shots"]),
    ]
    for device in axes["device"]:
        footnotes: dict[Expectation, int] = {}
        header = ["Interface", "Diff method", *(markdown_code(f) for f in features)]
        rows = [_table_row(header), _table_row(["---"] * len(header))]
        for interface in axes["interface"]:
            for position, method in enumerate(axes["diff_method"]):
                first = _interface_label(str(interface)) if position == 0 else ""
                entries = []
                for feature in features:
                    expectations = tuple(by_key[(device, interface, method, feature, s)]
                                         for s in axes["shots"])
                    if len(set(expectations)) == 1:
                        expectations = expectations[:1]
                    entries.append(_ENTRY_SEPARATOR.join(_entry(e, footnotes) for e in expectations))
                rows.append(_table_row([first, markdown_code(f'"{method}"'), *entries]))
        listed = [list_item(n, footnote_text(e, matrix.notes, code=markdown_code))
                  for e, n in footnotes.items()]
        blocks += [f"### Features on {device}", "\n".join(rows), "\n".join(listed)]
    return "\n\n".join(blocks)
