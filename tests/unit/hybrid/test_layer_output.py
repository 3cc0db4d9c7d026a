"""Unit tests for `supportmatrix.hybrid.layer_output`: the quantum layer's output check.

The reference is checked against the hand-worked closed form of `test_hybrid_reference`
(``<Z0> = cos(x0 + w00) cos(w10)``, ``<Z1> = cos(w10) cos(x1 + w01 + w11)``) and against
PennyLane's own run of the tuple circuit; the check must reject every layout of the right
numbers but the documented one, PennyLane #9284's ``(n_meas, batch, 1)`` first.
"""

from __future__ import annotations

import numpy as np
import pytest

from supportmatrix.hybrid import reference
from supportmatrix.hybrid.layer_output import LAYER_TOLERANCE, documented_shape, layer_output_checks
from supportmatrix.hybrid.models import GRADIENT_POINTS, initial_params, moons, qnode_body_tuple

WEIGHTS = initial_params()["quantum.weights"]
X = moons()[0][:GRADIENT_POINTS]


def _closed_form(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    z0 = np.cos(x[:, 0] + w[0, 0]) * np.cos(w[1, 0])
    z1 = np.cos(w[1, 0]) * np.cos(x[:, 1] + w[0, 1] + w[1, 1])
    return np.stack([z0, z1], axis=1)


def _right() -> np.ndarray:
    return _closed_form(X, WEIGHTS)


def test_the_reference_layer_is_the_closed_form() -> None:
    np.testing.assert_allclose(reference.expectations(X, WEIGHTS), _right(), rtol=0, atol=1e-14)


def test_the_reference_layer_is_pennylanes_run_of_the_tuple_circuit() -> None:
    qml = pytest.importorskip("pennylane")
    qnode = qml.QNode(qnode_body_tuple, qml.device("default.qubit", wires=2))
    got = qnode(X, WEIGHTS)
    assert isinstance(got, tuple)
    np.testing.assert_allclose(np.stack(got, axis=1), reference.expectations(X, WEIGHTS), rtol=0, atol=1e-14)


def test_the_documented_shape_is_batch_by_measurements() -> None:
    assert documented_shape(GRADIENT_POINTS) == (8, 2)


def test_the_right_output_passes() -> None:
    value, dtype = layer_output_checks(_right(), WEIGHTS, X)
    assert value.passed and dtype.passed


def test_pennylane_9284s_layout_fails_although_its_numbers_are_right() -> None:
    """TorchLayer 0.45.1 with a tuple return: each measurement (batch, 1), stacked in front."""
    buggy = np.stack([_right()[:, [0]], _right()[:, [1]]])
    assert buggy.shape == (2, GRADIENT_POINTS, 1)
    value, dtype = layer_output_checks(buggy, WEIGHTS, X)
    assert not value.passed
    assert dtype.passed  # the dtype is right: only the shape check can catch it
    assert "observed shape (2, 8, 1), documented (8, 2)" in value.what


@pytest.mark.parametrize(
    "layout",
    [
        pytest.param(lambda q: q.T, id="transposed"),
        pytest.param(lambda q: q.T.reshape(q.shape), id="right-shape-wrong-order"),
        pytest.param(lambda q: q.reshape(-1), id="flattened"),
        pytest.param(lambda q: q[:, :1], id="one-measurement"),
    ],
)
def test_every_other_layout_fails(layout: object) -> None:
    assert callable(layout)
    value, _ = layer_output_checks(layout(_right()), WEIGHTS, X)
    assert not value.passed


def test_values_off_by_more_than_the_tolerance_fail_and_within_it_pass() -> None:
    off = _right().copy()
    off[3, 1] += 2 * LAYER_TOLERANCE
    assert not layer_output_checks(off, WEIGHTS, X)[0].passed
    off[3, 1] -= 1.5 * LAYER_TOLERANCE
    assert layer_output_checks(off, WEIGHTS, X)[0].passed


def test_float32_fails_the_dtype_and_the_values() -> None:
    """lightning.qubit's float32 expectation values: off by ~1e-8, far above the tolerance."""
    value, dtype = layer_output_checks(_right().astype(np.float32), WEIGHTS, X)
    assert not dtype.passed
    assert not value.passed


def test_the_tolerance_is_float64_round_off_of_a_bounded_value() -> None:
    assert 1e-14 < LAYER_TOLERANCE < 1e-12
