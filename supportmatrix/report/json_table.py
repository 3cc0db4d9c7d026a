"""The resolved matrix as JSON, for tools: axes, notes and every cell's expectation.

Each cell's ``expect`` holds its declaration (``to_json``), the note's text, and what the
tables show: ``symbol`` and ``reason``, the footnote text (with Markdown code spans).
"""

from __future__ import annotations

import json

from supportmatrix.matrix.model import Matrix, ResolvedCell
from supportmatrix.report.vocabulary import footnote_text, note_text, symbol


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
            "symbol": symbol(expectation),
            "reason": footnote_text(expectation, notes, code=_backticks),
        },
        "rule_lines": list(rc.rule_lines),
    }


def _backticks(text: str) -> str:
    return f"`{text}`"
