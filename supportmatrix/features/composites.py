"""Gates built by operator arithmetic (``qml.evolve``, ``qml.exp``, ``qml.prod``, ``qml.adjoint``, ``qml.ctrl``): how each is built, written and simulated, and its gradient rule.

A `model.Gate` whose name is a key of `COMPOSITES` is one of these: `build` turns its
name and arguments into the PennyLane expression a user writes, `source` into the same
text for the snippet, and `Composite.matrix` into the oracle's matrices, written from the
definitions below with `gates`' closed forms and never taken from PennyLane.

Each argument's `check.bounds.GateRule` is derived here, so that the features' tolerances
(Bernstein's bound with the largest frequency, the shift rule's coefficients, the
generator's Pauli 1-norm for the hadamard methods) stay valid for them:

* ``Evolve``: ``qml.evolve(X + Y, t) = exp(-i t (X + Y))`` (`Evolution`'s convention
  ``exp(-i x G)``, read in PennyLane's ``ops/op_math/evolution.py``). ``(X + Y)**2 = 2 I``,
  so the matrix is ``cos(sqrt2 t) I - i sin(sqrt2 t) (X + Y) / sqrt2``; eigenvalues
  ``+-sqrt2``: frequency ``2 sqrt2``; Pauli 1-norm 2.
* ``Exp``: ``qml.exp(0.5 X + 0.5 Z, -1j t) = exp(-i t (X + Z) / 2)`` (``qml.sum`` of
  ``qml.s_prod``\\s); ``((X + Z) / 2)**2 = I / 2``: ``cos(t / sqrt2) I - i sin(t / sqrt2)
  (X + Z) / sqrt2``; eigenvalues ``+-1/sqrt2``: frequency ``sqrt2``; Pauli 1-norm 1.
* ``Prod``: ``qml.prod(RX(a, w0), RY(b, w1)) = RX(a) (x) RY(b)``: two Pauli rotations.
* ``Adjoint``: ``qml.adjoint(RY(t)) = RY(t)^dagger = RY(-t)``: generator ``-Y/2``,
  eigenvalues ``+-1/2``: a Pauli rotation (frequency 1, the two-term rule).
* ``Ctrl0``: ``qml.ctrl(RX(t, w1), control=w0, control_values=0) = |0><0| (x) RX(t) +
  |1><1| (x) I`` (a control on 0: no ``CRX`` stands in for it); generator ``|0><0| (x) X/2
  = (IX + ZX) / 4``, eigenvalues ``0, +-1/2``: frequencies 1/2 and 1, the four-term rule,
  Pauli 1-norm 1/2.

For one frequency ``W`` an output is ``a + b cos(W t) + c sin(W t)``, and
``f'(t) = W/2 [f(t + pi/(2W)) - f(t - pi/(2W))]`` (`two_term_rule`); for frequencies
``W/2, W`` the four-term rule (`four_term_rule`) is the controlled rotations' scaled to ``W``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from supportmatrix.check.bounds import GateRule
from supportmatrix.features import gates

SQRT2 = float(np.sqrt(2))


def two_term_rule(frequency: float) -> tuple[tuple[float, float], ...]:
    """The shift rule of a single frequency ``W``: ``W/2`` at ``+-pi/(2W)``."""
    shift = np.pi / (2 * frequency)
    return ((frequency / 2, shift), (-frequency / 2, -shift))


def four_term_rule(frequency: float) -> tuple[tuple[float, float], ...]:
    """The shift rule of frequencies ``W/2`` and ``W``: at ``W = 1``, c+ at +-pi/2 and
    c- at +-3pi/2 with ``c+- = (sqrt2 +- 1) / (4 sqrt2)``; a frequency ``W`` scales the
    shifts by ``1/W`` and the coefficients by ``W``."""
    plus, minus = (SQRT2 + 1) / (4 * SQRT2), (SQRT2 - 1) / (4 * SQRT2)
    s = np.pi / (2 * frequency)
    w = frequency
    return ((w * plus, s), (-w * plus, -s), (-w * minus, 3 * s), (w * minus, -3 * s))


def _exponential(t: np.ndarray, generator: np.ndarray, eigenvalue: float) -> np.ndarray:
    """``exp(-i t G)`` for ``G**2 = eigenvalue**2 I``: ``cos(l t) I - i sin(l t) G / l``."""
    t = np.asarray(t, dtype=float)[:, None, None]
    eye = np.eye(generator.shape[0])
    return np.cos(eigenvalue * t) * eye - 1j * np.sin(eigenvalue * t) * generator / eigenvalue


def _ctrl0(t: np.ndarray) -> np.ndarray:
    out = np.zeros((len(t), 4, 4), dtype=complex)
    out[:, :2, :2] = gates.pauli_rotation(t, "X")
    out[:, 2, 2] = out[:, 3, 3] = 1.0
    return out


@dataclass(frozen=True)
class Composite:
    """One operator-arithmetic gate: its rule per argument, its matrices (the oracle's),
    and a template of what a user writes (``{a0}``, ``{a1}``: arguments; ``{w0}``, ``{w1}``:
    the gate's wires), which `build` evaluates with PennyLane and `source` prints."""

    rule: GateRule
    matrix: Callable[[list[np.ndarray]], np.ndarray]
    template: str


_PAULI = GateRule(frequency=1.0, rule=two_term_rule(1.0), generator_l1=0.5)

COMPOSITES: dict[str, Composite] = {
    "Evolve": Composite(
        GateRule(frequency=2 * SQRT2, rule=two_term_rule(2 * SQRT2), generator_l1=2.0),
        lambda a: _exponential(a[0], gates.PAULI["X"] + gates.PAULI["Y"], SQRT2),
        "qml.evolve(qml.X({w0}) + qml.Y({w0}), {a0})",
    ),
    "Exp": Composite(
        GateRule(frequency=SQRT2, rule=two_term_rule(SQRT2), generator_l1=1.0),
        lambda a: _exponential(a[0], (gates.PAULI["X"] + gates.PAULI["Z"]) / 2, 1 / SQRT2),
        "qml.exp(qml.sum(qml.s_prod(0.5, qml.X({w0})), qml.s_prod(0.5, qml.Z({w0}))), -1j * {a0})",
    ),
    "Prod": Composite(
        _PAULI,
        lambda a: np.einsum(
            "bij,bkl->bikjl", gates.pauli_rotation(a[0], "X"), gates.pauli_rotation(a[1], "Y")
        ).reshape(len(a[0]), 4, 4),
        "qml.prod(qml.RX({a0}, wires={w0}), qml.RY({a1}, wires={w1}))",
    ),
    "Adjoint": Composite(
        _PAULI,
        lambda a: gates.pauli_rotation(-np.asarray(a[0], dtype=float), "Y"),
        "qml.adjoint(qml.RY({a0}, wires={w0}))",
    ),
    "Ctrl0": Composite(
        GateRule(frequency=1.0, rule=four_term_rule(1.0), generator_l1=0.5),
        lambda a: _ctrl0(a[0]),
        "qml.ctrl(qml.RX({a0}, wires={w1}), control={w0}, control_values=0)",
    ),
}


def _filled(name: str, args: Sequence[str], wires: Sequence[int]) -> str:
    names = {f"a{i}": a for i, a in enumerate(args)} | {f"w{i}": w for i, w in enumerate(wires)}
    return COMPOSITES[name].template.format(**names)


def build(qml: Any, name: str, args: Sequence[Any], wires: Sequence[int]) -> Any:
    """Queue composite ``name`` in the current PennyLane context, as its template writes it."""
    names = {f"a{i}": a for i, a in enumerate(args)}
    # The template is this module's own constant text, with the arguments bound by name.
    return eval(_filled(name, list(names), wires), {"qml": qml}, names)  # noqa: S307


def source(name: str, args: Sequence[str], wires: Sequence[int]) -> str:
    """The snippet's line for composite ``name`` with argument expressions ``args``."""
    return _filled(name, args, wires)
