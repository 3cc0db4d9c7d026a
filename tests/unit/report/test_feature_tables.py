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
    Cell,
    ErrorSpec,
    Expectation,
    FeatureCell,
    Matrix,
    Outcome,
    ResolvedCell,
    ResolvedFeatureCell,
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
    Outcome.ERRORS, ErrorSpec("QuantumFunctionError", re.compile("does not support adjoint"),
                              Stage.FORWARD))


def _expect(cell: FeatureCell) -> Expectation:
    if cell.interface == "None":
        return Expectation(Outcome.NO_GRADIENT)
    if cell.diff_method == "adjoint" and cell.shots is not None:
        return ADJOINT_SHOTS
    return Expectation(Outcome.SUPPORTED)


def matrix() -> Matrix:
    cells = tuple(ResolvedFeatureCell(FeatureCell(*v), _expect(FeatureCell(*v)))
                  for v in itertools.product(*FEATURE_AXES.values()))
    # the QNode family as small as its RST layout allows (two measurement columns)
    qnode = tuple(ResolvedCell(Cell("default.qubit", "torch", "backprop", m, None),
                               Expectation(Outcome.SUPPORTED)) for m in ("probs", "purity"))
    axes = {"device": ("default.qubit",), "interface": ("torch",), "diff_method": ("backprop",),
            "measurement": ("probs", "purity"), "shots": (None,)}
    return Matrix("matrix.yaml", axes, {}, qnode, feature_axes=FEATURE_AXES, feature_cells=cells)


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
    document = publish_doctree(text, settings_overrides={
        "report_level": 1, "halt_level": 5, "warning_stream": stream})
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
    plain = Matrix("matrix.yaml", matrix().axes, {}, matrix().cells)
    assert "Features" not in render_markdown(plain) and "Features\n^" not in render_rst(plain)
    assert "features" not in json.loads(render_json(plain))
