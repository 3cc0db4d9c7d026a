"""Pure functions: observed facts -> outcome, and declared vs observed -> mismatches.

Nothing here runs PennyLane or knows about pytest, so every branch is unit-tested
with plain values.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np

from supportmatrix.matrix.model import ErrorSpec, Expectation, Outcome, Stage, WarningSpec


@dataclass(frozen=True)
class ObservedError:
    """An exception a cell raised, reduced to what declarations can name."""

    stage: Stage
    cls: str
    module: str
    message: str

    def describe(self) -> str:
        first_line = self.message.strip().splitlines()[0] if self.message.strip() else ""
        return f"{self.cls}({first_line!r}) at {self.stage.value}"


@dataclass(frozen=True)
class ObservedWarning:
    """A warning a cell emitted. ``pennylane`` is True when PennyLane (or its
    plugins) raised it; only those are checked against declarations."""

    category: str
    message: str
    filename: str
    lineno: int
    pennylane: bool

    def describe(self) -> str:
        return f"{self.category}({self.message.strip().splitlines()[0]!r})"


@dataclass(frozen=True)
class ValueCheck:
    """One comparison of observed values with the reference, entry by entry."""

    what: str  # "forward value" or "Jacobian"
    observed: np.ndarray
    expected: np.ndarray
    tolerance: np.ndarray
    passed: bool
    criterion: str

    @property
    def max_abs(self) -> float:
        if self.observed.shape != self.expected.shape or self.observed.size == 0:
            return float("inf")
        return float(np.max(np.abs(self.observed - self.expected)))

    @property
    def max_rel(self) -> float:
        if self.observed.shape != self.expected.shape or self.observed.size == 0:
            return float("inf")
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.abs(self.observed - self.expected) / np.abs(self.expected)
        rel = np.where(np.abs(self.observed - self.expected) == 0, 0.0, rel)
        return float(np.max(rel))

    def worst_entry(self) -> tuple[int, ...] | None:
        """Index of the entry that exceeds its tolerance the most."""
        if self.observed.shape != self.expected.shape or self.observed.size == 0:
            return None
        excess = np.abs(self.observed - self.expected) - self.tolerance
        return tuple(int(i) for i in np.unravel_index(np.argmax(excess), excess.shape))

    def describe(self) -> str:
        if self.observed.shape != self.expected.shape:
            return (f"{self.what}: shape {self.observed.shape}, but the reference has "
                    f"shape {self.expected.shape}")
        idx = self.worst_entry()
        return (
            f"{self.what} ({self.criterion}): max abs error {self.max_abs:.3g}, max rel error "
            f"{self.max_rel:.3g}; worst entry {idx}: observed {self.observed[idx]!r}, "
            f"reference {self.expected[idx]!r}, tolerance {self.tolerance[idx]:.3g}"
        )


def compare_values(what: str, observed: np.ndarray, *, expected: np.ndarray, tolerance: np.ndarray,
                   criterion: str) -> ValueCheck:
    """A check that passes when the shapes agree and every entry of ``observed`` is within
    its ``tolerance`` (broadcast to the reference's shape) of ``expected``."""
    passed = observed.shape == expected.shape and bool(np.all(np.abs(observed - expected) <= tolerance))
    return ValueCheck(what, observed, expected, np.broadcast_to(tolerance, expected.shape), passed,
                      criterion)


@dataclass(frozen=True)
class Observed:
    """The outcome a cell was observed to have, with the facts behind it."""

    outcome: Outcome
    error: ObservedError | None = None
    failed_check: ValueCheck | None = None
    detail: str = ""

    def describe(self) -> str:
        text = self.outcome.value
        if self.error is not None:
            text += f" {self.error.describe()}"
        if self.failed_check is not None:
            text += f" [{self.failed_check.describe()}]"
        if self.detail:
            text += f" [{self.detail}]"
        return text


def classify(
    *,
    error: ObservedError | None,
    connected: bool,
    checks: tuple[ValueCheck, ...],
    detail: str = "",
) -> Observed:
    """The outcome of a cell from what happened when it ran.

    ``connected`` is False when the framework reported the output as not
    depending on the parameters. ``checks`` are the value comparisons made.
    """
    if error is not None:
        return Observed(Outcome.ERRORS, error=error)
    failed = next((c for c in checks if not c.passed), None)
    if failed is not None:
        return Observed(Outcome.INCORRECT, failed_check=failed, detail=detail)
    if not connected:
        return Observed(Outcome.NO_GRADIENT)
    if detail:  # a gradient came out that nothing could vouch for
        return Observed(Outcome.INCORRECT, detail=detail)
    return Observed(Outcome.SUPPORTED)


def error_matches(spec: ErrorSpec, error: ObservedError) -> bool:
    """Same stage, same class name, and the regex found in the message."""
    return (
        spec.stage == error.stage
        and spec.cls == error.cls
        and spec.match.search(error.message) is not None
    )


def warning_matches(spec: WarningSpec, warning: ObservedWarning) -> bool:
    return spec.category == warning.category and spec.match.search(warning.message) is not None


def mismatches(
    expectation: Expectation,
    observed: Observed,
    warnings: tuple[ObservedWarning, ...],
) -> list[str]:
    """Every way in which what was observed differs from what is declared; empty = pass."""
    problems: list[str] = []
    declared = expectation.outcome
    if declared in (Outcome.ERRORS, Outcome.FORWARD_ONLY):
        assert expectation.error is not None  # the loader guarantees it
        if observed.error is None or not error_matches(expectation.error, observed.error):
            problems.append(f"observed {observed.describe()}, but matrix.yaml declares "
                            f"{declared.value} {expectation.error.describe()}")
    elif observed.outcome != declared:
        problems.append(f"observed {observed.describe()}, but matrix.yaml declares {declared.value}")

    pennylane_warnings = [w for w in warnings if w.pennylane]
    for spec in expectation.warnings:
        if not any(warning_matches(spec, w) for w in pennylane_warnings):
            problems.append(f"declared warning {spec.describe()} was not raised")
    for w in pennylane_warnings:
        if not any(warning_matches(spec, w) for spec in expectation.warnings):
            problems.append(f"undeclared PennyLane warning {w.describe()} ({w.filename}:{w.lineno})")
    return problems


_PENNYLANE_PATH = re.compile(r"[\\/](pennylane|pennylane_lightning|catalyst|supportmatrix)[\\/]")
#: Top-level packages whose warning categories count as PennyLane's (Catalyst: the qjit family).
_PENNYLANE_PACKAGES = ("pennylane", "pennylane_lightning", "catalyst")


def is_pennylane_warning(category: type[Warning], filename: str) -> bool:
    """PennyLane's own categories, or anything attributed to PennyLane's files (its
    plugins' too: lightning, and Catalyst, the compiler behind ``qml.qjit``).

    Our own package counts too: PennyLane warns with ``stacklevel`` pointing at
    its caller, which is the adapter here; the suite itself never warns.
    """
    return category.__module__.split(".")[0] in _PENNYLANE_PACKAGES or bool(
        _PENNYLANE_PATH.search(filename)
    )


def observed_warning(w: warnings.WarningMessage) -> ObservedWarning:
    """A recorded warning as an `ObservedWarning`, attributed with `is_pennylane_warning`."""
    return ObservedWarning(
        category=w.category.__name__,
        message=str(w.message),
        filename=w.filename,
        lineno=w.lineno,
        pennylane=is_pennylane_warning(w.category, w.filename),
    )
