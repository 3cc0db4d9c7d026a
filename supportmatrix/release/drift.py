"""Compare two views of the matrix (observed results, or the declaration) cell by cell.

Each side maps cell ids, of every family alike (their ids never collide), to a
`Behaviour`; `compare` sorts every changed cell into one group, and `render_report`
writes the Markdown drift report, where a cell outside the QNode family is tagged with
its family. A regression
is a cell that was supported and no longer is, or whose gradient became wrong.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from supportmatrix.matrix.families import FAMILIES, TOP_LEVEL, family_named, family_of
from supportmatrix.matrix.model import Matrix
from supportmatrix.release.behaviour import (
    Behaviour,
    Event,
    behaviour_of_expectation,
    behaviour_of_record,
)
from supportmatrix.release.codec import records_of
from supportmatrix.release.results import packages_of

SUPPORTED, INCORRECT = "supported", "incorrect"

#: Groups in report order: (key, heading, counts as a regression).
GROUPS: tuple[tuple[str, str, bool], ...] = (
    ("newly-failing", "Newly failing (regressions)", True),
    ("gradient-wrong", "Gradient now wrong (regressions)", True),
    ("newly-supported", "Newly supported", False),
    ("changed-error", "Changed error class or message", False),
    ("changed-outcome", "Changed outcome", False),
    ("changed-warnings", "Changed warnings", False),
)
REGRESSION_GROUPS = frozenset(key for key, _, regression in GROUPS if regression)


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a label (file and versions), its cells' behaviours, and
    each cell's family (by name; a cell not named is the QNode family's)."""

    label: str
    cells: dict[str, Behaviour]
    families: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CellChange:
    cell_id: str
    old: str
    new: str
    family: str = TOP_LEVEL.name

    def tag(self) -> str:
        """The family a reader is told of: none for the top level's, else its title."""
        return "" if self.family == TOP_LEVEL.name else family_named(self.family).title

    def line(self) -> str:
        tag = f" ({self.tag()})" if self.tag() else ""
        return f"- `{self.cell_id}`{tag}: {self.old} → {self.new}"


@dataclass
class Drift:
    """The comparison of two sides."""

    old: Side
    new: Side
    compared: int = 0
    #: Of `compared`, by family name.
    compared_by_family: dict[str, int] = field(default_factory=dict)
    not_compared: list[str] = field(default_factory=list)
    groups: dict[str, list[CellChange]] = field(default_factory=lambda: {k: [] for k, _, _ in GROUPS})

    @property
    def regressions(self) -> int:
        return sum(len(self.groups[k]) for k in REGRESSION_GROUPS)

    @property
    def changed_cells(self) -> int:
        return len({c.cell_id for changes in self.groups.values() for c in changes})


def classify_change(old: Behaviour, new: Behaviour) -> str | None:
    """The group an outcome or error change falls in, or None when both agree on it."""
    if old.outcome == new.outcome:
        if old.error is not None and new.error is not None and not old.error.same_as(new.error):
            return "changed-error"
        return None
    if new.outcome == SUPPORTED:
        return "newly-supported"
    if new.outcome == INCORRECT:
        return "gradient-wrong"  # from supported, or from an error to a silent wrong answer
    if old.outcome == SUPPORTED:
        return "newly-failing"
    return "changed-outcome"


def warnings_agree(old: Iterable[Event], new: Iterable[Event]) -> bool:
    """Every warning on each side has a counterpart on the other."""
    old, new = tuple(old), tuple(new)
    return all(any(o.same_as(n) for n in new) for o in old) and all(
        any(n.same_as(o) for o in old) for n in new
    )


def compare(old: Side, new: Side) -> Drift:
    """Compare the cells both sides know, skipped cells aside; the rest are listed as not compared."""
    drift = Drift(old, new)
    families = {**old.families, **new.families}
    order = {family.name: index for index, family in enumerate(FAMILIES)}

    def family(cell_id: str) -> str:
        return families.get(cell_id, TOP_LEVEL.name)

    # Family by family, in registry order, each by id.
    for cell_id in sorted(old.cells.keys() | new.cells.keys(), key=lambda c: (order[family(c)], c)):
        a, b = old.cells.get(cell_id), new.cells.get(cell_id)
        if a is None or b is None or "skipped" in (a.outcome, b.outcome):
            drift.not_compared.append(cell_id)
            continue
        drift.compared += 1
        name = family(cell_id)
        drift.compared_by_family[name] = drift.compared_by_family.get(name, 0) + 1
        group = classify_change(a, b)
        if group is not None:
            drift.groups[group].append(CellChange(cell_id, a.describe(), b.describe(), name))
        if not warnings_agree(a.warnings, b.warnings):
            drift.groups["changed-warnings"].append(
                CellChange(cell_id, _warnings_text(a.warnings), _warnings_text(b.warnings), name)
            )
    return drift


def _warnings_text(warnings: tuple[Event, ...]) -> str:
    return ", ".join(w.describe() for w in warnings) or "no warning"


def render_report(drift: Drift, *, max_lines: int = 300) -> str:
    """The Markdown drift report: counts first, then each group's cells as ``id: old → new``
    (tagged with their family outside the QNode family), at most ``max_lines`` cell lines in
    all, with a summary line where it is cut."""
    others = [
        f"{count} {family_named(name).title}"
        for name, count in drift.compared_by_family.items()
        if name != TOP_LEVEL.name
    ]
    of_them = f" (of them {', '.join(others)})" if others else ""
    lines = [
        "# supportmatrix drift report",
        "",
        f"- old: {drift.old.label}",
        f"- new: {drift.new.label}",
        "",
        f"**{drift.compared}** cells compared{of_them}, **{drift.changed_cells}** changed, "
        f"**{drift.regressions}** regressions; {len(drift.not_compared)} not compared "
        "(on one side only, or skipped).",
        "",
        "| change | cells |",
        "|---|---:|",
        *(f"| {heading} | {len(drift.groups[key])} |" for key, heading, _ in GROUPS),
    ]
    budget = max_lines
    hidden = 0
    for key, heading, _ in GROUPS:
        changes = drift.groups[key]
        if not changes:
            continue
        shown = changes[: max(budget, 0)]
        hidden += len(changes) - len(shown)
        budget -= len(shown)
        if shown:
            lines += ["", f"## {heading} ({len(changes)})", ""]
            lines += [c.line() for c in shown]
            if len(shown) < len(changes):
                lines.append(f"- … {len(changes) - len(shown)} more in this group")
    if hidden:
        lines += [
            "",
            f"_Report cut at {max_lines} cell lines: {hidden} more changes not shown; "
            "pass `--max-lines` to see them._",
        ]
    return "\n".join(lines) + "\n"


def versions_label(packages: dict[str, str | None]) -> str:
    shown = ("pennylane", "pennylane-lightning", "torch", "tensorflow", "jax")
    return ", ".join(f"{name} {packages.get(name) or 'absent'}" for name in shown)


def shown_path(path: str) -> str:
    """``path`` as a report names it: relative to the working directory when inside it,
    else its file name alone, since another machine's absolute folders mean nothing to a
    reader (committed drift pages are read from a fresh clone)."""
    candidate = Path(path)
    if not candidate.is_absolute():
        return path
    try:
        return str(candidate.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return candidate.name


def side_from_results(document: dict[str, Any], *, source: str) -> Side:
    """A side made of what a results document observed, every family."""
    records = records_of(document)
    return Side(
        f"`{shown_path(source)}` ({versions_label(packages_of(document))})",
        {r.id: behaviour_of_record(r) for r in records},
        {r.id: r.family for r in records},
    )


def side_from_matrix(
    matrix: Matrix, *, packages: dict[str, str | None], families: Iterable[str] | None = None
) -> Side:
    """A side made of what the matrix declares, resolved for ``packages``: every family's
    cells, or those of ``families`` (by name: the families the other side recorded)."""
    names = [f.name for f in FAMILIES] if families is None else list(families)
    resolved = [rc for name in names for rc in matrix.family(name).cells]
    return Side(
        f"declared `{shown_path(matrix.path)}` for {versions_label(packages)}",
        {rc.cell.id: behaviour_of_expectation(rc.expectation) for rc in resolved},
        {rc.cell.id: family_of(rc.cell).name for rc in resolved},
    )


def on_device(side: Side, device: str, *, as_device: str, devices: dict[str, str]) -> Side:
    """The side's cells on ``device`` only, each id naming ``as_device`` instead: two
    devices' cells then compare id for id. Messages and regexes that name the device name
    ``as_device`` too, so that an error differing only by the device it names is the same.
    ``devices`` maps a cell id to its device."""
    kept = {cell_id for cell_id in side.cells if devices.get(cell_id) == device}
    if not kept:
        raise ValueError(f"{side.label} has no cell on {device}")

    def renamed(cell_id: str) -> str:
        return cell_id.replace(device, as_device, 1)

    label = side.label if device == as_device else f"{side.label}, {device} as {as_device}"

    def event(e: Event) -> Event:
        pattern = e.pattern
        if pattern is not None:
            pattern = re.compile(
                pattern.pattern.replace(re.escape(device), re.escape(as_device)).replace(device, as_device)
            )
        message = None if e.message is None else e.message.replace(device, as_device)
        return dataclasses.replace(e, message=message, pattern=pattern)

    def behaviour(b: Behaviour) -> Behaviour:
        error = None if b.error is None else event(b.error)
        return dataclasses.replace(b, error=error, warnings=tuple(event(w) for w in b.warnings))

    return Side(
        label,
        {renamed(c): behaviour(b) for c, b in side.cells.items() if c in kept},
        {renamed(c): f for c, f in side.families.items() if c in kept},
    )


def recorded_families(document: dict[str, Any]) -> list[str]:
    """The names of the families a results document holds records of."""
    return [family.name for family in FAMILIES if family.results_key in document]
