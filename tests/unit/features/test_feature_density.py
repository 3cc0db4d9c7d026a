"""The density-matrix oracle: Kraus maps and the amplitude embedding against closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from supportmatrix.features import density, tolerance
from supportmatrix.features.catalog import DENSITY_FEATURES
from supportmatrix.features.oracle import outputs, reference_of

DENSITY = [name for name, f in DENSITY_FEATURES.items() if density.needs_density(f)]


@pytest.mark.parametrize("name", ["AmplitudeDamping", "PhaseDamping", "DepolarizingChannel"])
@pytest.mark.parametrize("p", [0.0, 0.3, 1.0])
def test_kraus_operators_are_trace_preserving(name: str, p: float) -> None:
    ops = density.kraus(name, np.array([p]))[0]
    assert np.allclose(sum(k.conj().T @ k for k in ops), np.eye(2), atol=1e-15)


def test_amplitude_damping_moves_population_and_shrinks_coherence() -> None:
    """|+><+| -> [[(1 + g)/2, sqrt(1 - g)/2], [sqrt(1 - g)/2, (1 - g)/2]]."""
    g = 0.3
    ops = density.kraus("AmplitudeDamping", np.array([g]))[0]
    rho = np.full((2, 2), 0.5)
    out = sum(k @ rho @ k.conj().T for k in ops)
    c = np.sqrt(1 - g) / 2
    assert np.allclose(out, [[(1 + g) / 2, c], [c, (1 - g) / 2]], atol=1e-15)


def test_closed_forms_of_the_noise_features() -> None:
    """H(0), channel, CNOT: <XX> = sqrt(1 - g) (damping), <Z0> = g (amplitude damping);
    a Bell state depolarized on wire 1 has P(00) = P(11) = (1 - 2p/3)/2, P(01) = P(10) = p/3."""
    (g,) = DENSITY_FEATURES["noise-amplitude-damping"].params
    assert np.allclose(
        outputs(DENSITY_FEATURES["noise-amplitude-damping"], np.array([[g]]))[0], [np.sqrt(1 - g), g]
    )
    (g,) = DENSITY_FEATURES["noise-phase-damping"].params
    assert np.allclose(outputs(DENSITY_FEATURES["noise-phase-damping"], np.array([[g]]))[0], [np.sqrt(1 - g)])
    (p,) = DENSITY_FEATURES["noise-depolarizing"].params
    probs = outputs(DENSITY_FEATURES["noise-depolarizing"], np.array([[p]]))[0]
    assert np.allclose(probs, [(1 - 2 * p / 3) / 2, p / 3, p / 3, (1 - 2 * p / 3) / 2], atol=1e-15)


def test_reference_jacobians_of_the_channels_match_closed_forms() -> None:
    (g,) = DENSITY_FEATURES["noise-amplitude-damping"].params
    jac = reference_of(DENSITY_FEATURES["noise-amplitude-damping"]).jacobian[:, 0]
    assert np.allclose(jac, [-0.5 / np.sqrt(1 - g), 1.0], atol=1e-10)
    jac = reference_of(DENSITY_FEATURES["noise-depolarizing"]).jacobian[:, 0]
    assert np.allclose(jac, [-1 / 3, 1 / 3, 1 / 3, -1 / 3], atol=1e-10)


def test_fixed_channels_after_gates() -> None:
    """RX(a) on 0, RY(b) on 1, CNOT, then AD(0.2) on 0 and depolarizing(0.1) on 1: wire 0's
    population in |1> is damped, <Z0> = 1 - 2 (1 - 0.2) sin(a/2)**2."""
    feature = DENSITY_FEATURES["noise-after-gate"]
    a, _ = feature.params
    probs = outputs(feature, np.array([feature.params]))[0]
    assert np.isclose(probs[0] + probs[1] - probs[2] - probs[3], 1 - 2 * 0.8 * np.sin(a / 2) ** 2)
    assert np.isclose(probs.sum(), 1.0)


def test_amplitude_embedding_is_the_normalized_vector() -> None:
    """AmplitudeEmbedding(v) then RY(t) on wire 1 and CNOT, measuring X0: with the state
    prepared in NumPy by hand."""
    feature = DENSITY_FEATURES["templates-amplitude-embedding"]
    *v, t = feature.params
    psi = np.array(v) / np.linalg.norm(v)
    ry = np.array([[np.cos(t / 2), -np.sin(t / 2)], [np.sin(t / 2), np.cos(t / 2)]])
    cnot = np.eye(4)[[0, 1, 3, 2]]
    psi = cnot @ np.kron(np.eye(2), ry) @ psi
    x0 = np.kron([[0, 1], [1, 0]], np.eye(2))
    assert np.isclose(outputs(feature, np.array([feature.params]))[0, 0], psi @ x0 @ psi)
    # scaling the features changes nothing: normalize=True
    scaled = np.array([[*(3 * np.array(v)), t]])
    assert np.isclose(outputs(feature, scaled)[0, 0], psi @ x0 @ psi)


@pytest.mark.parametrize("name", DENSITY)
def test_density_matrices_are_states(name: str) -> None:
    feature = DENSITY_FEATURES[name]
    rho = density.density_matrices(feature, np.array([feature.params]))[0]
    assert np.allclose(rho, rho.conj().T, atol=1e-15)
    assert np.isclose(np.trace(rho), 1.0)
    assert np.min(np.linalg.eigvalsh(rho)) > -1e-12


@pytest.mark.parametrize("name", DENSITY)
def test_measured_outcomes_are_far_from_certain(name: str) -> None:
    """The independent-partitions premise (`tolerance`), for the density features."""
    feature = DENSITY_FEATURES[name]
    values = outputs(feature, np.array([feature.params]))[0]
    start = 0
    for m in feature.measurements:
        part = values[start : start + m.outputs]
        start += m.outputs
        assert np.all(tolerance.outcome_variance(m.kind, part) >= tolerance.MIN_OUTCOME_VARIANCE)


def test_a_gate_the_oracle_cannot_simulate_is_refused() -> None:
    with pytest.raises(ValueError, match="no Kraus operators"):
        density.kraus("BitFlip", np.array([0.1]))


@pytest.mark.parametrize("name", DENSITY)
def test_pennylane_builds_what_the_oracle_simulates(name: str) -> None:
    """`build.circuit_of` and the snippet source (`build.circuit_source`) on default.mixed
    give the oracle's forward value (analytic, at the feature's parameters)."""
    qml = pytest.importorskip("pennylane")
    from supportmatrix.features.build import circuit_of, circuit_source, fixed_arrays_source

    feature = DENSITY_FEATURES[name]
    expected = outputs(feature, np.array([feature.params]))[0]
    namespace: dict = {"qml": qml, "np": np}
    source = "\n".join([*fixed_arrays_source(feature), *circuit_source(feature)])
    exec(compile(source, f"<{name} source>", "exec"), namespace)  # noqa: S102 - the point of the test
    for circuit in (circuit_of(feature), namespace["circuit"]):
        qnode = qml.QNode(circuit, qml.device("default.mixed", wires=feature.device_wires))
        result = qnode(np.array(feature.params))
        flat = (
            np.concatenate([np.ravel(r) for r in result]) if isinstance(result, tuple) else np.ravel(result)
        )
        assert np.allclose(flat, expected, atol=1e-12), (name, flat, expected)
