"""The hybrid loss and gradient checks on NumPy values: dtypes kept and checked, no casts."""

from __future__ import annotations

import numpy as np

from supportmatrix.hybrid import reference
from supportmatrix.hybrid.models import GRADIENT_POINTS, PARAM_SHAPES, initial_params, moons
from supportmatrix.hybrid.runner import _gradient_checks, _loss_checks

PARAMS = initial_params()
X, Y = (a[:GRADIENT_POINTS] for a in moons())


def _failed(checks):
    return [c.what for c in checks if not c.passed]


def test_the_reference_loss_and_gradient_in_float64_pass() -> None:
    assert _failed(_loss_checks(np.asarray(reference.loss(PARAMS, X, Y)), PARAMS, X, Y)) == []
    grads = reference.reference_gradient(PARAMS, X, Y)
    assert _failed(_gradient_checks("backprop", grads, PARAMS, X, Y)) == []


def test_a_float32_loss_fails_its_dtype_check() -> None:
    value = np.asarray(reference.loss(PARAMS, X, Y), dtype=np.float32)
    assert "loss dtype" in _failed(_loss_checks(value, PARAMS, X, Y))


def test_one_float32_gradient_among_float64_ones_is_named() -> None:
    grads = dict(reference.reference_gradient(PARAMS, X, Y))
    grads["quantum.weights"] = grads["quantum.weights"].astype(np.float32)
    failed = _failed(_gradient_checks("backprop", grads, PARAMS, X, Y))
    assert "loss gradient of quantum.weights dtype" in failed
    assert len([f for f in failed if f.endswith("dtype")]) == 1


def test_a_complex_gradient_keeps_its_imaginary_part() -> None:
    grads = {k: v.astype(np.complex128) for k, v in reference.reference_gradient(PARAMS, X, Y).items()}
    name = next(iter(PARAM_SHAPES))
    grads[name] = grads[name] + 0.1j
    failed = _failed(_gradient_checks("backprop", grads, PARAMS, X, Y))
    assert failed[0].startswith("loss gradient (entries") and len(failed) == 1 + len(PARAM_SHAPES)
