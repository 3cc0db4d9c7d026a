"""Self-tests for the noise features: break a channel's Kraus operators in PennyLane and check
that exactly the predicted default.mixed cells fail.

As in `test_feature_faults.py`: the fault is patched into PennyLane in this process, a slice
of devices/default.mixed.yaml's features cells runs in-process with pytester, and the cells
that must fail are predicted from the declarations and what the fault touches.
"""

from __future__ import annotations

from collections.abc import Callable

import jax  # noqa: F401 - imported outside pytester's runs, see test_fault_injection.py
import numpy as np
import pennylane as qml
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (needed by the faults' slices)")

from supportmatrix.features import analytic_bounds
from supportmatrix.features.catalog import FEATURES
from supportmatrix.features.oracle import reference_of
from supportmatrix.features.tolerance import analytic_tolerance
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import Outcome, ResolvedCell
from tests.selftest.fault_runs import ROOT, assert_fault_fails_exactly

pytest_plugins = ("pytester",)

MIXED = ROOT / "devices" / "default.mixed.yaml"
MATRIX = load_matrix(MIXED)
#: Where the fault bends the damping's Kraus operator: the trainable feature's point.
ANCHOR = FEATURES["noise-amplitude-damping"].params[0]
EPSILON = 1e-3


def _slice(*features: str) -> list[ResolvedCell]:
    return [
        rc
        for rc in MATRIX.family("features").cells
        if rc.cell.feature in features
        and rc.cell.interface in ("None", "autograd", "torch", "jax")
        and rc.cell.diff_method in ("best", "backprop", "parameter-shift", "finite-diff")
    ]


def damping_slope_bent(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """AmplitudeDamping's K0 = diag(1, sqrt(1 - g)) times ``1 + 1e-3 (g - 0.3)`` near g = 0.3.

    The value at g = 0.3 is untouched and the fixed damping of ``noise-after-gate`` (g = 0.2)
    is outside the bend, so only the derivative along a trainable damping moves:
    ``d<XX>/dg`` by ``1e-3 sqrt(1 - g) = 8.4e-4``, far above every analytic tolerance
    (3.6e-5 at most, finite-diff's), far below the 10000-shot one (0.26)."""
    real = qml.AmplitudeDamping.compute_kraus_matrices

    def bent(gamma):
        k0, k1 = real(gamma)
        near = qml.math.abs(gamma - ANCHOR) < 0.01
        factor = qml.math.where(near, 1 + EPSILON * (gamma - ANCHOR), qml.math.ones_like(gamma))
        corner = qml.math.convert_like(np.array([[0.0, 0.0], [0.0, 1.0]]), k0)
        return [k0 + (factor - 1) * k0 * corner, k1]

    mp.setattr(qml.AmplitudeDamping, "compute_kraus_matrices", staticmethod(bent))
    feature = FEATURES["noise-amplitude-damping"]
    shift = EPSILON * np.sqrt(1 - ANCHOR)
    assert shift > 10 * np.max(analytic_tolerance("finite-diff", feature))
    assert analytic_bounds.applies(feature) and reference_of(feature).jacobian[0, 0] < 0
    return lambda rc: (
        rc.cell.feature == "noise-amplitude-damping"
        and rc.cell.shots is None
        and rc.cell.interface != "None"
        and rc.expectation.outcome is Outcome.SUPPORTED
    )


def test_a_bent_damping_slope_fails_exactly_the_predicted_cells(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Control: ``noise-after-gate``'s fixed damping (0.2) is in the slice, outside the bend."""
    cells = _slice("noise-amplitude-damping", "noise-after-gate")
    assert_fault_fails_exactly(
        damping_slope_bent,
        cells,
        pytester,
        monkeypatch,
        matrix_path=MIXED,
        test_file="test_features.py",
        test_function="test_features_cell",
    )
