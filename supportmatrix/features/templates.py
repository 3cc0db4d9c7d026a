"""The templates' decompositions, written out from PennyLane's documented definitions, for the oracle and the tolerances.

On the wires ``(w_0, ..., w_{n-1})`` of a template:

* ``AngleEmbedding(features)``: ``RX(features[i])`` on ``w_i`` (the default rotation);
* ``BasicEntanglerLayers(weights)``, ``weights`` (layers, n): per layer ``RX(weights[l, i])``
  on ``w_i``, then a ring of CNOTs ``CNOT(w_i, w_{i+1 mod n})``, which on two wires is the one
  ``CNOT(w_0, w_1)`` (the documentation: "only one CNOT gate is applied in each layer");
* ``StronglyEntanglingLayers(weights)``, ``weights`` (layers, n, 3): per layer
  ``Rot(*weights[l, i])`` on ``w_i``, then ``CNOT(w_i, w_{i+r mod n})`` for every ``i`` with
  the range ``r = l mod (n - 1) + 1`` (on two wires ``CNOT(w_0, w_1)``, ``CNOT(w_1, w_0)``).

Every weight is the angle of exactly one Pauli rotation (each of ``Rot``'s three is), so
each has frequency 1 and the two-term rule (`gate_rules.GATE_RULES`).
"""

from __future__ import annotations

import numpy as np

from supportmatrix.features import gates

#: The templates the catalog may use, and how many weights each takes per wire and layer.
TEMPLATES: dict[str, int] = {"AngleEmbedding": 1, "BasicEntanglerLayers": 1, "StronglyEntanglingLayers": 3}


def weights_shape(name: str, wires: int, count: int) -> tuple[int, ...]:
    """The array shape template ``name`` takes its ``count`` weights in, on ``wires`` wires."""
    per_layer = wires * TEMPLATES[name]
    if count % per_layer:
        raise ValueError(f"{name} on {wires} wires takes a multiple of {per_layer} weights, not {count}")
    if name == "AngleEmbedding":
        return (wires,)
    layers = count // per_layer
    return (layers, wires, 3) if name == "StronglyEntanglingLayers" else (layers, wires)


def decomposition(
    name: str, wires: tuple[int, ...], weights: list[np.ndarray]
) -> list[tuple[np.ndarray, tuple[int, ...]]]:
    """The template's gates in order, each a matrix (batch, d, d) or (d, d) and its wires,
    at a batch of weight values (one array (batch,) per weight, in row-major order)."""
    n = len(wires)
    per = TEMPLATES[name]
    ops: list[tuple[np.ndarray, tuple[int, ...]]] = []
    for layer in range(len(weights) // (n * per)):
        block = weights[layer * n * per : (layer + 1) * n * per]
        for i, wire in enumerate(wires):
            angles = block[i * per : (i + 1) * per]
            u = (
                gates.rot(*angles)
                if name == "StronglyEntanglingLayers"
                else gates.pauli_rotation(angles[0], "X")
            )
            ops.append((u, (wire,)))
        ops += [(gates.CNOT, pair) for pair in _entanglers(name, wires, layer)]
    return ops


def _entanglers(name: str, wires: tuple[int, ...], layer: int) -> list[tuple[int, int]]:
    n = len(wires)
    if name == "AngleEmbedding" or n == 1:
        return []
    if name == "BasicEntanglerLayers":
        ring = range(n) if n > 2 else range(1)
        return [(wires[i], wires[(i + 1) % n]) for i in ring]
    r = layer % (n - 1) + 1
    return [(wires[i], wires[(i + r) % n]) for i in range(n)]


def work(name: str, wires: tuple[int, ...], count: int) -> int:
    """Round-off work of the decomposition (`model.Feature.work`'s units): a rotation 1
    (``Rot`` 3), a CNOT 2."""
    n, per = len(wires), TEMPLATES[name]
    return sum(n * per + 2 * len(_entanglers(name, wires, layer)) for layer in range(count // (n * per)))
