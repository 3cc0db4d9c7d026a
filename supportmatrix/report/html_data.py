"""The HTML report's data: every cell of every family of the registry as one JSON document the page renders.

`declared_page` builds it from a loaded `Matrix`, `results_page` from one results document
and `drift_page` from two (the drift, grouped by `release.drift.compare`). The page learns
each family (`families.FAMILIES`) from the data: its title, axes and table layout, so it
draws any family the same way. Each cell carries its axis values, its declaration (a
not-applicable cell: the reason instead), one view per results side (none, one or two),
the outcome it is drawn with, and how to reproduce it. Strings, declarations and snippet
lines repeat across thousands of cells, so each is stored once in a table and referred to
by index; the page's script resolves them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from supportmatrix.check.failure import rerun_command
from supportmatrix.matrix.families import FAMILIES, Family
from supportmatrix.matrix.model import Expectation, Matrix
from supportmatrix.release.codec import CellRecord, Observation
from supportmatrix.release.drift import GROUPS, compare, side_from_results, versions_label
from supportmatrix.release.results import not_applicable_key, packages_of
from supportmatrix.report.html_marks import NOT_APPLICABLE_KEY, legend
from supportmatrix.report.vocabulary import (
    AXIS_VALUE_LABELS,
    footnote_text,
    note_text,
    shown,
    shown_for,
    with_code,
)

#: `footnote_text` marks code (class names, regexes) with these two characters, which no
#: message or note contains; the page turns each marked span into a <code> element, so the
#: text stays exact without escaping rules of its own.
CODE_OPEN, CODE_CLOSE = "\x1e", "\x1f"

#: A family's cells as a page draws them: the cells with their declaration and records
#: (none, or one per results side), and the cells declared not applicable with their note.
Drawn = tuple[list[tuple[Any, Expectation, list[CellRecord | None]]], list[tuple[Any, str]]]


def declared_page(matrix: Matrix, *, versions: Mapping[str, str | None]) -> dict[str, Any]:
    """The page for what ``matrix`` declares, resolved for ``versions``: every family it declares."""
    page = _Page(matrix.notes, mode="declared", title=f"Declared: {matrix.path}")
    page.sources.append(
        {
            "label": f"declared {matrix.path} for {versions_label(dict(versions))}",
            "environment": {"packages": dict(versions)},
        }
    )
    for family in FAMILIES:
        cells = matrix.family(family.name)
        page.add_family(
            family,
            cells.axes,
            (
                [(rc.cell, rc.expectation, []) for rc in cells.cells],
                [(na.cell, na.note) for na in cells.not_applicable],
            ),
        )
    return page.data()


def results_page(document: dict[str, Any], *, source: str) -> dict[str, Any]:
    """The page for what one results document observed: every family it holds records of."""
    page = _Page(document["matrix"]["notes"], mode="observed", title=f"Observed: {source}")
    page.add_source(document, source)
    for family in FAMILIES:
        records = _records(document, family)
        page.add_family(
            family,
            _axes(family, [document]),
            ([(r.cell, r.declared, [r]) for r in records], _not_applicable(family, [document])),
        )
    return page.data()


def drift_page(
    old: dict[str, Any], new: dict[str, Any], *, old_source: str, new_source: str
) -> dict[str, Any]:
    """The page for the drift from ``old`` to ``new``: the new observations drawn, both sides
    kept per cell, changed cells grouped as ``supportmatrix diff`` groups them."""
    drift = compare(side_from_results(old, source=old_source), side_from_results(new, source=new_source))
    page = _Page(
        {**old["matrix"]["notes"], **new["matrix"]["notes"]},
        mode="drift",
        title=f"Drift: {old_source} → {new_source}",
    )
    page.add_source(old, old_source)
    page.add_source(new, new_source)
    for key, _, _ in GROUPS:
        for change in drift.groups[key]:
            page.groups.setdefault(change.cell_id, []).append(key)
    for family in FAMILIES:
        olds = {r.id: r for r in _records(old, family)}
        news = {r.id: r for r in _records(new, family)}
        order = list(news) + [cid for cid in olds if cid not in news]
        cells = []
        for cell_id in order:
            a, b = olds.get(cell_id), news.get(cell_id)
            drawn = b or a
            assert drawn is not None
            cells.append((drawn.cell, drawn.declared, [a, b]))
        page.add_family(family, _axes(family, [new, old]), (cells, _not_applicable(family, [new, old])))
    page.drift = {
        "compared": drift.compared,
        "changed": drift.changed_cells,
        "regressions": drift.regressions,
        "not_compared": len(drift.not_compared),
        "groups": [
            {
                "key": key,
                "heading": heading,
                "regression": regression,
                "changes": [
                    {"id": c.cell_id, "old": c.old, "new": c.new, "tag": c.tag()} for c in drift.groups[key]
                ],
            }
            for key, heading, regression in GROUPS
        ],
    }
    return page.data()


def shown_outcome(records: Sequence[CellRecord | None], declared: Expectation) -> str:
    """The key a cell is drawn with (a `vocabulary.Shown` value, as in the tables): its
    newest side's observation (or status), or, with no results side at all, its declaration."""
    if not records:
        return shown(declared).value
    newest = records[-1]
    if newest is None:
        return "absent"
    if newest.observation is None:
        return newest.status
    observed = newest.observation.observed
    return shown_for(observed.outcome, None if observed.error is None else observed.error.stage).value


class _Page:
    """Collects the page's tables and cells; `data` is the JSON document."""

    def __init__(self, notes: Mapping[str, str], *, mode: str, title: str) -> None:
        self.notes = dict(notes)
        self.mode, self.title = mode, title
        self.strings: dict[str, int] = {}
        self.expectations: dict[Expectation, int] = {}
        self.lines: dict[str, int] = {}
        self.sources: list[dict[str, Any]] = []
        self.cells: list[dict[str, Any]] = []
        self.families: dict[str, dict[str, Any]] = {}
        self.axis_titles: dict[str, str] = {}
        self.labels: dict[str, dict[str, str]] = {}
        #: Each changed cell's drift groups, by id (drift pages).
        self.groups: dict[str, list[str]] = {}
        self.drift: dict[str, Any] | None = None

    def add_source(self, document: dict[str, Any], source: str) -> None:
        self.sources.append(
            {
                "label": f"{source} ({versions_label(packages_of(document))})",
                "environment": document["environment"],
            }
        )

    def add_family(self, family: Family, axes: Mapping[str, Sequence[object]], drawn: Drawn) -> None:
        """A family's table and cells; a family with no cell here has no table."""
        cells, not_applicable = drawn
        if not cells and not not_applicable:
            return
        values = {axis: list(axes.get(axis, ())) for axis in family.axis_names}
        layout = family.layout
        self.families[family.name] = {
            "title": family.title,
            "axes": {axis: [_key(v) for v in vs] for axis, vs in values.items()},
            "layout": {
                "sections": list(layout.sections),
                "rows": list(layout.rows),
                "columns": list(layout.columns),
                "paired": layout.paired,
            },
            "count": len(cells),
            "not_applicable": len(not_applicable),
        }
        for axis, vs in values.items():
            self.axis_titles[axis] = axis.replace("_", " ").capitalize()
            labels = self.labels.setdefault(axis, {})
            for value in vs:
                label = _label(axis, value)
                if label != _key(value):
                    labels[_key(value)] = label
        snippet = family.load("reproduction") if family.reproduction else None
        for cell, declared, records in cells:
            entry = self._cell(family, cell, shown_outcome(records, declared))
            entry.update(
                {
                    "declared": self._expectation(declared),
                    "sides": [None if r is None else self._side(r) for r in records],
                    "groups": self.groups.get(cell.id, []),
                    "warns": bool(declared.warnings)
                    or any(
                        r is not None
                        and r.observation is not None
                        and any(w.pennylane for w in r.observation.warnings)
                        for r in records
                    ),
                }
            )
            if snippet is None:
                entry["command"] = rerun_command(family, cell)
            else:
                entry["snippet"] = [self._line(line) for line in snippet(cell).split("\n")]
        for cell, note in not_applicable:
            entry = self._cell(family, cell, NOT_APPLICABLE_KEY)
            entry.update(
                {
                    "declared": None,
                    "reason": self._s(self._note(note)),
                    "sides": [],
                    "groups": [],
                    "warns": False,
                }
            )

    def _cell(self, family: Family, cell: Any, drawn_as: str) -> dict[str, Any]:
        entry = {
            "id": cell.id,
            "family": family.name,
            "axes": [_key(cell.axis_value(axis)) for axis in family.axis_names],
            "shown": drawn_as,
        }
        self.cells.append(entry)
        return entry

    def data(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "mode": self.mode,
            "sources": self.sources,
            "legend": legend(),
            "families": self.families,
            "axis_titles": self.axis_titles,
            "labels": self.labels,
            "strings": list(self.strings),
            "expectations": [self._expectation_json(e) for e in self.expectations],
            "lines": list(self.lines),
            "cells": self.cells,
            "counts": {name: family["count"] for name, family in self.families.items()},
            "drift": self.drift,
        }

    # ------------------------------------------------------------------ tables of shared values

    def _s(self, text: str | None) -> int | None:
        if text is None:
            return None
        return self.strings.setdefault(text, len(self.strings))

    def _line(self, line: str) -> int:
        return self.lines.setdefault(line, len(self.lines))

    def _expectation(self, expectation: Expectation) -> int:
        return self.expectations.setdefault(expectation, len(self.expectations))

    def _note(self, key: str) -> str:
        try:
            return with_code(note_text(key, self.notes), _code)
        except ValueError as exc:  # a note the document does not define: say so
            return str(exc)

    def _expectation_json(self, e: Expectation) -> dict[str, Any]:
        try:
            text = footnote_text(e, self.notes, code=_code)
        except ValueError as exc:  # a note the document does not define: say so, keep the rest
            text = f"{exc}. {e.describe()}"
        return {"outcome": e.outcome.value, "describe": e.describe(), "text": text}

    def _side(self, record: CellRecord) -> dict[str, Any]:
        side: dict[str, Any] = {
            "status": record.status,
            "declared": self._expectation(record.declared),
            "problems": [self._s(p) for p in record.problems],
            "reason": self._s(record.reason),
            "seconds": record.seconds,
            "target": None if record.training_target is None else record.training_target.describe(),
            "observed": None if record.observation is None else self._observation(record.observation),
        }
        return side

    def _observation(self, o: Observation) -> dict[str, Any]:
        error = o.observed.error
        return {
            "outcome": o.observed.outcome.value,
            "detail": self._s(o.detail),
            "error": None
            if error is None
            else {
                "class": self._s(error.cls),
                "module": self._s(error.module),
                "message": self._s(error.message),
                "stage": error.stage.value,
            },
            "warnings": [
                {"category": self._s(w.category), "message": self._s(w.message), "pennylane": w.pennylane}
                for w in o.warnings
            ],
            "checks": [
                {
                    "what": self._s(c.what),
                    "criterion": self._s(c.criterion),
                    "passed": c.passed,
                    "abs": c.max_abs_error,
                    "rel": c.max_rel_error,
                    "ratio": c.error_to_tolerance,
                }
                for c in o.checks
            ],
            "method": o.resolved_method,
            "training": None if o.training is None else o.training.describe(),
        }


def _code(text: str) -> str:
    return f"{CODE_OPEN}{text}{CODE_CLOSE}"


def _key(value: object) -> str:
    """An axis value as the page names it: ``None`` shots are "analytic"."""
    return "analytic" if value is None else str(value)


def _label(axis: str, value: object) -> str:
    """How a header names an axis value: "shots=100", a measurement's or layer's label."""
    if axis == "shots" and value is not None:
        return f"shots={value}"
    return AXIS_VALUE_LABELS.get(axis, {}).get(_key(value), _key(value)).replace("`", "")


def _records(document: dict[str, Any], family: Family) -> list[CellRecord]:
    return [CellRecord.from_json(r) for r in document.get(family.results_key, ())]


def _not_applicable(family: Family, documents: Sequence[dict[str, Any]]) -> list[tuple[Any, str]]:
    """The cells the documents list as not applicable, each once (the first document's first)."""
    found: dict[str, tuple[Any, str]] = {}
    for document in documents:
        for item in document.get(not_applicable_key(family), ()):
            cell = family.make_cell(*(item["axes"][axis] for axis in family.axis_names))
            found.setdefault(item["id"], (cell, item["note"]))
    return list(found.values())


def _axes(family: Family, documents: Sequence[dict[str, Any]]) -> dict[str, list[object]]:
    """A family's axis values in the documents: those a document's ``matrix.axes`` lists when
    they are this family's (the top level's), then those its records and not-applicable
    cells show, in file order, which is the declared order; the first document's first."""
    values: dict[str, dict[object, None]] = {axis: {} for axis in family.axis_names}
    for document in documents:
        declared = document["matrix"]["axes"]
        if tuple(declared) == family.axis_names:
            for axis in family.axis_names:
                values[axis].update(dict.fromkeys(declared[axis]))
        items = [*document.get(family.results_key, ()), *document.get(not_applicable_key(family), ())]
        for item in items:
            for axis in family.axis_names:
                values[axis][item["axes"][axis]] = None
    return {axis: list(vs) for axis, vs in values.items()}
