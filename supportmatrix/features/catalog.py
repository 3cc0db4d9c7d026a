"""The features: each a small fixed circuit, written once as data that builds the QNode, the oracle's simulation and the snippet (`build`).

A `Feature` is a list of `Gate`s on the two circuit wires (the device has a third, the
auxiliary wire of the hadamard methods) and one `Measurement`, or a tuple of them
(``multi-measure``), whose outputs are checked as one concatenated vector. A broadcast
feature (``broadcast``) gives each parameter a batch of values: ``x[i]`` is then a vector,
every gate broadcasts over it, and each batch element is its own unbatched circuit
(`element`). A gate's arguments are
linear forms of the trainable parameters, so the ``classical`` feature's
``RX(2 * x[0] + x[1])`` is data too. `GATE_RULES` holds what the tolerances need to know
about each trainable gate, from its definition: the largest frequency of its argument,
the sum of squared coefficients of its parameter-shift rule and the 1-norm of its
generator's Pauli coefficients.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: A gate argument: ``sum(coefficient * x[index])`` over its ``(index, coefficient)`` pairs.
Linear = tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class GateRule:
    """What a trainable gate's gradient recipes are made of, per argument.

    ``frequency``: the largest difference of two eigenvalues of the generator, so that any
    expectation value is a trigonometric polynomial of at most that frequency in the
    argument. ``shift_sq``: the sum of squared coefficients of PennyLane's parameter-shift
    rule for it. ``generator_l1``: the sum of the absolute Pauli coefficients of its
    generator, which the hadamard methods split it into.
    """

    frequency: float
    shift_sq: float
    generator_l1: float


#: Pauli rotations exp(-i t P / 2): eigenvalues +-1/2, the two-term rule (f(t + pi/2) -
#: f(t - pi/2)) / 2, generator P / 2.
_PAULI_ROTATION = GateRule(frequency=1.0, shift_sq=2 * 0.5**2, generator_l1=0.5)
#: Controlled rotations: generator |1><1| (x) P / 2 = (P - Z (x) P) / 4, eigenvalues 0, +-1/2,
#: frequencies 1/2 and 1; the four-term rule c+ [f(t + pi/2) - f(t - pi/2)] - c- [f(t + 3pi/2)
#: - f(t - 3pi/2)] with c+- = (sqrt 2 +- 1) / (4 sqrt 2): 2 (c+^2 + c-^2) = 3/8.
_CONTROLLED_ROTATION = GateRule(frequency=1.0, shift_sq=3 / 8, generator_l1=0.5)

GATE_RULES: dict[str, GateRule] = {
    **{name: _PAULI_ROTATION for name in ("RX", "RY", "RZ", "IsingXX", "IsingZZ", "PauliRot")},
    **{name: _CONTROLLED_ROTATION for name in ("CRX", "CRY", "CRZ")},
    # Rot(phi, theta, omega) = RZ(omega) RY(theta) RZ(phi): each argument a Pauli rotation.
    "Rot": _PAULI_ROTATION,
}

#: The fixed 2-qubit unitary of ``fixed-ops``: the Q of a QR decomposition of a complex
#: Gaussian matrix drawn from a local, fixed seed, so it is the same on every run.
_rng = np.random.default_rng(20240611)
UNITARY: np.ndarray = np.linalg.qr(_rng.normal(size=(4, 4)) + 1j * _rng.normal(size=(4, 4)))[0]
del _rng
#: The fixed normalized state ``fixed-ops`` prepares on wires 0 and 1.
STATE: np.ndarray = np.array([0.5, 0.5j, -0.5, 0.5])


@dataclass(frozen=True)
class Gate:
    """One gate: PennyLane's class name, its wires, its arguments; ``word`` for PauliRot,
    ``fixed`` for the name of a fixed array (``UNITARY``, ``STATE``)."""

    name: str
    wires: tuple[int, ...]
    args: tuple[Linear, ...] = ()
    word: str | None = None
    fixed: str | None = None

    @property
    def trainable(self) -> bool:
        return bool(self.args)


@dataclass(frozen=True)
class Measurement:
    """``expval`` of ``sum(c * P)`` over ``terms`` ((c, Pauli word on wires 0, 1), ...), or
    ``probs`` of ``wires``. The terms of a sum must anticommute pairwise: then no two can
    be measured together, and each is estimated from shots of its own (`tolerance`)."""

    kind: str
    terms: tuple[tuple[float, str], ...] = ()
    wires: tuple[int, ...] = (0, 1)

    @property
    def outputs(self) -> int:
        return 2 ** len(self.wires) if self.kind == "probs" else 1


@dataclass(frozen=True)
class Feature:
    """One value of the feature axis: its circuit, parameters and column label."""

    name: str
    label: str
    #: One value per parameter, or (``broadcast``) one batch of values per parameter.
    params: tuple[float, ...] | tuple[tuple[float, ...], ...]
    gates: tuple[Gate, ...]
    #: One measurement, or several returned as a tuple.
    measurements: tuple[Measurement, ...]

    @property
    def outputs(self) -> int:
        """Outputs of one circuit (one batch element)."""
        return sum(m.outputs for m in self.measurements)

    @property
    def batch(self) -> int:
        """The batch size of a broadcast feature; 0 for an unbatched one."""
        return len(self.params[0]) if isinstance(self.params[0], tuple) else 0


def element(feature: Feature, index: int) -> Feature:
    """Batch element ``index`` of a broadcast feature, as the unbatched circuit it stands for."""
    values = tuple(float(batch[index]) for batch in feature.params)  # type: ignore[index]
    return Feature(f"{feature.name}[{index}]", feature.label, values, feature.gates,
                   feature.measurements)


def tape_arguments(feature: Feature) -> list[tuple[Gate, Linear]]:
    """Every trainable gate argument in circuit order: PennyLane's tape parameters."""
    return [(gate, form) for gate in feature.gates for form in gate.args]


def classical_jacobian(feature: Feature) -> np.ndarray:
    """d(tape parameters) / d(QNode parameters), shape (tape parameters, parameters): the
    chain-rule factor every framework applies to a gradient transform's result."""
    args = tape_arguments(feature)
    jac = np.zeros((len(args), len(feature.params)))
    for row, (_, form) in enumerate(args):
        for index, coefficient in form:
            jac[row, index] += coefficient
    return jac


def tape_feature(feature: Feature) -> Feature:
    """The same circuit with each tape parameter a parameter of its own, at the values the
    feature's parameters give them (what a gradient transform differentiates)."""
    args = tape_arguments(feature)
    values = classical_jacobian(feature) @ np.array(feature.params)
    position = iter(range(len(args)))
    gates = tuple(Gate(g.name, g.wires, tuple(_x(next(position)) for _ in g.args), g.word, g.fixed)
                  for g in feature.gates)
    return Feature(f"{feature.name} (tape)", feature.label, tuple(float(v) for v in values), gates,
                   feature.measurements)


def _x(index: int, coefficient: float = 1.0) -> Linear:
    return ((index, coefficient),)


_FEATURES = (
    Feature("controlled", "controlled rotations", (0.543, -0.765, 0.912), (
        Gate("Hadamard", (0,)), Gate("Hadamard", (1,)),
        Gate("CRX", (0, 1), (_x(0),)), Gate("CRY", (1, 0), (_x(1),)), Gate("CRZ", (0, 1), (_x(2),)),
        Gate("Hadamard", (1,)),
    ), (Measurement("expval", ((1.0, "ZZ"),)),)),
    Feature("rot", "Rot", (0.543, -0.765, 0.912), (
        Gate("Hadamard", (0,)), Gate("Rot", (0,), (_x(0), _x(1), _x(2))), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "XX"),)),)),
    Feature("two-qubit", "two-qubit rotations", (0.543, -0.765, 0.912), (
        Gate("Hadamard", (0,)), Gate("IsingXX", (0, 1), (_x(0),)), Gate("IsingZZ", (0, 1), (_x(1),)),
        Gate("PauliRot", (0, 1), (_x(2),), word="XZ"),
    ), (Measurement("probs"),)),
    Feature("fixed-ops", "fixed operations", (0.543, -0.765), (
        Gate("StatePrep", (0, 1), fixed="STATE"), Gate("QubitUnitary", (0, 1), fixed="UNITARY"),
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("probs"),)),
    Feature("classical", "classical processing", (0.543, -0.765), (
        Gate("RX", (0,), (((0, 2.0), (1, 1.0)),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "IZ"),)),)),
    Feature("hamiltonian", "Hamiltonian", (0.543, -0.765), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((0.4, "ZZ"), (-0.7, "YI"), (0.5, "ZX"))),)),
    Feature("multi-measure", "tuple of measurements", (0.543, -0.765), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "ZI"),)), Measurement("probs", wires=(1,)),
        Measurement("expval", ((1.0, "IX"),)))),
    Feature("broadcast", "broadcast parameters", ((0.543, 0.1, -1.2), (-0.765, 0.4, 2.0)), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "IZ"),)),)),
)

#: Every feature by name, in the order of the feature axis.
FEATURES: dict[str, Feature] = {f.name: f for f in _FEATURES}

#: The fixed arrays by the name a `Gate` gives in ``fixed``.
FIXED: dict[str, np.ndarray] = {"UNITARY": UNITARY, "STATE": STATE}
