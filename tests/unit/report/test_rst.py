"""Unit tests for `supportmatrix.render_rst`: PennyLane's grid-table layout, checked by docutils."""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable

import pytest
from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import directives
from docutils.parsers.rst.directives.misc import Class

from supportmatrix.matrix.model import (
    ErrorSpec,
    Expectation,
    FamilyCells,
    Matrix,
    Outcome,
    QNodeCell,
    ResolvedCell,
    Stage,
    WarningSpec,
)
from supportmatrix.report.formats import FORMATS
from supportmatrix.report.rst import render_rst, rst_literal
from supportmatrix.report.vocabulary import LEGEND

# Sphinx registers ``rst-class`` as docutils' ``class`` directive; plain docutils needs telling.
directives.register_directive("rst-class", Class)

SUPPORTED = Expectation(Outcome.SUPPORTED)
NO_GRADIENT = Expectation(Outcome.NO_GRADIENT)
ADJOINT_SHOTS = Expectation(
    Outcome.ERRORS,
    ErrorSpec("QuantumFunctionError", re.compile("does not support adjoint"), Stage.FORWARD),
)
AXES: dict[str, tuple[object, ...]] = {
    "device": ("default.qubit",),
    "interface": ("None", "autograd"),
    "diff_method": ("backprop", "adjoint"),
    "measurement": ("probs", "purity"),
    "shots": (None, 100),
}


def small_expect(cell: QNodeCell) -> Expectation:
    if cell.interface == "None":
        return NO_GRADIENT
    if cell.diff_method == "adjoint" and cell.shots is not None:
        return ADJOINT_SHOTS
    return SUPPORTED


def make_matrix(
    expect: Callable[[QNodeCell], Expectation] = small_expect,
    *,
    notes: dict[str, str] | None = None,
    **axes: tuple[object, ...],
) -> Matrix:
    axes = {**AXES, **axes}
    cells = tuple(
        ResolvedCell(QNodeCell(*values), expect(QNodeCell(*values)))
        for values in itertools.product(*axes.values())
    )
    return Matrix(
        path="some/dir/matrix.yaml", notes=notes or {}, families={"qnode": FamilyCells(axes, cells)}
    )


def parse(text: str) -> nodes.document:
    """Parse with docutils; any message at all (even INFO) fails the test."""
    __tracebackhide__ = True
    stream = io.StringIO()
    settings = {"report_level": 1, "halt_level": 5, "warning_stream": stream}
    document = publish_doctree(text, settings_overrides=settings)
    messages = [m.astext() for m in document.findall(nodes.system_message)]
    assert stream.getvalue() == "" and messages == [], stream.getvalue() or messages
    return document


def tables(document: nodes.document) -> list[nodes.table]:
    return list(document.findall(nodes.table))


# --------------------------------------------------------------------------- exact text

EXPECTED_SMALL = """\
The table below show all the currently supported functionality for the ``"default.qubit"`` device.
At the moment, it takes into account the following parameters:

* The interface, e.g. ``"jax"``
* The differentiation method, e.g. ``"parameter-shift"``
* The return value of the QNode, e.g. ``qp.expval()`` or ``qp.probs()``
* The number of shots, either None or an integer > 0

Where a cell shows several entries, they are, in order, for ``shots=None``, ``shots=100``;
a single entry holds for all of them. A cell is green only when the
configuration is supported with each of them.

.. raw:: html

   <style>
      .tb { border-collapse: collapse; }
      .tb th, .tb td { padding: 1px; border: solid 1px black; }
   </style>

.. rst-class:: tb

+--------------------------------------------------+---------------------------------+
|                                                  | **Return type**                 |
+==================+===============================+================+================+
| **Interface**    | **Differentiation method**    | probs          | purity         |
+------------------+-------------------------------+----------------+----------------+
| ``None``         | ``"backprop"``                | :rd:`⛔ 1`     | :rd:`⛔ 1`     |
+                  +-------------------------------+----------------+----------------+
|                  | ``"adjoint"``                 | :rd:`⛔ 1`     | :rd:`⛔ 1`     |
+------------------+-------------------------------+----------------+----------------+
| ``"autograd"``   | ``"backprop"``                | :gr:`✅`       | :gr:`✅`       |
+                  +-------------------------------+----------------+----------------+
|                  | ``"adjoint"``                 | :rd:`✅ / ❌ 2`| :rd:`✅ / ❌ 2`|
+------------------+-------------------------------+----------------+----------------+

Reasons:

1. No reason given in the matrix: the forward pass works; no gradient comes out.
2. No reason given in the matrix: the forward pass raises ``QuantumFunctionError``.
"""


def test_small_matrix_renders_to_the_exact_expected_text() -> None:
    text = render_rst(make_matrix())
    _, sep, device_block = text.partition("\n\nThe table below")
    assert sep and sep[2:] + device_block == EXPECTED_SMALL


def test_document_opens_like_pennylanes_section() -> None:
    text = render_rst(make_matrix())
    assert text.startswith(
        ".. Generated from matrix.yaml by `supportmatrix render --format rst`;"
        " do not edit by hand.\n\n"
        "Supported configurations\n------------------------\n\n"
        ".. role:: gr\n.. role:: rd\n.. role:: or\n\n.. raw:: html\n\n   <script>\n"
    )
    assert "       .gr-parent {background-color:#bbffbb}\n" in text
    assert "       .rd-parent {background-color:#ffbbbb}\n" in text
    # The third role is added to the script and the style the way PennyLane adds its two.
    assert "document.querySelectorAll('.or')" in text and "classList.add('or-parent')" in text
    assert "       .or-parent {background-color:#ffd59a}\n   </style>\n\nEach cell shows" in text
    legend = text.split("Each cell shows", 1)[1].split("The table below", 1)[0]
    assert all(sign.symbol in legend for sign in LEGEND.values())


def test_rst_is_a_registered_output_format() -> None:
    matrix = make_matrix()
    assert FORMATS["rst"](matrix) == render_rst(matrix)


# --------------------------------------------------------------------------- structure


def test_docutils_parses_it_into_one_tb_table_per_device() -> None:
    matrix = make_matrix(device=("default.qubit", "lightning.qubit"))
    text = render_rst(matrix)
    document = parse(text)
    found = tables(document)
    assert [t["classes"] for t in found] == [["tb"], ["tb"]]
    assert text.count(".. raw:: html\n\n   <style>\n      .tb") == 1  # one style for the page
    assert 'functionality for the ``"lightning.qubit"`` device.' in text
    assert len(list(document.findall(nodes.enumerated_list))) == 2


def test_header_rows_and_spans() -> None:
    measurements = ("state", "probs", "counts", "expval")
    table = tables(parse(render_rst(make_matrix(measurement=measurements))))[0]
    assert table.next_node(nodes.tgroup)["cols"] == 2 + len(measurements)
    (header,) = table.next_node(nodes.thead).children
    blank, return_type = header.children
    assert blank.get("morecols") == 1 and blank.astext() == ""
    assert return_type.get("morecols") == len(measurements) - 1
    assert return_type.astext() == "Return type"
    labels, *body = table.next_node(nodes.tbody).children
    assert [entry.astext() for entry in labels.children] == [
        "Interface",
        "Differentiation method",
        "state",
        "probs",
        "counts",
        "expval (obs)",
    ]
    # The interface cell spans its group's rows; the next group starts a new cell.
    methods = len(AXES["diff_method"])
    group_starts = [row for row in body if len(row.children) == 2 + len(measurements)]
    assert [row.children[0].astext() for row in group_starts] == ["None", '"autograd"']
    assert all(row.children[0].get("morerows") == methods - 1 for row in group_starts)
    assert [row.children[-len(measurements) - 1].astext() for row in body] == ['"backprop"', '"adjoint"'] * 2


_ENTRY = r"(✅|(❌|▶️|⛔|🐞) \d+)( ⚠[\d,]+)?"


def test_each_cell_holds_one_role_around_its_entries() -> None:
    table = tables(parse(render_rst(make_matrix())))[0]
    _, *body = table.next_node(nodes.tbody).children
    shown = []
    for row in body:
        for entry in row.children[-2:]:
            (role,) = list(entry.findall(nodes.inline))
            assert role["classes"] in (["gr"], ["rd"], ["or"])
            assert re.fullmatch(f"{_ENTRY}( / {_ENTRY})*", role.astext()), role.astext()
            shown.append(role.astext())
    assert shown == ["⛔ 1"] * 4 + ["✅"] * 2 + ["✅ / ❌ 2"] * 2


def test_role_is_green_only_when_every_shots_value_is_supported() -> None:
    def expect(cell: QNodeCell) -> Expectation:
        if cell.measurement == "purity" and cell.shots is not None:
            return Expectation(Outcome.INCORRECT)
        return SUPPORTED

    text = render_rst(make_matrix(expect, notes={"odd": "Odd."}))
    rows = [line for line in text.splitlines() if line.startswith("| ``")]
    # A wrong gradient for any shots value is orange, whatever the others do.
    assert all(row.endswith("| :gr:`✅`     | :or:`✅ / 🐞 1`|") for row in rows), rows
    assert "1. No reason given in the matrix: a gradient comes out, and it disagrees" in text
    parse(text)


def test_role_is_red_for_any_other_unsupported_entry() -> None:
    def expect(cell: QNodeCell) -> Expectation:
        if cell.measurement == "purity":
            return Expectation(Outcome.NO_GRADIENT, note="odd") if cell.shots else SUPPORTED
        return Expectation(Outcome.ERRORS, ErrorSpec("E", re.compile("x"), Stage.GRADIENT), note="odd")

    text = render_rst(make_matrix(expect, notes={"odd": "Odd."}))
    rows = [line for line in text.splitlines() if line.startswith("| ``")]
    assert all(row.endswith("| :rd:`▶️ 1`   | :rd:`✅ / ⛔ 1`|") for row in rows), rows


def test_notes_are_numbered_by_first_appearance_and_restart_per_device() -> None:
    def expect(cell: QNodeCell) -> Expectation:
        if cell.device == "lightning.qubit":
            return ADJOINT_SHOTS if cell.measurement == "probs" else SUPPORTED
        return small_expect(cell)

    text = render_rst(make_matrix(expect, device=("default.qubit", "lightning.qubit")))
    second = text.split('``"lightning.qubit"``', 1)[1]
    assert "| :rd:`❌ 1`   | :gr:`✅`    |" in second
    items = re.findall(r"^(\d+)\. ", second, flags=re.M)
    assert items == ["1"]
    assert "1. No reason given in the matrix: the forward pass raises ``QuantumFunctionError``" in second


def test_reasons_and_warnings_are_listed_after_the_table() -> None:
    warned = Expectation(
        Outcome.INCORRECT,
        warnings=(WarningSpec("UserWarning", re.compile(r"no trainable \w+")),),
        note="why",
    )
    notes = {"why": "Because `x`.\n\nSecond."}
    text = render_rst(make_matrix(lambda cell: warned, notes=notes))
    assert "| :or:`🐞 1 ⚠1`| :or:`🐞 1 ⚠1`|" in text
    assert "Reasons:\n\n1. Because ``x``.\n\n   Second.\n\nWarnings:\n\n" in text
    assert "* ⚠1 ``UserWarning``, with a message matching ``no trainable \\w+``\n" in text
    parse(text)


def test_wide_labels_widen_their_column() -> None:
    text = render_rst(make_matrix(measurement=("a_very_long_measurement_name",)))
    parse(text)
    # One space before the text and none required after, as PennyLane's widest label has.
    assert "| a_very_long_measurement_name|" in text
    assert "| :gr:`✅`                    |" in text


def test_single_shots_value_is_said_once() -> None:
    text = render_rst(make_matrix(shots=(None,)))
    assert "Every entry is for ``shots=None``." in text
    assert "Analytic" not in text
    parse(text)


# --------------------------------------------------------------------------- literals


@pytest.mark.parametrize(
    "pattern",
    ["a|b", r"\(x\)\.", "*star*", "`x`", "a``b", "`", " lead", "trail ", "", "_under_", "<a>"],
)
def test_rst_literal_shows_any_pattern_verbatim(pattern: str) -> None:
    document = parse(f"Matching {rst_literal(pattern)} here.\n")
    (literal,) = list(document.findall(nodes.literal))
    shown = literal.astext()
    expected = repr(pattern) if not pattern or pattern != pattern.strip() else pattern
    assert shown == expected


def test_plain_patterns_are_inline_literals() -> None:
    assert rst_literal("DeviceError") == "``DeviceError``"
    assert rst_literal("a``b") == ":literal:`a\\`\\`b`"


def test_hybrid_layers_get_their_own_valid_table() -> None:
    from pathlib import Path

    from supportmatrix.matrix.axes import FEATURE_GROUPS
    from supportmatrix.matrix.load import load_matrix

    matrix = load_matrix(Path(__file__).resolve().parents[3] / "matrix.yaml")
    document = parse(render_rst(matrix))
    tables = list(document.findall(nodes.table))
    # the device tables, the hybrid table, then one features table per device and feature group
    devices = len(matrix.family("qnode").axes["device"])
    assert len(tables) == devices + 1 + len(matrix.family("features").axes["device"]) * len(FEATURE_GROUPS)
    hybrid = tables[devices].astext()
    assert "qml.qnn.TorchLayer" in hybrid and "Keras 3 layer, jax backend" in hybrid
    rows = len(matrix.family("hybrid").axes["layer"]) * len(matrix.family("hybrid").axes["device"])
    assert len(list(tables[devices].findall(nodes.row))) == rows + 1  # and the header row
