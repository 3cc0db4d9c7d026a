"""Property tests for the features: a supported class stays supported anywhere in its domain.

Every class of `supported` analytic features cells (device x diff method x feature, for
the unbatched features whose catalog point is in their domain), represented by its first
supported interface in axis order (`supportmatrix.features.representatives`; the plugin
parametrizes them, so a class whose interface is not installed is a skip naming it),
runs its feature's circuit at parameters drawn by hypothesis from the feature's domain
(`supportmatrix.features.domains`: each parameter from its range's edge values or from
anywhere in the range, angles in [-2 pi, 2 pi], channel probabilities and embedded
features in theirs; a vector outside the domain, such as a mid-circuit measurement
branch of round-off probability, is rejected with ``assume``), and must match its
declaration exactly as a features cell does, against the oracle at those parameters
with the feature's tolerances derived there.
The Hessian features' classes check their Hessians at the drawn parameters too, the
``hamiltonian`` classes draw its coefficients with its angles, and ``float32``'s drawn
parameters are rounded to float32 first (its reference is at float32 values).
The hypothesis profile is `tests/conftest.py`'s (``SUPPORTMATRIX_PROFILE``: ``ci`` draws 2
derandomized examples per class, ``thorough`` 200). A counterexample fails with the
usual features report, whose snippet rebuilds the circuit with the drawn parameters.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from supportmatrix.check.classify import mismatches
from supportmatrix.check.failure import failure_message
from supportmatrix.features.catalog import FEATURES
from supportmatrix.features.domains import Range, admits, ranges
from supportmatrix.features.runner import run_feature_cell
from supportmatrix.matrix.families import FEATURES as FEATURES_FAMILY
from supportmatrix.matrix.model import ResolvedCell


def parameter(r: Range) -> st.SearchStrategy[float]:
    """One parameter: an edge value of its range, or anywhere in it."""
    return st.sampled_from(r.edges) | st.floats(r.low, r.high)


@pytest.mark.supportmatrix_classes("features")
@given(data=st.data())
def test_supported_feature_class_holds_at_any_parameters(
    supported_class: ResolvedCell, data: st.DataObject, matrix_file: str
) -> None:
    rc = supported_class
    own = FEATURES[rc.cell.feature]
    params = data.draw(st.tuples(*(parameter(r) for r in ranges(own))))
    if own.dtype == "float32":
        params = tuple(np.float32(p) for p in params)
    assume(admits(own, params))
    feature = dataclasses.replace(own, params=tuple(float(p) for p in params))
    run = run_feature_cell(rc.cell, feature=feature)
    problems = mismatches(rc.expectation, run.observed, run.warnings)
    if problems:
        pytest.fail(
            failure_message(FEATURES_FAMILY, rc, run, problems, matrix_file=matrix_file), pytrace=False
        )
