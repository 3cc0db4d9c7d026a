"""The benchmark's circuit: layers of RZ·RY·RZ on every wire and a CNOT ring, costed as ⟨Z0⟩.

Each layer is `qml.StronglyEntanglingLayers`' pattern at range 1, written out gate by gate:
every ``Rot`` as the three single-parameter rotations it stands for, then CNOT(w, w + 1 mod
n). Written out, every diff method and both devices apply the same gates (adjoint would
otherwise decompose ``Rot`` itself and backprop would not), so the gate count that the
throughput arithmetic of `bandwidth` needs is exact. The cost is the scalar ⟨Z0⟩: one
single-qubit observable, as in seed 004's question a, so the gradient is of a true scalar
and adjoint carries one bra state. Parameters number 3·n·L, so the layers scale them
independently of the qubits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from supportmatrix.check import compat

#: What the results file says the circuit is, so a reader needs no source.
DESCRIPTION = (
    "L layers of RZ, RY, RZ on every wire then a CNOT ring CNOT(w, w+1 mod n); "
    "cost <Z0>; 3nL parameters, 4nL gates"
)


@dataclass(frozen=True)
class Circuit:
    """One size of the benchmark circuit: ``qubits`` wires, ``layers`` layers."""

    qubits: int
    layers: int

    @property
    def params(self) -> int:
        return 3 * self.qubits * self.layers

    @property
    def gates(self) -> int:
        """Gate applications of one forward pass: three rotations and one CNOT per wire and layer."""
        return 4 * self.qubits * self.layers

    def initial_params(self) -> np.ndarray:
        """Seeded parameters of shape (layers, qubits, 3), the same in every process."""
        rng = np.random.default_rng(0)  # local: the benchmark never seeds a global generator
        return rng.uniform(0.0, 2 * np.pi, size=(self.layers, self.qubits, 3))

    def body(self) -> Callable[[Any], Any]:
        """The quantum function, taking the parameter array in any interface's type."""
        import pennylane as qml

        n = self.qubits

        def circuit(weights: Any) -> Any:
            for layer in range(self.layers):
                for wire in range(n):
                    qml.RZ(weights[layer, wire, 0], wires=wire)
                    qml.RY(weights[layer, wire, 1], wires=wire)
                    qml.RZ(weights[layer, wire, 2], wires=wire)
                for wire in range(n):
                    qml.CNOT(wires=[wire, (wire + 1) % n])
            return qml.expval(qml.PauliZ(0))

        return circuit

    def qnode(self, *, device: str, interface: str, diff_method: str) -> Any:
        """The circuit as an analytic QNode on a fresh device."""
        return compat.device_qnode(
            self.body(),
            device=device,
            wires=self.qubits,
            seed=0,
            interface=interface,
            diff_method=diff_method,
            shots=None,
        )
