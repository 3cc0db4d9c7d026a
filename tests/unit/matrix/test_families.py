"""The family registry: every entry complete and consistent, and every stage reading it."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from supportmatrix.matrix.families import (
    FAMILIES,
    PAGES,
    TOP_LEVEL,
    Family,
    families_on,
    family_named,
    family_of,
)
from supportmatrix.report.vocabulary import Shown

ROOT = Path(__file__).resolve().parents[3]

NAMES = [family.name for family in FAMILIES]


@pytest.mark.parametrize(
    "field",
    ["name", "keypath", "results_key", "summary_key", "marker", "fixture", "test_file", "runner", "failure"],
)
def test_what_identifies_a_family_is_unique(field: str) -> None:
    values = [getattr(family, field) for family in FAMILIES]
    assert len(set(values)) == len(values), f"two families share {field}: {values}"


def test_exactly_one_family_is_declared_at_the_top_level() -> None:
    assert [f.name for f in FAMILIES if not f.keypath] == [TOP_LEVEL.name]


@pytest.mark.parametrize("family", FAMILIES, ids=NAMES)
def test_the_table_layout_places_every_axis_once(family: Family) -> None:
    layout = family.layout
    placed = [*layout.sections, *layout.rows, *layout.columns, *([layout.paired] if layout.paired else [])]
    assert sorted(placed) == sorted(family.axis_names)
    assert len(placed) == len(set(placed))


@pytest.mark.parametrize("family", FAMILIES, ids=NAMES)
@pytest.mark.parametrize("reference", ["runner", "failure", "missing"])
def test_every_reference_names_a_function_of_the_families_own_code(family: Family, reference: str) -> None:
    function = family.load(reference)
    assert callable(function)
    module = getattr(family, reference).partition(":")[0]
    # The runner and the failure text are the family's own; `missing` may be shared.
    if reference != "missing":
        assert module.split(".")[1] == family.name, module


@pytest.mark.parametrize("family", [f for f in FAMILIES if f.reproduction], ids=lambda f: f.name)
def test_a_reproduction_rebuilds_a_cell_without_a_run(family: Family) -> None:
    values = [family.known_values.get(axis, (None,))[0] for axis in family.axis_names]
    snippet = family.load("reproduction")(family.make_cell(*values))
    assert "import pennylane as qml" in snippet


@pytest.mark.parametrize("family", FAMILIES, ids=NAMES)
def test_a_cell_knows_its_family(family: Family) -> None:
    values = [family.known_values.get(axis, (None,))[0] for axis in family.axis_names]
    cell = family.make_cell(*values)
    assert family_of(cell) is family
    assert [cell.axis_value(axis) for axis in family.axis_names] == values


def test_an_unknown_family_name_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match="unknown family 'qnodes'; known: qnode, hybrid"):
        family_named("qnodes")


def test_the_registry_is_frozen_data() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        FAMILIES[0].name = "other"


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_every_family_is_written_out_and_goes_on_a_page(family: Family) -> None:
    layout = family.layout
    assert sorted(layout.axis_texts) == sorted(family.axis_names)
    assert family.table in {page.path for page in PAGES}
    assert all(isinstance(text.value_labels(), Mapping) for text in layout.axis_texts.values())
    assert {Shown(value) for value in layout.extra_symbols} <= set(Shown)


def test_every_page_has_distinct_format_names_and_a_family() -> None:
    names = [name for page in PAGES for name in page.formats]
    assert len(names) == len(set(names))
    assert all(families_on(page) for page in PAGES)


def test_the_registry_imports_neither_numpy_nor_a_yaml_parser() -> None:
    # The pytest plugin imports it in every session; labels that need numpy are references.
    code = (
        "import sys, supportmatrix.matrix.families; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'ruamel', 'yaml')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.stdout.strip() == "[]"
