"""The frozen objects every other module reads: cells, expectations, rules (the axes and their values: `axes`).

Nothing here does I/O; `load` builds these from `matrix.yaml`. Expectations and training
targets have a JSON form here, below every module that writes or reads one.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any

from supportmatrix.matrix.axes import FEATURE_AXIS_NAMES, SHOTS_ONLY_FEATURES

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
            "error": None if error is None else {
                "class": error.cls, "match": error.match.pattern, "stage": error.stage.value},
            "warnings": [{"category": w.category, "match": w.match.pattern} for w in self.warnings],
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Expectation:
        """The expectation `to_json` wrote."""
        error = data["error"]
        return cls(
            outcome=Outcome(data["outcome"]),
            error=None if error is None else ErrorSpec(error["class"], re.compile(error["match"]),
                                                       Stage(error["stage"])),
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
class ResolvedCell:
    """A cell with the expectation its matching rules give it, and which rules did."""

    cell: QNodeCell
    expectation: Expectation
    rule_lines: tuple[int, ...] = field(default=())


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
class ResolvedHybridCell:
    """A hybrid cell with its expectation and, when it must train, the training target."""

    cell: HybridCell
    expectation: Expectation
    training: TrainingSpec | None = None
    rule_lines: tuple[int, ...] = field(default=())


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
        return (f"qjit-{self.device}-{self.diff_method}-{self.grad_function}-{self.method}-"
                f"{self.measurement}-{shots}-{self.derivative}")

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
class ResolvedQjitCell:
    """A Catalyst cell with the expectation its matching rules give it."""

    cell: QjitCell
    expectation: Expectation
    rule_lines: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class ResolvedFeatureCell:
    """A features-family cell with the expectation its matching rules give it."""

    cell: FeatureCell
    expectation: Expectation
    rule_lines: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class Matrix:
    """A loaded ``matrix.yaml``: the axes, the footnotes and the resolved cells, in file order.

    The hybrid-model family (``hybrid:``), the Catalyst family (``qjit:``) and the features
    family (``features:``) are
    optional; without them their fields are empty.
    """

    path: str
    axes: dict[str, tuple[object, ...]]
    notes: dict[str, str]
    cells: tuple[ResolvedCell, ...]
    hybrid_axes: dict[str, tuple[object, ...]] = field(default_factory=dict)
    hybrid_cells: tuple[ResolvedHybridCell, ...] = ()
    qjit_axes: dict[str, tuple[object, ...]] = field(default_factory=dict)
    qjit_cells: tuple[ResolvedQjitCell, ...] = ()
    feature_axes: dict[str, tuple[object, ...]] = field(default_factory=dict)
    feature_cells: tuple[ResolvedFeatureCell, ...] = ()
    #: The features cells declared not applicable, in cell order; not in `feature_cells`.
    feature_not_applicable: tuple[NotApplicableCell, ...] = ()

    def by_id(self) -> dict[str, ResolvedCell]:
        return {rc.cell.id: rc for rc in self.cells}

    def hybrid_by_id(self) -> dict[str, ResolvedHybridCell]:
        return {rc.cell.id: rc for rc in self.hybrid_cells}

    def qjit_by_id(self) -> dict[str, ResolvedQjitCell]:
        return {rc.cell.id: rc for rc in self.qjit_cells}

    def feature_by_id(self) -> dict[str, ResolvedFeatureCell]:
        return {rc.cell.id: rc for rc in self.feature_cells}

    def feature_entries(self) -> dict[tuple[object, ...], ResolvedFeatureCell | NotApplicableCell]:
        """Every features cell, tested or not applicable, by its axis values in axis order."""
        entries: dict[tuple[object, ...], ResolvedFeatureCell | NotApplicableCell] = {}
        for item in (*self.feature_cells, *self.feature_not_applicable):
            entries[tuple(item.cell.axis_value(a) for a in FEATURE_AXIS_NAMES)] = item
        return entries
