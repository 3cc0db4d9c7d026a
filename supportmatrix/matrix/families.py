"""The registry of cell families: everything a stage needs to know about a family, as data.

Each `Family` says where its declaration lives in `matrix.yaml`, its axes and cell type,
how its cells run and fail (as ``module:function`` references into the family's own
package, imported only when a cell runs), its key in a results file, its pytest marker and
timeout. The plugin, the results file, observe, diff, update, merge and explain loop over
`FAMILIES`; adding a family is adding an entry here and a package that holds its runner.

A runner reference names ``run(resolved, *, family_size) -> run`` and a failure reference
``lines(run, resolved) -> (context lines, reproduction lines)``; `cell_tests` calls them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from supportmatrix.matrix.axes import (
    AXIS_NAMES,
    FEATURE_AXIS_NAMES,
    FEATURE_GROUPS,
    HYBRID_AXIS_NAMES,
    KNOWN_AXIS_VALUES,
    KNOWN_FEATURE_AXIS_VALUES,
    KNOWN_HYBRID_AXIS_VALUES,
    KNOWN_QJIT_AXIS_VALUES,
    QJIT_AXIS_NAMES,
)
from supportmatrix.matrix.model import FeatureCell, HybridCell, QjitCell, QNodeCell, Stage
from supportmatrix.matrix.table_texts import (
    FEATURES_MARKDOWN,
    FEATURES_RST,
    HYBRID_MARKDOWN,
    HYBRID_RST,
    PAGES,
    PENNYLANE_NARROWEST,
    PENNYLANE_WIDTHS,
    QJIT_MARKDOWN,
    QJIT_RST,
    QNODE_MARKDOWN,
    QNODE_RST,
    AxisText,
    TablePage,
    TableTexts,
    axis_texts,
    resolve,
)

if TYPE_CHECKING:  # the plugin imports this module in every pytest session: no YAML parser
    from supportmatrix.matrix.source import Keypath

__all__ = [
    "FAMILIES",
    "FEATURES",
    "HYBRID",
    "PAGES",
    "QJIT",
    "QNODE",
    "TOP_LEVEL",
    "AxisText",
    "Family",
    "TableLayout",
    "TablePage",
    "TableTexts",
    "families_on",
    "family_named",
    "family_of",
    "resolve",
]

_TWO_STAGES = (Stage.FORWARD.value, Stage.GRADIENT.value)


@dataclass(frozen=True)
class TableLayout:
    """How a family's table is drawn: one table per combination of ``sections``' values,
    a row per combination of ``rows``', a column per combination of ``columns``'; the
    values of ``paired`` share one table cell, side by side ("analytic / shots")."""

    sections: tuple[str, ...]
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    paired: str | None = None
    #: How each axis's header and values are written (an axis without an entry: its name,
    #: values as code).
    axis_texts: Mapping[str, AxisText] = field(default_factory=dict, hash=False)
    #: The values of the one column axis split into named groups, each drawn as a table of
    #: its own per section (``{group}`` in the headings), so that no table lists more reasons
    #: than a reader follows; empty: one table per section. Every value is in one group.
    column_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    #: The family's prose around its tables, in each output format.
    markdown: TableTexts = TableTexts()
    rst: TableTexts = TableTexts()
    #: What only its tables show (`report.vocabulary.Shown` values), which the legends add.
    extra_symbols: tuple[str, ...] = ()
    #: RST minimum column widths, by row axis name or column key (its values joined by
    #: ", "); ``rst_default_width`` for the columns not listed.
    rst_widths: Mapping[str, int] = field(default_factory=dict, hash=False)
    rst_default_width: int = 0
    #: An RST header row spanning every column ("Return type"), or "" for none.
    rst_column_group: str = ""
    #: Its key in ``render --format json`` ("": the document's top level; None: not listed),
    #: and whether each cell there carries the tables' symbol and reason.
    json_key: str | None = None
    json_symbols: bool = False


@dataclass(frozen=True)
class Family:
    """One family of cells; everything else (axes, rules, version gates, resolution,
    records, drift) is shared machinery that reads these fields."""

    #: The family's name: its key in `Matrix.families`, in records and on the command line.
    name: str
    #: How people call it in messages and pages.
    title: str
    #: Where its ``axes`` and ``rules`` are in `matrix.yaml` (``()``: the top level).
    keypath: Keypath
    axis_names: tuple[str, ...]
    known_values: Mapping[str, tuple[str, ...]]
    make_cell: Callable[..., Any]
    #: The stages an error may be declared at.
    stages: tuple[str, ...]
    #: What a rule may set, besides ``where``.
    rule_fields: tuple[str, ...]
    #: Its top-level keys in a results file: the records, and their summary.
    results_key: str
    summary_key: str
    #: The pytest marker on its cell tests, the fixture that carries a cell, and the test.
    marker: str
    fixture: str
    test_file: str
    #: A cell still running after this long is hung (pytest-timeout, thread method).
    timeout_seconds: float
    #: ``module:function`` of its runner and of its failure text (see the module docstring).
    runner: str
    failure: str
    #: ``module:function`` returning why a cell cannot run here (a missing package), or None.
    missing: str
    #: The page its table is rendered to, named in failure messages.
    table: str
    #: How its table is laid out (every axis in exactly one place).
    layout: TableLayout
    #: ``module:function`` of ``snippet(cell) -> str``, Python source that rebuilds a cell
    #: without a run (the HTML report shows it); None: the pytest command that reruns it.
    reproduction: str | None = None
    #: ``module:function`` of ``oracle(cell) -> [str]``, lines appended to the reproduction
    #: that print its results next to the oracle's (``supportmatrix findings``); None: none.
    oracle: str | None = None
    #: False: its cells run only when asked for (``--FAMILY`` or ``-m MARKER``), being slow.
    runs_by_default: bool = True
    #: Whether `supportmatrix init` declares it for any device: its cells need nothing of a
    #: device but a name (the hybrid family also needs a trained accuracy, Catalyst its own
    #: devices).
    any_device: bool = False
    #: Whether its finite-shot cells form one union-bound family of checks.
    counts_shot_checks: bool = True
    #: Whether some of its cells make no sense (`model.inapplicable`) and are declared so
    #: under ``not-applicable``.
    has_not_applicable: bool = False
    #: ``module:function`` giving the representatives its property tests run
    #: (``classes(matrix) -> [ResolvedCell]``), or None: it has no property tests.
    property_classes: str | None = None

    @property
    def section(self) -> str:
        """How a person finds its rules: ``matrix.yaml`` or ``matrix.yaml's hybrid:``."""
        return "the top level" if not self.keypath else f"{self.keypath[0]}:"

    def load(self, reference: str) -> Callable[..., Any]:
        """The function a ``module:function`` field names, imported now."""
        target = getattr(self, reference)
        if target is None:
            raise LookupError(f"the {self.title} family has no {reference}")
        return resolve(target)


QNODE = Family(
    name="qnode",
    title="QNode",
    keypath=(),
    axis_names=AXIS_NAMES,
    known_values=KNOWN_AXIS_VALUES,
    make_cell=QNodeCell,
    stages=_TWO_STAGES,
    rule_fields=("expect", "warnings"),
    results_key="cells",
    summary_key="summary",
    marker="matrix",
    fixture="resolved_cell",
    test_file="tests/test_qnode.py",
    timeout_seconds=60,  # the slowest healthy cell, a worker's first TensorFlow cell, takes ~4 s
    runner="supportmatrix.qnode.runner:run_resolved",
    failure="supportmatrix.qnode.failure:failure_lines",
    reproduction="supportmatrix.check.circuits:reproduction_snippet",
    oracle="supportmatrix.qnode.failure:oracle_lines",
    missing="supportmatrix.check.interfaces:missing_for_cell",
    table="docs/support-table.md",
    layout=TableLayout(
        sections=("device",),
        rows=("interface", "diff_method"),
        columns=("measurement",),
        paired="shots",
        axis_texts=axis_texts(*AXIS_NAMES),
        markdown=QNODE_MARKDOWN,
        rst=QNODE_RST,
        rst_widths=PENNYLANE_WIDTHS,
        rst_default_width=PENNYLANE_NARROWEST,
        rst_column_group="Return type",
        json_key="",
        json_symbols=True,
    ),
    property_classes="supportmatrix.qnode.representatives:supported_classes",
    any_device=True,
)
FEATURES = Family(
    name="features",
    title="features",
    keypath=("features",),
    axis_names=FEATURE_AXIS_NAMES,
    known_values=KNOWN_FEATURE_AXIS_VALUES,
    make_cell=FeatureCell,
    stages=_TWO_STAGES,
    rule_fields=("expect", "warnings"),
    results_key="feature_cells",
    summary_key="feature_summary",
    marker="features",
    fixture="resolved_feature_cell",
    test_file="tests/test_features.py",
    timeout_seconds=60,
    runner="supportmatrix.features.runner:run_resolved",
    failure="supportmatrix.features.failure:failure_lines",
    reproduction="supportmatrix.features.failure:feature_snippet",
    oracle="supportmatrix.features.failure:oracle_lines",
    missing="supportmatrix.check.interfaces:missing_for_cell",
    table="docs/support-table.md",
    layout=TableLayout(
        sections=("device",),
        rows=("interface", "diff_method"),
        columns=("feature",),
        column_groups=FEATURE_GROUPS,
        paired="shots",
        axis_texts=axis_texts(*FEATURE_AXIS_NAMES),
        markdown=FEATURES_MARKDOWN,
        rst=FEATURES_RST,
        json_key="features",
    ),
    has_not_applicable=True,
    property_classes="supportmatrix.features.representatives:supported_feature_classes",
    any_device=True,
)
HYBRID = Family(
    name="hybrid",
    title="hybrid",
    keypath=("hybrid",),
    axis_names=HYBRID_AXIS_NAMES,
    known_values=KNOWN_HYBRID_AXIS_VALUES,
    make_cell=HybridCell,
    stages=tuple(s.value for s in Stage),
    rule_fields=("expect", "warnings", "training"),
    results_key="hybrid_cells",
    summary_key="hybrid_summary",
    marker="hybrid",
    fixture="resolved_hybrid_cell",
    test_file="tests/test_hybrid.py",
    # Hybrid cells train; a process's first Keras cell also starts its backend worker
    # (Keras, the backend and PennyLane imported), up to 50 s on a loaded 2-core machine.
    timeout_seconds=300,
    runner="supportmatrix.hybrid.runner:run_resolved",
    failure="supportmatrix.hybrid.failure:failure_lines",
    missing="supportmatrix.hybrid.runner:missing_for_cell",
    table="docs/support-table.md",
    # Not in ``render --format json`` (json_key None): its cells are in the results files.
    layout=TableLayout(
        sections=(),
        rows=("layer", "device"),
        columns=("diff_method",),
        axis_texts=axis_texts(*HYBRID_AXIS_NAMES),
        markdown=HYBRID_MARKDOWN,
        rst=HYBRID_RST,
        extra_symbols=("training-raises", "save-raises"),
    ),
    counts_shot_checks=False,
)
QJIT = Family(
    name="qjit",
    title="Catalyst",
    keypath=("qjit",),
    axis_names=QJIT_AXIS_NAMES,
    known_values=KNOWN_QJIT_AXIS_VALUES,
    make_cell=QjitCell,
    stages=_TWO_STAGES,
    rule_fields=("expect", "warnings"),
    results_key="qjit_cells",
    summary_key="qjit_summary",
    marker="qjit",
    fixture="resolved_qjit_cell",
    test_file="tests/test_qjit.py",
    # Two programs compiled (under a second each); a process's first cell also imports
    # jax, PennyLane and Catalyst (about 10 s on a loaded machine).
    timeout_seconds=120,
    runner="supportmatrix.qjit.runner:run_resolved",
    failure="supportmatrix.qjit.failure:failure_lines",
    reproduction="supportmatrix.qjit.programs:reproduction_snippet",
    oracle="supportmatrix.qjit.failure:oracle_lines",
    missing="supportmatrix.qjit.runner:missing_for_cell",
    table="docs/qjit-table.md",
    layout=TableLayout(
        sections=("device",),
        rows=("diff_method", "grad_function", "method"),
        columns=("measurement", "derivative"),
        paired="shots",
        axis_texts=axis_texts(*QJIT_AXIS_NAMES),
        markdown=QJIT_MARKDOWN,
        rst=QJIT_RST,
        json_key="qjit",
    ),
    runs_by_default=False,  # about 0.6 s a cell: --qjit or -m qjit
)

#: Every family, in the order stages report them.
FAMILIES: tuple[Family, ...] = (QNODE, HYBRID, QJIT, FEATURES)
#: The family declared at the top level of a matrix file, which every file has.
TOP_LEVEL = next(family for family in FAMILIES if not family.keypath)
_BY_NAME = {family.name: family for family in FAMILIES}
_BY_CELL_TYPE = {family.make_cell: family for family in FAMILIES}


def family_named(name: str) -> Family:
    """The family called ``name``; a `KeyError` lists the known names."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown family {name!r}; known: {', '.join(_BY_NAME)}") from None


def family_of(cell: object) -> Family:
    """The family a cell belongs to, by its type."""
    return _BY_CELL_TYPE[type(cell)]


def families_on(page: TablePage) -> tuple[Family, ...]:
    """The families whose tables go on ``page``, in registry order."""
    return tuple(family for family in FAMILIES if family.table == page.path)
