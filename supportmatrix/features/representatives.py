"""The features family's property-test classes: (device, diff method, feature), each
represented as `check.representatives` chooses. Batched features are left out: a drawn
point is one parameter vector, and the batch's own cells check broadcasting. So is a
feature whose catalog point lies outside its own domain (`domains`: ``mcm-certain``,
whose point is the edge its cells declare)."""

from __future__ import annotations

import functools

from supportmatrix.check.representatives import representatives
from supportmatrix.features import domains
from supportmatrix.features.catalog import FEATURES
from supportmatrix.matrix.model import Matrix, ResolvedCell


def supported_feature_classes(matrix: Matrix) -> list[ResolvedCell]:
    """The representative of every class with a supported analytic features cell, in matrix order."""
    return representatives(
        matrix.family("features").cells,
        lambda cell: (cell.device, cell.diff_method, cell.feature),
        eligible=lambda cell: _any_parameters(cell.feature),
    )


@functools.cache  # asked once per cell, answered once per feature
def _any_parameters(name: str) -> bool:
    """Whether the property test may draw the feature's parameters (its point in its domain)."""
    feature = FEATURES[name]
    return not feature.batch and domains.admits(feature, feature.params)  # type: ignore[arg-type]
