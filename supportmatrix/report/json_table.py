"""The resolved matrix as JSON, for tools: axes, notes and every cell's expectation.

Each cell's ``expect`` holds its declaration (``to_json``), the note's text, and what the
tables show: ``symbol`` and ``reason``, the footnote text (with Markdown code spans). The
Catalyst (``qjit:``) and features (``features:``) cells come under their own keys; the
features cells declared not applicable under ``features.not_applicable``, with their note.
"""

from __future__ import annotations

import json

from supportmatrix.matrix.model import FeatureCell, Matrix, ResolvedCell
from supportmatrix.report.vocabulary import footnote_text, note_text, symbol


def render_json(matrix: Matrix) -> str:
    """Return the matrix as JSON for tools: axes, notes and every resolved cell, in file order."""
    document = {
        "schema_version": 1,
        "matrix": matrix.path,
        "axes": {axis: list(values) for axis, values in matrix.family("qnode").axes.items()},
        "notes": dict(matrix.notes),
        "cells": [_cell_json(rc, matrix.notes) for rc in matrix.family("qnode").cells],
    }
    if matrix.family("qjit").cells:
        document["qjit"] = _qjit_json(matrix)
    if matrix.family("features").cells:
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
            "symbol": symbol(expectation),
            "reason": footnote_text(expectation, notes, code=_backticks),
        },
        "rule_lines": list(rc.rule_lines),
    }


def _backticks(text: str) -> str:
    return f"`{text}`"


# --------------------------------------------------------------------------- the qjit family


def _qjit_json(matrix: Matrix) -> dict[str, object]:
    """The Catalyst family (``qjit:``): its axes and every cell's expectation, in file order."""

    def cell_json(rc: ResolvedCell) -> dict[str, object]:
        cell, expectation = rc.cell, rc.expectation
        note = None if expectation.note is None else note_text(expectation.note, matrix.notes)
        return {"id": cell.id, "device": cell.device, "diff_method": cell.diff_method,
                "grad_function": cell.grad_function, "method": cell.method,
                "measurement": cell.measurement, "shots": cell.shots,
                "derivative": cell.derivative,
                "expect": {**expectation.to_json(), "note_text": note},
                "rule_lines": list(rc.rule_lines)}

    return {"axes": {axis: list(values) for axis, values in matrix.family("qjit").axes.items()},
            "cells": [cell_json(rc) for rc in matrix.family("qjit").cells]}


# --------------------------------------------------------------------------- features family


def _features_json(matrix: Matrix) -> dict[str, object]:
    """The features family: its axes and every resolved cell, in file order."""
    return {
        "axes": {axis: list(values) for axis, values in matrix.family("features").axes.items()},
        "cells": [_feature_cell_json(rc, matrix.notes) for rc in matrix.family("features").cells],
        "not_applicable": [{**axes_of(na.cell), "note": na.note,
                            "note_text": note_text(na.note, matrix.notes), "line": na.line}
                           for na in matrix.family("features").not_applicable],
    }


def axes_of(cell: FeatureCell) -> dict[str, object]:
    """A features cell's id and axis values."""
    return {"id": cell.id, "device": cell.device, "interface": cell.interface,
            "diff_method": cell.diff_method, "feature": cell.feature, "shots": cell.shots}


def _feature_cell_json(rc: ResolvedCell, notes: dict[str, str]) -> dict[str, object]:
    cell, expectation = rc.cell, rc.expectation
    return {
        **axes_of(cell),
        "expect": {
            **expectation.to_json(),
            "note_text": None if expectation.note is None else note_text(expectation.note, notes),
        },
        "rule_lines": list(rc.rule_lines),
    }
