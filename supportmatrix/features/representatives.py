"""The features family's property-test classes: (device, diff method, feature), each
represented as `check.representatives` chooses. Batched features are left out: a drawn
point is one parameter vector, and the batch's own cells check broadcasting."""

from __future__ import annotations

from supportmatrix.check.representatives import representatives
from supportmatrix.features.catalog import FEATURES
from supportmatrix.matrix.model import Matrix, ResolvedCell


def supported_feature_classes(matrix: Matrix) -> list[ResolvedCell]:
    """The representative of every class with a supported analytic features cell, in matrix order."""
    return representatives(
        matrix.family("features").cells,
        lambda cell: (cell.device, cell.diff_method, cell.feature),
        eligible=lambda cell: not FEATURES[cell.feature].batch,
    )
