"""One representative cell for each class of supported analytic cells.

A class is a (device, diff method, measurement) triple: the simulator, the
gradient rule and the quantity differentiated, which is what decides whether a
gradient is right at other parameters and on other circuits. The interface only
carries arrays in and out; every interface's plumbing is already checked cell by
cell at the matrix's own parameters. So each class is represented by its cheapest
interface that the matrix declares `supported`, in the order of `INTERFACE_COST`.
Only analytic cells are sampled: with shots, a property would test the shot-noise
bound rather than the gradient, and the false-failure script already does that.
"""

from __future__ import annotations

from supportmatrix.matrix.model import Matrix, Outcome, ResolvedCell

#: Interfaces from the cheapest to run to the dearest (jax-jit compiles every new circuit).
INTERFACE_COST: tuple[str, ...] = ("autograd", "torch", "None", "jax", "tf", "jax-jit")


def supported_classes(matrix: Matrix) -> list[ResolvedCell]:
    """The representative of every class with a supported analytic cell, in matrix order."""
    best: dict[tuple[str, str, str], ResolvedCell] = {}
    for rc in matrix.family("qnode").cells:
        cell = rc.cell
        if cell.shots is not None or rc.expectation.outcome is not Outcome.SUPPORTED:
            continue
        key = (cell.device, cell.diff_method, cell.measurement)
        current = best.get(key)
        if current is None or (INTERFACE_COST.index(cell.interface)
                               < INTERFACE_COST.index(current.cell.interface)):
            best[key] = rc
    return list(best.values())
