"""The trainable matrices (`features.trainable`) and the templates' decompositions (`features.templates`)."""

from __future__ import annotations

import numpy as np
import pytest

from supportmatrix.check.bounds import PAULI_ROTATION
from supportmatrix.features import gates, templates, tolerance, trainable
from supportmatrix.features.catalog import FEATURES
from supportmatrix.features.gate_rules import GATE_RULES
from supportmatrix.features.oracle import feature_reference, outputs, tape_jacobian

T = np.array([0.37, -1.9, np.pi, 5.0])
GENERATOR = sum(c * gates.pauli_word(p) for c, p in trainable.GENERATOR)


def test_the_generator_squares_to_one_so_its_rule_is_the_two_term_one() -> None:
    assert np.allclose(GENERATOR @ GENERATOR, np.eye(2))
    assert trainable.UNITARY_RULE.frequency == 1.0
    assert trainable.UNITARY_RULE.rule == PAULI_ROTATION.rule
    assert trainable.UNITARY_RULE.generator_l1 == pytest.approx(0.7)
    assert GATE_RULES["QubitUnitary"] is trainable.UNITARY_RULE


def test_the_oracles_unitary_is_the_cos_sin_closed_form() -> None:
    """`gates.generated` (eigendecomposition) against cos(t/2) I - i sin(t/2) G."""
    got = gates.generated(T, GENERATOR)
    for t, u in zip(T, got, strict=True):
        assert np.allclose(u, np.cos(t / 2) * np.eye(2) - 1j * np.sin(t / 2) * GENERATOR, atol=1e-14)


def test_the_qnodes_unitary_is_the_oracles() -> None:
    """`trainable.unitary_of`, built with NumPy arrays, is the oracle's matrix."""
    pytest.importorskip("pennylane")
    for t, u in zip(T, gates.generated(T, GENERATOR), strict=True):
        assert np.allclose(trainable.unitary_of(np.float64(t)), u, atol=1e-14)


def test_the_hermitian_is_its_sum_and_its_width_its_spectrum() -> None:
    pytest.importorskip("pennylane")
    coefficients, words = [0.4, -0.7, 0.5], ["ZZ", "YI", "ZX"]
    expected = sum(c * gates.pauli_word(w) for c, w in zip(coefficients, words, strict=True))
    assert np.allclose(trainable.hermitian_of([np.float64(c) for c in coefficients], words), expected)
    # pairwise anticommuting words: M**2 = sum c**2 I, eigenvalues +-sqrt(sum c**2)
    assert trainable.spectral_width(np.array(coefficients), tuple(words)) == pytest.approx(
        2 * np.sqrt(0.4**2 + 0.7**2 + 0.5**2)
    )
    assert trainable.spectral_width(np.array([1.0, 1.0]), ("ZI", "IZ")) == pytest.approx(4.0)


def test_the_hermitian_features_shot_width_is_its_spectral_width() -> None:
    """Measured in its eigenbasis, not term by term: width**2 = (2 lambda)**2 (here equal to the
    Hamiltonian's 4 sum c**2 only because its terms anticommute pairwise)."""
    feature = FEATURES["trainable-hermitian"]
    width = trainable.spectral_width(feature.coefficients[0], ("ZZ", "YI", "ZX"))
    assert tolerance.output_width_sq(feature) == pytest.approx([width**2])
    assert feature.coefficient_params == (2, 3, 4)
    assert np.all(feature.frequencies == [1, 1, 0, 0, 0])


def test_the_hermitian_feature_is_the_hamiltonian_feature() -> None:
    """Same circuit, same observable: one matrix or a sum of terms gives the same reference."""
    assert np.allclose(feature_reference("trainable-hermitian").value, feature_reference("hamiltonian").value)
    assert np.allclose(
        feature_reference("trainable-hermitian").jacobian, feature_reference("hamiltonian").jacobian
    )


def test_the_unitarys_two_term_rule_reproduces_its_derivative() -> None:
    feature = FEATURES["trainable-unitary"]
    x = np.array(feature.params)
    shifted = np.array([x + s * np.eye(len(x))[1] for _, s in trainable.UNITARY_RULE.rule])
    rule = sum(
        c * v for (c, _), v in zip(trainable.UNITARY_RULE.rule, outputs(feature, shifted), strict=True)
    )
    assert np.allclose(rule, tape_jacobian("trainable-unitary")[:, 1], atol=1e-10)


# --------------------------------------------------------------------------- templates


def test_weights_shapes_and_refusals() -> None:
    assert templates.weights_shape("AngleEmbedding", 2, 2) == (2,)
    assert templates.weights_shape("BasicEntanglerLayers", 2, 4) == (2, 2)
    assert templates.weights_shape("StronglyEntanglingLayers", 2, 12) == (2, 2, 3)
    with pytest.raises(ValueError, match="multiple of 6 weights, not 4"):
        templates.weights_shape("StronglyEntanglingLayers", 2, 4)


def _matrix(name: str, weights: list[float], wires: int = 2) -> np.ndarray:
    """The template's unitary on ``wires`` wires from `templates.decomposition`."""
    u = np.eye(2**wires, dtype=complex)
    for gate, on in templates.decomposition(name, tuple(range(wires)), [np.array([w]) for w in weights]):
        full = np.eye(1, dtype=complex)
        if len(on) == 1:
            for w in range(wires):
                full = np.kron(
                    full, gate[0] if gate.ndim == 3 and w == on[0] else gate if w == on[0] else np.eye(2)
                )
        else:
            full = _two_qubit(gate, on, wires)
        u = full @ u
    return u


def _two_qubit(gate: np.ndarray, on: tuple[int, ...], wires: int) -> np.ndarray:
    full = np.zeros((2**wires, 2**wires), dtype=complex)
    for col in range(2**wires):
        bits = [(col >> (wires - 1 - w)) & 1 for w in range(wires)]
        sub = 2 * bits[on[0]] + bits[on[1]]
        for out in range(4):
            new = list(bits)
            new[on[0]], new[on[1]] = out >> 1, out & 1
            full[int("".join(map(str, new)), 2), col] += gate[out, sub]
    return full


def test_the_angle_embedding_is_rx_on_each_wire() -> None:
    a, b = 0.3, -1.2
    expected = np.kron(
        gates.pauli_rotation(np.array([a]), "X")[0], gates.pauli_rotation(np.array([b]), "X")[0]
    )
    assert np.allclose(_matrix("AngleEmbedding", [a, b]), expected)


def test_the_entanglers_cnot_patterns() -> None:
    """At zero weights only the CNOTs are left: one CNOT(0, 1) for BasicEntanglerLayers on two
    wires, CNOT(0, 1) then CNOT(1, 0) for StronglyEntanglingLayers; a ring of three on three wires."""
    cnot10 = _two_qubit(gates.CNOT, (1, 0), 2)
    assert np.allclose(_matrix("BasicEntanglerLayers", [0.0, 0.0]), gates.CNOT)
    assert np.allclose(_matrix("StronglyEntanglingLayers", [0.0] * 6), cnot10 @ gates.CNOT)
    ring = (
        _two_qubit(gates.CNOT, (2, 0), 3)
        @ _two_qubit(gates.CNOT, (1, 2), 3)
        @ _two_qubit(gates.CNOT, (0, 1), 3)
    )
    assert np.allclose(_matrix("BasicEntanglerLayers", [0.0] * 3, wires=3), ring)
    # a second strongly entangling layer on three wires has range 2

    assert templates._entanglers("StronglyEntanglingLayers", (0, 1, 2), 1) == [(0, 2), (1, 0), (2, 1)]


@pytest.mark.parametrize("name", ["AngleEmbedding", "BasicEntanglerLayers", "StronglyEntanglingLayers"])
def test_the_decompositions_are_pennylanes_templates(name: str) -> None:
    """Written from the documentation, checked against PennyLane's own matrix of the template."""
    qml = pytest.importorskip("pennylane")
    rng = np.random.default_rng(7)
    count = 2 if name != "StronglyEntanglingLayers" else 12
    weights = rng.uniform(-np.pi, np.pi, count)
    shape = templates.weights_shape(name, 2, count)
    op = getattr(qml, name)(weights.reshape(shape), wires=[0, 1])
    assert np.allclose(qml.matrix(op, wire_order=[0, 1]), _matrix(name, list(weights)), atol=1e-12)


def test_the_templates_work_counts_its_decomposition() -> None:
    assert templates.work("StronglyEntanglingLayers", (0, 1), 6) == 6 + 2 * 2
    assert templates.work("BasicEntanglerLayers", (0, 1), 2) == 2 + 2
    assert templates.work("AngleEmbedding", (0, 1), 2) == 2
    feature = FEATURES["templates"]
    assert feature.work == 2 + 2 + 10 + 4 + feature.amplitudes  # BasisState counts as a 2-qubit gate
    assert np.all(feature.frequencies == 1)
