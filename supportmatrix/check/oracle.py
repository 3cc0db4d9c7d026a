"""An independent NumPy simulator of the suite's circuits, and the reference it yields.

It shares no code with PennyLane's simulators: the gates of a `CircuitShape`
are 2x2 matrices and a CNOT index flip applied to an n-qubit state tensor
(wire 0 most significant, as in PennyLane). It evaluates a batch of parameter
vectors at once, which is what the finite-difference stencils need. The
Jacobian reference is such a stencil, so no cell's diff method is ever used to
judge itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from supportmatrix.check.circuits import DEFAULT_CIRCUIT, PARAMS, CircuitShape
from supportmatrix.check.measurements import HERMITIAN, PROJECTOR_STATE
from supportmatrix.check.stencil import HESSIAN_STEP, STENCIL

_Z = np.array([1.0, -1.0])


def _rx(t: np.ndarray) -> np.ndarray:
    c, s = np.cos(t / 2), np.sin(t / 2)
    return np.stack([np.stack([c, -1j * s], -1), np.stack([-1j * s, c], -1)], -2)


def _ry(t: np.ndarray) -> np.ndarray:
    c, s = np.cos(t / 2) + 0j, np.sin(t / 2) + 0j
    return np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)


_GATES = {"RX": _rx, "RY": _ry}


def _cnot(psi: np.ndarray, control: int, target: int) -> np.ndarray:
    """CNOT on a batch of states of shape (batch, 2, ..., 2): flip ``target`` where ``control`` is 1."""
    out = psi.copy()
    ones: list[slice | int] = [slice(None)] * psi.ndim
    ones[control + 1] = 1
    # the control axis is gone from the slice, so axes after it move one to the left
    axis = target + 1 - (target > control)
    out[tuple(ones)] = np.flip(psi[tuple(ones)], axis=axis)
    return out


def states(params: np.ndarray, shape: CircuitShape = DEFAULT_CIRCUIT) -> np.ndarray:
    """States of shape (batch, 2 ** wires) for parameter vectors of shape (batch, n_params)."""
    params = np.asarray(params, dtype=float)
    batch = params.shape[0]
    psi = np.zeros((batch,) + (2,) * shape.wires, dtype=complex)
    psi[(slice(None),) + (0,) * shape.wires] = 1.0
    for name, wires, index in shape.gates():
        if index is None:
            psi = _cnot(psi, *wires)
        else:
            axis = wires[0] + 1
            psi = np.moveaxis(
                np.einsum("bij,b...j->b...i", _GATES[name](params[:, index]), np.moveaxis(psi, axis, -1)),
                -1,
                axis,
            )
    return psi.reshape(batch, -1)


def state(params: Sequence[float], shape: CircuitShape = DEFAULT_CIRCUIT) -> np.ndarray:
    """The state of the circuit wires for one parameter vector."""
    return states(np.asarray(params, dtype=float)[None, :], shape)[0]


def _entropy(rho: np.ndarray) -> np.ndarray:
    lam = np.linalg.eigvalsh(rho)
    safe = np.where(lam > 1e-300, lam, 1.0)  # 0 log 0 = 0
    return -np.sum(np.where(lam > 1e-300, lam * np.log(safe), 0.0), axis=-1)


def _complex_vector(z: np.ndarray) -> np.ndarray:
    z = z.reshape(z.shape[0], -1)
    return np.concatenate([z.real, z.imag], axis=1)


#: The oracle's name for ``qml.state()`` on a mixed-state device: the density matrix of every
#: device wire, |psi><psi| of the pure state the circuit prepares.
MIXED_STATE = "state-density-matrix"


def oracle_measurement(measurement: str, *, mixed_state: bool) -> str:
    """The oracle's measurement for a cell's: ``state`` follows the device's kind of state."""
    return MIXED_STATE if mixed_state and measurement == "state" else measurement


def measure_batch(measurement: str, params: np.ndarray, shape: CircuitShape) -> np.ndarray | None:
    """Exact real outputs (batch, outputs) of ``measurement`` for parameter vectors (batch, n)."""
    psi = states(params, shape)
    batch = psi.shape[0]
    m = psi.reshape(batch, 2, 2, -1)  # wires 0, 1 and the rest
    probs01 = np.sum(np.abs(m) ** 2, axis=-1).reshape(batch, 4)
    z1 = probs01 @ np.kron(np.ones(2), _Z)
    rho0 = np.einsum("barx,bcrx->bac", m, m.conj())
    if measurement in ("state", MIXED_STATE):
        spare = np.zeros(2 ** (shape.device_wires - shape.wires))
        spare[0] = 1.0  # the auxiliary wire stays in |0>
        full = np.einsum("bi,j->bij", psi, spare).reshape(batch, -1)
        if measurement == MIXED_STATE:
            return _complex_vector(np.einsum("bi,bj->bij", full, full.conj()))
        return _complex_vector(full)
    if measurement == "density_matrix":
        return _complex_vector(rho0)
    if measurement == "probs":
        return probs01
    if measurement in ("expval", "sample"):  # a sample is checked through its mean
        return z1[:, None]
    if measurement == "expval_hermitian":
        m01 = m.reshape(batch, 4, -1)
        rho01 = np.einsum("bix,bjx->bij", m01, m01.conj())
        return np.real(np.einsum("bij,ji->b", rho01, HERMITIAN))[:, None]
    if measurement == "expval_projector":
        return probs01[:, 2 * PROJECTOR_STATE[0] + PROJECTOR_STATE[1], None]
    if measurement == "var":
        return (1.0 - z1**2)[:, None]
    if measurement == "vn_entropy":
        return _entropy(rho0)[:, None]
    if measurement == "mutual_info":
        rho1 = np.einsum("barx,bacx->brc", m, m.conj())
        joint = np.zeros(batch)
        if shape.wires > 2:  # with two circuit wires the measured pair is the whole pure state
            m01 = m.reshape(batch, 4, -1)
            joint = _entropy(np.einsum("bix,bjx->bij", m01, m01.conj()))
        return (_entropy(rho0) + _entropy(rho1) - joint)[:, None]
    if measurement == "purity":
        return np.real(np.einsum("bij,bji->b", rho0, rho0))[:, None]
    if measurement == "counts":
        return None
    raise ValueError(f"unknown measurement {measurement!r}")


def measure(
    measurement: str, params: Sequence[float], shape: CircuitShape = DEFAULT_CIRCUIT
) -> np.ndarray | None:
    """The exact real output vector of ``measurement``; None for counts."""
    out = measure_batch(measurement, np.asarray(params, dtype=float)[None, :], shape)
    return None if out is None else out[0]


#: Step of the reference stencil (`stencil`). Its truncation error is h**4/30 * |f^(5)|
#: (about 3e-14 for the O(1) derivatives here) and its round-off 1.5 * rounding / h;
#: 1e-3 balances the two near 1e-12.
REFERENCE_STEP = 1e-3
#: Step of the 2nd/3rd-derivative estimates behind `Reference.scale`.
_SCALE_STEP = 1e-2


@dataclass(frozen=True)
class Reference:
    """Exact outputs and reference Jacobian of one measurement at one parameter point."""

    value: np.ndarray
    jacobian: np.ndarray
    #: Per output entry, the largest magnitude of the value and of its 2nd and 3rd
    #: derivatives along every coordinate and diagonal direction: the derivative
    #: scale that truncation-error bounds are written in.
    scale: np.ndarray
    #: Per entry, the stencil's truncation error estimated from the same stencil at
    #: twice the step (Richardson: the error grows 16-fold, so it is |J(2h) - J(h)| / 15).
    truncation: np.ndarray
    #: Gates of the circuit and amplitudes of the device state: what round-off grows with.
    gates: int
    amplitudes: int


def _directions(n: int) -> np.ndarray:
    eye = np.eye(n)
    dirs = [eye[i] for i in range(n)]
    dirs += [eye[i] + s * eye[j] for i in range(n) for j in range(i + 1, n) for s in (1, -1)]
    return np.array(dirs)


def _stencil(f_at: np.ndarray, n: int, h: float) -> np.ndarray:
    """Jacobian (outputs, n) from stencil values laid out as (offset, param, outputs)."""
    weights = np.array([w for _, w in STENCIL])
    return np.einsum("k,kpo->op", weights, f_at) / h


@functools.lru_cache(maxsize=256)
def reference(
    measurement: str, shape: CircuitShape = DEFAULT_CIRCUIT, params: tuple[float, ...] = PARAMS
) -> Reference | None:
    """The reference for ``measurement`` at ``params``; cached, so each matrix cell's is
    computed once per process."""
    return stencil_reference(
        lambda points: measure_batch(measurement, points, shape),
        np.array(params, dtype=float),
        gates=len(shape.gates()),
        amplitudes=2**shape.device_wires,
    )


def stencil_reference(
    batch: Callable[[np.ndarray], np.ndarray | None], x: np.ndarray, *, gates: int, amplitudes: int
) -> Reference | None:
    """The `Reference` of any circuit at ``x``, given ``batch``: parameter vectors of shape
    (points, n) to exact real outputs (points, outputs), or None when there are none.

    The features family's oracle uses it with its own circuits.
    """
    n = x.size
    eye = np.eye(n)
    offsets = np.array([k for k, _ in STENCIL], dtype=float)
    h = REFERENCE_STEP
    # one batch: the point, the stencils at h and 2h, and the scale directions at d and 2d
    stencil_pts = [x + k * s * eye for s in (h, 2 * h) for k in offsets]  # each (n, n)
    dirs = _directions(n)
    d = _SCALE_STEP
    scale_pts = [x + k * d * dirs for k in (1.0, -1.0, 2.0, -2.0)]
    points = np.concatenate([x[None, :], *stencil_pts, *scale_pts])
    values = batch(points)
    if values is None:
        return None
    value, rest = values[0], values[1:]
    st, rest = rest[: 2 * len(offsets) * n], rest[2 * len(offsets) * n :]
    st = st.reshape(2, len(offsets), n, -1)
    jac, jac_2h = _stencil(st[0], n, h), _stencil(st[1], n, 2 * h)
    fp, fm, f2p, f2m = rest.reshape(4, len(dirs), -1)
    # 2nd and 3rd derivatives from central differences at a coarser step; they only
    # set the scale of error bounds, so O(d^2) accuracy is plenty.
    second = (fp - 2 * value + fm) / d**2
    third = (f2p - 2 * fp + 2 * fm - f2m) / (2 * d**3)
    scale = np.maximum(np.abs(value), np.max(np.maximum(np.abs(second), np.abs(third)), axis=0))
    return Reference(
        value=value,
        jacobian=jac,
        scale=scale,
        truncation=np.abs(jac_2h - jac) / 15,
        gates=gates,
        amplitudes=amplitudes,
    )


def stencil_hessian(
    batch: Callable[[np.ndarray], np.ndarray], x: np.ndarray, *, h: float = HESSIAN_STEP
) -> np.ndarray:
    """The nested 5-point stencil's second derivatives of ``batch``'s outputs at ``x``:
    shape (outputs, n, n), ``[o, j, i] ~ d_j d_i f_o`` (its error: `stencil`'s docstring).

    ``batch`` maps parameter vectors (points, n) to exact real outputs (points, outputs);
    every point of every entry is evaluated in one call.
    """
    n = x.size
    eye = np.eye(n)
    pairs = [
        (i, j, k, wk * wm, m) for i in range(n) for j in range(n) for k, wk in STENCIL for m, wm in STENCIL
    ]
    points = np.array([x + k * h * eye[i] + m * h * eye[j] for i, j, k, _, m in pairs])
    values = batch(points)
    hessian = np.zeros((values.shape[1], n, n))
    for (i, j, _, weight, _), value in zip(pairs, values, strict=True):
        hessian[:, j, i] += weight * value
    return hessian / h**2
