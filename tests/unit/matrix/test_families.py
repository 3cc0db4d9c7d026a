"""The family registry: every entry complete and consistent, and every stage reading it."""

from __future__ import annotations

import dataclasses

import pytest

from supportmatrix.matrix.families import FAMILIES, TOP_LEVEL, Family, family_named, family_of

NAMES = [family.name for family in FAMILIES]


@pytest.mark.parametrize("field", ["name", "keypath", "results_key", "summary_key", "marker",
                                   "fixture", "test_file", "runner", "failure"])
def test_what_identifies_a_family_is_unique(field: str) -> None:
    values = [getattr(family, field) for family in FAMILIES]
    assert len(set(values)) == len(values), f"two families share {field}: {values}"


def test_exactly_one_family_is_declared_at_the_top_level() -> None:
    assert [f.name for f in FAMILIES if not f.keypath] == [TOP_LEVEL.name]


@pytest.mark.parametrize("family", FAMILIES, ids=NAMES)
def test_the_table_layout_places_every_axis_once(family: Family) -> None:
    layout = family.layout
    placed = [*layout.sections, *layout.rows, *layout.columns,
              *([layout.paired] if layout.paired else [])]
    assert sorted(placed) == sorted(family.axis_names)
    assert len(placed) == len(set(placed))


@pytest.mark.parametrize("family", FAMILIES, ids=NAMES)
@pytest.mark.parametrize("reference", ["runner", "failure", "missing"])
def test_every_reference_names_a_function_of_the_families_own_code(family: Family,
                                                                    reference: str) -> None:
    function = family.load(reference)
    assert callable(function)
    module = getattr(family, reference).partition(":")[0]
    # The runner and the failure text are the family's own; `missing` may be shared.
    if reference != "missing":
        assert module.split(".")[1] == family.name, module


@pytest.mark.parametrize("family", [f for f in FAMILIES if f.reproduction],
                         ids=lambda f: f.name)
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
        setattr(FAMILIES[0], "name", "other")
