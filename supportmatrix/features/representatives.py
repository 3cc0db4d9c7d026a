"""One representative cell for each class of supported analytic features cells.

A class is a (device, diff method, feature) triple, represented by its first interface
in axis order that the matrix declares `supported`. Batched features are left out: a
drawn point is one parameter vector, and the batch's own cells check broadcasting.
"""

from __future__ import annotations

from supportmatrix.features.catalog import FEATURES
from supportmatrix.matrix.model import Matrix, Outcome, ResolvedCell


def supported_feature_classes(matrix: Matrix) -> list[ResolvedCell]:
    """The representative of every class with a supported analytic features cell, in matrix order."""
    chosen: dict[tuple[str, str, str], ResolvedCell] = {}
    for rc in matrix.family("features").cells:  # file order: interfaces in axis order
        cell = rc.cell
        if cell.shots is None and rc.expectation.outcome is Outcome.SUPPORTED \
                and not FEATURES[cell.feature].batch:
            chosen.setdefault((cell.device, cell.diff_method, cell.feature), rc)
    return list(chosen.values())
