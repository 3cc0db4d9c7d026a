"""Unit tests for the Markdown and JSON tables: layout, reasons, warning marks, escaping."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable

import pytest

from supportmatrix.matrix.families import FAMILIES
from supportmatrix.matrix.model import (
    Decision,
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
from supportmatrix.report.json_table import render_json
from supportmatrix.report.markdown import markdown_code, render_markdown
from supportmatrix.report.vocabulary import LEGEND, extra_shown, footnote_text, warning_text

SUPPORTED = Expectation(Outcome.SUPPORTED)
FORWARD_ERROR = Expectation(Outcome.ERRORS, ErrorSpec("DeviceError", re.compile("shots"), Stage.FORWARD))
AXES: dict[str, tuple[object, ...]] = {
    "device": ("default.qubit", "lightning.qubit"),
    "interface": ("None", "torch"),
    "diff_method": ("backprop", "adjoint"),
    "measurement": ("probs", "expval"),
    "shots": (None, 100),
}


def make_matrix(
    expect: Callable[[QNodeCell], Expectation] = lambda cell: SUPPORTED,
    *,
    notes: dict[str, str] | None = None,
    **axes: tuple[object, ...],
) -> Matrix:
    """A 2x2x2x2x2 matrix (axes overridable) whose cells get `expect(cell)`, in product order."""
    axes = {**AXES, **axes}
    cells = tuple(
        ResolvedCell(QNodeCell(*values), expect(QNodeCell(*values)), decisions=(Decision("expect", 1),))
        for values in itertools.product(*axes.values())
    )
    return Matrix(path="matrix.yaml", notes=notes or {}, families={"qnode": FamilyCells(axes, cells)})


def section(markdown: str, device: str) -> str:
    """The text of one device's section, up to the next heading."""
    return markdown.split(f"## {device}\n", 1)[1].split("\n## ", 1)[0]


def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("|")]


def footnotes(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(r"\d+\. ", line)]


# --------------------------------------------------------------------------- document shape


def test_title_intro_and_legend_come_first() -> None:
    md = render_markdown(make_matrix())
    assert md.startswith("# Supported configurations\n\n")
    intro = md.split("\n\n")[1]
    assert "`matrix.yaml`" in intro and "`supportmatrix render --format markdown`" in intro
    assert "do not edit it by hand" in intro
    for shown, legend in LEGEND.items():
        line = f"- {legend.symbol} {legend.meaning}\n"
        assert (line in md) == (shown not in extra_shown(FAMILIES))
        assert legend.symbol in md.split("## ")[0]  # every symbol is explained before the tables
    assert "- ⚠N: PennyLane warns; warning N is listed under the table." in md


def test_one_table_per_device_in_axis_order() -> None:
    md = render_markdown(make_matrix(device=("lightning.qubit", "default.qubit")))
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings == ["## lightning.qubit", "## default.qubit"]
    for device in ("lightning.qubit", "default.qubit"):
        assert len(table_rows(section(md, device))) == 2 + 2 * 2  # header, rule, interface x method


def test_header_and_row_order_follow_the_axes() -> None:
    matrix = make_matrix(
        interface=("torch", "None"),
        diff_method=("adjoint", "backprop"),
        measurement=("expval", "density_matrix", "custom_thing"),
    )
    rows = table_rows(section(render_markdown(matrix), "default.qubit"))
    assert rows[0] == "| Interface | Diff method | expval (obs) | density matrix | custom_thing |"
    assert rows[1] == "| --- | --- | --- | --- | --- |"
    labels = [row.split(" | ")[:2] for row in rows[2:]]
    assert labels == [
        ['| `"torch"`', '`"adjoint"`'],
        ["| ", '`"backprop"`'],  # the interface is named on its group's first row only
        ["| `None`", '`"adjoint"`'],
        ["| ", '`"backprop"`'],
    ]


def test_each_device_table_shows_its_own_cells() -> None:
    def expect(cell: QNodeCell) -> Expectation:
        return FORWARD_ERROR if cell.device == "lightning.qubit" else SUPPORTED

    md = render_markdown(make_matrix(expect))
    assert "| ✅ |" in section(md, "default.qubit") and "❌" not in section(md, "default.qubit")
    assert "| ❌ 1 |" in section(md, "lightning.qubit") and "✅" not in section(md, "lightning.qubit")


# --------------------------------------------------------------------------- cells and footnotes


NOTES = {"wrong": "The gradient is off by `2x`.", "flat": "Nothing to differentiate."}


def test_footnotes_are_reasons_numbered_by_first_appearance_and_restart_per_device() -> None:
    incorrect = Expectation(Outcome.INCORRECT, note="wrong")
    no_grad = Expectation(Outcome.NO_GRADIENT, note="flat")

    def expect(cell: QNodeCell) -> Expectation:
        if cell.measurement == "expval":  # right column: first seen on the first row
            return incorrect
        return no_grad if cell.diff_method == "adjoint" else SUPPORTED

    md = render_markdown(make_matrix(expect, notes=NOTES))
    for device in AXES["device"]:
        text = section(md, device)
        cells = [row.split(" | ")[2:] for row in table_rows(text)[2:]]
        assert cells[0] == ["✅", "🐞 1 |"]  # a supported cell needs no footnote
        assert cells[1] == ["⛔ 2", "🐞 1 |"]
        assert footnotes(text) == ["1. The gradient is off by `2x`.", "2. Nothing to differentiate."]


def test_one_reason_serves_different_errors_and_symbols() -> None:
    # Two exception classes, two stages, one declared reason: one footnote, two symbols.
    forward = Expectation(
        Outcome.ERRORS, ErrorSpec("DeviceError", re.compile("x"), Stage.FORWARD), note="flat"
    )
    gradient = Expectation(
        Outcome.ERRORS, ErrorSpec("TypeError", re.compile("y"), Stage.GRADIENT), note="flat"
    )
    text = section(
        render_markdown(
            make_matrix(lambda cell: forward if cell.measurement == "probs" else gradient, notes=NOTES)
        ),
        "default.qubit",
    )
    assert table_rows(text)[2].endswith("| ❌ 1 | ▶️ 1 |")
    assert footnotes(text) == ["1. Nothing to differentiate."]


def test_cells_without_a_reason_share_a_generic_one_per_symbol_and_class() -> None:
    # A schema_version 1 file need not declare reasons; a table from observations may
    # differ from the declaration. Neither crashes, and neither repeats the regex.
    other = Expectation(Outcome.ERRORS, ErrorSpec("DeviceError", re.compile("other"), Stage.FORWARD))

    def expect(cell: QNodeCell) -> Expectation:
        if cell.interface == "None":
            return FORWARD_ERROR if cell.measurement == "probs" else other
        return Expectation(Outcome.NO_GRADIENT)

    text = section(render_markdown(make_matrix(expect)), "default.qubit")
    assert table_rows(text)[2].endswith("| ❌ 1 | ❌ 1 |")
    assert footnotes(text) == [
        "1. No reason given in the matrix: the forward pass raises `DeviceError`.",
        "2. No reason given in the matrix: the forward pass works; no gradient comes out.",
    ]


def test_warnings_are_marks_listed_once_per_table() -> None:
    first = WarningSpec("PennyLaneDeprecationWarning", re.compile(r"TensorFlow is deprecated\. Future"))
    second = WarningSpec("UserWarning", re.compile(r"no trainable \w+"))

    def expect(cell: QNodeCell) -> Expectation:
        if cell.interface == "None":
            return Expectation(Outcome.NO_GRADIENT, warnings=(second, first), note="flat")
        return Expectation(Outcome.SUPPORTED, warnings=(first,))

    md = render_markdown(make_matrix(expect, notes=NOTES))
    text = section(md, "default.qubit")
    rows = table_rows(text)
    assert rows[2] == '| `None` | `"backprop"` | ⛔ 1 ⚠1,2 | ⛔ 1 ⚠1,2 |'  # marks in number order
    assert rows[4] == '| `"torch"` | `"backprop"` | ✅ ⚠2 | ✅ ⚠2 |'
    assert footnotes(text) == ["1. Nothing to differentiate."]  # warnings are not footnotes
    warnings = text.split("Warnings:\n\n", 1)[1].splitlines()
    assert warnings == [
        "- ⚠1 `UserWarning`, with a message matching `no trainable \\w+`",
        "- ⚠2 `PennyLaneDeprecationWarning`, whose message contains `TensorFlow is deprecated. Future`",
    ]
    assert md.count("⚠2 `PennyLaneDeprecationWarning`") == 2  # once per device table


def test_cell_shows_one_entry_when_all_shots_agree_and_one_per_shots_value_otherwise() -> None:
    def expect(cell: QNodeCell) -> Expectation:
        adjoint_with_shots = cell.diff_method == "adjoint" and cell.shots is not None
        return FORWARD_ERROR if adjoint_with_shots else SUPPORTED

    text = section(render_markdown(make_matrix(expect)), "default.qubit")
    rows = table_rows(text)
    assert rows[2] == '| `None` | `"backprop"` | ✅ | ✅ |'
    assert rows[3] == '|  | `"adjoint"` | ✅ / ❌ 1 | ✅ / ❌ 1 |'
    assert (
        "Where a cell shows two entries,"
        " the first is analytic (`shots=None`) and the second `shots=100`" in text
    )


def test_entries_follow_the_shots_axis_order() -> None:
    def expect(cell: QNodeCell) -> Expectation:
        return FORWARD_ERROR if cell.shots is not None else SUPPORTED

    text = section(render_markdown(make_matrix(expect, shots=(100, None))), "default.qubit")
    assert table_rows(text)[2].endswith("| ❌ 1 / ✅ | ❌ 1 / ✅ |")
    assert "the first is `shots=100` and the second analytic (`shots=None`)" in text


@pytest.mark.parametrize(
    ("shots", "sentence"),
    [
        ((None,), "Every entry is for analytic (`shots=None`)."),
        ((None, 10, 1000), "they are, in order: analytic (`shots=None`), `shots=10`, `shots=1000`"),
    ],
)
def test_shots_order_sentence_for_other_axis_lengths(shots: tuple[object, ...], sentence: str) -> None:
    def expect(cell: QNodeCell) -> Expectation:
        return SUPPORTED if cell.shots is None else FORWARD_ERROR

    md = render_markdown(make_matrix(expect, shots=shots))
    assert sentence in md
    if len(shots) == 3:
        assert "✅ / ❌ 1 / ❌ 1" in md  # entries are per shots value, not deduplicated


def test_footnote_text_is_the_reason_alone() -> None:
    # The class, regex, stage and warnings stay in matrix.yaml, the JSON and failure messages.
    expectation = Expectation(
        Outcome.ERRORS,
        ErrorSpec("QuantumFunctionError", re.compile("not supported"), Stage.GRADIENT),
        warnings=(WarningSpec("UserWarning", re.compile("no interface")),),
        note="adjoint",
    )
    notes = {"adjoint": "Adjoint needs `shots=None`.\n"}
    assert footnote_text(expectation, notes, code=markdown_code) == "Adjoint needs `shots=None`."
    assert footnote_text(expectation, notes, code=lambda t: f"<{t}>") == "Adjoint needs <shots=None>."


def test_footnote_text_without_a_note_is_generic() -> None:
    expected = "No reason given in the matrix: the forward pass raises `DeviceError`."
    assert footnote_text(FORWARD_ERROR, {}, code=markdown_code) == expected


def test_unknown_note_key_fails_loudly() -> None:
    with pytest.raises(ValueError, match="'missing'"):
        footnote_text(Expectation(Outcome.SUPPORTED, note="missing"), {}, code=markdown_code)


def test_multiline_note_stays_inside_its_list_item() -> None:
    note = Expectation(Outcome.SUPPORTED, note="n")
    notes = {"n": "First line.\n\nSecond paragraph.\n"}
    md = render_markdown(make_matrix(lambda cell: note, notes=notes))
    assert "1. First line.\n\n   Second paragraph.\n" in md
    assert "| ✅ 1 |" in md  # a supported cell with a note refers to it


def test_missing_cell_fails_loudly() -> None:
    matrix = make_matrix()
    broken = Matrix(
        matrix.path,
        matrix.notes,
        {"qnode": FamilyCells(matrix.family("qnode").axes, matrix.family("qnode").cells[1:])},
    )
    with pytest.raises(ValueError, match=r"default.qubit-None-backprop-probs-analytic"):
        render_markdown(broken)


# --------------------------------------------------------------------------- escaping and stability


def test_pipes_are_escaped_in_table_cells() -> None:
    rows = table_rows(render_markdown(make_matrix(measurement=("a|b", "expval"))))
    assert rows[0] == "| Interface | Diff method | a\\|b | expval (obs) |"


def test_warning_regex_is_a_verbatim_code_span() -> None:
    # Outside a table a pipe needs no escape, and a backslash inside a code span would
    # be shown literally, changing the regex the reader sees.
    warned = Expectation(Outcome.SUPPORTED, warnings=(WarningSpec("UserWarning", re.compile("a|b")),))
    assert "matching `a|b`\n" in render_markdown(make_matrix(lambda cell: warned)) + "\n"
    tick = WarningSpec("UserWarning", re.compile("`x`"))
    assert warning_text(tick, code=markdown_code) == "`UserWarning`, whose message contains `` `x` ``"
    dot = WarningSpec("UserWarning", re.compile("a.b"))  # an unescaped dot is a regex, not text
    assert warning_text(dot, code=markdown_code) == "`UserWarning`, with a message matching `a.b`"


def test_output_is_deterministic_with_one_final_newline_and_no_trailing_spaces() -> None:
    def expect(cell: QNodeCell) -> Expectation:
        return FORWARD_ERROR if cell.shots else SUPPORTED

    first, second = render_markdown(make_matrix(expect)), render_markdown(make_matrix(expect))
    assert first == second
    assert first.endswith("\n") and not first.endswith("\n\n")
    assert all(line == line.rstrip() for line in first.splitlines())


# --------------------------------------------------------------------------- JSON


def test_json_document_structure() -> None:
    def expect(cell: QNodeCell) -> Expectation:
        if cell.shots is None:
            warning = WarningSpec("UserWarning", re.compile("w"))
            return Expectation(Outcome.SUPPORTED, warnings=(warning,))
        return Expectation(
            Outcome.ERRORS, ErrorSpec("DeviceError", re.compile("a|b"), Stage.GRADIENT), note="n"
        )

    matrix = make_matrix(expect, notes={"n": "A note."})
    text = render_json(matrix)
    assert text.endswith("}\n")
    doc = json.loads(text)
    assert list(doc) == ["schema_version", "matrix", "axes", "notes", "cells"]
    assert doc["schema_version"] == 1 and doc["matrix"] == "matrix.yaml"
    assert doc["axes"]["shots"] == [None, 100] and list(doc["axes"]) == list(AXES)
    assert doc["notes"] == {"n": "A note."}
    assert [c["id"] for c in doc["cells"]] == [rc.cell.id for rc in matrix.family("qnode").cells]
    analytic, finite = doc["cells"][0], doc["cells"][1]
    assert analytic == {
        "id": "default.qubit-None-backprop-probs-analytic",
        "device": "default.qubit",
        "interface": "None",
        "diff_method": "backprop",
        "measurement": "probs",
        "shots": None,
        "expect": {
            "outcome": "supported",
            "error": None,
            "warnings": [{"category": "UserWarning", "match": "w"}],
            "note": None,
            "note_text": None,
            "symbol": "✅",
            "reason": "Supported.",
        },
        "rule_lines": [1],
    }
    assert finite["shots"] == 100
    error = {"class": "DeviceError", "match": "a|b", "stage": "gradient"}
    assert finite["expect"]["error"] == error
    assert finite["expect"]["note"] == "n" and finite["expect"]["note_text"] == "A note."
    assert finite["expect"]["symbol"] == "▶️" and finite["expect"]["reason"] == "A note."


def test_json_is_deterministic() -> None:
    assert render_json(make_matrix()) == render_json(make_matrix())


# --------------------------------------------------------------------------- hybrid layers


def _hybrid_matrix() -> Matrix:
    from supportmatrix.matrix.model import Decision, HybridCell, ResolvedCell, TrainingSpec

    axes = {
        "layer": ("torch-layer", "keras3-jax"),
        "device": ("default.qubit",),
        "diff_method": ("backprop", "adjoint"),
    }
    training = TrainingSpec(0.8, 3)
    cells = tuple(
        ResolvedCell(
            HybridCell(layer, "default.qubit", method),
            FORWARD_ERROR if layer == "keras3-jax" else SUPPORTED,
            training,
            (Decision("expect", 1),),
        )
        for layer in axes["layer"]
        for method in axes["diff_method"]
    )
    base = make_matrix()
    return Matrix(
        path=base.path, notes={}, families={"qnode": base.family("qnode"), "hybrid": FamilyCells(axes, cells)}
    )


def test_hybrid_layers_table_comes_last_with_its_own_footnotes() -> None:
    md = render_markdown(_hybrid_matrix())
    hybrid = md.split("## Hybrid layers\n", 1)[1]
    rows = table_rows(hybrid)
    assert rows[0] == '| Layer | Device | `"backprop"` | `"adjoint"` |'
    assert rows[2] == "| `qml.qnn.TorchLayer` | `default.qubit` | ✅ | ✅ |"
    assert rows[3] == "| Keras 3 layer, jax backend | `default.qubit` | ❌ 1 | ❌ 1 |"
    assert footnotes(hybrid) == ["1. No reason given in the matrix: the forward pass raises `DeviceError`."]
    assert "Training target: accuracy >= 0.8 within 3 epochs." in hybrid


def test_no_hybrid_section_without_hybrid_cells() -> None:
    assert "Hybrid layers" not in render_markdown(make_matrix())
