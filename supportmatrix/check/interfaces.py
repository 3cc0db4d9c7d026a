"""One adapter per interface axis value: trainable parameters and the framework's own Jacobian.

Frameworks are imported on first use, never at import time, so that a cell
only pays for the framework it runs and a missing framework is a skip.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Parameter values: one per parameter, or (a broadcast feature) one batch per parameter.
ParamValues = Sequence[float] | Sequence[Sequence[float]]

#: What `Adapter.jacobian` returns when the framework reports that the output is
#: not connected to the parameters (torch: no ``requires_grad``; tf: ``None``;
#: autograd: an empty Jacobian). Distinct from a computed all-zero Jacobian.
NO_GRADIENT = None


def to_numpy(value: Any) -> Any:
    """A framework array (or a dict of them) as NumPy, detached from any graph, in the
    dtype the framework gave it: never cast, so that a complex or float32 result shows
    (torch ``.detach().numpy()``, tf ``.numpy()``, jax and autograd ``np.asarray``)."""
    if isinstance(value, dict):
        return {k: to_numpy(v) for k, v in value.items()}
    if hasattr(value, "detach"):  # torch
        value = value.detach()
    if hasattr(value, "numpy"):  # torch, tf
        value = value.numpy()
    return np.asarray(value)


@dataclass(frozen=True)
class Adapter:
    """How one interface makes parameters, runs the forward pass and takes the Jacobian."""

    name: str
    #: The module whose absence turns this interface's cells into skips.
    requires: str
    #: The parameter values and their floating dtype's name (float64; float32 for the
    #: features' ``float32``) to the framework's trainable array.
    make_params: Callable[[ParamValues, str], Any]
    run_forward: Callable[[Callable[[Any], Any], Any], Any]
    run_jacobian: Callable[[Callable[[Any], Any], Any, Any], Any]
    #: The reproduction snippet's imports, parameter expression (``{values}`` and the
    #: dtype's name ``{dtype}``) and Jacobian lines.
    snippet_imports: tuple[str, ...]
    snippet_params: str
    snippet_jacobian: tuple[str, ...]
    #: Set when `forward` also differentiates (jax): run alone after a failure, it
    #: tells a forward-pass error from a gradient error.
    forward_alone: Callable[[Callable[[Any], Any], Any], Any] | None = None

    def available(self) -> bool:
        return importlib.util.find_spec(self.requires) is not None

    def params(self, values: ParamValues, dtype: str = "float64") -> Any:
        """Trainable parameters native to the framework, float64 unless ``dtype`` says."""
        return self.make_params(values, dtype)

    def forward(self, f: Callable[[Any], Any], x: Any) -> Any:
        """Run ``f(x)``; the returned trace is what `jacobian` needs (tf keeps its tape,
        jax computes the Jacobian right away)."""
        return self.run_forward(f, x)

    def forward_error(self, f: Callable[[Any], Any], x: Any) -> Exception | None:
        """After `forward` raised: the forward pass's own exception, or None when the
        forward pass works and the failure was the Jacobian's (jax's combined call)."""
        if self.forward_alone is None:
            raise AssertionError("only adapters that differentiate in `forward` can tell")
        try:
            self.forward_alone(f, x)
        except Exception as exc:  # noqa: BLE001 - this is the observation itself
            return exc
        return None

    def jacobian(self, f: Callable[[Any], Any], x: Any, trace: Any) -> np.ndarray | None:
        """The framework's Jacobian of ``f`` at ``x``, shape (outputs, params), in the dtype the
        framework returned (`to_numpy`), or NO_GRADIENT."""
        jac = self.run_jacobian(f, x, trace)
        return NO_GRADIENT if jac is NO_GRADIENT else np.asarray(to_numpy(jac))

    @staticmethod
    def output(trace: Any) -> Any:
        return trace[0] if isinstance(trace, tuple) else trace

    def snippet_params_line(self, values: ParamValues, dtype: str = "float64") -> str:
        """``x = ...``: the snippet's parameters, as `params` makes them."""
        return f"x = {self.snippet_params.format(values=list(values), dtype=dtype)}"

    def snippet_body(self, values: ParamValues, dtype: str = "float64") -> list[str]:
        return [
            self.snippet_params_line(values, dtype),
            *self.snippet_jacobian,
            "print(f(x))",
            "print(jac)",
        ]


# --- interface=None: plain NumPy parameters, differentiated the way a NumPy user would try ---


def _numpy_params(values: ParamValues, dtype: str) -> Any:
    return np.array(values, dtype=dtype)


# --- autograd ---


def _pnp_params(values: ParamValues, dtype: str) -> Any:
    from pennylane import numpy as pnp

    return pnp.array(values, dtype=dtype, requires_grad=True)


def _autograd_jacobian(f: Callable[[Any], Any], x: Any, _trace: Any) -> Any:
    import pennylane as qml

    jac = qml.jacobian(f)(x)
    # qml.jacobian returns an empty array when nothing it saw was trainable.
    return NO_GRADIENT if np.size(jac) == 0 else jac


# --- torch ---


def _torch_params(values: ParamValues, dtype: str) -> Any:
    import torch

    return torch.tensor(values, dtype=getattr(torch, dtype), requires_grad=True)


def _torch_jacobian(f: Callable[[Any], Any], x: Any, trace: Any) -> Any:
    import torch

    if not getattr(trace, "requires_grad", False):
        return NO_GRADIENT
    return torch.autograd.functional.jacobian(f, x)


# --- tensorflow: forward under the tape that the Jacobian reads ---


def _tf_params(values: ParamValues, dtype: str) -> Any:
    import tensorflow as tf

    return tf.Variable(values, dtype=getattr(tf, dtype))


def _tf_forward(f: Callable[[Any], Any], x: Any) -> Any:
    import tensorflow as tf

    with tf.GradientTape() as tape:
        out = f(x)
    return out, tape


def _tf_jacobian(_f: Callable[[Any], Any], x: Any, trace: Any) -> Any:
    out, tape = trace
    jac = tape.jacobian(out, x)
    if jac is None or (isinstance(jac, dict) and all(v is None for v in jac.values())):
        return NO_GRADIENT
    return jac


# --- jax ---


def _jax_params(values: ParamValues, dtype: str) -> Any:
    import jax

    jax.config.update("jax_enable_x64", True)  # float64 parameters need it, once per process
    return jax.numpy.array(values, dtype=getattr(jax.numpy, dtype))


def _with_value(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``f`` returning its value twice: once to differentiate, once as ``has_aux``."""

    def g(x: Any) -> Any:
        out = f(x)
        return out, out

    return g


def _jax_forward(f: Callable[[Any], Any], x: Any) -> Any:
    import jax

    # One trace gives both the value and the Jacobian; tracing twice (f, then
    # jax.jacobian(f)) would double the cost of every jax cell.
    jac, out = jax.jacobian(_with_value(f), has_aux=True)(x)
    return out, jac


def _jax_jit_forward(f: Callable[[Any], Any], x: Any) -> Any:
    import jax

    # As above, and one compilation instead of two.
    jac, out = jax.jit(jax.jacobian(_with_value(f), has_aux=True))(x)
    return out, jac


def _jax_jacobian(_f: Callable[[Any], Any], _x: Any, trace: Any) -> Any:
    return trace[1]


def _jax_forward_alone(f: Callable[[Any], Any], x: Any) -> Any:
    return f(x)


def _jax_jit_forward_alone(f: Callable[[Any], Any], x: Any) -> Any:
    import jax

    return jax.jit(f)(x)


def _call(f: Callable[[Any], Any], x: Any) -> Any:
    return f(x)


_PNP = "pnp.array({values}, dtype=np.{dtype}, requires_grad=True)"
_QML_JACOBIAN = ("jac = qml.jacobian(f)(x)",)
_JAX = "jnp.array({values}, dtype=jnp.{dtype})"
_JAX_IMPORTS = ("import jax", "import jax.numpy as jnp", 'jax.config.update("jax_enable_x64", True)')

ADAPTERS: dict[str, Adapter] = {
    a.name: a
    for a in (
        Adapter(
            name="None",
            requires="autograd",
            make_params=_numpy_params,
            run_forward=_call,
            run_jacobian=_autograd_jacobian,
            snippet_imports=(),
            snippet_params="np.array({values}, dtype=np.{dtype})",
            snippet_jacobian=_QML_JACOBIAN,
        ),
        Adapter(
            name="autograd",
            requires="autograd",
            make_params=_pnp_params,
            run_forward=_call,
            run_jacobian=_autograd_jacobian,
            snippet_imports=("from pennylane import numpy as pnp",),
            snippet_params=_PNP,
            snippet_jacobian=_QML_JACOBIAN,
        ),
        Adapter(
            name="torch",
            requires="torch",
            make_params=_torch_params,
            run_forward=_call,
            run_jacobian=_torch_jacobian,
            snippet_imports=("import torch",),
            snippet_params="torch.tensor({values}, dtype=torch.{dtype}, requires_grad=True)",
            snippet_jacobian=("jac = torch.autograd.functional.jacobian(f, x)",),
        ),
        Adapter(
            name="tf",
            requires="tensorflow",
            make_params=_tf_params,
            run_forward=_tf_forward,
            run_jacobian=_tf_jacobian,
            snippet_imports=("import tensorflow as tf",),
            snippet_params="tf.Variable({values}, dtype=tf.{dtype})",
            snippet_jacobian=(
                "with tf.GradientTape() as tape:",
                "    out = f(x)",
                "jac = tape.jacobian(out, x)",
            ),
        ),
        Adapter(
            name="jax",
            requires="jax",
            make_params=_jax_params,
            run_forward=_jax_forward,
            run_jacobian=_jax_jacobian,
            snippet_imports=_JAX_IMPORTS,
            snippet_params=_JAX,
            snippet_jacobian=("jac = jax.jacobian(f)(x)",),
            forward_alone=_jax_forward_alone,
        ),
        Adapter(
            name="jax-jit",
            requires="jax",
            make_params=_jax_params,
            run_forward=_jax_jit_forward,
            run_jacobian=_jax_jacobian,
            snippet_imports=_JAX_IMPORTS,
            snippet_params=_JAX,
            snippet_jacobian=("jac = jax.jit(jax.jacobian(f))(x)",),
            forward_alone=_jax_jit_forward_alone,
        ),
    )
}


def missing_for_cell(cell: Any) -> str | None:
    """Why a cell with an ``interface`` axis cannot run here (its framework is not
    installed), or None; the registry's ``missing`` for the QNode and features families."""
    adapter = ADAPTERS[cell.interface]
    if _available(adapter.requires):
        return None
    return f"{adapter.requires} is not installed (needed by interface {cell.interface})"


@functools.cache
def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None
