"""The hybrid model in plain NumPy, its loss gradient by finite differences, and the bounds.

Shares no code with PennyLane or the frameworks: a 2-qubit state-vector simulation of
`models.qnode_body` between two dense layers, vectorized over the data points and
over the finite-difference probes, so a whole reference gradient is one NumPy pass.

Reference gradient
    A 5-point central stencil with step ``h = STEP`` along each parameter of the loss
    ``L = mean over points b and outputs k of (o_bk - y_bk)**2``.

Bounds (per parameter ``i``)
    Along one parameter, each point's loss term ``l_b`` is a trigonometric polynomial:
    every rotation angle enters one RX gate, so each expectation value has frequency 1 in
    it, and ``l_b`` (quadratic in the expectation values) has frequency ``sigma_bi = 2 s_bi``,
    where ``s_bi = |x_bi|`` for a first-layer kernel entry (the angle is ``x_b . w + c``)
    and 1 for a first-layer bias or a rotation weight. With ``|<Z>| <= 1`` and one-hot
    targets, ``|o_bk - y_bk| <= A_k = sum_j |W2_jk| + |b2_k| + 1``, so
    ``|l_b| <= M = mean_k A_k**2``. Bernstein's inequality for such polynomials gives
    ``|l_b^(n)| <= sigma_bi**n M``. Hence:

    * reference error: truncation ``h**4/30 * mean_b sigma_bi**5 * M`` plus round-off of the
      stencil ``1.5 * delta / h`` with ``delta = ROUNDING * M``; the second dense layer's
      parameters enter quadratically, so their stencil has no truncation error;
    * gradient scale ``G_i = mean_b sigma_bi * M`` (``2 M`` for the second layer) bounds the
      terms a framework sums for ``dL/dtheta_i``; an error ``e`` in each derivative of an
      expectation value with respect to an angle moves the gradient by at most ``e G_i``:
      ``e = ROUNDING`` for exact methods, and for PennyLane's forward finite difference
      ``e = h_fd/2 * |<Z>''| + 2 delta / h_fd <= h_fd/2 + 2 ROUNDING / h_fd``;
    * tolerance ``SAFETY * (reference error + e * G_i)``; the loss itself within
      ``SAFETY * ROUNDING * M``.

    ``ROUNDING``, ``SAFETY`` and the formulas are the kernel's (`check.bounds`): a few
    dozen operations per loss term, averaged, stay well inside 64 eps of ``M``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supportmatrix.check.bounds import (
    EXACT_METHODS,
    ROUNDING,
    SAFETY,
    Bernstein,
    Bound,
    Derivatives,
    analytic_bound,
    method_error,
    stencil_error,
)
from supportmatrix.check.stencil import STENCIL
from supportmatrix.hybrid.models import N_QUANTUM_LAYERS, PARAM_SHAPES, Params

#: Stencil step: balances truncation (h**4) against round-off (1/h) for sigma up to ~5.
STEP = 2e-3


def outputs(params: Params, x: np.ndarray) -> np.ndarray:
    """Model outputs, shape (..., points, 2); params may carry leading probe dimensions."""
    u = np.einsum("bi,...ij->...bj", x, params["dense1.kernel"]) + params["dense1.bias"][..., None, :]
    q = expectations(u, params["quantum.weights"])
    return np.einsum("...bj,...jk->...bk", q, params["dense2.kernel"]) + params["dense2.bias"][..., None, :]


def expectations(u: np.ndarray, quantum_weights: np.ndarray) -> np.ndarray:
    """The quantum layer alone: <Z0>, <Z1> of `models.qnode_body` for angles ``u`` of shape
    (..., points, 2), shape (..., points, 2); ``quantum_weights`` (..., layers, 2)."""
    psi = np.zeros((*u.shape[:-1], 2, 2), dtype=complex)
    psi[..., 0, 0] = 1.0
    psi = _rx(psi, u[..., 0], wire=0)
    psi = _rx(psi, u[..., 1], wire=1)
    weights = quantum_weights[..., None, :, :]  # broadcast over points
    for layer in range(N_QUANTUM_LAYERS):
        psi = _rx(psi, weights[..., layer, 0], wire=0)
        psi = _rx(psi, weights[..., layer, 1], wire=1)
        psi = np.stack([psi[..., 0, :], psi[..., 1, ::-1]], axis=-2)  # CNOT(0, 1)
    prob = np.abs(psi) ** 2
    z0 = prob[..., 0, :].sum(-1) - prob[..., 1, :].sum(-1)
    z1 = prob[..., :, 0].sum(-1) - prob[..., :, 1].sum(-1)
    return np.stack([z0, z1], axis=-1)


def _rx(psi: np.ndarray, theta: np.ndarray, *, wire: int) -> np.ndarray:
    c = np.cos(theta / 2)[..., None]
    s = -1j * np.sin(theta / 2)[..., None]
    if wire == 0:
        a, b = psi[..., 0, :], psi[..., 1, :]
        return np.stack([c * a + s * b, s * a + c * b], axis=-2)
    a, b = psi[..., :, 0], psi[..., :, 1]
    return np.stack([c * a + s * b, s * a + c * b], axis=-1)


def loss(params: Params, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean squared error over points and outputs, shape (...) of the probe dimensions."""
    return np.mean((outputs(params, x) - y) ** 2, axis=(-2, -1))


def reference_gradient(params: Params, x: np.ndarray, y: np.ndarray) -> Params:
    """dL/dtheta for every parameter, by the 5-point stencil, all probes in one pass."""
    flat = flatten(params)
    n = flat.size
    probes = np.repeat(flat[None, :], len(STENCIL) * n, axis=0)
    for k, (offset, _) in enumerate(STENCIL):
        probes[k * n + np.arange(n), np.arange(n)] += offset * STEP
    values = loss(_unflatten(probes), x, y).reshape(len(STENCIL), n)
    weights = np.array([w for _, w in STENCIL])
    return _unflatten(weights @ values / STEP)


def loss_tolerance(params: Params) -> float:
    """How far a framework's float64 loss may be from `loss`."""
    return SAFETY * ROUNDING * _loss_bound(params)


@dataclass(frozen=True)
class _PointMean:
    """``mean_b |l_b^(k)| <= mean_b sigma_bi**k * M`` (Bernstein per point, averaged)."""

    sigma: np.ndarray  # (points, *shape)
    magnitude: float

    def times(self, coefficient: float, order: int) -> np.ndarray:
        return coefficient * np.mean(self.sigma**order, axis=0) * self.magnitude


def gradient_tolerance(method: str, params: Params, x: np.ndarray) -> Params:
    """Per-entry tolerance of a loss gradient computed with QNode diff method ``method``."""
    if method not in EXACT_METHODS and method != "finite-diff":
        raise ValueError(f"no error model for diff method {method!r} in a hybrid model")
    # An expectation value's derivatives are at most 1 (frequency 1, |<Z>| <= 1).
    own = method_error(method, Bernstein(1.0, 1.0), ROUNDING)
    m = _loss_bound(params)
    delta = ROUNDING * m
    tolerance: Params = {}
    derivatives: Derivatives
    scale: Bound
    for name, shape in PARAM_SHAPES.items():
        if name.startswith("dense2"):  # quadratic: the stencil is exact
            derivatives, scale = Bernstein(0.0, m), np.full(shape, 2 * m)
        else:
            derivatives = _PointMean(2 * _angle_slope(name, shape, x), m)
            scale = derivatives.times(1.0, 1)
        tolerance[name] = np.asarray(analytic_bound(stencil_error(derivatives, delta, STEP), own * scale))
    return tolerance


def _loss_bound(params: Params) -> float:
    """M: a bound on every point's loss term whatever value one parameter before the
    second dense layer takes (see the module docstring)."""
    a = np.abs(params["dense2.kernel"]).sum(axis=0) + np.abs(params["dense2.bias"]) + 1
    return float(np.mean(a**2))


def _angle_slope(name: str, shape: tuple[int, ...], x: np.ndarray) -> np.ndarray:
    """s_bi: how fast the rotation angle that parameter ``name`` feeds moves with it."""
    points = x.shape[0]
    if name == "dense1.kernel":  # angle_j = sum_i x_i W_ij + c_j
        return np.broadcast_to(np.abs(x)[:, :, None], (points, *shape))
    return np.ones((points, *shape))


def flatten(params: Params) -> np.ndarray:
    """Every parameter's entries in one vector, in the order of `PARAM_SHAPES`, never cast:
    a framework's complex gradient stays complex (float32 next to float64 is promoted,
    exactly; the runner checks each parameter's dtype on its own)."""
    return np.concatenate([np.asarray(params[name]).reshape(-1) for name in PARAM_SHAPES])


def _unflatten(flat: np.ndarray) -> Params:
    """Split the last axis of ``flat`` into the named parameters (leading axes kept)."""
    params: Params = {}
    start = 0
    for name, shape in PARAM_SHAPES.items():
        size = int(np.prod(shape))
        params[name] = flat[..., start : start + size].reshape(*flat.shape[:-1], *shape)
        start += size
    return params
