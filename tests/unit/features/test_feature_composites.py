"""The operator-arithmetic gates: matrices against matrix exponentials, rules derived from generators, templates against PennyLane."""

from __future__ import annotations

from functools import reduce

import numpy as np
import pytest
from scipy.linalg import expm

from supportmatrix.check.bounds import PAULI_ROTATION
from supportmatrix.features.composites import COMPOSITES, build, four_term_rule, source, two_term_rule
from supportmatrix.features.gate_rules import GATE_RULES
from supportmatrix.features.gates import PAULI

X, Y, Z, EYE = PAULI["X"], PAULI["Y"], PAULI["Z"], PAULI["I"]
P0, P1 = np.diag([1.0, 0.0]), np.diag([0.0, 1.0])
T = np.array([-2.1, -0.3, 0.0, 0.7, 2.9])

#: Each composite's definition as exp(-i t G) per argument (its generator G, on its wires),
#: written from PennyLane's documentation of the operation, not from `composites`.
GENERATORS: dict[str, list[np.ndarray]] = {
    "Evolve": [X + Y],  # qml.evolve(G, t) = exp(-i t G)
    "Exp": [(X + Z) / 2],  # qml.exp(G, c) = exp(c G) with c = -1j t
    "Prod": [np.kron(X, EYE) / 2, np.kron(EYE, Y) / 2],
    "Adjoint": [-Y / 2],  # RY(t)^dagger = exp(+i t Y / 2)
    "Ctrl0": [np.kron(P0, X / 2)],  # |0><0| (x) RX(t) + |1><1| (x) I
}


def _definition(name: str, args: list[float]) -> np.ndarray:
    return reduce(np.matmul, [expm(-1j * a * g) for a, g in zip(args, GENERATORS[name], strict=True)])


@pytest.mark.parametrize("name", list(COMPOSITES))
def test_matrices_are_the_matrix_exponentials_of_their_definitions(name: str) -> None:
    n = len(GENERATORS[name])
    args = [np.roll(T, k) for k in range(n)]
    got = COMPOSITES[name].matrix(args)
    for b in range(len(T)):
        want = _definition(name, [a[b] for a in args])
        assert np.allclose(got[b], want, atol=1e-14), (name, b)
        assert np.allclose(got[b] @ got[b].conj().T, np.eye(len(want)), atol=1e-14)


def _pauli_l1(g: np.ndarray) -> float:
    """Sum of |c_P| over the Pauli words P with g = sum c_P P (c_P = tr(P g) / d)."""
    n = int(np.log2(len(g)))
    words = [reduce(np.kron, w) for w in np.ndindex(*(4,) * n) for w in [[(EYE, X, Y, Z)[i] for i in w]]]
    return float(sum(abs(np.trace(p @ g)) / len(g) for p in words))


@pytest.mark.parametrize("name", list(COMPOSITES))
def test_rules_are_derived_from_the_generators(name: str) -> None:
    """Frequency: the largest eigenvalue difference; 1-norm: the generator's Pauli
    coefficients; the rule differentiates every trigonometric polynomial of those
    frequencies exactly."""
    rule = COMPOSITES[name].rule
    assert GATE_RULES[name] is rule
    for g in GENERATORS[name]:
        eig = np.linalg.eigvalsh(g)
        assert np.isclose(rule.frequency, eig.max() - eig.min())
        assert np.isclose(rule.generator_l1, _pauli_l1(g))
        freqs = {round(abs(a - b), 12) for a in eig for b in eig} - {0.0}
        for w in freqs:
            for t in T:
                f = lambda s, w=w: np.cos(w * s + 0.3) + 0.5 * np.sin(w * s)  # noqa: E731
                exact = -w * np.sin(w * t + 0.3) + 0.5 * w * np.cos(w * t)
                assert np.isclose(sum(c * f(t + s) for c, s in rule.rule), exact, atol=1e-13), (name, w)


def test_the_derived_rules_are_the_catalogs_at_frequency_one() -> None:
    assert np.allclose(two_term_rule(1.0), PAULI_ROTATION.rule)
    assert np.allclose(four_term_rule(1.0), GATE_RULES["CRX"].rule)


@pytest.mark.parametrize("name", list(COMPOSITES))
def test_the_template_builds_what_the_oracle_simulates(name: str) -> None:
    """PennyLane's matrix of the built operator (plain NumPy, no autodiff) is the oracle's."""
    qml = pytest.importorskip("pennylane")
    n = len(GENERATORS[name])
    args = [0.41 * (k + 1) for k in range(n)]
    wires = (0, 1) if len(GENERATORS[name][0]) == 4 else (0,)
    with qml.queuing.AnnotatedQueue() as q:
        build(qml, name, args, wires)
    (op,) = q.queue
    want = COMPOSITES[name].matrix([np.array([a]) for a in args])[0]
    assert np.allclose(qml.matrix(op, wire_order=list(wires)), want, atol=1e-12)
    assert source(name, [f"x[{k}]" for k in range(n)], wires).startswith("qml.")
