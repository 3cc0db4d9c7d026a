"""The Markdown support table: a legend, one table per device, the hybrid layers, then the features.

Pure functions over the frozen model: no I/O, no pennylane. The same matrix always
renders to the same text, so the committed table can be checked for staleness.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from supportmatrix.matrix.model import Matrix, NotApplicableCell, Outcome
from supportmatrix.report.cell_index import CellIndex, Footnotes
from supportmatrix.report.vocabulary import (
    HYBRID_LAYER_LABELS,
    HYBRID_ONLY,
    LEGEND,
    MEASUREMENT_HEADERS,
    NOT_APPLICABLE,
    WARNING_MARK,
)


def render_markdown(matrix: Matrix) -> str:
    """Return the whole support document: title, intro, legend, then one table per device."""
    source = os.path.basename(matrix.path) or "matrix.yaml"
    blocks = [
        "# Supported configurations",
        (
            f"This page is generated from `{source}` by `supportmatrix render --format markdown`; "
            "do not edit it by hand. Change the matrix and re-run the command instead."
        ),
        _legend_block(not_applicable=bool(matrix.family("features").not_applicable)),
    ]
    index = CellIndex(matrix)
    for device in matrix.family("qnode").axes["device"]:
        blocks.append(_device_block(matrix, index, str(device)))
    if matrix.family("hybrid").cells:
        blocks.append(_hybrid_block(matrix))
    if matrix.family("features").cells:
        blocks.append(_features_block(matrix))
    return "\n\n".join(blocks) + "\n"


def _hybrid_block(matrix: Matrix) -> str:
    """The "Hybrid layers" section: rows layer x device, columns diff methods."""
    footnotes = Footnotes()
    methods = [str(m) for m in matrix.family("hybrid").axes["diff_method"]]
    header = ["Layer", "Device", *(markdown_code(f'"{m}"') for m in methods)]
    rows = [_table_row(header), _table_row(["---"] * len(header))]
    index = {(rc.cell.layer, rc.cell.device, rc.cell.diff_method): rc for rc in matrix.family("hybrid").cells}
    trainings = []
    for layer in matrix.family("hybrid").axes["layer"]:
        for position, device in enumerate(matrix.family("hybrid").axes["device"]):
            first = HYBRID_LAYER_LABELS.get(str(layer), markdown_code(str(layer))) if position == 0 else ""
            entries = []
            for method in methods:
                rc = index[(str(layer), str(device), method)]
                entries.append(footnotes.entry(rc.expectation))
                if rc.expectation.outcome is Outcome.SUPPORTED and rc.training is not None:
                    trainings.append(rc.training)
            rows.append(_table_row([first, markdown_code(str(device)), *entries]))
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
    return "\n\n".join(["## Hybrid layers", intro, "\n".join(rows), *_footnote_blocks(matrix, footnotes)])


def _legend_block(*, not_applicable: bool = False) -> str:
    lines = ["Legend: the symbol says what happens; the number after it is the reason, listed under the table.", ""]
    lines += [
        f"- {sign.symbol} {sign.meaning}" for shown, sign in LEGEND.items() if shown not in HYBRID_ONLY
    ]
    lines.append(f"- {WARNING_MARK}N: PennyLane warns; warning N is listed under the table.")
    hybrid = " ".join(f"{LEGEND[s].symbol} {LEGEND[s].meaning[len('hybrid layers: '):]}"
                      for s in HYBRID_ONLY)
    lines += ["", f"The hybrid layers table has two more: {hybrid}"]
    if not_applicable:
        lines += ["", f"The features tables have one more: {NOT_APPLICABLE.symbol} "
                      f"{NOT_APPLICABLE.meaning}"]
    return "\n".join(lines)


def _device_block(matrix: Matrix, index: CellIndex, device: str) -> str:
    footnotes = Footnotes()
    table = _device_table(matrix, index, device, footnotes)
    shots_order = _shots_order_sentence(matrix.family("qnode").axes["shots"])
    return "\n\n".join([f"## {device}", shots_order, table, *_footnote_blocks(matrix, footnotes)])


def _footnote_blocks(matrix: Matrix, footnotes: Footnotes) -> list[str]:
    """The numbered reasons, then the warnings (a bullet list, so only reasons are numbered)."""
    blocks = []
    if footnotes.reasons:
        blocks += ["Reasons:", "\n".join(footnotes.reason_items(matrix.notes, code=markdown_code))]
    if footnotes.warnings:
        blocks += ["Warnings:", "\n".join(footnotes.warning_items(code=markdown_code, bullet="-"))]
    return blocks


def _device_table(matrix: Matrix, index: CellIndex, device: str, footnotes: Footnotes) -> str:
    measurements = [str(m) for m in matrix.family("qnode").axes["measurement"]]
    header = ["Interface", "Diff method", *(MEASUREMENT_HEADERS.get(m, m) for m in measurements)]
    rows = [_table_row(header), _table_row(["---"] * len(header))]
    for interface in matrix.family("qnode").axes["interface"]:
        for position, method in enumerate(matrix.family("qnode").axes["diff_method"]):
            # Like PennyLane's table, the interface is named once per group of rows.
            first = _interface_label(str(interface)) if position == 0 else ""
            entries = [
                footnotes.cell(index.expectations(device, str(interface), str(method), m))
                for m in measurements
            ]
            rows.append(_table_row([first, markdown_code(f'"{method}"'), *entries]))
    return "\n".join(rows)


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


# --------------------------------------------------------------------------- the qjit family


def render_qjit_markdown(matrix: Matrix) -> str:
    """The Catalyst table (``qjit:``) as its own document: per device, rows diff method x
    gradient function x method, columns measurement x derivative, one entry per shots value
    (one when they agree), footnotes under each table."""
    axes = matrix.family("qjit").axes
    by_key = {(c.device, c.diff_method, c.grad_function, c.method, c.measurement, c.derivative,
               c.shots): rc.expectation for rc in matrix.family("qjit").cells for c in (rc.cell,)}
    columns = [(str(m), str(d)) for m in axes["measurement"] for d in axes["derivative"]]
    source = os.path.basename(matrix.path) or "matrix.yaml"
    blocks = [
        "# Catalyst (`qml.qjit`): supported gradients",
        (f"This page is generated from the `qjit:` section of `{source}` by `supportmatrix "
         "render --format qjit-markdown`; do not edit it by hand. Each cell compiles the "
         "matrix circuit with `qml.qjit` and differentiates it inside the compiled program "
         "with the row's gradient function and `method=`; ✅ means the forward value and the "
         "derivative agree with an independent NumPy simulation (first derivatives: its "
         "Jacobian; second: each Hessian row as the gradient of one gradient entry)."),
        _legend_block(),
        _shots_order_sentence(axes["shots"]),
    ]
    for device in axes["device"]:
        footnotes = Footnotes()
        header = ["Diff method", "Gradient function", "`method`",
                  *(f"{MEASUREMENT_HEADERS.get(m, m)}, {d}" for m, d in columns)]
        rows = [_table_row(header), _table_row(["---"] * len(header))]
        for method in axes["diff_method"]:
            for g_position, grad in enumerate(axes["grad_function"]):
                for a_position, how in enumerate(axes["method"]):
                    first = g_position == 0 and a_position == 0
                    entries = [footnotes.cell(tuple(by_key[(str(device), str(method), str(grad),
                                                           str(how), measurement, derivative, shots)]
                                                    for shots in axes["shots"]))
                               for measurement, derivative in columns]
                    rows.append(_table_row([
                        markdown_code(f'"{method}"') if first else "",
                        markdown_code(str(grad)) if a_position == 0 else "",
                        markdown_code(f'"{how}"'), *entries]))
        blocks.append("\n\n".join([f"## {device}", "\n".join(rows),
                                    *_footnote_blocks(matrix, footnotes)]))
    return "\n\n".join(blocks) + "\n"


# --------------------------------------------------------------------------- features family


def _features_block(matrix: Matrix) -> str:
    """The "Features" section: per device, rows interface x diff method, columns features,
    entries and footnotes as in the device tables."""
    axes = matrix.family("features").axes
    by_key = {key: item if isinstance(item, NotApplicableCell) else item.expectation
              for key, item in matrix.family("features").entries().items()}
    features = [str(f) for f in axes["feature"]]
    blocks = [
        "## Features",
        "Fixed circuits that each exercise one gradient code path of PennyLane (README, "
        "\"The features family\"): ✅ means the forward value and the Jacobian (and the "
        "Hessian, for the Hessian features) agree with the feature's own NumPy oracle. "
        + _shots_order_sentence(axes["shots"])
        + f" {NOT_APPLICABLE.symbol}: {NOT_APPLICABLE.meaning}",
    ]
    for device in axes["device"]:
        footnotes = Footnotes()
        header = ["Interface", "Diff method", *(markdown_code(f) for f in features)]
        rows = [_table_row(header), _table_row(["---"] * len(header))]
        for interface in axes["interface"]:
            for position, method in enumerate(axes["diff_method"]):
                first = _interface_label(str(interface)) if position == 0 else ""
                entries = [footnotes.cell(tuple(by_key[(device, interface, method, feature, s)]
                                                for s in axes["shots"]))
                           for feature in features]
                rows.append(_table_row([first, markdown_code(f'"{method}"'), *entries]))
        blocks += [f"### Features on {device}", "\n".join(rows),
                   *_footnote_blocks(matrix, footnotes)]
    return "\n\n".join(blocks)
