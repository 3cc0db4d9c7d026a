"""Where the property tests may draw a feature's parameters: each parameter's range, and the points the whole vector must avoid.

A features cell checks its feature at the catalog's parameters; a property class
(`representatives`) checks it at any point of this domain, with the tolerances derived
there. The domain is where those tolerances are still the argument `docs/features.md`
gives, and tight enough to catch a wrong derivative (every bound quoted below is the
largest analytic tolerance of any method, from `tolerance.analytic_tolerance`, and
`tests/unit/features/test_feature_domains.py` holds every drawn point to `INFORMATIVE`):

Angles (and Hamiltonian coefficients)
    Every real number: Bernstein's bound is global. Drawn from ``[-2 pi, 2 pi]`` and its
    edge values.
AmplitudeDamping and PhaseDamping probabilities
    ``[REACH, 0.9]``. From ``REACH`` up, every point a stencil evaluates (within ``REACH``)
    stays in ``[0, 1]``, where the Kraus operator ``sqrt(g)`` is real. Above 0.9 the
    derivatives of ``sqrt(1 - g)`` take over (`analytic_bounds.sqrt_derivative`): the
    bound is 4.0e-5 at 0.9 (3.6e-5 at the catalog's 0.3), 3.2e-3 at 0.99 and 0.25 at
    0.995, where a check could hardly fail.
DepolarizingChannel probabilities
    ``[REACH, 1 - REACH]``: its outputs are affine in ``p``, its bound the same everywhere.
AmplitudeEmbedding features
    Each in ``[-1, 1]`` and none exactly 0, the embedded vector's norm at least
    `EMBEDDING_NORM`. The Rayleigh quotient's poles sit at distance ``|v|``
    (`analytic_bounds`, "Amplitude-embedding features"): the bound is 4.9e-4 at
    ``(0.2, 0.2, 1e-9, 1e-9)`` (norm 0.28), 6.8e-2 at ``(0.05, 1e-9, 1e-9, 1e-9)``, 8.3 at
    ``(0.02, 1e-9, 1e-9, 1e-9)``. A zero feature is smooth for the state but not for the
    Mottonen decomposition's angles, and the decomposing methods return NaN there (note
    ``amplitude-embedding-zero-feature``): that edge is a feature of its own,
    ``templates-amplitude-embedding-sparse``, whose cells declare it.
Mid-circuit measurements
    Every branch keeps probability `BRANCH_FLOOR` or more at the point and at every
    parameter-shift point (`mcm_tolerance.gradient_points`). A branch of round-off
    probability is an edge a simulator may take for a state (lightning.qubit's
    tree-traversal does, note ``lightning-tree-traversal-certain-outcome``), so that edge
    is a feature of its own, ``mcm-certain``, whose cells declare it; here it would make
    a class fail at a point no cell names (the same holds for every edge excluded here).
Postselection
    The kept probability ``D`` at least `KEPT_FLOOR` over the points a method evaluates
    (`mcm_tolerance.least_kept`), the least the catalog's point has (0.101): the quotient's
    bound grows as ``D`` shrinks, 3.1e-4 at the catalog's point, 8.6e-3 at
    ``(-3.77, 3.35)`` (``D`` = 0.104, the largest on a 121 x 121 grid of the domain) and
    9.8e5 at ``(0.1, 0.1)`` (``D`` = 0.005).

A feature is eligible for the property classes when its own catalog point is in its
domain (`admits`): ``mcm-certain``'s and ``templates-amplitude-embedding-sparse``'s are
not, by construction.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from supportmatrix.features import analytic_bounds, mcm_tolerance
from supportmatrix.features.branches import branch_probabilities
from supportmatrix.features.model import MID_MEASURE, Feature

#: How close a stencil comes to a point: the reference stencil's reach.
REACH = analytic_bounds.REACH
#: The least norm of an embedded feature vector.
EMBEDDING_NORM = 0.25
#: The least probability of any branch of a mid-circuit measurement.
BRANCH_FLOOR = 1e-6
#: The least kept probability of a postselected measurement.
KEPT_FLOOR = 0.1
#: The largest analytic tolerance anywhere in a domain (unit-tested): 1 % of the outputs'
#: scale (every output these features give is bounded by 1), so a check there still tells
#: a right derivative from a halved one, a zero or a fallback's.
INFORMATIVE = 1e-2


@dataclass(frozen=True)
class Range:
    """One parameter's interval, and the values in it a draw tries first."""

    low: float
    high: float
    edges: tuple[float, ...]


ANGLE = Range(
    -2 * math.pi, 2 * math.pi, (0.0, math.pi / 2, -math.pi / 2, math.pi, -math.pi, 2 * math.pi - 1e-7)
)
SQRT_CHANNEL = Range(REACH, 0.9, (REACH, 0.5, 0.9))
AFFINE_CHANNEL = Range(REACH, 1 - REACH, (REACH, 0.5, 1 - REACH))
EMBEDDED = Range(-1.0, 1.0, (1.0, -1.0, 0.5, 1e-9))


def ranges(feature: Feature) -> tuple[Range, ...]:
    """Each QNode parameter's `Range`, by the gates it enters (an angle where none is special)."""
    return tuple(_range(feature, index) for index in range(len(feature.params)))


def _range(feature: Feature, index: int) -> Range:
    names = {g.name for g in feature.gates for form in g.args for i, _ in form if i == index}
    if names & set(analytic_bounds.SQRT_CHANNELS):
        return SQRT_CHANNEL
    if names & set(analytic_bounds.AFFINE_CHANNELS):
        return AFFINE_CHANNEL
    if names & set(analytic_bounds.EMBEDDINGS):
        return EMBEDDED
    return ANGLE


def admits(feature: Feature, params: Sequence[float]) -> bool:
    """Whether ``params`` is in ``feature``'s domain (module docstring); ranges included."""
    if len(params) != len(feature.params):
        raise ValueError(f"{feature.name}: {len(params)} parameters for {len(feature.params)}")
    spans = ranges(feature)
    if not all(r.low <= p <= r.high for r, p in zip(spans, params, strict=True)):
        return False
    embedded = [p for r, p in zip(spans, params, strict=True) if r is EMBEDDED]
    if embedded and (np.linalg.norm(embedded) < EMBEDDING_NORM or not all(embedded)):
        return False
    if any(g.name == MID_MEASURE for g in feature.gates):
        at = dataclasses.replace(feature, params=tuple(float(p) for p in params))
        if np.min(branch_probabilities(at, mcm_tolerance.gradient_points(at))) < BRANCH_FLOOR:
            return False
        if mcm_tolerance.postselects(at) and mcm_tolerance.least_kept(at) < KEPT_FLOOR:
            return False
    return True
