"""The HTML report's data: every QNode and hybrid cell as one JSON document the page renders.

`declared_page` builds it from a loaded `Matrix`, `results_page` from one results document
and `drift_page` from two (the drift, grouped by `release.drift.compare`). Each cell
carries its axis values, its declaration, one view per results side (none, one or two),
the outcome it is drawn with, and how to reproduce it. Strings, declarations and snippet
lines repeat across thousands of cells, so each is stored once in a table and referred to
by index; the page's script resolves them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from supportmatrix.check.circuits import reproduction_snippet
from supportmatrix.hybrid.failure import rerun_command
from supportmatrix.matrix.axes import AXIS_NAMES, HYBRID_AXIS_NAMES
from supportmatrix.matrix.families import FAMILIES
from supportmatrix.matrix.model import QNodeCell, Expectation, HybridCell, Matrix
from supportmatrix.release.codec import (
    CellRecord, Observation, axes_json, records_of,
)
from supportmatrix.release.drift import GROUPS, compare, side_from_results, versions_label
from supportmatrix.release.results import packages_of
from supportmatrix.report.vocabulary import (
    HYBRID_LAYER_LABELS,
    LEGEND,
    MEASUREMENT_HEADERS,
    footnote_text,
    shown,
    shown_for,
)

#: What a cell is drawn as besides what the tables show: a run that did not observe it.
STATUS_KEYS: dict[str, tuple[str, str]] = {
    "skipped": ("⏭", "not run: a framework it needs is missing."),
    "crashed": ("💥", "the cell killed or hung its worker process."),
    "absent": ("·", "this results file has no record of the cell."),
}

#: `footnote_text` marks code (class names, regexes) with these two characters, which no
#: message or note contains; the page turns each marked span into a <code> element, so the
#: text stays exact without escaping rules of its own.
CODE_OPEN, CODE_CLOSE = "\x1e", "\x1f"


def declared_page(matrix: Matrix, *, versions: Mapping[str, str | None]) -> dict[str, Any]:
    """The page for what ``matrix`` declares, resolved for ``versions``."""
    page = _Page(matrix.notes, mode="declared", title=f"Declared: {matrix.path}")
    page.sources.append({"label": f"declared {matrix.path} for {versions_label(dict(versions))}",
                         "environment": {"packages": dict(versions)}})
    page.set_axes(matrix.family("qnode").axes, matrix.family("hybrid").axes)
    for rc in (*matrix.family("qnode").cells, *matrix.family("hybrid").cells):
        page.add_cell(rc.cell, rc.expectation, [])
    return page.data()


#: The families the page draws, by name; the features and Catalyst families have tables
#: of their own.
DRAWN_FAMILIES = ("qnode", "hybrid")


def drawn_part(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with only the records of the families the page draws, so that a run
    that also recorded other families is drawn (and its drift counted) for these."""
    dropped = {family.results_key for family in FAMILIES if family.name not in DRAWN_FAMILIES}
    return {k: v for k, v in document.items() if k not in dropped}


def results_page(document: dict[str, Any], *, source: str) -> dict[str, Any]:
    """The page for what one results document observed."""
    document = drawn_part(document)
    records = records_of(document)
    page = _Page(document["matrix"]["notes"], mode="observed", title=f"Observed: {source}")
    page.add_source(document, source)
    page.set_axes(_document_axes(document), _hybrid_axes(records))
    for record in records:
        page.add_cell(record.cell, record.declared, [record])
    return page.data()


def drift_page(old: dict[str, Any], new: dict[str, Any], *, old_source: str,
               new_source: str) -> dict[str, Any]:
    """The page for the drift from ``old`` to ``new``: the new observations drawn, both sides
    kept per cell, changed cells grouped as ``supportmatrix diff`` groups them."""
    old, new = drawn_part(old), drawn_part(new)
    drift = compare(side_from_results(old, source=old_source),
                    side_from_results(new, source=new_source))
    olds = {r.id: r for r in records_of(old)}
    news = {r.id: r for r in records_of(new)}
    page = _Page({**old["matrix"]["notes"], **new["matrix"]["notes"]}, mode="drift",
                 title=f"Drift: {old_source} → {new_source}")
    page.add_source(old, old_source)
    page.add_source(new, new_source)
    page.set_axes(_merged(_document_axes(new), _document_axes(old)),
                  _merged(_hybrid_axes(news.values()), _hybrid_axes(olds.values())))
    groups: dict[str, list[str]] = {}
    for key, _, _ in GROUPS:
        for change in drift.groups[key]:
            groups.setdefault(change.cell_id, []).append(key)
    order = list(news) + [cid for cid in olds if cid not in news]
    for cell_id in order:
        a, b = olds.get(cell_id), news.get(cell_id)
        shown = b or a
        assert shown is not None
        page.add_cell(shown.cell, shown.declared, [a, b], groups=groups.get(cell_id, ()))
    page.drift = {
        "compared": drift.compared,
        "changed": drift.changed_cells,
        "regressions": drift.regressions,
        "not_compared": len(drift.not_compared),
        "groups": [{"key": key, "heading": heading, "regression": regression,
                    "changes": [{"id": c.cell_id, "old": c.old, "new": c.new, "tag": c.tag()}
                                for c in drift.groups[key]]}
                   for key, heading, regression in GROUPS],
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
        self.drift: dict[str, Any] | None = None

    def add_source(self, document: dict[str, Any], source: str) -> None:
        self.sources.append({"label": f"{source} ({versions_label(packages_of(document))})",
                             "environment": document["environment"]})

    def set_axes(self, axes: Mapping[str, Sequence[object]],
                 hybrid_axes: Mapping[str, Sequence[object]]) -> None:
        self.families["qnode"] = {
            "axes": {name: [_key(v) for v in axes.get(name, ())] for name in AXIS_NAMES},
            "labels": {"measurement": {m: MEASUREMENT_HEADERS.get(m, m)
                                       for m in map(str, axes.get("measurement", ()))},
                       "shots": {_key(s): _shots_label(s) for s in axes.get("shots", ())}},
        }
        if hybrid_axes:
            self.families["hybrid"] = {
                "axes": {name: [_key(v) for v in hybrid_axes.get(name, ())]
                         for name in HYBRID_AXIS_NAMES},
                "labels": {"layer": {str(layer): HYBRID_LAYER_LABELS.get(str(layer), str(layer))
                                     .replace("`", "") for layer in hybrid_axes.get("layer", ())}},
            }

    def add_cell(self, cell: QNodeCell | HybridCell, declared: Expectation,
                 records: Sequence[CellRecord | None], *, groups: Iterable[str] = ()) -> None:
        hybrid = isinstance(cell, HybridCell)
        entry: dict[str, Any] = {
            "id": cell.id,
            "family": "hybrid" if hybrid else "qnode",
            "axes": [_key(v) for v in axes_json(cell).values()],
            "declared": self._expectation(declared),
            "shown": shown_outcome(records, declared),
            "sides": [None if r is None else self._side(r) for r in records],
            "groups": list(groups),
            "warns": bool(declared.warnings) or any(
                r is not None and r.observation is not None
                and any(w.pennylane for w in r.observation.warnings) for r in records),
        }
        if hybrid:
            entry["command"] = rerun_command(cell)  # type: ignore[arg-type]
        else:
            entry["snippet"] = [self._line(line) for line in
                                reproduction_snippet(cell).split("\n")]  # type: ignore[arg-type]
        self.cells.append(entry)

    def data(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "mode": self.mode,
            "sources": self.sources,
            "legend": [{"key": o.value, "symbol": sign.symbol, "meaning": sign.meaning}
                       for o, sign in LEGEND.items()]
                      + [{"key": k, "symbol": s, "meaning": m} for k, (s, m) in STATUS_KEYS.items()],
            "families": self.families,
            "strings": list(self.strings),
            "expectations": [self._expectation_json(e) for e in self.expectations],
            "lines": list(self.lines),
            "cells": self.cells,
            "counts": {family: sum(c["family"] == family for c in self.cells)
                       for family in ("qnode", "hybrid")},
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

    def _expectation_json(self, e: Expectation) -> dict[str, Any]:
        try:
            text = footnote_text(e, self.notes, code=lambda t: f"{CODE_OPEN}{t}{CODE_CLOSE}")
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
            "error": None if error is None else {
                "class": self._s(error.cls), "module": self._s(error.module),
                "message": self._s(error.message), "stage": error.stage.value},
            "warnings": [{"category": self._s(w.category), "message": self._s(w.message),
                          "pennylane": w.pennylane} for w in o.warnings],
            "checks": [{"what": self._s(c.what), "criterion": self._s(c.criterion),
                        "passed": c.passed, "abs": c.max_abs_error, "rel": c.max_rel_error,
                        "ratio": c.error_to_tolerance} for c in o.checks],
            "method": o.resolved_method,
            "training": None if o.training is None else o.training.describe(),
        }


def _key(value: object) -> str:
    """An axis value as the page names it: ``None`` shots are "analytic"."""
    return "analytic" if value is None else str(value)


def _shots_label(shots: object) -> str:
    return "analytic" if shots is None else f"shots={shots}"


def _document_axes(document: dict[str, Any]) -> dict[str, list[object]]:
    return {name: list(values) for name, values in document["matrix"]["axes"].items()}


def _hybrid_axes(records: Iterable[CellRecord]) -> dict[str, list[object]]:
    # A results document keeps no hybrid axes; its hybrid cells come in matrix order, so
    # each axis's values appear in the declared order.
    axes: dict[str, dict[object, None]] = {}
    for record in records:
        if isinstance(record.cell, HybridCell):
            for name, value in axes_json(record.cell).items():
                axes.setdefault(name, {})[value] = None
    return {name: list(values) for name, values in axes.items()}


def _merged(first: Mapping[str, Sequence[object]],
            second: Mapping[str, Sequence[object]]) -> dict[str, list[object]]:
    """Axis values of both sides: the first side's order, then what only the second has."""
    names = list(first) + [n for n in second if n not in first]
    return {n: list(dict.fromkeys([*first.get(n, ()), *second.get(n, ())])) for n in names}

