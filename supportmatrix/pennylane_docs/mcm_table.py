"""Read PennyLane's mid-circuit measurement table ("Simulation techniques") into claims per mcm method, diff method and shots.

The table is the grid table of ``doc/introduction/dynamic_quantum_circuits.rst``: one row
per simulation technique, with a Differentiation entry that points at a footnote
(``:math:`{}^N```) and ``shots``/``analytic`` entries coloured ``:gr:`` (yes) or ``:rd:``
(no). A copy of the 0.45.1 text is kept beside this module (`STORED`, `SOURCE`). Its
footnotes are read mechanically, one phrase each (`FOOTNOTE_READINGS`): a phrase that is
missing from a footnote is a `pennylane_docs.page.DocsTableError`, so a reworded page fails
loudly instead of being half read.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from supportmatrix.pennylane_docs.page import DocsTableError

#: The stored excerpt (table and footnotes) and where it comes from.
STORED = Path(__file__).parent / "data" / "mcm-table-v0.45.1.rst"
SOURCE = (
    "PennyLaneAI/pennylane v0.45.1 (5f61ce25df3cc28a1ac785d20e47d70761202ed2), "
    "doc/introduction/dynamic_quantum_circuits.rst, lines 276-295"
)

#: Row labels of the table, in the QNode's ``mcm_method`` spelling.
TECHNIQUES = {
    "Deferred measurements": "deferred",
    "Dynamic one-shot": "one-shot",
    "Tree-traversal": "tree-traversal",
}
#: Each footnote phrase the comparison relies on, and what it says: the diff methods it
#: calls supported, and whether only without postselection.
FOOTNOTE_READINGS: tuple[tuple[int, str, tuple[str, ...], bool], ...] = (
    (1, "Backpropagation and finite differences are fully supported", ("backprop", "finite-diff"), False),
    (
        1,
        "parameter-shift rule are supported if no postselection is used",
        ("adjoint", "parameter-shift"),
        True,
    ),
    (
        2,
        "parameter-shift differentiation is supported as long as no postselection",
        ("parameter-shift",),
        True,
    ),
)
#: The Differentiation entry's own words: "finite differences" names that method supported.
_ENTRY_METHODS = {"finite differences": ("finite-diff",)}
#: Methods that are analytic-only on a state-vector simulator whatever the circuit: a
#: footnote's "supported" is read for ``shots=None`` only for them.
ANALYTIC_ONLY = ("backprop", "adjoint")

_FOOTNOTE_REF = re.compile(r"\{\}\^(\d)")
_ROLE = re.compile(r":(gr|or|rd):")
_FOOTNOTE = re.compile(r":math:`\{\}\^(\d)`\s*(.*)")


@dataclass(frozen=True)
class McmRow:
    """One technique's row: its footnote, the methods its entry names, shots and analytic."""

    method: str
    footnote: int
    entry_methods: tuple[str, ...]
    shots: bool
    analytic: bool
    line: int


@dataclass(frozen=True)
class McmClaim:
    """What the table says about one (mcm method, diff method, shots, postselection)."""

    supported: bool | None  # True: works with a right gradient; False: raises; None: unsaid
    why: str
    line: int


@dataclass(frozen=True)
class McmTable:
    """The rows by mcm method, the footnotes' text by number, and the file read."""

    rows: dict[str, McmRow]
    footnotes: dict[int, str]
    path: str

    def claim(self, mcm_method: str, diff_method: str, shots: int | None, postselect: bool) -> McmClaim:
        """The documented claim for one cell's configuration (module docstring)."""
        row = self.rows[mcm_method]
        if shots is None and not row.analytic:
            return McmClaim(False, f"{mcm_method}: analytic 'no'", row.line)
        if shots is not None and not row.shots:
            return McmClaim(False, f"{mcm_method}: shots 'no'", row.line)
        if diff_method in ANALYTIC_ONLY and shots is not None:
            return McmClaim(None, "analytic-only method with shots", row.line)
        if diff_method in row.entry_methods:
            return McmClaim(True, f"{mcm_method}: Differentiation '{diff_method}'", row.line)
        for number, phrase, methods, without_postselection in FOOTNOTE_READINGS:
            if (
                number == row.footnote
                and diff_method in methods
                and not (without_postselection and postselect)
            ):
                return McmClaim(True, f"footnote {number}: {phrase}", row.line)
        return McmClaim(None, "not documented", row.line)


def load_mcm_table(path: str | os.PathLike[str] = STORED) -> McmTable:
    """`parse_mcm_table` of a file."""
    return parse_mcm_table(Path(path).read_text(encoding="utf-8"), path=str(path))


def parse_mcm_table(text: str, *, path: str = "<string>") -> McmTable:
    """The table and footnotes of the page's "Simulation techniques" section."""
    lines = text.splitlines()
    footnotes = {}
    for number, line in enumerate(lines, start=1):
        found = _FOOTNOTE.match(line.strip())
        if found:
            body = [found.group(2)]
            for more in lines[number:]:
                if not more.strip():
                    break
                body.append(more.strip())
            footnotes[int(found.group(1))] = " ".join(body)
    rows = {}
    for number, line in enumerate(lines, start=1):
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if not cells or cells[0] not in TECHNIQUES:
            continue
        if len(cells) != 6:
            raise DocsTableError(
                path, number, f"expected 6 columns in the {cells[0]!r} row, found {len(cells)}"
            )
        ref = _FOOTNOTE_REF.search(cells[3])
        if ref is None or int(ref.group(1)) not in footnotes:
            raise DocsTableError(path, number, f"the Differentiation entry {cells[3]!r} names no footnote")
        named = tuple(m for words, ms in _ENTRY_METHODS.items() if words in cells[3] for m in ms)
        rows[TECHNIQUES[cells[0]]] = McmRow(
            TECHNIQUES[cells[0]],
            int(ref.group(1)),
            named,
            _yes(cells[4], path, number),
            _yes(cells[5], path, number),
            number,
        )
    if set(rows) != set(TECHNIQUES.values()):
        raise DocsTableError(path, 1, f"expected rows {sorted(TECHNIQUES)}, found {sorted(rows)}")
    for number, phrase, _, _ in FOOTNOTE_READINGS:
        if phrase not in footnotes.get(number, ""):
            raise DocsTableError(path, 1, f"footnote {number} no longer says {phrase!r}")
    return McmTable(rows, footnotes, path)


def _yes(cell: str, path: str, line: int) -> bool:
    role = _ROLE.search(cell)
    if role is None or role.group(1) not in ("gr", "rd"):
        raise DocsTableError(path, line, f"expected a :gr: or :rd: entry, found {cell!r}")
    return role.group(1) == "gr"
