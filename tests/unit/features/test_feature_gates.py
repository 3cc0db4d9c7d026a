"""The features oracle's gates against matrices and values known independently of its code."""

from __future__ import annotations

import numpy as np
import pytest

from supportmatrix.features import gates
from supportmatrix.features.statevector import apply

T = np.array([0.37, -1.9, np.pi])


def _expm_pauli(t: float, word: str) -> np.ndarray:
    """exp(-i t P / 2) through P's eigendecomposition, not through cos/sin."""
    lam, vec = np.linalg.eigh(gates.pauli_word(word))
    return vec @ np.diag(np.exp(-0.5j * t * lam)) @ vec.conj().T


def test_rotations_at_known_angles() -> None:
    x, y, z = (gates.PAULI[p] for p in "XYZ")
    assert np.allclose(gates.parametrized("RX", [np.array([np.pi])])[0], -1j * x)
    assert np.allclose(gates.parametrized("RY", [np.array([np.pi])])[0], -1j * y)
    assert np.allclose(gates.parametrized("RZ", [np.array([np.pi])])[0], -1j * z)
    plus = gates.parametrized("RY", [np.array([np.pi / 2])])[0] @ np.array([1, 0])
    assert np.allclose(plus, np.array([1, 1]) / np.sqrt(2))


@pytest.mark.parametrize("word", ["X", "Y", "Z", "XX", "ZZ", "XZ", "XY", "YZ"])
def test_pauli_rotations_are_exponentials(word: str) -> None:
    got = gates.pauli_rotation(T, word)
    for t, u in zip(T, got, strict=True):
        assert np.allclose(u, _expm_pauli(t, word), atol=1e-14)
        assert np.allclose(u @ u.conj().T, np.eye(len(u)), atol=1e-14)


def test_ising_matrices_as_written_in_the_literature() -> None:
    t = 0.81
    c, s = np.cos(t / 2), np.sin(t / 2)
    xx = np.array([[c, 0, 0, -1j * s], [0, c, -1j * s, 0], [0, -1j * s, c, 0], [-1j * s, 0, 0, c]])
    zz = np.diag(np.exp(-0.5j * t * np.array([1, -1, -1, 1])))
    assert np.allclose(gates.parametrized("IsingXX", [np.array([t])])[0], xx)
    assert np.allclose(gates.parametrized("IsingZZ", [np.array([t])])[0], zz)


@pytest.mark.parametrize("name", ["CRX", "CRY", "CRZ"])
def test_controlled_rotations_act_only_when_the_control_is_one(name: str) -> None:
    u = gates.parametrized(name, [T])
    target = gates.pauli_rotation(T, name[2])
    assert np.allclose(u[:, :2, :2], np.eye(2)) and np.allclose(u[:, :2, 2:], 0)
    assert np.allclose(u[:, 2:, 2:], target)


def test_rot_is_rz_ry_rz_with_the_documented_closed_form() -> None:
    phi, theta, omega = 0.3, -1.1, 2.2
    got = gates.rot(np.array([phi]), np.array([theta]), np.array([omega]))[0]
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    closed = np.array(
        [
            [np.exp(-0.5j * (phi + omega)) * c, -np.exp(0.5j * (phi - omega)) * s],
            [np.exp(-0.5j * (phi - omega)) * s, np.exp(0.5j * (phi + omega)) * c],
        ]
    )
    assert np.allclose(got, closed)


def test_apply_respects_wire_order() -> None:
    """CNOT on wires (1, 0) flips wire 0 where wire 1 is 1: |01> -> |11>."""
    psi = np.zeros((1, 2, 2), dtype=complex)
    psi[0, 0, 1] = 1
    out = apply(psi, gates.CNOT, (1, 0))
    assert out[0, 1, 1] == 1 and np.sum(np.abs(out)) == 1
    assert apply(psi, gates.CNOT, (0, 1))[0, 0, 1] == 1  # control 0 is 0: unchanged


def test_unknown_gate_is_refused() -> None:
    with pytest.raises(ValueError, match="no matrix for gate 'Toffoli'"):
        gates.parametrized("Toffoli", [T])
