"""The oracle's state vectors: gates applied to a batch of 2-wire states, and measurements read off them.

Wire 0 is the most significant; a state is (batch, 2, 2) while gates act, (batch, 4) when
measured. Nothing here imports PennyLane.
"""

from __future__ import annotations

import numpy as np

from supportmatrix.features import gates, templates
from supportmatrix.features.catalog import BASIS, FIXED, STATE, UNITARY
from supportmatrix.features.composites import COMPOSITES
from supportmatrix.features.model import Feature, Gate, Measurement, coefficient_value
from supportmatrix.features.trainable import GENERATOR

WIRES = 2


def apply(psi: np.ndarray, u: np.ndarray, wires: tuple[int, ...]) -> np.ndarray:
    """``u`` (d, d) or (batch, d, d) applied to ``wires`` of states (batch, 2, ..., 2)."""
    k = len(wires)
    batch = psi.shape[0]
    u = np.broadcast_to(u, (batch, 2**k, 2**k))
    axes = [w + 1 for w in wires]
    moved = np.moveaxis(psi, axes, list(range(psi.ndim - k, psi.ndim)))
    flat = moved.reshape(*moved.shape[: psi.ndim - k], 2**k)
    out = np.einsum("bij,b...j->b...i", u, flat).reshape(moved.shape)
    return np.moveaxis(out, list(range(psi.ndim - k, psi.ndim)), axes)


def states(feature: Feature, params: np.ndarray) -> np.ndarray:
    """The circuit wires' states, (batch, 4), for parameter vectors (batch, n)."""
    params = np.asarray(params, dtype=float)
    batch = params.shape[0]
    psi = np.zeros((batch,) + (2,) * WIRES, dtype=complex)
    psi[(slice(None),) + (0,) * WIRES] = 1.0
    for gate in feature.gates:
        if gate.name == "StatePrep":
            psi = np.broadcast_to(STATE.reshape((1,) + (2,) * WIRES), psi.shape).copy()
            continue
        if gate.name == "BasisState":  # |BASIS> on the circuit wires, from |00>
            psi = np.zeros_like(psi)
            psi[(slice(None),) + tuple(int(b) for b in BASIS)] = 1.0
            continue
        if gate.name in templates.TEMPLATES:
            args = [sum(c * params[:, i] for i, c in form) for form in gate.args]
            # A linear form has at least one term, so sum() never returns its int start 0.
            for u, wires in templates.decomposition(gate.name, gate.wires, args):  # type: ignore[arg-type]
                psi = apply(psi, u, wires)
            continue
        psi = apply(psi, gate_matrix(gate, params), gate.wires)
    return psi.reshape(batch, -1)


def gate_matrix(gate: Gate, params: np.ndarray) -> np.ndarray:
    """A unitary gate's matrix, (d, d), or (batch, d, d) at parameter vectors (batch, n)."""
    if gate.name == "Hadamard":
        return gates.HADAMARD
    if gate.name == "CNOT":
        return gates.CNOT
    args = [sum(c * params[:, i] for i, c in form) for form in gate.args]
    if gate.name == "QubitUnitary" and args:  # trainable: exp(-i t G / 2)
        generator = sum(c * gates.pauli_word(p) for c, p in GENERATOR)
        return gates.generated(args[0], generator)  # type: ignore[arg-type]
    if gate.name == "QubitUnitary":
        return UNITARY
    if gate.fixed is not None:  # a rotation's fixed angle (``ANGLE``)
        args = [np.full(params.shape[0], float(FIXED[gate.fixed]))]
    # A linear form has at least one term, so sum() never returns its int start 0.
    composite = COMPOSITES.get(gate.name)
    if composite is not None:
        return composite.matrix(args)  # type: ignore[arg-type]
    return gates.parametrized(gate.name, args, gate.word)  # type: ignore[arg-type]


def measure(m: Measurement, psi: np.ndarray, params: np.ndarray) -> np.ndarray:
    """One measurement's outputs (batch, outputs) on states (batch, 4) of unit norm; on
    unnormalised ones, those outputs times the squared norm (each is linear in psi psi^H)."""
    if m.kind == "probs":
        probs = (np.abs(psi) ** 2).reshape(-1, *(2,) * WIRES)
        others = tuple(w + 1 for w in range(WIRES) if w not in m.wires)
        marginal = probs.sum(axis=others) if others else probs
        return marginal.reshape(len(psi), -1)  # wires 0, 1 in order: (0,), (1,), (0, 1)
    terms = [
        coefficient_value(c, params)
        * np.real(np.einsum("bi,ij,bj->b", psi.conj(), gates.pauli_word(word), psi))
        for c, word in m.terms
    ]
    return np.sum(terms, axis=0)[:, None]
