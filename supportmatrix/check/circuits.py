"""The circuit every cell runs, its seeds, and the snippet that reproduces a cell.

Every matrix cell runs `DEFAULT_CIRCUIT`: RX(x0) on wire 0, RY(x1) on wire 1,
CNOT(0, 1). It is the smallest member of a layered family (`CircuitShape`) that
the property tests draw from: each layer puts RX on even and RY on odd wires,
then a CNOT chain, and ends in one of `measurements.MEASUREMENTS`. The device gets
one wire more than the circuit so that the hadamard family of gradients has the
auxiliary wire it needs.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from supportmatrix.check import compat
from supportmatrix.check.measurements import HERMITIAN, MEASUREMENTS, build_measurement
from supportmatrix.check.seeds import BIAS_STREAM, MAIN_STREAM, cell_seed, spsa_gradient_kwargs, spsa_source
from supportmatrix.matrix.model import QNodeCell

#: Trainable parameter values: generic, so that no gradient entry vanishes by symmetry.
PARAMS: tuple[float, ...] = (0.543, -0.765)
CIRCUIT_WIRES = 2
DEVICE_WIRES = CIRCUIT_WIRES + 1


@dataclass(frozen=True)
class CircuitShape:
    """A member of the layered circuit family: ``wires`` circuit wires, ``layers`` layers.

    Layer ``l`` applies RX to even and RY to odd wires, with parameter
    ``params[l * wires + w]`` on wire ``w``, then CNOT(w, w + 1) down the chain.
    Measurements act on wires 0 and 1, so any ``wires >= 2`` runs all of them.
    """

    wires: int = CIRCUIT_WIRES
    layers: int = 1

    @property
    def n_params(self) -> int:
        return self.wires * self.layers

    @property
    def device_wires(self) -> int:
        return self.wires + 1  # the auxiliary wire of the hadamard methods

    def gates(self) -> list[tuple[str, tuple[int, ...], int | None]]:
        """``(name, wires, parameter index or None)`` in circuit order."""
        ops: list[tuple[str, tuple[int, ...], int | None]] = []
        for layer in range(self.layers):
            for w in range(self.wires):
                ops.append(("RX" if w % 2 == 0 else "RY", (w,), layer * self.wires + w))
            ops += [("CNOT", (w, w + 1), None) for w in range(self.wires - 1)]
        return ops


#: The circuit of every matrix cell: RX(x0) on wire 0, RY(x1) on wire 1, CNOT(0, 1).
DEFAULT_CIRCUIT = CircuitShape()


def apply_circuit(params: Any, shape: CircuitShape = DEFAULT_CIRCUIT) -> None:
    """Queue the gates of ``shape`` with ``params`` (inside a QNode)."""
    import pennylane as qml

    for name, wires, index in shape.gates():
        if index is None:
            qml.CNOT(wires=list(wires))
        else:
            getattr(qml, name)(params[index], wires=wires[0])


def cell_qnode(
    cell: QNodeCell,
    *,
    shape: CircuitShape = DEFAULT_CIRCUIT,
    run: int = 0,
    repeats: int = 1,
    repeat: int | None = None,
) -> Any:
    """The cell's QNode on a fresh device seeded by `seeds.cell_seed`, spsa's directions
    seeded too (`seeds.spsa_gradient_kwargs`).

    ``repeats > 1`` turns a finite-shot cell's shots into a shot vector of that
    many independent copies (the bias check), on its own seed stream; ``repeat`` is one
    such copy alone, with a seed of its own (for a device that refuses shot vectors).
    """

    def circuit(params: Any) -> Any:
        apply_circuit(params, shape)
        return build_measurement(cell.measurement)

    shots: Any = cell.shots
    stream = MAIN_STREAM
    if repeats > 1:
        if cell.shots is None:
            raise ValueError(f"{cell.id}: only a finite-shot cell can repeat its shots")
        shots, stream = (cell.shots,) * repeats, BIAS_STREAM
    return compat.device_qnode(
        circuit,
        device=cell.device,
        wires=shape.device_wires,
        seed=cell_seed(cell, run=run, stream=BIAS_STREAM if repeat is not None else stream, repeat=repeat),
        interface=None if cell.interface == "None" else cell.interface,
        diff_method=cell.diff_method,
        shots=shots,
        gradient_kwargs=spsa_gradient_kwargs(cell, run),
    )


def to_real_vector(out):
    """Flatten a QNode result into the real vector whose Jacobian the cell checks.

    Complex results (state, density matrix) become concat(Re, Im): a real
    post-processing that every framework differentiates, as PennyLane's
    "State gradients" section describes. A counts dict is returned unchanged,
    because there is no array to differentiate. Samples become their mean, the
    estimator of ``expval`` that users differentiate; a Jacobian of every single
    shot would cost one backward pass per shot and say nothing more.

    Nothing is cast to another floating or complex dtype, so the result's dtype is
    the framework's: float64 for float64 parameters (`classify.dtype_check`). The
    one cast is of integer samples to float64 before their mean, which is exact for
    the eigenvalues +-1; PennyLane returns PauliZ samples as float64, and float32
    samples would give a float32 mean and show.
    """
    import pennylane as qml

    if isinstance(out, dict):
        return out
    dtype = qml.math.get_dtype_name(out)
    is_complex = "complex" in dtype
    # samples: one real entry per shot (a state is complex, probabilities have <= 4 entries)
    if not is_complex and qml.math.ndim(out) == 1 and qml.math.shape(out)[0] > 16:
        out = qml.math.mean(qml.math.cast(out, "float64") if "int" in dtype else out)
    if is_complex:
        parts = [qml.math.real(out), qml.math.imag(out)]
        out = qml.math.concatenate([qml.math.reshape(p, (-1,)) for p in parts])
    return qml.math.reshape(out, (-1,))


def real_output(qnode: Any) -> Callable[[Any], Any]:
    """``qnode`` followed by `to_real_vector`: the function each cell differentiates."""
    return lambda params: to_real_vector(qnode(params))


def _gate_source(shape: CircuitShape) -> list[str]:
    lines = []
    for name, wires, index in shape.gates():
        if index is None:
            lines.append(f"    qml.CNOT(wires={list(wires)})")
        else:
            lines.append(f"    qml.{name}(params[{index}], wires={wires[0]})")
    return lines


@functools.cache
def function_source(function: Callable[..., Any]) -> str:
    """A function's source, read once: the HTML report writes thousands of snippets that
    quote the same few functions, and `inspect.getsource` tokenizes their file each time."""
    return inspect.getsource(function)


def reproduction_snippet(
    cell: QNodeCell, *, shape: CircuitShape = DEFAULT_CIRCUIT, params: Sequence[float] = PARAMS, run: int = 0
) -> str:
    """Python source that rebuilds the cell's QNode and computes its Jacobian
    (for another circuit shape, parameters or run seed than the cell's own if given)."""
    from supportmatrix.check.interfaces import ADAPTERS

    adapter = ADAPTERS[cell.interface]
    interface = "None" if cell.interface == "None" else repr(cell.interface)
    seed = cell_seed(cell, run=run)
    lines = [
        "import numpy as np",
        "import pennylane as qml",
        *adapter.snippet_imports,
        "",
        f"HERMITIAN = np.array({HERMITIAN.tolist()!r})",
        *compat.qnode_source(
            device=cell.device,
            wires=shape.device_wires,
            seed=seed,
            interface=interface,
            diff_method=cell.diff_method,
            shots=cell.shots,
            gradient_kwargs=spsa_source(cell, run),
        ),
        "def circuit(params):",
        *_gate_source(shape),
        f"    return {MEASUREMENTS[cell.measurement].source}",
        "",
        function_source(to_real_vector),
        "def f(params):",
        "    return to_real_vector(circuit(params))",
        "",
        *adapter.snippet_body([float(p) for p in params]),
    ]
    return "\n".join(lines)
