"""The features oracle for circuits a state vector cannot hold: Kraus maps on a density matrix, and AmplitudeEmbedding.

A feature with a noise channel or an amplitude embedding (`needs_density`) is simulated here
as a density matrix ``rho`` (batch, 4, 4), wire 0 most significant, from its own
`model.Gate` data and these definitions, never taken from PennyLane:

* a unitary gate ``U`` (`gates`): ``rho -> U rho U^dagger``;
* a channel of Kraus operators ``K_j`` with ``sum K_j^dagger K_j = I``:
  ``rho -> sum K_j rho K_j^dagger`` (`kraus`), with (Nielsen and Chuang, section 8.3)

  - ``AmplitudeDamping(g)``: ``K0 = [[1, 0], [0, sqrt(1 - g)]]``, ``K1 = [[0, sqrt(g)], [0, 0]]``;
  - ``PhaseDamping(g)``: ``K0 = [[1, 0], [0, sqrt(1 - g)]]``, ``K1 = [[0, 0], [0, sqrt(g)]]``;
  - ``DepolarizingChannel(p)``: ``K0 = sqrt(1 - p) I``, ``K1,2,3 = sqrt(p / 3) X, Y, Z``;

* ``AmplitudeEmbedding(v, normalize=True)`` on both wires: ``rho = v v^T / |v|**2`` (the
  real features are the amplitudes, in the computational basis order);
* ``expval(sum c P)`` is ``sum c Tr(rho P)``, ``probs`` the diagonal's marginals.

A channel's parameter is a linear form of the parameters (trainable) or the name of a
fixed number in `catalog.FIXED` (a fixed channel, ``noise-after-gate``).
"""

from __future__ import annotations

import numpy as np

from supportmatrix.features import gates
from supportmatrix.features.catalog import FIXED
from supportmatrix.features.model import Feature, Gate, Measurement, coefficient_value

WIRES = 2
#: The gates this module simulates and `oracle.states` cannot: they need a density matrix
#: or a state prepared from the parameters.
CHANNELS = ("AmplitudeDamping", "PhaseDamping", "DepolarizingChannel")
EMBEDDINGS = ("AmplitudeEmbedding",)
#: Exchanges the two wires: a gate on wires (1, 0) is SWAP U SWAP.
_SWAP = np.eye(4)[[0, 2, 1, 3]]


def needs_density(feature: Feature) -> bool:
    """Whether ``feature`` has a gate only this module simulates."""
    return any(g.name in CHANNELS + EMBEDDINGS for g in feature.gates)


def kraus(name: str, p: np.ndarray) -> np.ndarray:
    """The Kraus operators of channel ``name`` at a batch of parameters: (batch, k, 2, 2)."""
    p = np.asarray(p, dtype=float)
    ops = np.zeros((p.shape[0], 4 if name == "DepolarizingChannel" else 2, 2, 2), dtype=complex)
    if name in ("AmplitudeDamping", "PhaseDamping"):
        ops[:, 0, 0, 0] = 1.0
        ops[:, 0, 1, 1] = np.sqrt(1 - p)
        ops[:, 1, 0 if name == "AmplitudeDamping" else 1, 1] = np.sqrt(p)
        return ops
    if name == "DepolarizingChannel":
        ops[:, 0] = np.sqrt(1 - p)[:, None, None] * gates.PAULI["I"]
        for j, letter in enumerate("XYZ", start=1):
            ops[:, j] = np.sqrt(p / 3)[:, None, None] * gates.PAULI[letter]
        return ops
    raise ValueError(f"the density oracle has no Kraus operators for {name!r}")


def _embed(u: np.ndarray, wires: tuple[int, ...]) -> np.ndarray:
    """(batch, 2, 2) on one of the two wires as (batch, 4, 4)."""
    eye = np.broadcast_to(gates.PAULI["I"], u.shape)
    return np.einsum("bij,bkl->bikjl", *((u, eye) if wires == (0,) else (eye, u))).reshape(-1, 4, 4)


def _full(u: np.ndarray, wires: tuple[int, ...], batch: int) -> np.ndarray:
    """A gate's matrix (d, d) or (batch, d, d) on ``wires`` as (batch, 4, 4)."""
    u = np.broadcast_to(u, (batch, *u.shape[-2:]))
    if len(wires) == WIRES:
        if wires == (0, 1):
            return u
        return _SWAP @ u @ _SWAP
    return _embed(u, wires)


def _argument(gate: Gate, params: np.ndarray) -> np.ndarray:
    if gate.fixed is not None:
        return np.full(params.shape[0], float(FIXED[gate.fixed]))
    return sum(c * params[:, i] for i, c in gate.args[0])  # type: ignore[return-value]


def density_matrices(feature: Feature, params: np.ndarray) -> np.ndarray:
    """The circuit wires' density matrices (batch, 4, 4) for parameter vectors (batch, n)."""
    params = np.asarray(params, dtype=float)
    batch = params.shape[0]
    rho = np.zeros((batch, 4, 4), dtype=complex)
    rho[:, 0, 0] = 1.0
    for gate in feature.gates:
        if gate.name in EMBEDDINGS:
            v = np.stack([sum(c * params[:, i] for i, c in form) for form in gate.args], axis=1)
            v = v / np.linalg.norm(v, axis=1, keepdims=True)
            rho = np.einsum("bi,bj->bij", v, v.conj()).astype(complex)
            continue
        if gate.name in CHANNELS:
            ops = kraus(gate.name, _argument(gate, params))
            full = np.stack([_full(ops[:, j], gate.wires, batch) for j in range(ops.shape[1])], axis=1)
            rho = np.einsum("bkij,bjl,bkml->bim", full, rho, full.conj())
            continue
        u = _full(_unitary(gate, params), gate.wires, batch)
        rho = u @ rho @ np.swapaxes(u.conj(), -1, -2)
    return rho


def _unitary(gate: Gate, params: np.ndarray) -> np.ndarray:
    if gate.name == "Hadamard":
        return gates.HADAMARD
    if gate.name == "CNOT":
        return gates.CNOT
    args = [sum(c * params[:, i] for i, c in form) for form in gate.args]
    return gates.parametrized(gate.name, args, gate.word)  # type: ignore[arg-type]


def outputs(feature: Feature, params: np.ndarray) -> np.ndarray:
    """Exact outputs (batch, outputs), each measurement's in the order they are returned."""
    params = np.asarray(params, dtype=float)
    rho = density_matrices(feature, params)
    return np.concatenate([_measure(m, rho, params) for m in feature.measurements], axis=1)


def _measure(m: Measurement, rho: np.ndarray, params: np.ndarray) -> np.ndarray:
    if m.kind == "probs":
        probs = np.real(np.einsum("bii->bi", rho)).reshape(-1, *(2,) * WIRES)
        others = tuple(w + 1 for w in range(WIRES) if w not in m.wires)
        return (probs.sum(axis=others) if others else probs).reshape(len(rho), -1)
    terms = [
        coefficient_value(c, params) * np.real(np.einsum("bij,ji->b", rho, gates.pauli_word(word)))
        for c, word in m.terms
    ]
    return np.sum(terms, axis=0)[:, None]
