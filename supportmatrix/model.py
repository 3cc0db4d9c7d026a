"""The frozen objects every other module reads: axes, cells, expectations, rules.

Nothing here does I/O; `loader` builds these from `matrix.yaml`.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

#: Axis names in the order they appear in cell ids and in `matrix.yaml`.
AXIS_NAMES: tuple[str, ...] = ("device", "interface", "diff_method", "measurement", "shots")

#: Values the runner knows how to build. `matrix.yaml` may declare a subset, in any order;
#: adding a value here means teaching `circuits` or `interfaces` to build it.
#: ``shots`` is open: ``None`` or any positive int.
KNOWN_AXIS_VALUES: dict[str, tuple[str, ...]] = {
    "device": ("default.qubit", "lightning.qubit"),
    "interface": ("None", "autograd", "torch", "tf", "jax", "jax-jit"),
    "diff_method": (
        "best",
        "device",
        "backprop",
        "adjoint",
        "parameter-shift",
        "finite-diff",
        "spsa",
        "hadamard",
        "reversed-hadamard",
        "direct-hadamard",
        "reversed-direct-hadamard",
    ),
    "measurement": (
        "state",
        "density_matrix",
        "probs",
        "sample",
        "counts",
        "expval",
        "expval_hermitian",
        "expval_projector",
        "var",
        "vn_entropy",
        "mutual_info",
        "purity",
    ),
}

#: Packages a rule's ``where`` may gate on with a PEP 440 specifier.
VERSIONED_PACKAGES: tuple[str, ...] = (
    "pennylane",
    "pennylane-lightning",
    "numpy",
    "autograd",
    "torch",
    "tensorflow",
    "jax",
    "jaxlib",
)


class Outcome(str, enum.Enum):
    """The closed set of outcomes a cell can be declared with, or be observed to have."""

    SUPPORTED = "supported"
    ERRORS = "errors"
    NO_GRADIENT = "no-gradient"
    FORWARD_ONLY = "forward-only"
    INCORRECT = "incorrect"


class Stage(str, enum.Enum):
    """Where an exception is raised: running the QNode, or differentiating it."""

    FORWARD = "forward"
    GRADIENT = "gradient"


@dataclass(frozen=True)
class ErrorSpec:
    """An exception named by its class's ``__name__`` and a regex searched in its message."""

    cls: str
    match: re.Pattern[str]
    stage: Stage

    def describe(self) -> str:
        return f"{self.cls}({self.match.pattern!r}) at {self.stage.value}"


@dataclass(frozen=True)
class WarningSpec:
    """A warning named by its category's ``__name__`` and a regex searched in its message."""

    category: str
    match: re.Pattern[str]

    def describe(self) -> str:
        return f"{self.category}({self.match.pattern!r})"


@dataclass(frozen=True)
class Expectation:
    """What `matrix.yaml` declares for one cell."""

    outcome: Outcome
    error: ErrorSpec | None = None
    warnings: tuple[WarningSpec, ...] = ()
    note: str | None = None

    def describe(self) -> str:
        text = self.outcome.value
        if self.error is not None:
            text += f" {self.error.describe()}"
        if self.warnings:
            text += " warning " + ", ".join(w.describe() for w in self.warnings)
        return text


@dataclass(frozen=True)
class Cell:
    """One combination of axis values.

    ``shots`` is ``None`` for analytic execution, else the shot count.
    ``interface`` is the string ``"None"`` for PennyLane's ``interface=None``.
    """

    device: str
    interface: str
    diff_method: str
    measurement: str
    shots: int | None

    @property
    def id(self) -> str:
        """Stable, readable id, e.g. ``default.qubit-torch-adjoint-probs-analytic``."""
        shots = "analytic" if self.shots is None else f"shots{self.shots}"
        return f"{self.device}-{self.interface}-{self.diff_method}-{self.measurement}-{shots}"

    def axis_value(self, axis: str) -> str | int | None:
        return getattr(self, axis)


@dataclass(frozen=True)
class Rule:
    """One entry of ``rules:``; it sets the fields it gives on every cell it matches."""

    index: int
    line: int
    where: dict[str, tuple[object, ...]]
    versions: dict[str, str]
    expect: Expectation | None
    warnings: tuple[WarningSpec, ...] | None


@dataclass(frozen=True)
class ResolvedCell:
    """A cell with the expectation its matching rules give it, and which rules did."""

    cell: Cell
    expectation: Expectation
    rule_lines: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class Matrix:
    """A loaded ``matrix.yaml``: the axes, the footnotes and the resolved cells, in file order."""

    path: str
    axes: dict[str, tuple[object, ...]]
    notes: dict[str, str]
    cells: tuple[ResolvedCell, ...]

    def by_id(self) -> dict[str, ResolvedCell]:
        return {rc.cell.id: rc for rc in self.cells}
