"""Run one cell for real and turn what happened into an `Observed` outcome.

The only module that calls PennyLane on a cell's behalf: it builds the QNode,
runs the forward pass and the framework's Jacobian under `scaffold.observe`,
and checks the values against `oracle`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from supportmatrix.check import compat, tolerance
from supportmatrix.check.bounds import check_probability
from supportmatrix.check.circuits import (
    DEFAULT_CIRCUIT,
    PARAMS,
    CircuitShape,
    cell_qnode,
    real_output,
    to_real_vector,
)
from supportmatrix.check.classify import ValueCheck, compare_values, dtype_check
from supportmatrix.check.interfaces import ADAPTERS, NO_GRADIENT, to_numpy
from supportmatrix.check.oracle import Reference, oracle_measurement, reference
from supportmatrix.check.repeats import repeated_runs
from supportmatrix.check.run import CellRun
from supportmatrix.check.scaffold import forward_and_jacobian, observe
from supportmatrix.matrix.devices import device_named
from supportmatrix.matrix.model import QNodeCell, ResolvedCell


@dataclass(frozen=True)
class QNodeInputs:
    """A QNode cell run's extras (`check.run.CellRun.extras`): the circuit, parameters and
    seed run it ran with (the matrix's own by default), which its snippet rebuilds."""

    shape: CircuitShape = DEFAULT_CIRCUIT
    params: tuple[float, ...] = PARAMS
    run: int = 0


def _forward_check(
    cell: QNodeCell, ref: Reference | None, forward: Any, family_size: int
) -> ValueCheck | None:
    if ref is None or isinstance(forward, dict):
        return None
    observed = np.asarray(forward).reshape(-1)  # as returned: a complex part must show
    if cell.shots is None:
        tol = tolerance.forward_tolerance(ref)
        criterion = "analytic: float64 round-off"
    else:
        try:
            tol = tolerance.shots_forward_tolerance(
                cell.measurement, ref, cell.shots, check_probability(family_size)
            )
        except tolerance.NoStatisticalModel:
            return None  # e.g. a state under shots: no estimator to bound; gradients still checked
        criterion = f"Hoeffding bound at {cell.shots} shots"
    return compare_values("forward value", observed, expected=ref.value, tolerance=tol, criterion=criterion)


def _bias_check(
    cell: QNodeCell, shape: CircuitShape, run: int, x: Any, ref: Reference, family_size: int
) -> list[ValueCheck]:
    """The forward value estimated `tolerance.BIAS_REPEATS` times independently in one
    shot-vector execution, their mean against the reference (see `tolerance`), and the
    dtype of that mean (the estimates' own, as returned). A device that refuses the shot
    vector runs the repeats one by one instead, each seeded on its own: the same
    independent estimates."""
    assert cell.shots is not None
    repeats = tolerance.BIAS_REPEATS
    results, how = repeated_runs(
        lambda: cell_qnode(cell, shape=shape, run=run, repeats=repeats)(x),
        lambda index: cell_qnode(cell, shape=shape, run=run, repeat=index)(x),
        repeats=repeats,
        shots=cell.shots,
    )
    estimates = np.stack([np.asarray(to_numpy(to_real_vector(r))).reshape(-1) for r in results])
    tol = tolerance.shots_forward_tolerance(
        cell.measurement, ref, cell.shots, check_probability(family_size), repeats
    )
    what = "forward value, mean of repeats"
    mean = estimates.mean(axis=0)
    return [
        compare_values(
            what,
            mean,
            expected=ref.value,
            tolerance=tol,
            criterion=f"bias check: Hoeffding bound for the mean of {repeats} "
            f"independent {cell.shots}-shot estimates, {how}",
        ),
        dtype_check(what, mean),
    ]


def _jacobian_check(
    cell: QNodeCell, ref: Reference | None, method: str, jac: np.ndarray, family_size: int
) -> tuple[ValueCheck | None, str]:
    """The Jacobian comparison, or a reason why no reference can vouch for it."""
    if ref is None:
        return None, f"a Jacobian came out for {cell.measurement}, which has no gradient"
    observed = jac.reshape(ref.jacobian.shape) if jac.size == ref.jacobian.size else jac
    if cell.shots is not None:
        try:
            tol = tolerance.shots_jacobian_tolerance(
                method, cell.measurement, ref, cell.shots, check_probability(family_size)
            )
        except tolerance.NoStatisticalModel as exc:
            return None, f"a Jacobian came out that no shot-noise model can judge: {exc}"
        return compare_values(
            "Jacobian",
            observed,
            expected=ref.jacobian,
            tolerance=tol,
            criterion=f"Hoeffding bound at {cell.shots} shots",
        ), ""
    tol = tolerance.analytic_tolerance(method, ref)
    if method == "spsa":  # finite shots returned above
        # the real part is the spsa estimate; an imaginary part must vanish entry by entry
        ok = observed.shape == ref.jacobian.shape and bool(
            np.all(tolerance.spsa_matches(np.real(observed), ref.jacobian, tol))
            and np.all(np.abs(np.imag(observed)) <= tol)
        )
        return ValueCheck(
            "Jacobian",
            observed,
            ref.jacobian,
            tol,
            ok,
            "spsa: (J.d) d for a sign vector d, finite-difference error",
        ), ""
    return compare_values(
        "Jacobian",
        observed,
        expected=ref.jacobian,
        tolerance=tol,
        criterion=f"{method}: analytic error bound",
    ), ""


def run_qnode_cell(
    cell: QNodeCell,
    *,
    family_size: int = 1,
    run: int = 0,
    shape: CircuitShape = DEFAULT_CIRCUIT,
    params: Sequence[float] = PARAMS,
) -> CellRun:
    """Run ``cell`` and classify it.

    ``family_size`` is the number of finite-shot checks in the whole run, over
    which the false-failure budget is split. ``run`` selects independent device
    seeds (`seeds.cell_seed`); ``shape`` and ``params`` run another circuit of
    the family than the matrix's (the property tests).
    """
    adapter = ADAPTERS[cell.interface]
    params = tuple(float(p) for p in params)
    mixed_state = device_named(cell.device).mixed_state
    ref = reference(oracle_measurement(cell.measurement, mixed_state=mixed_state), shape, params)
    method: str | None = None
    with observe() as obs:
        with obs.attempt():
            x = adapter.params(params)
            qnode = cell_qnode(cell, shape=shape, run=run)
            forward, jac = forward_and_jacobian(adapter, real_output(qnode), x, obs)
        if obs.error is None:
            method = compat.resolved_method(cell.diff_method, qnode, x)
            forward_check = _forward_check(cell, ref, forward, family_size)
            obs.checks += [forward_check] if forward_check is not None else []
            # Every measurement with a reference is a real function of float64 parameters
            # (see `classify.dtype_check`); a counts dict has neither reference nor dtype.
            if ref is not None and not isinstance(forward, dict):
                obs.checks.append(dtype_check("forward value", np.asarray(forward)))
            if jac is NO_GRADIENT:
                obs.connected = False
            else:
                check, obs.detail = _jacobian_check(cell, ref, method, jac, family_size)
                obs.checks += [check] if check is not None else []
                if ref is not None:
                    obs.checks.append(dtype_check("Jacobian", jac))
            # Only a shot cell whose forward value has a noise model and that passed every
            # check so far can change its verdict through the bias check.
            if (
                cell.shots is not None
                and forward_check is not None
                and ref is not None
                and not obs.detail
                and all(c.passed for c in obs.checks)
            ):
                obs.add_bias_checks(lambda: _bias_check(cell, shape, run, x, ref, family_size))
    return CellRun(
        cell,
        obs.observed(),
        obs.warnings,
        obs.seconds,
        tuple(obs.checks),
        resolved_method=method,
        extras=QNodeInputs(shape, tuple(params), run),
    )


def run_resolved(rc: ResolvedCell, *, family_size: int) -> CellRun:
    """The registry's runner (`families.QNODE`): the cell at the matrix's own circuit."""
    return run_qnode_cell(rc.cell, family_size=family_size)
