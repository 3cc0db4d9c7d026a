"""The QNode family's property-test classes: (device, diff method, measurement), each
represented as `check.representatives` chooses."""

from __future__ import annotations

from supportmatrix.check.representatives import representatives
from supportmatrix.matrix.model import Matrix, ResolvedCell


def supported_classes(matrix: Matrix) -> list[ResolvedCell]:
    """The representative of every class with a supported analytic cell, in matrix order."""
    return representatives(
        matrix.family("qnode").cells, lambda cell: (cell.device, cell.diff_method, cell.measurement)
    )
