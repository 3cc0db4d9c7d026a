"""One table over devices: per device, diff method and interface, how its cells come out.

Each entry counts the cells of every family whose axes include device, interface and diff
method (the QNode cells and the features cells): supported, raising (forward or gradient),
no gradient, and wrong. A wrong gradient is never folded into another count: an entry with
one is marked in bold, with the symbol first, so it cannot be missed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from supportmatrix.matrix.families import FAMILIES
from supportmatrix.matrix.model import Matrix
from supportmatrix.report.vocabulary import LEGEND, Shown, shown

#: The axes a family needs to be counted here.
OVERVIEW_AXES = ("device", "interface", "diff_method")
#: What an entry counts, in the order it shows them; a raising cell is one kind here.
COUNTED = (Shown.SUPPORTED, Shown.FORWARD_RAISES, Shown.NO_GRADIENT)
RAISES = frozenset({Shown.FORWARD_RAISES, Shown.GRADIENT_RAISES})


def overview_counts(matrices: Sequence[Matrix]) -> dict[tuple[str, str, str], Counter[Shown]]:
    """(device, diff method, interface) -> how many cells show each outcome."""
    counts: dict[tuple[str, str, str], Counter[Shown]] = {}
    for matrix in matrices:
        for family in FAMILIES:
            if not all(axis in family.axis_names for axis in OVERVIEW_AXES):
                continue
            for rc in matrix.family(family.name).cells:
                cell = rc.cell
                what = shown(rc.expectation)
                what = Shown.FORWARD_RAISES if what in RAISES else what
                key = (cell.device, cell.diff_method, cell.interface)
                counts.setdefault(key, Counter())[what] += 1
    return counts


def _entry(counter: Counter[Shown]) -> str:
    parts = [f"{LEGEND[s].symbol} {counter[s]}" for s in COUNTED if counter[s]]
    wrong = counter[Shown.INCORRECT]
    if wrong:
        parts.insert(0, f"**{LEGEND[Shown.INCORRECT].symbol} {wrong} wrong**")
    return " · ".join(parts) or "–"


def render_overview(matrices: Sequence[Matrix], *, sources: Sequence[str]) -> str:
    """The overview as a Markdown page: one table, devices in the order given."""
    counts = overview_counts(matrices)
    devices = list(dict.fromkeys(d for d, _, _ in counts))
    methods = list(dict.fromkeys(m for _, m, _ in counts))
    interfaces = list(dict.fromkeys(i for _, _, i in counts))
    files = ", ".join(f"`{Path(s).as_posix()}`" for s in sources)
    lines = [
        "# Support across devices",
        "",
        f"This page is generated from {files} by `supportmatrix overview`; do not edit it by hand.",
        "",
        "Each entry counts one device's cells for one diff method and interface, over every "
        "measurement, feature and shots value the device's file declares (the QNode and "
        f"features cells): {LEGEND[Shown.SUPPORTED].symbol} supported, "
        f"{LEGEND[Shown.FORWARD_RAISES].symbol} raises (forward or gradient), "
        f"{LEGEND[Shown.NO_GRADIENT].symbol} no gradient, and, in bold and first, "
        f"{LEGEND[Shown.INCORRECT].symbol} a wrong value or gradient. Each device's own page "
        "says which cells and why. A dash: the file declares no such cell.",
        "",
        "| Device | Diff method | " + " | ".join(f"`{i}`" for i in interfaces) + " |",
        "| --- | --- | " + " | ".join("---" for _ in interfaces) + " |",
    ]
    for device in devices:
        for method in methods:
            row = [counts.get((device, method, i)) for i in interfaces]
            if not any(row):
                continue
            entries = [_entry(c) if c else "–" for c in row]
            lines.append(f"| `{device}` | `{method}` | " + " | ".join(entries) + " |")
    wrong = sum(c[Shown.INCORRECT] for c in counts.values())
    lines += ["", f"{wrong} cells in all give a wrong value or gradient."]
    return "\n".join(lines) + "\n"
