"""How the support tables are written, as data: axis labels, each family's prose, the pages.

`families.TableLayout` holds, per family, which `AxisText` writes each axis and which
`TableTexts` surround its tables in Markdown and RST; `PAGES` are the documents those tables
go to. The writers in `supportmatrix.report` read only these, so a family's table changes
here, and a new family's table is new data. Plain strings and mappings: the pytest plugin
imports this module in every session, so nothing here imports numpy or a YAML parser
(the measurement labels are a ``module:attribute`` reference, imported when drawn).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["AXIS_TEXTS", "PAGES", "AxisText", "TablePage", "TableTexts", "resolve"]


@dataclass(frozen=True)
class AxisText:
    """How a table writes one axis: its header as a row label, and each of its values.

    A value is ``template`` filled with it, as code (a Markdown span, an RST literal) when
    ``code``; a value in ``labels`` (Markdown text, code in backticks, which the RST writer
    turns into literals) is written as its label instead, and one in ``markdown_labels`` so
    only in Markdown. ``labels`` may be a ``module:attribute`` reference to such a mapping,
    imported when a table is drawn (`resolve`).
    """

    header: str = ""
    #: The RST header, when it differs from ``header`` (written in bold).
    rst_header: str = ""
    code: bool = True
    template: str = "{}"
    labels: Mapping[str, str] | str = field(default_factory=dict, hash=False)
    markdown_labels: Mapping[str, str] = field(default_factory=dict, hash=False)

    def value_labels(self) -> Mapping[str, str]:
        """``labels``, imported now when it is a reference."""
        return resolve(self.labels) if isinstance(self.labels, str) else self.labels


@dataclass(frozen=True)
class TableTexts:
    """A family's prose in one output format, as `str.format` templates.

    ``intro`` comes once, before its tables; ``heading`` and ``section_intro`` before each
    table, filled with the section's axis values. Every template may also use ``paired``
    (the format's sentence on the paired axis's values), ``training`` (" Training target:
    ..." when a supported cell has one), and ``na_symbol``, ``na_meaning``, ``na_sentence``
    (how a cell declared not applicable is shown). An empty template writes nothing.
    """

    intro: str = ""
    heading: str = ""
    #: RST: ``heading`` is a title underlined with this character ("": a plain paragraph).
    underline: str = ""
    section_intro: str = ""
    #: Markdown: the legend's sentence on the symbols only its tables show, ``{symbols}``.
    legend: str = ""


@dataclass(frozen=True)
class TablePage:
    """A document the tables are rendered into: the families whose `Family.table` is its
    ``path`` are drawn on it, in registry order, after its preamble.

    Each preamble is a `str.format` template with ``source`` (the matrix file's name),
    ``format`` (the ``--format`` name), ``legend``; the RST one also with ``roles`` (the
    colouring roles) and ``style`` (the table style, else written before the first table).
    """

    path: str
    #: Its ``render --format`` names: Markdown, RST.
    formats: tuple[str, str]
    markdown: str
    rst: str


def resolve(reference: str) -> Any:
    """What a ``module:attribute`` reference names, imported now."""
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


# --------------------------------------------------------------------------- axes

_QUOTED = '"{}"'  # a string argument, as the reader writes it: ``diff_method="adjoint"``

#: How each axis is written, by name; a family's layout picks those of its axes.
AXIS_TEXTS: dict[str, AxisText] = {
    "device": AxisText(header="Device"),
    # PennyLane's interface=None is a Python value, so it is shown unquoted.
    "interface": AxisText(header="Interface", template=_QUOTED, labels={"None": "`None`"}),
    "diff_method": AxisText(header="Diff method", rst_header="Differentiation method", template=_QUOTED),
    # Column headers as PennyLane's table names them; one outside the registry shows its value.
    "measurement": AxisText(
        header="Return type", code=False, labels="supportmatrix.check.measurements:LABELS"
    ),
    # The RST page keeps PennyLane's wording: ``shots=None``, not "analytic".
    "shots": AxisText(
        header="Shots", template="shots={}", markdown_labels={"None": "analytic (`shots=None`)"}
    ),
    "layer": AxisText(
        header="Layer",
        labels={
            "torch-layer": "`qml.qnn.TorchLayer`",
            "keras-layer": "`qml.qnn.KerasLayer`",
            "keras3-jax": "Keras 3 layer, jax backend",
            "keras3-torch": "Keras 3 layer, torch backend",
            "keras3-tensorflow": "Keras 3 layer, tensorflow backend",
            "keras3-package-jax": "`KerasCircuitLayer` (pennylane-keras3-layer), jax backend",
            "keras3-package-torch": "`KerasCircuitLayer` (pennylane-keras3-layer), torch backend",
            "keras3-package-tensorflow": "`KerasCircuitLayer` (pennylane-keras3-layer), tensorflow backend",
            "torch-layer-tuple": "`qml.qnn.TorchLayer`, circuit returns a tuple",
            "keras3-jax-tuple": "Keras 3 layer, jax backend, circuit returns a tuple",
            "keras3-torch-tuple": "Keras 3 layer, torch backend, circuit returns a tuple",
            "keras3-tensorflow-tuple": "Keras 3 layer, tensorflow backend, circuit returns a tuple",
        },
    ),
    "feature": AxisText(header="Feature"),
    "grad_function": AxisText(header="Gradient function"),
    "method": AxisText(header="`method`", rst_header="method", template=_QUOTED),
    "derivative": AxisText(header="Derivative", code=False),
}


def axis_texts(*names: str) -> dict[str, AxisText]:
    """The `AXIS_TEXTS` of ``names``, for a family's layout."""
    return {name: AXIS_TEXTS[name] for name in names}


# --------------------------------------------------------------------------- each family's prose

QNODE_MARKDOWN = TableTexts(heading="## {device}", section_intro="{paired}")
# PennyLane's wording, kept as it is (including "show") so a diff shows only real changes.
QNODE_RST = TableTexts(
    section_intro="""\
The table below show all the currently supported functionality for the ``"{device}"`` device.
At the moment, it takes into account the following parameters:

* The interface, e.g. ``"jax"``
* The differentiation method, e.g. ``"parameter-shift"``
* The return value of the QNode, e.g. ``qp.expval()`` or ``qp.probs()``
* The number of shots, either None or an integer > 0

{paired}"""
)

HYBRID_MARKDOWN = TableTexts(
    intro="""\
## Hybrid layers

A quantum layer between two dense layers (`Dense(2)` → 2-qubit AngleEmbedding + \
BasicEntanglerLayers → `Dense(2)`). ✅ means: the loss and the gradient of every parameter, \
classical and quantum, agree with finite differences of an independent NumPy model; the \
model trains on `make_moons` (200 points, noise 0.1) to the declared accuracy; Keras 3 \
models predict identically after `model.save` and `keras.models.load_model`.{training}""",
    legend="The hybrid layers table has two more: {symbols}",
)
HYBRID_RST = TableTexts(
    intro="""\
Hybrid layers
^^^^^^^^^^^^^

A quantum layer between two dense layers, built with each kind of layer below, on each
device and with each differentiation method. Green: the loss and the gradient of every
parameter, classical and quantum, are right, the model trains on ``make_moons`` to the
declared accuracy, and a Keras 3 model predicts the same after ``model.save`` and
``keras.models.load_model``."""
)

FEATURES_MARKDOWN = TableTexts(
    intro="""\
## Features

Fixed circuits that each exercise one gradient code path of PennyLane (`docs/features.md`, "The \
features family"): ✅ means the forward value and the Jacobian (and the Hessian, for the \
Hessian features) agree with the feature's own NumPy oracle. {paired} {na_symbol}: \
{na_meaning}""",
    heading="### Features on {device}: {group}",
    legend="The features tables have one more: {symbols}",
)
FEATURES_RST = TableTexts(
    intro="""\
Features
^^^^^^^^

Fixed circuits that each exercise one gradient code path: gate rules and measurements
(controlled rotations, ``qp.Rot``, Hamiltonians with trainable coefficients, Hessians, shot
vectors, float32 parameters, ...), operator arithmetic, trainable matrices and templates,
noise channels and amplitude embedding, and mid-circuit measurements. Per device and
group, rows are interface and differentiation method, columns the features, with one
role and note per cell as in the tables above. Green: the forward value and the Jacobian
(and the Hessian, for the Hessian features) agree with the feature's own
NumPy oracle for every number of shots measured. ``n/a``: {na_sentence}""",
    heading="On ``{device}``, {group}:",
)

QJIT_MARKDOWN = TableTexts(intro="{paired}", heading="## {device}")
QJIT_RST = TableTexts(intro="{paired}", heading="``{device}``", underline="^")

#: Column widths in PennyLane's table (between the ``+`` signs), used as minimum widths.
PENNYLANE_WIDTHS: dict[str, int] = {
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
#: Columns PennyLane's table does not have get the width of its narrowest measurement column.
PENNYLANE_NARROWEST = 13

# --------------------------------------------------------------------------- pages

SUPPORT_PAGE = TablePage(
    path="docs/support-table.md",
    formats=("markdown", "rst"),
    markdown="""\
# Supported configurations

This page is generated from `{source}` by `supportmatrix render --format {format}`; do not \
edit it by hand. Change the matrix and re-run the command instead.

{legend}""",
    rst="""\
.. Generated from {source} by `supportmatrix render --format {format}`; do not edit by hand.

Supported configurations
------------------------

{roles}

{legend}""",
)
# The Catalyst family's page: it is not in the default run.
QJIT_PAGE = TablePage(
    path="docs/qjit-table.md",
    formats=("qjit-markdown", "qjit-rst"),
    markdown="""\
# Catalyst (`qml.qjit`): supported gradients

This page is generated from the `qjit:` section of `{source}` by `supportmatrix render \
--format {format}`; do not edit it by hand. Each cell compiles the matrix circuit with \
`qml.qjit` and differentiates it inside the compiled program with the row's gradient \
function and `method=`; ✅ means the forward value and the derivative agree with an \
independent NumPy simulation (first derivatives: its Jacobian; second: each Hessian row as \
the gradient of one gradient entry).

{legend}""",
    rst="""\
.. Generated from the qjit: section of {source} by `supportmatrix render --format {format}`; \
do not edit by hand.

Catalyst (``qml.qjit``)
-----------------------

{roles}

{style}""",
)

#: Every page, the main one first (its formats are ``render``'s default and first choices).
PAGES: tuple[TablePage, ...] = (SUPPORT_PAGE, QJIT_PAGE)
