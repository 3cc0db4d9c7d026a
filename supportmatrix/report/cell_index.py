"""What every table built from a `Matrix` shares: its cells by axis values, numbered notes.

The Markdown and RST renderers and the comparison with PennyLane's documented table all
fill a table row by row (interface x diff method) and column by column (measurement);
`CellIndex` hands them each cell's expectation for every shots value, and `Footnotes`
numbers a table's reasons and warnings and writes each entry (``✅``, ``❌ 4``,
``⛔ 3 ⚠1``, ``✅ / 🐞 7``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from supportmatrix.matrix.model import (
    QNodeCell,
    Expectation,
    Matrix,
    NotApplicableCell,
    ResolvedCell,
    WarningSpec,
)
from supportmatrix.report.vocabulary import (
    NOT_APPLICABLE,
    WARNING_MARK,
    ReasonKey,
    Shown,
    reason_key,
    reason_text,
    shown,
    symbol,
    warning_text,
)

#: Between the entries of one cell whose shots values behave differently.
ENTRY_SEPARATOR = " / "

#: What a table entry stands for: a declaration, or (features) a cell that makes no sense.
Entry = Expectation | NotApplicableCell

_CellKey = tuple[str, str, str, str, int | None]


class CellIndex:
    """A matrix's resolved cells, looked up by axis values."""

    def __init__(self, matrix: Matrix) -> None:
        self.shots: tuple[object, ...] = matrix.family("qnode").axes["shots"]
        self._cells: dict[_CellKey, ResolvedCell] = {_key(rc.cell): rc for rc in matrix.family("qnode").cells}

    def expectations(
        self, device: str, interface: str, diff_method: str, measurement: str
    ) -> tuple[Expectation, ...]:
        """The expectation for each value of the shots axis, in the axis order."""
        return tuple(
            self.lookup((device, interface, diff_method, measurement, shots)).expectation
            for shots in self.shots
        )

    def lookup(self, key: _CellKey) -> ResolvedCell:
        try:
            return self._cells[key]
        except KeyError:
            cell = QNodeCell(*key)
            raise ValueError(f"matrix has no cell {cell.id}; its axes and cells disagree") from None


class Footnotes:
    """One table's reasons and warnings, each numbered once, by first appearance."""

    def __init__(self) -> None:
        self.reasons: dict[ReasonKey, int] = {}
        self.warnings: dict[WarningSpec, int] = {}

    def entry(self, expectation: Entry) -> str:
        """One entry: the symbol, its reason's number, then a mark per warning; ``n/a`` and
        its reason's number for a cell declared not applicable."""
        if isinstance(expectation, NotApplicableCell):
            key: ReasonKey = ("note", expectation.note)
            return f"{NOT_APPLICABLE.symbol} {self.reasons.setdefault(key, len(self.reasons) + 1)}"
        text = symbol(expectation)
        key = reason_key(expectation)
        if key is not None:
            text += f" {self.reasons.setdefault(key, len(self.reasons) + 1)}"
        numbers = [self.warnings.setdefault(w, len(self.warnings) + 1)
                   for w in expectation.warnings]
        if numbers:
            text += f" {WARNING_MARK}" + ",".join(str(n) for n in sorted(numbers))
        return text

    def cell(self, expectations: Sequence[Entry]) -> str:
        """A table cell: one entry when every shots value shows the same, else one per value."""
        entries = [self.entry(e) for e in expectations]
        if len(set(entries)) == 1:
            return entries[0]
        return ENTRY_SEPARATOR.join(entries)

    def reason_items(self, notes: dict[str, str], *, code: Callable[[str], str]) -> list[str]:
        """The numbered reasons, as list items."""
        return [list_item(n, reason_text(key, notes, code=code)) for key, n in self.reasons.items()]

    def warning_items(self, *, code: Callable[[str], str], bullet: str) -> list[str]:
        """The warnings, each once, as bullet items led by their mark."""
        return [f"{bullet} {WARNING_MARK}{n} {warning_text(w, code=code)}"
                for w, n in self.warnings.items()]


def worst(expectations: Sequence[Entry]) -> Shown | None:
    """What colours a cell: a wrong gradient first, then anything else unsupported; what
    ran decides, and a cell of which nothing ran (all not applicable) has no colour (None)."""
    kinds = [shown(e) for e in expectations if not isinstance(e, NotApplicableCell)]
    if not kinds:
        return None
    if Shown.INCORRECT in kinds:
        return Shown.INCORRECT
    return next((k for k in kinds if k is not Shown.SUPPORTED), Shown.SUPPORTED)


def list_item(number: int, text: str) -> str:
    """A numbered list item; continuation lines are indented so they stay inside the item.

    Markdown and reStructuredText read ``N. text`` and its indented continuation alike.
    """
    marker = f"{number}. "
    first, *rest = text.strip().splitlines() or [""]
    lines = [marker + first.rstrip()]
    lines += [" " * len(marker) + line.rstrip() if line.strip() else "" for line in rest]
    return "\n".join(lines)


def _key(cell: QNodeCell) -> _CellKey:
    return (cell.device, cell.interface, cell.diff_method, cell.measurement, cell.shots)
