"""Every hybrid-model cell of matrix.yaml, built, differentiated, trained and judged."""

from __future__ import annotations

import pytest

from supportmatrix.check.classify import mismatches
from supportmatrix.hybrid.failure import hybrid_failure_message
from supportmatrix.hybrid.runner import run_hybrid_cell
from supportmatrix.matrix.model import ResolvedHybridCell
from supportmatrix.hybrid.worker_process import WorkerCrashed


def test_hybrid_cell(resolved_hybrid_cell: ResolvedHybridCell, record_cell) -> None:
    rc = resolved_hybrid_cell
    try:
        run = run_hybrid_cell(rc.cell, rc.training)
    except WorkerCrashed as exc:
        pytest.fail(f"[{rc.cell.id}] {exc}", pytrace=False)
    problems = mismatches(rc.expectation, run.observed, run.warnings)
    record_cell(run, problems)
    if problems:
        pytest.fail(hybrid_failure_message(run, rc, problems), pytrace=False)
