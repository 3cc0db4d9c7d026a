"""An independent NumPy simulator of the suite's circuit, and the reference it yields.

It shares no code with PennyLane's simulators: the circuit is three 2x2/4x4
matrices applied to a 2-qubit state vector (wire 0 most significant, as in
PennyLane). The Jacobian reference is a finite-difference stencil over it, so
no cell's diff method is ever used to judge itself.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .circuits import DEVICE_WIRES, HERMITIAN, PARAMS, PROJECTOR_STATE

_CNOT = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=complex)
_Z = np.diag([1.0, -1.0])


def _rx(t: float) -> np.ndarray:
    c, s = np.cos(t / 2), np.sin(t / 2)
    return np.array([[c, -1j * s], [-1j * s, c]])


def _ry(t: float) -> np.ndarray:
    c, s = np.cos(t / 2), np.sin(t / 2)
    return np.array([[c, -s], [s, c]], dtype=complex)


def state(params: Sequence[float]) -> np.ndarray:
    """The 2-qubit state after RX(p0) on wire 0, RY(p1) on wire 1, CNOT(0, 1)."""
    psi0 = np.zeros(4, dtype=complex)
    psi0[0] = 1.0
    return _CNOT @ np.kron(_rx(params[0]), _ry(params[1])) @ psi0


def _reduced_wire0(psi: np.ndarray) -> np.ndarray:
    m = psi.reshape(2, 2)
    return m @ m.conj().T


def _reduced_wire1(psi: np.ndarray) -> np.ndarray:
    m = psi.reshape(2, 2)
    return m.T @ m.conj()


def _entropy(rho: np.ndarray) -> float:
    lam = np.linalg.eigvalsh(rho)
    lam = lam[lam > 1e-300]
    return float(-np.sum(lam * np.log(lam)))


def _complex_vector(z: np.ndarray) -> np.ndarray:
    z = z.ravel()
    return np.concatenate([z.real, z.imag])


def measure(measurement: str, params: Sequence[float]) -> np.ndarray | None:
    """The exact real output vector of ``measurement``; None for counts."""
    psi = state(params)
    probs = np.abs(psi) ** 2
    z1 = float(probs @ np.kron(np.ones(2), np.diag(_Z)))
    if measurement == "state":
        spare = np.zeros(2 ** (DEVICE_WIRES - 2))
        spare[0] = 1.0  # the spare wire stays in |0>
        return _complex_vector(np.kron(psi, spare))
    if measurement == "density_matrix":
        return _complex_vector(_reduced_wire0(psi))
    if measurement == "probs":
        return probs
    if measurement in ("expval", "sample"):  # a sample is checked through its mean
        return np.array([z1])
    if measurement == "expval_hermitian":
        return np.array([float(np.real(psi.conj() @ HERMITIAN @ psi))])
    if measurement == "expval_projector":
        return np.array([probs[2 * PROJECTOR_STATE[0] + PROJECTOR_STATE[1]]])
    if measurement == "var":
        return np.array([1.0 - z1**2])
    if measurement == "vn_entropy":
        return np.array([_entropy(_reduced_wire0(psi))])
    if measurement == "mutual_info":
        # The 2-qubit state is pure, so S(01) = 0.
        return np.array([_entropy(_reduced_wire0(psi)) + _entropy(_reduced_wire1(psi))])
    if measurement == "purity":
        rho = _reduced_wire0(psi)
        return np.array([float(np.real(np.trace(rho @ rho)))])
    if measurement == "counts":
        return None
    raise ValueError(f"unknown measurement {measurement!r}")


#: Step of the reference stencil. The 5-point central stencil's truncation error is
#: h**4/30 * |f^(5)| (about 3e-14 for the O(1) derivatives here) and its round-off
#: 1.5 * rounding / h; 1e-3 balances the two near 1e-12.
REFERENCE_STEP = 1e-3
_STENCIL = ((-2, 1 / 12), (-1, -8 / 12), (1, 8 / 12), (2, -1 / 12))


@dataclass(frozen=True)
class Reference:
    """Exact outputs and reference Jacobian of one measurement at `PARAMS`."""

    value: np.ndarray
    jacobian: np.ndarray
    #: Per output entry, the largest magnitude of the value and of its 2nd and 3rd
    #: derivatives along every coordinate and diagonal direction: the derivative
    #: scale that truncation-error bounds are written in.
    scale: np.ndarray


def _directions(n: int) -> list[np.ndarray]:
    eye = np.eye(n)
    dirs = [eye[i] for i in range(n)]
    dirs += [eye[i] + s * eye[j] for i in range(n) for j in range(i + 1, n) for s in (1, -1)]
    return dirs


@functools.cache
def reference(measurement: str) -> Reference | None:
    """The reference for ``measurement``, computed once per process."""
    x = np.array(PARAMS)
    value = measure(measurement, x)
    if value is None:
        return None
    f = functools.partial(measure, measurement)
    h = REFERENCE_STEP
    columns = []
    for i in range(len(x)):
        e = np.zeros_like(x)
        e[i] = h
        columns.append(sum(w * f(x + k * e) for k, w in _STENCIL) / h)
    jac = np.stack(columns, axis=1)

    # 2nd and 3rd derivatives from central differences at a coarser step; they only
    # set the scale of error bounds, so O(d^2) accuracy is plenty.
    d = 1e-2
    scale = np.abs(value).copy()
    for u in _directions(len(x)):
        fp, fm, f2p, f2m = f(x + d * u), f(x - d * u), f(x + 2 * d * u), f(x - 2 * d * u)
        second = (fp - 2 * value + fm) / d**2
        third = (f2p - 2 * fp + 2 * fm - f2m) / (2 * d**3)
        scale = np.maximum(scale, np.maximum(np.abs(second), np.abs(third)))
    return Reference(value=value, jacobian=jac, scale=scale)
