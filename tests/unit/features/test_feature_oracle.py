"""The features oracle: closed forms, frequencies (Bernstein's premise), live Jacobian columns."""

from __future__ import annotations

import numpy as np
import pytest

from supportmatrix.features import density, tolerance
from supportmatrix.features.catalog import FEATURES, STATE, UNITARY
from supportmatrix.features.gate_rules import GATE_RULES
from supportmatrix.features.mcm_tolerance import postselects
from supportmatrix.features.model import element, tape_feature
from supportmatrix.features.oracle import feature_reference, outputs, tape_jacobian

#: Every state-vector circuit the features run: unbatched features, and each broadcast
#: one's elements (the density-matrix ones: `test_feature_density`, `test_analytic_bounds`).
CIRCUITS = {
    c.name: c
    for f in FEATURES.values()
    if not density.needs_density(f)
    for c in ([f] if not f.batch else [element(f, b) for b in range(f.batch)])
}
UNBATCHED = [name for name, f in FEATURES.items() if not f.batch]


def test_fixed_arrays_are_a_unitary_and_a_state() -> None:
    assert np.allclose(UNITARY @ UNITARY.conj().T, np.eye(4), atol=1e-14)
    assert np.isclose(np.linalg.norm(STATE), 1.0)


def test_classical_and_hamiltonian_match_their_closed_forms() -> None:
    x0, x1 = FEATURES["classical"].params
    ref = feature_reference("classical")
    # <Z1> after CNOT is <Z0 Z1> before it: cos(2 x0 + x1) cos(x1)
    assert np.isclose(ref.value[0], np.cos(2 * x0 + x1) * np.cos(x1))
    exact = [
        -2 * np.sin(2 * x0 + x1) * np.cos(x1),
        -np.sin(2 * x0 + x1) * np.cos(x1) - np.cos(2 * x0 + x1) * np.sin(x1),
    ]
    assert np.allclose(ref.jacobian[0], exact, atol=1e-11)
    x0, x1, c0, c1, c2 = FEATURES["hamiltonian"].params
    # c0 <Z1> + c1 <Y0><X1> + c2 <Z0><X1> before the CNOT, with <Y0> = -sin(x0)
    terms = [np.cos(x1), -np.sin(x0) * np.sin(x1), np.cos(x0) * np.sin(x1)]
    ref = feature_reference("hamiltonian")
    assert np.isclose(ref.value[0], c0 * terms[0] + c1 * terms[1] + c2 * terms[2])
    # along a trainable coefficient the derivative is its term's expectation value
    assert np.allclose(ref.jacobian[0, 2:], terms, atol=1e-11)


@pytest.mark.parametrize("name", list(FEATURES))
def test_every_jacobian_column_is_alive(name: str) -> None:
    """A zero column would let a zero gradient of that parameter pass."""
    jac = feature_reference(name).jacobian
    assert np.all(np.max(np.abs(jac), axis=0) > 1e-2), jac


# A postselected output is a quotient, not a trigonometric polynomial: `mcm_tolerance`
# bounds it otherwise (test_feature_mcm_tolerance.py).
@pytest.mark.parametrize("name", [n for n, c in CIRCUITS.items() if not postselects(c)])
def test_outputs_have_no_frequency_above_the_declared_one(name: str) -> None:
    """Bernstein's inequality in `tolerance` needs each output to be a trigonometric
    polynomial of frequency <= omega_i along parameter i: sample one period (frequencies are
    multiples of half the smallest gate frequency along i: 1/2 for the Pauli and controlled
    rotations, sqrt 2 for ``qml.evolve(X + Y)``) and look at the spectrum."""
    feature = CIRCUITS[name]
    omega = feature.frequencies
    x = np.array(feature.params)
    n = 64
    for i in range(len(x)):
        gate_freqs = [
            GATE_RULES[g.name].frequency for g in feature.gates for form in g.args if i in dict(form)
        ]
        base = min(gate_freqs, default=1.0) / 2
        assert all(np.isclose(f / base, round(f / base)) for f in gate_freqs), (name, i, gate_freqs)
        period = 2 * np.pi / base
        t = np.arange(n) * period / n
        points = np.repeat(x[None, :], n, axis=0)
        points[:, i] += t
        if i in feature.coefficient_params:  # linear: frequency 0, every second difference 0
            assert omega[i] == 0
            assert np.allclose(np.diff(outputs(feature, points), 2, axis=0), 0, atol=1e-12)
            continue
        spectrum = np.abs(np.fft.rfft(outputs(feature, points), axis=0)) / n
        freqs = np.fft.rfftfreq(n, d=period / n) * 2 * np.pi
        assert np.all(spectrum[freqs > omega[i] + 1e-9] < 1e-12), (name, i, omega[i])


@pytest.mark.parametrize("name", UNBATCHED)
def test_tape_jacobian_times_classical_jacobian_is_the_jacobian(name: str) -> None:
    feature = FEATURES[name]
    assert tape_feature(feature).params == pytest.approx(
        tuple(feature.classical_jacobian @ np.array(feature.params))
    )
    assert np.allclose(
        tape_jacobian(name) @ feature.classical_jacobian, feature_reference(name).jacobian, atol=1e-10
    )


@pytest.mark.parametrize("name", list(CIRCUITS))
def test_measured_outcomes_are_far_from_certain(name: str) -> None:
    """The premise of the independent-partitions bound: q (1 - q) >= 0.01 for every
    measured outcome (each probability, each Pauli term's +1 outcome)."""
    from supportmatrix.features import gates
    from supportmatrix.features.statevector import states

    feature = CIRCUITS[name]
    if feature.mcm_method is not None:  # every output is a probability or one word's mean
        values = outputs(feature, np.array([feature.params]))[0]
        kinds = [m.kind for m in feature.measurements for _ in range(m.outputs)]
        for kind, value in zip(kinds, values, strict=True):
            assert tolerance.outcome_variance(kind, value) >= tolerance.MIN_OUTCOME_VARIANCE
        return
    psi = states(feature, np.array([feature.params]))[0]
    for m in feature.measurements:
        if m.kind == "probs":
            values = (
                (np.abs(psi.reshape(2, 2)) ** 2)
                .sum(axis=tuple(w for w in range(2) if w not in m.wires))
                .reshape(-1)
            )
        elif m.kind == "hermitian":  # one eigenbasis measurement of M, whose spectrum is +-lambda
            matrix = sum(
                c * gates.pauli_word(w) for c, (_, w) in zip(feature.coefficients[0], m.terms, strict=True)
            )
            lam = np.linalg.eigvalsh(matrix)
            assert np.allclose(lam, np.repeat([lam[0], -lam[0]], 2)), lam
            values = np.array([np.real(psi.conj() @ matrix @ psi) / lam[-1]])
        else:
            values = np.array([np.real(psi.conj() @ gates.pauli_word(w) @ psi) for _, w in m.terms])
        assert np.all(tolerance.outcome_variance(m.kind, values) >= tolerance.MIN_OUTCOME_VARIANCE)


def test_the_four_term_rule_reproduces_the_controlled_derivatives() -> None:
    """The rule behind `GATE_RULES`' 3/8: c+ [f(t + pi/2) - f(t - pi/2)] - c- [f(t + 3pi/2)
    - f(t - 3pi/2)] with c+- = (sqrt 2 +- 1) / (4 sqrt 2), on the oracle itself."""
    from supportmatrix.features.gate_rules import GATE_RULES

    feature = FEATURES["controlled"]
    x = np.array(feature.params)
    cp, cm = (np.sqrt(2) + 1) / (4 * np.sqrt(2)), (np.sqrt(2) - 1) / (4 * np.sqrt(2))
    assert GATE_RULES["CRX"].shift_sq == pytest.approx(2 * (cp**2 + cm**2))
    for i in range(3):
        e = np.eye(3)[i]
        f = lambda s, e=e: outputs(feature, (x + s * e)[None, :])[0, 0]  # noqa: E731
        rule = cp * (f(np.pi / 2) - f(-np.pi / 2)) - cm * (f(3 * np.pi / 2) - f(-3 * np.pi / 2))
        assert rule == pytest.approx(feature_reference("controlled").jacobian[0, i], abs=1e-10)


def test_a_broadcast_reference_is_block_diagonal_over_its_elements() -> None:
    feature = FEATURES["broadcast"]
    ref = feature_reference("broadcast")
    assert ref.jacobian.shape == (feature.batch * feature.outputs, 2, feature.batch)
    for b in range(feature.batch):
        own = outputs(element(feature, b), np.array([element(feature, b).params]))[0]
        assert np.allclose(ref.value[b], own)
        others = [c for c in range(feature.batch) if c != b]
        assert np.all(ref.jacobian[b, :, others] == 0)
        x0, x1 = element(feature, b).params
        # <Z1> = cos(x0) cos(x1) for the matrix's circuit
        assert np.allclose(
            ref.jacobian[b, :, b], [-np.sin(x0) * np.cos(x1), -np.cos(x0) * np.sin(x1)], atol=1e-11
        )
