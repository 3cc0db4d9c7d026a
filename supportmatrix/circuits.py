"""The one circuit every cell runs, and the measurements it can end in.

Two wires carry the circuit; the device gets one more so that the hadamard
family of gradients has the auxiliary wire it needs.
"""

from __future__ import annotations

import inspect
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

from . import compat
from .model import Cell

#: Trainable parameter values: generic, so that no gradient entry vanishes by symmetry.
PARAMS: tuple[float, ...] = (0.543, -0.765)
CIRCUIT_WIRES = 2
DEVICE_WIRES = CIRCUIT_WIRES + 1

#: A fixed complex Hermitian observable on both circuit wires.
HERMITIAN = np.array(
    [
        [1.0, 0.3 - 0.2j, 0.0, 0.5],
        [0.3 + 0.2j, -0.4, 0.1j, 0.0],
        [0.0, -0.1j, 0.7, 0.2],
        [0.5, 0.0, 0.2, -1.1],
    ]
)
#: The basis state the projector measures, |01>.
PROJECTOR_STATE = (0, 1)

#: Source text of each measurement, used both to build it and in reproduction snippets.
MEASUREMENT_SOURCE: dict[str, str] = {
    "state": "qml.state()",
    "density_matrix": "qml.density_matrix(wires=[0])",
    "probs": "qml.probs(wires=[0, 1])",
    "sample": "qml.sample(qml.PauliZ(1))",
    "counts": "qml.counts(qml.PauliZ(1))",
    "expval": "qml.expval(qml.PauliZ(1))",
    "expval_hermitian": "qml.expval(qml.Hermitian(HERMITIAN, wires=[0, 1]))",
    "expval_projector": "qml.expval(qml.Projector([0, 1], wires=[0, 1]))",
    "var": "qml.var(qml.PauliZ(1))",
    "vn_entropy": "qml.vn_entropy(wires=[0])",
    "mutual_info": "qml.mutual_info(wires0=[0], wires1=[1])",
    "purity": "qml.purity(wires=[0])",
}


def _measure(name: str) -> Any:
    import pennylane as qml

    return eval(MEASUREMENT_SOURCE[name], {"qml": qml, "HERMITIAN": HERMITIAN})  # noqa: S307


def cell_seed(cell: Cell) -> int:
    """A seed that depends only on the cell id: stable across runs and xdist workers."""
    return zlib.crc32(cell.id.encode())


def make_qnode(cell: Cell) -> Any:
    """The cell's QNode on a fresh, seeded device."""
    import pennylane as qml

    def circuit(params: Any) -> Any:
        qml.RX(params[0], wires=0)
        qml.RY(params[1], wires=1)
        qml.CNOT(wires=[0, 1])
        return _measure(cell.measurement)

    return compat.make_qnode(
        circuit, device=cell.device, wires=DEVICE_WIRES, seed=cell_seed(cell),
        interface=None if cell.interface == "None" else cell.interface,
        diff_method=cell.diff_method, shots=cell.shots,
    )


def to_real_vector(out):
    """Flatten a QNode result into the real vector whose Jacobian the cell checks.

    Complex results (state, density matrix) become concat(Re, Im): a real
    post-processing that every framework differentiates, as PennyLane's
    "State gradients" section describes. A counts dict is returned unchanged,
    because there is no array to differentiate. Samples become their mean, the
    estimator of ``expval`` that users differentiate; a Jacobian of every single
    shot would cost one backward pass per shot and say nothing more.
    """
    import pennylane as qml

    if isinstance(out, dict):
        return out
    if qml.math.ndim(out) == 1 and qml.math.shape(out)[0] > 16:  # samples: one entry per shot
        out = qml.math.mean(qml.math.cast(out, "float64"))
    if "complex" in qml.math.get_dtype_name(out):
        parts = [qml.math.real(out), qml.math.imag(out)]
        out = qml.math.concatenate([qml.math.reshape(p, (-1,)) for p in parts])
    return qml.math.reshape(out, (-1,))


def real_output(qnode: Any) -> Callable[[Any], Any]:
    """``qnode`` followed by `to_real_vector`: the function each cell differentiates."""
    return lambda params: to_real_vector(qnode(params))


def reproduction_snippet(cell: Cell) -> str:
    """Python source that rebuilds the cell's QNode and computes its Jacobian."""
    from .interfaces import ADAPTERS

    adapter = ADAPTERS[cell.interface]
    interface = "None" if cell.interface == "None" else repr(cell.interface)
    lines = [
        "import numpy as np",
        "import pennylane as qml",
        *adapter.snippet_imports,
        "",
        f"HERMITIAN = np.array({HERMITIAN.tolist()!r})",
        *compat.qnode_source(device=cell.device, wires=DEVICE_WIRES, seed=cell_seed(cell),
                             interface=interface, diff_method=cell.diff_method, shots=cell.shots),
        "def circuit(params):",
        "    qml.RX(params[0], wires=0)",
        "    qml.RY(params[1], wires=1)",
        "    qml.CNOT(wires=[0, 1])",
        f"    return {MEASUREMENT_SOURCE[cell.measurement]}",
        "",
        inspect.getsource(to_real_vector),
        "def f(params):",
        "    return to_real_vector(circuit(params))",
        "",
        *adapter.snippet_body(PARAMS),
    ]
    return "\n".join(lines)
