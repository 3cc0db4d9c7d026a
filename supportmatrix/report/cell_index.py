"""What every table built from a `Matrix` shares: its cells by axis values, numbered notes.

The Markdown and RST renderers and the comparison with PennyLane's documented table all
fill a table row by row (interface x diff method) and column by column (measurement);
`CellIndex` hands them each cell's expectation for every shots value.
"""

from __future__ import annotations

from supportmatrix.matrix.model import Cell, Expectation, Matrix, ResolvedCell

_CellKey = tuple[str, str, str, str, int | None]


class CellIndex:
    """A matrix's resolved cells, looked up by axis values."""

    def __init__(self, matrix: Matrix) -> None:
        self.shots: tuple[object, ...] = matrix.axes["shots"]
        self._cells: dict[_CellKey, ResolvedCell] = {_key(rc.cell): rc for rc in matrix.cells}

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
            cell = Cell(*key)
            raise ValueError(f"matrix has no cell {cell.id}; its axes and cells disagree") from None


def list_item(number: int, text: str) -> str:
    """A numbered list item; continuation lines are indented so they stay inside the item.

    Markdown and reStructuredText read ``N. text`` and its indented continuation alike.
    """
    marker = f"{number}. "
    first, *rest = text.strip().splitlines() or [""]
    lines = [marker + first.rstrip()]
    lines += [" " * len(marker) + line.rstrip() if line.strip() else "" for line in rest]
    return "\n".join(lines)


def _key(cell: Cell) -> _CellKey:
    return (cell.device, cell.interface, cell.diff_method, cell.measurement, cell.shots)
