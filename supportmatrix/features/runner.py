"""Run one features-family cell for real and turn what happened into an `Observed` outcome.

The same workflow as a matrix cell (`qnode.runner`): build the feature's QNode on a fresh
device seeded from the cell id, run the forward pass and the framework's Jacobian (and,
for a Hessian feature, its Hessian: `hessian`) through the interface's adapter, and
compare them with the feature's oracle under the feature's tolerances, per shot-vector
partition where the feature has one (`partitions`); every value, Jacobian and Hessian also
gets a dtype check. A finite-shot cell that passed also runs the bias check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from supportmatrix.check import compat
from supportmatrix.check.bounds import BIAS_REPEATS, check_probability
from supportmatrix.check.circuits import to_real_vector
from supportmatrix.check.classify import ValueCheck, compare_values, dtype_check
from supportmatrix.check.interfaces import ADAPTERS, NO_GRADIENT
from supportmatrix.check.repeats import repeated_runs
from supportmatrix.check.run import CellRun
from supportmatrix.check.scaffold import forward_and_jacobian, observe
from supportmatrix.check.seeds import BIAS_STREAM, MAIN_STREAM, cell_seed, spsa_gradient_kwargs
from supportmatrix.check.tolerance import spsa_matches
from supportmatrix.features import hessian_tolerance, partitions, tolerance
from supportmatrix.features.build import circuit_of
from supportmatrix.features.catalog import FEATURES
from supportmatrix.features.hessian import second_derivatives
from supportmatrix.features.model import Feature
from supportmatrix.features.oracle import hessian_of, reference_of, tape_jacobian_of
from supportmatrix.matrix.model import FeatureCell, ResolvedCell


@dataclass(frozen=True)
class FeatureInputs:
    """A features cell run's extras (`check.run.CellRun.extras`): the feature it ran when
    not the catalog's own (other parameters: property tests), and which independent device
    seeds it ran with (`seeds.cell_seed`; 0 is the suite's own)."""

    feature: Feature | None = None
    run: int = 0


def cell_shots(cell: FeatureCell, feature: Feature) -> int | tuple[int, ...] | None:
    """What the QNode gets as ``shots``: None, the cell's shots, or the feature's own
    vector or shots."""
    if cell.shots is None:
        return None
    return feature.shot_vector or feature.shots or cell.shots


def feature_qnode(
    cell: FeatureCell,
    *,
    repeats: int = 1,
    feature: Feature | None = None,
    run: int = 0,
    repeat: int | None = None,
) -> Any:
    """The cell's QNode; ``repeats > 1`` runs a finite-shot cell's shots (or shot vector)
    that many times as one shot vector, on its own seed stream (the bias check); ``repeat``
    is one such copy alone, with a seed of its own (a device that refuses shot vectors)."""
    feature = feature or FEATURES[cell.feature]
    shots: Any = cell_shots(cell, feature)
    stream = MAIN_STREAM if repeat is None else BIAS_STREAM
    if repeats > 1:
        assert cell.shots is not None
        shots = partitions.shot_partitions(feature, cell.shots) * repeats
        stream = BIAS_STREAM
    return compat.device_qnode(
        circuit_of(feature),
        device=cell.device,
        wires=feature.device_wires,
        seed=cell_seed(cell, stream=stream, run=run, repeat=repeat),
        interface=None if cell.interface == "None" else cell.interface,
        diff_method=cell.diff_method,
        shots=shots,
        max_diff=feature.derivative,
        gradient_kwargs=spsa_gradient_kwargs(cell, run),
        mcm_method=feature.mcm_method,
    )


def feature_vector(result):  # no annotations: reproduction snippets quote its source
    """A feature's QNode result as the real vector its Jacobian is taken of: a tuple of
    measurements (``multi-measure``) concatenated in order, each flattened."""
    if not isinstance(result, tuple):
        return to_real_vector(result)
    import pennylane as qml

    return qml.math.concatenate([qml.math.reshape(to_real_vector(r), (-1,)) for r in result])


def partitions_vector(result):  # no annotations: reproduction snippets quote its source
    """A shot vector's result, one entry per partition, as one real vector: each
    partition's `feature_vector`, concatenated in order."""
    import pennylane as qml

    return qml.math.concatenate([feature_vector(r) for r in result])


def vector_function(cell: FeatureCell, feature: Feature, qnode: Any) -> Any:
    """The function of the parameters whose Jacobian the cell takes."""
    if cell.shots is not None and feature.shot_vector:
        return lambda v: partitions_vector(qnode(v))
    return lambda v: feature_vector(qnode(v))


def _dtype_check(what: str, feature: Feature, observed: np.ndarray) -> ValueCheck:
    if feature.dtype == "float32":
        return dtype_check(what, observed, parameters="float32", allowed=tolerance.FLOAT32_DTYPES)
    return dtype_check(what, observed)


def _forward_checks(cell: FeatureCell, feature: Feature, forward: Any, p: float) -> list[ValueCheck]:
    observed = np.asarray(forward).reshape(-1)  # as returned: a complex part must show
    ref = reference_of(feature)
    if cell.shots is None:
        return [
            compare_values(
                "forward value",
                observed,
                expected=ref.value,
                tolerance=tolerance.forward_tolerance(feature),
                criterion=f"analytic: {feature.dtype} round-off",
            )
        ]
    return partitions.partition_checks(
        "forward value",
        observed,
        ref.value,
        partitions.shot_partitions(feature, cell.shots),
        lambda shots: tolerance.shots_forward_tolerance(feature, shots, p),
    )


def _jacobian_checks(
    cell: FeatureCell, feature: Feature, method: str, jac: np.ndarray, p: float
) -> list[ValueCheck]:
    ref = reference_of(feature).jacobian
    if cell.shots is not None:
        return partitions.partition_checks(
            "Jacobian",
            jac,
            ref,
            partitions.shot_partitions(feature, cell.shots),
            lambda shots: tolerance.shots_jacobian_tolerance(method, feature, shots, p),
        )
    observed = jac.reshape(ref.shape) if jac.size == ref.size else jac
    tol = tolerance.analytic_tolerance(method, feature)
    if method == "spsa" and not feature.batch:  # broadcast: held to J (see `tolerance`)
        classical = feature.classical_jacobian
        if classical.shape[0] == classical.shape[1] and np.array_equal(classical, np.eye(len(classical))):
            ok = observed.shape == ref.shape and bool(np.all(spsa_matches(observed, ref, tol)))
        else:
            ok = tolerance.spsa_matches_through(observed, tape_jacobian_of(feature), classical, tol)
        return [
            ValueCheck(
                "Jacobian",
                observed,
                ref,
                tol,
                ok,
                "spsa: (J.d) d for a sign vector d, finite-difference error",
            )
        ]
    return [
        compare_values(
            "Jacobian", observed, expected=ref, tolerance=tol, criterion=f"{method}: analytic error bound"
        )
    ]


def _hessian_check(
    cell: FeatureCell, feature: Feature, method: str, hess: np.ndarray, p: float
) -> tuple[ValueCheck, str]:
    """The Hessian comparison, and why no bound can vouch for it when none can
    (`hessian_tolerance.vouches`)."""
    ref = hessian_of(feature)
    observed = hess.reshape(ref.shape) if hess.size == ref.size else hess
    if cell.shots is not None:
        shots = feature.shots or cell.shots
        tol = hessian_tolerance.shots_hessian_tolerance(method, feature, shots, p)
        return compare_values(
            "Hessian",
            observed,
            expected=ref,
            tolerance=tol,
            criterion=f"Hoeffding bound at {shots} shots",
        ), ""
    tol = hessian_tolerance.analytic_hessian_tolerance(method, feature)
    check = compare_values(
        "Hessian", observed, expected=ref, tolerance=tol, criterion=f"{method}: analytic error bound"
    )
    if hessian_tolerance.vouches(feature, tol):
        return check, ""
    return check, (
        f"a Hessian came out for which {method}'s own error bound "
        f"({float(np.max(tol)):.2g}) cannot vouch: it does not resolve "
        f"{hessian_tolerance.RESOLVED:g} of a second derivative's scale"
    )


def _bias_checks(cell: FeatureCell, feature: Feature, x: Any, p: float, run: int) -> list[ValueCheck]:
    """`BIAS_REPEATS` independent estimates of every partition in one shot-vector run, or
    one run per repeat on a device that refuses the vector (`partitions.bias_checks`)."""
    assert cell.shots is not None
    shot_partitions = partitions.shot_partitions(feature, cell.shots)

    def one(index: int) -> list[Any]:
        result = feature_qnode(cell, feature=feature, run=run, repeat=index)(x)
        return list(result) if len(shot_partitions) > 1 else [result]

    results, how = repeated_runs(
        lambda: feature_qnode(cell, repeats=BIAS_REPEATS, feature=feature, run=run)(x),
        one,
        repeats=BIAS_REPEATS,
        shots=feature.shots or cell.shots,
        results=BIAS_REPEATS * len(shot_partitions),
    )
    if not how.startswith("run as shots="):  # one list of partitions per repeat
        results = [r for repeat in results for r in repeat]
    return partitions.bias_checks(
        feature, shot_partitions, results, feature_vector, reference_of(feature).value, p, how=how
    )


def run_feature_cell(
    cell: FeatureCell, *, family_size: int = 1, feature: Feature | None = None, run: int = 0
) -> CellRun:
    """Run ``cell`` and classify it; ``family_size`` is the number of finite-shot checks
    in the features family's run, over which the false-failure budget is split.
    ``feature`` runs the cell's feature with other parameters (the property tests), ``run``
    with other device seeds (the false-failure measurement)."""
    adapter = ADAPTERS[cell.interface]
    own = feature
    feature = feature or FEATURES[cell.feature]
    p = check_probability(family_size)
    method: str | None = None
    hess: Any = NO_GRADIENT
    with observe() as obs:
        with obs.attempt():
            x = adapter.params(feature.params, feature.dtype)
            qnode = feature_qnode(cell, feature=feature, run=run)
            f = vector_function(cell, feature, qnode)
            if feature.derivative == 2:
                forward, jac, hess = second_derivatives(cell.interface, f, x, obs)
            else:
                forward, jac = forward_and_jacobian(adapter, f, x, obs)
        if obs.error is None:
            method = compat.resolved_method(cell.diff_method, qnode, x)
            obs.checks += [
                *_forward_checks(cell, feature, forward, p),
                _dtype_check("forward value", feature, forward),
            ]
            if jac is NO_GRADIENT:
                obs.connected = False
            else:
                obs.checks += [
                    *_jacobian_checks(cell, feature, method, jac, p),
                    _dtype_check("Jacobian", feature, jac),
                ]
                if feature.derivative == 2 and hess is NO_GRADIENT:
                    obs.connected = False
                elif feature.derivative == 2:
                    check, obs.detail = _hessian_check(cell, feature, method, hess, p)
                    obs.checks += [check, _dtype_check("Hessian", feature, hess)]
            if cell.shots is not None and not obs.detail and all(c.passed for c in obs.checks):
                obs.add_bias_checks(lambda: _bias_checks(cell, feature, x, p, run))
    return CellRun(
        cell,
        obs.observed(),
        obs.warnings,
        obs.seconds,
        tuple(obs.checks),
        resolved_method=method,
        extras=FeatureInputs(own, run),
    )


def run_resolved(rc: ResolvedCell, *, family_size: int) -> CellRun:
    """The registry's runner (`families.FEATURES`): the cell at its feature's own parameters."""
    return run_feature_cell(rc.cell, family_size=family_size)
