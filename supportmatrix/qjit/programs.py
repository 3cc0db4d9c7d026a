"""The program a Catalyst cell runs, as Python source: built, executed, and quoted as its reproduction.

One text is both what runs and what a failure report prints, so the snippet can never drift
from the cell. A cell's program defines ``cost`` (the QNode's output as a real vector, or
the scalar itself for expval and var), the forward program ``forward = qml.qjit(cost)`` and
the derivative program ``derivative = qml.qjit(...)``: the cell's gradient function with
its ``method=``, once (the Jacobian) or twice (grad of grad: row ``i`` of the Hessian is the
gradient of entry ``i`` of the gradient, so a scalar-only ``grad`` can take it too).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from supportmatrix.check.circuits import DEFAULT_CIRCUIT, PARAMS
from supportmatrix.check.compat import device_source
from supportmatrix.check.measurements import HERMITIAN, MEASUREMENTS
from supportmatrix.matrix.model import QjitCell

#: How each measurement becomes the real output ``cost`` returns: scalar measurements stay
#: scalars (what ``grad`` takes), probs a vector, complex results concat(Re, Im), samples
#: their mean (as in the QNode cells), counts as returned.
_COMPLEX = ("out = circuit(params)", "return jnp.concatenate([jnp.real(out).ravel(), jnp.imag(out).ravel()])")
_COST_BODY: dict[str, tuple[str, ...]] = {
    "expval": ("return circuit(params)",),
    "var": ("return circuit(params)",),
    "probs": ("return jnp.reshape(circuit(params), (-1,))",),
    "state": _COMPLEX,
    "density_matrix": _COMPLEX,
    "sample": ("return jnp.mean(circuit(params))",),
    "counts": ("return circuit(params)",),
    **dict.fromkeys(
        ("expval_hermitian", "expval_projector", "vn_entropy", "mutual_info", "purity"),
        ("return circuit(params)",),
    ),
}

#: The gradient functions by axis value, as the program spells them.
GRAD_FUNCTIONS = ("qml.grad", "catalyst.grad", "catalyst.jacobian")


def qjit_seed(cell: QjitCell) -> int:
    """The sampling seed of a finite-shot cell's programs (``qml.qjit(seed=...)``): the
    crc32 of the cell id, stable across processes and xdist workers."""
    return zlib.crc32(cell.id.encode())


def program_source(cell: QjitCell) -> str:
    """The cell's whole program, from imports to the two compiled functions."""
    if cell.grad_function not in GRAD_FUNCTIONS:
        raise ValueError(
            f"unknown grad_function {cell.grad_function!r}; allowed: {', '.join(GRAD_FUNCTIONS)}"
        )
    seed = "" if cell.shots is None else f", seed={qjit_seed(cell)}"
    grad = f"{cell.grad_function}({{f}}, method={cell.method!r})"
    lines = [
        "import jax.numpy as jnp",
        "import numpy as np",
        "import pennylane as qml",
        "import catalyst",
        "",
        f"HERMITIAN = np.array({HERMITIAN.tolist()!r})",
        device_source(cell.device, wires=DEFAULT_CIRCUIT.device_wires),
        "",
        f"@qml.qnode(dev, diff_method={cell.diff_method!r}, shots={cell.shots!r})",
        "def circuit(params):",
        *_gate_lines(),
        f"    return {MEASUREMENTS[cell.measurement].source}",
        "",
        "def cost(params):",
        *(f"    {line}" for line in _COST_BODY[cell.measurement]),
        "",
        "def gradient(params):",
        f"    return {grad.format(f='cost')}(params)",
        "",
    ]
    if cell.derivative == "second":
        lines += [
            "def hessian(params):",
            "    # row i: the gradient of entry i of the gradient (grad of grad)",
            f"    rows = [{grad.format(f='lambda p, i=i: gradient(p)[..., i]')}(params)",
            f"            for i in range({len(PARAMS)})]",
            "    return jnp.stack(rows, axis=-1)",
            "",
        ]
    target = "hessian" if cell.derivative == "second" else "gradient"
    lines += [
        f"forward = qml.qjit(cost{seed})",
        f"derivative = qml.qjit({target}{seed})",
        f"x = jnp.array({list(PARAMS)!r})",
    ]
    return "\n".join(lines) + "\n"


def reproduction_snippet(cell: QjitCell) -> str:
    """The program, then the two calls a cell makes: copy, paste, run."""
    return program_source(cell) + "print(forward(x))\nprint(derivative(x))\n"


def _gate_lines() -> list[str]:
    lines = []
    for name, wires, index in DEFAULT_CIRCUIT.gates():
        if index is None:
            lines.append(f"    qml.CNOT(wires={list(wires)})")
        else:
            lines.append(f"    qml.{name}(params[{index}], wires={wires[0]})")
    return lines


@dataclass(frozen=True)
class Program:
    """A cell's program, executed: its two compiled functions and its parameters."""

    forward: Any
    derivative: Any
    x: Any


def build_program(cell: QjitCell) -> Program:
    """Execute `program_source` (this imports jax, PennyLane and Catalyst; nothing compiles
    until a function is called)."""
    namespace: dict[str, Any] = {"__name__": f"qjit_cell_{qjit_seed(cell)}"}
    exec(compile(program_source(cell), f"<qjit program {cell.id}>", "exec"), namespace)  # noqa: S102
    return Program(namespace["forward"], namespace["derivative"], namespace["x"])
