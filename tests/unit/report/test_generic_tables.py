"""The table writers draw any family from its registry entry: a made-up fifth family, with
its own axes, layout and prose, gets its own section, rows and columns in Markdown, RST and
JSON without a line of report code knowing it."""

from __future__ import annotations

import dataclasses
import io
import itertools
import json
import re

import pytest
from docutils.core import publish_doctree
from docutils.parsers.rst import directives
from docutils.parsers.rst.directives.misc import Class

from supportmatrix.matrix import families
from supportmatrix.matrix.families import QNODE, AxisText, TableLayout, TableTexts
from supportmatrix.matrix.model import (
    Decision,
    ErrorSpec,
    Expectation,
    FamilyCells,
    Matrix,
    Outcome,
    ResolvedCell,
    Stage,
)
from supportmatrix.report.json_table import render_json
from supportmatrix.report.markdown import render_markdown
from supportmatrix.report.rst import render_rst


@dataclasses.dataclass(frozen=True)
class OrchardCell:
    """A made-up family's cell: a fruit picked in an orchard, at a ripeness, in a batch."""

    orchard: str
    fruit: str
    ripeness: str
    batch: int

    @property
    def id(self) -> str:
        return f"{self.orchard}-{self.fruit}-{self.ripeness}-{self.batch}"

    def axis_value(self, axis: str) -> object:
        return getattr(self, axis)


ORCHARD = dataclasses.replace(
    QNODE,
    name="orchard",
    title="Orchard",
    keypath=("orchard",),
    make_cell=OrchardCell,
    axis_names=("orchard", "fruit", "ripeness", "batch"),
    results_key="orchard_cells",
    table=families.PAGES[0].path,
    layout=TableLayout(
        sections=("orchard",),
        rows=("fruit",),
        columns=("ripeness",),
        paired="batch",
        axis_texts={
            "fruit": AxisText(header="Fruit", code=False, labels={"fig": "`Ficus`"}),
            "ripeness": AxisText(template="{}!"),
            "batch": AxisText(template="batch={}"),
        },
        markdown=TableTexts(
            intro="## Orchards\n\nMade-up cells. {paired}", heading="### Picked in {orchard}"
        ),
        rst=TableTexts(intro="Orchards\n^^^^^^^^", heading="Picked in {orchard}", underline="~"),
        json_key="orchards",
    ),
)
AXES: dict[str, tuple[object, ...]] = {
    "orchard": ("north", "south"),
    "fruit": ("apple", "fig"),
    "ripeness": ("green", "ripe"),
    "batch": (1, 2),
}
BROKEN = Expectation(Outcome.ERRORS, ErrorSpec("ValueError", re.compile("rot"), Stage.FORWARD))


def _expectation(cell: OrchardCell) -> Expectation:
    return BROKEN if (cell.fruit, cell.batch) == ("fig", 2) else Expectation(Outcome.SUPPORTED)


def _matrix() -> Matrix:
    cells = tuple(
        ResolvedCell(cell, _expectation(cell), decisions=(Decision("expect", 3),))
        for cell in itertools.starmap(OrchardCell, itertools.product(*AXES.values()))
    )
    return Matrix(path="matrix.yaml", notes={}, families={"orchard": FamilyCells(AXES, cells)})


@pytest.fixture(autouse=True)
def _registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(families, "FAMILIES", (*families.FAMILIES, ORCHARD))


def test_markdown_draws_a_new_family_from_its_layout() -> None:
    text = render_markdown(_matrix())
    orchards = text.split("## Orchards\n\n", 1)[1]
    assert orchards.startswith(
        "Made-up cells. Where a cell shows two entries, the first is `batch=1` and the second "
        "`batch=2`; a single entry holds for both.\n\n### Picked in north\n\n"
        "| Fruit | `green!` | `ripe!` |\n| --- | --- | --- |\n| apple | ✅ | ✅ |\n"
        "| `Ficus` | ✅ / ❌ 1 | ✅ / ❌ 1 |\n\nReasons:\n\n"
        "1. No reason given in the matrix: the forward pass raises `ValueError`.\n\n"
        "### Picked in south\n\n"
    )


def test_rst_draws_a_new_family_as_a_valid_grid_table() -> None:
    text = render_rst(_matrix())
    orchards = text.split("Orchards\n^^^^^^^^\n\n", 1)[1]
    assert orchards.startswith(
        "Picked in north\n~~~~~~~~~~~~~~~\n\n.. raw:: html\n\n"
    )  # the page's one style block
    assert (
        ".. rst-class:: tb\n\n"
        "+----------+----------------+----------------+\n"
        "| **Fruit**| ``green!``     | ``ripe!``      |\n"
        "+==========+================+================+\n"
        "| apple    | :gr:`✅`       | :gr:`✅`       |\n"
        "+----------+----------------+----------------+\n"
        "| ``Ficus``| :rd:`✅ / ❌ 1`| :rd:`✅ / ❌ 1`|\n"
        "+----------+----------------+----------------+\n\n"
        "Reasons:\n\n1. No reason given in the matrix: the forward pass raises ``ValueError``."
        "\n\nPicked in south\n~~~~~~~~~~~~~~~\n\n.. rst-class:: tb\n\n"
    ) in orchards
    directives.register_directive("rst-class", Class)
    errors = io.StringIO()
    publish_doctree(text, settings_overrides={"warning_stream": errors, "report_level": 2})
    assert errors.getvalue() == ""


def test_json_lists_a_new_family_under_its_key() -> None:
    document = json.loads(render_json(_matrix()))
    assert document["orchards"]["axes"] == {
        "orchard": ["north", "south"],
        "fruit": ["apple", "fig"],
        "ripeness": ["green", "ripe"],
        "batch": [1, 2],
    }
    first = document["orchards"]["cells"][0]
    assert first["id"] == "north-apple-green-1"
    assert {k: first[k] for k in ORCHARD.axis_names} == {
        "orchard": "north",
        "fruit": "apple",
        "ripeness": "green",
        "batch": 1,
    }
    assert first["rule_lines"] == [3]


def test_a_missing_cell_of_a_new_family_is_named() -> None:
    matrix = _matrix()
    cells = matrix.family("orchard")
    broken = Matrix(matrix.path, {}, {"orchard": FamilyCells(cells.axes, cells.cells[1:])})
    with pytest.raises(ValueError, match="north-apple-green-1"):
        render_markdown(broken)


def _grouped(monkeypatch: pytest.MonkeyPatch, groups: dict[str, tuple[str, ...]]) -> None:
    layout = dataclasses.replace(
        ORCHARD.layout,
        column_groups=groups,
        markdown=dataclasses.replace(ORCHARD.layout.markdown, heading="### Picked in {orchard}: {group}"),
    )
    monkeypatch.setattr(
        families, "FAMILIES", (*families.FAMILIES[:-1], dataclasses.replace(ORCHARD, layout=layout))
    )


def test_column_groups_draw_a_table_each_with_its_own_reasons(monkeypatch: pytest.MonkeyPatch) -> None:
    _grouped(monkeypatch, {"unripe": ("green",), "ripe ones": ("ripe",)})
    text = render_markdown(_matrix())
    headings = re.findall(r"^### .*$", text, flags=re.M)
    assert headings == [
        "### Picked in north: unripe",
        "### Picked in north: ripe ones",
        "### Picked in south: unripe",
        "### Picked in south: ripe ones",
    ]
    north_ripe = text.split("### Picked in north: ripe ones\n\n", 1)[1].split("###", 1)[0]
    # Only its own column, and its reasons numbered from 1 again.
    assert north_ripe.startswith(
        "| Fruit | `ripe!` |\n| --- | --- |\n| apple | ✅ |\n| `Ficus` | ✅ / ❌ 1 |\n"
    )
    assert "1. No reason given" in north_ripe
    assert render_rst(_matrix()).count(".. rst-class:: tb") == 4


def test_a_group_with_no_column_of_the_file_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    _grouped(monkeypatch, {"unripe": ("green",), "ripe ones": ("ripe",), "rotten": ("rotten",)})
    assert "rotten" not in render_markdown(_matrix())


def test_a_column_in_no_group_is_an_error_not_a_column_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    _grouped(monkeypatch, {"unripe": ("green",)})
    with pytest.raises(ValueError, match="ripeness values in no column group: ripe"):
        render_markdown(_matrix())
