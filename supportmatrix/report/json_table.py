"""The resolved matrix as JSON, for tools: axes, notes and every cell's expectation."""

from __future__ import annotations

import json

from supportmatrix.matrix.model import Matrix, ResolvedCell
from supportmatrix.report.vocabulary import note_text


def render_json(matrix: Matrix) -> str:
    """Return the matrix as JSON for tools: axes, notes and every resolved cell, in file order."""
    document = {
        "schema_version": 1,
        "matrix": matrix.path,
        "axes": {axis: list(values) for axis, values in matrix.axes.items()},
        "notes": dict(matrix.notes),
        "cells": [_cell_json(rc, matrix.notes) for rc in matrix.cells],
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def _cell_json(rc: ResolvedCell, notes: dict[str, str]) -> dict[str, object]:
    cell, expectation = rc.cell, rc.expectation
    return {
        "id": cell.id,
        "device": cell.device,
        "interface": cell.interface,
        "diff_method": cell.diff_method,
        "measurement": cell.measurement,
        "shots": cell.shots,
        "expect": {
            **expectation.to_json(),
            "note_text": None if expectation.note is None else note_text(expectation.note, notes),
        },
        "rule_lines": list(rc.rule_lines),
    }
