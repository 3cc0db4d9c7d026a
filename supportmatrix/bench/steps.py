"""One forward pass plus the gradient of the scalar cost, as each interface's users write it.

Each builder takes the QNode and NumPy parameters and returns a callable with no arguments
that runs one step and returns only when the result exists (jax dispatches asynchronously,
so it blocks). Parameters are float64 in every framework: jax needs x64 switched on, once per
process, which is why the benchmark runs each configuration in a process of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Step = Callable[[], Any]


def _autograd(qnode: Any, values: np.ndarray) -> Step:
    import pennylane as qml
    from pennylane import numpy as pnp

    params = pnp.array(values, requires_grad=True)
    grad = qml.grad(qnode)  # runs the forward pass and keeps its value in grad.forward
    return lambda: grad(params)


def _torch(qnode: Any, values: np.ndarray) -> Step:
    import torch

    params = torch.tensor(values, dtype=torch.float64, requires_grad=True)

    def step() -> Any:
        params.grad = None
        qnode(params).backward()
        return params.grad

    return step


def _jax(qnode: Any, values: np.ndarray, *, jit: bool) -> Step:
    import jax

    jax.config.update("jax_enable_x64", True)
    params = jax.numpy.asarray(values, dtype=jax.numpy.float64)
    value_and_grad = jax.value_and_grad(qnode)
    if jit:
        value_and_grad = jax.jit(value_and_grad)  # compiled on the first call
    return lambda: jax.block_until_ready(value_and_grad(params))


#: Interface name (`axes.INTERFACES`) -> step builder. The QNode gets the same name as its
#: ``interface``.
BUILDERS: dict[str, Callable[[Any, np.ndarray], Step]] = {
    "autograd": _autograd,
    "torch": _torch,
    "jax": lambda qnode, values: _jax(qnode, values, jit=False),
    "jax-jit": lambda qnode, values: _jax(qnode, values, jit=True),
}


def gradient_step(qnode: Any, values: np.ndarray, *, interface: str) -> Step:
    """A callable that runs ``qnode``'s forward pass and gradient once at ``values``."""
    return BUILDERS[interface](qnode, values)
