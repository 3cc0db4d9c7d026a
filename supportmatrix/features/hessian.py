"""Each framework's own double differentiation: the forward value, the Jacobian and the Hessian of one function.

For the Hessian features (``derivative: 2``), what a user of each interface writes:

* ``None``, ``autograd``: ``qml.jacobian(qml.jacobian(f))``;
* ``torch``: ``torch.autograd.functional.jacobian`` of the Jacobian taken with
  ``create_graph=True`` (the functional ``hessian`` takes scalar functions only, and
  every output's Hessian is wanted at once);
* ``tf``: a ``tf.GradientTape`` around the inner tape, ``outer.jacobian(inner.jacobian(out,
  x), x)``, both vectorized as TensorFlow does by default;
* ``jax``: ``jax.jacobian(jax.jacobian(f))``, and ``jax-jit`` the same under ``jax.jit``,
  in one trace that also returns the Jacobian and the value (``has_aux``).

"No gradient" means what it means for the first derivative (`check.interfaces`):
autograd's empty Jacobian, torch's result without ``requires_grad`` (checked on the inner
Jacobian before the outer is taken: torch's functional Jacobian would otherwise turn a
disconnected output into zeros), TensorFlow's ``None``. A Jacobian of zeros that a
framework computes is a value like any other, and is judged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from supportmatrix.check.interfaces import ADAPTERS, NO_GRADIENT, to_numpy
from supportmatrix.check.scaffold import Observation
from supportmatrix.matrix.model import Stage

#: What `second_derivatives` returns: the forward value, the Jacobian and the Hessian
#: as NumPy, each in the dtype the framework gave, or `NO_GRADIENT`.
Derivatives = tuple[np.ndarray, np.ndarray | None, np.ndarray | None]


def _autograd(f: Callable[[Any], Any], x: Any, obs: Observation) -> Derivatives:
    import pennylane as qml

    forward = to_numpy(f(x))
    obs.stage = Stage.GRADIENT
    jac = qml.jacobian(f)(x)
    if np.size(jac) == 0:  # nothing trainable: qml.jacobian's empty array
        return forward, NO_GRADIENT, NO_GRADIENT
    hess = qml.jacobian(qml.jacobian(f))(x)
    return forward, to_numpy(jac), NO_GRADIENT if np.size(hess) == 0 else to_numpy(hess)


def _torch(f: Callable[[Any], Any], x: Any, obs: Observation) -> Derivatives:
    import torch

    out = f(x)
    forward = to_numpy(out)
    obs.stage = Stage.GRADIENT
    if not getattr(out, "requires_grad", False):
        return forward, NO_GRADIENT, NO_GRADIENT
    jac = torch.autograd.functional.jacobian(f, x, create_graph=True)
    if not jac.requires_grad:
        return forward, to_numpy(jac), NO_GRADIENT
    hess = torch.autograd.functional.jacobian(
        lambda v: torch.autograd.functional.jacobian(f, v, create_graph=True), x
    )
    return forward, to_numpy(jac), to_numpy(hess)


def _tf(f: Callable[[Any], Any], x: Any, obs: Observation) -> Derivatives:
    import tensorflow as tf

    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            out = f(x)
        forward = to_numpy(out)
        obs.stage = Stage.GRADIENT
        jac = inner.jacobian(out, x)
    if jac is None:
        return forward, NO_GRADIENT, NO_GRADIENT
    hess = outer.jacobian(jac, x)
    return forward, to_numpy(jac), NO_GRADIENT if hess is None else to_numpy(hess)


def _jax_all(f: Callable[[Any], Any], jit: bool) -> Callable[[Any], Any]:
    import jax

    def value_twice(u: Any) -> Any:  # one to differentiate, one as the auxiliary value
        out = f(u)
        return out, out

    def first(v: Any) -> Any:
        jac, out = jax.jacobian(value_twice, has_aux=True)(v)
        return jac, (jac, out)

    both = jax.jacobian(first, has_aux=True)
    return jax.jit(both) if jit else both


def _jax(jit: bool) -> Callable[[Callable[[Any], Any], Any, Observation], Derivatives]:
    def run(f: Callable[[Any], Any], x: Any, obs: Observation) -> Derivatives:
        try:
            hess, (jac, out) = _jax_all(f, jit)(x)
        except Exception:
            # one call differentiates twice: the forward pass alone tells whose error it is
            forward_exc = ADAPTERS["jax-jit" if jit else "jax"].forward_error(f, x)
            if forward_exc is not None:
                raise forward_exc from None
            obs.stage = Stage.GRADIENT
            raise
        obs.stage = Stage.GRADIENT
        return to_numpy(out), to_numpy(jac), to_numpy(hess)

    return run


@dataclass(frozen=True)
class SecondOrder:
    """How one interface takes the Hessian, and the snippet lines that do the same."""

    run: Callable[[Callable[[Any], Any], Any, Observation], Derivatives]
    snippet: tuple[str, ...]


_QML = ("jac = qml.jacobian(f)(x)", "hess = qml.jacobian(qml.jacobian(f))(x)")

SECOND_ORDER: dict[str, SecondOrder] = {
    "None": SecondOrder(_autograd, _QML),
    "autograd": SecondOrder(_autograd, _QML),
    "torch": SecondOrder(
        _torch,
        (
            "jac = torch.autograd.functional.jacobian(f, x, create_graph=True)",
            "hess = torch.autograd.functional.jacobian(",
            "    lambda v: torch.autograd.functional.jacobian(f, v, create_graph=True), x)",
        ),
    ),
    "tf": SecondOrder(
        _tf,
        (
            "with tf.GradientTape() as outer:",
            "    with tf.GradientTape() as inner:",
            "        out = f(x)",
            "    jac = inner.jacobian(out, x)",
            "hess = outer.jacobian(jac, x)",
        ),
    ),
    "jax": SecondOrder(
        _jax(jit=False), ("jac = jax.jacobian(f)(x)", "hess = jax.jacobian(jax.jacobian(f))(x)")
    ),
    "jax-jit": SecondOrder(
        _jax(jit=True),
        ("jac = jax.jit(jax.jacobian(f))(x)", "hess = jax.jit(jax.jacobian(jax.jacobian(f)))(x)"),
    ),
}


def second_derivatives(interface: str, f: Callable[[Any], Any], x: Any, obs: Observation) -> Derivatives:
    """``f(x)``, its Jacobian and its Hessian as ``interface`` computes them, moving ``obs``
    to the gradient stage once the forward pass has worked (inside ``obs.attempt()``)."""
    return SECOND_ORDER[interface].run(f, x, obs)
