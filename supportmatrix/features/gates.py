"""The features oracle's gate matrices, written from their definitions, never taken from PennyLane.

Every parametrized gate takes an array of angles of shape (batch,) and returns matrices of
shape (batch, d, d); fixed gates are (d, d). Wire order within a gate is its ``wires``
order, the first wire most significant (as in PennyLane). The definitions:

* ``RX(t) = exp(-i t X / 2)``, likewise ``RY``, ``RZ``; ``Hadamard = (X + Z) / sqrt(2)``;
* ``CRX(t) = |0><0| (x) I + |1><1| (x) RX(t)``, control first, likewise ``CRY``, ``CRZ``;
* ``Rot(phi, theta, omega) = RZ(omega) RY(theta) RZ(phi)``;
* ``IsingXX(t) = exp(-i t X(x)X / 2)``, ``IsingZZ(t) = exp(-i t Z(x)Z / 2)``, and
  ``PauliRot(t, word) = exp(-i t P_word / 2)``: for a Pauli word ``P`` with ``P**2 = I``,
  ``exp(-i t P / 2) = cos(t/2) I - i sin(t/2) P``;
* ``exp(-i t G / 2)`` for a Hermitian ``G`` (`generated`): ``V diag(exp(-i t lambda / 2)) V^H``
  from ``G``'s eigendecomposition, an independent route to ``trainable-unitary``'s matrix.
"""

from __future__ import annotations

from functools import reduce

import numpy as np

PAULI: dict[str, np.ndarray] = {
    "I": np.eye(2, dtype=complex),
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "Z": np.array([[1, 0], [0, -1]], dtype=complex),
}
HADAMARD = (PAULI["X"] + PAULI["Z"]) / np.sqrt(2)
CNOT = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=complex)


def pauli_word(word: str) -> np.ndarray:
    """The matrix of a Pauli word such as ``"ZX"`` (first letter on the first wire)."""
    return reduce(np.kron, (PAULI[letter] for letter in word))


def pauli_rotation(t: np.ndarray, word: str) -> np.ndarray:
    """``exp(-i t P / 2)`` for each angle of ``t``: ``cos(t/2) I - i sin(t/2) P``."""
    t = np.asarray(t, dtype=float)
    p = pauli_word(word)
    eye = np.eye(p.shape[0])
    return np.cos(t / 2)[:, None, None] * eye - 1j * np.sin(t / 2)[:, None, None] * p


def generated(t: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``exp(-i t G / 2)`` for each angle of ``t``, from the eigendecomposition of ``G``."""
    eigenvalues, vectors = np.linalg.eigh(g)
    phases = np.exp(-0.5j * np.asarray(t, dtype=float)[:, None] * eigenvalues)
    return np.einsum("ij,bj,kj->bik", vectors, phases, vectors.conj())


def controlled(u: np.ndarray) -> np.ndarray:
    """``|0><0| (x) I + |1><1| (x) U`` for a batch of 2x2 matrices ``u``."""
    out = np.zeros((u.shape[0], 4, 4), dtype=complex)
    out[:, 0, 0] = out[:, 1, 1] = 1.0
    out[:, 2:, 2:] = u
    return out


def rot(phi: np.ndarray, theta: np.ndarray, omega: np.ndarray) -> np.ndarray:
    """``RZ(omega) RY(theta) RZ(phi)``."""
    return pauli_rotation(omega, "Z") @ pauli_rotation(theta, "Y") @ pauli_rotation(phi, "Z")


def parametrized(name: str, args: list[np.ndarray], word: str | None = None) -> np.ndarray:
    """The matrices of gate ``name`` at a batch of arguments (one array per argument)."""
    if name in ("RX", "RY", "RZ"):
        return pauli_rotation(args[0], name[1])
    if name in ("CRX", "CRY", "CRZ"):
        return controlled(pauli_rotation(args[0], name[2]))
    if name == "Rot":
        return rot(*args)
    if name in ("IsingXX", "IsingZZ"):
        return pauli_rotation(args[0], name[-2:])
    if name == "PauliRot":
        assert word is not None
        return pauli_rotation(args[0], word)
    raise ValueError(f"the features oracle has no matrix for gate {name!r}")
