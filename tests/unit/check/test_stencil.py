"""The stencil's constants, and the nested stencil against a closed form within its derived bound."""

from __future__ import annotations

import numpy as np
import pytest

from supportmatrix.check.oracle import stencil_hessian
from supportmatrix.check.stencil import HESSIAN_STEP, NESTED_WEIGHTS, STENCIL, WEIGHTED_OFFSETS, WEIGHTS


def test_the_constants_are_the_weights_moments() -> None:
    assert sum(w for _, w in STENCIL) == pytest.approx(0, abs=1e-15)
    assert sum(w * k for k, w in STENCIL) == pytest.approx(1)
    assert sum(w * k**3 for k, w in STENCIL) == pytest.approx(0, abs=1e-15)
    assert pytest.approx((1.5, 5 / 3, 2.25)) == (WEIGHTS, WEIGHTED_OFFSETS, NESTED_WEIGHTS)


def test_the_nested_stencil_is_within_its_bound_of_a_closed_form() -> None:
    """f = cos(a x) sin(b y): every derivative is bounded by a**p b**q (Bernstein), so the
    truncation is at most h**4/30 (a**5 b + 5/3 b**5 a) off the diagonal."""
    a, b = 2.0, 1.0
    x = np.array([0.3, -0.7])

    def f(points: np.ndarray) -> np.ndarray:
        return (np.cos(a * points[:, 0]) * np.sin(b * points[:, 1]))[:, None]

    h = HESSIAN_STEP
    exact = np.array(
        [
            [-a * a * np.cos(a * x[0]) * np.sin(b * x[1]), -a * b * np.sin(a * x[0]) * np.cos(b * x[1])],
            [-a * b * np.sin(a * x[0]) * np.cos(b * x[1]), -b * b * np.cos(a * x[0]) * np.sin(b * x[1])],
        ]
    )
    omega = np.array([a, b])
    bound = np.array(
        [
            [
                h**4 / 30 * (omega[i] ** 5 * omega[j] + WEIGHTED_OFFSETS * omega[j] ** 5 * omega[i])
                + NESTED_WEIGHTS * 1e-16 / h**2
                for i in range(2)
            ]
            for j in range(2)
        ]
    )
    hessian = stencil_hessian(f, x)[0]
    assert np.all(np.abs(hessian - exact) <= bound)
    assert np.max(np.abs(hessian - exact)) > 1e-12  # the bound is not vacuous: there is an error
