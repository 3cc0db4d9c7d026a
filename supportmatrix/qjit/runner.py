"""Run one Catalyst cell for real and turn what happened into an `Observed` outcome.

A cell executes its program (`programs`) under `check.scaffold.observe`: the forward
program ``qml.qjit(cost)`` compiled and run (stage ``forward``), then the derivative program
(stage ``gradient``). The forward value is checked against the oracle, the derivative
against the oracle's Jacobian or the Hessian stencil, with the bounds of `tolerance`.
Compilation is part of each stage, so a compile error is attributed to the stage whose
program failed to compile.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

import numpy as np

from supportmatrix.check import tolerance as shared
from supportmatrix.check.bounds import check_probability
from supportmatrix.check.classify import ValueCheck, compare_values
from supportmatrix.check.oracle import Reference, reference
from supportmatrix.check.run import CellRun
from supportmatrix.check.scaffold import observe
from supportmatrix.matrix.model import QjitCell, ResolvedCell, Stage
from supportmatrix.qjit import tolerance
from supportmatrix.qjit.programs import build_program


@dataclass(frozen=True)
class QjitTimings:
    """A Catalyst cell run's extras (`check.run.CellRun.extras`): the wall time of each
    stage that ran, compiling and running its program."""

    stage_seconds: tuple[tuple[str, float], ...] = ()


def missing_catalyst() -> str | None:
    """``pennylane-catalyst`` when Catalyst cannot be imported, else None."""
    return None if importlib.util.find_spec("catalyst") is not None else "pennylane-catalyst"


def run_qjit_cell(cell: QjitCell, *, family_size: int = 1) -> CellRun:
    """Run ``cell`` and classify it; ``family_size`` is the number of finite-shot checks
    of the whole family, over which the false-failure budget is split."""
    import time

    ref = reference(cell.measurement)
    stages: list[tuple[str, float]] = []
    with observe() as obs:
        with obs.attempt():
            program = build_program(cell)
            start = time.perf_counter()
            forward = program.forward(program.x)
            if ref is not None:  # counts: a dict of arrays, with nothing to compare
                forward = np.asarray(forward, dtype=float).reshape(-1)
            stages.append((Stage.FORWARD.value, time.perf_counter() - start))
            obs.stage = Stage.GRADIENT
            start = time.perf_counter()
            derivative = np.asarray(program.derivative(program.x), dtype=float)
            stages.append((Stage.GRADIENT.value, time.perf_counter() - start))
        if obs.error is None:
            p = check_probability(family_size)
            forward_check = _forward_check(cell, ref, forward, p)
            obs.checks += [forward_check] if forward_check is not None else []
            check, obs.detail = _derivative_check(cell, derivative, p)
            obs.checks += [check] if check is not None else []
    return CellRun(
        cell, obs.observed(), obs.warnings, obs.seconds, tuple(obs.checks), extras=QjitTimings(tuple(stages))
    )


def _forward_check(cell: QjitCell, ref: Reference | None, forward: np.ndarray, p: float) -> ValueCheck | None:
    if ref is None:
        return None
    if cell.shots is None:
        return compare_values(
            "forward value",
            forward,
            expected=ref.value,
            tolerance=shared.forward_tolerance(ref),
            criterion="analytic: float64 round-off",
        )
    try:
        tol = shared.shots_forward_tolerance(cell.measurement, ref, cell.shots, p)
    except shared.NoStatisticalModel:
        return None  # a state under shots: no estimator to bound; the derivative is still checked
    return compare_values(
        "forward value",
        forward,
        expected=ref.value,
        tolerance=tol,
        criterion=f"Hoeffding bound at {cell.shots} shots",
    )


def _derivative_check(cell: QjitCell, observed: np.ndarray, p: float) -> tuple[ValueCheck | None, str]:
    """The derivative's comparison, or why nothing can vouch for it."""
    if reference(cell.measurement) is None:
        return None, f"a derivative came out for {cell.measurement}, which has no gradient"
    if cell.derivative == "second":
        href = tolerance.hessian_reference(cell.measurement)
        assert href is not None  # every measurement of the axis has a value
        expected, what = href.hessian, "Hessian (grad of grad)"
        try:
            tol, criterion = _second_tolerance(cell, href, p)
        except shared.NoStatisticalModel as exc:
            return None, f"a Hessian came out that no shot-noise model can judge: {exc}"
    else:
        ref = reference(cell.measurement)
        assert ref is not None
        expected, what = ref.jacobian, "Jacobian"
        try:
            tol, criterion = _first_tolerance(cell, ref, p)
        except shared.NoStatisticalModel as exc:
            return None, f"a Jacobian came out that no shot-noise model can judge: {exc}"
    if observed.size == expected.size:
        observed = observed.reshape(expected.shape)
    tol = np.broadcast_to(tol, expected.shape)
    if not shared.discriminates(expected, tol):
        return None, (
            f"a {what} came out, but its error bound ({float(np.max(tol)):.3g}, "
            f"{criterion}) exceeds every entry of the reference, so no check could "
            f"tell it from zero or from its negative"
        )
    return compare_values(what, observed, expected=expected, tolerance=tol, criterion=criterion), ""


def _first_tolerance(cell: QjitCell, ref: Reference, p: float) -> tuple[np.ndarray, str]:
    if cell.shots is not None:
        return (
            shared.shots_jacobian_tolerance("parameter-shift", cell.measurement, ref, cell.shots, p),
            f"Hoeffding bound at {cell.shots} shots (parameter-shift's)",
        )
    if cell.method == "fd":
        return (
            tolerance.fd_tolerance(ref),
            f"Catalyst fd: forward difference, h={tolerance.CATALYST_FD_STEP:g}",
        )
    return shared.analytic_tolerance("adjoint", ref), "auto: exact method's bound"


def _second_tolerance(cell: QjitCell, href: tolerance.HessianReference, p: float) -> tuple[np.ndarray, str]:
    if cell.shots is not None:
        return (
            tolerance.shots_hessian_tolerance(href, cell.measurement, cell.shots, p),
            f"Hoeffding bound at {cell.shots} shots (parameter-shift Hessian's)",
        )
    if cell.method == "fd":
        return (
            tolerance.hessian_tolerance(href, "fd"),
            f"Catalyst fd of fd: nested forward difference, h={tolerance.CATALYST_FD_STEP:g}",
        )
    return tolerance.hessian_tolerance(href, "exact"), "auto: exact method's bound"


def run_resolved(rc: ResolvedCell, *, family_size: int) -> CellRun:
    """The registry's runner (`families.QJIT`)."""
    return run_qjit_cell(rc.cell, family_size=family_size)


def missing_for_cell(cell: QjitCell) -> str | None:
    """Why ``cell`` cannot run here (Catalyst is not installed), or None."""
    missing = missing_catalyst()
    return (
        None
        if missing is None
        else (f"{missing} is not installed (needed by the qjit family: catalyst, behind qml.qjit)")
    )
