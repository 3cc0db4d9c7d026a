"""Each feature as PennyLane builds it (the quantum function) and as a snippet writes it (its source).

`circuit_of` and `circuit_source` read the same `model.Feature` data, so the failure
report's snippet builds what the cell runs (a unit test executes it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from supportmatrix.check.circuits import function_source
from supportmatrix.features import composites, templates, trainable
from supportmatrix.features.catalog import FIXED
from supportmatrix.features.gate_rules import VECTOR_GATES
from supportmatrix.features.model import MID_MEASURE, Feature, Gate, Linear, Measurement, is_trainable

# --------------------------------------------------------------------------- PennyLane side


def _value(x: Any, form: Linear) -> Any:
    terms = [x[i] if c == 1 else c * x[i] for i, c in form]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def _observable(qml: Any, word: str) -> Any:
    factors = [getattr(qml, f"Pauli{p}")(w) for w, p in enumerate(word) if p != "I"]
    op = factors[0]
    for factor in factors[1:]:
        op = op @ factor
    return op


def circuit_of(feature: Feature) -> Callable[[Any], Any]:
    """The quantum function of ``feature`` (to be wrapped in a QNode)."""

    def circuit(x: Any) -> Any:
        import pennylane as qml

        outcomes = []  # the mid-circuit measurements' values, in circuit order
        for gate in feature.gates:
            if gate.name == MID_MEASURE:
                outcomes.append(qml.measure(gate.wires[0], reset=gate.reset, postselect=gate.postselect))
                continue
            args = [_value(x, form) for form in gate.args]
            if gate.name in composites.COMPOSITES:
                composites.build(qml, gate.name, args, gate.wires)
                continue
            cls = getattr(qml, gate.name)
            if gate.condition is not None:
                cls = qml.cond(outcomes[gate.condition], cls)
            if gate.fixed is not None:
                args = [FIXED[gate.fixed]]
            if gate.name == "QubitUnitary" and gate.args:
                args = [trainable.unitary_of(args[0])]
            if gate.name in templates.TEMPLATES:
                shape = templates.weights_shape(gate.name, len(gate.wires), len(args))
                args = [qml.math.reshape(qml.math.stack(args), shape)]
            if gate.word is not None:
                args.append(gate.word)
            if gate.name in VECTOR_GATES:
                cls(qml.math.stack(args), wires=list(gate.wires), **VECTOR_GATES[gate.name])
                continue
            cls(*args, wires=list(gate.wires))
        built = tuple(_measurement(qml, m, x, outcomes) for m in feature.measurements)
        return built[0] if len(built) == 1 else built

    return circuit


def _single_word(m: Measurement) -> bool:
    """``expval(P)`` of one Pauli word, no Hamiltonian around it."""
    return len(m.terms) == 1 and not is_trainable(m.terms[0][0]) and m.terms[0][0] == 1.0


def _measurement(qml: Any, m: Measurement, x: Any, outcomes: list[Any]) -> Any:
    if m.kind == "mcm-expval":
        return qml.expval(outcomes[m.wires[0]])
    if m.kind == "mcm-probs":
        return qml.probs(op=outcomes[m.wires[0]])
    if m.kind == "probs":
        return qml.probs(wires=list(m.wires))
    if _single_word(m):
        return qml.expval(_observable(qml, m.terms[0][1]))
    if m.kind == "hermitian":
        coeffs = [_value(x, c) if is_trainable(c) else c for c, _ in m.terms]
        matrix = trainable.hermitian_of(coeffs, [w for _, w in m.terms])
        return qml.expval(qml.Hermitian(matrix, wires=list(m.wires)))
    coeffs = [_value(x, c) if is_trainable(c) else c for c, _ in m.terms]
    return qml.expval(qml.Hamiltonian(coeffs, [_observable(qml, w) for _, w in m.terms]))


# --------------------------------------------------------------------------- source text


def _value_source(form: Linear) -> str:
    return " + ".join(f"x[{i}]" if c == 1 else f"{c:g} * x[{i}]" for i, c in form)


def _observable_source(word: str) -> str:
    return " @ ".join(f"qml.Pauli{p}({w})" for w, p in enumerate(word) if p != "I")


def circuit_source(feature: Feature) -> list[str]:
    """``def circuit(x): ...`` as source lines, building what `circuit_of` builds."""
    lines = ["def circuit(x):"]
    measured = 0
    for gate in feature.gates:
        if gate.name == MID_MEASURE:
            lines.append(f"    m{measured} = {_measure_source(gate)}")
            measured += 1
            continue
        args = [_value_source(form) for form in gate.args]
        if gate.name in composites.COMPOSITES:
            lines.append(f"    {composites.source(gate.name, args, gate.wires)}")
            continue
        if gate.fixed is not None:
            args = [gate.fixed]
        args = _matrix_source(gate, args)
        if gate.word is not None:
            args.append(repr(gate.word))
        if gate.name in VECTOR_GATES:
            kwargs = [f"{k}={v!r}" for k, v in VECTOR_GATES[gate.name].items()]
            args = [f"qml.math.stack([{', '.join(args)}])", *kwargs]
        op = f"qml.{gate.name}" if gate.condition is None else f"qml.cond(m{gate.condition}, qml.{gate.name})"
        lines.append(f"    {op}({', '.join([*args, f'wires={list(gate.wires)}'])})")
    lines.append(f"    return {', '.join(_measurement_source(m) for m in feature.measurements)}")
    return lines


def _measure_source(gate: Gate) -> str:
    more = (", reset=True" if gate.reset else "") + (
        f", postselect={gate.postselect}" if gate.postselect is not None else ""
    )
    return f"qml.measure({gate.wires[0]}{more})"


def _measurement_source(m: Measurement) -> str:
    if m.kind == "mcm-expval":
        return f"qml.expval(m{m.wires[0]})"
    if m.kind == "mcm-probs":
        return f"qml.probs(op=m{m.wires[0]})"
    if m.kind == "probs":
        return f"qml.probs(wires={list(m.wires)})"
    if _single_word(m):
        return f"qml.expval({_observable_source(m.terms[0][1])})"
    coeffs = ", ".join(_value_source(c) if is_trainable(c) else repr(c) for c, _ in m.terms)
    if m.kind == "hermitian":
        words = [w for _, w in m.terms]
        return f"qml.expval(qml.Hermitian(hermitian_of([{coeffs}], {words!r}), wires={list(m.wires)}))"
    obs = ", ".join(_observable_source(w) for _, w in m.terms)
    return f"qml.expval(qml.Hamiltonian([{coeffs}], [{obs}]))"


def _matrix_source(gate: Gate, args: list[str]) -> list[str]:
    """A trainable unitary's or a template's argument as `circuit_of` builds it."""
    if gate.name == "QubitUnitary" and gate.args:
        return [f"unitary_of({args[0]})"]
    if gate.name in templates.TEMPLATES:
        shape = templates.weights_shape(gate.name, len(gate.wires), len(args))
        return [f"qml.math.reshape(qml.math.stack([{', '.join(args)}]), {shape})"]
    return args


def fixed_arrays_source(feature: Feature) -> list[str]:
    """Assignments of the fixed arrays the circuit uses, exactly (``repr`` round-trips), and
    the functions that build its trainable matrices (`trainable`)."""
    names = [g.fixed for g in feature.gates if g.fixed is not None]
    lines = [f"{name} = np.array({FIXED[name].tolist()!r})" for name in names]
    unitary = any(g.name == "QubitUnitary" and g.args for g in feature.gates)
    hermitian = any(m.kind == "hermitian" for m in feature.measurements)
    if unitary or hermitian:
        lines += ["from functools import reduce", f"_PAULI = {trainable._PAULI!r}"]
        lines += function_source(trainable.word_matrix).splitlines()
        lines += function_source(trainable.as_complex).splitlines()
    if unitary:
        lines += [f"GENERATOR = {trainable.GENERATOR!r}", *function_source(trainable.unitary_of).splitlines()]
    if hermitian:
        lines += function_source(trainable.hermitian_of).splitlines()
    return lines
