"""Pure functions: observed facts -> outcome, and declared vs observed -> mismatches.

Nothing here runs PennyLane or knows about pytest, so every branch is unit-tested
with plain values.
"""

from __future__ import annotations

import dataclasses
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


#: The ``criterion`` of a dtype check (see `dtype_check`).
DTYPE_CRITERION = "dtype"
#: The one dtype a real function of float64 parameters may return, value and derivative alike.
REQUIRED_DTYPE = np.dtype(np.float64)


@dataclass(frozen=True)
class ValueCheck:
    """One comparison of observed values with the reference, entry by entry.

    ``observed`` keeps the dtype the framework returned. A complex entry is compared
    part by part: its real part with the reference, its imaginary part with 0, each
    within the entry's tolerance (`errors`). A check whose ``criterion`` is
    `DTYPE_CRITERION` compares no values, only ``observed``'s dtype (`dtype_check`).
    """

    what: str  # "forward value", "Jacobian", or "<that> dtype"
    observed: np.ndarray
    expected: np.ndarray
    tolerance: np.ndarray
    passed: bool
    criterion: str
    #: A dtype check's parameters' dtype and the dtypes it accepts (`dtype_check`).
    dtypes: tuple[str, tuple[str, ...]] = (REQUIRED_DTYPE.name, (REQUIRED_DTYPE.name,))

    @property
    def is_dtype_check(self) -> bool:
        return self.criterion == DTYPE_CRITERION

    def errors(self) -> np.ndarray | None:
        """Per entry, the larger of |Re(observed) - expected| and |Im(observed)|; for a
        real ``observed`` simply |observed - expected|. None when nothing is comparable
        (shapes differ, no entries, or a dtype check)."""
        if self.observed.shape != self.expected.shape or self.observed.size == 0:
            return None
        real_error = np.abs(np.real(self.observed) - self.expected)
        if not np.iscomplexobj(self.observed):
            return real_error
        return np.maximum(real_error, np.abs(np.imag(self.observed)))

    @property
    def max_abs(self) -> float:
        errors = self.errors()
        return float("inf") if errors is None else float(np.max(errors))

    @property
    def max_rel(self) -> float:
        errors = self.errors()
        if errors is None:
            return float("inf")
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = errors / np.abs(self.expected)
        return float(np.max(np.where(errors == 0, 0.0, rel)))

    def worst_entry(self) -> tuple[int, ...] | None:
        """Index of the entry that exceeds its tolerance the most."""
        errors = self.errors()
        if errors is None:
            return None
        excess = errors - self.tolerance
        return tuple(int(i) for i in np.unravel_index(np.argmax(excess), excess.shape))

    def describe(self) -> str:
        if self.is_dtype_check:
            parameters, allowed = self.dtypes
            return (
                f"{self.what} {self.observed.dtype}, but a real function of {parameters} "
                f"parameters must give {' or '.join(allowed)}"
            )
        if self.observed.shape != self.expected.shape:
            return (
                f"{self.what}: shape {self.observed.shape}, but the reference has shape {self.expected.shape}"
            )
        idx = self.worst_entry()
        return (
            f"{self.what} ({self.criterion}): max abs error {self.max_abs:.3g}, max rel error "
            f"{self.max_rel:.3g}; worst entry {idx}: observed {self.observed[idx]!r}, "
            f"reference {self.expected[idx]!r}, tolerance {self.tolerance[idx]:.3g}"
        )


def compare_values(
    what: str, observed: np.ndarray, *, expected: np.ndarray, tolerance: np.ndarray, criterion: str
) -> ValueCheck:
    """A check that passes when the shapes agree and every entry of ``observed`` is within
    its ``tolerance`` (broadcast to the reference's shape) of ``expected``; a complex
    entry's imaginary part must be within it of 0 as well (`ValueCheck.errors`).
    ``observed`` is kept as it is: its dtype is `dtype_check`'s business."""
    check = ValueCheck(what, observed, expected, np.broadcast_to(tolerance, expected.shape), False, criterion)
    errors = check.errors()
    passed = errors is not None and bool(np.all(errors <= check.tolerance))
    return dataclasses.replace(check, passed=passed)


def dtype_check(
    what: str,
    observed: np.ndarray,
    *,
    parameters: str = REQUIRED_DTYPE.name,
    allowed: tuple[str, ...] = (REQUIRED_DTYPE.name,),
) -> ValueCheck:
    """``"<what> dtype"``: passes when ``observed``'s dtype is one of ``allowed``
    (by default `REQUIRED_DTYPE`, float64).

    Every output a cell differentiates is a real function of float64 parameters, so
    its value and its Jacobian must come back as float64: complex (even with a zero
    imaginary part) or lower precision (float32, float16) is a finding, never repaired
    by a cast. Float32 parameters (``parameters``) allow what their feature says. It
    compares no values: its errors are None (null in the results file).
    """
    observed = np.asarray(observed)
    empty = np.empty((0,))
    return ValueCheck(
        f"{what} dtype",
        observed,
        empty,
        empty,
        observed.dtype.name in allowed,
        DTYPE_CRITERION,
        (parameters, allowed),
    )


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
        spec.stage == error.stage and spec.cls == error.cls and spec.match.search(error.message) is not None
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
            problems.append(
                f"observed {observed.describe()}, but matrix.yaml declares "
                f"{declared.value} {expectation.error.describe()}"
            )
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
    return category.__module__.split(".")[0] in _PENNYLANE_PACKAGES or bool(_PENNYLANE_PATH.search(filename))


def observed_warning(w: warnings.WarningMessage) -> ObservedWarning:
    """A recorded warning as an `ObservedWarning`, attributed with `is_pennylane_warning`."""
    return ObservedWarning(
        category=w.category.__name__,
        message=str(w.message),
        filename=w.filename,
        lineno=w.lineno,
        pennylane=is_pennylane_warning(w.category, w.filename),
    )
