"""A features cell's value checks per shot-vector partition, and the bias check's repeats of every partition.

A feature with a ``shot_vector`` (``shot-vector``) runs its finite-shot cells with that
vector: PennyLane returns one result per partition, and the cell differentiates their
concatenation (`vector_of`), so the framework's Jacobian holds one block of rows per
partition. Each partition's value and Jacobian are checked against the reference with
the tolerance of its own shot count (`tolerance`, Hoeffding at that partition's shots;
every entry is one check of the family's union bound). A feature without a shot vector is
one partition of the cell's shots.

The bias check (`tolerance`, "Independent partitions") repeats the whole shot vector
`check.bounds.BIAS_REPEATS` times in one execution: for each partition, its repeats
must not all be equal, and their mean must be within the pooled bound.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from supportmatrix.check.bounds import BIAS_REPEATS
from supportmatrix.check.classify import ValueCheck, compare_values
from supportmatrix.check.interfaces import to_numpy
from supportmatrix.features import tolerance
from supportmatrix.features.model import Feature


def shot_partitions(feature: Feature, shots: int) -> tuple[int, ...]:
    """The partitions a finite-shot cell of ``feature`` runs at the shots axis value
    ``shots``: its shot vector, or its own shots, or ``shots``."""
    return feature.shot_vector or (feature.shots or shots,)


def label(partitions: tuple[int, ...], index: int) -> str:
    """What a check of partition ``index`` is called after its quantity."""
    if len(partitions) == 1:
        return ""
    return f", partition {index + 1} of {len(partitions)} ({partitions[index]} shots)"


def split(values: np.ndarray, parts: int) -> list[np.ndarray]:
    """A concatenation of ``parts`` partitions' rows, back into one array per partition."""
    return list(np.split(np.asarray(values), parts, axis=0))


def partition_checks(
    what: str,
    observed: np.ndarray,
    expected: np.ndarray,
    partitions: tuple[int, ...],
    tolerance_at: Callable[[int], np.ndarray],
) -> list[ValueCheck]:
    """One Hoeffding check of ``what`` per partition, at that partition's shots."""
    return [
        compare_values(
            f"{what}{label(partitions, k)}",
            part.reshape(expected.shape) if part.size == expected.size else part,
            expected=expected,
            tolerance=tolerance_at(shots),
            criterion=f"Hoeffding bound at {shots} shots",
        )
        for k, (part, shots) in enumerate(zip(split(observed, len(partitions)), partitions, strict=True))
    ]


def bias_checks(
    feature: Feature,
    partitions: tuple[int, ...],
    results: Any,
    vector: Callable[[Any], Any],
    expected: np.ndarray,
    p: float,
    how: str = "",
) -> list[ValueCheck]:
    """The bias check of every partition, from ``results``: the QNode's results for the
    shot vector ``partitions * BIAS_REPEATS`` (in that order however they were run, which
    ``how`` says), each made a real vector by ``vector``."""
    estimates = np.stack([np.asarray(to_numpy(vector(r)), dtype=float).reshape(-1) for r in results]).reshape(
        BIAS_REPEATS, len(partitions), -1
    )
    checks: list[ValueCheck] = []
    for k, shots in enumerate(partitions):
        own = estimates[:, k, :]
        spread = own.max(axis=0) - own.min(axis=0)
        bound = tolerance.all_partitions_equal_bound(shots, BIAS_REPEATS)
        assert bound < p, "the all-equal bound must be below the per-check budget"
        independent = ValueCheck(
            f"shot-vector partitions{label(partitions, k)}, max - min",
            spread,
            np.zeros_like(spread),
            np.zeros_like(spread),
            bool(np.any(spread > 0)),
            f"independent partitions differ: all {BIAS_REPEATS} equal has probability <= {bound:.1g}",
        )
        checks.append(independent)
        if not independent.passed:
            return checks
        checks.append(
            compare_values(
                f"forward value, mean of repeats{label(partitions, k)}",
                own.mean(axis=0),
                expected=expected,
                tolerance=tolerance.shots_forward_tolerance(feature, shots, p, BIAS_REPEATS),
                criterion=f"bias check: Hoeffding bound for the mean of {BIAS_REPEATS} "
                f"independent {shots}-shot estimates" + (f", {how}" if how else ""),
            )
        )
    return checks
