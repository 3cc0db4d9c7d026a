"""The features' independent NumPy simulation and its reference: exact outputs, the 5-point stencil Jacobian and Hessian.

A `catalog.Feature` is simulated from its own data with `gates`' matrices on a batch of
parameter vectors (wire 0 most significant), and `check.oracle.stencil_reference` turns
that into a `Reference` exactly as for the matrix's circuit. Nothing here imports PennyLane.
"""

from __future__ import annotations

import functools

import numpy as np

from supportmatrix.check.oracle import Reference, stencil_hessian, stencil_reference
from supportmatrix.features import gates, templates
from supportmatrix.features.catalog import (
    BASIS,
    FEATURES,
    STATE,
    UNITARY,
    Feature,
    Measurement,
    coefficient_value,
    element,
    tape_feature,
)
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
        args = [sum(c * params[:, i] for i, c in form) for form in gate.args]
        if gate.name == "BasisState":  # |BASIS> on the circuit wires, from |00>
            psi = np.zeros_like(psi)
            psi[(slice(None),) + tuple(int(b) for b in BASIS)] = 1.0
            continue
        if gate.name in templates.TEMPLATES:
            # A linear form has at least one term, so sum() never returns its int start 0.
            for u, wires in templates.decomposition(gate.name, gate.wires, args):  # type: ignore[arg-type]
                psi = apply(psi, u, wires)
            continue
        if gate.name == "Hadamard":
            u = gates.HADAMARD
        elif gate.name == "CNOT":
            u = gates.CNOT
        elif gate.name == "QubitUnitary" and args:  # trainable: exp(-i t G / 2)
            generator = sum(c * gates.pauli_word(p) for c, p in GENERATOR)
            u = gates.generated(args[0], generator)  # type: ignore[arg-type]
        elif gate.name == "QubitUnitary":
            u = UNITARY
        else:
            # A linear form has at least one term, so sum() never returns its int start 0.
            u = gates.parametrized(gate.name, args, gate.word)  # type: ignore[arg-type]
        psi = apply(psi, u, gate.wires)
    return psi.reshape(batch, -1)


def outputs(feature: Feature, params: np.ndarray) -> np.ndarray:
    """Exact outputs (batch, outputs): each measurement's probabilities or expectation
    value, concatenated in the order they are returned."""
    params = np.asarray(params, dtype=float)
    psi = states(feature, params)
    return np.concatenate([_measure(m, psi, params) for m in feature.measurements], axis=1)


def _measure(m: Measurement, psi: np.ndarray, params: np.ndarray) -> np.ndarray:
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


def _reference(feature: Feature) -> Reference:
    ref = stencil_reference(
        lambda points: outputs(feature, points),
        np.array(feature.params, dtype=float),
        gates=feature.work - feature.amplitudes,
        amplitudes=feature.amplitudes,
    )
    assert ref is not None
    return ref


@functools.lru_cache(maxsize=256)
def hessian_of(feature: Feature) -> np.ndarray:
    """The reference Hessian of an unbatched ``feature``, (outputs, params, params):
    `check.oracle.stencil_hessian` over the simulation (its error: `tolerance`)."""
    return stencil_hessian(lambda points: outputs(feature, points), np.array(feature.params, dtype=float))


def feature_reference(name: str) -> Reference:
    """The reference of feature ``name`` at its own parameters (`reference_of`)."""
    return reference_of(FEATURES[name])


@functools.lru_cache(maxsize=256)
def reference_of(feature: Feature) -> Reference:
    """The reference of ``feature`` at its parameters (another circuit's, or other
    parameters than the catalog's, for the property tests); cached per process.

    A broadcast feature's is assembled from its batch elements' own references: values
    (batch * outputs,) in batch order, and a Jacobian (batch * outputs, params, batch) that
    is block diagonal, since element ``b``'s outputs depend on element ``b``'s values only.
    """
    if not feature.batch:
        return _reference(feature)
    refs = [_reference(element(feature, b)) for b in range(feature.batch)]
    out, n = refs[0].jacobian.shape
    jac = np.zeros((feature.batch * out, n, feature.batch))
    truncation = np.zeros_like(jac)
    for b, ref in enumerate(refs):
        jac[b * out : (b + 1) * out, :, b] = ref.jacobian
        truncation[b * out : (b + 1) * out, :, b] = ref.truncation
    return Reference(
        value=np.concatenate([r.value for r in refs]),
        jacobian=jac,
        scale=np.concatenate([r.scale for r in refs]),
        truncation=truncation,
        gates=refs[0].gates,
        amplitudes=refs[0].amplitudes,
    )


def tape_jacobian(name: str) -> np.ndarray:
    """The reference Jacobian of feature ``name`` with respect to its tape parameters."""
    return tape_jacobian_of(FEATURES[name])


@functools.lru_cache(maxsize=256)
def tape_jacobian_of(feature: Feature) -> np.ndarray:
    """The reference Jacobian of ``feature`` with respect to its tape parameters
    (`catalog.tape_feature`), shape (outputs, tape parameters)."""
    tape = tape_feature(feature)
    ref = stencil_reference(
        lambda points: outputs(tape, points),
        np.array(tape.params),
        gates=tape.work - tape.amplitudes,
        amplitudes=tape.amplitudes,
    )
    assert ref is not None
    return ref.jacobian
