"""Where the property tests draw parameters (`features.domains`): each range is what its bounds need, every edge it leaves out is rejected, and the tolerances stay informative anywhere inside."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from supportmatrix.check.bounds import EXACT_METHODS
from supportmatrix.features import domains
from supportmatrix.features.catalog import FEATURES
from supportmatrix.features.domains import ANGLE, EMBEDDED, INFORMATIVE, admits, ranges
from supportmatrix.features.mcm_tolerance import least_kept
from supportmatrix.features.tolerance import analytic_tolerance

#: The features whose catalog point is the edge their cells declare.
EDGE_FEATURES = (
    "mcm-certain-deferred",
    "mcm-certain-tree-traversal",
    "mcm-certain-one-shot",
    "templates-amplitude-embedding-sparse",
)
UNBATCHED = [name for name, f in FEATURES.items() if not f.batch]
METHODS = sorted(EXACT_METHODS | {"finite-diff", "spsa"})


@pytest.mark.parametrize("name", UNBATCHED)
def test_every_catalog_point_is_in_its_domain_but_the_edge_features(name: str) -> None:
    feature = FEATURES[name]
    assert admits(feature, feature.params) is (name not in EDGE_FEATURES)  # type: ignore[arg-type]


def test_each_parameter_takes_the_range_of_the_gate_it_enters() -> None:
    assert ranges(FEATURES["noise-amplitude-damping"]) == (domains.SQRT_CHANNEL,)
    assert ranges(FEATURES["noise-phase-damping"]) == (domains.SQRT_CHANNEL,)
    assert ranges(FEATURES["noise-depolarizing"]) == (domains.AFFINE_CHANNEL,)
    assert ranges(FEATURES["templates-amplitude-embedding"]) == (EMBEDDED,) * 4 + (ANGLE,)
    # Hamiltonian coefficients and fixed channels leave the parameters angles.
    assert ranges(FEATURES["hamiltonian"]) == (ANGLE,) * 5
    assert ranges(FEATURES["noise-after-gate"]) == (ANGLE,) * 2


def test_a_channel_range_keeps_every_stencil_point_inside_zero_one() -> None:
    for r in (domains.SQRT_CHANNEL, domains.AFFINE_CHANNEL):
        assert r.low - domains.REACH >= 0 and r.high + domains.REACH <= 1
        assert all(r.low <= e <= r.high for e in r.edges)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        # a branch of round-off probability: cos^2(pi / 2) ~ 4e-33
        ("mcm-cond-deferred", (math.pi, 0.3)),
        # at a parameter-shift point only: x1 + pi / 2 = pi makes outcome 1 certain
        ("mcm-stats-tree-traversal", (0.0, math.pi / 2)),
        # the kept probability falls to 0.005
        ("mcm-postselect-deferred", (0.1, 0.1)),
        # a channel probability beyond 0.9, or closer to 0 than a stencil reaches
        ("noise-amplitude-damping", (0.95,)),
        ("noise-depolarizing", (1e-4,)),
        # a zero feature, and a vector too short for the quotient's bound
        ("templates-amplitude-embedding", (0.3, 0.0, 0.8, 0.2, 0.6)),
        ("templates-amplitude-embedding", (0.1, 0.1, 0.1, 0.1, 0.6)),
        # an angle beyond the drawn range
        ("controlled", (7.0, 0.0, 0.0)),
    ],
)
def test_an_edge_the_domain_leaves_out_is_rejected(name: str, params: tuple[float, ...]) -> None:
    assert not admits(FEATURES[name], params)


def test_the_kept_floor_is_the_least_kept_probability_over_the_evaluated_points() -> None:
    feature = FEATURES["mcm-postselect-deferred"]
    at = dataclasses.replace(feature, params=(0.543, 1.2))
    assert least_kept(at) == pytest.approx(0.101, abs=1e-3)
    assert admits(feature, (0.543, 1.2))


def test_a_vector_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="1 parameters for 2"):
        admits(FEATURES["mcm-cond-deferred"], (0.3,))


def _point(feature_name: str) -> st.SearchStrategy[tuple[float, ...]]:
    return st.tuples(
        *(st.sampled_from(r.edges) | st.floats(r.low, r.high) for r in ranges(FEATURES[feature_name]))
    )


#: Features with a parameter that is not an angle, or whose outputs are quotients.
NARROWED = [
    name
    for name in UNBATCHED
    if name not in EDGE_FEATURES
    and (any(r is not ANGLE for r in ranges(FEATURES[name])) or "postselect" in name)
    and FEATURES[name].mcm_method != "one-shot"  # one-shot has no analytic cells
]


@pytest.mark.parametrize("name", NARROWED)
@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=st.data())
def test_the_tolerances_stay_informative_anywhere_in_the_domain(name: str, data: st.DataObject) -> None:
    params = data.draw(_point(name))
    assume(admits(FEATURES[name], params))
    feature = dataclasses.replace(FEATURES[name], params=params)
    worst = max(float(np.max(analytic_tolerance(method, feature))) for method in METHODS)
    assert worst <= INFORMATIVE, f"{name} at {params}: a tolerance of {worst:.3g}"
