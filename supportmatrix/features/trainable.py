"""The matrices that are parameters themselves: ``trainable-unitary``'s ``exp(-i t G / 2)`` and ``trainable-hermitian``'s observable.

Both are built inside the QNode from the interface's own array operations, so that the
matrix is a differentiable function of the parameters and PennyLane sees a trainable
matrix (`unitary_of`, `hermitian_of`; their source goes into the failure report's snippet).
The oracle never calls them: it takes the unitary from `gates.expm_hermitian` and
measures the observable term by term (`oracle`).

The unitary's generator ``G = 0.6 X + 0.8 Z`` on one qubit has ``G**2 = I`` (X and Z
anticommute and 0.6**2 + 0.8**2 = 1), so ``exp(-i t G / 2) = cos(t/2) I - i sin(t/2) G``:
eigenvalues of ``G / 2`` are +-1/2, which gives frequency 1 and the two-term rule, like a
Pauli rotation, and the Pauli 1-norm of ``G / 2`` is (0.6 + 0.8) / 2 = 0.7 (`UNITARY_RULE`).
PennyLane documents that a single-qubit ``QubitUnitary`` can be differentiated with
respect to its matrix (through its decomposition into rotations), a two-qubit one not
(``transforms.unitary_to_rot``), so the feature's unitary acts on one qubit.

A trainable Hermitian ``M = sum_j c_j P_j`` (``c_j`` parameters) enters the output
linearly; with shots PennyLane measures it in its eigenbasis, so one shot's value ranges
over its spectrum and the estimate's per-shot width is ``lambda_max - lambda_min``
(`spectral_width`).
"""

from __future__ import annotations

from functools import reduce

import numpy as np

from supportmatrix.check.bounds import GateRule

#: ``G``'s Pauli terms: (coefficient, letter).
GENERATOR: tuple[tuple[float, str], ...] = ((0.6, "X"), (0.8, "Z"))
#: ``exp(-i t G / 2)``: frequency 1, the two-term rule, generator 1-norm 0.7 (docstring).
UNITARY_RULE = GateRule(
    frequency=1.0,
    rule=((0.5, np.pi / 2), (-0.5, -np.pi / 2)),
    generator_l1=sum(abs(c) for c, _ in GENERATOR) / 2,
)

_PAULI = {
    "I": [[1, 0], [0, 1]],
    "X": [[0, 1], [1, 0]],
    "Y": [[0, -1j], [1j, 0]],
    "Z": [[1, 0], [0, -1]],
}


def word_matrix(word):  # no annotations: reproduction snippets quote its source
    """The NumPy matrix of a Pauli word such as ``"ZX"`` (first letter on the first wire)."""
    return reduce(np.kron, [np.array(_PAULI[p], dtype=complex) for p in word])


def as_complex(v):  # no annotations: reproduction snippets quote its source
    """``v`` ready to multiply a complex matrix: TensorFlow does not promote real to complex,
    the other frameworks do (and autograd warns when casting back, `ComplexWarning`)."""
    import pennylane as qml

    return qml.math.cast(v, "complex128") if qml.math.get_interface(v) == "tensorflow" else v


def unitary_of(t):  # no annotations: reproduction snippets quote its source
    """``cos(t/2) I - i sin(t/2) G`` in ``t``'s interface: a differentiable function of ``t``."""
    import pennylane as qml

    g = sum(c * word_matrix(p) for c, p in GENERATOR)
    cos, sin = as_complex(qml.math.cos(t / 2)), as_complex(qml.math.sin(t / 2))
    return cos * qml.math.convert_like(np.eye(2, dtype=complex), t) - 1j * sin * qml.math.convert_like(g, t)


def hermitian_of(coefficients, words):  # no annotations: reproduction snippets quote its source
    """``sum_j c_j P_j`` as one matrix in the coefficients' interface."""
    import pennylane as qml

    terms = [
        as_complex(c) * qml.math.convert_like(word_matrix(w), c)
        for c, w in zip(coefficients, words, strict=True)
    ]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def spectral_width(coefficients: np.ndarray, words: tuple[str, ...]) -> float:
    """``lambda_max - lambda_min`` of ``sum_j c_j P_j``: one eigenbasis shot's range."""
    m = sum(c * word_matrix(w) for c, w in zip(coefficients, words, strict=True))
    eigenvalues = np.linalg.eigvalsh(m)
    return float(eigenvalues[-1] - eigenvalues[0])
