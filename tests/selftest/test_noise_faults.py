"""Self-test for the density features: bend AmplitudeDamping's Kraus operator in PennyLane and
check that exactly the predicted default.mixed runs turn incorrect.

The density features are not on the feature axis yet (`catalog.DENSITY_FEATURES`), so the
runs are the features runner's own (`run_feature_cell` with the feature passed in), not
declared cells: each is supported without the fault (checked first), and under it exactly
the runs differentiating a trainable damping probability fail.
"""

from __future__ import annotations

import numpy as np
import pennylane as qml
import pytest

from supportmatrix.features.catalog import DENSITY_FEATURES
from supportmatrix.features.runner import run_feature_cell
from supportmatrix.features.tolerance import analytic_tolerance
from supportmatrix.matrix.model import FeatureCell, Outcome

#: Where the fault bends the damping's Kraus operator: the trainable feature's point.
ANCHOR = float(DENSITY_FEATURES["noise-amplitude-damping"].params[0])  # type: ignore[arg-type]
EPSILON = 1e-3
#: (feature, whether the fault must make its finite-diff run incorrect)
RUNS = (
    ("noise-amplitude-damping", True),
    ("noise-after-gate", False),  # a fixed damping at 0.2: outside the bend
    ("noise-phase-damping", False),  # PhaseDamping's operators are its own
)


def _outcome(name: str) -> Outcome:
    cell = FeatureCell("default.mixed", "autograd", "finite-diff", name, None)
    return run_feature_cell(cell, feature=DENSITY_FEATURES[name]).observed.outcome


def _bend(mp: pytest.MonkeyPatch) -> None:
    """K0 = diag(1, sqrt(1 - g)) times ``1 + 1e-3 (g - 0.3)`` near g = 0.3: the value at
    0.3 is untouched, ``d<XX>/dg`` moves by ``1e-3 sqrt(0.7) = 8.4e-4``."""
    real = qml.AmplitudeDamping.compute_kraus_matrices

    def bent(gamma):
        k0, k1 = real(gamma)
        near = qml.math.abs(gamma - ANCHOR) < 0.01
        factor = qml.math.where(near, 1 + EPSILON * (gamma - ANCHOR), qml.math.ones_like(gamma))
        corner = np.array([[0.0, 0.0], [0.0, 1.0]])
        return [k0 + (factor - 1) * k0 * corner, k1]

    mp.setattr(qml.AmplitudeDamping, "compute_kraus_matrices", staticmethod(bent))


@pytest.mark.filterwarnings("ignore")
def test_a_bent_damping_slope_fails_exactly_the_predicted_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    feature = DENSITY_FEATURES["noise-amplitude-damping"]
    # the shift is far above finite-diff's bound (3.6e-5), so the prediction is sound
    assert EPSILON * np.sqrt(1 - ANCHOR) > 10 * np.max(analytic_tolerance("finite-diff", feature))
    assert {name: _outcome(name) for name, _ in RUNS} == dict.fromkeys(
        (name for name, _ in RUNS), Outcome.SUPPORTED
    )
    _bend(monkeypatch)
    observed = {name: _outcome(name) is Outcome.INCORRECT for name, _ in RUNS}
    assert observed == dict(RUNS)
