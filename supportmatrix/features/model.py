"""What a feature is: its `Gate`s, its `Measurement`s and the `Feature` that holds them,
with what the oracle and the tolerances derive from them.

A `Feature` is a list of `Gate`s on the two circuit wires (the device has one auxiliary
wire more per derivative order, for the hadamard methods) and one `Measurement`, or a
tuple of them (``multi-measure``), whose outputs are checked as one concatenated vector.
A broadcast feature (``broadcast``) gives each parameter a batch of values: ``x[i]`` is
then a vector, every gate broadcasts over it, and each batch element is its own unbatched
circuit (`element`). A gate's arguments, and a Hamiltonian's coefficients, are numbers or
linear forms of the trainable parameters (`linear`), so ``RX(2 * x[0] + x[1])`` and a
Hamiltonian's trainable coefficients are data too. Five fields say how a feature is run
rather than what it builds: ``derivative`` (2: the Hessian is checked as well),
``shot_vector`` (its finite-shot cells run that vector, one result and one Jacobian per
partition), ``shots`` (its finite-shot cells run that many shots instead),
``dtype`` (the parameters' precision) and ``mcm_method``.

What the oracle and the tolerances need to know about a feature beyond its data (its tape
parameters and classical Jacobian, its frequencies, coefficient values and magnitude, the
work of one evaluation) is derived once, when the `Feature` is made (``__post_init__``),
and read off it: a feature with other parameters (``dataclasses.replace``, the property
tests) derives its own. The features themselves are data in `catalog`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from supportmatrix.check.bounds import GateRule
from supportmatrix.features import templates
from supportmatrix.features.gate_rules import GATE_RULES

if TYPE_CHECKING:  # typing.TypeIs is Python 3.13's; only the type checker reads it here
    from typing_extensions import TypeIs

#: A gate argument: ``sum(coefficient * x[index])`` over its ``(index, coefficient)`` pairs.
Linear = tuple[tuple[int, float], ...]
#: A Hamiltonian term's coefficient: a fixed number, or (trainable) a linear form.
Coefficient = float | Linear


def linear(index: int, coefficient: float = 1.0) -> Linear:
    """The linear form ``coefficient * x[index]``."""
    return ((index, coefficient),)


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
    #: The shots its finite-shot cells run in place of the shots axis value; None: the
    #: axis value (one-shot mid-circuit measurements: their cost grows with every shot).
    shots: int | None = None
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
        dataclasses.replace(g, args=tuple(linear(next(position)) for _ in g.args)) for g in feature.gates
    )
    measurements = tuple(
        dataclasses.replace(
            m, terms=tuple((linear(next(position)) if is_trainable(c) else c, word) for c, word in m.terms)
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
