"""The features family's property-test classes: (device, diff method, feature), each
represented as `check.representatives` chooses. Batched features are left out: a drawn
point is one parameter vector, and the batch's own cells check broadcasting.

So are the features whose parameters have a domain narrower than every angle: the
mid-circuit measurement features (a postselected outcome, or a branch, can have
probability 0 at a drawn point, where the output is undefined: the quotient bound of
`mcm_tolerance` holds only where the kept probability stays positive) and those whose
parameters are not angles (`analytic_bounds`: channel probabilities in [0, 1], embedded
features away from the zero vector). Their property classes need each feature to declare
its domain; until then their cells, at the catalog's parameters, are their only check."""

from __future__ import annotations

from supportmatrix.check.representatives import representatives
from supportmatrix.features import analytic_bounds
from supportmatrix.features.catalog import FEATURES
from supportmatrix.features.model import Feature
from supportmatrix.matrix.model import Matrix, ResolvedCell


def supported_feature_classes(matrix: Matrix) -> list[ResolvedCell]:
    """The representative of every class with a supported analytic features cell, in matrix order."""
    return representatives(
        matrix.family("features").cells,
        lambda cell: (cell.device, cell.diff_method, cell.feature),
        eligible=lambda cell: _any_parameters(FEATURES[cell.feature]),
    )


def _any_parameters(feature: Feature) -> bool:
    """Whether the feature's tolerances hold at any parameters the property test draws."""
    return not feature.batch and feature.mcm_method is None and not analytic_bounds.applies(feature)
