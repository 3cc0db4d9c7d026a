"""The features: each a small fixed circuit, written once as data that builds the QNode, the oracle's simulation and the snippet (`build`).

A `Feature` is a list of `Gate`s on the two circuit wires (the device has one auxiliary
wire more per derivative order, for the hadamard methods) and one `Measurement`, or a
tuple of them (``multi-measure``), whose outputs are checked as one concatenated vector.
A broadcast feature (``broadcast``) gives each parameter a batch of values: ``x[i]`` is
then a vector, every gate broadcasts over it, and each batch element is its own unbatched
circuit (`element`). A gate's arguments, and a Hamiltonian's coefficients, are numbers or
linear forms of the trainable parameters, so the ``classical`` feature's
``RX(2 * x[0] + x[1])`` and the ``hamiltonian`` feature's trainable coefficients are data
too. Three fields say how a feature is run rather than what it builds: ``derivative`` (2:
the Hessian is checked as well), ``shot_vector`` (its finite-shot cells run that vector,
one result and one Jacobian per partition) and ``dtype`` (the parameters' precision).
`GATE_RULES` holds what the tolerances need to know about each trainable gate, from its
definition: the largest frequency of its argument, PennyLane's parameter-shift rule for it
and the 1-norm of its generator's Pauli coefficients (`check.bounds.GateRule`).

What the oracle and the tolerances need to know about a feature beyond its data (its tape
parameters and classical Jacobian, its frequencies, coefficient values and magnitude, the
work of one evaluation) is derived once, when the `Feature` is made (``__post_init__``),
and read off it: a feature with other parameters (``dataclasses.replace``, the property
tests) derives its own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from supportmatrix.check.bounds import PAULI_ROTATION, GateRule
from supportmatrix.features import templates
from supportmatrix.features.composites import COMPOSITES
from supportmatrix.features.trainable import UNITARY_RULE

if TYPE_CHECKING:  # typing.TypeIs is Python 3.13's; only the type checker reads it here
    from typing_extensions import TypeIs

#: A gate argument: ``sum(coefficient * x[index])`` over its ``(index, coefficient)`` pairs.
Linear = tuple[tuple[int, float], ...]
#: A Hamiltonian term's coefficient: a fixed number, or (trainable) a linear form.
Coefficient = float | Linear


#: Pauli rotations exp(-i t P / 2): eigenvalues +-1/2, the two-term rule (f(t + pi/2) -
#: f(t - pi/2)) / 2, generator P / 2 (`check.bounds.PAULI_ROTATION`).
_PAULI_ROTATION = PAULI_ROTATION
#: Controlled rotations: generator |1><1| (x) P / 2 = (P - Z (x) P) / 4, eigenvalues 0, +-1/2,
#: frequencies 1/2 and 1; the four-term rule c+ [f(t + pi/2) - f(t - pi/2)] - c- [f(t + 3pi/2)
#: - f(t - 3pi/2)] with c+- = (sqrt 2 +- 1) / (4 sqrt 2): 2 (c+^2 + c-^2) = 3/8.
_C_PLUS, _C_MINUS = float((np.sqrt(2) + 1) / (4 * np.sqrt(2))), float((np.sqrt(2) - 1) / (4 * np.sqrt(2)))
_CONTROLLED_ROTATION = GateRule(
    frequency=1.0,
    rule=(
        (_C_PLUS, np.pi / 2),
        (-_C_PLUS, -np.pi / 2),
        (-_C_MINUS, 3 * np.pi / 2),
        (_C_MINUS, -3 * np.pi / 2),
    ),
    generator_l1=0.5,
)

#: A channel's probability, an embedding's feature: no frequency, no shift rule, no
#: generator. NaN fails every formula that would treat it as an angle; their bounds are
#: `analytic_bounds`'.
NOT_AN_ANGLE = GateRule(frequency=float("nan"), rule=(), generator_l1=float("nan"))

GATE_RULES: dict[str, GateRule] = {
    **dict.fromkeys(("RX", "RY", "RZ", "IsingXX", "IsingZZ", "PauliRot"), _PAULI_ROTATION),
    **dict.fromkeys(("CRX", "CRY", "CRZ"), _CONTROLLED_ROTATION),
    # Rot(phi, theta, omega) = RZ(omega) RY(theta) RZ(phi): each argument a Pauli rotation.
    "Rot": _PAULI_ROTATION,
    # Operator arithmetic (qml.evolve, qml.exp, ...): each rule derived in `composites`.
    **{name: composite.rule for name, composite in COMPOSITES.items()},
    **dict.fromkeys(("AmplitudeDamping", "PhaseDamping", "DepolarizingChannel"), NOT_AN_ANGLE),
    "AmplitudeEmbedding": NOT_AN_ANGLE,
    # A trainable QubitUnitary is trainable-unitary's exp(-i t G / 2) (`trainable`).
    "QubitUnitary": UNITARY_RULE,
    # Every template weight is the angle of one Pauli rotation (`templates`).
    **dict.fromkeys(templates.TEMPLATES, _PAULI_ROTATION),
}

#: Gates PennyLane takes all arguments of as one vector (``qml.math.stack``), with the
#: keyword arguments they are built with.
VECTOR_GATES: dict[str, dict[str, object]] = {"AmplitudeEmbedding": {"normalize": True}}

#: The fixed 2-qubit unitary of ``fixed-ops``: the Q of a QR decomposition of a complex
#: Gaussian matrix drawn from a local, fixed seed, so it is the same on every run.
_rng = np.random.default_rng(20240611)
UNITARY: np.ndarray = np.linalg.qr(_rng.normal(size=(4, 4)) + 1j * _rng.normal(size=(4, 4)))[0]
del _rng
#: The fixed normalized state ``fixed-ops`` prepares on wires 0 and 1.
STATE: np.ndarray = np.array([0.5, 0.5j, -0.5, 0.5])
#: The fixed (non-trainable) angle of ``fixed-rotation``'s first RX.
ANGLE: np.ndarray = np.array(1.2)
#: The basis state ``templates`` prepares (``BasisState``) on wires 0 and 1: |10>.
BASIS: np.ndarray = np.array([1, 0])


@dataclass(frozen=True)
class Gate:
    """One gate: PennyLane's class name, its wires, its arguments; ``word`` for PauliRot,
    ``fixed`` for the name of a fixed array (``UNITARY``, ``STATE``, ``BASIS``, or ``ANGLE``: a
    rotation's non-trainable angle); a name in `composites.COMPOSITES` is operator arithmetic.
    A ``QubitUnitary`` with an argument ``t`` is ``exp(-i t G / 2)`` (`trainable`); a template
    (`templates.TEMPLATES`) takes its arguments as its weights, in row-major order."""

    name: str
    wires: tuple[int, ...]
    args: tuple[Linear, ...] = ()
    word: str | None = None
    fixed: str | None = None
    #: ``MidMeasure`` (`MID_MEASURE`) only: the outcome it keeps, and whether it resets its wire.
    postselect: int | None = None
    reset: bool = False
    #: The mid-circuit measurement (its index in circuit order) on whose outcome 1 the gate
    #: is applied (``qml.cond``); None: always applied.
    condition: int | None = None

    @property
    def trainable(self) -> bool:
        return bool(self.args)


@dataclass(frozen=True)
class Measurement:
    """``expval`` of ``sum(c * P)`` over ``terms`` ((c, Pauli word on wires 0, 1), ...) as a
    Hamiltonian, ``hermitian``: the same sum as one ``qml.Hermitian`` matrix, or ``probs`` of
    ``wires``; ``mcm-expval``/``mcm-probs`` of a mid-circuit measurement's outcome, ``wires``
    then holding its index in circuit order (`MCM_KINDS`). A coefficient ``c`` is a number or a linear form of the
    parameters (trainable). The terms of a sum must anticommute pairwise: then no two can
    be measured together, and each is estimated from shots of its own (`tolerance`)."""

    kind: str
    terms: tuple[tuple[Coefficient, str], ...] = ()
    wires: tuple[int, ...] = (0, 1)

    @property
    def outputs(self) -> int:
        return 2 ** len(self.wires) if self.kind.endswith("probs") else 1

    @property
    def bounded_by_one(self) -> bool:
        """Every output is a probability (or the mean of a 0/1 outcome): magnitude 1."""
        return self.kind in ("probs", "mcm-expval", "mcm-probs")


#: The gate name of a mid-circuit measurement (``qml.measure``).
MID_MEASURE = "MidMeasure"
#: Measurement kinds whose statistics are of mid-circuit measurement outcomes.
MCM_KINDS = ("mcm-expval", "mcm-probs")


def is_trainable(coefficient: Coefficient) -> TypeIs[Linear]:
    """Whether a Hamiltonian coefficient is a linear form of the parameters."""
    return isinstance(coefficient, tuple)


def coefficient_value(coefficient: Coefficient, params: np.ndarray) -> np.ndarray:
    """A coefficient's value for parameter vectors (batch, n): shape (batch,)."""
    if not is_trainable(coefficient):
        return np.full(params.shape[0], float(coefficient))
    # A linear form has at least one term, so sum() never returns its int start 0.
    return sum(c * params[:, i] for i, c in coefficient)  # type: ignore[return-value]


@dataclass(frozen=True)
class Feature:
    """One value of the feature axis: its circuit, parameters and column label, and how
    its cells run it."""

    name: str
    label: str
    #: One value per parameter, or (``broadcast``) one batch of values per parameter.
    params: tuple[float, ...] | tuple[tuple[float, ...], ...]
    gates: tuple[Gate, ...]
    #: One measurement, or several returned as a tuple.
    measurements: tuple[Measurement, ...]
    #: 2: the Hessian is checked too (the QNode is built with ``max_diff=2``).
    derivative: int = 1
    #: The shot vector its finite-shot cells run in place of the shots axis value; () none.
    shot_vector: tuple[int, ...] = ()
    #: The parameters' floating dtype: ``float64``, or ``float32`` (then ``params`` are
    #: float32 numbers, so the oracle runs at exactly the values the QNode gets).
    dtype: str = "float64"
    #: The QNode's ``mcm_method`` (``deferred``, ``one-shot``, ``tree-traversal``); None:
    #: not passed (PennyLane's default).
    mcm_method: str | None = None

    # --- derived once from the fields above (`__post_init__`), never passed ---
    #: Every trainable gate argument in circuit order, then every trainable Hamiltonian
    #: coefficient: PennyLane's tape parameters, each with its gate's rule (None: a coefficient).
    tape_arguments: tuple[tuple[GateRule | None, Linear], ...] = field(init=False, repr=False, compare=False)
    #: d(tape parameters) / d(QNode parameters), (tape parameters, parameters).
    classical_jacobian: np.ndarray = field(init=False, repr=False, compare=False)
    #: ``omega_i``: the largest frequency of any output along each parameter.
    frequencies: np.ndarray = field(init=False, repr=False, compare=False)
    #: Each measurement's Hamiltonian coefficients at the parameters (empty for probs).
    coefficients: tuple[np.ndarray, ...] = field(init=False, repr=False, compare=False)
    #: ``C``: a bound on every output's magnitude (the largest over the measurements).
    magnitude: float = field(init=False, repr=False, compare=False)
    #: ``m``: how many tape parameters are Hamiltonian coefficients.
    trainable_coefficients: int = field(init=False, repr=False, compare=False)
    #: The parameters that enter the circuit only through Hamiltonian coefficients.
    coefficient_params: tuple[int, ...] = field(init=False, repr=False, compare=False)
    #: The amplitudes of the device state (8, or 16 with a second auxiliary wire).
    amplitudes: int = field(init=False, repr=False, compare=False)
    #: What one evaluation's round-off grows with: each gate counts the multiply-adds per
    #: amplitude over a 1-qubit gate's (a k-qubit gate ``2**(k-1)``), each observable term
    #: one more pass over the amplitudes, plus the device's amplitudes.
    work: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        derived = _derived(self)
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    @property
    def outputs(self) -> int:
        """Outputs of one circuit (one batch element)."""
        return sum(m.outputs for m in self.measurements)

    @property
    def batch(self) -> int:
        """The batch size of a broadcast feature; 0 for an unbatched one."""
        return len(self.params[0]) if isinstance(self.params[0], tuple) else 0

    @property
    def device_wires(self) -> int:
        """The two circuit wires and one auxiliary wire per derivative order: a hadamard
        method's second derivative applies it to its own tapes, which hold the first."""
        return 2 + self.derivative


def element(feature: Feature, index: int) -> Feature:
    """Batch element ``index`` of a broadcast feature, as the unbatched circuit it stands for."""
    # Only a broadcast feature has elements, and its params are batches (tuples).
    values = tuple(float(batch[index]) for batch in feature.params)  # type: ignore[index]
    return dataclasses.replace(feature, name=f"{feature.name}[{index}]", params=values)


def _tape_arguments(feature: Feature) -> tuple[tuple[GateRule | None, Linear], ...]:
    gates = [(GATE_RULES[gate.name], form) for gate in feature.gates for form in gate.args]
    return tuple(gates + [(None, c) for m in feature.measurements for c, _ in m.terms if is_trainable(c)])


def _derived(feature: Feature) -> dict[str, object]:
    """The facts `Feature.__post_init__` sets, from the feature's data alone."""
    args = _tape_arguments(feature)
    classical = np.zeros((len(args), len(feature.params)))
    for row, (_, form) in enumerate(args):
        for index, coefficient in form:
            classical[row, index] += coefficient
    omega = np.zeros(len(feature.params))
    for gate in feature.gates:
        for form in gate.args:
            for index, coefficient in form:
                omega[index] += abs(coefficient) * GATE_RULES[gate.name].frequency
    params = np.array([feature.params], dtype=float)
    coefficients = tuple(
        np.array([coefficient_value(c, params)[0] for c, _ in m.terms]) for m in feature.measurements
    )
    magnitude = max(
        1.0 if m.bounded_by_one else float(np.abs(values).sum())
        for m, values in zip(feature.measurements, coefficients, strict=True)
    )
    used = {i for g in feature.gates for form in g.args for i, _ in form}
    coefficient_params = tuple(
        sorted({i for m in feature.measurements for c, _ in m.terms if is_trainable(c) for i, _ in c} - used)
    )
    amplitudes = 2**feature.device_wires
    terms = sum(max(1, len(m.terms)) for m in feature.measurements)
    work = sum(_gate_work(g) for g in feature.gates) + terms * amplitudes
    return {
        "tape_arguments": args,
        "classical_jacobian": classical,
        "frequencies": omega,
        "coefficients": coefficients,
        "magnitude": magnitude,
        "trainable_coefficients": sum(rule is None for rule, _ in args),
        "coefficient_params": coefficient_params,
        "amplitudes": amplitudes,
        "work": work,
    }


def _gate_work(gate: Gate) -> int:
    """A gate's multiply-adds per amplitude over a 1-qubit gate's (a template: its decomposition's)."""
    if gate.name in templates.TEMPLATES:
        return templates.work(gate.name, gate.wires, len(gate.args))
    return 2 ** (len(gate.wires) - 1)


def tape_feature(feature: Feature) -> Feature:
    """The same circuit with each tape parameter a parameter of its own, at the values the
    feature's parameters give them (what a gradient transform differentiates)."""
    values = feature.classical_jacobian @ np.array(feature.params)
    position = iter(range(len(values)))
    gates = tuple(
        dataclasses.replace(g, args=tuple(_x(next(position)) for _ in g.args)) for g in feature.gates
    )
    measurements = tuple(
        dataclasses.replace(
            m, terms=tuple((_x(next(position)) if is_trainable(c) else c, word) for c, word in m.terms)
        )
        for m in feature.measurements
    )
    return dataclasses.replace(
        feature,
        name=f"{feature.name} (tape)",
        params=tuple(float(v) for v in values),
        gates=gates,
        measurements=measurements,
    )


def _x(index: int, coefficient: float = 1.0) -> Linear:
    return ((index, coefficient),)


def _float32(*values: float) -> tuple[float, ...]:
    """``values`` rounded to float32 (and held as Python floats, exactly)."""
    return tuple(float(np.float32(v)) for v in values)


# Laid out by hand, one feature's circuit to a block and a line per few gates; ruff format
# would put every argument and gate on a line of its own.
# fmt: off
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
    # x[2], x[3], x[4] are the Hamiltonian's coefficients, trainable like the gates' angles.
    Feature("hamiltonian", "Hamiltonian", (0.543, -0.765, 0.4, -0.7, 0.5), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((_x(2), "ZZ"), (_x(3), "YI"), (_x(4), "ZX"))),)),
    Feature("multi-measure", "tuple of measurements", (0.543, -0.765), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "ZI"),)), Measurement("probs", wires=(1,)),
        Measurement("expval", ((1.0, "IX"),)))),
    Feature("broadcast", "broadcast parameters", ((0.543, 0.1, -1.2), (-0.765, 0.4, 2.0)), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "IZ"),)),)),
    Feature("hessian", "Hessian of an expectation value", (1.1, -0.9), (
        Gate("RY", (0,), (_x(0),)), Gate("CRX", (0, 1), (_x(1),)),
    ), (Measurement("expval", ((1.0, "IZ"),)),), derivative=2),
    Feature("hessian-probs", "Hessian of probabilities", (1.1, -0.9), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("probs"),), derivative=2),
    Feature("shot-vector", "shot vector", (0.543, -0.765), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "IZ"),)),), shot_vector=(1000, 2000, 5000)),
    Feature("float32", "float32 parameters", _float32(0.543, -0.765, 0.912), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
        Gate("RX", (1,), (_x(2),)),
    ), (Measurement("expval", ((1.0, "IZ"),)),), dtype="float32"),
    # Operator arithmetic (`composites`): qml.evolve of a Sum; qml.exp of a sum of s_prods;
    # qml.prod, qml.adjoint and qml.ctrl (control on 0) of parametrized gates.
    Feature("op-evolve", "qml.evolve of a Sum", (0.543, -0.765), (
        Gate("Evolve", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "IZ"),)),)),
    Feature("op-exp", "qml.exp of a sum of s_prods", (0.543, -0.765), (
        Gate("Exp", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "IZ"),)),)),
    Feature("op-arithmetic", "prod, adjoint, ctrl", (0.543, -0.765, 0.912, 0.321), (
        Gate("Hadamard", (1,)), Gate("Prod", (0, 1), (_x(0), _x(1))), Gate("Adjoint", (0,), (_x(2),)),
        Gate("Ctrl0", (0, 1), (_x(3),)),
    ), (Measurement("expval", ((1.0, "XX"),)),)),
    # fixed-ops' fixed operations ending in an expectation value, which adjoint differentiates.
    Feature("fixed-ops-expval", "fixed operations, expval", (0.543, -0.765), (
        Gate("StatePrep", (0, 1), fixed="STATE"), Gate("QubitUnitary", (0, 1), fixed="UNITARY"),
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "IZ"),)),)),
    # A non-trainable rotation ahead of trainable gates (note adjoint-probs-rebinds-parameters).
    Feature("fixed-rotation", "fixed rotation", (0.543, -0.765), (
        Gate("RX", (0,), fixed="ANGLE"), Gate("RY", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)),
        Gate("CNOT", (0, 1)),
    ), (Measurement("probs"),)),
    # The Hamiltonian of `hamiltonian` as one trainable matrix (`trainable.hermitian_of`).
    Feature("trainable-hermitian", "trainable Hermitian", (0.543, -0.765, 0.4, -0.7, 0.5), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("hermitian", ((_x(2), "ZZ"), (_x(3), "YI"), (_x(4), "ZX"))),)),
    # x[1] is the angle of the one-qubit unitary exp(-i x1 G / 2) (`trainable.unitary_of`).
    Feature("trainable-unitary", "trainable QubitUnitary", (0.543, -0.765, 0.912), (
        Gate("RX", (0,), (_x(0),)), Gate("QubitUnitary", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
        Gate("RY", (1,), (_x(2),)),
    ), (Measurement("expval", ((1.0, "XX"),)),)),
    # x[0:2] AngleEmbedding's features, x[2:8] one strongly entangling layer, x[8:10] one basic one.
    Feature("templates", "templates", (0.98, 1.29, 0.5, -0.19, -1.28, 0.67, -1.17, -0.59, -0.66, 1.31), (
        Gate("BasisState", (0, 1), fixed="BASIS"),
        Gate("AngleEmbedding", (0, 1), (_x(0), _x(1))),
        Gate("StronglyEntanglingLayers", (0, 1), tuple(_x(i) for i in range(2, 8))),
        Gate("BasicEntanglerLayers", (0, 1), (_x(8), _x(9))),
    ), (Measurement("expval", ((1.0, "XY"),)),)),
)
_DENSITY_FEATURES = (
    # Trainable channel probabilities (density matrices: `density`, bounds: `analytic_bounds`).
    Feature("noise-amplitude-damping", "trainable AmplitudeDamping", (0.3,), (
        Gate("Hadamard", (0,)), Gate("AmplitudeDamping", (0,), (_x(0),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "XX"),)), Measurement("expval", ((1.0, "ZI"),)))),
    Feature("noise-phase-damping", "trainable PhaseDamping", (0.4,), (
        Gate("Hadamard", (0,)), Gate("PhaseDamping", (0,), (_x(0),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "XX"),)),)),
    Feature("noise-depolarizing", "trainable DepolarizingChannel", (0.3,), (
        Gate("Hadamard", (0,)), Gate("CNOT", (0, 1)), Gate("DepolarizingChannel", (1,), (_x(0),)),
    ), (Measurement("probs"),)),
    Feature("noise-after-gate", "fixed channels after trainable gates", (0.543, -0.765), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
        Gate("AmplitudeDamping", (0,), fixed="DAMPING"), Gate("DepolarizingChannel", (1,), fixed="DEPOLARIZING"),
    ), (Measurement("probs"),)),
    Feature("templates-amplitude-embedding", "AmplitudeEmbedding of trainable features", (0.3, -0.5, 0.8, 0.2, 0.6), (
        Gate("AmplitudeEmbedding", (0, 1), (_x(0), _x(1), _x(2), _x(3))), Gate("RY", (1,), (_x(4),)),
        Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "XI"),)),)),
)
# fmt: on


# --- mid-circuit measurements (``mcm-*``) ---
# Four shapes, each with a code path of its own in PennyLane: a gate conditioned on an
# outcome (``qml.cond``), a postselected measurement, statistics of an outcome, a reset. A
# measurement is a `Gate` named `MID_MEASURE`; measurements are numbered in circuit order,
# and ``Gate.condition`` and an ``mcm-*`` `Measurement`'s ``wires`` name them by that
# number. Each shape runs as one feature per ``mcm_method``: ``mcm-cond-deferred``, ...
# Oracle: `branches`; tolerances: `mcm_tolerance`.

#: The values of the QNode's ``mcm_method`` every shape runs under, in axis order. Not
#: ``one-shot``: it needs shots, and its finite-shot Jacobians outlast the cell timeout.
MCM_METHODS: tuple[str, ...] = ("deferred", "tree-traversal")

# fmt: off
_MCM_SHAPES = (
    # RX(x0) on wire 0, measured; on outcome 1, RY(x1) on wire 1:
    # <Z1> = cos^2(x0/2) + sin^2(x0/2) cos(x1).
    Feature("mcm-cond", "measurement with qml.cond", (1.9, -0.765), (
        Gate("RX", (0,), (_x(0),)), Gate(MID_MEASURE, (0,)), Gate("RY", (1,), (_x(1),), condition=0),
    ), (Measurement("expval", ((1.0, "IZ"),)),)),
    # RX(x0) (x) RY(x1), CNOT, wire 1 postselected on 1: with c_i, s_i = cos, sin(x_i/2),
    # <Z0> = (c0^2 s1^2 - s0^2 c1^2) / (c0^2 s1^2 + s0^2 c1^2).
    Feature("mcm-postselect", "postselected measurement", (0.543, 1.2), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
        Gate(MID_MEASURE, (1,), postselect=1),
    ), (Measurement("expval", ((1.0, "ZI"),)),)),
    # RX(x0), CNOT, RY(x1) on wire 1, measured: P(m = 1) = (1 - cos(x0) cos(x1)) / 2,
    # returned as expval(m) and probs(op=m).
    Feature("mcm-stats", "statistics of a measurement", (0.543, -0.765), (
        Gate("RX", (0,), (_x(0),)), Gate("CNOT", (0, 1)), Gate("RY", (1,), (_x(1),)),
        Gate(MID_MEASURE, (1,)),
    ), (Measurement("mcm-expval", wires=(0,)), Measurement("mcm-probs", wires=(0,)))),
    # RX(x0), CNOT, wire 0 measured and reset, RY(x1) on wire 0: probs of |00>, |01>, |10>,
    # |11> are c0^2 c1^2, s0^2 c1^2, c0^2 s1^2, s0^2 s1^2.
    Feature("mcm-reset", "measurement with reset", (1.9, -0.765), (
        Gate("RX", (0,), (_x(0),)), Gate("CNOT", (0, 1)), Gate(MID_MEASURE, (0,), reset=True),
        Gate("RY", (0,), (_x(1),)),
    ), (Measurement("probs"),)),
)
# fmt: on

#: The ``mcm-*`` features: every shape under every method, shape by shape.
MCM_FEATURES: tuple[Feature, ...] = tuple(
    dataclasses.replace(
        shape, name=f"{shape.name}-{method}", label=f"{shape.label} ({method})", mcm_method=method
    )
    for shape in _MCM_SHAPES
    for method in MCM_METHODS
)

#: Every feature by name, in the order of the feature axis.
FEATURES: dict[str, Feature] = {f.name: f for f in (*_FEATURES, *_DENSITY_FEATURES, *MCM_FEATURES)}
#: The noise-channel and amplitude-embedding features (density matrices: `density`; bounds:
#: `analytic_bounds`), a view of `FEATURES` for the tests of those two modules.
DENSITY_FEATURES: dict[str, Feature] = {f.name: FEATURES[f.name] for f in _DENSITY_FEATURES}

#: The fixed arrays by the name a `Gate` gives in ``fixed``.
FIXED: dict[str, np.ndarray] = {
    "UNITARY": UNITARY,
    "STATE": STATE,
    "ANGLE": ANGLE,
    "BASIS": BASIS,
    # noise-after-gate's fixed channel probabilities
    "DAMPING": np.array(0.2),
    "DEPOLARIZING": np.array(0.1),
}
