"""The tests every matrix cell runs: the cell for real, judged against its declaration.

They live in the package, not only under ``tests/``, so that ``supportmatrix observe``
can run them from an installed copy; ``tests/test_qnode.py``, ``tests/test_hybrid.py`` and
``tests/test_qjit.py`` and ``tests/test_features.py`` import them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from supportmatrix.check.classify import mismatches
from supportmatrix.qnode.failure import failure_message
from supportmatrix.qnode.runner import QNodeRun, run_qnode_cell
from supportmatrix.features.failure import feature_failure_message
from supportmatrix.features.runner import FeatureRun, run_feature_cell
from supportmatrix.hybrid.failure import hybrid_failure_message
from supportmatrix.hybrid.runner import HybridRun, run_hybrid_cell
from supportmatrix.hybrid.worker_process import WorkerCrashed
from supportmatrix.matrix.model import (
    Expectation,
    ResolvedCell,
    ResolvedFeatureCell,
    ResolvedHybridCell,
    ResolvedQjitCell,
)
from supportmatrix.qjit.failure import qjit_failure_message
from supportmatrix.qjit.runner import QjitRun, run_qjit_cell


def _judge(run: Any, expectation: Expectation, record_cell: Callable[[Any, list[str]], Any],
           message: Callable[[list[str]], str]) -> None:
    """What every family's test does with its run: compare it with the declaration, record
    it, and fail with the family's failure text on any mismatch."""
    problems = mismatches(expectation, run.observed, run.warnings)
    record_cell(run, problems)
    if problems:
        pytest.fail(message(problems), pytrace=False)


def test_qnode_cell(resolved_cell: ResolvedCell, shot_check_count: int,
              record_cell: Callable[[QNodeRun, list[str]], None]) -> None:
    run = run_qnode_cell(resolved_cell.cell, family_size=shot_check_count)
    _judge(run, resolved_cell.expectation, record_cell,
           lambda problems: failure_message(run, resolved_cell.expectation, problems))


def test_hybrid_cell(resolved_hybrid_cell: ResolvedHybridCell,
                     record_cell: Callable[[HybridRun, list[str]], Any]) -> None:
    """A hybrid model built, differentiated, trained and judged."""
    rc = resolved_hybrid_cell
    try:
        run = run_hybrid_cell(rc.cell, rc.training)
    except WorkerCrashed as exc:
        pytest.fail(f"[{rc.cell.id}] {exc}", pytrace=False)
    _judge(run, rc.expectation, record_cell,
           lambda problems: hybrid_failure_message(run, rc, problems))


def test_qjit_cell(resolved_qjit_cell: ResolvedQjitCell, qjit_shot_check_count: int,
                   record_cell: Callable[[QjitRun, list[str]], Any]) -> None:
    """A QNode compiled with qml.qjit, differentiated by Catalyst, and judged."""
    rc = resolved_qjit_cell
    run = run_qjit_cell(rc.cell, family_size=qjit_shot_check_count)
    _judge(run, rc.expectation, record_cell,
           lambda problems: qjit_failure_message(run, rc, problems))


def test_feature_cell(resolved_feature_cell: ResolvedFeatureCell, feature_shot_check_count: int,
                      record_cell: Callable[[FeatureRun, list[str]], None]) -> None:
    """A features-family cell: its fixed circuit run for real, against its own oracle."""
    rc = resolved_feature_cell
    run = run_feature_cell(rc.cell, family_size=feature_shot_check_count)
    _judge(run, rc.expectation, record_cell,
           lambda problems: feature_failure_message(run, rc.expectation, problems))
