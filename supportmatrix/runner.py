"""Run one cell for real and turn what happened into an `Observed` outcome.

The only module that calls PennyLane on a cell's behalf: it builds the QNode,
runs the forward pass and the framework's Jacobian under a warnings recorder,
and hands plain facts to `classify`.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import tolerance
from .circuits import PARAMS, make_qnode, real_output
from .classify import ObservedError, ObservedWarning, Observed, ValueCheck, classify, observed_warning
from .interfaces import ADAPTERS, NO_GRADIENT, to_numpy
from .model import Cell, Stage
from .oracle import reference


@dataclass(frozen=True)
class Run:
    """Everything observed when one cell ran."""

    cell: Cell
    observed: Observed
    warnings: tuple[ObservedWarning, ...]
    resolved_method: str | None
    seconds: float


def _observed_error(stage: Stage, exc: BaseException) -> ObservedError:
    return ObservedError(stage, type(exc).__name__, type(exc).__module__, str(exc))


def _resolved_method(qnode: Any, x: Any, method: str) -> str:
    """The method "best" (or "device") stands for, as PennyLane resolves it for this QNode."""
    if method not in ("best", "device"):
        return method
    import pennylane as qml

    try:
        return qml.workflow.get_best_diff_method(qnode)(x) if method == "best" else "device"
    except Exception:  # noqa: BLE001 - resolution failing is reported by the run itself
        return method


def _forward_check(cell: Cell, forward: Any, family_size: int) -> ValueCheck | None:
    ref = reference(cell.measurement)
    if ref is None or isinstance(forward, dict):
        return None
    observed = np.asarray(forward, dtype=float).reshape(-1)
    if cell.shots is None:
        tol = tolerance.forward_tolerance(ref)
        criterion = "analytic: float64 round-off"
    else:
        try:
            tol = tolerance.shots_forward_tolerance(
                cell.measurement, ref, cell.shots, tolerance.FAMILY_FAILURE / family_size)
        except tolerance.NoStatisticalModel:
            return None  # e.g. a state under shots: no estimator to bound; gradients still checked
        criterion = f"Hoeffding bound at {cell.shots} shots"
    return _compare("forward value", observed, ref.value, tol, criterion)


def _compare(what: str, observed: np.ndarray, expected: np.ndarray, tol: np.ndarray,
             criterion: str) -> ValueCheck:
    passed = observed.shape == expected.shape and bool(np.all(np.abs(observed - expected) <= tol))
    return ValueCheck(what, observed, expected, np.broadcast_to(tol, expected.shape), passed, criterion)


def _jacobian_check(
    cell: Cell, method: str, jac: np.ndarray, family_size: int
) -> tuple[ValueCheck | None, str]:
    """The Jacobian comparison, or a reason why no reference can vouch for it."""
    ref = reference(cell.measurement)
    if ref is None:
        return None, f"a Jacobian came out for {cell.measurement}, which has no gradient"
    observed = jac.reshape(ref.jacobian.shape) if jac.size == ref.jacobian.size else jac
    if cell.shots is not None:
        try:
            tol = tolerance.shots_jacobian_tolerance(
                method, cell.measurement, ref, cell.shots, tolerance.FAMILY_FAILURE / family_size)
        except tolerance.NoStatisticalModel as exc:
            return None, f"a Jacobian came out that no shot-noise model can judge: {exc}"
        return _compare("Jacobian", observed, ref.jacobian, tol, f"Hoeffding bound at {cell.shots} shots"), ""
    tol = tolerance.analytic_tolerance(method, ref)
    if method == "spsa":  # finite shots returned above
        ok = observed.shape == ref.jacobian.shape and bool(
            np.all(tolerance.spsa_matches(observed, ref.jacobian, tol)))
        return ValueCheck("Jacobian", observed, ref.jacobian, tol, ok,
                          "spsa: (J.d) d for a sign vector d, finite-difference error"), ""
    return _compare("Jacobian", observed, ref.jacobian, tol, f"{method}: analytic error bound"), ""


def run_cell(cell: Cell, *, family_size: int = 1) -> Run:
    """Run ``cell`` and classify it. ``family_size`` is the number of finite-shot
    checks in the whole run, over which the false-failure budget is split."""
    adapter = ADAPTERS[cell.interface]
    error: ObservedError | None = None
    connected = True
    checks: list[ValueCheck] = []
    detail = ""
    method: str | None = None
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        stage = Stage.FORWARD
        try:
            x = adapter.params(PARAMS)
            qnode = make_qnode(cell)
            f = real_output(qnode)
            try:
                trace = adapter.forward(f, x)
            except Exception as exc:
                if adapter.forward_alone is None:
                    raise
                forward_exc = adapter.forward_error(f, x)
                if forward_exc is not None:
                    raise forward_exc from None
                stage = Stage.GRADIENT
                raise exc from None
            forward = to_numpy(adapter.output(trace))
            stage = Stage.GRADIENT
            jac = adapter.jacobian(f, x, trace)
        except Exception as exc:  # noqa: BLE001 - any exception is an observation
            error = _observed_error(stage, exc)
        else:
            method = _resolved_method(qnode, x, cell.diff_method)
            check = _forward_check(cell, forward, family_size)
            checks += [check] if check is not None else []
            if jac is NO_GRADIENT:
                connected = False
            else:
                check, detail = _jacobian_check(cell, method, jac, family_size)
                checks += [check] if check is not None else []
    seconds = time.perf_counter() - start
    observed = classify(error=error, connected=connected, checks=tuple(checks), detail=detail)
    # PennyLane often repeats one warning per tape or per output row; keep each once.
    unique = dict.fromkeys(observed_warning(w) for w in caught)
    return Run(cell, observed, tuple(unique), method, seconds)
