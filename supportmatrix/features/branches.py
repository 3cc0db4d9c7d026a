"""The mid-circuit measurement oracle: every branch of outcomes, with its probability, simulated in NumPy.

A branch is a classical outcome register (one bit per mid-circuit measurement so far) and
the circuit wires' state, kept unnormalised so that its squared norm is the branch's
probability. A measurement of wire ``w`` splits each branch in two by the projectors
``|0><0|_w`` and ``|1><1|_w``; ``postselect=b`` keeps only the branches that saw ``b``;
``reset=True`` then flips the wire back to ``|0>`` in the branches that saw 1 (project,
then X). A gate with a ``condition`` is applied in the branches whose register holds 1
there. At the end every output is the branches' sum weighted by their probabilities,
divided by ``D``, the probability that every postselection succeeded (1 without any):
each measurement's outputs are linear in ``psi psi^H`` (`statevector.measure`), so the sum over
unnormalised branch states is that weighted sum, and a statistic of an outcome
(``mcm-expval``, ``mcm-probs``) is the branches' total probability per outcome value.
Nothing here imports PennyLane: gate matrices are `gates`', applied by `statevector.apply`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supportmatrix.features import gates
from supportmatrix.features.model import MID_MEASURE, Feature, Gate, Measurement
from supportmatrix.features.statevector import WIRES, apply, gate_matrix, measure


@dataclass(frozen=True)
class Branch:
    """One register of outcomes and its unnormalised state, (batch, 2, 2)."""

    outcomes: tuple[int, ...]
    psi: np.ndarray

    def probability(self) -> np.ndarray:
        """The branch's probability per batch element: its squared norm, (batch,)."""
        return np.sum(np.abs(self.psi.reshape(len(self.psi), -1)) ** 2, axis=1)


def _project(psi: np.ndarray, wire: int, bit: int) -> np.ndarray:
    out = psi.copy()
    index: list[int | slice] = [slice(None)] * psi.ndim
    index[wire + 1] = 1 - bit
    out[tuple(index)] = 0.0
    return out


def _measured(branch: Branch, gate: Gate) -> list[Branch]:
    wire = gate.wires[0]
    kept = []
    for bit in (0, 1):
        if gate.postselect is not None and bit != gate.postselect:
            continue
        psi = _project(branch.psi, wire, bit)
        if gate.reset and bit == 1:
            psi = apply(psi, gates.PAULI["X"], (wire,))
        kept.append(Branch((*branch.outcomes, bit), psi))
    return kept


def branches(feature: Feature, params: np.ndarray) -> list[Branch]:
    """The branches at the circuit's end, for parameter vectors (batch, n)."""
    params = np.asarray(params, dtype=float)
    psi = np.zeros((len(params),) + (2,) * WIRES, dtype=complex)
    psi[(slice(None),) + (0,) * WIRES] = 1.0
    current = [Branch((), psi)]
    for gate in feature.gates:
        if gate.name == MID_MEASURE:
            current = [b for branch in current for b in _measured(branch, gate)]
            continue
        u = gate_matrix(gate, params)
        current = [
            b
            if gate.condition is not None and b.outcomes[gate.condition] != 1
            else Branch(b.outcomes, apply(b.psi, u, gate.wires))
            for b in current
        ]
    return current


def branch_probabilities(feature: Feature, params: np.ndarray) -> np.ndarray:
    """Each branch's probability (kept branches only), (branches, batch)."""
    return np.array([b.probability() for b in branches(feature, params)])


def kept_probability(feature: Feature, params: np.ndarray) -> np.ndarray:
    """``D``: the probability that every postselection succeeds, (batch,)."""
    return np.sum(branch_probabilities(feature, params), axis=0)


def _statistic(m: Measurement, branch: Branch, params: np.ndarray) -> np.ndarray:
    if m.kind == "mcm-expval":
        return (branch.probability() * branch.outcomes[m.wires[0]])[:, None]
    if m.kind == "mcm-probs":
        bit = branch.outcomes[m.wires[0]]
        return np.outer(branch.probability(), np.eye(2)[bit])
    return measure(m, branch.psi.reshape(len(branch.psi), -1), params)


def outputs(feature: Feature, params: np.ndarray) -> np.ndarray:
    """Exact outputs (batch, outputs) of a feature with mid-circuit measurements."""
    params = np.asarray(params, dtype=float)
    ends = branches(feature, params)
    kept = np.sum([b.probability() for b in ends], axis=0)
    columns = [sum(_statistic(m, b, params) for b in ends) for m in feature.measurements]
    return np.concatenate(columns, axis=1) / kept[:, None]
