"""The features catalog: one builder, one snippet, and both build the same circuit."""

from __future__ import annotations

import pytest

from supportmatrix.features.catalog import FEATURES
from supportmatrix.matrix.model import FeatureCell


@pytest.mark.parametrize("name", list(FEATURES))
def test_the_snippet_builds_the_feature_and_runs(name: str) -> None:
    """The failure report's snippet, executed, gives the oracle's value and Jacobian."""
    pytest.importorskip("pennylane")
    import numpy as np

    from supportmatrix.features.failure import feature_snippet
    from supportmatrix.features.oracle import feature_reference

    cell = FeatureCell("default.qubit", "autograd", "backprop", name, None)
    namespace: dict = {}
    # Executing the snippet is the point of the test: the suite itself never does.
    exec(compile(feature_snippet(cell), f"<{name} snippet>", "exec"), namespace)  # noqa: S102
    x = namespace["x"]
    ref = feature_reference(name)
    assert np.allclose(namespace["f"](x), ref.value, atol=1e-12)
    assert np.allclose(namespace["jac"], ref.jacobian, atol=1e-9)
