"""The resolved matrix as JSON, for tools: axes, notes and every cell's expectation, of every family."""

from __future__ import annotations

import json

from supportmatrix.matrix.model import Matrix, ResolvedCell, ResolvedFeatureCell
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
    if matrix.feature_cells:
        document["features"] = _features_json(matrix)
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


def _features_json(matrix: Matrix) -> dict[str, object]:
    """The features family: its axes and every resolved cell, in file order."""
    return {
        "axes": {axis: list(values) for axis, values in matrix.feature_axes.items()},
        "cells": [_feature_cell_json(rc, matrix.notes) for rc in matrix.feature_cells],
    }


def _feature_cell_json(rc: ResolvedFeatureCell, notes: dict[str, str]) -> dict[str, object]:
    cell, expectation = rc.cell, rc.expectation
    return {
        "id": cell.id,
        "device": cell.device,
        "interface": cell.interface,
        "diff_method": cell.diff_method,
        "feature": cell.feature,
        "shots": cell.shots,
        "expect": {
            **expectation.to_json(),
            "note_text": None if expectation.note is None else note_text(expectation.note, notes),
        },
        "rule_lines": list(rc.rule_lines),
    }
