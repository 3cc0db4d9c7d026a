"""Run one features-family cell for real and turn what happened into an `Observed` outcome.

The same workflow as a matrix cell (`check.runner`): build the feature's QNode on a fresh
device seeded from the cell id, run the forward pass and the framework's Jacobian through
the interface's adapter, and compare both with the feature's oracle under the feature's
tolerances; a finite-shot cell that passed also runs the bias check.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from supportmatrix.check import compat
from supportmatrix.check.circuits import BIAS_STREAM, MAIN_STREAM, DEVICE_WIRES, to_real_vector
from supportmatrix.check.classify import Observed, ObservedWarning, ValueCheck, compare_values
from supportmatrix.check.interfaces import ADAPTERS, NO_GRADIENT, to_numpy
from supportmatrix.check.runner import forward_and_jacobian
from supportmatrix.check.scaffold import observe
from supportmatrix.check.tolerance import BIAS_REPEATS, FAMILY_FAILURE, spsa_matches
from supportmatrix.features import tolerance
from supportmatrix.features.build import circuit_of
from supportmatrix.features.catalog import FEATURES, Feature, classical_jacobian
from supportmatrix.features.oracle import reference_of, tape_jacobian_of
from supportmatrix.matrix.model import FeatureCell


@dataclass(frozen=True)
class FeatureRun:
    """Everything observed when one features cell ran."""

    cell: FeatureCell
    observed: Observed
    warnings: tuple[ObservedWarning, ...]
    resolved_method: str | None
    seconds: float
    #: Every value comparison made, passed or not.
    checks: tuple[ValueCheck, ...] = ()
    #: The feature it ran, when not the catalog's own (other parameters: property tests).
    feature: Feature | None = None


def feature_seed(cell: FeatureCell, *, stream: int = MAIN_STREAM) -> int:
    """The cell's device seed: the crc32 of its id (mixed with the stream, as
    `check.circuits.cell_seed` does, for the bias check)."""
    base = zlib.crc32(cell.id.encode())
    if stream == MAIN_STREAM:
        return base
    return int(np.random.SeedSequence([base, 0, stream]).generate_state(1)[0])


def feature_qnode(cell: FeatureCell, *, repeats: int = 1, feature: Feature | None = None) -> Any:
    """The cell's QNode; ``repeats > 1`` runs a finite-shot cell's shots that many times
    as a shot vector, on its own seed stream (the bias check)."""
    shots: Any = cell.shots
    stream = MAIN_STREAM
    if repeats > 1:
        assert cell.shots is not None
        shots, stream = (cell.shots,) * repeats, BIAS_STREAM
    return compat.device_qnode(
        circuit_of(feature or FEATURES[cell.feature]), device=cell.device, wires=DEVICE_WIRES,
        seed=feature_seed(cell, stream=stream),
        interface=None if cell.interface == "None" else cell.interface,
        diff_method=cell.diff_method, shots=shots)


def feature_vector(result):  # no annotations: reproduction snippets quote its source
    """A feature's QNode result as the real vector its Jacobian is taken of: a tuple of
    measurements (``multi-measure``) concatenated in order, each flattened."""
    if not isinstance(result, tuple):
        return to_real_vector(result)
    import pennylane as qml

    return qml.math.concatenate([qml.math.reshape(to_real_vector(r), (-1,)) for r in result])


def _forward_check(cell: FeatureCell, feature: Feature, forward: Any, p: float) -> ValueCheck:
    observed = np.asarray(forward, dtype=float).reshape(-1)
    ref = reference_of(feature)
    if cell.shots is None:
        tol, criterion = tolerance.forward_tolerance(feature), "analytic: float64 round-off"
    else:
        tol = tolerance.shots_forward_tolerance(feature, cell.shots, p)
        criterion = f"Hoeffding bound at {cell.shots} shots"
    return compare_values("forward value", observed, expected=ref.value, tolerance=tol,
                          criterion=criterion)


def _jacobian_check(cell: FeatureCell, feature: Feature, method: str, jac: np.ndarray,
                    p: float) -> ValueCheck:
    ref = reference_of(feature).jacobian
    observed = jac.reshape(ref.shape) if jac.size == ref.size else jac
    if cell.shots is not None:
        tol = tolerance.shots_jacobian_tolerance(method, feature, cell.shots, p)
        return compare_values("Jacobian", observed, expected=ref, tolerance=tol,
                              criterion=f"Hoeffding bound at {cell.shots} shots")
    tol = tolerance.analytic_tolerance(method, feature)
    if method == "spsa" and not feature.batch:  # broadcast: held to J (see `tolerance`)
        classical = classical_jacobian(feature)
        if classical.shape[0] == classical.shape[1] and np.array_equal(classical, np.eye(len(classical))):
            ok = observed.shape == ref.shape and bool(np.all(spsa_matches(observed, ref, tol)))
        else:
            ok = tolerance.spsa_matches_through(observed, tape_jacobian_of(feature), classical, tol)
        return ValueCheck("Jacobian", observed, ref, tol, ok,
                          "spsa: (J.d) d for a sign vector d, finite-difference error")
    return compare_values("Jacobian", observed, expected=ref, tolerance=tol,
                          criterion=f"{method}: analytic error bound")


def _bias_checks(cell: FeatureCell, feature: Feature, x: Any, p: float) -> list[ValueCheck]:
    """`BIAS_REPEATS` independent estimates in one shot-vector run: that they are not all
    equal, then their mean against the reference at the pooled shot count
    (`check.tolerance`'s bias check; `tolerance`, "Independent partitions")."""
    assert cell.shots is not None
    results = feature_qnode(cell, repeats=BIAS_REPEATS, feature=feature)(x)
    estimates = np.stack([np.asarray(to_numpy(feature_vector(r)), dtype=float).reshape(-1)
                          for r in results])
    spread = estimates.max(axis=0) - estimates.min(axis=0)
    bound = tolerance.all_partitions_equal_bound(cell.shots, BIAS_REPEATS)
    assert bound < p, "the all-equal bound must be below the per-check budget"
    independent = ValueCheck(
        "shot-vector partitions, max - min", spread, np.zeros_like(spread),
        np.zeros_like(spread), bool(np.any(spread > 0)),
        f"independent partitions differ: all {BIAS_REPEATS} equal has probability <= {bound:.1g}")
    if not independent.passed:
        return [independent]
    tol = tolerance.shots_forward_tolerance(feature, cell.shots, p, BIAS_REPEATS)
    return [independent, compare_values("forward value, mean of repeats", estimates.mean(axis=0),
                          expected=reference_of(feature).value, tolerance=tol,
                          criterion=f"bias check: Hoeffding bound for the mean of {BIAS_REPEATS} "
                                    f"independent {cell.shots}-shot estimates")]


def run_feature_cell(cell: FeatureCell, *, family_size: int = 1,
                     feature: Feature | None = None) -> FeatureRun:
    """Run ``cell`` and classify it; ``family_size`` is the number of finite-shot checks
    in the features family's run, over which the false-failure budget is split.
    ``feature`` runs the cell's feature with other parameters (the property tests)."""
    adapter = ADAPTERS[cell.interface]
    own = feature
    feature = feature or FEATURES[cell.feature]
    p = FAMILY_FAILURE / family_size
    method: str | None = None
    with observe() as obs:
        with obs.attempt():
            x = adapter.params(feature.params)
            qnode = feature_qnode(cell, feature=feature)
            forward, jac = forward_and_jacobian(adapter, lambda v: feature_vector(qnode(v)), x, obs)
        if obs.error is None:
            method = compat.resolved_method(cell.diff_method, qnode, x)
            forward_check = _forward_check(cell, feature, forward, p)
            obs.checks.append(forward_check)
            if jac is NO_GRADIENT:
                obs.connected = False
            else:
                obs.checks.append(_jacobian_check(cell, feature, method, jac, p))
            if cell.shots is not None and all(c.passed for c in obs.checks):
                try:
                    obs.checks += _bias_checks(cell, feature, x, p)
                except Exception as exc:  # noqa: BLE001 - reported as why nothing vouches
                    obs.detail = (f"the bias check's shot-vector run raised "
                                  f"{type(exc).__name__}: {exc}")
    return FeatureRun(cell, obs.observed(), obs.warnings, method, obs.seconds, tuple(obs.checks),
                      own)
