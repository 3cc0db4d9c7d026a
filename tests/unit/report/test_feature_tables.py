"""The features tables in Markdown, RST (parsed by docutils) and JSON."""

from __future__ import annotations

import io
import itertools
import json
import re

from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import directives
from docutils.parsers.rst.directives.misc import Class

from supportmatrix.matrix.model import (
    ErrorSpec,
    Expectation,
    FamilyCells,
    FeatureCell,
    Matrix,
    NotApplicableCell,
    Outcome,
    QNodeCell,
    ResolvedCell,
    Stage,
)
from supportmatrix.report.json_table import render_json
from supportmatrix.report.markdown import render_markdown
from supportmatrix.report.rst import render_rst

directives.register_directive("rst-class", Class)

FEATURE_AXES: dict[str, tuple[object, ...]] = {
    "device": ("default.qubit", "lightning.qubit"),
    "interface": ("None", "torch"),
    "diff_method": ("backprop", "adjoint"),
    "feature": ("controlled", "rot"),
    "shots": (None, 10000),
}
ADJOINT_SHOTS = Expectation(
    Outcome.ERRORS, ErrorSpec("QuantumFunctionError", re.compile("does not support adjoint"), Stage.FORWARD)
)


def _expect(cell: FeatureCell) -> Expectation:
    if cell.interface == "None":
        return Expectation(Outcome.NO_GRADIENT)
    if cell.diff_method == "adjoint" and cell.shots is not None:
        return ADJOINT_SHOTS
    return Expectation(Outcome.SUPPORTED)


def matrix() -> Matrix:
    cells = tuple(
        ResolvedCell(FeatureCell(*v), _expect(FeatureCell(*v)))
        for v in itertools.product(*FEATURE_AXES.values())
    )
    # the QNode family as small as its RST layout allows (two measurement columns)
    qnode = tuple(
        ResolvedCell(QNodeCell("default.qubit", "torch", "backprop", m, None), Expectation(Outcome.SUPPORTED))
        for m in ("probs", "purity")
    )
    axes = {
        "device": ("default.qubit",),
        "interface": ("torch",),
        "diff_method": ("backprop",),
        "measurement": ("probs", "purity"),
        "shots": (None,),
    }
    return Matrix(
        "matrix.yaml", {}, {"qnode": FamilyCells(axes, qnode), "features": FamilyCells(FEATURE_AXES, cells)}
    )


def test_markdown_has_one_features_table_per_device() -> None:
    text = render_markdown(matrix())
    section = text.split("## Features", 1)[1]
    assert "### Features on default.qubit" in section and "### Features on lightning.qubit" in section
    assert "| Interface | Diff method | `controlled` | `rot` |" in section
    # supported analytic, raising with shots: both entries, analytic first
    assert '|  | `"adjoint"` | ✅ / ❌ 2 | ✅ / ❌ 2 |' in section
    assert "the forward pass raises `QuantumFunctionError`" in section  # its reason, not its regex


def test_rst_features_tables_parse_without_messages() -> None:
    text = render_rst(matrix())
    assert "Features\n^^^^^^^^" in text
    stream = io.StringIO()
    document = publish_doctree(
        text, settings_overrides={"report_level": 1, "halt_level": 5, "warning_stream": stream}
    )
    assert stream.getvalue() == "" and not list(document.findall(nodes.system_message))
    assert len(list(document.findall(nodes.table))) == 1 + 2  # the device table, one per device
    assert "✅ / ❌ 2" in text  # one entry per value of the features' own shots axis


def test_json_lists_the_feature_cells() -> None:
    data = json.loads(render_json(matrix()))
    assert data["features"]["axes"]["feature"] == ["controlled", "rot"]
    first = data["features"]["cells"][0]
    assert first["id"] == "default.qubit-None-backprop-controlled-analytic"
    assert first["expect"]["outcome"] == "no-gradient"
    assert len(data["features"]["cells"]) == 32


def test_a_matrix_without_features_renders_no_features_section() -> None:
    plain = Matrix("matrix.yaml", {}, {"qnode": matrix().family("qnode")})
    assert "Features" not in render_markdown(plain) and "Features\n^" not in render_rst(plain)
    assert "features" not in json.loads(render_json(plain))


# --------------------------------------------------------------------------- not applicable

NA_AXES = {**FEATURE_AXES, "feature": ("controlled", "shot-vector")}
NOTES = {"needs-shots": "It runs a shot vector, which needs `shots`."}


def na_matrix() -> Matrix:
    """``shot-vector`` at ``shots=None`` declared not applicable, as the loader leaves it."""
    combos = [FeatureCell(*v) for v in itertools.product(*NA_AXES.values())]
    cells = tuple(
        ResolvedCell(c, _expect(c)) for c in combos if not (c.feature == "shot-vector" and c.shots is None)
    )
    na = tuple(
        NotApplicableCell(c, "needs-shots", 7)
        for c in combos
        if c.feature == "shot-vector" and c.shots is None
    )
    base = matrix()
    return Matrix(
        "matrix.yaml", NOTES, {"qnode": base.family("qnode"), "features": FamilyCells(NA_AXES, cells, na)}
    )


def test_markdown_shows_not_applicable_cells_with_their_reason() -> None:
    text = render_markdown(na_matrix())
    section = text.split("### Features on default.qubit", 1)[1].split("###", 1)[0]
    # backprop: supported analytic and with shots for controlled; n/a, then ✅, for shot-vector
    assert '| `None` | `"backprop"` | ⛔ 1 | n/a 2 / ⛔ 1 |' in section
    assert '|  | `"adjoint"` | ✅ / ❌ 3 | n/a 2 / ❌ 3 |' in section
    assert "2. It runs a shot vector, which needs `shots`." in section
    assert "The features tables have one more: n/a not applicable" in text


def test_rst_leaves_a_cell_of_which_nothing_ran_uncoloured() -> None:
    from supportmatrix.report.cell_index import Footnotes
    from supportmatrix.report.rst import _entry

    na = na_matrix().family("features").not_applicable[0]
    notes = Footnotes()
    assert _entry((na, na), notes) == "n/a 1"
    assert _entry((na, Expectation(Outcome.SUPPORTED)), notes) == ":gr:`n/a 1 / ✅`"
    text = render_rst(na_matrix())
    stream = io.StringIO()
    document = publish_doctree(
        text, settings_overrides={"report_level": 1, "halt_level": 5, "warning_stream": stream}
    )
    assert stream.getvalue() == "" and not list(document.findall(nodes.system_message))
    assert ":rd:`n/a 2 / ❌ 3`" in text and "It runs a shot vector, which needs ``shots``." in text


def test_json_lists_not_applicable_cells_apart_from_the_tests() -> None:
    data = json.loads(render_json(na_matrix()))["features"]
    assert len(data["cells"]) == 32 - 8
    first = data["not_applicable"][0]
    assert first == {
        "id": "default.qubit-None-backprop-shot-vector-analytic",
        "device": "default.qubit",
        "interface": "None",
        "diff_method": "backprop",
        "feature": "shot-vector",
        "shots": None,
        "note": "needs-shots",
        "note_text": NOTES["needs-shots"],
        "line": 7,
    }
