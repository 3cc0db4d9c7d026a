"""One representative cell per class of supported analytic cells, for the property tests.

A class is what decides whether a gradient is right at other parameters (the simulator,
the gradient rule and what is differentiated); the interface only carries arrays in and
out, and every interface's plumbing is checked cell by cell at the matrix's own
parameters. So each class is represented by its cheapest interface that the matrix
declares `supported`, in the order of `INTERFACE_COST`. Only analytic cells are drawn
from: with shots, a property would test the shot-noise bound rather than the gradient,
and the false-failure script already does that. Every family with an interface axis
chooses the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, Protocol

from supportmatrix.matrix.model import Outcome, ResolvedCell

#: Interfaces from the cheapest to run to the dearest (jax-jit compiles every new circuit).
INTERFACE_COST: tuple[str, ...] = ("autograd", "torch", "None", "jax", "tf", "jax-jit")


class _Cell(Protocol):
    """What choosing reads of a cell: every family with an interface axis has these."""

    @property
    def shots(self) -> int | None: ...
    @property
    def interface(self) -> str: ...


# `class_of` and `eligible` read their own family's axes, so they take the cell as Any
# (`ResolvedCell.cell` is a cell of any family).
def representatives(
    cells: Iterable[ResolvedCell],
    class_of: Callable[[Any], Hashable],
    *,
    eligible: Callable[[Any], bool] = lambda cell: True,
) -> list[ResolvedCell]:
    """The cheapest-interface supported analytic cell of every class (``class_of(cell)``)
    among the ``eligible`` cells, classes in the order they first appear."""
    best: dict[Hashable, ResolvedCell] = {}
    for rc in cells:
        cell: _Cell = rc.cell
        if cell.shots is not None or rc.expectation.outcome is not Outcome.SUPPORTED or not eligible(cell):
            continue
        key = class_of(cell)
        current = best.get(key)
        if current is None or _cost(cell) < _cost(current.cell):
            best[key] = rc
    return list(best.values())


def _cost(cell: _Cell) -> int:
    return INTERFACE_COST.index(cell.interface)
