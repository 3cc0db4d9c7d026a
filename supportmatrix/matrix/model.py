"""The frozen objects every other module reads: cells, expectations, rules (the axes and their values: `axes`).

Nothing here does I/O; `load` builds these from `matrix.yaml`. Expectations and training
targets have a JSON form here, below every module that writes or reads one.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any

from supportmatrix.matrix.axes import SHOTS_ONLY_FEATURES
from supportmatrix.matrix.devices import Device


def inapplicable(cell: FeatureCell) -> str | None:
    """Why a features cell makes no sense (then it must be declared not applicable), or None."""
    if cell.feature in SHOTS_ONLY_FEATURES and cell.shots is None:
        return f"feature {cell.feature!r} runs only with finite shots"
    return None


class Outcome(str, enum.Enum):
    """The closed set of outcomes a cell can be declared with, or be observed to have."""

    SUPPORTED = "supported"
    ERRORS = "errors"
    NO_GRADIENT = "no-gradient"
    FORWARD_ONLY = "forward-only"
    INCORRECT = "incorrect"


class Stage(str, enum.Enum):
    """Where an exception is raised: running the QNode, or differentiating it.

    Hybrid cells have two more stages after those: training the model, and saving and
    reloading it (Keras 3 only). QNode cells never use them; the loader refuses them there.
    """

    FORWARD = "forward"
    GRADIENT = "gradient"
    TRAINING = "training"
    SAVE = "save"


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

    def to_json(self) -> dict[str, Any]:
        """This expectation as JSON, the form the results file and ``render --format json`` share."""
        error = self.error
        return {
            "outcome": self.outcome.value,
            "error": None
            if error is None
            else {"class": error.cls, "match": error.match.pattern, "stage": error.stage.value},
            "warnings": [{"category": w.category, "match": w.match.pattern} for w in self.warnings],
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Expectation:
        """The expectation `to_json` wrote."""
        error = data["error"]
        return cls(
            outcome=Outcome(data["outcome"]),
            error=None
            if error is None
            else ErrorSpec(error["class"], re.compile(error["match"]), Stage(error["stage"])),
            warnings=tuple(WarningSpec(w["category"], re.compile(w["match"])) for w in data["warnings"]),
            note=data["note"],
        )


@dataclass(frozen=True)
class QNodeCell:
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
class TrainingSpec:
    """What a supported hybrid cell's training run must reach: `min_accuracy` on the
    training set after at most `max_epochs` epochs."""

    min_accuracy: float
    max_epochs: int

    def describe(self) -> str:
        return f"accuracy >= {self.min_accuracy:g} within {self.max_epochs} epochs"

    def to_json(self) -> dict[str, Any]:
        return {"min_accuracy": self.min_accuracy, "max_epochs": self.max_epochs}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TrainingSpec:
        return cls(data["min_accuracy"], data["max_epochs"])


@dataclass(frozen=True)
class TrainingRecord:
    """One training run: epochs run, training accuracy after each, wall time, peak memory.

    ``wall_seconds`` covers training and the accuracy evaluation after each epoch;
    ``peak_memory_bytes`` is the growth of the process's peak RSS during the run (None
    where the platform cannot measure it; see `measure`).
    """

    epochs: int
    accuracies: tuple[float, ...]
    wall_seconds: float
    peak_memory_bytes: int | None

    @property
    def accuracy(self) -> float:
        return self.accuracies[-1]

    def describe(self) -> str:
        memory = "n/a" if self.peak_memory_bytes is None else f"{self.peak_memory_bytes / 2**20:.1f} MiB"
        return (
            f"accuracy {self.accuracy:.3f} after {self.epochs} epoch(s) "
            f"({', '.join(f'{a:.3f}' for a in self.accuracies)}), "
            f"{self.wall_seconds:.2f} s, peak memory +{memory}"
        )


@dataclass(frozen=True)
class Rule:
    """One entry of ``rules:``; it sets the fields it gives on every cell it matches."""

    index: int
    line: int
    where: dict[str, tuple[object, ...]]
    versions: dict[str, str]
    expect: Expectation | None
    warnings: tuple[WarningSpec, ...] | None
    training: TrainingSpec | None = None


@dataclass(frozen=True)
class Decision:
    """Which rule decided one field of a cell's declaration (``expect``, ``warnings`` or
    ``training``): its line in the matrix file."""

    field: str
    line: int


@dataclass(frozen=True)
class ResolvedCell:
    """A cell of any family with what its matching rules declare: the expectation, a hybrid
    cell's training target, and which rules decided each field (`decisions`)."""

    cell: Any
    expectation: Expectation
    training: TrainingSpec | None = None
    decisions: tuple[Decision, ...] = field(default=())

    @property
    def rule_lines(self) -> tuple[int, ...]:
        """The lines of the rules that decided it, in file order."""
        return tuple(sorted({d.line for d in self.decisions}))


@dataclass(frozen=True)
class HybridCell:
    """One hybrid model: a quantum layer kind, its device and the QNode's diff method."""

    layer: str
    device: str
    diff_method: str

    @property
    def id(self) -> str:
        """Stable, readable id, e.g. ``torch-layer-default.qubit-adjoint``."""
        return f"{self.layer}-{self.device}-{self.diff_method}"

    def axis_value(self, axis: str) -> str:
        return getattr(self, axis)


@dataclass(frozen=True)
class QjitCell:
    """One Catalyst configuration: a QNode compiled with ``qml.qjit`` and differentiated
    inside it by ``grad_function(..., method=method)``, once or twice (``derivative``)."""

    device: str
    diff_method: str
    grad_function: str
    method: str
    measurement: str
    shots: int | None
    derivative: str

    @property
    def id(self) -> str:
        """Stable, readable id, e.g. ``qjit-lightning.qubit-adjoint-catalyst.grad-auto-expval-analytic-first``."""
        shots = "analytic" if self.shots is None else f"shots{self.shots}"
        return (
            f"qjit-{self.device}-{self.diff_method}-{self.grad_function}-{self.method}-"
            f"{self.measurement}-{shots}-{self.derivative}"
        )

    def axis_value(self, axis: str) -> str | int | None:
        return getattr(self, axis)


@dataclass(frozen=True)
class FeatureCell:
    """One features-family cell: a QNode cell's axes with a feature in place of the measurement."""

    device: str
    interface: str
    diff_method: str
    feature: str
    shots: int | None

    @property
    def id(self) -> str:
        """Stable, readable id, e.g. ``default.qubit-torch-adjoint-controlled-analytic``."""
        shots = "analytic" if self.shots is None else f"shots{self.shots}"
        return f"{self.device}-{self.interface}-{self.diff_method}-{self.feature}-{shots}"

    def axis_value(self, axis: str) -> str | int | None:
        return getattr(self, axis)


@dataclass(frozen=True)
class NotApplicableCell:
    """A features cell declared not applicable (`inapplicable`): not a test, shown as such
    in the tables with ``note`` as the reason; ``line`` is its declaration's."""

    cell: FeatureCell
    note: str
    line: int = 0


@dataclass(frozen=True)
class FamilyCells:
    """One family's part of a loaded matrix: its axes and resolved cells in cell order,
    (features) the cells declared not applicable, which are not tests, and its rules in file
    order, which `explain` shows."""

    axes: dict[str, tuple[object, ...]] = field(default_factory=dict)
    cells: tuple[ResolvedCell, ...] = ()
    not_applicable: tuple[NotApplicableCell, ...] = ()
    rules: tuple[Rule, ...] = ()

    def by_id(self) -> dict[str, ResolvedCell]:
        return {rc.cell.id: rc for rc in self.cells}

    def entries(self) -> dict[tuple[object, ...], ResolvedCell | NotApplicableCell]:
        """Every cell, tested or not applicable, by its axis values in axis order."""
        items: tuple[ResolvedCell | NotApplicableCell, ...] = (*self.cells, *self.not_applicable)
        return {tuple(item.cell.axis_value(a) for a in self.axes): item for item in items}


@dataclass(frozen=True)
class Matrix:
    """A loaded matrix file: the footnotes, and each family's axes and resolved cells.

    ``families`` maps a family's name (`families.FAMILIES`) to its cells; a family the file
    does not declare has no entry, and `family` gives it as empty.
    """

    path: str
    notes: dict[str, str]
    families: dict[str, FamilyCells] = field(default_factory=dict)
    #: The devices the families' axes name (`devices.Device`), in order.
    devices: dict[str, Device] = field(default_factory=dict)

    def family(self, name: str) -> FamilyCells:
        """One family's cells (empty when the file does not declare it)."""
        return self.families.get(name, _NO_CELLS)

    def resolved(self) -> tuple[ResolvedCell, ...]:
        """Every family's cells, family by family."""
        return tuple(rc for cells in self.families.values() for rc in cells.cells)

    def by_id(self) -> dict[str, ResolvedCell]:
        """Every family's cells by id."""
        return {rc.cell.id: rc for rc in self.resolved()}


_NO_CELLS = FamilyCells()
