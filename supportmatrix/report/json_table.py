"""The resolved matrix as JSON, for tools: axes, notes and every cell's expectation.

The top-level family's axes and cells are the document's own; each other family with a
`TableLayout.json_key` comes under that key, with its axes, its cells and, when it has
them, the cells declared not applicable with their note. Each cell's ``expect`` holds its
declaration (``to_json``) and the note's text; with `TableLayout.json_symbols` also what the
tables show: ``symbol`` and ``reason``, the footnote text (with Markdown code spans).
"""

from __future__ import annotations

import json
from typing import Any

from supportmatrix.matrix import families as registry  # FAMILIES read when drawing
from supportmatrix.matrix.families import Family
from supportmatrix.matrix.model import FamilyCells, Matrix, NotApplicableCell, ResolvedCell
from supportmatrix.report.vocabulary import footnote_text, note_text, symbol


def render_json(matrix: Matrix) -> str:
    """Return the matrix as JSON for tools: axes, notes and every resolved cell, in file order."""
    document: dict[str, object] = {"schema_version": 1, "matrix": matrix.path}
    for family in registry.FAMILIES:
        key, cells = family.layout.json_key, matrix.family(family.name)
        if key == "":
            document |= {
                "axes": _axes(cells),
                "notes": dict(matrix.notes),
                "cells": [_cell_json(family, rc, matrix.notes) for rc in cells.cells],
            }
        elif key is not None and cells.cells:
            document[key] = _family_json(family, cells, matrix.notes)
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def _axes(cells: FamilyCells) -> dict[str, list[object]]:
    return {axis: list(values) for axis, values in cells.axes.items()}


def _family_json(family: Family, cells: FamilyCells, notes: dict[str, str]) -> dict[str, object]:
    """A family's axes and every resolved cell, in file order (and those not applicable)."""
    document: dict[str, object] = {
        "axes": _axes(cells),
        "cells": [_cell_json(family, rc, notes) for rc in cells.cells],
    }
    if family.has_not_applicable:
        document["not_applicable"] = [_not_applicable_json(family, na, notes) for na in cells.not_applicable]
    return document


def _axis_values(family: Family, cell: Any) -> dict[str, object]:
    """A cell's id and axis values, in the family's axis order."""
    return {"id": cell.id, **{axis: cell.axis_value(axis) for axis in family.axis_names}}


def _cell_json(family: Family, rc: ResolvedCell, notes: dict[str, str]) -> dict[str, object]:
    expectation = rc.expectation
    expect: dict[str, object] = {
        **expectation.to_json(),
        "note_text": None if expectation.note is None else note_text(expectation.note, notes),
    }
    if family.layout.json_symbols:
        expect |= {
            "symbol": symbol(expectation),
            "reason": footnote_text(expectation, notes, code=_backticks),
        }
    return {**_axis_values(family, rc.cell), "expect": expect, "rule_lines": list(rc.rule_lines)}


def _not_applicable_json(family: Family, na: NotApplicableCell, notes: dict[str, str]) -> dict[str, object]:
    return {
        **_axis_values(family, na.cell),
        "note": na.note,
        "note_text": note_text(na.note, notes),
        "line": na.line,
    }


def _backticks(text: str) -> str:
    return f"`{text}`"
